//! A forgiving reader for the example JSON on the docs page, which is not always valid JSON.
//!
//! Two slips are read rather than refused, because the pages make them:
//! - a key with no value (`"name": ,`) is kept as [`Example::Missing`];
//! - a number-like token that JSON does not allow (`"slug": 000`: a leading zero) is kept as
//!   [`Example::NotJson`] with its text, so a report can show it as what it is.
//!
//! Neither tells a type, so both read as the blank doc-type `""`, the same as a blank type cell: a
//! schema that departs from the page there records `"x-doc-type": ""`. Anything else that is not
//! JSON is an error with its byte offset.

/// A value as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Example {
    /// The key is there, the value is not (`"name": ,`).
    Missing,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number without fraction or exponent.
    Integer,
    /// A number with a fraction or exponent.
    Number,
    /// A token shaped like a number that is not valid JSON (`000`, `1.`, `-`), as written.
    NotJson(String),
    /// A string.
    String,
    /// An array of examples.
    List(Vec<Example>),
    /// An object, keys in page order.
    Dict(Vec<(String, Example)>),
}

impl Example {
    /// The page's type for this value, in the vocabulary `x-doc-type` markers use.
    pub fn doc_type(&self) -> &'static str {
        match self {
            Example::Missing | Example::NotJson(_) => "",
            Example::Null => "null",
            Example::Bool => "boolean",
            Example::Integer => "integer",
            Example::Number => "number",
            Example::String => "string",
            Example::List(_) => "list",
            Example::Dict(_) => "dict",
        }
    }

    /// What the page shows, for a report, where the doc-type alone would hide it: a value that
    /// is not JSON is shown as written.
    pub fn note(&self) -> Option<String> {
        match self {
            Example::NotJson(text) => Some(format!("`{text}`, which is not a JSON number")),
            _ => None,
        }
    }
}

/// Parses `text`; errors say what was expected and at which byte.
pub fn parse(text: &str) -> Result<Example, String> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = parser
        .value()?
        .ok_or_else(|| "the example holds no value".to_owned())?;
    parser.skip_space();
    if parser.at < parser.bytes.len() {
        return Err(format!(
            "unexpected text after the example at byte {}",
            parser.at
        ));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Open objects and arrays: bounded, so a hostile page cannot overflow the stack.
    depth: usize,
}

/// Deeper than any example a docs page shows.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected `{}` at byte {}", byte as char, self.at))
        }
    }

    /// A value, or `None` where one is missing (the next token ends the container or the entry).
    fn value(&mut self) -> Result<Option<Example>, String> {
        match self.peek() {
            None | Some(b',' | b'}' | b']') => Ok(None),
            Some(b'{' | b'[') if self.depth >= MAX_DEPTH => Err(format!(
                "the example nests deeper than {MAX_DEPTH} levels at byte {}",
                self.at
            )),
            Some(b'{') => self.nested(Self::dict).map(Some),
            Some(b'[') => self.nested(Self::list).map(Some),
            Some(b'"') => self.string().map(|_| Some(Example::String)),
            Some(b't') => self.word("true", Example::Bool),
            Some(b'f') => self.word("false", Example::Bool),
            Some(b'n') => self.word("null", Example::Null),
            Some(b'-' | b'0'..=b'9') => Ok(Some(self.number())),
            Some(other) => Err(format!(
                "unexpected `{}` at byte {}",
                other as char, self.at
            )),
        }
    }

    fn nested(
        &mut self,
        read: fn(&mut Self) -> Result<Example, String>,
    ) -> Result<Example, String> {
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn word(&mut self, word: &str, value: Example) -> Result<Option<Example>, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(Some(value))
        } else {
            Err(format!("unexpected word at byte {}", self.at))
        }
    }

    fn number(&mut self) -> Example {
        let start = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| b.is_ascii_digit() || b"+-.eE".contains(b))
        {
            self.at += 1;
        }
        let text = &self.bytes[start..self.at];
        if !is_json_number(text) {
            Example::NotJson(String::from_utf8_lossy(text).into_owned())
        } else if text.iter().any(|b| b".eE".contains(b)) {
            Example::Number
        } else {
            Example::Integer
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let start = self.at;
        let mut escaped = false;
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    return Ok(
                        String::from_utf8_lossy(&self.bytes[start..self.at - 1]).into_owned()
                    );
                }
                _ => {}
            }
        }
        Err(format!("unterminated string starting at byte {start}"))
    }

    fn dict(&mut self) -> Result<Example, String> {
        self.expect(b'{')?;
        let mut entries = Vec::new();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Example::Dict(entries));
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.value()?.unwrap_or(Example::Missing);
            entries.push((key, value));
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    // A trailing comma before `}` is forgiven too.
                    if self.peek() == Some(b'}') {
                        self.at += 1;
                        return Ok(Example::Dict(entries));
                    }
                }
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Example::Dict(entries));
                }
                _ => return Err(format!("expected `,` or `}}` at byte {}", self.at)),
            }
        }
    }

    fn list(&mut self) -> Result<Example, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        loop {
            match self.value()? {
                Some(item) => items.push(item),
                None if self.peek() == Some(b']') => {}
                None => return Err(format!("missing list item at byte {}", self.at)),
            }
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Example::List(items));
                }
                _ => return Err(format!("expected `,` or `]` at byte {}", self.at)),
            }
        }
    }
}

