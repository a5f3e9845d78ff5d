//! `hamravesh api METHOD PATH`: any endpoint, documented or not, with the client's safety (the
//! key only to the base URL's host, same-origin redirects, the body cap, retries that follow the
//! method, errors made safe); and, with `--validate`, the live answer of a documented operation
//! checked against its schema, with the fields the schema does not declare listed.
//!
//! Everything that can be checked locally is checked before anything is sent: the method, the
//! path (by the client), the `-d` body (JSON, at most [`MAX_DATA_BYTES`]).

mod body;

use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

use hamravesh::{Method, Response};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hamravesh_types::{Document, Omitted, Operation, undeclared_fields};

use crate::Failure;
use crate::args::{ApiArgs, ClientArgs};
use crate::client_cmd::{self, Session, classify};
use crate::organization;
use crate::output::{print_stderr, safe_line, write_stdout};

/// The methods `hamravesh api` sends.
const METHODS: [&str; 7] = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];

/// The largest `-d` body read, from the argument, a file or stdin: 8 MiB (the service's bodies
/// are small JSON documents; the mock takes at most 64 KiB).
pub const MAX_DATA_BYTES: u64 = 8 * 1024 * 1024;

/// Validation errors listed at most; the rest are counted.
const MAX_ERRORS: usize = 100;

/// How `--validate` lines are cut, in characters.
const MAX_LINE_CHARS: usize = 1000;

/// Runs the command.
pub async fn run(args: ApiArgs) -> Result<(), Failure> {
    let method = parse_method(&args.method)?;
    // Before anything else (the organization of a documented operation may take a request).
    hamravesh::check_request_path(&args.path).map_err(classify)?;
    if args.paginate && method != Method::GET {
        return Err(Failure::Usage(format!(
            "--paginate follows pages of a list: it needs GET, not {method}"
        )));
    }
    let data = match &args.data {
        Some(_) if matches!(method, Method::GET | Method::HEAD) => {
            return Err(Failure::Usage(format!(
                "-d sends a body, which a {method} does not carry; use POST, PUT or PATCH"
            )));
        }
        Some(data) => Some(read_data(data)?),
        None => None,
    };
    let operation = Operation::find(method.as_str(), &args.path);
    let session = client_cmd::connect(&args.client).await?;
    let organization = organization(&session, &args, operation).await?;
    let mut request = session.client.request(method.clone(), &args.path);
    if let Some(name) = organization {
        request = request.organization(name);
    }
    if let Some(data) = data {
        request = request.json_bytes(data);
    }
    if args.paginate {
        let checks = if args.validate {
            page_checks(&method, &args.path, operation)
        } else {
            None
        };
        return paginate(request, &args.client, checks).await;
    }
    let response = request.send_raw().await.map_err(classify)?;
    let style = body::Style {
        raw: args.raw,
        terminal: std::io::stdout().is_terminal(),
    };
    print_answer(&response, args.include, style)?;
    if !response.is_success() && response.earlier_attempt_may_have_acted() {
        // The answer printed is the last attempt's; an earlier one may have done the work.
        print_stderr(&format!(
            "note: an earlier attempt of this {method} timed out or failed after it was sent, so the service may have carried it out: this {} may be its result (a 404 to a DELETE: most likely deleted by that attempt)\n",
            response.status()
        ));
    }
    if args.validate {
        match operation {
            None => not_documented(&method, &args.path),
            Some(_) if !response.is_success() => print_stderr(&format!(
                "not validated: the answer is an error status ({})\n",
                response.status()
            )),
            Some(operation) => validate(operation, response.body())?,
        }
    }
    if !response.is_success() {
        return Err(status_failure(response));
    }
    Ok(())
}

/// The method, upper-cased, if it is one `hamravesh api` sends; otherwise a usage error.
fn parse_method(text: &str) -> Result<Method, Failure> {
    let upper = text.to_ascii_uppercase();
    match METHODS.iter().find(|known| **known == upper) {
        Some(known) => Method::from_bytes(known.as_bytes()).map_err(|_| unknown_method(text)),
        None => Err(unknown_method(text)),
    }
}

fn unknown_method(text: &str) -> Failure {
    Failure::Usage(format!(
        "unknown method \"{}\"; use one of {}",
        safe_line(text, 40),
        METHODS.join(", ")
    ))
}

