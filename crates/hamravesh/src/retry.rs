//! When to retry, and how long to wait: exponential backoff with full jitter, honouring `Retry-After`.
//!
//! Only failures that another attempt may cure are retried: a connection that could not be made
//! or broke (refused, reset, aborted, closed before the whole message came), a timeout, and the
//! statuses 429, 502, 503 and 504. A certificate the client does not trust, a response hyper
//! cannot parse (a bad status line, a head too large, a malformed chunk) and every other status
//! fail at once: the same request would fail the same way.

use std::error::Error as StdError;
use std::io;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{Error, Kind, LongRetryAfter, is_idempotent};

/// Retry settings of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The backoff ceiling before the first retry; it doubles for each further retry.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Statuses worth retrying for an idempotent request: rate limiting and gateway trouble.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Whether a failed attempt is worth another: `idempotent` requests retry every retryable
/// failure; others (a POST, say) only those that prove the server did not act on the request:
/// a connection that was never made, and 429.
pub(crate) fn should_retry(error: &Error, idempotent: bool) -> bool {
    if idempotent {
        return match error.kind_ref() {
            Kind::Status { status, .. } => is_retryable_status(*status),
            Kind::Timeout { .. } => true,
            Kind::Transport(source) => transport_is_retryable(source),
            _ => false,
        };
    }
    match error.kind_ref() {
        Kind::Status { status, .. } => *status == StatusCode::TOO_MANY_REQUESTS,
        Kind::Transport(source) => source.is_connect() && transport_is_retryable(source),
        _ => false,
    }
}

impl Error {
    /// Whether trying the same request again later may succeed (the client already retried
    /// these as far as its limits allowed): rate limiting, gateway errors, timeouts, and
    /// connections that failed or broke. Not TLS failures or malformed responses. For a
    /// request that is not idempotent (creating a namespace), only when it certainly did not
    /// reach the service (no connection, or `429`): otherwise sending it again could do it twice
    /// (see [`Error::is_outcome_unknown`]).
    pub fn is_retryable(&self) -> bool {
        let idempotent = self.method().is_none_or(is_idempotent);
        should_retry(self, idempotent)
    }
}

/// Whether a transport failure may pass on another attempt. The first decisive cause in the
/// chain wins: a malformed response or a TLS failure is final, a reset or an early close is not.
pub(crate) fn transport_is_retryable(error: &reqwest::Error) -> bool {
    if error.is_builder() || error.is_redirect() {
        return false;
    }
    // reqwest files every failure while reading a body under "decode", a connection reset
    // halfway through included: the cause decides, and only a cause that says "retry" does.
    match chain_verdict(error) {
        Some(verdict) => verdict,
        None => !error.is_decode() && (error.is_timeout() || error.is_connect()),
    }
}

/// The verdict of the first cause in the chain that settles whether a retry may help.
fn chain_verdict(error: &(dyn StdError + 'static)) -> Option<bool> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(hyper) = current.downcast_ref::<hyper::Error>() {
            // Every parse error: a bad status line, a head too large, a bad header.
            if hyper.is_parse() {
                return Some(false);
            }
            if hyper.is_incomplete_message() || hyper.is_canceled() || hyper.is_timeout() {
                return Some(true);
            }
        }
        if let Some(h2) = current.downcast_ref::<h2::Error>()
            && let Some(reason) = h2.reason()
        {
            // The server refused the stream before acting on it, or is shutting down
            // gracefully; any other HTTP/2 error (a protocol error, say) would recur.
            return Some(
                reason == h2::Reason::REFUSED_STREAM
                    || (h2.is_go_away() && reason == h2::Reason::NO_ERROR),
            );
        }
        if let Some(io) = current.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::ConnectionRefused
                | io::ErrorKind::NotConnected
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
                | io::ErrorKind::TimedOut => return Some(true),
                // rustls reports a certificate or handshake failure as InvalidData; hyper a
                // malformed chunk as InvalidInput or InvalidData.
                io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => return Some(false),
                _ => {}
            }
        }
        // `io::Error::source` skips the error it wraps (rustls's lives there): look inside.
        cause = match current
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
        {
            Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
            None => current.source(),
        };
    }
    None
}

