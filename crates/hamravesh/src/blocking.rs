//! A blocking client with the same API as the async one, for programs without an async runtime.
//!
//! It runs the async client on a private single-threaded runtime, so retries, limits and errors
//! have one implementation. It cannot be used inside an async runtime (blocking there would
//! stall the runtime's thread, and tokio refuses to start a runtime inside another): building or
//! calling it there returns [`ConfigError::InsideAsyncRuntime`]; use [`crate::Client`] there.
//! That includes `tokio::task::spawn_blocking` threads, which run inside the runtime's context:
//! there, `tokio::runtime::Handle::current().block_on(client.profile())` with the async client
//! does the same job. Dropping it is safe anywhere.

use std::sync::Arc;

use crate::{ClientBuilder, ConfigError, Error, Profile};

/// A blocking client of the Hamravesh API. Cheap to clone: clones share one runtime and one
/// connection pool.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    client: crate::Client,
    /// Always `Some` until dropped; an `Option` so that `Drop` can choose how to shut it down.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                // Dropping a runtime inside another panics; let it wind down on its own instead.
                runtime.shutdown_background();
            } else {
                drop(runtime);
            }
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.shared.client.fmt_settings("blocking::Client", f)
    }
}

/// Refuses to block inside an async runtime, where `block_on` would panic.
fn outside_runtime() -> Result<(), Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(ConfigError::InsideAsyncRuntime.into());
    }
    Ok(())
}

impl Client {
    /// A client for the real service with this API key and default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        Self::from_builder(crate::Client::builder().api_key(api_key))
    }

    /// A client configured from `HAMRAVESH_API_KEY` and, if set, `HAMRAVESH_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_builder(ClientBuilder::from_env())
    }

    /// A blocking client with the settings of an async [`ClientBuilder`].
    pub fn from_builder(builder: ClientBuilder) -> Result<Self, Error> {
        outside_runtime()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ConfigError::Runtime)?;
        // reqwest's client must be built where a runtime can reach it.
        let client = runtime.block_on(async { builder.build() })?;
        Ok(Self {
            shared: Arc::new(Shared {
                client,
                runtime: Some(runtime),
            }),
        })
    }

    /// Runs a call of the async client to completion on the private runtime.
    fn block_on<T>(
        &self,
        call: impl AsyncFnOnce(&crate::Client) -> Result<T, Error>,
    ) -> Result<T, Error> {
        outside_runtime()?;
        match &self.shared.runtime {
            Some(runtime) => runtime.block_on(call(&self.shared.client)),
            // Only `Drop` takes the runtime, and nothing can call a client being dropped.
            None => Err(ConfigError::InsideAsyncRuntime.into()),
        }
    }

    /// `GET /api/v1/users/profile`: the signed-in user's profile and organizations.
    pub fn profile(&self) -> Result<Profile, Error> {
        self.block_on(async |client| client.profile().await)
    }

    /// The raw JSON body of `GET /api/v1/users/profile`.
    pub fn profile_json(&self) -> Result<Vec<u8>, Error> {
        self.block_on(async |client| client.profile_json().await)
    }
}
