//! The real `hamravesh` binary running every organization-scoped operation (notifications,
//! namespaces create and delete) against the mock, the organization it picks, and `schema`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

mod common;
use common::{BIN, Mock, hamravesh};

use std::process::{Command, Stdio};

use hamravesh_mock::{Fault, MockServer};
use hamravesh_test_support::{Run, run};
use hamravesh_types::Document;
use hamravesh_types::namespaces::Namespace;
use hamravesh_types::notifications::Notification;
use hamravesh_types::operations::{
    CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE, LIST_NOTIFICATIONS,
};

/// Raw characters that must never reach a terminal from server text.
const RAW_CONTROLS: [char; 4] = ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'];

/// The default feed, as the SDK decodes it.
fn default_feed() -> Vec<Notification> {
    serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap()
}

/// The table's data rows (between the header and the line under it).
fn rows(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("TIME (UTC)"), "{text}");
    lines[1..lines.len() - 1].to_vec()
}

/// `--json` output of `notifications`: it parses, each item validates as a page's item and the
/// whole decodes, checked by wrapping it in a page of the schema.
fn parse_notifications(run: &Run) -> Vec<Notification> {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let items: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let count = items.as_array().unwrap().len();
    let page =
        serde_json::json!({"count": count, "next": null, "previous": null, "results": items});
    Document::NotificationPage
        .validator()
        .validate(&page)
        .unwrap();
    Document::NotificationPage
        .decodes(page.to_string().as_bytes())
        .unwrap();
    serde_json::from_value(items).unwrap()
}

// ---- notifications ----

