//! The body of an error answer, parsed as far as it goes (the service's envelope, Django REST
//! framework's field errors, any JSON, text), and how much of it a message quotes.

use std::fmt;

use crate::text::one_line;

/// How many characters of server text (an error `detail`, an HTML page, a `Location`) an error
/// message quotes. The whole body stays available through [`crate::Error::body`] and [`crate::Error::raw_body`].
pub const MAX_QUOTED_CHARS: usize = 300;

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
