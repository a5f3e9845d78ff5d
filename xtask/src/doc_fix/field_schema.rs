//! The schema a page's type asks for, written in the schemas' own conventions: integers bounded
//! to `i64` (so validation refuses what the models cannot hold), `datetime` through the file's
//! `Timestamp` definition (decoded strictly), `url` a plain string that records the page's type
//! (as `next` and `previous` do), and a blank or `null`-only type any value (the schema invents
//! nothing). `None` where the page's type is outside that vocabulary: a person decides.

use serde_json::{Value, json};

use crate::doc_check::DocField;
use crate::json_text::Json;

/// The pointer of the shared timestamp definition.
pub const TIMESTAMP_REF: &str = "#/definitions/Timestamp";

/// The `Timestamp` definition the other schemas carry, for a file that has none yet.
pub fn timestamp_definition() -> Json {
    Json::object([
        ("title", plain("Timestamp")),
        (
            "description",
            plain(
                "An RFC 3339 date-time, e.g. `2022-07-26T12:56:34.883091Z`; any offset (such as `+03:30`), with or without a fraction of a second.",
            ),
        ),
        ("type", plain("string")),
        ("format", plain("date-time")),
        (
            "$comment",
            plain(
                "Decoded into the hand-written `hamravesh_types::Timestamp`, which parses strictly so that decoding accepts exactly what the `date-time` format accepts.",
            ),
        ),
    ])
}

fn plain(value: impl Into<Value>) -> Json {
    Json::from(value.into())
}

/// The type keywords for `doc_type`, `null` added when `nullable`.
pub fn keywords(doc_type: &str, nullable: bool) -> Option<Vec<(String, Json)>> {
    let of = |name: &str| {
        if nullable {
            plain(json!([name, "null"]))
        } else {
            plain(name)
        }
    };
    let members: Vec<(&str, Json)> = match doc_type {
        "" => vec![(
            "$comment",
            plain("The page gives no type; any value is accepted."),
        )],
        "null" => vec![(
            "$comment",
            plain("The page's example shows only `null`; no type is known."),
        )],
        "string" => vec![("type", of("string"))],
        "integer" => vec![
            ("type", of("integer")),
            ("minimum", plain(i64::MIN)),
            ("maximum", plain(i64::MAX)),
        ],
        "number" => vec![("type", of("number"))],
        "boolean" => vec![("type", of("boolean"))],
        // A `$ref` cannot also say `null` without `anyOf`, which doc-check does not read.
        "datetime" if !nullable => vec![("$ref", plain(TIMESTAMP_REF))],
        "url" => vec![
            ("type", of("string")),
            ("x-doc-type", plain("url")),
            (
                "$comment",
                plain(
                    "The page types it `url`. A plain string, not `format: uri`, so that validation and typed decoding agree (as `next` does in notifications.json).",
                ),
            ),
        ],
        "list" => vec![("type", of("array")), ("items", Json::object::<&str>([]))],
        list if list.starts_with("list[") && list.ends_with(']') => {
            let item = &list[5..list.len() - 1];
            let item = match item {
                "dict" => Json::object([("type", plain("object"))]),
                scalar => Json::Object(keywords(scalar, false)?),
            };
            vec![("type", of("array")), ("items", item)]
        }
        dict if dict.starts_with("dict") => vec![("type", of("object"))],
        _ => return None,
    };
    Some(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// A new field's schema, and the definitions it needs.
pub struct NewField {
    /// The property's schema.
    pub schema: Json,
    /// Named object definitions (`OrganizationLimits`), for the file's `definitions`.
    pub definitions: Vec<(String, Json)>,
}

/// The whole schema of a new field `name`: a description, its type keywords, and for an object
/// or a list of objects the properties of its documented `children` (full paths, page order).
/// An object with properties becomes the definition `{owner}{Name}` that the field refers to,
/// as the schemas name their objects (and so the generated field keeps its description).
/// `in_response`: every documented field is required; otherwise only those the page marks.
pub fn field_schema(
    field: &DocField,
    name: &str,
    owner: &str,
    children: &[DocField],
    in_response: bool,
) -> Option<NewField> {
    let nullable = field.null_example && !matches!(field.doc_type.as_str(), "" | "null");
    let description = if field.description.is_empty() {
        format!("`{name}`, as the docs page shows it; the page gives no description.")
    } else {
        field.description.clone()
    };
    let mut keywords = keywords(&field.doc_type, nullable)?;
    let mut definitions = Vec::new();
    if !children.is_empty() {
        let definition = format!("{owner}{}", pascal(name));
        let (object, inner) = object_of(&field.path, name, &definition, children, in_response)?;
        if field.doc_type.starts_with("list") {
            let position = keywords.iter().position(|(k, _)| k == "items")?;
            keywords[position].1 = object;
        } else if field.doc_type == "dict" && !nullable {
            let reference = plain(format!("#/definitions/{definition}"));
            keywords = vec![("$ref".to_owned(), reference)];
            definitions.push((definition, object));
        } else {
            return None;
        }
        definitions.extend(inner);
    }
    let mut members = vec![("description".to_owned(), plain(description))];
    members.extend(keywords);
    Some(NewField {
        schema: Json::Object(members),
        definitions,
    })
}

/// `has_gpu` → `HasGpu`.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|part| {
            let mut chars = part.chars();
            let first = chars.next()?;
            Some(first.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect()
}

/// The object schema of `path`'s direct children (`path.x` or `path[].x`), each with its own,
/// and the definitions they need (named after `owner`).
fn object_of(
    path: &str,
    name: &str,
    owner: &str,
    children: &[DocField],
    in_response: bool,
) -> Option<(Json, Vec<(String, Json)>)> {
    let below = |path: &str| {
        let prefixes = [format!("{path}."), format!("{path}[].")];
        children
            .iter()
            .filter(move |c| prefixes.iter().any(|p| c.path.starts_with(p.as_str())))
    };
    let mut properties = Vec::new();
    let mut required = Vec::new();
    let mut definitions = Vec::new();
    for child in below(path) {
        let key = child.path.rsplit(['.', ']']).next().unwrap_or_default();
        let direct = [format!("{path}.{key}"), format!("{path}[].{key}")];
        if !direct.contains(&child.path) {
            continue;
        }
        let grandchildren: Vec<DocField> = below(&child.path).cloned().collect();
        let new = field_schema(child, key, owner, &grandchildren, in_response)?;
        properties.push((key.to_owned(), new.schema));
        definitions.extend(new.definitions);
        if in_response || child.required {
            required.push(Value::from(key));
        }
    }
    let mut object = vec![
        (
            "description".to_owned(),
            plain(format!("What `{name}` holds, as the docs page shows it.")),
        ),
        ("type".to_owned(), plain("object")),
    ];
    if !required.is_empty() {
        object.push(("required".to_owned(), plain(required)));
    }
    object.push(("properties".to_owned(), Json::Object(properties)));
    Some((Json::Object(object), definitions))
}
