//! `hamravesh validate`: stream payloads from files, directories and stdin, validate them in
//! parallel against one compiled schema, and report in input order.
//!
//! A reader thread turns the inputs into batches of jobs and hands them over a bounded channel,
//! so memory stays flat however large the input; each batch is validated across all cores and
//! reported before the next is taken.

mod check;
mod inputs;
mod report;

use std::process::ExitCode;
use std::sync::mpsc;

use hamravesh_types::Validator;
use rayon::prelude::*;

use crate::Failure;
use crate::args::ValidateArgs;
use check::Outcome;
use report::{Reporter, Tally};

/// Batches handed from the reader to the validators that may wait at once.
const BATCHES_IN_FLIGHT: usize = 2;

/// Runs the command; returns the exit code (0 all valid, 1 some invalid, 2 some input unreadable).
pub fn run(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let custom;
    let validator: &Validator = match &args.schema {
        Some(path) => {
            custom = load_schema(path)?;
            &custom
        }
        None => Validator::profile(),
    };
    let sources = inputs::expand(&args.paths, args.ndjson);
    let (sender, receiver) = mpsc::sync_channel(BATCHES_IN_FLIGHT);
    let reader = std::thread::spawn(move || inputs::read_into_batches(sources, &sender));

    let mut reporter = Reporter::new(args.format, args.quiet);
    let mut tally = Tally::default();
    let check = if args.parse_only {
        None
    } else {
        Some(validator)
    };
    for batch in receiver {
        let outcomes: Vec<Outcome> = batch
            .into_par_iter()
            .map(|job| check::run(job, check))
            .collect();
        for outcome in &outcomes {
            tally.add(outcome);
            reporter.outcome(outcome);
        }
    }
    // The reader ends when its inputs do; a panic there is a bug, reported as an I/O failure.
    if reader.join().is_err() {
        return Err(Failure::Usage(
            "the input reader stopped unexpectedly".to_owned(),
        ));
    }
    reporter.summary(&tally);
    Ok(ExitCode::from(tally.exit_code()))
}

fn load_schema(path: &std::path::Path) -> Result<Validator, Failure> {
    let text = std::fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read schema {}: {e}", path.display())))?;
    let schema: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| Failure::Usage(format!("schema {} is not JSON: {e}", path.display())))?;
    Validator::new(&schema).map_err(|e| Failure::Usage(format!("schema {}: {e}", path.display())))
}
