//! The SDK's overhead: sequential `profile()` calls against the local mock, next to the same
//! request made with a bare `reqwest::Client` that only reads the bytes, and through
//! `Client::request` for the raw answer, in the same run.
//!
//! `cargo bench -p hamravesh --bench profile`; compare the two `time` figures as a ratio.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark with a broken setup should stop loudly

use criterion::{Criterion, criterion_group, criterion_main};
use hamravesh_mock::MockServer;

fn profile_calls(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start()).unwrap();
    let url = format!("{}{}", server.url(), hamravesh::PROFILE_PATH);
    let authorization = format!("Api-key {}", server.api_key());

    let sdk = runtime.block_on(async {
        hamravesh::Client::builder()
            .api_key(server.api_key())
            .base_url(server.url())
            .build()
            .unwrap()
    });
    let bare = reqwest::Client::builder().no_proxy().build().unwrap();

    let mut group = c.benchmark_group("profile");
    group.bench_function("bare_reqwest_bytes", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = bare
                .get(&url)
                .header("Authorization", &authorization)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            response.bytes().await.unwrap()
        });
    });
    group.bench_function("sdk_profile", |b| {
        b.to_async(&runtime)
            .iter(|| async { sdk.get_profile().await.unwrap() });
    });
    // The same request through `Client::request`, the raw answer (no decoding).
    group.bench_function("sdk_request_raw", |b| {
        b.to_async(&runtime).iter(|| async {
            sdk.request(hamravesh::Method::GET, hamravesh::PROFILE_PATH)
                .send_raw()
                .await
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, profile_calls);
criterion_main!(benches);
