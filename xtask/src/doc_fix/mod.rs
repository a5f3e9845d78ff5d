//! `cargo xtask doc-check --fix`: write the schema edits that follow from the page alone, show
//! them as a diff, and leave every other finding for a person.
//!
//! The edits are those doc-check attaches to its findings ([`Edit`]): a new documented field, a
//! retyped field, a removed field, `null` newly shown, a departure marker the page no longer
//! calls for, and the operation list's query parameters. Each changes only its own lines of the
//! file ([`crate::json_text`]); one the file does not allow mechanically (a
//! retyped field whose `$comment` gives a reason for the old type, a `$ref` to a definition) is
//! declined, and its finding is reported as doc-check reports it.
//!
//! Edits run in passes: a new object's fields can only be placed once the object exists, and a
//! pass is computed from the files as the previous one left them. An edit is made at most once.

mod apply;
mod field_schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::doc_check::{self, Finding, Format, edit::Edit};

/// More passes than any page edit needs (a field, then its object's fields): a bound, not a goal.
const MAX_PASSES: usize = 8;

/// What a run changed and what it left.
pub struct Outcome {
    /// Each changed file, with its text before the run.
    pub changed: BTreeMap<PathBuf, String>,
    /// The findings left, by page.
    pub left: Vec<(PathBuf, Vec<Finding>)>,
}

/// Makes every mechanical edit of the findings of `pages` (as [`doc_check::findings`] reads
/// them), writing the files in place.
pub fn fix(root: &Path, pages: &[PathBuf]) -> Result<Outcome, String> {
    let mut changed = BTreeMap::new();
    let mut made: Vec<(PathBuf, Edit)> = Vec::new();
    for _ in 0..MAX_PASSES {
        let all = doc_check::findings(root, pages)?;
        let mut progress = false;
        for (page, findings) in &all {
            let dir = doc_check::schema_dir(page);
            for edit in findings.iter().filter_map(|f| f.edit.as_ref()) {
                let key = (dir.clone(), edit.clone());
                if made.contains(&key) {
                    continue;
                }
                made.push(key);
                progress |= write(&dir.join(apply::file(edit)), edit, &mut changed)?;
            }
        }
        if !progress {
            return Ok(Outcome { changed, left: all });
        }
    }
    let left = doc_check::findings(root, pages)?;
    Ok(Outcome { changed, left })
}

/// Makes one edit in its file; false when it was declined.
fn write(
    path: &Path,
    edit: &Edit,
    changed: &mut BTreeMap<PathBuf, String>,
) -> Result<bool, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let Some(edited) = apply::apply(edit, &text).map_err(|e| format!("{shown}: {e}"))? else {
        return Ok(false);
    };
    changed.entry(path.to_path_buf()).or_insert(text);
    std::fs::write(path, edited).map_err(|e| format!("cannot write {shown}: {e}"))?;
    Ok(true)
}

/// A unified diff of one changed file, named relative to `root`.
pub fn diff(root: &Path, path: &Path, before: &str, after: &str) -> String {
    let name = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Runs `--fix` and prints the diff (stdout; stderr with `--format json`, whose stdout is the
/// findings), then the findings left as doc-check prints them. Exit codes as doc-check's: 0
/// nothing left, 1 findings left, 2 unreadable.
pub fn run(pages: &[PathBuf], format: Format, root: &Path) -> u8 {
    let outcome = match fix(root, pages) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error}");
            return 2;
        }
    };
    for (path, before) in &outcome.changed {
        let after = std::fs::read_to_string(path).unwrap_or_default();
        let diff = diff(root, path, before, &after);
        match format {
            Format::Text => print!("{diff}"),
            Format::Json => eprint!("{diff}"),
        }
    }
    if !outcome.changed.is_empty() {
        eprintln!(
            "changed {} file(s); review the diff, then run `cargo xtask gen` and the tests",
            outcome.changed.len()
        );
    }
    doc_check::report(&outcome.left, format, root)
}
