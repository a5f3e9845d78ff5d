//! Errors found before anything is sent: the client's configuration, a base URL, a request
//! path; and how a URL is shown in any message (never with its credentials).

use crate::text::one_line;

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

/// A request path as it may appear in a message: whole when it is a plain path (one `/`, no
/// authority, so nothing in it can be a credential), else as [`shown_url`] shows a URL.
pub(crate) fn shown_path(raw: &str) -> String {
    match raw.strip_prefix('/') {
        Some(rest) if !rest.starts_with(['/', '\\']) => one_line(raw, MAX_URL_CHARS),
        _ => shown_url(raw),
    }
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
    /// The proxy URL's scheme is not one the client speaks (the URL is not quoted: it may hold a
    /// password).
    #[error("unsupported proxy scheme; use http://, https://, socks5:// or socks5h://")]
    UnsupportedProxyScheme,
    /// The proxy URL is empty, does not parse as a URL (text without a scheme is read as
    /// `http://…`, as reqwest reads it) or names no host. The source, when there is one, is
    /// the parse error.
    #[error("invalid proxy URL \"{url}\": {reason}")]
    InvalidProxyUrl {
        /// The URL as given, without any user name or password, cut to 100 characters and with
        /// control characters escaped.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
        /// Why it does not parse, when that is the problem.
        #[source]
        source: Option<url::ParseError>,
    },
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
