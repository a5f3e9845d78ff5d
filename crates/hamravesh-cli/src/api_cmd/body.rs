//! Printing an answer: the status line and headers (`--include`), and the body: JSON
//! pretty-printed with its keys in the order sent and its numbers exact, other text made safe for
//! a terminal, the exact bytes with `--raw`, and nothing binary dumped on a terminal.

use std::io::{self, Write};

use hamravesh::header::HeaderMap;
use hamravesh::text::terminal_safe;
use hamravesh::{StatusCode, Version};

use crate::output::{is_unsafe_in_json, json_for_terminal, safe_line};

/// The longest header value printed, in characters (then `…`).
const MAX_HEADER_CHARS: usize = 8 * 1024;

/// What to write where, for the body of one answer.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// `--raw`: the body's bytes exactly.
    pub raw: bool,
    /// Whether stdout is a terminal (binary and escape sequences are then not written raw).
    pub terminal: bool,
}

/// The status line and the headers, each value made safe and bounded, then a blank line.
pub fn head(version: Version, status: StatusCode, headers: &HeaderMap) -> String {
    let mut out = format!("{version:?} {status}\n");
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        out.push_str(name.as_str());
        out.push_str(": ");
        out.push_str(&safe_line(&value, MAX_HEADER_CHARS));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Writes the body to `out` as `style` says; returns a note for stderr when the body was not
/// written (binary data for a terminal).
pub fn write_body(out: &mut impl Write, bytes: &[u8], style: Style) -> io::Result<Option<String>> {
    if bytes.is_empty() {
        return Ok(None);
    }
    if style.raw {
        if style.terminal && !is_terminal_text(bytes) {
            return Ok(Some(not_for_terminal(bytes.len())));
        }
        out.write_all(bytes)?;
        return Ok(None);
    }
    // Checked without building a tree: a body costs about its size.
    if serde_json::from_slice::<&serde_json::value::RawValue>(bytes).is_ok() {
        // Valid JSON is UTF-8.
        let text = String::from_utf8_lossy(bytes);
        pretty_json(out, &text)?;
        out.write_all(b"\n")?;
        return Ok(None);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            for (index, line) in text.split('\n').enumerate() {
                if index > 0 {
                    out.write_all(b"\n")?;
                }
                write_safe_line(out, line)?;
            }
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
            Ok(None)
        }
        Err(_) if style.terminal => Ok(Some(not_for_terminal(bytes.len()))),
        Err(_) => {
            out.write_all(bytes)?;
            Ok(None)
        }
    }
}

/// The note for a body kept off a terminal.
fn not_for_terminal(len: usize) -> String {
    format!(
        "the body ({len} bytes) is binary or holds terminal control sequences, so it is not written to the terminal; redirect stdout to a file (with --raw for the exact bytes)"
    )
}

/// Whether `bytes` are UTF-8 text with no character a terminal would act on: only line feeds
/// and tabs among the control characters, and no bidi override.
fn is_terminal_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        text.chars()
            .all(|c| matches!(c, '\n' | '\t') || !is_unsafe_in_json(c) && !c.is_control())
    })
}

/// A line of text with tabs kept and every other unsafe character escaped.
fn write_safe_line(out: &mut impl Write, line: &str) -> io::Result<()> {
    for (index, part) in line.split('\t').enumerate() {
        if index > 0 {
            out.write_all(b"\t")?;
        }
        out.write_all(terminal_safe(part).as_bytes())?;
    }
    Ok(())
}

/// The most indentation pretty-printing may add, as a multiple of the body's size (plus 64 KiB):
/// indentation grows with the square of the nesting, so a 4 MiB body of 2 million nested
/// brackets would print terabytes. A body past it is written as sent.
const MAX_INDENT_RATIO: usize = 16;