/// The `-d` body: the argument itself, or a file's or stdin's content, at most
/// [`MAX_DATA_BYTES`], which must be one JSON document (blank, not JSON or a key repeated inside
/// one object is a usage error).
fn read_data(data: &str) -> Result<Vec<u8>, Failure> {
    let (bytes, source) = match data.strip_prefix('@') {
        Some("-") => (
            read_capped(std::io::stdin().lock(), "stdin")?,
            "stdin".to_owned(),
        ),
        Some(path) => {
            let source = format!("@{}", safe_line(path, 200));
            let file = std::fs::File::open(path)
                .map_err(|e| Failure::Usage(format!("cannot read -d {source}: {e}")))?;
            (read_capped(file, &source)?, source)
        }
        None if data.len() as u64 > MAX_DATA_BYTES => return Err(too_large("the -d argument")),
        None => (data.as_bytes().to_vec(), "the -d argument".to_owned()),
    };
    if let Err(report) = hamravesh_types::parse_payload(&bytes, 1) {
        let reason = report
            .errors
            .first()
            .map(|error| error.message.clone())
            .unwrap_or_default();
        return Err(Failure::Usage(format!(
            "-d: {source} is not one JSON document ({}); the body must be JSON",
            safe_line(&reason, 300)
        )));
    }
    Ok(bytes)
}

/// At most [`MAX_DATA_BYTES`] from `reader`; more is a usage error, never held.
fn read_capped(reader: impl Read, source: &str) -> Result<Vec<u8>, Failure> {
    let bytes = crate::capped::read(reader, MAX_DATA_BYTES, 0)
        .map_err(|e| Failure::Usage(format!("cannot read -d {source}: {e}")))?;
    if bytes.len() as u64 > MAX_DATA_BYTES {
        return Err(too_large(&format!("-d {source}")));
    }
    Ok(bytes)
}

fn too_large(source: &str) -> Failure {
    Failure::Usage(format!(
        "{source} is larger than {MAX_DATA_BYTES} bytes (8 MiB), more than any request body the API takes"
    ))
}

/// The organization to send: `--org`, else `HAMRAVESH_ORGANIZATION` (not with `--mock`); for a
/// documented organization-scoped operation, else the account's only one (as every
/// organization-scoped command picks it). `None` sends no header.
async fn organization(
    session: &Session,
    args: &ApiArgs,
    operation: Option<&'static Operation>,
) -> Result<Option<String>, Failure> {
    if operation.is_some_and(Operation::is_organization_scoped) {
        return organization::resolve(session, args.org.as_deref())
            .await
            .map(Some);
    }
    organization::named(session, args.org.as_deref())
}

/// Writes the head (with `--include`) and the body to stdout; a closed pipe ends the writing
/// quietly, any other write error is exit 1.
fn print_answer(response: &Response, include: bool, style: body::Style) -> Result<(), Failure> {
    let note = write_stdout(&mut std::io::stdout().lock(), |out| {
        if include {
            let head = body::head(response.version(), response.status(), response.headers());
            out.write_all(head.as_bytes())?;
        }
        body::write_body(out, response.body(), style)
    })?;
    if let Some(note) = note.flatten() {
        print_stderr(&format!("note: {}\n", safe_line(&note, MAX_LINE_CHARS)));
    }
    Ok(())
}

/// Exit 1 for an error status, saying what the client would say of it (the body is printed
/// already; the message quotes at most 300 characters of it, on one line).
fn status_failure(response: Response) -> Failure {
    match response.error_for_status() {
        Err(error) => classify(error),
        Ok(response) => Failure::Remote(format!("the API answered {}", response.status())),
    }
}

/// `--validate`: the answer of a documented operation against its schema. Errors (with JSON
/// pointers) and the undeclared fields go to stderr; only errors fail.
fn validate(operation: &Operation, body: &[u8]) -> Result<(), Failure> {
    let Some(document) = operation.response_document() else {
        if body.iter().all(u8::is_ascii_whitespace) {
            print_stderr(&format!(
                "valid: {} answers with no body, and none came\n",
                operation.id
            ));
        } else {
            print_stderr(&format!(
                "note: {} documents no response body, but {} bytes came; not validated\n",
                operation.id,
                body.len()
            ));
        }
        return Ok(());
    };
    let schema = format!("schema/{}", document.schema_ref());
    let value = match hamravesh_types::parse_payload(body, MAX_ERRORS) {
        Ok(value) => value,
        Err(report) => return Err(invalid(&schema, &report)),
    };
    let verdict = document.validator().validate_capped(&value, MAX_ERRORS);
    let undeclared = undeclared_fields(document, &value);
    print_stderr(&tagged("undeclared", undeclared.to_string().lines()));
    verdict.map_err(|report| invalid(&schema, &report))?;
    let note = match undeclared.fields().len() as u64 + undeclared.omitted() {
        0 => String::new(),
        1 => "; 1 field it does not declare (listed above)".to_owned(),
        n => format!("; {n} fields it does not declare (listed above)"),
    };
    print_stderr(&format!(
        "valid: the answer matches {schema} ({}){note}\n",
        operation.id
    ));
    Ok(())
}

