//! The schema-specialised fast path: decides "valid" in one pass over the bytes, while serde_json
//! parses them, without building a `serde_json::Value`.
//!
//! [`FastSchema::compile`] turns a draft-07 schema into a small tree of [`Checks`], one per
//! subschema, for the keywords the embedded schemas use: `type`, `properties`, `required`,
//! `additionalProperties`, `items` (one schema), `$ref` to a local JSON Pointer, integer
//! `minimum`/`maximum`, and the keywords that look at a string alone (`format`, `pattern`,
//! `minLength`, `maxLength`), decided by a small jsonschema validator of just those keywords so
//! that they mean what they mean to the full validator. Annotations are skipped; any other
//! keyword, or a `$ref` with validation keywords beside it, and there is no fast path for that
//! schema: it never guesses.
//!
//! [`FastSchema::accepts`] walks that tree as serde_json reads the slice (strings borrowed,
//! nothing kept), refuses a key repeated inside any object, and stops at the first thing it cannot
//! prove valid: `false` means only "not proved", and the full path gives the verdict and every
//! error. Its semantics are jsonschema's: `1.0` is an integer; bounds compare exactly against
//! `u64`, `i64` and `f64` values.

use std::cell::Cell;
use std::collections::HashMap;

use ahash::AHashMap;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::read::{KeySeed, KeySet};

/// Node ids of the schemas `true` (any value, still read for repeated keys) and `false`.
const ANY: usize = 0;
const NEVER: usize = 1;

/// Bits of [`Checks::types`], one per JSON Schema type name.
const NULL: u8 = 1;
const BOOLEAN: u8 = 2;
const INTEGER: u8 = 4;
const NUMBER: u8 = 8;
const STRING: u8 = 16;
const ARRAY: u8 = 32;
const OBJECT: u8 = 64;
const ALL_TYPES: u8 = 127;

/// Documented keys an object schema may name (`properties` and `required` together): one bit
/// each in a `u128`.
const MAX_NAMES: usize = 128;

/// A schema compiled for the fast path.
pub(crate) struct FastSchema {
    nodes: Vec<Checks>,
    root: usize,
}

/// What one subschema asks of a value; [`Checks::any`] asks nothing.
struct Checks {
    types: u8,
    object: ObjectRules,
    /// The node of an array's elements.
    items: usize,
    minimum: Option<i128>,
    maximum: Option<i128>,
    /// The validator of this schema's string keywords, if it has any.
    strings: Option<jsonschema::Validator>,
}

impl Checks {
    fn any() -> Self {
        Self {
            types: ALL_TYPES,
            object: ObjectRules::default(),
            items: ANY,
            minimum: None,
            maximum: None,
            strings: None,
        }
    }
}

#[derive(Default)]
struct ObjectRules {
    /// Every key of `properties` and `required`, in the schema's order.
    names: Vec<Box<str>>,
    /// The node of each name's value (for a name only `required` lists, `additional`).
    nodes: Vec<usize>,
    /// A bit per name that must be present.
    required: u128,
    /// The node of every other key's value.
    additional: usize,
    index: AHashMap<Box<str>, usize>,
}

impl ObjectRules {
    /// The position of `key` among the names; `hint` is tried first (payloads usually list keys
    /// in the schema's order, so the one after the previous key is nearly always right).
    fn find(&self, key: &str, hint: usize) -> Option<usize> {
        if self.names.get(hint).is_some_and(|name| **name == *key) {
            return Some(hint);
        }
        self.index.get(key).copied()
    }

    /// The position of `name`, added (its value under `additional`) if new; `None` past
    /// [`MAX_NAMES`].
    fn position(&mut self, name: &str) -> Option<usize> {
        if let Some(&index) = self.index.get(name) {
            return Some(index);
        }
        let index = self.names.len();
        if index >= MAX_NAMES {
            return None;
        }
        self.names.push(name.into());
        self.nodes.push(self.additional);
        self.index.insert(name.into(), index);
        Some(index)
    }
}

impl FastSchema {
    /// Compiles `schema`; `None` when it uses anything the fast path does not implement.
    pub(crate) fn compile(schema: &Value) -> Option<Self> {
        let draft = schema.get("$schema")?.as_str()?;
        if !matches!(
            draft,
            "http://json-schema.org/draft-07/schema#" | "http://json-schema.org/draft-07/schema"
        ) {
            return None;
        }
        let never = Checks {
            types: 0,
            ..Checks::any()
        };
        let mut compiler = Compiler {
            document: schema,
            draft,
            nodes: vec![Checks::any(), never],
            by_pointer: HashMap::new(),
        };
        let root = compiler.node(schema, true)?;
        Some(Self {
            nodes: compiler.nodes,
            root,
        })
    }

