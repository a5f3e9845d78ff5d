//! Bytes in, verdict out: the one definition of "this payload is valid" that the CLI's
//! `validate`, the mock's fixture check and the fuzz targets share.
//!
//! A payload is invalid when it is blank, is not JSON, repeats a key inside one object (typed
//! decoding refuses a repeated field, so validation must too), or breaks the schema.

use std::marker::PhantomData;

use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::read::{Read, Step};
use crate::validate::{CappedErrors, Collector, Omitted, ValidationError, Validator};

/// Errors kept per payload unless the caller says otherwise (the rest are counted).
pub const DEFAULT_MAX_ERRORS: usize = 100;

/// The verdict on one payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It parses, has no repeated key and matches the schema.
    Valid,
    /// It does not: the first errors (none when none were asked for) and how many more.
    Invalid(CappedErrors),
}

impl Verdict {
    /// Whether the payload is valid.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid)
    }
}

/// Parses `bytes` as one JSON payload and checks it against `validator`, keeping at most
/// `max_errors` errors (0 keeps none: the verdict alone, at the cost of
/// [`Validator::is_valid`]). Time and memory stay bounded however many errors the payload has
/// (see [`Validator::validate_capped`]).
///
/// With a validator of an embedded schema ([`crate::Document::validator`]), a schema-specialised
/// pass over the bytes comes first ([`Validator::fast_path_accepts`]): it proves most valid
/// payloads valid without building a `serde_json::Value`. Whatever it cannot prove takes the
/// full path (parse, repeated keys, schema), which gives the verdict and the errors, so both
/// are the same as without it.
///
/// Whole-payload problems have an empty `instance_path` and `schema_path`: blank input
/// (`empty input: expected a JSON payload`), text that is not JSON (`not JSON: …` with line and
/// column), and each repeated key (`duplicate key "email"`, at the pointer of the object that
/// repeats it; a payload with repeated keys is not checked against the schema).
///
/// ```
/// use hamravesh_types::{Document, Verdict, check_bytes};
/// let verdict = check_bytes(br#"{"email": "a", "email": "b"}"#, Document::Profile.validator(), 100);
/// let Verdict::Invalid(report) = verdict else { panic!("repeated keys are invalid") };
/// assert_eq!(report.errors[0].to_string(), r#"/: duplicate key "email""#);
/// ```
pub fn check_bytes(bytes: &[u8], validator: &Validator, max_errors: usize) -> Verdict {
    // The fast path only ever says "valid"; whatever it cannot prove takes the full path, which
    // gives the verdict and the errors.
    let fast = validator.fast_path_accepts(bytes);
    if fast == Some(true) {
        return Verdict::Valid;
    }
    match parse_payload(bytes, max_errors) {
        Ok(value) => match validator.capped(&value, max_errors, fast.is_some()) {
            Ok(()) => Verdict::Valid,
            Err(report) => Verdict::Invalid(report),
        },
        Err(report) => Verdict::Invalid(report),
    }
}

/// Parses `bytes` as one JSON payload without checking any schema: blank input, text that is not
/// JSON and repeated keys are errors, reported as by [`check_bytes`].
pub fn parse_payload(bytes: &[u8], max_errors: usize) -> Result<Value, CappedErrors> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(whole_payload(
            "empty input: expected a JSON payload".to_owned(),
            max_errors,
        ));
    }
    let mut repeats = Collector::new(max_errors);
    let mut found = 0;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = Read::<Value> {
        path: &mut Vec::new(),
        on_repeat: &mut |path, key| {
            found += 1;
            repeats.push_with(|| repeated_key(path, key));
        },
        stop_at_repeat: false,
        build: PhantomData,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    match parsed {
        Err(error) => Err(whole_payload(format!("not JSON: {error}"), max_errors)),
        Ok(_) if found > 0 => Err(repeats.finish(true)),
        Ok(value) => Ok(value),
    }
}

fn whole_payload(message: String, max_errors: usize) -> CappedErrors {
    let mut report = Collector::new(max_errors);
    report.push_with(|| ValidationError {
        instance_path: String::new(),
        schema_path: String::new(),
        message,
    });
    let mut report = report.finish(true);
    // With no error asked for, "one more" would be noise: the verdict says it.
    report.omitted = Omitted {
        count: 0,
        exact: true,
    };
    report
}

