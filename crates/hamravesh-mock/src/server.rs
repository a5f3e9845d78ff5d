//! Starting, controlling and stopping the mock server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::serve::Listener;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use hamravesh_types::namespaces::Namespace;
use hamravesh_types::notifications::Notification;
use hamravesh_types::{Operation, Profile};

use crate::error::MockError;
use crate::fixture::{
    check_notifications, check_profile, edit_notifications, edit_profile, set_balance,
};
use crate::http;
use crate::state::{ServedProfile, State, locked, replace};
use crate::{DEFAULT_API_KEY, DEFAULT_NOTIFICATIONS, DEFAULT_PROFILE, Fault};

/// hyper's read buffer, which bounds a request head (hyper's bare 431 beyond); the mock refuses
/// smaller heads itself, with its envelope (`routes::MAX_*`). A soft bound: hyper checks it
/// between reads, so a head that arrives at once may reach about twice this. Also about what one
/// half-sent request can make the mock hold in memory.
const HYPER_MAX_HEAD_BYTES: usize = 64 * 1024;
/// hyper's limit on header lines (hyper's bare 431 beyond).
const HYPER_MAX_HEADERS: usize = 256;

/// An edit of the profile, applied at [`MockBuilder::start`].
type ProfileEdit = Arc<dyn Fn(&mut Profile) -> Result<(), MockError> + Send + Sync>;
/// An edit of the notification feed, applied at [`MockBuilder::start`].
type FeedEdit = Arc<dyn Fn(&mut Vec<Notification>) -> Result<(), MockError> + Send + Sync>;

/// Configures a [`MockServer`].
#[derive(Clone)]
#[must_use]
pub struct MockBuilder {
    api_key: String,
    profile: Option<Vec<u8>>,
    profile_edits: Vec<ProfileEdit>,
    notifications: Option<Vec<u8>>,
    notification_edits: Vec<FeedEdit>,
    addr: SocketAddr,
    header_read_timeout: Duration,
}

impl std::fmt::Debug for MockBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBuilder")
            .field("addr", &self.addr)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("profile_edits", &self.profile_edits.len())
            .field("notification_edits", &self.notification_edits.len())
            .finish_non_exhaustive()
    }
}

