//! `Client::request`: any path under the base URL, against the mock. The retry rule of each
//! method (table), paths refused before any request is made (table, the server counting
//! nothing), the raw answer and the typed one, organization and body, the body cap, redirects,
//! and walking pages by their `next` links.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

mod common;
use common::Logs;

use std::time::Duration;

use hamravesh::types::ORGANIZATION_HEADER;
use hamravesh::types::operations::{CREATE_NAMESPACE, GET_PROFILE, LIST_NOTIFICATIONS};
use hamravesh::{Client, ClientBuilder, ConfigError, ErrorKind, Method, PathError, Profile};
use hamravesh_mock::{Fault, MockServer};
use serde_json::{Value, json};
use tracing::instrument::WithSubscriber;

const KEY: &str = "hk_live_Q7fSECRETzX9";
/// The organization of the mock's default profile, and the cluster it may use.
const ORG: &str = "my-team";
const CLUSTER: i64 = 53;
/// A path the mock does not know: it answers 404 to every method.
const UNDOCUMENTED: &str = "/api/v1/darkube/apps/";

async fn mock() -> MockServer {
    MockServer::builder().api_key(KEY).start().await.unwrap()
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// The notification feed's path with this query.
fn feed(query: &str) -> String {
    format!("{}?{query}", LIST_NOTIFICATIONS.path)
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// Each method's retry rule: (method, fault on the first attempt, requests the server saw, the
/// outcome: the final status, or the error kind). The path is unknown to the mock, so an
/// attempt that gets through the fault is answered 404 (405 with no path is not needed).
#[tokio::test]
async fn retries_follow_the_method() {
    let delay = || Fault::Delay(Duration::from_secs(2));
    let cases: Vec<(&str, Fault, usize, Result<u16, ErrorKind>)> = vec![
        // Idempotent methods retry every retryable failure.
        ("GET", Fault::status(503), 2, Ok(404)),
        ("HEAD", Fault::status(503), 2, Ok(404)),
        ("OPTIONS", Fault::status(503), 2, Ok(404)),
        ("PUT", Fault::status(503), 2, Ok(404)),
        ("DELETE", Fault::status(503), 2, Ok(404)),
        ("GET", Fault::status(502), 2, Ok(404)),
        ("GET", Fault::Close, 2, Ok(404)),
        ("PUT", delay(), 2, Ok(404)),
        ("DELETE", delay(), 2, Ok(404)),
        // POST, PATCH and methods the client does not know: only when the request certainly
        // did not reach the service (429 here; a refused connection below).
        ("POST", Fault::status(503), 1, Ok(503)),
        ("PATCH", Fault::status(503), 1, Ok(503)),
        ("PURGE", Fault::status(503), 1, Ok(503)),
        ("POST", Fault::status(502), 1, Ok(502)),
        ("POST", Fault::Close, 1, Err(ErrorKind::Transport)),
        ("PATCH", Fault::Close, 1, Err(ErrorKind::Transport)),
        ("POST", delay(), 1, Err(ErrorKind::Timeout)),
        ("PATCH", delay(), 1, Err(ErrorKind::Timeout)),
        ("PURGE", delay(), 1, Err(ErrorKind::Timeout)),
        ("POST", Fault::status_retry_after(429, 0), 2, Ok(404)),
        ("PATCH", Fault::status_retry_after(429, 0), 2, Ok(404)),
    ];
    for (name, fault, requests, expected) in cases {
        let server = mock().await;
        server.push_fault(fault.clone(), 1);
        let client = builder(&server)
            .timeout(Duration::from_millis(400))
            .build()
            .unwrap();
        let result = client.request(method(name), UNDOCUMENTED).send_raw().await;
        let row = format!("{name} after {fault:?}");
        match (&result, expected) {
            (Ok(response), Ok(status)) => {
                assert_eq!(response.status().as_u16(), status, "{row}");
                assert_eq!(response.attempts() as usize, requests, "{row}");
            }
            (Err(error), Err(kind)) => {
                assert_eq!(error.kind(), kind, "{row}: {error:?}");
                assert_eq!(error.attempts() as usize, requests, "{row}");
                if name != "GET" {
                    // A write that may have happened says so.
                    assert!(error.is_outcome_unknown(), "{row}");
                    assert!(
                        error.to_string().contains("may have been carried out"),
                        "{row}: {error}"
                    );
                }
            }
            (result, expected) => panic!("{row}: expected {expected:?}, got {result:?}"),
        }
        assert_eq!(server.request_count(), requests, "{row}");
    }
}

/// The raw answer says whether an earlier attempt may have been carried out, so that a 404 after
/// a DELETE that timed out is not read as "there was nothing to delete": (method, fault on the
/// first attempt, whether the answer says so).
#[tokio::test]
async fn the_raw_answer_says_when_an_earlier_attempt_may_have_acted() {
    let cases = [
        ("DELETE", Fault::Delay(Duration::from_secs(2)), true),
        ("DELETE", Fault::Close, true),
        ("PUT", Fault::status(502), true),
        ("GET", Fault::status(504), true),
        // A 503 and a 429 say the service did not act.
        ("DELETE", Fault::status(503), false),
        ("GET", Fault::status_retry_after(429, 0), false),
    ];
    for (name, fault, expected) in cases {
        let server = mock().await;
        server.push_fault(fault.clone(), 1);
        let client = builder(&server)
            .timeout(Duration::from_millis(400))
            .build()
            .unwrap();
        let response = client
            .request(method(name), UNDOCUMENTED)
            .send_raw()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{name} after {fault:?}");
        assert_eq!(response.attempts(), 2, "{name} after {fault:?}");
        assert_eq!(
            response.earlier_attempt_may_have_acted(),
            expected,
            "{name} after {fault:?}"
        );
    }
    // One attempt: nothing earlier.
    let server = mock().await;
    let response = client(&server)
        .request(Method::DELETE, UNDOCUMENTED)
        .send_raw()
        .await
        .unwrap();
    assert!(!response.earlier_attempt_may_have_acted());
}

#[tokio::test]
async fn a_patch_refused_at_connect_is_retried_until_the_service_listens() {
    let server = mock().await;
    let client = builder(&server)
        .backoff(Duration::from_millis(50), Duration::from_millis(100))
        .max_retries(40)
        .build()
        .unwrap();
    server
        .refuse_connections_for(Duration::from_millis(300))
        .await;
    let logs = Logs::default();
    let response = client
        .request(Method::PATCH, GET_PROFILE.path)
        .json(&json!({"first_name": "x"}))
        .send_raw()
        .with_subscriber(logs.subscriber())
        .await
        .unwrap();
    // The profile is read-only: the mock answers 405, once.
    assert_eq!(response.status().as_u16(), 405);
    assert!(response.attempts() >= 2, "{response:?}");
    assert!(logs.text().contains("retrying"), "{}", logs.text());
    assert_eq!(server.request_count(), 1);
}

/// Paths that are not under the base URL: each refused with its reason, no connection made.
#[tokio::test]
async fn paths_that_could_leave_the_base_url_are_refused_before_any_request() {
    let server = mock().await;
    let client = client(&server);
    let huge = format!("/{}", "a".repeat(100 * 1024));
    let evil = format!("http://user:{KEY}@evil.example/x");
    let cases: Vec<(&str, PathError)> = vec![
        (
            "http://evil.example/api/v1/users/profile",
            PathError::AbsoluteUrl,
        ),
        (&evil, PathError::AbsoluteUrl),
        ("https:evil.example", PathError::AbsoluteUrl),
        ("//evil.example/x", PathError::SchemeRelative),
        ("/\\evil.example", PathError::Backslash),
        ("%2F%2Fevil.example", PathError::NotAbsolute),
        ("/%2F%2Fevil.example", PathError::Encoded),
        ("@evil.example", PathError::NotAbsolute),
        ("/@evil.example", PathError::UserInfo),
        ("/api\r\nx-evil: 1", PathError::ControlCharacter),
        ("/api\nHost: evil.example", PathError::ControlCharacter),
        ("/api/v1/../../../admin", PathError::DotSegment),
        ("/api/v1/%2e%2e/admin", PathError::Encoded),
        (
            &huge,
            PathError::TooLong {
                len: huge.len(),
                max: hamravesh::MAX_PATH_LEN,
            },
        ),
        ("", PathError::Empty),
    ];
    for (path, reason) in cases {
        for method in [Method::GET, Method::POST] {
            let error = client
                .request(method.clone(), path)
                .send_raw()
                .await
                .unwrap_err();
            let row = format!("{method} {:?}", path.chars().take(60).collect::<String>());
            assert_eq!(error.kind(), ErrorKind::Config, "{row}");
            match error.config() {
                Some(ConfigError::InvalidPath { source, .. }) => {
                    assert_eq!(source, &reason, "{row}")
                }
                other => panic!("{row}: {other:?}"),
            }
            let report = error.report();
            // A plain path is quoted as typed; anything with an authority without credentials.
            if path.starts_with("/@") {
                assert!(report.contains(r#""/@evil.example""#), "{row}: {report}");
            }
            assert!(report.chars().count() < 700, "{row}: {report}");
            assert!(!report.chars().any(char::is_control), "{row}: {report:?}");
            assert!(!report.contains(KEY), "{row}: {report}");
            assert!(!format!("{error:?}").contains(KEY), "{row}");
            assert_eq!(error.attempts(), 0, "{row}");
            // The typed send refuses the same way.
            let typed = client.request(method, path).send::<Value>().await;
            assert!(typed.unwrap_err().is_config(), "{row}");
        }
    }
    // Query parameters count towards the same limit.
    let error = client
        .request(Method::GET, GET_PROFILE.path)
        .query("q", "x".repeat(hamravesh::MAX_PATH_LEN))
        .send_raw()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.config(),
            Some(ConfigError::InvalidPath {
                source: PathError::TooLong { .. },
                ..
            })
        ),
        "{error:?}"
    );
    // The limit holds once encoded: 4,000 Persian letters are 8,001 bytes as typed but 24,001
    // on the request line (each byte percent-encoded), which the server refuses (414).
    for path in [
        format!("/{}", "ش".repeat(4000)),
        format!("/api/v1/x/?q={}", " ".repeat(8000)),
    ] {
        assert!(path.len() <= hamravesh::MAX_PATH_LEN);
        let error = client
            .request(Method::GET, &path)
            .send_raw()
            .await
            .unwrap_err();
        assert!(
            matches!(
                error.config(),
                Some(ConfigError::InvalidPath {
                    source: PathError::TooLong { .. },
                    ..
                })
            ),
            "{error:?}"
        );
    }
    // Just under the limit once encoded is sent.
    let path = format!("/{}", "ش".repeat(1300));
    let response = client.request(Method::GET, &path).send_raw().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_raw_answer_carries_status_headers_and_body_whatever_the_status() {
    let server = mock().await;
    let client = client(&server);
    let response = client
        .request(Method::GET, GET_PROFILE.path)
        .send_raw()
        .await
        .unwrap();
    assert!(response.is_success());
    assert_eq!(response.body(), hamravesh_mock::DEFAULT_PROFILE.as_bytes());
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let profile: Profile = response.json().unwrap();
    assert_eq!(profile.organizations[0].name, ORG);

    // An error status is an answer here, and an error once asked.
    let response = client
        .request(Method::GET, UNDOCUMENTED)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert!(!response.body().is_empty());
    let error = response.error_for_status().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status().unwrap().as_u16(), 404);
    assert_eq!(error.path(), Some(UNDOCUMENTED));
}

#[tokio::test]
async fn the_typed_answer_decodes_or_names_the_failing_field() {
    let server = mock().await;
    let client = client(&server);
    let profile: Profile = client
        .request(Method::GET, GET_PROFILE.path)
        .send()
        .await
        .unwrap();
    assert_eq!(profile.organizations[0].id, 1598);

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        email: i64,
    }
    let error = client
        .request(Method::GET, GET_PROFILE.path)
        .send::<Wrong>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.decode_error().unwrap().path(), "email");
    assert!(!error.is_carried_out());

    // An error status is an error of its kind.
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    let error = builder(&server)
        .api_key("wrong")
        .build()
        .unwrap()
        .request(Method::GET, GET_PROFILE.path)
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
}