/// Whether `text` is a number by JSON's grammar: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)?
/// ([eE] [+-]? [0-9]+)?
fn is_json_number(text: &[u8]) -> bool {
    let digits = |at: &mut usize| {
        let start = *at;
        while text.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > start
    };
    let mut at = 0;
    if text.get(at) == Some(&b'-') {
        at += 1;
    }
    match text.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => {
            digits(&mut at);
        }
        _ => return false,
    }
    if text.get(at) == Some(&b'.') {
        at += 1;
        if !digits(&mut at) {
            return false;
        }
    }
    if matches!(text.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(text.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if !digits(&mut at) {
            return false;
        }
    }
    at == text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_are_kept() {
        let example = parse("{\"id\": 1, \"name\": ,\n \"owner\": {\"creation_time\":\n }, \"b\": 1.0, \"l\": [\"x\"]}").unwrap();
        let Example::Dict(entries) = example else {
            panic!()
        };
        let types: Vec<(&str, &str)> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.doc_type()))
            .collect();
        assert_eq!(
            types,
            [
                ("id", "integer"),
                ("name", ""),
                ("owner", "dict"),
                ("b", "number"),
                ("l", "list")
            ]
        );
        assert_eq!(
            entries[2].1,
            Example::Dict(vec![("creation_time".into(), Example::Missing)])
        );
    }

    #[test]
    fn garbage_is_an_error_with_a_position() {
        assert_eq!(parse("{\"a\" 1}").unwrap_err(), "expected `:` at byte 5");
        assert!(
            parse("{\"a\": \"x")
                .unwrap_err()
                .starts_with("unterminated string")
        );
    }

    #[test]
    fn a_number_json_refuses_is_kept_as_written_and_reads_blank() {
        let Example::Dict(entries) =
            parse("{\"slug\": 000, \"a\": 0, \"b\": -1.5e3, \"c\": 1.}").unwrap()
        else {
            panic!()
        };
        assert_eq!(entries[0].1, Example::NotJson("000".into()));
        assert_eq!(entries[0].1.doc_type(), "");
        assert_eq!(
            entries[0].1.note().as_deref(),
            Some("`000`, which is not a JSON number")
        );
        assert_eq!(entries[1].1, Example::Integer);
        assert_eq!(entries[2].1, Example::Number);
        assert_eq!(entries[3].1, Example::NotJson("1.".into()));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).unwrap_err().contains("deeper than 64"));
        let fine = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn json_number_grammar() {
        for good in ["0", "-0", "7", "120", "1.5", "1e5", "1E+5", "-2.0e-3"] {
            assert!(is_json_number(good.as_bytes()), "{good}");
        }
        for bad in ["000", "01", "-", "1.", ".5", "+1", "1e", "1-2", "--1"] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }
}
