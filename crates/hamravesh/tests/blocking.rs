//! The blocking client: same API, no async runtime in the caller.
#![cfg(feature = "blocking")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh::blocking;
use hamravesh_mock::{Fault, MockServer};

#[test]
fn blocking_client_fetches_and_retries() {
    // The mock runs on its own runtime; the test thread has none, like a plain program.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.push_fault(Fault::status(503), 1);
    let builder = hamravesh::Client::builder()
        .api_key(server.api_key())
        .base_url(server.url())
        .backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        );
    let client = blocking::Client::from_builder(builder).unwrap();
    let profile = client.profile().unwrap();
    assert_eq!(profile.organizations[0].id, 1598);
    assert_eq!(server.request_count(), 2);
    let raw = client.profile_json().unwrap();
    assert_eq!(raw, hamravesh_mock::DEFAULT_PROFILE.as_bytes());
}
