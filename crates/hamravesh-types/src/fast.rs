//! The schema-specialised fast path: decides "valid" in one pass over the bytes, while serde_json
//! parses them, without building a `serde_json::Value`.
//!
//! [`FastSchema::compile`] turns a draft-07 schema into a small tree of nodes, one per subschema,
//! for the keywords the embedded schemas use: `type` (one name or a list), `properties`,
//! `required`, `additionalProperties`, `items` (one schema), `$ref` to a local JSON Pointer,
//! integer `minimum`/`maximum`, and the keywords that look at a string alone (`format`,
//! `pattern`, `minLength`, `maxLength`); annotations (`title`, `description`, `$comment`, `x-…`,
//! `definitions`, …) are skipped. Any other keyword, or a `$ref` with
//! validation keywords beside it, and there is no fast path for that schema: it never guesses.
//!
//! [`FastSchema::accepts`] walks that tree with a serde `DeserializeSeed` as serde_json reads the
//! slice (strings borrowed, nothing kept), and stops at the first thing it cannot prove valid. It
//! refuses a key repeated inside one object anywhere, as the full path does: a documented key is
//! a bit in a mask, and other keys are compared with the object's other unknown keys (a hash set
//! past 16 of them). It answers only "valid" on its own: `false` means "not proved valid", and
//! the caller runs the full path (parse, repeated keys, jsonschema), which gives the verdict and
//! every error. Its semantics are jsonschema's: `1.0` is an integer; bounds compare exactly
//! against `u64`, `i64` and `f64` values; a string's own keywords are decided by a small
//! jsonschema validator of just those keywords, built with the same options as the full one.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Node ids reserved for the schemas `true` (any value) and `false` (no value).
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

/// Unknown keys of one object compared pairwise before they go into a hash set.
const LINEAR_KEYS: usize = 16;

/// Subschemas nested inside one another that the compiler follows before it gives up.
const MAX_SCHEMA_DEPTH: usize = 64;

/// A schema compiled for the fast path.
pub(crate) struct FastSchema {
    nodes: Vec<Node>,
    root: usize,
    /// Validators of a string's own keywords (`Checks::strings` indexes them), so that they
    /// mean exactly what they mean to the full validator.
    strings: Vec<jsonschema::Validator>,
}

impl std::fmt::Debug for FastSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastSchema")
            .field("nodes", &self.nodes.len())
            .finish_non_exhaustive()
    }
}

enum Node {
    /// Every value (still scanned for repeated keys).
    Any,
    /// No value.
    Never,
    /// A value meeting these.
    Check(Checks),
}

struct Checks {
    /// Allowed types (`ALL_TYPES` without a `type` keyword).
    types: u8,
    /// Members of an object; `None` accepts any members.
    object: Option<Box<ObjectRules>>,
    /// Elements of an array.
    items: usize,
    minimum: Option<i128>,
    maximum: Option<i128>,
    /// The validator of this schema's string keywords, if it has any.
    strings: Option<usize>,
}

struct ObjectRules {
    /// Every key of `properties` and `required`, in the schema's order.
    names: Vec<Box<str>>,
    /// The node of each name's value (for a name only `required` lists, `additional`).
    nodes: Vec<usize>,
    /// A bit per name that must be present.
    required: u128,
    /// The node of every other key's value.
    additional: usize,
    index: HashMap<Box<str>, usize, BuildHasherDefault<KeyHasher>>,
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
}

