//! A blocking client with the same API as the async one, for programs without an async runtime.
//!
//! It runs the async client on a private single-threaded runtime, so retries, limits and errors
//! have one implementation. It cannot be used inside an async runtime (blocking there would
//! stall the runtime's thread, and tokio refuses to start a runtime inside another): building or
//! calling it there returns [`ConfigError::InsideAsyncRuntime`]; use [`crate::Client`] there.
//! That includes `tokio::task::spawn_blocking` threads, which run inside the runtime's context:
//! there, `tokio::runtime::Handle::current().block_on(client.get_profile())` with the async client
//! does the same job. Dropping it is safe anywhere.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::stream::{Stream, StreamExt};
use hamravesh_types::notifications::{Notification, NotificationPage};

use crate::{ClientBuilder, ConfigError, Error, Method, Response};

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
        self.run(call(&self.shared.client))?
    }

    /// Runs a future to completion on the private runtime.
    fn run<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        outside_runtime()?;
        match &self.shared.runtime {
            Some(runtime) => Ok(runtime.block_on(future)),
            // Only `Drop` takes the runtime, and nothing can call a client being dropped.
            None => Err(ConfigError::InsideAsyncRuntime.into()),
        }
    }

    crate::generated::blocking_methods!();

    /// The raw JSON body of `GET /api/v1/users/profile`.
    pub fn profile_json(&self) -> Result<Vec<u8>, Error> {
        self.block_on(async |client| client.profile_json().await)
    }

    /// One page of the notification feed; see [`crate::Client::notifications`].
    pub fn notifications(
        &self,
        organization: &str,
        limit: u32,
        offset: u64,
    ) -> Result<NotificationPage, Error> {
        self.block_on(async |client| client.notifications(organization, limit, offset).await)
    }

    /// Every notification of the feed, page after page, as an iterator; see
    /// [`crate::NotificationWalk`] for the settings and how a walk ends.
    ///
    /// ```no_run
    /// # fn run(client: hamravesh::blocking::Client) -> Result<(), hamravesh::Error> {
    /// for notification in client.walk_notifications("my-team").page_size(50) {
    ///     let notification = notification?;
    ///     println!("{} {}", notification.timestamp, notification.title);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn walk_notifications(&self, organization: &str) -> NotificationWalk {
        NotificationWalk {
            client: self.clone(),
            walk: self.shared.client.walk_notifications(organization),
        }
    }

    /// Every notification of the feed, newest first; see [`crate::Client::all_notifications`].
    pub fn all_notifications(&self, organization: &str) -> Result<Vec<Notification>, Error> {
        self.block_on(async |client| client.all_notifications(organization).await)
    }

    /// A request of any method to any path under the base URL; see [`crate::Client::request`]
    /// (the path is checked, and nothing sent, until it is sent).
    ///
    /// ```no_run
    /// # fn run(client: hamravesh::blocking::Client) -> Result<(), hamravesh::Error> {
    /// let response = client
    ///     .request(hamravesh::Method::GET, "/api/v1/darkube/apps/")
    ///     .organization("my-team")
    ///     .send_raw()?;
    /// println!("{}", response.status());
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: Method, path: impl AsRef<str>) -> RequestBuilder {
        RequestBuilder {
            client: self.clone(),
            inner: self.shared.client.request(method, path),
        }
    }
}

/// A request being built by the blocking [`Client::request`]; see [`crate::RequestBuilder`].
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct RequestBuilder {
    client: Client,
    inner: crate::RequestBuilder,
}

impl RequestBuilder {
    /// Adds a query parameter; see [`crate::RequestBuilder::query`].
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.inner = self.inner.query(name, value);
        self
    }

    /// Acts for an organization; see [`crate::RequestBuilder::organization`].
    pub fn organization(mut self, name: impl Into<String>) -> Self {
        self.inner = self.inner.organization(name);
        self
    }

    /// Sends `body` encoded as JSON; see [`crate::RequestBuilder::json`].
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.inner = self.inner.json(body);
        self
    }

    /// Sends these bytes as a JSON body; see [`crate::RequestBuilder::json_bytes`].
    pub fn json_bytes(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.inner = self.inner.json_bytes(body);
        self
    }

    /// The final answer, whatever its status; see [`crate::RequestBuilder::send_raw`].
    pub fn send_raw(self) -> Result<Response, Error> {
        self.client.run(self.inner.send_raw())?
    }

    /// A successful answer decoded as `T`; see [`crate::RequestBuilder::send`].
    pub fn send<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.client.run(self.inner.send())?
    }

    /// Every item of a paginated list; see [`crate::RequestBuilder::pages`].
    pub fn pages(self) -> PageWalk {
        PageWalk {
            client: self.client,
            walk: self.inner.pages(),
        }
    }
}

