//! The one place the client flags (`ClientArgs`) become a client, for every command that calls
//! the API, and the one mapping of client errors to exit codes.
//!
//! Where the base URL comes from: `--mock` uses an embedded mock and nothing else; otherwise
//! `--base-url` if given, else what `ClientBuilder::from_env` reads from HAMRAVESH_BASE_URL (the
//! one place that reads it: blank means unset), else the real service. The key likewise comes
//! from HAMRAVESH_API_KEY through `from_env`, never from a flag.

use std::time::Duration;

use hamravesh::{Client, ClientBuilder, Error};
use hamravesh_mock::MockServer;

use crate::Failure;
use crate::args::ClientArgs;
use crate::output::describe;

/// A client ready to call, and the embedded mock it talks to when `--mock` was given (kept
/// alive as long as the client is used).
pub struct Session {
    /// The client.
    pub client: Client,
    /// The embedded mock, with `--mock`.
    mock: Option<MockServer>,
}

impl Session {
    /// Whether the session talks to the embedded mock (`--mock`).
    pub fn is_mock(&self) -> bool {
        self.mock.is_some()
    }
}

/// Builds the client the flags and the environment describe (starting the embedded mock for
/// `--mock`). Bad flags and a missing key are usage errors; nothing is sent yet.
pub async fn connect(args: &ClientArgs) -> Result<Session, Failure> {
    let mut mock = None;
    let mut builder = if args.mock {
        let server = MockServer::start().await.map_err(|e| {
            Failure::Usage(format!("cannot start the embedded mock: {}", describe(&e)))
        })?;
        let builder = Client::builder()
            .api_key(server.api_key())
            .base_url(server.url());
        mock = Some(server);
        builder
    } else {
        let builder = ClientBuilder::from_env();
        let builder = match &args.base_url {
            Some(url) => builder.base_url(url),
            None => builder,
        };
        match &args.proxy {
            Some(url) => builder.proxy(url),
            None => builder,
        }
    };
    if let Some(seconds) = args.timeout {
        builder = builder.timeout(positive_seconds("--timeout", seconds)?);
    }
    if let Some(seconds) = args.total_timeout {
        builder = builder.total_timeout(positive_seconds("--total-timeout", seconds)?);
    }
    if let Some(retries) = args.retries {
        builder = builder.max_retries(retries);
    }
    let client = builder.build().map_err(classify)?;
    Ok(Session { client, mock })
}

/// The longest `--timeout` or `--total-timeout` accepted, in seconds: a year (366 days). More is
/// surely a typo, and a deadline that far away can overflow the clock's arithmetic.
pub const MAX_TIMEOUT_SECS: u64 = 366 * 24 * 60 * 60;

/// A flag's seconds as a duration: positive, finite and at most [`MAX_TIMEOUT_SECS`], or a
/// usage error naming the flag.
pub fn positive_seconds(flag: &str, seconds: f64) -> Result<Duration, Failure> {
    let duration = Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{flag} must be a positive number of seconds, not {seconds}"
            ))
        })?;
    if duration > Duration::from_secs(MAX_TIMEOUT_SECS) {
        return Err(Failure::Usage(format!(
            "{flag} must be at most {MAX_TIMEOUT_SECS} seconds (a year), not {seconds}"
        )));
    }
    Ok(duration)
}

/// Configuration errors are the user's to fix (exit 2); everything else is the API or network
/// (exit 1). The message is the client's report: its own part and every cause, each bounded.
pub fn classify(error: Error) -> Failure {
    if error.is_config() {
        Failure::Usage(error.report())
    } else {
        Failure::Remote(error.report())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_must_be_positive_and_finite() {
        assert_eq!(
            positive_seconds("--timeout", 1.5).ok(),
            Some(Duration::from_millis(1500))
        );
        let year = MAX_TIMEOUT_SECS as f64;
        assert_eq!(
            positive_seconds("--timeout", year).ok(),
            Some(Duration::from_secs(MAX_TIMEOUT_SECS))
        );
        // 1e19 and 1.8e19 fit a Duration but overflow `Instant + Duration`.
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
            1e19,
            1.8e19,
            year + 1.0,
        ] {
            match positive_seconds("--timeout", bad) {
                Err(Failure::Usage(message)) => {
                    assert!(message.starts_with("--timeout must be"), "{message}")
                }
                _ => panic!("{bad} accepted"),
            }
        }
    }
}
