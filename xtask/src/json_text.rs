//! JSON read with its keys in file order, edited, and written back in the file's own layout.
//!
//! serde_json without `preserve_order` (which this workspace does not enable, and which would
//! change every crate's maps if it did) sorts keys, so re-serialising a [`serde_json::Value`]
//! would rewrite whole files. [`Json`] keeps the order, and [`rewrite`] writes an edited file as
//! its original is written, so that only the edited lines change.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess};
use serde_json::Value;

/// A JSON value whose objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`, a boolean, a number or a string.
    Scalar(Value),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in this order.
    Object(Vec<(String, Json)>),
}

impl From<Value> for Json {
    /// The value, an object's keys in serde_json's (sorted) order.
    fn from(value: Value) -> Json {
        match value {
            Value::Array(items) => Json::Array(items.into_iter().map(Json::from).collect()),
            Value::Object(map) => Json::object(map.into_iter().map(|(k, v)| (k, Json::from(v)))),
            scalar => Json::Scalar(scalar),
        }
    }
}

impl Json {
    /// An ordered object from `(key, value)` pairs.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The value at `pointer` (RFC 6901).
    pub fn at(&mut self, pointer: &str) -> Result<&mut Json, String> {
        let mut node = self;
        if pointer.is_empty() {
            return Ok(node);
        }
        let Some(rest) = pointer.strip_prefix('/') else {
            return Err(format!("{pointer:?} is not a JSON Pointer"));
        };
        for raw in rest.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            node = match node {
                Json::Object(members) => members
                    .iter_mut()
                    .find(|(k, _)| *k == token)
                    .map(|m| &mut m.1),
                Json::Array(items) => token.parse().ok().and_then(|i: usize| items.get_mut(i)),
                Json::Scalar(_) => None,
            }
            .ok_or_else(|| format!("nothing at {pointer}"))?;
        }
        Ok(node)
    }

    fn members(&mut self, object: &str) -> Result<&mut Vec<(String, Json)>, String> {
        match self.at(object)? {
            Json::Object(members) => Ok(members),
            _ => Err(format!("{object} is not an object")),
        }
    }

    fn items(&mut self, array: &str) -> Result<&mut Vec<Json>, String> {
        match self.at(array)? {
            Json::Array(items) => Ok(items),
            _ => Err(format!("{array} is not an array")),
        }
    }

    /// Inserts the member `key: value` into the object at `object`: before the member `before`
    /// when it has one, else last.
    pub fn insert_member(
        &mut self,
        object: &str,
        key: &str,
        value: Json,
        before: Option<&str>,
    ) -> Result<(), String> {
        let members = self.members(object)?;
        if members.iter().any(|(k, _)| k == key) {
            return Err(format!("{object} already has {key:?}"));
        }
        let at = before.and_then(|b| members.iter().position(|(k, _)| k == b));
        members.insert(at.unwrap_or(members.len()), (key.to_owned(), value));
        Ok(())
    }

    /// Removes the member `key` of the object at `object`.
    pub fn remove_member(&mut self, object: &str, key: &str) -> Result<(), String> {
        let members = self.members(object)?;
        let index = members
            .iter()
            .position(|(k, _)| k == key)
            .ok_or_else(|| format!("{object} has no {key:?}"))?;
        members.remove(index);
        Ok(())
    }

    /// Removes element `index` of the array at `array`.
    pub fn remove_element(&mut self, array: &str, index: usize) -> Result<(), String> {
        let items = self.items(array)?;
        if index >= items.len() {
            return Err(format!("{array} has no element {index}"));
        }
        items.remove(index);
        Ok(())
    }

    /// Appends `value` to the array at `array`.
    pub fn push_element(&mut self, array: &str, value: Json) -> Result<(), String> {
        self.items(array)?.push(value);
        Ok(())
    }

    /// Whether an object is inside this value.
    fn holds_object(&self) -> bool {
        let holds = |v: &Json| matches!(v, Json::Object(_)) || v.holds_object();
        match self {
            Json::Scalar(_) => false,
            Json::Array(items) => items.iter().any(holds),
            Json::Object(members) => members.iter().any(|(_, v)| holds(v)),
        }
    }

    /// As serde_json's pretty printer writes it (2-space indents) at `depth`; with `compact`, as
    /// the operation list is written: a container on one line (`{"a": 1, "b": [2]}`) when it
    /// holds no object or is four deep (a parameter).
    fn write(&self, compact: bool, depth: usize) -> String {
        let write = |v: &Json| v.write(compact, depth + 1);
        let ((open, close), parts): (_, Vec<String>) = match self {
            Json::Scalar(value) => return value.to_string(),
            Json::Array(items) => (("[", "]"), items.iter().map(write).collect()),
            Json::Object(members) => {
                let member =
                    |(k, v): &(String, Json)| format!("{}: {}", Value::from(&**k), write(v));
                (("{", "}"), members.iter().map(member).collect())
            }
        };
        if parts.is_empty() {
            format!("{open}{close}")
        } else if compact && (depth >= 4 || !self.holds_object()) {
            format!("{open}{}{close}", parts.join(", "))
        } else {
            let indent = "  ".repeat(depth);
            let parts = parts.join(&format!(",\n{indent}  "));
            format!("{open}\n{indent}  {parts}\n{indent}{close}")
        }
    }
}

