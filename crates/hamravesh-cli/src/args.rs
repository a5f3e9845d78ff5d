//! The command line as typed: flags, their help, and nothing resolved yet.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the API or the network failed (the message says which, with status and detail)
  2  usage or configuration error (missing key, refused URL, unreadable file)";

/// Command-line client for the Hamravesh PaaS API.
#[derive(Debug, Parser)]
#[command(name = "hamravesh", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the signed-in user's profile and organizations.
    ///
    /// The API key is read from HAMRAVESH_API_KEY (never from a flag: it would land in shell history).
    #[command(after_help = EXIT_CODES)]
    Profile(ProfileArgs),
    /// Run a local mock of the API (prints `listening on http://ADDR` first).
    #[command(after_help = "Stop it with Ctrl-C.")]
    Mock(MockArgs),
    /// Check JSON payloads against the profile schema (or another schema).
    ///
    /// PATHs are files, directories (every *.json, *.ndjson and *.jsonl below, in sorted order) or
    /// `-` for stdin (the default). `.ndjson`/`.jsonl` files hold one payload per non-empty line.
    /// For each invalid payload, one line per error goes to stdout:
    /// `SOURCE[:LINE]: POINTER: MESSAGE` (POINTER is a JSON Pointer, `/` for the whole payload);
    /// a summary `N valid, M invalid` goes to stderr.
    #[command(after_help = VALIDATE_EXIT_CODES)]
    Validate(ValidateArgs),
    /// Print the embedded JSON Schema of the profile response.
    Schema,
}

const VALIDATE_EXIT_CODES: &str = "\
Limits:
  A payload (or NDJSON line) over --max-size is invalid, reported with its size; reading stops
  there and the rest of the input goes on (an NDJSON input with no line end in the next GiB is
  given up: exit 2). An invalid payload lists its first 100 errors, then
  `… and N more errors` (`at least N` where counting them all would cost too much). A payload
  that repeats a key inside one object is invalid (typed decoding refuses it too).
  Directories: symlinks are followed, a symlink loop is reported once on stderr and not entered,
  each file is checked once, and FIFOs, sockets and devices are skipped (named explicitly, one
  is read like stdin). File names and messages in text output have control characters escaped.

Exit codes:
  0  every payload is valid
  1  at least one payload is invalid (text that is not JSON, or over --max-size, is invalid)
  2  usage or I/O error (missing file, unreadable path, bad schema)";

/// Output formats of `hamravesh validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per error of each invalid payload.
    Text,
    /// One JSON object per payload: source, line, valid, errors (instance_path, schema_path, message).
    Json,
}

/// Flags of `hamravesh validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files, directories, or `-` for stdin.
    #[arg(value_name = "PATH", default_value = "-")]
    pub paths: Vec<PathBuf>,
    /// Read every input as NDJSON: each non-empty line is one payload.
    #[arg(long)]
    pub ndjson: bool,
    /// Output format. JSON records also carry `more_errors` (errors not listed) and
    /// `more_errors_exact` (false when that count is a lower bound).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print nothing; report through the exit code only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Validate against this JSON Schema file instead of the embedded profile schema.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Largest payload (or NDJSON line) to read, in bytes [default: 268435456, 256 MiB]; a
    /// larger one is reported invalid with its size and is not kept in memory.
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "268435456",
        hide_default_value = true,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_size: u64,
    /// Benchmarking aid: parse every payload but skip the schema (the ceiling a validator that
    /// works on parsed JSON can reach).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

/// Flags of `hamravesh profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    /// Print the profile as JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Base URL of the API [default: $HAMRAVESH_BASE_URL if set and not blank, else
    /// https://api.hamravesh.com].
    // No clap `env` here: the client's `ClientBuilder::from_env` is the one reader of the
    // variable, so an empty value means unset in the CLI as in the SDK, and `--mock` ignores it.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Seconds allowed for each attempt, from sending the request to reading the whole body
    /// [default: 30]. The whole call, retries included, is bounded by --total-timeout.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Seconds allowed for the whole call: every attempt and every wait before a retry
    /// (including a server's Retry-After) [default: 120].
    #[arg(long, value_name = "SECS")]
    pub total_timeout: Option<f64>,
    /// Retries after a failed attempt (connection failures and resets, timeouts, 429, 502-504)
    /// [default: 3].
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Run against an embedded mock of the API on a loopback port: no account or key needed
    /// (HAMRAVESH_API_KEY and HAMRAVESH_BASE_URL are ignored).
    #[arg(long, conflicts_with = "base_url")]
    pub mock: bool,
}

/// Flags of `hamravesh mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: SocketAddr,
    /// The API key the mock accepts (a made-up key, not a real one).
    #[arg(long, default_value = hamravesh_mock::DEFAULT_API_KEY, value_name = "KEY")]
    pub api_key: String,
    /// A profile JSON file to serve instead of the docs page's example (must match the schema).
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<PathBuf>,
}
