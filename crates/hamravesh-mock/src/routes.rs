//! The HTTP surface: one route per documented operation (from `hamravesh_types::operations`),
//! the service's error envelopes, and the faults.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request, State as Extract};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use bytes::Bytes;
use futures_util::StreamExt;
use hamravesh_types::operations::{
    ALL, CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE, LIST_NOTIFICATIONS,
};
use hamravesh_types::{ORGANIZATION_HEADER, Operation};

use crate::http::CloseConnection;
use crate::namespaces::{Refusal, check_create};
use crate::state::{Organization, State};
use crate::{Fault, FaultBody, paging};

// Request heads the mock refuses with its own envelope. hyper refuses larger ones itself, with a
// bare status and no body (see `server::HYPER_*`), so these sit well below hyper's limits: every refusal a
// sensible client can meet carries the same JSON as the mock's other errors.

/// Longest request target (414 beyond), as nginx's default header buffer.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// Most bytes of header lines, names and values (431 beyond).
pub(crate) const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Most header lines (431 beyond).
pub(crate) const MAX_HEADERS: usize = 100;
/// The largest request body the mock reads (413 beyond).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a truncated body waits after its first half before the connection ends.
const TRUNCATION_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// The `detail` of the 403 for an organization-scoped request without `x-organization`.
fn organization_missing() -> String {
    format!("سرآیند {ORGANIZATION_HEADER} فرستاده نشده است.")
}
/// The `detail` of the 403 for an `x-organization` that names no organization of the user.
const ORGANIZATION_UNKNOWN: &str = "سازمانی با این نام یافت نشد یا شما عضو آن نیستید.";

pub(crate) fn router(state: Arc<State>) -> Router {
    // Operations grouped by path template, in the list's order.
    let mut paths: Vec<(&'static str, Vec<&'static Operation>)> = Vec::new();
    for operation in ALL {
        match paths.iter_mut().find(|(path, _)| *path == operation.path) {
            Some((_, operations)) => operations.push(operation),
            None => paths.push((operation.path, vec![operation])),
        }
    }
    let mut router = Router::new();
    for (path, operations) in paths {
        let allow = allow_header(&operations);
        let mut methods = MethodRouter::new();
        for operation in operations {
            let Some(filter) = Method::from_bytes(operation.method.as_bytes())
                .ok()
                .and_then(|method| MethodFilter::try_from(method).ok())
            else {
                tracing::warn!(
                    operation = operation.id,
                    method = operation.method,
                    "the mock cannot route this method"
                );
                continue;
            };
            methods = methods.on(
                filter,
                move |Extract(state): Extract<Arc<State>>, request: Request| {
                    serve_operation(state, operation, request)
                },
            );
        }
        methods = methods.fallback(move |Extract(state): Extract<Arc<State>>, method: Method| {
            method_not_allowed(state, method, allow.clone())
        });
        // axum's path syntax is the list's: `{namespace_id}` captures one segment.
        router = router.route(path, methods);
    }
    router
        .fallback(not_found)
        .layer(from_fn_with_state(Arc::clone(&state), head_limits))
        .with_state(state)
}

/// The `Allow` header of a path: its operations' methods, with `HEAD` after `GET` (axum answers
/// `HEAD` with the `GET` route).
fn allow_header(operations: &[&Operation]) -> String {
    let mut methods: Vec<&str> = Vec::new();
    for operation in operations {
        methods.push(operation.method);
        if operation.method == Method::GET.as_str() {
            methods.push(Method::HEAD.as_str());
        }
    }
    methods.join(", ")
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
    // A client that sends such heads is not one to keep a connection open for.
    closing(envelope(status))
}

