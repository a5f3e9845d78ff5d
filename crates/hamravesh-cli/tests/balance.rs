//! `hamravesh balance` against the mock: the figures printed, the thresholds and the exit codes
//! of the monitoring-plugin convention (0 ok, 1 breach, 2 usage, 3 could not check), Persian and
//! hostile names, and the key in no output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::process::{Command, Stdio};

use hamravesh_mock::{Fault, MockBuilder, MockServer};
use hamravesh_test_support::{Run, run};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_hamravesh");

/// A key that must never be printed.
const KEY: &str = "hk_balance_SECRET_7f3a";

/// One organization of a fixture: name, id, balance, seconds_to_negative_balance, restricted.
struct Org(&'static str, i64, f64, Value, bool);

/// The docs' profile with these organizations in place of its one.
fn profile(orgs: &[Org]) -> String {
    let mut profile: Value = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    let template = profile["organizations"][0].clone();
    let list: Vec<Value> = orgs
        .iter()
        .map(|Org(name, id, balance, runway, restricted)| {
            let mut org = template.clone();
            org["name"] = json!(name);
            org["id"] = json!(id);
            org["balance"] = json!(balance);
            org["budget"] = json!(1000);
            org["charged_budget"] = json!(250.5);
            org["virtual_budget"] = json!(20);
            org["total_residual_debt"] = json!(3);
            org["residual_debt_percentage"] = json!(12.5);
            org["seconds_to_negative_balance"] = runway.clone();
            org["is_restricted"] = json!(restricted);
            org
        })
        .collect();
    profile["organizations"] = Value::Array(list);
    profile.to_string()
}

/// A mock and the runtime serving it.
struct Mock {
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Mock {
    fn with(builder: MockBuilder) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(builder.api_key(KEY).start()).unwrap();
        Self {
            server,
            _runtime: runtime,
        }
    }

    fn serving(orgs: &[Org]) -> Self {
        Self::with(MockServer::builder().profile_json(profile(orgs)))
    }

    /// `hamravesh balance ARGS` against this mock, checked for the key in its output.
    fn balance(&self, args: &[&str]) -> Run {
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .stdin(Stdio::null())
            .arg("balance")
            .args(args)
            .args(["--base-url", &self.server.url(), "--retries", "0"])
            .env("HAMRAVESH_API_KEY", KEY);
        let out = run(&mut command);
        assert!(
            !out.stdout.contains(KEY) && !out.stderr.contains(KEY),
            "the key was printed: {out:?}"
        );
        out
    }
}

#[test]
fn thresholds_decide_the_exit_code_and_the_line_says_why() {
    struct Case {
        name: &'static str,
        orgs: Vec<Org>,
        args: &'static [&'static str],
        code: i32,
        stdout: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "within the balance threshold",
            orgs: vec![Org("my-team", 1, 500.0, Value::Null, false)],
            args: &["--min-balance", "100"],
            code: 0,
            stdout: &[
                "my-team  balance 500  budget 1000  charged 250.5  virtual 20  debt 3  runway —  restricted no  OK\n",
            ],
        },
        Case {
            name: "no thresholds: figures only",
            orgs: vec![Org("my-team", 1, -40.0, json!(90_000), true)],
            args: &[],
            code: 0,
            stdout: &["balance -40", "runway 1d 1h", "restricted yes  OK"],
        },
        Case {
            name: "balance below",
            orgs: vec![Org("my-team", 1, 50.0, Value::Null, false)],
            args: &["--min-balance", "100"],
            code: 1,
            stdout: &["BREACH: balance 50 is below 100"],
        },
        Case {
            name: "a negative threshold",
            orgs: vec![Org("my-team", 1, -50.0, Value::Null, false)],
            args: &["--min-balance", "-100"],
            code: 0,
            stdout: &["OK"],
        },
        Case {
            name: "runway shorter",
            orgs: vec![Org("my-team", 1, 500.0, json!(86_400), false)],
            args: &["--min-runway", "3d"],
            code: 1,
            stdout: &["runway 1d", "BREACH: runway 1d is shorter than 3d"],
        },
        Case {
            name: "runway long enough",
            orgs: vec![Org("my-team", 1, 500.0, json!(400_000.5), false)],
            args: &["--min-runway", "3d"],
            code: 0,
            stdout: &["runway 4d 15h", "OK"],
        },
        Case {
            name: "a null runway is no breach",
            orgs: vec![Org("my-team", 1, 500.0, Value::Null, false)],
            args: &["--min-runway", "3d"],
            code: 0,
            stdout: &["runway —", "OK"],
        },
        Case {
            name: "both breached",
            orgs: vec![Org("my-team", 1, 5.0, json!(60), false)],
            args: &["--min-balance", "10", "--min-runway", "1h"],
            code: 1,
            stdout: &["BREACH: balance 5 is below 10; runway 1m is shorter than 1h"],
        },
        Case {
            name: "a runway that is not a number cannot be checked",
            orgs: vec![Org("my-team", 1, 500.0, json!("soon"), false)],
            args: &["--min-runway", "3d"],
            code: 3,
            stdout: &[
                "runway ?",
                "UNKNOWN: seconds_to_negative_balance is not a number",
            ],
        },
        Case {
            name: "a runway that is not a number is fine without --min-runway",
            orgs: vec![Org("my-team", 1, 500.0, json!({"eta": 5}), false)],
            args: &["--min-balance", "1"],
            code: 0,
            stdout: &["runway ?", "OK"],
        },
        Case {
            name: "one of two breaches: exit 1, each line its verdict",
            orgs: vec![
                Org("rich", 1, 500.0, Value::Null, false),
                Org("poor", 2, 5.0, Value::Null, false),
            ],
            args: &["--min-balance", "10"],
            code: 1,
            stdout: &["rich  balance 500", "OK\npoor  balance 5", "BREACH"],
        },
        Case {
            name: "--org selects",
            orgs: vec![
                Org("rich", 1, 500.0, Value::Null, false),
                Org("poor", 2, 5.0, Value::Null, false),
            ],
            args: &["--min-balance", "10", "--org", "rich"],
            code: 0,
            stdout: &["rich  balance 500"],
        },
        Case {
            name: "Persian names are printed as they are",
            orgs: vec![Org("تیم-همروش", 7, 500.0, Value::Null, false)],
            args: &["--min-balance", "10", "--org", "تیم-همروش"],
            code: 0,
            stdout: &["تیم-همروش  balance 500"],
        },
        Case {
            name: "an account with no organization has nothing checked: unknown, never OK",
            orgs: vec![],
            args: &["--min-balance", "10"],
            code: 3,
            stdout: &["the account has no organization, so there is no balance to check\n"],
        },
        Case {
            name: "the same as JSON",
            orgs: vec![],
            args: &["--min-balance", "10", "--json"],
            code: 3,
            stdout: &["\"verdict\": \"unknown\"", "\"organizations\": []"],
        },
        Case {
            name: "control characters in a JSON name are escaped, the value the same",
            orgs: vec![Org("evil\u{9b}2J\u{202e}x", 7, 500.0, Value::Null, false)],
            args: &["--json"],
            code: 0,
            stdout: &[r#""name": "evil\u009b2J\u202ex""#],
        },
        Case {
            name: "control characters in a name are escaped",
            orgs: vec![Org("evil\u{1b}[2J\u{202e}x", 7, 500.0, Value::Null, false)],
            args: &[],
            code: 0,
            stdout: &["evil\\u{1b}[2J\\u{202e}x  balance 500"],
        },
    ];
    for case in cases {
        let mock = Mock::serving(&case.orgs);
        let out = mock.balance(case.args);
        assert_eq!(out.code, Some(case.code), "{}: {out:?}", case.name);
        for fragment in case.stdout {
            assert!(
                out.stdout.contains(fragment),
                "{}: {fragment:?} not in {out:?}",
                case.name
            );
        }
        for c in ['\u{1b}', '\u{202e}', '\u{9b}'] {
            assert!(
                !out.stdout.contains(c),
                "{}: raw control in {out:?}",
                case.name
            );
        }
        // One line per organization (the one line saying there is none); JSON is its own shape.
        if !case.args.contains(&"--json") {
            assert_eq!(
                out.stdout.lines().count(),
                if case.args.contains(&"--org") {
                    1
                } else {
                    case.orgs.len().max(1)
                },
                "{}: {out:?}",
                case.name
            );
        }
    }
}

