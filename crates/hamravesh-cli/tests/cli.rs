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
    let profile: hamravesh_types::Profile = serde_json::from_slice(&output.stdout).unwrap();
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
    let output = hamravesh()
        .args(["profile", "--mock", "--total-timeout=-1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--total-timeout must be a positive number"),
        "{}",
        stderr(&output)
    );
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

/// A blank `--api-key`, or one with control characters, is refused (exit 2) without being
/// echoed; anything else a terminal would act on (a bidi override) is escaped in the hint.
#[test]
fn mock_refuses_a_blank_key_or_control_characters_and_escapes_the_hint() {
    for (key, message) in [
        ("", "--api-key must not be empty or blank"),
        ("   ", "--api-key must not be empty or blank"),
        (
            "demo\u{1b}]0;owned\u{7}",
            "--api-key must not hold control characters",
        ),
        (
            "demo\r\nx-evil: 1",
            "--api-key must not hold control characters",
        ),
    ] {
        let output = hamravesh()
            .args(["mock", "--addr", "127.0.0.1:0", "--api-key", key])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{key:?}: {text}");
        assert!(
            text.starts_with(&format!("error: {message}")),
            "{key:?}: {text}"
        );
        assert_eq!(text.lines().count(), 1, "{key:?}: {text}");
        assert!(!text.contains("demo"), "{key:?} echoed: {text}");
        assert!(
            !text.contains(|c: char| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(stdout(&output).is_empty(), "{key:?}: {}", stdout(&output));
    }
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("hamravesh"))
        .args(["mock", "--api-key", "demo\u{202e}gpj.exe"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut hint = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut hint)
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        hint.starts_with(r"try: curl -H 'Authorization: Api-key demo\u{202e}gpj.exe' http://"),
        "{hint:?}"
    );
    assert!(!hint.contains('\u{202e}'), "{hint:?}");
}

#[test]
fn mock_refuses_a_fixture_that_breaks_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("bad.json");
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
    // Every error the CLI prints is one line, whatever the message's own layout.
    assert_eq!(
        stderr(&output).matches('\n').count(),
        1,
        "{}",
        stderr(&output)
    );
}

#[test]
fn schema_prints_the_embedded_schema() {
    let output = hamravesh().arg("schema").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), hamravesh_types::schemas::PROFILE);
}

// ---- Closed pipes (issue 8, item 4) ----
//
// Rust ignores SIGPIPE, so a write to a pipe nobody reads fails with EPIPE; `eprintln!` turns that
// into a panic and exit 101. Each test hands the binary a pipe whose read end is already closed.

/// A pipe whose read end is closed (see `hamravesh_test_support::closed_pipe`).
#[cfg(unix)]
fn closed_pipe() -> Stdio {
    hamravesh_test_support::closed_pipe(env!("CARGO_BIN_EXE_hamravesh"))
}