/// FxHash's mixing (rustc's hasher): object keys are short, and a lookup must not cost more
/// than the parse of the key.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut hash = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for &byte in chunks.remainder() {
            hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(SEED);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
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
        let mut compiler = Compiler {
            document: schema,
            draft,
            nodes: vec![Node::Any, Node::Never],
            by_pointer: HashMap::new(),
            strings: Vec::new(),
        };
        let root = compiler.node(schema, 0, true)?;
        Some(Self {
            nodes: compiler.nodes,
            root,
            strings: compiler.strings,
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

    /// Whether `text` meets the string keywords of validator `index`.
    fn string_meets(&self, index: usize, text: &str) -> bool {
        thread_local! {
            // One buffer per thread, so a check allocates only while the buffer grows.
            static BUFFER: Cell<String> = const { Cell::new(String::new()) };
        }
        let Some(checker) = self.strings.get(index) else {
            return false;
        };
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
    nodes: Vec<Node>,
    by_pointer: HashMap<&'s str, usize>,
    strings: Vec<jsonschema::Validator>,
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
    fn node(&mut self, schema: &'s Value, depth: usize, is_root: bool) -> Option<usize> {
        if depth > MAX_SCHEMA_DEPTH {
            return None;
        }
        match schema {
            Value::Bool(true) => Some(ANY),
            Value::Bool(false) => Some(NEVER),
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref") {
                    // Draft-07 ignores a `$ref`'s siblings; allow only those that mean nothing.
                    let siblings_inert = map.keys().all(|key| {
                        key == "$ref"
                            || is_annotation(key)
                            || (is_root && matches!(key.as_str(), "$schema" | "$id"))
                    });
                    if !siblings_inert {
                        return None;
                    }
                    return self.reference(reference.as_str()?, depth);
                }
                let id = self.nodes.len();
                self.nodes.push(Node::Any);
                let node = self.checks(map, depth, is_root)?;
                self.nodes[id] = node;
                Some(id)
            }
            _ => None,
        }
    }

    fn reference(&mut self, reference: &'s str, depth: usize) -> Option<usize> {
        if let Some(&id) = self.by_pointer.get(reference) {
            return Some(id);
        }
        // Only a pointer into this document, and none with percent-escapes to decode.
        let pointer = reference.strip_prefix('#')?;
        if pointer.contains('%') || !(pointer.is_empty() || pointer.starts_with('/')) {
            return None;
        }
        // A `$id` on the way would change what the target's own references resolve against.
        let mut prefix = String::new();
        for token in pointer.split('/').skip(1) {
            prefix.push('/');
            prefix.push_str(token);
            if self
                .document
                .pointer(&prefix)
                .and_then(Value::as_object)
                .is_some_and(|map| map.contains_key("$id"))
            {
                return None;
            }
        }
        let target = self.document.pointer(pointer)?;
        let Value::Object(map) = target else {
            return self.node(target, depth + 1, false);
        };
        // A reference to a reference (or to the root, with its `$schema`) is left to the full path.
        if map.contains_key("$ref") || pointer.is_empty() {
            return None;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Any);
        // Registered before compiling, so a schema that refers to itself ends.
        self.by_pointer.insert(reference, id);
        let node = self.checks(map, depth + 1, false)?;
        self.nodes[id] = node;
        Some(id)
    }

    fn checks(
        &mut self,
        map: &'s serde_json::Map<String, Value>,
        depth: usize,
        is_root: bool,
    ) -> Option<Node> {
        let mut checks = Checks {
            types: ALL_TYPES,
            object: None,
            items: ANY,
            minimum: None,
            maximum: None,
            strings: None,
        };
        let mut string_keywords = serde_json::Map::new();
        let mut constrained = false;
        let mut properties: Vec<(&'s str, usize)> = Vec::new();
        let mut required: Vec<&'s str> = Vec::new();
        let mut additional = ANY;
        for (keyword, value) in map {
            match keyword.as_str() {
                "type" => checks.types = types(value)?,
                "properties" => {
                    for (name, schema) in value.as_object()? {
                        properties.push((name, self.node(schema, depth + 1, false)?));
                    }
                }
                "required" => {
                    for name in value.as_array()? {
                        required.push(name.as_str()?);
                    }
                }
                "additionalProperties" => additional = self.node(value, depth + 1, false)?,
                // The array form (a tuple) is not implemented.
                "items" if !value.is_array() => {
                    checks.items = self.node(value, depth + 1, false)?
                }
                "format" | "pattern" | "minLength" | "maxLength" => {
                    string_keywords.insert(keyword.clone(), value.clone());
                }
                "minimum" => checks.minimum = Some(integer_limit(value)?),
                "maximum" => checks.maximum = Some(integer_limit(value)?),
                "$schema" | "$id" if is_root => continue,
                other if is_annotation(other) => continue,
                _ => return None,
            }
            constrained = true;
        }
        if !string_keywords.is_empty() {
            string_keywords.insert("$schema".to_owned(), Value::from(self.draft));
            // The same options as `Validator::new`, so each keyword means the same.
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&Value::Object(string_keywords))
                .ok()?;
            checks.strings = Some(self.strings.len());
            self.strings.push(validator);
        }
        if !properties.is_empty() || !required.is_empty() || additional != ANY {
            checks.object = Some(Box::new(object_rules(&properties, &required, additional)?));
        }
        Some(if constrained {
            Node::Check(checks)
        } else {
            Node::Any
        })
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

fn object_rules(
    properties: &[(&str, usize)],
    required: &[&str],
    additional: usize,
) -> Option<ObjectRules> {
    let mut rules = ObjectRules {
        names: Vec::new(),
        nodes: Vec::new(),
        required: 0,
        additional,
        index: HashMap::default(),
    };
    let position = |rules: &mut ObjectRules, name: &str| -> Option<usize> {
        if let Some(&index) = rules.index.get(name) {
            return Some(index);
        }
        let index = rules.names.len();
        if index >= MAX_NAMES {
            return None;
        }
        rules.names.push(name.into());
        rules.nodes.push(ANY);
        rules.index.insert(name.into(), index);
        Some(index)
    };
    for &(name, node) in properties {
        let index = position(&mut rules, name)?;
        rules.nodes[index] = node;
    }
    for name in required {
        let named = rules.names.len();
        let index = position(&mut rules, name)?;
        if index == named {
            // Not in `properties`: `additionalProperties` applies to its value.
            rules.nodes[index] = additional;
        }
        rules.required |= 1 << index;
    }
    Some(rules)
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

/// Stops the walk: something was not proved valid (the full path says what).
fn refuse<E: de::Error>() -> E {
    E::custom("not proved valid by the fast path")
}

/// One value, checked against one node.
#[derive(Clone, Copy)]
struct NodeSeed<'s> {
    schema: &'s FastSchema,
    id: usize,
}

impl NodeSeed<'_> {
    fn node(&self) -> &Node {
        &self.schema.nodes[self.id]
    }

    /// Whether a value of type `bit` may be here (before its content is looked at).
    fn allows(&self, bit: u8) -> bool {
        match self.node() {
            Node::Any => true,
            Node::Never => false,
            Node::Check(checks) => checks.types & bit != 0,
        }
    }

    fn number<E: de::Error>(self, number: Number) -> Result<(), E> {
        let checks = match self.node() {
            Node::Any => return Ok(()),
            Node::Never => return Err(refuse()),
            Node::Check(checks) => checks,
        };
        let typed =
            checks.types & NUMBER != 0 || (checks.types & INTEGER != 0 && number.is_integer());
        let within = checks.minimum.is_none_or(|limit| number.at_least(limit))
            && checks.maximum.is_none_or(|limit| number.at_most(limit));
        if typed && within {
            Ok(())
        } else {
            Err(refuse())
        }
    }

    fn scalar<E: de::Error>(self, bit: u8) -> Result<(), E> {
        if self.allows(bit) {
            Ok(())
        } else {
            Err(refuse())
        }
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
        self.scalar(BOOLEAN)
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
        match self.node() {
            Node::Any => Ok(()),
            Node::Never => Err(refuse()),
            Node::Check(checks) => {
                if checks.types & STRING != 0
                    && checks
                        .strings
                        .is_none_or(|index| self.schema.string_meets(index, value))
                {
                    Ok(())
                } else {
                    Err(refuse())
                }
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar(NULL)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar(NULL)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let items = match self.node() {
            Node::Any => ANY,
            Node::Never => return Err(refuse()),
            Node::Check(checks) if checks.types & ARRAY != 0 => checks.items,
            Node::Check(_) => return Err(refuse()),
        };
        let item = NodeSeed {
            schema: self.schema,
            id: items,
        };
        while seq.next_element_seed(item)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        static NO_RULES: std::sync::OnceLock<ObjectRules> = std::sync::OnceLock::new();
        let rules = match self.node() {
            Node::Any => None,
            Node::Never => return Err(refuse()),
            Node::Check(checks) if checks.types & OBJECT != 0 => checks.object.as_deref(),
            Node::Check(_) => return Err(refuse()),
        };
        let rules = match rules {
            Some(rules) => rules,
            None => NO_RULES.get_or_init(|| ObjectRules {
                names: Vec::new(),
                nodes: Vec::new(),
                required: 0,
                additional: ANY,
                index: HashMap::default(),
            }),
        };
        walk_object(self.schema, rules, map)
    }
}

fn walk_object<'de, A: MapAccess<'de>>(
    schema: &FastSchema,
    rules: &ObjectRules,
    mut map: A,
) -> Result<(), A::Error> {
    let mut seen: u128 = 0;
    let mut others = OtherKeys::default();
    let mut hint = 0;
    while let Some(key) = map.next_key_seed(KeySeed { rules, hint })? {
        let id = match key {
            Key::Named(index) => {
                let bit = 1u128 << index;
                if seen & bit != 0 {
                    return Err(refuse());
                }
                seen |= bit;
                hint = index + 1;
                rules.nodes[index]
            }
            Key::Other(key) => {
                if !others.insert(key) {
                    return Err(refuse());
                }
                rules.additional
            }
        };
        map.next_value_seed(NodeSeed { schema, id })?;
    }
    if seen & rules.required == rules.required {
        Ok(())
    } else {
        Err(refuse())
    }
}

/// The keys of one object that the schema does not name, to find a repeat among them.
#[derive(Default)]
struct OtherKeys<'de> {
    few: Vec<Cow<'de, str>>,
    many: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> OtherKeys<'de> {
    /// Adds `key`; `false` when it was there already.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(key);
        }
        if self.few.contains(&key) {
            return false;
        }
        if self.few.len() < LINEAR_KEYS {
            self.few.push(key);
        } else {
            let mut many: HashSet<Cow<'de, str>> = self.few.drain(..).collect();
            many.insert(key);
            self.many = Some(many);
        }
        true
    }
}

