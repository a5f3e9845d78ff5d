//! Reading response bodies: a size cap enforced while reading, and parsing of error bodies.

use crate::error::{ApiErrorBody, FieldError, FieldErrors, NON_FIELD_ERRORS};

/// How deep nested validation errors are followed (`a.b[0].c`…); deeper bodies are kept as JSON.
const MAX_FIELD_DEPTH: usize = 16;

/// Reads the body chunk by chunk, failing as soon as it grows past `limit` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ReadError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ReadError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why a body could not be read.
pub(crate) enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Parses the body of an error status: for a `400`, Django REST framework's validation errors
/// when the body has their shape; otherwise as [`parse_error_body`] does.
pub(crate) fn parse_error_body_for(status: reqwest::StatusCode, bytes: &[u8]) -> ApiErrorBody {
    if status == reqwest::StatusCode::BAD_REQUEST
        && let Some(fields) = field_errors(bytes)
    {
        return ApiErrorBody::Fields(fields);
    }
    parse_error_body(bytes)
}

/// Reads DRF's validation envelope straight from the bytes, without building a JSON tree: an
/// object mapping each field to a list of messages (or a message, or the same shape nested for
/// a nested serializer or a list of them), or a bare list of messages (a view's own
/// `ValidationError`), which is filed under `non_field_errors`. `None` for anything else
/// (the service's own `{"detail": …}` envelope included), which is then parsed as other JSON.
///
/// What is kept is bounded whatever the body: at most [`MAX_FIELD_ERRORS`] fields (the rest
/// only counted), paths of at most [`MAX_PATH_CHARS`] characters built in one reused buffer,
/// at most [`MAX_MESSAGES`] messages per field of at most [`MAX_MESSAGE_BYTES`] bytes each.
fn field_errors(bytes: &[u8]) -> Option<FieldErrors> {
    use serde::de::DeserializeSeed;
    let mut collector = Collector::default();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    Top(&mut collector).deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    if collector.envelope || !collector.any_message {
        return None;
    }
    Some(FieldErrors::new(collector.fields, collector.omitted))
}

/// At most this many refused fields are kept; the rest are counted ([`FieldErrors::omitted`]).
pub(crate) const MAX_FIELD_ERRORS: usize = 100;
/// A field's path is cut to this many characters (and ends with `…` when cut).
pub(crate) const MAX_PATH_CHARS: usize = 200;
/// At most this many messages are kept per field.
pub(crate) const MAX_MESSAGES: usize = 20;
/// A message is cut to this many bytes (at a character boundary, ending with `…`).
pub(crate) const MAX_MESSAGE_BYTES: usize = 4096;

/// What the walk over a validation body keeps.
#[derive(Default)]
struct Collector {
    fields: Vec<FieldError>,
    /// Fields beyond [`MAX_FIELD_ERRORS`], counted only.
    omitted: usize,
    /// The path of the value being read; segments are appended and removed again, so one
    /// buffer serves every leaf.
    path: String,
    /// Characters in `path` (it is cut at [`MAX_PATH_CHARS`]).
    path_chars: usize,
    /// Whether any field had at least one message.
    any_message: bool,
    /// The top level held `"detail": "…"`: the service's envelope, not validation errors.
    envelope: bool,
    /// `non_field_errors` was kept (it is kept even past the cap, once).
    kept_non_field_errors: bool,
}

impl Collector {
    /// Appends `segment` to the path, cut at the cap; returns what to truncate back to.
    fn push(&mut self, separator: &str, segment: std::fmt::Arguments<'_>) -> (usize, usize) {
        use std::fmt::Write;
        let mark = (self.path.len(), self.path_chars);
        if self.path_chars >= MAX_PATH_CHARS {
            return mark;
        }
        if self.path_chars > 0 {
            self.path.push_str(separator);
            self.path_chars += separator.chars().count();
        }
        let mut capped = CappedPath { collector: self };
        let _ = capped.write_fmt(segment);
        mark
    }

    fn pop(&mut self, (len, chars): (usize, usize)) {
        self.path.truncate(len);
        self.path_chars = chars;
    }

