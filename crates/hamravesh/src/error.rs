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

mod api_body;
mod config;

pub use api_body::{ApiErrorBody, FieldError, FieldErrors, MAX_QUOTED_CHARS, NON_FIELD_ERRORS};
pub use config::{BaseUrlError, ConfigError, PathError};
pub(crate) use config::{MAX_URL_CHARS, shown_path, shown_url};

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
    /// A `Retry-After` longer than the client waits, when it is what ended the retries.
    long_retry_after: Option<LongRetryAfter>,
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

/// A `Retry-After` longer than the client waits ([`crate::ClientBuilder::max_retry_after`]): no
/// retry is made, and the error says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LongRetryAfter {
    /// The wait the server asked for.
    pub(crate) asked: Duration,
    /// The longest wait the client honours.
    pub(crate) max: Duration,
}

impl fmt::Display for LongRetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // In whole seconds, rounded up (an HTTP date leaves a fraction), so it reads as more.
        let asked = self
            .asked
            .as_secs()
            .saturating_add(u64::from(self.asked.subsec_nanos() > 0));
        write!(
            f,
            "the server asked to wait {:?}, more than the {:?} the client waits at most",
            Duration::from_secs(asked),
            self.max
        )
    }
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PageProblem {
    /// `next` points at another origin than the base URL's (shown without credentials, cut).
    #[error(
        "the page's next link \"{next}\" points at another origin (host or port) than the base URL's; not followed, so the API key stays with the configured host"
    )]
    OtherOrigin { next: String },
    /// `next` is not a URL.
    #[error("the page's next link \"{next}\" is not a valid URL")]
    InvalidNext { next: String },
    /// The total changed between pages: offsets moved, so items may be skipped or repeated.
    #[error(
        "the list changed while it was read (its total went from {first} to {now}), so items could be skipped or repeated; read it again"
    )]
    CountChanged { first: i64, now: i64 },
    /// More items arrived than the total said there were.
    #[error("the API sent more items than the total of {count} it announced")]
    MoreThanCount { count: i64 },
    /// The total is negative, which no list can be.
    #[error("the API announced a negative total of {count} items, which no list has")]
    NegativeCount { count: i64 },
    /// A non-empty page held only items already seen.
    #[error(
        "the page held only items already received (the API repeated a page); stopped so the walk cannot loop"
    )]
    NoProgress,
    /// An empty page with a `next` link.
    #[error("the page held no items but a next link; stopped so the walk cannot loop")]
    EmptyWithNext,
    /// `next` carries a user name or password (shown without them).
    #[error("the page's next link \"{next}\" carries a user name or password; not followed")]
    CredentialsInNext { next: String },
    /// The cap on pages was reached before the end.
    #[error("read the cap of {max} pages without reaching the end; raise it with max_pages")]
    TooManyPages { max: u32 },
    /// The cap on items was reached before the end.
    #[error("read the cap of {max} items without reaching the end; raise it with max_items")]
    TooManyItems { max: u64 },
    /// The cap on the bytes of every page together was reached before the end.
    #[error(
        "read the cap of {max} bytes of pages without reaching the end; raise it with max_bytes"
    )]
    TooManyBytes { max: u64 },
    /// `next` named a page already read: following it would loop.
    #[error(
        "the page's next link \"{next}\" names a page already read; stopped so the walk cannot loop"
    )]
    RepeatedNext { next: String },
    /// `next` names a path that may not be requested (outside the base URL's path, say).
    #[error("the page's next link \"{next}\" is not followed: {reason}")]
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
                long_retry_after: None,
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

    /// Notes that a `Retry-After` longer than the client waits is why no retry was made.
    pub(crate) fn with_long_retry_after(mut self, long: LongRetryAfter) -> Self {
        self.inner.long_retry_after = Some(long);
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
        // How many attempts, and whether the deadline or a long `Retry-After` stopped the
        // retries: said right after the headline, before any server text.
        let note = match (inner.attempts, inner.deadline, inner.long_retry_after) {
            (n, Some(Deadline::BeforeRetry(total)), _) => format!(
                " after {n} {} (the next retry would pass the total deadline of {total:?})",
                plural(n)
            ),
            (n, _, Some(long)) if n > 1 => {
                format!(" after {n} attempts (not retried again: {long})")
            }
            (_, _, Some(long)) => format!(" (not retried: {long})"),
            (n, _, _) if n > 1 => format!(" after {n} attempts"),
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
                write!(f, "paging stopped at offset {offset}{note}: {problem}")
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
        if let Some(long) = &inner.long_retry_after {
            debug.field("long_retry_after", long);
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
