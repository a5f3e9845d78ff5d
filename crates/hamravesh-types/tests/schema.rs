//! The embedded schemas: valid draft-07 schemas, each departure from the docs explained.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_types::{Document, schemas};

#[test]
fn every_embedded_schema_is_valid_against_the_draft_07_meta_schema() {
    for (name, text) in [
        ("profile", schemas::PROFILE),
        ("notifications", schemas::NOTIFICATIONS),
        ("namespaces", schemas::NAMESPACES),
    ] {
        let schema: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        if let Err(error) = jsonschema::draft7::meta::validate(&schema) {
            panic!("schema/{name}.json violates the draft-07 meta-schema: {error}");
        }
    }
    // Each kind's own schema (a definition wrapped as a root) compiles too.
    #[cfg(feature = "validate")]
    for kind in Document::ALL {
        let _ = kind.validator();
    }
}

#[test]
fn every_departure_in_the_new_schemas_says_why() {
    for (text, expected) in [
        (
            schemas::NOTIFICATIONS,
            &[
                "/properties/next",
                "/properties/previous",
                "/definitions/Notification/properties/timestamp",
                "/definitions/Notification/properties/title",
                "/definitions/Notification/properties/slug",
                "/definitions/Notification/properties/description",
            ][..],
        ),
        // The namespaces page agrees with its schema where it gives a type at all.
        (schemas::NAMESPACES, &[][..]),
    ] {
        let schema: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut found = Vec::new();
        walk(&schema, "", &mut found);
        found.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        expected.sort();
        assert_eq!(found, expected);
    }
}

/// Collects the pointers of every object carrying `x-doc-type`, failing on one without a `$comment`.
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

#[test]
fn every_recorded_departure_from_the_profile_page_says_why() {
    let mut found = Vec::new();
    walk(&Document::Profile.schema(), "", &mut found);
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
