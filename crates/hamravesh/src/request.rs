//! Any request under the base URL, with every safety of the documented operations: the one
//! request path of the client ([`crate::Client::request`]; the documented operations are built
//! on it too).
//!
//! A path is checked before anything is sent ([`check_path`]): it must be a path under the base
//! URL, never something a URL parser, a proxy or a server could read as another host or as a
//! path outside the base URL's.

use std::borrow::Cow;

use hamravesh_types::Operation;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Version};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::body::parse_error_body_for;
use crate::client::{Request, Success, decode_success};
use crate::config::{organization, shown_url};
use crate::error::{CarriedOut, ConfigError, Error, Kind, PathError};
use crate::pages::PageWalk;

/// The longest request path (query included) sent, in bytes as sent: percent-encoded, so a
/// non-ASCII letter or a space counts three bytes per byte. Servers refuse longer request lines
/// (the mock at 8 KiB, nginx at 8 KiB by default), and every attempt would fail the same way.
pub const MAX_PATH_LEN: usize = 8 * 1024;

/// The organization header, from the operation list.
const ORGANIZATION: HeaderName = HeaderName::from_static(hamravesh_types::ORGANIZATION_HEADER);

/// A request being built by [`Client::request`]: set its query parameters, its organization and
/// its JSON body, then send it for the raw answer ([`RequestBuilder::send_raw`]), for a typed
/// value ([`RequestBuilder::send`]) or for every item of a paginated list
/// ([`RequestBuilder::pages`]).
///
/// Nothing is checked or sent until then: a path, an organization name or a body that cannot be
/// sent is an error of kind [`crate::ErrorKind::Config`] from the send, and no request is made.
///
/// Retries follow the method: `GET`, `HEAD`, `OPTIONS`, `TRACE`, `PUT` and `DELETE` are
/// idempotent and retry every retryable failure (a failed or broken connection, a timeout,
/// `429`, `502`, `503`, `504`); `POST`, `PATCH` and any other method only when the request
/// certainly did not reach the service (the connection could not be made, or `429`), and a
/// redirect answering them is never followed.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    client: Client,
    method: Method,
    /// The documented operation it is, when built for one: its method and organization rule.
    operation: Option<&'static Operation>,
    path: Cow<'static, str>,
    query: Vec<(String, String)>,
    organization: Option<String>,
    json: Option<Vec<u8>>,
    /// The first problem met while building, reported by the send.
    error: Option<Error>,
    gone_means_done: bool,
    carried_out: Option<CarriedOut>,
}

