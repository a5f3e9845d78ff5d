//! Every documented operation against the mock: the notification feed (one page and every
//! page, with its edge cases), creating and deleting namespaces (with the retry rules of each
//! method, counted by the mock), validation errors and organization names.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

mod common;
use common::Logs;

use std::time::Duration;

use futures_util::StreamExt;
use hamravesh::types::namespaces::CreateNamespace;
use hamravesh::types::operations::{CREATE_NAMESPACE, DELETE_NAMESPACE, LIST_NOTIFICATIONS};
use hamravesh::{Client, ClientBuilder, Error, ErrorKind};
use hamravesh_mock::{Fault, MockServer};
use serde_json::{Value, json};
use tracing::instrument::WithSubscriber;

const KEY: &str = "hk_live_Q7fSECRETzX9";
/// The organization of the mock's default profile, and the cluster it may use.
const ORG: &str = "my-team";
const CLUSTER: i64 = 53;

async fn mock() -> MockServer {
    MockServer::builder().api_key(KEY).start().await.unwrap()
}

async fn mock_with_feed(items: &[Value]) -> MockServer {
    MockServer::builder()
        .api_key(KEY)
        .notifications_json(serde_json::to_vec(items).unwrap())
        .start()
        .await
        .unwrap()
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

/// A notification as the feed serves it.
fn item(slug: i64) -> Value {
    json!({
        "slug": slug,
        "title": format!("اعلان {slug}"),
        "description": "<p>متن <b>اعلان</b></p>",
        "timestamp": "2022-07-26T12:56:34.883091Z",
        "unread": slug % 2 == 0,
        "public": false,
        "target_type": "general",
    })
}

fn items(slugs: std::ops::Range<i64>) -> Vec<Value> {
    slugs.rev().map(item).collect()
}

fn request(name: &str, cluster_id: i64) -> CreateNamespace {
    CreateNamespace::builder()
        .name(name)
        .cluster_id(cluster_id)
        .try_into()
        .unwrap()
}

/// A crafted page, served as the mock serves JSON.
fn raw_page(count: i64, slugs: std::ops::Range<i64>, next: Option<String>) -> Fault {
    let page = json!({
        "count": count,
        "next": next,
        "previous": null,
        "results": slugs.map(item).collect::<Vec<_>>(),
    });
    Fault::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: serde_json::to_vec(&page).unwrap(),
    }
}

/// A `next` link to the mock's own feed.
fn next_link(server: &MockServer, offset: u64) -> Option<String> {
    Some(format!(
        "{}{}?limit=10&offset={offset}",
        server.url(),
        LIST_NOTIFICATIONS.path
    ))
}

/// The key is in none of the error's texts.
fn assert_key_secret(error: &Error) {
    let text = format!("{error} {error:#} {error:?} {}", error.report());
    assert!(!text.contains(KEY), "the API key leaked: {text}");
}

// ---------------------------------------------------------------------------------------------
// Notifications.

#[tokio::test]
async fn one_page_sends_the_organization_and_reads_the_page() {
    let server = mock().await;
    let page = client(&server).notifications(ORG, 10, 0).await.unwrap();
    assert_eq!(page.count, 37);
    assert_eq!(page.results.len(), 10);
    assert!(page.previous.is_none());
    let next = page.next.unwrap();
    assert!(next.starts_with(&server.url()), "{next}");
    assert_eq!(server.last_request_header("x-organization").unwrap(), ORG);
    let last = client(&server).notifications(ORG, 10, 30).await.unwrap();
    assert_eq!((last.results.len(), last.next), (7, None));
}

#[tokio::test]
async fn walking_the_default_feed_reads_every_item_once() {
    let server = mock().await;
    let client = client(&server);
    let mut by_page = Vec::new();
    for offset in (0..37).step_by(10) {
        by_page.extend(client.notifications(ORG, 10, offset).await.unwrap().results);
    }
    let before = server.request_count_on(&LIST_NOTIFICATIONS);
    let walked = client
        .walk_notifications(ORG)
        .page_size(10)
        .collect()
        .await
        .unwrap();
    assert_eq!(walked, by_page);
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS) - before, 4);
    // The default page size reads it in one request.
    let all = client.all_notifications(ORG).await.unwrap();
    assert_eq!(all, by_page);
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS) - before, 5);
}

