//! `cargo xtask doc-check`: derive what the docs pages document and report where the operation
//! list and the schemas have drifted from it.
//!
//! Every page `schema/upstream/NAME.md` is read for its operations (see [`page`] for how a page is
//! read). Each is paired with the operation of `schema/operations.json` that names that page and
//! has its method and path; then compared: method, path, required headers, query and path
//! parameters against the list, the payload and response tables and their JSON examples against
//! the schemas the operation names (`FILE` is the file's root, `FILE#/definitions/NAME` one of its
//! definitions; a response `"schema": null` means no documented body).
//!
//! A departure the schema records with `x-doc-type` (what the page said) is not drift while the
//! page still says that; when the page changes, the marker is reported as stale. A blank type
//! cell, an example key with no value (`"name": ,`) and a number JSON refuses (`"slug": 000`) all
//! read as the blank doc-type `""`. Schema fields the page does not show are drift only when
//! required: optional ones are fields seen elsewhere, never promised.

mod compare;
pub mod edit;
mod lenient_json;
mod markdown;
mod operations;
mod page;
mod pairing;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use compare::BodyPlace;
pub use compare::Finding;
#[cfg(test)]
pub use compare::{Kind, Part};
use operations::Operation;
pub use page::DocField;
pub use schema::NEWLY_DOCUMENTED;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per finding.
    Text,
    /// A JSON array of findings, each with its page.
    Json,
}

/// The operation list and where the schema files it names are read from.
pub struct Schemas {
    operations: Vec<Operation>,
    source: Source,
}

enum Source {
    /// The schema directory (`schema/`): `operations.json` and the schema files beside it.
    Dir(PathBuf),
    /// Schema files by name, for tests.
    #[cfg_attr(not(test), allow(dead_code))]
    Texts(BTreeMap<String, String>),
}

impl Schemas {
    /// Reads `DIR/operations.json`; schema files are read when an operation needs them.
    pub fn from_dir(dir: &Path) -> Result<Self, String> {
        let path = dir.join("operations.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {} (the operation list): {e}", path.display()))?;
        Ok(Schemas {
            operations: operations::parse(&text)?.operations,
            source: Source::Dir(dir.to_path_buf()),
        })
    }

    /// The operation list and schema files given as texts (`("profile.json", TEXT)`).
    #[cfg(test)]
    pub fn from_texts(operations: &str, files: &[(&str, &str)]) -> Result<Self, String> {
        Ok(Schemas {
            operations: operations::parse(operations)?.operations,
            source: Source::Texts(
                files
                    .iter()
                    .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
                    .collect(),
            ),
        })
    }

    /// The schema file `file` (`namespaces.json`), parsed.
    fn schema(&self, file: &str, operation: &str) -> Result<serde_json::Value, String> {
        let named = || format!("schema/{file} (named by `{operation}` in schema/operations.json)");
        let text = match &self.source {
            Source::Dir(dir) => std::fs::read_to_string(dir.join(file))
                .map_err(|e| format!("cannot read {}: {e}", named()))?,
            Source::Texts(files) => files
                .get(file)
                .cloned()
                .ok_or_else(|| format!("cannot read {}: no such file", named()))?,
        };
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", named()))
    }
}

/// The findings of one page, `page_name` (`namespaces.md`, as operations name their page) with
/// the text `page`, against the operation list and the schemas.
pub fn check_text(page_name: &str, page: &str, schemas: &Schemas) -> Result<Vec<Finding>, String> {
    let documented = page::operations(page)?;
    let listed: Vec<&Operation> = schemas
        .operations
        .iter()
        .filter(|op| op.page == page_name)
        .collect();
    let (pairs, mut findings) = pairing::pair(page_name, &documented, &listed);
    for pair in &pairs {
        findings.extend(pairing::compare_parameters(pair));
        findings.extend(compare_body(
            pair,
            compare::Part::Request,
            pair.doc.payload.as_deref(),
            pair.listed.request_schema(),
            schemas,
        )?);
        findings.extend(compare_body(
            pair,
            compare::Part::Response,
            pair.doc.response.as_deref(),
            pair.listed.response_schema(),
            schemas,
        )?);
    }
    Ok(findings)
}

/// One body of a pair: the page's table and examples against the schema the operation names.
fn compare_body(
    pair: &pairing::Pair,
    part: compare::Part,
    documented: Option<&[DocField]>,
    reference: Option<&str>,
    schemas: &Schemas,
) -> Result<Vec<Finding>, String> {
    let (table, body, key) = match part {
        compare::Part::Request => ("Payload:", "request body", "\"request\": {\"schema\": …}"),
        _ => (
            "Response:",
            "response body",
            "\"response\": {\"schema\": …}",
        ),
    };
    let id = pair.listed.id.as_str();
    match (documented, reference) {
        (None, None) => Ok(Vec::new()),
        (Some(_), None) => Ok(vec![Finding::new(
            id,
            part,
            "",
            compare::Kind::MissingFromSchema,
            format!(
                "the page documents a {body} (a `{table}` table in {}), but schema/operations.json gives \
                 `{id}` none: write its schema and name it with {key}",
                pair.doc.place()
            ),
        )]),
        // Not drift: the page may have moved or relabelled the table, which doc-check cannot tell
        // from its removal. Unreadable, with what was expected.
        (None, Some(reference)) => Err(format!(
            "no {} table found for `{}` ({}): expected a line `{table}` followed by a Markdown table \
             with `Field` and `Type` columns, since schema/operations.json names its {body} schema \
             `{reference}`",
            table.trim_end_matches(':').to_ascii_lowercase(),
            pair.doc.signature(),
            pair.doc.place()
        )),
        (Some(documented), Some(reference)) => {
            let (file, pointer) = operations::split_reference(reference);
            let root = schemas.schema(file, id)?;
            let fields = schema::schema_fields(&root, pointer).map_err(|e| {
                format!("schema/{file}: {e} (named by `{id}` in schema/operations.json)")
            })?;
            let place = BodyPlace {
                operation: id,
                part,
                file,
                pointer,
            };
            Ok(compare::compare(documented, &fields, &place))
        }
    }
}

