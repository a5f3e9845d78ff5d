//! The command line as typed: flags, their help, and values checked on their own (a positive
//! timeout, a non-blank name). Plain data: it uses no command module; the commands read it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// The exit codes, as `--help` shows them (a macro so that `concat!` can join it to other text).
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  success
  1  the API or the network failed (the message says which, with status and detail), the
     API refused the request (an invalid namespace, an unknown id), or stdout could not be
     written (a full disk; a closed pipe, as with `| head`, is not an error)
  2  usage or configuration error (missing key, refused URL, unreadable file, no organization
     chosen, a deletion not confirmed)"
    };
}

const EXIT_CODES: &str = exit_codes!();

/// Where an organization-scoped command's organization comes from, then the exit codes.
const ORGANIZATION_HELP: &str = concat!(
    "\
The organization:
  --org NAME if given, else $HAMRAVESH_ORGANIZATION if set and not blank (surrounding blanks
  ignored, as in the other HAMRAVESH_ variables), else the account's only organization (read
  from the profile: one more request). With several and none chosen, the command lists their
  names and exits 2. NAME is the organization's `name` (its slug), as `hamravesh profile` lists
  it; a name no request can carry (spaces, line breaks) exits 2 quoting it, escaped. With
  --mock: --org if given, else the mock's one organization.

",
    exit_codes!()
);

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
    /// List the notification feed, newest first: one page, or every page with --all.
    ///
    /// Prints a table of time (UTC), an unread mark (`*`), the type and the title (HTML removed,
    /// control characters escaped), then which notifications were shown out of how many. --json
    /// prints a JSON array of the notifications instead.
    #[command(after_help = ORGANIZATION_HELP)]
    Notifications(NotificationsArgs),
    /// Create or delete namespaces of an organization.
    #[command(subcommand)]
    Namespaces(NamespacesCommand),
    /// Run a local mock of the API (prints `listening on http://ADDR` first).
    #[command(after_help = "Stop it with Ctrl-C.")]
    Mock(MockArgs),
    /// Check JSON payloads against an embedded schema (`--type`, default profile) or another one.
    ///
    /// PATHs are files, directories (every *.json, *.ndjson and *.jsonl below, in sorted order) or
    /// `-` for stdin (the default). `.ndjson`/`.jsonl` files hold one payload per non-empty line.
    /// For each invalid payload, one line per error goes to stdout:
    /// `SOURCE[:LINE]: POINTER: MESSAGE` (POINTER is a JSON Pointer, `/` for the whole payload);
    /// a summary `N valid, M invalid` goes to stderr.
    #[command(after_help = VALIDATE_EXIT_CODES)]
    Validate(ValidateArgs),
    /// Print an embedded JSON Schema (the profile's by default) or the OpenAPI document.
    ///
    /// NAME is the kind of payload: `profile` (the profile response), `notifications` (a page of
    /// the feed), `namespace` (a created namespace) or `create-namespace` (the body that creates
    /// one). A schema defined inside a larger file is printed with that file's definitions.
    Schema(SchemaArgs),
    /// Check each organization's balance and runway against thresholds (for cron or a
    /// monitoring system).
    ///
    /// Prints one line per organization (all of them unless --org is given): name, balance,
    /// budget, charged budget, virtual budget, residual debt, runway (`seconds_to_negative_balance`
    /// as a duration; `—` when the API gives null) and whether it is restricted, then OK or
    /// BREACH with the thresholds breached. Amounts are printed as the API gives them: the API
    /// documents no currency. A null runway is never a breach.
    #[command(after_help = BALANCE_EXIT_CODES)]
    Balance(BalanceArgs),
    /// Serve the organizations' balances as Prometheus metrics on /metrics.
    ///
    /// The API is polled in the background at most once per --min-interval; a scrape is answered
    /// from the last poll and never waits for the API. When a poll fails, the last values stay,
    /// `hamravesh_up` drops to 0 and polling backs off (up to 10 minutes between polls) but never
    /// stops. An --org the profile does not list is no failure of the API: the others are
    /// exported, `hamravesh_up` stays 1, `hamravesh_organization_unknown{organization}` is 1 for
    /// it and a warning naming it goes to stderr. /healthz answers while the process lives; /
    /// links to /metrics. Prints `listening on http://ADDR` first; SIGINT or SIGTERM stops it.
    #[command(after_help = EXPORTER_HELP)]
    Exporter(ExporterArgs),
    /// Call any endpoint, documented or not: METHOD PATH under the base URL, with the client's
    /// safety (the key only to the API's host, retries that follow the method, the body cap).
    ///
    /// With --validate, the answer of a documented operation is checked against its schema and
    /// the fields the schema does not declare are listed.
    Api(ApiArgs),
    /// Print the completion script of a shell: bash, zsh, fish, powershell or elvish.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff): `hamravesh man | man -l -`.
    #[command(hide = true)]
    Man,
}

