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
//! println!("try: curl -H 'Authorization: Api-key {}' {}/api/v1/users/profile", server.api_key(), server.url());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod fault;
mod routes;
mod server;

pub use fault::{Fault, FaultBody};
pub use server::{MockBuilder, MockError, MockServer};

/// The API key the mock accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "mock-api-key";

/// The profile served by default: the docs page's example, repaired into valid JSON.
pub const DEFAULT_PROFILE: &str = include_str!("../../../tests/payloads/valid/page-example.json");
