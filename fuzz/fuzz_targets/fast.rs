//! Arbitrary bytes into the schema-specialised fast path of every embedded document, against the
//! full path (parse into `Value` with the repeated-key check, then jsonschema): the fast path may
//! say "valid" only where the full path does (soundness), and should say it wherever the full
//! path does (otherwise valid payloads pay for both). Any disagreement is a bug in one of them.
#![no_main]

use hamravesh_types::{Document, check_bytes, parse_payload};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for kind in Document::ALL {
        let validator = kind.validator();
        let fast = validator.fast_path_accepts(data);
        assert!(fast.is_some(), "{kind} has no fast path");
        let full = parse_payload(data, 0).is_ok_and(|value| validator.is_valid(&value));
        assert_eq!(
            fast == Some(true),
            full,
            "{kind}: fast {fast:?}, full {full}: {:?}",
            String::from_utf8_lossy(data)
        );
        // `check_bytes` takes the fast path first; its verdict must still be the full path's.
        assert_eq!(check_bytes(data, validator, 0).is_valid(), full);
    }
});
