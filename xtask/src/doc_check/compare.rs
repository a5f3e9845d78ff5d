//! Comparing the documented shape with the schema: the findings a maintainer acts on.

use serde::Serialize;

use super::edit::Edit;
use super::page::{DocField, shown};
use super::schema::SchemaField;

/// What kind of drift a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The page documents something (a field, a header, a parameter, a body) that the schema or
    /// the operation list lacks.
    MissingFromSchema,
    /// The schema or the operation list has something the page no longer documents.
    NoLongerDocumented,
    /// The page's type and the schema's disagree, and no marker records the departure.
    TypeChanged,
    /// The page now shows `null` where the schema does not accept it.
    NewlyNullable,
    /// The schema records a departure (`x-doc-type`) from what the page no longer says.
    StaleMarker,
    /// The page now documents a response field the schema keeps optional (one seen only
    /// elsewhere, not promised).
    NewlyDocumented,
    /// The page documents an operation that the operation list lacks.
    NewOperation,
    /// The operation list names this page for an operation the page no longer documents.
    OperationNotOnPage,
    /// The page's URL for an operation differs from the list's path.
    PathChanged,
    /// The page's method for an operation differs from the list's.
    MethodChanged,
}

/// Which part of an operation a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The operation itself: its method, path, or whether it exists.
    Operation,
    /// A required header.
    Header,
    /// A query parameter.
    Query,
    /// A path parameter.
    PathParameter,
    /// The request body or one of its fields.
    Request,
    /// The response body or one of its fields.
    Response,
}

impl Part {
    /// The part as the text report names it.
    pub fn name(self) -> &'static str {
        match self {
            Part::Operation => "operation",
            Part::Header => "header",
            Part::Query => "query",
            Part::PathParameter => "path parameter",
            Part::Request => "request",
            Part::Response => "response",
        }
    }
}

/// One line of the drift report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The operation's id in schema/operations.json (`get_profile`), or `METHOD PATH` as the page
    /// says it when the list has no such operation.
    pub operation: String,
    /// Which part of the operation.
    pub part: Part,
    /// The field (`organizations[].owner.email`), header or parameter name; empty for the
    /// operation or a whole body.
    pub path: String,
    /// What kind of drift.
    pub kind: Kind,
    /// What is wrong and what to edit.
    pub message: String,
    /// The edit that follows from the page alone, if any (`doc-check --fix` applies it).
    #[serde(skip)]
    pub edit: Option<Edit>,
}

impl Finding {
    /// A finding no edit settles (yet: see [`Finding::settled_by`]).
    pub fn new(operation: &str, part: Part, path: &str, kind: Kind, message: String) -> Self {
        Finding {
            operation: operation.to_owned(),
            part,
            path: path.to_owned(),
            kind,
            message,
            edit: None,
        }
    }

    /// The finding, with the edit that settles it.
    pub fn settled_by(mut self, edit: Option<Edit>) -> Self {
        self.edit = edit;
        self
    }
}

/// Where a body's fields live: which operation, which part, and which schema object.
#[derive(Debug, Clone, Copy)]
pub struct BodyPlace<'a> {
    /// The operation's id.
    pub operation: &'a str,
    /// [`Part::Request`] or [`Part::Response`].
    pub part: Part,
    /// The schema file's name in `schema/`, e.g. `namespaces.json`.
    pub file: &'a str,
    /// The JSON Pointer of the body's object in that file: `""` for its root.
    pub pointer: &'a str,
}

impl BodyPlace<'_> {
    fn finding(&self, path: &str, kind: Kind, message: String) -> Finding {
        Finding::new(self.operation, self.part, path, kind, message)
    }

    /// `schema/profile.json`, as the maintainer opens it.
    fn label(&self) -> String {
        format!("schema/{}", self.file)
    }

    /// `schema/profile.json#/properties/email`.
    fn at(&self, field: &SchemaField) -> String {
        format!("{}#{}", self.label(), field.pointer)
    }
}

