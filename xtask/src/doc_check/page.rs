//! Reading a docs page as published: its operations, each with its Method, URL and Required
//! Headers lines, its tables (header, query, path, payload, response) and the JSON examples of
//! its fields.
//!
//! How a page is read (the pages are Jekyll Markdown, read with pulldown-cmark):
//! - Every `#`/`##` heading starts a section. A section with a `- **Method**:` item is one
//!   operation; it must also have `- **URL**:`. Headings are not compared: notifications.md's says
//!   "get profile information", a copy-paste slip.
//! - A table belongs to the paragraph right before it, its label: `Header Parameters:`,
//!   `Request Parameters:` (profile.md spells it `Paremeters`; any label starting with "Request"
//!   or "Query" is read as the query table), `Path Parameters:`, `Payload:` (or `Request Body:`),
//!   `Response:`. A table under any other label is an error: doc-check would otherwise skip it.
//! - A ```json block belongs to the paragraph right before it: `example output of FIELD` or
//!   `example NAME`. NAME is a row of the section's response or payload table, by its field name
//!   or by its description, singular or plural (`example notification` → the `results` row,
//!   described as "notifications"). A list field's example shows one item (`results[].slug`); a
//!   dict field's shows the object itself.
//! - Required headers are those of the `Required Headers` line and of the header table together.

use super::lenient_json::{self, Example};
use super::markdown::{self, Block};

/// One field as the page documents it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocField {
    /// `email`, `organizations[].owner.email`, …
    pub path: String,
    /// The page's type: the table's Type cell (`string`, `list[dict]`, … or `""` when blank), or for
    /// example fields the kind of the example value (`string`, `integer`, `null`, … or `""` when the
    /// value is missing or not JSON).
    pub doc_type: String,
    /// Whether the page shows `null` as this field's example.
    pub null_example: bool,
    /// What the page shows where the doc-type alone would hide it (`000`, not a JSON number).
    pub note: Option<String>,
    /// The table's Description cell (`""` for example fields).
    pub description: String,
    /// Whether a `Required` column marks it (`yes`, `true`, `required`).
    pub required: bool,
}

impl DocField {
    /// What the page says, for a report.
    pub fn shown(&self) -> String {
        match &self.note {
            Some(note) => format!("{note} (read as a blank value)"),
            None => shown(&self.doc_type),
        }
    }
}

/// A doc-type said for a report: `` `string` ``, or what a blank means.
pub fn shown(doc_type: &str) -> String {
    if doc_type.is_empty() {
        "nothing (a blank type or value)".to_owned()
    } else {
        format!("`{doc_type}`")
    }
}

/// A query, path or header parameter as a table row documents it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocParam {
    /// `limit`.
    pub name: String,
    /// Its Type cell, backticks removed (`integer`), or `""`.
    pub doc_type: String,
    /// Its Description cell, or `""`.
    pub description: String,
    /// Its Example cell, or `""`.
    pub example: String,
}

/// One operation of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct DocOperation {
    /// The section's heading.
    pub heading: String,
    /// 1-based line of the section's heading (of the `Method` item when there is none).
    pub line: usize,
    /// `GET`, upper-cased.
    pub method: String,
    /// The URL line's path, e.g. `/api/v1/darkube/namespaces/{namespace_id}/`.
    pub path: String,
    /// Required header names, from the `Required Headers` line and the header table.
    pub required_headers: Vec<String>,
    /// Rows of the query table (none when the page has no such table).
    pub query: Vec<DocParam>,
    /// Rows of a `Path Parameters:` table, if the section has one.
    pub path_table: Option<Vec<DocParam>>,
    /// The request body's fields (`Payload:` table and examples), if documented.
    pub payload: Option<Vec<DocField>>,
    /// The response body's fields (`Response:` table and examples), if documented.
    pub response: Option<Vec<DocField>>,
}

impl DocOperation {
    /// `GET /api/v1/users/profile`.
    pub fn signature(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Where the section is, for messages: `section "create new Namespace" (line 12)`.
    pub fn place(&self) -> String {
        format!("section \"{}\" (line {})", self.heading, self.line)
    }
}

/// Derives the documented operations of a page, in page order.
pub fn operations(page: &str) -> Result<Vec<DocOperation>, String> {
    let blocks = markdown::blocks(page);
    let mut operations = Vec::new();
    let mut start = 0;
    while start < blocks.len() {
        let end = blocks[start + 1..]
            .iter()
            .position(|b| matches!(b, Block::Heading { level: 1 | 2, .. }))
            .map_or(blocks.len(), |i| start + 1 + i);
        if let Some(operation) = section(&blocks[start..end])? {
            operations.push(operation);
        }
        start = end;
    }
    if operations.is_empty() {
        return Err(
            "no operation found: expected a `## ` section with `- **Method**:` and \
                    `- **URL**:` lines"
                .to_owned(),
        );
    }
    Ok(operations)
}

/// What a table is, by its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Header,
    Query,
    Path,
    Payload,
    Response,
}