    /// Whether `bytes` are one JSON value, with no key repeated inside an object, that the schema
    /// accepts. `false` means only "not proved": the full path decides.
    pub(crate) fn accepts(&self, bytes: &[u8]) -> bool {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let walked = NodeSeed {
            schema: self,
            id: self.root,
        }
        .deserialize(&mut deserializer);
        walked.is_ok() && deserializer.end().is_ok()
    }

    /// Whether `text` meets the string keywords `checker` validates.
    fn string_meets(checker: &jsonschema::Validator, text: &str) -> bool {
        thread_local! {
            // One buffer per thread, so a check allocates only while the buffer grows.
            static BUFFER: Cell<String> = const { Cell::new(String::new()) };
        }
        let mut buffer = BUFFER.take();
        buffer.clear();
        buffer.push_str(text);
        let value = Value::String(buffer);
        let valid = checker.is_valid(&value);
        if let Value::String(buffer) = value {
            BUFFER.set(buffer);
        }
        valid
    }
}

struct Compiler<'s> {
    document: &'s Value,
    draft: &'s str,
    nodes: Vec<Checks>,
    by_pointer: HashMap<&'s str, usize>,
}

/// Keywords that only annotate: they never change a verdict.
fn is_annotation(keyword: &str) -> bool {
    matches!(
        keyword,
        "$comment"
            | "title"
            | "description"
            | "default"
            | "examples"
            | "readOnly"
            | "writeOnly"
            | "definitions"
    ) || keyword.starts_with("x-")
}

impl<'s> Compiler<'s> {
    /// The node of `schema` (a new one, or the target of its `$ref`).
    fn node(&mut self, schema: &'s Value, is_root: bool) -> Option<usize> {
        let map = match schema {
            Value::Bool(true) => return Some(ANY),
            Value::Bool(false) => return Some(NEVER),
            Value::Object(map) => map,
            _ => return None,
        };
        let Some(reference) = map.get("$ref") else {
            return self.compiled(map, is_root, None);
        };
        // Draft-07 ignores a `$ref`'s siblings; allow only those that mean nothing.
        let siblings_inert = map.keys().all(|key| {
            key == "$ref"
                || is_annotation(key)
                || (is_root && matches!(key.as_str(), "$schema" | "$id"))
        });
        if !siblings_inert {
            return None;
        }
        let reference = reference.as_str()?;
        if let Some(&id) = self.by_pointer.get(reference) {
            return Some(id);
        }
        // Only a pointer into this document, and none with percent-escapes to decode.
        let pointer = reference.strip_prefix('#')?;
        if pointer.contains('%') || !(pointer.is_empty() || pointer.starts_with('/')) {
            return None;
        }
        // A `$id` on the way would change what the target's own references resolve against.
        let through_id = pointer
            .match_indices('/')
            .map(|(end, _)| &pointer[..end])
            .chain([pointer])
            .skip(1)
            .any(|prefix| {
                self.document
                    .pointer(prefix)
                    .and_then(|v| v.get("$id"))
                    .is_some()
            });
        match self.document.pointer(pointer)? {
            // A reference to a reference (or to the root, with its `$schema`) is left to the full path.
            Value::Object(map) if through_id || pointer.is_empty() || map.contains_key("$ref") => {
                None
            }
            Value::Object(map) => self.compiled(map, false, Some(reference)),
            _ if through_id => None,
            target => self.node(target, false),
        }
    }

