//! The namespaces the mock keeps: the create request's checks (DRF's answers, in Persian as the
//! service sends them), ids, and deletion.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// The most namespaces the mock keeps at once, in every organization: it keeps them in memory,
/// and may be left running where anyone can call it.
pub(crate) const MAX_NAMESPACES: usize = 1000;

/// The first id the mock gives a namespace.
pub(crate) const FIRST_NAMESPACE_ID: i64 = 1001;

/// DRF's "This field is required." in the service's language.
pub(crate) const REQUIRED: &str = "این مقدار لازم است.";
/// DRF's "This field may not be null.".
const NOT_NULL: &str = "این مقدار نباید تهی باشد.";
/// DRF's "This field may not be blank.".
const NOT_BLANK: &str = "این مقدار نباید خالی باشد.";
/// Django's "Null characters are not allowed.".
const NO_NULL_CHARACTERS: &str = "کاراکترهای تهی مجاز نیستند.";
/// DRF's "Not a valid string.".
const NOT_A_STRING: &str = "یک رشتهٔ معتبر نیست.";
/// DRF's "A valid integer is required.".
const NOT_AN_INTEGER: &str = "یک عدد صحیح معتبر لازم است.";

/// A cluster an organization may create namespaces on, from the profile's `available_clusters`.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub(crate) id: i64,
    /// The cluster object a namespace response carries: `{id, name, location_country,
    /// is_on_premise}`.
    pub(crate) summary: Value,
}

impl Cluster {
    /// The cluster of a profile's `available_clusters` item, if it is an object with an integer id.
    pub(crate) fn from_profile_item(item: &Value) -> Option<Self> {
        let id = item.get("id")?.as_i64()?;
        let field = |name: &str| item.get(name).cloned().unwrap_or(Value::Null);
        let is_on_premise = item
            .get("is_on_premise")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Some(Self {
            id,
            summary: json!({
                "id": id,
                "name": field("name"),
                "location_country": field("location_country"),
                "is_on_premise": is_on_premise,
            }),
        })
    }
}

/// A checked create request.
#[derive(Debug)]
pub(crate) struct Create {
    pub(crate) name: String,
    pub(crate) cluster: Cluster,
}

/// Why a create request is refused: the status-400 body DRF sends.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    /// The body is not JSON: `{"detail": "JSON parse error - ..."}`.
    Parse(String),
    /// `{"non_field_errors": [...]}` or `{"FIELD": [messages], ...}`.
    Fields(Map<String, Value>),
}

impl Refusal {
    /// The JSON body of the refusal.
    pub(crate) fn body(&self) -> Value {
        match self {
            Self::Parse(message) => json!({ "detail": format!("JSON parse error - {message}") }),
            Self::Fields(fields) => Value::Object(fields.clone()),
        }
    }
}

