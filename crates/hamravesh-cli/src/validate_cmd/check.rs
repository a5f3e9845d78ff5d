//! Checking one job: the bytes-to-verdict step itself is `hamravesh_types::check_bytes`.

use hamravesh_types::{CappedErrors, Document, Omitted, ValidationError, Validator};

use super::inputs::{Job, Size};

/// The verdict on one payload (or one unreadable input, or a notice).
#[derive(Debug)]
pub struct Outcome {
    /// The file name, or `-` for stdin.
    pub source: String,
    /// The line of an NDJSON payload.
    pub line: Option<usize>,
    /// What was found.
    pub verdict: Verdict,
}

/// Valid, invalid with its first errors, not readable at all, or a notice that is no verdict.
#[derive(Debug)]
pub enum Verdict {
    /// Matches the schema.
    Valid,
    /// Does not match, is not JSON, or is over the size limit.
    Invalid(CappedErrors),
    /// Could not be read: an I/O error, not a verdict on a payload.
    Unreadable(String),
    /// Something skipped on purpose (a symlink loop); counts for nothing.
    Warning(String),
}

/// What to check a payload against, and how many errors to keep of each.
#[derive(Debug, Clone, Copy)]
pub struct Checker<'v> {
    /// The schema; none only parses (the benchmark baseline).
    pub validator: Option<&'v Validator>,
    /// Decode into this document's typed model instead of validating (a benchmark figure).
    pub decode_only: Option<Document>,
    /// Errors kept per payload (0 under `--quiet`: the verdict alone).
    pub max_errors: usize,
    /// The most bytes read of one payload (`--max-size`).
    pub max_size: u64,
}

impl Checker<'_> {
    /// Runs one job.
    pub fn run(&self, job: Job) -> Outcome {
        match job {
            Job::Payload {
                source,
                line,
                bytes,
            } => Outcome {
                verdict: self.check(&bytes),
                source,
                line,
            },
            Job::TooLarge {
                source,
                line,
                size,
                max,
            } => {
                let size = match size {
                    Size::Exactly(size) => format!("{size} bytes"),
                    Size::MoreThan(size) => format!("more than {size} bytes"),
                };
                let what = if line.is_some() { "line" } else { "payload" };
                let message = format!("{what} is {size}, over the --max-size limit of {max} bytes");
                Outcome {
                    verdict: Verdict::Invalid(self.whole_payload(message)),
                    source,
                    line,
                }
            }
            Job::Unreadable { source, message } => Outcome {
                source,
                line: None,
                verdict: Verdict::Unreadable(message),
            },
            file @ Job::File { .. } => self.run(file.load(self.max_size)),
            Job::Warning(message) => Outcome {
                source: String::new(),
                line: None,
                verdict: Verdict::Warning(message),
            },
        }
    }

    /// The verdict on one payload: decoded (`--decode-only`), validated, or only parsed.
    fn check(&self, bytes: &[u8]) -> Verdict {
        use hamravesh_types::Verdict as Checked;
        let errors = match (self.decode_only, self.validator) {
            (Some(kind), _) => kind
                .decodes(bytes)
                .err()
                .map(|error| self.whole_payload(error.to_string())),
            (None, Some(validator)) => {
                match hamravesh_types::check_bytes(bytes, validator, self.max_errors) {
                    Checked::Valid => None,
                    Checked::Invalid(errors) => Some(errors),
                }
            }
            (None, None) => hamravesh_types::parse_payload(bytes, self.max_errors).err(),
        };
        errors.map_or(Verdict::Valid, Verdict::Invalid)
    }

    fn whole_payload(&self, message: String) -> CappedErrors {
        let errors = if self.max_errors == 0 {
            Vec::new()
        } else {
            vec![ValidationError {
                instance_path: String::new(),
                schema_path: String::new(),
                message,
            }]
        };
        CappedErrors {
            errors,
            omitted: Omitted {
                count: 0,
                exact: true,
            },
        }
    }
}