#[tokio::test]
async fn organization_query_and_body_are_sent() {
    let server = mock().await;
    let client = client(&server);
    // The query from the path and from `query` together.
    let page: Value = client
        .request(Method::GET, feed("limit=3"))
        .query("offset", "2")
        .organization(ORG)
        .send()
        .await
        .unwrap();
    assert_eq!(page["results"].as_array().unwrap().len(), 3);
    assert_eq!(
        server.last_request_header(ORGANIZATION_HEADER).as_deref(),
        Some(ORG)
    );
    let first: Value = client
        .request(Method::GET, feed("limit=5"))
        .organization(ORG)
        .send()
        .await
        .unwrap();
    assert_eq!(page["results"][0], first["results"][2]);

    // A POST with a JSON body creates the namespace.
    let created: Value = client
        .request(Method::POST, CREATE_NAMESPACE.path)
        .organization(ORG)
        .json(&json!({"name": "my-team-raw", "cluster_id": CLUSTER}))
        .send()
        .await
        .unwrap();
    assert_eq!(created["name"], "my-team-raw");
    assert_eq!(server.namespaces(ORG).len(), 1);
    // A refused body is a validation error listing the field.
    let error = client
        .request(Method::POST, CREATE_NAMESPACE.path)
        .organization(ORG)
        .json_bytes(&br#"{"name": "my-team-x"}"#[..])
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(error.field_errors().unwrap().get("cluster_id").is_some());

    // An organization name that cannot be a header: nothing sent.
    let before = server.request_count();
    for name in ["", "my team", "my-team\r\nx-evil: 1", "\u{1b}[2J"] {
        let error = client
            .request(Method::GET, LIST_NOTIFICATIONS.path)
            .organization(name)
            .send_raw()
            .await
            .unwrap_err();
        assert!(
            matches!(
                error.config(),
                Some(ConfigError::InvalidOrganization { .. })
            ),
            "{name:?}: {error:?}"
        );
    }
    assert_eq!(server.request_count(), before);
}

#[tokio::test]
async fn bodies_are_capped_and_redirects_stay_home() {
    let server = mock().await;
    let client = builder(&server).max_body_size(64 * 1024).build().unwrap();
    server.push_fault(Fault::Oversized(10 * 1024 * 1024), 1);
    let error = client
        .request(Method::GET, GET_PROFILE.path)
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
    // An error status whose body is over the cap is over the cap too.
    server.push_fault(
        Fault::Raw {
            status: 500,
            content_type: "text/plain".into(),
            body: vec![b'x'; 100 * 1024],
        },
        1,
    );
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge);

    // A redirect to another host is not followed; one answering a POST not at all.
    server.push_fault(Fault::Redirect("http://evil.example/".into()), 1);
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect);
    server.push_fault(Fault::Redirect(UNDOCUMENTED.into()), 1);
    let before = server.request_count();
    let error = client
        .request(Method::POST, UNDOCUMENTED)
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert!(error.is_outcome_unknown());
    assert_eq!(server.request_count(), before + 1);

    // A Location carrying credentials (here the key, echoed) is never shown with them, for a
    // GET (another origin) or a POST (not followed at all).
    for method in [Method::GET, Method::POST] {
        server.push_fault(
            Fault::Redirect(format!("https://user:{KEY}@evil.example/x")),
            1,
        );
        let error = client
            .request(method.clone(), UNDOCUMENTED)
            .send_raw()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Redirect, "{method}");
        for shown in [error.to_string(), error.report(), format!("{error:?}")] {
            assert!(!shown.contains(KEY), "{method}: {shown}");
            assert!(!shown.contains("user:"), "{method}: {shown}");
            assert!(shown.contains("evil.example"), "{method}: {shown}");
        }
    }
}

