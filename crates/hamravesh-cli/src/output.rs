//! Everything the binary writes to stdout and stderr goes through here.
//!
//! Rust ignores SIGPIPE, so writing to a pipe whose reader has gone (`hamravesh … | head -1`)
//! fails with EPIPE, and `println!`/`eprintln!` turn that into a panic (exit 101). These helpers
//! drop that one error: there is nobody left to tell, and the exit code stays the one the run
//! would have had. Any other failure to write stdout (a full disk, an I/O error) is a failure of
//! the command: [`print_stdout`] returns it, and the command exits 1 with one line on stderr,
//! so `hamravesh profile --json > file` never leaves a truncated file behind an exit 0.
//!
//! Error lines are also made safe for a terminal: they quote server text, file names and URLs,
//! so each is one line, bounded, with control characters shown as visible escapes. An error
//! may be followed by detail lines (the fields a `400` refused), each made safe the same way.

use std::borrow::Cow;
use std::io::Write;

use hamravesh::text::terminal_safe;

use crate::Failure;

/// The longest error line printed, in characters (the client bounds the server text it quotes to
/// about 300; this bounds everything else, such as a long path or URL, and a cause chain).
pub const MAX_ERROR_CHARS: usize = 1000;

/// The longest part of an error's cause chain quoted, in characters.
const MAX_CAUSE_CHARS: usize = 300;

/// Writes `text` to stdout. A closed pipe (EPIPE) is ignored; any other write error (ENOSPC,
/// EIO, …) is a [`Failure::Remote`] (exit 1) saying stdout could not be written.
pub fn print_stdout(text: &str) -> Result<(), Failure> {
    write_stdout(&mut std::io::stdout().lock(), |out| {
        out.write_all(text.as_bytes())
    })
    .map(drop)
}

/// Runs `write` on `out` (stdout) and flushes it: `None` when the pipe was closed (its reader
/// has gone, so the rest is dropped), a [`Failure::Remote`] for any other write error.
pub fn write_stdout<W: Write, T>(
    out: &mut W,
    write: impl FnOnce(&mut W) -> std::io::Result<T>,
) -> Result<Option<T>, Failure> {
    match write(out).and_then(|value| out.flush().map(|()| value)) {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
        Err(error) => Err(Failure::Remote(format!(
            "cannot write the output to stdout: {error}"
        ))),
    }
}

/// Writes `value` to stdout as pretty JSON and a line end, characters a terminal would act on
/// escaped ([`json_for_terminal`]; the value stays the same).
pub fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Remote(format!("cannot write the JSON: {}", describe(&e))))?;
    print_stdout(&format!("{}\n", json_for_terminal(&text)))
}

/// Characters valid JSON may hold raw inside a string that a terminal must not get: DEL, the C1
/// controls, the bidi embeddings, overrides and isolates, and the line and paragraph separators.
/// (JSON itself forbids the C0 controls raw.)
pub fn is_unsafe_in_json(c: char) -> bool {
    matches!(c,
        '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}'
        | '\u{2029}')
}

/// Valid JSON `text` with every character a terminal would act on written as a `\u` escape of
/// four hex digits (`\u202e`): the same JSON, since such characters can only be inside strings,
/// and never right after a backslash.
pub fn json_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.contains(is_unsafe_in_json) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        if is_unsafe_in_json(c) {
            escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Writes `text` to stderr, ignoring a closed pipe.
pub fn print_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Prints `error: MESSAGE` on stderr as one safe line of at most [`MAX_ERROR_CHARS`] characters.
pub fn print_error(message: &str) {
    let message = join_lines(message);
    print_stderr(&format!(
        "error: {}\n",
        safe_line(&message, MAX_ERROR_CHARS)
    ));
}

/// Prints `  DETAIL` on stderr, under an error: one safe line of at most [`MAX_ERROR_CHARS`]
/// characters.
pub fn print_detail(detail: &str) {
    print_stderr(&format!("  {}\n", safe_line(detail, MAX_ERROR_CHARS)));
}

/// The non-blank lines of a message on one line: `; ` between them, or a space after a line that
/// ends with `:` (a heading such as "does not match the schema:" followed by its list).
fn join_lines(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4 * MAX_ERROR_CHARS));
    for line in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // Enough to fill the line; the rest would be cut anyway.
        if out.len() > 4 * MAX_ERROR_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

/// `text` on one line for a terminal: control characters, line breaks and bidi overrides become
/// visible escapes (as [`terminal_safe`] does), and past `max_chars` characters it ends with `…`.
pub fn safe_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        let piece = terminal_safe(c.encode_utf8(&mut buffer));
        let len = piece.chars().count();
        if count + len > max_chars {
            out.push('…');
            break;
        }
        out.push_str(&piece);
        count += len;
    }
    out
}

/// An error and its causes, `error: cause: cause`, each part bounded. A cause whose text the
/// message already holds is left out, so an error that copies its source is not printed twice.
pub fn describe(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&safe_line(&text, MAX_CAUSE_CHARS));
        }
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with one error kind.
    struct Failing(std::io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(self.0))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn only_a_closed_pipe_is_ignored() {
        use std::io::ErrorKind;
        for (kind, ignored) in [
            (ErrorKind::BrokenPipe, true),
            (ErrorKind::StorageFull, false),
            (ErrorKind::Other, false),
            (ErrorKind::PermissionDenied, false),
        ] {
            let result = write_stdout(&mut Failing(kind), |out| out.write_all(b"x"));
            assert_eq!(result.is_ok(), ignored, "{kind:?}");
        }
    }

    #[test]
    fn safe_line_escapes_and_bounds() {
        assert_eq!(safe_line("a\nb\u{1b}[2J", 100), r"a\nb\u{1b}[2J");
        assert_eq!(safe_line("سلام 👋", 100), "سلام 👋");
        assert_eq!(safe_line("abcdef", 3), "abc…");
        // An escape is never cut in half.
        assert_eq!(safe_line("ab\u{1b}", 4), "ab…");
        let long = safe_line(&"\u{1b}".repeat(10_000), MAX_ERROR_CHARS);
        assert!(long.chars().count() <= MAX_ERROR_CHARS + 1);
    }

    #[test]
    fn join_lines_makes_one_line() {
        assert_eq!(
            join_lines("does not match the schema:\n/email: not a string\n\n/id: too big\n"),
            "does not match the schema: /email: not a string; /id: too big"
        );
        // A lone carriage return is not a line break: safe_line shows it.
        assert_eq!(join_lines("a\rb"), "a\rb");
        // A flood of lines stops early rather than building a huge string.
        assert!(join_lines(&"x\n".repeat(400_000)).len() < 5 * MAX_ERROR_CHARS);
    }

    #[derive(Debug)]
    struct Chain(&'static str, Option<Box<Chain>>);

    impl std::fmt::Display for Chain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Chain {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|c| c as _)
        }
    }

    #[test]
    fn describe_follows_the_chain_once() {
        let error = Chain(
            "network error",
            Some(Box::new(Chain(
                "connect failed",
                Some(Box::new(Chain("refused", None))),
            ))),
        );
        assert_eq!(describe(&error), "network error: connect failed: refused");
        // A message that already quotes its source does not repeat it.
        let copied = Chain(
            "network error: refused",
            Some(Box::new(Chain("refused", None))),
        );
        assert_eq!(describe(&copied), "network error: refused");
    }
}
