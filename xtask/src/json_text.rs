//! Edits to JSON text that keep every other byte as it is.
//!
//! The schemas are hand-kept files: 2-space indents, keys in a chosen order, and the operation
//! list's one-line parameters. serde_json without `preserve_order` (which this workspace does not
//! enable, and which would change every crate's maps if it did) sorts keys, so re-serialising
//! would rewrite whole files. Instead each edit inserts, removes or replaces one member or
//! element by byte range, in the layout its neighbours already have.

use serde_json::Value;

/// A value to write: plain JSON, or an object whose keys keep the order given.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// Any value; an object in it is written with its keys sorted.
    Plain(Value),
    /// An object, keys in this order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// An ordered object from `(key, value)` pairs.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// As serde_json's pretty printer writes it (2-space indents), continuation lines indented
    /// by `indent` more.
    fn pretty(&self, indent: usize) -> String {
        match self {
            Json::Plain(value) => {
                let text = serde_json::to_string_pretty(value).unwrap_or_default();
                text.replace('\n', &format!("\n{}", " ".repeat(indent)))
            }
            Json::Object(members) if members.is_empty() => "{}".to_owned(),
            Json::Object(members) => {
                let inner = " ".repeat(indent + 2);
                let body: Vec<String> = members
                    .iter()
                    .map(|(key, value)| {
                        format!("{inner}{}: {}", quote(key), value.pretty(indent + 2))
                    })
                    .collect();
                format!("{{\n{}\n{}}}", body.join(",\n"), " ".repeat(indent))
            }
        }
    }

    /// On one line, `{"a": 1, "b": [2, 3]}`, as the operation list writes its parameters.
    fn inline(&self) -> String {
        match self {
            Json::Plain(Value::Array(items)) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|v| Json::Plain(v.clone()).inline())
                    .collect();
                format!("[{}]", items.join(", "))
            }
            Json::Plain(Value::Object(map)) => Json::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Json::Plain(v.clone())))
                    .collect(),
            )
            .inline(),
            Json::Plain(value) => value.to_string(),
            Json::Object(members) => {
                let body: Vec<String> = members
                    .iter()
                    .map(|(key, value)| format!("{}: {}", quote(key), value.inline()))
                    .collect();
                format!("{{{}}}", body.join(", "))
            }
        }
    }
}

fn quote(key: &str) -> String {
    Value::String(key.to_owned()).to_string()
}

/// How a new element is written: pretty (over lines, like the schemas) or on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Over several lines, indented like its neighbours.
    Pretty,
    /// On one line.
    Inline,
}

/// A value's byte range and, for containers, its members.
struct Node {
    start: usize,
    end: usize,
    kind: NodeKind,
}

enum NodeKind {
    /// Members with the byte offset of each key's opening quote.
    Object(Vec<(String, usize, Node)>),
    Array(Vec<Node>),
    Scalar,
}

/// The value at `pointer` (RFC 6901) in `text`.
fn find(text: &str, pointer: &str) -> Result<Node, String> {
    let mut node = Parser::new(text).document()?;
    if pointer.is_empty() {
        return Ok(node);
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!("{pointer:?} is not a JSON Pointer"));
    };
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        node = match node.kind {
            NodeKind::Object(members) => members
                .into_iter()
                .find(|(key, ..)| *key == token)
                .map(|(.., n)| n),
            NodeKind::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| items.into_iter().nth(i)),
            NodeKind::Scalar => None,
        }
        .ok_or_else(|| format!("nothing at {pointer}"))?;
    }
    Ok(node)
}

/// The indentation of the line that holds byte `at`.
fn line_indent(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..].chars().take_while(|c| *c == ' ').count()
}

/// The separator before an element starting at `at` whose predecessor ends at `previous_end`:
/// `,\n` and the line's indent when it starts its own line, `, ` otherwise.
fn separator(text: &str, previous_end: usize, at: usize) -> String {
    if text[previous_end..at].contains('\n') {
        format!(",\n{}", " ".repeat(line_indent(text, at)))
    } else {
        ", ".to_owned()
    }
}

fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    format!("{}{with}{}", &text[..start], &text[end..])
}

