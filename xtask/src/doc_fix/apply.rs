//! One [`Edit`] written into its file, or declined when its target holds more than the page
//! speaks for (then its finding stays for a person).

use serde_json::{Value, json};

use super::field_schema::{self, TIMESTAMP_REF};
use crate::doc_check::edit::Edit;
use crate::json_text::{self, Json};

/// The keywords that say a property's type; a retype replaces them together.
const TYPE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "$ref",
    "minimum",
    "maximum",
    "pattern",
    "minLength",
    "maxLength",
    "items",
    "properties",
    "required",
    "additionalProperties",
];

/// The file an edit changes, by its name in `schema/`.
pub fn file(edit: &Edit) -> &str {
    match edit {
        Edit::AddField { file, .. }
        | Edit::RemoveField { file, .. }
        | Edit::Retype { file, .. }
        | Edit::AllowNull { file, .. }
        | Edit::DropMarker { file, .. } => file,
        Edit::AddQuery { .. } | Edit::RetypeQuery { .. } | Edit::RemoveQuery { .. } => {
            "operations.json"
        }
    }
}

/// The file's text with `edit` made, or `None` when it is declined (or its target is gone).
pub fn apply(edit: &Edit, text: &str) -> Result<Option<String>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let mut doc: Json = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match make(edit, &value, &mut doc)? {
        true => json_text::rewrite(text, &doc).map(Some),
        false => Ok(None),
    }
}

/// Makes `edit` in `doc` (read as `value`); false when it is declined.
fn make(edit: &Edit, value: &Value, doc: &mut Json) -> Result<bool, String> {
    match edit {
        Edit::AddField {
            object,
            field,
            children,
            in_response,
            ..
        } => {
            let name = field.path.rsplit(['.', ']']).next().unwrap_or_default();
            // Definitions are named after the object that holds them, as typify would.
            let owner = match object.strip_prefix("/definitions/") {
                Some(definition) => definition.to_owned(),
                None => value["title"].as_str().unwrap_or("Root").to_owned(),
            };
            let Some(new) = field_schema::field_schema(field, name, &owner, children, *in_response)
            else {
                return Ok(false);
            };
            let Some(target) = value.pointer(object) else {
                return Ok(false);
            };
            let mut everything = new.definitions.clone();
            everything.push((name.to_owned(), new.schema.clone()));
            with_timestamp(doc, value, &Json::Object(everything))?;
            for (definition, schema) in &new.definitions {
                if value
                    .pointer(&format!("/definitions/{definition}"))
                    .is_some()
                {
                    return Ok(false);
                }
                add_definition(doc, definition, schema.clone())?;
            }
            // A response field the page adds is promised, but fixtures and payloads taken from
            // the service do not hold it yet: optional, marked, until a maintainer has seen it.
            let schema = if *in_response {
                newly_documented(new.schema)
            } else {
                new.schema
            };
            match target.get("properties") {
                Some(_) => doc.insert_member(&format!("{object}/properties"), name, schema, None),
                None => {
                    let properties = Json::object([(name, schema)]);
                    doc.insert_member(object, "properties", properties, None)
                }
            }?;
            if field.required {
                match target.get("required") {
                    Some(_) => doc.push_element(&format!("{object}/required"), json!(name).into()),
                    None => {
                        let required = json!([name]).into();
                        doc.insert_member(object, "required", required, Some("properties"))
                    }
                }?;
            }
            Ok(true)
        }
        Edit::RemoveField { object, name, .. } => {
            let Some(target) = value.pointer(object) else {
                return Ok(false);
            };
            if target.pointer(&format!("/properties/{name}")).is_none() {
                return Ok(false);
            }
            doc.remove_member(&format!("{object}/properties"), name)?;
            if let Some(index) = position_of(target.get("required"), |v| v == name) {
                doc.remove_element(&format!("{object}/required"), index)?;
            }
            Ok(true)
        }
        Edit::Retype {
            pointer, doc_type, ..
        } => {
            let Some(property) = value.pointer(pointer).and_then(Value::as_object) else {
                return Ok(false);
            };
            // A $comment gives a reason for the old type, a structure (a definition, items,
            // properties) more than a type: both are for a person to re-read.
            let structured = property.contains_key("$comment")
                || property.contains_key("properties")
                || property
                    .get("items")
                    .is_some_and(|items| items != &json!({}))
                || property
                    .get("$ref")
                    .is_some_and(|r| r.as_str() != Some(TIMESTAMP_REF));
            let nullable = property
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| t == "null"));
            let Some(keywords) = field_schema::keywords(doc_type, nullable) else {
                return Ok(false);
            };
            if structured
                || keywords
                    .iter()
                    .any(|(k, _)| property.contains_key(k) && !TYPE_KEYWORDS.contains(&k.as_str()))
            {
                return Ok(false);
            }
            // The new keywords go where the old ones were: before the first key after them.
            let keys: Vec<&String> = property.keys().collect();
            let first = keys
                .iter()
                .position(|k| TYPE_KEYWORDS.contains(&k.as_str()));
            let before = first.and_then(|first| {
                keys[first..]
                    .iter()
                    .find(|k| !TYPE_KEYWORDS.contains(&k.as_str()))
                    .map(|k| k.as_str().to_owned())
            });
            for key in keys.iter().filter(|k| TYPE_KEYWORDS.contains(&k.as_str())) {
                doc.remove_member(pointer, key)?;
            }
            for (key, keyword) in &keywords {
                doc.insert_member(pointer, key, keyword.clone(), before.as_deref())?;
            }
            with_timestamp(doc, value, &Json::Object(keywords))?;
            Ok(true)
        }
        Edit::AllowNull { pointer, .. } => {
            let type_pointer = format!("{pointer}/type");
            match value.pointer(&type_pointer) {
                Some(Value::String(one)) => *doc.at(&type_pointer)? = json!([one, "null"]).into(),
                Some(Value::Array(_)) => doc.push_element(&type_pointer, json!("null").into())?,
                _ => return Ok(false),
            }
            Ok(true)
        }
        Edit::DropMarker { pointer, .. } => {
            let Some(property) = value.pointer(pointer) else {
                return Ok(false);
            };
            for key in ["x-doc-type", "$comment"] {
                if property.get(key).is_some() {
                    doc.remove_member(pointer, key)?;
                }
            }
            Ok(true)
        }
        Edit::AddQuery {
            operation,
            name,
            doc_type,
            description,
            example,
        } => {
            let Some(list) = parameters(value, operation) else {
                return Ok(false);
            };
            let mut parameter = vec![
                ("name", json!(name).into()),
                ("type", json!(doc_type).into()),
                ("required", json!(false).into()),
            ];
            let example = example.trim().trim_matches('`');
            if !example.is_empty() {
                let example = serde_json::from_str(example).unwrap_or_else(|_| json!(example));
                parameter.push(("example", Json::from(example)));
            }
            let description = match description.trim() {
                "" => {
                    format!("`{name}`, as the docs page shows it; the page gives no description.")
                }
                given => given.to_owned(),
            };
            parameter.push(("description", json!(description).into()));
            doc.push_element(&list, Json::object(parameter))?;
            Ok(true)
        }
        Edit::RetypeQuery {
            operation,
            name,
            doc_type,
        } => {
            let Some((list, index)) = parameter(value, operation, name) else {
                return Ok(false);
            };
            *doc.at(&format!("{list}/{index}/type"))? = json!(doc_type).into();
            Ok(true)
        }
        Edit::RemoveQuery {
            operation, name, ..
        } => {
            let Some((list, index)) = parameter(value, operation, name) else {
                return Ok(false);
            };
            doc.remove_element(&list, index)?;
            Ok(true)
        }
    }
}