/// `key` repeated in the object at `path`, at its JSON Pointer (RFC 6901).
fn repeated_key(path: &[Step<'_>], key: &str) -> ValidationError {
    let mut pointer = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")))
            }
            Step::Index(index) => pointer.push_str(&format!("/{index}")),
        }
    }
    // A key can be megabytes long; the message quotes its start.
    const KEY_LIMIT: usize = 100;
    let shown: String = key.chars().take(KEY_LIMIT).collect();
    let ellipsis = if shown.len() < key.len() { "…" } else { "" };
    let quoted = serde_json::to_string(&shown).unwrap_or_default();
    ValidationError {
        instance_path: pointer,
        schema_path: String::new(),
        message: format!("duplicate key {quoted}{ellipsis}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn messages(bytes: &[u8]) -> Vec<String> {
        match check_bytes(
            bytes,
            crate::Document::Profile.validator(),
            DEFAULT_MAX_ERRORS,
        ) {
            Verdict::Invalid(report) => report.errors.iter().map(|e| e.to_string()).collect(),
            Verdict::Valid => panic!("expected invalid: {}", String::from_utf8_lossy(bytes)),
        }
    }

    #[test]
    fn empty_and_blank_input_is_invalid_with_a_clear_message() {
        assert_eq!(messages(b""), ["/: empty input: expected a JSON payload"]);
        assert_eq!(
            messages(b" \n\t"),
            ["/: empty input: expected a JSON payload"]
        );
    }

    #[test]
    fn binary_and_invalid_utf8_are_not_json() {
        let message = &messages(&[0xff, 0xfe, 0x00, 0x01])[0];
        assert!(
            message.starts_with("/: not JSON: expected value at line 1 column 1"),
            "{message}"
        );
        let message = &messages(b"{\"email\": \"\xff\"}")[0];
        assert!(
            message.contains("not JSON") && message.contains("line 1"),
            "{message}"
        );
        let message = &messages(b"{} {}")[0];
        assert!(message.contains("trailing characters"), "{message}");
    }

    #[test]
    fn deep_nesting_is_reported_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let message = &messages(deep.as_bytes())[0];
        assert!(message.contains("recursion limit exceeded"), "{message}");
    }

    #[test]
    fn every_error_is_reported_up_to_the_cap() {
        let errors = messages(br#"{"email": 5, "mobile": 9}"#);
        assert!(
            errors.iter().any(|e| e.starts_with("/email: ")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.starts_with("/mobile: ")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("\"full_name\" is a required property")),
            "{errors:?}"
        );
    }

    #[test]
    fn repeated_keys_are_reported_at_their_object_at_any_depth() {
        let errors = messages(br#"{"a": [{"x": 1}, {"k/~": 1, "y": {}, "k/~": 2}], "a": 3}"#);
        assert_eq!(
            errors,
            [r#"/a/1: duplicate key "k/~""#, r#"/: duplicate key "a""#]
        );
        // Parsing alone (no schema) sees them too.
        assert!(parse_payload(br#"{"e": 1, "e": 1}"#, 0).is_err());
        assert!(parse_payload(br#"{"e": 1, "f": {"e": 1}}"#, 0).is_ok());
    }

    #[test]
    fn parsing_matches_serde_json() {
        let text = br#"{"a": [1, -2, 18446744073709551615, 1.5e3, "s\u00e9", true, null, {}]}"#;
        let ours = parse_payload(text, 1).unwrap();
        let theirs: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn the_fast_path_changes_no_report() {
        let validator = crate::Document::Profile.validator();
        for bytes in [
            &br#"{"email": 5, "mobile": 9}"#[..],
            br#"{"organizations": [{}, {}]}"#,
            br#"{"a": 1, "a": 2}"#,
            b"[]",
            b"nope",
        ] {
            for max_errors in [0, 1, 3, DEFAULT_MAX_ERRORS] {
                let without = match parse_payload(bytes, max_errors) {
                    Ok(value) => validator.validate_capped(&value, max_errors),
                    Err(report) => Err(report),
                };
                let with = match check_bytes(bytes, validator, max_errors) {
                    Verdict::Valid => Ok(()),
                    Verdict::Invalid(report) => Err(report),
                };
                assert_eq!(with, without, "{}", String::from_utf8_lossy(bytes));
            }
        }
    }

    #[test]
    fn no_errors_asked_means_none_kept_but_the_verdict_stands() {
        for bytes in [&b""[..], b"nope", br#"{"a":1,"a":1}"#, b"{}"] {
            match check_bytes(bytes, crate::Document::Profile.validator(), 0) {
                Verdict::Invalid(report) => assert!(report.errors.is_empty()),
                Verdict::Valid => panic!("{bytes:?} is invalid"),
            }
        }
    }
}
