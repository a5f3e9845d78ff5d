//! Errors of the client: each says what happened and what to do about it, and none holds the key.

use std::time::Duration;

use reqwest::StatusCode;

/// A problem with the client's configuration, found before any request is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key was given (or `HAMRAVESH_API_KEY` is unset or empty).
    #[error(
        "no API key: set HAMRAVESH_API_KEY (create a key in the Hamravesh console under Profile → API keys)"
    )]
    MissingApiKey,
    /// The API key cannot be sent in an HTTP header.
    #[error(
        "the API key contains characters that cannot be sent in an HTTP header (check for quotes or line breaks)"
    )]
    InvalidApiKey,
    /// The base URL does not parse.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
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
    #[error("invalid user agent: {0}")]
    InvalidUserAgent(String),
    /// reqwest could not build its client (for example no TLS roots).
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
}

/// The body of an error response, parsed as far as it goes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ApiErrorBody {
    /// The service's error envelope, `{"detail": ..., "code"?: ..., "success"?: false}`.
    Envelope {
        /// What went wrong, often in Persian.
        detail: String,
        /// A machine-readable code such as `not_authenticated` or `permission_denied`.
        code: Option<String>,
        /// Always `false` when present.
        success: Option<bool>,
    },
    /// JSON that is not the envelope.
    Json(serde_json::Value),
    /// Not JSON (an HTML page from a proxy, say): the start of the text, truncated.
    Text(String),
    /// No body.
    Empty,
}

impl ApiErrorBody {
    /// The envelope's `detail`, if the body was the service's envelope.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Envelope { detail, .. } => Some(detail),
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

impl std::fmt::Display for ApiErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Envelope {
                detail,
                code: Some(code),
                ..
            } => write!(f, "{detail} ({code})"),
            Self::Envelope {
                detail, code: None, ..
            } => write!(f, "{detail}"),
            Self::Json(value) => write!(f, "{value}"),
            Self::Text(text) => write!(f, "{text}"),
            Self::Empty => write!(f, "empty body"),
        }
    }
}

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured; nothing was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The service rejected the API key (401 or 403).
    #[error("the API key was rejected ({status}): {body}; check HAMRAVESH_API_KEY")]
    Unauthorized {
        /// 401 or 403.
        status: StatusCode,
        /// The error body.
        body: ApiErrorBody,
    },
    /// The service answered with another error status.
    #[error("the API answered {status}{}: {body}", attempts_note(*.attempts))]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The error body.
        body: ApiErrorBody,
        /// How many requests were made in all.
        attempts: u32,
    },
    /// The service redirected to another origin; the key is never sent there.
    #[error(
        "the API redirected ({status}) to {location:?}, another origin; not followed so the API key stays with the configured host"
    )]
    Redirect {
        /// The redirect status.
        status: StatusCode,
        /// The `Location` header as sent.
        location: String,
    },
    /// No response within the timeout.
    #[error("no response within {timeout:?}{}; the API or the network is slow or down", attempts_note(*.attempts))]
    Timeout {
        /// The per-attempt timeout.
        timeout: Duration,
        /// How many requests were made in all.
        attempts: u32,
    },
    /// The connection failed or broke (DNS, refused, reset, TLS, a truncated body).
    #[error("network error talking to the API{}: {message}", attempts_note(*.attempts))]
    Transport {
        /// What failed, without the key.
        message: String,
        /// How many requests were made in all.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The response body exceeded the configured limit.
    #[error("the response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body does not match the documented shape.
    #[error("the API's response does not match the documented profile: {0}")]
    Decode(#[from] hamravesh_types::DecodeError),
}

fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

impl Error {
    /// Whether trying the same request again later may succeed (the client already retried
    /// these up to its limit).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => crate::retry::is_retryable_status(*status),
            Self::Timeout { .. } | Self::Transport { .. } => true,
            _ => false,
        }
    }

    /// Whether the key was rejected (401 or 403).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Unauthorized { .. })
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Unauthorized { status, .. }
            | Self::Api { status, .. }
            | Self::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The parsed error body, for API errors.
    pub fn body(&self) -> Option<&ApiErrorBody> {
        match self {
            Self::Unauthorized { body, .. } | Self::Api { body, .. } => Some(body),
            _ => None,
        }
    }
}