/// Writes valid JSON `text` indented by two spaces (`jsonxf`), byte for byte otherwise: keys stay
/// in the order sent (a repeated key stays visible), numbers exact; nested too deep to indent
/// ([`MAX_INDENT_RATIO`]), it is written as sent. Characters a terminal would act on are written
/// as `\u` escapes ([`json_for_terminal`]), which mean the same JSON.
pub fn pretty_json(out: &mut impl Write, text: &str) -> io::Result<()> {
    let escaped = json_for_terminal(text);
    let allowed = escaped
        .len()
        .saturating_mul(MAX_INDENT_RATIO)
        .saturating_add(64 * 1024);
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    if indentation(&escaped) > allowed {
        out.write_all(escaped.as_bytes())?;
    } else {
        jsonxf::Formatter::pretty_printer().format_buf(escaped.as_bytes(), &mut out)?;
    }
    out.flush()
}

/// About how many bytes of indentation pretty-printing adds to valid JSON `text`: each bracket
/// and comma outside strings starts a line indented two spaces a level.
fn indentation(text: &str) -> usize {
    let (mut depth, mut added) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' => {}
            _ => continue,
        }
        added = added.saturating_add(2 * depth + 1);
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(text: &str) -> String {
        let mut out = Vec::new();
        pretty_json(&mut out, text).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn json_is_indented_in_the_order_sent_with_exact_numbers() {
        assert_eq!(
            pretty(r#"{"z":1,"a":[1.0, 2e400 ,{}],"e":{ },"s":"a, b: [c] \" {"}"#),
            "{\n  \"z\": 1,\n  \"a\": [\n    1.0,\n    2e400,\n    {}\n  ],\n  \"e\": {},\n  \"s\": \"a, b: [c] \\\" {\"\n}"
        );
        assert_eq!(pretty("[]"), "[]");
        assert_eq!(pretty(" 5 "), "5");
        assert_eq!(
            pretty(r#"{"k":"v","k":"w"}"#),
            "{\n  \"k\": \"v\",\n  \"k\": \"w\"\n}"
        );
    }

    #[test]
    fn characters_a_terminal_acts_on_are_escaped_inside_strings() {
        let text = "{\"t\":\"a\u{202e}b\u{7f}c\u{9b}d\u{2028}\",\"ok\":\"سلام \\u001b\"}";
        let out = pretty(text);
        assert_eq!(
            out,
            "{\n  \"t\": \"a\\u202eb\\u007fc\\u009bd\\u2028\",\n  \"ok\": \"سلام \\u001b\"\n}"
        );
        // The same JSON value.
        let before: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let after: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(before, after);
    }

    #[test]
    fn bodies_are_written_by_kind() {
        let run = |bytes: &[u8], raw: bool, terminal: bool| {
            let mut out = Vec::new();
            let note = write_body(&mut out, bytes, Style { raw, terminal })
                .unwrap_or_else(|e| panic!("{e}"));
            (String::from_utf8_lossy(&out).into_owned(), note.is_some())
        };
        // Text: each line made safe, tabs and line breaks kept.
        assert_eq!(
            run(b"<p>a\tb\r\n\x1b]0;owned\x07</p>", false, true),
            ("<p>a\tb\\r\n\\u{1b}]0;owned\\u{7}</p>\n".to_owned(), false)
        );
        // Binary: kept off a terminal, written to a pipe.
        assert_eq!(run(b"\x89PNG\xff", false, true), (String::new(), true));
        assert!(!run(b"\x89PNG\xff", false, false).1);
        // --raw: exact, unless a terminal would act on it.
        assert_eq!(
            run(b"{\"a\": 1}", true, true),
            ("{\"a\": 1}".to_owned(), false)
        );
        assert_eq!(run(b"\x1b[2J", true, true), (String::new(), true));
        assert_eq!(
            run("a\u{202e}b".as_bytes(), true, true),
            (String::new(), true)
        );
        assert_eq!(run(b"\x1b[2J", true, false), ("\x1b[2J".to_owned(), false));
        assert_eq!(run(b"", false, true), (String::new(), false));
    }

    #[test]
    fn headers_are_made_safe() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-evil",
            hamravesh::header::HeaderValue::from_bytes(b"a\xc2\x9b2J\xe2\x80\xaeb")
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let text = head(Version::HTTP_11, StatusCode::OK, &headers);
        assert_eq!(text, "HTTP/1.1 200 OK\nx-evil: a\\u{9b}2J\\u{202e}b\n\n");
    }
}