/// The real binary as a plain `std` command (assert_cmd's `output()` always pipes stdout and
/// stderr), with the same clean environment as [`hamravesh`].
fn hamravesh_std() -> StdCommand {
    let mut command = StdCommand::new(assert_cmd::cargo::cargo_bin("hamravesh"));
    command
        .env_remove("HAMRAVESH_API_KEY")
        .env_remove("HAMRAVESH_BASE_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    command
}

/// An address on which nothing listens: bound once to get a free port, then released.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[cfg(unix)]
#[test]
fn profile_usage_error_with_closed_stderr_exits_2_without_panicking() {
    let output = hamravesh_std()
        .arg("profile")
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn profile_network_error_with_closed_stderr_exits_1_without_panicking() {
    // With RUST_LOG set the log lines go to the closed stderr too.
    let output = hamravesh_std()
        .args(["profile", "--retries", "0", "--base-url", &dead_url()])
        .env("HAMRAVESH_API_KEY", KEY)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn profile_with_closed_stdout_exits_0_without_panicking() {
    let output = hamravesh_std()
        .args(["profile", "--mock"])
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn schema_into_a_closed_pipe_exits_0_quietly() {
    // `hamravesh schema | head -c1`, with head gone before the first write.
    let output = hamravesh_std()
        .arg("schema")
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

/// Kills the child when dropped, so a failing assertion never leaves a mock running.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The URL at the end of the first line of `reader` that starts with `prefix`.
fn url_after(reader: impl std::io::Read, prefix: &str) -> String {
    let mut lines = BufReader::new(reader).lines();
    let line = lines.next().unwrap().unwrap();
    let rest = line
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{line:?}"));
    rest.split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("{line:?}"))
        .trim_end_matches("/api/v1/users/profile")
        .to_owned()
}

/// `hamravesh mock` keeps serving when nobody reads what it prints: the output is a courtesy,
/// the server is the point (a mock started as `hamravesh mock | head -1` must not die).
#[cfg(unix)]
#[test]
fn mock_keeps_serving_when_its_output_pipes_are_closed() {
    // Closed stderr: the URL is read from stdout, then the "try: curl" line hits the dead pipe.
    let mut child = hamravesh_std()
        .args(["mock", "--api-key", "demo"])
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .spawn()
        .unwrap();
    let url = url_after(child.stdout.take().unwrap(), "listening on ");
    let mut child = KillOnDrop(child);
    assert_profile_served(&url, "demo");
    assert!(child.0.try_wait().unwrap().is_none(), "the mock exited");

    // Closed stdout: the URL is read from the "try: curl" line on stderr.
    let mut child = hamravesh_std()
        .args(["mock", "--api-key", "demo"])
        .stdout(closed_pipe())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = url_after(child.stderr.take().unwrap(), "try: curl ");
    let mut child = KillOnDrop(child);
    assert_profile_served(&url, "demo");
    assert!(child.0.try_wait().unwrap().is_none(), "the mock exited");
}

fn assert_profile_served(url: &str, key: &str) {
    let output = hamravesh()
        .args(["profile", "--json", "--base-url", url])
        .env("HAMRAVESH_API_KEY", key)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("\"my-team\""),
        "{}",
        stdout(&output)
    );
}

// ---- Untrusted server text (issue 8, items 6 and 7) ----

/// Raw characters that must never reach a terminal from server text.
const RAW_CONTROLS: [char; 4] = ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'];

/// The page example with hostile and Persian names.
fn hostile_profile() -> serde_json::Value {
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["full_name"] = "\u{1b}]0;pwned\u{7}Mallory\u{1b}[2J\u{202e}gpj.exe".into();
    profile["email"] = "eve\u{9b}31m@example.com".into();
    let mut persian = profile["organizations"][0].clone();
    persian["id"] = 1599.into();
    persian["name"] = "تیم‌ همروش 🚀".into();
    profile["organizations"][0]["name"] = "evil\u{1b}[2J\u{202e}maet".into();
    profile["organizations"]
        .as_array_mut()
        .unwrap()
        .push(persian);
    profile["organization_roles"]["1598"] = serde_json::json!(["owner\u{1b}[31m", "مدیر"]);
    profile
}

#[tokio::test(flavor = "multi_thread")]
async fn profile_summary_escapes_control_characters_and_keeps_persian() {
    let fixture = hostile_profile();
    let server = MockServer::builder()
        .api_key(KEY)
        .profile_json(fixture.to_string())
        .start()
        .await
        .unwrap();
    let url = server.url();
    let (summary, json) = tokio::task::spawn_blocking(move || {
        let summary = hamravesh()
            .args(["profile", "--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .output()
            .unwrap();
        let json = hamravesh()
            .args(["profile", "--json", "--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .output()
            .unwrap();
        (summary, json)
    })
    .await
    .unwrap();

    assert_eq!(summary.status.code(), Some(0), "{}", stderr(&summary));
    let text = stdout(&summary);
    for raw in RAW_CONTROLS {
        assert!(!text.contains(raw), "raw {raw:?} in {text:?}");
    }
    for visible in [
        r"\u{1b}]0;pwned\u{7}Mallory\u{1b}[2J\u{202e}gpj.exe",
        r"eve\u{9b}31m@example.com",
        r"evil\u{1b}[2J\u{202e}maet",
        r"owner\u{1b}[31m, مدیر",
        "تیم‌ همروش 🚀",
    ] {
        assert!(text.contains(visible), "{visible:?} missing from:\n{text}");
    }
    // The table still lines up (in characters): every row's balance sits under BALANCE.
    let lines: Vec<Vec<char>> = text
        .lines()
        .skip_while(|l| !l.starts_with("ID "))
        .map(|l| l.chars().collect())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    let header: String = lines[0].iter().collect();
    let balance = header.split("BALANCE").next().unwrap().chars().count();
    for row in &lines[1..] {
        assert_eq!(&row[balance - 2..=balance], &[' ', ' ', '0'], "{text}");
    }

    // --json is the server's JSON, exactly: control characters stay JSON escapes.
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value, fixture);
    assert!(!json.stdout.contains(&0x1b), "{}", stdout(&json));
}

/// An error `detail` from the server is one bounded, escaped line on stderr.
#[tokio::test(flavor = "multi_thread")]
async fn error_detail_from_the_server_is_one_escaped_bounded_line() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let hostile = serde_json::json!({
        "detail": "\u{1b}]0;pwned\u{7}bad\u{1b}[2J request\u{202e}\nsecond line",
        "code": "invalid",
    });
    let huge = serde_json::json!({"detail": "x\n".repeat(400_000), "code": "flood"});
    for body in [hostile, huge] {
        server.push_fault(
            Fault::Raw {
                status: 400,
                content_type: "application/json".to_owned(),
                body: body.to_string().into_bytes(),
            },
            1,
        );
    }
    let url = server.url();
    let run = move || {
        hamravesh()
            .args(["profile", "--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .output()
            .unwrap()
    };
    let (hostile, huge) = tokio::task::spawn_blocking(move || (run(), run()))
        .await
        .unwrap();

    assert_eq!(hostile.status.code(), Some(1));
    let err = stderr(&hostile);
    assert_eq!(err.matches('\n').count(), 1, "{err:?}");
    for raw in RAW_CONTROLS {
        assert!(!err.contains(raw), "raw {raw:?} in {err:?}");
    }
    assert!(err.contains(r"\u{1b}]0;pwned\u{7}bad"), "{err}");

    assert_eq!(huge.status.code(), Some(1));
    let err = stderr(&huge);
    assert_eq!(
        err.matches('\n').count(),
        1,
        "{} lines",
        err.lines().count()
    );
    assert!(err.len() < 2_000, "{} bytes on stderr", err.len());
    assert!(err.starts_with("error: "), "{err}");
}

// ---- Where the base URL comes from (issue 8, item 13) ----

#[test]
fn mock_flag_wins_over_the_base_url_variable() {
    let output = hamravesh()
        .args(["profile", "--mock"])
        .env("HAMRAVESH_BASE_URL", "https://api.example.invalid")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("my-team"), "{}", stdout(&output));
}

#[test]
fn mock_flag_still_conflicts_with_the_base_url_flag() {
    let output = hamravesh()
        .args(["profile", "--mock", "--base-url", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--base-url"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_base_url_variable_is_read() {
    // Read by the client (ClientBuilder::from_env), not by clap: the refusal proves it was used.
    let output = hamravesh()
        .arg("profile")
        .env("HAMRAVESH_API_KEY", KEY)
        .env("HAMRAVESH_BASE_URL", "http://api.hamravesh.com")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("refusing to send the API key over plain HTTP"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_base_url_flag_overrides_the_variable() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || {
        hamravesh()
            .args(["profile", "--base-url", &url])
            .env("HAMRAVESH_API_KEY", KEY)
            .env("HAMRAVESH_BASE_URL", "http://api.hamravesh.com")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(server.request_count(), 1);
}

#[test]
fn an_empty_base_url_variable_means_unset_as_in_the_sdk() {
    // Unset means the real service. A dead proxy stands in for it so the test stays offline:
    // reaching for the default URL fails as a network error (exit 1), not as a bad URL (exit 2).
    for empty in ["", "  "] {
        let output = hamravesh()
            .args(["profile", "--retries", "0"])
            .env("HAMRAVESH_API_KEY", KEY)
            .env("HAMRAVESH_BASE_URL", empty)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .env("HTTPS_PROXY", dead_url())
            .env("https_proxy", dead_url())
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{empty:?}: {err}");
        assert!(!err.contains("base URL"), "{empty:?}: {err}");
    }
}

#[test]
fn mock_on_every_interface_prints_a_url_profile_accepts() {
    let mut child = hamravesh_std()
        .args(["mock", "--addr", "0.0.0.0:0", "--api-key", "demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = url_after(child.stdout.take().unwrap(), "listening on ");
    let _child = KillOnDrop(child);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_profile_served(&url, "demo");
}

// ---- One deadline for the whole call (issue 8, item 9) ----

#[test]
fn help_says_which_limit_each_timeout_sets() {
    let output = hamravesh().args(["profile", "--help"]).output().unwrap();
    // clap wraps help to the terminal width: compare with whitespace collapsed.
    let text = stdout(&output)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let per_attempt = format!(
        "--timeout <SECS> Seconds allowed for each attempt, from sending the request to reading \
         the whole body [default: {}; at most a year]",
        hamravesh::DEFAULT_TIMEOUT.as_secs()
    );
    let total = format!(
        "--total-timeout <SECS> Seconds allowed for the whole call: every attempt and every wait \
         before a retry (including a server's Retry-After); with `notifications --all` or `api \
         --paginate`, the whole \
         walk, every page included [default: {}; at most a year]",
        hamravesh::DEFAULT_TOTAL_TIMEOUT.as_secs()
    );
    assert!(text.contains(&per_attempt), "{text}");
    assert!(text.contains(&total), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn total_timeout_bounds_a_call_the_server_keeps_throttling() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    server.push_fault(Fault::status_retry_after(429, 60), 10);
    let url = server.url();
    let started = std::time::Instant::now();
    let output = tokio::task::spawn_blocking(move || {
        hamravesh()
            .args(["profile", "--base-url", &url, "--total-timeout", "1"])
            .env("HAMRAVESH_API_KEY", KEY)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    // Generous: without the deadline this call waits 3 x 60 s.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("429 Too Many Requests"), "{err}");
    assert!(err.contains("total deadline of 1s"), "{err}");
    assert_eq!(server.request_count(), 1);
}
