#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod body;
mod client;
mod config;
mod error;
// Written by `cargo xtask gen` (prettyplease), not rustfmt.
#[rustfmt::skip]
mod generated;
mod pages;
mod request;
mod retry;
mod shortcuts;
mod transport;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
};
pub use config::MAX_PATH_LEN;
pub use error::{
    ApiErrorBody, BaseUrlError, ConfigError, Error, ErrorKind, FieldError, FieldErrors,
    MAX_QUOTED_CHARS, NON_FIELD_ERRORS, PathError,
};
/// The query parameters of the generated operation methods.
pub use generated::*;
pub use hamravesh_types as types;
/// Making untrusted text (from a server, a payload or a file name) safe to print on a terminal.
pub use hamravesh_types::text;
pub use hamravesh_types::{
    DecodeError, Organization, OrganizationFeatureFlags, PROFILE_PATH, Profile, Timestamp,
    UserSummary,
};
pub use pages::{
    DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGE_BYTES, DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE,
    NotificationWalk, PageWalk,
};
pub use request::{RequestBuilder, Response, check_organization, check_request_path};
/// HTTP methods, for [`Client::request`].
pub use reqwest::Method;
/// HTTP status codes, as [`Error::status`] returns them.
pub use reqwest::StatusCode;
/// HTTP versions, as [`Response::version`] gives them.
pub use reqwest::Version;
/// Header names and values, as [`Response::headers`] gives them.
pub use reqwest::header;

/// The base URL of the real service.
pub const DEFAULT_BASE_URL: &str = "https://api.hamravesh.com";
/// Environment variable holding the API key.
pub const API_KEY_ENV: &str = "HAMRAVESH_API_KEY";
/// Environment variable overriding the base URL.
pub const BASE_URL_ENV: &str = "HAMRAVESH_BASE_URL";
/// Environment variable naming a proxy for every request (see [`ClientBuilder::proxy`]).
pub const PROXY_ENV: &str = "HAMRAVESH_PROXY";
/// The `User-Agent` sent by default.
pub const DEFAULT_USER_AGENT: &str = concat!("hamravesh-rs/", env!("CARGO_PKG_VERSION"));