/// Inserts the member `key: value` into the object at `object`: before the member `before` when
/// it has one, else last. An empty object is opened over lines.
pub fn insert_member(
    text: &str,
    object: &str,
    key: &str,
    value: &Json,
    before: Option<&str>,
) -> Result<String, String> {
    let node = find(text, object)?;
    let NodeKind::Object(members) = &node.kind else {
        return Err(format!("{object} is not an object"));
    };
    if members.iter().any(|(k, ..)| k == key) {
        return Err(format!("{object} already has {key:?}"));
    }
    let written = |indent: usize| format!("{}: {}", quote(key), value.pretty(indent));
    let position = before.and_then(|b| members.iter().position(|(k, ..)| k == b));
    Ok(match (position, members.last()) {
        (Some(index), _) => {
            let at = members[index].1;
            let sep = match index.checked_sub(1) {
                Some(previous) => separator(text, members[previous].2.end, at),
                None => separator(text, node.start + 1, at),
            };
            splice(
                text,
                at,
                at,
                &format!("{}{sep}", written(line_indent(text, at)).trim_start()),
            )
        }
        (None, Some((_, key_at, last))) => {
            let previous_end = members
                .len()
                .checked_sub(2)
                .map_or(node.start + 1, |i| members[i].2.end);
            let sep = separator(text, previous_end, *key_at);
            splice(
                text,
                last.end,
                last.end,
                &format!("{sep}{}", written(line_indent(text, *key_at))),
            )
        }
        (None, None) => {
            let outer = line_indent(text, node.start);
            let inner = outer + 2;
            let member = format!(
                "\n{}{}\n{}",
                " ".repeat(inner),
                written(inner),
                " ".repeat(outer)
            );
            splice(text, node.start + 1, node.end - 1, &member)
        }
    })
}

/// Removes the member `key` of the object at `object`, with the separator beside it.
pub fn remove_member(text: &str, object: &str, key: &str) -> Result<String, String> {
    let node = find(text, object)?;
    let NodeKind::Object(members) = &node.kind else {
        return Err(format!("{object} is not an object"));
    };
    let index = members
        .iter()
        .position(|(k, ..)| k == key)
        .ok_or_else(|| format!("{object} has no {key:?}"))?;
    let spans: Vec<(usize, usize)> = members.iter().map(|(_, at, n)| (*at, n.end)).collect();
    Ok(remove(text, &node, &spans, index))
}

/// Removes element `index` of the array at `array`, with the separator beside it.
pub fn remove_element(text: &str, array: &str, index: usize) -> Result<String, String> {
    let node = find(text, array)?;
    let NodeKind::Array(items) = &node.kind else {
        return Err(format!("{array} is not an array"));
    };
    if index >= items.len() {
        return Err(format!("{array} has no element {index}"));
    }
    let spans: Vec<(usize, usize)> = items.iter().map(|n| (n.start, n.end)).collect();
    Ok(remove(text, &node, &spans, index))
}

fn remove(text: &str, container: &Node, spans: &[(usize, usize)], index: usize) -> String {
    match (spans.len(), index) {
        (1, _) => splice(text, container.start + 1, container.end - 1, ""),
        (_, 0) => splice(text, spans[0].0, spans[1].0, ""),
        _ => splice(text, spans[index - 1].1, spans[index].1, ""),
    }
}

/// Appends `value` to the array at `array`, laid out like its last element (an empty array is
/// opened over lines); the element itself is written in `layout`.
pub fn push_element(
    text: &str,
    array: &str,
    value: &Json,
    layout: Layout,
) -> Result<String, String> {
    let node = find(text, array)?;
    let NodeKind::Array(items) = &node.kind else {
        return Err(format!("{array} is not an array"));
    };
    let written = |indent: usize| match layout {
        Layout::Pretty => value.pretty(indent),
        Layout::Inline => value.inline(),
    };
    Ok(match items.last() {
        Some(last) => {
            let previous_end = items
                .len()
                .checked_sub(2)
                .map_or(node.start + 1, |i| items[i].end);
            let sep = separator(text, previous_end, last.start);
            splice(
                text,
                last.end,
                last.end,
                &format!("{sep}{}", written(line_indent(text, last.start))),
            )
        }
        None => {
            let outer = line_indent(text, node.start);
            let inner = outer + 2;
            let element = format!(
                "\n{}{}\n{}",
                " ".repeat(inner),
                written(inner),
                " ".repeat(outer)
            );
            splice(text, node.start + 1, node.end - 1, &element)
        }
    })
}

/// Replaces the value at `pointer` with `value`, written pretty at its line's indent.
pub fn replace_value(
    text: &str,
    pointer: &str,
    value: &Json,
    layout: Layout,
) -> Result<String, String> {
    let node = find(text, pointer)?;
    let written = match layout {
        Layout::Pretty => value.pretty(line_indent(text, node.start)),
        Layout::Inline => value.inline(),
    };
    Ok(splice(text, node.start, node.end, &written))
}

