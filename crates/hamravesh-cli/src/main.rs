//! `hamravesh`: the command-line face of the Hamravesh Rust SDK, one command per documented
//! operation plus tools around them.
//!
//! - `hamravesh profile [--json] [--mock]` fetches the signed-in user's profile;
//! - `hamravesh notifications [--org NAME] [--limit N] [--offset N] [--all] [--unread] [--json]`
//!   lists the notification feed, one page or every page;
//! - `hamravesh namespaces create NAME --cluster ID [--org NAME] [--json]` and
//!   `hamravesh namespaces delete ID [--org NAME] [--yes]` create and delete namespaces;
//! - `hamravesh mock` runs a local fake of the API;
//! - `hamravesh validate PATH...` checks JSON payloads against a schema;
//! - `hamravesh schema [NAME] [--openapi]` prints an embedded JSON Schema or the OpenAPI document.
//! - `hamravesh balance [--org NAME]... [--min-balance AMOUNT] [--min-runway DURATION]` checks
//!   each organization's money (exit 0 ok, 1 breach, 2 usage, 3 could not check);
//! - `hamravesh exporter [--listen ADDR] [--min-interval DURATION]` serves it as Prometheus metrics;
//! - `hamravesh api METHOD PATH [-d JSON] [--paginate] [--include] [--raw] [--validate]` calls any
//!   endpoint under the base URL, and checks a documented operation's answer against its schema;
//! - `hamravesh completions SHELL` prints a completion script; `hamravesh man` the man page.
//!
//! Flags are parsed in `args`; each command resolves them into a configuration and runs. The
//! flags every API command shares (`--base-url`, `--timeout`, `--total-timeout`, `--retries`,
//! `--mock`) become a client in `client_cmd`, and `organization` picks the organization of the
//! organization-scoped ones (`--org`, else `HAMRAVESH_ORGANIZATION`, else the profile's only one).
//! Every write to stdout and stderr goes through `output`: a reader that has gone away (a closed
//! pipe) never makes the binary panic, and error lines are one bounded line, safe for a terminal.
//! Exit codes: 0 success, 1 the API or network failed (or stdout could not be written: only a
//! closed pipe is ignored), 2 usage or configuration error.

mod api_cmd;
mod args;
mod balance_cmd;
mod capped;
mod client_cmd;
mod duration;
mod exporter;
mod mock_cmd;
mod namespaces_cmd;
mod notifications_cmd;
mod organization;
mod output;
mod profile_cmd;
mod progress;
mod render;
mod validate_cmd;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::args::{Cli, Command};
pub use crate::output::{print_stderr, print_stdout};

/// The outcome of a command, mapped to the documented exit codes.
pub enum Failure {
    /// The API or the network failed: exit 1.
    Remote(String),
    /// Usage or configuration error: exit 2.
    Usage(String),
    /// The API refused the request: exit 1, with a headline and one line per detail (each
    /// refused field with its messages).
    RemoteWithDetails(String, Vec<String>),
}

impl Failure {
    /// The headline, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Failure::Remote(message)
            | Failure::Usage(message)
            | Failure::RemoteWithDetails(message, _) => message,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Profile(args) => block_on(profile_cmd::run(args)),
        Command::Notifications(args) => block_on(notifications_cmd::run(args)),
        Command::Namespaces(command) => block_on(namespaces_cmd::run(command)),
        Command::Mock(args) => block_on(mock_cmd::run(args)),
        // Validation is CPU-bound work on threads of its own; it needs no async runtime.
        Command::Validate(args) => validate_cmd::run(args),
        Command::Schema(args) => print_stdout(&schema_text(&args)).map(|()| ExitCode::SUCCESS),
        // Its own exit codes (the monitoring-plugin convention, with 3 for "could not check").
        Command::Balance(args) => balance_cmd::main(args),
        Command::Exporter(args) => block_on(exporter::run(args)),
        Command::Api(args) => block_on(api_cmd::run(args)),
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "hamravesh", &mut script);
            print_stdout(&String::from_utf8_lossy(&script)).map(|()| ExitCode::SUCCESS)
        }
        Command::Man => man_page()
            .and_then(|page| print_stdout(&page))
            .map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(fail)
}

/// What `hamravesh schema` prints: the OpenAPI document, or one kind's schema. A kind that is a
/// whole file is that file's text, as embedded; one defined inside a file is a schema whose root
/// refers to it, beside the file's definitions.
fn schema_text(args: &args::SchemaArgs) -> String {
    use hamravesh_types::{Document, schemas};
    if args.openapi {
        return schemas::OPENAPI.to_owned();
    }
    let kind = args.name.unwrap_or(Document::Profile);
    if kind.schema_ref().contains('#') {
        let mut text = serde_json::to_string_pretty(&kind.schema()).unwrap_or_default();
        text.push('\n');
        text
    } else {
        kind.schema_file_text().to_owned()
    }
}

/// The man page, from the clap definitions: the command, then a section per subcommand (its
/// synopsis, description and options), so one page covers everything. The committed
/// `doc/hamravesh.1` is this output; a test keeps it fresh.
fn man_page() -> Result<String, Failure> {
    fn sections(command: &clap::Command, page: &mut Vec<u8>) -> std::io::Result<()> {
        let shown = command
            .get_subcommands()
            .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help");
        for sub in shown {
            let name = sub.get_bin_name().unwrap_or(sub.get_name());
            page.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
            let man = clap_mangen::Man::new(sub.clone());
            man.render_synopsis_section(page)?;
            man.render_description_section(page)?;
            if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
                man.render_options_section(page)?;
            }
            man.render_extra_section(page)?;
            sections(sub, page)?;
        }
        Ok(())
    }
    let mut command = Cli::command();
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .and_then(|()| sections(&command, &mut page))
        .map_err(|e| Failure::Remote(format!("cannot render the man page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// A multi-threaded runtime for the commands that talk to the network.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Runtime::new()
        .map_err(|error| Failure::Usage(format!("cannot start the I/O runtime: {error}")))
}

/// Runs a network command on a multi-threaded runtime; success is exit 0.
fn block_on(command: impl Future<Output = Result<(), Failure>>) -> Result<ExitCode, Failure> {
    runtime()?.block_on(command).map(|()| ExitCode::SUCCESS)
}

/// Prints the failure as one safe, bounded line (it may quote the server or a file name) and
/// returns its exit code; a closed stderr changes nothing but the printing.
fn fail(failure: Failure) -> ExitCode {
    let (message, details, code) = match &failure {
        Failure::Remote(message) => (message, &[][..], 1),
        Failure::Usage(message) => (message, &[][..], 2),
        Failure::RemoteWithDetails(message, details) => (message, &details[..], 1),
    };
    output::print_error(message);
    for line in details {
        output::print_detail(line);
    }
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
