//! Starting, controlling and stopping the mock server.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::serve::ListenerExt;
use bytes::Bytes;
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::{DEFAULT_API_KEY, DEFAULT_PROFILE, Fault};

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The profile to serve is not JSON.
    #[error("the profile to serve is not JSON: {0}")]
    FixtureNotJson(#[from] serde_json::Error),
    /// The profile to serve does not match the schema.
    #[error("the profile to serve does not match the schema:\n{0}")]
    FixtureInvalid(hamravesh_types::ValidationErrors),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
}

/// Shared state of a running mock.
pub(crate) struct State {
    pub(crate) api_key: String,
    pub(crate) profile: Bytes,
    faults: Mutex<VecDeque<Fault>>,
    delay: Mutex<Duration>,
    requests: AtomicUsize,
    connections: AtomicUsize,
    last_headers: Mutex<Option<axum::http::HeaderMap>>,
}

impl State {
    /// Remembers the headers of the latest profile request, for tests to inspect.
    pub(crate) fn record_headers(&self, headers: &axum::http::HeaderMap) {
        *self
            .last_headers
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(headers.clone());
    }

    /// Counts a request and takes the fault queued for it, if any.
    pub(crate) fn begin_request(&self) -> Option<Fault> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    pub(crate) fn delay(&self) -> Duration {
        *self.delay.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Configures a [`MockServer`].
#[derive(Debug, Clone)]
#[must_use]
pub struct MockBuilder {
    api_key: String,
    profile: Option<Vec<u8>>,
    addr: SocketAddr,
}

impl Default for MockBuilder {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            profile: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

impl MockBuilder {
    /// The API key requests must carry (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The profile JSON to serve (default [`DEFAULT_PROFILE`]); it must match the schema.
    pub fn profile_json(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.profile = Some(json.into());
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Validates the profile against the schema, binds, and starts serving in the background.
    pub async fn start(self) -> Result<MockServer, MockError> {
        let raw = self
            .profile
            .unwrap_or_else(|| DEFAULT_PROFILE.as_bytes().to_vec());
        let value: Value = serde_json::from_slice(&raw)?;
        hamravesh_types::validate(&value).map_err(MockError::FixtureInvalid)?;
        let state = Arc::new(State {
            api_key: self.api_key,
            profile: Bytes::from(raw),
            faults: Mutex::default(),
            delay: Mutex::default(),
            requests: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            last_headers: Mutex::default(),
        });
        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| MockError::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind {
            addr: self.addr,
            source,
        })?;
        let counted = Arc::clone(&state);
        let listener = listener.tap_io(move |_| {
            counted.connections.fetch_add(1, Ordering::SeqCst);
        });
        let app = crate::routes::router(Arc::clone(&state));
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "mock server stopped");
            }
        });
        Ok(MockServer {
            addr,
            state,
            task: Some(task),
        })
    }
}

/// A running mock of the Hamravesh API. Stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    /// The server task; taken by [`MockServer::wait`], aborted on drop otherwise.
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a mock with the default key and profile on an ephemeral loopback port.
    pub async fn start() -> Result<Self, MockError> {
        MockBuilder::default().start().await
    }

    /// A builder for a mock with another key, profile or address.
    pub fn builder() -> MockBuilder {
        MockBuilder::default()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the mock accepts.
    pub fn api_key(&self) -> &str {
        &self.state.api_key
    }

    /// Queues `fault` for each of the next `times` requests.
    pub fn push_fault(&self, fault: Fault, times: usize) {
        let mut faults = self
            .state
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Delays every normal response by `delay` (zero to stop).
    pub fn set_delay(&self, delay: Duration) {
        *self
            .state
            .delay
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = delay;
    }

    /// Requests received so far, on any path.
    pub fn request_count(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// TCP connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// A header of the latest request to the profile endpoint (`None` if absent or not text).
    pub fn last_request_header(&self, name: &str) -> Option<String> {
        let headers = self
            .state
            .last_headers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        headers
            .as_ref()?
            .get(name)?
            .to_str()
            .ok()
            .map(str::to_owned)
    }

    /// Serves until the server task ends (it does not end on its own; abort the future to stop).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}
