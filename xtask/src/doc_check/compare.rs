//! Comparing the documented shape with the schema: the findings a maintainer acts on.

use serde::Serialize;

use super::page::DocField;
use super::schema::SchemaField;

/// What kind of drift a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The page documents a field the schema lacks.
    MissingFromSchema,
    /// The schema has a field the page no longer documents.
    NoLongerDocumented,
    /// The page's type and the schema's disagree, and no marker records the departure.
    TypeChanged,
    /// The page now shows `null` where the schema does not accept it.
    NewlyNullable,
    /// The schema records a departure (`x-doc-type`) from what the page no longer says.
    StaleMarker,
}

/// One line of the drift report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The field, e.g. `organizations[].owner.email`.
    pub path: String,
    /// What kind of drift.
    pub kind: Kind,
    /// What is wrong and what to edit.
    pub message: String,
}

/// All findings, in page order then schema order.
pub fn compare(documented: &[DocField], schema: &[SchemaField]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for doc in documented {
        let Some(field) = schema.iter().find(|f| f.path == doc.path) else {
            findings.push(Finding {
                path: doc.path.clone(),
                kind: Kind::MissingFromSchema,
                message: format!(
                    "documented (type {}) but missing from the schema: add it to schema/profile.json under {}",
                    shown(&doc.doc_type),
                    parent_hint(&doc.path, schema)
                ),
            });
            continue;
        };
        if let Some(marker) = &field.doc_type_marker {
            if *marker != doc.doc_type {
                findings.push(Finding {
                    path: doc.path.clone(),
                    kind: Kind::StaleMarker,
                    message: format!(
                        "the schema records that the page says {} (x-doc-type at {}), but the page now says {}: \
                         re-check the field, then update or remove the x-doc-type marker and its $comment",
                        shown(marker),
                        field.pointer,
                        shown(&doc.doc_type)
                    ),
                });
            }
        } else if doc.doc_type == "null" {
            if !field.allows_null() {
                findings.push(newly_nullable(doc, field));
            }
        } else {
            if !compatible(&doc.doc_type, field) {
                findings.push(Finding {
                    path: doc.path.clone(),
                    kind: Kind::TypeChanged,
                    message: format!(
                        "the page says {}, the schema accepts {}: change the type at {}, or keep it and record \
                         the departure with \"x-doc-type\": {:?} and a $comment saying why",
                        shown(&doc.doc_type),
                        field.describe(),
                        field.pointer,
                        doc.doc_type
                    ),
                });
            }
            if doc.null_example && !field.allows_null() {
                findings.push(newly_nullable(doc, field));
            }
        }
    }
    for field in schema {
        if !documented.iter().any(|doc| doc.path == field.path) {
            findings.push(Finding {
                path: field.path.clone(),
                kind: Kind::NoLongerDocumented,
                message: format!(
                    "in the schema ({}) but no longer documented: remove it from schema/profile.json if the \
                     service dropped it",
                    field.pointer
                ),
            });
        }
    }
    findings
}

fn newly_nullable(doc: &DocField, field: &SchemaField) -> Finding {
    Finding {
        path: doc.path.clone(),
        kind: Kind::NewlyNullable,
        message: format!(
            "the page shows null, the schema accepts {}: add \"null\" to the type at {}",
            field.describe(),
            field.pointer
        ),
    }
}

/// Whether the schema field accepts what the page's type says, and nothing far wider.
fn compatible(doc_type: &str, field: &SchemaField) -> bool {
    let date_time = field.format.as_deref() == Some("date-time");
    match doc_type {
        // A blank type is faithfully "any value".
        "" => field.is_any(),
        "string" => field.has("string") && !field.has("number") && !field.has("integer"),
        "datetime" => field.has("string") && date_time,
        "integer" => field.has("integer"),
        "number" => field.has("number"),
        "boolean" => field.has("boolean"),
        list if list.starts_with("list") => field.has("array"),
        dict if dict.starts_with("dict") => field.has("object"),
        _ => false,
    }
}

fn shown(doc_type: &str) -> String {
    if doc_type.is_empty() {
        "nothing (a blank type or value)".to_owned()
    } else {
        format!("`{doc_type}`")
    }
}

/// Where a new field goes: the schema pointer of its parent object, if the parent is known.
fn parent_hint(path: &str, schema: &[SchemaField]) -> String {
    let parent = path
        .rsplit_once('.')
        .map(|(parent, _)| parent.trim_end_matches("[]"));
    match parent.and_then(|p| schema.iter().find(|f| f.path == p)) {
        Some(field) => field
            .children_pointer
            .clone()
            .unwrap_or_else(|| format!("the object at {}", field.pointer)),
        None => "the top-level `properties`".to_owned(),
    }
}
