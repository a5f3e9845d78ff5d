//! `hamravesh namespaces create|delete`.
//!
//! A delete is confirmed before anything is sent: with `--yes`, or by answering `y` when stdin is
//! a terminal. Without a terminal and without `--yes` it is refused (exit 2), so a script that
//! forgot the flag deletes nothing. A `400` listing refused fields prints each field with its
//! messages, one bounded and escaped line each. A `404` after an attempt whose outcome is unknown
//! (it timed out, or got `500`, `502` or `504`, after it was sent) is a success, as the client
//! takes it, but printed as what is known: the namespace is gone, most likely deleted by that
//! attempt, or it never existed.

use std::io::{BufRead, IsTerminal, Read};

use hamravesh::types::namespaces::CreateNamespace;
use hamravesh::types::operations::DELETE_NAMESPACE;
use hamravesh::{Error, ErrorKind, Method, StatusCode};

use crate::Failure;
use crate::args::{CreateNamespaceArgs, DeleteNamespaceArgs, NamespacesCommand};
use crate::client_cmd::{self, classify};
use crate::output::safe_line;

/// The most refused fields listed, one line each.
const MAX_FIELDS: usize = 20;

/// The longest line listing one field's messages, in characters.
const MAX_FIELD_LINE_CHARS: usize = 300;

/// The most bytes of an answer to the confirmation read.
const MAX_ANSWER_BYTES: u64 = 256;

/// Runs the subcommand.
pub async fn run(command: NamespacesCommand) -> Result<(), Failure> {
    match command {
        NamespacesCommand::Create(args) => create(args).await,
        NamespacesCommand::Delete(args) => delete(args).await,
    }
}

async fn create(args: CreateNamespaceArgs) -> Result<(), Failure> {
    let request: CreateNamespace = CreateNamespace::builder()
        .name(args.name.clone())
        .cluster_id(args.cluster)
        .try_into()
        .map_err(|e: hamravesh::types::namespaces::ConversionError| {
            // The schema's pattern is unreadable in a message; say what it means.
            Failure::Usage(if args.name.trim().is_empty() {
                "the namespace name must not be blank (the service refuses it)".to_owned()
            } else {
                format!("cannot build the request: {e}")
            })
        })?;
    let session = client_cmd::connect(&args.client).await?;
    let organization =
        crate::organization::resolve(&session, args.organization.org.as_deref()).await?;
    let namespace = session
        .client
        .create_namespace(&organization, &request)
        .await
        .map_err(refused)?;
    if args.json {
        crate::output::print_json(&namespace)?;
    } else {
        crate::print_stdout(&crate::render::namespace(&namespace))?;
    }
    Ok(())
}

async fn delete(args: DeleteNamespaceArgs) -> Result<(), Failure> {
    let interactive = std::io::stdin().is_terminal();
    if !args.yes && !interactive {
        return Err(Failure::Usage(format!(
            "refusing to delete namespace {} without confirmation: stdin is not a terminal, so pass --yes",
            args.id
        )));
    }
    let session = client_cmd::connect(&args.client).await?;
    let organization =
        crate::organization::resolve(&session, args.organization.org.as_deref()).await?;
    let (id, shown) = (args.id, safe_line(&organization, 60));
    if !args.yes {
        crate::print_stderr(&format!(
            "Delete namespace {id} of organization \"{shown}\", and every app in it? [y/N] "
        ));
        let answer = read_answer(&mut std::io::stdin().lock());
        if !is_yes(&answer) {
            return Err(Failure::Usage(format!(
                "namespace {id} was not deleted: not confirmed"
            )));
        }
    }
    // Sent as `Client::delete_namespace` sends it, but through `send_raw`, whose answer says
    // whether an earlier attempt may have acted: the typed call turns a 404 after such an
    // attempt into a plain success, and "Deleted" would then claim more than is known.
    let path = DELETE_NAMESPACE
        .path_with(&[("namespace_id", &id.to_string())])
        .unwrap_or_default();
    let response = session
        .client
        .request(Method::DELETE, path)
        .organization(organization.as_str())
        .send_raw()
        .await
        .map_err(classify)?;
    if response.status() == StatusCode::NOT_FOUND && response.earlier_attempt_may_have_acted() {
        // As the library decides for the typed call: done (exit 0), but said as it is known.
        return crate::print_stdout(&format!(
            "Namespace {id} of organization \"{shown}\" is gone: an attempt failed after it was sent and the retry found no such namespace, so that attempt most likely deleted it, or it never existed.\n"
        ));
    }
    response.error_for_status().map_err(|error| {
        if error.status() == Some(StatusCode::NOT_FOUND) {
            Failure::Remote(format!(
                "there is no namespace {id} in organization \"{shown}\" (already deleted?): {}",
                error.report()
            ))
        } else {
            refused(error)
        }
    })?;
    crate::print_stdout(&format!(
        "Deleted namespace {id} of organization \"{shown}\".\n"
    ))
}