#[tokio::test]
async fn feeds_of_every_size_are_walked_to_their_end() {
    // (feed size, page size, requests the walk makes)
    for (size, page_size, requests) in [
        (0, 10, 1),
        (1, 10, 1),
        (5, 10, 1),
        (10, 10, 1),
        (20, 10, 2),
        (21, 10, 3),
        (250, 100, 3),
    ] {
        let server = mock_with_feed(&items(0..size)).await;
        let walked = client(&server)
            .walk_notifications(ORG)
            .page_size(page_size)
            .collect()
            .await
            .unwrap();
        let slugs: Vec<i64> = walked.iter().map(|n| n.slug).collect();
        assert_eq!(
            slugs,
            (0..size).rev().collect::<Vec<_>>(),
            "{size}/{page_size}"
        );
        assert_eq!(
            server.request_count_on(&LIST_NOTIFICATIONS),
            requests,
            "{size}/{page_size}"
        );
    }
}

#[tokio::test]
async fn a_page_size_over_the_service_cap_still_reads_everything() {
    // The mock, like DRF with max_limit, sends at most 100 per page whatever is asked.
    let server = mock_with_feed(&items(0..250)).await;
    let walked = client(&server)
        .walk_notifications(ORG)
        .page_size(1000)
        .collect()
        .await
        .unwrap();
    assert_eq!(walked.len(), 250);
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS), 3);
}

#[tokio::test]
async fn the_stream_fetches_pages_only_as_they_are_read() {
    let server = mock().await;
    let first: Vec<_> = client(&server)
        .walk_notifications(ORG)
        .page_size(10)
        .into_stream()
        .take(3)
        .collect()
        .await;
    assert_eq!(first.len(), 3);
    assert!(first.iter().all(Result::is_ok));
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS), 1);
}

/// Walks that must stop with a pagination error, each with crafted pages: the error's text,
/// the items handed out before it, and the requests made.
#[tokio::test]
async fn walks_that_cannot_be_trusted_stop_with_an_error() {
    type Pages = fn(&MockServer, &MockServer) -> Vec<Fault>;
    let cases: Vec<(&str, Pages, &str, usize, usize)> = vec![
        (
            "count changing mid-walk",
            |s, _| {
                vec![
                    raw_page(20, 0..10, next_link(s, 10)),
                    raw_page(21, 10..20, None),
                ]
            },
            "its total went from 20 to 21",
            10,
            2,
        ),
        (
            "a page that repeats",
            |s, _| {
                vec![
                    raw_page(30, 0..10, next_link(s, 10)),
                    raw_page(30, 0..10, next_link(s, 10)),
                ]
            },
            "only items already received",
            10,
            2,
        ),
        (
            "next to another origin",
            |_, elsewhere| {
                // `localhost` and `127.0.0.1` are different origins, as another host would be.
                let next = format!(
                    "http://localhost:{}{}?offset=10",
                    elsewhere.addr().port(),
                    LIST_NOTIFICATIONS.path
                );
                vec![raw_page(20, 0..10, Some(next))]
            },
            "another origin",
            0,
            1,
        ),
        (
            "more items than the total",
            |s, _| vec![raw_page(5, 0..10, next_link(s, 10))],
            "more items than the total of 5",
            0,
            1,
        ),
    ];
    for (name, pages, message, handed_out, requests) in cases {
        let server = mock().await;
        let elsewhere = mock().await;
        for fault in pages(&server, &elsewhere) {
            server.push_fault_on(&LIST_NOTIFICATIONS, fault, 1);
        }
        let stream = client(&server)
            .walk_notifications(ORG)
            .page_size(10)
            .into_stream();
        let results: Vec<Result<_, Error>> = stream.collect().await;
        let (ok, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        assert_eq!(ok.len(), handed_out, "{name}");
        assert_eq!(errors.len(), 1, "{name}: the stream ends after its error");
        let error = errors.into_iter().next().unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Pagination, "{name}: {error:?}");
        assert!(error.to_string().contains(message), "{name}: {error}");
        assert_eq!(error.organization(), Some(ORG));
        assert_key_secret(&error);
        assert_eq!(
            server.request_count_on(&LIST_NOTIFICATIONS),
            requests,
            "{name}"
        );
        assert_eq!(
            elsewhere.request_count(),
            0,
            "{name}: the key went elsewhere"
        );
    }
}