#[tokio::test]
async fn pages_are_followed_by_their_next_links() {
    let server = mock().await;
    let client = client(&server);
    let expected: Vec<Value> = serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap();
    let items = client
        .request(Method::GET, feed("limit=5"))
        .organization(ORG)
        .pages()
        .collect::<Value>()
        .await
        .unwrap();
    assert_eq!(items, expected);
    assert_eq!(
        server.request_count_on(&LIST_NOTIFICATIONS),
        expected.len().div_ceil(5)
    );
    // Every page's body is seen, in order.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let pages = seen.clone();
    let items = client
        .request(Method::GET, feed("limit=10"))
        .organization(ORG)
        .pages()
        .inspect_pages(move |page| {
            let page: Value = serde_json::from_slice(page).unwrap();
            pages
                .lock()
                .unwrap()
                .push(page["results"].as_array().unwrap().len());
        })
        .collect::<Value>()
        .await
        .unwrap();
    assert_eq!(items, expected);
    assert_eq!(*seen.lock().unwrap(), [10, 10, 10, 7]);
    // The caps.
    let error = client
        .request(Method::GET, feed("limit=5"))
        .organization(ORG)
        .pages()
        .max_pages(2)
        .collect::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.to_string().contains("cap of 2 pages"), "{error}");
    let error = client
        .request(Method::GET, feed("limit=5"))
        .organization(ORG)
        .pages()
        .max_items(7)
        .collect::<Value>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("cap of 7 items"), "{error}");
    let error = client
        .request(Method::GET, feed("limit=5"))
        .organization(ORG)
        .pages()
        .max_bytes(100)
        .collect::<Value>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("cap of 100 bytes"), "{error}");
}

