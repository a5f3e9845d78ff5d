//! The HTTP surface: the profile endpoint, the service's error envelopes, and the faults.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;

use crate::server::State;
use crate::{Fault, FaultBody};

use hamravesh_types::PROFILE_PATH;

// Request heads the mock refuses with its own envelope. hyper refuses larger ones itself, with a
// bare status and no body (see `HYPER_*`), so these sit well below hyper's limits: every refusal a
// sensible client can meet carries the same JSON as the mock's other errors.

/// Longest request target (414 beyond), as nginx's default header buffer.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// Most bytes of header lines, names and values (431 beyond).
pub(crate) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most header lines (431 beyond).
pub(crate) const MAX_HEADERS: usize = 100;
/// hyper's read buffer, which bounds a request head (hyper's bare 431 beyond). A soft bound: hyper
/// checks it between reads, so a head that arrives at once may reach about twice this. Also about
/// what one half-sent request can make the mock hold in memory.
pub(crate) const HYPER_MAX_HEAD_BYTES: usize = 64 * 1024;
/// hyper's limit on header lines (hyper's bare 431 beyond).
pub(crate) const HYPER_MAX_HEADERS: usize = 256;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(PROFILE_PATH, get(profile).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(from_fn_with_state(Arc::clone(&state), head_limits))
        .with_state(state)
}

/// Refuses request heads over the mock's limits with the envelope, then closes the connection.
async fn head_limits(
    Extract(state): Extract<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let status = if uri_len(request.uri()) > MAX_URI_BYTES {
        StatusCode::URI_TOO_LONG
    } else if request.headers().len() > MAX_HEADERS
        || header_bytes(request.headers()) > MAX_HEADER_BYTES
    {
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
    } else {
        return next.run(request).await;
    };
    state.count_request();
    let mut response = envelope(status);
    // A client that sends such heads is not one to keep a connection open for.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The length of the request target as sent (origin form, or absolute form for a proxy request).
fn uri_len(uri: &Uri) -> usize {
    uri.scheme_str().map_or(0, |s| s.len() + "://".len())
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.path_and_query().map_or(0, |p| p.as_str().len())
}

/// The bytes of the header lines: name, `: `, value, CRLF.
fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
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
        414 => ("نشانی درخواست بیش از حد طولانی است.", "uri_too_long"),
        431 => (
            "سرآیندهای درخواست بیش از حد بزرگ است.",
            "request_header_fields_too_large",
        ),
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
