//! The client, its builder, and the one request loop every call goes through.

use std::borrow::Cow;
use std::ffi::OsString;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hamravesh_types::namespaces::{CreateNamespace, Namespace};
use hamravesh_types::notifications::{Notification, NotificationPage};
use hamravesh_types::operations::{
    CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE, LIST_NOTIFICATIONS,
};
use hamravesh_types::{ORGANIZATION_HEADER, Operation};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url, Version};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::body::{ReadError, parse_error_body_for, read_capped};
use crate::config::{
    authorization, endpoint, is_loopback, organization, parse_base_url, shown_url,
};
use crate::error::{
    ApiErrorBody, BaseUrlError, CarriedOut, ConfigError, Deadline, Error, Kind, PathError,
    RedirectReason,
};
use crate::pagination::NotificationWalk;
use crate::request::RequestBuilder;
use crate::retry::{RetryPolicy, is_retryable_status, may_have_acted, should_retry};
use crate::{API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, PROXY_ENV, Profile};

/// The organization header, from the operation list (checked when this compiles).
const ORGANIZATION: HeaderName = HeaderName::from_static(ORGANIZATION_HEADER);
/// The notification feed's query parameters, from the operation list (a unit test checks them).
const LIMIT: &str = LIST_NOTIFICATIONS.query_parameters[0].name;
const OFFSET: &str = LIST_NOTIFICATIONS.query_parameters[1].name;
/// The namespace id in the delete path's template.
const NAMESPACE_ID: &str = DELETE_NAMESPACE.path_parameters[0].name;

/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for one attempt, from sending the request to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for a whole call: every attempt and every wait between them.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
/// Default cap on a response body.
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;
/// Redirects followed within the API's origin before the client gives up.
pub(crate) const MAX_REDIRECTS: usize = 5;
/// A client of the Hamravesh API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The same settings, following no redirect: for requests that are not idempotent, where
    /// following would send a POST again (307, 308) or turn it into a GET (301, 302, 303).
    /// `None` with a caller's own `reqwest::Client`.
    http_no_redirects: Option<reqwest::Client>,
    base_url: Url,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    /// `None` with a caller's own `reqwest::Client`, whose connect timeout is its own.
    connect_timeout: Option<Duration>,
    total_timeout: Duration,
    retry: RetryPolicy,
    max_body_size: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt_settings("Client", f)
    }
}

impl Inner {
    /// The settings, never the key: shared by the async and the blocking client's `Debug`.
    fn fmt_settings(&self, name: &str, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(name)
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_retries", &self.retry.max_retries)
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}

/// Builds a [`Client`]; every setting has a sane default except the API key.
///
/// [`ClientBuilder::from_env`] reads the environment; [`Client::builder`] reads nothing, so a
/// program that configures everything itself (a local mock, say) is not affected by it. Every
/// setter overrides what the environment said.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    /// `HAMRAVESH_API_KEY` was set but not UTF-8 (reported by `build` unless a key is set).
    api_key_not_unicode: bool,
    base_url: Option<String>,
    /// `HAMRAVESH_BASE_URL` was set but not UTF-8 (reported by `build` unless a URL is set).
    base_url_not_unicode: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    max_body_size: Option<usize>,
    http: Option<reqwest::Client>,
    /// The proxy URL (held as a secret: it may carry a user name and password).
    proxy: Option<SecretString>,
}

impl ClientBuilder {
    /// A builder with the API key and base URL taken from `HAMRAVESH_API_KEY` and
    /// `HAMRAVESH_BASE_URL`, and a proxy from `HAMRAVESH_PROXY` (see [`ClientBuilder::proxy`]). An unset, empty or blank variable means "not given"; a variable that
    /// is not valid UTF-8 makes [`ClientBuilder::build`] fail saying so, unless the setting is
    /// given again with [`ClientBuilder::api_key`] or [`ClientBuilder::base_url`].
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// [`ClientBuilder::from_env`] with the environment given as a function, for tests.
    fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Self {
        let mut builder = Self::default();
        match get(API_KEY_ENV).map(OsString::into_string) {
            Some(Ok(key)) => builder.api_key = Some(SecretString::from(key)),
            Some(Err(_)) => builder.api_key_not_unicode = true,
            None => {}
        }
        match get(BASE_URL_ENV).map(OsString::into_string) {
            Some(Ok(url)) if !url.trim().is_empty() => builder.base_url = Some(url.trim().into()),
            Some(Ok(_)) | None => {}
            Some(Err(raw)) => {
                builder.base_url_not_unicode = Some(shown_url(&raw.to_string_lossy()));
            }
        }
        // A value that is not UTF-8 is read lossily: it then fails to parse or to authenticate,
        // and is never silently dropped (which would send requests around the proxy).
        if let Some(url) = get(PROXY_ENV).map(|raw| raw.to_string_lossy().trim().to_owned()) {
            if !url.is_empty() {
                builder.proxy = Some(SecretString::from(url));
            }
        }
        builder
    }

