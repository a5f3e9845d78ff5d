//! Pairing a page's operations with the operation list's, and comparing what the list records
//! beside the schemas: method, path, required headers, query and path parameters.
//!
//! Pairing is by method and path. What is left is paired by path (the method changed), then by
//! method in page order (the path changed); a page operation still unpaired is new, a listed one
//! still unpaired is no longer on the page. So one edit to a Method or URL line is one finding.

use super::compare::{Finding, Kind, Part};
use super::edit::Edit;
use super::operations::{self, Operation};
use super::page::{DocOperation, DocParam, shown};

/// A page operation and the listed operation it documents.
pub struct Pair<'a> {
    /// As the page documents it.
    pub doc: &'a DocOperation,
    /// As schema/operations.json lists it.
    pub listed: &'a Operation,
    /// Whether the path differs (already reported; path parameters are not compared again).
    pub path_changed: bool,
}

/// Pairs `documented` (one page's operations) with `listed` (the list's operations naming that
/// page); returns the pairs and the findings about operations that do not pair exactly.
pub fn pair<'a>(
    page: &str,
    documented: &'a [DocOperation],
    listed: &[&'a Operation],
) -> (Vec<Pair<'a>>, Vec<Finding>) {
    let mut doc_left: Vec<&DocOperation> = documented.iter().collect();
    let mut listed_left: Vec<&Operation> = listed.to_vec();
    let mut pairs = Vec::new();
    let mut findings = Vec::new();

    for (doc, op) in take(
        |doc, op| doc.method.eq_ignore_ascii_case(&op.method) && doc.path == op.path,
        &mut doc_left,
        &mut listed_left,
    ) {
        pairs.push(Pair {
            doc,
            listed: op,
            path_changed: false,
        });
    }
    for (doc, op) in take(
        |doc, op| doc.path == op.path,
        &mut doc_left,
        &mut listed_left,
    ) {
        findings.push(Finding::new(
            &op.id,
            Part::Operation,
            "",
            Kind::MethodChanged,
            format!(
                "the page's method for `{}` is `{}` ({}), schema/operations.json has `{}`: change the \
                 operation's `method` (and re-check its retry rule: only idempotent methods are retried freely)",
                doc.path,
                doc.method,
                doc.place(),
                op.method
            ),
        ));
        pairs.push(Pair {
            doc,
            listed: op,
            path_changed: false,
        });
    }
    for (doc, op) in take(
        |doc, op| doc.method.eq_ignore_ascii_case(&op.method),
        &mut doc_left,
        &mut listed_left,
    ) {
        findings.push(Finding::new(
            &op.id,
            Part::Operation,
            "",
            Kind::PathChanged,
            format!(
                "the page's URL is `{}` ({}), schema/operations.json has `{}`: change the operation's \
                 `path` (and its `path_parameters` if the placeholders changed)",
                doc.path,
                doc.place(),
                op.path
            ),
        ));
        pairs.push(Pair {
            doc,
            listed: op,
            path_changed: true,
        });
    }
    for doc in doc_left {
        findings.push(Finding::new(
            &doc.signature(),
            Part::Operation,
            "",
            Kind::NewOperation,
            format!(
                "the page documents `{}` ({}), which schema/operations.json lacks: add an operation with \
                 \"page\": {page:?}, its method, path, required headers, parameters and body schemas",
                doc.signature(),
                doc.place()
            ),
        ));
    }
    for op in listed_left {
        findings.push(Finding::new(
            &op.id,
            Part::Operation,
            "",
            Kind::OperationNotOnPage,
            format!(
                "schema/operations.json lists `{}` with \"page\": {page:?}, but the page no longer \
                 documents it: remove the operation if the service dropped it, or correct its `page`",
                op.signature()
            ),
        ));
    }
    (pairs, findings)
}

/// Removes and returns, in page order, each page operation with the first listed one `same` says
/// it documents.
fn take<'a>(
    same: impl Fn(&DocOperation, &Operation) -> bool,
    doc_left: &mut Vec<&'a DocOperation>,
    listed_left: &mut Vec<&'a Operation>,
) -> Vec<(&'a DocOperation, &'a Operation)> {
    let mut taken = Vec::new();
    let mut index = 0;
    while index < doc_left.len() {
        match listed_left.iter().position(|op| same(doc_left[index], op)) {
            Some(found) => taken.push((doc_left.remove(index), listed_left.remove(found))),
            None => index += 1,
        }
    }
    taken
}

