//! `hamravesh profile`: resolve flags and environment into a client, fetch, print.
//!
//! Where the base URL comes from: `--mock` uses the embedded mock and nothing else; otherwise
//! `--base-url` if given, else what `ClientBuilder::from_env` reads from HAMRAVESH_BASE_URL (the
//! one place that reads it: blank means unset), else the real service.

use std::time::Duration;

use hamravesh::{Client, ClientBuilder, Error};
use hamravesh_mock::MockServer;

use crate::Failure;
use crate::args::ProfileArgs;
use crate::output::describe;

/// Runs the command.
pub async fn run(args: ProfileArgs) -> Result<(), Failure> {
    // Keep the embedded mock alive for the whole call.
    let mut _mock = None;
    let mut builder = if args.mock {
        let server = MockServer::start().await.map_err(|e| {
            Failure::Usage(format!("cannot start the embedded mock: {}", describe(&e)))
        })?;
        let builder = Client::builder()
            .api_key(server.api_key())
            .base_url(server.url());
        _mock = Some(server);
        builder
    } else {
        let builder = ClientBuilder::from_env();
        match &args.base_url {
            Some(url) => builder.base_url(url),
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
    if args.json {
        let body = client.profile_json().await.map_err(classify)?;
        // Decode first so that --json never prints a payload that breaks the documented shape.
        hamravesh::types::decode(&body).map_err(|e| classify(Error::from_decode(e, &body)))?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
            Failure::Remote(format!("the API's response is not JSON: {}", describe(&e)))
        })?;
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        crate::print_stdout(&format!("{pretty}\n"));
    } else {
        let profile = client.profile().await.map_err(classify)?;
        crate::print_stdout(&crate::render::profile(&profile));
    }
    Ok(())
}

/// A flag's seconds as a duration: positive and finite, or a usage error naming the flag.
fn positive_seconds(flag: &str, seconds: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{flag} must be a positive number of seconds, not {seconds}"
            ))
        })
}

/// Configuration errors are the user's to fix (exit 2); everything else is the API or network
/// (exit 1). The message is the client's report: its own part and every cause, each bounded.
fn classify(error: Error) -> Failure {
    if error.is_config() {
        Failure::Usage(error.report())
    } else {
        Failure::Remote(error.report())
    }
}