#[tokio::test]
async fn collect_json_keeps_each_item_as_sent() {
    let server = mock().await;
    let client = client(&server);
    let url = server.url();
    let pages = [
        format!(
            r#"{{"count": 4, "next": "{url}{UNDOCUMENTED}?offset=2", "results": [{{"z": 1, "a": 1.0}}, {{"z": 123456789012345678901234567890}}]}}"#
        ),
        r#"{"count": 4, "next": null, "results": ["\u202e", {"k": [1, {}]}]}"#.to_owned(),
    ];
    for page in &pages {
        server.push_fault(
            Fault::Raw {
                status: 200,
                content_type: "application/json".into(),
                body: page.clone().into_bytes(),
            },
            1,
        );
    }
    let json = client
        .request(Method::GET, UNDOCUMENTED)
        .pages()
        .collect_json()
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(json).unwrap(),
        r#"[{"z": 1, "a": 1.0},{"z": 123456789012345678901234567890},"\u202e",{"k": [1, {}]}]"#
    );
    assert_eq!(server.request_count(), 2);
    // A key repeated inside one object is refused, as typed decoding and validation refuse it.
    server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: br#"{"next": null, "results": [{"k": 1, "k": 2}]}"#.to_vec(),
        },
        1,
    );
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .pages()
        .collect_json()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    // So is a number no JSON reader here holds (validation calls the page not JSON).
    server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: br#"{"next": null, "results": [{"z": 1e400}]}"#.to_vec(),
        },
        1,
    );
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .pages()
        .collect_json()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error.report().contains("number out of range"),
        "{}",
        error.report()
    );
}

