//! Typed decoding that reports the JSON path of the field that failed.

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed};

use crate::read::{Read, Step};

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
    let Ok(value) = serde_json::from_slice(bytes) else {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let value =
            serde_path_to_error::deserialize(&mut deserializer).map_err(into_decode_error)?;
        // Trailing characters after the payload make the whole input invalid JSON.
        deserializer.end().map_err(syntax_error)?;
        return Ok(value);
    };
    // The read validation makes finds what serde let through (a repeated key, text it does not
    // read as JSON in a skipped unknown field). This read only tells whether there is one, as
    // tracking the place costs time on every key; a payload that has one (rare) is read again.
    match scan(bytes, false).0 {
        Ok(()) => Ok(value),
        Err(_) => Err(first_problem(bytes)),
    }
}

/// Reads `bytes` as validation does, stopping at the first repeated key: the read's error, and
/// the repeat (the dotted path of its object when `with_path`, and the key) if that was the cause.
fn scan(
    bytes: &[u8],
    with_path: bool,
) -> (Result<(), serde_json::Error>, Option<(String, String)>) {
    let mut repeat = None;
    let mut path = Vec::new();
    let read = Read::<()> {
        path: with_path.then_some(&mut path),
        on_repeat: &mut |path, key| repeat = Some((dotted(path), key.to_owned())),
        stop_at_repeat: true,
        build: PhantomData,
    }
    .deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    (read, repeat)
}

/// The error for a payload the first [`scan`] found a problem in, read again with the path.
fn first_problem(bytes: &[u8]) -> DecodeError {
    match scan(bytes, true) {
        (Ok(()), _) => syntax_error(<serde_json::Error as serde::de::Error>::custom(
            "internal error: the problem was not found again",
        )),
        (Err(error), None) => syntax_error(error),
        (Err(error), Some((path, key))) => DecodeError {
            message: format!(
                "duplicate field `{key}` at line {} column {}",
                error.line(),
                error.column()
            ),
            path,
            line: error.line(),
            column: error.column(),
            is_syntax: false,
        },
    }
}

/// The dotted path of the object a repeat is in (`organizations[0].owner`, `.` for the root).
fn dotted(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Key(key) if out.is_empty() => out.push_str(key),
            Step::Key(key) => out.push_str(&format!(".{key}")),
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

fn syntax_error(error: serde_json::Error) -> DecodeError {
    DecodeError {
        path: ".".to_owned(),
        message: error.to_string(),
        line: error.line(),
        column: error.column(),
        is_syntax: true,
    }
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

    /// What serde lets through (a repeated key, text it skips unread) is refused where the first
    /// one is met, naming the object a repeat is in.
    #[test]
    fn repeats_and_unread_text_are_found_at_any_depth() {
        let deep = format!("{{\"x\": {}{}}}", "[".repeat(200), "]".repeat(200));
        let members: String = (0..100).map(|i| format!("\"k{i}\": {i},")).collect();
        let many = format!("{{{members} \"k57\": 0}}");
        for (json, expected) in [
            (r#"{"a": 1e400}"#, Err((".", "number out of range"))),
            (
                r#"{"a": "\ud800"}"#,
                Err((".", "unexpected end of hex escape")),
            ),
            (&deep, Err((".", "recursion limit exceeded"))),
            ("not json", Err((".", "expected ident"))),
            (r#"{"a": [1e300, "\ud83d\ude00"]}"#, Ok(())),
            ("[1, 2, 3]", Ok(())),
            (r#"{"a": 1, "b": 2}"#, Ok(())),
            (r#"{"a": 1, "a": 2}"#, Err((".", "duplicate field `a`"))),
            (
                r#"{"a": 1, "b": {}, "a": 2}"#,
                Err((".", "duplicate field `a`")),
            ),
            (
                r#"{"x": [{}, {"k": 1, "k": 1}]}"#,
                Err(("x[1]", "duplicate field `k`")),
            ),
            (
                r#"{"o": {"p": {"q": 1, "q": 2}}}"#,
                Err(("o.p", "duplicate field `q`")),
            ),
            (
                r#"{"a\u0062": 1, "ab": 2}"#,
                Err((".", "duplicate field `ab`")),
            ),
            (&many, Err((".", "duplicate field `k57`"))),
            // The first problem in the text is the one named, whichever read finds it first.
            (
                r#"{"a": 1, "a": 2, "b": 1e400}"#,
                Err((".", "duplicate field `a` at line 1 column 12")),
            ),
            (
                r#"{"b": 1e400, "a": 1, "a": 2}"#,
                Err((".", "number out of range")),
            ),
        ] {
            let found = decode::<serde::de::IgnoredAny>(json.as_bytes()).map(drop);
            match (found, expected) {
                (Ok(()), Ok(())) => {}
                (Err(error), Err((path, message))) => {
                    assert_eq!(error.path(), path, "{json}");
                    assert!(error.message().starts_with(message), "{json}: {error}");
                    assert_eq!(error.is_syntax(), !message.starts_with("duplicate"));
                }
                (found, expected) => panic!("{json}: {found:?}, expected {expected:?}"),
            }
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
