//! Reading response bodies: a size cap enforced while reading, and parsing of error bodies.

use crate::error::ApiErrorBody;

/// How much of a non-JSON error body an error keeps.
const EXCERPT_CHARS: usize = 200;

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

/// Parses an error body: the service's envelope, other JSON, or a short excerpt of text.
pub(crate) fn parse_error_body(bytes: &[u8]) -> ApiErrorBody {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return ApiErrorBody::Empty;
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => match envelope(&value) {
            Some(body) => body,
            None => ApiErrorBody::Json(value),
        },
        Err(_) => ApiErrorBody::Text(excerpt(&String::from_utf8_lossy(bytes))),
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

/// The first characters of `text` with whitespace collapsed, so an HTML page fits on one line.
fn excerpt(text: &str) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = collapsed.chars();
    let mut short: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        short.push('…');
    }
    short
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
    fn html_is_cut_to_one_short_line() {
        let html = format!("<html>\n  <body>{}</body>\n</html>", "x".repeat(1000));
        let ApiErrorBody::Text(text) = parse_error_body(html.as_bytes()) else {
            panic!("not text")
        };
        assert!(text.starts_with("<html> <body>xxx"), "{text}");
        assert_eq!(text.chars().count(), EXCERPT_CHARS + 1);
        assert!(!text.contains('\n'));
    }

    #[test]
    fn blank_is_empty() {
        assert_eq!(parse_error_body(b" \n"), ApiErrorBody::Empty);
    }
}
