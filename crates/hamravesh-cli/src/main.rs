//! `hamravesh`: the command-line face of the Hamravesh Rust SDK.
//!
//! - `hamravesh profile [--json] [--mock]` fetches the signed-in user's profile;
//! - `hamravesh mock` runs a local fake of the API;
//! - `hamravesh validate PATH...` checks JSON payloads against the schema;
//! - `hamravesh schema` prints the embedded JSON Schema.
//!
//! Flags are parsed in `args`; each command resolves them into a configuration and runs.
//! Every write to stdout and stderr goes through `output`: a reader that has gone away (a closed
//! pipe) never makes the binary panic, and error lines are one bounded line, safe for a terminal.
//! Exit codes: 0 success, 1 the API or network failed, 2 usage or configuration error.

mod args;
mod mock_cmd;
mod output;
mod profile_cmd;
mod render;
mod validate_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
pub use crate::output::{print_stderr, print_stdout};

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

/// Prints the failure as one safe, bounded line (it may quote the server or a file name) and
/// returns its exit code; a closed stderr changes nothing but the printing.
fn fail(failure: Failure) -> ExitCode {
    let (message, code) = match &failure {
        Failure::Remote(message) => (message, 1),
        Failure::Usage(message) => (message, 2),
    };
    output::print_error(message);
    ExitCode::from(code)
}

/// Logs to stderr when `RUST_LOG` is set (e.g. `RUST_LOG=hamravesh=debug`); the key is never logged.
fn init_logging() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            // Its fallback for a failed write is `eprintln!`, which panics on a closed stderr.
            .log_internal_errors(false)
            .try_init();
    }
}