impl std::fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &shown_url(&self.path))
            .field("query", &self.query.len())
            .field("organization", &self.organization.is_some())
            .field("body_len", &self.json.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

impl RequestBuilder {
    /// A request of `method` to `path` (checked when sent).
    pub(crate) fn new(client: Client, method: Method, path: Cow<'static, str>) -> Self {
        Self {
            client,
            method,
            operation: None,
            path,
            query: Vec::new(),
            organization: None,
            json: None,
            error: None,
            gone_means_done: false,
            carried_out: None,
        }
    }

    /// A request for a documented operation at `path` (its template filled in): its method, and
    /// for an organization-scoped operation an organization that must be given.
    pub(crate) fn for_operation(
        client: Client,
        operation: &'static Operation,
        path: Cow<'static, str>,
    ) -> Self {
        let method = Method::from_bytes(operation.method.as_bytes()).ok();
        let mut builder = Self::new(client, method.clone().unwrap_or(Method::GET), path);
        builder.operation = Some(operation);
        if method.is_none() {
            builder.error = Some(ConfigError::InvalidOperation(operation.id).into());
        }
        builder
    }

    /// Adds the query parameter `name=value` (both encoded as needed), after any query the path
    /// was given with.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Acts for the organization named `name` (its `name`, the slug the profile lists): sent in
    /// the `x-organization` header. A name that cannot be a header value (empty, over 256 bytes,
    /// spaces, line breaks, non-ASCII) makes the send fail with
    /// [`ConfigError::InvalidOrganization`], and nothing is sent.
    pub fn organization(mut self, name: impl Into<String>) -> Self {
        self.organization = Some(name.into());
        self
    }

    /// Sends `body` encoded as JSON (`Content-Type: application/json`). A value that cannot be
    /// encoded makes the send fail with [`ConfigError::InvalidRequestBody`].
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.json = Some(bytes),
            Err(error) => {
                if self.error.is_none() {
                    self.error = Some(ConfigError::InvalidRequestBody(error).into());
                }
            }
        }
        self
    }

    /// Sends these bytes as the body, as given, with `Content-Type: application/json` (for a
    /// document already encoded, such as a file: the caller vouches that it is JSON).
    pub fn json_bytes(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.json = Some(body.into());
        self
    }

    /// A delete: a 404 after an attempt whose outcome is unknown means that attempt did it.
    pub(crate) fn gone_means_done(mut self) -> Self {
        self.gone_means_done = true;
        self
    }

    /// What a success means for a request that is not idempotent, for its decode errors.
    pub(crate) fn carried_out(mut self, carried_out: CarriedOut) -> Self {
        self.carried_out = Some(carried_out);
        self
    }

    /// The client it will be sent with.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// The method, path and organization of a next page: the same request at another path.
    pub(crate) fn next_page(&self, path: String) -> Self {
        let mut next = Self::new(self.client.clone(), self.method.clone(), path.into());
        next.organization = self.organization.clone();
        next
    }

    /// Checks everything and makes the request the loop sends.
    pub(crate) fn build(self, raw: bool) -> Result<(Client, Request), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let invalid = |source: PathError| -> Error {
            ConfigError::InvalidPath {
                path: shown_url(&self.path),
                source,
            }
            .into()
        };
        let (path, raw_query): (Cow<'static, str>, Option<String>) = match &self.path {
            Cow::Borrowed(text) => {
                let (path, query) = check_path(text).map_err(invalid)?;
                (Cow::Borrowed(path), query.map(str::to_owned))
            }
            Cow::Owned(text) => {
                let (path, query) = check_path(text).map_err(invalid)?;
                (Cow::Owned(path.to_owned()), query.map(str::to_owned))
            }
        };
        let mut request = match self.operation {
            Some(operation) => Request::new(operation, path, self.organization.as_deref())?,
            None => {
                let mut headers = HeaderMap::new();
                if let Some(name) = &self.organization {
                    headers.insert(ORGANIZATION, organization(name)?);
                }
                let mut request = Request::new_raw(self.method, path);
                request.headers = headers;
                request
            }
        };
        request.raw_query = raw_query;
        request.query = self.query;
        request.json = self.json;
        request.gone_means_done = self.gone_means_done;
        request.carried_out = self.carried_out;
        request.raw = raw;
        Ok((self.client, request))
    }

    /// Sends the request and hands back the final answer, whatever its status: the status, the
    /// headers and the body (up to the client's body cap). Retries follow the method (see
    /// [`RequestBuilder`]); when they end on an error status, that answer is what comes back:
    /// [`Response::error_for_status`] turns it into the error the typed calls give.
    ///
    /// Errors: a path, organization or body that cannot be sent ([`crate::ErrorKind::Config`],
    /// nothing sent), no answer (timeout, transport), a redirect not followed, a body over the
    /// cap.
    ///
    /// ```no_run
    /// # async fn run(client: hamravesh::Client) -> Result<(), hamravesh::Error> {
    /// use hamravesh::Method;
    /// let response = client
    ///     .request(Method::GET, "/api/v1/darkube/apps/")
    ///     .organization("my-team")
    ///     .query("limit", "5")
    ///     .send_raw()
    ///     .await?;
    /// println!("{} ({} bytes)", response.status(), response.body().len());
    /// let response = response.error_for_status()?;
    /// let apps: serde_json::Value = response.json()?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_raw(self) -> Result<Response, Error> {
        let (client, request) = self.build(true)?;
        let success = client.execute(&request).await?;
        Ok(Response::new(request, success))
    }

    /// Sends the request and decodes a successful answer's body as `T`. An error status is an
    /// error (its kind says which: [`crate::ErrorKind::Unauthorized`],
    /// [`crate::ErrorKind::Validation`] with each refused field, [`crate::ErrorKind::Api`]); a body
    /// that does not decode is [`crate::ErrorKind::Decode`], naming the JSON path of the field
    /// ([`Error::decode_error`]). For a request that is not idempotent, such a decode error also
    /// says it was carried out ([`Error::is_carried_out`]).
    ///
    /// ```no_run
    /// # async fn run(client: hamravesh::Client) -> Result<(), hamravesh::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct Plan {
    ///     name: String,
    /// }
    /// let plans: Vec<Plan> = client
    ///     .request(hamravesh::Method::GET, "/api/v1/plans/")
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        Ok(self.send_counted().await?.0)
    }

    /// [`RequestBuilder::send`], also returning how many requests it took.
    pub(crate) async fn send_counted<T: DeserializeOwned>(self) -> Result<(T, u32), Error> {
        let (client, request) = self.build(false)?;
        let success = client.execute(&request).await?;
        let value = decode_success(&request, success.status, &success.body, success.attempts)?;
        Ok((value, success.attempts))
    }

    /// Sends the request; a successful answer, or the error.
    pub(crate) async fn send_success(self) -> Result<Success, Error> {
        let (client, request) = self.build(false)?;
        client.execute(&request).await
    }

    /// Every item of a paginated list (Django REST framework's `{count, next, previous,
    /// results}`), following `next` within the base URL: see [`PageWalk`]. Meant for `GET`.
    pub fn pages(self) -> PageWalk {
        PageWalk::new(self)
    }
}

