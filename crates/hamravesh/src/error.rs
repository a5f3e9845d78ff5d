//! Errors of the client: each says what happened and what to do about it, and none holds the key.
//!
//! [`Error`] is a kind plus the facts every kind shares (the request, how many attempts were made,
//! whether the total deadline ended the call), like `std::io::Error` or `reqwest::Error`. Its
//! `Display` says its own part only; the cause, when there is one, is [`std::error::Error::source`].
//! [`Error::report`] gives the message and every cause on one line, ready to print.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::text::one_line;

/// How many characters of server text (an error `detail`, an HTML page, a `Location`) an error
/// message quotes. The whole body stays available through [`Error::body`] and [`Error::raw_body`].
pub const MAX_QUOTED_CHARS: usize = 300;

/// How many characters of a URL a message quotes.
pub(crate) const MAX_URL_CHARS: usize = 100;

/// A URL as it may appear in a message, never with anything that could be a credential: when
/// the text holds an `@` anywhere, only its scheme and the part after the LAST `@` up to the next
/// `/`, `?` or `#` are shown (a password may itself hold `/`, `?`, `#` or `@`, so no parse of the
/// authority is trusted). Otherwise the URL is shown whole. Either way on one line, cut to
/// [`MAX_URL_CHARS`] characters, control characters escaped.
pub(crate) fn shown_url(raw: &str) -> String {
    let raw = raw.trim();
    // A scheme is letters, digits, `+`, `-` and `.` after a letter; anything else before `://`
    // is not one and is not shown (it could be part of a credential).
    let scheme = raw.find("://").map(|at| &raw[..at]).filter(|scheme| {
        scheme.len() <= 20
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let shown = match raw.rfind('@') {
        Some(at) => {
            let after = &raw[at + 1..];
            let host = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
            // Cut before joining so a huge URL is not copied whole.
            let host: String = host.chars().take(MAX_URL_CHARS + 1).collect();
            match scheme {
                Some(scheme) => format!("{scheme}://{host}"),
                None => host,
            }
        }
        None => raw.chars().take(MAX_URL_CHARS + 1).collect(),
    };
    one_line(&shown, MAX_URL_CHARS)
}

/// A problem with the client's configuration, found before any request is sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key was given (or `HAMRAVESH_API_KEY` is unset or empty).
    #[error(
        "no API key: set HAMRAVESH_API_KEY (create a key in the Hamravesh console under Profile → API keys)"
    )]
    MissingApiKey,
    /// `HAMRAVESH_API_KEY` is set but is not valid UTF-8, so it cannot be a key.
    #[error(
        "HAMRAVESH_API_KEY is set but is not valid UTF-8; copy the key again from the Hamravesh console"
    )]
    ApiKeyNotUnicode,
    /// The API key cannot be sent in an HTTP header.
    #[error(
        "the API key contains characters that cannot be sent in an HTTP header (check for quotes or line breaks)"
    )]
    InvalidApiKey,
    /// The base URL cannot be used; the source says why.
    #[error("invalid base URL \"{url}\"")]
    InvalidBaseUrl {
        /// The URL as given, without any user name or password, cut to 100 characters and with
        /// control characters escaped.
        url: String,
        /// Why it was refused.
        #[source]
        source: BaseUrlError,
    },
    /// The base URL is plain HTTP to a host that is not loopback: the key would travel in clear text.
    #[error(
        "refusing to send the API key over plain HTTP to {host}: use https:// (http:// is allowed only for loopback addresses)"
    )]
    InsecureBaseUrl {
        /// The host that was refused.
        host: String,
    },
    /// The user agent cannot be sent in an HTTP header.
    #[error("invalid user agent (it must be visible ASCII)")]
    InvalidUserAgent(#[source] reqwest::header::InvalidHeaderValue),
    /// reqwest could not build its client (for example no TLS roots).
    #[error("cannot build the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// reqwest refused to build a request from this configuration.
    #[error("cannot build the request from this configuration")]
    InvalidRequest(#[source] reqwest::Error),
    /// An organization name that cannot be sent in the `x-organization` header (empty, too
    /// long, or holding spaces, control characters or non-ASCII characters).
    #[error(
        "invalid organization name \"{name}\": {reason}; pass the organization's `name` (its slug) as the profile lists it"
    )]
    InvalidOrganization {
        /// The name as given, cut to 60 characters and with control characters escaped.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A request path ([`crate::Client::request`]) that is not a path under the base URL, or that
    /// could be read as one outside it: nothing was sent, so the key went nowhere. The source
    /// ([`PathError`]) says why.
    #[error("invalid request path \"{path}\"")]
    InvalidPath {
        /// The path as given, without any user name or password, cut to 100 characters and with
        /// control characters escaped.
        path: String,
        /// Why it was refused.
        #[source]
        source: PathError,
    },
    /// A page size of zero: the service would ignore it and use its own.
    #[error("the page size must be at least 1")]
    InvalidPageSize,
    /// An operation of the list names a method the client cannot send (a bug in the list).
    #[error("the operation {0} cannot be sent: its method or path is malformed")]
    InvalidOperation(&'static str),
    /// A request body could not be encoded as JSON.
    #[error("cannot encode the request body as JSON")]
    InvalidRequestBody(#[source] serde_json::Error),
    /// The blocking client could not start its private runtime.
    #[error("cannot start the blocking client's I/O runtime")]
    Runtime(#[source] std::io::Error),
    /// The blocking client was built or called inside an async runtime, where blocking would
    /// stall (or, in tokio, panic).
    #[error(
        "the blocking client cannot be used inside an async runtime; use the async hamravesh::Client there"
    )]
    InsideAsyncRuntime,
}

/// Why a base URL was refused (the source of [`ConfigError::InvalidBaseUrl`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaseUrlError {
    /// It does not parse as a URL.
    #[error(transparent)]
    Parse(#[from] url::ParseError),
    /// It has no host (`mailto:x`, `data:…`).
    #[error("it has no host")]
    NoHost,
    /// It holds a user name or password.
    #[error("credentials in the URL are not supported; the API key is sent in a header")]
    Credentials,
    /// It has a query or a fragment.
    #[error("a base URL has no query or fragment")]
    QueryOrFragment,
    /// Its scheme is neither `https` nor `http`.
    #[error("unsupported scheme \"{0}\"; use https://")]
    Scheme(String),
    /// It is longer than any real base URL.
    #[error("it is {len} bytes long; a base URL has at most {max}")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// `HAMRAVESH_BASE_URL` is not valid UTF-8.
    #[error("HAMRAVESH_BASE_URL is not valid UTF-8")]
    NotUnicode,
}

/// Why a request path was refused (the source of [`ConfigError::InvalidPath`]). Each is found
/// before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// It is empty.
    #[error("it is empty; give a path such as /api/v1/users/profile")]
    Empty,
    /// It is longer than any request line a server takes.
    #[error(
        "it is {len} bytes long as sent (percent-encoded, with its query); a request path has at most {max}"
    )]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An absolute URL (`https://host/…`, `mailto:…`): the key is sent only to the base URL.
    #[error(
        "it is an absolute URL; give a path under the base URL such as /api/v1/users/profile (the API key is sent only to the base URL's host; change the host with --base-url or HAMRAVESH_BASE_URL)"
    )]
    AbsoluteUrl,
    /// A scheme-relative URL (`//host/…`), which names another host.
    #[error(
        "it starts with //, which names a host; give a path under the base URL such as /api/v1/users/profile"
    )]
    SchemeRelative,
    /// It does not start with `/`.
    #[error("it does not start with /; give a path such as /api/v1/users/profile")]
    NotAbsolute,
    /// It holds a backslash, which URL parsers read as `/` (so `/\host` is `//host`).
    #[error("it holds a backslash, which URL parsers read as / (so it could name another host)")]
    Backslash,
    /// It holds a control character (a line break, a NUL, …), which could split the request.
    #[error("it holds a control character (a line break, NUL, escape, …)")]
    ControlCharacter,
    /// Its path part holds `@`, which URL parsers read as the end of credentials before a host.
    #[error("its path holds @, which could be read as credentials before another host")]
    UserInfo,
    /// It holds a `.` or `..` segment, which would move it elsewhere (outside the base URL's
    /// path, when it has one).
    #[error("it holds a . or .. segment; give the path as it is meant, without dot segments")]
    DotSegment,
    /// It holds `#`: a fragment is never sent.
    #[error("it holds #, and a fragment is never sent to the server; percent-encode it as %23")]
    Fragment,
    /// Once percent-decoded it starts with `//`, holds a backslash, `@`, a control character or
    /// a dot segment: a server or proxy that decodes it could read another path or host.
    #[error(
        "once percent-decoded it starts with //, or holds a backslash, @, a control character or a dot segment"
    )]
    Encoded,
    /// Joined to the base URL it would leave the base URL's origin or path.
    #[error("joined to the base URL it would leave the base URL's host or path")]
    OutsideBase,
}

