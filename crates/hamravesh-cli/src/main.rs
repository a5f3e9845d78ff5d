//! `hamravesh`: the command-line face of the Hamravesh Rust SDK.
//!
//! - `hamravesh profile [--json] [--mock]` fetches the signed-in user's profile;
//! - `hamravesh mock` runs a local fake of the API;
//! - `hamravesh validate PATH...` checks JSON payloads against the schema;
//! - `hamravesh schema` prints the embedded JSON Schema.
//!
//! Flags are parsed in `args`; each command resolves them into a configuration and runs.
//! Exit codes: 0 success, 1 the API or network failed, 2 usage or configuration error.

mod args;
mod mock_cmd;
mod profile_cmd;
mod render;
mod validate_cmd;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// The outcome of a command, mapped to the documented exit codes.
pub enum Failure {
    /// The API or the network failed: exit 1.
    Remote(String),
    /// Usage or configuration error: exit 2.
    Usage(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Profile(args) => with_runtime(|runtime| runtime.block_on(profile_cmd::run(args))),
        Command::Mock(args) => with_runtime(|runtime| runtime.block_on(mock_cmd::run(args))),
        // Validation is CPU-bound work on threads of its own; it needs no async runtime.
        Command::Validate(args) => validate_cmd::run(args),
        Command::Schema => {
            print_stdout(hamravesh_types::SCHEMA);
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(fail)
}

/// Runs a network command on a multi-threaded runtime; success is exit 0.
fn with_runtime(
    command: impl FnOnce(&tokio::runtime::Runtime) -> Result<(), Failure>,
) -> Result<ExitCode, Failure> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| Failure::Usage(format!("cannot start the I/O runtime: {error}")))?;
    command(&runtime).map(|()| ExitCode::SUCCESS)
}

fn fail(failure: Failure) -> ExitCode {
    match failure {
        Failure::Remote(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Failure::Usage(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`hamravesh profile --json | head` must not panic).
pub fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Logs to stderr when `RUST_LOG` is set (e.g. `RUST_LOG=hamravesh=debug`); the key is never logged.
fn init_logging() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}
