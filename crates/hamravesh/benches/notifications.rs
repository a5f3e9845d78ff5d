//! The cost of walking the notification feed: every page of a 5,000-item feed (50 pages of 100)
//! through `walk_notifications`, next to the same 50 requests made with a bare `reqwest::Client`
//! that decodes each page with plain serde_json, in the same run.
//!
//! `cargo bench -p hamravesh --bench notifications`; compare the two `time` figures as a ratio.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark with a broken setup should stop loudly

use criterion::{Criterion, criterion_group, criterion_main};
use hamravesh::types::ORGANIZATION_HEADER;
use hamravesh::types::notifications::NotificationPage;
use hamravesh::types::operations::LIST_NOTIFICATIONS;
use hamravesh_mock::MockServer;

const ITEMS: i64 = 5_000;
const PAGE: u32 = 100;
const ORG: &str = "my-team";

fn feed() -> Vec<u8> {
    let items: Vec<serde_json::Value> = (0..ITEMS)
        .rev()
        .map(|slug| {
            serde_json::json!({
                "slug": slug,
                "title": format!("اعلان شمارهٔ {slug}"),
                "description": "<p>متن <b>اعلان</b> با <a href=\"https://hamravesh.com\">پیوند</a></p>",
                "timestamp": "2022-07-26T12:56:34.883091Z",
                "unread": slug % 3 == 0,
                "public": false,
                "target_type": "general",
            })
        })
        .collect();
    serde_json::to_vec(&items).unwrap()
}

fn walk(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(MockServer::builder().notifications_json(feed()).start())
        .unwrap();
    let url = format!("{}{}", server.url(), LIST_NOTIFICATIONS.path);
    let authorization = format!("Api-key {}", server.api_key());
    let sdk = runtime.block_on(async {
        hamravesh::Client::builder()
            .api_key(server.api_key())
            .base_url(server.url())
            .build()
            .unwrap()
    });
    let bare = reqwest::Client::builder().no_proxy().build().unwrap();

    let mut group = c.benchmark_group("notifications_5000");
    group.sample_size(20);
    group.bench_function("bare_reqwest_pages", |b| {
        b.to_async(&runtime).iter(|| async {
            let mut total = 0;
            for offset in (0..ITEMS).step_by(PAGE as usize) {
                let response = bare
                    .get(format!("{url}?limit={PAGE}&offset={offset}"))
                    .header("Authorization", &authorization)
                    .header(ORGANIZATION_HEADER, ORG)
                    .send()
                    .await
                    .unwrap();
                let page: NotificationPage =
                    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
                total += page.results.len();
            }
            assert_eq!(total, ITEMS as usize);
        });
    });
    group.bench_function("sdk_walk", |b| {
        b.to_async(&runtime).iter(|| async {
            let all = sdk
                .walk_notifications(ORG)
                .page_size(PAGE)
                .collect()
                .await
                .unwrap();
            assert_eq!(all.len(), ITEMS as usize);
        });
    });
    group.finish();
}

criterion_group!(benches, walk);
criterion_main!(benches);
