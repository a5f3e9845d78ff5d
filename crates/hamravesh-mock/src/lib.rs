//! A local fake of the Hamravesh API, for tests, examples and demos.
//!
//! [`MockServer::start`] binds 127.0.0.1 on an ephemeral port and serves
//! `GET /api/v1/users/profile` after checking `Authorization: Api-key <KEY>`. Wrong or missing
//! keys, unknown paths and wrong methods get the status and JSON error envelope the real service
//! sends. Scenario controls ([`Fault`]) make the next requests fail in the ways networks and
//! proxies do, and counters let tests assert retries and connection reuse.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), hamravesh_mock::MockError> {
//! let server = hamravesh_mock::MockServer::start().await?;
//! server.push_fault(hamravesh_mock::Fault::status(503), 2); // the next two requests fail
//! let url = format!("{}/api/v1/users/profile", server.url());
//! assert!(url.starts_with("http://127.0.0.1:"));
//! # Ok(()) }
//! ```
//!
//! # Limits
//!
//! A connection has [`MockBuilder::header_read_timeout`] to send each request head, so half-sent
//! requests and idle kept-alive connections are closed. A request target over 8 KiB gets `414`,
//! header lines over 16 KiB (or more than 100) get `431`, both with the envelope. hyper answers
//! heads beyond its own buffer (64 KiB) and requests that are not HTTP by itself, with a bare
//! `431` or `400` and no body: it offers no hook to give them one.
//!
//! The library prints nothing; it logs through `tracing`.
#![deny(missing_docs)]
// A library must not write to the process's stdout or stderr: they may be closed, or the caller's.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

mod fault;
mod namespaces;
mod paging;
mod routes;
mod server;

pub use fault::{Fault, FaultBody};
pub use server::{DEFAULT_HEADER_READ_TIMEOUT, MockBuilder, MockError, MockServer};

/// The API key the mock accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "mock-api-key";

/// The profile served by default: the docs page's example, repaired into valid JSON.
///
/// Embedded from the crate's `fixtures/page-example.json`, which the SDK's payload corpus also uses.
pub const DEFAULT_PROFILE: &str = include_str!("../fixtures/page-example.json");

/// The notification feed served by default: 37 notifications, newest first (Persian titles,
/// HTML in descriptions, read and unread, public and not, several `target_type`s).
///
/// Embedded from the crate's `fixtures/notifications.json`; `MockBuilder::notifications_json`
/// serves another.
pub const DEFAULT_NOTIFICATIONS: &str = include_str!("../fixtures/notifications.json");

/// The page size of the notification feed when a request gives no usable `limit` (DRF's
/// `PAGE_SIZE`).
pub const DEFAULT_PAGE_SIZE: u64 = paging::DEFAULT_LIMIT;

/// The largest page of the notification feed: a larger `limit` is cut to this (DRF's
/// `max_limit`).
pub const MAX_PAGE_SIZE: u64 = paging::MAX_LIMIT;

/// The id the mock gives the first namespace it creates; each next one gets the next integer.
pub const FIRST_NAMESPACE_ID: i64 = namespaces::FIRST_NAMESPACE_ID;

// The README's examples are compiled and run with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