/// The schema directory of a page: `schema/upstream/NAME.md` → `schema/`.
pub fn schema_dir(page: &Path) -> PathBuf {
    page.parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."))
        .to_path_buf()
}

/// Every vendored page under `schema/upstream/`, sorted.
pub fn default_pages(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("schema/upstream");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut pages: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    if pages.is_empty() {
        return Err(format!("no pages (*.md) under {}", dir.display()));
    }
    Ok(pages)
}

/// Checks one page file against the operation list and schemas of its schema directory.
pub fn check_page(page: &Path) -> Result<Vec<Finding>, String> {
    let text = std::fs::read_to_string(page)
        .map_err(|e| format!("cannot read {}: {e}", page.display()))?;
    let schemas = Schemas::from_dir(&schema_dir(page))?;
    let name = page
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    check_text(&name, &text, &schemas).map_err(|e| format!("{}: {e}", page.display()))
}

/// The findings of `pages`, by page. With no pages: of every page under `ROOT/schema/upstream/`,
/// and of each operation of the list whose page is not vendored there (nothing else checks it).
pub fn findings(root: &Path, pages: &[PathBuf]) -> Result<Vec<(PathBuf, Vec<Finding>)>, String> {
    if !pages.is_empty() {
        return check_pages(pages);
    }
    let pages = default_pages(root)?;
    let mut all = check_pages(&pages)?;
    all.extend(unvendored(root, &pages)?);
    Ok(all)
}

/// Runs the check over `pages` (see [`findings`]), prints the report, and returns the exit code:
/// 0 in sync, 1 drift, 2 a page, the operation list or a schema could not be read or parsed.
pub fn run(pages: &[PathBuf], format: Format, root: &Path) -> u8 {
    match findings(root, pages) {
        Ok(all) => report(&all, format, root),
        Err(error) => {
            eprintln!("error: {error}");
            2
        }
    }
}

fn check_pages(pages: &[PathBuf]) -> Result<Vec<(PathBuf, Vec<Finding>)>, String> {
    pages
        .iter()
        .map(|page| Ok((page.clone(), check_page(page)?)))
        .collect()
}

/// Operations naming a page that is not among `pages`, as findings of that (absent) page.
fn unvendored(root: &Path, pages: &[PathBuf]) -> Result<Vec<(PathBuf, Vec<Finding>)>, String> {
    let schemas = Schemas::from_dir(&root.join("schema"))?;
    let mut missing: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for op in &schemas.operations {
        if pages
            .iter()
            .any(|page| page.file_name().is_some_and(|name| *name == *op.page))
        {
            continue;
        }
        missing.entry(op.page.clone()).or_default().push(Finding::new(
            &op.id,
            compare::Part::Operation,
            "",
            compare::Kind::OperationNotOnPage,
            format!(
                "schema/operations.json names the page {:?} for `{}`, but schema/upstream/ has no such \
                 page: vendor the page as published, or correct the operation's `page`",
                op.page,
                op.signature()
            ),
        ));
    }
    Ok(missing
        .into_iter()
        .map(|(page, findings)| (root.join("schema/upstream").join(page), findings))
        .collect())
}

/// Prints the findings in `format` and returns the exit code: 0 none, 1 some.
pub fn report(all: &[(PathBuf, Vec<Finding>)], format: Format, root: &Path) -> u8 {
    let shown = |page: &Path| {
        page.strip_prefix(root)
            .unwrap_or(page)
            .display()
            .to_string()
    };
    let count: usize = all.iter().map(|(_, findings)| findings.len()).sum();
    match format {
        Format::Text => {
            for (page, findings) in all {
                for finding in findings {
                    println!("{}: {}: {}", shown(page), place(finding), finding.message);
                }
            }
            if count == 0 {
                eprintln!(
                    "operation list, schemas and docs are in sync ({} page(s))",
                    all.len()
                );
            } else {
                eprintln!(
                    "{count} finding(s); edit schema/operations.json or the schema, then run `cargo xtask gen`"
                );
            }
        }
        Format::Json => {
            let records: Vec<serde_json::Value> = all
                .iter()
                .flat_map(|(page, findings)| {
                    findings.iter().map(move |f| {
                        serde_json::json!({
                            "page": shown(page),
                            "operation": f.operation,
                            "part": f.part,
                            "path": f.path,
                            "kind": f.kind,
                            "message": f.message,
                        })
                    })
                })
                .collect();
            println!("{}", serde_json::Value::Array(records));
        }
    }
    u8::from(count > 0)
}

/// Where a finding is, for the text report: `get_profile response email`, `list_notifications
/// query limit`, or the operation alone.
fn place(finding: &Finding) -> String {
    let mut place = finding.operation.clone();
    if finding.part != compare::Part::Operation {
        place.push(' ');
        place.push_str(finding.part.name());
    }
    if !finding.path.is_empty() {
        place.push(' ');
        place.push_str(&finding.path);
    }
    place
}