    /// The API key (created in the console under Profile → API keys). Held as a secret.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self.api_key_not_unicode = false;
        self
    }

    /// The base URL (default `https://api.hamravesh.com`). `http://` is accepted only for
    /// loopback hosts, such as a local mock. It overrides `HAMRAVESH_BASE_URL`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.base_url_not_unicode = None;
        self
    }

    /// The limit for one attempt, from sending the request to reading the whole body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit for establishing a connection (default 10 s). Ignored with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The limit for a whole call, every attempt and every wait before a retry included
    /// (default 2 min). A retry whose wait would pass it is not made; an attempt still running
    /// when it passes is cut short. The error then says the deadline ended the call
    /// ([`Error::is_deadline`]).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt is retried (default 3; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The backoff ceiling before the first retry and the largest ceiling (defaults 250 ms and 8 s).
    /// Each wait is random between zero and the ceiling, which doubles per retry.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` the client honours (default 60 s); a server asking for longer
    /// gets no further retry and the caller gets the error. A `Retry-After` of 0 or in the past
    /// still waits the backoff ceiling for that retry.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// The `User-Agent` header (default `hamravesh-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The largest response body accepted (default 4 MiB), enforced while reading.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Use a preconfigured `reqwest::Client` (proxies, custom roots, …). Its redirect policy is
    /// its own: configure it not to follow redirects to other hosts. The connect timeout set on
    /// this builder does not apply to it; the per-attempt timeout and the total deadline do.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sends every request through this proxy: `http://`, `https://`, `socks5://` (names
    /// resolved locally) or `socks5h://` (names resolved by the proxy), with an optional
    /// `user:password@`. It overrides `HAMRAVESH_PROXY` and the system's proxy variables, and
    /// applies to loopback base URLs too. The key still travels only inside TLS to an `https`
    /// base URL (an HTTP proxy gets a `CONNECT` tunnel); a plain `http` loopback base URL is
    /// accepted only through a proxy that is itself on loopback. The URL is held as a secret and
    /// never printed. Ignored with [`ClientBuilder::http_client`], whose proxies are its own.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(SecretString::from(url.into()));
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        if self.api_key_not_unicode {
            return Err(ConfigError::ApiKeyNotUnicode.into());
        }
        if let Some(url) = self.base_url_not_unicode {
            return Err(ConfigError::InvalidBaseUrl {
                url,
                source: BaseUrlError::NotUnicode,
            }
            .into());
        }
        let key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        let authorization = authorization(&key)?;
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent =
            HeaderValue::try_from(user_agent).map_err(ConfigError::InvalidUserAgent)?;
        let (http, http_no_redirects, connect_timeout) = match self.http {
            Some(http) => (http, None, None),
            None => {
                let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
                let proxy = match &self.proxy {
                    Some(proxy) => Some(checked_proxy(proxy, &base_url)?),
                    None => None,
                };
                let build = |policy| {
                    let mut builder = reqwest::Client::builder()
                        .connect_timeout(connect_timeout)
                        .redirect(policy)
                        .https_only(!is_loopback(&base_url));
                    if let Some(proxy) = &proxy {
                        builder = builder.proxy(proxy.clone());
                    } else if is_loopback(&base_url) {
                        // A local mock is never reached through a system proxy.
                        builder = builder.no_proxy();
                    }
                    builder.build().map_err(ConfigError::HttpClient)
                };
                let http = build(same_origin_redirects())?;
                let http_no_redirects = build(reqwest::redirect::Policy::none())?;
                (http, Some(http_no_redirects), Some(connect_timeout))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                http_no_redirects,
                base_url,
                authorization,
                user_agent,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                connect_timeout,
                total_timeout: self.total_timeout.unwrap_or(DEFAULT_TOTAL_TIMEOUT),
                retry: self.retry,
                max_body_size: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            }),
        })
    }
}

/// The proxy for `base_url`, or a configuration error. The URL is never quoted in the error: it
/// may hold a password.
fn checked_proxy(proxy: &SecretString, base_url: &Url) -> Result<reqwest::Proxy, Error> {
    use secrecy::ExposeSecret;
    let text = proxy.expose_secret();
    if base_url.scheme() == "http" {
        // The key would cross the proxy connection in clear: only if that stays on this machine.
        // `socks5://` is not a special scheme to the URL parser, so its host is a name even
        // when it is written as an address: read it as an address here.
        let proxy_is_loopback = Url::parse(text).is_ok_and(|url| {
            url.host_str().is_some_and(|host| {
                host.eq_ignore_ascii_case("localhost")
                    || host
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            })
        });
        if !proxy_is_loopback {
            return Err(ConfigError::InsecureBaseUrl {
                host: format!(
                    "{} through a proxy that is not on a loopback address",
                    base_url.host_str().unwrap_or_default()
                ),
            }
            .into());
        }
    }
    Ok(reqwest::Proxy::all(text).map_err(|e| ConfigError::HttpClient(e.without_url()))?)
}

