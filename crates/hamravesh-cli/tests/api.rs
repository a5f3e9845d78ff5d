//! `hamravesh api`, the real binary against the mock (and, for what the mock will not send, a
//! raw TCP server): printing, the exit codes, paths refused without a request, `-d` from the
//! argument, a file and stdin, each method's retry rule, `--paginate`, `--validate` (valid,
//! wrong-typed, extra fields) and hostile answers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

mod common;
use common::{BIN, Mock, hamravesh};

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hamravesh_mock::{Fault, MockServer};
use hamravesh_test_support::{Run, run};
use hamravesh_types::operations::{
    CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE, LIST_NOTIFICATIONS,
};
use serde_json::{Value, json};

const ORG: &str = "my-team";
const PROFILE: &str = GET_PROFILE.path;
const NAMESPACES: &str = CREATE_NAMESPACE.path;
/// Characters that must never reach a terminal from a server.
const RAW_CONTROLS: [char; 5] = ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}', '\r'];

/// `hamravesh api ARGS --base-url URL` with the mock's key.
fn api(mock: &Mock, args: &[&str]) -> Command {
    let mut all = vec!["api"];
    all.extend_from_slice(args);
    mock.command(&all)
}

/// Runs `hamravesh api ARGS` against the mock.
fn run_api(mock: &Mock, args: &[&str]) -> Run {
    run(&mut api(mock, args))
}

