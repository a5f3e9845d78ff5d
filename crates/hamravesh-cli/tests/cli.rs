//! The real `hamravesh` binary against the mock.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use hamravesh_mock::{Fault, MockServer};

const KEY: &str = "hk_cli_SECRET_42";

/// The binary with a clean environment: no key, no base URL, no logging unless a test sets them.
fn hamravesh() -> Command {
    let mut command = Command::cargo_bin("hamravesh").unwrap();
    command
        .env_remove("HAMRAVESH_API_KEY")
        .env_remove("HAMRAVESH_BASE_URL")
        .env_remove("RUST_LOG");
    command
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn profile_mock_prints_a_summary() {
    let output = hamravesh().args(["profile", "--mock"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("email@example.com <email@example.com>\n"),
        "{text}"
    );
    assert!(text.contains("1598  my-team  0        owner  no"), "{text}");
}

#[test]
fn profile_mock_json_is_the_profile() {
    let output = hamravesh()
        .args(["profile", "--mock", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let profile = hamravesh_types::decode(&output.stdout).unwrap();
    assert_eq!(profile.organizations[0].name, "my-team");
}

#[test]
fn missing_key_is_a_usage_error() {
    let output = hamravesh().arg("profile").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("HAMRAVESH_API_KEY"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let output = hamravesh()
        .args(["profile", "--base-url", "http://api.hamravesh.com"])
        .env("HAMRAVESH_API_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("refusing to send the API key over plain HTTP"));
    assert!(!stderr(&output).contains(KEY));
}

#[test]
fn bad_flags_are_usage_errors() {
    let output = hamravesh()
        .args(["profile", "--retries", "many"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = hamravesh()
        .args(["profile", "--mock", "--timeout=0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--timeout"), "{}", stderr(&output));
}

#[test]
fn help_documents_exit_codes() {
    let output = hamravesh().args(["profile", "--help"]).output().unwrap();
    let text = stdout(&output);
    assert!(
        text.contains("Exit codes:") && text.contains("2  usage or configuration error"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_key_exits_1_with_status_and_detail_and_no_key() {
    let server = MockServer::builder()
        .api_key("the-right-key")
        .start()
        .await
        .unwrap();
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        hamravesh()
            .args(["profile", "--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .env("RUST_LOG", "trace")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("the API key was rejected (403 Forbidden)"),
        "{err}"
    );
    assert!(err.contains("permission_denied"), "{err}");
    // Even with every log level on, the key is printed nowhere.
    assert!(!err.contains(KEY) && !stdout(&output).contains(KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn network_failure_exits_1_after_retries() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    server.push_fault(Fault::status(503), 10);
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        hamravesh()
            .args(["profile", "--base-url", &url, "--retries", "1"])
            .env("HAMRAVESH_API_KEY", KEY)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("503 Service Unavailable after 2 attempts"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.request_count(), 2);
}

#[test]
fn mock_command_announces_its_address_and_serves() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("hamravesh"))
        .args(["mock", "--api-key", "demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let url = first_line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{first_line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let output = hamravesh()
        .args(["profile", "--base-url", &url, "--json"])
        .env("HAMRAVESH_API_KEY", "demo")
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"my-team\""));
}

#[test]
fn mock_refuses_a_fixture_that_breaks_the_schema() {
    let dir = std::env::temp_dir().join(format!("hamravesh-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = dir.join("bad.json");
    std::fs::write(&fixture, r#"{"email": 5}"#).unwrap();
    let output = hamravesh()
        .args(["mock", "--fixture"])
        .arg(&fixture)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("does not match the schema"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("/email"), "{}", stderr(&output));
}

#[test]
fn schema_prints_the_embedded_schema() {
    let output = hamravesh().arg("schema").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), hamravesh_types::SCHEMA);
}