/// Follows redirects only within the origin of the first request, so the key never leaves it,
/// and at most [`MAX_REDIRECTS`] of them. A redirect not followed comes back as the response,
/// and the client says why it stopped.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin || attempt.previous().len() > MAX_REDIRECTS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// One API call as the request loop sends it: a method, a path under the base URL, extra headers
/// and an optional JSON body. Every operation is one of these, so retries, limits and errors
/// have one implementation.
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The path under the base URL, checked ([`crate::request::check_path`]).
    pub(crate) path: Cow<'static, str>,
    /// The query string the path was given with (after `?`), checked with it.
    pub(crate) raw_query: Option<String>,
    /// Query parameters appended to it (encoded by the URL library; path and query together at
    /// most [`crate::MAX_PATH_LEN`] bytes).
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) json: Option<Vec<u8>>,
    /// A delete: a 404 after an attempt whose outcome is unknown means that attempt did it.
    pub(crate) gone_means_done: bool,
    /// For a request that is not idempotent: what a success means, and what not to do then,
    /// for an answer that says it succeeded but does not decode.
    pub(crate) carried_out: Option<CarriedOut>,
    /// Hand back the final answer whatever its status, with its headers
    /// ([`crate::RequestBuilder::send_raw`]); otherwise a status that is not a success is an
    /// error and headers are kept only for `Retry-After`.
    pub(crate) raw: bool,
}

impl Request {
    /// A `GET` of `path`.
    #[cfg(test)]
    pub(crate) fn get(path: impl Into<Cow<'static, str>>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            raw_query: None,
            query: Vec::new(),
            headers: HeaderMap::new(),
            json: None,
            gone_means_done: false,
            carried_out: None,
            raw: false,
        }
    }

    /// A request of `method` to `path` (already checked), with nothing else yet.
    pub(crate) fn new_raw(method: Method, path: Cow<'static, str>) -> Self {
        Self {
            method,
            path,
            raw_query: None,
            query: Vec::new(),
            headers: HeaderMap::new(),
            json: None,
            gone_means_done: false,
            carried_out: None,
            raw: false,
        }
    }

    /// A request for `operation` at `path` (its template filled in), carrying the organization
    /// header when the operation is organization-scoped: the name is checked here, before
    /// anything is sent.
    pub(crate) fn new(
        operation: &Operation,
        path: impl Into<Cow<'static, str>>,
        organization_name: Option<&str>,
    ) -> Result<Self, Error> {
        let method = Method::from_bytes(operation.method.as_bytes())
            .map_err(|_| ConfigError::InvalidOperation(operation.id))?;
        let mut headers = HeaderMap::new();
        if operation.is_organization_scoped() {
            let name = organization_name.unwrap_or_default();
            headers.insert(ORGANIZATION, organization(name)?);
        }
        Ok(Self {
            method,
            path: path.into(),
            raw_query: None,
            query: Vec::new(),
            headers,
            json: None,
            gone_means_done: false,
            carried_out: None,
            raw: false,
        })
    }

    /// The organization the request acts for, if it is organization-scoped.
    pub(crate) fn organization(&self) -> Option<&str> {
        self.headers
            .get(&ORGANIZATION)
            .and_then(|value| value.to_str().ok())
    }

    /// Whether sending the request twice has the effect of sending it once, so that any
    /// retryable failure may be retried (RFC 9110, 9.2.2).
    pub(crate) fn is_idempotent(&self) -> bool {
        crate::error::is_idempotent(&self.method)
    }
}

/// A successful response (with `raw`, the final answer whatever its status).
pub(crate) struct Success {
    pub(crate) status: StatusCode,
    pub(crate) version: Version,
    /// The response headers with `raw`; empty otherwise.
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) attempts: u32,
    /// Whether an attempt before the one that gave this answer may have been acted on though
    /// no answer said so (it timed out or broke after sending, or got `500`, `502`, `504`).
    pub(crate) earlier_outcome_unknown: bool,
}

impl Client {
    /// A client for the real service with this API key and default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from `HAMRAVESH_API_KEY` and, if set, `HAMRAVESH_BASE_URL`
    /// (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// A builder with every default; it does not read the environment.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Writes the settings (never the key) under `name`, for the blocking client's `Debug`.
    #[cfg(feature = "blocking")]
    pub(crate) fn fmt_settings(
        &self,
        name: &str,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
        self.inner.fmt_settings(name, f)
    }