/// The body of an error response, parsed as far as it goes. It holds the whole body (up to the
/// client's body limit); its `Display` quotes at most [`MAX_QUOTED_CHARS`] characters on one line.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ApiErrorBody {
    /// The service's error envelope, `{"detail": ..., "code"?: ..., "success"?: false}`.
    Envelope {
        /// What went wrong, often in Persian, as sent (it may hold control characters: pass it
        /// through [`crate::text::terminal_safe`] before printing it).
        detail: String,
        /// A machine-readable code such as `not_authenticated` or `permission_denied`.
        code: Option<String>,
        /// Always `false` when present.
        success: Option<bool>,
    },
    /// Django REST framework's validation errors (a `400` whose body maps each field to its
    /// messages, `non_field_errors` included), flattened: see [`FieldErrors`].
    Fields(FieldErrors),
    /// JSON that is not the envelope.
    Json(serde_json::Value),
    /// Not JSON (an HTML page from a proxy, say), decoded as UTF-8 with invalid bytes replaced;
    /// also JSON that would take more than 16 times its size in memory as a
    /// `serde_json::Value` (a long list of tiny objects, say), kept as text instead.
    Text(String),
    /// No body.
    Empty,
    /// The body was larger than the client's limit and was not kept.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

impl ApiErrorBody {
    /// The envelope's `detail`, if the body was the service's envelope.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Envelope { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// The validation errors, if the body was Django REST framework's field envelope.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Fields(fields) => Some(fields),
            _ => None,
        }
    }

    /// The envelope's `code`, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Envelope { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Envelope {
                detail,
                code: Some(code),
                ..
            } => {
                let code = one_line(code, 60);
                let room = MAX_QUOTED_CHARS.saturating_sub(code.chars().count() + 3);
                write!(f, "{} ({code})", one_line(detail, room))
            }
            Self::Envelope {
                detail, code: None, ..
            } => f.write_str(&one_line(detail, MAX_QUOTED_CHARS)),
            Self::Json(value) => {
                // Serialise no more than is quoted: a huge value costs no more than a small one.
                let mut writer = CappedWriter::new(MAX_QUOTED_CHARS * 4);
                let _ = serde_json::to_writer(&mut writer, value);
                f.write_str(&one_line(
                    &String::from_utf8_lossy(&writer.bytes),
                    MAX_QUOTED_CHARS,
                ))
            }
            Self::Fields(fields) => fmt::Display::fmt(fields, f),
            Self::Text(text) => f.write_str(&one_line(text, MAX_QUOTED_CHARS)),
            Self::Empty => f.write_str("empty body"),
            Self::TooLarge { limit } => {
                write!(f, "a body larger than the {limit}-byte limit (not read)")
            }
        }
    }
}

