//! Per-payload costs, measured in one run so they can be read as ratios:
//! parsing a profile into `serde_json::Value` (the baseline), decoding it into `Profile`,
//! validating an already parsed value against the schema, and `check_bytes` (strict parse with
//! the repeated-key check, then validation), which `hamravesh validate` runs per payload.
//!
//! `cargo bench -p hamravesh-types --bench decode_validate`
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark with a broken setup should stop loudly

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hamravesh_types::{Document, Profile, check_bytes, decode, parse_payload};

fn payload() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/payloads/valid/several-organizations-with-roles.json"
    ))
    .unwrap()
}

fn per_payload(c: &mut Criterion) {
    let bytes = payload();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let validator = Document::Profile.validator();
    assert!(validator.is_valid(&value));

    let mut group = c.benchmark_group("profile_payload");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("parse_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap());
    });
    group.bench_function("decode_typed", |b| {
        b.iter(|| decode::<Profile>(black_box(&bytes)).unwrap())
    });
    group.bench_function("decode_typed_serde_json_only", |b| {
        b.iter(|| serde_json::from_slice::<Profile>(black_box(&bytes)).unwrap());
    });
    // The floor of any scan of the text: serde_json reading every token and keeping nothing.
    group.bench_function("scan_ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&bytes)).unwrap());
    });
    group.bench_function("validate_value", |b| {
        b.iter(|| validator.validate(black_box(&value)).unwrap())
    });
    group.bench_function("is_valid_value", |b| {
        b.iter(|| validator.is_valid(black_box(&value)))
    });
    group.bench_function("parse_and_validate", |b| {
        b.iter(|| {
            let value: serde_json::Value = serde_json::from_slice(black_box(&bytes)).unwrap();
            validator.is_valid(&value)
        });
    });
    group.bench_function("parse_payload_strict", |b| {
        b.iter(|| parse_payload(black_box(&bytes), 100).unwrap());
    });
    group.bench_function("check_bytes", |b| {
        b.iter(|| check_bytes(black_box(&bytes), validator, 100).is_valid());
    });
    group.bench_function("check_bytes_quiet", |b| {
        b.iter(|| check_bytes(black_box(&bytes), validator, 0).is_valid());
    });
    group.finish();
}

criterion_group!(benches, per_payload);
criterion_main!(benches);
