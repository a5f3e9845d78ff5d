//! `Timestamp`: an RFC 3339 date-time that decodes exactly what the schema's `date-time` format
//! accepts.
//!
//! chrono's own `DateTime` deserializer is lenient (it takes `+0330` offsets and other non-RFC 3339
//! shapes), which would let decoding accept payloads that validation rejects. This type reads with
//! chrono's strict RFC 3339 parser and refuses the little it allows beyond RFC 3339.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Timelike, Utc};

/// A point in time from the API, normalised to UTC (the offset it was written with is not kept).
///
/// ```
/// let t: hamravesh_types::Timestamp = "2023-03-21T09:30:00+03:30".parse()?;
/// assert_eq!(t.to_string(), "2023-03-21T06:00:00Z");
/// assert!("2023-03-21T09:30:00+0330".parse::<hamravesh_types::Timestamp>().is_err());
/// # Ok::<(), hamravesh_types::TimestampError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// A string that is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError(String);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// The instant as a chrono `DateTime<Utc>`.
    pub fn as_datetime(&self) -> &DateTime<Utc> {
        &self.0
    }

    /// The instant as a chrono `DateTime<Utc>`, by value.
    pub fn into_datetime(self) -> DateTime<Utc> {
        self.0
    }
}

impl std::ops::Deref for Timestamp {
    type Target = DateTime<Utc>;

    fn deref(&self) -> &DateTime<Utc> {
        &self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self(value)
    }
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, TimestampError> {
        let invalid = || TimestampError(format!("{text:?} is not an RFC 3339 date-time"));
        // chrono's RFC 3339 parser is strict but for two things RFC 3339 does not allow: a space
        // for the `T` and U+2212 (a minus sign, the only non-ASCII it reads) before the offset.
        if text.as_bytes().get(10) == Some(&b' ') || !text.is_ascii() {
            return Err(invalid());
        }
        let utc = DateTime::parse_from_rfc3339(text)
            .map_err(|_| invalid())?
            .with_timezone(&Utc);
        // A leap second exists only at the end of a UTC day (23:59:60Z, or the same instant at an
        // offset); chrono accepts `:60` at any minute.
        let is_leap_second = utc.nanosecond() >= 1_000_000_000;
        if is_leap_second && (utc.hour(), utc.minute()) != (23, 59) {
            return Err(invalid());
        }
        Ok(Self(utc))
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with as many fraction digits as needed, e.g. `2022-07-26T12:56:34.883091Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <DateTime<Utc> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rfc3339_shapes() {
        for ok in [
            "2022-07-26T12:56:34.883091Z",
            "2022-07-26T12:56:34Z",
            "2022-07-26t12:56:34z",
            "2023-03-21T09:30:00+03:30",
            "2023-03-21T09:30:00.5-00:00",
            "2016-12-31T23:59:60Z",
            "2017-01-01T03:29:60+03:30",
        ] {
            assert!(ok.parse::<Timestamp>().is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_chrono_alone_would_take() {
        for bad in [
            "2022-07-26 12:56:34Z",
            "2022-07-26T12:56:34+0330",
            "2022-07-26T12:56:34\u{2212}03:30",
            "2022-07-26T12:56Z",
            "2022-07-26T12:56:34.Z",
            "2022-07-26T12:56:34",
            "2022-02-30T12:56:34Z",
            "2022-07-26T12:56:60Z",
            "",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_through_json() {
        let t: Timestamp = serde_json::from_str("\"2023-03-21T09:30:00.25+03:30\"").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2023-03-21T06:00:00.250Z\""
        );
        assert_eq!(
            serde_json::from_str::<Timestamp>(&serde_json::to_string(&t).unwrap()).unwrap(),
            t
        );
    }
}