/// Where each shell's script goes.
const COMPLETIONS_HELP: &str = "\
Install:
  bash        hamravesh completions bash > ~/.local/share/bash-completion/completions/hamravesh
  zsh         hamravesh completions zsh > \"${fpath[1]}/_hamravesh\"
  fish        hamravesh completions fish > ~/.config/fish/completions/hamravesh.fish
  powershell  hamravesh completions powershell | Out-String | Invoke-Expression  (in $PROFILE)";

/// Flags of `hamravesh completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// The exit codes of `hamravesh balance` (the monitoring-plugin convention).
const BALANCE_EXIT_CODES: &str = "\
Durations: numbers with units, s, m, h, d or w, and their long names (90s, 15m, 6h, 3d,
1h30m); a bare number is seconds.

Exit codes (the monitoring-plugin convention, as Nagios, Icinga and Sensu read them):
  0  every selected organization is within the thresholds
  1  a threshold is breached (the organization's line says which)
  2  usage or configuration error (bad flag, missing key, refused URL, unknown --org)
  3  the check could not be made (network, API error, unparseable answer, an account with no
     organization, a runway that is neither a number nor null while --min-runway is given),
     or its report could not be written to stdout (a full disk; a closed pipe is not an error)";

/// Metrics and exit codes of `hamravesh exporter`.
const EXPORTER_HELP: &str = "\
Metrics (labels `organization` = its name, `id`): hamravesh_organization_balance,
hamravesh_organization_budget, hamravesh_organization_charged_budget,
hamravesh_organization_virtual_budget, hamravesh_organization_residual_debt,
hamravesh_organization_residual_debt_ratio, hamravesh_organization_runway_seconds (absent
while the API gives null), hamravesh_organization_restricted;
hamravesh_organization_unknown{organization} (1 for each --org NAME the profile does not list;
label `organization` = NAME as given); hamravesh_up,
hamravesh_last_success_timestamp_seconds, hamravesh_poll_duration_seconds,
hamravesh_polls_total{outcome}. Amounts are as the API gives them (no currency is documented).

Exit codes:
  0  stopped by SIGINT or SIGTERM
  1  the `listening on` line could not be written to stdout (a full disk; a closed pipe is
     not an error)
  2  usage or configuration error (bad flag, missing key, address in use)";

/// Flags of `hamravesh balance`.
#[derive(Debug, clap::Args)]
pub struct BalanceArgs {
    /// Check only this organization (its `name`); repeat for several [default: all of them].
    #[arg(long, value_name = "NAME")]
    pub org: Vec<String>,
    /// A balance below AMOUNT is a breach (in the API's unit; no currency is documented).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub min_balance: Option<f64>,
    /// A runway (time until the balance turns negative) shorter than DURATION is a breach,
    /// e.g. 3d. A null runway is not.
    #[arg(long, value_name = "DURATION")]
    pub min_runway: Option<String>,
    /// Print the figures and the verdict of each organization as JSON.
    #[arg(long)]
    pub json: bool,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Flags of `hamravesh exporter`.
#[derive(Debug, clap::Args)]
pub struct ExporterArgs {
    /// Address to serve /metrics on (loopback only by default; 0.0.0.0:9797 to be scraped from
    /// other hosts, 127.0.0.1:0 for any free port, printed on the first line).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9797")]
    pub listen: SocketAddr,
    /// Poll the API at most once per DURATION, however often /metrics is scraped (at least 1s).
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub min_interval: String,
    /// Export only this organization (its `name`); repeat for several [default: all of them].
    #[arg(long, value_name = "NAME", value_parser = non_blank_org)]
    pub org: Vec<String>,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

const VALIDATE_EXIT_CODES: &str = "\
Limits:
  A payload (or NDJSON line) over --max-size is invalid, reported with its size; reading stops
  there and the rest of the input goes on (an NDJSON input with no line end in the next GiB is
  given up: exit 2). An invalid payload lists its first 100 errors, then
  `… and N more errors` (`at least N` where counting them all would cost too much). A payload
  that repeats a key inside one object is invalid (typed decoding refuses it too).
  Directories: symlinks are followed, a symlink loop is reported once on stderr and not entered,
  each file is checked once, and a FIFO, socket or device named like a payload (or a symlink
  to one, such as to /dev/zero) is not read but reported on stderr as not a regular file, an
  unreadable input (exit 2); named explicitly, one is read like stdin. File names and messages
  in text output have control characters escaped.

Exit codes:
  0  every payload is valid
  1  at least one payload is invalid (text that is not JSON, or over --max-size, is invalid)
  2  usage or I/O error (missing file, unreadable path, a special file found under a payload's
     name, bad schema, results that cannot be written to stdout; a closed pipe is not an error)";

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
    /// Which embedded schema the payloads are checked against: profile, notifications, namespace
    /// or create-namespace (`hamravesh schema NAME` prints it) [default: profile].
    #[arg(long = "type", value_name = "NAME", value_parser = document_name, conflicts_with = "schema")]
    pub document: Option<hamravesh_types::Document>,
    /// Validate against this JSON Schema file instead of an embedded schema.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Largest payload (or NDJSON line) to read, in bytes [default: 268435456, 256 MiB; at most
    /// 1073741824, 1 GiB, since a payload is held whole while it is checked]; a larger one is
    /// reported invalid with its size and is not kept in memory.
    #[arg(
        long,
        value_name = "BYTES",
        default_value = "268435456",
        hide_default_value = true,
        value_parser = clap::value_parser!(u64).range(1..=1024 * 1024 * 1024)
    )]
    pub max_size: u64,
    /// After each payload's verdict, list the fields it carries that the schema does not
    /// declare (one line per path, `[]` for array items, `*` for map keys, with the JSON types
    /// seen), at most 100 paths per payload; free-form parts are not listed. In JSON records:
    /// `undeclared`. The exit code does not change.
    #[arg(long)]
    pub undeclared: bool,
    /// Benchmarking aid: parse every payload but skip the schema (the ceiling a validator that
    /// works on parsed JSON can reach).
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Benchmarking aid: decode every payload into the typed model of its document (`--type`)
    /// with `hamravesh_types::decode`, without the schema (what typed decoding costs).
    #[arg(long, hide = true, conflicts_with_all = ["parse_only", "schema"])]
    pub decode_only: bool,
}

