//! Why the mock refuses to start or to serve what it is given.

use std::net::SocketAddr;

/// Why the mock could not start, or could not serve a profile or feed it was given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The profile to serve is not JSON.
    #[error("the profile to serve is not JSON: {0}")]
    FixtureNotJson(#[from] serde_json::Error),
    /// The profile to serve does not match the schema.
    #[error("the profile to serve does not match the schema:\n{0}")]
    FixtureInvalid(hamravesh_types::ValidationErrors),
    /// The profile to serve matches the schema but does not decode into the typed models (a
    /// repeated key, an id beyond `i64`, an integral float such as `1598.0` where an integer is
    /// expected), so a client of this SDK could not read it.
    #[error("the profile to serve does not decode into the typed models: {0}")]
    FixtureUndecodable(hamravesh_types::DecodeError),
    /// The notification feed to serve is not a JSON array.
    #[error("the notification feed to serve is not a JSON array of notifications: {0}")]
    NotificationsNotJson(String),
    /// A notification of the feed does not match the schema (paths are those of a page holding
    /// the whole feed: `/results/N/...`).
    #[error("the notification feed to serve does not match the schema:\n{0}")]
    NotificationsInvalid(hamravesh_types::ValidationErrors),
    /// A notification of the feed matches the schema but does not decode into the typed models.
    #[error("the notification feed to serve does not decode into the typed models: {0}")]
    NotificationsUndecodable(hamravesh_types::DecodeError),
    /// An edit names an organization the profile does not have (by its `name`, the value of
    /// `x-organization`).
    #[error("the profile has no organization named {name:?} (it has: {})", known.join(", "))]
    UnknownOrganization {
        /// The name asked for.
        name: String,
        /// The names the profile has.
        known: Vec<String>,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
}
