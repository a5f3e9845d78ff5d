//! Any request under the base URL, with every safety of the documented operations: the one
//! request path of the client ([`crate::Client::request`]; the documented operations are built
//! on it too).
//!
//! A path is checked before anything is sent ([`check_path`]): it must be a path under the base
//! URL, never something a URL parser, a proxy or a server could read as another host or as a
//! path outside the base URL's.

use std::borrow::Cow;
use std::sync::Arc;

use hamravesh_types::Operation;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Version};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::body::parse_error_body_for;
use crate::config::{ORGANIZATION, check_path, organization};
use crate::error::{ConfigError, Error, Kind, PathError, shown_path};
use crate::transport::{Request, Success, Transport, decode_success};

/// A request being built by [`crate::Client::request`]: set its query parameters, its organization and
/// its JSON body, then send it for the raw answer ([`RequestBuilder::send_raw`]), for a typed
/// value ([`RequestBuilder::send`]) or for every item of a paginated list
/// ([`RequestBuilder::pages`], defined with the walk).
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
    transport: Arc<Transport>,
    method: Method,
    /// The documented operation it is, when built for one: its method and organization rule.
    operation: Option<&'static Operation>,
    path: Cow<'static, str>,
    query: Vec<(String, String)>,
    organization: Option<String>,
    json: Option<Vec<u8>>,
    /// The first problem met while building, reported by the send.
    error: Option<Error>,
}

impl std::fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &shown_path(&self.path))
            .field("query", &self.query.len())
            .field("organization", &self.organization.is_some())
            .field("body_len", &self.json.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

impl RequestBuilder {
    /// A request of `method` to `path` (checked when sent).
    pub(crate) fn new(transport: Arc<Transport>, method: Method, path: Cow<'static, str>) -> Self {
        Self {
            transport,
            method,
            operation: None,
            path,
            query: Vec::new(),
            organization: None,
            json: None,
            error: None,
        }
    }

    /// A request for a documented operation at `path` (its template filled in): its method, and
    /// for an organization-scoped operation an organization that must be given.
    pub(crate) fn for_operation(
        transport: Arc<Transport>,
        operation: &'static Operation,
        path: Cow<'static, str>,
    ) -> Self {
        let method = Method::from_bytes(operation.method.as_bytes()).ok();
        let mut builder = Self::new(transport, method.clone().unwrap_or(Method::GET), path);
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

    /// The path as given.
    #[cfg(test)]
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Makes the send fail with `error`, unless an earlier problem already does.
    pub(crate) fn fail(mut self, error: Error) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// The method, path and organization of a next page: the same request at another path.
    pub(crate) fn next_page(&self, path: String) -> Self {
        let mut next = Self::new(self.transport.clone(), self.method.clone(), path.into());
        next.organization = self.organization.clone();
        next
    }

    /// Checks everything and makes the request the loop sends.
    pub(crate) fn build(self, raw: bool) -> Result<(Arc<Transport>, Request), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let invalid = |source: PathError| -> Error {
            ConfigError::InvalidPath {
                path: shown_path(&self.path),
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
        request.raw = raw;
        Ok((self.transport, request))
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
        let (transport, request) = self.build(true)?;
        let success = transport.execute(&request).await?;
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
        let (transport, request) = self.build(false)?;
        let success = transport.execute(&request).await?;
        decode_success(&request, success.status, &success.body, success.attempts)
    }

    /// Sends the request; a successful answer, or the error.
    pub(crate) async fn send_success(self) -> Result<Success, Error> {
        let (transport, request) = self.build(false)?;
        transport.execute(&request).await
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
        if let Some(name) = &self.organization
            && let Ok(value) = HeaderValue::from_str(name)
        {
            request.headers.insert(ORGANIZATION, value);
        }
        debug_assert_eq!(request.is_idempotent(), self.idempotent);
        decode_success(&request, self.status, &self.body, self.attempts)
    }
}

/// Checks `path` as [`crate::Client::request`] checks it when sending, without a client or a request:
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
            path: shown_path(path),
            source,
        }
        .into()
    })
}

/// Checks an organization name as [`RequestBuilder::organization`] checks it when sending: `Ok`,
/// or the same error ([`ConfigError::InvalidOrganization`]), so that a program can tell a name
/// no request can carry (from a profile, say) before acting for it.
///
/// ```
/// assert!(hamravesh::check_organization("my-team").is_ok());
/// assert!(hamravesh::check_organization("my team").unwrap_err().is_config());
/// ```
pub fn check_organization(name: &str) -> Result<(), Error> {
    organization(name).map(|_| ()).map_err(Error::from)
}
