//! The docs' own example requests work against the mock: each operation's curl and Python
//! snippets are taken from its vendored page (`schema/upstream/`), the placeholders filled in as a
//! reader would, the host pointed at the mock, and run. Skipped, with a note, where `curl` or
//! Python's `requests` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::path::PathBuf;
use std::process::Command;

use hamravesh_mock::MockServer;
use hamravesh_types::operations::{ALL, CREATE_NAMESPACE, DELETE_NAMESPACE};
use hamravesh_types::{Document, Operation};
use serde_json::Value;

/// The organization of the default profile, for `YOUR_ORGANIZATION_NAME`.
const ORG: &str = "my-team";
/// Where the docs send requests; replaced by the mock's URL.
const DOCS_BASE_URL: &str = "https://api.hamravesh.com";

/// The snippets of one operation.
struct Snippets {
    curl: String,
    python: String,
}

/// The curl and Python snippets of `operation`: the first `bash` and `python` code blocks of the
/// page section whose URL line names its path.
fn snippets(operation: &Operation) -> Snippets {
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schema/upstream")
        .join(operation.page);
    let text = std::fs::read_to_string(&page).unwrap();
    let url_line = format!("**URL**: `{}`", operation.path);
    let section = text
        .split("\n## ")
        .find(|section| section.contains(&url_line))
        .unwrap_or_else(|| panic!("{}: no section with {url_line}", page.display()));
    let block = |language: &str| {
        let fence = format!("```{language}\n");
        let start = section
            .find(&fence)
            .unwrap_or_else(|| panic!("{}: no {language} snippet", operation.id))
            + fence.len();
        let end = start + section[start..].find("```").unwrap();
        section[start..end].to_owned()
    };
    Snippets {
        curl: block("bash"),
        python: block("python"),
    }
}

/// A snippet with the reader's values filled in.
fn fill(snippet: &str, server: &MockServer, namespace_id: &str) -> String {
    snippet
        .replace(DOCS_BASE_URL, &server.url())
        .replace("YOUR_API_KEY", server.api_key())
        .replace("'YOUR_ORGANIZATION_NAME'", &format!("'{ORG}'"))
        .replace("{namespace_id}/'", &format!("{namespace_id}/'"))
        .replace("<int>", namespace_id)
}

/// Runs a program with no proxy settings, off the runtime's threads; `None` if it cannot start.
async fn run(mut command: Command) -> Option<std::process::Output> {
    for name in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    command.env("NO_PROXY", "*").env("no_proxy", "*");
    tokio::task::spawn_blocking(move || command.output().ok())
        .await
        .unwrap()
}

fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Checks an answer body against the operation's documented response.
fn assert_documented(operation: &Operation, body: &[u8], case: &str) {
    match operation.response_schema {
        None => assert!(body.iter().all(u8::is_ascii_whitespace), "{case}: {body:?}"),
        Some(reference) => {
            let document = Document::from_schema_ref(reference).unwrap();
            let value: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
                panic!("{case}: not JSON ({e}): {}", String::from_utf8_lossy(body))
            });
            if let Err(errors) = document.validator().validate(&value) {
                panic!("{case}: not a valid {document}: {errors}");
            }
        }
    }
}

/// The operations in an order that gives the delete something to delete.
fn in_order() -> Vec<&'static Operation> {
    let mut operations: Vec<&'static Operation> = ALL.iter().collect();
    operations.sort_by_key(|operation| *operation == &DELETE_NAMESPACE);
    operations
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_curl_snippets_work_against_the_mock() {
    if !available("curl", &["--version"]) {
        eprintln!("note: curl is not on PATH; the docs' curl snippets were not run");
        return;
    }
    let server = MockServer::start().await.unwrap();
    let mut last_id = String::new();
    for operation in in_order() {
        // In shell, every occurrence is text to fill in (the header and the namespace name).
        let snippet = fill(&snippets(operation).curl, &server, &last_id)
            .replace("YOUR_ORGANIZATION_NAME", ORG);
        // Status on the last line; errors to stderr.
        let script = format!(
            "{} --silent --show-error --write-out '\\n%{{http_code}}'",
            snippet.trim_end()
        );
        let mut command = Command::new("sh");
        command.arg("-c").arg(&script);
        let output = run(command).await.unwrap();
        let stdout = output.stdout;
        let split = stdout.iter().rposition(|&b| b == b'\n').unwrap();
        let (body, status) = (
            &stdout[..split],
            String::from_utf8_lossy(&stdout[split + 1..]),
        );
        assert_eq!(
            status,
            operation.response_status.to_string(),
            "{}: {script}\n{}\n{}",
            operation.id,
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_documented(operation, body, operation.id);
        if operation == &CREATE_NAMESPACE {
            let namespace: Value = serde_json::from_slice(body).unwrap();
            // The docs' name, filled in as the page says.
            assert_eq!(namespace["name"], format!("{ORG}-namespace name"));
            last_id = namespace["id"].to_string();
        }
    }
    assert_eq!(server.request_count(), ALL.len());
    assert_eq!(server.namespace_count(), 0, "created, then deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_python_snippets_work_against_the_mock() {
    if !available("python3", &["-c", "import requests"]) {
        eprintln!(
            "note: python3 with `requests` is not available; the docs' Python snippets were not run"
        );
        return;
    }
    let server = MockServer::start().await.unwrap();
    let mut last_id = String::from("0");
    for operation in in_order() {
        // The create snippet uses YOUR_ORGANIZATION_NAME as a Python variable: define it, as a
        // reader must.
        let script = format!(
            "YOUR_ORGANIZATION_NAME = '{ORG}'\n{}",
            fill(&snippets(operation).python, &server, &last_id)
        );
        let before = server.namespace_count();
        let mut command = Command::new("python3");
        command.arg("-c").arg(&script);
        let output = run(command).await.unwrap();
        assert!(
            output.status.success(),
            "{}: {script}\n{}",
            operation.id,
            String::from_utf8_lossy(&output.stderr)
        );
        assert_documented(operation, &output.stdout, operation.id);
        if operation == &CREATE_NAMESPACE {
            let namespace: Value = serde_json::from_slice(&output.stdout).unwrap();
            last_id = namespace["id"].to_string();
            assert_eq!(server.namespace_count(), before + 1);
        }
        if operation == &DELETE_NAMESPACE {
            assert_eq!(server.namespace_count(), before - 1, "deleted");
        }
    }
    assert_eq!(server.request_count(), ALL.len());
}
