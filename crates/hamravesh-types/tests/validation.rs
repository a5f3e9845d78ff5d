//! Validation against the embedded schema: the corpus, formats, every error reported, and
//! agreement with typed decoding (a property test).
#![cfg(feature = "validate")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use hamravesh_types::{Document, Profile, check_bytes, decode};

fn validate(value: &Value) -> Result<(), hamravesh_types::ValidationErrors> {
    Document::Profile.validate(value)
}

fn is_valid(value: &Value) -> bool {
    Document::Profile.is_valid(value)
}
use proptest::prelude::*;
use serde_json::{Value, json};

fn payloads_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

fn corpus(kind: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(payloads_dir().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[derive(serde::Deserialize)]
struct Expected {
    /// The instance path the validator must report; `null` for text that is not JSON.
    validate_pointer: Option<String>,
}

#[test]
fn every_valid_payload_validates() {
    for (name, bytes) in corpus("valid") {
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        if let Err(errors) = validate(&value) {
            panic!("{name}:\n{errors}");
        }
        assert!(is_valid(&value));
    }
}

#[test]
fn every_invalid_payload_fails_at_the_expected_pointer() {
    let manifest = fs::read_to_string(payloads_dir().join("expected-errors.json")).unwrap();
    let expected: BTreeMap<String, Expected> = serde_json::from_str(&manifest).unwrap();
    for (name, bytes) in corpus("invalid") {
        let want = &expected[&name];
        let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
            assert!(
                want.validate_pointer.is_none(),
                "{name} is not JSON, yet the manifest expects a pointer"
            );
            continue;
        };
        let pointer = want.validate_pointer.as_deref().expect(&name);
        let errors = validate(&value).expect_err(&name);
        assert!(
            errors.errors().iter().any(|e| e.instance_path == pointer),
            "{name}: expected an error at {pointer:?}, got:\n{errors}"
        );
        assert!(!is_valid(&value));
    }
}

#[test]
fn corpus_verdicts_agree_with_decoding() {
    for kind in ["valid", "invalid"] {
        for (name, bytes) in corpus(kind) {
            let decodes = decode::<Profile>(&bytes).is_ok();
            let validates = serde_json::from_slice::<Value>(&bytes).is_ok_and(|v| is_valid(&v));
            assert_eq!(
                decodes, validates,
                "{kind}/{name}: decode {decodes}, validate {validates}"
            );
        }
    }
}

fn page_example() -> Value {
    serde_json::from_slice(&fs::read(payloads_dir().join("valid/page-example.json")).unwrap())
        .unwrap()
}

#[test]
fn date_time_format_is_asserted() {
    let mut value = page_example();
    value["organizations"][0]["owner"]["creation_time"] = json!("2022-07-26 12:56");
    let errors = validate(&value).unwrap_err();
    assert_eq!(
        errors.errors()[0].instance_path,
        "/organizations/0/owner/creation_time"
    );
    assert_eq!(
        errors.errors()[0].schema_path,
        "/definitions/Timestamp/format"
    );
}

#[test]
fn all_errors_are_reported_not_only_the_first() {
    let mut value = page_example();
    value["email"] = json!(1);
    value["organizations"][0]["balance"] = json!("0");
    value.as_object_mut().unwrap().remove("full_name");
    let errors = validate(&value).unwrap_err();
    let paths: Vec<&str> = errors
        .errors()
        .iter()
        .map(|e| e.instance_path.as_str())
        .collect();
    assert_eq!(errors.errors().len(), 3, "{errors}");
    for path in ["/email", "/organizations/0/balance", ""] {
        assert!(paths.contains(&path), "{path:?} missing from {paths:?}");
    }
}

#[test]
fn unknown_fields_and_open_values_are_accepted_by_both() {
    let mut value = page_example();
    value["brand_new_field"] = json!({"x": [1, 2, 3]});
    value["organizations"][0]["build_method"] = json!("buildpack-v9");
    assert!(is_valid(&value));
    assert!(serde_json::from_value::<Profile>(value).is_ok());
}

/// A JSON value of any kind, for replacing a field.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Integers JSON accepts but `i64` cannot hold (`12345678901234567890` as an id).
        ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "[a-z0-9 @.:+-]{0,12}".prop_map(Value::String),
        Just(json!("2023-03-21T09:30:00+03:30")),
        Just(json!("2022-07-26T12:56:34.883091Z")),
        date_time_lookalike().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Strings close to RFC 3339, where a lenient parser and a strict validator could disagree.
fn date_time_lookalike() -> impl Strategy<Value = String> {
    let separator = prop::sample::select(vec!["T", "t", " ", "_"]);
    let time = prop::sample::select(vec!["12:56", "23:59", "03:29"]);
    let seconds = prop::sample::select(vec![
        ":34",
        ":60",
        "",
        ":34.883091",
        ":34.",
        ":34,5",
        ":60.5",
    ]);
    let zone = prop::sample::select(vec![
        "Z", "z", "+03:30", "+0330", "-00:00", "", "+24:00", " UTC",
    ]);
    let date = prop::sample::select(vec!["2022-07-26", "2016-12-31", "2017-01-01", "2023-02-29"]);
    (date, separator, time, seconds, zone).prop_map(|(date, separator, time, seconds, zone)| {
        format!("{date}{separator}{time}{seconds}{zone}")
    })
}

/// Every path (as keys and indexes) to a value inside `value`.
fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(Step::Index(index));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn parent_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |current, step| match step {
        Step::Key(key) => &mut current[key.as_str()],
        Step::Index(index) => &mut current[*index],
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Replace(Value),
    Remove,
    AddUnknownField(Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any_json().prop_map(Mutation::Replace),
        1 => Just(Mutation::Remove),
        1 => any_json().prop_map(Mutation::AddUnknownField),
    ]
}

/// Applies a mutation at the path chosen by `selector` among all paths of `value`.
fn mutate(mut value: Value, selector: prop::sample::Index, mutation: &Mutation) -> Value {
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    let path = selector.get(&all).clone();
    let (last, parent_path) = path.split_last().unwrap();
    let parent = parent_mut(&mut value, parent_path);
    match (mutation, last) {
        (Mutation::Replace(new), Step::Key(key)) => parent[key.as_str()] = new.clone(),
        (Mutation::Replace(new), Step::Index(index)) => parent[*index] = new.clone(),
        (Mutation::Remove, Step::Key(key)) => {
            parent.as_object_mut().unwrap().remove(key);
        }
        (Mutation::Remove, Step::Index(index)) => {
            parent.as_array_mut().unwrap().remove(*index);
        }
        (Mutation::AddUnknownField(new), _) => {
            if let Some(object) = parent.as_object_mut() {
                object.insert("zz_unknown_field".to_owned(), new.clone());
            }
        }
    }
    value
}

fn valid_bases() -> Vec<Value> {
    corpus("valid")
        .into_iter()
        .map(|(_, bytes)| serde_json::from_slice(&bytes).unwrap())
        .collect()
}

/// Integers written with a zero fraction (`1598.0`): JSON Schema counts them as integers, serde's
/// `i64` does not. A documented exception, kept out of the property below.
fn has_integral_float_where_an_integer_belongs(value: &Value) -> bool {
    let errors_if_decoded = serde_json::from_value::<Profile>(value.clone())
        .err()
        .map(|e| e.to_string());
    errors_if_decoded.is_some_and(|message| {
        message.contains("invalid type: floating point") && message.contains("expected i64")
    })
}

/// Every key of every object in `value` (documented, unknown, or inside a field typed as any
/// value), with the path of its object: typed decoding and validation must both refuse any of
/// them written twice.
fn object_keys(value: &Value) -> Vec<(Vec<Step>, String)> {
    let mut objects = vec![Vec::new()];
    paths(value, &mut Vec::new(), &mut objects);
    let mut found = Vec::new();
    for path in objects {
        let Some(Value::Object(map)) = path.iter().try_fold(value, |v, step| match step {
            Step::Key(key) => v.get(key.as_str()),
            Step::Index(index) => v.get(*index),
        }) else {
            continue;
        };
        for key in map.keys() {
            found.push((path.clone(), key.clone()));
        }
    }
    found
}

/// `value` as JSON text, with `key` written a second time (holding `extra`) in the object at
/// `target`: a shape `serde_json::Value` cannot hold.
fn text_with_repeated_key(value: &Value, target: &[Step], key: &str, extra: &Value) -> Vec<u8> {
    fn write(value: &Value, target: Option<&[Step]>, dup: (&str, &Value), out: &mut String) {
        let text = |v: &Value| serde_json::to_string(v).unwrap();
        match value {
            Value::Object(map) => {
                out.push('{');
                let mut entries: Vec<String> = Vec::new();
                for (key, child) in map {
                    let mut entry = format!("{}:", text(&Value::String(key.clone())));
                    let rest = match target {
                        Some([Step::Key(next), rest @ ..]) if next == key => Some(rest),
                        _ => None,
                    };
                    write(child, rest, dup, &mut entry);
                    entries.push(entry);
                }
                if target.is_some_and(<[Step]>::is_empty) {
                    entries.push(format!(
                        "{}:{}",
                        text(&Value::String(dup.0.to_owned())),
                        text(dup.1)
                    ));
                }
                out.push_str(&entries.join(","));
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    let rest = match target {
                        Some([Step::Index(next), rest @ ..]) if *next == index => Some(rest),
                        _ => None,
                    };
                    write(item, rest, dup, out);
                }
                out.push(']');
            }
            other => out.push_str(&text(other)),
        }
    }
    let mut out = String::new();
    write(value, Some(target), (key, extra), &mut out);
    out.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// A payload the validator accepts decodes into `Profile`, and one that decodes validates:
    /// for values of every kind (integers past `i64::MAX` included) anywhere, and for any key
    /// (documented, unknown, or inside a field of any value) written twice in its object.
    #[test]
    fn validate_and_decode_agree(
        base in prop::sample::select(valid_bases()),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4),
        repeat in prop::option::weighted(0.25, (any::<prop::sample::Index>(), any_json())),
    ) {
        let mut value = base;
        for (selector, mutation) in &mutations {
            value = mutate(value, *selector, mutation);
        }
        let bytes = match &repeat {
            Some((selector, extra)) => {
                let keys = object_keys(&value);
                prop_assume!(!keys.is_empty());
                let (path, key) = selector.get(&keys);
                text_with_repeated_key(&value, path, key, extra)
            }
            None => serde_json::to_vec(&value).unwrap(),
        };
        let decoded = decode::<Profile>(&bytes);
        let verdict = check_bytes(&bytes, Document::Profile.validator(), 10);
        prop_assume!(!has_integral_float_where_an_integer_belongs(&value));
        prop_assert_eq!(
            decoded.is_ok(),
            verdict.is_valid(),
            "payload {}\ndecode: {:?}\nvalidate: {:?}",
            String::from_utf8_lossy(&bytes), decoded.err(), verdict
        );
        if repeat.is_none() {
            prop_assert_eq!(verdict.is_valid(), validate(&value).is_ok());
        }
    }
}

