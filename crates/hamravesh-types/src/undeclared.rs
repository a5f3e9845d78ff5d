//! The fields a payload carries that its schema does not declare: what the live service sends
//! that the docs (and so the schema) do not mention.
//!
//! The schemas allow additional properties everywhere, since the service adds fields without
//! notice, so validation cannot see them. [`undeclared_fields`] walks a value alongside its
//! schema and lists every object key that no schema declares, once per path pattern:
//!
//! ```
//! use hamravesh_types::{Document, undeclared_fields};
//! let payload = serde_json::json!({
//!     "organizations": [{"id": 1, "has_gpu": true}, {"id": 2, "has_gpu": false}],
//!     "theme": null,
//! });
//! let report = undeclared_fields(Document::Profile, &payload);
//! assert_eq!(
//!     report.to_string(),
//!     "organizations[].has_gpu: boolean, not in schema/profile.json\n\
//!      theme: null, not in schema/profile.json"
//! );
//! assert_eq!(report.fields()[0].occurrences(), 2);
//! ```
//!
//! # How the schema is read
//! - `$ref` to a local pointer (`#/definitions/NAME`) is followed. A reference that does not
//!   resolve, or points outside the document, makes that part open (see below).
//! - Everything that must hold at once adds up: a node's own keywords, its `$ref` (and the
//!   keywords beside it, which draft 2019-09 on reads; draft-07 ignores them, so counting them
//!   only ever declares more), `allOf`, `then` and `else` (`if` is not evaluated, so both
//!   count), and the schemas of `dependencies`/`dependentSchemas`. A part that says nothing of
//!   keys (`{"required": [...]}`, `{}`) adds nothing, so `allOf: [{properties}, {required}]`
//!   still reports keys outside `properties`.
//! - `anyOf` and `oneOf` are alternatives: a key is declared when any branch that allows the
//!   value's JSON type declares it, so a nullable reference (`anyOf: [{$ref}, {type: null}]`)
//!   reads as the reference; a branch the value may match that says nothing of keys leaves the
//!   value open, and `anyOf: [{required: [a]}, {required: [b]}]` beside `properties` leaves the
//!   properties in force.
//! - In an object, a key is declared by `properties`, or, when the schema has
//!   `additionalProperties` as a schema (a map such as `organization_roles`), by that schema: its
//!   keys are then shown as `*` (`organization_roles.*`), so a map's many keys are one path.
//!   `additionalProperties: true` allows keys without declaring them: they are reported.
//!   `unevaluatedProperties` as a schema counts as a map's when there is no `additionalProperties`.
//! - In an array, `items` (or positional `items` and `additionalItems`, or draft 2020-12's
//!   `prefixItems` and `items`) describe the elements, shown as `[]`.
//! - **Open parts are not reported.** A value where the schema says nothing about keys or items
//!   (`{}`, a bare `{"type": "object"}`, `patternProperties`, which is not evaluated, an array
//!   without `items`, such as the profile's `owned_domains`) is free-form: nothing inside it is
//!   reported. Neither is anything inside an undeclared field: its path is the one line.
//! - A value of a type the schema does not allow is validation's business: it is not walked.
//!
//! # Bounds
//! At most `max_paths` distinct paths are kept ([`DEFAULT_MAX_PATHS`]); further undeclared
//! fields are only counted ([`UndeclaredReport::omitted`]). The walk stops descending at
//! [`MAX_DEPTH`] levels (counting the values it skipped), so a value nested deeper than any parser
//! allows cannot exhaust the stack. Keys longer than [`MAX_KEY_BYTES`]
//! are kept, compared and shown by their first bytes (then `…`). Paths are made safe for a
//! terminal: a key that is not plain letters, digits, `_` and `-` is quoted
//! (`["a.b"]`, `["\u{1b}[2J"]`) with control characters and bidi overrides escaped.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::Document;

/// Distinct paths an [`UndeclaredReport`] keeps by default.
pub const DEFAULT_MAX_PATHS: usize = 100;

/// Levels of nesting walked; deeper values are counted in [`UndeclaredReport::too_deep`] and not
/// examined. serde_json refuses to parse more than 128, so only a value built in code reaches it.
pub const MAX_DEPTH: usize = 256;

/// Bytes of a key kept, compared and shown; a longer key is cut at a character boundary.
pub const MAX_KEY_BYTES: usize = 200;