impl TableKind {
    fn of(label: &str) -> Option<TableKind> {
        let label = label
            .trim()
            .trim_end_matches(':')
            .trim()
            .to_ascii_lowercase();
        let kind = if label.starts_with("header") {
            TableKind::Header
        } else if label.starts_with("path") {
            TableKind::Path
        } else if label.starts_with("payload") || label.starts_with("request body") {
            TableKind::Payload
        } else if label.starts_with("request") || label.starts_with("query") {
            TableKind::Query
        } else if label.starts_with("response") {
            TableKind::Response
        } else {
            return None;
        };
        Some(kind)
    }
}

/// A table's body rows as (field, type, example, description, required), blank rows skipped.
struct Row {
    field: String,
    doc_type: String,
    example: String,
    description: String,
    required: bool,
}

fn rows(
    label: &str,
    header: &[String],
    body: &[(usize, Vec<String>)],
    needs_type: bool,
    line: usize,
) -> Result<Vec<Row>, String> {
    let column = |name: &str| header.iter().position(|c| c.eq_ignore_ascii_case(name));
    let field = column("Field");
    let doc_type = column("Type");
    let (Some(field), true) = (field, doc_type.is_some() || !needs_type) else {
        return Err(format!(
            "the `{label}` table (line {line}) has no `Field`{} column",
            if needs_type { " and `Type`" } else { "" }
        ));
    };
    let example = column("Example Output").or_else(|| column("Example"));
    let description = column("Description");
    let required = column("Required");
    let cell = |cells: &[String], index: Option<usize>| {
        index
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    Ok(body
        .iter()
        .filter_map(|(_, cells)| {
            let name = cells.get(field)?.trim().to_owned();
            (!name.is_empty()).then(|| Row {
                field: name,
                doc_type: cell(cells, doc_type),
                example: cell(cells, example),
                description: cell(cells, description),
                required: matches!(
                    cell(cells, required).trim().to_ascii_lowercase().as_str(),
                    "yes" | "true" | "required"
                ),
            })
        })
        .collect())
}

/// Reads one section; `None` when it is not an operation.
fn section(blocks: &[Block]) -> Result<Option<DocOperation>, String> {
    let (heading, heading_line) = match blocks.first() {
        Some(Block::Heading { text, line, .. }) => (text.clone(), Some(*line)),
        _ => ("(before the first heading)".to_owned(), None),
    };
    let mut method: Option<(String, usize)> = None;
    let mut url: Option<String> = None;
    let mut header_line: Vec<String> = Vec::new();
    let mut tables: Vec<(TableKind, String, Vec<Row>, usize)> = Vec::new();
    let mut examples: Vec<(String, Example, usize)> = Vec::new();

    for (index, block) in blocks.iter().enumerate() {
        // A label is the paragraph right before (or a plain list item: `* example …`).
        let label_before = match index.checked_sub(1).map(|i| &blocks[i]) {
            Some(Block::Paragraph { text, .. }) => Some(text.as_str()),
            Some(Block::Item { label, text, .. }) if label.is_empty() => Some(text.as_str()),
            _ => None,
        };
        let where_ = || format!("section \"{heading}\"");
        match block {
            Block::Item {
                label,
                codes,
                text,
                line,
            } => {
                let value = || {
                    codes
                        .first()
                        .cloned()
                        .unwrap_or_else(|| text.trim_start_matches(':').trim().to_owned())
                };
                match label
                    .trim_end_matches(':')
                    .trim()
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "method" => {
                        if method.is_some() {
                            return Err(format!(
                                "{}: a second `Method` line (line {line}); give each operation its \
                                 own `## ` section",
                                where_()
                            ));
                        }
                        method = Some((value().to_ascii_uppercase(), *line));
                    }
                    "url" => url = Some(value()),
                    "required headers" => {
                        header_line = if codes.is_empty() {
                            text.trim_start_matches(':')
                                .split(',')
                                .map(|h| h.trim().to_owned())
                                .filter(|h| !h.is_empty())
                                .collect()
                        } else {
                            codes.clone()
                        };
                    }
                    _ => {}
                }
            }
            Block::Table {
                header,
                rows: body,
                line,
            } => {
                let label = label_before.unwrap_or_default();
                let Some(kind) = TableKind::of(label) else {
                    return Err(format!(
                        "{}: the table at line {line} is not introduced by a label doc-check knows \
                         (`Header Parameters:`, `Request Parameters:`, `Path Parameters:`, `Payload:`, \
                         `Response:`){}",
                        where_(),
                        if label.is_empty() {
                            String::new()
                        } else {
                            format!("; found `{label}`")
                        }
                    ));
                };
                if tables.iter().any(|(k, ..)| *k == kind) {
                    return Err(format!(
                        "{}: a second `{label}` table (line {line})",
                        where_()
                    ));
                }
                let needs_type = kind != TableKind::Header;
                let read = rows(label, header, body, needs_type, *line)?;
                if read.is_empty() && matches!(kind, TableKind::Payload | TableKind::Response) {
                    return Err(format!(
                        "{}: the `{label}` table (line {line}) has no rows",
                        where_()
                    ));
                }
                tables.push((kind, label.to_owned(), read, *line));
            }
            Block::Code { lang, text, line } if lang == "json" => {
                let intro = label_before.unwrap_or_default();
                let subject = example_subject(intro).ok_or_else(|| {
                    format!(
                        "{}: the ```json block at line {line} is not introduced by `example output of \
                         FIELD:` or `example NAME:`{}",
                        where_(),
                        if intro.is_empty() {
                            String::new()
                        } else {
                            format!("; found `{intro}`")
                        }
                    )
                })?;
                let example = lenient_json::parse(text).map_err(|e| {
                    format!(
                        "{}: the example of `{subject}` (line {line}): {e}",
                        where_()
                    )
                })?;
                examples.push((subject, example, *line));
            }
            _ => {}
        }
    }

    let Some((method, line)) = method else {
        if url.is_some() {
            return Err(format!(
                "section \"{heading}\": a `URL` line but no `Method` line"
            ));
        }
        if let Some((_, label, _, table_line)) = tables.first() {
            return Err(format!(
                "section \"{heading}\": a `{label}` table (line {table_line}) outside any operation \
                 (no `- **Method**:` line)"
            ));
        }
        return Ok(None);
    };
    let path = url.ok_or_else(|| {
        format!("section \"{heading}\": a `Method` line (line {line}) but no `URL` line")
    })?;

    let take = |kind: TableKind| tables.iter().find(|(k, ..)| *k == kind);
    let params = |kind: TableKind| {
        take(kind).map(|(_, _, rows, _)| {
            rows.iter()
                .map(|row| DocParam {
                    name: row.field.clone(),
                    doc_type: row.doc_type.clone(),
                    description: row.description.clone(),
                    example: row.example.clone(),
                })
                .collect::<Vec<_>>()
        })
    };

    let mut required_headers: Vec<String> = Vec::new();
    let header_table = params(TableKind::Header).unwrap_or_default();
    for name in header_line
        .into_iter()
        .chain(header_table.into_iter().map(|p| p.name))
    {
        if !required_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&name))
        {
            required_headers.push(name);
        }
    }

    let response_rows = take(TableKind::Response).map(|(_, _, rows, _)| rows.as_slice());
    let payload_rows = take(TableKind::Payload).map(|(_, _, rows, _)| rows.as_slice());
    let mut response = response_rows.map(table_fields);
    let mut payload = payload_rows.map(table_fields);
    for (subject, example, line) in examples {
        if response_rows.is_none() && payload_rows.is_none() {
            return Err(format!(
                "no response table found for `{method} {path}` (section \"{heading}\"): the example of \
                 `{subject}` (line {line}) has no table row to belong to; expected a line `Response:` \
                 followed by a Markdown table with `Field` and `Type` columns"
            ));
        }
        let owner = example_owner(&subject, response_rows, payload_rows).map_err(|e| {
            format!("section \"{heading}\": the example of `{subject}` (line {line}): {e}")
        })?;
        let (row, fields) = match owner {
            (Owner::Response, row) => (row, response.as_mut()),
            (Owner::Payload, row) => (row, payload.as_mut()),
        };
        let Some(fields) = fields else {
            continue;
        };
        // A list's example shows one item; a dict's shows the object itself.
        let prefix = if row.doc_type.starts_with("list") {
            format!("{}[]", row.field)
        } else {
            row.field.clone()
        };
        let Example::Dict(entries) = example else {
            return Err(format!(
                "section \"{heading}\": the example of `{subject}` (line {line}) is not an object"
            ));
        };
        flatten(&prefix, &entries, fields);
    }

    Ok(Some(DocOperation {
        heading,
        line: heading_line.unwrap_or(line),
        method,
        path,
        required_headers,
        query: params(TableKind::Query).unwrap_or_default(),
        path_table: params(TableKind::Path),
        payload,
        response,
    }))
}