#[test]
fn the_two_shapes_decoding_refuses_are_invalid() {
    let mut value = page_example();
    value["organizations"][0]["id"] = json!(12345678901234567890u64);
    let bytes = serde_json::to_vec(&value).unwrap();
    assert!(decode::<Profile>(&bytes).is_err());
    assert!(!check_bytes(&bytes, Document::Profile.validator(), 10).is_valid());

    let path = [
        Step::Key("organizations".to_owned()),
        Step::Index(0),
        Step::Key("owner".to_owned()),
    ];
    let bytes = text_with_repeated_key(&page_example(), &path, "email", &json!("b@example.com"));
    assert!(decode::<Profile>(&bytes).is_err());
    let hamravesh_types::Verdict::Invalid(report) =
        check_bytes(&bytes, Document::Profile.validator(), 10)
    else {
        panic!("a repeated field must be invalid");
    };
    assert_eq!(
        report.errors[0].to_string(),
        r#"/organizations/0/owner: duplicate key "email""#
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Timestamps: the validator's `date-time` check and chrono's parser accept the same strings.
    #[test]
    fn timestamp_verdicts_agree(text in date_time_lookalike()) {
        let mut value = page_example();
        value["creation_time"] = Value::String(text.clone());
        let decodes = decode::<Profile>(&serde_json::to_vec(&value).unwrap()).is_ok();
        prop_assert_eq!(decodes, is_valid(&value), "{:?}: decode {}", text, decodes);
    }
}

// The schema-specialised fast path (`Validator::fast_path_accepts`) against the full path
// (parse into `Value` with the repeated-key check, then jsonschema): it may only say "valid"
// where the full path does, and should say it wherever the full path does, for every document.

/// The full path's verdict alone, without the fast path `check_bytes` tries first.
fn full_path_valid(kind: Document, bytes: &[u8]) -> bool {
    hamravesh_types::parse_payload(bytes, 0).is_ok_and(|value| kind.validator().is_valid(&value))
}

fn fast_path_valid(kind: Document, bytes: &[u8]) -> bool {
    kind.validator()
        .fast_path_accepts(bytes)
        .expect("every embedded schema has a fast path")
}

/// Every document with the valid payloads of its corpus.
fn every_document_valid_base() -> Vec<(Document, Value)> {
    let mut bases: Vec<(Document, Value)> = hamravesh_test_support::valid()
        .into_iter()
        .map(|file| {
            (
                Document::Profile,
                serde_json::from_slice(&file.bytes).unwrap(),
            )
        })
        .collect();
    for (folder, name) in hamravesh_test_support::DOCUMENT_CORPORA {
        let kind = Document::from_name(name).unwrap();
        for file in hamravesh_test_support::valid_in(folder) {
            bases.push((kind, serde_json::from_slice(&file.bytes).unwrap()));
        }
    }
    bases
}

#[test]
fn fast_path_agrees_with_the_full_path_on_every_corpus_file() {
    let mut files: Vec<(Document, String, Vec<u8>)> = Vec::new();
    for file in hamravesh_test_support::valid()
        .into_iter()
        .chain(hamravesh_test_support::invalid())
    {
        files.push((Document::Profile, file.name, file.bytes));
    }
    for (folder, name) in hamravesh_test_support::DOCUMENT_CORPORA {
        let kind = Document::from_name(name).unwrap();
        for file in hamravesh_test_support::valid_in(folder)
            .into_iter()
            .chain(hamravesh_test_support::invalid_in(folder))
        {
            files.push((kind, format!("{folder}/{}", file.name), file.bytes));
        }
    }
    for (kind, name, bytes) in &files {
        // Each file against every document's schema: a namespace is not a valid profile.
        for other in Document::ALL {
            assert_eq!(
                fast_path_valid(*other, bytes),
                full_path_valid(*other, bytes),
                "{name} ({kind}) checked as {other}"
            );
        }
    }
}

/// Marks a string leaf to be written as raw JSON text (numbers `Value` cannot hold as written).
const RAW: &str = "\u{0}raw:";

/// Values where the fast path's semantics could drift from jsonschema's: numbers at the edges
/// of `i64`, `u64` and `f64` (`1.0` against `1`, `-0`, exponents), strings with escapes,
/// date-time lookalikes, nested values holding objects.
fn edge_json() -> impl Strategy<Value = Value> {
    let raw_number = prop::sample::select(vec![
        "1.0",
        "-0",
        "-0.0",
        "1E2",
        "1e-2",
        "5e0",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "-9223372036854777856",
        "18446744073709551615",
        "18446744073709551616",
        "9.223372036854775807e18",
        "-9.223372036854775808e18",
        "1e308",
        "-1e308",
        "4.9e-324",
        "123456789012345678901234567890",
        "0.30000000000000004",
    ])
    .prop_map(|text| Value::String(format!("{RAW}{text}")));
    let escaped = prop::sample::select(vec![
        "a\"b",
        "\\",
        "\u{7}",
        "\n\t",
        "\u{e9}",
        "\u{1F600}",
        "\u{2028}",
        "",
    ])
    .prop_map(|s| Value::String(s.to_owned()));
    prop_oneof![
        3 => any_json(),
        2 => raw_number,
        1 => escaped,
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        1 => any::<i64>().prop_map(|i| Value::from(i as f64)),
    ]
}

/// JSON text of `value`: compact, pretty, or with every key and string written as `\u` escapes
/// (so that keys the schema names arrive unborrowed); raw leaves are written as they are.
fn write_text(value: &Value, style: u8) -> Vec<u8> {
    fn escaped(text: &str) -> String {
        let mut out = String::from("\"");
        for unit in text.encode_utf16() {
            out.push_str(&format!("\\u{unit:04x}"));
        }
        out.push('"');
        out
    }
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::String(text) => match text.strip_prefix(RAW) {
                Some(raw) => out.push_str(raw),
                None => out.push_str(&escaped(text)),
            },
            Value::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (index, (key, child)) in map.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(&escaped(key));
                    out.push(':');
                    write(child, out);
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let text = match style {
        0 => serde_json::to_string(value).unwrap(),
        1 => serde_json::to_string_pretty(value).unwrap(),
        _ => {
            let mut out = String::new();
            write(value, &mut out);
            out
        }
    };
    unraw(text.into_bytes())
}

/// `text` with each raw leaf, which serde_json wrote as a string starting with `\u0000raw:`,
/// written as the JSON text it holds.
fn unraw(text: Vec<u8>) -> Vec<u8> {
    let marker = serde_json::to_string(RAW).unwrap();
    let marker = &marker[1..marker.len() - 1];
    let mut text = String::from_utf8(text).unwrap();
    while let Some(start) = text.find(marker) {
        let end = start + text[start..].find('"').unwrap();
        let raw = text[start + marker.len()..end].to_owned();
        text.replace_range(start - 1..=end, &raw);
    }
    text.into_bytes()
}

fn edge_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => edge_json().prop_map(Mutation::Replace),
        1 => Just(Mutation::Remove),
        1 => edge_json().prop_map(Mutation::AddUnknownField),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, .. ProptestConfig::default() })]

    /// For every document: a valid payload with types swapped, fields removed or added, numbers
    /// at the edges, strings with escapes, or a key written twice (documented, unknown, or inside
    /// a field of any value), in any of three spellings: the fast path says "valid" exactly when
    /// the full path does.
    #[test]
    fn fast_path_agrees_with_the_full_path(
        (kind, base) in prop::sample::select(every_document_valid_base()),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), edge_mutation()), 0..4),
        repeat in prop::option::weighted(0.2, (any::<prop::sample::Index>(), edge_json())),
        style in 0u8..3,
    ) {
        let mut value = base;
        for (selector, mutation) in &mutations {
            if value.is_object() && !value.as_object().unwrap().is_empty() {
                value = mutate(value, *selector, mutation);
            }
        }
        let bytes = match &repeat {
            Some((selector, extra)) => {
                let keys = object_keys(&value);
                prop_assume!(!keys.is_empty());
                let (path, key) = selector.get(&keys);
                unraw(text_with_repeated_key(&value, path, key, extra))
            }
            None => write_text(&value, style),
        };
        let fast = fast_path_valid(kind, &bytes);
        let full = full_path_valid(kind, &bytes);
        prop_assert_eq!(
            fast, full,
            "{}: fast {} full {}\n{}", kind, fast, full, String::from_utf8_lossy(&bytes)
        );
        if repeat.is_some() {
            prop_assert!(!fast, "a repeated key must never pass the fast path");
        }
        // `check_bytes` (fast path first) reports what the full path alone reports.
        let with = match check_bytes(&bytes, kind.validator(), 10) {
            hamravesh_types::Verdict::Valid => Ok(()),
            hamravesh_types::Verdict::Invalid(report) => Err(report),
        };
        let without = hamravesh_types::parse_payload(&bytes, 10)
            .and_then(|value| kind.validator().validate_capped(&value, 10));
        prop_assert_eq!(with, without);
    }
}