#[tokio::test]
async fn the_page_cap_ends_a_feed_that_never_ends() {
    let server = mock_with_feed(&items(0..100)).await;
    let error = client(&server)
        .walk_notifications(ORG)
        .page_size(10)
        .max_pages(3)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Pagination);
    assert!(error.to_string().contains("cap of 3 pages"), "{error}");
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS), 3);
}

// ---------------------------------------------------------------------------------------------
// Organization names.

#[tokio::test]
async fn organization_names_that_cannot_be_a_header_are_refused_before_sending() {
    let server = mock().await;
    let client = client(&server);
    for bad in [
        "",
        "my team",
        "my-team\r\nx-evil: 1",
        "تیم",
        "\u{1b}[2J",
        "\0",
    ] {
        let errors = [
            client.notifications(bad, 10, 0).await.unwrap_err(),
            client.all_notifications(bad).await.unwrap_err(),
            client
                .create_namespace(bad, &request("x", CLUSTER))
                .await
                .unwrap_err(),
            client.delete_namespace(bad, 1).await.unwrap_err(),
        ];
        for error in errors {
            assert!(error.is_config(), "{bad:?}: {error:?}");
            assert!(
                error.to_string().starts_with("invalid organization name"),
                "{error}"
            );
            assert!(!error.to_string().chars().any(char::is_control), "{error}");
        }
    }
    let error = client.notifications(ORG, 0, 0).await.unwrap_err();
    assert!(error.is_config(), "{error:?}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn an_unknown_organization_is_a_refusal_that_names_it() {
    let server = mock().await;
    let error = client(&server)
        .notifications("not-mine", 10, 0)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(error.status().unwrap().as_u16(), 403);
    assert_eq!(error.organization(), Some("not-mine"));
    let text = error.to_string();
    assert!(
        text.starts_with("the API refused the request (403 Forbidden)")
            && text.contains("\"not-mine\" is the `name` of an organization"),
        "{text}"
    );
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Namespaces.

#[tokio::test]
async fn a_namespace_is_created_then_deleted_then_gone() {
    let server = mock().await;
    let client = client(&server);
    let namespace = client
        .create_namespace(ORG, &request("my-team-staging", CLUSTER))
        .await
        .unwrap();
    assert_eq!(namespace.name, "my-team-staging");
    assert_eq!(namespace.cluster.id, Some(CLUSTER));
    assert_eq!(server.namespaces(ORG).len(), 1);
    assert_eq!(
        server.last_request_header("content-type").unwrap(),
        "application/json"
    );
    client.delete_namespace(ORG, namespace.id).await.unwrap();
    assert_eq!(server.namespace_count(), 0);
    // Deleting it again: the first attempt's 404 is an error, not a success.
    let error = client
        .delete_namespace(ORG, namespace.id)
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 404);
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn an_unknown_cluster_is_a_validation_error_naming_the_field() {
    let server = mock().await;
    let error = client(&server)
        .create_namespace(ORG, &request("my-team-x", 999_999))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error:?}");
    assert_eq!(error.status().unwrap().as_u16(), 400);
    let fields = error.field_errors().unwrap();
    let messages = fields.get("cluster_id").unwrap();
    assert!(!messages.is_empty());
    assert!(
        error
            .to_string()
            .starts_with("the API refused the request as invalid (400 Bad Request): cluster_id: "),
        "{error}"
    );
    assert_eq!(server.request_count_on(&CREATE_NAMESPACE), 1);
    assert_eq!(server.namespace_count(), 0);
}

#[tokio::test]
async fn a_hostile_validation_body_is_listed_whole_and_shown_short() {
    let server = mock().await;
    let body = json!({
        "non_field_errors": ["\u{1b}]0;owned\u{7}whole request"],
        "name": ["bad\n".repeat(100_000)],
        "cluster": {"id": ["nested"]},
    });
    server.push_fault_on(
        &CREATE_NAMESPACE,
        Fault::Raw {
            status: 400,
            content_type: "application/json".into(),
            body: serde_json::to_vec(&body).unwrap(),
        },
        1,
    );
    let error = client(&server)
        .create_namespace(ORG, &request("my-team-x", CLUSTER))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    let fields = error.field_errors().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f.field()).collect();
    assert_eq!(names[0], "non_field_errors");
    assert!(
        names.contains(&"cluster.id") && names.contains(&"name"),
        "{names:?}"
    );
    assert_eq!(
        fields.non_field_errors(),
        ["\u{1b}]0;owned\u{7}whole request"]
    );
    for text in [error.to_string(), error.report()] {
        assert!(text.chars().count() < 500, "{}", text.chars().count());
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.contains(r"\u{1b}]0;owned\u{7}whole request"), "{text}");
    }
}