/// Validation errors as Django REST framework sends them with a `400`: each field that was
/// refused and its messages, in the order of the body, `non_field_errors` (errors about the
/// request as a whole) first. Nested fields are named by their path: `cluster.id`,
/// `items[0].name`. The messages are exact up to 4096 bytes (longer ones are cut and end with
/// `…`; often Persian, possibly holding control characters: pass them through
/// [`crate::text::terminal_safe`] before printing them). Whatever the body, at most 100 fields
/// are kept (and `non_field_errors`, wherever it comes), each with at most 20 messages and a
/// path of at most 200 characters; the number of further fields is [`FieldErrors::omitted`]. `Display` lists them on one line of at most
/// [`MAX_QUOTED_CHARS`] characters, made safe.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors {
    fields: Vec<FieldError>,
    omitted: usize,
}

/// One field of [`FieldErrors`] and its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    field: String,
    messages: Vec<String>,
}

/// The key under which Django REST framework lists errors that concern no single field.
pub const NON_FIELD_ERRORS: &str = "non_field_errors";

impl FieldError {
    pub(crate) fn new(field: String, messages: Vec<String>) -> Self {
        Self { field, messages }
    }

    /// The field's name or path (`name`, `cluster.id`, `non_field_errors`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What the service said about it, exact.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }
}

impl FieldErrors {
    /// `fields` with `non_field_errors` moved first, the rest in the order given; `omitted`
    /// more were in the body but not kept.
    pub(crate) fn new(mut fields: Vec<FieldError>, omitted: usize) -> Self {
        fields.sort_by_key(|f| f.field != NON_FIELD_ERRORS);
        Self { fields, omitted }
    }

    /// How many further refused fields the body listed beyond the 100 kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// Every refused field with its messages.
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.fields.iter()
    }

    /// The messages about `field` (a name or a path such as `cluster.id`), if it was refused.
    pub fn get(&self, field: &str) -> Option<&[String]> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.messages.as_slice())
    }

    /// The messages about the request as a whole (`non_field_errors`); empty if none.
    pub fn non_field_errors(&self) -> &[String] {
        self.get(NON_FIELD_ERRORS).unwrap_or_default()
    }

    /// How many refused fields are kept (at most 100, and `non_field_errors`; see
    /// [`FieldErrors::omitted`]).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether no field was refused.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Display for FieldErrors {
    /// `field: message message; other: message`, one line, at most [`MAX_QUOTED_CHARS`]
    /// characters, control characters escaped; built from no more text than it can show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let budget = MAX_QUOTED_CHARS * 4;
        let mut text = String::new();
        'fields: for (i, field) in self.fields.iter().enumerate() {
            if text.len() > budget {
                break;
            }
            if i > 0 {
                text.push_str("; ");
            }
            text.extend(field.field.chars().take(budget));
            text.push(':');
            for message in &field.messages {
                text.push(' ');
                text.extend(message.chars().take(budget));
                if text.len() > budget {
                    break 'fields;
                }
            }
        }
        if self.omitted == 0 {
            return f.write_str(&one_line(&text, MAX_QUOTED_CHARS));
        }
        let more = format!(" (and {} more fields)", self.omitted);
        let room = MAX_QUOTED_CHARS.saturating_sub(more.len());
        write!(f, "{}{more}", one_line(&text, room))
    }
}