/// Just enough of a JSON reader to know where each value starts and ends. The text has been
/// read by serde_json first, so errors here only guard against misuse.
struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            at: 0,
            depth: 0,
        }
    }

    fn document(&mut self) -> Result<Node, String> {
        serde_json::from_str::<serde::de::IgnoredAny>(self.text)
            .map_err(|e| format!("not JSON: {e}"))?;
        self.value()
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected {:?} at byte {}", byte as char, self.at))
        }
    }

    fn value(&mut self) -> Result<Node, String> {
        self.skip_space();
        let start = self.at;
        self.depth += 1;
        if self.depth > 128 {
            return Err("nested deeper than 128 levels".to_owned());
        }
        let kind = match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.skip_space();
                if self.peek() != Some(b'}') {
                    loop {
                        self.skip_space();
                        let key_at = self.at;
                        let key = self.string()?;
                        self.expect(b':')?;
                        members.push((key, key_at, self.value()?));
                        self.skip_space();
                        if self.peek() != Some(b',') {
                            break;
                        }
                        self.at += 1;
                    }
                }
                self.expect(b'}')?;
                NodeKind::Object(members)
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek() != Some(b']') {
                    loop {
                        items.push(self.value()?);
                        self.skip_space();
                        if self.peek() != Some(b',') {
                            break;
                        }
                        self.at += 1;
                    }
                }
                self.expect(b']')?;
                NodeKind::Array(items)
            }
            Some(b'"') => {
                self.string()?;
                NodeKind::Scalar
            }
            _ => {
                let rest = &self.text[self.at..];
                let len = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
                    .unwrap_or(rest.len());
                self.at += len;
                NodeKind::Scalar
            }
        };
        self.depth -= 1;
        Ok(Node {
            start,
            end: self.at,
            kind,
        })
    }

    /// A string at the cursor, unescaped.
    fn string(&mut self) -> Result<String, String> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        if bytes.get(start) != Some(&b'"') {
            return Err(format!("expected a string at byte {start}"));
        }
        let mut at = start + 1;
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'\\' => at += 2,
                b'"' => break,
                _ => at += 1,
            }
        }
        self.at = at + 1;
        serde_json::from_str(self.text.get(start..self.at).unwrap_or_default())
            .map_err(|e| format!("a string at byte {start}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PRETTY: &str = "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n";

    #[test]
    fn each_edit_touches_only_its_member_or_element() {
        let plain = |v| Json::Plain(v);
        for (what, edited, expected) in [
            (
                "append a member",
                insert_member(PRETTY, "/a", "z", &plain(json!(["p", "q"])), None),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ],\n    \"z\": [\n      \"p\",\n      \"q\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
            (
                "insert before the first member",
                insert_member(PRETTY, "/a", "w", &plain(json!(0)), Some("x")),
                "{\n  \"a\": {\n    \"w\": 0,\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
            (
                "open an empty object",
                insert_member(
                    PRETTY,
                    "/e",
                    "k",
                    &Json::object([("t", plain(json!("string")))]),
                    None,
                ),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {\n    \"k\": {\n      \"t\": \"string\"\n    }\n  },\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
            (
                "remove the first member",
                remove_member(PRETTY, "/a", "x"),
                "{\n  \"a\": {\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
            (
                "remove the last member",
                remove_member(PRETTY, "", "l"),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {}\n}\n",
            ),
            (
                "remove the only element",
                remove_element(PRETTY, "/a/y", 0),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": []\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
            (
                "push an inline element",
                push_element(
                    PRETTY,
                    "/l",
                    &Json::object([("n", plain(json!(3)))]),
                    Layout::Inline,
                ),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}, {\"n\": 3}]\n}\n",
            ),
            (
                "push onto a pretty array",
                push_element(PRETTY, "/a/y", &plain(json!("t")), Layout::Pretty),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\",\n      \"t\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
            (
                "replace a value",
                replace_value(
                    PRETTY,
                    "/a/x",
                    &plain(json!(["integer", "null"])),
                    Layout::Pretty,
                ),
                "{\n  \"a\": {\n    \"x\": [\n      \"integer\",\n      \"null\"\n    ],\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [{\"n\": 1}, {\"n\": 2}]\n}\n",
            ),
        ] {
            assert_eq!(edited.as_deref(), Ok(expected), "{what}");
        }
    }

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        assert!(insert_member(PRETTY, "/a/x", "k", &Json::Plain(json!(1)), None).is_err());
        assert!(insert_member(PRETTY, "/a", "x", &Json::Plain(json!(1)), None).is_err());
        assert!(remove_member(PRETTY, "/nowhere", "x").is_err());
        assert!(remove_element(PRETTY, "/a/y", 3).is_err());
        assert!(remove_member("{\"a\": ", "", "a").is_err());
    }
}