#[test]
fn failures_to_check_are_exit_3_and_usage_errors_exit_2() {
    struct Case {
        name: &'static str,
        fault: Option<Fault>,
        args: &'static [&'static str],
        code: i32,
        stderr: &'static str,
    }
    let cases = [
        Case {
            name: "server error",
            fault: Some(Fault::status(500)),
            args: &[],
            code: 3,
            stderr: "error: cannot check the balance:",
        },
        Case {
            name: "unavailable, not retried with --retries 0",
            fault: Some(Fault::status(503)),
            args: &["--min-balance", "1"],
            code: 3,
            stderr: "cannot check the balance",
        },
        Case {
            name: "connection closed",
            fault: Some(Fault::Close),
            args: &[],
            code: 3,
            stderr: "cannot check the balance",
        },
        Case {
            name: "an answer that is not JSON",
            fault: Some(Fault::Malformed),
            args: &[],
            code: 3,
            stderr: "cannot check the balance",
        },
        Case {
            name: "an answer cut short",
            fault: Some(Fault::Truncated),
            args: &[],
            code: 3,
            stderr: "cannot check the balance",
        },
        Case {
            name: "unauthorized",
            fault: Some(Fault::status(401)),
            args: &[],
            code: 3,
            stderr: "cannot check the balance",
        },
        Case {
            name: "an unknown organization",
            fault: None,
            args: &["--org", "nope"],
            code: 2,
            stderr: "no organization named \"nope\" (it has: \"my-team\")",
        },
        Case {
            name: "a bad duration",
            fault: None,
            args: &["--min-runway", "3 parsecs"],
            code: 2,
            stderr: "--min-runway:",
        },
        Case {
            name: "a balance that is not a number",
            fault: None,
            args: &["--min-balance", "lots"],
            code: 2,
            stderr: "invalid value 'lots'",
        },
        Case {
            name: "an infinite balance",
            fault: None,
            args: &["--min-balance", "inf"],
            code: 2,
            stderr: "--min-balance must be a finite number",
        },
    ];
    for case in cases {
        let mock = Mock::serving(&[Org("my-team", 1, 500.0, Value::Null, false)]);
        if let Some(fault) = case.fault {
            mock.server.push_fault(fault, 1);
        }
        let out = mock.balance(case.args);
        assert_eq!(out.code, Some(case.code), "{}: {out:?}", case.name);
        assert!(out.stderr.contains(case.stderr), "{}: {out:?}", case.name);
        assert!(out.stdout.is_empty(), "{}: {out:?}", case.name);
    }
}

