//! The Grafana dashboard `deploy/grafana/hamravesh.json`: valid JSON, and every metric its queries
//! name is one the exporter really exports (a scrape of `hamravesh exporter` run against the mock,
//! with a runway set so that no metric is absent) or a recording rule of
//! `deploy/prometheus/alerts.yml`. `scripts/exporter-e2e.sh` also runs each query against a real
//! Prometheus.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use hamravesh_mock::MockServer;
use serde_json::{Value, json};

fn repository_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn dashboard() -> Value {
    let path = repository_file("deploy/grafana/hamravesh.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// Every PromQL query of the dashboard, with where it is: each panel target's `expr` and each
/// template variable's query.
fn queries(dashboard: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        let title = panel["title"].as_str().unwrap();
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            found.push((format!("panel {title:?}"), expr.to_owned()));
        }
    }
    for variable in dashboard["templating"]["list"].as_array().unwrap() {
        if let Some(query) = variable["query"]["query"].as_str() {
            let name = variable["name"].as_str().unwrap();
            found.push((format!("variable {name:?}"), query.to_owned()));
        }
    }
    found
}

/// The metric names a query refers to: every identifier that starts with `hamravesh` (the
/// exporter's prefix, and `hamravesh:` for recording rules). Label names and values are not
/// identifiers of that shape here, and the dashboard names no other job's metrics.
fn names_in(query: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = query.as_bytes();
    let is_part = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let mut i = 0;
    while i < bytes.len() {
        if is_part(bytes[i]) && (i == 0 || !is_part(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && is_part(bytes[i]) {
                i += 1;
            }
            let word = &query[start..i];
            // Inside quotes it is a label value (such as `"$organization"`), not a metric.
            let quoted = query[..start].matches('"').count() % 2 == 1;
            if word.starts_with("hamravesh") && !quoted {
                names.insert(word.to_owned());
            }
        } else {
            i += 1;
        }
    }
    names
}

/// The names each query refers to that are neither exported nor recorded.
fn unknown_names(
    queries: &[(String, String)],
    exported: &BTreeSet<String>,
    recorded: &BTreeSet<String>,
) -> Vec<String> {
    let mut unknown = Vec::new();
    for (place, query) in queries {
        for name in names_in(query) {
            if !exported.contains(&name) && !recorded.contains(&name) {
                unknown.push(format!("{place}: {name} in {query:?}"));
            }
        }
    }
    unknown
}

/// The recording rules of the shipped alert rules (`- record: NAME`).
fn recorded() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repository_file("deploy/prometheus/alerts.yml")).unwrap();
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("- record:"))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// An exporter process, killed on drop.
struct Exporter(Child);

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

/// The sample names of a real scrape, once the exporter has read the mock: the default profile
/// with a runway, since `hamravesh_organization_runway_seconds` is absent while the API gives null.
fn exported() -> BTreeSet<String> {
    let mut profile: Value = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["organizations"][0]["seconds_to_negative_balance"] = json!(86_400);
    let mock = common::Mock::with(MockServer::builder().profile_json(profile.to_string()));
    let mut child = mock
        .command(&[
            "exporter",
            "--listen",
            "127.0.0.1:0",
            "--min-interval",
            "1s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let exporter = Exporter(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = loop {
        let text = get(&address, "/metrics");
        if text.lines().any(|line| line == "hamravesh_up 1") {
            break text;
        }
        assert!(Instant::now() < deadline, "never read the mock: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(exporter);
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let end = line.find(['{', ' ']).unwrap_or(line.len());
            line[..end].to_owned()
        })
        .collect()
}

#[test]
fn every_metric_the_dashboard_queries_is_exported_or_recorded() {
    let dashboard = dashboard();
    let queries = queries(&dashboard);
    assert!(queries.len() >= 10, "{queries:?}");
    let exported = exported();
    // The scrape itself is what it should be (so an empty one cannot pass everything).
    for name in [
        "hamravesh_organization_balance",
        "hamravesh_organization_runway_seconds",
        "hamravesh_up",
        "hamravesh_last_success_timestamp_seconds",
    ] {
        assert!(exported.contains(name), "{name} not in {exported:?}");
    }
    let recorded = recorded();
    assert!(
        recorded.contains("hamravesh:low_balance_threshold"),
        "{recorded:?}"
    );
    let unknown = unknown_names(&queries, &exported, &recorded);
    assert!(
        unknown.is_empty(),
        "the dashboard queries metrics the exporter does not export:\n{}",
        unknown.join("\n")
    );

    // What an operator opens it for: balance, runway, whether the API is read, and how old the
    // figures are.
    let queried: BTreeSet<String> = queries.iter().flat_map(|(_, q)| names_in(q)).collect();
    for name in [
        "hamravesh_organization_balance",
        "hamravesh_organization_runway_seconds",
        "hamravesh_up",
        "hamravesh_last_success_timestamp_seconds",
    ] {
        assert!(queried.contains(name), "the dashboard never shows {name}");
    }
}

#[test]
fn the_dashboard_is_importable_as_is() {
    let dashboard = dashboard();
    assert_eq!(dashboard["uid"], "hamravesh-balances");
    let panels = dashboard["panels"].as_array().unwrap();
    let ids: BTreeSet<u64> = panels.iter().map(|p| p["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), panels.len(), "panel ids repeat");
    for panel in panels {
        let title = panel["title"].as_str().unwrap();
        // The Prometheus data source is chosen on import (the `datasource` variable), never a
        // uid from the machine it was drawn on.
        assert_eq!(panel["datasource"]["uid"], "${datasource}", "{title}");
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "{title} has no query");
        for target in targets {
            assert_eq!(target["datasource"]["uid"], "${datasource}", "{title}");
            assert!(
                !names_in(target["expr"].as_str().unwrap()).is_empty(),
                "{title}: a query with no metric of the exporter"
            );
        }
        for key in ["h", "w", "x", "y"] {
            assert!(panel["gridPos"][key].is_u64(), "{title}: gridPos.{key}");
        }
    }
}

/// The check itself: a misspelled, a removed and a made-up metric are each caught, names in label
/// values are not metrics, and recording rules pass.
#[test]
fn the_name_check_catches_what_the_exporter_does_not_export() {
    let exported: BTreeSet<String> = ["hamravesh_organization_balance", "hamravesh_up"]
        .map(String::from)
        .into();
    let recorded: BTreeSet<String> = ["hamravesh:low_balance_threshold".to_owned()].into();
    let rows: &[(&str, &[&str])] = &[
        (
            r#"hamravesh_organization_balance{organization=~"$organization"}"#,
            &[],
        ),
        (
            "hamravesh_organization_balanse",
            &["hamravesh_organization_balanse"],
        ),
        (
            "max(time() - hamravesh_last_poll_timestamp)",
            &["hamravesh_last_poll_timestamp"],
        ),
        (
            "hamravesh_organization_balance < on() group_left() hamravesh:low_balance_threshold",
            &[],
        ),
        ("hamravesh:low_balance", &["hamravesh:low_balance"]),
        (r#"up{job="hamravesh_exporter"} * hamravesh_up"#, &[]),
        ("sum(hamravesh_up)+hamravesh_down", &["hamravesh_down"]),
    ];
    for (query, expected) in rows {
        let unknown = unknown_names(
            &[("row".to_owned(), (*query).to_owned())],
            &exported,
            &recorded,
        );
        let names: Vec<&str> = unknown
            .iter()
            .map(|line| line.split(' ').nth(1).unwrap())
            .collect();
        assert_eq!(&names, expected, "{query}");
    }
}