/// Adds a `Timestamp` definition when `schema` needs one and the file (read as `value`) has none.
fn with_timestamp(doc: &mut Json, value: &Value, schema: &Json) -> Result<(), String> {
    if !refers_to_timestamp(schema) || value.pointer("/definitions/Timestamp").is_some() {
        return Ok(());
    }
    add_definition(doc, "Timestamp", field_schema::timestamp_definition())
}

/// Adds the definition `name` last to `definitions` (made when there is none).
fn add_definition(doc: &mut Json, name: &str, schema: Json) -> Result<(), String> {
    match doc.at("/definitions") {
        Ok(_) => doc.insert_member("/definitions", name, schema, None),
        Err(_) => doc.insert_member("", "definitions", Json::object([(name, schema)]), None),
    }
}

fn position_of(array: Option<&Value>, matches: impl Fn(&Value) -> bool) -> Option<usize> {
    array?.as_array()?.iter().position(matches)
}

/// The pointer of `operation`'s query parameter list.
fn parameters(list: &Value, operation: &str) -> Option<String> {
    let index = position_of(list.get("operations"), |op| op["id"] == operation)?;
    let pointer = format!("/operations/{index}/query_parameters");
    list.pointer(&pointer)?.as_array()?;
    Some(pointer)
}

/// The pointer of `operation`'s query parameter list and the index of `name` in it.
fn parameter(list: &Value, operation: &str, name: &str) -> Option<(String, usize)> {
    let pointer = parameters(list, operation)?;
    let index = position_of(list.pointer(&pointer), |p| p["name"] == name)?;
    Some((pointer, index))
}

/// Whether the schema uses the `Timestamp` definition anywhere.
fn refers_to_timestamp(schema: &Json) -> bool {
    match schema {
        Json::Scalar(value) => value.to_string().contains(TIMESTAMP_REF),
        Json::Array(items) => items.iter().any(refers_to_timestamp),
        Json::Object(members) => members.iter().any(|(_, value)| refers_to_timestamp(value)),
    }
}

/// What `$comment` says of a field written with `x-doc-new`.
const NEWLY_DOCUMENTED_NOTE: &str = "Newly documented by the page; optional until the service is \
     seen to send it, then add it to `required` and drop `x-doc-new`.";

/// A new response field's schema with the `x-doc-new` marker, and a `$comment` saying what it
/// means (after the departure's own, when the field has one).
fn newly_documented(schema: Json) -> Json {
    let Json::Object(mut members) = schema else {
        return schema;
    };
    match members.iter_mut().find(|(key, _)| key == "$comment") {
        Some((_, Json::Scalar(Value::String(comment)))) => {
            comment.push(' ');
            comment.push_str(NEWLY_DOCUMENTED_NOTE);
        }
        _ => members.push(("$comment".to_owned(), json!(NEWLY_DOCUMENTED_NOTE).into())),
    }
    members.push((
        crate::doc_check::NEWLY_DOCUMENTED.to_owned(),
        json!(true).into(),
    ));
    Json::Object(members)
}
