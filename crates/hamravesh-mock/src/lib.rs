//! A local fake of the Hamravesh API, for tests, examples and demos.
//!
//! [`MockServer::start`] binds 127.0.0.1 on an ephemeral port and serves every operation the docs
//! describe, routed from the one operation list ([`hamravesh_types::operations::ALL`]):
//!
//! | operation | what the mock does |
//! |---|---|
//! | `GET /api/v1/users/profile` | the fixture profile ([`DEFAULT_PROFILE`] unless configured) |
//! | `GET /api/v1/notifications/all_list/` | a page of the feed ([`DEFAULT_NOTIFICATIONS`]), paged like DRF |
//! | `POST /api/v1/darkube/namespaces/` | checks the body, creates a namespace, `201` |
//! | `DELETE /api/v1/darkube/namespaces/{namespace_id}/` | `204`, then `404` for the same id |
//!
//! Every request must carry `Authorization: Api-key <KEY>`: none gets `401`, another key `403`.
//! Wrong keys, unknown paths and wrong methods get the status and JSON error envelope
//! (`{"detail", "code", "success": false}`) the real service sends. Scenario controls ([`Fault`])
//! make the next requests, or the next requests to one operation, fail in the ways networks and
//! proxies do, and counters let tests assert retries and connection reuse.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), hamravesh_mock::MockError> {
//! use hamravesh_types::operations::CREATE_NAMESPACE;
//! let server = hamravesh_mock::MockServer::start().await?;
//! server.push_fault(hamravesh_mock::Fault::status(503), 2); // the next two requests fail
//! // The next create waits 5 s, then creates: a client that timed out has still created it.
//! server.push_fault_on(&CREATE_NAMESPACE, hamravesh_mock::Fault::Delay(std::time::Duration::from_secs(5)), 1);
//! let url = format!("{}/api/v1/users/profile", server.url());
//! assert!(url.starts_with("http://127.0.0.1:"));
//! # Ok(()) }
//! ```
//!
//! # Setting what it serves
//!
//! Through the typed models: [`MockBuilder::organization_balance`], [`MockBuilder::profile_with`]
//! (a closure over the decoded profile), [`MockBuilder::profile`], and the same for the feed
//! ([`MockBuilder::notifications_with`], [`MockBuilder::notifications`]); on a running mock,
//! [`MockServer::set_organization_balance`], [`MockServer::update_profile`] and
//! [`MockServer::update_notifications`], served from the next request. An edit is encoded and
//! checked like any fixture: one that breaks the schema, or names an organization the profile
//! does not have, is an error ([`MockError`]), never served. The default profile's one
//! organization is `my-team`, with balance 0.
//!
//! # Organizations
//!
//! The organization-scoped operations ([`hamravesh_types::Operation::is_organization_scoped`]:
//! the feed and both namespace operations) need the header `x-organization`
//! ([`hamravesh_types::ORGANIZATION_HEADER`]) naming an organization of the fixture profile by its
//! `name` (`my-team` in the default profile). After the key check, a request without the header,
//! or naming an organization the profile does not have, gets `403` with the envelope and code
//! `permission_denied` (the `detail` says which of the two it is). The profile ignores the header.
//!
//! # The notification feed
//!
//! Paged like Django REST Framework's `LimitOffsetPagination`: `limit` is the page size (default
//! [`DEFAULT_PAGE_SIZE`], 10; a missing or zero `limit` gets the default, a larger one is cut to
//! [`MAX_PAGE_SIZE`], 100), `offset` how many to skip (default 0). A value the OpenAPI document does
//! not allow (not a non-negative integer written in ASCII digits, past `i64::MAX`, or given twice)
//! gets `400` with DRF's field envelope, `{"offset": ["…"]}`, where DRF would quietly read it as
//! missing: the mock holds clients to the document. The page is `{count, next, previous, results}`: `count` the feed's length,
//! `next`/`previous` absolute URLs built from the request's `Host` header,
//! `http://HOST/api/v1/notifications/all_list/?limit=L&offset=O` (the request's other query
//! parameters kept, sorted by name; `previous` drops `offset` when it would be 0), `null` at the
//! ends. An offset past the end gets an empty `results`. A `Host` Django would refuse gets `400`,
//! as does such an authority in an absolute-form request line sent without `Host`.
//! The feed is the same for every organization, as the service's is.
//!
//! # Namespaces
//!
//! Kept per organization, from id [`FIRST_NAMESPACE_ID`] (1001) up. The create body must be JSON
//! (`Content-Type: application/json`; another media type gets `415`, no content type means no
//! fields) holding a string `name` and an integer `cluster_id` that is the `id` of one of the
//! organization's `available_clusters` in the profile (53 in the default profile). Refusals are
//! DRF's `400`s, in Persian as the service sends them: `{"FIELD": ["این مقدار لازم است."]}`
//! with one list of messages per bad field, `{"non_field_errors": [...]}` for a body that is not
//! an object, and the envelope with `detail` `JSON parse error - ...` (code `parse_error`) for a
//! body that is not JSON. The answer is `201` with `{name, cluster: {id, name, location_country,
//! is_on_premise}, id}`. A delete answers `204` with no body; an id that does not exist in that
//! organization, or that is not an integer, gets `404`. At most 1000 namespaces are kept at once;
//! beyond that a create gets `400` with `non_field_errors`.
//!
//! # Limits
//!
//! A connection has [`MockBuilder::header_read_timeout`] to send each request head, so half-sent
//! requests and idle kept-alive connections are closed. A request target over 8 KiB gets `414`,
//! header lines over 16 KiB (or more than 100) get `431`, a body over 64 KiB `413`, a body slower
//! than the header timeout `408`, all with the envelope. hyper answers heads beyond its own buffer (64 KiB) and requests that are not HTTP by
//! itself, with a bare `431` or `400` and no body: it offers no hook to give them one.
//!
//! The accept loop is public, [`http::serve`] with its [`http::Limits`], so that other servers
//! of the SDK (the `hamravesh exporter`) keep the same bounds.
//!
//! The library prints nothing; it logs through `tracing`.
#![deny(missing_docs)]
// A library must not write to the process's stdout or stderr: they may be closed, or the caller's.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

mod error;
mod example;
mod fault;
mod fixture;
pub mod http;
mod namespaces;
mod paging;
mod routes;
mod server;
mod state;

pub use error::MockError;
pub use fault::{Fault, FaultBody};
pub use server::{DEFAULT_HEADER_READ_TIMEOUT, MockBuilder, MockServer};

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