fn table_fields(rows: &[Row]) -> Vec<DocField> {
    rows.iter()
        .map(|row| DocField {
            path: row.field.clone(),
            doc_type: row.doc_type.clone(),
            null_example: row.example == "null",
            note: None,
            description: row.description.trim().to_owned(),
            required: row.required,
        })
        .collect()
}

/// `* example output of organizations:` → `organizations`; `* example notification:` →
/// `notification`.
fn example_subject(intro: &str) -> Option<String> {
    let intro = intro
        .trim()
        .trim_start_matches('*')
        .trim()
        .trim_end_matches(':')
        .trim();
    let lower = intro.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("example output of ")
        .or_else(|| lower.strip_prefix("example "))?;
    let subject = rest.trim();
    (!subject.is_empty()).then(|| subject.to_owned())
}

#[derive(Debug, Clone, Copy)]
enum Owner {
    Response,
    Payload,
}

/// The table row an example belongs to: by field name, else by description (singular or plural).
fn example_owner<'a>(
    subject: &str,
    response: Option<&'a [Row]>,
    payload: Option<&'a [Row]>,
) -> Result<(Owner, &'a Row), String> {
    let tables = [(Owner::Response, response), (Owner::Payload, payload)];
    let by = |matches: &dyn Fn(&Row) -> bool| {
        let mut found = Vec::new();
        for (owner, rows) in &tables {
            for row in rows.unwrap_or_default() {
                if matches(row) {
                    found.push((*owner, row));
                }
            }
        }
        found
    };
    let mut found = by(&|row| row.field.eq_ignore_ascii_case(subject));
    if found.is_empty() {
        found = by(&|row| {
            let description = row.description.to_ascii_lowercase();
            description == subject || description == format!("{subject}s")
        });
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err("no response or payload table row has that name or description".to_owned()),
        _ => Err("more than one table row has that name or description".to_owned()),
    }
}