/// The notification feed's path with this query.
fn feed(query: &str) -> String {
    format!("{}?{query}", LIST_NOTIFICATIONS.path)
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

// ---- printing and exit codes ----

#[test]
fn a_documented_path_prints_its_json_pretty_in_the_order_sent() {
    let mock = Mock::start();
    let out = run_api(&mock, &["GET", PROFILE]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let fixture: Value = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    assert_eq!(json_of(&out), fixture);
    // Keys in the order the service sent them, indented.
    assert!(
        out.stdout.starts_with("{\n  \"first_name\": null,\n"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);

    // --raw: the exact bytes. --include: the status line and headers first.
    let raw = run_api(&mock, &["get", PROFILE, "--raw"]);
    assert_eq!(raw.stdout, hamravesh_mock::DEFAULT_PROFILE);
    let head = run_api(&mock, &["GET", PROFILE, "--include"]);
    let (head, body) = head.stdout.split_once("\n\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK\n"), "{head}");
    assert!(head.contains("\ncontent-type: application/json"), "{head}");
    assert_eq!(serde_json::from_str::<Value>(body).unwrap(), fixture);
}

#[test]
fn an_error_status_prints_its_body_and_exits_1() {
    let mock = Mock::start();
    let out = run_api(&mock, &["GET", "/api/v1/darkube/apps/"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(json_of(&out)["code"], "not_found");
    assert!(
        out.stderr
            .starts_with("error: the API answered 404 Not Found"),
        "{}",
        out.stderr
    );
    // A 403 for a documented organization-scoped operation says what to check.
    let out = run_api(
        &mock,
        &["GET", LIST_NOTIFICATIONS.path, "--org", "other-team"],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("other-team"), "{}", out.stderr);
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    let mock = Mock::start();
    let missing = tempfile::tempdir().unwrap().path().join("missing.json");
    let missing = format!("@{}", missing.display());
    let cases: [(&[&str], &str); 11] = [
        (&["FETCH", PROFILE], "unknown method \"FETCH\""),
        (&["TRACE", PROFILE], "unknown method"),
        (&["G\u{1b}ET", PROFILE], "unknown method \"G\\u{1b}ET\""),
        (
            &["POST", NAMESPACES, "-d", "{not json"],
            "not one JSON document",
        ),
        (&["POST", NAMESPACES, "-d", ""], "not one JSON document"),
        (
            &["POST", NAMESPACES, "-d", r#"{"a":1,"a":2}"#],
            "not one JSON document",
        ),
        (&["POST", NAMESPACES, "-d", &missing], "cannot read -d @"),
        (&["GET", PROFILE, "-d", "{}"], "a GET does not carry"),
        (&["POST", PROFILE, "--paginate"], "--paginate follows pages"),
        (
            &["GET", PROFILE, "--org", "a\r\nx-evil: 1"],
            "invalid organization name",
        ),
        (
            &["GET", PROFILE, "--org", " "],
            "--org must name an organization",
        ),
    ];
    for (args, message) in cases {
        let out = run_api(&mock, args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains('\u{1b}'), "{args:?}");
    }
    assert_eq!(mock.server.request_count(), 0);
    assert_eq!(mock.server.connection_count(), 0);
}

/// Paths that are not under the base URL: refused (exit 2) with the server seeing nothing.
#[test]
fn absolute_and_hostile_paths_are_refused_without_a_request() {
    let mock = Mock::start();
    let huge = format!("/{}", "a".repeat(100 * 1024));
    let paths = [
        "http://evil.example/api/v1/users/profile",
        "https://user:hk_secret@evil.example/",
        "//evil.example/api/v1/users/profile",
        "/\\evil.example",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "@evil.example",
        "/@evil.example",
        "/api/v1/users/profile\r\nx-evil: 1",
        "/api/v1/users/profile\nHost: evil.example",
        "/api/v1/../../admin",
        "/api/v1/users/profile#x",
        "-x",
        // It fills in the delete's template: its organization would be read from the profile.
        "/api/v1/darkube/namespaces/@1/",
        &huge,
    ];
    for path in paths {
        for method in ["GET", "POST", "DELETE"] {
            let out = run_api(&mock, &[method, path]);
            let row = format!("{method} {:?}", path.chars().take(50).collect::<String>());
            assert_eq!(out.code, Some(2), "{row}: {}", out.stderr);
            assert!(
                out.stderr.starts_with("error: invalid request path"),
                "{row}: {}",
                out.stderr
            );
            assert!(out.stderr.lines().count() == 1, "{row}: {}", out.stderr);
            assert!(out.stderr.len() < 1500, "{row}");
            assert!(!out.stderr.contains("hk_secret"), "{row}: {}", out.stderr);
            assert!(!out.stderr.contains('\r'), "{row}");
            assert!(out.stdout.is_empty(), "{row}");
        }
    }
    assert_eq!(mock.server.request_count(), 0);
    assert_eq!(mock.server.connection_count(), 0);
}

// ---- -d ----

#[test]
fn data_comes_from_the_argument_a_file_or_stdin() {
    let mock = Mock::start();
    let body = |name: &str| json!({"name": name, "cluster_id": 53}).to_string();
    // The argument.
    let out = run_api(
        &mock,
        &["POST", NAMESPACES, "--org", ORG, "-d", &body("my-team-arg")],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(json_of(&out)["name"], "my-team-arg");
    // A file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, body("my-team-file")).unwrap();
    let at_file = format!("@{}", file.display());
    let out = run_api(&mock, &["post", NAMESPACES, "--org", ORG, "-d", &at_file]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(json_of(&out)["name"], "my-team-file");
    // Stdin.
    let out = with_stdin(
        api(&mock, &["POST", NAMESPACES, "-d", "@-"]),
        body("my-team-stdin").as_bytes(),
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(json_of(&out)["name"], "my-team-stdin");
    let names: Vec<String> = mock
        .server
        .namespaces(ORG)
        .into_iter()
        .map(|n| n.name)
        .collect();
    assert_eq!(names, ["my-team-arg", "my-team-file", "my-team-stdin"]);

    // A refused body: the service's field errors printed, exit 1.
    let out = run_api(&mock, &["POST", NAMESPACES, "-d", r#"{"name": "x"}"#]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(json_of(&out)["cluster_id"].is_array(), "{}", out.stdout);

    // Stdin over the cap: refused without holding it or sending anything.
    let before = mock.server.request_count();
    let out = with_stdin(
        api(&mock, &["POST", NAMESPACES, "-d", "@-"]),
        &vec![b' '; 9 * 1024 * 1024],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("larger than"), "{}", out.stderr);
    assert_eq!(mock.server.request_count(), before);
    assert_eq!(mock.server.request_count_on(&CREATE_NAMESPACE), 4);
}

/// Runs `command` with `input` on its stdin (a reader that stops early is fine).
fn with_stdin(mut command: Command, input: &[u8]) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run::from(output)
}

// ---- retries ----

#[test]
fn a_post_that_timed_out_is_sent_once_a_get_that_got_503_is_retried() {
    let mock = Mock::start();
    mock.server
        .push_fault(Fault::Delay(Duration::from_secs(3)), 1);
    let out = run_api(
        &mock,
        &[
            "POST",
            NAMESPACES,
            "--org",
            ORG,
            "-d",
            r#"{"name": "my-team-slow", "cluster_id": 53}"#,
            "--timeout",
            "0.5",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("may have been carried out"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.server.request_count_on(&CREATE_NAMESPACE), 1);

    mock.server.push_fault(Fault::status(503), 2);
    let out = run_api(&mock, &["GET", PROFILE]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(mock.server.request_count_on(&GET_PROFILE), 3);

    // A PATCH that got 503 is not sent again: the answer is the 503.
    let before = mock.server.request_count();
    mock.server.push_fault(Fault::status(503), 1);
    let out = run_api(&mock, &["PATCH", PROFILE, "-d", "{}"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("503"), "{}", out.stderr);
    assert_eq!(mock.server.request_count() - before, 1);
}

/// A DELETE whose first attempt timed out (but deleted it) is retried and gets 404: the 404 is
/// printed and exits 1 as any error status does, and a note says the earlier attempt may have
/// done it (the client knew, and the answer alone said "not found").
#[test]
fn a_404_after_a_delete_that_timed_out_says_the_first_attempt_may_have_done_it() {
    let mock = Mock::start();
    let out = run_api(
        &mock,
        &[
            "POST",
            NAMESPACES,
            "--org",
            ORG,
            "-d",
            r#"{"name": "my-team-slow", "cluster_id": 53}"#,
        ],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let id = json_of(&out)["id"].as_i64().unwrap();
    let path = DELETE_NAMESPACE
        .path_with(&[(DELETE_NAMESPACE.path_parameters[0].name, &id.to_string())])
        .unwrap();
    // The first attempt deletes it after the client gave up; the retry then finds nothing.
    mock.server.push_fault_on(
        &DELETE_NAMESPACE,
        Fault::Delay(Duration::from_millis(1500)),
        1,
    );
    mock.server.push_fault_on(
        &DELETE_NAMESPACE,
        Fault::Delay(Duration::from_millis(800)),
        1,
    );
    let out = run_api(&mock, &["DELETE", &path, "--org", ORG, "--timeout", "1"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    // Two attempts, or three on a machine slow enough to time the second out too.
    assert!(mock.server.request_count_on(&DELETE_NAMESPACE) >= 2);
    assert_eq!(mock.server.namespace_count(), 0);
    assert!(
        out.stderr.contains(
            "note: an earlier attempt of this DELETE timed out or failed after it was sent"
        ),
        "{}",
        out.stderr
    );
    // A plain 404 says nothing of the kind.
    let out = run_api(&mock, &["DELETE", &path, "--org", ORG]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(!out.stderr.contains("earlier attempt"), "{}", out.stderr);
}

#[test]
fn a_patch_refused_at_connect_is_retried() {
    let mock = Mock::start();
    mock.runtime.block_on(
        mock.server
            .refuse_connections_for(Duration::from_millis(400)),
    );
    let out = run_api(&mock, &["PATCH", PROFILE, "-d", "{}", "--retries", "40"]);
    // It reached the mock once, which answers 405 (the profile is read-only).
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("405"), "{}", out.stderr);
    assert_eq!(mock.server.request_count(), 1);
}

// ---- --paginate ----

#[test]
fn paginate_follows_every_page_into_one_array() {
    let mock = Mock::start();
    let out = run_api(
        &mock,
        &["GET", &feed("limit=5"), "--org", ORG, "--paginate"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let fixture: Value = serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap();
    assert_eq!(json_of(&out), fixture);
    assert_eq!(mock.server.request_count_on(&LIST_NOTIFICATIONS), 8);
    // The organization of a documented scoped operation is picked as other commands pick it.
    let out = run_api(&mock, &["GET", &feed("limit=20"), "--paginate"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(json_of(&out), fixture);
    // A foreign next link ends it (exit 1) without following it.
    let page = json!({"count": 9, "next": "https://evil.example/api/v1/x/?offset=1", "previous": null, "results": [1]});
    mock.server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: page.to_string().into_bytes(),
        },
        1,
    );
    let out = run_api(&mock, &["GET", "/api/v1/darkube/apps/", "--paginate"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("another origin"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

// ---- --validate ----

#[test]
fn validate_accepts_a_valid_answer() {
    let mock = Mock::start();
    let out = run_api(&mock, &["GET", PROFILE, "--validate"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "valid: the answer matches schema/profile.json (get_profile)\n"
    );
    assert_eq!(json_of(&out)["organizations"][0]["name"], ORG);
    // The page of a scoped operation, its organization picked from the profile.
    let out = run_api(&mock, &["GET", &feed("limit=3"), "--validate"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("valid: the answer matches schema/notifications.json"),
        "{}",
        out.stderr
    );
    // Not documented: said, and printed.
    mock.server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: b"[1, 2]".to_vec(),
        },
        1,
    );
    let out = run_api(&mock, &["GET", "/api/v1/darkube/apps/", "--validate"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("is not a documented operation"),
        "{}",
        out.stderr
    );
    assert_eq!(json_of(&out), json!([1, 2]));
}

#[test]
fn validate_fails_a_wrong_typed_answer_with_its_pointers() {
    let mock = Mock::start();
    let mut profile: Value = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["email"] = json!(42);
    profile["organizations"][0]["owner"]["email"] = json!("\u{1b}[2J");
    profile["organizations"][0]["id"] = json!("1598");
    mock.server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: profile.to_string().into_bytes(),
        },
        1,
    );
    let out = run_api(&mock, &["GET", PROFILE, "--validate"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("invalid: /email: 42 is not of type \"string\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("invalid: /organizations/0/id: "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("error: the answer does not match schema/profile.json (2 errors"),
        "{}",
        out.stderr
    );
    // The body is still printed, and escapes are escaped.
    assert_eq!(json_of(&out)["email"], 42);
    assert!(!out.stdout.contains('\u{1b}'));

    // Not JSON at all.
    mock.server.push_fault(Fault::Malformed, 1);
    let out = run_api(&mock, &["GET", PROFILE, "--validate"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("invalid: /: not JSON"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_lists_fields_the_schema_does_not_declare_and_still_exits_0() {
    let mut profile: Value = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    for organization in profile["organizations"].as_array_mut().unwrap() {
        organization["has_gpu"] = json!(true);
    }
    profile["theme"] = json!("dark");
    let mock = Mock::with(MockServer::builder().profile_json(profile.to_string()));
    let out = run_api(&mock, &["GET", PROFILE, "--validate"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("undeclared: organizations[].has_gpu: boolean, not in schema/profile.json\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("undeclared: theme: string, not in schema/profile.json\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with("valid: the answer matches schema/profile.json (get_profile); 2 fields it does not declare (listed above)\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_with_paginate_checks_every_page() {
    let mock = Mock::start();
    let out = run_api(
        &mock,
        &["GET", &feed("limit=10"), "--paginate", "--validate"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "valid: every page read (4) matches schema/notifications.json (list_notifications)\n"
    );
    assert_eq!(json_of(&out).as_array().unwrap().len(), 37);

    // A walk that stops (here on its first page: no trailing slash, 404) gives no verdict.
    let out = run_api(
        &mock,
        &[
            "GET",
            "/api/v1/notifications/all_list?limit=10",
            "--org",
            ORG,
            "--paginate",
            "--validate",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(!out.stderr.contains("valid: every page"), "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("not validated: the walk stopped before a page was read\nerror: "),
        "{}",
        out.stderr
    );

    // A walk that stops after a page: what was read is said, without a verdict.
    let first_page = json!({
        "count": 37,
        "next": format!("{}/api/v1/notifications/all_list?offset=1", mock.server.url()),
        "previous": null,
        "results": [serde_json::from_str::<Vec<Value>>(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap()[0]],
    });
    mock.server.push_fault_on(
        &LIST_NOTIFICATIONS,
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: first_page.to_string().into_bytes(),
        },
        1,
    );
    let out = run_api(
        &mock,
        &["GET", &feed("limit=1"), "--paginate", "--validate"],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("not validated to the end: the pages read before the walk stopped (1) match schema/notifications.json (list_notifications)\nerror: "),
        "{}",
        out.stderr
    );

    // A first page with a wrong-typed item carrying an undeclared field, then the real rest.
    let mut first: Value =
        serde_json::from_str::<Vec<Value>>(hamravesh_mock::DEFAULT_NOTIFICATIONS)
            .unwrap()
            .remove(0);
    first["slug"] = json!("x");
    first["has_gpu"] = json!(true);
    let page = json!({
        "count": 37,
        "next": format!("{}{}", mock.server.url(), feed("limit=36&offset=1")),
        "previous": null,
        "results": [first],
    });
    mock.server.push_fault_on(
        &LIST_NOTIFICATIONS,
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: page.to_string().into_bytes(),
        },
        1,
    );
    let out = run_api(
        &mock,
        &["GET", &feed("limit=1"), "--paginate", "--validate"],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(json_of(&out).as_array().unwrap().len(), 37);
    assert!(
        out.stderr
            .contains("undeclared: results[].has_gpu: boolean, not in schema/notifications.json\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("invalid: page 1: /results/0/slug: \"x\" is not of type \"integer\"\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with(
            "error: 1 of 2 pages do not match schema/notifications.json (errors listed above)\n"
        ),
        "{}",
        out.stderr
    );
}

/// How many errors were left out is worded the same with --paginate as for one answer: a count
/// the validator only bounds from below says "at least" (a page of 100,000 wrong items said
/// "… and 156 more errors").
#[test]
fn paginate_validate_words_a_lower_bound_as_one_answer_does() {
    let mock = Mock::start();
    let items = vec!["1"; 100_000].join(",");
    let body =
        format!(r#"{{"count": 100000, "next": null, "previous": null, "results": [{items}]}}"#);
    let omitted_line = |args: &[&str]| {
        mock.server.push_fault_on(
            &LIST_NOTIFICATIONS,
            Fault::Raw {
                status: 200,
                content_type: "application/json".into(),
                body: body.clone().into_bytes(),
            },
            1,
        );
        let out = run_api(&mock, args);
        assert_eq!(out.code, Some(1), "{}", out.stderr);
        out.stderr
            .lines()
            .find(|line| line.starts_with("invalid: …"))
            .unwrap_or_else(|| panic!("no omitted line: {}", out.stderr))
            .to_owned()
    };
    let single = omitted_line(&["GET", &feed("limit=1"), "--validate"]);
    let walked = omitted_line(&["GET", &feed("limit=1"), "--paginate", "--validate"]);
    assert!(single.contains("at least"), "{single}");
    assert_eq!(walked, single);
}

// ---- hostile answers ----

/// A raw HTTP server answering every request with `head` then `body` (or, with `endless`, a
/// body that never ends), counting requests. Returns its base URL.
fn raw_server(head: Vec<u8>, body: Vec<u8>, endless: bool) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let (head, body, seen) = (head.clone(), body.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536 {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(&head);
                if endless {
                    let chunk = [b'x'; 64 * 1024];
                    while stream.write_all(&chunk).is_ok() {}
                } else {
                    let _ = stream.write_all(&body);
                }
            });
        }
    });
    (url, count)
}

fn raw_command(url: &str, args: &[&str]) -> Command {
    let mut command = hamravesh();
    command
        .arg("api")
        .args(args)
        .args(["--base-url", url, "--retries", "0"])
        .env("HAMRAVESH_API_KEY", "k");
    command
}

#[test]
fn control_characters_and_bidi_in_headers_and_bodies_are_escaped() {
    let body =
        "title \u{1b}]0;owned\u{7}\u{1b}[2J \u{202e}txt.exe\r\nline two\u{9b}31m\n".as_bytes();
    let mut head =
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-title: a\xe2\x80\xaeb\xc2\x9b2J\r\n"
            .to_vec();
    head.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    let (url, _) = raw_server(head, body.to_vec(), false);
    let out = run(&mut raw_command(&url, &["GET", "/x", "--include"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for c in RAW_CONTROLS {
        assert!(!out.stdout.contains(c), "{c:?} in {:?}", out.stdout);
    }
    assert!(
        out.stdout.contains("x-title: a\\u{202e}b\\u{9b}2J\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with(
            "\n\ntitle \\u{1b}]0;owned\\u{7}\\u{1b}[2J \\u{202e}txt.exe\\r\nline two\\u{9b}31m\n"
        ),
        "{:?}",
        out.stdout
    );

    // JSON: the same characters inside strings become \u escapes (the same JSON value).
    let json = "{\"t\":\"\u{202e}gpj.exe\u{9b}\u{7f}\",\"e\":\"\\u001b[2J\"}";
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        json.len()
    );
    let (url, _) = raw_server(head.into_bytes(), json.as_bytes().to_vec(), false);
    let out = run(&mut raw_command(&url, &["GET", "/x"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for c in RAW_CONTROLS {
        assert!(!out.stdout.contains(c), "{c:?} in {:?}", out.stdout);
    }
    assert_eq!(json_of(&out), serde_json::from_str::<Value>(json).unwrap());
    // In the order sent.
    assert!(
        out.stdout.starts_with("{\n  \"t\": \"\\u202egpj.exe"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_endless_body_stops_at_the_cap() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n".to_vec();
    let (url, count) = raw_server(head, Vec::new(), true);
    let started = Instant::now();
    let out = run(&mut raw_command(&url, &["GET", "/x"]));
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("exceeds the limit"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_not_an_error() {
    let mock = Mock::start();
    for args in [
        &["GET", PROFILE][..],
        &["GET", PROFILE, "--raw", "--include"],
        &["GET", &feed("limit=5"), "--paginate"],
    ] {
        let output = api(&mock, args)
            .stdout(hamravesh_test_support::closed_pipe(BIN))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn the_mock_flag_runs_against_an_embedded_mock() {
    let out = run(hamravesh()
        .args(["api", "GET", &feed("limit=2"), "--mock", "--validate"])
        .env("HAMRAVESH_BASE_URL", "https://unused.example"));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(json_of(&out)["results"].as_array().unwrap().len(), 2);
}