/// The Python type name DRF puts in "Expected a dictionary, but got {datatype}".
fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Checks a create body against the request schema's fields and the organization's clusters.
///
/// `body` is `None` when the request has no content (DRF then sees no fields at all). Stricter
/// than DRF's own coercion, as the schema is: `name` must be a JSON string and `cluster_id` a JSON
/// integer (a whole number, `53.0` included, as JSON Schema counts it).
pub(crate) fn check_create(body: Option<&[u8]>, clusters: &[Cluster]) -> Result<Create, Refusal> {
    let value: Value = match body {
        None => Value::Object(Map::new()),
        Some(bytes) => serde_json::from_slice(bytes).map_err(|e| Refusal::Parse(e.to_string()))?,
    };
    let Value::Object(object) = value else {
        let message = format!(
            "داده نامعتبر. باید یک دیکشنری باشد، اما {} دریافت شد.",
            python_type(&value)
        );
        let mut fields = Map::new();
        fields.insert("non_field_errors".to_owned(), json!([message]));
        return Err(Refusal::Fields(fields));
    };
    let mut errors = Map::new();
    let name = match object.get("name") {
        None => Err(REQUIRED.to_owned()),
        Some(Value::Null) => Err(NOT_NULL.to_owned()),
        // DRF trims surrounding whitespace (Python's) before checking for a blank value.
        Some(Value::String(name)) if name.chars().all(is_python_whitespace) => {
            Err(NOT_BLANK.to_owned())
        }
        // Then its validators: Django's ProhibitNullCharactersValidator.
        Some(Value::String(name)) if name.contains('\0') => Err(NO_NULL_CHARACTERS.to_owned()),
        Some(Value::String(name)) => Ok(name.trim_matches(is_python_whitespace).to_owned()),
        Some(_) => Err(NOT_A_STRING.to_owned()),
    };
    let cluster = match object.get("cluster_id") {
        None => Err(REQUIRED.to_owned()),
        Some(Value::Null) => Err(NOT_NULL.to_owned()),
        Some(Value::Number(number)) => match whole_number(number) {
            Some(id) => clusters
                .iter()
                .find(|cluster| cluster.id == id)
                .cloned()
                .ok_or_else(|| format!("شناسهٔ نامعتبر \"{id}\" - چنین شیئی وجود ندارد.")),
            None => Err(NOT_AN_INTEGER.to_owned()),
        },
        Some(_) => Err(NOT_AN_INTEGER.to_owned()),
    };
    if let Err(message) = &name {
        errors.insert("name".to_owned(), json!([message]));
    }
    if let Err(message) = &cluster {
        errors.insert("cluster_id".to_owned(), json!([message]));
    }
    match (name, cluster) {
        (Ok(name), Ok(cluster)) => Ok(Create { name, cluster }),
        _ => Err(Refusal::Fields(errors)),
    }
}

/// The id a JSON number names, if it is a whole number within `i64`: JSON Schema's `integer`
/// (which the document gives `cluster_id`) counts `53.0` as 53, and so does the service's primary
/// key field (Django reads the id with `int()`). A fraction, or a number beyond `i64`, is none.
fn whole_number(number: &serde_json::Number) -> Option<i64> {
    if let Some(id) = number.as_i64() {
        return Some(id);
    }
    // 2^63 is exact as an f64; every whole f64 in [-2^63, 2^63) is an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let float = number.as_f64()?;
    #[allow(clippy::cast_possible_truncation)]
    let id = float as i64;
    (float.fract() == 0.0 && (-LIMIT..LIMIT).contains(&float)).then_some(id)
}

/// Whitespace as Python's `str.strip` (and so DRF) sees it: Unicode's White_Space, which Rust's
/// `char::is_whitespace` follows, plus the four information separators U+001C..U+001F. The
/// schema's `name` pattern lists the same class.
fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Every namespace created and not deleted, by id, each with the organization it belongs to.
#[derive(Debug)]
pub(crate) struct Store {
    next_id: i64,
    namespaces: BTreeMap<i64, (String, Value)>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            next_id: FIRST_NAMESPACE_ID,
            namespaces: BTreeMap::new(),
        }
    }
}

impl Store {
    /// Creates a namespace for `organization` and returns the response body, or refuses when
    /// the mock holds [`MAX_NAMESPACES`] already.
    pub(crate) fn create(&mut self, organization: &str, request: Create) -> Result<Value, Refusal> {
        if self.namespaces.len() >= MAX_NAMESPACES {
            let message = format!(
                "سرور آزمایشی بیش از {MAX_NAMESPACES} فضای نام نگه نمی‌دارد؛ چندتایی را حذف کنید."
            );
            let mut fields = Map::new();
            fields.insert("non_field_errors".to_owned(), json!([message]));
            return Err(Refusal::Fields(fields));
        }
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        let namespace = json!({
            "name": request.name,
            "cluster": request.cluster.summary,
            "id": id,
        });
        self.namespaces
            .insert(id, (organization.to_owned(), namespace.clone()));
        Ok(namespace)
    }

