//! The one error type of the generator.

/// Why a schema could not be turned into Rust source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The schema text is not JSON.
    #[error("schema is not valid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// The JSON is not shaped like a JSON Schema (for example a keyword has the wrong type).
    #[error("not a JSON Schema: {0}")]
    NotASchema(String),
    /// A `$ref` points at a definition that does not exist.
    #[error("unresolvable $ref {reference:?} at {location}: no such definition")]
    UnresolvedRef {
        /// JSON Pointer of the object holding the `$ref`.
        location: String,
        /// The reference as written.
        reference: String,
    },
    /// A `$ref` that is not local (`#/definitions/NAME`); the generator never fetches remote schemas.
    #[error(
        "unsupported $ref {reference:?} at {location}: only local references of the form #/definitions/NAME are supported"
    )]
    UnsupportedRef {
        /// JSON Pointer of the object holding the `$ref`.
        location: String,
        /// The reference as written.
        reference: String,
    },
    /// typify rejected a construct of the schema.
    #[error("unsupported schema construct: {0}")]
    Unsupported(String),
    /// One schema of a multi-schema file failed.
    #[error("module {module}: {source}")]
    InModule {
        /// The module whose schema failed.
        module: String,
        /// Why it failed.
        source: Box<Error>,
    },
    /// The generator produced tokens that are not a Rust file (a bug in the generator).
    #[error("generated code does not parse as Rust: {0}")]
    InvalidOutput(String),
}
