//! Maintainer tasks for the Hamravesh SDK, run as `cargo xtask <task>`.
//!
//! - `cargo xtask gen` regenerates the committed model source and the schema copy inside the
//!   types crate from `schema/profile.json`.
//! - `cargo xtask gen --check` writes nothing and fails, naming each stale file with a short
//!   diff, when the committed files differ from what the generator makes now.
//! - `cargo xtask doc-check [--fix] [--format json] [PAGE]...` reports drift between the
//!   vendored docs pages and `schema/operations.json` and the schemas it names; `--fix` first
//!   writes the schema edits that follow from the pages alone and prints them as a diff.
//! - `cargo xtask layers` fails when a module of any crate imports a module that imports it back.
//! - `cargo xtask new-operation` proves, in a scratch copy, that an operation added to
//!   `schema/operations.json` gets its client methods and its mock route from `gen` alone.

mod doc_check;
mod doc_fix;
mod generate;
mod json_text;
mod layers;
mod new_operation;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  gen [--check]   regenerate the committed model source from schema/profile.json;
                  with --check, write nothing and exit 1 if a committed file is stale
  doc-check [--fix] [--format text|json] [PAGE]...
                  compare every operation the docs page(s) describe (default: every
                  schema/upstream/*.md) with schema/operations.json and the schemas it
                  names; exit 0 in sync, 1 drift, 2 unreadable. --fix first writes the
                  edits that follow from the page alone and prints them as a diff; the
                  exit code is then that of the findings left
  layers          exit 1 naming each group of modules (in any crate) that import
                  each other through their `use` lines
  new-operation   add get_namespace to a scratch copy's operation list, run gen there,
                  and test its generated client methods against the mock";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = match workspace_root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match args.as_slice() {
        ["gen"] => report(generate::write(&root)),
        ["gen", "--check"] => match generate::check(&root) {
            Ok(stale) if stale.is_empty() => {
                eprintln!("generated files are up to date");
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for file in &stale {
                    eprintln!("{file}");
                }
                eprintln!("run `cargo xtask gen` to regenerate");
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        },
        ["doc-check", rest @ ..] => doc_check_command(rest, &root),
        ["layers"] => ExitCode::from(layers::run(&root)),
        ["new-operation"] => match new_operation::run(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn doc_check_command(args: &[&str], root: &std::path::Path) -> ExitCode {
    let mut format = doc_check::Format::Text;
    let mut fix = false;
    let mut pages = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--format" => match args.next() {
                Some(&"json") => format = doc_check::Format::Json,
                Some(&"text") => format = doc_check::Format::Text,
                _ => {
                    eprintln!("--format takes text or json\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--fix" => fix = true,
            flag if flag.starts_with('-') => {
                eprintln!("unknown flag {flag}\n\n{USAGE}");
                return ExitCode::from(2);
            }
            page => pages.push(PathBuf::from(page)),
        }
    }
    let run = if fix { doc_fix::run } else { doc_check::run };
    ExitCode::from(run(&pages, format, root))
}

fn report(result: Result<Vec<String>, String>) -> ExitCode {
    match result {
        Ok(written) => {
            for line in written {
                eprintln!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// The repository root, found at run time: the nearest directory, from the current one upward,
/// whose `Cargo.toml` declares a workspace holding `xtask`. Not `env!("CARGO_MANIFEST_DIR")`:
/// with a shared target directory, a binary built from another copy of the repository would
/// otherwise read and write that copy's files.
fn workspace_root() -> Result<PathBuf, String> {
    let start = std::env::current_dir()
        .map_err(|error| format!("cannot read the current directory: {error}"))?;
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        if text.contains("[workspace]") && dir.join("xtask/Cargo.toml").is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    Err(format!(
        "no Hamravesh workspace (a Cargo.toml with [workspace] beside xtask/) in {} or above; run cargo xtask from inside the repository",
        start.display()
    ))
}