/// Pages that would make a walk loop or leave the base URL: (first page's body, the message).
#[tokio::test]
async fn hostile_pages_end_the_walk() {
    let server = mock().await;
    let client = client(&server);
    let url = server.url();
    let page = |next: Value, count: Value, results: Value| json!({"count": count, "next": next, "previous": null, "results": results});
    let cases = [
        (
            page(
                json!("https://evil.example/api/v1/x/?offset=1"),
                json!(9),
                json!([1]),
            ),
            "another origin",
            1,
        ),
        (
            page(
                json!("//evil.example/api/v1/x/?offset=1"),
                json!(9),
                json!([1]),
            ),
            "another origin",
            1,
        ),
        (
            page(json!(format!("{url}{UNDOCUMENTED}")), json!(9), json!([1])),
            "already read",
            1,
        ),
        (
            page(json!(format!("{url}/@evil/")), json!(9), json!([1])),
            "is not followed",
            1,
        ),
        (
            page(json!("/api/v1/x/?offset=1"), json!(9), json!([])),
            "held no items but a next link",
            1,
        ),
        (
            page(
                json!(url.replacen("http://", "http://u:pw@", 1) + "/api/v1/x/?offset=1"),
                json!(9),
                json!([1]),
            ),
            "carries a user name or password",
            1,
        ),
        (
            page(json!(null), json!(1), json!([1, 2])),
            "more items than",
            1,
        ),
        (page(json!(null), json!(-1), json!([])), "negative total", 1),
        (json!({"results": 5}), "does not match", 1),
        (json!([1, 2]), "does not match", 1),
    ];
    for (body, message, requests) in cases {
        let before = server.request_count();
        server.push_fault(
            Fault::Raw {
                status: 200,
                content_type: "application/json".into(),
                body: serde_json::to_vec(&body).unwrap(),
            },
            1,
        );
        let error = client
            .request(Method::GET, UNDOCUMENTED)
            .pages()
            .collect::<Value>()
            .await
            .unwrap_err();
        assert!(error.to_string().contains(message), "{body}: {error}");
        assert_eq!(server.request_count() - before, requests, "{body}");
    }
}

