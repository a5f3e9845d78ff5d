//! The HTTP surface: the profile endpoint, the service's error envelopes, and the faults.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State as Extract;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;

use crate::server::State;
use crate::{Fault, FaultBody};

use hamravesh_types::PROFILE_PATH;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(PROFILE_PATH, get(profile).fallback(method_not_allowed))
        .fallback(not_found)
        .with_state(state)
}

async fn profile(Extract(state): Extract<Arc<State>>, headers: HeaderMap) -> Response {
    state.record_headers(&headers);
    if let Some(fault) = state.begin_request() {
        return apply(fault, &state).await;
    }
    let delay = state.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let expected = format!("Api-key {}", state.api_key);
    match headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
    {
        None => envelope(StatusCode::UNAUTHORIZED),
        Some(given) if given == expected.as_bytes() => json(StatusCode::OK, state.profile.clone()),
        Some(_) => envelope(StatusCode::FORBIDDEN),
    }
}

async fn method_not_allowed(Extract(state): Extract<Arc<State>>, method: Method) -> Response {
    state.begin_request();
    let body = serde_json::json!({
        "detail": format!("متد «{method}» مجاز نیست."),
        "code": "method_not_allowed",
        "success": false,
    });
    let mut response = json(
        StatusCode::METHOD_NOT_ALLOWED,
        Bytes::from(body.to_string()),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

async fn not_found(Extract(state): Extract<Arc<State>>) -> Response {
    state.begin_request();
    envelope(StatusCode::NOT_FOUND)
}

/// The service's error envelope for a status, with the Persian `detail` it sends.
fn envelope(status: StatusCode) -> Response {
    let (detail, code) = match status.as_u16() {
        401 => (
            "اطلاعات برای اعتبارسنجی ارسال نشده است.",
            "not_authenticated",
        ),
        403 => ("شما اجازهٔ انجام این دستور را ندارید.", "permission_denied"),
        404 => ("یافت نشد.", "not_found"),
        429 => ("تعداد درخواست‌ها بیش از حد مجاز است.", "throttled"),
        500..=599 => ("خطای سرور رخ داده است.", "server_error"),
        _ => ("درخواست نامعتبر است.", "error"),
    };
    let body = serde_json::json!({"detail": detail, "code": code, "success": false});
    json(status, Bytes::from(body.to_string()))
}

fn json(status: StatusCode, body: Bytes) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn apply(fault: Fault, state: &State) -> Response {
    match fault {
        Fault::Status {
            status,
            retry_after,
            body,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = match body {
                FaultBody::Envelope => envelope(status),
                FaultBody::Html => (
                    status,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>Server Error</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n",
                )
                    .into_response(),
                FaultBody::Empty => status.into_response(),
            };
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            json(StatusCode::OK, state.profile.clone())
        }
        Fault::Malformed => json(
            StatusCode::OK,
            Bytes::from_static(b"{\"first_name\": null, \"last_name\": "),
        ),
        Fault::Truncated => {
            let full = state.profile.clone();
            let half = full.slice(..full.len() / 2);
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "mock truncates the body",
                )),
            ];
            let mut response = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            response
        }
        Fault::Oversized(size) => {
            // Streamed in chunks without Content-Length, so a client can only enforce a cap
            // while reading; a profile padded with spaces.
            const CHUNK: usize = 64 * 1024;
            let head = state.profile.clone();
            let padding = size.saturating_sub(head.len());
            let chunks = std::iter::once(head).chain(
                (0..padding.div_ceil(CHUNK))
                    .map(move |i| Bytes::from(vec![b' '; CHUNK.min(padding - i * CHUNK)])),
            );
            let stream = futures_util::stream::iter(chunks.map(Ok::<Bytes, std::io::Error>));
            let mut response = Response::new(Body::from_stream(stream));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Fault::Redirect(location) => {
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Fault::Raw {
            status,
            content_type,
            body,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, Bytes::from(body)).into_response();
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
    }
}