/// How long a connection may take to send a request head unless configured otherwise.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for MockBuilder {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            profile: None,
            profile_edits: Vec::new(),
            notifications: None,
            notification_edits: Vec::new(),
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

    /// The profile to serve, built from the models (`Profile::builder()…try_into()?`, or a
    /// decoded one): it replaces the JSON profile and earlier edits; later edits apply to it.
    /// [`MockBuilder::start`] refuses it unless it matches the schema.
    pub fn profile(self, profile: Profile) -> Self {
        self.profile_with(move |current| *current = profile.clone())
    }

    /// Edits the profile to serve (the default, or the one given) through its decoded form,
    /// after the edits before it. [`MockBuilder::start`] encodes the result and refuses it
    /// unless it matches the schema; fields the models do not declare are not kept.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), hamravesh_mock::MockError> {
    /// let server = hamravesh_mock::MockServer::builder()
    ///     .profile_with(|profile| profile.organizations[0].budget = 1_000_000.0)
    ///     .start()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn profile_with(mut self, edit: impl Fn(&mut Profile) + Send + Sync + 'static) -> Self {
        self.profile_edits.push(Arc::new(move |profile| {
            edit(profile);
            Ok(())
        }));
        self
    }

    /// Sets the `balance` of the profile's organization named `organization` (the value of
    /// `x-organization`; the default profile has one, `my-team`, with balance 0).
    /// [`MockBuilder::start`] fails with [`MockError::UnknownOrganization`] if there is no such
    /// organization, and refuses a balance that is not a finite number.
    pub fn organization_balance(mut self, organization: impl Into<String>, balance: f64) -> Self {
        let name = organization.into();
        self.profile_edits.push(Arc::new(move |profile| {
            set_balance(profile, &name, balance)
        }));
        self
    }

    /// The notification feed to serve, newest first, built from the models: it replaces the
    /// JSON feed and earlier edits. [`MockBuilder::start`] refuses it unless every item matches
    /// the schema.
    pub fn notifications(self, feed: Vec<Notification>) -> Self {
        self.notifications_with(move |current| *current = feed.clone())
    }

    /// Edits the notification feed to serve (the default, or the one given) through its decoded
    /// form, after the edits before it; checked at [`MockBuilder::start`] as
    /// [`MockBuilder::notifications`] is.
    pub fn notifications_with(
        mut self,
        edit: impl Fn(&mut Vec<Notification>) + Send + Sync + 'static,
    ) -> Self {
        self.notification_edits.push(Arc::new(move |feed| {
            edit(feed);
            Ok(())
        }));
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
    /// of its head; a slower one gets `408` and the connection is closed. An answer the client
    /// reads none of for as long is abandoned and the connection closed.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Checks the profile and the notification feed (JSON, the schema, the typed models), binds,
    /// and starts serving in the background.
    pub async fn start(self) -> Result<MockServer, MockError> {
        let mut profile = check_profile(
            self.profile
                .unwrap_or_else(|| DEFAULT_PROFILE.as_bytes().to_vec()),
        )?;
        for edit in &self.profile_edits {
            profile = edit_profile(&profile, |p| edit(p))?;
        }
        let raw_feed = self.notifications.as_deref();
        let mut notifications =
            check_notifications(raw_feed.unwrap_or(DEFAULT_NOTIFICATIONS.as_bytes()))?;
        for edit in &self.notification_edits {
            notifications = edit_notifications(&notifications, |feed| edit(feed))?;
        }
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
            profile: RwLock::new(Arc::new(profile)),
            notifications: RwLock::new(Arc::new(notifications)),
            edits: Mutex::default(),
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
        let mut faults = locked(&self.state.faults);
        faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Queues `fault` for each of the next `times` requests to `operation` (one of
    /// [`hamravesh_types::operations::ALL`]); requests to other operations are answered normally.
    pub fn push_fault_on(&self, operation: &Operation, fault: Fault, times: usize) {
        let mut faults = locked(&self.state.operation_faults);
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

    /// Edits the profile served from now on through its decoded form, as
    /// [`MockBuilder::profile_with`] does at start: the result is encoded and checked, and on
    /// an error the profile served stays as it was. Requests already being answered keep the
    /// profile they started with. Edits are taken one at a time: the closure must not call this
    /// mock's setters itself, or it waits for ever on its own edit.
    pub fn update_profile(&self, edit: impl FnOnce(&mut Profile)) -> Result<(), MockError> {
        self.edit_profile(|profile| {
            edit(profile);
            Ok(())
        })
    }

    /// Sets the `balance` of the profile's organization named `organization` from now on (see
    /// [`MockBuilder::organization_balance`]); an unknown name or a balance that is not a finite
    /// number is an error and changes nothing.
    pub fn set_organization_balance(
        &self,
        organization: &str,
        balance: f64,
    ) -> Result<(), MockError> {
        self.edit_profile(|profile| set_balance(profile, organization, balance))
    }

    /// Edits the notification feed served from now on through its decoded form, checked as
    /// [`MockBuilder::notifications`] is; on an error the feed stays as it was. As with
    /// `update_profile`, the closure must not call this mock's setters itself.
    pub fn update_notifications(
        &self,
        edit: impl FnOnce(&mut Vec<Notification>),
    ) -> Result<(), MockError> {
        let _editing = locked(&self.state.edits);
        let edited = edit_notifications(&self.state.notifications(), |feed| {
            edit(feed);
            Ok(())
        })?;
        replace(&self.state.notifications, edited);
        Ok(())
    }

    fn edit_profile(
        &self,
        edit: impl FnOnce(&mut Profile) -> Result<(), MockError>,
    ) -> Result<(), MockError> {
        let _editing = locked(&self.state.edits);
        let edited: ServedProfile = edit_profile(&self.state.profile(), edit)?;
        replace(&self.state.profile, edited);
        Ok(())
    }

    /// Delays every normal response by `delay` (zero to stop).
    pub fn set_delay(&self, delay: Duration) {
        *locked(&self.state.delay) = delay;
    }

    /// Requests received so far, on any path.
    pub fn request_count(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Requests received so far for `operation` (its method on its path), whatever the answer.
    pub fn request_count_on(&self, operation: &Operation) -> usize {
        locked(&self.state.operation_requests)
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
        let headers = locked(&self.state.last_headers);
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
