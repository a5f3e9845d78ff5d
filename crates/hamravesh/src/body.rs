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
    let body = parse_error_body(bytes);
    if status != reqwest::StatusCode::BAD_REQUEST {
        return body;
    }
    match &body {
        ApiErrorBody::Json(value) => field_errors(value).map_or(body, ApiErrorBody::Fields),
        _ => body,
    }
}

/// Reads DRF's validation envelope: an object mapping each field to a list of messages (or a
/// message, or the same shape nested for a nested serializer or a list of them), or a bare list
/// of messages (a view's own `ValidationError`), which is filed under `non_field_errors`.
/// `None` for anything else, which then stays plain JSON.
fn field_errors(value: &serde_json::Value) -> Option<FieldErrors> {
    let mut fields = Vec::new();
    match value {
        serde_json::Value::Object(object) if !object.is_empty() => {
            for (key, value) in object {
                flatten(key.clone(), value, 0, &mut fields)?;
            }
        }
        serde_json::Value::Array(_) => flatten(NON_FIELD_ERRORS.to_owned(), value, 0, &mut fields)?,
        _ => return None,
    }
    if fields.iter().all(|f| f.messages().is_empty()) {
        return None;
    }
    Some(FieldErrors::new(fields))
}

/// Adds the messages under `path` to `out`; `None` if the value is not part of the envelope.
fn flatten(
    path: String,
    value: &serde_json::Value,
    depth: usize,
    out: &mut Vec<FieldError>,
) -> Option<()> {
    use serde_json::Value;
    if depth > MAX_FIELD_DEPTH {
        return None;
    }
    match value {
        Value::String(message) => out.push(FieldError::new(path, vec![message.clone()])),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            let messages = items
                .iter()
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect();
            out.push(FieldError::new(path, messages));
        }
        // A list serializer: one entry per item, `{}` for the items that passed.
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(object) if object.is_empty() => {}
                    Value::Object(_) => flatten(format!("{path}[{i}]"), item, depth + 1, out)?,
                    _ => return None,
                }
            }
        }
        Value::Object(object) => {
            for (key, value) in object {
                flatten(format!("{path}.{key}"), value, depth + 1, out)?;
            }
        }
        _ => return None,
    }
    Some(())
}

/// Parses an error body: the service's envelope, other JSON, or text. The whole body is kept;
/// only `Display` shortens it.
pub(crate) fn parse_error_body(bytes: &[u8]) -> ApiErrorBody {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return ApiErrorBody::Empty;
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => match envelope(&value) {
            Some(body) => body,
            None => ApiErrorBody::Json(value),
        },
        Err(_) => ApiErrorBody::Text(String::from_utf8_lossy(bytes).into_owned()),
    }
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
        assert_eq!(fields.len(), 10_001);
        assert_eq!(fields.non_field_errors(), ["first"]);
        let shown = parsed.to_string();
        assert!(
            shown.starts_with("non_field_errors: first; field00000: "),
            "{shown}"
        );
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
        field_errors(value)
    }

    #[test]
    fn blank_is_empty() {
        assert_eq!(parse_error_body(b" \n"), ApiErrorBody::Empty);
    }
}
