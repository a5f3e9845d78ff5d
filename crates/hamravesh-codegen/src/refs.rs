//! Checks every `$ref` before typify sees the schema: typify panics on a dangling reference,
//! and a generator must answer bad input with an error, not a crash.

use serde_json::Value;

use crate::Error;

const LOCAL_PREFIX: &str = "#/definitions/";

/// Fails on the first `$ref` that is not local or names a missing definition.
pub(crate) fn check_refs(schema: &Value) -> Result<(), Error> {
    let definitions = schema.get("definitions").and_then(Value::as_object);
    walk(schema, &mut String::new(), &|location, reference| {
        let Some(name) = reference.strip_prefix(LOCAL_PREFIX) else {
            return Err(Error::UnsupportedRef {
                location: display_location(location),
                reference: reference.to_owned(),
            });
        };
        if definitions.is_some_and(|defs| defs.contains_key(name)) {
            Ok(())
        } else {
            Err(Error::UnresolvedRef {
                location: display_location(location),
                reference: reference.to_owned(),
            })
        }
    })
}

fn display_location(pointer: &str) -> String {
    if pointer.is_empty() {
        "the root".to_owned()
    } else {
        pointer.to_owned()
    }
}

fn walk(
    value: &Value,
    pointer: &mut String,
    check: &dyn Fn(&str, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                check(pointer, reference)?;
            }
            for (key, child) in map {
                // Values under these keywords are data, not schemas: a `$ref` key there is not a reference.
                if matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                walk(child, pointer, check)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(child, pointer, check)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_local_refs_that_resolve() {
        let schema =
            json!({"properties": {"a": {"$ref": "#/definitions/A"}}, "definitions": {"A": {}}});
        assert!(check_refs(&schema).is_ok());
    }

    #[test]
    fn names_the_location_of_a_dangling_ref() {
        let schema = json!({"properties": {"a": {"items": [{"$ref": "#/definitions/B"}]}}, "definitions": {"A": {}}});
        let error = check_refs(&schema).unwrap_err().to_string();
        assert_eq!(
            error,
            "unresolvable $ref \"#/definitions/B\" at /properties/a/items/0: no such definition"
        );
    }

    #[test]
    fn refuses_remote_refs() {
        let schema = json!({"$ref": "https://example.com/s.json"});
        assert!(matches!(
            check_refs(&schema),
            Err(Error::UnsupportedRef { .. })
        ));
    }

    #[test]
    fn ignores_ref_keys_inside_data() {
        let schema = json!({"enum": [{"$ref": "not a reference"}]});
        assert!(check_refs(&schema).is_ok());
    }
}
