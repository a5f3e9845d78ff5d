//! The OpenAPI document cannot drift from the Rust side: it describes exactly the operations of
//! `hamravesh_types::operations` (which the client calls and the mock serves), and every component
//! schema is a schema file's root or definition with only its `$ref`s rewritten.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_types::operations::ALL;
use hamravesh_types::schemas;
use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(schemas::OPENAPI).unwrap()
}

#[test]
fn it_describes_exactly_the_operations_of_the_list() {
    let document = document();
    let paths = document["paths"].as_object().unwrap();
    let mut described = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            described.push((
                method.to_uppercase(),
                path.clone(),
                operation["operationId"].as_str().unwrap().to_owned(),
            ));
        }
    }
    described.sort();
    let mut listed: Vec<(String, String, String)> = ALL
        .iter()
        .map(|op| (op.method.to_owned(), op.path.to_owned(), op.id.to_owned()))
        .collect();
    listed.sort();
    assert_eq!(described, listed);
    for operation in ALL {
        let object = &paths[operation.path][operation.method.to_lowercase()];
        assert!(
            object["responses"]
                .get(operation.response_status.to_string())
                .is_some(),
            "{}: its success status is missing",
            operation.id
        );
        let organization_header = object["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == "x-organization");
        assert_eq!(
            organization_header,
            operation.is_organization_scoped(),
            "{}",
            operation.id
        );
    }
}

/// `#/definitions/NAME` → `#/components/schemas/NAME`, the only change a component may carry.
fn rewritten(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, child)| match (key.as_str(), child.as_str()) {
                    ("$ref", Some(reference)) => (
                        key.clone(),
                        Value::String(reference.replace("#/definitions/", "#/components/schemas/")),
                    ),
                    _ => (key.clone(), rewritten(child)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(rewritten).collect()),
        other => other.clone(),
    }
}

#[test]
fn every_component_is_derived_from_the_schemas() {
    let document = document();
    let components = document["components"]["schemas"].as_object().unwrap();
    let mut derived = 0;
    for text in [
        schemas::PROFILE,
        schemas::NOTIFICATIONS,
        schemas::NAMESPACES,
    ] {
        let mut schema: Value = serde_json::from_str(text).unwrap();
        let root = schema.as_object_mut().unwrap();
        let definitions = root.remove("definitions").unwrap_or(Value::Null);
        root.remove("$schema");
        root.remove("$id");
        let title = root["title"].as_str().unwrap().to_owned();
        assert_eq!(components[&title], rewritten(&schema), "{title}");
        derived += 1;
        for (name, definition) in definitions.as_object().into_iter().flatten() {
            assert_eq!(components[name], rewritten(definition), "{name}");
            derived += 1;
        }
    }
    // Besides the schemas' shapes, only the two error envelopes every operation shares.
    let own: Vec<&String> = components
        .keys()
        .filter(|name| ["ErrorEnvelope", "FieldErrors"].contains(&name.as_str()))
        .collect();
    assert_eq!(own.len(), 2);
    assert!(components.len() <= derived + 2, "{:?}", components.keys());
}

#[test]
fn the_recorded_departures_travel_with_it() {
    let document = document();
    let email = &document["components"]["schemas"]["Profile"]["properties"]["email"];
    assert_eq!(email["x-doc-type"], "integer");
    assert!(email["$comment"].as_str().unwrap().contains("email"));
}
