//! Per-payload costs, measured in one run so they can be read as ratios:
//! parsing a profile into `serde_json::Value` (the baseline), decoding it into `Profile`,
//! validating an already parsed value against the schema, the schema-specialised fast path
//! alone (one pass over the bytes, no `Value`), and `check_bytes` (the fast path, and when it
//! cannot prove the payload valid, the full path: strict parse with the repeated-key check, then
//! validation), which `hamravesh validate` runs per payload. The `invalid_payload` group compares
//! `check_bytes` on invalid payloads with the full path alone (what `check_bytes` was before the
//! fast path): the price of trying the fast path first.
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
    group.bench_function("fast_path", |b| {
        b.iter(|| validator.fast_path_accepts(black_box(&bytes)) == Some(true));
    });
    group.finish();
}

/// The full path as `check_bytes` ran it before the fast path existed.
fn full_path(bytes: &[u8], validator: &hamravesh_types::Validator, max_errors: usize) -> bool {
    match parse_payload(bytes, max_errors) {
        Ok(value) => validator.validate_capped(&value, max_errors).is_ok(),
        Err(_) => false,
    }
}

fn invalid_payloads(c: &mut Criterion) {
    let validator = Document::Profile.validator();
    let valid: serde_json::Value = serde_json::from_slice(&payload()).unwrap();
    // An error near the start (the fast path stops early) and one it only sees at the end.
    let mut early = valid.clone();
    early["first_name"] = serde_json::json!(5);
    let mut late = valid;
    late.as_object_mut().unwrap().remove("profile_settings");
    let mut group = c.benchmark_group("invalid_payload");
    for (name, value) in [("early_error", early), ("late_error", late)] {
        let bytes = serde_json::to_vec(&value).unwrap();
        assert!(!check_bytes(&bytes, validator, 0).is_valid());
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        for (label, max_errors) in [("", 100), ("_quiet", 0)] {
            group.bench_function(format!("{name}/full_path{label}"), |b| {
                b.iter(|| full_path(black_box(&bytes), validator, max_errors));
            });
            group.bench_function(format!("{name}/check_bytes{label}"), |b| {
                b.iter(|| check_bytes(black_box(&bytes), validator, max_errors).is_valid());
            });
        }
    }
    group.finish();
}

criterion_group!(benches, per_payload, invalid_payloads);
criterion_main!(benches);