impl RetryPolicy {
    /// The backoff ceiling before retry number `retry` (1-based):
    /// `min(max_backoff, initial_backoff * 2^(retry-1))`.
    fn ceiling(&self, retry: u32) -> Duration {
        self.initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff)
    }

    /// The wait before retry number `retry` (1-based): a uniformly random duration between zero
    /// and the ceiling ("full jitter").
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling_ms = u64::try_from(self.ceiling(retry).as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::random_range(0..=ceiling_ms))
    }

    /// The wait before the next retry given the response headers: `Retry-After` when present
    /// (an error if it exceeds the cap: give up rather than wait so long), else the backoff.
    /// A `Retry-After` of 0 or a date in the past still waits the backoff ceiling, so a server
    /// saying "now" cannot make the client retry in a tight loop.
    pub(crate) fn delay(
        &self,
        retry: u32,
        headers: Option<&HeaderMap>,
        now: SystemTime,
    ) -> Result<Duration, LongRetryAfter> {
        match headers.and_then(|h| retry_after(h, now)) {
            Some(asked) if asked > self.max_retry_after => Err(LongRetryAfter {
                asked,
                max: self.max_retry_after,
            }),
            Some(wait) => Ok(wait.max(self.ceiling(retry))),
            None => Ok(self.backoff(retry)),
        }
    }
}

/// Parses `Retry-After` as delta-seconds or an HTTP date (a date in the past means now).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Delta-seconds past u64 are still a (very long) wait, never "no Retry-After".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(
            retry_after(&headers("7"), SystemTime::now()),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        let h = headers("Wed, 21 Oct 2026 07:28:30 GMT");
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        let past = headers("Wed, 21 Oct 2026 07:00:00 GMT");
        assert_eq!(retry_after(&past, now), Some(Duration::ZERO));
    }

    #[test]
    fn garbage_retry_after_falls_back_to_backoff() {
        assert_eq!(retry_after(&headers("soon"), SystemTime::now()), None);
    }

    #[test]
    fn retry_after_beyond_the_cap_gives_up() {
        let policy = RetryPolicy {
            max_retry_after: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        for (beyond, asked) in [
            ("6", 6),
            ("18446744073709551615", u64::MAX),
            ("99999999999999999999", u64::MAX),
        ] {
            assert_eq!(
                policy.delay(1, Some(&headers(beyond)), SystemTime::now()),
                Err(LongRetryAfter {
                    asked: Duration::from_secs(asked),
                    max: Duration::from_secs(5)
                }),
                "{beyond}"
            );
        }
        assert_eq!(
            policy.delay(1, Some(&headers("5")), SystemTime::now()),
            Ok(Duration::from_secs(5))
        );
    }

    #[test]
    fn retry_after_now_still_waits_the_backoff_ceiling() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        };
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        for value in ["0", "Wed, 21 Oct 2026 07:00:00 GMT"] {
            assert_eq!(
                policy.delay(1, Some(&headers(value)), now),
                Ok(Duration::from_millis(100)),
                "{value}"
            );
            assert_eq!(
                policy.delay(3, Some(&headers(value)), now),
                Ok(Duration::from_millis(400)),
                "{value}"
            );
        }
    }

    /// An error wrapping another, as hyper and reqwest wrap theirs.
    #[derive(Debug)]
    struct Wrap(Box<dyn StdError + Send + Sync>);
    impl std::fmt::Display for Wrap {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("wrapper")
        }
    }
    impl StdError for Wrap {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&*self.0)
        }
    }

    #[test]
    fn chain_verdicts() {
        let io = |kind| Box::new(io::Error::from(kind)) as Box<dyn StdError + Send + Sync>;
        for (error, verdict) in [
            (Wrap(io(io::ErrorKind::ConnectionReset)), Some(true)),
            (Wrap(io(io::ErrorKind::UnexpectedEof)), Some(true)),
            (Wrap(io(io::ErrorKind::InvalidData)), Some(false)),
            // An io::Error wrapping a TLS failure, as tokio-rustls makes them.
            (
                Wrap(Box::new(io::Error::other(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "invalid peer certificate: UnknownIssuer",
                )))),
                Some(false),
            ),
            (Wrap(io(io::ErrorKind::Other)), None),
            (
                Wrap(Box::new(h2::Error::from(h2::Reason::REFUSED_STREAM))),
                Some(true),
            ),
            (
                Wrap(Box::new(h2::Error::from(h2::Reason::PROTOCOL_ERROR))),
                Some(false),
            ),
        ] {
            assert_eq!(chain_verdict(&error), verdict, "{error:?}");
        }
    }

    #[test]
    fn backoff_is_jittered_under_a_doubling_ceiling() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for (retry, ceiling) in [(1, 100), (2, 200), (3, 350), (10, 350), (40, 350)] {
            let samples: Vec<Duration> = (0..200).map(|_| policy.backoff(retry)).collect();
            assert!(
                samples.iter().all(|d| *d <= Duration::from_millis(ceiling)),
                "retry {retry}"
            );
            // Full jitter: the waits spread out instead of clustering at the ceiling.
            assert!(
                samples
                    .iter()
                    .any(|d| *d < Duration::from_millis(ceiling / 2)),
                "retry {retry}"
            );
        }
    }

    #[test]
    fn only_rate_limits_and_gateway_errors_are_retryable() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [400, 401, 403, 404, 409, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
    }
}
