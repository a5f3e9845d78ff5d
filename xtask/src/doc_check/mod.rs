//! `cargo xtask doc-check`: derive the documented shape from a docs page as published and report
//! where the schema has drifted from it.
//!
//! Each page `schema/upstream/NAME.md` pairs with the schema `schema/NAME.json`. A departure the
//! schema records with `x-doc-type` (what the page said) is not drift while the page still says
//! that; when the page changes, the marker is reported as stale.

mod compare;
mod lenient_json;
mod page;
mod schema;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use compare::Finding;
#[cfg(test)]
pub use compare::Kind;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per finding.
    Text,
    /// A JSON array of findings, each with its page.
    Json,
}

/// The findings of one page against its schema.
pub fn check_texts(page: &str, schema: &serde_json::Value) -> Result<Vec<Finding>, String> {
    let documented = page::documented_fields(page)?;
    let fields = schema::schema_fields(schema)?;
    Ok(compare::compare(&documented, &fields))
}

/// The schema paired with a page: `schema/upstream/NAME.md` → `schema/NAME.json`.
pub fn paired_schema(page: &Path) -> PathBuf {
    let stem = page
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let schema_dir = page
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new("."));
    schema_dir.join(format!("{stem}.json"))
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

/// Checks one page file against its paired schema file.
pub fn check_page(page: &Path) -> Result<Vec<Finding>, String> {
    let schema_path = paired_schema(page);
    let text = std::fs::read_to_string(page)
        .map_err(|e| format!("cannot read {}: {e}", page.display()))?;
    let schema_text = std::fs::read_to_string(&schema_path).map_err(|e| {
        format!(
            "cannot read {} (the schema paired with {}): {e}",
            schema_path.display(),
            page.display()
        )
    })?;
    let schema: serde_json::Value = serde_json::from_str(&schema_text)
        .map_err(|e| format!("{} is not JSON: {e}", schema_path.display()))?;
    check_texts(&text, &schema).map_err(|e| format!("{}: {e}", page.display()))
}

/// Runs the check over `pages`, prints the report, and returns the exit code:
/// 0 in sync, 1 drift, 2 a page or schema could not be read or parsed.
pub fn run(pages: &[PathBuf], format: Format, root: &Path) -> u8 {
    let mut all = Vec::new();
    for page in pages {
        match check_page(page) {
            Ok(findings) => all.push((page.clone(), findings)),
            Err(error) => {
                eprintln!("error: {error}");
                return 2;
            }
        }
    }
    let shown = |page: &Path| {
        page.strip_prefix(root)
            .unwrap_or(page)
            .display()
            .to_string()
    };
    let count: usize = all.iter().map(|(_, findings)| findings.len()).sum();
    match format {
        Format::Text => {
            for (page, findings) in &all {
                for finding in findings {
                    println!("{}: {}: {}", shown(page), finding.path, finding.message);
                }
            }
            if count == 0 {
                eprintln!("schema and docs are in sync ({} page(s))", all.len());
            } else {
                eprintln!("{count} finding(s); edit the schema, then run `cargo xtask gen`");
            }
        }
        Format::Json => {
            let records: Vec<serde_json::Value> = all
                .iter()
                .flat_map(|(page, findings)| {
                    findings.iter().map(move |f| {
                        serde_json::json!({"page": shown(page), "path": f.path, "kind": f.kind, "message": f.message})
                    })
                })
                .collect();
            println!("{}", serde_json::Value::Array(records));
        }
    }
    u8::from(count > 0)
}