    /// A new node for the keywords of `map`, registered under `reference` before its children
    /// are compiled, so that a schema that refers to itself ends.
    fn compiled(
        &mut self,
        map: &'s serde_json::Map<String, Value>,
        is_root: bool,
        reference: Option<&'s str>,
    ) -> Option<usize> {
        let id = self.nodes.len();
        self.nodes.push(Checks::any());
        if let Some(reference) = reference {
            self.by_pointer.insert(reference, id);
        }
        let mut checks = Checks::any();
        let mut string_keywords = serde_json::Map::new();
        let mut properties: Vec<(&'s str, usize)> = Vec::new();
        let mut required: Vec<&'s str> = Vec::new();
        for (keyword, value) in map {
            match keyword.as_str() {
                "type" => checks.types = types(value)?,
                "properties" => {
                    for (name, schema) in value.as_object()? {
                        properties.push((name, self.node(schema, false)?));
                    }
                }
                "required" => {
                    for name in value.as_array()? {
                        required.push(name.as_str()?);
                    }
                }
                "additionalProperties" => checks.object.additional = self.node(value, false)?,
                // The array form (a tuple) is not implemented.
                "items" if !value.is_array() => checks.items = self.node(value, false)?,
                "format" | "pattern" | "minLength" | "maxLength" => {
                    string_keywords.insert(keyword.clone(), value.clone());
                }
                "minimum" => checks.minimum = Some(integer_limit(value)?),
                "maximum" => checks.maximum = Some(integer_limit(value)?),
                "$schema" | "$id" if is_root => {}
                other if is_annotation(other) => {}
                _ => return None,
            }
        }
        if !string_keywords.is_empty() {
            string_keywords.insert("$schema".to_owned(), Value::from(self.draft));
            // The same options as `Validator::new`, so each keyword means the same.
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&Value::Object(string_keywords))
                .ok()?;
            checks.strings = Some(validator);
        }
        let rules = &mut checks.object;
        for (name, node) in properties {
            let index = rules.position(name)?;
            rules.nodes[index] = node;
        }
        // A required name not in `properties` keeps `additionalProperties` for its value.
        for name in required {
            rules.required |= 1 << rules.position(name)?;
        }
        self.nodes[id] = checks;
        Some(id)
    }
}

fn types(value: &Value) -> Option<u8> {
    fn bit(name: &Value) -> Option<u8> {
        Some(match name.as_str()? {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "integer" => INTEGER,
            "number" => NUMBER,
            "string" => STRING,
            "array" => ARRAY,
            "object" => OBJECT,
            _ => return None,
        })
    }
    match value {
        Value::Array(names) => names.iter().try_fold(0, |set, name| Some(set | bit(name)?)),
        name => bit(name),
    }
}

/// A `minimum` or `maximum` written as an integer (a bound with a fraction is not implemented).
fn integer_limit(value: &Value) -> Option<i128> {
    let number = value.as_number()?;
    number
        .as_u64()
        .map(i128::from)
        .or_else(|| number.as_i64().map(i128::from))
}

/// A number as serde_json hands it over (and as `serde_json::Value` would hold it).
#[derive(Clone, Copy)]
enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl Number {
    /// jsonschema's `integer`: any `u64` or `i64`, or a float without a fraction (`1.0`).
    fn is_integer(self) -> bool {
        match self {
            Self::Unsigned(_) | Self::Signed(_) => true,
            Self::Float(value) => value.fract() == 0.0,
        }
    }

    /// `self >= limit`, exactly (as jsonschema's `num_cmp` compares).
    fn at_least(self, limit: i128) -> bool {
        match self {
            Self::Unsigned(value) => i128::from(value) >= limit,
            Self::Signed(value) => i128::from(value) >= limit,
            // For an integer limit, x >= limit exactly when floor(x) >= limit; the cast saturates
            // past i128, still on the right side of any limit that fits in u64 or i64.
            #[allow(clippy::cast_possible_truncation)]
            Self::Float(value) => value.floor() as i128 >= limit,
        }
    }

    /// `self <= limit`, exactly.
    fn at_most(self, limit: i128) -> bool {
        match self {
            Self::Unsigned(value) => i128::from(value) <= limit,
            Self::Signed(value) => i128::from(value) <= limit,
            #[allow(clippy::cast_possible_truncation)]
            Self::Float(value) => value.ceil() as i128 <= limit,
        }
    }
}

/// Stops the walk where something is not proved valid (the full path says what), or goes on.
fn proved<E: de::Error>(valid: bool) -> Result<(), E> {
    if valid {
        Ok(())
    } else {
        Err(E::custom("not proved valid by the fast path"))
    }
}

/// One value, checked against one node.
#[derive(Clone, Copy)]
struct NodeSeed<'s> {
    schema: &'s FastSchema,
    id: usize,
}

