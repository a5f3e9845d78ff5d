//! Printing outcomes (text or JSON lines on stdout) and the summary (stderr).

use std::io::{BufWriter, Stdout, Write};

use crate::args::Format;

use super::check::{Outcome, Verdict};

/// Counts of each verdict, and the exit code they imply.
#[derive(Debug, Default)]
pub struct Tally {
    valid: usize,
    invalid: usize,
    unreadable: usize,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome.verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Invalid(_) => self.invalid += 1,
            Verdict::Unreadable(_) => self.unreadable += 1,
        }
    }

    /// 2 if any input was unreadable, else 1 if any payload was invalid, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.unreadable > 0 {
            2
        } else if self.invalid > 0 {
            1
        } else {
            0
        }
    }
}

/// Writes outcomes as they come, buffered.
pub struct Reporter {
    format: crate::args::Format,
    quiet: bool,
    out: BufWriter<Stdout>,
}

impl Reporter {
    /// A reporter for this format; `quiet` prints nothing at all.
    pub fn new(format: Format, quiet: bool) -> Self {
        Self {
            format,
            quiet,
            out: BufWriter::with_capacity(64 * 1024, std::io::stdout()),
        }
    }

    /// Reports one outcome. Write errors (a closed pipe) are ignored: the exit code still tells.
    pub fn outcome(&mut self, outcome: &Outcome) {
        if self.quiet {
            return;
        }
        let location = match outcome.line {
            Some(line) => format!("{}:{line}", outcome.source),
            None => outcome.source.clone(),
        };
        match (&outcome.verdict, self.format) {
            (Verdict::Unreadable(message), _) => {
                // I/O errors go to stderr in both formats: they are not verdicts on payloads.
                let _ = self.out.flush();
                eprintln!("error: cannot read {location}: {message}");
            }
            (Verdict::Valid, Format::Text) => {}
            (Verdict::Invalid(errors), Format::Text) => {
                for error in errors {
                    let pointer = if error.instance_path.is_empty() {
                        "/"
                    } else {
                        &error.instance_path
                    };
                    let _ = writeln!(self.out, "{location}: {pointer}: {}", error.message);
                }
            }
            (verdict, Format::Json) => {
                let errors = match verdict {
                    Verdict::Invalid(errors) => errors.as_slice(),
                    _ => &[],
                };
                let record = serde_json::json!({
                    "source": outcome.source,
                    "line": outcome.line,
                    "valid": matches!(verdict, Verdict::Valid),
                    "errors": errors,
                });
                let _ = writeln!(self.out, "{record}");
            }
        }
    }

    /// Flushes stdout and prints `N valid, M invalid` to stderr.
    pub fn summary(&mut self, tally: &Tally) {
        let _ = self.out.flush();
        if self.quiet {
            return;
        }
        let mut summary = format!("{} valid, {} invalid", tally.valid, tally.invalid);
        if tally.unreadable > 0 {
            summary.push_str(&format!(", {} unreadable", tally.unreadable));
        }
        eprintln!("{summary}");
    }
}