/// Raw JSON texts the property test's generators do not write: numbers serde_json refuses
/// (out of range), lone and broken surrogates, NUL in strings, date-time corner cases (leap
/// seconds, lower-case `t`/`z`, offsets, escapes), values nested past the parser's limit, and
/// objects repeating a key in another spelling.
const EDGE_TEXTS: &[&str] = &[
    "1e2",
    "1.0",
    "-0",
    "-0.0",
    "1E400",
    "-1e400",
    "1e-400",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775808",
    "12e-1",
    "100e-2",
    "0.5",
    r#""\ud800""#,
    r#""\udc00""#,
    r#""\ud800\udc00""#,
    r#""\ud800x""#,
    r#""\uD800\uD800""#,
    r#""\uDBFF\uDFFF""#,
    r#""a\u0000""#,
    r#""\u0000""#,
    r#"" \u0000 ""#,
    r#""\u0085""#,
    r#""\u200b""#,
    r#""\t""#,
    r#""""#,
    r#"" ""#,
    "null",
    "true",
    "{}",
    "[]",
    "[1,2]",
    r#""2022-07-26t12:56:34z""#,
    r#""2016-12-31T23:59:60Z""#,
    r#""2022-07-26T23:59:60Z""#,
    r#""1990-12-31T15:59:60-08:00""#,
    r#""2022-07-26T12:56:34.123456789+03:30""#,
    r#""2022-07-26T12:56:34-00:00""#,
    r#""2022-02-30T00:00:00Z""#,
    r#""2022-07-26T24:00:00Z""#,
    r#""2022-07-26T12:56:34+24:00""#,
    r#""2022-07-26T12:56:34\u005a""#,
    r#""2022-07-26T12:56:34+0330""#,
    r#""2022-07-26T12:56:34.Z""#,
    r#""2022-07-26T12:56:34,5Z""#,
    r#""2022-07-26T12:56:34Z\n""#,
    r#""\u0032022-07-26T12:56:34Z""#,
    r#"{"a":1,"a":2}"#,
    r#"{"a":1,"\u0061":2}"#,
    r#"[{"x":1,"x":1}]"#,
];

