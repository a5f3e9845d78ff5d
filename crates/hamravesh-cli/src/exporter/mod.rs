//! `hamravesh exporter`: the organizations' money as Prometheus metrics.
//!
//! Two tasks share one [`metrics::Metrics`]: the poller reads the profile at most once per
//! `--min-interval` (backing off after failures, up to [`MAX_BACKOFF`], but never stopping) and
//! replaces the values; the HTTP server answers `/metrics` by encoding what is there, so a
//! scrape never waits for the API and however many scrapes come, the API sees one call per
//! interval. An `--org` name the profile does not list is no failure of the API: the others are
//! exported, `hamravesh_up` stays 1, `hamravesh_organization_unknown{organization}` is 1 for it
//! and a warning naming it (escaped) goes to stderr when the set of such names changes.
//! `/healthz` answers while the process lives; `/` links to `/metrics`. SIGINT and
//! SIGTERM stop the server gracefully. [`hamravesh_mock::http::serve`], within [`LIMITS`], bounds
//! what slow or idle peers can hold.

pub mod metrics;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use hamravesh::Client;

use crate::Failure;
use crate::args::ExporterArgs;
use crate::balance_cmd::{no_such_organization, partition};
use crate::client_cmd::{self, classify};
use crate::duration;
use crate::output;

use self::metrics::Metrics;

/// The shortest `--min-interval` accepted.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// The longest wait between polls after failures (or the interval, if that is longer).
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// The content type of the OpenMetrics text format `prometheus-client` writes.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The content type of the Prometheus text format 0.0.4.
const TEXT_0_0_4: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The HTTP server's bounds (an exporter often listens on every interface): a head within 10 s,
/// which is also how long an idle connection is kept and how long an answer may go unread; at
/// most 512 connections (Prometheus needs one per scraper), half the common default limit of
/// 1,024 open files, so a flood of idle peers cannot take the file descriptor the poller needs to
/// reach the API; heads of at most 16 KiB (a scrape's is a few hundred bytes) and 64 header lines.
pub const LIMITS: hamravesh_mock::http::Limits = hamravesh_mock::http::Limits {
    header_read_timeout: Duration::from_secs(10),
    max_connections: 512,
    max_head_bytes: 16 * 1024,
    max_headers: 64,
};

/// Runs the exporter until SIGINT or SIGTERM.
pub async fn run(args: ExporterArgs) -> Result<(), Failure> {
    let interval = duration::parse(&args.min_interval)
        .map_err(|e| Failure::Usage(format!("--min-interval: {e}")))?;
    if interval < MIN_INTERVAL {
        return Err(Failure::Usage(format!(
            "--min-interval must be at least 1s, not {}",
            args.min_interval.trim()
        )));
    }
    let session = client_cmd::connect(&args.client).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| Failure::Usage(format!("cannot listen on {}: {e}", args.listen)))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Usage(format!("cannot read the listening address: {e}")))?;
    output::print_stdout(&format!("listening on http://{address}\n"))?;
    let metrics = Arc::new(Metrics::new());
    let poller = tokio::spawn(poll_forever(
        session.client.clone(),
        Arc::clone(&metrics),
        interval,
        args.org.clone(),
    ));
    hamravesh_mock::http::serve(listener, router(metrics), LIMITS, shutdown_signal()).await;
    poller.abort();
    // The session (and an embedded mock with --mock) lives until here.
    drop(session);
    Ok(())
}

/// The routes: `/metrics`, `/healthz`, `/`.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move |headers: HeaderMap| {
                let metrics = Arc::clone(&metrics);
                async move { scrape(&metrics, &headers) }
            }),
        )
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/",
            get(|| async {
                Html(
                    "<!doctype html><html><head><title>Hamravesh exporter</title></head>\
                     <body><h1>Hamravesh exporter</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n",
                )
            }),
        )
}

/// A scrape's answer: OpenMetrics when the reader accepts it (Prometheus asks for it), else the
/// Prometheus text format 0.0.4.
fn scrape(metrics: &Metrics, headers: &HeaderMap) -> Response {
    let openmetrics = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("application/openmetrics-text"));
    let text = metrics.encode();
    if openmetrics {
        ([(CONTENT_TYPE, OPENMETRICS)], text).into_response()
    } else {
        ([(CONTENT_TYPE, TEXT_0_0_4)], metrics::to_text_0_0_4(&text)).into_response()
    }
}

/// Polls the profile forever: once per `interval` while it succeeds; after `n` failures in a
/// row, `interval × 2^n` capped at [`MAX_BACKOFF`] (or the interval, if longer). Each wait counts
/// from the start of the previous poll.
async fn poll_forever(
    client: Client,
    metrics: Arc<Metrics>,
    interval: Duration,
    orgs: Vec<String>,
) {
    let mut failures: u32 = 0;
    // The `--org` names the last successful poll did not find: warned of when they change.
    let mut missing: Vec<String> = Vec::new();
    loop {
        let started = Instant::now();
        let result = client.get_profile().await;
        let elapsed = started.elapsed().as_secs_f64();
        match result {
            Ok(profile) => {
                // The API answered: an `--org` it does not list is the user's to fix, not an
                // outage, so the others are exported and `up` stays 1.
                let (selected, unknown) = partition(&profile.organizations, &orgs);
                if unknown != missing {
                    for name in &unknown {
                        output::print_stderr(&format!(
                            "warning: {}; exporting the others, with hamravesh_organization_unknown 1 for it\n",
                            no_such_organization(name, &profile.organizations)
                        ));
                    }
                    missing = unknown.iter().map(|name| (*name).to_owned()).collect();
                }
                metrics.record_success(&selected, &unknown, elapsed, unix_now());
                failures = 0;
            }
            Err(error) => {
                output::print_error(&format!(
                    "polling the API failed: {}",
                    classify(error).message()
                ));
                metrics.record_failure(elapsed);
                failures = failures.saturating_add(1);
            }
        }
        tokio::time::sleep_until((started + backoff(interval, failures)).into()).await;
    }
}

/// The wait after `failures` failed polls in a row.
fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.min(16));
    interval
        .saturating_mul(factor)
        .min(MAX_BACKOFF.max(interval))
}

/// Seconds since the Unix epoch, as a float.
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Resolves on SIGINT or SIGTERM (or on SIGINT only where there is no SIGTERM).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    () = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => interrupt.await,
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_never_below_the_interval() {
        let minute = Duration::from_secs(60);
        let cases = [
            (minute, 0, 60),
            (minute, 1, 120),
            (minute, 2, 240),
            (minute, 3, 480),
            (minute, 4, 600),
            (minute, u32::MAX, 600),
            (Duration::from_secs(3600), 5, 3600),
            (Duration::from_secs(1), 3, 8),
        ];
        for (interval, failures, seconds) in cases {
            assert_eq!(
                backoff(interval, failures),
                Duration::from_secs(seconds),
                "{failures}"
            );
        }
    }
}