    /// Deletes `organization`'s namespace `id`; `false` if it has none by that id.
    pub(crate) fn delete(&mut self, organization: &str, id: i64) -> bool {
        match self.namespaces.get(&id) {
            Some((owner, _)) if owner == organization => {
                self.namespaces.remove(&id);
                true
            }
            _ => false,
        }
    }

    /// How many namespaces exist, in every organization.
    pub(crate) fn len(&self) -> usize {
        self.namespaces.len()
    }

    /// The namespaces of `organization`, by id.
    pub(crate) fn of(&self, organization: &str) -> Vec<Value> {
        self.namespaces
            .values()
            .filter(|(owner, _)| owner == organization)
            .map(|(_, namespace)| namespace.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters() -> Vec<Cluster> {
        let item = json!({"id": 53, "name": "hamravesh-c11", "location_country": "IR"});
        Cluster::from_profile_item(&item).into_iter().collect()
    }

    #[test]
    fn create_bodies_are_checked_like_drf() {
        // (body, expected error body, or None when accepted)
        let cases: Vec<(Option<&str>, Option<Value>)> = vec![
            (Some(r#"{"name": "my-team-x", "cluster_id": 53}"#), None),
            (
                Some(r#"{"name": "  my-team-x ", "cluster_id": 53, "extra": 1}"#),
                None,
            ),
            (
                None,
                Some(json!({"name": [REQUIRED], "cluster_id": [REQUIRED]})),
            ),
            (
                Some(r#"{"name": "x"}"#),
                Some(json!({"cluster_id": ["این مقدار لازم است."]})),
            ),
            (
                Some(r#"{"name": "x", "cluster_id": "53"}"#),
                Some(json!({"cluster_id": [NOT_AN_INTEGER]})),
            ),
            // JSON Schema's `integer` is a whole number however it is written.
            (Some(r#"{"name": "x", "cluster_id": 53.0}"#), None),
            (Some(r#"{"name": "x", "cluster_id": 5.3e1}"#), None),
            (
                Some(r#"{"name": "x", "cluster_id": 53.5}"#),
                Some(json!({"cluster_id": [NOT_AN_INTEGER]})),
            ),
            (
                Some(r#"{"name": "x", "cluster_id": 9223372036854775808.0}"#),
                Some(json!({"cluster_id": [NOT_AN_INTEGER]})),
            ),
            (
                Some(r#"{"name": "x", "cluster_id": -0.0}"#),
                Some(json!({"cluster_id": ["شناسهٔ نامعتبر \"0\" - چنین شیئی وجود ندارد."]})),
            ),
            (
                Some(r#"{"name": 5, "cluster_id": null}"#),
                Some(json!({"name": [NOT_A_STRING], "cluster_id": [NOT_NULL]})),
            ),
            (
                Some(r#"{"name": " ", "cluster_id": 54}"#),
                Some(json!({
                    "name": [NOT_BLANK],
                    "cluster_id": ["شناسهٔ نامعتبر \"54\" - چنین شیئی وجود ندارد."],
                })),
            ),
            (
                Some(r#"{"name": "\u001c\u3000", "cluster_id": 53}"#),
                Some(json!({"name": [NOT_BLANK]})),
            ),
            (
                Some(r#"{"name": " my\u0000team ", "cluster_id": 53}"#),
                Some(json!({"name": [NO_NULL_CHARACTERS]})),
            ),
            (
                Some("[]"),
                Some(json!({
                    "non_field_errors": ["داده نامعتبر. باید یک دیکشنری باشد، اما list دریافت شد."]
                })),
            ),
        ];
        for (body, expected) in cases {
            let result = check_create(body.map(str::as_bytes), &clusters());
            match expected {
                None => assert!(result.is_ok(), "{body:?}: {result:?}"),
                Some(expected) => {
                    assert_eq!(
                        result.map(|_| ()).map_err(|r| r.body()),
                        Err(expected),
                        "{body:?}"
                    )
                }
            }
        }
        let parse = check_create(Some(b"{"), &clusters());
        assert!(matches!(&parse, Err(Refusal::Parse(_))), "{parse:?}");
    }

    /// The mock's blank and NUL rules and the schema's `name` pattern (which the generated type
    /// checks) are one rule: for every name of one character, two, and that character around a
    /// letter, the mock refuses the name exactly when the type refuses it. Every whitespace character is
    /// below U+3001; U+FEFF is whitespace to ECMAScript's `\s` but not to Python.
    #[test]
    fn the_blank_rule_is_the_schema_pattern() {
        let characters = (0..=0x3100u32)
            .chain([0xfeff, 0x10ffff])
            .filter_map(char::from_u32);
        for c in characters {
            for name in [c.to_string(), format!("{c}{c}"), format!("{c}x{c}")] {
                let body = json!({"name": name, "cluster_id": 53}).to_string();
                let mock_accepts = check_create(Some(body.as_bytes()), &clusters()).is_ok();
                let type_accepts = hamravesh_types::decode::<
                    hamravesh_types::namespaces::CreateNamespace,
                >(body.as_bytes())
                .is_ok();
                assert_eq!(mock_accepts, type_accepts, "U+{:04X} in {name:?}", c as u32);
            }
        }
    }

    /// The mock reads `cluster_id` as the document's `integer` does: for every spelling of a
    /// number, the mock takes it for an id exactly when the create schema accepts it (and then
    /// finds cluster 53 for the spellings of 53).
    #[test]
    fn cluster_ids_are_the_schemas_integers() {
        let spellings = [
            "53",
            "53.0",
            "5.3e1",
            "530e-1",
            "53.5",
            "-0.0",
            "0",
            "-9223372036854775808",
            "-9223372036854775808.0",
            "-9223372036854775809",
            "9223372036854775807",
            "9223372036854775807.0",
            "9223372036854775808",
            "1e20",
        ];
        for spelling in spellings {
            let body = format!(r#"{{"name": "x", "cluster_id": {spelling}}}"#);
            let schema_accepts = hamravesh_types::Document::CreateNamespace
                .is_valid(&serde_json::from_str::<Value>(&body).unwrap_or(Value::Null));
            let result = check_create(Some(body.as_bytes()), &clusters());
            let mock_reads_an_id = match &result {
                Ok(_) => true,
                Err(refusal) => refusal.body()["cluster_id"][0] != NOT_AN_INTEGER,
            };
            assert_eq!(mock_reads_an_id, schema_accepts, "cluster_id {spelling}");
            let is_53 = ["53", "53.0", "5.3e1", "530e-1"].contains(&spelling);
            assert_eq!(result.is_ok(), is_53, "cluster_id {spelling}: {result:?}");
        }
    }

    #[test]
    fn ids_are_fresh_and_namespaces_belong_to_their_organization() {
        let mut store = Store::default();
        let create = |name: &str| Create {
            name: name.to_owned(),
            cluster: clusters().remove(0),
        };
        let first = store.create("a", create("a-1")).unwrap();
        let second = store.create("b", create("b-1")).unwrap();
        assert_eq!(
            (first["id"].as_i64(), second["id"].as_i64()),
            (Some(1001), Some(1002))
        );
        assert!(!store.delete("a", 1002), "another organization's namespace");
        assert_eq!(store.of("a").len(), 1);
        assert!(store.delete("a", 1001));
        assert!(!store.delete("a", 1001));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn the_store_is_bounded() {
        let mut store = Store::default();
        let create = || Create {
            name: "x".to_owned(),
            cluster: clusters().remove(0),
        };
        for _ in 0..MAX_NAMESPACES {
            assert!(store.create("a", create()).is_ok());
        }
        let refused = store.create("a", create()).unwrap_err();
        assert!(refused.body()["non_field_errors"][0].is_string());
        assert!(store.delete("a", FIRST_NAMESPACE_ID));
        assert!(
            store.create("a", create()).is_ok(),
            "room again after a delete"
        );
    }
}