/// Collects up to `cap` bytes and then refuses more, ending serialisation early.
struct CappedWriter {
    bytes: Vec<u8>,
    cap: usize,
}

impl CappedWriter {
    fn new(cap: usize) -> Self {
        Self {
            bytes: Vec::new(),
            cap,
        }
    }
}

impl std::io::Write for CappedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.cap.saturating_sub(self.bytes.len());
        if room == 0 {
            return Err(std::io::Error::other("enough"));
        }
        let n = room.min(buf.len());
        self.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What kind of error an [`Error`] is, for matching. More kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client is misconfigured; nothing was sent. See [`Error::config`].
    Config,
    /// The service rejected the API key (401 or 403).
    Unauthorized,
    /// The service refused the request's content (a `400` listing each field and its
    /// messages). See [`Error::field_errors`].
    Validation,
    /// The service answered with another error status.
    Api,
    /// A redirect the client does not follow (to another origin, a loop, no `Location`, a 304,
    /// any redirect answering a request that is not idempotent).
    Redirect,
    /// No response within the per-attempt timeout or before the total deadline.
    Timeout,
    /// The connection failed or broke (DNS, refused, reset, TLS, a malformed or truncated response).
    Transport,
    /// The response body exceeded the configured limit.
    BodyTooLarge,
    /// The body does not match the documented shape. See [`Error::decode_error`].
    Decode,
    /// Walking a paginated list was stopped: a page contradicted the earlier ones (the total
    /// changed or is negative, a page repeated items already seen), a `next` link pointed at
    /// another host,
    /// or a safety cap on pages or items was reached.
    Pagination,
}

/// Why a call failed: a kind, and the facts shared by every kind (the request, the number of
/// attempts, whether the total deadline ended it).
///
/// ```
/// # fn show(error: hamravesh::Error) {
/// use hamravesh::ErrorKind;
/// match error.kind() {
///     ErrorKind::Config => eprintln!("fix the configuration: {}", error.report()),
///     ErrorKind::Unauthorized => eprintln!("check HAMRAVESH_API_KEY: {}", error.report()),
///     _ => eprintln!("{}", error.report()),
/// }
/// # }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    /// Requests made in all; 0 when nothing was sent.
    attempts: u32,
    /// `GET /api/v1/users/profile`, when a request was involved.
    method: Option<reqwest::Method>,
    path: Option<String>,
    /// The organization an organization-scoped request acted for (cut, made safe).
    organization: Option<String>,
    /// The total deadline, when it is what ended the call.
    deadline: Option<Deadline>,
    /// A request that is not idempotent was answered with success (this status), but the
    /// answer did not decode: what was done, and what not to do.
    carried_out: Option<(CarriedOut, StatusCode)>,
}

/// What a request that is not idempotent did when the service says it succeeded.
#[derive(Debug, Clone)]
pub(crate) struct CarriedOut {
    /// `the namespace was created`.
    pub(crate) done: std::borrow::Cow<'static, str>,
    /// `do not create it again`.
    pub(crate) again: &'static str,
}

/// How the total deadline ended a call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Deadline {
    /// An attempt was cut short when the deadline passed.
    DuringAttempt(Duration),
    /// The wait before the next retry would have passed the deadline, so it was not taken.
    BeforeRetry(Duration),
}

pub(crate) enum Kind {
    Config(ConfigError),
    Status {
        status: StatusCode,
        body: ApiErrorBody,
        raw: Vec<u8>,
    },
    Redirect {
        status: StatusCode,
        location: Option<String>,
        reason: RedirectReason,
    },
    Timeout {
        after: Duration,
        source: reqwest::Error,
    },
    Transport(reqwest::Error),
    BodyTooLarge {
        limit: usize,
    },
    Decode {
        source: hamravesh_types::DecodeError,
        hint: Option<BodyHint>,
    },
    Pagination {
        problem: PageProblem,
        /// The offset of the page that was refused (or that would have been asked for).
        offset: u64,
    },
}

/// Why walking a paginated list stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageProblem {
    /// `next` points at another origin than the base URL's (shown without credentials, cut).
    OtherOrigin { next: String },
    /// `next` is not a URL.
    InvalidNext { next: String },
    /// The total changed between pages: offsets moved, so items may be skipped or repeated.
    CountChanged { first: i64, now: i64 },
    /// More items arrived than the total said there were.
    MoreThanCount { count: i64 },
    /// The total is negative, which no list can be.
    NegativeCount { count: i64 },
    /// A non-empty page held only items already seen.
    NoProgress,
    /// The cap on pages was reached before the end.
    TooManyPages { max: u32 },
    /// The cap on items was reached before the end.
    TooManyItems { max: u64 },
    /// The cap on the bytes of every page together was reached before the end.
    TooManyBytes { max: u64 },
    /// `next` named a page already read: following it would loop.
    RepeatedNext { next: String },
    /// `next` names a path that may not be requested (outside the base URL's path, say).
    RefusedNext { next: String, reason: PathError },
}

