//! Arbitrary bytes into typed decoding: it must return, never panic or overflow the stack.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(error) = hamravesh_types::decode::<hamravesh_types::Profile>(data) {
        // Formatting the error walks its path; it must not panic either.
        let _ = error.to_string();
    }
});