    /// Whether the field at the current path would be kept: any field below the cap, and
    /// `non_field_errors` (about the request as a whole) once even past it.
    fn keeps_more(&self) -> bool {
        self.fields.len() < MAX_FIELD_ERRORS
            || (!self.kept_non_field_errors && self.path == NON_FIELD_ERRORS)
    }

    /// Records the field at the current path with these messages.
    fn leaf(&mut self, messages: Vec<String>, had_message: bool) {
        self.any_message |= had_message;
        if self.keeps_more() {
            self.kept_non_field_errors |= self.path == NON_FIELD_ERRORS;
            self.fields
                .push(FieldError::new(self.path.clone(), messages));
        } else {
            self.omitted += 1;
        }
    }
}

/// Writes into the collector's path up to [`MAX_PATH_CHARS`] characters, then `…` once.
struct CappedPath<'a> {
    collector: &'a mut Collector,
}

impl std::fmt::Write for CappedPath<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let c = &mut *self.collector;
        for ch in text.chars() {
            if c.path_chars >= MAX_PATH_CHARS {
                c.path.push('…');
                c.path_chars += 1;
                return Err(std::fmt::Error);
            }
            c.path.push(ch);
            c.path_chars += 1;
        }
        Ok(())
    }
}

/// A message as kept: cut to [`MAX_MESSAGE_BYTES`] at a character boundary.
fn kept_message(message: &str) -> String {
    if message.len() <= MAX_MESSAGE_BYTES {
        return message.to_owned();
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &message[..end])
}

/// The whole body: an object of fields, or a bare list filed under `non_field_errors`.
struct Top<'a>(&'a mut Collector);

impl<'de> serde::de::DeserializeSeed<'de> for Top<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Top<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("validation errors")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Node {
            c: self.0,
            depth: 0,
        }
        .visit_map(map)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let mark = self.0.push("", format_args!("{NON_FIELD_ERRORS}"));
        Node {
            c: self.0,
            depth: 1,
        }
        .visit_seq(seq)?;
        self.0.pop(mark);
        Ok(())
    }
}

/// The value at the collector's current path, `depth` levels down.
struct Node<'a> {
    c: &'a mut Collector,
    depth: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.depth > MAX_FIELD_DEPTH {
            return Err(serde::de::Error::custom("nested too deep"));
        }
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Node<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("messages or nested fields")
    }
    /// One message.
    fn visit_str<E: serde::de::Error>(self, message: &str) -> Result<(), E> {
        if self.depth == 1 && self.c.path == "detail" {
            self.c.envelope = true;
        }
        let messages = if self.c.keeps_more() {
            vec![kept_message(message)]
        } else {
            Vec::new()
        };
        self.c.leaf(messages, true);
        Ok(())
    }
    /// Nested fields; at the top level, the fields of the body (an empty body says nothing).
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut any = false;
        while let Some(mark) = map.next_key_seed(Key(self.c))? {
            any = true;
            map.next_value_seed(Node {
                c: self.c,
                depth: self.depth + 1,
            })?;
            self.c.pop(mark);
        }
        if self.depth == 0 && !any {
            return Err(serde::de::Error::custom("no fields"));
        }
        Ok(())
    }
    /// A list of messages, or a list serializer's errors: one object per item, `{}` for the
    /// items that passed. Both at once is not the envelope.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut messages = Vec::new();
        let (mut strings, mut objects) = (0usize, false);
        let mut index = 0usize;
        while let Some(item) = seq.next_element_seed(Item {
            c: self.c,
            depth: self.depth,
            index,
            messages: &mut messages,
        })? {
            match item {
                ItemKind::Message => strings += 1,
                ItemKind::Object => objects = true,
            }
            if strings > 0 && objects {
                return Err(serde::de::Error::custom("messages mixed with objects"));
            }
            index += 1;
        }
        if !objects {
            self.c.leaf(messages, strings > 0);
        }
        Ok(())
    }
}

/// A key: appended to the path (after a `.` below the top level).
struct Key<'a>(&'a mut Collector);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = (usize, usize);
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(usize, usize), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key<'_> {
    type Value = (usize, usize);
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<(usize, usize), E> {
        Ok(self.0.push(".", format_args!("{key}")))
    }
}

/// What an item of a list was.
enum ItemKind {
    Message,
    Object,
}

