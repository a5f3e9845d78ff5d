//! Shared by the workspace's tests: the payload corpus (`tests/payloads/` at the repository
//! root), its expected-errors manifest, and a runner for the real `hamravesh` binary.
//!
//! Every test crate reads the corpus through these functions, so a payload added to
//! `tests/payloads/valid/` or `invalid/` reaches every check at once. Panics are deliberate: a
//! missing or unreadable fixture must fail the test that needs it, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The corpus folder, `tests/payloads/` at the repository root.
pub fn payloads_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

/// A file of the corpus.
#[derive(Debug, Clone)]
pub struct Payload {
    /// The file name, such as `page-example.json`.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Every `*.json` of `tests/payloads/valid/`, sorted by name: profiles a real server could send.
pub fn valid() -> Vec<Payload> {
    json_files("valid")
}

/// Every `*.json` of `tests/payloads/invalid/`, sorted by name: profiles that break the schema.
pub fn invalid() -> Vec<Payload> {
    json_files("invalid")
}

/// The corpora of the other documents, each a folder under `tests/payloads/` holding `valid/`,
/// `invalid/` and `expected-errors.json`: (folder, name of its `hamravesh_types::Document`).
pub const DOCUMENT_CORPORA: &[(&str, &str)] = &[
    ("notifications", "notifications"),
    ("namespaces", "namespace"),
    ("create-namespace", "create-namespace"),
];

/// Every `*.json` of `tests/payloads/FOLDER/valid/`, sorted by name.
pub fn valid_in(folder: &str) -> Vec<Payload> {
    json_files(&format!("{folder}/valid"))
}

/// Every `*.json` of `tests/payloads/FOLDER/invalid/`, sorted by name.
pub fn invalid_in(folder: &str) -> Vec<Payload> {
    json_files(&format!("{folder}/invalid"))
}

/// The expected-errors manifest of `tests/payloads/FOLDER/`, keyed by file name.
pub fn expected_errors_in(folder: &str) -> BTreeMap<String, Expected> {
    let text = read(&format!("{folder}/expected-errors.json"));
    serde_json::from_slice(&text)
        .unwrap_or_else(|e| panic!("tests/payloads/{folder}/expected-errors.json: {e}"))
}

fn json_files(kind: &str) -> Vec<Payload> {
    let dir = payloads_dir().join(kind);
    let mut files: Vec<Payload> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| Payload {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            path,
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// The bytes of one corpus file, by its path under `tests/payloads/` (e.g. `valid/page-example.json`).
pub fn read(relative: &str) -> Vec<u8> {
    let path = payloads_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The docs page's example, repaired into valid JSON, on one line (for NDJSON input).
pub fn page_example_line() -> String {
    let value: serde_json::Value =
        serde_json::from_slice(&read("valid/page-example.json")).unwrap();
    value.to_string()
}

/// How an invalid payload must fail, from `tests/payloads/expected-errors.json`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Expected {
    /// The path typed decoding names, such as `organizations[0].balance` (`.` for the whole payload).
    pub decode_path: String,
    /// A fragment of the decoding message.
    pub decode_message: String,
    /// The JSON Pointer validation must report; `None` for text that is not JSON.
    pub validate_pointer: Option<String>,
}

/// The expected-errors manifest, keyed by file name.
pub fn expected_errors() -> BTreeMap<String, Expected> {
    let text = read("expected-errors.json");
    serde_json::from_slice(&text).expect("tests/payloads/expected-errors.json is malformed")
}

/// What a finished run of a binary printed, and its exit code (`None` if a signal ended it).
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

/// A command for the binary at `path` (pass `env!("CARGO_BIN_EXE_hamravesh")`) with a clean
/// environment: no API key, no base URL, no organization, no logging, unless the test sets them.
pub fn command(path: &str) -> Command {
    let mut command = Command::new(path);
    command
        .env_remove("HAMRAVESH_API_KEY")
        .env_remove("HAMRAVESH_BASE_URL")
        .env_remove("HAMRAVESH_ORGANIZATION")
        .env_remove("RUST_LOG");
    command
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Runs `command` to the end and collects what it printed.
pub fn run(command: &mut Command) -> Run {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    Run::from(output)
}

/// The write end of a pipe whose read end is closed before the binary starts, so every write to
/// it fails (EPIPE): what `hamravesh … | head -1` does to a command once `head` has its line.
/// `bin` is any binary that exits at once when asked `--version`: its stdin holds the only read
/// end, and once it is reaped the pipe is broken, with no race.
#[cfg(unix)]
pub fn closed_pipe(bin: &str) -> Stdio {
    let mut reader = Command::new(bin)
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"));
    let write_end = reader.stdin.take().expect("stdin was piped");
    reader.wait().expect("the reader ran");
    Stdio::from(write_end)
}