/// The retry rules of each method, counted by the mock: (name, operation, faults queued on it,
/// client settings, expected outcome (None: success) and requests the operation received).
#[tokio::test]
async fn each_method_is_retried_by_its_own_rule() {
    type Configure = fn(ClientBuilder) -> ClientBuilder;
    type Row = (
        &'static str,
        bool,
        Vec<Fault>,
        Configure,
        Option<ErrorKind>,
        usize,
    );
    let quick: Configure = |b| b.timeout(Duration::from_millis(300));
    let cases: Vec<Row> = vec![
        // POST: only when the request certainly did not reach the service.
        (
            "POST 429 is retried",
            true,
            vec![Fault::status(429)],
            quick,
            None,
            2,
        ),
        (
            "POST whose response times out is sent once",
            true,
            vec![Fault::Delay(Duration::from_secs(3))],
            quick,
            Some(ErrorKind::Timeout),
            1,
        ),
        (
            "POST closed after sending is sent once",
            true,
            vec![Fault::Close],
            quick,
            Some(ErrorKind::Transport),
            1,
        ),
        (
            "POST 503 is sent once",
            true,
            vec![Fault::status(503)],
            quick,
            Some(ErrorKind::Api),
            1,
        ),
        (
            "POST 502 is sent once",
            true,
            vec![Fault::status(502)],
            quick,
            Some(ErrorKind::Api),
            1,
        ),
        // DELETE: like a read.
        (
            "DELETE 503 is retried",
            false,
            vec![Fault::status(503)],
            quick,
            None,
            2,
        ),
        (
            "DELETE closed after sending is retried",
            false,
            vec![Fault::Close],
            quick,
            None,
            2,
        ),
        (
            "DELETE that times out is retried",
            false,
            vec![Fault::Delay(Duration::from_secs(3))],
            quick,
            None,
            2,
        ),
    ];
    for (name, create, faults, configure, expected, requests) in cases {
        let server = mock().await;
        let client = configure(builder(&server)).build().unwrap();
        let (operation, result) = if create {
            for fault in faults {
                server.push_fault_on(&CREATE_NAMESPACE, fault, 1);
            }
            let result = client
                .create_namespace(ORG, &request("my-team-a", CLUSTER))
                .await
                .map(|_| ());
            (&CREATE_NAMESPACE, result)
        } else {
            let id = client
                .create_namespace(ORG, &request("my-team-a", CLUSTER))
                .await
                .unwrap()
                .id;
            for fault in faults {
                server.push_fault_on(&DELETE_NAMESPACE, fault, 1);
            }
            (&DELETE_NAMESPACE, client.delete_namespace(ORG, id).await)
        };
        match (&result, expected) {
            (Ok(()), None) => {}
            (Err(error), Some(kind)) => {
                assert_eq!(error.kind(), kind, "{name}: {error:?}");
                assert_key_secret(error);
            }
            (result, expected) => panic!("{name}: expected {expected:?}, got {result:?}"),
        }
        assert_eq!(server.request_count_on(operation), requests, "{name}");
    }
}