fn flatten(prefix: &str, entries: &[(String, Example)], fields: &mut Vec<DocField>) {
    for (key, value) in entries {
        let path = format!("{prefix}.{key}");
        fields.push(DocField {
            path: path.clone(),
            doc_type: value.doc_type().to_owned(),
            null_example: *value == Example::Null,
            note: value.note(),
            description: String::new(),
            required: false,
        });
        if let Example::Dict(inner) = value {
            flatten(&path, inner, fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reader's fixtures: the pages as vendored when these tests were written, frozen, so
    // that a docs change (which doc-check and its --fix handle) does not break the reader's tests.
    const PROFILE: &str = include_str!("../../testdata/upstream/profile.md");
    const NOTIFICATIONS: &str = include_str!("../../testdata/upstream/notifications.md");
    const NAMESPACES: &str = include_str!("../../testdata/upstream/namespaces.md");

    fn find<'a>(fields: &'a [DocField], path: &str) -> &'a DocField {
        fields
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"))
    }

    #[test]
    fn reads_the_profile_page() {
        let operations = operations(PROFILE).unwrap();
        assert_eq!(operations.len(), 1);
        let profile = &operations[0];
        assert_eq!(profile.signature(), "GET /api/v1/users/profile");
        assert_eq!(profile.required_headers, ["Authorization"]);
        // "Request Paremeters:" holds one blank row: no query parameters.
        assert_eq!(profile.query, []);
        assert_eq!(profile.payload, None);
        let fields = profile.response.as_deref().unwrap();
        assert_eq!(find(fields, "email").doc_type, "integer");
        assert_eq!(find(fields, "profile_settings").doc_type, "");
        assert!(find(fields, "first_name").null_example);
        assert_eq!(
            find(fields, "organization_roles").doc_type,
            "dict{string:list}"
        );
        assert_eq!(find(fields, "organizations[].name").doc_type, "");
        assert_eq!(
            find(fields, "organizations[].charged_budget").doc_type,
            "number"
        );
        assert_eq!(
            find(fields, "organizations[].owner.creation_time").doc_type,
            ""
        );
        assert_eq!(
            find(
                fields,
                "organizations[].organization_feature_flags.limited_apps"
            )
            .doc_type,
            "list"
        );
        assert!(find(fields, "organizations[].image").null_example);
        // 14 table rows, 41 organization keys, 9 owner keys, 2 feature flags.
        assert_eq!(fields.len(), 14 + 41 + 9 + 2);
    }

    #[test]
    fn reads_the_notifications_page() {
        let operations = operations(NOTIFICATIONS).unwrap();
        assert_eq!(operations.len(), 1);
        let list = &operations[0];
        // The heading is the page's copy-paste slip; the operation is read all the same.
        assert_eq!(list.heading, "get profile information");
        assert_eq!(list.signature(), "GET /api/v1/notifications/all_list/");
        // The header table has no blank line before it and is read all the same.
        assert_eq!(list.required_headers, ["Authorization", "x-organization"]);
        let query: Vec<(&str, &str)> = list
            .query
            .iter()
            .map(|p| (p.name.as_str(), p.doc_type.as_str()))
            .collect();
        assert_eq!(query, [("limit", "integer"), ("offset", "integer")]);
        let fields = list.response.as_deref().unwrap();
        assert_eq!(find(fields, "next").doc_type, "url");
        assert_eq!(find(fields, "results").doc_type, "list[dict]");
        // "example notification" belongs to the row described as "notifications".
        assert_eq!(find(fields, "results[].unread").doc_type, "boolean");
        assert_eq!(find(fields, "results[].title").doc_type, "");
        let slug = find(fields, "results[].slug");
        assert_eq!(slug.doc_type, "");
        assert_eq!(
            slug.shown(),
            "`000`, which is not a JSON number (read as a blank value)"
        );
        assert_eq!(find(fields, "results[].target_type").doc_type, "string");
        assert_eq!(fields.len(), 4 + 7);
    }

    #[test]
    fn reads_the_namespaces_page() {
        let operations = operations(NAMESPACES).unwrap();
        let signatures: Vec<String> = operations.iter().map(DocOperation::signature).collect();
        assert_eq!(
            signatures,
            [
                "POST /api/v1/darkube/namespaces/",
                "DELETE /api/v1/darkube/namespaces/{namespace_id}/"
            ]
        );
        let create = &operations[0];
        let payload: Vec<(&str, &str)> = create
            .payload
            .as_deref()
            .unwrap()
            .iter()
            .map(|f| (f.path.as_str(), f.doc_type.as_str()))
            .collect();
        assert_eq!(payload, [("name", "string"), ("cluster_id", "integer")]);
        let response: Vec<(&str, &str)> = create
            .response
            .as_deref()
            .unwrap()
            .iter()
            .map(|f| (f.path.as_str(), f.doc_type.as_str()))
            .collect();
        assert_eq!(
            response,
            [("name", "string"), ("cluster", "dict"), ("id", "integer")]
        );
        let delete = &operations[1];
        assert_eq!(delete.required_headers, ["Authorization", "x-organization"]);
        assert_eq!((&delete.payload, &delete.response), (&None, &None));
    }

    #[test]
    fn unreadable_pages_say_what_is_missing() {
        for (what, page, expected) in [
            (
                "no operation",
                "# Profile\n\nNo table here.\n",
                "no operation found",
            ),
            (
                "method without URL",
                "## x\n\n- **Method**: `GET`\n",
                "no `URL` line",
            ),
            (
                "a table with an unknown label",
                "## x\n\n- **Method**: `GET`\n- **URL**: `/a`\n\nErrors:\n\n| Field | Type |\n|--|--|\n| a | `string` |\n",
                "found `Errors:`",
            ),
            (
                "an example of nothing",
                "## x\n\n- **Method**: `GET`\n- **URL**: `/a`\n\nResponse:\n\n| Field | Type |\n|--|--|\n| a | `dict` |\n\n* example output of b:\n```json\n{}\n```\n",
                "no response or payload table row",
            ),
            (
                "a response table without a Type column",
                "## x\n\n- **Method**: `GET`\n- **URL**: `/a`\n\nResponse:\n\n| Field | Kind |\n|--|--|\n| a | `dict` |\n",
                "no `Field` and `Type` column",
            ),
        ] {
            let error = operations(page).unwrap_err();
            assert!(error.contains(expected), "{what}: {error}");
        }
    }
}
