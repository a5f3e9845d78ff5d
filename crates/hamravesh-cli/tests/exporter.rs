//! `hamravesh exporter` as a process against the mock: the cache (scrapes against API calls),
//! `hamravesh_up` and stale values when the API fails, exact label values for Persian and
//! hostile names, content negotiation, `promtool check metrics` on a real scrape (skipped with a
//! note when promtool is not installed), clean stop on SIGTERM, and the key in no answer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use hamravesh_mock::{Fault, MockServer};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_hamravesh");

/// A key that must never appear in a metric, a label or an answer.
const KEY: &str = "hk_exporter_SECRET_91c2";

/// A name with Persian text, a quote, a backslash and a line feed: Prometheus must read it back
/// exactly, so the exposition escapes it.
const HOSTILE_NAME: &str = "تیم \"ما\" \\ همروش\nدوم";

/// The docs' profile with these organizations: (name, id, balance, seconds_to_negative_balance).
fn profile(orgs: &[(&str, i64, f64, Value)]) -> String {
    let mut profile: Value = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    let template = profile["organizations"][0].clone();
    let list: Vec<Value> = orgs
        .iter()
        .map(|(name, id, balance, runway)| {
            let mut org = template.clone();
            org["name"] = json!(name);
            org["id"] = json!(id);
            org["balance"] = json!(balance);
            org["residual_debt_percentage"] = json!(12.5);
            org["seconds_to_negative_balance"] = runway.clone();
            org["is_restricted"] = json!(*balance < 0.0);
            org
        })
        .collect();
    profile["organizations"] = Value::Array(list);
    profile.to_string()
}

/// The mock, its runtime, and an exporter process pointed at it (killed on drop).
struct Setup {
    mock: MockServer,
    exporter: Child,
    stderr: Option<ChildStderr>,
    address: String,
    _runtime: tokio::runtime::Runtime,
}