/// A walk over the pages of a list for the blocking client; see [`crate::PageWalk`].
#[must_use = "a walk does nothing until it is read"]
#[derive(Debug)]
pub struct PageWalk {
    client: Client,
    walk: crate::PageWalk,
}

impl PageWalk {
    /// The most pages to read; see [`crate::PageWalk::max_pages`].
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.walk = self.walk.max_pages(pages);
        self
    }

    /// The most items to collect; see [`crate::PageWalk::max_items`].
    pub fn max_items(mut self, items: u64) -> Self {
        self.walk = self.walk.max_items(items);
        self
    }

    /// Calls `inspect` with each page's body; see [`crate::PageWalk::inspect_pages`].
    pub fn inspect_pages(mut self, inspect: impl FnMut(&[u8]) + Send + 'static) -> Self {
        self.walk = self.walk.inspect_pages(inspect);
        self
    }

    /// The most bytes of pages to read; see [`crate::PageWalk::max_bytes`].
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.walk = self.walk.max_bytes(bytes);
        self
    }

    /// Every item of every page, decoded; see [`crate::PageWalk::collect`].
    pub fn collect<T: serde::de::DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        self.client.run(self.walk.collect())?
    }

    /// Every item of every page as sent, in one JSON array; see
    /// [`crate::PageWalk::collect_json`].
    pub fn collect_json(self) -> Result<Vec<u8>, Error> {
        self.client.run(self.walk.collect_json())?
    }
}

/// A walk over the notification feed for the blocking client: the settings of
/// [`crate::NotificationWalk`], read as an iterator or collected.
#[derive(Debug, Clone)]
#[must_use = "a walk does nothing until it is read"]
pub struct NotificationWalk {
    client: Client,
    walk: crate::NotificationWalk,
}

impl NotificationWalk {
    /// How many notifications to ask for per page (default 100).
    pub fn page_size(mut self, size: u32) -> Self {
        self.walk = self.walk.page_size(size);
        self
    }

    /// The most pages to read (default 10,000; the first page is always read); reaching it
    /// before the end is an error.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.walk = self.walk.max_pages(pages);
        self
    }

    /// The most notifications to hand out (default 100,000); more is an error.
    pub fn max_items(mut self, items: u64) -> Self {
        self.walk = self.walk.max_items(items);
        self
    }

    /// Every notification, newest first, or the first error.
    pub fn collect(self) -> Result<Vec<Notification>, Error> {
        self.client.run(self.walk.collect())?
    }
}

impl IntoIterator for NotificationWalk {
    type Item = Result<Notification, Error>;
    type IntoIter = Notifications;

    /// The notifications, a page fetched whenever the last one is used up. After an error the
    /// iterator ends.
    fn into_iter(self) -> Notifications {
        Notifications {
            client: self.client,
            stream: Some(Box::pin(self.walk.into_stream())),
        }
    }
}

/// The async walk's stream, boxed so the iterator can name it.
type NotificationStream = Pin<Box<dyn Stream<Item = Result<Notification, Error>> + Send>>;

/// The iterator of a blocking [`NotificationWalk`].
pub struct Notifications {
    client: Client,
    /// `None` once it has ended.
    stream: Option<NotificationStream>,
}

impl std::fmt::Debug for Notifications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifications")
            .field("client", &self.client)
            .field("ended", &self.stream.is_none())
            .finish()
    }
}

impl Iterator for Notifications {
    type Item = Result<Notification, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        let item = match self.client.run(stream.next()) {
            Ok(item) => item,
            Err(error) => Some(Err(error)),
        };
        if matches!(item, None | Some(Err(_))) {
            self.stream = None;
        }
        item
    }
}
