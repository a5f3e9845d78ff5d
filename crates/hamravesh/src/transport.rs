//! The request loop every call goes through: one attempt, classify, maybe wait, retry, all
//! within the total deadline; the redirect rule; decoding a success.

use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime};

use hamravesh_types::Operation;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url, Version};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::body::{ReadError, parse_error_body_for, read_capped};
use crate::config::{MAX_PATH_LEN, ORGANIZATION, endpoint, organization};
use crate::error::{
    ApiErrorBody, CarriedOut, ConfigError, Deadline, Error, Kind, PathError, RedirectReason,
    is_idempotent, shown_path, shown_url,
};
use crate::retry::{RetryPolicy, is_retryable_status, should_retry};

/// Redirects followed within the API's origin before the client gives up.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// The settings every request is sent with, shared by the clients made from one builder.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// The same settings, following no redirect: for requests that are not idempotent, where
    /// following would send a POST again (307, 308) or turn it into a GET (301, 302, 303).
    /// `None` with a caller's own `reqwest::Client`.
    pub(crate) http_no_redirects: Option<reqwest::Client>,
    pub(crate) base_url: Url,
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    /// `None` with a caller's own `reqwest::Client`, whose connect timeout is its own.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) total_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_size: usize,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.fmt_settings("Client", f)
    }
}

impl Transport {
    /// The settings, never the key: shared by the async and the blocking client's `Debug`.
    pub(crate) fn fmt_settings(
        &self,
        name: &str,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
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
        let url = self.url_of(request)?;
        let total = self.total_timeout;
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
                Some(remaining) if remaining < self.timeout => (remaining, true),
                _ => (self.timeout, false),
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
            outcome_unknown |= error.may_have_acted();
            if cut_by_deadline && error.is_timeout() {
                return Err(
                    context(failure.error, attempt).with_deadline(Deadline::DuringAttempt(total))
                );
            }
            if attempt > self.retry.max_retries || !should_retry(error, request.is_idempotent()) {
                return give_up(failure, attempt, None, earlier);
            }
            let delay = match self
                .retry
                .delay(attempt, failure.headers.as_ref(), SystemTime::now())
            {
                Ok(delay) => delay,
                Err(long) => {
                    tracing::info!(
                        attempt,
                        retry_after_ms = millis(long.asked),
                        "not retrying: Retry-After is longer than the client waits"
                    );
                    return give_up(failure, attempt, None, earlier)
                        .map_err(|error| error.with_long_retry_after(long));
                }
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
        let base = &self.base_url;
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
        if len > MAX_PATH_LEN {
            return Err(ConfigError::InvalidPath {
                path: shown_path(&request.path),
                source: PathError::TooLong {
                    len,
                    max: MAX_PATH_LEN,
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
                path: shown_path(&request.path),
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
        let http = match &self.http_no_redirects {
            Some(http) if !request.is_idempotent() => http,
            _ => &self.http,
        };
        let mut builder = http
            .request(request.method.clone(), url.clone())
            .headers(request.headers.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, self.user_agent.clone())
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
        let body = match read_capped(response, self.max_body_size).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) if status.is_success() => {
                return Err(Error::new(Kind::BodyTooLarge {
                    limit: self.max_body_size,
                })
                .into());
            }
            // An error status with a huge body is still that error; say the body was too large.
            Err(ReadError::TooLarge) => {
                return Err(AttemptFailure {
                    error: Error::new(Kind::Status {
                        status,
                        body: ApiErrorBody::TooLarge {
                            limit: self.max_body_size,
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
            let after = match self.connect_timeout {
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

/// Follows redirects only within the origin of the first request, so the key never leaves it,
/// and at most [`MAX_REDIRECTS`] of them. A redirect not followed comes back as the response,
/// and the client says why it stopped.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
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
    /// The path under the base URL, checked ([`crate::config::check_path`]).
    pub(crate) path: Cow<'static, str>,
    /// The query string the path was given with (after `?`), checked with it.
    pub(crate) raw_query: Option<String>,
    /// Query parameters appended to it (encoded by the URL library; path and query together at
    /// most [`MAX_PATH_LEN`] bytes).
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
    /// anything is sent. A `DELETE` without an answer body takes a 404 after an attempt whose
    /// outcome is unknown as done; a success of a non-idempotent operation that does not decode says it was carried out.
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
        // What a success of a non-idempotent operation means, for an answer that does not decode.
        let carried_out = (!operation.is_idempotent()).then(|| CarriedOut {
            done: Cow::Owned(format!("{} was carried out", operation.id)),
            again: "do not send it again",
        });
        Ok(Self {
            // Only for a delete without an answer body: a 404 has none to decode.
            gone_means_done: method == Method::DELETE && operation.response_schema.is_none(),
            method,
            path: path.into(),
            raw_query: None,
            query: Vec::new(),
            headers,
            json: None,
            carried_out,
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
        is_idempotent(&self.method)
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
                RedirectReason::TooMany { max: MAX_REDIRECTS }
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

    #[test]
    fn names_taken_from_the_operation_list_are_the_documented_ones() {
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
            assert_eq!(
                request.gone_means_done,
                operation.method == "DELETE" && operation.response_schema.is_none()
            );
            assert_eq!(
                request.carried_out.map(|c| c.done.into_owned()),
                (!operation.is_idempotent()).then(|| format!("{} was carried out", operation.id)),
            );
            if operation.is_organization_scoped() {
                let error = Request::new(operation, operation.path, None).err().unwrap();
                assert!(error.is_config(), "{error:?}");
            }
        }
    }

    #[test]
    fn a_url_outside_the_base_is_refused_whatever_the_path_checks_let_through() {
        // The path checks come first; this is the last line, met only if they missed something.
        let client = crate::Client::builder()
            .api_key("k")
            .base_url("https://api.example/prefix/")
            .build()
            .unwrap();
        let url = |path: &'static str| {
            client
                .transport()
                .url_of(&Request::new_raw(Method::GET, path.into()))
        };
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
        assert!(Request::new_raw(Method::GET, "/x".into()).is_idempotent());
        assert!(!Request::new_raw(Method::POST, "/x".into()).is_idempotent());
    }
}
