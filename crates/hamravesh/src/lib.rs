//! Client for the Hamravesh PaaS API.
//!
//! Fetch the signed-in user's profile and organizations with one call; the models come from
//! [`hamravesh_types`] (re-exported as [`types`]), generated from a JSON Schema derived from the
//! API's documentation.
//!
//! ```no_run
//! # async fn run() -> Result<(), hamravesh::Error> {
//! // Reads HAMRAVESH_API_KEY (and HAMRAVESH_BASE_URL, if set).
//! let client = hamravesh::Client::from_env()?;
//! let profile = client.profile().await?;
//! println!("{} belongs to {} organizations", profile.full_name, profile.organizations.len());
//! # Ok(()) }
//! ```
//!
//! The client retries idempotent requests on connection errors, timeouts, 429, 502, 503 and 504
//! with exponential backoff and full jitter, honouring `Retry-After`. It keeps the API key secret:
//! the key is never in `Debug` or `Display` output, errors or logs, and it is only sent over HTTPS
//! (or plain HTTP to a loopback address, for local mocks).
//!
//! # Features
//! - `blocking`: [`blocking::Client`], the same API for programs without an async runtime.
//! - `validate`: schema validation from the types crate ([`types::validate`]).
#![deny(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod body;
mod client;
mod config;
mod error;
mod retry;
pub mod text;

pub use client::{Client, ClientBuilder};
pub use error::{ApiErrorBody, ConfigError, Error};
pub use hamravesh_types as types;
pub use hamravesh_types::{
    DecodeError, Organization, OrganizationFeatureFlags, PROFILE_PATH, Profile, UserSummary,
};

/// The base URL of the real service.
pub const DEFAULT_BASE_URL: &str = "https://api.hamravesh.com";
/// Environment variable holding the API key.
pub const API_KEY_ENV: &str = "HAMRAVESH_API_KEY";
/// Environment variable overriding the base URL.
pub const BASE_URL_ENV: &str = "HAMRAVESH_BASE_URL";
/// The `User-Agent` sent by default.
pub const DEFAULT_USER_AGENT: &str = concat!("hamravesh-rs/", env!("CARGO_PKG_VERSION"));