/// The answer to a [`RequestBuilder::send_raw`]: status, headers and body, whatever the status.
#[derive(Clone)]
pub struct Response {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    body: Vec<u8>,
    attempts: u32,
    earlier_outcome_unknown: bool,
    method: Method,
    path: String,
    organization: Option<String>,
    idempotent: bool,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("version", &self.version)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl Response {
    fn new(request: Request, success: Success) -> Self {
        Self {
            status: success.status,
            version: success.version,
            headers: success.headers,
            body: success.body,
            attempts: success.attempts,
            earlier_outcome_unknown: success.earlier_outcome_unknown,
            organization: request.organization().map(str::to_owned),
            idempotent: request.is_idempotent(),
            method: request.method,
            path: request.path.into_owned(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Whether the status is a success (`2xx`).
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The HTTP version the answer came in.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The response headers, as sent (values may hold any bytes a header can: pass them through
    /// [`crate::text::terminal_safe`] before printing them).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received (at most the client's body cap).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, taken.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// How many requests the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether an attempt before the one that gave this answer may have been carried out though
    /// no answer said so: it timed out or its connection broke after the request was sent, or it
    /// got `500`, `502` or `504`, and the request was sent again. The answer may then be that
    /// attempt's doing: a `404` to a `DELETE` retried after a timeout most likely means the first
    /// attempt deleted it, a `409` to a `PUT` that it was already applied.
    pub fn earlier_attempt_may_have_acted(&self) -> bool {
        self.earlier_outcome_unknown
    }

    /// The answer if its status is a success; otherwise the error the typed calls give for it
    /// (kind [`crate::ErrorKind::Unauthorized`], [`crate::ErrorKind::Validation`] or
    /// [`crate::ErrorKind::Api`], with the parsed body).
    pub fn error_for_status(self) -> Result<Self, Error> {
        if self.status.is_success() {
            return Ok(self);
        }
        let error = Error::new(Kind::Status {
            status: self.status,
            body: parse_error_body_for(self.status, &self.body),
            raw: self.body,
        });
        Err(error
            .with_request(&self.method, &self.path, self.attempts)
            .with_organization(self.organization.as_deref()))
    }

    /// The body decoded as `T` (whatever the status), naming the JSON path of the field that
    /// failed ([`Error::decode_error`]).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut request = Request::new_raw(self.method.clone(), Cow::Owned(self.path.clone()));
        if let Some(name) = &self.organization {
            if let Ok(value) = HeaderValue::from_str(name) {
                request.headers.insert(ORGANIZATION, value);
            }
        }
        debug_assert_eq!(request.is_idempotent(), self.idempotent);
        decode_success(&request, self.status, &self.body, self.attempts)
    }
}

/// Checks `path` as [`Client::request`] checks it when sending, without a client or a request:
/// `Ok`, or the same error ([`ConfigError::InvalidPath`], kind [`crate::ErrorKind::Config`]), so
/// that a program can refuse a path before doing anything else.
///
/// ```
/// use hamravesh::{ConfigError, PathError, check_request_path};
/// assert!(check_request_path("/api/v1/users/profile?x=1").is_ok());
/// let error = check_request_path("//evil.example/").unwrap_err();
/// assert!(matches!(
///     error.config(),
///     Some(ConfigError::InvalidPath { source: PathError::SchemeRelative, .. })
/// ));
/// ```
pub fn check_request_path(path: &str) -> Result<(), Error> {
    check_path(path).map(|_| ()).map_err(|source| {
        ConfigError::InvalidPath {
            path: shown_url(path),
            source,
        }
        .into()
    })
}

/// Checks a request path and splits it at its query: it must be a path under the base URL and
/// nothing a URL parser, a proxy or a server could read as another host or as a path outside the
/// base URL's. Refused: an empty path, one over [`MAX_PATH_LEN`] bytes, an absolute URL
/// (`https://…`, `mailto:…`), a scheme-relative one (`//host`), any path not starting with `/`,
/// a backslash (read as `/`), a control character anywhere (`\r`, `\n`, NUL, …), `@` in the
/// path part, a `.` or `..` segment, a `#`, and a path part that once percent-decoded starts with
/// `//` or holds a backslash, `@`, a control character or a dot segment.
pub(crate) fn check_path(raw: &str) -> Result<(&str, Option<&str>), PathError> {
    if raw.is_empty() {
        return Err(PathError::Empty);
    }
    if raw.len() > MAX_PATH_LEN {
        return Err(PathError::TooLong {
            len: raw.len(),
            max: MAX_PATH_LEN,
        });
    }
    if raw.chars().any(char::is_control) {
        return Err(PathError::ControlCharacter);
    }
    if raw.contains('\\') {
        return Err(PathError::Backslash);
    }
    if raw.starts_with("//") {
        return Err(PathError::SchemeRelative);
    }
    if !raw.starts_with('/') {
        return Err(if looks_like_url(raw) {
            PathError::AbsoluteUrl
        } else {
            PathError::NotAbsolute
        });
    }
    if raw.contains('#') {
        return Err(PathError::Fragment);
    }
    let (path, query) = match raw.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (raw, None),
    };
    if path.contains('@') {
        return Err(PathError::UserInfo);
    }
    if has_dot_segment(path.as_bytes()) {
        return Err(PathError::DotSegment);
    }
    if path.contains('%') {
        let decoded = percent_decode(path.as_bytes());
        let bad = decoded.starts_with(b"//")
            || decoded
                .iter()
                .any(|b| b.is_ascii_control() || matches!(b, b'\\' | b'@'))
            || has_dot_segment(&decoded)
            || String::from_utf8_lossy(&decoded)
                .chars()
                .any(char::is_control);
        if bad {
            return Err(PathError::Encoded);
        }
    }
    Ok((path, query))
}

/// Whether text that does not start with `/` is a URL with a scheme (`https://x`, `mailto:x`,
/// `localhost:8080/x` reads as one too) rather than a relative path (`api/v1/x`).
fn looks_like_url(raw: &str) -> bool {
    let scheme_end = raw.find(':');
    let first_slash = raw.find('/');
    match scheme_end {
        Some(colon) => first_slash.is_none_or(|slash| colon < slash),
        None => false,
    }
}

/// Whether a path holds a `.` or `..` segment.
fn has_dot_segment(path: &[u8]) -> bool {
    path.split(|b| *b == b'/')
        .any(|segment| segment == b"." || segment == b"..")
}

/// The bytes with each `%XX` decoded (a `%` not followed by two hex digits is kept).
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                // Two hex digits are at most 255.
                out.push(u8::try_from(high * 16 + low).unwrap_or(u8::MAX));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_base_url_are_accepted() {
        for (raw, path, query) in [
            ("/api/v1/users/profile", "/api/v1/users/profile", None),
            (
                "/api/v1/notifications/all_list/?limit=5&offset=10",
                "/api/v1/notifications/all_list/",
                Some("limit=5&offset=10"),
            ),
            ("/x?email=a@b.example", "/x", Some("email=a@b.example")),
            ("/", "/", None),
            ("/api/v1/a%20b/", "/api/v1/a%20b/", None),
            ("/api/v1/x%2Fy/", "/api/v1/x%2Fy/", None),
            ("/api/v1/سلام/", "/api/v1/سلام/", None),
            ("/a/.well-known/x", "/a/.well-known/x", None),
            ("/a/...", "/a/...", None),
            ("/a?", "/a", Some("")),
        ] {
            assert_eq!(check_path(raw), Ok((path, query)), "{raw}");
        }
    }

    #[test]
    fn hostile_paths_are_refused_with_their_reason() {
        let long = format!("/{}", "a".repeat(100 * 1024));
        for (raw, reason) in [
            ("", PathError::Empty),
            (
                long.as_str(),
                PathError::TooLong {
                    len: long.len(),
                    max: MAX_PATH_LEN,
                },
            ),
            ("http://evil.example/x", PathError::AbsoluteUrl),
            ("https://evil.example", PathError::AbsoluteUrl),
            ("HTTPS://evil.example", PathError::AbsoluteUrl),
            ("mailto:x@evil.example", PathError::AbsoluteUrl),
            ("evil.example:443/x", PathError::AbsoluteUrl),
            ("javascript:alert(1)", PathError::AbsoluteUrl),
            ("//evil.example/x", PathError::SchemeRelative),
            ("///evil.example", PathError::SchemeRelative),
            ("/\\evil.example", PathError::Backslash),
            ("\\\\evil.example", PathError::Backslash),
            ("/a\\..\\..\\x", PathError::Backslash),
            ("@evil.example", PathError::NotAbsolute),
            ("api/v1/users/profile", PathError::NotAbsolute),
            (" /api", PathError::NotAbsolute),
            ("/@evil.example", PathError::UserInfo),
            ("/x@evil.example/y", PathError::UserInfo),
            ("/api\r\nx-evil: 1", PathError::ControlCharacter),
            ("/api\nHost: evil", PathError::ControlCharacter),
            ("/api\0", PathError::ControlCharacter),
            ("/api?q=\r\n", PathError::ControlCharacter),
            ("/api\u{85}", PathError::ControlCharacter),
            ("/api\u{1b}[2J", PathError::ControlCharacter),
            ("/api/../../admin", PathError::DotSegment),
            ("/api/./x", PathError::DotSegment),
            ("/..", PathError::DotSegment),
            ("/api#frag", PathError::Fragment),
            ("/%2F%2Fevil.example", PathError::Encoded),
            ("/%2f/evil.example", PathError::Encoded),
            ("/%2e%2e/admin", PathError::Encoded),
            ("/api/%2E%2E/%2E%2E/admin", PathError::Encoded),
            ("/%5Cevil.example", PathError::Encoded),
            ("/%40evil.example", PathError::Encoded),
            ("/api%0d%0ax-evil:%201", PathError::Encoded),
            ("/api%00", PathError::Encoded),
            ("/api%C2%85", PathError::Encoded),
        ] {
            assert_eq!(check_path(raw), Err(reason.clone()), "{raw:?}");
        }
        // A `%2F%2F` that does not begin the path is a plain encoded slash.
        assert!(check_path("/%2F%2Fevil.example").is_err());
        assert!(check_path("/a/%2F%2Fevil.example").is_ok());
    }

    /// Random paths over the characters that matter to URL parsers: whatever is accepted stays
    /// on the base URL's host and under its path, also once the URL is written out and parsed
    /// again (as a proxy or server reads it), and holds no dot segment once decoded.
    #[test]
    fn accepted_paths_never_leave_the_base_url() {
        let base = crate::config::parse_base_url("https://api.example/prefix/")
            .unwrap_or_else(|e| panic!("{e}"));
        let alphabet: Vec<char> = "/\\.%2eEfF5cC0@:?#a \t\r\n\0\u{7f}\u{85}\u{202e}ش"
            .chars()
            .collect();
        // xorshift64*: deterministic, no dependency.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let mut accepted = 0;
        for _ in 0..200_000 {
            let len = 1 + (next() % 12) as usize;
            let mut path = String::from("/");
            for _ in 0..len {
                path.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let Ok((clean, query)) = check_path(&path) else {
                continue;
            };
            accepted += 1;
            let mut url = crate::config::endpoint(&base, clean);
            if let Some(query) = query {
                url.set_query(Some(query));
            }
            let reparsed =
                reqwest::Url::parse(url.as_str()).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            for url in [&url, &reparsed] {
                assert_eq!(url.host_str(), Some("api.example"), "{path:?} -> {url}");
                assert_eq!(url.port(), None, "{path:?} -> {url}");
                assert!(url.username().is_empty(), "{path:?} -> {url}");
                assert!(url.path().starts_with("/prefix/"), "{path:?} -> {url}");
                let decoded = percent_decode(url.path().as_bytes());
                assert!(!has_dot_segment(&decoded), "{path:?} -> {url}");
                assert!(!decoded.contains(&b'\\'), "{path:?} -> {url}");
            }
        }
        assert!(
            accepted > 1_000,
            "only {accepted} accepted: the alphabet is too hostile"
        );
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode(b"/a%20b%zz%4"), b"/a b%zz%4");
        assert_eq!(percent_decode(b"%ff%FF"), [255, 255]);
    }
}
