//! The answer of a listed operation that has no state of its own in the mock: the smallest
//! document its response schema accepts (every required field, each the simplest value of its
//! type), checked against the schema before it is served.

use serde_json::{Map, Value};

use hamravesh_types::Document;

/// How deep a schema may nest (through `$ref`s too) before the example gives up: a schema that
/// refers to itself through required fields has no finite example.
const MAX_DEPTH: usize = 32;
/// The most items an example array gets, whatever its `minItems`.
const MAX_ITEMS: u64 = 16;
/// The longest example string, whatever its `minLength`.
const MAX_CHARS: u64 = 256;

/// The example answer for `document`, or `None` if the schema has none the mock can make (a
/// `pattern` it cannot satisfy, a loop of required references).
pub(crate) fn example(document: Document) -> Option<Value> {
    let schema = document.schema();
    let value = instance(&schema, &schema, 0)?;
    document.validator().validate(&value).ok()?;
    // Served only if a client of this SDK can decode it, as every answer of the mock.
    document.decodes(&serde_json::to_vec(&value).ok()?).ok()?;
    Some(value)
}

fn instance(root: &Value, node: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let target = root.pointer(reference.strip_prefix('#')?)?;
        return instance(root, target, depth + 1);
    }
    if let Some(value) = node.get("const") {
        return Some(value.clone());
    }
    if let Some(first) = node
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Some(first.clone());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(choices) = node.get(key).and_then(Value::as_array) {
            return choices
                .iter()
                .find_map(|choice| instance(root, choice, depth + 1));
        }
    }
    let kind = match node.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        // A nullable field (`["string", "null"]`): its first type that is not null.
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or("null"),
        _ if node.get("properties").is_some() => "object",
        _ => "null",
    };
    let bound = |key: &str| node.get(key).and_then(Value::as_u64).unwrap_or(0);
    Some(match kind {
        "object" => {
            let mut object = Map::new();
            let properties = node.get("properties");
            for name in node
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let property = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
                let value = match property {
                    Value::Null => Value::Null,
                    property => instance(root, property, depth + 1)?,
                };
                object.insert(name.to_owned(), value);
            }
            Value::Object(object)
        }
        "array" => {
            let count = bound("minItems").min(MAX_ITEMS);
            let items = node.get("items").unwrap_or(&Value::Null);
            let item = if count > 0 {
                instance(root, items, depth + 1)?
            } else {
                Value::Null
            };
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        "string" => Value::String(match node.get("format").and_then(Value::as_str) {
            Some("date-time") => "2024-01-01T00:00:00Z".to_owned(),
            Some("date") => "2024-01-01".to_owned(),
            Some("uri" | "url") => "https://example.com/".to_owned(),
            Some("email") => "user@example.com".to_owned(),
            _ => "x".repeat(usize::try_from(bound("minLength").clamp(1, MAX_CHARS)).ok()?),
        }),
        "integer" => Value::from(integer(node)),
        "number" => Value::from(number(node)?),
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    })
}

/// 1, or the nearest value the bounds allow.
fn integer(node: &Value) -> i64 {
    let get = |key: &str| node.get(key).and_then(Value::as_i64);
    let low = get("minimum").or(get("exclusiveMinimum").map(|m| m.saturating_add(1)));
    let high = get("maximum").or(get("exclusiveMaximum").map(|m| m.saturating_sub(1)));
    let value = low.map_or(1, |low| low.max(1));
    high.map_or(value, |high| value.min(high))
}

/// 1, or the nearest value the bounds allow.
fn number(node: &Value) -> Option<f64> {
    let get = |key: &str| node.get(key).and_then(Value::as_f64);
    let low = get("minimum").or(get("exclusiveMinimum").map(|m| m.floor() + 1.0));
    let high = get("maximum").or(get("exclusiveMaximum").map(|m| m.ceil() - 1.0));
    let value = low.map_or(1.0, |low| low.max(1.0));
    let value = high.map_or(value, |high| value.min(high));
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_has_an_example_its_schema_accepts() {
        for document in Document::ALL {
            let value = example(*document);
            assert!(value.is_some(), "{document:?} has no example");
        }
    }

    #[test]
    fn examples_follow_bounds_and_give_up_on_loops() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["n", "tags", "name", "when", "maybe"],
            "properties": {
                "n": {"type": "integer", "minimum": 5, "maximum": 9},
                "tags": {"type": "array", "minItems": 2, "items": {"enum": ["a", "b"]}},
                "name": {"type": "string", "minLength": 3},
                "when": {"type": "string", "format": "date-time"},
                "maybe": {"type": ["null", "boolean"]}
            }
        });
        assert_eq!(
            instance(&schema, &schema, 0),
            Some(serde_json::json!({
                "n": 5, "tags": ["a", "a"], "name": "xxx",
                "when": "2024-01-01T00:00:00Z", "maybe": false
            }))
        );
        let endless = serde_json::json!({
            "type": "object", "required": ["me"], "properties": {"me": {"$ref": "#"}}
        });
        assert_eq!(instance(&endless, &endless, 0), None);
    }
}