/// Required headers, query parameters and path parameters of one pair.
pub fn compare_parameters(pair: &Pair) -> Vec<Finding> {
    let Pair {
        doc,
        listed,
        path_changed,
    } = pair;
    let finding = |part, path, kind, message| Finding::new(&listed.id, part, path, kind, message);
    let mut findings = Vec::new();

    // Header names are case-insensitive in HTTP.
    for header in &doc.required_headers {
        if !listed
            .required_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(header))
        {
            findings.push(finding(
                Part::Header,
                header,
                Kind::MissingFromSchema,
                format!(
                    "the page requires the header `{header}`, schema/operations.json does not: add it to \
                     `required_headers` of `{}`, then teach the client and the mock to send and check it",
                    listed.id
                ),
            ));
        }
    }
    for header in &listed.required_headers {
        if !doc
            .required_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(header))
        {
            findings.push(finding(
                Part::Header,
                header,
                Kind::NoLongerDocumented,
                format!(
                    "schema/operations.json requires the header `{header}` for `{}`, the page no longer \
                     lists it (Required Headers line or header table): remove it from `required_headers` \
                     if the service dropped it",
                    listed.id
                ),
            ));
        }
    }

    findings.extend(compare_params(
        Part::Query,
        &doc.query,
        &listed.query_parameters,
        "query_parameters",
        &listed.id,
    ));

    if !path_changed {
        // The page's URL placeholders, typed by a `Path Parameters:` table when there is one.
        let documented: Vec<DocParam> = operations::placeholders(&doc.path)
            .into_iter()
            .map(|name| {
                let row = doc.path_table.iter().flatten().find(|p| p.name == name);
                DocParam {
                    doc_type: row.map(|p| p.doc_type.clone()).unwrap_or_default(),
                    description: String::new(),
                    example: String::new(),
                    name,
                }
            })
            .collect();
        let typed = doc.path_table.is_some();
        let mut path_findings = compare_params(
            Part::PathParameter,
            &documented,
            &listed.path_parameters,
            "path_parameters",
            &listed.id,
        );
        // Without a table the page gives placeholders no type: compare names only.
        if !typed {
            path_findings.retain(|f| f.kind != Kind::TypeChanged);
        }
        findings.extend(path_findings);
    }
    findings
}

fn compare_params(
    part: Part,
    documented: &[DocParam],
    listed: &[operations::Parameter],
    key: &str,
    id: &str,
) -> Vec<Finding> {
    let finding = |path: &str, kind, message| Finding::new(id, part, path, kind, message);
    let what = part.name();
    // Only the query list is edited mechanically: a path or header change means code changes.
    let query = |edit: Edit| (part == Part::Query).then_some(edit);
    let mut findings = Vec::new();
    for param in documented {
        match listed.iter().find(|p| p.name == param.name) {
            None => findings.push(finding(
                &param.name,
                Kind::MissingFromSchema,
                format!(
                    "the page documents the {what} parameter `{}` (type {}), schema/operations.json does \
                     not: add it to `{key}` of `{id}`",
                    param.name,
                    shown(&param.doc_type)
                ),
            )
            .settled_by(query(Edit::AddQuery {
                operation: id.to_owned(),
                name: param.name.clone(),
                doc_type: param.doc_type.clone(),
                description: param.description.clone(),
                example: param.example.clone(),
            }))),
            Some(known) if known.doc_type != param.doc_type => findings.push(finding(
                &param.name,
                Kind::TypeChanged,
                format!(
                    "the page types the {what} parameter `{}` {}, schema/operations.json says `{}`: \
                     change its `type` in `{key}` of `{id}`",
                    param.name,
                    shown(&param.doc_type),
                    known.doc_type
                ),
            )
            .settled_by(query(Edit::RetypeQuery {
                operation: id.to_owned(),
                name: param.name.clone(),
                doc_type: param.doc_type.clone(),
            }))),
            Some(_) => {}
        }
    }
    for known in listed {
        if !documented.iter().any(|p| p.name == known.name) {
            findings.push(finding(
                &known.name,
                Kind::NoLongerDocumented,
                format!(
                    "schema/operations.json has the {what} parameter `{}` for `{id}`, the page no longer \
                     documents it: remove it from `{key}` if the service dropped it",
                    known.name
                ),
            )
            .settled_by(query(Edit::RemoveQuery {
                operation: id.to_owned(),
                name: known.name.clone(),
            })));
        }
    }
    findings
}
