//! The real `hamravesh` binary against hostile inputs a review found unbounded: a huge name in
//! the profile, timeouts that overflow the clock, a stdout that cannot be written, a feed that
//! never ends, and fixture files without end.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hamravesh_mock::MockServer;

const KEY: &str = "hk_hostile_SECRET_7";

/// The binary with a clean environment, stdin closed, killed after a minute.
fn hamravesh() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("hamravesh").unwrap();
    command
        .env_remove("HAMRAVESH_API_KEY")
        .env_remove("HAMRAVESH_BASE_URL")
        .env_remove("HAMRAVESH_ORGANIZATION")
        .env_remove("HAMRAVESH_PROXY")
        .env_remove("RUST_LOG")
        .timeout(Duration::from_secs(60));
    command
}

/// `hamravesh ARGS --base-url` the mock, with the key, off the runtime that serves the mock.
async fn run_against(server: &MockServer, args: &[&str]) -> std::process::Output {
    let url = server.url();
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        hamravesh()
            .args(&args)
            .args(["--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// ---- Item 1: every table cell is bounded ----

/// The shape of the reviewer's bigorgs.json: one organization whose name is an escape character
/// then `name_chars` letters, then 1,663 ordinary ones.
fn big_profile(name_chars: usize) -> String {
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    let template = profile["organizations"][0].clone();
    let organizations: Vec<serde_json::Value> = (0..1_664)
        .map(|i| {
            let mut organization = template.clone();
            organization["id"] = serde_json::json!(10_000 + i);
            organization["name"] = if i == 0 {
                serde_json::json!(format!("\u{1b}{}", "N".repeat(name_chars)))
            } else {
                serde_json::json!(format!("team-{i}"))
            };
            organization
        })
        .collect();
    profile["organizations"] = serde_json::Value::Array(organizations);
    profile["full_name"] = serde_json::json!("ن".repeat(10_000));
    profile.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_organization_name_does_not_multiply_into_every_row() {
    // A 1.2 MB name (the whole profile under the client's 4 MiB cap), which every one of the
    // 1,664 rows was padded to: 2 GB of output.
    let server = MockServer::builder()
        .api_key(KEY)
        .profile_json(big_profile(1_200_000))
        .start()
        .await
        .unwrap();
    let output = run_against(&server, &["profile"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    // Five lines of header (name, verification, date, blank, "Organizations"), the table's
    // header, one row per organization.
    assert_eq!(lines.len(), 5 + 1 + 1_664);
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 250, "a line of {widest} characters");
    assert!(
        output.stdout.len() < 400_000,
        "{} bytes",
        output.stdout.len()
    );
    let huge = lines.iter().find(|l| l.starts_with("10000 ")).unwrap();
    assert!(huge.contains(r"\u{1b}NNN") && huge.contains('…'), "{huge}");
}

// ---- Item 2: timeouts beyond a year are refused, not a panic ----

#[test]
fn timeouts_beyond_a_year_are_usage_errors() {
    for (flag, value) in [
        ("--total-timeout", "1e19"),
        ("--total-timeout", "1.8e19"),
        ("--timeout", "1e19"),
        ("--timeout", "31622401"),
        ("--timeout", "1e30"),
        ("--timeout", "inf"),
    ] {
        let output = hamravesh()
            .args(["profile", "--mock", flag, value])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{flag} {value}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert!(err.contains(&format!("{flag} must be at most")), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A year is still accepted.
    let output = hamravesh()
        .args(["profile", "--mock", "--total-timeout", "31622400"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

// ---- Item 3: stdout that cannot be written is a failure ----

/// `/dev/full`: every write fails with ENOSPC.
#[cfg(target_os = "linux")]
fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error_not_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    // (arguments, exit code): 1 for every command, 3 (UNKNOWN) for the monitoring check.
    let cases: [(&[&str], i32); 10] = [
        (&["profile", "--mock"], 1),
        (&["profile", "--mock", "--json"], 1),
        (&["schema"], 1),
        (&["schema", "--openapi"], 1),
        (&["notifications", "--mock"], 1),
        (&["notifications", "--mock", "--all", "--json"], 1),
        (
            &["namespaces", "create", "ns-1", "--cluster", "53", "--mock"],
            1,
        ),
        (&["balance", "--mock"], 3),
        (&["mock"], 1),
        (&["exporter", "--mock", "--listen", "127.0.0.1:0"], 1),
    ];
    for (args, code) in cases {
        let stderr_path = dir.path().join("stderr");
        let output = Command::new(assert_cmd::cargo::cargo_bin("hamravesh"))
            .args(args)
            .env_remove("HAMRAVESH_API_KEY")
            .env_remove("HAMRAVESH_BASE_URL")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(dev_full())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .status()
            .unwrap();
        let err = std::fs::read_to_string(&stderr_path).unwrap();
        assert_eq!(output.code(), Some(code), "{args:?}: {err}");
        assert!(
            err.contains("cannot write the output to stdout"),
            "{args:?}: {err}"
        );
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn a_deletion_reported_to_a_full_disk_exits_1() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let url = server.url();
    let (created, deleted) = tokio::task::spawn_blocking(move || {
        let created = hamravesh()
            .args([
                "namespaces",
                "create",
                "ns-full",
                "--cluster",
                "53",
                "--json",
            ])
            .args(["--org", "my-team", "--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .output()
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
        let id = value["id"].to_string();
        let deleted = Command::new(assert_cmd::cargo::cargo_bin("hamravesh"))
            .args(["namespaces", "delete", &id, "--yes", "--org", "my-team"])
            .args(["--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(dev_full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        (created, deleted)
    })
    .await
    .unwrap();
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let err = stderr(&deleted);
    assert_eq!(deleted.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write the output to stdout"), "{err}");
    // The deletion itself happened: only its report was lost.
    assert_eq!(server.namespace_count(), 0);
}

#[test]
fn help_says_a_full_stdout_is_exit_1() {
    let output = hamravesh().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("or stdout could not be written"), "{text}");
}

// ---- Item 4: --total-timeout bounds the whole walk ----

#[tokio::test(flavor = "multi_thread")]
async fn total_timeout_bounds_the_whole_walk() {
    // 300 notifications a page of one at a time, each page 100 ms late: 30 s to read, each
    // page well within the per-call deadline.
    let template: serde_json::Value =
        serde_json::from_str::<Vec<serde_json::Value>>(hamravesh_mock::DEFAULT_NOTIFICATIONS)
            .unwrap()
            .remove(0);
    let feed: Vec<serde_json::Value> = (0..300)
        .map(|i| {
            let mut item = template.clone();
            item["slug"] = serde_json::json!(i + 1);
            item
        })
        .collect();
    let server = MockServer::builder()
        .api_key(KEY)
        .notifications_json(serde_json::to_vec(&feed).unwrap())
        .start()
        .await
        .unwrap();
    server.set_delay(Duration::from_millis(100));
    let started = Instant::now();
    let walk = ["notifications", "--all", "--limit", "1", "--org", "my-team"];
    let output = run_against(&server, &[&walk[..], &["--total-timeout", "1.5"]].concat()).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("--total-timeout (1.5s) passed"), "{err}");
    assert!(err.contains("after reading "), "{err}");
    let read: usize = err
        .split("after reading ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!((1..300).contains(&read), "{err}");
    assert!(server.request_count() < 100, "{}", server.request_count());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_cap_names_a_flag_the_user_can_pass() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let walk = ["notifications", "--all", "--limit", "1", "--max-pages", "3"];
    let output = run_against(&server, &[&walk[..], &["--org", "my-team"]].concat()).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("cap of 3 pages"), "{err}");
    assert!(err.contains("raise it with --max-pages"), "{err}");
    assert_eq!(server.request_count(), 3);
}

// ---- Item 5: the mock reads its files up to a cap ----

#[cfg(unix)]
#[test]
fn the_mock_and_validate_refuse_endless_files() {
    for flag in ["--fixture", "--notifications"] {
        let started = Instant::now();
        let output = hamravesh()
            .args(["mock", flag, "/dev/zero"])
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", stderr(&output));
        let err = stderr(&output);
        assert!(err.contains("larger than 16 MiB"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    // validate's --schema likewise (it was read whole: gigabytes of RSS within seconds).
    let dir = tempfile::tempdir().unwrap();
    let payload = dir.path().join("one.json");
    std::fs::write(&payload, "{}").unwrap();
    let output = hamravesh()
        .args(["validate", "--schema", "/dev/zero"])
        .arg(&payload)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("schema /dev/zero is larger than 16777216 bytes (16 MiB)"),
        "{err}"
    );
}

// ---- Item 6: a negative count is not printed as a size ----

#[tokio::test(flavor = "multi_thread")]
async fn a_negative_count_is_shown_as_unknown() {
    // A server that sends `count: -5` (the reviewer's api.py mode `countneg`).
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let body = br#"{"count":-5,"next":null,"previous":null,"results":[]}"#.to_vec();
    server.push_fault_on(
        &hamravesh::types::operations::LIST_NOTIFICATIONS,
        hamravesh_mock::Fault::Raw {
            status: 200,
            content_type: "application/json".to_owned(),
            body,
        },
        1,
    );
    let output = run_against(&server, &["notifications", "--org", "my-team"]).await;
    let out = String::from_utf8_lossy(&output.stdout);
    let err = stderr(&output);
    assert!(!out.contains("-5"), "{out}");
    // The client may refuse the page itself (exit 1); if it accepts it, the CLI says unknown.
    match output.status.code() {
        Some(0) => assert!(out.contains("no valid total"), "{out}"),
        Some(1) => assert!(!err.is_empty()),
        other => panic!("{other:?}: {err}"),
    }
}

// ---- A second review: output that grows past its input, raw C1 controls in JSON ----

/// Pretty-printing indents each level, so output grows with the square of the nesting: a 2 MB
/// body of a million nested brackets would print terabytes. Past the allowance it is written as
/// sent.
#[tokio::test(flavor = "multi_thread")]
async fn deeply_nested_json_is_not_indented_into_a_flood() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    server.push_fault(
        hamravesh_mock::Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: deep.clone().into_bytes(),
        },
        1,
    );
    let output = run_against(&server, &["api", "GET", "/x/"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(output.stdout, format!("{deep}\n").into_bytes());
}

/// JSON may hold C1 controls (CSI, U+009B) and bidi overrides raw inside strings; every JSON
/// output writes them as `\u` escapes, the same value, as `api` already did.
#[tokio::test(flavor = "multi_thread")]
async fn json_outputs_escape_what_a_terminal_would_act_on() {
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["full_name"] = serde_json::json!("a\u{9b}2Jb\u{202e}c");
    let server = MockServer::builder()
        .api_key(KEY)
        .profile_json(profile.to_string())
        .start()
        .await
        .unwrap();
    let output = run_against(&server, &["profile", "--json"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains(r#""a\u009b2Jb\u202ec""#), "{text}");
    assert!(!text.contains('\u{9b}') && !text.contains('\u{202e}'));
    let printed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(printed["full_name"], profile["full_name"]);
    // validate --format json: the same escaping in each record.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    // The duplicate key is quoted in the error message.
    std::fs::write(&file, "{\"a\u{9b}\": 1, \"a\u{9b}\": 2}").unwrap();
    let output = hamravesh()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\u{9b}'), "{text}");
    assert!(text.contains(r#"duplicate key \"a\u009b\""#), "{text}");
}

/// The only organization's name comes from the profile: one that cannot be sent is the API's
/// answer at fault (exit 1), not a usage error telling the user to fix what they never typed.
#[tokio::test(flavor = "multi_thread")]
async fn an_unsendable_organization_name_from_the_profile_is_the_answers_fault() {
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["organizations"][0]["name"] = serde_json::json!("my\u{1b}[2Jteam");
    let server = MockServer::builder()
        .api_key(KEY)
        .profile_json(profile.to_string())
        .start()
        .await
        .unwrap();
    let output = run_against(&server, &["notifications"]).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(
            r#"the profile's only organization is named "my\u{1b}[2Jteam", which cannot be sent"#
        ),
        "{err}"
    );
    assert!(!err.contains("pass the organization's"), "{err}");
}