/// Schemas one value is checked against at most (after following references and merging
/// branches); past this the value is treated as open rather than walked at great cost.
const MAX_BRANCHES: usize = 64;

/// Readings of schema lists kept for reuse ([`Walker::applicable_once`]); each is a few pointers.
const MAX_READINGS: usize = 4096;

/// References followed in a row before a chain (or a cycle, `{"$ref": "#"}`) counts as open.
const MAX_REF_HOPS: usize = 32;

/// The fields of `value` that the embedded schema of `document` does not declare, keeping at most
/// [`DEFAULT_MAX_PATHS`] paths. See the [module documentation](self) for how the schema is read.
pub fn undeclared_fields(document: Document, value: &Value) -> UndeclaredReport {
    static SCHEMAS: [OnceLock<Value>; Document::ALL.len()] =
        [const { OnceLock::new() }; Document::ALL.len()];
    let schema = SCHEMAS[document as usize].get_or_init(|| document.schema());
    let name = format!("schema/{}", document.schema_ref());
    undeclared_fields_in(schema, &name, value, DEFAULT_MAX_PATHS)
}

/// The fields of `value` that `schema` (a JSON Schema, draft-07 or compatible) does not declare,
/// keeping at most `max_paths` distinct paths. `schema_name` is how lines name the schema
/// (`not in NAME`), such as the file it was read from.
pub fn undeclared_fields_in(
    schema: &Value,
    schema_name: &str,
    value: &Value,
    max_paths: usize,
) -> UndeclaredReport {
    let mut walker = Walker {
        root: schema,
        report: UndeclaredReport {
            schema_name: schema_name.to_owned(),
            max_paths,
            fields: Vec::new(),
            omitted: 0,
            too_deep: 0,
        },
        nodes: vec![PathNode {
            parent: 0,
            segment: Segment::Root,
        }],
        children: HashMap::new(),
        found: HashMap::new(),
        readings: HashMap::new(),
    };
    walker.walk(value, &[schema], 0, 0);
    walker.report
}

/// What a payload carries that its schema does not declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeclaredReport {
    schema_name: String,
    max_paths: usize,
    fields: Vec<UndeclaredField>,
    omitted: u64,
    too_deep: u64,
}

impl UndeclaredReport {
    /// The undeclared fields, one per path, in the order first met (depth-first, keys in the
    /// order the value's maps hold them: sorted by key, as `serde_json::Map` keeps them unless
    /// serde_json's `preserve_order` feature is on).
    pub fn fields(&self) -> &[UndeclaredField] {
        &self.fields
    }

    /// Whether nothing undeclared was found and nothing was left unexamined.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.omitted == 0 && self.too_deep == 0
    }

    /// Undeclared fields met after `max_paths` paths were kept, at paths not kept (each
    /// occurrence counts once).
    pub fn omitted(&self) -> u64 {
        self.omitted
    }

    /// Values nested deeper than [`MAX_DEPTH`] levels, not examined.
    pub fn too_deep(&self) -> u64 {
        self.too_deep
    }

    /// How the schema is named in each line, such as `schema/profile.json`.
    pub fn schema_name(&self) -> &str {
        &self.schema_name
    }
}

/// One line per field (`organizations[].has_gpu: boolean, not in schema/profile.json`), then
/// a line for what was left out, if anything; lines are separated by `\n`, with none at the end.
/// Everything is safe for a terminal.
impl fmt::Display for UndeclaredReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schema = crate::text::terminal_safe(&self.schema_name);
        let mut separator = "";
        for field in &self.fields {
            write!(f, "{separator}{field}, not in {schema}")?;
            separator = "\n";
        }
        if self.omitted > 0 {
            write!(
                f,
                "{separator}… and {} more undeclared field{} at paths not listed (the list stops at {} paths)",
                self.omitted,
                if self.omitted == 1 { "" } else { "s" },
                self.max_paths
            )?;
            separator = "\n";
        }
        if self.too_deep > 0 {
            write!(
                f,
                "{separator}… {} value{} nested deeper than {MAX_DEPTH} levels not examined",
                self.too_deep,
                if self.too_deep == 1 { "" } else { "s" },
            )?;
        }
        Ok(())
    }
}

/// A field no schema declares, at one path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeclaredField {
    path: String,
    types: JsonTypes,
    occurrences: u64,
}

