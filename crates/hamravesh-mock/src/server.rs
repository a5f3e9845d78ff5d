//! Starting, controlling and stopping the mock server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::serve::Listener;
use bytes::Bytes;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use hamravesh_types::namespaces::Namespace;
use hamravesh_types::{Document, Operation};

use crate::http;
use crate::namespaces::Cluster;
use crate::state::{Organization, State};
use crate::{DEFAULT_API_KEY, DEFAULT_NOTIFICATIONS, DEFAULT_PROFILE, Fault};

/// hyper's read buffer, which bounds a request head (hyper's bare 431 beyond); the mock refuses
/// smaller heads itself, with its envelope (`routes::MAX_*`). A soft bound: hyper checks it
/// between reads, so a head that arrives at once may reach about twice this. Also about what one
/// half-sent request can make the mock hold in memory.
const HYPER_MAX_HEAD_BYTES: usize = 64 * 1024;
/// hyper's limit on header lines (hyper's bare 431 beyond).
const HYPER_MAX_HEADERS: usize = 256;

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
    /// The notification feed to serve is not a JSON array.
    #[error("the notification feed to serve is not a JSON array of notifications: {0}")]
    NotificationsNotJson(String),
    /// A notification of the feed does not match the schema (paths are those of a page holding
    /// the whole feed: `/results/N/...`).
    #[error("the notification feed to serve does not match the schema:\n{0}")]
    NotificationsInvalid(hamravesh_types::ValidationErrors),
    /// A notification of the feed matches the schema but does not decode into the typed models.
    #[error("the notification feed to serve does not decode into the typed models: {0}")]
    NotificationsUndecodable(hamravesh_types::DecodeError),
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

/// Configures a [`MockServer`].
#[derive(Debug, Clone)]
#[must_use]
pub struct MockBuilder {
    api_key: String,
    profile: Option<Vec<u8>>,
    notifications: Option<Vec<u8>>,
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
            notifications: None,
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
    ///
    /// The bytes are taken as given, whatever their size: a caller reading them from a file
    /// should cap the read (`hamravesh mock --fixture` reads at most 16 MiB).
    pub fn profile_json(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.profile = Some(json.into());
        self
    }

