//! Arbitrary bytes, parsed as JSON, into schema validation: it must return, never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let valid = hamravesh_types::is_valid(&value);
        let report = hamravesh_types::validate(&value);
        assert_eq!(valid, report.is_ok(), "is_valid and validate disagree");
        if let Err(errors) = report {
            assert!(!errors.errors().is_empty());
            let _ = errors.to_string();
        }
    }
});