/// Says on stderr that there is no schema for `METHOD PATH`.
fn not_documented(method: &Method, path: &str) {
    print_stderr(&format!(
        "not validated: {method} {} is not a documented operation, so there is no schema to check it against\n",
        safe_line(path, 200)
    ));
}

/// Prints each validation error (`invalid: POINTER: MESSAGE`) and what was left out, and gives
/// the failure that ends the command.
fn invalid(schema: &str, report: &hamravesh_types::CappedErrors) -> Failure {
    print_stderr(&invalid_lines(report.errors.iter(), report.omitted));
    let errors = report.errors.len();
    let plural = if errors == 1 { "" } else { "s" };
    let more = if report.omitted.to_string().is_empty() {
        ""
    } else {
        " and more"
    };
    Failure::Remote(format!(
        "the answer does not match {schema} ({errors} error{plural}{more} listed above)"
    ))
}

/// `TAG: LINE` for each line, made safe and cut to [`MAX_LINE_CHARS`].
fn tagged(tag: &str, lines: impl IntoIterator<Item = impl std::fmt::Display>) -> String {
    lines
        .into_iter()
        .map(|line| format!("{tag}: {}\n", safe_line(&line.to_string(), MAX_LINE_CHARS)))
        .collect()
}

/// `invalid: ERROR` for each error, then one saying what was left out, if anything was.
fn invalid_lines(errors: impl Iterator<Item = impl std::fmt::Display>, omitted: Omitted) -> String {
    let omitted = Some(omitted.to_string()).filter(|text| !text.is_empty());
    tagged(
        "invalid",
        errors.map(|error| error.to_string()).chain(omitted),
    )
}

/// `--paginate`: every page's `results`, within `--total-timeout` for the whole walk, printed as
/// one JSON array.
async fn paginate(
    request: hamravesh::RequestBuilder,
    client: &ClientArgs,
    checks: Option<(PageChecks, Document)>,
) -> Result<(), Failure> {
    let deadline = client_cmd::walk_deadline(client);
    let mut walk = request.pages();
    let shared = checks.map(|(checks, document)| (Arc::new(Mutex::new(checks)), document));
    if let Some((checks, document)) = &shared {
        let (checks, document) = (Arc::clone(checks), *document);
        walk = walk.inspect_pages(move |page| lock(&checks).check(document, page));
    }
    let walked = tokio::time::timeout(deadline, walk.collect_json()).await;
    // What the pages read so far said, whatever ended the walk.
    let to_the_end = matches!(walked, Ok(Ok(_)));
    let verdict = shared.map_or(Ok(()), |(checks, _)| lock(&checks).report(to_the_end));
    let json = match walked {
        Ok(Ok(json)) => json,
        Ok(Err(error)) => {
            // The CLI has no flag for the client's caps.
            let advice = " (the CLI reads at most that much; read page by page instead)";
            return Err(client_cmd::walk_failure(
                error,
                &[
                    ("; raise it with max_pages", advice),
                    ("; raise it with max_items", advice),
                    ("; raise it with max_bytes", advice),
                ],
            ));
        }
        Err(_elapsed) => {
            return Err(Failure::Remote(format!(
                "--total-timeout ({}s) passed before the last page; raise --total-timeout",
                Duration::as_secs_f64(&deadline)
            )));
        }
    };
    let style = body::Style {
        raw: false,
        terminal: std::io::stdout().is_terminal(),
    };
    write_stdout(&mut std::io::stdout().lock(), |out| {
        body::write_body(out, &json, style)
    })?;
    verdict
}

/// The page checks, also after a check that panicked (what the pages before it said stands).
fn lock(checks: &Mutex<PageChecks>) -> MutexGuard<'_, PageChecks> {
    checks.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The checks `--validate` makes on every page of a `--paginate` walk, and the schema: `None`
/// (after saying why on stderr) when METHOD and PATH are not a documented operation with a body.
fn page_checks(
    method: &Method,
    path: &str,
    operation: Option<&'static Operation>,
) -> Option<(PageChecks, Document)> {
    let Some(operation) = operation else {
        not_documented(method, path);
        return None;
    };
    let Some(document) = operation.response_document() else {
        print_stderr(&format!(
            "not validated: {} documents no response body\n",
            operation.id
        ));
        return None;
    };
    let checks = PageChecks {
        schema: format!("schema/{}", document.schema_ref()),
        operation: operation.id,
        ..PageChecks::default()
    };
    Some((checks, document))
}

