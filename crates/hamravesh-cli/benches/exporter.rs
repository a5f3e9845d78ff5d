//! A scrape of `hamravesh exporter` answered from its cache, next to `/healthz` on the same
//! server (which does no work) as the baseline, in the same run: the difference is what encoding
//! the cached metrics costs. The exporter runs as the real binary against `hamravesh mock`.
//!
//! `cargo bench -p hamravesh-cli --bench exporter`; compare the two `time` figures as a ratio.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark with a broken setup should stop loudly

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};

/// A child process killed when the benchmark ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `hamravesh ARGS` and returns it with the URL its first stdout line announces.
fn start(args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hamravesh"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    (Running(child), url)
}

fn scrapes(c: &mut Criterion) {
    let (_mock, mock_url) = start(&["mock"], &[]);
    let (_exporter, exporter_url) = start(
        &[
            "exporter",
            "--listen",
            "127.0.0.1:0",
            "--base-url",
            &mock_url,
        ],
        &[("HAMRAVESH_API_KEY", hamravesh_mock::DEFAULT_API_KEY)],
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let metrics = format!("{exporter_url}/metrics");
    let health = format!("{exporter_url}/healthz");
    // Wait for the first poll, so that every measured scrape carries the organization's figures.
    runtime.block_on(async {
        for _ in 0..200 {
            let body = http
                .get(&metrics)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if body.contains("hamravesh_organization_balance") {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the exporter never polled the mock");
    });

    let mut group = c.benchmark_group("exporter");
    for (name, url) in [("healthz_baseline", &health), ("metrics_scrape", &metrics)] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                let response = http.get(url.as_str()).send().await.unwrap();
                assert!(response.status().is_success());
                response.bytes().await.unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, scrapes);
criterion_main!(benches);
