//! `hamravesh validate`, run as the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;
use hamravesh_test_support::Run;

fn hamravesh() -> Command {
    let mut command = Command::cargo_bin("hamravesh").unwrap();
    command.env_remove("RUST_LOG");
    command
}

fn payloads() -> PathBuf {
    hamravesh_test_support::payloads_dir()
}

/// The page's example on one line, for NDJSON.
fn page_example() -> String {
    hamravesh_test_support::page_example_line()
}

/// Runs the binary (assert_cmd's command: stdin and timeouts) and collects what it printed.
fn run(command: &mut Command) -> Run {
    Run::from(command.output().unwrap())
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
            .contains("error: cannot read /no/such/file.json: No such file or directory"),
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

/// Runs the binary with a generous timeout: the inputs below used to hang it.
fn bounded(command: &mut Command) -> Run {
    run(command.timeout(std::time::Duration::from_secs(120)))
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_once_and_each_file_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.json"), r#"{"email": 5}"#).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("b")).unwrap();
    let r = bounded(hamravesh().arg("validate").arg(dir.path()));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let file = dir.path().join("p.json").display().to_string();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l.starts_with(&format!("{file}: "))),
        "{}",
        r.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("/email: 5 is not of type \"string\"")),
        "{}",
        r.stdout
    );
    // One warning per looping link, then the summary: the file was checked once.
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", r.stderr);
    assert!(
        warnings.iter().all(|w| w.contains("symlink loop")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.ends_with("0 valid, 1 invalid\n"), "{}", r.stderr);
}

#[test]
fn errors_are_capped_per_payload() {
    let dir = tempfile::tempdir().unwrap();
    // ~300 KB of empty organizations: about three million errors if all were kept.
    let orgs = vec!["{}"; 100_000].join(",");
    let path = dir.path().join("amplify.json");
    std::fs::write(&path, format!("{{\"organizations\":[{orgs}]}}")).unwrap();
    let r = bounded(hamravesh().arg("validate").arg(&path));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        101,
        "{}",
        &r.stdout[..r.stdout.len().min(2000)]
    );
    assert!(lines[100].contains(": … and at least "), "{}", lines[100]);
    assert!(lines[100].ends_with(" more errors"), "{}", lines[100]);
    assert_eq!(r.stderr, "0 valid, 1 invalid\n");

    let r = bounded(hamravesh().args(["validate", "--quiet"]).arg(&path));
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (Some(1), "", "")
    );

    // A 3 MB NDJSON line, in JSON format: 100 errors and a count of the rest.
    let orgs = vec!["{}"; 1_000_000].join(",");
    let path = dir.path().join("amplify.ndjson");
    std::fs::write(
        &path,
        format!("{}\n{{\"organizations\":[{orgs}]}}\n", page_example()),
    )
    .unwrap();
    let r = bounded(
        hamravesh()
            .args(["validate", "--format", "json"])
            .arg(&path),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let records: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["more_errors"], 0);
    assert_eq!(records[1]["errors"].as_array().unwrap().len(), 100);
    assert!(records[1]["more_errors"].as_u64().unwrap() > 0);
    assert_eq!(records[1]["more_errors_exact"], false);
}

#[test]
fn small_payloads_count_the_errors_left_out_exactly() {
    // 5 empty organizations: more than 100 errors, all counted.
    let payload = r#"{"organizations":[{},{},{},{},{}]}"#;
    let r = run(hamravesh().arg("validate").write_stdin(payload));
    assert_eq!(r.code, Some(1));
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("-: … and ") && !last.contains("at least"),
        "{last}"
    );
    assert_eq!(r.stdout.lines().count(), 101);
}