/// A relative `next` (`?offset=10`) names a page of the list that holds it, as any HTTP client
/// reads a relative link; read against the base URL it named `/?offset=10`, and the walk failed.
#[tokio::test]
async fn relative_next_links_are_read_against_the_page_that_holds_them() {
    let server = mock().await;
    let client = client(&server);
    let expected: Vec<Value> = serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap();
    let first = json!({
        "count": expected.len(),
        "next": "?limit=10&offset=10",
        "previous": null,
        "results": expected[..10],
    });
    server.push_fault_on(
        &LIST_NOTIFICATIONS,
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: serde_json::to_vec(&first).unwrap(),
        },
        1,
    );
    let items = client
        .request(Method::GET, feed("limit=10"))
        .organization(ORG)
        .pages()
        .collect::<Value>()
        .await
        .unwrap();
    assert_eq!(items, expected);
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS), 4);
    assert_eq!(server.request_count(), 4);
}

/// A page holding far more items than the cap is refused by counting them, before any is kept;
/// the items of pages within the caps are kept as before.
#[tokio::test]
async fn a_page_over_the_item_cap_is_refused_before_its_items_are_kept() {
    let server = mock().await;
    let client = builder(&server).max_body_size(8 << 20).build().unwrap();
    let mut body = br#"{"next": null, "results": ["#.to_vec();
    for index in 0..2_000_000 {
        if index > 0 {
            body.push(b',');
        }
        body.push(b'1');
    }
    body.extend_from_slice(b"]}");
    server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body,
        },
        1,
    );
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .pages()
        .max_items(1000)
        .collect_json()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.to_string().contains("cap of 1000 items"), "{error}");
    // A results list that is not a list is still a decode error naming it.
    server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: br#"{"next": null, "results": {"a": 1}}"#.to_vec(),
        },
        1,
    );
    let error = client
        .request(Method::GET, UNDOCUMENTED)
        .pages()
        .collect_json()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.report().contains("results"), "{}", error.report());
}

#[test]
#[cfg(feature = "blocking")]
fn the_blocking_client_has_the_same_requests() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(mock());
    server.push_fault(Fault::status(503), 1);
    let client = hamravesh::blocking::Client::from_builder(builder(&server)).unwrap();
    let response = client
        .request(Method::GET, GET_PROFILE.path)
        .send_raw()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(server.request_count(), 2);
    let profile: Profile = client
        .request(Method::GET, GET_PROFILE.path)
        .send()
        .unwrap();
    assert_eq!(profile.organizations[0].name, ORG);
    let items = client
        .request(Method::GET, feed("limit=10"))
        .organization(ORG)
        .pages()
        .collect::<Value>()
        .unwrap();
    assert_eq!(items.len(), 37);
    let error = client
        .request(Method::GET, "//evil.example/")
        .send_raw()
        .unwrap_err();
    assert!(matches!(
        error.config(),
        Some(ConfigError::InvalidPath { .. })
    ));
}