/// `response` with `Connection: close`: the connection ends after it (the rest of what the
/// client sends is not read).
fn closing(mut response: Response) -> Response {
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

async fn serve_operation(
    state: Arc<State>,
    operation: &'static Operation,
    request: Request,
) -> Response {
    state.record_headers(request.headers());
    let fault = state.begin_operation(operation);
    // On its own task, so that what the request does is done even if the client hangs up
    // (a client that times out on a delayed create has still created it), as the service does.
    let task = tokio::spawn(async move { apply(fault, answer(&state, operation, request)).await });
    match task.await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, operation = operation.id, "the mock's handler failed");
            envelope(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The normal answer to a request routed to `operation`: the key, the organization, then the
/// operation itself.
async fn answer(state: &State, operation: &'static Operation, request: Request) -> Response {
    let delay = state.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let (mut parts, body) = request.into_parts();
    let expected = format!("Api-key {}", state.api_key);
    match parts
        .headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
    {
        None => return envelope(StatusCode::UNAUTHORIZED),
        Some(given) if given == expected.as_bytes() => {}
        Some(_) => return envelope(StatusCode::FORBIDDEN),
    }
    // Read once: an edit while this request runs does not mix two profiles in one answer.
    let profile = state.profile();
    let organization = if operation.is_organization_scoped() {
        let Some(name) = parts.headers.get(ORGANIZATION_HEADER) else {
            return envelope_with(
                StatusCode::FORBIDDEN,
                &organization_missing(),
                "permission_denied",
            );
        };
        match profile.organization(name.as_bytes()) {
            Some(organization) => Some(organization),
            None => {
                return envelope_with(
                    StatusCode::FORBIDDEN,
                    ORGANIZATION_UNKNOWN,
                    "permission_denied",
                );
            }
        }
    } else {
        None
    };
    let Some(ids) = integer_path_parameters(operation, &mut parts).await else {
        // DRF looks an object up by a value that is not an integer and finds nothing.
        return envelope(StatusCode::NOT_FOUND);
    };
    let success = StatusCode::from_u16(operation.response_status).unwrap_or(StatusCode::OK);
    match (operation.id, organization) {
        (id, _) if id == GET_PROFILE.id => json(success, profile.bytes.clone()),
        (id, _) if id == LIST_NOTIFICATIONS.id => notifications(state, &parts, success),
        (id, Some(organization)) if id == CREATE_NAMESPACE.id => {
            create_namespace(state, organization, &parts, body, success).await
        }
        (id, Some(organization)) if id == DELETE_NAMESPACE.id => {
            let Some(&(_, id)) = ids.first() else {
                return envelope(StatusCode::NOT_FOUND);
            };
            if state.namespaces().delete(&organization.name, id) {
                success.into_response()
            } else {
                envelope(StatusCode::NOT_FOUND)
            }
        }
        _ => from_the_list(operation, &parts, success),
    }
}

/// The answer of a listed operation without state of its own in the mock: its query parameters
/// checked as DRF checks integers, then its success status with the smallest document its
/// response schema accepts (or no body). Adding an operation to `schema/operations.json` whose
/// bodies are existing schemas (a kind of [`hamravesh_types::Document`]) is enough for the mock to
/// serve it; a new schema file needs its `Document` kind first.
fn from_the_list(operation: &'static Operation, parts: &Parts, success: StatusCode) -> Response {
    let pairs = paging::parse_query(parts.uri.query().unwrap_or(""));
    for parameter in operation.query_parameters {
        let value = pairs.iter().find(|(name, _)| *name == parameter.name);
        let refused = match (value, parameter.kind) {
            (Some((_, value)), "integer") => value.trim().parse::<i64>().is_err(),
            (Some((_, value)), "number") => value.trim().parse::<f64>().is_err(),
            (Some((_, value)), "boolean") => !matches!(value.as_ref(), "true" | "false"),
            (None, _) => parameter.required,
            (Some(_), _) => false,
        };
        if refused {
            let message = if value.is_none() {
                "این مقدار لازم است."
            } else {
                "مقدار نامعتبر است."
            };
            return json(
                StatusCode::BAD_REQUEST,
                Bytes::from(serde_json::json!({ parameter.name: [message] }).to_string()),
            );
        }
    }
    match (operation.response_schema, operation.response_document()) {
        (None, _) => success.into_response(),
        (Some(_), Some(document)) => match crate::example::example(document) {
            Some(value) => json(success, Bytes::from(value.to_string())),
            None => {
                tracing::warn!(
                    operation = operation.id,
                    "the mock cannot make an answer that matches this operation's schema"
                );
                envelope(StatusCode::NOT_IMPLEMENTED)
            }
        },
        // A schema no `Document` kind names (a new schema file): the mock has nothing to check an
        // answer against, so it says so instead of answering an empty success.
        (Some(schema), None) => {
            tracing::warn!(
                operation = operation.id,
                schema,
                "the mock has no document kind for this operation's response schema"
            );
            envelope(StatusCode::NOT_IMPLEMENTED)
        }
    }
}

/// The operation's integer path parameters, parsed; `None` if one is not digits within `i64`.
async fn integer_path_parameters(
    operation: &Operation,
    parts: &mut Parts,
) -> Option<Vec<(&'static str, i64)>> {
    if operation.path_parameters.is_empty() {
        return Some(Vec::new());
    }
    let raw = RawPathParams::from_request_parts(parts, &()).await.ok()?;
    operation
        .path_parameters
        .iter()
        .filter(|parameter| parameter.kind == "integer")
        .map(|parameter| {
            let (_, value) = raw.iter().find(|(name, _)| *name == parameter.name)?;
            // Django's `int` converter: digits only (`+5`, `-5` and ` 5` match no route).
            let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
            Some((
                parameter.name,
                value.parse::<i64>().ok().filter(|_| digits)?,
            ))
        })
        .collect()
}

/// One page of the notification feed.
fn notifications(state: &State, parts: &Parts, success: StatusCode) -> Response {
    // The `Host` header, else an absolute-form request line's authority (which may carry
    // credentials), else the mock's own address; the first two are checked alike.
    let given = match parts.headers.get(header::HOST) {
        Some(value) => value.to_str().ok(),
        None => parts.uri.authority().map(|a| a.as_str()),
    };
    let host = match given {
        Some(host) if paging::is_valid_host(host) => host.to_owned(),
        None if !parts.headers.contains_key(header::HOST) => state.host.clone(),
        _ => {
            return envelope_with(
                StatusCode::BAD_REQUEST,
                "سرآیند Host نامعتبر است.",
                "invalid_host",
            );
        }
    };
    let pairs = paging::parse_query(parts.uri.query().unwrap_or(""));
    let base = format!("http://{host}{}", parts.uri.path());
    match paging::page(&state.notifications(), &pairs, &base) {
        Ok(page) => json(success, Bytes::from(page.to_string())),
        Err(paging::BadParameter(name)) => json(
            StatusCode::BAD_REQUEST,
            Bytes::from(serde_json::json!({ name: [paging::NOT_A_COUNT] }).to_string()),
        ),
    }
}

/// Creates a namespace from a JSON body, or refuses it as DRF does.
async fn create_namespace(
    state: &State,
    organization: &Organization,
    parts: &Parts,
    body: Body,
    success: StatusCode,
) -> Response {
    let read = axum::body::to_bytes(body, MAX_BODY_BYTES);
    let bytes = match tokio::time::timeout(state.body_read_timeout, read).await {
        Ok(Ok(bytes)) => bytes,
        // Over the limit (or the client went away, and will not read this).
        Ok(Err(_)) => return closing(envelope(StatusCode::PAYLOAD_TOO_LARGE)),
        Err(_) => return closing(envelope(StatusCode::REQUEST_TIMEOUT)),
    };
    let body = match parts.headers.get(header::CONTENT_TYPE) {
        // DRF parses no body without a content type: every field is missing.
        None => None,
        Some(value) if is_json(value) => (!bytes.is_empty()).then_some(&bytes[..]),
        Some(_) => return envelope(StatusCode::UNSUPPORTED_MEDIA_TYPE),
    };
    let created = check_create(body, &organization.clusters)
        .and_then(|request| state.namespaces().create(&organization.name, request));
    match created {
        Ok(namespace) => json(success, Bytes::from(namespace.to_string())),
        Err(Refusal::Parse(message)) => envelope_with(
            StatusCode::BAD_REQUEST,
            &format!("JSON parse error - {message}"),
            "parse_error",
        ),
        Err(refusal) => json(
            StatusCode::BAD_REQUEST,
            Bytes::from(refusal.body().to_string()),
        ),
    }
}

/// Whether a `Content-Type` is JSON, the one media type the mock parses.
fn is_json(value: &HeaderValue) -> bool {
    let media_type = value.as_bytes().split(|&b| b == b';').next().unwrap_or(b"");
    media_type
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/json")
}

async fn method_not_allowed(state: Arc<State>, method: Method, allow: String) -> Response {
    let fault = state.begin_request();
    let normal = async move {
        let body = serde_json::json!({
            "detail": format!("متد «{method}» مجاز نیست."),
            "code": "method_not_allowed",
            "success": false,
        });
        let mut response = json(
            StatusCode::METHOD_NOT_ALLOWED,
            Bytes::from(body.to_string()),
        );
        if let Ok(allow) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    };
    apply(fault, normal).await
}

async fn not_found(Extract(state): Extract<Arc<State>>) -> Response {
    let fault = state.begin_request();
    apply(fault, async { envelope(StatusCode::NOT_FOUND) }).await
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
        408 => ("بدنهٔ درخواست به‌موقع نرسید.", "request_timeout"),
        413 => ("بدنهٔ درخواست بیش از حد بزرگ است.", "request_too_large"),
        414 => ("نشانی درخواست بیش از حد طولانی است.", "uri_too_long"),
        415 => (
            "نوع رسانهٔ درخواست پشتیبانی نمی‌شود؛ application/json بفرستید.",
            "unsupported_media_type",
        ),
        431 => (
            "سرآیندهای درخواست بیش از حد بزرگ است.",
            "request_header_fields_too_large",
        ),
        429 => ("تعداد درخواست‌ها بیش از حد مجاز است.", "throttled"),
        501 => (
            "این عملیات در سرور آزمایشی پیاده نشده است.",
            "not_implemented",
        ),
        500..=599 => ("خطای سرور رخ داده است.", "server_error"),
        _ => ("درخواست نامعتبر است.", "error"),
    };
    envelope_with(status, detail, code)
}

/// The service's error envelope with this `detail` and `code`.
fn envelope_with(status: StatusCode, detail: &str, code: &str) -> Response {
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

/// The status and body of a normal answer, for a fault to mangle. An answer without a body (a
/// delete's `204`) becomes `200` with `{}`: a status that forbids a body cannot carry one.
async fn normal_body(normal: impl Future<Output = Response>) -> (StatusCode, Bytes) {
    let response = normal.await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    if status == StatusCode::NO_CONTENT || body.is_empty() {
        (StatusCode::OK, Bytes::from_static(b"{}"))
    } else {
        (status, body)
    }
}

/// The answer to a request, with its fault if it has one: `normal` is the answer it would have
/// had, awaited only by the faults that mangle it (so the others have no side effect).
async fn apply(fault: Option<Fault>, normal: impl Future<Output = Response>) -> Response {
    let Some(fault) = fault else {
        return normal.await;
    };
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
            normal.await
        }
        Fault::Malformed => {
            let (_, body) = normal_body(normal).await;
            // Half of a JSON object or array is never JSON.
            json(StatusCode::OK, body.slice(..body.len() / 2))
        }
        Fault::Truncated => {
            let (status, full) = normal_body(normal).await;
            let half = full.slice(..full.len() / 2);
            // The half is sent and flushed before the error ends the connection: a body that
            // fails at once may take the head down with it.
            let failure = async {
                tokio::time::sleep(TRUNCATION_PAUSE).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "mock truncates the body",
                ))
            };
            let chunks =
                futures_util::stream::iter([Ok(half)]).chain(futures_util::stream::once(failure));
            let mut response = Response::new(Body::from_stream(chunks));
            *response.status_mut() = status;
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
            // while reading; the normal body padded with spaces.
            const CHUNK: usize = 64 * 1024;
            let (status, head) = normal_body(normal).await;
            let padding = size.saturating_sub(head.len());
            let chunks = std::iter::once(head).chain(
                (0..padding.div_ceil(CHUNK))
                    .map(move |i| Bytes::from(vec![b' '; CHUNK.min(padding - i * CHUNK)])),
            );
            let stream = futures_util::stream::iter(chunks.map(Ok::<Bytes, std::io::Error>));
            let mut response = Response::new(Body::from_stream(stream));
            *response.status_mut() = status;
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
        Fault::Close => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(CloseConnection);
            response
        }
    }
}