impl Setup {
    fn start(profile_json: String, args: &[&str]) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let mock = runtime
            .block_on(
                MockServer::builder()
                    .api_key(KEY)
                    .profile_json(profile_json)
                    .start(),
            )
            .unwrap();
        let mut exporter = Command::new(BIN)
            .env_clear()
            .env("HAMRAVESH_API_KEY", KEY)
            .args(["exporter", "--listen", "127.0.0.1:0", "--retries", "0"])
            .args(["--base-url", &mock.url()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(exporter.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_owned();
        let stderr = exporter.stderr.take();
        Setup {
            mock,
            exporter,
            stderr,
            address,
            _runtime: runtime,
        }
    }

    /// `GET path` with these headers: status line and body.
    fn get_with(&self, path: &str, headers: &str) -> (String, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{headers}\r\n",
            self.address
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(!answer.contains(KEY), "the key in an answer: {answer}");
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        (head.to_owned(), body.to_owned())
    }

    fn metrics(&self) -> String {
        let (head, body) = self.get_with("/metrics", "");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        body
    }

    /// Scrapes until `predicate` holds (at most `within`), returning that scrape.
    fn wait_for(&self, within: Duration, predicate: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let text = self.metrics();
            if predicate(&text) {
                return text;
            }
            assert!(Instant::now() < deadline, "never came: {text}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The exporter's stderr so far, after stopping it.
    fn stop(mut self) -> String {
        let _ = self.exporter.kill();
        let _ = self.exporter.wait();
        let mut text = String::new();
        if let Some(mut stderr) = self.stderr.take() {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = self.exporter.kill();
        let _ = self.exporter.wait();
    }
}

/// The value of the sample whose name and labels are `series` exactly, if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.trim().parse().unwrap())
}

fn up(text: &str) -> Option<f64> {
    sample(text, "hamravesh_up")
}

#[test]
fn a_thousand_scrapes_cost_at_most_two_api_calls() {
    let setup = Setup::start(
        profile(&[("my-team", 1598, 500.0, Value::Null)]),
        &["--min-interval", "60s"],
    );
    setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(1.0));
    let started = Instant::now();
    for _ in 0..1000 {
        let text = setup.metrics();
        assert_eq!(
            sample(
                &text,
                r#"hamravesh_organization_balance{organization="my-team",id="1598"}"#
            ),
            Some(500.0)
        );
    }
    let elapsed = started.elapsed();
    let calls = setup.mock.request_count();
    assert!(calls <= 2, "{calls} API calls for 1000 scrapes");
    // A measurement for the record, not a timed assertion (a loaded machine is slower).
    println!(
        "1000 scrapes in {elapsed:?} ({:?} each, connection included), {calls} API call(s)",
        elapsed / 1000
    );
}

#[test]
fn labels_carry_the_exact_names_and_a_null_runway_is_absent() {
    let setup = Setup::start(
        profile(&[
            (HOSTILE_NAME, 7, -12.5, Value::Null),
            ("my-team", 1598, 500.0, json!(259_200)),
        ]),
        &["--min-interval", "60s"],
    );
    let text = setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(1.0));
    let escaped = r#"تیم \"ما\" \\ همروش\nدوم"#;
    let hostile = |metric: &str| format!(r#"{metric}{{organization="{escaped}",id="7"}}"#);
    let mine = |metric: &str| format!(r#"{metric}{{organization="my-team",id="1598"}}"#);
    let cases = [
        (hostile("hamravesh_organization_balance"), Some(-12.5)),
        (hostile("hamravesh_organization_restricted"), Some(1.0)),
        (
            hostile("hamravesh_organization_residual_debt_ratio"),
            Some(0.125),
        ),
        (hostile("hamravesh_organization_runway_seconds"), None),
        (mine("hamravesh_organization_balance"), Some(500.0)),
        (mine("hamravesh_organization_restricted"), Some(0.0)),
        (
            mine("hamravesh_organization_runway_seconds"),
            Some(259_200.0),
        ),
        (
            mine("hamravesh_organization_charged_budget"),
            Some(1_072_283.0),
        ),
    ];
    for (series, value) in cases {
        assert_eq!(sample(&text, &series), value, "{series} in {text}");
    }
    for metric in [
        "hamravesh_organization_balance",
        "hamravesh_organization_budget",
        "hamravesh_organization_charged_budget",
        "hamravesh_organization_virtual_budget",
        "hamravesh_organization_residual_debt",
        "hamravesh_organization_residual_debt_ratio",
        "hamravesh_organization_runway_seconds",
        "hamravesh_organization_restricted",
        "hamravesh_up",
        "hamravesh_last_success_timestamp_seconds",
        "hamravesh_poll_duration_seconds",
        "hamravesh_polls_total",
    ] {
        assert!(
            text.contains(&format!("# HELP {metric} ")),
            "no HELP for {metric}"
        );
    }
    assert!(sample(&text, "hamravesh_last_success_timestamp_seconds").unwrap() > 1.6e9);
    // No raw line feed inside a label: every line is a comment or a known metric's sample.
    for line in text.lines() {
        assert!(
            line.starts_with('#') || line.starts_with("hamravesh_"),
            "a broken line: {line:?}"
        );
    }
}

#[test]
fn an_api_failure_drops_up_keeps_the_last_values_and_polling_recovers() {
    let setup = Setup::start(
        profile(&[("my-team", 1598, 500.0, Value::Null)]),
        &["--min-interval", "1s"],
    );
    let balance = r#"hamravesh_organization_balance{organization="my-team",id="1598"}"#;
    setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(1.0));
    // The next two polls fail; the one after (after backing off 2 s, then 4 s) succeeds.
    setup.mock.push_fault(Fault::status(500), 2);
    let down = setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(0.0));
    assert_eq!(sample(&down, balance), Some(500.0), "{down}");
    assert!(
        sample(&down, r#"hamravesh_polls_total{outcome="error"}"#).unwrap() >= 1.0,
        "{down}"
    );
    let failed_at = Instant::now();
    let back = setup.wait_for(Duration::from_secs(20), |t| up(t) == Some(1.0));
    assert_eq!(sample(&back, balance), Some(500.0), "{back}");
    assert_eq!(
        sample(&back, r#"hamravesh_polls_total{outcome="error"}"#),
        Some(2.0),
        "{back}"
    );
    // Backed off: the two failures and the recovery are 2 s and 4 s apart, not 1 s.
    assert!(
        failed_at.elapsed() >= Duration::from_secs(4),
        "{:?}",
        failed_at.elapsed()
    );
    let stderr = setup.stop();
    assert!(stderr.contains("polling the API failed"), "{stderr}");
    assert!(!stderr.contains(KEY), "{stderr}");
}

/// An `--org` the profile does not list is no failure of the API: the known organization is
/// exported, `hamravesh_up` stays 1 (HamraveshApiDown stays quiet), the unknown name is a series
/// of its own and a warning names it, escaped, once however many polls find it missing.
#[test]
fn an_unknown_org_is_reported_and_the_known_ones_still_exported() {
    let setup = Setup::start(
        profile(&[("my-team", 1598, 500.0, Value::Null)]),
        &[
            "--min-interval",
            "1s",
            "--org",
            "no\npe",
            "--org",
            "my-team",
        ],
    );
    let text = setup.wait_for(Duration::from_secs(10), |t| {
        sample(t, r#"hamravesh_polls_total{outcome="success"}"#) >= Some(2.0)
    });
    assert_eq!(up(&text), Some(1.0), "{text}");
    assert_eq!(
        sample(
            &text,
            r#"hamravesh_organization_balance{organization="my-team",id="1598"}"#
        ),
        Some(500.0),
        "{text}"
    );
    // The label value is the name as given, its line feed escaped as the exposition requires.
    assert_eq!(
        sample(
            &text,
            r#"hamravesh_organization_unknown{organization="no\npe"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"hamravesh_polls_total{outcome="error"}"#),
        None,
        "{text}"
    );
    assert!(
        text.contains("# HELP hamravesh_organization_unknown "),
        "{text}"
    );
    let stderr = setup.stop();
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        warnings,
        [
            r#"warning: the account has no organization named "no\npe" (it has: "my-team"); exporting the others, with hamravesh_organization_unknown 1 for it"#
        ],
        "{stderr}"
    );
}

#[test]
fn negotiates_the_format_and_serves_healthz_and_an_index() {
    let setup = Setup::start(
        profile(&[("my-team", 1598, 500.0, Value::Null)]),
        &["--min-interval", "60s"],
    );
    setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(1.0));
    let (head, body) = setup.get_with(
        "/metrics",
        "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n",
    );
    assert!(head.contains("application/openmetrics-text"), "{head}");
    assert!(body.ends_with("# EOF\n"), "{body}");
    assert!(body.contains("# TYPE hamravesh_polls counter\n"), "{body}");
    let (head, body) = setup.get_with("/metrics", "");
    assert!(head.contains("text/plain; version=0.0.4"), "{head}");
    assert!(!body.contains("# EOF"), "{body}");
    assert!(
        body.contains("# TYPE hamravesh_polls_total counter\n"),
        "{body}"
    );
    let (head, body) = setup.get_with("/healthz", "");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, "ok\n");
    let (head, body) = setup.get_with("/", "");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("href=\"/metrics\""), "{body}");
}

#[test]
fn promtool_finds_nothing_in_a_real_scrape() {
    let Ok(mut promtool) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        println!("note: promtool is not installed; skipping `promtool check metrics`");
        return;
    };
    let setup = Setup::start(
        profile(&[
            (HOSTILE_NAME, 7, -12.5, json!(100)),
            ("my-team", 1598, 500.0, Value::Null),
        ]),
        &["--min-interval", "60s"],
    );
    let text = setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(1.0));
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = promtool.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool: {:?} {} {}\n{text}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_stop_it_cleanly() {
    for signal in ["-TERM", "-INT"] {
        let mut setup = Setup::start(
            profile(&[("my-team", 1598, 500.0, Value::Null)]),
            &["--min-interval", "60s"],
        );
        setup.wait_for(Duration::from_secs(10), |t| up(t) == Some(1.0));
        let pid = setup.exporter.id().to_string();
        let sent = Instant::now();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = loop {
            if let Some(status) = setup.exporter.try_wait().unwrap() {
                break status;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(10),
                "{signal} did not stop it"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(0), "{signal}");
        println!("{signal}: stopped in {:?}", sent.elapsed());
    }
}

#[test]
fn usage_errors_exit_2() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = busy.local_addr().unwrap().to_string();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--min-interval", "0.5s"],
            "--min-interval must be at least 1s",
        ),
        (&["--min-interval", "soon"], "--min-interval:"),
        (&["--listen", &busy], "cannot listen on"),
        (&["--org", " "], "--org must name an organization"),
    ];
    for (args, message) in cases {
        let out = Command::new(BIN)
            .env_clear()
            .env("HAMRAVESH_API_KEY", KEY)
            .args(["exporter", "--base-url", "http://127.0.0.1:9"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let no_key = Command::new(BIN)
        .env_clear()
        .args(["exporter", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(no_key.status.code(), Some(2));
}

#[test]
fn the_shipped_rules_and_config_pass_promtool() {
    let deploy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/prometheus");
    let checks: [&[&str]; 3] = [
        &["check", "config", "prometheus.yml"],
        &["check", "rules", "alerts.yml"],
        &["test", "rules", "alerts.test.yml"],
    ];
    for args in checks {
        let out = match Command::new("promtool")
            .args(args)
            .current_dir(&deploy)
            .output()
        {
            Ok(out) => out,
            Err(_) => {
                println!(
                    "note: promtool is not installed; skipping `promtool {}`",
                    args.join(" ")
                );
                return;
            }
        };
        assert!(
            out.status.success(),
            "promtool {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