impl UndeclaredField {
    /// Its path pattern, safe for a terminal: keys joined by `.`, `[]` for any element of an
    /// array, `*` for any key of a map, a key that is not plain letters, digits, `_` and `-`
    /// quoted (`["a.b"]`). Example: `organizations[].has_gpu`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The JSON types its values had.
    pub fn types(&self) -> JsonTypes {
        self.types
    }

    /// How many times it occurred (once per array element or map entry holding it).
    pub fn occurrences(&self) -> u64 {
        self.occurrences
    }
}

/// `PATH: TYPES`, such as `organizations[].has_gpu: boolean`.
impl fmt::Display for UndeclaredField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.types)
    }
}

/// A set of JSON types, as JSON Schema names them (`integer` for a number without a fraction).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct JsonTypes(u8);

impl JsonTypes {
    const NAMES: [&'static str; 7] = [
        "boolean", "integer", "number", "string", "array", "object", "null",
    ];

    /// The type of `value`.
    pub fn of(value: &Value) -> Self {
        let index = match value {
            Value::Bool(_) => 0,
            Value::Number(number) if number.is_i64() || number.is_u64() => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
            Value::Null => 6,
        };
        Self(1 << index)
    }

    /// The names in the set, in a fixed order (`null` last).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .iter()
            .enumerate()
            .filter(move |(index, _)| self.0 & (1 << index) != 0)
            .map(|(_, name)| *name)
    }

    fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }
}

/// `boolean`, `string or null`, `integer, string or null`.
impl fmt::Display for JsonTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        match names.split_last() {
            None => Ok(()),
            Some((last, [])) => f.write_str(last),
            Some((last, rest)) => write!(f, "{} or {last}", rest.join(", ")),
        }
    }
}

/// A step of a path pattern; declared keys borrow from the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Segment<'s> {
    Root,
    Key(&'s str),
    Items,
    AnyKey,
}

/// One interned path pattern: its parent's index and its last step.
struct PathNode<'s> {
    parent: usize,
    segment: Segment<'s>,
}

/// What one schema says of an object's keys: its `properties` and its map's values schema.
type KeyRules<'s> = (Option<&'s Map<String, Value>>, Option<&'s Value>);

struct Walker<'s> {
    root: &'s Value,
    report: UndeclaredReport,
    /// Interned path patterns (index 0 is the root).
    nodes: Vec<PathNode<'s>>,
    children: HashMap<(usize, Segment<'s>), usize>,
    /// Per parent path, each undeclared key (cut to MAX_KEY_BYTES) and its field's index.
    found: HashMap<usize, HashMap<Box<str>, usize>>,
    /// What a list of schemas says of an object (`false`) or an array (`true`), by the schemas'
    /// addresses: the elements of an array, and the values of a map, meet the same list again
    /// and again, and reading it can take [`MAX_BRANCHES`]` * 4` steps.
    readings: HashMap<(bool, Vec<usize>), Option<Vec<&'s Value>>>,
}

