//! A blocking client with the same API as the async one, for programs without an async runtime.
//!
//! It runs the async client on a private single-threaded runtime. Do not call it from inside an
//! async runtime (it would block that runtime's thread); use [`crate::Client`] there.

use crate::{ClientBuilder, Error, Profile};

/// A blocking client of the Hamravesh API.
#[derive(Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: tokio::runtime::Runtime,
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                crate::ConfigError::HttpClient(format!("cannot start the I/O runtime: {e}"))
            })?;
        // reqwest's client must be built where a runtime can reach it.
        let inner = runtime.block_on(async { builder.build() })?;
        Ok(Self { inner, runtime })
    }

    /// `GET /api/v1/users/profile`: the signed-in user's profile and organizations.
    pub fn profile(&self) -> Result<Profile, Error> {
        self.runtime.block_on(self.inner.profile())
    }

    /// The raw JSON body of `GET /api/v1/users/profile`.
    pub fn profile_json(&self) -> Result<Vec<u8>, Error> {
        self.runtime.block_on(self.inner.profile_json())
    }
}
