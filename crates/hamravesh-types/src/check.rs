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
        path: Some(&mut Vec::new()),
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
        // serde_json says only "expected value at line 1 column 1" of a byte-order mark.
        Err(error) if bytes.starts_with("\u{feff}".as_bytes()) => Err(whole_payload(
            format!(
                "not JSON: it starts with a UTF-8 byte-order mark, which JSON does not allow ({error})"
            ),
            max_errors,
        )),
        Err(error) => Err(whole_payload(format!("not JSON: {error}"), max_errors)),
        Ok(_) if found > 0 => Err(repeats.finish(true)),
        Ok(value) => Ok(value),
    }
}

fn whole_payload(message: String, max_errors: usize) -> CappedErrors {
    // With no error asked for, "one more" would be noise: the verdict says it.
    let error = (max_errors > 0).then(|| ValidationError {
        instance_path: String::new(),
        schema_path: String::new(),
        message,
    });
    CappedErrors {
        errors: error.into_iter().collect(),
        omitted: Omitted {
            count: 0,
            exact: true,
        },
    }
}

/// `key` repeated in the object at `path`, at its JSON Pointer (RFC 6901).
fn repeated_key(path: &[Step<'_>], key: &str) -> ValidationError {
    let pointer: String = path
        .iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => format!("/{index}"),
        })
        .collect();
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
