//! Validation of any JSON value against the embedded schema (or another schema), reporting every
//! error with a JSON Pointer to the failing value.
//!
//! Formats are asserted: a `date-time` that is not RFC 3339 is an error (draft-07 validators may
//! treat formats as annotations; this one does not). The schema gives `email` fields no `format`:
//! the docs do not promise one, and validators disagree on what a valid address is, so an address
//! is checked only for being a string.

use std::sync::OnceLock;

use serde_json::Value;

/// One way a payload breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationError {
    /// JSON Pointer to the failing value in the payload, e.g. `/organizations/0/owner/email`
    /// (empty for the whole payload).
    pub instance_path: String,
    /// JSON Pointer to the schema keyword that failed, e.g. `/definitions/UserSummary/properties/email/type`.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Every error of one payload, in the order the validator found them (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The individual errors.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }

    /// Consumes the list into its errors.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// A schema that cannot be compiled into a validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid schema: {}", self.0)
    }
}

impl std::error::Error for SchemaError {}

/// A compiled schema, reusable across threads and calls.
pub struct Validator {
    inner: jsonschema::Validator,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator").finish_non_exhaustive()
    }
}

impl Validator {
    /// Compiles `schema` (its `$schema` picks the draft; draft-07 when absent is not assumed:
    /// the validator's default applies). Remote `$ref`s are never fetched. Formats are asserted.
    pub fn new(schema: &Value) -> Result<Self, SchemaError> {
        jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .map(|inner| Self { inner })
            .map_err(|error| SchemaError(error.to_string()))
    }

    /// The validator for the embedded profile schema, compiled once per process.
    pub fn profile() -> &'static Validator {
        static PROFILE: OnceLock<Validator> = OnceLock::new();
        PROFILE.get_or_init(|| match Validator::new(&crate::schema_value()) {
            Ok(validator) => validator,
            // The embedded schema is checked against its meta-schema by the test suite.
            Err(error) => unreachable!("the embedded schema does not compile: {error}"),
        })
    }

    /// Checks `value`, reporting every error.
    pub fn validate(&self, value: &Value) -> Result<(), ValidationErrors> {
        let errors: Vec<ValidationError> = self
            .inner
            .iter_errors(value)
            .map(|error| ValidationError {
                instance_path: error.instance_path().to_string(),
                schema_path: error.schema_path().to_string(),
                message: readable_message(&error),
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }

    /// Whether `value` is valid (faster than [`Validator::validate`]: it stops at the first error).
    pub fn is_valid(&self, value: &Value) -> bool {
        self.inner.is_valid(value)
    }
}

/// The validator's message, with the offending value left out when quoting it would flood the
/// line (an organization object quoted whole, say).
fn readable_message(error: &jsonschema::ValidationError<'_>) -> String {
    const QUOTE_LIMIT: usize = 160;
    let message = error.to_string();
    if message.chars().count() <= QUOTE_LIMIT {
        message
    } else {
        error.masked().to_string()
    }
}

/// Validates `value` against the embedded profile schema, reporting every error.
///
/// ```
/// let payload = serde_json::json!({"email": 42});
/// let errors = hamravesh_types::validate(&payload).unwrap_err();
/// assert!(errors.errors().iter().any(|e| e.instance_path == "/email"));
/// ```
pub fn validate(value: &Value) -> Result<(), ValidationErrors> {
    Validator::profile().validate(value)
}

/// Whether `value` matches the embedded profile schema.
pub fn is_valid(value: &Value) -> bool {
    Validator::profile().is_valid(value)
}
