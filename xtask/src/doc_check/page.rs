//! Reading the docs page as published: the response table and the example JSON of its fields.

use super::lenient_json::{self, Example};

/// One field as the page documents it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocField {
    /// `email`, `organizations[].owner.email`, …
    pub path: String,
    /// The page's type: the table's Type cell (`string`, `list[dict]`, … or `""` when blank), or for
    /// example fields the kind of the example value (`string`, `integer`, `null`, … or `""` when the
    /// value is missing).
    pub doc_type: String,
    /// Whether the page shows `null` as this field's example.
    pub null_example: bool,
}

/// Derives the documented fields of a page, in page order.
pub fn documented_fields(page: &str) -> Result<Vec<DocField>, String> {
    let body = strip_front_matter(page);
    let rows = response_table(body)?;
    let mut fields = Vec::new();
    for row in &rows {
        fields.push(DocField {
            path: row.field.clone(),
            doc_type: row.doc_type.clone(),
            null_example: row.example == "null",
        });
    }
    for (field, example) in field_examples(body)? {
        let Some(row) = rows.iter().find(|r| r.field == field) else {
            return Err(format!(
                "the page has an example of `{field}` but no table row for it"
            ));
        };
        // A list's example shows one item; a dict's shows the object itself.
        let prefix = if row.doc_type.starts_with("list") {
            format!("{field}[]")
        } else {
            field.clone()
        };
        let Example::Dict(entries) = example else {
            return Err(format!("the example of `{field}` is not an object"));
        };
        flatten(&prefix, &entries, &mut fields);
    }
    Ok(fields)
}

fn flatten(prefix: &str, entries: &[(String, Example)], fields: &mut Vec<DocField>) {
    for (key, value) in entries {
        let path = format!("{prefix}.{key}");
        fields.push(DocField {
            path: path.clone(),
            doc_type: value.doc_type().to_owned(),
            null_example: *value == Example::Null,
        });
        if let Example::Dict(inner) = value {
            flatten(&path, inner, fields);
        }
    }
}

fn strip_front_matter(page: &str) -> &str {
    let Some(rest) = page.strip_prefix("---\n") else {
        return page;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => page,
    }
}

struct Row {
    field: String,
    doc_type: String,
    example: String,
}

/// The first Markdown table after a `Response:` line with `Field` and `Type` columns.
fn response_table(body: &str) -> Result<Vec<Row>, String> {
    let not_found = || {
        "no response table found: expected a line `Response:` followed by a Markdown table with \
         `Field` and `Type` columns"
            .to_owned()
    };
    let lines: Vec<&str> = body.lines().collect();
    let start = lines
        .iter()
        .position(|line| {
            line.trim()
                .trim_end_matches(':')
                .eq_ignore_ascii_case("response")
        })
        .ok_or_else(not_found)?;
    let table: Vec<Vec<String>> = lines[start + 1..]
        .iter()
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| line.trim_start().starts_with('|'))
        .map(|line| cells(line))
        .collect();
    let header = table.first().ok_or_else(not_found)?;
    let column = |name: &str| {
        header
            .iter()
            .position(|cell| cell.eq_ignore_ascii_case(name))
    };
    let (Some(field), Some(doc_type)) = (column("Field"), column("Type")) else {
        return Err(not_found());
    };
    let example = column("Example Output").or_else(|| column("Example"));
    let rows = table[1..]
        .iter()
        .filter(|cells| {
            !cells
                .iter()
                .all(|c| c.chars().all(|ch| matches!(ch, ':' | '-' | ' ')))
        })
        .filter_map(|cells| {
            let name = cells.get(field)?.trim_matches('`').to_owned();
            (!name.is_empty()).then(|| Row {
                field: name,
                doc_type: cells
                    .get(doc_type)
                    .map(|c| c.trim_matches('`').to_owned())
                    .unwrap_or_default(),
                example: example
                    .and_then(|i| cells.get(i))
                    .map(|c| c.trim_matches('`').to_owned())
                    .unwrap_or_default(),
            })
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        return Err("the response table has no rows".to_owned());
    }
    Ok(rows)
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(|cell| cell.trim().to_owned())
        .collect()
}

/// The ```json blocks introduced by "example output of FIELD", parsed leniently.
fn field_examples(body: &str) -> Result<Vec<(String, Example)>, String> {
    const MARKER: &str = "example output of ";
    let mut examples = Vec::new();
    let mut rest = body;
    while let Some(found) = rest.find(MARKER) {
        let after = &rest[found + MARKER.len()..];
        let field: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = after.find("```json") else {
            return Err(format!(
                "`example output of {field}` is not followed by a ```json block"
            ));
        };
        let code = &after[open + "```json".len()..];
        let close = code
            .find("```")
            .ok_or_else(|| format!("the example of `{field}` is not closed"))?;
        let example = lenient_json::parse(&code[..close])
            .map_err(|e| format!("the example of `{field}`: {e}"))?;
        examples.push((field, example));
        rest = &code[close..];
    }
    Ok(examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../../schema/upstream/profile.md");

    #[test]
    fn reads_the_vendored_page() {
        let fields = documented_fields(PAGE).unwrap();
        let find = |path: &str| {
            fields
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path}"))
        };
        assert_eq!(find("email").doc_type, "integer");
        assert_eq!(find("profile_settings").doc_type, "");
        assert!(find("first_name").null_example);
        assert_eq!(find("organization_roles").doc_type, "dict{string:list}");
        assert_eq!(find("organizations[].name").doc_type, "");
        assert_eq!(find("organizations[].charged_budget").doc_type, "number");
        assert_eq!(find("organizations[].owner.creation_time").doc_type, "");
        assert_eq!(
            find("organizations[].organization_feature_flags.limited_apps").doc_type,
            "list"
        );
        assert!(find("organizations[].image").null_example);
        // 14 table rows, 41 organization keys, 9 owner keys, 2 feature flags.
        assert_eq!(fields.len(), 14 + 41 + 9 + 2);
    }

    #[test]
    fn a_page_without_a_response_table_says_what_is_missing() {
        let error = documented_fields("# Profile\n\nNo table here.\n").unwrap_err();
        assert!(error.starts_with("no response table found"), "{error}");
    }
}
