//! Differential: a timestamp string spliced into a valid profile must get the same verdict from
//! typed decoding (`Timestamp`) and from schema validation (`date-time`).
#![no_main]

use std::sync::OnceLock;

fn base() -> &'static serde_json::Value {
    static BASE: OnceLock<serde_json::Value> = OnceLock::new();
    BASE.get_or_init(|| {
        serde_json::from_str(include_str!("../../tests/payloads/valid/page-example.json")).unwrap_or_default()
    })
}

libfuzzer_sys::fuzz_target!(|text: &str| {
    let mut value = base().clone();
    value["creation_time"] = serde_json::Value::String(text.to_owned());
    let decodes = hamravesh_types::decode(&serde_json::to_vec(&value).unwrap_or_default()).is_ok();
    let validates = hamravesh_types::is_valid(&value);
    assert_eq!(decodes, validates, "{text:?}: decode {decodes}, validate {validates}");
});