enum Key<'de> {
    /// The position of a name the schema gives.
    Named(usize),
    /// Any other key.
    Other(Cow<'de, str>),
}

struct KeySeed<'r> {
    rules: &'r ObjectRules,
    hint: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(match self.rules.find(key, self.hint) {
            Some(index) => Key::Named(index),
            None => Key::Other(Cow::Borrowed(key)),
        })
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(match self.rules.find(key, self.hint) {
            Some(index) => Key::Named(index),
            None => Key::Other(Cow::Owned(key.to_owned())),
        })
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
    fn a_required_key_not_in_properties_is_an_additional_property() {
        let schema = json!({
            "$schema": DRAFT,
            "required": ["a"],
            "properties": {"b": {}},
            "additionalProperties": {"type": "string"}
        });
        assert_eq!(both(&schema, r#"{"a": "x", "b": 1}"#), (true, true));
        assert_eq!(both(&schema, r#"{"a": 1}"#), (false, false));
        assert_eq!(both(&schema, r#"{"b": 1}"#), (false, false));
        assert_eq!(both(&schema, r#"{"a": "x", "c": 1}"#), (false, false));
    }

    #[test]
    fn many_unknown_keys_are_checked_for_repeats() {
        let schema = json!({"$schema": DRAFT, "type": "object"});
        let mut members: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
        let payload = format!("{{{}}}", members.join(","));
        assert_eq!(both(&schema, &payload), (true, true));
        members.push("\"k57\": 0".to_owned());
        let payload = format!("{{{}}}", members.join(","));
        assert_eq!(both(&schema, &payload), (false, false));
    }

    #[test]
    fn a_schema_that_refers_to_itself_compiles_and_ends() {
        let schema = json!({
            "$schema": DRAFT,
            "$ref": "#/definitions/Tree",
            "definitions": {"Tree": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/definitions/Tree"}}}}}
        });
        assert_eq!(
            both(&schema, r#"{"kids": [{"kids": []}, {}]}"#),
            (true, true)
        );
        assert_eq!(
            both(&schema, r#"{"kids": [{"kids": [1]}]}"#),
            (false, false)
        );
        let deep = format!("{}{}", r#"{"kids": ["#.repeat(200), "]}".repeat(200));
        assert_eq!(both(&schema, &deep), (false, false));
    }
}