    /// The notification feed to serve, newest first (default [`DEFAULT_NOTIFICATIONS`]): a JSON
    /// array of notifications, each of which must match the schema of a page's items and decode
    /// into [`hamravesh_types::notifications::Notification`]. It is served in the order given,
    /// one page at a time.
    ///
    /// The bytes are taken as given, whatever their size: a caller reading them from a file
    /// should cap the read (`hamravesh mock --notifications` reads at most 16 MiB).
    pub fn notifications_json(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.notifications = Some(json.into());
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
    ///
    /// A request body (a namespace to create) has as long again to arrive, counted from the end
    /// of its head; a slower one gets `408` and the connection is closed.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Checks the profile and the notification feed (JSON, the schema, the typed models), binds,
    /// and starts serving in the background.
    pub async fn start(self) -> Result<MockServer, MockError> {
        let raw = self
            .profile
            .unwrap_or_else(|| DEFAULT_PROFILE.as_bytes().to_vec());
        let value: Value = serde_json::from_slice(&raw)?;
        Document::Profile
            .validator()
            .validate(&value)
            .map_err(MockError::FixtureInvalid)?;
        // The schema cannot see what a parsed Value has already lost (a repeated key keeps its
        // last value) and may admit numbers the models cannot hold: serve only what a client of
        // this SDK can decode.
        Document::Profile
            .decodes(&raw)
            .map_err(MockError::FixtureUndecodable)?;
        let organizations = organizations(&value);
        let notifications = match &self.notifications {
            Some(raw) => check_notifications(raw)?,
            None => check_notifications(DEFAULT_NOTIFICATIONS.as_bytes())?,
        };
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
        let host = client_url(addr).trim_start_matches("http://").to_owned();
        let state = Arc::new(State {
            api_key: self.api_key,
            profile: Bytes::from(raw),
            organizations,
            notifications,
            namespaces: Mutex::default(),
            host,
            body_read_timeout: self.header_read_timeout,
            faults: Mutex::default(),
            operation_faults: Mutex::default(),
            delay: Mutex::default(),
            requests: AtomicUsize::new(0),
            operation_requests: Mutex::default(),
            connections: AtomicUsize::new(0),
            last_headers: Mutex::default(),
        });
        let limits = http::Limits {
            header_read_timeout: self.header_read_timeout,
            max_connections: usize::MAX,
            max_head_bytes: HYPER_MAX_HEAD_BYTES,
            max_headers: HYPER_MAX_HEADERS,
        };
        let app = crate::routes::router(Arc::clone(&state));
        let (refuse, refusals) = mpsc::unbounded_channel();
        let listener = MockListener {
            listener: Some(listener),
            addr,
            state: Arc::clone(&state),
            refusals,
        };
        // Stopped by aborting the task (on drop).
        let task = tokio::spawn(http::serve(listener, app, limits, std::future::pending()));
        Ok(MockServer {
            addr,
            state,
            task: Some(task),
            refuse,
        })
    }
}

/// The organizations of a profile that matches the schema: each one's name and the clusters of its
/// `available_clusters` that have an integer id.
fn organizations(profile: &Value) -> Vec<Organization> {
    let empty = Vec::new();
    profile
        .get("organizations")
        .and_then(Value::as_array)
        .unwrap_or(&empty)
        .iter()
        .filter_map(|organization| {
            let name = organization.get("name")?.as_str()?.to_owned();
            let clusters = organization
                .get("available_clusters")
                .and_then(Value::as_array)
                .unwrap_or(&empty)
                .iter()
                .filter_map(Cluster::from_profile_item)
                .collect();
            Some(Organization { name, clusters })
        })
        .collect()
}

/// Checks a notification feed: a JSON array whose items are notifications a page may carry and
/// the typed models decode.
fn check_notifications(raw: &[u8]) -> Result<Vec<Value>, MockError> {
    let value: Value =
        serde_json::from_slice(raw).map_err(|e| MockError::NotificationsNotJson(e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(MockError::NotificationsNotJson(
            "expected an array at the top level".to_owned(),
        ));
    };
    let page = serde_json::json!({
        "count": items.len(),
        "next": null,
        "previous": null,
        "results": items,
    });
    Document::NotificationPage
        .validator()
        .validate(&page)
        .map_err(MockError::NotificationsInvalid)?;
    // Decoded from the raw items, so a repeated key is caught as in the profile.
    let mut bytes = br#"{"count": 0, "next": null, "previous": null, "results": "#.to_vec();
    bytes.extend_from_slice(raw);
    bytes.push(b'}');
    Document::NotificationPage
        .decodes(&bytes)
        .map_err(MockError::NotificationsUndecodable)?;
    match page {
        Value::Object(mut page) => match page.remove("results") {
            Some(Value::Array(items)) => Ok(items),
            _ => Ok(Vec::new()),
        },
        _ => Ok(Vec::new()),
    }
}

/// A request to stop listening for a while: how long, and who to tell once the socket is closed.
type Refusal = (Duration, oneshot::Sender<()>);

/// The mock's listening socket: counts the connections it accepts, and closes for a while when
/// told to ([`MockServer::refuse_connections_for`]).
struct MockListener {
    /// `None` while refusing connections.
    listener: Option<TcpListener>,
    addr: SocketAddr,
    state: Arc<State>,
    refusals: mpsc::UnboundedReceiver<Refusal>,
}

impl Listener for MockListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let Some(listener) = self.listener.as_mut() else {
                self.listener = Some(bind_again(self.addr).await);
                continue;
            };
            let refusal = tokio::select! {
                accepted = Listener::accept(listener) => {
                    self.state.connections.fetch_add(1, Ordering::SeqCst);
                    return accepted;
                }
                Some(refusal) = self.refusals.recv() => refusal,
            };
            let (pause, closed) = refusal;
            self.listener = None;
            let _ = closed.send(());
            tokio::time::sleep(pause).await;
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

/// Listens on `addr` again after a refusal.
async fn bind_again(addr: SocketAddr) -> TcpListener {
    loop {
        match TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(error) => {
                // Taken by another process meanwhile: keep trying rather than stop serving.
                tracing::error!(%error, %addr, "mock server cannot listen again");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
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
    /// Tells the server task to stop listening for a while.
    refuse: mpsc::UnboundedSender<Refusal>,
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

    /// Queues `fault` for each of the next `times` requests, whatever their path.
    ///
    /// These come before faults queued with [`MockServer::push_fault_on`].
    pub fn push_fault(&self, fault: Fault, times: usize) {
        let mut faults = self
            .state
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Queues `fault` for each of the next `times` requests to `operation` (one of
    /// [`hamravesh_types::operations::ALL`]); requests to other operations are answered normally.
    pub fn push_fault_on(&self, operation: &Operation, fault: Fault, times: usize) {
        let mut faults = self
            .state
            .operation_faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        faults
            .entry(operation.id.to_owned())
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    /// Stops listening for `pause`, so that new connections are refused (the client's connect
    /// fails: the request certainly never reached the server), then listens again on the same
    /// address. Returns once the socket is closed. Connections already open are kept.
    ///
    /// For testing that a client retries what could not have been sent, even a POST: start a
    /// call after this returns, with a retry backoff that outlasts `pause`.
    pub async fn refuse_connections_for(&self, pause: Duration) {
        let (closed, is_closed) = oneshot::channel();
        if self.refuse.send((pause, closed)).is_ok() {
            // An error means the server task has ended: nothing is listening anyway.
            let _ = is_closed.await;
        }
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

    /// Requests received so far for `operation` (its method on its path), whatever the answer.
    pub fn request_count_on(&self, operation: &Operation) -> usize {
        self.state
            .operation_requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(operation.id)
            .copied()
            .unwrap_or(0)
    }

    /// Namespaces that exist now (created and not deleted), in every organization.
    pub fn namespace_count(&self) -> usize {
        self.state.namespaces().len()
    }

    /// The namespaces that exist now in the organization named `organization`, in the order of
    /// their ids, as the create answers carried them.
    pub fn namespaces(&self, organization: &str) -> Vec<Namespace> {
        self.state
            .namespaces()
            .of(organization)
            .into_iter()
            // Built by the mock from the schema's fields: each one decodes.
            .filter_map(|namespace| serde_json::from_value(namespace).ok())
            .collect()
    }

    /// TCP connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// A header of the latest request to any operation (`None` if absent or not text).
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
