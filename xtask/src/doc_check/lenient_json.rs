//! A forgiving reader for the example JSON on the docs page, which is not always valid JSON
//! (`"name": ,`): a key with no value is kept as [`Example::Missing`] instead of failing.

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
            Example::Missing => "",
            Example::Null => "null",
            Example::Bool => "boolean",
            Example::Integer => "integer",
            Example::Number => "number",
            Example::String => "string",
            Example::List(_) => "list",
            Example::Dict(_) => "dict",
        }
    }
}

/// Parses `text`; errors say what was expected and at which byte.
pub fn parse(text: &str) -> Result<Example, String> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        at: 0,
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
}

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
            Some(b'{') => self.dict().map(Some),
            Some(b'[') => self.list().map(Some),
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
        if text.iter().any(|b| b".eE".contains(b)) {
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
}
