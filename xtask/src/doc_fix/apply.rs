//! One [`Edit`] written into the text of its file, or declined when its target holds more than
//! the page speaks for (then its finding stays for a person).

use serde_json::{Value, json};

use super::field_schema::{self, TIMESTAMP_REF};
use crate::doc_check::edit::Edit;
use crate::json_text::{self, Json, Layout};

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
                return Ok(None);
            };
            let Some(target) = value.pointer(object) else {
                return Ok(None);
            };
            let mut everything = new.definitions.clone();
            everything.push((name.to_owned(), new.schema.clone()));
            let mut text = with_timestamp(text, &value, &Json::Object(everything))?;
            for (definition, schema) in &new.definitions {
                if value
                    .pointer(&format!("/definitions/{definition}"))
                    .is_some()
                {
                    return Ok(None);
                }
                text = add_definition(&text, definition, schema)?;
            }
            // A response field the page adds is promised, but fixtures and payloads taken from
            // the service do not hold it yet: optional, marked, until a maintainer has seen it.
            let schema = if *in_response {
                newly_documented(new.schema)
            } else {
                new.schema
            };
            text = match target.get("properties") {
                Some(_) => json_text::insert_member(
                    &text,
                    &format!("{object}/properties"),
                    name,
                    &schema,
                    None,
                )?,
                None => json_text::insert_member(
                    &text,
                    object,
                    "properties",
                    &Json::object([(name, schema)]),
                    None,
                )?,
            };
            if field.required {
                text = match target.get("required") {
                    Some(_) => json_text::push_element(
                        &text,
                        &format!("{object}/required"),
                        &Json::Plain(json!(name)),
                        Layout::Pretty,
                    )?,
                    None => json_text::insert_member(
                        &text,
                        object,
                        "required",
                        &Json::Plain(json!([name])),
                        Some("properties"),
                    )?,
                };
            }
            Ok(Some(text))
        }
        Edit::RemoveField { object, name, .. } => {
            let Some(target) = value.pointer(object) else {
                return Ok(None);
            };
            if target.pointer(&format!("/properties/{name}")).is_none() {
                return Ok(None);
            }
            let mut text = json_text::remove_member(text, &format!("{object}/properties"), name)?;
            if let Some(index) = position_of(target.get("required"), |v| v == name) {
                text = json_text::remove_element(&text, &format!("{object}/required"), index)?;
            }
            Ok(Some(text))
        }
        Edit::Retype {
            pointer, doc_type, ..
        } => {
            let Some(property) = value.pointer(pointer).and_then(Value::as_object) else {
                return Ok(None);
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
                return Ok(None);
            };
            if structured
                || keywords
                    .iter()
                    .any(|(k, _)| property.contains_key(k) && !TYPE_KEYWORDS.contains(&k.as_str()))
            {
                return Ok(None);
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
            let mut text = text.to_owned();
            for key in keys.iter().filter(|k| TYPE_KEYWORDS.contains(&k.as_str())) {
                text = json_text::remove_member(&text, pointer, key)?;
            }
            for (key, keyword) in &keywords {
                text = json_text::insert_member(&text, pointer, key, keyword, before.as_deref())?;
            }
            Ok(Some(with_timestamp(
                &text,
                &value,
                &Json::Object(keywords),
            )?))
        }
        Edit::AllowNull { pointer, .. } => {
            let type_pointer = format!("{pointer}/type");
            Ok(match value.pointer(&type_pointer) {
                Some(Value::String(one)) => Some(json_text::replace_value(
                    text,
                    &type_pointer,
                    &Json::Plain(json!([one, "null"])),
                    Layout::Pretty,
                )?),
                Some(Value::Array(_)) => Some(json_text::push_element(
                    text,
                    &type_pointer,
                    &Json::Plain(json!("null")),
                    Layout::Pretty,
                )?),
                _ => None,
            })
        }
        Edit::DropMarker { pointer, .. } => {
            let Some(property) = value.pointer(pointer) else {
                return Ok(None);
            };
            let mut text = text.to_owned();
            for key in ["x-doc-type", "$comment"] {
                if property.get(key).is_some() {
                    text = json_text::remove_member(&text, pointer, key)?;
                }
            }
            Ok(Some(text))
        }
        Edit::AddQuery {
            operation,
            name,
            doc_type,
            description,
            example,
        } => {
            let Some(list) = parameters(&value, operation) else {
                return Ok(None);
            };
            let mut parameter = vec![
                ("name", Json::Plain(json!(name))),
                ("type", Json::Plain(json!(doc_type))),
                ("required", Json::Plain(json!(false))),
            ];
            let example = example.trim().trim_matches('`');
            if !example.is_empty() {
                let example = serde_json::from_str(example).unwrap_or_else(|_| json!(example));
                parameter.push(("example", Json::Plain(example)));
            }
            let description = match description.trim() {
                "" => {
                    format!("`{name}`, as the docs page shows it; the page gives no description.")
                }
                given => given.to_owned(),
            };
            parameter.push(("description", Json::Plain(json!(description))));
            Ok(Some(json_text::push_element(
                text,
                &list,
                &Json::object(parameter),
                Layout::Inline,
            )?))
        }
        Edit::RetypeQuery {
            operation,
            name,
            doc_type,
        } => {
            let Some((list, index)) = parameter(&value, operation, name) else {
                return Ok(None);
            };
            Ok(Some(json_text::replace_value(
                text,
                &format!("{list}/{index}/type"),
                &Json::Plain(json!(doc_type)),
                Layout::Inline,
            )?))
        }
        Edit::RemoveQuery {
            operation, name, ..
        } => {
            let Some((list, index)) = parameter(&value, operation, name) else {
                return Ok(None);
            };
            Ok(Some(json_text::remove_element(text, &list, index)?))
        }
    }
}

/// The text with a `Timestamp` definition added when `schema` needs one and the file (read as
/// `value`) has none.
fn with_timestamp(text: &str, value: &Value, schema: &Json) -> Result<String, String> {
    if !refers_to_timestamp(schema) || value.pointer("/definitions/Timestamp").is_some() {
        return Ok(text.to_owned());
    }
    add_definition(text, "Timestamp", &field_schema::timestamp_definition())
}

/// The text with the definition `name` added last to `definitions` (made when there is none).
fn add_definition(text: &str, name: &str, schema: &Json) -> Result<String, String> {
    match json_text::insert_member(text, "/definitions", name, schema, None) {
        Ok(text) => Ok(text),
        Err(_) => json_text::insert_member(
            text,
            "",
            "definitions",
            &Json::object([(name, schema.clone())]),
            None,
        ),
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
        Json::Plain(value) => value.to_string().contains(TIMESTAMP_REF),
        Json::Object(members) => members.iter().any(|(key, value)| {
            (key == "$ref" && *value == Json::Plain(json!(TIMESTAMP_REF)))
                || refers_to_timestamp(value)
        }),
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
        Some((_, Json::Plain(Value::String(comment)))) => {
            comment.push(' ');
            comment.push_str(NEWLY_DOCUMENTED_NOTE);
        }
        _ => members.push((
            "$comment".to_owned(),
            Json::Plain(json!(NEWLY_DOCUMENTED_NOTE)),
        )),
    }
    members.push((
        crate::doc_check::NEWLY_DOCUMENTED.to_owned(),
        Json::Plain(json!(true)),
    ));
    Json::Object(members)
}
