//! Printing outcomes (text or JSON lines on stdout), notices and the summary (stderr).
//!
//! Every write ignores errors: a closed pipe (`validate … | head -1`) must not stop the run or
//! panic, since the exit code still has to tell the verdict. Text output passes file names,
//! pointers and messages through `terminal_safe`: they come from payloads and file systems, and
//! could otherwise carry escape sequences to the terminal. JSON output keeps every value exact,
//! with what a terminal would act on written as `\u` escapes.

use std::io::{BufWriter, Stdout, Write};

use hamravesh::text::terminal_safe;
use hamravesh_types::UndeclaredReport;

use crate::args::Format;
use crate::output::json_for_terminal;

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
            Verdict::Warning(_) => {}
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
    format: Format,
    quiet: bool,
    out: BufWriter<Stdout>,
    /// False once stdout refused a write: nothing more is formatted for it.
    out_open: bool,
    /// Why stdout refused, unless it was a closed pipe (a reader that has gone away is no error;
    /// a full disk is: the results were lost).
    out_error: Option<std::io::Error>,
}

impl Reporter {
    /// A reporter for this format; `quiet` prints nothing at all.
    pub fn new(format: Format, quiet: bool) -> Self {
        Self {
            format,
            quiet,
            out: BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            out_open: true,
            out_error: None,
        }
    }

    /// Reports one outcome. `undeclared` is `None` unless `--undeclared` was given, then the
    /// payload's undeclared fields (`None` inside when it is not JSON or no payload at all): in
    /// text, listed under the file name after the verdict; in JSON, fields of the same record.
    pub fn outcome(&mut self, outcome: &Outcome, undeclared: Option<Option<&UndeclaredReport>>) {
        if self.quiet {
            return;
        }
        let location = match outcome.line {
            Some(line) => format!("{}:{line}", outcome.source),
            None => outcome.source.clone(),
        };
        match (&outcome.verdict, self.format) {
            // Notices go to stderr in both formats: they are not verdicts on payloads.
            (Verdict::Unreadable(message), _) => {
                self.write_stderr(&format!("error: cannot read {location}: {message}"));
            }
            (Verdict::Warning(message), _) => self.write_stderr(&format!("warning: {message}")),
            (Verdict::Valid, Format::Text) => {}
            (Verdict::Invalid(report), Format::Text) => {
                let location = terminal_safe(&location);
                self.write_stdout(|out| {
                    for error in &report.errors {
                        let pointer = if error.instance_path.is_empty() {
                            "/"
                        } else {
                            &error.instance_path
                        };
                        writeln!(
                            out,
                            "{location}: {}: {}",
                            terminal_safe(pointer),
                            terminal_safe(&error.message)
                        )?;
                    }
                    if report.omitted.count > 0 || !report.omitted.exact {
                        writeln!(out, "{location}: {}", report.omitted)?;
                    }
                    Ok(())
                });
            }
            (verdict, Format::Json) => {
                let report = match verdict {
                    Verdict::Invalid(report) => Some(report),
                    _ => None,
                };
                self.write_stdout(|out| {
                    let mut record = serde_json::json!({
                        "source": outcome.source,
                        "line": outcome.line,
                        "valid": matches!(verdict, Verdict::Valid),
                        "errors": report.map_or(&[][..], |report| report.errors.as_slice()),
                        "more_errors": report.map_or(0, |report| report.omitted.count),
                        "more_errors_exact": report.is_none_or(|report| report.omitted.exact),
                    });
                    if let (Some(undeclared), Some(object)) = (undeclared, record.as_object_mut()) {
                        object.extend(undeclared_json(undeclared));
                    }
                    writeln!(out, "{}", json_for_terminal(&record.to_string()))
                });
                return;
            }
        }
        // Text: a payload's undeclared fields (an unreadable input or a notice has none), under
        // its name, after its verdict.
        if let Some(Some(report)) = undeclared
            && !report.is_empty()
        {
            let location = terminal_safe(&location);
            self.write_stdout(|out| {
                writeln!(out, "{location}: undeclared fields:")?;
                // The report's lines are already safe for a terminal.
                for line in report.to_string().lines() {
                    writeln!(out, "  {line}")?;
                }
                Ok(())
            });
        }
    }

    /// Flushes stdout and prints `N valid, M invalid` to stderr.
    pub fn summary(&mut self, tally: &Tally) {
        self.flush();
        if self.quiet {
            return;
        }
        let mut summary = format!("{} valid, {} invalid", tally.valid, tally.invalid);
        if tally.unreadable > 0 {
            summary.push_str(&format!(", {} unreadable", tally.unreadable));
        }
        self.write_stderr(&summary);
    }

    fn write_stdout(&mut self, write: impl FnOnce(&mut BufWriter<Stdout>) -> std::io::Result<()>) {
        if self.out_open {
            let written = write(&mut self.out);
            self.refused(written);
        }
    }

    /// Hands what stdout holds to the terminal or pipe (after each chunk, so results show as
    /// they are produced rather than when a 64 KiB buffer fills).
    pub fn flush(&mut self) {
        if self.out_open {
            let flushed = self.out.flush();
            self.refused(flushed);
        }
    }

    fn refused(&mut self, result: std::io::Result<()>) {
        if let Err(error) = result {
            self.out_open = false;
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                self.out_error = Some(error);
            }
        }
    }

    /// Why the results could not be written to stdout, if they could not (a closed pipe is not
    /// an error: its reader chose to stop reading).
    pub fn take_write_error(&mut self) -> Option<std::io::Error> {
        self.out_error.take()
    }

    /// One line on stderr, after what stdout holds so far (so the two stay in order on a terminal).
    fn write_stderr(&mut self, line: &str) {
        self.flush();
        let _ = writeln!(std::io::stderr().lock(), "{}", terminal_safe(line));
    }
}

/// The `--undeclared` fields of a JSON record: `undeclared` (each path, its JSON types and how
/// often it occurred; `null` for a payload that is not JSON), `more_undeclared` (occurrences at
/// paths past the cap) and `undeclared_too_deep` (values nested too deep to examine).
fn undeclared_json(
    report: Option<&UndeclaredReport>,
) -> impl Iterator<Item = (String, serde_json::Value)> {
    let fields = report.map(|report| {
        report
            .fields()
            .iter()
            .map(|field| {
                serde_json::json!({
                    "path": field.path(),
                    "types": field.types().names().collect::<Vec<_>>(),
                    "occurrences": field.occurrences(),
                })
            })
            .collect::<Vec<_>>()
    });
    [
        ("undeclared".to_owned(), serde_json::json!(fields)),
        (
            "more_undeclared".to_owned(),
            serde_json::json!(report.map_or(0, UndeclaredReport::omitted)),
        ),
        (
            "undeclared_too_deep".to_owned(),
            serde_json::json!(report.map_or(0, UndeclaredReport::too_deep)),
        ),
    ]
    .into_iter()
}
