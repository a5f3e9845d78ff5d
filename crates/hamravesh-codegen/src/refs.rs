//! Checks every `$ref` before typify sees the schema: typify panics on a dangling reference,
//! and a generator must answer bad input with an error, not a crash.

use serde_json::Value;

use crate::Error;

const LOCAL_PREFIX: &str = "#/definitions/";

/// Fails on the first `$ref` that is not local or names a missing definition.
pub(crate) fn check_refs(schema: &Value) -> Result<(), Error> {
    let definitions = schema.get("definitions").and_then(Value::as_object);
    walk(schema, &mut String::new(), &|location, reference| {
        let name = reference.strip_prefix(LOCAL_PREFIX);
        if name.is_some_and(|name| definitions.is_some_and(|defs| defs.contains_key(name))) {
            return Ok(());
        }
        let location = Some(location)
            .filter(|l| !l.is_empty())
            .unwrap_or("the root");
        let (location, reference) = (location.to_owned(), reference.to_owned());
        Err(match name {
            None => Error::UnsupportedRef {
                location,
                reference,
            },
            Some(_) => Error::UnresolvedRef {
                location,
                reference,
            },
        })
    })
}

/// Calls `check` on every `$ref` under `value` with the JSON Pointer of the object holding it.
fn walk(
    value: &Value,
    pointer: &mut String,
    check: &dyn Fn(&str, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    if let Some(Value::String(reference)) = value.get("$ref") {
        check(pointer, reference)?;
    }
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            // Values under these keywords are data, not schemas: a `$ref` key there is not a reference.
            .filter(|(key, _)| !matches!(key.as_str(), "enum" | "const" | "default" | "examples"))
            .map(|(key, child)| (key.replace('~', "~0").replace('/', "~1"), child))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, child)| (i.to_string(), child))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&step);
        walk(child, pointer, check)?;
        pointer.truncate(len);
    }
    Ok(())
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