impl<'s> NodeSeed<'s> {
    fn checks(&self) -> &'s Checks {
        &self.schema.nodes[self.id]
    }

    /// Whether a value of type `bit` may be here (before its content is looked at).
    fn allows(&self, bit: u8) -> bool {
        self.checks().types & bit != 0
    }

    fn number<E: de::Error>(self, number: Number) -> Result<(), E> {
        let checks = self.checks();
        let typed =
            checks.types & NUMBER != 0 || (checks.types & INTEGER != 0 && number.is_integer());
        proved(
            typed
                && checks.minimum.is_none_or(|limit| number.at_least(limit))
                && checks.maximum.is_none_or(|limit| number.at_most(limit)),
        )
    }
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value the schema accepts")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        proved(self.allows(BOOLEAN))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.number(Number::Signed(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.number(Number::Unsigned(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        self.number(Number::Float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        let strings = self.checks().strings.as_ref();
        proved(
            self.allows(STRING)
                && strings.is_none_or(|checker| FastSchema::string_meets(checker, value)),
        )
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        proved(self.allows(NULL))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        proved(self.allows(ARRAY))?;
        let item = NodeSeed {
            schema: self.schema,
            id: self.checks().items,
        };
        while seq.next_element_seed(item)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        proved(self.allows(OBJECT))?;
        let rules = &self.checks().object;
        // Documented keys are a bit each; any other key is compared with the object's others.
        let mut seen: u128 = 0;
        let mut others = KeySet::default();
        let mut hint = 0;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let id = match rules.find(&key, hint) {
                Some(index) => {
                    let bit = 1u128 << index;
                    proved(seen & bit == 0)?;
                    seen |= bit;
                    hint = index + 1;
                    rules.nodes[index]
                }
                None => {
                    proved(others.insert(key))?;
                    rules.additional
                }
            };
            map.next_value_seed(NodeSeed {
                schema: self.schema,
                id,
            })?;
        }
        proved(seen & rules.required == rules.required)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn both(schema: &Value, payload: &str) -> (bool, bool) {
        let fast = FastSchema::compile(schema).unwrap();
        let full = crate::Validator::new(schema).unwrap();
        let fast_says = fast.accepts(payload.as_bytes());
        let full_says = crate::check_bytes(payload.as_bytes(), &full, 0).is_valid();
        (fast_says, full_says)
    }

    const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

    #[test]
    fn every_embedded_schema_has_a_fast_path() {
        for kind in crate::Document::ALL {
            assert!(
                FastSchema::compile(&kind.schema()).is_some(),
                "{kind}: the fast path does not cover its schema"
            );
        }
    }

    #[test]
    fn unknown_keywords_mean_no_fast_path() {
        for extra in [
            json!({"multipleOf": 2}),
            json!({"not": {}}),
            json!({"propertyNames": {"maxLength": 3}}),
            json!({"enum": [1]}),
            json!({"anyOf": [{}]}),
            json!({"items": [{}]}),
            json!({"uniqueItems": true}),
            json!({"minimum": 1.5}),
            json!({"properties": {"a": {"$ref": "#/definitions/x", "type": "string"}}, "definitions": {"x": {}}}),
            json!({"properties": {"a": {"$ref": "https://example.com/s.json"}}}),
            json!({"properties": {"a": {"$id": "other"}}}),
            json!({"properties": {"a": {"$ref": "#/definitions/x/properties/y"}}, "definitions": {"x": {"$id": "other", "properties": {"y": {}}}}}),
            json!({"properties": {"a": {"$ref": "#foo"}}}),
        ] {
            let mut schema = extra.clone();
            schema["$schema"] = json!(DRAFT);
            assert!(FastSchema::compile(&schema).is_none(), "{extra}");
        }
        assert!(
            FastSchema::compile(&json!({"type": "object"})).is_none(),
            "no draft named"
        );
        assert!(
            FastSchema::compile(
                &json!({"$schema": "https://json-schema.org/draft/2020-12/schema"})
            )
            .is_none()
        );
    }

    #[test]
    fn verdicts_match_the_full_path_on_corner_cases() {
        let schema = json!({
            "$schema": DRAFT,
            "type": "object",
            "required": ["n", "s"],
            "properties": {
                "n": {"type": ["integer", "null"], "minimum": -9223372036854775808i64, "maximum": 9223372036854775807u64},
                "x": {"type": "number"},
                "p": {"type": "string", "pattern": "^a", "minLength": 2},
                "s": {"$ref": "#/definitions/T"},
                "a": {"type": "array", "items": {"type": "string"}},
                "m": {"type": "object", "additionalProperties": {"type": "boolean"}},
                "no": false
            },
            "definitions": {"T": {"type": "string", "format": "date-time"}}
        });
        let stamp = r#""s": "2022-07-26T12:56:34Z""#;
        for (payload, valid) in [
            (format!(r#"{{"n": 1, {stamp}}}"#), true),
            (format!(r#"{{"n": 1.0, {stamp}}}"#), true),
            (format!(r#"{{"n": 1.5, {stamp}}}"#), false),
            (format!(r#"{{"n": null, {stamp}}}"#), true),
            (format!(r#"{{"n": 9223372036854775807, {stamp}}}"#), true),
            (format!(r#"{{"n": 9223372036854775808, {stamp}}}"#), false),
            (format!(r#"{{"n": -9223372036854775808, {stamp}}}"#), true),
            // Past i64 the number is a float, and this one rounds to i64::MIN exactly.
            (format!(r#"{{"n": -9223372036854775809, {stamp}}}"#), true),
            (format!(r#"{{"n": -9223372036854777856, {stamp}}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "p": "ab"}}"#), true),
            (format!(r#"{{"n": 1, {stamp}, "p": "ba"}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "p": "a"}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "p": "aé"}}"#), true),
            (format!(r#"{{"n": -9223372036854775808.0, {stamp}}}"#), true),
            (format!(r#"{{"n": 9223372036854775807.0, {stamp}}}"#), false),
            (format!(r#"{{"n": 1e3, {stamp}}}"#), true),
            (format!(r#"{{"n": 1e300, {stamp}}}"#), false),
            (format!(r#"{{"n": -0, {stamp}}}"#), true),
            (format!(r#"{{"n": -0.0, {stamp}}}"#), true),
            (format!(r#"{{"n": "1", {stamp}}}"#), false),
            (format!(r#"{{"n": 1, "x": 1e-7, {stamp}}}"#), true),
            (format!(r#"{{"n": 1, "x": "1", {stamp}}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "a": ["x", "y\n"]}}"#), true),
            (format!(r#"{{"n": 1, {stamp}, "a": ["x", 1]}}"#), false),
            (
                format!(r#"{{"n": 1, {stamp}, "m": {{"k": true, "j": false}}}}"#),
                true,
            ),
            (
                format!(r#"{{"n": 1, {stamp}, "m": {{"k": true, "k": true}}}}"#),
                false,
            ),
            (format!(r#"{{"n": 1, {stamp}, "m": {{"k": 1}}}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "no": 1}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "n": 1}}"#), false),
            (format!(r#"{{"n": 1, {stamp}, "\u006e": 1}}"#), false),
            (
                format!(r#"{{"n": 1, {stamp}, "z": {{"q": [{{"r": 1, "r": 2}}]}}}}"#),
                false,
            ),
            (
                format!(r#"{{"n": 1, {stamp}, "z": {{"q": [{{"r": 1, "s": 2}}]}}}}"#),
                true,
            ),
            (r#"{"n": 1, "s": "2022-07-26 12:56:34Z"}"#.to_owned(), false),
            (
                r#"{"n": 1, "s": "2022-07-26T12:56:34+03:30"}"#.to_owned(),
                true,
            ),
            (r#"{"n": 1, "s": "2022-07-26T12:56:60Z"}"#.to_owned(), false),
            (r#"{"n": 1}"#.to_owned(), false),
            (format!(r#"{{"n": 1, {stamp}}} {{}}"#), false),
            (format!(r#"{{"n": 1, {stamp}}}   "#), true),
            ("[]".to_owned(), false),
            ("".to_owned(), false),
        ] {
            let (fast, full) = both(&schema, &payload);
            assert_eq!(full, valid, "the full path on {payload}");
            assert_eq!(fast, valid, "the fast path on {payload}");
        }
    }

    #[test]
    fn verdicts_match_the_full_path_under_other_schemas() {
        // A required key not in `properties` is an additional property.
        let required = json!({
            "$schema": DRAFT,
            "required": ["a"],
            "properties": {"b": {}},
            "additionalProperties": {"type": "string"}
        });
        let open = json!({"$schema": DRAFT, "type": "object"});
        let tree = json!({
            "$schema": DRAFT,
            "$ref": "#/definitions/Tree",
            "definitions": {"Tree": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/definitions/Tree"}}}}}
        });
        let members: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        let many = format!("{{{}}}", members.join(","));
        let repeated = format!("{{{}, \"k57\": 0}}", members.join(","));
        let deep = format!("{}{}", r#"{"kids": ["#.repeat(200), "]}".repeat(200));
        for (schema, payload, valid) in [
            (&required, r#"{"a": "x", "b": 1}"#, true),
            (&required, r#"{"a": 1}"#, false),
            (&required, r#"{"b": 1}"#, false),
            (&required, r#"{"a": "x", "c": 1}"#, false),
            // Many unknown keys are still checked for repeats.
            (&open, &many, true),
            (&open, &repeated, false),
            // A schema that refers to itself compiles and ends.
            (&tree, r#"{"kids": [{"kids": []}, {}]}"#, true),
            (&tree, r#"{"kids": [{"kids": [1]}]}"#, false),
            (&tree, &deep, false),
        ] {
            assert_eq!(both(schema, payload), (valid, valid), "{payload}");
        }
    }
}
