//! `check_bytes` and `parse_payload`: the one bytes-to-verdict function and its messages.
#![cfg(feature = "validate")]
#![allow(clippy::unwrap_used)]

use hamravesh_types::{DEFAULT_MAX_ERRORS, Document, Verdict, check_bytes, parse_payload};
use serde_json::Value;

fn messages(bytes: &[u8]) -> Vec<String> {
    match check_bytes(bytes, Document::Profile.validator(), DEFAULT_MAX_ERRORS) {
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
    // A byte-order mark is named, not left as "expected value at line 1 column 1".
    let message = &messages("\u{feff}{}".as_bytes())[0];
    assert!(
        message.starts_with("/: not JSON: it starts with a UTF-8 byte-order mark"),
        "{message}"
    );
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
    let validator = Document::Profile.validator();
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
        match check_bytes(bytes, Document::Profile.validator(), 0) {
            Verdict::Invalid(report) => assert!(report.errors.is_empty()),
            Verdict::Valid => panic!("{bytes:?} is invalid"),
        }
    }
}