/// Why a redirect was not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectReason {
    /// `Location` points at another origin: the key stays with the configured one.
    OtherOrigin,
    /// Redirects within the origin went on past the limit of `max`.
    TooMany { max: usize },
    /// No `Location` header.
    MissingLocation,
    /// A `Location` that is not a URL.
    InvalidLocation,
    /// `304 Not Modified`, though the client never sends a conditional request.
    NotModified,
    /// A 3xx the client does not follow (300, 305, …).
    NotFollowed,
    /// Any redirect answering a request that is not idempotent: following it would send a
    /// POST again (307, 308) or turn it into a GET (301, 302, 303). The request may have been
    /// carried out.
    NotIdempotent,
    /// A caller's own HTTP client followed a redirect of a request that is not idempotent.
    FollowedNotIdempotent,
}

/// What the start of a body that failed to decode says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyHint {
    Gzip,
    Bom,
    Empty,
    Html,
}

impl BodyHint {
    /// Recognises a body that is plainly not what was asked for.
    pub(crate) fn of(body: &[u8]) -> Option<Self> {
        let trimmed = body.trim_ascii_start();
        if body.starts_with(&[0x1f, 0x8b]) {
            Some(Self::Gzip)
        } else if body.starts_with(b"\xEF\xBB\xBF") {
            Some(Self::Bom)
        } else if trimmed.is_empty() {
            Some(Self::Empty)
        } else if trimmed.first() == Some(&b'<') {
            Some(Self::Html)
        } else {
            None
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Gzip => {
                "the body is gzip-compressed, though the client did not ask for compression"
            }
            Self::Bom => "the body starts with a UTF-8 byte-order mark, which JSON does not allow",
            Self::Empty => "the body is empty",
            Self::Html => "the body is HTML or XML, not JSON",
        }
    }
}