/// All findings of one body, in page order then schema order.
///
/// Rules: a documented field must be in the schema with a compatible type, or carry an
/// `x-doc-type` equal to what the page says. A schema field the page does not show is drift when
/// it is required or newly documented (`x-doc-new`); any other optional one is a field seen only
/// elsewhere (its `$comment` says where) and is fine, until the page documents it in a response:
/// then it should become required. A response field the page newly documents may stay optional
/// while it carries `x-doc-new` (written so by `--fix`): the page promises it, but nothing has
/// shown the service sending it yet, and fixtures taken from the service do not hold it.
pub fn compare(documented: &[DocField], schema: &[SchemaField], place: &BodyPlace) -> Vec<Finding> {
    let mut findings = Vec::new();
    for doc in documented {
        let Some(field) = schema.iter().find(|f| f.path == doc.path) else {
            let (hint, object) = parent(&doc.path, schema, place);
            findings.push(
                place
                    .finding(
                        &doc.path,
                        Kind::MissingFromSchema,
                        format!(
                            "documented (type {}) but missing from the schema: add it to {} under {hint}",
                            doc.shown(),
                            place.label(),
                        ),
                    )
                    .settled_by(object.map(|object| Edit::AddField {
                        file: place.file.to_owned(),
                        object,
                        field: doc.clone(),
                        children: children(&doc.path, documented),
                        in_response: place.part == Part::Response,
                    })),
            );
            continue;
        };
        if let Some(marker) = &field.doc_type_marker {
            if *marker != doc.doc_type {
                // Mechanical only when the schema already accepts what the page now says; a
                // departure is never overwritten.
                let agrees = if doc.doc_type == "null" {
                    field.allows_null()
                } else {
                    compatible(&doc.doc_type, field) && (!doc.null_example || field.allows_null())
                };
                findings.push(
                    place
                        .finding(
                            &doc.path,
                            Kind::StaleMarker,
                            format!(
                                "the schema records that the page says {} (x-doc-type at {}), but the page now says {}: \
                                 re-check the field, then update or remove the x-doc-type marker and its $comment",
                                shown(marker),
                                place.at(field),
                                doc.shown()
                            ),
                        )
                        .settled_by(agrees.then(|| Edit::DropMarker {
                            file: place.file.to_owned(),
                            pointer: field.pointer.clone(),
                        })),
                );
            }
        } else if doc.doc_type == "null" {
            if !field.allows_null() {
                findings.push(newly_nullable(doc, field, place));
            }
        } else {
            if !compatible(&doc.doc_type, field) {
                findings.push(
                    place
                        .finding(
                            &doc.path,
                            Kind::TypeChanged,
                            format!(
                                "the page says {}, the schema accepts {}: change the type at {}, or keep it and record \
                                 the departure with \"x-doc-type\": {:?} and a $comment saying why",
                                doc.shown(),
                                field.describe(),
                                place.at(field),
                                doc.doc_type
                            ),
                        )
                        .settled_by(Some(Edit::Retype {
                            file: place.file.to_owned(),
                            pointer: field.pointer.clone(),
                            doc_type: doc.doc_type.clone(),
                        })),
                );
            }
            if doc.null_example && !field.allows_null() {
                findings.push(newly_nullable(doc, field, place));
            }
        }
        if place.part == Part::Response && !field.required && !field.newly_documented {
            // Not mechanical: its $comment says where it was seen, which a person rewrites.
            findings.push(place.finding(
                &doc.path,
                Kind::NewlyDocumented,
                format!(
                    "the page now documents it, but the schema keeps it optional (a field seen only \
                     elsewhere): add it to `required` beside {} and update its $comment",
                    place.at(field)
                ),
            ));
        }
    }
    for field in schema {
        if (field.required || field.newly_documented)
            && !documented.iter().any(|doc| doc.path == field.path)
        {
            let removal = field
                .pointer
                .rsplit_once("/properties/")
                .map(|(object, name)| Edit::RemoveField {
                    file: place.file.to_owned(),
                    object: object.to_owned(),
                    name: name.to_owned(),
                });
            findings.push(
                place
                    .finding(
                        &field.path,
                        Kind::NoLongerDocumented,
                        format!(
                            "in the schema ({}) but no longer documented: remove it from {} if the \
                             service dropped it",
                            place.at(field),
                            place.label()
                        ),
                    )
                    .settled_by(removal),
            );
        }
    }
    findings
}

/// The documented fields below `path` (`path.x`, `path[].y`, and theirs).
fn children(path: &str, documented: &[DocField]) -> Vec<DocField> {
    let (object, items) = (format!("{path}."), format!("{path}[]."));
    documented
        .iter()
        .filter(|d| d.path.starts_with(&object) || d.path.starts_with(&items))
        .cloned()
        .collect()
}

fn newly_nullable(doc: &DocField, field: &SchemaField, place: &BodyPlace) -> Finding {
    place
        .finding(
            &doc.path,
            Kind::NewlyNullable,
            format!(
                "the page shows null, the schema accepts {}: add \"null\" to the type at {}",
                field.describe(),
                place.at(field)
            ),
        )
        .settled_by(Some(Edit::AllowNull {
            file: place.file.to_owned(),
            pointer: field.pointer.clone(),
        }))
}

/// Whether the schema field accepts what the page's type says, and nothing far wider.
///
/// The pages' vocabulary: `string`, `integer`, `boolean`, `datetime`, `url`, `list[…]`,
/// `dict…` (`dict{string:list}`), and blank; examples add `number`, `list`, `dict`.
fn compatible(doc_type: &str, field: &SchemaField) -> bool {
    let format = field.format.as_deref();
    match doc_type {
        // A blank type is faithfully "any value".
        "" => field.is_any(),
        "string" => field.has("string") && !field.has("number") && !field.has("integer"),
        "datetime" => field.has("string") && format == Some("date-time"),
        // A plain string is not enough: a schema that keeps `url` a plain string records it.
        "url" => field.has("string") && matches!(format, Some("uri" | "uri-reference")),
        "integer" => field.has("integer"),
        "number" => field.has("number"),
        "boolean" => field.has("boolean"),
        list if list.starts_with("list") => field.has("array"),
        dict if dict.starts_with("dict") => field.has("object"),
        _ => false,
    }
}

/// Where a new field goes: a hint for the message, and the pointer of the object schema that
/// takes it when that is known (its parent is in the schema and has properties).
fn parent(path: &str, schema: &[SchemaField], place: &BodyPlace) -> (String, Option<String>) {
    let parent = path
        .rsplit_once('.')
        .map(|(parent, _)| parent.trim_end_matches("[]"));
    let properties = match parent {
        Some(parent) => match schema.iter().find(|f| f.path == parent) {
            Some(field) => match &field.children_pointer {
                Some(pointer) => pointer.clone(),
                None => return (format!("the object at {}", field.pointer), None),
            },
            None => return (format!("the object of `{parent}` (add that first)"), None),
        },
        None if place.pointer.is_empty() => {
            return ("the top-level `properties`".to_owned(), Some(String::new()));
        }
        None => format!("{}/properties", place.pointer),
    };
    let object = properties.strip_suffix("/properties").map(str::to_owned);
    (properties, object)
}
