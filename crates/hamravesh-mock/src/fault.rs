//! Scenario controls: what the next requests get instead of the normal answer.

use std::time::Duration;

/// A one-shot misbehaviour applied to one request.
///
/// Faults that mangle the normal answer (`Delay`, `Malformed`, `Truncated`, `Oversized`) first
/// answer the request normally, side effects included: a namespace is created even when its
/// answer is then cut short, as when the network fails after the service acted. The others
/// replace the answer and do nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// An error status, optionally with `Retry-After` (seconds or an HTTP date), and a body.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The `Retry-After` header value, if any.
        retry_after: Option<String>,
        /// The body.
        body: FaultBody,
    },
    /// Wait this long, then answer normally (a create is performed after the wait, so a client
    /// that gave up waiting has still created it).
    Delay(Duration),
    /// `200 OK` with a body that is not JSON: the first half of the normal answer's body.
    Malformed,
    /// The normal answer's status, declaring the full `Content-Length`, sending half of the body,
    /// then closing.
    Truncated,
    /// The normal answer's status with a body of this many bytes (the normal body padded with
    /// spaces), streamed in chunks without `Content-Length`.
    Oversized(usize),
    /// `302 Found` to this location.
    Redirect(String),
    /// Any status, content type and body.
    Raw {
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body bytes.
        body: Vec<u8>,
    },
    /// Read the request head, then close the connection without answering and without acting
    /// (the client sees the connection closed before any response).
    Close,
}

impl Fault {
    /// An error status with the service's JSON envelope and no `Retry-After`.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            retry_after: None,
            body: FaultBody::Envelope,
        }
    }

    /// An error status with `Retry-After: <seconds>`.
    pub fn status_retry_after(status: u16, seconds: u64) -> Self {
        Self::Status {
            status,
            retry_after: Some(seconds.to_string()),
            body: FaultBody::Envelope,
        }
    }
}

/// The body of a [`Fault::Status`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultBody {
    /// The service's envelope `{"detail", "code", "success": false}` for the status.
    Envelope,
    /// An HTML page, as a proxy or a crashed backend sends.
    Html,
    /// No body.
    Empty,
}