/// One item of a list: a message (kept in `messages` while the field may still be kept), or an
/// object of nested fields under `path[index]`.
struct Item<'a> {
    c: &'a mut Collector,
    depth: usize,
    index: usize,
    messages: &'a mut Vec<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Item<'_> {
    type Value = ItemKind;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<ItemKind, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Item<'_> {
    type Value = ItemKind;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a message or an object of fields")
    }
    fn visit_str<E: serde::de::Error>(self, message: &str) -> Result<ItemKind, E> {
        if self.c.keeps_more() && self.messages.len() < MAX_MESSAGES {
            self.messages.push(kept_message(message));
        }
        Ok(ItemKind::Message)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<ItemKind, A::Error> {
        let mark = self.c.push("", format_args!("[{}]", self.index));
        Node {
            c: self.c,
            depth: self.depth + 1,
        }
        .visit_map(map)?;
        self.c.pop(mark);
        Ok(ItemKind::Object)
    }
}

/// Parses an error body: the service's envelope, other JSON, or text. The whole body is kept;
/// only `Display` shortens it.
pub(crate) fn parse_error_body(bytes: &[u8]) -> ApiErrorBody {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return ApiErrorBody::Empty;
    }
    // A JSON tree costs far more than its text when the body is mostly tiny objects (each
    // `{"a":1}` becomes a map node of several hundred bytes): such a body is kept as text, so
    // an error body never costs more than a small multiple of its size.
    if tree_cost(bytes)
        > bytes
            .len()
            .saturating_mul(MAX_TREE_RATIO)
            .saturating_add(TREE_ALLOWANCE)
    {
        return ApiErrorBody::Text(String::from_utf8_lossy(bytes).into_owned());
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => match envelope(&value) {
            Some(body) => body,
            None => ApiErrorBody::Json(value),
        },
        Err(_) => ApiErrorBody::Text(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// How many times its size in bytes an error body may cost as a JSON tree (plus
/// [`TREE_ALLOWANCE`], so that small bodies are always parsed).
const MAX_TREE_RATIO: usize = 16;
/// What any error body may cost as a JSON tree beyond [`MAX_TREE_RATIO`] times its size.
const TREE_ALLOWANCE: usize = 64 * 1024;

/// An upper estimate of the memory a `serde_json::Value` of `bytes` takes: a map node per
/// object, a slot per element or entry, a heap string per string (every `"` counted, those
/// inside strings too, which only overestimates).
fn tree_cost(bytes: &[u8]) -> usize {
    bytes.iter().fold(bytes.len(), |cost, byte| {
        cost.saturating_add(match byte {
            b'{' => 640,
            b'[' | b',' | b':' => 32,
            b'"' => 24,
            _ => 0,
        })
    })
}

fn envelope(value: &serde_json::Value) -> Option<ApiErrorBody> {
    let object = value.as_object()?;
    let detail = object.get("detail")?.as_str()?.to_owned();
    let code = object
        .get("code")
        .and_then(|c| c.as_str())
        .map(str::to_owned);
    let success = object.get("success").and_then(serde_json::Value::as_bool);
    Some(ApiErrorBody::Envelope {
        detail,
        code,
        success,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_recognised() {
        let body = parse_error_body(
            br#"{"detail": "nope", "code": "permission_denied", "success": false}"#,
        );
        assert_eq!(
            body,
            ApiErrorBody::Envelope {
                detail: "nope".into(),
                code: Some("permission_denied".into()),
                success: Some(false)
            }
        );
    }

    #[test]
    fn other_json_is_kept() {
        let body = parse_error_body(br#"{"error": "x"}"#);
        assert!(matches!(body, ApiErrorBody::Json(_)));
    }

    #[test]
    fn html_is_kept_whole_and_shown_on_one_short_line() {
        let html = format!("<html>\n  <body>{}</body>\n</html>", "x".repeat(1000));
        let body = parse_error_body(html.as_bytes());
        assert_eq!(body, ApiErrorBody::Text(html));
        let shown = body.to_string();
        assert!(shown.starts_with("<html> <body>xxx"), "{shown}");
        assert_eq!(shown.chars().count(), crate::error::MAX_QUOTED_CHARS + 1);
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn huge_json_is_shown_short_without_serialising_it_all() {
        let big: Vec<u32> = (0..1_000_000).collect();
        let body =
            parse_error_body(&serde_json::to_vec(&serde_json::json!({ "errors": big })).unwrap());
        assert!(matches!(body, ApiErrorBody::Json(_)));
        assert!(body.to_string().chars().count() <= crate::error::MAX_QUOTED_CHARS + 1);
    }

    #[test]
    fn envelope_detail_is_one_safe_line() {
        let detail = format!("\u{1b}]0;owned\u{7}{}", "line\n".repeat(400_000));
        let json = serde_json::json!({ "detail": detail, "code": "x" }).to_string();
        let body = parse_error_body(json.as_bytes());
        assert_eq!(body.detail(), Some(detail.as_str()));
        let shown = body.to_string();
        assert!(
            shown.chars().count() <= crate::error::MAX_QUOTED_CHARS + 1,
            "{}",
            shown.len()
        );
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(
            shown.starts_with(r"\u{1b}]0;owned\u{7}line line"),
            "{shown}"
        );
        assert!(shown.ends_with("… (x)"), "{shown}");
    }

    fn fields(body: &str) -> Option<FieldErrors> {
        parse_error_body_for(reqwest::StatusCode::BAD_REQUEST, body.as_bytes())
            .field_errors()
            .cloned()
    }

    #[test]
    fn drf_validation_errors_are_recognised() {
        // (body, expected fields and messages in order; None: not a validation envelope)
        type Fields = &'static [(&'static str, &'static [&'static str])];
        let cases: &[(&str, Option<Fields>)] = &[
            (
                r#"{"cluster_id": ["این مقدار لازم است."]}"#,
                Some(&[("cluster_id", &["این مقدار لازم است."])]),
            ),
            (
                r#"{"name": ["a", "b"], "non_field_errors": ["whole"]}"#,
                Some(&[("non_field_errors", &["whole"]), ("name", &["a", "b"])]),
            ),
            (
                r#"{"name": "one message"}"#,
                Some(&[("name", &["one message"])]),
            ),
            (
                r#"{"cluster": {"id": ["bad"]}}"#,
                Some(&[("cluster.id", &["bad"])]),
            ),
            (
                r#"{"items": [{}, {"name": ["x"]}]}"#,
                Some(&[("items[1].name", &["x"])]),
            ),
            (
                r#"["the request as a whole"]"#,
                Some(&[("non_field_errors", &["the request as a whole"])]),
            ),
            // Not the envelope: the service's own, other shapes, nothing to say.
            (r#"{"detail": "nope"}"#, None),
            (r#"{"count": 3}"#, None),
            (r#"{"name": [1, 2]}"#, None),
            (r#"{}"#, None),
            (r#"{"name": []}"#, None),
            (r#""text""#, None),
        ];
        for (body, expected) in cases {
            let got = fields(body);
            let got: Option<Vec<(String, Vec<String>)>> = got.map(|f| {
                f.iter()
                    .map(|f| (f.field().to_owned(), f.messages().to_vec()))
                    .collect()
            });
            let expected: Option<Vec<(String, Vec<String>)>> = expected.map(|e| {
                e.iter()
                    .map(|(k, v)| ((*k).to_owned(), v.iter().map(|m| (*m).to_owned()).collect()))
                    .collect()
            });
            assert_eq!(got, expected, "{body}");
        }
        // Only a 400 is read as validation errors.
        let body = br#"{"name": ["a"]}"#;
        assert!(matches!(
            parse_error_body_for(reqwest::StatusCode::CONFLICT, body),
            ApiErrorBody::Json(_)
        ));
    }

    #[test]
    fn validation_errors_are_shown_short_and_safe() {
        let mut object = serde_json::Map::new();
        for i in 0..10_000 {
            object.insert(
                format!("field{i:05}"),
                serde_json::json!([format!("\u{1b}[2Jbad\n{}", "x".repeat(10_000))]),
            );
        }
        object.insert("non_field_errors".into(), serde_json::json!(["first"]));
        let body = serde_json::to_vec(&serde_json::Value::Object(object)).unwrap();
        let parsed = parse_error_body_for(reqwest::StatusCode::BAD_REQUEST, &body);
        let fields = parsed.field_errors().unwrap();
        assert_eq!(
            (fields.len(), fields.omitted()),
            (MAX_FIELD_ERRORS + 1, 9_900)
        );
        // Kept in the order of the body (here alphabetical, as serde_json wrote it), but
        // `non_field_errors` first, and kept though it came after the first 100 fields.
        assert_eq!(fields.iter().nth(100).unwrap().field(), "field00099");
        assert_eq!(fields.non_field_errors(), ["first"]);
        let message = &fields.get("field00000").unwrap()[0];
        assert_eq!(message.len(), MAX_MESSAGE_BYTES + '…'.len_utf8());
        let shown = parsed.to_string();
        assert!(
            shown.starts_with("non_field_errors: first; field00000: "),
            "{shown}"
        );
        assert!(shown.ends_with(" (and 9900 more fields)"), "{shown}");
        assert!(
            shown.chars().count() <= crate::error::MAX_QUOTED_CHARS + 1,
            "{shown}"
        );
        assert!(!shown.chars().any(char::is_control), "{shown}");
        // Deeply nested bodies are not followed without end.
        let mut deep = serde_json::json!(["x"]);
        for _ in 0..100 {
            deep = serde_json::json!({ "a": deep });
        }
        assert!(fields_of(&deep).is_none());
    }

    fn fields_of(value: &serde_json::Value) -> Option<FieldErrors> {
        field_errors(value.to_string().as_bytes())
    }

    /// Everything a set of field errors holds on the heap, roughly.
    fn kept_bytes(fields: &FieldErrors) -> usize {
        fields
            .iter()
            .map(|f| f.field().len() + f.messages().iter().map(String::len).sum::<usize>())
            .sum()
    }

    #[test]
    fn hostile_validation_bodies_keep_little() {
        let big = "A".repeat(1 << 20);
        // A 1 MiB key over 250,000 items of a list serializer: each path would start with it.
        let items = vec![r#"{"a":"x"}"#; 250_000].join(",");
        let list = format!(r#"{{"{big}":[{items}]}}"#);
        // The same key over 250,000 nested fields.
        let inner: Vec<String> = (1..250_000).map(|i| format!(r#""{i}":"""#)).collect();
        let nested = format!(r#"{{"{big}":{{{},"z":"m"}}}}"#, inner.join(","));
        // 1,000 messages of 100 KiB for one field.
        let message = format!(r#""{}""#, "m".repeat(100 << 10));
        let many = format!(r#"{{"name":[{}]}}"#, vec![message.as_str(); 1000].join(","));
        for (body, omitted) in [(&list, 250_000 - 100), (&nested, 250_000 - 100), (&many, 0)] {
            let parsed = parse_error_body_for(reqwest::StatusCode::BAD_REQUEST, body.as_bytes());
            let fields = parsed.field_errors().expect("validation errors");
            assert_eq!(fields.omitted(), omitted);
            assert!(fields.len() <= MAX_FIELD_ERRORS + 1);
            for field in fields {
                assert!(field.field().chars().count() <= MAX_PATH_CHARS + 1);
                assert!(field.messages().len() <= MAX_MESSAGES);
            }
            assert!(kept_bytes(fields) < 200 * 1024, "{}", kept_bytes(fields));
            assert!(parsed.to_string().chars().count() <= crate::error::MAX_QUOTED_CHARS + 1);
        }
        let parsed = parse_error_body_for(reqwest::StatusCode::BAD_REQUEST, list.as_bytes());
        let first = parsed.field_errors().unwrap().iter().next().unwrap();
        assert!(first.field().starts_with("AAAA") && first.field().ends_with('…'));
        assert_eq!(first.messages(), ["x"]);
    }

    #[test]
    fn json_that_would_cost_too_much_as_a_tree_is_kept_as_text() {
        let body = format!("[{}]", vec![r#"{"a":1}"#; 100_000].join(","));
        let parsed = parse_error_body(body.as_bytes());
        assert_eq!(parsed, ApiErrorBody::Text(body));
        // Ordinary JSON stays JSON.
        assert!(matches!(
            parse_error_body(br#"{"error": {"a": [1, 2, "x"]}}"#),
            ApiErrorBody::Json(_)
        ));
    }

    #[test]
    fn blank_is_empty() {
        assert_eq!(parse_error_body(b" \n"), ApiErrorBody::Empty);
    }
}
