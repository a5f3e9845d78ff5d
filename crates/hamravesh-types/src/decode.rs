//! Typed decoding that reports the JSON path of the field that failed.

use crate::duplicates::Problem;
use serde::de::DeserializeOwned;

/// A payload that could not be decoded, with the path of the field that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    is_syntax: bool,
}

impl DecodeError {
    /// The path of the failing field, such as `organizations[0].owner.email`; `.` for the whole
    /// payload. Exact, so it may hold any character a key held: `Display` shows it made safe.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong, with line and column (for example `invalid type: integer `5`, expected a
    /// string at line 1 column 30`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the input where decoding stopped.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the input where decoding stopped.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Whether the input is not JSON at all (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        self.is_syntax
    }
}

/// How much of a path or a message `Display` shows: both can quote what a server sent (a key, a
/// string value), so they are cut and made safe for a terminal; [`DecodeError::path`] and
/// [`DecodeError::message`] keep them whole.
const SHOWN_CHARS: usize = 300;

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = crate::text::one_line(&self.message, SHOWN_CHARS);
        if self.path == "." {
            write!(f, "{message}")
        } else {
            let path = crate::text::one_line(&self.path, SHOWN_CHARS);
            write!(f, "{path}: {message}")
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes JSON into a model type of this crate (or any other `DeserializeOwned` type), naming
/// the path of the failing field on error: `decode::<Profile>(body)`,
/// `decode::<notifications::NotificationPage>(body)`.
///
/// A key repeated inside one object is an error wherever it is, as it is to validation (serde
/// alone would keep the last of a repeated unknown field), and so is text validation does not
/// read as JSON inside an unknown field (`1e400`, a lone surrogate escape, nesting past 128),
/// which serde alone would skip.
///
/// ```
/// use hamravesh_types::{Profile, decode};
/// let error = decode::<Profile>(br#"{"first_name": null, "email": 42}"#).unwrap_err();
/// assert_eq!(error.path(), "email");
/// let error = decode::<serde_json::Value>(br#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
/// assert!(error.to_string().starts_with("a: duplicate field `b` at line 1"));
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Fast path: plain serde_json. Tracking the path costs time on every field, so it is paid only
    // when decoding fails, by decoding again to find where.
    let value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(_) => return decode_with_path(bytes),
    };
    match crate::duplicates::scan(bytes) {
        None => Ok(value),
        Some(Problem::Duplicate(duplicate)) => Err(DecodeError {
            message: format!(
                "duplicate field `{}` at line {} column {}",
                duplicate.key, duplicate.line, duplicate.column
            ),
            path: duplicate.path,
            line: duplicate.line,
            column: duplicate.column,
            is_syntax: false,
        }),
        // serde_json skipped an unknown field without reading it; validation reads it.
        Some(Problem::NotJson(error)) => Err(DecodeError {
            path: ".".to_owned(),
            message: error.to_string(),
            line: error.line(),
            column: error.column(),
            is_syntax: true,
        }),
    }
}

fn decode_with_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(into_decode_error)?;
    // Trailing characters after the payload make the whole input invalid JSON.
    deserializer.end().map_err(|error| DecodeError {
        path: ".".to_owned(),
        message: error.to_string(),
        line: error.line(),
        column: error.column(),
        is_syntax: true,
    })?;
    Ok(value)
}

fn into_decode_error(error: serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    let path = known_path(&error.path().to_string());
    let inner = error.into_inner();
    DecodeError {
        is_syntax: inner.is_syntax() || inner.is_eof(),
        path,
        message: inner.to_string(),
        line: inner.line(),
        column: inner.column(),
    }
}

/// serde_path_to_error writes `?` for a map key it has not read yet (a syntax error inside an
/// object); the object holding it is the most precise place we know.
fn known_path(path: &str) -> String {
    match path
        .strip_suffix('?')
        .map(|p| p.strip_suffix('.').unwrap_or(p))
    {
        Some("") => ".".to_owned(),
        Some(parent) => parent.to_owned(),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_json_is_a_syntax_error_at_the_root() {
        let error = decode::<crate::Profile>(b"{not json").unwrap_err();
        assert!(error.is_syntax());
        assert_eq!(error.path(), ".");
        assert_eq!((error.line(), error.column()), (1, 2));
    }

    /// What serde_json skips unread in an unknown field, validation reads: decoding refuses it
    /// too, so the two agree on what is JSON.
    #[test]
    fn unknown_fields_must_be_json_as_validation_reads_it() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for (unknown, message) in [
            ("1e400", "number out of range"),
            (r#""\ud800""#, "unexpected end of hex escape"),
            (deep.as_str(), "recursion limit exceeded"),
        ] {
            let body = format!(r#"{{"name": "a", "cluster_id": 53, "zz": {unknown}}}"#);
            let error = decode::<crate::namespaces::CreateNamespace>(body.as_bytes()).unwrap_err();
            assert!(error.is_syntax(), "{error}");
            assert_eq!(error.path(), ".");
            assert!(error.message().contains(message), "{error}");
        }
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        let error = decode::<serde_json::Value>(b"{} x").unwrap_err();
        assert!(error.is_syntax());
        assert!(error.message().contains("trailing characters"), "{error}");
    }

    #[test]
    fn display_is_bounded_and_safe_for_a_terminal() {
        let key = format!("\u{1b}]0;owned\u{7}\u{202e}{}", "k".repeat(5000));
        let body = format!(
            r#"{{"organization_roles": {{"{}": [5]}}}}"#,
            key.replace('\u{1b}', "\\u001b")
                .replace('\u{7}', "\\u0007")
                .replace('\u{202e}', "\\u202e")
        );
        let error = decode::<crate::Profile>(body.as_bytes()).unwrap_err();
        assert!(
            error.path().starts_with("organization_roles.\u{1b}"),
            "{:?}",
            error.path()
        );
        let shown = error.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert!(shown.contains(r"\u{1b}]0;owned"), "{shown}");
        assert!(
            shown.chars().count() < 2 * SHOWN_CHARS + 40,
            "{}",
            shown.len()
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let error = decode::<serde_json::Value>(deep.as_bytes()).unwrap_err();
        assert!(error.message().contains("recursion limit"), "{error}");
    }
}