impl<'s> Walker<'s> {
    /// Walks `value` under `schemas` (alternatives) at the interned `path`, `depth` levels down;
    /// the recursion stops at [`MAX_DEPTH`], so it cannot exhaust the stack.
    fn walk(&mut self, value: &Value, schemas: &[&'s Value], path: usize, depth: usize) {
        if depth > MAX_DEPTH {
            self.report.too_deep += 1;
            return;
        }
        let Some(leaves) = self.applicable_once(schemas, value) else {
            return;
        };
        match value {
            Value::Object(map) => {
                // Each schema's rules, read once per object rather than once per key.
                let rules: Vec<KeyRules<'s>> = leaves
                    .iter()
                    .map(|leaf| {
                        let properties = leaf.get("properties").and_then(Value::as_object);
                        (properties, map_values(leaf))
                    })
                    .collect();
                let in_a_map = rules.iter().any(|(_, values)| values.is_some());
                for (key, child) in map {
                    let declared_by_name = rules.iter().find_map(|&(properties, _)| {
                        properties?
                            .get_key_value(key.as_str())
                            .map(|(name, _)| name.as_str())
                    });
                    if declared_by_name.is_none() && !in_a_map {
                        self.record(path, key, child);
                        continue;
                    }
                    // A declared scalar holds no keys: nothing to walk.
                    if !is_container(child) {
                        continue;
                    }
                    // Each schema's own rule: its property, else its map's values.
                    let schemas: Vec<&Value> = rules
                        .iter()
                        .filter_map(|(properties, values)| {
                            properties.and_then(|p| p.get(key.as_str())).or(*values)
                        })
                        .collect();
                    let segment = declared_by_name.map_or(Segment::AnyKey, Segment::Key);
                    let child_path = self.child(path, segment);
                    self.walk(child, &schemas, child_path, depth + 1);
                }
            }
            Value::Array(items) => {
                let items_path = self.child(path, Segment::Items);
                for (index, child) in items.iter().enumerate().filter(|(_, c)| is_container(c)) {
                    let schemas: Vec<&Value> = leaves
                        .iter()
                        .filter_map(|leaf| item_schema(leaf, index))
                        .collect();
                    // An element no schema describes is free-form: nothing to report.
                    if !schemas.is_empty() {
                        self.walk(child, &schemas, items_path, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// [`Self::applicable`], read once per list of schemas and kind of container: a reading
    /// depends only on the schemas and on the value's type, and only objects and arrays are
    /// walked further. At most [`MAX_READINGS`] readings are kept.
    fn applicable_once(&mut self, schemas: &[&'s Value], value: &Value) -> Option<Vec<&'s Value>> {
        let is_array = match value {
            Value::Object(_) => false,
            Value::Array(_) => true,
            _ => return self.applicable(schemas, value),
        };
        let key = (
            is_array,
            schemas
                .iter()
                .map(|schema| std::ptr::from_ref::<Value>(schema) as usize)
                .collect::<Vec<usize>>(),
        );
        if let Some(reading) = self.readings.get(&key) {
            return reading.clone();
        }
        let reading = self.applicable(schemas, value);
        if self.readings.len() < MAX_READINGS {
            self.readings.insert(key, reading.clone());
        }
        reading
    }

    /// The schemas among `schemas` (references followed, branches merged) that describe the keys
    /// or items of `value`; `None` when the walk stops here: when one of `schemas` leaves the
    /// value open, when what it declares cannot be known (an unresolved reference,
    /// `patternProperties`, too many branches), or when none allows the value's type (a type
    /// error is validation's business).
    ///
    /// The schemas are alternatives (the same key declared by several branches), so one that
    /// leaves the value open makes it open.
    fn applicable(&self, schemas: &[&'s Value], value: &Value) -> Option<Vec<&'s Value>> {
        let mut budget = MAX_BRANCHES * 4;
        let readings = schemas
            .iter()
            .map(|schema| self.read(schema, value, 0, &mut budget));
        match Reading::any_of(readings) {
            Reading::Declares(leaves) => Some(leaves),
            Reading::Skip | Reading::Silent | Reading::Unknown => None,
        }
    }

    /// What `schema` says of `value`'s keys (or items), following references and combining
    /// branches as the module documentation says.
    fn read(
        &self,
        schema: &'s Value,
        value: &Value,
        hops: usize,
        budget: &mut usize,
    ) -> Reading<'s> {
        if *budget == 0 {
            return Reading::Unknown;
        }
        *budget -= 1;
        let object = match schema {
            Value::Bool(true) => return Reading::Silent,
            Value::Object(object) => object,
            // `false` allows nothing; anything else is not a schema.
            _ => return Reading::Skip,
        };
        if !allows_type(schema, value) {
            return Reading::Skip;
        }
        let mut all: Vec<Reading<'s>> = vec![own_reading(schema, value)];
        if let Some(reference) = object.get("$ref") {
            let target = reference.as_str().and_then(|r| self.resolve(r));
            all.push(match target {
                Some(target) if hops < MAX_REF_HOPS => self.read(target, value, hops + 1, budget),
                // A reference that cannot be followed may declare anything.
                _ => Reading::Unknown,
            });
        }
        let members = object
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(["then", "else"].iter().filter_map(|k| object.get(*k)))
            .chain(
                ["dependencies", "dependentSchemas"]
                    .iter()
                    .filter_map(|k| object.get(*k).and_then(Value::as_object))
                    .flat_map(|deps| deps.values())
                    // A dependency given as a list of names declares nothing.
                    .filter(|dependency| !dependency.is_array()),
            );
        for member in members {
            all.push(self.read(member, value, hops, budget));
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
                let readings: Vec<Reading<'s>> = branches
                    .iter()
                    .map(|branch| self.read(branch, value, hops, budget))
                    .collect();
                all.push(Reading::any_of(readings));
            }
        }
        Reading::all_of(all)
    }

    /// The schema a local reference (`#`, `#/definitions/NAME`) points at.
    fn resolve(&self, reference: &str) -> Option<&'s Value> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            return Some(self.root);
        }
        self.root.pointer(pointer)
    }

    /// The interned path `parent` + `segment`.
    fn child(&mut self, parent: usize, segment: Segment<'s>) -> usize {
        if let Some(index) = self.children.get(&(parent, segment)) {
            return *index;
        }
        let index = self.nodes.len();
        self.nodes.push(PathNode { parent, segment });
        self.children.insert((parent, segment), index);
        index
    }

    /// Records an undeclared `key` (holding `value`) under the path `parent`.
    fn record(&mut self, parent: usize, key: &str, value: &Value) {
        let kept = cut(key);
        let types = JsonTypes::of(value);
        let under_parent = self.found.entry(parent).or_default();
        if let Some(index) = under_parent.get(kept) {
            let field = &mut self.report.fields[*index];
            field.types.insert(types);
            field.occurrences += 1;
            return;
        }
        if self.report.fields.len() >= self.report.max_paths {
            self.report.omitted += 1;
            return;
        }
        under_parent.insert(kept.into(), self.report.fields.len());
        let mut path = self.render(parent);
        push_key(&mut path, key);
        self.report.fields.push(UndeclaredField {
            path,
            types,
            occurrences: 1,
        });
    }

    /// The text of an interned path pattern.
    fn render(&self, mut index: usize) -> String {
        let mut segments = Vec::new();
        while index != 0 {
            let node = &self.nodes[index];
            segments.push(node.segment);
            index = node.parent;
        }
        let mut path = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Key(key) => push_key(&mut path, key),
                Segment::Items => path.push_str("[]"),
                Segment::AnyKey => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push('*');
                }
            }
        }
        path
    }
}

/// What a schema says of a value's keys (for an object) or elements (for an array).
#[derive(Debug)]
enum Reading<'s> {
    /// It does not allow the value's type (or is `false`): it does not apply.
    Skip,
    /// It allows the value and says nothing of its keys or items (`{}`, `true`, a bare
    /// `{"type": "object"}`, `{"required": [...]}`).
    Silent,
    /// It may declare keys this walk cannot see (`patternProperties`, an unresolved reference,
    /// too many branches).
    Unknown,
    /// These schemas (each with `properties`, an `additionalProperties` schema or `items`)
    /// declare the keys or items.
    Declares(Vec<&'s Value>),
}

impl<'s> Reading<'s> {
    /// Readings that must all hold: what one cannot see makes the whole unknown, one that says
    /// nothing adds nothing, declarations add up.
    fn all_of(readings: impl IntoIterator<Item = Reading<'s>>) -> Self {
        Self::combine(readings, true)
    }

    /// Alternatives: the same, except that one the value may match while saying nothing of its
    /// keys leaves them open.
    fn any_of(readings: impl IntoIterator<Item = Reading<'s>>) -> Self {
        Self::combine(readings, false)
    }

    fn combine(readings: impl IntoIterator<Item = Reading<'s>>, all: bool) -> Self {
        let mut combined = Reading::Skip;
        for reading in readings {
            combined = match (combined, reading) {
                (Reading::Unknown, _) | (_, Reading::Unknown) => Reading::Unknown,
                (Reading::Declares(mut a), Reading::Declares(b)) => {
                    // Each schema once.
                    for leaf in b {
                        if !a.iter().any(|kept| std::ptr::eq(*kept, leaf)) {
                            a.push(leaf);
                        }
                    }
                    Reading::Declares(a)
                }
                (Reading::Declares(a), Reading::Silent)
                | (Reading::Silent, Reading::Declares(a))
                    if all =>
                {
                    Reading::Declares(a)
                }
                (Reading::Silent, _) | (_, Reading::Silent) => Reading::Silent,
                (Reading::Declares(a), Reading::Skip) | (Reading::Skip, Reading::Declares(a)) => {
                    Reading::Declares(a)
                }
                (Reading::Skip, Reading::Skip) => Reading::Skip,
            };
        }
        // Past MAX_BRANCHES declaring schemas, walking them all would cost too much.
        match combined {
            Reading::Declares(leaves) if leaves.len() > MAX_BRANCHES => Reading::Unknown,
            reading => reading,
        }
    }
}

/// What the keywords of `schema` itself (not its references or branches) say of `value`. An
/// object's keys are declared by `properties` or an `additionalProperties` schema, and unknown
/// under `patternProperties`, which this walk does not evaluate.
fn own_reading<'s>(schema: &'s Value, value: &Value) -> Reading<'s> {
    match value {
        Value::Object(_) if schema.get("patternProperties").is_some() => Reading::Unknown,
        Value::Object(_) if schema.get("properties").is_some() || map_values(schema).is_some() => {
            Reading::Declares(vec![schema])
        }
        Value::Array(_) if schema.get("items").is_some() || schema.get("prefixItems").is_some() => {
            Reading::Declares(vec![schema])
        }
        _ => Reading::Silent,
    }
}

/// The schema of a map's values (`additionalProperties` as a schema, not `true`/`false`).
/// `unevaluatedProperties` (draft 2019-09) stands in when there is no `additionalProperties`.
fn map_values(schema: &Value) -> Option<&Value> {
    match schema.get("additionalProperties") {
        Some(values) => Some(values).filter(|s| s.is_object()),
        None => schema
            .get("unevaluatedProperties")
            .filter(|s| s.is_object()),
    }
}

/// Whether `value` can hold keys (an object, or an array that may hold objects).
fn is_container(value: &Value) -> bool {
    value.is_object() || value.is_array()
}

/// Whether `schema` allows the JSON type of `value` (no `type` allows every type).
fn allows_type(schema: &Value, value: &Value) -> bool {
    let allows = |name: &str| match (name, value) {
        ("object", Value::Object(_)) | ("array", Value::Array(_)) => true,
        ("string", Value::String(_)) | ("boolean", Value::Bool(_)) | ("null", Value::Null) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    };
    match schema.get("type") {
        None => true,
        Some(Value::String(name)) => allows(name),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).any(allows),
        Some(_) => true,
    }
}

/// The schema of element `index` of an array under `schema`, if it gives one.
/// Draft 2020-12's `prefixItems` describe the first elements and `items` the rest; draft-07's
/// positional `items` the first and `additionalItems` the rest.
fn item_schema(schema: &Value, index: usize) -> Option<&Value> {
    if let Some(prefix) = schema.get("prefixItems").and_then(Value::as_array) {
        return prefix
            .get(index)
            .or_else(|| schema.get("items").filter(|s| !s.is_boolean()));
    }
    match schema.get("items")? {
        Value::Array(positional) => positional
            .get(index)
            .or_else(|| schema.get("additionalItems").filter(|s| !s.is_boolean())),
        items => Some(items),
    }
}

/// `key` cut to at most [`MAX_KEY_BYTES`] at a character boundary.
fn cut(key: &str) -> &str {
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    let mut end = MAX_KEY_BYTES;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    &key[..end]
}

/// Appends `.key`, or `["key"]` quoted and escaped when it is not plain; `…` marks a cut key.
fn push_key(path: &mut String, key: &str) {
    let (key, was_cut) = (cut(key), key.len() > MAX_KEY_BYTES);
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if plain && !was_cut {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        return;
    }
    path.push_str("[\"");
    let quoted = key.replace('\\', "\\\\").replace('"', "\\\"");
    path.push_str(&crate::text::terminal_safe(&quoted));
    if was_cut {
        path.push('…');
    }
    path.push_str("\"]");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_a_list() {
        let mut types = JsonTypes::of(&Value::Null);
        assert_eq!(types.to_string(), "null");
        types.insert(JsonTypes::of(&Value::from("x")));
        assert_eq!(types.to_string(), "string or null");
        types.insert(JsonTypes::of(&Value::from(1)));
        assert_eq!(types.to_string(), "integer, string or null");
        assert_eq!(JsonTypes::of(&Value::from(1.5)).to_string(), "number");
    }

    #[test]
    fn keys_are_cut_at_a_character_boundary() {
        let key = "ب".repeat(MAX_KEY_BYTES);
        let kept = cut(&key);
        assert!(kept.len() <= MAX_KEY_BYTES);
        assert!(kept.len() >= MAX_KEY_BYTES - 1);
    }
}
