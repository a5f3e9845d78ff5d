//! `hamravesh validate`: stream payloads from files, directories and stdin, validate them in
//! parallel against one compiled schema, and report in input order.
//!
//! A reader thread walks and reads the inputs (each payload capped at `--max-size`) into batches
//! of jobs and hands them over a channel with no spare slot, so at most two batches are in memory;
//! each batch is validated across all cores a chunk at a time, and each chunk is reported before
//! the next starts. Errors are capped per payload (`hamravesh_types::check_bytes`), and none are
//! built under `--quiet`, so memory stays flat however many errors the input has.

mod check;
mod inputs;
mod report;

use std::process::ExitCode;
use std::sync::mpsc;

use hamravesh_types::{DEFAULT_MAX_ERRORS, Document, Validator};
use rayon::prelude::*;

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
    let validator: &Validator = match &args.schema {
        Some(path) => {
            custom = load_schema(path)?;
            &custom
        }
        None => args.document.unwrap_or(Document::Profile).validator(),
    };
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
        // Under --quiet nothing is printed, so no error is worth building.
        max_errors: if args.quiet { 0 } else { DEFAULT_MAX_ERRORS },
    };
    for batch in receiver {
        let mut jobs = batch.into_iter().peekable();
        while jobs.peek().is_some() {
            let chunk: Vec<_> = jobs.by_ref().take(CHUNK_JOBS).collect();
            let outcomes: Vec<Outcome> =
                chunk.into_par_iter().map(|job| checker.run(job)).collect();
            for outcome in &outcomes {
                tally.add(outcome);
                reporter.outcome(outcome);
            }
            reporter.flush();
        }
    }
    // The reader ends when its inputs do; a panic there is a bug, reported as an I/O failure.
    if reader.join().is_err() {
        return Err(Failure::Usage(
            "the input reader stopped unexpectedly".to_owned(),
        ));
    }
    reporter.summary(&tally);
    if let Some(error) = reporter.take_write_error() {
        return Err(Failure::Usage(format!(
            "cannot write the results to stdout: {error}"
        )));
    }
    Ok(ExitCode::from(tally.exit_code()))
}
fn load_schema(path: &std::path::Path) -> Result<Validator, Failure> {
    let text = std::fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read schema {}: {e}", path.display())))?;
    let schema: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| Failure::Usage(format!("schema {} is not JSON: {e}", path.display())))?;
    Validator::new(&schema).map_err(|e| Failure::Usage(format!("schema {}: {e}", path.display())))
}
