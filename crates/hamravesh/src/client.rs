//! The client and its builder, the request every documented operation starts from
//! ([`Client::operation_request`], which the generated methods call), and the entry to any other
//! request ([`Client::request`]).

use std::borrow::Cow;
use std::ffi::OsString;
use std::sync::Arc;
use std::time::Duration;

use hamravesh_types::Operation;
use reqwest::header::HeaderValue;
use reqwest::{Method, Url};
use secrecy::SecretString;

use crate::config::{authorization, is_loopback, parse_base_url, parse_proxy_url};
use crate::error::{BaseUrlError, ConfigError, Error, shown_url};
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::transport::{Transport, same_origin_redirects};
use crate::{API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, PROXY_ENV};

/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for one attempt, from sending the request to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for a whole call: every attempt and every wait between them.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
/// Default cap on a response body.
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;

/// A client of the Hamravesh API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt_settings("Client", f)
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
        if let Some(url) = get(PROXY_ENV).map(|raw| raw.to_string_lossy().trim().to_owned())
            && !url.is_empty()
        {
            builder.proxy = Some(SecretString::from(url));
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
    /// gets no further retry and the caller gets the error, whose message says why it was not
    /// retried (the wait asked for and this cap). A `Retry-After` of 0 or in the past
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
    /// resolved locally) or `socks5h://` (names resolved by the proxy), also `socks4://` and
    /// `socks4a://`, with an optional `user:password@`; any other scheme is
    /// [`ConfigError::UnsupportedProxyScheme`]. Text without a scheme (`127.0.0.1:3128`) is read
    /// as `http://`, as reqwest reads it; an empty or malformed URL, or one without a host, is
    /// [`ConfigError::InvalidProxyUrl`]. It overrides `HAMRAVESH_PROXY` and the system's proxy variables, and
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
            inner: Arc::new(Transport {
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

/// The proxy for `base_url`, or a configuration error. The URL is never quoted with its password.
fn checked_proxy(proxy: &SecretString, base_url: &Url) -> Result<reqwest::Proxy, Error> {
    use secrecy::ExposeSecret;
    let url = parse_proxy_url(proxy.expose_secret())?;
    // The key would cross the proxy connection in clear: only if that stays on this machine.
    if base_url.scheme() == "http" && !is_loopback(&url) {
        return Err(ConfigError::InsecureBaseUrl {
            host: format!(
                "{} through a proxy that is not on a loopback address",
                base_url.host_str().unwrap_or_default()
            ),
        }
        .into());
    }
    Ok(reqwest::Proxy::all(url).map_err(|e| ConfigError::HttpClient(e.without_url()))?)
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

    /// The settings and the loop, for the tests of the modules below.
    #[cfg(test)]
    pub(crate) fn transport(&self) -> &Arc<Transport> {
        &self.inner
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
        RequestBuilder::new(
            self.inner.clone(),
            method,
            Cow::Owned(path.as_ref().to_owned()),
        )
    }

    /// A request for `operation`, for the organization named `organization` when it is
    /// organization-scoped, at its path with each `{name}` filled in from `path_values`: the one
    /// request path every generated operation method takes. A template parameter without a value
    /// makes the send fail with [`ConfigError::InvalidOperation`].
    pub(crate) fn operation_request(
        &self,
        operation: &'static Operation,
        organization: Option<&str>,
        path_values: &[(&str, String)],
    ) -> RequestBuilder {
        let path = if operation.path_parameters.is_empty() {
            Some(Cow::Borrowed(operation.path))
        } else {
            let values: Vec<(&str, &str)> = path_values
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            operation.path_with(&values).map(Cow::Owned)
        };
        let request = match path {
            Some(path) => RequestBuilder::for_operation(self.inner.clone(), operation, path),
            None => {
                RequestBuilder::for_operation(self.inner.clone(), operation, operation.path.into())
                    .fail(ConfigError::InvalidOperation(operation.id).into())
            }
        };
        match organization {
            Some(name) => request.organization(name),
            None => request,
        }
    }
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
}