#[test]
fn no_key_is_a_usage_error_and_an_unreachable_api_cannot_be_checked() {
    let no_key =
        run(Command::new(BIN)
            .env_clear()
            .args(["balance", "--base-url", "http://127.0.0.1:9"]));
    assert_eq!(no_key.code, Some(2), "{no_key:?}");
    assert!(no_key.stderr.contains("HAMRAVESH_API_KEY"), "{no_key:?}");

    // A port that was just free: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let refused = run(Command::new(BIN)
        .env_clear()
        .env("HAMRAVESH_API_KEY", KEY)
        .args(["balance", "--retries", "0", "--base-url", &url]));
    assert_eq!(refused.code, Some(3), "{refused:?}");
    assert!(!refused.stderr.contains(KEY), "{refused:?}");
}

#[test]
fn json_prints_the_exact_figures_and_verdicts() {
    let mock = Mock::serving(&[
        Org("تیم \"quoted\"", 1, 500.0, Value::Null, false),
        Org("poor", 2, 5.0, json!(3600), true),
    ]);
    let out = mock.balance(&["--json", "--min-balance", "10", "--min-runway", "2h"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    let document: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(document["verdict"], "breach");
    assert_eq!(document["min_balance"], 10.0);
    assert_eq!(document["min_runway_seconds"], 7200.0);
    let orgs = document["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0]["name"], "تیم \"quoted\"");
    assert_eq!(orgs[0]["verdict"], "ok");
    assert_eq!(orgs[0]["seconds_to_negative_balance"], Value::Null);
    assert_eq!(orgs[1]["verdict"], "breach");
    assert_eq!(orgs[1]["balance"], 5.0);
    assert_eq!(orgs[1]["charged_budget"], 250.5);
    assert_eq!(orgs[1]["residual_debt_percentage"], 12.5);
    assert_eq!(orgs[1]["seconds_to_negative_balance"], 3600);
    assert_eq!(orgs[1]["is_restricted"], true);
    assert_eq!(
        orgs[1]["breaches"],
        json!(["balance 5 is below 10", "runway 1h is shorter than 2h"])
    );
}

#[test]
fn help_documents_the_exit_codes_and_the_missing_currency() {
    let out = run(Command::new(BIN).args(["balance", "--help"]));
    assert_eq!(out.code, Some(0), "{out:?}");
    for fragment in [
        "0  every selected organization is within the thresholds",
        "1  a threshold is breached",
        "2  usage or configuration error",
        "3  the check could not be made",
        "no currency",
    ] {
        assert!(
            out.stdout.contains(fragment),
            "{fragment:?} not in {}",
            out.stdout
        );
    }
}

#[test]
fn hamravesh_proxy_is_honoured_and_its_password_never_printed() {
    let mock = Mock::serving(&[Org("my-team", 1, 500.0, Value::Null, false)]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let cases = [
        // A proxy on this machine that refuses connections: the API cannot be reached.
        (
            format!("socks5h://user:pr0xyPASS@127.0.0.1:{port}"),
            3,
            "cannot check the balance",
        ),
        // Plain HTTP to the mock through a proxy elsewhere: the key would cross it in clear.
        (
            "socks5://user:pr0xyPASS@10.1.2.3:1080".to_owned(),
            2,
            "refusing to send the API key over plain HTTP",
        ),
    ];
    // The same proxy given by the variable or by --proxy (which every API command takes).
    for ((proxy, code, message), by_flag) in cases
        .iter()
        .flat_map(|case| [(case.clone(), false), (case.clone(), true)])
    {
        let (proxy, code, message) = (proxy.as_str(), code, message);
        let mut command = Command::new(BIN);
        command.env_clear().env("HAMRAVESH_API_KEY", KEY).args([
            "balance",
            "--retries",
            "0",
            "--base-url",
            &mock.server.url(),
        ]);
        if by_flag {
            command.args(["--proxy", proxy]);
        } else {
            command.env("HAMRAVESH_PROXY", proxy);
        }
        let out = run(&mut command);
        assert_eq!(out.code, Some(code), "{proxy}: {out:?}");
        assert!(out.stderr.contains(message), "{proxy}: {out:?}");
        assert!(
            !out.stderr.contains("pr0xyPASS") && !out.stderr.contains(KEY),
            "{out:?}"
        );
        assert_eq!(
            mock.server.request_count(),
            0,
            "{proxy}: went around the proxy"
        );
    }
}
