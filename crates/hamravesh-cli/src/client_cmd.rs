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
    let (mut builder, mock) = if args.mock {
        let server = MockServer::start().await.map_err(|e| {
            Failure::Usage(format!("cannot start the embedded mock: {}", describe(&e)))
        })?;
        let builder = Client::builder()
            .api_key(server.api_key())
            .base_url(server.url());
        (builder, Some(server))
    } else {
        let builder = ClientBuilder::from_env();
        let builder = match &args.base_url {
            Some(url) => builder.base_url(url),
            None => builder,
        };
        let builder = match &args.proxy {
            Some(url) => builder.proxy(url),
            None => builder,
        };
        (builder, None)
    };
    if let Some(timeout) = args.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(total) = args.total_timeout {
        builder = builder.total_timeout(total);
    }
    if let Some(retries) = args.retries {
        builder = builder.max_retries(retries);
    }
    let client = builder.build().map_err(classify)?;
    Ok(Session { client, mock })
}

/// How long a walk over pages may take in all: `--total-timeout` bounds the whole command,
/// every page and retry included, not only each request.
pub fn walk_deadline(args: &ClientArgs) -> Duration {
    args.total_timeout
        .unwrap_or(hamravesh::DEFAULT_TOTAL_TIMEOUT)
}

/// Configuration errors are the user's to fix (exit 2); everything else is the API or network
/// (exit 1). The message is the client's report: its own part and every cause, each bounded.
pub fn classify(error: Error) -> Failure {
    walk_failure(error, &[])
}

/// A walk's error as a failure (as [`classify`] makes it), with the client's advice put in the
/// command's terms: each `(setter text, flag text)` pair replaced (the client names its own
/// setters, such as `max_pages`; the command has flags or none).
pub fn walk_failure(error: Error, advice: &[(&str, &str)]) -> Failure {
    let message = advice.iter().fold(error.report(), |message, (from, to)| {
        message.replace(from, to)
    });
    if error.is_config() {
        Failure::Usage(message)
    } else {
        Failure::Remote(message)
    }
}
