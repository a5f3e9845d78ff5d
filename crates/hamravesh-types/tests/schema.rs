//! The embedded schema: a valid draft-07 schema that accepts the corpus the types accept.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_types::schema_value;

#[test]
fn embedded_schema_is_valid_against_the_draft_07_meta_schema() {
    let schema = schema_value();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    if let Err(error) = jsonschema::draft7::meta::validate(&schema) {
        panic!("schema/profile.json violates the draft-07 meta-schema: {error}");
    }
}

#[test]
fn every_recorded_departure_from_the_page_says_why() {
    fn walk(value: &serde_json::Value, path: &str, found: &mut Vec<String>) {
        if let Some(map) = value.as_object() {
            if map.contains_key("x-doc-type") {
                assert!(
                    map.get("$comment")
                        .and_then(|c| c.as_str())
                        .is_some_and(|c| !c.is_empty()),
                    "{path} records x-doc-type without a $comment saying why"
                );
                found.push(path.to_owned());
            }
            for (key, child) in map {
                walk(child, &format!("{path}/{key}"), found);
            }
        }
    }
    let mut found = Vec::new();
    walk(&schema_value(), "", &mut found);
    // The email row typed `integer`, profile_settings with no type, and the example's blank values.
    for expected in [
        "/properties/email",
        "/properties/profile_settings",
        "/definitions/Organization/properties/name",
        "/definitions/Organization/properties/creation_time",
        "/definitions/UserSummary/properties/creation_time",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} lacks x-doc-type; found {found:?}"
        );
    }
}