/// Flags of `hamravesh profile`.
#[derive(Debug, clap::Args)]
pub struct ProfileArgs {
    /// Print the profile as JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// The flags of every command that calls the API: where it is, how long to wait, how often to
/// retry, or the embedded mock instead. Resolved into a client in one place, `client_cmd`.
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
    /// Base URL of the API [default: $HAMRAVESH_BASE_URL if set and not blank, else
    /// https://api.hamravesh.com].
    // No clap `env` here: the client's `ClientBuilder::from_env` is the one reader of the
    // variable, so an empty value means unset in the CLI as in the SDK, and `--mock` ignores it.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Seconds allowed for each attempt, from sending the request to reading the whole body
    /// [default: 30; at most a year]. The whole call, retries included, is bounded by
    /// --total-timeout.
    #[arg(long, value_name = "SECS", value_parser = seconds("--timeout"))]
    pub timeout: Option<Duration>,
    /// Seconds allowed for the whole call: every attempt and every wait before a retry
    /// (including a server's Retry-After); with `notifications --all` or `api --paginate`, the
    /// whole walk, every page included [default: 120; at most a year].
    #[arg(long, value_name = "SECS", value_parser = seconds("--total-timeout"))]
    pub total_timeout: Option<Duration>,
    /// Retries after a failed attempt (connection failures and resets, timeouts, 429, 502-504;
    /// POST and PATCH, such as creating a namespace, only when the request certainly did not
    /// arrive) [default: 3].
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Run against an embedded mock of the API on a loopback port, started afresh for this
    /// command: no account or key needed (HAMRAVESH_API_KEY, HAMRAVESH_BASE_URL and
    /// HAMRAVESH_ORGANIZATION are ignored).
    #[arg(long, conflicts_with = "base_url")]
    pub mock: bool,
    /// Send every request through this proxy: http://, https://, socks5:// or socks5h:// (names
    /// resolved by the proxy), optionally with user:password@ (visible to `ps`: prefer
    /// HAMRAVESH_PROXY for a password) [default: $HAMRAVESH_PROXY if set and not blank]. The key
    /// still travels only inside TLS to an https API; plain http (a local mock) only through a
    /// proxy on this machine.
    #[arg(long, value_name = "URL", conflicts_with = "mock")]
    pub proxy: Option<String>,
}

