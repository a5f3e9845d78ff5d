//! Maintainer tasks for the Hamravesh SDK, run as `cargo xtask <task>`.
//!
//! - `cargo xtask gen` regenerates the committed model source and the schema copy inside the
//!   types crate from `schema/profile.json`.
//! - `cargo xtask gen --check` writes nothing and fails, naming each stale file with a short
//!   diff, when the committed files differ from what the generator makes now.

mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  gen [--check]   regenerate the committed model source from schema/profile.json;
                  with --check, write nothing and exit 1 if a committed file is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
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

/// The repository root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