/// One line of `input`, at most [`MAX_ANSWER_BYTES`] of it; empty at the end of input or on a
/// read error (neither is a yes).
fn read_answer(input: &mut impl BufRead) -> String {
    let mut answer = String::new();
    let _ = input.take(MAX_ANSWER_BYTES).read_line(&mut answer);
    answer
}

/// Whether the answer to a y/N question is yes (`y` or `yes`, any case, surrounding blanks
/// ignored).
fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// A client error as a failure; a `400` that refused fields lists each field with its messages
/// after the headline, one line each.
fn refused(error: Error) -> Failure {
    let lines = match error.field_errors() {
        Some(fields) if error.kind() == ErrorKind::Validation => field_lines(fields),
        _ => return classify(error),
    };
    let status = error
        .status()
        .map(|status| format!(" ({status})"))
        .unwrap_or_default();
    Failure::RemoteWithDetails(
        format!("the API refused the request as invalid{status}:"),
        lines,
    )
}

/// `field: message; message` for each refused field, at most [`MAX_FIELDS`] lines (then how many
/// more), each escaped and at most [`MAX_FIELD_LINE_CHARS`] characters.
fn field_lines(fields: &hamravesh::FieldErrors) -> Vec<String> {
    let mut lines: Vec<String> = fields
        .iter()
        .take(MAX_FIELDS)
        .map(|field| {
            // Build no more text than the line can show, however long the messages are.
            let mut text: String = field.field().chars().take(MAX_FIELD_LINE_CHARS).collect();
            text.push(':');
            for (i, message) in field.messages().iter().enumerate() {
                if text.len() > 4 * MAX_FIELD_LINE_CHARS {
                    break;
                }
                text.push_str(if i == 0 { " " } else { "; " });
                text.extend(message.chars().take(MAX_FIELD_LINE_CHARS));
            }
            safe_line(&text, MAX_FIELD_LINE_CHARS)
        })
        .collect();
    // The client keeps the first fields of a huge body and counts the rest: both are "more".
    let more = fields.len().saturating_sub(MAX_FIELDS) + fields.omitted();
    if more > 0 {
        lines.push(format!("… and {more} more fields"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_or_yes_confirms() {
        for (answer, yes) in [
            ("y\n", true),
            ("YES\r\n", true),
            ("  yes  \n", true),
            ("", false),
            ("\n", false),
            ("n\n", false),
            ("yess\n", false),
            ("y y\n", false),
        ] {
            assert_eq!(is_yes(answer), yes, "{answer:?}");
        }
    }

    #[test]
    fn an_endless_answer_is_read_only_so_far() {
        let endless = std::io::repeat(b'y');
        let answer = read_answer(&mut std::io::BufReader::new(endless));
        assert_eq!(answer.len() as u64, MAX_ANSWER_BYTES);
        assert!(!is_yes(&answer));
    }
}