impl Error {
    pub(crate) fn new(kind: Kind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                attempts: 0,
                method: None,
                path: None,
                organization: None,
                deadline: None,
                carried_out: None,
            }),
        }
    }

    pub(crate) fn with_request(
        mut self,
        method: &reqwest::Method,
        path: &str,
        attempts: u32,
    ) -> Self {
        self.inner.method = Some(method.clone());
        self.inner.path = Some(path.to_owned());
        self.inner.attempts = attempts;
        self
    }

    /// Notes the organization an organization-scoped request acted for, so that a refusal can
    /// name it.
    pub(crate) fn with_organization(mut self, organization: Option<&str>) -> Self {
        self.inner.organization = organization.map(|name| one_line(name, 60));
        self
    }

    /// Notes that the service answered `status`, a success, to a request that is not
    /// idempotent: the request was carried out although its answer could not be used.
    pub(crate) fn with_carried_out(mut self, carried_out: CarriedOut, status: StatusCode) -> Self {
        self.inner.carried_out = Some((carried_out, status));
        self
    }

    pub(crate) fn with_deadline(mut self, deadline: Deadline) -> Self {
        self.inner.deadline = Some(deadline);
        self
    }

    /// An error status as the answer it was (status and body), for a raw request, which hands
    /// back every answer; an error status whose body was over the cap becomes
    /// [`ErrorKind::BodyTooLarge`]. Any other error is given back unchanged.
    pub(crate) fn into_answer(self) -> Result<(StatusCode, Vec<u8>), Error> {
        let mut inner = self.inner;
        match std::mem::replace(&mut inner.kind, Kind::BodyTooLarge { limit: 0 }) {
            Kind::Status {
                body: ApiErrorBody::TooLarge { limit },
                ..
            } => Err(Error::new(Kind::BodyTooLarge { limit })),
            Kind::Status { status, raw, .. } => Ok((status, raw)),
            kind => {
                inner.kind = kind;
                Err(Error { inner })
            }
        }
    }

    pub(crate) fn kind_ref(&self) -> &Kind {
        &self.inner.kind
    }

    /// A decode error for this body, with a hint when the body is plainly not JSON (gzip, a
    /// byte-order mark, HTML, nothing).
    pub fn from_decode(source: hamravesh_types::DecodeError, body: &[u8]) -> Self {
        let hint = if source.is_syntax() {
            BodyHint::of(body)
        } else {
            None
        };
        Self::new(Kind::Decode { source, hint })
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        match &self.inner.kind {
            Kind::Config(_) => ErrorKind::Config,
            Kind::Status { status, .. } if is_unauthorized(*status) => ErrorKind::Unauthorized,
            Kind::Status {
                body: ApiErrorBody::Fields(_),
                ..
            } => ErrorKind::Validation,
            Kind::Status { .. } => ErrorKind::Api,
            Kind::Redirect { .. } => ErrorKind::Redirect,
            Kind::Timeout { .. } => ErrorKind::Timeout,
            Kind::Transport(_) => ErrorKind::Transport,
            Kind::BodyTooLarge { .. } => ErrorKind::BodyTooLarge,
            Kind::Decode { .. } => ErrorKind::Decode,
            Kind::Pagination { .. } => ErrorKind::Pagination,
        }
    }

    /// Whether the configuration is at fault (nothing was sent, or a request could not be built
    /// from it): the user's to fix, not the network's.
    pub fn is_config(&self) -> bool {
        matches!(self.inner.kind, Kind::Config(_))
    }

    /// The configuration problem, for [`ErrorKind::Config`].
    pub fn config(&self) -> Option<&ConfigError> {
        match &self.inner.kind {
            Kind::Config(config) => Some(config),
            _ => None,
        }
    }

    /// The decoding failure (with the JSON path of the field), for [`ErrorKind::Decode`].
    pub fn decode_error(&self) -> Option<&hamravesh_types::DecodeError> {
        match &self.inner.kind {
            Kind::Decode { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Whether the service may have carried out the request although the call failed: it timed
    /// out or the connection broke after the request was sent, or the answer was `500`, `502` or
    /// `504`. After creating a namespace fails this way, look before creating it again.
    ///
    /// Also true when the service said it carried the request out but its answer could not be
    /// read ([`Error::is_carried_out`]): then it did, and sending it again would do it twice.
    pub fn is_outcome_unknown(&self) -> bool {
        self.inner.carried_out.is_some() || self.may_have_acted()
    }

    /// Whether the service may have acted on a request whose attempt failed this way, though no
    /// answer said so: a timeout or a broken connection after the connection was made, a server that
    /// failed partway (`500`), or a gateway that gave up on the backend (`502`, `504`). A connection
    /// that was never made, and every other answer (`503` included), leave no doubt.
    pub(crate) fn may_have_acted(&self) -> bool {
        match &self.inner.kind {
            Kind::Timeout { source, .. } | Kind::Transport(source) => !source.is_connect(),
            Kind::Status { status, .. } => matches!(status.as_u16(), 500 | 502 | 504),
            // A redirect answering a POST came from something that read the request; whether it
            // acted on it first, only the service knows.
            Kind::Redirect { reason, .. } => matches!(
                reason,
                RedirectReason::NotIdempotent | RedirectReason::FollowedNotIdempotent
            ),
            _ => false,
        }
    }

    /// Whether a request that is not idempotent (creating a namespace) was carried out: the
    /// service answered with success, but the answer does not match the documented shape
    /// ([`ErrorKind::Decode`]). Do not send it again; look the result up instead.
    pub fn is_carried_out(&self) -> bool {
        self.inner.carried_out.is_some()
    }

    /// Whether the key was rejected (401 or 403).
    pub fn is_unauthorized(&self) -> bool {
        self.kind() == ErrorKind::Unauthorized
    }

    /// Whether no response came in time: the per-attempt timeout or the total deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self.inner.kind, Kind::Timeout { .. })
    }

    /// Whether the total deadline ([`crate::ClientBuilder::total_timeout`]) ended the call,
    /// during an attempt or by leaving no time for the next retry.
    pub fn is_deadline(&self) -> bool {
        self.inner.deadline.is_some()
    }

    /// How many requests were made in all (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The HTTP method of the failed call, if a request was involved.
    pub fn method(&self) -> Option<&reqwest::Method> {
        self.inner.method.as_ref()
    }

    /// The organization an organization-scoped call acted for (its name as sent, cut to 60
    /// characters), if the call was organization-scoped.
    pub fn organization(&self) -> Option<&str> {
        self.inner.organization.as_deref()
    }

    /// The API path of the failed call (`/api/v1/users/profile`), if a request was involved.
    pub fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.inner.kind {
            Kind::Status { status, .. } | Kind::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The parsed error body, whole, for error statuses.
    pub fn body(&self) -> Option<&ApiErrorBody> {
        match &self.inner.kind {
            Kind::Status { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The error body's bytes as received (up to the client's body limit; empty when the body
    /// was larger), for error statuses.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match &self.inner.kind {
            Kind::Status { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// The refused fields and their messages, for [`ErrorKind::Validation`].
    ///
    /// ```
    /// # fn show(error: hamravesh::Error) {
    /// if let Some(fields) = error.field_errors() {
    ///     for field in fields {
    ///         eprintln!("{}: {}", field.field(), field.messages().join(" "));
    ///     }
    /// }
    /// # }
    /// ```
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        self.body().and_then(ApiErrorBody::field_errors)
    }

    /// The `Location` header of a redirect that was not followed, as sent.
    pub fn location(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Redirect { location, .. } => location.as_deref(),
            _ => None,
        }
    }

    /// The message and every cause, joined with `": "` on one line, each part cut to
    /// [`MAX_QUOTED_CHARS`] characters and with control characters escaped: what a program
    /// prints for a person.
    pub fn report(&self) -> String {
        let mut report = one_line(&format!("{self}"), MAX_QUOTED_CHARS * 2);
        let mut cause = std::error::Error::source(self);
        let mut previous = String::new();
        while let Some(error) = cause {
            let part = one_line(&error.to_string(), MAX_QUOTED_CHARS);
            // Some libraries repeat their cause in their own message; print each once.
            if !part.is_empty() && !previous.contains(&part) {
                report.push_str(": ");
                report.push_str(&part);
            }
            previous = part;
            cause = error.source();
        }
        report
    }
}

/// Whether sending the request twice has the effect of sending it once (RFC 9110, 9.2.2).
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::PUT,
        Method::DELETE,
    ]
    .contains(method)
}

fn is_unauthorized(status: StatusCode) -> bool {
    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
}

impl fmt::Display for Error {
    /// The error's own message; with `{:#}`, [`Error::report`]: the message and every cause.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return f.write_str(&self.report());
        }
        let inner = &self.inner;
        // How many attempts, and whether the deadline stopped the retries: said right after the
        // headline, before any server text.
        let note = match (inner.attempts, inner.deadline) {
            (n, Some(Deadline::BeforeRetry(total))) => format!(
                " after {n} {} (the next retry would pass the total deadline of {total:?})",
                plural(n)
            ),
            (n, _) if n > 1 => format!(" after {n} attempts"),
            _ => String::new(),
        };
        // A write that may have happened says so before anything else is quoted.
        let note = match &inner.method {
            Some(method)
                if !is_idempotent(method)
                    && inner.carried_out.is_none()
                    && self.is_outcome_unknown() =>
            {
                format!(
                    "{note} (the {method} may have been carried out: check before sending it again)"
                )
            }
            _ => note,
        };
        match &inner.kind {
            Kind::Config(config) => fmt::Display::fmt(config, f),
            Kind::Status { status, body, .. }
                if *status == StatusCode::FORBIDDEN && inner.organization.is_some() =>
            {
                write!(
                    f,
                    "the API refused the request ({status}){note}: {body}; check HAMRAVESH_API_KEY, and that \"{}\" is the `name` of an organization of the key's account (the profile lists them); some operations may also be refused to API keys",
                    inner.organization.as_deref().unwrap_or_default()
                )
            }
            Kind::Status { status, body, .. } if is_unauthorized(*status) => write!(
                f,
                "the API key was rejected ({status}){note}: {body}; check HAMRAVESH_API_KEY"
            ),
            Kind::Status {
                status,
                body: body @ ApiErrorBody::Fields(_),
                ..
            } => write!(
                f,
                "the API refused the request as invalid ({status}){note}: {body}"
            ),
            Kind::Status { status, body, .. } => {
                write!(f, "the API answered {status}{note}: {body}")
            }
            Kind::Redirect {
                status,
                location,
                reason,
            } => {
                // A Location is the server's text and may carry a user name and password (or
                // the key itself, echoed): shown as every URL is, never with its credentials.
                let location = location.as_deref().map(shown_url).unwrap_or_default();
                match reason {
                    RedirectReason::OtherOrigin => write!(
                        f,
                        "the API redirected ({status}) to \"{location}\", another origin; not followed so the API key stays with the configured host"
                    ),
                    RedirectReason::TooMany { max } => write!(
                        f,
                        "the API kept redirecting ({status}) within its origin, last to \"{location}\"; stopped after {max} redirects (a redirect loop?)"
                    ),
                    RedirectReason::MissingLocation => write!(
                        f,
                        "the API answered {status}, a redirect with no Location header"
                    ),
                    RedirectReason::InvalidLocation => write!(
                        f,
                        "the API redirected ({status}) to \"{location}\", which is not a valid URL"
                    ),
                    RedirectReason::NotModified => write!(
                        f,
                        "the API answered {status}, though the client sent no conditional request"
                    ),
                    RedirectReason::NotFollowed => write!(
                        f,
                        "the API answered {status} (to \"{location}\"), a redirect the client does not follow"
                    ),
                    RedirectReason::NotIdempotent => write!(
                        f,
                        "the API answered {status} (to \"{location}\") to a request that is not idempotent; not followed, since following it would send the request again or as another method"
                    ),
                    RedirectReason::FollowedNotIdempotent => write!(
                        f,
                        "the request, which is not idempotent, was redirected to \"{location}\" (by the caller's own HTTP client, which follows redirects), answered {status} there; its answer is not used"
                    ),
                }?;
                f.write_str(&note)
            }
            Kind::Timeout { after, .. } => match inner.deadline {
                Some(Deadline::DuringAttempt(total)) => write!(
                    f,
                    "no response before the total deadline of {total:?} passed{note}; the API or the network is slow or down"
                ),
                _ => write!(
                    f,
                    "no response within {after:?}{note}; the API or the network is slow or down"
                ),
            },
            Kind::Transport(_) => write!(f, "network error talking to the API{note}"),
            Kind::BodyTooLarge { limit } => {
                write!(
                    f,
                    "the response body exceeds the limit of {limit} bytes{note}"
                )
            }
            Kind::Decode { hint, .. } => {
                if let Some((carried_out, status)) = &inner.carried_out {
                    write!(
                        f,
                        "{} (the API answered {status}: {}), but its answer does not match the documented shape",
                        carried_out.done, carried_out.again
                    )?;
                    if let Some(hint) = hint {
                        write!(f, " ({})", hint.describe())?;
                    }
                    return f.write_str(&note);
                }
                f.write_str("the API's response does not match the documented shape")?;
                if let Some(hint) = hint {
                    write!(f, " ({})", hint.describe())?;
                }
                f.write_str(&note)
            }
            Kind::Pagination { problem, offset } => {
                write!(f, "paging stopped at offset {offset}{note}: ")?;
                match problem {
                    PageProblem::OtherOrigin { next } => write!(
                        f,
                        "the page's next link \"{next}\" points at another origin (host or port) than the base URL's; not followed, so the API key stays with the configured host"
                    ),
                    PageProblem::InvalidNext { next } => {
                        write!(f, "the page's next link \"{next}\" is not a valid URL")
                    }
                    PageProblem::CountChanged { first, now } => write!(
                        f,
                        "the list changed while it was read (its total went from {first} to {now}), so items could be skipped or repeated; read it again"
                    ),
                    PageProblem::MoreThanCount { count } => write!(
                        f,
                        "the API sent more items than the total of {count} it announced"
                    ),
                    PageProblem::NegativeCount { count } => write!(
                        f,
                        "the API announced a negative total of {count} items, which no list has"
                    ),
                    PageProblem::NoProgress => f.write_str(
                        "the page held only items already received (the API repeated a page); stopped so the walk cannot loop",
                    ),
                    PageProblem::TooManyPages { max } => write!(
                        f,
                        "read the cap of {max} pages without reaching the end; raise it with max_pages"
                    ),
                    PageProblem::TooManyItems { max } => write!(
                        f,
                        "read the cap of {max} items without reaching the end; raise it with max_items"
                    ),
                    PageProblem::TooManyBytes { max } => write!(
                        f,
                        "read the cap of {max} bytes of pages without reaching the end; raise it with max_bytes"
                    ),
                    PageProblem::RepeatedNext { next } => write!(
                        f,
                        "the page's next link \"{next}\" names a page already read; stopped so the walk cannot loop"
                    ),
                    PageProblem::RefusedNext { next, reason } => write!(
                        f,
                        "the page's next link \"{next}\" is not followed: {reason}"
                    ),
                }
            }
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "attempt" } else { "attempts" }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut debug = f.debug_struct("hamravesh::Error");
        debug.field("kind", &self.kind());
        match &inner.kind {
            Kind::Config(config) => debug.field("config", config),
            Kind::Status { status, body, raw } => debug
                .field("status", status)
                .field("body", &format_args!("{body}"))
                .field("raw_len", &raw.len()),
            Kind::Redirect {
                status,
                location,
                reason,
            } => debug
                .field("status", status)
                .field("location", &location.as_deref().map(shown_url))
                .field("reason", reason),
            Kind::Timeout { after, source } => debug.field("after", after).field("source", source),
            Kind::Transport(source) => debug.field("source", source),
            Kind::BodyTooLarge { limit } => debug.field("limit", limit),
            Kind::Decode { source, hint } => debug.field("source", source).field("hint", hint),
            Kind::Pagination { problem, offset } => {
                debug.field("problem", problem).field("offset", offset)
            }
        };
        if let Some(method) = &inner.method {
            debug.field("method", method);
        }
        if let Some(path) = &inner.path {
            debug.field("path", path);
        }
        if let Some(organization) = &inner.organization {
            debug.field("organization", organization);
        }
        debug.field("attempts", &inner.attempts);
        if let Some(deadline) = &inner.deadline {
            debug.field("deadline", deadline);
        }
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.kind {
            // Display already is the configuration error's message: its cause comes next.
            Kind::Config(config) => std::error::Error::source(config),
            Kind::Timeout { source, .. } | Kind::Transport(source) => Some(source),
            Kind::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Self::new(Kind::Config(error))
    }
}

impl From<hamravesh_types::DecodeError> for Error {
    /// A decode error without a hint about the body; prefer [`Error::from_decode`] when the
    /// body is at hand.
    fn from(source: hamravesh_types::DecodeError) -> Self {
        Self::new(Kind::Decode { source, hint: None })
    }
}