/// Distinct undeclared-field lines kept over every page of a walk.
const MAX_UNDECLARED_LINES: usize = 200;

/// What `--validate` found in the pages of a walk: errors (at most [`MAX_ERRORS`] over all
/// pages, each naming its page) and the undeclared fields (each line once).
#[derive(Debug, Default)]
struct PageChecks {
    schema: String,
    operation: &'static str,
    pages: u64,
    invalid_pages: u64,
    errors: Vec<String>,
    more_errors: usize,
    /// Whether `more_errors` is exact: a page whose validation stopped looking (its own count a
    /// lower bound) makes the total one too.
    more_errors_inexact: bool,
    undeclared: Vec<String>,
    seen: HashSet<String>,
    more_undeclared: u64,
}

impl PageChecks {
    /// Checks one page's body against `document`.
    fn check(&mut self, document: Document, body: &[u8]) {
        self.pages += 1;
        let value = match hamravesh_types::parse_payload(body, MAX_ERRORS) {
            Ok(value) => value,
            Err(report) => return self.invalid(&report),
        };
        if let Err(report) = document.validator().validate_capped(&value, MAX_ERRORS) {
            self.invalid(&report);
        }
        for line in undeclared_fields(document, &value).to_string().lines() {
            if self.seen.contains(line) {
                continue;
            }
            if self.undeclared.len() >= MAX_UNDECLARED_LINES {
                self.more_undeclared += 1;
                continue;
            }
            self.seen.insert(line.to_owned());
            self.undeclared.push(line.to_owned());
        }
    }

    fn invalid(&mut self, report: &hamravesh_types::CappedErrors) {
        self.invalid_pages += 1;
        for error in &report.errors {
            if self.errors.len() < MAX_ERRORS {
                self.errors.push(format!("page {}: {error}", self.pages));
            } else {
                self.more_errors = self.more_errors.saturating_add(1);
            }
        }
        self.more_errors = self.more_errors.saturating_add(report.omitted.count);
        self.more_errors_inexact |= !report.omitted.exact;
    }

    /// Prints what was found on stderr; an error if any page was invalid.
    fn report(&self, to_the_end: bool) -> Result<(), Failure> {
        let more = (self.more_undeclared > 0)
            .then(|| format!("… and {} more lines", self.more_undeclared));
        let mut lines = tagged("undeclared", self.undeclared.iter().cloned().chain(more));
        // Worded as a single answer's report words it ("… and at least 5 more errors").
        let omitted = Omitted {
            count: self.more_errors,
            exact: !self.more_errors_inexact,
        };
        lines += &invalid_lines(self.errors.iter(), omitted);
        let (pages, schema) = (self.pages, &self.schema);
        if self.invalid_pages > 0 {
            print_stderr(&lines);
            return Err(Failure::Remote(format!(
                "{} of {pages} pages do not match {schema} (errors listed above)",
                self.invalid_pages
            )));
        }
        let operation = self.operation;
        lines += &if to_the_end {
            format!("valid: every page read ({pages}) matches {schema} ({operation})\n")
        } else if pages == 0 {
            "not validated: the walk stopped before a page was read\n".to_owned()
        } else {
            // The walk's own error follows: no verdict on a list not read to its end.
            format!(
                "not validated to the end: the pages read before the walk stopped ({pages}) match {schema} ({operation})\n"
            )
        };
        print_stderr(&lines);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_the_known_ones_in_any_case() {
        for (text, method) in [("get", "GET"), ("Patch", "PATCH"), ("DELETE", "DELETE")] {
            assert_eq!(
                parse_method(text).ok().map(|m| m.to_string()).as_deref(),
                Some(method)
            );
        }
        for bad in [
            "",
            "TRACE",
            "CONNECT",
            "PURGE",
            "GET ",
            "G\nET",
            "\u{1b}[2J",
        ] {
            match parse_method(bad) {
                Err(Failure::Usage(message)) => {
                    assert!(message.starts_with("unknown method"), "{message}");
                    assert!(!message.contains('\u{1b}') && !message.contains('\n'));
                }
                _ => panic!("{bad:?} accepted"),
            }
        }
    }

    #[test]
    fn data_must_be_one_json_document() {
        assert_eq!(read_data(r#"{"a": 1}"#).ok(), Some(br#"{"a": 1}"#.to_vec()));
        for bad in ["", "  ", "{", "{\"a\":1,\"a\":2}", "not json", "{} {}"] {
            match read_data(bad) {
                Err(Failure::Usage(message)) => {
                    assert!(message.contains("not one JSON document"), "{message}")
                }
                _ => panic!("{bad:?} accepted"),
            }
        }
    }
}
