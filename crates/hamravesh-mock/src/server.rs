//! Starting, controlling and stopping the mock server.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use bytes::Bytes;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
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
    /// The profile to serve matches the schema but does not decode into the typed models (a
    /// repeated key, an id beyond `i64`, an integral float such as `1598.0` where an integer is
    /// expected), so a client of this SDK could not read it.
    #[error("the profile to serve does not decode into the typed models: {0}")]
    FixtureUndecodable(hamravesh_types::DecodeError),
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

    /// Counts a request that gets no fault (one refused before routing).
    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
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
    header_read_timeout: Duration,
}

/// How long a connection may take to send a request head unless configured otherwise.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for MockBuilder {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            profile: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}

impl MockBuilder {
    /// The API key requests must carry (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The profile JSON to serve (default [`DEFAULT_PROFILE`]); it must match the schema and
    /// decode into [`hamravesh_types::Profile`].
    pub fn profile_json(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.profile = Some(json.into());
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// How long a connection may take to send a complete request head before it is closed
    /// (default [`DEFAULT_HEADER_READ_TIMEOUT`]).
    ///
    /// The clock starts when the mock begins waiting for a head: at accept for the first request,
    /// and when the previous response is sent on a kept-alive connection. So this is also the
    /// idle keep-alive timeout, and a client that connects and sends part of a request (or
    /// nothing) holds its connection for at most this long.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Checks the profile (JSON, the schema, the typed models), binds, and starts serving in the
    /// background.
    pub async fn start(self) -> Result<MockServer, MockError> {
        let raw = self
            .profile
            .unwrap_or_else(|| DEFAULT_PROFILE.as_bytes().to_vec());
        let value: Value = serde_json::from_slice(&raw)?;
        hamravesh_types::validate(&value).map_err(MockError::FixtureInvalid)?;
        // The schema cannot see what a parsed Value has already lost (a repeated key keeps its
        // last value) and may admit numbers the models cannot hold: serve only what a client of
        // this SDK can decode.
        hamravesh_types::decode(&raw).map_err(MockError::FixtureUndecodable)?;
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
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout)
            .max_buf_size(crate::routes::HYPER_MAX_HEAD_BYTES)
            .max_headers(crate::routes::HYPER_MAX_HEADERS);
        let app = crate::routes::router(Arc::clone(&state));
        let task = tokio::spawn(serve(listener, http, app, Arc::clone(&state)));
        Ok(MockServer {
            addr,
            state,
            task: Some(task),
        })
    }
}

/// Accepts connections and serves each on its own task until this future is dropped.
///
/// Written out instead of `axum::serve` because that gives no access to hyper's header-read
/// timeout, without which half-sent requests hold their connections (and file descriptors) for
/// ever.
async fn serve(listener: TcpListener, http: http1::Builder, app: Router, state: Arc<State>) {
    // Dropped with this future (when the server is aborted): every connection then finishes its
    // current response and closes.
    let (_stop, stopped) = watch::channel(());
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                // Out of file descriptors or memory: wait for connections to close rather
                // than spin.
                tracing::error!(%error, "mock server cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        state.connections.fetch_add(1, Ordering::SeqCst);
        // Small answers go out at once rather than waiting for Nagle's delay.
        let _ = stream.set_nodelay(true);
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                // Timeouts, resets and unparsable requests: the client's doing, not the mock's.
                tracing::debug!(%error, "mock connection ended");
            }
        });
    }
}

/// Whether an accept error concerns only the connection being accepted.
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::Interrupted
    )
}

/// The URL a client uses for a server listening on `addr`: an unspecified address (`0.0.0.0`,
/// `::`) listens on every interface, but is not one a client can connect to, so it becomes the
/// loopback address of the same family.
pub(crate) fn client_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
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

    /// The base URL, e.g. `http://127.0.0.1:41234`. Bound to every interface (`0.0.0.0` or
    /// `::`), the mock is reached at the loopback address, and that is the URL given.
    pub fn url(&self) -> String {
        client_url(self.addr)
    }

    /// The address the mock listens on, as bound (possibly unspecified: see [`MockServer::url`]).
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

#[cfg(test)]
mod tests {
    use super::client_url;

    #[test]
    fn client_urls_replace_only_unspecified_addresses() {
        for (addr, url) in [
            ("0.0.0.0:8080", "http://127.0.0.1:8080"),
            ("[::]:8080", "http://[::1]:8080"),
            ("127.0.0.1:1", "http://127.0.0.1:1"),
            ("192.0.2.7:80", "http://192.0.2.7:80"),
            ("[2001:db8::1]:443", "http://[2001:db8::1]:443"),
        ] {
            let addr = addr.parse().unwrap_or_else(|_| panic!("{addr}"));
            assert_eq!(client_url(addr), url);
        }
    }
}
