//! Making untrusted text (from a server, a payload or a file name) safe to print on a terminal.
//!
//! A server that controls a `detail` or a `full_name` could otherwise send escape sequences that
//! set the window title, clear the screen or reorder what the user reads. Control characters
//! (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates are replaced by visible
//! escapes such as `\u{1b}`; everything else, Persian text (with its zero-width non-joiner) and
//! emoji included, is kept as it is. JSON output is not passed through here: JSON escapes
//! control characters itself and must stay exact. The client re-exports this module as
//! `hamravesh::text`; [`crate::DecodeError`]'s `Display` uses it, since a path can quote a key
//! the server chose.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        // Line and paragraph separators break lines on some terminals.
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every control character and bidi override replaced by a visible escape
/// (`\n`, `\t`, `\r`, or `\u{…}`); borrowed unchanged when nothing needs replacing.
///
/// ```
/// use hamravesh_types::text::terminal_safe;
/// assert_eq!(terminal_safe("\u{1b}]0;owned\u{7}"), r"\u{1b}]0;owned\u{7}");
/// assert_eq!(terminal_safe("سلام دنیا 👋"), "سلام دنیا 👋");
/// ```
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_safe(&mut safe, c);
    }
    Cow::Owned(safe)
}

fn push_safe(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) => out.push_str(&c.escape_unicode().to_string()),
        c => out.push(c),
    }
}

/// `text` on one line and at most `max_chars` characters (then `…`): runs of whitespace become
/// one space and the rest is made [`terminal_safe`]. For quoting server text in an error message.
///
/// ```
/// use hamravesh_types::text::one_line;
/// assert_eq!(one_line("a\n\n  b", 10), "a b");
/// assert_eq!(one_line("abcdef", 3), "abc…");
/// ```
pub fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = count > 0;
            continue;
        }
        // The cap counts what is printed: an escape such as `\u{1b}` is six characters.
        let width = match c {
            c if is_unsafe(c) => c.escape_unicode().count(),
            _ => 1,
        };
        let needed = usize::from(pending_space) + width;
        if count + needed > max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        push_safe(&mut out, c);
        count += needed;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_kind_of_control() {
        for (input, expected) in [
            ("\u{1b}[2J", r"\u{1b}[2J"),
            ("a\u{7f}b", r"a\u{7f}b"),
            ("\u{9b}31m", r"\u{9b}31m"),
            ("abc\u{202e}fdp.exe", r"abc\u{202e}fdp.exe"),
            ("\u{2066}x\u{2069}", r"\u{2066}x\u{2069}"),
            ("line\nnext\r\tend", r"line\nnext\r\tend"),
            ("\u{0}", r"\u{0}"),
        ] {
            assert_eq!(terminal_safe(input), expected, "{input:?}");
        }
    }

    #[test]
    fn keeps_persian_and_emoji() {
        // Zero-width non-joiner (U+200C) is part of ordinary Persian spelling.
        for text in ["می‌خواهم", "حساب کاربری", "👩‍💻 ok", "Ünïcödé"]
        {
            assert!(matches!(terminal_safe(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn one_line_caps_length_and_lines() {
        let text = "x\n".repeat(400_000);
        let line = one_line(&text, 300);
        assert!(!line.contains('\n'));
        assert!(line.chars().count() <= 301, "{}", line.chars().count());
        assert!(line.ends_with('…'));
        assert_eq!(one_line("  lead and trail  ", 100), "lead and trail");
        assert_eq!(one_line("\u{1b}[2J", 100), r"\u{1b}[2J");
        // Escapes count as the characters they print.
        let escapes = one_line(&"\u{1b}".repeat(1000), 300);
        assert!(
            escapes.chars().count() <= 301,
            "{}",
            escapes.chars().count()
        );
        assert_eq!(one_line("\u{1b}x", 6), r"\u{1b}…");
    }
}
