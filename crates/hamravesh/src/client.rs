//! The client, its builder, and the request loop with retries.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, LOCATION, USER_AGENT};
use reqwest::{StatusCode, Url};
use secrecy::SecretString;
use tracing::Instrument;

use crate::body::{ReadError, parse_error_body, read_capped};
use crate::config::{authorization, endpoint, is_loopback, parse_base_url};
use crate::error::{ConfigError, Error};
use crate::retry::{RetryPolicy, is_retryable_status};
use crate::{
    API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, PROFILE_PATH, Profile,
};

/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for one attempt, from sending the request to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body.
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;

/// A client of the Hamravesh API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    profile_url: Url,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    max_body_size: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.retry.max_retries)
            .field("max_body_size", &self.inner.max_body_size)
            .finish()
    }
}

/// Builds a [`Client`]; every setting has a sane default except the API key.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    max_body_size: Option<usize>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// A builder with the API key and base URL taken from `HAMRAVESH_API_KEY` and
    /// `HAMRAVESH_BASE_URL` (when set and not empty).
    pub fn from_env() -> Self {
        let mut builder = Self::default();
        if let Ok(key) = std::env::var(API_KEY_ENV) {
            builder.api_key = Some(SecretString::from(key));
        }
        if let Ok(url) = std::env::var(BASE_URL_ENV).map(|u| u.trim().to_owned()) {
            if !url.is_empty() {
                builder.base_url = Some(url);
            }
        }
        builder
    }

    /// The API key (created in the console under Profile → API keys). Held as a secret.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The base URL (default `https://api.hamravesh.com`). `http://` is accepted only for
    /// loopback hosts, such as a local mock.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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
    /// gets no further retry and the caller gets the error.
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
    /// this builder does not apply to it; the per-attempt timeout does.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let key = self.api_key.ok_or(ConfigError::MissingApiKey)?;
        let authorization = authorization(&key)?;
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::try_from(user_agent)
            .map_err(|e| ConfigError::InvalidUserAgent(e.to_string()))?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .redirect(same_origin_redirects())
                    .https_only(!is_loopback(&base_url));
                if is_loopback(&base_url) {
                    // A local mock is never reached through a proxy.
                    builder = builder.no_proxy();
                }
                builder
                    .build()
                    .map_err(|e| ConfigError::HttpClient(e.to_string()))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                profile_url: endpoint(&base_url, PROFILE_PATH),
                base_url,
                authorization,
                user_agent,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry,
                max_body_size: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            }),
        })
    }
}

/// Follows redirects only within the origin of the first request, so the key never leaves it.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin || attempt.previous().len() > 5 {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

impl Client {
    /// A client for the real service with this API key and default settings.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from `HAMRAVESH_API_KEY` and, if set, `HAMRAVESH_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// A builder with every default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// `GET /api/v1/users/profile`: the signed-in user's profile and organizations.
    pub async fn profile(&self) -> Result<Profile, Error> {
        let body = self.profile_json().await?;
        Ok(hamravesh_types::decode(&body)?)
    }

    /// The raw JSON body of `GET /api/v1/users/profile`, for recording or validating responses.
    pub async fn profile_json(&self) -> Result<Vec<u8>, Error> {
        self.get(&self.inner.profile_url, PROFILE_PATH).await
    }

    async fn get(&self, url: &Url, path: &'static str) -> Result<Vec<u8>, Error> {
        let span = tracing::info_span!("hamravesh.request", method = "GET", path);
        async {
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let started = Instant::now();
                let failure = match self.attempt(url).await {
                    Ok((status, body)) => {
                        tracing::debug!(attempt, status = status.as_u16(), elapsed_ms = elapsed_ms(started), "response");
                        return Ok(body);
                    }
                    Err(failure) => failure,
                };
                let status = failure.error.status().map(|s| s.as_u16());
                tracing::debug!(attempt, status, elapsed_ms = elapsed_ms(started), error = %failure.error, "attempt failed");
                let retryable = failure.error.is_retryable() && attempt <= self.inner.retry.max_retries;
                let delay = retryable
                    .then(|| self.inner.retry.delay(attempt, failure.headers.as_ref(), SystemTime::now()))
                    .flatten();
                match delay {
                    Some(delay) => {
                        tracing::info!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                    None => return Err(with_attempts(failure.error, attempt)),
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One request and its body.
    async fn attempt(&self, url: &Url) -> Result<(StatusCode, Vec<u8>), AttemptFailure> {
        let inner = &self.inner;
        let response = inner
            .http
            .get(url.clone())
            .header(AUTHORIZATION, inner.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, inner.user_agent.clone())
            .timeout(inner.timeout)
            .send()
            .await
            .map_err(|e| AttemptFailure::from(self.request_error(e)))?;
        let status = response.status();
        // Only a retryable status needs its headers (for Retry-After) after the body is read.
        let headers = is_retryable_status(status).then(|| response.headers().clone());
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
                .unwrap_or_default();
            return Err(Error::Redirect { status, location }.into());
        }
        let body = match read_capped(response, inner.max_body_size).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) if status.is_success() => {
                return Err(Error::BodyTooLarge {
                    limit: inner.max_body_size,
                }
                .into());
            }
            // An error status with a huge body is still that error.
            Err(ReadError::TooLarge) => Vec::new(),
            Err(ReadError::Transport(e)) => return Err(self.request_error(e).into()),
        };
        if status.is_success() {
            return Ok((status, body));
        }
        let parsed = parse_error_body(&body);
        let error = if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            Error::Unauthorized {
                status,
                body: parsed,
            }
        } else {
            Error::Api {
                status,
                body: parsed,
                attempts: 1,
            }
        };
        Err(AttemptFailure { error, headers })
    }

    fn request_error(&self, error: reqwest::Error) -> Error {
        if error.is_timeout() {
            Error::Timeout {
                timeout: self.inner.timeout,
                attempts: 1,
            }
        } else {
            transport_error(error)
        }
    }
}

/// A failed attempt and, for a retryable status, the headers that may hold `Retry-After`.
struct AttemptFailure {
    error: Error,
    headers: Option<HeaderMap>,
}

impl From<Error> for AttemptFailure {
    fn from(error: Error) -> Self {
        Self {
            error,
            headers: None,
        }
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A transport error with the whole cause chain in its message ("connection refused", …).
fn transport_error(source: reqwest::Error) -> Error {
    let mut message = source.to_string();
    let mut cause = std::error::Error::source(&source);
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    Error::Transport {
        message,
        attempts: 1,
        source,
    }
}

fn with_attempts(error: Error, total: u32) -> Error {
    match error {
        Error::Api { status, body, .. } => Error::Api {
            status,
            body,
            attempts: total,
        },
        Error::Timeout { timeout, .. } => Error::Timeout {
            timeout,
            attempts: total,
        },
        Error::Transport {
            message, source, ..
        } => Error::Transport {
            message,
            attempts: total,
            source,
        },
        other => other,
    }
}
