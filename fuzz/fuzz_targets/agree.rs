//! Differential: typed decoding and `check_bytes` (parse, repeated keys, schema) must give the
//! same verdict on a valid profile changed in the ways they once disagreed on: an arbitrary
//! `creation_time` (`Timestamp` against `date-time`), an arbitrary `u64` as an organization id
//! (past `i64::MAX` the schema's `maximum` must refuse what `i64` cannot hold), and a documented
//! field written twice (typed decoding refuses a repeated field, so validation must too). The
//! schema-specialised fast path must also give the full path's verdict on each of them.
#![no_main]

use std::sync::OnceLock;

fn base() -> &'static serde_json::Value {
    static BASE: OnceLock<serde_json::Value> = OnceLock::new();
    BASE.get_or_init(|| {
        serde_json::from_str(include_str!("../../tests/payloads/valid/page-example.json"))
            .unwrap_or_default()
    })
}

libfuzzer_sys::fuzz_target!(|input: (&str, u64, bool)| {
    let (text, id, repeat_email) = input;
    let mut value = base().clone();
    value["creation_time"] = serde_json::Value::String(text.to_owned());
    value["organizations"][0]["id"] = serde_json::Value::from(id);
    let mut bytes = serde_json::to_vec(&value).unwrap_or_default();
    if repeat_email {
        // The base has `email` at the top level; this writes it a second time.
        bytes.splice(1..1, br#""email":"again@example.com","#.iter().copied());
    }
    let decodes = hamravesh_types::decode::<hamravesh_types::Profile>(&bytes).is_ok();
    let validates =
        hamravesh_types::check_bytes(&bytes, hamravesh_types::Document::Profile.validator(), 0)
            .is_valid();
    assert_eq!(
        decodes, validates,
        "{text:?}, id {id}, repeated email {repeat_email}: decode {decodes}, validate {validates}"
    );
    let validator = hamravesh_types::Document::Profile.validator();
    let fast = validator.fast_path_accepts(&bytes) == Some(true);
    let full = hamravesh_types::parse_payload(&bytes, 0).is_ok_and(|v| validator.is_valid(&v));
    assert_eq!(
        fast, full,
        "{text:?}, id {id}, repeated email {repeat_email}: fast path {fast}, full path {full}"
    );
});
