//! `hamravesh validate`, run as the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn hamravesh() -> Command {
    let mut command = Command::cargo_bin("hamravesh").unwrap();
    command.env_remove("RUST_LOG");
    command
}

fn payloads() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

fn page_example() -> String {
    let text = std::fs::read_to_string(payloads().join("valid/page-example.json")).unwrap();
    // One line, for NDJSON.
    serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text).unwrap()).unwrap()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn valid_directory_prints_only_the_summary() {
    let r = run(hamravesh().arg("validate").arg(payloads().join("valid")));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "8 valid, 0 invalid\n");
}

#[test]
fn invalid_payload_prints_source_pointer_and_message() {
    let file = payloads().join("invalid/owner-email-is-integer.json");
    let r = run(hamravesh().arg("validate").arg(&file));
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.stdout,
        format!(
            "{}: /organizations/0/owner/email: 5 is not of type \"string\"\n",
            file.display()
        )
    );
    assert_eq!(r.stderr, "0 valid, 1 invalid\n");
}

#[test]
fn directories_are_walked_in_sorted_order() {
    let r = run(hamravesh().arg("validate").arg(payloads().join("invalid")));
    assert_eq!(r.code, Some(1));
    let sources: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split(": /").next().unwrap())
        .collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted);
    assert!(r.stderr.ends_with("0 valid, 17 invalid\n"), "{}", r.stderr);
}

#[test]
fn ndjson_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("responses.ndjson");
    let bad = page_example().replacen(
        "\"email\":\"email@example.com\",\"first_name\"",
        "\"email\":7,\"first_name\"",
        1,
    );
    assert_ne!(bad, page_example(), "the edit must change the payload");
    std::fs::write(&file, format!("{}\n\n{bad}\nnot json\n", page_example())).unwrap();
    let r = run(hamravesh().arg("validate").arg(&file));
    assert_eq!(r.code, Some(1));
    let name = file.display();
    assert_eq!(
        r.stdout,
        format!(
            "{name}:3: /email: 7 is not of type \"string\"\n{name}:4: /: not JSON: expected ident at line 1 column 2\n"
        )
    );
    assert_eq!(r.stderr, "1 valid, 2 invalid\n");
}

#[test]
fn stdin_is_read_with_dash_or_by_default() {
    let r = run(hamravesh().arg("validate").write_stdin(page_example()));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run(hamravesh()
        .args(["validate", "--ndjson", "-"])
        .write_stdin(format!("{0}\n{0}\n{{}}\n", page_example())));
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout
            .starts_with("-:3: /: \"first_name\" is a required property\n"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stderr, "2 valid, 1 invalid\n");
}

#[test]
fn json_format_prints_one_object_per_payload() {
    let r = run(hamravesh()
        .args(["validate", "--format", "json"])
        .arg(payloads().join("valid/page-example.json"))
        .arg(payloads().join("invalid/email-is-integer.json")));
    assert_eq!(r.code, Some(1));
    let records: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["valid"], true);
    assert_eq!(records[0]["errors"], serde_json::json!([]));
    assert_eq!(records[0]["line"], serde_json::Value::Null);
    assert_eq!(records[1]["valid"], false);
    assert_eq!(records[1]["errors"][0]["instance_path"], "/email");
    assert_eq!(
        records[1]["errors"][0]["schema_path"],
        "/properties/email/type"
    );
    assert_eq!(
        records[1]["errors"][0]["message"],
        "42 is not of type \"string\""
    );
}

#[test]
fn quiet_prints_nothing() {
    let r = run(hamravesh()
        .args(["validate", "--quiet"])
        .arg(payloads().join("invalid")));
    assert_eq!(r.code, Some(1));
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""));
}

#[test]
fn another_schema_can_be_used() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(&schema, r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["id"]}"#).unwrap();
    let payload = dir.path().join("p.json");
    std::fs::write(&payload, r#"{"name": "x"}"#).unwrap();
    let r = run(hamravesh()
        .arg("validate")
        .arg("--schema")
        .arg(&schema)
        .arg(&payload));
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout.ends_with(": /: \"id\" is a required property\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_schema_and_missing_files_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(&schema, r#"{"type": "no-such-type"}"#).unwrap();
    let r = run(hamravesh()
        .arg("validate")
        .arg("--schema")
        .arg(&schema)
        .arg(payloads().join("valid")));
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.starts_with(&format!(
            "error: schema {}: invalid schema:",
            schema.display()
        )),
        "{}",
        r.stderr
    );

    let r = run(hamravesh()
        .args(["validate", "/no/such/file.json"])
        .arg(payloads().join("valid/page-example.json")));
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("error: cannot read /no/such/file.json: no such file or directory"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with("1 valid, 0 invalid, 1 unreadable\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn hostile_inputs_get_clear_messages_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "empty.json",
            Vec::new(),
            "/: empty input: expected a JSON payload",
        ),
        (
            "binary.json",
            vec![0, 159, 146, 150, 255],
            "/: not JSON: expected value at line 1 column 1",
        ),
        (
            "latin1.json",
            b"{\"full_name\": \"\xe9\"}".to_vec(),
            "/: not JSON: invalid unicode code point at line 1 column 16",
        ),
        (
            "deep.json",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            "/: not JSON: recursion limit exceeded at line 1 column 128",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let r = run(hamravesh().arg("validate").arg(&path));
        assert_eq!(r.code, Some(1), "{name}: {}", r.stderr);
        assert_eq!(
            r.stdout,
            format!("{}: {expected}\n", path.display()),
            "{name}"
        );
    }
}

#[test]
fn a_100_mb_single_line_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ndjson");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(b"{\"full_name\": \"").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        file.write_all(&chunk).unwrap();
    }
    file.write_all(b"\"}\n").unwrap();
    drop(file);
    let r = run(hamravesh()
        .args(["validate", "--format", "json"])
        .arg(&path));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let record: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(record["line"], 1);
    assert!(
        record["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["message"] == "\"email\" is a required property")
    );
}

#[test]
fn output_keeps_input_order_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.ndjson");
    let good = page_example();
    // 5,000 payloads span several batches; every 7th is broken.
    let lines: Vec<String> = (1..=5000)
        .map(|i| {
            if i % 7 == 0 {
                "{}".to_owned()
            } else {
                good.clone()
            }
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let r = run(hamravesh()
        .args(["validate", "--format", "json"])
        .arg(&path));
    assert_eq!(r.code, Some(1));
    let numbers: Vec<u64> = r
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers, (1..=5000).collect::<Vec<u64>>());
    assert_eq!(r.stderr, "4286 valid, 714 invalid\n");
}
