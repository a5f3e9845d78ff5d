//! Typed models of the Hamravesh PaaS API, generated from its JSON Schemas.
//!
//! `cargo xtask gen` generates one module per schema, each hand-derived from an API
//! documentation page: [`profile`] (`GET /api/v1/users/profile`: [`Profile`], [`Organization`],
//! …), [`notifications`] (`GET /api/v1/notifications/all_list/`) and [`namespaces`] (create and
//! delete), plus [`operations`], every documented operation as an [`Operation`] constant. The
//! schemas are embedded ([`schemas`]); [`Document`] names each kind of payload with its schema,
//! validator and model.
//!
//! Decoding is forward compatible: unknown fields are ignored and values the docs never
//! enumerated stay strings. A documented field that is missing or has the wrong type is an error
//! that names the field's path:
//!
//! ```
//! use hamravesh_types::{Profile, decode};
//! let body = br#"{"first_name": null, "email": 42}"#;
//! let error = decode::<Profile>(body).unwrap_err();
//! assert_eq!(error.path(), "email");
//! assert!(error.to_string().starts_with("email: invalid type: integer `42`, expected a string"));
//! ```
//!
//! # Features
//! - `validate` (default): [`Document::validate`] and [`Validator`] check any JSON value against a
//!   schema, reporting every error with a JSON Pointer; [`check_bytes`] turns a payload's bytes
//!   into a [`Verdict`] (not JSON, repeated keys, schema errors) with a cap on the errors kept.
//! - `schemars`: derive `schemars::JsonSchema` (schemars 0.8) on every model type.
//!
//! # Semver policy
//! The docs add fields over time, so every model type is `#[non_exhaustive]`: a field added to
//! the schema is a minor release, not a breaking change. Fields stay public for reading. Code
//! outside this crate constructs a value by decoding JSON (what a recorded fixture is) or with its
//! builder: `Type::builder()` (or [`profile::builder::Profile::from`] a decoded value), then `try_into()`,
//! which names any required field left unset. Removing, renaming or retyping a field, or making
//! an optional one required, is a breaking change.
#![deny(missing_docs)]
// On docs.rs, label each item that needs a feature (doc_cfg picks the labels from the `cfg`s).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "validate")]
mod check;
mod decode;
mod document;
#[cfg(feature = "validate")]
mod fast;
#[cfg(feature = "validate")]
mod validate;
#[rustfmt::skip]
// typify's output: its only unwrap compiles a schema pattern, a constant, on first use.
#[allow(clippy::all, clippy::unwrap_used)]
mod generated;
mod lookup;
mod operation;
mod read;
mod roles;
pub mod text;
mod timestamp;
pub mod undeclared;

#[cfg(feature = "validate")]
pub use check::{DEFAULT_MAX_ERRORS, Verdict, check_bytes, parse_payload};
pub use decode::{DecodeError, decode};
pub use document::{Document, schemas};
pub use generated::{namespaces, notifications, operations, profile};
pub use operation::{ORGANIZATION_HEADER, Operation, Parameter};
pub use profile::{Organization, OrganizationFeatureFlags, Profile, UserSummary};
pub use timestamp::{Timestamp, TimestampError};
pub use undeclared::{UndeclaredField, UndeclaredReport, undeclared_fields};
#[cfg(feature = "validate")]
pub use validate::{CappedErrors, Omitted};
#[cfg(feature = "validate")]
pub use validate::{SchemaError, ValidationError, ValidationErrors, Validator};

/// The path of `GET /api/v1/users/profile` (from the operation list, `schema/operations.json`).
pub const PROFILE_PATH: &str = operations::GET_PROFILE.path;