/// The `--org` flag of the commands that act for an organization.
#[derive(Debug, Clone, clap::Args)]
pub struct OrganizationArgs {
    /// The organization to act for: its `name` (slug), as `hamravesh profile` lists it
    /// [default: $HAMRAVESH_ORGANIZATION, else the account's only organization].
    #[arg(long, value_name = "NAME", value_parser = non_blank_org)]
    pub org: Option<String>,
}

/// Flags of `hamravesh notifications`.
#[derive(Debug, clap::Args)]
pub struct NotificationsArgs {
    /// Notifications to ask for per page; the service may send fewer [default: 20; with --all,
    /// 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Notifications to skip before the page [default: 0].
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub offset: Option<u64>,
    /// Read every page, to the end of the feed (at most 100,000 notifications and --max-pages
    /// pages, within --total-timeout for the whole walk; a feed that changes while it is read is
    /// an error: run it again).
    #[arg(long)]
    pub all: bool,
    /// With --all, the most pages to read; reaching it before the end of the feed is an error
    /// [default: 10000]. The whole walk is also bounded by --total-timeout.
    #[arg(long, value_name = "N", requires = "all", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_pages: Option<u32>,
    /// Show only unread notifications (of the page read, or of the whole feed with --all).
    #[arg(long)]
    pub unread: bool,
    /// Print a JSON array of the notifications instead of a table (strings exact, timestamps
    /// in UTC; fields the SDK does not know are left out).
    #[arg(long)]
    pub json: bool,
    /// The organization.
    #[command(flatten)]
    pub organization: OrganizationArgs,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// The subcommands of `hamravesh namespaces`.
#[derive(Debug, Subcommand)]
pub enum NamespacesCommand {
    /// Create a namespace on a cluster and print it.
    ///
    /// Creating is not retried once the request may have reached the service: after a timeout
    /// or a broken connection the error says the namespace may exist; look before creating it
    /// again. A refused request (400) lists each field and the service's messages.
    #[command(after_help = ORGANIZATION_HELP)]
    Create(CreateNamespaceArgs),
    /// Delete a namespace and every app in it.
    ///
    /// Asks for confirmation (y/N) when stdin is a terminal; otherwise refuses (exit 2) unless
    /// --yes is given.
    ///
    /// A delete is retried like a read. When an attempt fails after it was sent (a timeout, a
    /// broken connection, 500, 502 or 504) and a retry finds no such namespace (404), it exits
    /// 0, as the SDK counts it done, and says only what is known: the namespace is gone, most
    /// likely deleted by that attempt, or it never existed. A 404 otherwise is exit 1.
    #[command(after_help = ORGANIZATION_HELP)]
    Delete(DeleteNamespaceArgs),
}

/// Flags of `hamravesh namespaces create`.
#[derive(Debug, clap::Args)]
pub struct CreateNamespaceArgs {
    /// The namespace's name (the docs advise starting it with the organization's name, e.g.
    /// my-team-staging).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The id of the cluster to create it on (one of the organization's `available_clusters`
    /// in the profile).
    #[arg(long, value_name = "ID")]
    pub cluster: i64,
    /// Print the created namespace as JSON.
    #[arg(long)]
    pub json: bool,
    /// The organization.
    #[command(flatten)]
    pub organization: OrganizationArgs,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Flags of `hamravesh namespaces delete`.
#[derive(Debug, clap::Args)]
pub struct DeleteNamespaceArgs {
    /// The namespace's id (as `namespaces create` printed it).
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Delete without asking (needed when stdin is not a terminal).
    #[arg(long, short)]
    pub yes: bool,
    /// The organization.
    #[command(flatten)]
    pub organization: OrganizationArgs,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Flags of `hamravesh schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which schema [default: profile].
    #[arg(value_name = "NAME", value_parser = document_name)]
    pub name: Option<hamravesh_types::Document>,
    /// Print the OpenAPI 3.1 document of every operation instead.
    #[arg(long, conflicts_with = "name")]
    pub openapi: bool,
}

/// A schema's name as `hamravesh_types::Document` spells it; an unknown name is a usage error
/// that lists the names (each is short and plain: the list comes from `Document::ALL`).
fn document_name(name: &str) -> Result<hamravesh_types::Document, String> {
    hamravesh_types::Document::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = hamravesh_types::Document::ALL
            .iter()
            .map(|kind| kind.name())
            .collect();
        format!("unknown schema; the schemas are: {}", names.join(", "))
    })
}

/// Flags of `hamravesh mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: SocketAddr,
    /// The API key the mock accepts (a made-up key, not a real one; not blank, no control
    /// characters).
    #[arg(long, default_value = hamravesh_mock::DEFAULT_API_KEY, value_name = "KEY")]
    pub api_key: String,
    /// A profile JSON file to serve instead of the docs page's example (must match the schema;
    /// at most 16 MiB, a larger file is refused with exit 2).
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<PathBuf>,
    /// A JSON file holding the notification feed to serve, newest first: an array of
    /// notifications, each matching the schema of a page's items (at most 16 MiB, a larger
    /// file is refused with exit 2) [default: 37 sample notifications].
    #[arg(long, value_name = "FILE")]
    pub notifications: Option<PathBuf>,
}

/// Help after the flags: what is printed, and the exit codes.
const API_HELP: &str = "\
Output:
  The body on stdout: JSON pretty-printed (keys in the order sent, numbers exact; characters a
  terminal would act on written as \\u escapes, such as \\u202e: the same JSON), other text
  with control characters shown as escapes, binary bodies only when stdout is not a terminal.
  --raw writes the exact bytes (still not to a terminal when they hold control sequences).
  --include writes the status line and headers first (values made safe). An error status prints
  its body too.

Retries follow the method: GET, HEAD, OPTIONS, PUT and DELETE retry connection failures,
timeouts, 429 and 502-504; POST and PATCH only when the request certainly did not arrive (the
connection was refused, or 429). A redirect is followed only within the API's origin, and never
for POST or PATCH.

The organization (x-organization): --org NAME, else $HAMRAVESH_ORGANIZATION if set and not
blank (surrounding blanks ignored); for a documented organization-scoped operation, else the
account's only organization. A name no request can carry exits 2 quoting it, escaped.

Exit codes:
  0  the API answered 2xx (and, with --validate, the answer matches the schema; fields the
     schema does not declare are listed but do not fail)
  1  the API answered an error status (its body is still printed), the network failed, the
     answer does not match the schema (--validate), a page was refused (--paginate), or stdout
     could not be written (a closed pipe is not an error)
  2  usage or configuration error (unknown method, a PATH that is not a path under the base
     URL, -d that is not JSON or cannot be read, missing key)";

/// Flags of `hamravesh api`.
#[derive(Debug, clap::Args)]
#[command(after_help = API_HELP)]
pub struct ApiArgs {
    /// The HTTP method: GET, HEAD, OPTIONS, POST, PUT, PATCH or DELETE (any case).
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// A path under the base URL, with an optional query: /api/v1/users/profile,
    /// '/api/v1/notifications/all_list/?limit=5'. Absolute URLs (http://…, //host) and paths
    /// that could be read as another host or outside the base URL's path are refused.
    #[arg(value_name = "PATH", allow_hyphen_values = true)]
    pub path: String,
    /// The organization to act for, sent as x-organization: its `name` (slug), as
    /// `hamravesh profile` lists it.
    #[arg(long, value_name = "NAME", value_parser = non_blank_org)]
    pub org: Option<String>,
    /// The JSON body: the JSON itself, @FILE to read it from a file, or @- from stdin (at most
    /// 8 MiB; it must be JSON, and is sent as given). Not with GET or HEAD.
    #[arg(short = 'd', long = "data", value_name = "JSON|@FILE|@-")]
    pub data: Option<String>,
    /// Follow Django REST framework pages (`next`, within the base URL) and print one JSON array
    /// of every page's `results` (GET only; at most 10,000 pages, 100,000 items and 64 MiB,
    /// within --total-timeout for the whole walk). With --validate, every page is checked.
    #[arg(long, conflicts_with_all = ["include", "raw"])]
    pub paginate: bool,
    /// Print the status line and the response headers before the body.
    #[arg(long, short = 'i')]
    pub include: bool,
    /// Print the body's exact bytes instead of pretty-printing it.
    #[arg(long)]
    pub raw: bool,
    /// When METHOD and PATH are a documented operation, check a 2xx answer against that
    /// operation's schema (errors on stderr with JSON pointers, exit 1 if it does not match) and
    /// list the fields it carries that the schema does not declare (stderr, exit unchanged).
    #[arg(long)]
    pub validate: bool,
    /// Where the API is and how long to wait for it.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// An `--org` value: a name, not blank.
fn non_blank_org(name: &str) -> Result<String, String> {
    if name.trim().is_empty() {
        return Err("--org must name an organization, not be blank".to_owned());
    }
    Ok(name.to_owned())
}

/// The longest `--timeout` or `--total-timeout` accepted, in seconds: a year (366 days). More is
/// surely a typo, and a deadline that far away can overflow the clock's arithmetic.
pub const MAX_TIMEOUT_SECS: u64 = 366 * 24 * 60 * 60;

/// The parser of a flag's seconds: positive, finite and at most [`MAX_TIMEOUT_SECS`], or an
/// error naming the flag.
fn seconds(flag: &'static str) -> impl Fn(&str) -> Result<Duration, String> + Clone {
    move |text| {
        let seconds: f64 = text.trim().parse().map_err(|e| format!("{e}"))?;
        positive_seconds(flag, seconds)
    }
}

fn positive_seconds(flag: &str, seconds: f64) -> Result<Duration, String> {
    // Checked first: `1e30` is positive, only too long (and past what a Duration holds).
    if seconds > MAX_TIMEOUT_SECS as f64 {
        return Err(format!(
            "{flag} must be at most {MAX_TIMEOUT_SECS} seconds (a year), not {seconds}"
        ));
    }
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| format!("{flag} must be a positive number of seconds, not {seconds}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_must_be_positive_and_finite() {
        assert_eq!(
            positive_seconds("--timeout", 1.5).ok(),
            Some(Duration::from_millis(1500))
        );
        let year = MAX_TIMEOUT_SECS as f64;
        assert_eq!(
            positive_seconds("--timeout", year).ok(),
            Some(Duration::from_secs(MAX_TIMEOUT_SECS))
        );
        // 1e19 and 1.8e19 fit a Duration but overflow `Instant + Duration`.
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
            1e19,
            1.8e19,
            year + 1.0,
        ] {
            match positive_seconds("--timeout", bad) {
                Err(message) => assert!(message.starts_with("--timeout must be"), "{message}"),
                Ok(_) => panic!("{bad} accepted"),
            }
        }
    }

    #[test]
    fn an_org_is_not_blank() {
        assert_eq!(non_blank_org("my-team").ok().as_deref(), Some("my-team"));
        for blank in ["", " ", "\t"] {
            let message = non_blank_org(blank).err().unwrap_or_default();
            assert!(message.contains("--org must name"), "{blank:?}: {message}");
        }
    }

    #[test]
    fn the_definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
