//! Finding a key repeated inside one JSON object, without building the value.
//!
//! serde's derived structs refuse a repeated documented field, but keep the last of a repeated
//! unknown field and of a repeated key inside a `serde_json::Value`; validation refuses every
//! repeated key. Typed decoding runs this scan after it succeeds, so both say the same. The scan
//! reads every value as validation's parse does, so it also finds what serde_json lets through
//! when it skips an unknown field without reading it: a number out of range (`1e400`), a lone
//! surrogate escape, nesting past its limit of 128 ([`scan`]).

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// A key repeated inside one object.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Duplicate {
    /// The path of its object (`organizations[0].owner`, `.` for the root).
    pub path: String,
    /// The key.
    pub key: String,
    /// 1-based line and column just after the repeat.
    pub line: usize,
    pub column: usize,
}

/// What the scan found wrong with bytes that typed decoding accepted.
#[derive(Debug)]
pub(crate) enum Problem {
    /// A key repeated inside one object.
    Duplicate(Duplicate),
    /// Text validation's parse refuses as JSON.
    NotJson(serde_json::Error),
}

/// Scans bytes already decoded into a typed value: the first repeated key, or what makes them
/// not JSON to validation; `None` when neither.
pub(crate) fn scan(bytes: &[u8]) -> Option<Problem> {
    let mut found = None;
    let scanned = Scan {
        path: None,
        found: &mut found,
    }
    .deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    match (scanned, found) {
        (Ok(()), _) => None,
        (Err(error), None) => Some(Problem::NotJson(error)),
        (Err(_), Some(_)) => first_duplicate(bytes).map(Problem::Duplicate),
    }
}

/// The first repeated key; `None` when no object repeats a key, or when the bytes are not JSON
/// (decoding reports that itself).
pub(crate) fn first_duplicate(bytes: &[u8]) -> Option<Duplicate> {
    // Tracking the path costs an allocation per key; a payload without repeats (nearly all of
    // them) is scanned without it, and only one with a repeat is scanned again to name the place.
    let mut found = None;
    let _ = Scan {
        path: None,
        found: &mut found,
    }
    .deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    found.as_ref()?;
    let mut path = Vec::new();
    let mut found = None;
    let scanned = Scan {
        path: Some(&mut path),
        found: &mut found,
    }
    .deserialize(&mut serde_json::Deserializer::from_slice(bytes));
    let (path, key) = found?;
    let (line, column) = scanned.err().map_or((0, 0), |e| (e.line(), e.column()));
    Some(Duplicate {
        path,
        key,
        line,
        column,
    })
}

enum Step {
    Index(usize),
    Key(String),
}

fn dotted(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

struct Scan<'s> {
    /// The path of the value being scanned, when the place of a repeat is wanted.
    path: Option<&'s mut Vec<Step>>,
    found: &'s mut Option<(String, String)>,
}

/// Error used to stop the scan at the first repeat (the position is not needed).
fn stop<E: de::Error>() -> E {
    E::custom("duplicate key")
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Scan { mut path, found } = self;
        let mut index = 0;
        loop {
            if let Some(path) = path.as_deref_mut() {
                path.push(Step::Index(index));
            }
            let next = seq.next_element_seed(Scan {
                path: path.as_deref_mut(),
                found: &mut *found,
            });
            if let Some(path) = path.as_deref_mut() {
                path.pop();
            }
            match next? {
                Some(()) => index += 1,
                None => return Ok(()),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Scan { mut path, found } = self;
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            // Naming the place of a repeat (the second scan) checks each key as it comes; the
            // first scan only needs to know whether any key repeats, which sorting tells cheaply.
            if path.is_some() && keys.contains(&key) {
                let place = path.as_deref().map_or_else(String::new, |p| dotted(p));
                *found = Some((place, key.into_owned()));
                return Err(stop());
            }
            if let Some(path) = path.as_deref_mut() {
                path.push(Step::Key(key.clone().into_owned()));
            }
            keys.push(key);
            let value = map.next_value_seed(Scan {
                path: path.as_deref_mut(),
                found: &mut *found,
            });
            if let Some(path) = path.as_deref_mut() {
                path.pop();
            }
            value?;
        }
        if path.is_none() {
            keys.sort_unstable();
            if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
                *found = Some((String::new(), pair[0].clone().into_owned()));
                return Err(stop());
            }
        }
        Ok(())
    }
}

/// A key, borrowed from the input when it holds no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Problem, first_duplicate, scan};

    #[test]
    fn finds_what_skipping_an_unknown_field_lets_through() {
        let deep = format!("{{\"x\": {}{}}}", "[".repeat(200), "]".repeat(200));
        for (json, expected) in [
            (r#"{"a": 1e400}"#.to_owned(), Some("number out of range")),
            (
                r#"{"a": "\ud800"}"#.to_owned(),
                Some("unexpected end of hex escape"),
            ),
            (deep, Some("recursion limit exceeded")),
            (r#"{"a": 1, "a": 2}"#.to_owned(), None),
            (r#"{"a": [1e300, "\ud83d\ude00"]}"#.to_owned(), None),
        ] {
            match (scan(json.as_bytes()), expected) {
                (Some(Problem::NotJson(error)), Some(message)) => {
                    assert!(error.to_string().contains(message), "{json}: {error}");
                }
                (Some(Problem::Duplicate(_)), None) => assert!(json.contains(r#""a": 2"#)),
                (None, None) => {}
                (found, expected) => panic!("{json}: {found:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn finds_the_first_repeat_at_any_depth() {
        for (json, expected) in [
            (r#"{"a": 1, "b": 2}"#, None),
            (r#"{"a": 1, "a": 2}"#, Some((".", "a"))),
            (r#"{"a": 1, "b": {}, "a": 2}"#, Some((".", "a"))),
            (r#"{"x": [{}, {"k": 1, "k": 1}]}"#, Some(("x[1]", "k"))),
            (r#"{"o": {"p": {"q": 1, "q": 2}}}"#, Some(("o.p", "q"))),
            (r#"{"a\u0062": 1, "ab": 2}"#, Some((".", "ab"))),
            ("not json", None),
            ("[1, 2, 3]", None),
        ] {
            let found = first_duplicate(json.as_bytes());
            let found = found.as_ref().map(|d| (d.path.as_str(), d.key.as_str()));
            assert_eq!(found, expected, "{json}");
        }
    }

    #[test]
    fn objects_with_many_keys_are_checked_too() {
        let mut json: String = (0..100).map(|i| format!("\"k{i}\": {i},")).collect();
        json = format!("{{{json} \"k57\": 0}}");
        let found = first_duplicate(json.as_bytes()).map(|d| (d.path, d.key));
        assert_eq!(found, Some((".".to_owned(), "k57".to_owned())));
    }
}