#[cfg(unix)]
#[test]
fn dev_zero_finishes_in_bounded_time_and_memory() {
    let r = bounded(hamravesh().args(["validate", "--max-size", "1024", "/dev/zero"]));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "/dev/zero: /: payload is more than 1024 bytes, over the --max-size limit of 1024 bytes\n"
    );
    let r = bounded(hamravesh().args(["validate", "--ndjson", "--max-size", "1024", "/dev/zero"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stdout.starts_with("/dev/zero:1: /: line is more than "),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("error: cannot read /dev/zero: stopped after line 1"),
        "{}",
        r.stderr
    );
}

#[test]
fn payloads_over_max_size_are_invalid_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse 2 GB file: its size is known without reading it.
    let sparse = dir.path().join("a-sparse.json");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    std::fs::write(dir.path().join("b-ok.json"), page_example()).unwrap();
    let lines = format!(
        "{0}\n{{\"full_name\": \"{1}\"}}\n{0}\n",
        page_example(),
        "x".repeat(5000)
    );
    std::fs::write(dir.path().join("c-lines.ndjson"), lines).unwrap();
    let r = bounded(
        hamravesh()
            .args(["validate", "--max-size", "4096"])
            .arg(dir.path()),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let name = |file: &str| dir.path().join(file).display().to_string();
    assert_eq!(
        r.stdout,
        format!(
            "{}: /: payload is 2147483648 bytes, over the --max-size limit of 4096 bytes\n\
             {}:2: /: line is 5017 bytes, over the --max-size limit of 4096 bytes\n",
            name("a-sparse.json"),
            name("c-lines.ndjson")
        )
    );
    assert_eq!(r.stderr, "3 valid, 2 invalid\n");
    let r = run(hamravesh().args(["validate", "--max-size", "0"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    // A payload is held whole while it is checked: no more than 1 GiB is ever asked for.
    let r = run(hamravesh().args(["validate", "--max-size", "1073741825", "/dev/null"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("1073741825"), "{}", r.stderr);
    let r = run(hamravesh().args(["validate", "--max-size", "1073741824", "/dev/null"]));
    assert_ne!(r.code, Some(2), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn special_files_are_reported_when_walking_and_read_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(dir.path().join("ok.json"), page_example()).unwrap();
    // Walking, a FIFO named like a payload is not read (no writer would ever come) but reported
    // as an unreadable input, so the run does not pass without having looked at it.
    let r = bounded(hamravesh().arg("validate").arg(dir.path()));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!(
            "error: cannot read {}: not a regular file (a FIFO, socket or device, or a symlink to one); not read\n\
             1 valid, 0 invalid, 1 unreadable\n",
            fifo.display()
        )
    );

    // Named explicitly, a FIFO is read like stdin.
    let writer = {
        let fifo = fifo.clone();
        let payload = page_example();
        std::thread::spawn(move || std::fs::write(fifo, payload).unwrap())
    };
    let r = bounded(hamravesh().arg("validate").arg(&fifo));
    writer.join().unwrap();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr, "1 valid, 0 invalid\n");
}

/// A symlink named like a payload that leads to a device (`/dev/zero`, endless) is reported like
/// any special file, in text and JSON output alike, and never read.
#[cfg(unix)]
#[test]
fn a_symlink_to_dev_zero_named_json_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    std::fs::write(dir.path().join("ok.json"), page_example()).unwrap();
    for format in ["text", "json"] {
        let r = bounded(
            hamravesh()
                .args(["validate", "--format", format])
                .arg(dir.path()),
        );
        assert_eq!(r.code, Some(2), "{format}: {}", r.stderr);
        assert!(
            r.stderr.starts_with(&format!(
                "error: cannot read {}: not a regular file",
                link.display()
            )),
            "{format}: {}",
            r.stderr
        );
        assert!(
            r.stderr.ends_with("1 valid, 0 invalid, 1 unreadable\n"),
            "{format}: {}",
            r.stderr
        );
        assert!(!r.stdout.contains("zero.json"), "{format}: {}", r.stdout);
    }
}

/// Runs `hamravesh ARGS` with stdout (and, with `both`, stderr) on a pipe whose read end is
/// closed before the binary starts; returns its exit code and what it wrote to stderr otherwise.
#[cfg(unix)]
fn with_closed_pipe(args: &[&str], both: bool) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let redirect = if both { "2>&1" } else { "2>stderr" };
    // The reader closes its end, then lets the writer start.
    let script = format!(
        r#"cd "$1"; shift
        {{ while [ ! -e closed ]; do sleep 0.01; done; "$@" {redirect}; echo $? > code; }} |
        {{ exec 0<&-; touch closed; }}"#
    );
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(dir.path())
        // Looked up at run time, like `hamravesh()`, so the test can be pointed at another build.
        .arg(assert_cmd::cargo::cargo_bin("hamravesh"))
        .args(args)
        .env_remove("RUST_LOG")
        .status()
        .unwrap();
    assert!(status.success());
    let code = std::fs::read_to_string(dir.path().join("code")).unwrap();
    let stderr = std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default();
    (code.trim().parse().unwrap(), stderr)
}

#[cfg(unix)]
#[test]
fn closed_stdout_and_stderr_neither_panic_nor_change_the_exit_code() {
    let invalid = payloads().join("invalid").display().to_string();
    let valid = payloads().join("valid").display().to_string();
    let (code, stderr) = with_closed_pipe(&["validate", &invalid], false);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.ends_with("0 valid, 17 invalid\n"), "{stderr}");
    for (args, expected) in [
        (vec!["validate", &invalid], 1),
        (vec!["validate", &valid], 0),
        (vec!["validate", "/no/such/file.json", &valid], 2),
        (vec!["validate", "--format", "json", &invalid], 1),
    ] {
        let (code, _) = with_closed_pipe(&args, true);
        assert_eq!(code, expected, "{args:?}");
    }
}

#[test]
fn repeated_keys_are_invalid_as_decoding_says() {
    let duplicated = page_example().replacen(
        "\"email\":\"email@example.com\",",
        "\"email\":\"email@example.com\",\"email\":\"other@example.com\",",
        1,
    );
    assert_ne!(
        duplicated,
        page_example(),
        "the edit must change the payload"
    );
    assert!(hamravesh_types::decode::<hamravesh_types::Profile>(duplicated.as_bytes()).is_err());
    let r = run(hamravesh().arg("validate").write_stdin(duplicated));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.stdout, "-: /: duplicate key \"email\"\n");
}

#[test]
fn text_output_escapes_control_characters_and_json_stays_exact() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[2J\u{202e}nosj.json";
    let path = dir.path().join(name);
    // A key with an escape sequence ends up in the pointer; a string value in the message.
    let payload =
        r#"{"organization_roles": {"x\u001b]0;owned\u0007": [5]}, "email": "\u001b[31mred"}"#;
    std::fs::write(&path, payload).unwrap();

    let r = run(hamravesh().arg("validate").arg(&path));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for text in [&r.stdout, &r.stderr] {
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
            .collect();
        assert!(bad.is_empty(), "{bad:?} in {text}");
    }
    assert!(
        r.stdout.contains(r"evil\u{1b}[2J\u{202e}nosj.json: "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(r"/organization_roles/x\u{1b}]0;owned\u{7}/0: "),
        "{}",
        r.stdout
    );

    let r = run(hamravesh()
        .args(["validate", "--format", "json"])
        .arg(&path));
    let record: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(record["source"], path.display().to_string());
    let pointers: Vec<&str> = record["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["instance_path"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&"/organization_roles/x\u{1b}]0;owned\u{7}/0"),
        "{pointers:?}"
    );
}

/// `--type` picks the embedded schema: each corpus passes under its own type and fails under
/// the profile's; an unknown type is a usage error naming the types.
#[test]
fn type_picks_the_embedded_schema() {
    for (folder, kind) in hamravesh_test_support::DOCUMENT_CORPORA {
        let valid = payloads().join(folder).join("valid");
        let invalid = payloads().join(folder).join("invalid");
        let r = run(hamravesh().args(["validate", "--type", kind]).arg(&valid));
        assert_eq!(
            r.code,
            Some(0),
            "{folder} as {kind}: {}{}",
            r.stdout,
            r.stderr
        );
        let r = run(hamravesh().args(["validate", "--type", kind]).arg(&invalid));
        assert_eq!(r.code, Some(1), "{folder} invalid as {kind}: {}", r.stderr);
        let expected = hamravesh_test_support::expected_errors_in(folder);
        for (name, want) in expected {
            let pointer = want.validate_pointer.unwrap_or_default();
            let pointer = if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer
            };
            assert!(
                r.stdout.contains(&format!("{name}: {pointer}: ")),
                "{folder}/{name} lacks {pointer}:\n{}",
                r.stdout
            );
        }
        let r = run(hamravesh().arg("validate").arg(&valid));
        assert_eq!(r.code, Some(1), "{folder} as a profile should be invalid");
    }
    let r = run(hamravesh().args(["validate", "--type", "nope", "-"]));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("notifications"), "{}", r.stderr);
    let r = run(hamravesh().args(["validate", "--type", "profile", "--schema", "x.json"]));
    assert_eq!(r.code, Some(2), "--type and --schema conflict");
}

/// A full disk loses the results: that is an I/O error (exit 2), not success; a closed pipe
/// (its reader chose to stop) is not.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_exit_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let r = hamravesh_test_support::run(
        hamravesh_test_support::command(env!("CARGO_BIN_EXE_hamravesh"))
            .args(["validate", "--format", "json"])
            .arg(payloads().join("valid"))
            .stdout(full),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot write the results to stdout"),
        "{}",
        r.stderr
    );
}

/// A PATH that cannot be looked at says why, as the system does: a symlink loop named
/// explicitly was reported as "no such file or directory" (and so was a file below a directory
/// the user may not search).
#[cfg(unix)]
#[test]
fn an_unreadable_path_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.json");
    let two = dir.path().join("two.json");
    std::os::unix::fs::symlink(&two, &one).unwrap();
    std::os::unix::fs::symlink(&one, &two).unwrap();
    let r = bounded(hamravesh().arg("validate").arg(&one));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("symbolic links") && !r.stderr.contains("No such file"),
        "{}",
        r.stderr
    );
}
