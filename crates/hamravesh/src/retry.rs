//! When to retry, and how long to wait: exponential backoff with full jitter, honouring `Retry-After`.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

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

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based): a uniformly random duration between zero
    /// and `min(max_backoff, initial_backoff * 2^(retry-1))` ("full jitter").
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::random_range(0..=ceiling_ms))
    }

    /// The wait before the next retry given the response headers: `Retry-After` when present
    /// (`None` if it exceeds the cap: give up rather than wait so long), else the backoff.
    pub(crate) fn delay(
        &self,
        retry: u32,
        headers: Option<&HeaderMap>,
        now: SystemTime,
    ) -> Option<Duration> {
        match headers.and_then(|h| retry_after(h, now)) {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Parses `Retry-After` as delta-seconds or an HTTP date (a date in the past means now).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
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
        assert_eq!(
            policy.delay(1, Some(&headers("6")), SystemTime::now()),
            None
        );
        assert_eq!(
            policy.delay(1, Some(&headers("5")), SystemTime::now()),
            Some(Duration::from_secs(5))
        );
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
