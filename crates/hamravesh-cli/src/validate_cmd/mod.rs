//! `hamravesh validate`: stream payloads from files, directories and stdin, validate them in
//! parallel against one compiled schema, and report in input order.
//!
//! A reader thread walks and reads the inputs (each payload capped at `--max-size`) into batches
//! of jobs and hands them over a channel with no spare slot, so at most two batches are in memory;
//! each batch is validated across all cores a chunk at a time, and each chunk is reported before
//! the next starts. Errors are capped per payload (`hamravesh_types::check_bytes`), and none are
//! built under `--quiet`, so memory stays flat however many errors the input has.
//!
//! `--undeclared` also walks each payload alongside its schema
//! (`hamravesh_types::undeclared_fields`) and lists the fields the schema does not declare. It
//! parses the payload a second time, on the same worker, before the check: the tree is dropped
//! before validation starts, so the two never hold memory at once.

mod check;
mod inputs;
mod report;

use std::process::ExitCode;
use std::sync::mpsc;

use hamravesh_types::undeclared::{DEFAULT_MAX_PATHS, undeclared_fields_in};
use hamravesh_types::{
    DEFAULT_MAX_ERRORS, Document, UndeclaredReport, Validator, undeclared_fields,
};
use rayon::prelude::*;
use serde_json::Value;

use crate::Failure;
use crate::args::ValidateArgs;
use check::{Checker, Outcome};
use report::{Reporter, Tally};

/// Jobs validated (and their outcomes held) at once: enough to keep many cores busy, few enough
/// that outcomes (each at most ~64 KiB of error text) stay small.
const CHUNK_JOBS: usize = 256;

/// Runs the command; returns the exit code (0 all valid, 1 some invalid, 2 some input unreadable).
pub fn run(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let custom;
    let (validator, undeclared): (&Validator, Undeclared) = match &args.schema {
        Some(path) => {
            custom = load_schema(path)?;
            let undeclared = Undeclared::Custom {
                schema: &custom.0,
                name: path.display().to_string(),
            };
            (&custom.1, undeclared)
        }
        None => {
            let document = args.document.unwrap_or(Document::Profile);
            (document.validator(), Undeclared::Embedded(document))
        }
    };
    // Under --quiet nothing is printed, so nothing is worth walking.
    let undeclared = (args.undeclared && !args.quiet).then_some(undeclared);
    let options = inputs::Options {
        force_ndjson: args.ndjson,
        max_size: args.max_size,
    };
    // No spare slot: the reader fills one batch while the previous one is validated.
    let (sender, receiver) = mpsc::sync_channel(0);
    let paths = args.paths;
    let reader = std::thread::spawn(move || inputs::read_into_batches(&paths, options, &sender));

    let mut reporter = Reporter::new(args.format, args.quiet);
    let mut tally = Tally::default();
    let checker = Checker {
        validator: (!args.parse_only).then_some(validator),
        decode_only: args
            .decode_only
            .then(|| args.document.unwrap_or(Document::Profile)),
        // Under --quiet nothing is printed, so no error is worth building.
        max_errors: if args.quiet { 0 } else { DEFAULT_MAX_ERRORS },
        max_size: args.max_size,
    };
    let progress = crate::progress::counter("payloads checked");
    for batch in receiver {
        let mut jobs = batch.into_iter().peekable();
        while jobs.peek().is_some() {
            let chunk: Vec<_> = jobs.by_ref().take(CHUNK_JOBS).collect();
            let outcomes: Vec<(Option<Option<UndeclaredReport>>, Outcome)> = chunk
                .into_par_iter()
                .map(|job| {
                    // Read here, on every core, unless the reader thread has already.
                    let job = job.load(checker.max_size);
                    // First, so that its tree is gone before the check builds its own.
                    let fields = undeclared.as_ref().map(|schema| schema.fields_of(&job));
                    (fields, checker.run(job))
                })
                .collect();
            // The line is taken off the terminal while results are written, then drawn again.
            progress.suspend(|| {
                for (fields, outcome) in &outcomes {
                    tally.add(outcome);
                    reporter.outcome(outcome, fields.as_ref().map(Option::as_ref));
                }
                reporter.flush();
            });
            progress.inc(outcomes.len() as u64);
        }
    }
    // The reader ends when its inputs do; a panic there is a bug, reported as an I/O failure.
    if reader.join().is_err() {
        return Err(Failure::Usage(
            "the input reader stopped unexpectedly".to_owned(),
        ));
    }
    progress.finish_and_clear();
    reporter.summary(&tally);
    if let Some(error) = reporter.take_write_error() {
        return Err(Failure::Usage(format!(
            "cannot write the results to stdout: {error}"
        )));
    }
    Ok(ExitCode::from(tally.exit_code()))
}

/// The schema undeclared fields are looked for in.
enum Undeclared<'s> {
    /// An embedded one, named by its file in the repository (`schema/profile.json`).
    Embedded(Document),
    /// A `--schema` file, named as it was given.
    Custom { schema: &'s Value, name: String },
}

impl Undeclared<'_> {
    /// The undeclared fields of a payload job; `None` for one that is not JSON (its verdict says
    /// so) and for jobs that are no payload.
    fn fields_of(&self, job: &inputs::Job) -> Option<UndeclaredReport> {
        let inputs::Job::Payload { bytes, .. } = job else {
            return None;
        };
        let value: Value = serde_json::from_slice(bytes).ok()?;
        let report = match self {
            Self::Embedded(document) => undeclared_fields(*document, &value),
            Self::Custom { schema, name } => {
                undeclared_fields_in(schema, name, &value, DEFAULT_MAX_PATHS)
            }
        };
        Some(report)
    }
}

/// The largest `--schema` file read (16 MiB, as the mock's fixtures): `--schema /dev/zero` must
/// end, not fill memory.
const MAX_SCHEMA_BYTES: u64 = 16 * 1024 * 1024;

/// Reads, parses and compiles a `--schema` file; the parsed schema is kept for `--undeclared`.
fn load_schema(path: &std::path::Path) -> Result<(Value, Validator), Failure> {
    let cannot_read =
        |e: std::io::Error| Failure::Usage(format!("cannot read schema {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let text = crate::capped::read(file, MAX_SCHEMA_BYTES, 0).map_err(cannot_read)?;
    if text.len() as u64 > MAX_SCHEMA_BYTES {
        return Err(Failure::Usage(format!(
            "schema {} is larger than {MAX_SCHEMA_BYTES} bytes (16 MiB), far more than any JSON Schema",
            path.display()
        )));
    }
    let schema: Value = serde_json::from_slice(&text)
        .map_err(|e| Failure::Usage(format!("schema {} is not JSON: {e}", path.display())))?;
    let validator = Validator::new(&schema)
        .map_err(|e| Failure::Usage(format!("schema {}: {e}", path.display())))?;
    Ok((schema, validator))
}