    /// A request of any method to any path under the base URL, with every safety of the
    /// documented operations (which are built on it): the key only in its header to the base
    /// URL's host, redirects followed only within its origin (never for a request that is not
    /// idempotent), the body cap, retries that follow the method, the total deadline, errors
    /// made safe to print. See [`RequestBuilder`] for the retry rule of each method.
    ///
    /// `path` is a path under the base URL, optionally with a query (`/api/v1/x/?limit=5`); with
    /// a base URL that has a path (`https://proxy.example/hamravesh`), it is appended to it.
    /// Anything that could be read as another host or as a path outside the base URL's (an
    /// absolute or scheme-relative URL, a backslash, `@`, control characters, dot segments, the
    /// same percent-encoded) makes the send fail with [`ConfigError::InvalidPath`] (kind
    /// [`crate::ErrorKind::Config`]) before anything is sent.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), hamravesh::Error> {
    /// use hamravesh::{ConfigError, Method};
    /// let client = hamravesh::Client::from_env()?;
    /// // A path the docs do not describe, for an organization, its JSON as it comes.
    /// let response = client
    ///     .request(Method::GET, "/api/v1/darkube/apps/")
    ///     .organization("my-team")
    ///     .send_raw()
    ///     .await?;
    /// println!("{}: {}", response.status(), String::from_utf8_lossy(response.body()));
    ///
    /// // Another host is refused before anything is sent.
    /// let error = client.request(Method::GET, "https://evil.example/").send_raw().await.unwrap_err();
    /// assert!(matches!(error.config(), Some(ConfigError::InvalidPath { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub fn request(&self, method: Method, path: impl AsRef<str>) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, Cow::Owned(path.as_ref().to_owned()))
    }

    /// The base URL, parsed: a `next` link is compared with its origin.
    pub(crate) fn base(&self) -> &Url {
        &self.inner.base_url
    }

    /// `GET /api/v1/users/profile`: the signed-in user's profile and organizations.
    pub async fn profile(&self) -> Result<Profile, Error> {
        self.operation(&GET_PROFILE, GET_PROFILE.path).send().await
    }

    /// The raw JSON body of `GET /api/v1/users/profile`, for recording or validating responses.
    pub async fn profile_json(&self) -> Result<Vec<u8>, Error> {
        let success = self
            .operation(&GET_PROFILE, GET_PROFILE.path)
            .send_success()
            .await?;
        Ok(success.body)
    }

    /// `GET /api/v1/notifications/all_list/?limit=&offset=`: one page of the notification feed,
    /// newest first, for the organization named `organization` (its `name`, the slug the
    /// profile lists). `limit` is the page size the service is asked for (it may send fewer);
    /// `offset` how many notifications to skip. To read every page, use
    /// [`Client::walk_notifications`] or [`Client::all_notifications`].
    ///
    /// A `limit` of 0 or an organization name that cannot be sent in a header is a
    /// [`ConfigError`], and nothing is sent.
    pub async fn notifications(
        &self,
        organization: &str,
        limit: u32,
        offset: u64,
    ) -> Result<NotificationPage, Error> {
        Ok(self.notification_page(organization, limit, offset).await?.0)
    }

    /// One page and the number of requests it took.
    pub(crate) async fn notification_page(
        &self,
        organization: &str,
        limit: u32,
        offset: u64,
    ) -> Result<(NotificationPage, u32), Error> {
        if limit == 0 {
            return Err(ConfigError::InvalidPageSize.into());
        }
        self.operation(&LIST_NOTIFICATIONS, LIST_NOTIFICATIONS.path)
            .organization(organization)
            .query(LIMIT, limit.to_string())
            .query(OFFSET, offset.to_string())
            .send_counted()
            .await
    }

    /// Every notification of the feed, page after page, as a stream (see [`NotificationWalk`]
    /// for the settings and for how a walk ends).
    ///
    /// ```no_run
    /// # async fn run(client: hamravesh::Client) -> Result<(), hamravesh::Error> {
    /// use futures_util::StreamExt;
    /// let mut notifications = std::pin::pin!(client.walk_notifications("my-team").into_stream());
    /// while let Some(notification) = notifications.next().await {
    ///     let notification = notification?;
    ///     println!("{} {}", notification.timestamp, notification.title);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn walk_notifications(&self, organization: &str) -> NotificationWalk {
        NotificationWalk::new(self.clone(), organization)
    }

    /// Every notification of the feed, newest first: [`Client::walk_notifications`] with its
    /// default settings, collected.
    pub async fn all_notifications(&self, organization: &str) -> Result<Vec<Notification>, Error> {
        self.walk_notifications(organization).collect().await
    }

    /// `POST /api/v1/darkube/namespaces/`: creates a namespace for the organization named
    /// `organization`, and returns it with its id.
    ///
    /// Creating is not idempotent, so the request is sent again only when it certainly did not
    /// reach the service: the connection could not be made, or the service answered `429`.
    /// After a timeout, a connection broken after sending, or a `5xx`, the namespace may or may
    /// not exist: the error says so ([`Error::is_outcome_unknown`], and its message); look
    /// before creating it again. A redirect is never followed (that would send the POST again,
    /// or as a GET): it is such an error too. A success (`2xx`) whose body does not match the
    /// documented shape means the namespace was created: [`Error::is_carried_out`] says so, and
    /// the message says not to create it again. A refused body is an [`crate::ErrorKind::Validation`] error listing
    /// each field ([`Error::field_errors`]).
    ///
    /// ```no_run
    /// # async fn run(client: hamravesh::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use hamravesh::types::namespaces::CreateNamespace;
    /// let request: CreateNamespace = CreateNamespace::builder()
    ///     .name("my-team-staging")
    ///     .cluster_id(53)
    ///     .try_into()?;
    /// let namespace = client.create_namespace("my-team", &request).await?;
    /// println!("created namespace {} ({})", namespace.name, namespace.id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_namespace(
        &self,
        organization: &str,
        namespace: &CreateNamespace,
    ) -> Result<Namespace, Error> {
        self.operation(&CREATE_NAMESPACE, CREATE_NAMESPACE.path)
            .organization(organization)
            .json(namespace)
            .carried_out(CarriedOut {
                done: Cow::Borrowed("the namespace was created"),
                again: "do not create it again",
            })
            .send()
            .await
    }

    /// `DELETE /api/v1/darkube/namespaces/{namespace_id}/`: deletes the namespace with this id,
    /// and every app in it (the service does not ask).
    ///
    /// Deleting is idempotent, so it is retried like a read. When an earlier attempt's outcome
    /// is unknown (it timed out, the connection broke after sending, or a gateway answered `502`
    /// or `504`) and a retry answers `404`, that earlier attempt deleted it: the call succeeds,
    /// and says so in an `info` log event. A `404` on the first attempt is an error.
    pub async fn delete_namespace(&self, organization: &str, id: i64) -> Result<(), Error> {
        let path = DELETE_NAMESPACE
            .path_with(&[(NAMESPACE_ID, &id.to_string())])
            .ok_or(ConfigError::InvalidOperation(DELETE_NAMESPACE.id))?;
        self.operation(&DELETE_NAMESPACE, path)
            .organization(organization)
            .gone_means_done()
            .send_success()
            .await?;
        Ok(())
    }

    /// A request for `operation` at `path` (its template filled in): the one request path every
    /// documented operation takes, which [`Client::request`] gives for any other path.
    fn operation(
        &self,
        operation: &'static Operation,
        path: impl Into<Cow<'static, str>>,
    ) -> RequestBuilder {
        RequestBuilder::for_operation(self.clone(), operation, path.into())
    }

    /// The request loop: one attempt, classify, maybe wait, retry; all within the total deadline.
    pub(crate) async fn execute(&self, request: &Request) -> Result<Success, Error> {
        let span = tracing::info_span!(
            "hamravesh.request",
            method = %request.method,
            path = %request.path
        );
        self.execute_in_span(request).instrument(span).await
    }

    async fn execute_in_span(&self, request: &Request) -> Result<Success, Error> {
        let inner = &self.inner;
        let url = self.url_of(request)?;
        let total = inner.total_timeout;
        // A total so large that the deadline cannot be represented means no overall limit.
        let deadline = Instant::now().checked_add(total);
        let context = |error: Error, attempts: u32| {
            error
                .with_request(&request.method, &request.path, attempts)
                .with_organization(request.organization())
        };
        // The answer that ends the call: with `raw`, a final error status is handed back as an
        // answer (its body whole, its headers kept); otherwise it is the error.
        let give_up = |failure: AttemptFailure,
                       attempts: u32,
                       deadline: Option<Deadline>,
                       earlier_outcome_unknown: bool| {
            let AttemptFailure {
                error,
                headers,
                version,
            } = failure;
            let error = if request.raw {
                match error.into_answer() {
                    Ok((status, body)) => {
                        return Ok(Success {
                            status,
                            version: version.unwrap_or_default(),
                            headers: headers.unwrap_or_default(),
                            body,
                            attempts,
                            earlier_outcome_unknown,
                        });
                    }
                    Err(error) => error,
                }
            } else {
                error
            };
            let error = context(error, attempts);
            Err(match deadline {
                Some(deadline) => error.with_deadline(deadline),
                None => error,
            })
        };
        let mut attempt: u32 = 0;
        // Whether an earlier attempt may have been acted on though no answer said so.
        let mut outcome_unknown = false;
        loop {
            attempt += 1;
            let started = Instant::now();
            let remaining = deadline.map(|deadline| deadline.saturating_duration_since(started));
            // The attempt gets its own timeout or what is left of the call's, whichever is less.
            let (timeout, cut_by_deadline) = match remaining {
                Some(remaining) if remaining < inner.timeout => (remaining, true),
                _ => (inner.timeout, false),
            };
            let failure = match self.attempt(&url, request, timeout).await {
                Ok(mut success) => {
                    tracing::debug!(attempt, elapsed_ms = elapsed_ms(started), "response");
                    success.attempts = attempt;
                    success.earlier_outcome_unknown = outcome_unknown;
                    return Ok(success);
                }
                Err(failure) => failure,
            };
            let error = &failure.error;
            let status = error.status().map(|s| s.as_u16());
            tracing::debug!(attempt, status, elapsed_ms = elapsed_ms(started), error = %error, "attempt failed");
            if request.gone_means_done && outcome_unknown && status == Some(404) {
                tracing::info!(
                    attempt,
                    "404 after an attempt whose outcome was unknown: that attempt deleted it; reporting success"
                );
                return Ok(Success {
                    status: StatusCode::NOT_FOUND,
                    version: failure.version.unwrap_or_default(),
                    headers: HeaderMap::new(),
                    body: Vec::new(),
                    attempts: attempt,
                    earlier_outcome_unknown: true,
                });
            }
            // Whether an attempt before this one may have been acted on: said with an answer
            // handed back as it is (a 404 to a DELETE retried after a timeout, say).
            let earlier = outcome_unknown;
            outcome_unknown |= may_have_acted(error);
            if cut_by_deadline && error.is_timeout() {
                return Err(
                    context(failure.error, attempt).with_deadline(Deadline::DuringAttempt(total))
                );
            }
            if attempt > inner.retry.max_retries || !should_retry(error, request.is_idempotent()) {
                return give_up(failure, attempt, None, earlier);
            }
            let Some(delay) =
                inner
                    .retry
                    .delay(attempt, failure.headers.as_ref(), SystemTime::now())
            else {
                return give_up(failure, attempt, None, earlier);
            };
            // A wait that cannot even be represented as an instant passes any deadline.
            let passes_deadline = deadline.is_some_and(|deadline| {
                Instant::now()
                    .checked_add(delay)
                    .is_none_or(|resume| resume >= deadline)
            });
            if passes_deadline {
                tracing::info!(
                    attempt,
                    delay_ms = millis(delay),
                    "not retrying: the total deadline would pass"
                );
                return give_up(
                    failure,
                    attempt,
                    Some(Deadline::BeforeRetry(total)),
                    earlier,
                );
            }
            tracing::info!(attempt, delay_ms = millis(delay), "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The URL of a request: its path under the base URL's, its query. A path that would leave
    /// the base URL's origin or path is refused here too, whatever the checks before allowed.
    pub(crate) fn url_of(&self, request: &Request) -> Result<Url, Error> {
        let base = &self.inner.base_url;
        let mut url = endpoint(base, &request.path);
        if let Some(query) = &request.raw_query {
            url.set_query(Some(query));
        }
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        let prefix = base.path().trim_end_matches('/');
        // The limit holds for what is sent: the path as encoded (a non-ASCII letter or a space
        // takes three bytes per byte once percent-encoded), with parameters added with `query`.
        let len = url.path().len().saturating_sub(prefix.len())
            + url.query().map_or(0, |query| query.len() + 1);
        if len > crate::MAX_PATH_LEN {
            return Err(ConfigError::InvalidPath {
                path: shown_url(&request.path),
                source: PathError::TooLong {
                    len,
                    max: crate::MAX_PATH_LEN,
                },
            }
            .into());
        }
        // The origin compared part by part: `Url::origin` allocates.
        let inside = url.scheme() == base.scheme()
            && url.host() == base.host()
            && url.port_or_known_default() == base.port_or_known_default()
            && url.path().starts_with(prefix)
            && url.path()[prefix.len()..].starts_with('/');
        if !inside {
            return Err(ConfigError::InvalidPath {
                path: shown_url(&request.path),
                source: PathError::OutsideBase,
            }
            .into());
        }
        Ok(url)
    }

    /// One request and its body.
    async fn attempt(
        &self,
        url: &Url,
        request: &Request,
        timeout: Duration,
    ) -> Result<Success, AttemptFailure> {
        let inner = &self.inner;
        let http = match &inner.http_no_redirects {
            Some(http) if !request.is_idempotent() => http,
            _ => &inner.http,
        };
        let mut builder = http
            .request(request.method.clone(), url.clone())
            .headers(request.headers.clone())
            .header(AUTHORIZATION, inner.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, inner.user_agent.clone())
            .timeout(timeout);
        if let Some(json) = &request.json {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(json.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|e| AttemptFailure::from(self.request_error(e, timeout)))?;
        let status = response.status();
        let version = response.version();
        if !request.is_idempotent() && (status.is_redirection() || response.url() != url) {
            // Following it would send the request again (307, 308) or as a GET (301, 302, 303);
            // a caller's own client may already have followed it.
            return Err(write_redirect_error(url, &response).into());
        }
        if status.is_redirection() {
            return Err(redirect_error(url, &response).into());
        }
        // A raw request hands back every header; otherwise only a retryable status needs its
        // headers (for Retry-After) after the body is read.
        let headers =
            (request.raw || is_retryable_status(status)).then(|| response.headers().clone());
        let body = match read_capped(response, inner.max_body_size).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) if status.is_success() => {
                return Err(Error::new(Kind::BodyTooLarge {
                    limit: inner.max_body_size,
                })
                .into());
            }
            // An error status with a huge body is still that error; say the body was too large.
            Err(ReadError::TooLarge) => {
                return Err(AttemptFailure {
                    error: Error::new(Kind::Status {
                        status,
                        body: ApiErrorBody::TooLarge {
                            limit: inner.max_body_size,
                        },
                        raw: Vec::new(),
                    }),
                    headers,
                    version: Some(version),
                });
            }
            Err(ReadError::Transport(e)) => return Err(self.request_error(e, timeout).into()),
        };
        if status.is_success() {
            return Ok(Success {
                status,
                version,
                headers: headers.unwrap_or_default(),
                body,
                attempts: 0,
                earlier_outcome_unknown: false,
            });
        }
        let error = Error::new(Kind::Status {
            status,
            body: parse_error_body_for(status, &body),
            raw: body,
        });
        Err(AttemptFailure {
            error,
            headers,
            version: Some(version),
        })
    }

    /// A reqwest error as the client's: a timeout, a request that cannot be built (a
    /// configuration problem, never retried), or a transport failure. The URL is dropped from
    /// reqwest's message: the error carries the path, and a message never echoes a whole URL.
    fn request_error(&self, error: reqwest::Error, timeout: Duration) -> Error {
        let error = error.without_url();
        if error.is_timeout() {
            let after = match self.inner.connect_timeout {
                Some(connect) if error.is_connect() => connect.min(timeout),
                _ => timeout,
            };
            Error::new(Kind::Timeout {
                after,
                source: error,
            })
        } else if error.is_builder() {
            ConfigError::InvalidRequest(error).into()
        } else {
            Error::new(Kind::Transport(error))
        }
    }
}

/// Decodes a successful answer's body as `T`, naming the failing field on error. For a request
/// that is not idempotent the error also says the request was carried out (the service said it
/// did it: the caller must not do it again).
pub(crate) fn decode_success<T: DeserializeOwned>(
    request: &Request,
    status: StatusCode,
    body: &[u8],
    attempts: u32,
) -> Result<T, Error> {
    hamravesh_types::decode(body).map_err(|error| {
        let error = Error::from_decode(error, body)
            .with_request(&request.method, &request.path, attempts)
            .with_organization(request.organization());
        if request.is_idempotent() {
            return error;
        }
        let carried_out = request.carried_out.clone().unwrap_or_else(|| CarriedOut {
            done: Cow::Owned(format!("the {} was carried out", request.method)),
            again: "do not send it again",
        });
        error.with_carried_out(carried_out, status)
    })
}

/// Why a 3xx came back instead of being followed: another origin, a loop, no `Location`, …
fn redirect_error(url: &Url, response: &reqwest::Response) -> Error {
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
    let reason = match &location {
        _ if status == StatusCode::NOT_MODIFIED => RedirectReason::NotModified,
        None => RedirectReason::MissingLocation,
        Some(location) => match response.url().join(location) {
            Err(_) => RedirectReason::InvalidLocation,
            Ok(target) if target.origin() != url.origin() => RedirectReason::OtherOrigin,
            Ok(_) if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) => {
                RedirectReason::TooMany
            }
            Ok(_) => RedirectReason::NotFollowed,
        },
    };
    Error::new(Kind::Redirect {
        status,
        location,
        reason,
    })
}