#[tokio::test]
async fn a_post_refused_at_connect_is_retried_until_the_service_listens() {
    // The mock stops listening for a while: the first attempts cannot connect, so the request
    // certainly never reached it, and even a POST is sent again.
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
    let namespace = client
        .create_namespace(ORG, &request("my-team-late", CLUSTER))
        .with_subscriber(logs.subscriber())
        .await
        .unwrap();
    assert_eq!(namespace.name, "my-team-late");
    assert!(
        logs.text().contains("retrying"),
        "no attempt was refused: {}",
        logs.text()
    );
    assert_eq!(server.request_count_on(&CREATE_NAMESPACE), 1);
    assert_eq!(server.namespace_count(), 1);
}

#[tokio::test]
async fn a_post_refused_at_connect_every_time_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_retries(2)
        .build()
        .unwrap()
        .create_namespace(ORG, &request("my-team-a", CLUSTER))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert_eq!(error.attempts(), 3);
}

/// A delete whose first attempt's outcome is unknown and whose retry answers 404: the first
/// attempt deleted it. Rows: faults on the delete, expected outcome, and whether the log says so.
#[tokio::test]
async fn a_404_after_an_unknown_outcome_counts_as_deleted() {
    let not_found = || Fault::Raw {
        status: 404,
        content_type: "application/json".into(),
        body: br#"{"detail": "\u06cc\u0627\u0641\u062a \u0646\u0634\u062f.", "code": "not_found"}"#
            .to_vec(),
    };
    let cases: Vec<(&str, Vec<Fault>, bool)> = vec![
        (
            "closed after sending, then 404",
            vec![Fault::Close, not_found()],
            true,
        ),
        (
            "502 from a gateway, then 404",
            vec![Fault::status(502), not_found()],
            true,
        ),
        // A 503 says the service did not act: a 404 after it is a plain 404.
        (
            "503, then 404",
            vec![Fault::status(503), not_found()],
            false,
        ),
        ("404 at once", vec![not_found()], false),
    ];
    for (name, faults, deleted) in cases {
        let server = mock().await;
        let logs = Logs::default();
        let run = async {
            let client = client(&server);
            for fault in faults {
                server.push_fault_on(&DELETE_NAMESPACE, fault, 1);
            }
            client.delete_namespace(ORG, 7).await
        };
        let result = run.with_subscriber(logs.subscriber()).await;
        let logs = logs.text();
        assert_eq!(result.is_ok(), deleted, "{name}: {result:?}");
        assert_eq!(
            logs.contains("that attempt deleted it"),
            deleted,
            "{name}: {logs}"
        );
        assert!(!logs.contains(KEY));
        if let Err(error) = result {
            assert_eq!(error.status().unwrap().as_u16(), 404, "{name}");
        }
    }
}

#[tokio::test]
async fn a_delete_that_timed_out_but_happened_is_reported_as_deleted() {
    // The first attempt times out, but the mock deletes the namespace when its delay ends; the
    // retry waits for that, then gets 404.
    let server = mock().await;
    let client = builder(&server)
        .timeout(Duration::from_millis(1000))
        .build()
        .unwrap();
    let id = client
        .create_namespace(ORG, &request("my-team-slow", CLUSTER))
        .await
        .unwrap()
        .id;
    server.push_fault_on(
        &DELETE_NAMESPACE,
        Fault::Delay(Duration::from_millis(1500)),
        1,
    );
    server.push_fault_on(
        &DELETE_NAMESPACE,
        Fault::Delay(Duration::from_millis(800)),
        1,
    );
    client.delete_namespace(ORG, id).await.unwrap();
    assert_eq!(server.request_count_on(&DELETE_NAMESPACE), 2);
    assert_eq!(server.namespace_count(), 0);
}
