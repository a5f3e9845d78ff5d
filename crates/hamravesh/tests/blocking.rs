//! The blocking client: same API, no async runtime in the caller, and never a panic inside one.
#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::time::Duration;

use hamravesh::{ConfigError, ErrorKind, blocking};
use hamravesh_mock::{Fault, MockServer};

/// A mock on its own runtime (kept alive by the caller) and a builder pointed at it.
fn mock() -> (
    tokio::runtime::Runtime,
    MockServer,
    hamravesh::ClientBuilder,
) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start()).unwrap();
    let builder = hamravesh::Client::builder()
        .api_key(server.api_key())
        .base_url(server.url())
        .backoff(Duration::from_millis(1), Duration::from_millis(2));
    (runtime, server, builder)
}

#[test]
fn blocking_client_fetches_and_retries() {
    // The mock runs on its own runtime; the test thread has none, like a plain program.
    let (_runtime, server, builder) = mock();
    server.push_fault(Fault::status(503), 1);
    let client = blocking::Client::from_builder(builder).unwrap();
    let profile = client.get_profile().unwrap();
    assert_eq!(profile.organizations[0].id, 1598);
    assert_eq!(server.request_count(), 2);
    let raw = client.profile_json().unwrap();
    assert_eq!(raw, hamravesh_mock::DEFAULT_PROFILE.as_bytes());
}

#[test]
fn clones_share_the_client_and_debug_shows_settings() {
    let (_runtime, server, builder) = mock();
    let client = blocking::Client::from_builder(builder.timeout(Duration::from_secs(7))).unwrap();
    let clone = client.clone();
    drop(client);
    clone.get_profile().unwrap();
    let debug = format!("{clone:?}");
    assert!(debug.starts_with("blocking::Client {"), "{debug}");
    assert!(
        debug.contains("timeout: 7s") && debug.contains("[redacted]"),
        "{debug}"
    );
    assert!(
        !debug.contains("Runtime") && !debug.contains("driver"),
        "{debug}"
    );
    assert!(!debug.contains(server.api_key()), "{debug}");
}

fn assert_inside_runtime_error(error: hamravesh::Error) {
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(
        matches!(error.config(), Some(ConfigError::InsideAsyncRuntime)),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("use the async hamravesh::Client"),
        "{error}"
    );
}

#[test]
fn building_inside_a_runtime_is_an_error_not_a_panic() {
    let (runtime, _server, builder) = mock();
    let error = runtime
        .block_on(async { blocking::Client::from_builder(builder) })
        .unwrap_err();
    assert_inside_runtime_error(error);
}

#[test]
fn calling_and_dropping_inside_a_runtime_is_an_error_not_a_panic() {
    let (runtime, server, builder) = mock();
    let client = blocking::Client::from_builder(builder).unwrap();
    let client = runtime.block_on(async move {
        assert_inside_runtime_error(client.get_profile().unwrap_err());
        assert_inside_runtime_error(client.profile_json().unwrap_err());
        client
    });
    assert_eq!(server.request_count(), 0);
    // Still usable outside, then dropped inside a runtime: the last clone winds down its runtime
    // without panicking.
    client.get_profile().unwrap();
    runtime.block_on(async move { drop(client) });
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_inside_a_multi_thread_runtime_does_not_panic() {
    let server = MockServer::start().await.unwrap();
    let builder = hamravesh::Client::builder()
        .api_key(server.api_key())
        .base_url(server.url());
    let client = tokio::task::spawn_blocking(move || {
        let client = blocking::Client::from_builder(builder);
        // spawn_blocking threads are inside the runtime's context too: refused, not a panic.
        client.map(|_| ()).unwrap_err()
    })
    .await
    .unwrap();
    assert_inside_runtime_error(client);
    let built = std::thread::spawn(move || {
        blocking::Client::from_builder(
            hamravesh::Client::builder()
                .api_key(server.api_key())
                .base_url(server.url()),
        )
        .unwrap()
    })
    .join()
    .unwrap();
    drop(built);
}

/// The organization of the mock's default profile, and the cluster it may use.
const ORG: &str = "my-team";

#[test]
fn blocking_client_reads_the_feed_page_by_page_and_whole() {
    let (_runtime, server, builder) = mock();
    let client = blocking::Client::from_builder(builder).unwrap();
    let page = client.notifications(ORG, 10, 0).unwrap();
    assert_eq!((page.count, page.results.len()), (37, 10));
    let all = client.all_notifications(ORG).unwrap();
    assert_eq!(all.len(), 37);
    assert_eq!(all[..10], page.results[..]);
    // The iterator fetches a page only when the last one is used up.
    let before = server.request_count();
    let first: Vec<_> = client
        .walk_notifications(ORG)
        .page_size(10)
        .into_iter()
        .take(12)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(first, all[..12]);
    assert_eq!(server.request_count() - before, 2);
    let walked = client
        .walk_notifications(ORG)
        .page_size(7)
        .collect()
        .unwrap();
    assert_eq!(walked, all);
}

#[test]
fn blocking_iterator_ends_after_its_error() {
    let (_runtime, server, builder) = mock();
    let client = blocking::Client::from_builder(builder.max_retries(0)).unwrap();
    server.push_fault(Fault::status(500), 1);
    let results: Vec<_> = client.walk_notifications(ORG).into_iter().collect();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().unwrap_err().status().unwrap().as_u16(),
        500
    );
    // An invalid organization is refused before sending, as the first and only item.
    let results: Vec<_> = client.walk_notifications("a b").into_iter().collect();
    assert_eq!(results.len(), 1);
    assert!(results[0].as_ref().unwrap_err().is_config());
    assert_eq!(server.request_count(), 1);
}

#[test]
fn blocking_client_creates_and_deletes_a_namespace() {
    let (_runtime, server, builder) = mock();
    let client = blocking::Client::from_builder(builder).unwrap();
    let request = hamravesh::types::namespaces::CreateNamespace::builder()
        .name("my-team-blocking")
        .cluster_id(53)
        .try_into()
        .unwrap();
    let namespace = client.create_namespace(ORG, &request).unwrap();
    assert_eq!(server.namespace_count(), 1);
    client.delete_namespace(ORG, namespace.id).unwrap();
    assert_eq!(server.namespace_count(), 0);
    let error = client.delete_namespace(ORG, namespace.id).unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 404);
}

#[test]
fn blocking_walk_inside_a_runtime_is_an_error_not_a_panic() {
    let (runtime, server, builder) = mock();
    let client = blocking::Client::from_builder(builder).unwrap();
    let walk = client.walk_notifications(ORG);
    let mut iterator = walk.clone().into_iter();
    runtime.block_on(async {
        assert_inside_runtime_error(iterator.next().unwrap().unwrap_err());
        assert!(iterator.next().is_none());
        assert_inside_runtime_error(walk.collect().unwrap_err());
        assert_inside_runtime_error(client.all_notifications(ORG).unwrap_err());
    });
    assert_eq!(server.request_count(), 0);
}

#[test]
fn blocking_client_takes_timeouts_of_duration_max() {
    let (_runtime, server, builder) = mock();
    server.push_fault(Fault::status(503), 1);
    let builder = builder
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .total_timeout(Duration::MAX);
    let client = blocking::Client::from_builder(builder).unwrap();
    client.get_profile().unwrap();
    assert_eq!(server.request_count(), 2);
}