/// A redirect answering a request that is not idempotent: never followed by the client (a
/// caller's own `reqwest::Client` may have followed it, then `response` is where it ended).
fn write_redirect_error(url: &Url, response: &reqwest::Response) -> Error {
    let status = response.status();
    let (location, reason) = if response.url() == url {
        let location = response
            .headers()
            .get(LOCATION)
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
        (location, RedirectReason::NotIdempotent)
    } else {
        (
            Some(shown_url(response.url().as_str())),
            RedirectReason::FollowedNotIdempotent,
        )
    };
    Error::new(Kind::Redirect {
        status,
        location,
        reason,
    })
}

/// A failed attempt and, for a retryable status (or any status of a raw request), the headers
/// (which may hold `Retry-After`) and the HTTP version of the answer.
struct AttemptFailure {
    error: Error,
    headers: Option<HeaderMap>,
    version: Option<Version>,
}

impl From<Error> for AttemptFailure {
    fn from(error: Error) -> Self {
        Self {
            error,
            headers: None,
            version: None,
        }
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    millis(started.elapsed())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static [u8])]) -> impl Fn(&str) -> Option<OsString> {
        use std::os::unix::ffi::OsStringExt;
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from_vec(value.to_vec()))
        }
    }

    #[test]
    fn a_key_that_is_not_utf8_says_so() {
        let error = ClientBuilder::from_lookup(env(&[(API_KEY_ENV, b"sk-\xff\xfe")]))
            .build()
            .unwrap_err();
        assert!(
            matches!(error.config(), Some(ConfigError::ApiKeyNotUnicode)),
            "{error:?}"
        );
        assert!(error.to_string().contains("not valid UTF-8"), "{error}");
        assert!(!error.to_string().contains("no API key"), "{error}");
        // A key given in code replaces the unreadable one.
        ClientBuilder::from_lookup(env(&[(API_KEY_ENV, b"\xff")]))
            .api_key("k")
            .build()
            .unwrap();
    }

    #[test]
    fn a_base_url_that_is_not_utf8_says_so_unless_overridden() {
        let lookup = env(&[(API_KEY_ENV, b"k"), (BASE_URL_ENV, b"https://x.com/\xff")]);
        let error = ClientBuilder::from_lookup(&lookup).build().unwrap_err();
        assert!(error.is_config());
        assert!(
            error
                .report()
                .contains("HAMRAVESH_BASE_URL is not valid UTF-8"),
            "{}",
            error.report()
        );
        let client = ClientBuilder::from_lookup(&lookup)
            .base_url("http://127.0.0.1:1")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1/");
    }

    #[test]
    fn a_blank_base_url_means_unset_and_a_flag_overrides_the_variable() {
        for blank in [&b""[..], b"   "] {
            let pairs: &'static [(&'static str, &'static [u8])] =
                Box::leak(vec![(API_KEY_ENV, &b"k"[..]), (BASE_URL_ENV, blank)].into_boxed_slice());
            let client = ClientBuilder::from_lookup(env(pairs)).build().unwrap();
            assert_eq!(client.base_url(), "https://api.hamravesh.com/");
        }
        let lookup = env(&[
            (API_KEY_ENV, b"k"),
            (BASE_URL_ENV, b" https://env.example "),
        ]);
        let client = ClientBuilder::from_lookup(&lookup).build().unwrap();
        assert_eq!(client.base_url(), "https://env.example/");
        let client = ClientBuilder::from_lookup(&lookup)
            .base_url("https://flag.example")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://flag.example/");
    }

    #[test]
    fn names_taken_from_the_operation_list_are_the_documented_ones() {
        assert_eq!((LIMIT, OFFSET), ("limit", "offset"));
        assert_eq!(NAMESPACE_ID, "namespace_id");
        assert_eq!(ORGANIZATION.as_str(), "x-organization");
        // Every operation's method parses, and the scoped ones need a valid organization.
        for operation in hamravesh_types::operations::ALL {
            let request = Request::new(operation, operation.path, Some("my-team")).unwrap();
            assert_eq!(request.method.as_str(), operation.method);
            assert_eq!(
                request.headers.get(&ORGANIZATION).is_some(),
                operation.is_organization_scoped()
            );
            assert_eq!(request.is_idempotent(), operation.is_idempotent());
            if operation.is_organization_scoped() {
                let error = Request::new(operation, operation.path, None).err().unwrap();
                assert!(error.is_config(), "{error:?}");
            }
        }
    }

    #[test]
    fn a_url_outside_the_base_is_refused_whatever_the_path_checks_let_through() {
        // The path checks come first; this is the last line, met only if they missed something.
        let client = Client::builder()
            .api_key("k")
            .base_url("https://api.example/prefix/")
            .build()
            .unwrap();
        let url = |path: &'static str| client.url_of(&Request::new_raw(Method::GET, path.into()));
        assert_eq!(
            url("/api/v1/x/").unwrap().as_str(),
            "https://api.example/prefix/api/v1/x/"
        );
        for outside in ["/../x", "/%2e%2e/x", "/./../../x"] {
            let error = url(outside).unwrap_err();
            assert!(
                matches!(
                    error.config(),
                    Some(ConfigError::InvalidPath {
                        source: PathError::OutsideBase,
                        ..
                    })
                ),
                "{outside}: {error:?}"
            );
        }
    }

    #[test]
    fn only_safe_methods_and_put_delete_are_idempotent() {
        assert!(Request::get("/x").is_idempotent());
        let post = Request {
            method: Method::POST,
            ..Request::get("/x")
        };
        assert!(!post.is_idempotent());
    }
}