/// Every edge text at every place of every document's valid payloads (and as an unknown field
/// nested 126 to 129 deep): the fast path says "valid" exactly when the full path does.
#[test]
fn fast_path_agrees_with_the_full_path_on_edge_texts_everywhere() {
    let mut checked = 0;
    for (kind, base) in every_document_valid_base() {
        let mut all = Vec::new();
        paths(&base, &mut Vec::new(), &mut all);
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for path in &all {
            let (last, parent_path) = path.split_last().unwrap();
            for text in EDGE_TEXTS {
                let mut value = base.clone();
                let marked = Value::String(format!("{RAW}{text}"));
                let parent = parent_mut(&mut value, parent_path);
                match last {
                    Step::Key(key) => parent[key.as_str()] = marked,
                    Step::Index(index) => parent[*index] = marked,
                }
                texts.push(unraw(serde_json::to_vec(&value).unwrap()));
            }
        }
        let whole = serde_json::to_string(&base).unwrap();
        if let Some(open) = whole.strip_suffix('}') {
            for depth in 126..=129 {
                let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
                let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
                for nested in [arrays, objects] {
                    texts.push(format!(r#"{open},"zz":{nested}}}"#).into_bytes());
                }
            }
            texts.push(format!("\u{feff}{whole}").into_bytes());
            texts.push(format!("{whole} x").into_bytes());
            texts.push(format!("{whole}\u{c}").into_bytes());
        }
        for bytes in texts {
            assert_eq!(
                fast_path_valid(kind, &bytes),
                full_path_valid(kind, &bytes),
                "{kind}: {}",
                String::from_utf8_lossy(&bytes)
            );
            checked += 1;
        }
    }
    assert!(checked > 10_000, "only {checked} payloads checked");
}
