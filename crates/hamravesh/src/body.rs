//! Reading response bodies: a size cap enforced while reading, and parsing of error bodies.

use crate::error::ApiErrorBody;

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

    #[test]
    fn blank_is_empty() {
        assert_eq!(parse_error_body(b" \n"), ApiErrorBody::Empty);
    }
}
