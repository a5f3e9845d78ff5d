//! Arbitrary bytes into `check_bytes` and schema validation: they must return, never panic, and
//! the error cap must never change a verdict.
#![no_main]

use hamravesh_types::{Document, Verdict, check_bytes};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let validator = Document::Profile.validator();
    let listed = check_bytes(data, validator, 100);
    let verdict_only = check_bytes(data, validator, 0);
    assert_eq!(
        listed.is_valid(),
        verdict_only.is_valid(),
        "the error cap changed the verdict"
    );
    if let Verdict::Invalid(report) = &listed {
        assert!(!report.errors.is_empty() && report.errors.len() <= 100);
        let _ = report.to_string();
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let valid = Document::Profile.is_valid(&value);
        let report = Document::Profile.validate(&value);
        assert_eq!(valid, report.is_ok(), "is_valid and validate disagree");
        if let Err(errors) = report {
            assert!(!errors.errors().is_empty());
            let _ = errors.to_string();
        }
    }
});