#[test]
fn notifications_prints_one_page_newest_first() {
    let mock = Mock::start();
    let out = mock.run(&["notifications"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let feed = default_feed();
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 20, "{}", out.stdout);
    for (row, item) in rows.iter().zip(&feed) {
        assert!(
            row.starts_with(&item.timestamp.format("%Y-%m-%d %H:%M").to_string()),
            "{row}"
        );
        assert_eq!(row.contains("  *  "), item.unread, "{row}");
        assert!(row.ends_with(item.title.as_str()), "{row} / {}", item.title);
    }
    assert!(
        out.stdout
            .ends_with("Notifications 1-20 of 37; next page: --offset 20, or --all.\n"),
        "{}",
        out.stdout
    );
    assert_eq!(mock.server.request_count_on(&LIST_NOTIFICATIONS), 1);
}

#[test]
fn notifications_pages_by_limit_and_offset() {
    let mock = Mock::start();
    let feed = default_feed();
    let cases: [(&[&str], std::ops::Range<usize>); 4] = [
        (&["--limit", "5"], 0..5),
        (&["--limit", "5", "--offset", "35"], 35..37),
        (&["--offset", "30"], 30..37),
        (&["--offset", "99"], 37..37),
    ];
    for (flags, range) in cases {
        let mut args = vec!["notifications", "--json"];
        args.extend_from_slice(flags);
        let items = parse_notifications(&mock.run(&args));
        assert_eq!(items, feed[range], "{flags:?}");
    }
    let end = mock.run(&["notifications", "--offset", "99"]);
    assert_eq!(end.code, Some(0), "{}", end.stderr);
    assert_eq!(
        end.stdout,
        "No notifications.\nNothing at offset 99: the feed holds 37 notifications.\n"
    );
}

#[test]
fn notifications_all_walks_every_page_and_json_keeps_the_values() {
    let mock = Mock::start();
    // Pages of 10: four requests for 37 notifications.
    let items =
        parse_notifications(&mock.run(&["notifications", "--all", "--json", "--limit", "10"]));
    assert_eq!(items, default_feed());
    assert_eq!(mock.server.request_count_on(&LIST_NOTIFICATIONS), 4);
    // Strings are exact, and only timestamps are normalised to UTC.
    let printed: serde_json::Value =
        serde_json::from_str(&mock.run(&["notifications", "--all", "--json"]).stdout).unwrap();
    let fixture: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap();
    for (printed, fixture) in printed
        .as_array()
        .unwrap()
        .iter()
        .zip(fixture.as_array().unwrap())
    {
        for (key, value) in fixture.as_object().unwrap() {
            if key != "timestamp" {
                assert_eq!(&printed[key], value, "{key}");
            }
        }
    }

    let table = mock.run(&["notifications", "--all"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert_eq!(rows(&table.stdout).len(), 37);
    assert!(
        table.stdout.ends_with("\n37 notifications.\n"),
        "{}",
        table.stdout
    );
}

#[test]
fn notifications_unread_filters() {
    let mock = Mock::start();
    let feed = default_feed();
    let unread: Vec<Notification> = feed.iter().filter(|n| n.unread).cloned().collect();
    assert!(!unread.is_empty() && unread.len() < feed.len());
    let items = parse_notifications(&mock.run(&["notifications", "--all", "--unread", "--json"]));
    assert_eq!(items, unread);
    let page = mock.run(&["notifications", "--unread", "--limit", "10"]);
    assert_eq!(page.code, Some(0), "{}", page.stderr);
    let on_page = feed[..10].iter().filter(|n| n.unread).count();
    assert_eq!(rows(&page.stdout).len(), on_page);
    assert!(
        page.stdout.ends_with(&format!(
            "{on_page} unread among notifications 1-10 of 37; next page: --offset 10, or --all.\n"
        )),
        "{}",
        page.stdout
    );
}

#[test]
fn notifications_escape_a_hostile_title_and_json_stays_exact() {
    let hostile = serde_json::json!([{
        "unread": true, "public": true, "timestamp": "2024-03-18T09:30:12.483091Z",
        "title": "<b>\u{1b}]0;pwned\u{7}</b>عنوان\u{1b}[2J\u{202e}txt.exe\u{9b}31m\nline two",
        "slug": 1, "description": "<script>\u{1b}[2J</script>",
        "target_type": "general\u{1b}[5m",
    }]);
    let mock = Mock::with(MockServer::builder().notifications_json(hostile.to_string()));
    let table = mock.run(&["notifications"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    for raw in RAW_CONTROLS {
        assert!(
            !table.stdout.contains(raw),
            "raw {raw:?} in {:?}",
            table.stdout
        );
    }
    assert!(
        table.stdout.contains(
            r"general\u{1b}[5m  \u{1b}]0;pwned\u{7}عنوان\u{1b}[2J\u{202e}txt.exe\u{9b}31m line two"
        ),
        "{}",
        table.stdout
    );
    assert_eq!(table.stdout.lines().count(), 3, "{}", table.stdout);

    let json = mock.run(&["notifications", "--json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let printed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(printed, hostile);
    assert!(!json.stdout.contains('\u{1b}'), "{}", json.stdout);
}

#[test]
fn notifications_mock_flag_needs_no_account() {
    let out = run(hamravesh().args(["notifications", "--mock", "--all", "--json"]));
    assert_eq!(parse_notifications(&out), default_feed());
}

// ---- Which organization ----

/// The default profile with a second organization, `other-team`.
fn two_organizations() -> String {
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    let mut other = profile["organizations"][0].clone();
    other["id"] = 1599.into();
    other["name"] = "other-team".into();
    profile["organizations"].as_array_mut().unwrap().push(other);
    profile.to_string()
}

#[test]
fn the_organization_comes_from_the_flag_the_variable_or_the_only_one() {
    struct Case {
        name: &'static str,
        flag: Option<&'static str>,
        variable: Option<&'static str>,
        /// Whether the profile is read to find the organization.
        reads_profile: bool,
        sent: &'static str,
    }
    let cases = [
        Case {
            name: "flag",
            flag: Some("other-team"),
            variable: Some("my-team"),
            reads_profile: false,
            sent: "other-team",
        },
        Case {
            name: "variable",
            flag: None,
            variable: Some("other-team"),
            reads_profile: false,
            sent: "other-team",
        },
        Case {
            name: "only one",
            flag: None,
            variable: None,
            reads_profile: true,
            sent: "my-team",
        },
        Case {
            name: "blank variable",
            flag: None,
            variable: Some("  "),
            reads_profile: true,
            sent: "my-team",
        },
    ];
    for case in cases {
        // `other-team` exists only in the two-organization profile; "only one" needs one.
        let mock = if case.reads_profile {
            Mock::start()
        } else {
            Mock::with(MockServer::builder().profile_json(two_organizations()))
        };
        let mut command = mock.command(&["notifications", "--limit", "1"]);
        if let Some(flag) = case.flag {
            command.args(["--org", flag]);
        }
        if let Some(variable) = case.variable {
            command.env("HAMRAVESH_ORGANIZATION", variable);
        }
        let out = run(&mut command);
        assert_eq!(out.code, Some(0), "{}: {}", case.name, out.stderr);
        assert_eq!(
            mock.server.last_request_header("x-organization").as_deref(),
            Some(case.sent),
            "{}",
            case.name
        );
        assert_eq!(
            mock.server.request_count_on(&GET_PROFILE),
            usize::from(case.reads_profile),
            "{}",
            case.name
        );
    }
}

#[test]
fn several_organizations_and_none_chosen_is_exit_2_listing_them() {
    let mut profile: serde_json::Value = serde_json::from_str(&two_organizations()).unwrap();
    profile["organizations"][1]["name"] = "evil\u{1b}[2J\u{202e}team".into();
    let mock = Mock::with(MockServer::builder().profile_json(profile.to_string()));
    for args in [
        &["notifications"][..],
        &["namespaces", "create", "my-team-x", "--cluster", "53"],
        &["namespaces", "delete", "1001", "--yes"],
    ] {
        let out = mock.run(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains(r#"2 organizations ("my-team", "evil\u{1b}[2J\u{202e}team")"#),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("--org NAME or HAMRAVESH_ORGANIZATION"),
            "{}",
            out.stderr
        );
        for raw in RAW_CONTROLS {
            assert!(!out.stderr.contains(raw), "{:?}", out.stderr);
        }
    }
    // Only the profile was read: nothing was listed, created or deleted.
    assert_eq!(mock.server.request_count(), 3);
    assert_eq!(mock.server.request_count_on(&GET_PROFILE), 3);
}

#[test]
fn an_unknown_organization_is_the_apis_403_naming_it() {
    let mock = Mock::start();
    let out = mock.run(&["notifications", "--org", "nobody"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("403 Forbidden"), "{}", out.stderr);
    assert!(out.stderr.contains("\"nobody\""), "{}", out.stderr);
}

#[test]
fn bad_organization_values_are_usage_errors() {
    let mock = Mock::start();
    let blank = mock.run(&["notifications", "--org", " "]);
    assert_eq!(blank.code, Some(2), "{}", blank.stderr);
    assert!(blank.stderr.contains("--org"), "{}", blank.stderr);
    // Not a header value: refused by the client before anything is sent.
    let newline = mock.run(&["notifications", "--org", "my-team\r\nx-evil: 1"]);
    assert_eq!(newline.code, Some(2), "{}", newline.stderr);
    assert_eq!(newline.stderr.lines().count(), 1, "{}", newline.stderr);
    assert_eq!(mock.server.request_count(), 0);
}

/// A line break in `--org` is shown escaped (`\r\n`), not folded into a space that hides it;
/// `balance --org`, which only looks the name up, quotes it the same way.
#[test]
fn an_org_with_a_line_break_is_quoted_escaped() {
    let mock = Mock::start();
    for args in [
        &["notifications", "--org", "my-team\r\nx-evil: 1"][..],
        &[
            "namespaces",
            "delete",
            "7",
            "--yes",
            "--org",
            "my-team\r\nx-evil: 1",
        ],
        &[
            "api",
            "GET",
            "/api/v1/users/profile",
            "--org",
            "my-team\r\nx-evil: 1",
        ],
    ] {
        let out = mock.run(args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            "error: invalid organization name \"my-team\\r\\nx-evil: 1\" (from --org): an organization name holds only visible ASCII characters (no spaces, line breaks or other letters); pass the organization's `name` (its slug) as `hamravesh profile` lists it\n",
            "{args:?}"
        );
    }
    assert_eq!(mock.server.request_count(), 0);
    let balance = mock.run(&["balance", "--org", "my-team\r\nx"]);
    assert_eq!(balance.code, Some(2), "{}", balance.stderr);
    assert!(
        balance
            .stderr
            .contains(r#"no organization named "my-team\r\nx""#),
        "{}",
        balance.stderr
    );
}

/// `HAMRAVESH_ORGANIZATION` ignores surrounding blanks, as the client does for
/// `HAMRAVESH_BASE_URL`, `HAMRAVESH_PROXY` and `HAMRAVESH_API_KEY`; a value still refused is quoted
/// as given, so the cause shows.
#[test]
fn the_organization_variable_ignores_surrounding_blanks_and_is_quoted_as_given() {
    let mock = Mock::start();
    let out = run(mock
        .command(&["notifications", "--limit", "1"])
        .env("HAMRAVESH_ORGANIZATION", " my-team\n"));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        mock.server.last_request_header("x-organization").as_deref(),
        Some("my-team")
    );
    assert_eq!(mock.server.request_count_on(&GET_PROFILE), 0);
    let before = mock.server.request_count();
    let out = run(mock
        .command(&["notifications", "--limit", "1"])
        .env("HAMRAVESH_ORGANIZATION", " my\tteam "));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            r#"error: invalid organization name " my\tteam " (from HAMRAVESH_ORGANIZATION): "#
        ),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(mock.server.request_count(), before);
}

#[test]
fn the_mock_flag_ignores_the_organization_variable() {
    let out = run(hamravesh()
        .args(["notifications", "--mock", "--limit", "1"])
        .env("HAMRAVESH_ORGANIZATION", "a-real-organization"));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
}

// ---- namespaces ----

#[test]
fn create_then_delete_then_delete_again() {
    let mock = Mock::start();
    let created = mock.run(&[
        "namespaces",
        "create",
        "my-team-staging",
        "--cluster",
        "53",
        "--json",
    ]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    Document::Namespace
        .decodes(created.stdout.as_bytes())
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&created.stdout).unwrap();
    Document::Namespace.validator().validate(&value).unwrap();
    let namespace: Namespace = serde_json::from_value(value).unwrap();
    assert_eq!(namespace.name, "my-team-staging");
    assert_eq!(namespace.cluster.id, Some(53));
    assert_eq!(mock.server.namespaces("my-team"), vec![namespace.clone()]);
    assert_eq!(mock.server.request_count_on(&CREATE_NAMESPACE), 1);

    let id = namespace.id.to_string();
    let deleted = mock.run(&["namespaces", "delete", &id, "--yes"]);
    assert_eq!(deleted.code, Some(0), "{}", deleted.stderr);
    assert_eq!(
        deleted.stdout,
        format!("Deleted namespace {id} of organization \"my-team\".\n")
    );
    assert_eq!(mock.server.namespace_count(), 0);

    let again = mock.run(&["namespaces", "delete", &id, "--yes"]);
    assert_eq!(again.code, Some(1), "{}", again.stderr);
    assert!(
        again.stderr.contains(&format!(
            "there is no namespace {id} in organization \"my-team\""
        )),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("404 Not Found"), "{}", again.stderr);
    assert_eq!(mock.server.request_count_on(&DELETE_NAMESPACE), 2);
}

#[test]
fn create_prints_the_namespace_for_people() {
    let out = run(hamravesh().args([
        "namespaces",
        "create",
        "my-team-web",
        "--cluster",
        "53",
        "--mock",
    ]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "id       {}\nname     my-team-web\ncluster  hamravesh-c11 (id 53, IR)\n",
            hamravesh_mock::FIRST_NAMESPACE_ID
        )
    );
}

#[test]
fn delete_without_yes_on_a_pipe_is_refused_and_deletes_nothing() {
    let mock = Mock::start();
    let created = mock.run(&[
        "namespaces",
        "create",
        "my-team-keep",
        "--cluster",
        "53",
        "--json",
    ]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let namespace: Namespace = serde_json::from_str(&created.stdout).unwrap();
    let id = namespace.id.to_string();
    // stdin a pipe holding "y": still not a terminal, so still refused.
    let mut command = mock.command(&["namespaces", "delete", &id]);
    command.stdin(Stdio::piped());
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = child;
    {
        use std::io::Write;
        let _ = child.stdin.take().unwrap().write_all(b"y\n");
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pass --yes"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(mock.server.namespace_count(), 1);
    assert_eq!(mock.server.request_count_on(&DELETE_NAMESPACE), 0);
    // Refused before any request, the profile included: only the create's two were made.
    assert_eq!(mock.server.request_count(), 2);
}

#[test]
fn a_refused_create_lists_each_field_and_its_messages() {
    let mock = Mock::start();
    let out = mock.run(&["namespaces", "create", "my-team-x", "--cluster", "54"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "error: the API refused the request as invalid (400 Bad Request):"
    );
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(lines[1].starts_with("  cluster_id: "), "{}", out.stderr);
    assert!(lines[1].contains("54"), "{}", out.stderr);
    assert_eq!(mock.server.namespace_count(), 0);
}

/// The README describes errors as they are printed: one headline, and under a refused create
/// the refused fields on lines of their own (it once said every error was one line).
#[test]
fn the_readme_describes_a_refused_create_as_printed() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        !readme.contains("Every error is one line"),
        "the README says every error is one line"
    );
    let mock = Mock::start();
    let out = mock.run(&["namespaces", "create", "my-team-x", "--cluster", "54"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        lines.len() > 1 && lines[1].starts_with("  "),
        "{}",
        out.stderr
    );
    for promise in [
        "Every error is one headline of at most 1000 characters",
        "refused fields, one indented line each",
    ] {
        assert!(readme.contains(promise), "the README lacks {promise:?}");
    }
}

#[test]
fn a_blank_name_is_refused_before_any_request() {
    let mock = Mock::start();
    for name in ["", "  \t", "\u{3000}"] {
        let out = mock.run(&["namespaces", "create", name, "--cluster", "53"]);
        assert_eq!(out.code, Some(2), "{name:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.trim_end(),
            "error: the namespace name must not be blank (the service refuses it)",
            "{name:?}"
        );
    }
    assert_eq!(mock.server.request_count(), 0);
}

#[test]
fn field_errors_are_escaped_and_bounded() {
    let mock = Mock::start();
    let mut fields = serde_json::Map::new();
    // serde_json sorts the keys: `cluster_id` comes first, as the client keeps the body's order.
    fields.insert(
        "cluster_id".to_owned(),
        serde_json::json!(["\u{1b}]0;pwned\u{7}bad\u{202e}", "x\n".repeat(100_000)]),
    );
    for i in 0..100 {
        fields.insert(format!("field_{i:03}"), serde_json::json!(["نامعتبر"]));
    }
    mock.server.push_fault_on(
        &CREATE_NAMESPACE,
        Fault::Raw {
            status: 400,
            content_type: "application/json".to_owned(),
            body: serde_json::Value::Object(fields).to_string().into_bytes(),
        },
        1,
    );
    let out = mock.run(&["namespaces", "create", "my-team-x", "--cluster", "53"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    // The headline, 20 fields, and how many more.
    assert_eq!(lines.len(), 22, "{}", out.stderr);
    assert!(
        lines[1].starts_with(r"  cluster_id: \u{1b}]0;pwned\u{7}bad\u{202e}; x\nx\n"),
        "{}",
        lines[1]
    );
    assert!(lines[1].chars().count() <= 303, "{}", lines[1].len());
    assert_eq!(lines[2], "  field_000: نامعتبر");
    assert_eq!(lines[21], "  … and 81 more fields");
    for raw in RAW_CONTROLS {
        assert!(!out.stderr.contains(raw));
    }
    assert!(out.stderr.len() < 10_000, "{} bytes", out.stderr.len());
}

/// Runs `hamravesh ARGS` on a pseudo-terminal made by util-linux `script`, typing `input`.
/// `None` where `script` is missing.
#[cfg(target_os = "linux")]
fn on_a_terminal(mock: &Mock, args: &str, input: &str) -> Option<Run> {
    if Command::new("script").arg("--version").output().is_err() {
        return None;
    }
    let line = format!("{BIN} {args} --base-url {}", mock.server.url());
    let mut child = hamravesh_test_support::command("script")
        .args(["-qefc", &line, "/dev/null"])
        .env("HAMRAVESH_API_KEY", mock.server.api_key())
        .env_remove("HAMRAVESH_ORGANIZATION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    // Typed after a pause, once the prompt waits: a terminal discards nothing typed early, but
    // `script` may close the terminal when its own input ends.
    let typist = std::thread::spawn(move || {
        use std::io::Write;
        std::thread::sleep(std::time::Duration::from_millis(500));
        let _ = stdin.write_all(input.as_bytes());
        std::thread::sleep(std::time::Duration::from_millis(1500));
        drop(stdin);
    });
    let output = child.wait_with_output().unwrap();
    typist.join().unwrap();
    Some(Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[cfg(target_os = "linux")]
#[test]
fn delete_on_a_terminal_asks_first() {
    let mock = Mock::start();
    for _ in 0..2 {
        let created = mock.run(&[
            "namespaces",
            "create",
            "my-team-tty",
            "--cluster",
            "53",
            "--json",
        ]);
        assert_eq!(created.code, Some(0), "{}", created.stderr);
    }
    let first = hamravesh_mock::FIRST_NAMESPACE_ID;
    let Some(declined) = on_a_terminal(&mock, &format!("namespaces delete {first}"), "n\n") else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    // `script` merges the terminal's output into its stdout.
    assert_eq!(declined.code, Some(2), "{declined:?}");
    assert!(declined.stdout.contains("[y/N]"), "{declined:?}");
    assert!(declined.stdout.contains("was not deleted"), "{declined:?}");
    assert_eq!(mock.server.namespace_count(), 2);

    let confirmed = on_a_terminal(&mock, &format!("namespaces delete {first}"), "y\n").unwrap();
    assert_eq!(confirmed.code, Some(0), "{confirmed:?}");
    assert!(
        confirmed
            .stdout
            .contains(&format!("Deleted namespace {first}")),
        "{confirmed:?}"
    );
    assert_eq!(mock.server.namespace_count(), 1);
}

// ---- schema ----

#[test]
fn schema_prints_each_embedded_schema() {
    for kind in Document::ALL {
        let out = run(hamravesh().args(["schema", kind.name()]));
        assert_eq!(out.code, Some(0), "{kind}: {}", out.stderr);
        let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(schema, kind.schema(), "{kind}");
        // It compiles, and its kind's payloads from the corpus validate against it.
        let validator = hamravesh_types::Validator::new(&schema).unwrap();
        if let Some((folder, _)) = hamravesh_test_support::DOCUMENT_CORPORA
            .iter()
            .find(|(_, name)| *name == kind.name())
        {
            for payload in hamravesh_test_support::valid_in(folder) {
                let value: serde_json::Value = serde_json::from_slice(&payload.bytes).unwrap();
                assert!(validator.is_valid(&value), "{kind}: {}", payload.name);
            }
        }
    }
    let default = run(hamravesh().arg("schema"));
    assert_eq!(default.stdout, hamravesh_types::schemas::PROFILE);
    let openapi = run(hamravesh().args(["schema", "--openapi"]));
    assert_eq!(openapi.code, Some(0), "{}", openapi.stderr);
    assert_eq!(openapi.stdout, hamravesh_types::schemas::OPENAPI);
}

#[test]
fn schema_refuses_an_unknown_name_listing_the_names() {
    let out = run(hamravesh().args(["schema", "nope"]));
    assert_eq!(out.code, Some(2));
    for kind in Document::ALL {
        assert!(out.stderr.contains(kind.name()), "{}", out.stderr);
    }
    let both = run(hamravesh().args(["schema", "profile", "--openapi"]));
    assert_eq!(both.code, Some(2), "{}", both.stderr);
}

// ---- help, flags, closed pipes ----

#[test]
fn help_says_where_the_organization_comes_from() {
    for args in [
        &["notifications", "--help"][..],
        &["namespaces", "create", "--help"],
        &["namespaces", "delete", "--help"],
    ] {
        let out = run(hamravesh().args(args));
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let text = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            "--org <NAME>",
            "$HAMRAVESH_ORGANIZATION",
            "Exit codes:",
            "--total-timeout <SECS>",
            "--mock",
        ] {
            assert!(text.contains(needle), "{args:?} lacks {needle}: {text}");
        }
    }
    let delete = run(hamravesh().args(["namespaces", "delete", "--help"]));
    assert!(delete.stdout.contains("--yes"), "{}", delete.stdout);
}

#[test]
fn shared_client_flags_apply_to_every_api_command() {
    for args in [
        &["notifications", "--mock"][..],
        &["namespaces", "create", "x", "--cluster", "1", "--mock"],
        &["namespaces", "delete", "1", "--yes", "--mock"],
    ] {
        let out = run(hamravesh().args(args).arg("--timeout=0"));
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("--timeout must be a positive"),
            "{}",
            out.stderr
        );
        let out = run(hamravesh()
            .args(args)
            .args(["--base-url", "http://127.0.0.1:1"]));
        assert_eq!(
            out.code,
            Some(2),
            "{args:?}: --mock and --base-url together"
        );
    }
    // No key and no --mock: a usage error naming the variable, for every command alike.
    for args in [
        &["notifications", "--org", "my-team"][..],
        &[
            "namespaces",
            "create",
            "x",
            "--cluster",
            "1",
            "--org",
            "my-team",
        ],
        &["namespaces", "delete", "1", "--yes", "--org", "my-team"],
    ] {
        let out = run(hamravesh().args(args));
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("HAMRAVESH_API_KEY"), "{}", out.stderr);
    }
    // --offset makes no sense with --all; --limit 0 is refused by the parser.
    let out = run(hamravesh().args(["notifications", "--all", "--offset", "3", "--mock"]));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let out = run(hamravesh().args(["notifications", "--limit", "0", "--mock"]));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
}

#[test]
fn network_failure_is_exit_1_after_retries() {
    let mock = Mock::start();
    mock.server
        .push_fault_on(&LIST_NOTIFICATIONS, Fault::status(503), 10);
    let out = mock.run(&["notifications", "--org", "my-team", "--retries", "1"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("503 Service Unavailable after 2 attempts"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.server.request_count_on(&LIST_NOTIFICATIONS), 2);
}

/// A pipe whose read end is closed (see `hamravesh_test_support::closed_pipe`).
#[cfg(unix)]
fn closed_pipe() -> Stdio {
    hamravesh_test_support::closed_pipe(env!("CARGO_BIN_EXE_hamravesh"))
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_does_not_panic() {
    for args in [
        &["notifications", "--mock", "--all"][..],
        &["notifications", "--mock", "--all", "--json"],
        &[
            "namespaces",
            "create",
            "my-team-x",
            "--cluster",
            "53",
            "--mock",
        ],
        &["schema", "--openapi"],
    ] {
        let output = hamravesh()
            .args(args)
            .stdout(closed_pipe())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
    // An error with its detail lines into a closed stderr: exit 1, no panic.
    let mock = Mock::start();
    let output = mock
        .command(&["namespaces", "create", "my-team-x", "--cluster", "54"])
        .stdout(Stdio::piped())
        .stderr(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

/// Kills the child when dropped, so a failing assertion never leaves a mock running.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn mock_command_serves_a_notification_feed_file() {
    let dir = tempfile::tempdir().unwrap();
    let feed: Vec<serde_json::Value> =
        serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap();
    let file = dir.path().join("feed.json");
    std::fs::write(&file, serde_json::to_vec(&feed[..3]).unwrap()).unwrap();
    let mut child = hamravesh()
        .args(["mock", "--api-key", "demo", "--notifications"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _child = KillOnDrop(child);
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let out = run(hamravesh()
        .args(["notifications", "--all", "--json", "--base-url", &url])
        .env("HAMRAVESH_API_KEY", "demo"));
    assert_eq!(parse_notifications(&out), default_feed()[..3]);

    // A feed that breaks the schema is refused at start, naming the problem.
    std::fs::write(&file, r#"[{"title": 5}]"#).unwrap();
    let out = run(hamravesh().args(["mock", "--notifications"]).arg(&file));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn a_create_that_times_out_is_sent_once_and_says_it_may_exist() {
    let mock = Mock::start();
    mock.server.push_fault_on(
        &CREATE_NAMESPACE,
        Fault::Delay(std::time::Duration::from_secs(3)),
        1,
    );
    let out = mock.run(&[
        "namespaces",
        "create",
        "my-team-slow",
        "--cluster",
        "53",
        "--org",
        "my-team",
        "--timeout",
        "0.5",
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("may have been carried out: check before sending it again"),
        "{}",
        out.stderr
    );
    assert_eq!(mock.server.request_count_on(&CREATE_NAMESPACE), 1);
}

/// A 502 (the outcome unknown: the gateway may have passed the delete on) then a 404 on the
/// retry: the client counts it done, so exit 0, but the output says only what is known.
#[test]
fn a_delete_whose_retry_finds_nothing_after_a_502_does_not_claim_it_deleted() {
    let mock = Mock::start();
    mock.server
        .push_fault_on(&DELETE_NAMESPACE, Fault::status(502), 1);
    let out = mock.run(&[
        "namespaces",
        "delete",
        "424242",
        "--yes",
        "--org",
        "my-team",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Namespace 424242 of organization \"my-team\" is gone: an attempt failed after it was sent and the retry found no such namespace, so that attempt most likely deleted it, or it never existed.\n"
    );
    assert!(!out.stdout.contains("Deleted"), "{}", out.stdout);
    assert_eq!(mock.server.request_count_on(&DELETE_NAMESPACE), 2);
    // A 503 says the service did nothing: a 404 after it is a plain "there is no namespace".
    mock.server
        .push_fault_on(&DELETE_NAMESPACE, Fault::status(503), 1);
    let out = mock.run(&[
        "namespaces",
        "delete",
        "424242",
        "--yes",
        "--org",
        "my-team",
    ]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("there is no namespace 424242 in organization \"my-team\""),
        "{}",
        out.stderr
    );
}

#[test]
fn a_delete_is_retried_after_a_503() {
    let mock = Mock::start();
    let created = mock.run(&[
        "namespaces",
        "create",
        "my-team-x",
        "--cluster",
        "53",
        "--json",
    ]);
    let namespace: Namespace = serde_json::from_str(&created.stdout).unwrap();
    mock.server
        .push_fault_on(&DELETE_NAMESPACE, Fault::status(503), 1);
    let id = namespace.id.to_string();
    let out = mock.run(&["namespaces", "delete", &id, "--yes", "--org", "my-team"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(mock.server.request_count_on(&DELETE_NAMESPACE), 2);
    assert_eq!(mock.server.namespace_count(), 0);
}