/// `edited` written in the layout `original` is written in (serde_json's pretty printer, or the
/// operation list's), so that only the edited lines change. An error, when `original` is in
/// neither, rather than a whole file rewritten.
pub fn rewrite(original: &str, edited: &Json) -> Result<String, String> {
    let before: Json = serde_json::from_str(original).map_err(|e| format!("not JSON: {e}"))?;
    let compact = [false, true]
        .into_iter()
        .find(|compact| before.write(*compact, 0) + "\n" == original)
        .ok_or("not written as serde_json's pretty printer writes JSON (nor as the operation list is), so an edit would rewrite the whole file; nothing written")?;
    Ok(edited.write(compact, 0) + "\n")
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Scalar(Value::Null))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Scalar(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Scalar(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Scalar(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Scalar(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Scalar(v.into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry()? {
            members.push(member);
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PRETTY: &str = "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n";
    const COMPACT: &str = "{\n  \"o\": [\n    {\n      \"q\": [\n        {\"n\": 1, \"t\": [\"a\"]}\n      ],\n      \"p\": []\n    }\n  ]\n}\n";

    fn edited(
        text: &str,
        edit: impl Fn(&mut Json) -> Result<(), String>,
    ) -> Result<String, String> {
        let mut doc: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
        edit(&mut doc)?;
        rewrite(text, &doc)
    }

    #[test]
    fn every_schema_file_is_written_back_byte_for_byte() {
        for name in ["operations", "profile", "notifications", "namespaces"] {
            let path = format!("{}/../schema/{name}.json", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                edited(&text, |_| Ok(())).as_deref(),
                Ok(text.as_str()),
                "{name}"
            );
        }
    }

    #[test]
    fn each_edit_touches_only_its_member_or_element() {
        let plain = |v| Json::from(v);
        for (what, edited, expected) in [
            (
                "append a member",
                edited(PRETTY, |d| {
                    d.insert_member("/a", "z", plain(json!(["p", "q"])), None)
                }),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ],\n    \"z\": [\n      \"p\",\n      \"q\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "insert before the first member",
                edited(PRETTY, |d| {
                    d.insert_member("/a", "w", plain(json!(0)), Some("x"))
                }),
                "{\n  \"a\": {\n    \"w\": 0,\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "open an empty object, keys in the order given",
                edited(PRETTY, |d| {
                    let value = Json::object([("t", plain(json!("s"))), ("b", plain(json!(1)))]);
                    d.insert_member("/e", "k", value, None)
                }),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {\n    \"k\": {\n      \"t\": \"s\",\n      \"b\": 1\n    }\n  },\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "remove the first member",
                edited(PRETTY, |d| d.remove_member("/a", "x")),
                "{\n  \"a\": {\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "remove the last member",
                edited(PRETTY, |d| d.remove_member("", "l")),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {}\n}\n",
            ),
            (
                "remove the only element",
                edited(PRETTY, |d| d.remove_element("/a/y", 0)),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": []\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "push onto a pretty array",
                edited(PRETTY, |d| d.push_element("/a/y", plain(json!("t")))),
                "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": [\n      \"s\",\n      \"t\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "replace a value",
                edited(PRETTY, |d| {
                    *d.at("/a/x")? = plain(json!(["integer", "null"]));
                    Ok(())
                }),
                "{\n  \"a\": {\n    \"x\": [\n      \"integer\",\n      \"null\"\n    ],\n    \"y\": [\n      \"s\"\n    ]\n  },\n  \"e\": {},\n  \"l\": [\n    2,\n    1\n  ]\n}\n",
            ),
            (
                "push a parameter onto a one-line list, and onto an empty one",
                edited(COMPACT, |d| {
                    let parameter =
                        Json::object([("n", plain(json!(2))), ("e", plain(json!({"k": [1]})))]);
                    d.push_element("/o/0/q", parameter.clone())?;
                    d.push_element("/o/0/p", parameter)
                }),
                "{\n  \"o\": [\n    {\n      \"q\": [\n        {\"n\": 1, \"t\": [\"a\"]},\n        {\"n\": 2, \"e\": {\"k\": [1]}}\n      ],\n      \"p\": [\n        {\"n\": 2, \"e\": {\"k\": [1]}}\n      ]\n    }\n  ]\n}\n",
            ),
        ] {
            assert_eq!(edited.as_deref(), Ok(expected), "{what}");
        }
    }

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let mut doc: Json = serde_json::from_str(PRETTY).unwrap();
        assert!(
            doc.insert_member("/a/x", "k", Json::from(json!(1)), None)
                .is_err()
        );
        assert!(
            doc.insert_member("/a", "x", Json::from(json!(1)), None)
                .is_err()
        );
        assert!(doc.remove_member("/nowhere", "x").is_err());
        assert!(doc.remove_element("/a/y", 3).is_err());
        assert!(doc.at("a").is_err());
        assert!(edited("{\"a\": ", |_| Ok(())).is_err());
        assert!(
            edited("{\"a\":1}\n", |_| Ok(())).is_err(),
            "a layout of its own"
        );
    }
}
