//! `hamravesh validate --undeclared`: the fields a payload carries that its schema does not declare.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use hamravesh_test_support::Run;
use serde_json::Value;

fn hamravesh() -> Command {
    let mut command = Command::cargo_bin("hamravesh").unwrap();
    command.env_remove("RUST_LOG");
    command
}

fn payload(relative: &str) -> PathBuf {
    hamravesh_test_support::payloads_dir().join(relative)
}

fn validate(args: &[&str], paths: &[&Path]) -> Run {
    let output = hamravesh()
        .arg("validate")
        .args(args)
        .args(paths)
        .output()
        .unwrap();
    Run::from(output)
}

#[test]
fn extra_fields_are_listed_under_the_file_and_the_exit_code_stays_0() {
    let file = payload("valid/extra-unknown-fields.json");
    let r = validate(&["--undeclared"], &[&file]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "{}: undeclared fields:\n\
             \x20 favourite_color: string, not in schema/profile.json\n\
             \x20 organizations[].new_flag: object, not in schema/profile.json\n\
             \x20 organizations[].organization_feature_flags.limited_databases: array, not in schema/profile.json\n\
             \x20 organizations[].owner.avatar: string, not in schema/profile.json\n",
            file.display()
        )
    );
    assert_eq!(r.stderr, "1 valid, 0 invalid\n");
}

#[test]
fn a_payload_with_only_declared_fields_lists_nothing() {
    for (document, file) in [
        ("profile", "valid/page-example.json"),
        ("notifications", "notifications/valid/page-example.json"),
        ("namespace", "namespaces/valid/created.json"),
        (
            "create-namespace",
            "create-namespace/valid/page-example.json",
        ),
    ] {
        let r = validate(&["--undeclared", "--type", document], &[&payload(file)]);
        assert_eq!(r.code, Some(0), "{file}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{file}");
    }
}

#[test]
fn each_document_names_its_own_schema() {
    let r = validate(
        &["--undeclared", "--type", "namespace"],
        &[&payload(
            "namespaces/valid/cluster-with-nulls-and-extras.json",
        )],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("  cluster.location_datacenter: string, not in schema/namespaces.json\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn invalid_payloads_list_errors_then_undeclared_fields_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    let mut value: Value =
        serde_json::from_slice(&std::fs::read(payload("valid/page-example.json")).unwrap())
            .unwrap();
    value["email"] = Value::from(7);
    value["\u{1b}]0;owned\u{7}"] = Value::Null;
    std::fs::write(&file, value.to_string()).unwrap();
    let r = validate(&["--undeclared"], &[&file]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let name = file.display();
    assert_eq!(
        r.stdout,
        format!(
            "{name}: /email: 7 is not of type \"string\"\n\
             {name}: undeclared fields:\n\
             \x20 [\"\\u{{1b}}]0;owned\\u{{7}}\"]: null, not in schema/profile.json\n"
        )
    );
    assert!(!r.stdout.contains('\u{1b}'));
}

#[test]
fn json_records_carry_the_fields_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.ndjson");
    let example = hamravesh_test_support::page_example_line();
    let extra = example.replacen('{', r#"{"theme":"dark","#, 1);
    std::fs::write(&file, format!("{example}\nnot json\n{extra}\n")).unwrap();

    let r = validate(&["--undeclared", "--format", "json"], &[&file]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let records: Vec<Value> = r
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["undeclared"], serde_json::json!([]));
    assert_eq!(
        records[1]["undeclared"],
        Value::Null,
        "not JSON: nothing to list"
    );
    assert_eq!(
        records[2]["undeclared"],
        serde_json::json!([{"path": "theme", "types": ["string"], "occurrences": 1}])
    );
    assert_eq!(records[2]["more_undeclared"], 0);
    assert_eq!(records[2]["valid"], true);

    let r = validate(&["--format", "json"], &[&file]);
    for line in r.stdout.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert!(record.get("undeclared").is_none(), "{line}");
    }
}

#[test]
fn a_schema_file_is_read_for_its_declarations_and_named_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("thing.schema.json");
    std::fs::write(
        &schema,
        r#"{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"id": {}}}}}}"#,
    )
    .unwrap();
    let file = dir.path().join("thing.json");
    std::fs::write(
        &file,
        r#"{"items": [{"id": 1, "size": 2}, {"id": 2, "size": 3}], "n": 2}"#,
    )
    .unwrap();
    let r = validate(
        &["--undeclared", "--schema", schema.to_str().unwrap()],
        &[&file],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let schema = schema.display();
    assert_eq!(
        r.stdout,
        format!(
            "{}: undeclared fields:\n  items[].size: integer, not in {schema}\n  n: integer, not in {schema}\n",
            file.display()
        )
    );
}

#[test]
fn many_undeclared_fields_are_capped_per_payload() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.json");
    let fields: serde_json::Map<String, Value> = (0..250)
        .map(|index| (format!("unknown{index:04}"), Value::from(index)))
        .collect();
    std::fs::write(&file, Value::Object(fields).to_string()).unwrap();
    let r = validate(&["--undeclared"], &[&file]);
    assert_eq!(r.code, Some(1), "missing required fields: {}", r.stderr);
    let listed = r
        .stdout
        .lines()
        .filter(|line| line.contains("unknown0"))
        .count();
    assert_eq!(listed, 100, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "  … and 150 more undeclared fields at paths not listed (the list stops at 100 paths)\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn quiet_prints_nothing() {
    let r = validate(
        &["--undeclared", "--quiet"],
        &[&payload("valid/extra-unknown-fields.json")],
    );
    assert_eq!(r.code, Some(0));
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "");
}

/// A schema file's conditional and combined parts declare keys too: `then`/`else`, schema
/// `dependencies` and `allOf` add up, and a `required`-only `anyOf` hides nothing.
#[test]
fn a_schema_files_conditional_parts_declare_keys() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("cond.schema.json");
    std::fs::write(
        &schema,
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": {"kind": {"type": "string"}},
            "if": {"properties": {"kind": {"const": "a"}}},
            "then": {"properties": {"a_only": {}}}, "else": {"properties": {"b_only": {}}},
            "dependencies": {"kind": {"properties": {"dep": {}}}},
            "allOf": [{"properties": {"all": {}}}, {"required": ["kind"]}],
            "anyOf": [{"required": ["a_only"]}, {"required": ["b_only"]}]}"#,
    )
    .unwrap();
    let file = dir.path().join("cond.json");
    std::fs::write(
        &file,
        r#"{"kind": "a", "a_only": 1, "dep": 2, "all": 3, "extra": 4}"#,
    )
    .unwrap();
    let r = validate(
        &["--undeclared", "--schema", schema.to_str().unwrap()],
        &[&file],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "{}: undeclared fields:\n  extra: integer, not in {}\n",
            file.display(),
            schema.display()
        )
    );
}
