//! Validation of any JSON value against the embedded schema (or another schema), reporting every
//! error with a JSON Pointer to the failing value.
//!
//! Formats are asserted: a `date-time` that is not RFC 3339 is an error (draft-07 validators may
//! treat formats as annotations; this one does not). The schema gives `email` fields no `format`:
//! the docs do not promise one, and validators disagree on what a valid address is, so an address
//! is checked only for being a string.

use serde_json::Value;

/// One way a payload breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationError {
    /// JSON Pointer to the failing value in the payload, e.g. `/organizations/0/owner/email`
    /// (empty for the whole payload).
    pub instance_path: String,
    /// JSON Pointer to the schema keyword that failed, e.g. `/definitions/UserSummary/properties/email/type`.
    pub schema_path: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Every error of one payload, in the order the validator found them (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The individual errors.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }

    /// Consumes the list into its errors.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_lines(f, &self.0)
    }
}

/// One error a line, with no line break after the last.
fn write_lines(f: &mut std::fmt::Formatter<'_>, errors: &[ValidationError]) -> std::fmt::Result {
    for (index, error) in errors.iter().enumerate() {
        if index > 0 {
            writeln!(f)?;
        }
        write!(f, "{error}")?;
    }
    Ok(())
}

impl std::error::Error for ValidationErrors {}

/// A schema that cannot be compiled into a validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid schema: {}", self.0)
    }
}

impl std::error::Error for SchemaError {}

/// A compiled schema, reusable across threads and calls.
pub struct Validator {
    inner: jsonschema::Validator,
    /// Whether the schema can only accept more when array elements are removed (see [`prune`]).
    prune_safe: bool,
    /// The schema-specialised single pass over the bytes (embedded schemas only).
    fast: Option<crate::fast::FastSchema>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator").finish_non_exhaustive()
    }
}

impl Validator {
    /// Compiles `schema` (its `$schema` picks the draft; draft-07 when absent is not assumed:
    /// the validator's default applies). Remote `$ref`s are never fetched. Formats are asserted.
    pub fn new(schema: &Value) -> Result<Self, SchemaError> {
        jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .map(|inner| Self {
                inner,
                prune_safe: is_prune_safe(schema),
                fast: None,
            })
            .map_err(|error| SchemaError(error.to_string()))
    }

    /// Compiles `schema` as [`Validator::new`] does, plus the schema-specialised fast path when
    /// the schema uses only what it implements (the embedded schemas; a test checks each).
    pub(crate) fn with_fast_path(schema: &Value) -> Result<Self, SchemaError> {
        let mut validator = Self::new(schema)?;
        validator.fast = crate::fast::FastSchema::compile(schema);
        Ok(validator)
    }

    /// Whether this validator has a schema-specialised fast path (the validators of the
    /// embedded schemas, [`crate::Document::validator`], do; one from [`Validator::new`] does not).
    pub fn has_fast_path(&self) -> bool {
        self.fast.is_some()
    }

    /// The fast path alone, on a payload's bytes: `Some(true)` when it proves them valid (one JSON
    /// value, no key repeated inside an object, accepted by the schema: what
    /// [`crate::check_bytes`] calls [`crate::Verdict::Valid`]), `Some(false)` when it does not
    /// (the full path then decides, and is expected to find the payload invalid), `None` when
    /// this validator has no fast path. It reads the bytes once, builds no `serde_json::Value`,
    /// and stops at the first thing it cannot prove.
    ///
    /// ```
    /// use hamravesh_types::Document;
    /// let validator = Document::CreateNamespace.validator();
    /// assert_eq!(validator.fast_path_accepts(br#"{"name": "a", "cluster_id": 53}"#), Some(true));
    /// assert_eq!(validator.fast_path_accepts(br#"{"name": "a", "cluster_id": "53"}"#), Some(false));
    /// ```
    pub fn fast_path_accepts(&self, bytes: &[u8]) -> Option<bool> {
        self.fast.as_ref().map(|fast| fast.accepts(bytes))
    }

    /// Checks `value`, reporting every error.
    pub fn validate(&self, value: &Value) -> Result<(), ValidationErrors> {
        let errors: Vec<ValidationError> =
            self.inner.iter_errors(value).map(|e| convert(&e)).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }

    /// Whether `value` is valid (faster than [`Validator::validate`]: it stops at the first error).
    pub fn is_valid(&self, value: &Value) -> bool {
        self.inner.is_valid(value)
    }

    /// Checks `value`, keeping at most `max_errors` errors, in bounded time and memory whatever
    /// the number of errors; `max_errors` 0 keeps none (the verdict alone, as fast as
    /// [`Validator::is_valid`]).
    ///
    /// [`Validator::validate`] builds every error, and a 300 KB payload of empty objects where
    /// organizations belong has three million. Here the verdict is exact, and the errors kept are
    /// real errors of `value` in the validator's order: listed from the whole payload when it has
    /// at most a few thousand values; otherwise from a copy whose arrays are cut to their first
    /// elements (only when the schema has no keyword that removing array elements could make
    /// fail: `minItems`, `contains`, `not`, `oneOf`, `if`, `enum`, `const`…); otherwise the first
    /// error alone. [`CappedErrors::omitted`] says how many were left out, exactly or as a lower
    /// bound. Kept errors also stop at about 64 KiB of text (an error's pointer quotes the keys
    /// above it), but the first is always kept.
    ///
    /// ```
    /// use hamravesh_types::Document;
    /// let payload = serde_json::json!({"organizations": [{}, {}, {}, {}, {}]});
    /// let report = Document::Profile.validator().validate_capped(&payload, 3).unwrap_err();
    /// assert_eq!(report.errors.len(), 3);
    /// assert!(report.omitted.exact && report.omitted.count > 100);
    /// ```
    pub fn validate_capped(&self, value: &Value, max_errors: usize) -> Result<(), CappedErrors> {
        self.capped(value, max_errors, false)
    }

    /// [`Validator::validate_capped`]; `suspect` says the value is most likely invalid (the fast
    /// path could not prove it valid), so a small one is listed at once, without the `is_valid`
    /// pass that would only say what listing its errors says too.
    pub(crate) fn capped(
        &self,
        value: &Value,
        max_errors: usize,
        suspect: bool,
    ) -> Result<(), CappedErrors> {
        let small = max_errors > 0 && count_nodes(value, NODE_BUDGET + 1) <= NODE_BUDGET;
        if !(suspect && small) && self.inner.is_valid(value) {
            return Ok(());
        }
        let mut kept = Collector::new(max_errors);
        if max_errors == 0 {
            return Err(kept.finish(false));
        }
        if small {
            for error in self.inner.iter_errors(value) {
                kept.push_with(|| convert(&error));
            }
            // A suspect listed without error is valid after all.
            if kept.is_empty() && self.inner.is_valid(value) {
                return Ok(());
            }
            return Err(kept.finish(true));
        }
        if self.prune_safe {
            // Start small: where every value breaks dozens of keywords a few hundred values
            // already give the errors wanted, and all of a copy's errors are built at once.
            for budget in [NODE_BUDGET / 16, NODE_BUDGET / 4, NODE_BUDGET] {
                let Some(pruned) = prune(value, budget) else {
                    continue;
                };
                kept = Collector::new(max_errors);
                for error in self.inner.iter_errors(&pruned) {
                    kept.push_with(|| convert(&error));
                }
                if kept.is_full() {
                    break;
                }
            }
        }
        if kept.is_empty() {
            match self.inner.validate(value) {
                Err(error) => kept.push_with(|| convert(&error)),
                // `is_valid` said otherwise; say so rather than report a valid payload.
                Ok(()) => kept.push_with(|| ValidationError {
                    instance_path: String::new(),
                    schema_path: String::new(),
                    message: "does not match the schema (the validator gave no detail)".to_owned(),
                }),
            }
        }
        Err(kept.finish(false))
    }
}

/// Values in a payload up to which every error is listed (each value can break many keywords:
/// an empty object where an organization belongs breaks about 30 `required`).
const NODE_BUDGET: usize = 2_000;

/// Bytes of error text (pointers and messages) kept per payload, beyond the first error.
const ERROR_TEXT_BUDGET: usize = 64 * 1024;

/// How many errors a capped report left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Omitted {
    /// Errors found but not kept (a lower bound when `exact` is false; 0 then means "maybe more").
    pub count: usize,
    /// Whether `count` is the exact number of errors not kept.
    pub exact: bool,
}

impl std::fmt::Display for Omitted {
    /// `… and 5 more errors`, `… and at least 5 more errors`, `… and maybe more errors`; empty when
    /// nothing was left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.count == 1 { "" } else { "s" };
        match (self.count, self.exact) {
            (0, true) => Ok(()),
            (0, false) => write!(f, "… and maybe more errors (not all were looked for)"),
            (count, true) => write!(f, "… and {count} more error{plural}"),
            (count, false) => write!(f, "… and at least {count} more error{plural}"),
        }
    }
}

/// The first errors of one payload, and how many more there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedErrors {
    /// The errors kept, in the order found (empty only when no error was asked for).
    pub errors: Vec<ValidationError>,
    /// What was left out.
    pub omitted: Omitted,
}

impl std::fmt::Display for CappedErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_lines(f, &self.errors)?;
        if self.omitted.count > 0 || !self.omitted.exact {
            if !self.errors.is_empty() {
                writeln!(f)?;
            }
            write!(f, "{}", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for CappedErrors {}

/// Keeps errors up to a count and a text budget, counting the rest.
pub(crate) struct Collector {
    max: usize,
    text: usize,
    kept: Vec<ValidationError>,
    omitted: usize,
}

impl Collector {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            text: 0,
            kept: Vec::new(),
            omitted: 0,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Whether no further error would be kept.
    fn is_full(&self) -> bool {
        self.kept.len() >= self.max || self.text > ERROR_TEXT_BUDGET
    }

    /// Keeps the error `make` builds if there is room, else only counts it (without building it).
    pub(crate) fn push_with(&mut self, make: impl FnOnce() -> ValidationError) {
        if self.is_full() {
            self.omitted += 1;
            return;
        }
        let error = make();
        let size = error.instance_path.len() + error.schema_path.len() + error.message.len();
        if !self.kept.is_empty() && self.text + size > ERROR_TEXT_BUDGET {
            self.omitted += 1;
            // Later, shorter errors are dropped too: what is kept stays a prefix.
            self.text = ERROR_TEXT_BUDGET + 1;
            return;
        }
        self.text += size;
        self.kept.push(error);
    }

    /// The report; `exact` says whether every error was seen (and so counted).
    pub(crate) fn finish(self, exact: bool) -> CappedErrors {
        CappedErrors {
            errors: self.kept,
            omitted: Omitted {
                count: self.omitted,
                exact,
            },
        }
    }
}

fn convert(error: &jsonschema::ValidationError<'_>) -> ValidationError {
    ValidationError {
        instance_path: error.instance_path().to_string(),
        schema_path: error.schema_path().to_string(),
        message: readable_message(error),
    }
}

/// Keywords that removing elements from an array can make fail (or, under `not`, `oneOf`, `if`,
/// flip): with none of them, every error of a copy whose arrays are cut short is an error of the
/// whole value too. Any key of that name anywhere in the schema counts, to stay on the safe side.
fn is_prune_safe(schema: &Value) -> bool {
    const UNSAFE: &[&str] = &[
        "minItems",
        "contains",
        "minContains",
        "maxContains",
        "not",
        "oneOf",
        "if",
        "then",
        "else",
        "enum",
        "const",
        "unevaluatedItems",
        "unevaluatedProperties",
        "$dynamicRef",
        "$recursiveRef",
    ];
    fn walk(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().all(|(key, child)| {
                // Local references stay inside this schema, which is checked whole; a remote
                // one could say anything.
                if key == "$ref" {
                    return child.as_str().is_some_and(|r| r.starts_with('#'));
                }
                !UNSAFE.contains(&key.as_str()) && walk(child)
            }),
            Value::Array(items) => items.iter().all(walk),
            _ => true,
        }
    }
    walk(schema)
}

/// Values in `value` (itself included), counting stopped at `limit`.
fn count_nodes(value: &Value, limit: usize) -> usize {
    pruned_count(value, usize::MAX, limit)
}

/// Values in `value` with every array cut to its first `keep` elements, counting stopped at `limit`.
fn pruned_count(value: &Value, keep: usize, limit: usize) -> usize {
    fn walk(value: &Value, keep: usize, limit: usize, count: &mut usize) {
        *count += 1;
        let items = value
            .as_array()
            .into_iter()
            .flat_map(|a| a.iter().take(keep));
        let values = value.as_object().into_iter().flat_map(|map| map.values());
        for child in items.chain(values) {
            if *count >= limit {
                return;
            }
            walk(child, keep, limit, count);
        }
    }
    let mut count = 0;
    walk(value, keep, limit, &mut count);
    count.min(limit)
}

/// A copy of `value` with every array cut to the same length, as long as the copy holds at most
/// `budget` values; `None` when even one element per array is too many (huge objects).
fn prune(value: &Value, budget: usize) -> Option<Value> {
    if pruned_count(value, 1, budget + 1) > budget {
        return None;
    }
    let mut keep = 1usize;
    // Doubling ends: once `keep` exceeds every array's length the copy is the whole value, which
    // is over budget (that is why it is being pruned).
    while let Some(next) = keep.checked_mul(2) {
        if pruned_count(value, next, budget + 1) > budget {
            break;
        }
        keep = next;
    }
    fn copy(value: &Value, keep: usize) -> Value {
        match value {
            Value::Array(items) => {
                Value::Array(items.iter().take(keep).map(|v| copy(v, keep)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, child)| (key.clone(), copy(child, keep)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    Some(copy(value, keep))
}

/// The validator's message, with the offending value left out when quoting it would flood the
/// line (an organization object quoted whole, say). Formatting stops early, so a huge offending
/// value is never serialized whole just to be dropped.
fn readable_message(error: &jsonschema::ValidationError<'_>) -> String {
    const QUOTE_LIMIT: usize = 160;
    // A schema can make even the masked message long (an `enum` of many values).
    const MESSAGE_LIMIT: usize = 1000;
    if let (message, true) = bounded(error, QUOTE_LIMIT) {
        return message;
    }
    let (mut message, whole) = bounded(&error.masked(), MESSAGE_LIMIT);
    if !whole {
        message.push('…');
    }
    message
}

/// `value` formatted up to `limit` characters, and whether that is all of it.
fn bounded(value: &dyn std::fmt::Display, limit: usize) -> (String, bool) {
    /// A `fmt::Write` that keeps at most `left` more characters, then fails so formatting stops.
    struct Bounded {
        out: String,
        left: usize,
    }
    impl std::fmt::Write for Bounded {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            for c in text.chars() {
                self.left = self.left.checked_sub(1).ok_or(std::fmt::Error)?;
                self.out.push(c);
            }
            Ok(())
        }
    }
    let mut writer = Bounded {
        out: String::new(),
        left: limit,
    };
    let whole = std::fmt::Write::write_fmt(&mut writer, format_args!("{value}")).is_ok();
    (writer.out, whole)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn empty_organizations(count: usize) -> Value {
        json!({ "organizations": vec![json!({}); count] })
    }

    #[test]
    fn small_payloads_keep_the_cap_and_count_the_rest_exactly() {
        let value = empty_organizations(10);
        let all = crate::Document::Profile
            .validate(&value)
            .unwrap_err()
            .into_vec();
        let capped = crate::Document::Profile
            .validator()
            .validate_capped(&value, 7)
            .unwrap_err();
        assert_eq!(capped.errors, all[..7]);
        assert_eq!(
            capped.omitted,
            Omitted {
                count: all.len() - 7,
                exact: true
            }
        );
        let text = capped.to_string();
        assert!(
            text.ends_with(&format!("… and {} more errors", all.len() - 7)),
            "{text}"
        );
    }

    #[test]
    fn huge_payloads_list_real_errors_without_building_them_all() {
        // Three million errors if listed whole; this must stay quick and small.
        let value = empty_organizations(100_000);
        let capped = crate::Document::Profile
            .validator()
            .validate_capped(&value, 100)
            .unwrap_err();
        assert_eq!(capped.errors.len(), 100);
        assert!(!capped.omitted.exact && capped.omitted.count > 0);
        // The kept errors are those of the first organizations, as listing them all would give.
        let few = crate::Document::Profile
            .validate(&empty_organizations(5))
            .unwrap_err()
            .into_vec();
        assert_eq!(capped.errors, few[..100]);
        assert!(capped.to_string().contains("… and at least"), "{capped}");
    }

    #[test]
    fn the_copy_grows_until_it_holds_enough_errors() {
        // 300 other fields: too many for the smallest copy; one organization is too few errors.
        let mut value = empty_organizations(10_000);
        for index in 0..300 {
            value[format!("extra_{index}")] = json!(index);
        }
        let capped = crate::Document::Profile
            .validator()
            .validate_capped(&value, 100)
            .unwrap_err();
        let paths: Vec<&str> = capped
            .errors
            .iter()
            .map(|e| e.instance_path.as_str())
            .collect();
        assert_eq!(capped.errors.len(), 100, "{paths:?}");
        assert!(paths.contains(&"/organizations/1"), "{paths:?}");
    }

    #[test]
    fn no_error_asked_is_the_verdict_alone() {
        let capped = crate::Document::Profile
            .validator()
            .validate_capped(&empty_organizations(3), 0)
            .unwrap_err();
        assert!(capped.errors.is_empty());
        assert!(
            crate::Document::Profile
                .validator()
                .validate_capped(&crate::Document::Profile.schema(), 0)
                .is_err()
        );
    }

    #[test]
    fn schemas_that_removal_can_break_are_not_pruned() {
        assert!(is_prune_safe(&crate::Document::Profile.schema()));
        for keyword in [
            "minItems", "contains", "not", "oneOf", "if", "enum", "const",
        ] {
            let schema = json!({"properties": {"a": {keyword: 1}}});
            assert!(!is_prune_safe(&schema), "{keyword}");
        }
        assert!(!is_prune_safe(
            &json!({"$ref": "https://example.com/s.json"})
        ));
        // A large payload under such a schema still gets its first error, and no false one.
        let schema = json!({"items": {"type": "string"}, "minItems": 3000});
        let validator = Validator::new(&schema).unwrap();
        let mut items = vec![json!("ok"); 5000];
        items[4000] = json!(1);
        let capped = validator
            .validate_capped(&Value::Array(items), 100)
            .unwrap_err();
        assert_eq!(capped.errors.len(), 1);
        assert_eq!(capped.errors[0].instance_path, "/4000");
        assert_eq!(
            capped.omitted,
            Omitted {
                count: 0,
                exact: false
            }
        );
    }

    #[test]
    fn long_pointers_stop_at_the_text_budget() {
        let schema = json!({"additionalProperties": {"items": {"type": "string"}}});
        let validator = Validator::new(&schema).unwrap();
        let key = "k".repeat(100_000);
        let value = json!({ key: vec![1; 50] });
        let capped = validator.validate_capped(&value, 100).unwrap_err();
        assert!(capped.errors.len() < 50, "{}", capped.errors.len());
        assert!(!capped.errors.is_empty());
        assert_eq!(capped.errors.len() + capped.omitted.count, 50);
    }

    #[test]
    fn huge_offending_values_are_not_quoted() {
        let value = json!({"organizations": {"x": "y".repeat(1_000_000)}});
        let errors = crate::Document::Profile
            .validate(&value)
            .unwrap_err()
            .into_vec();
        let error = errors
            .iter()
            .find(|e| e.instance_path == "/organizations")
            .unwrap();
        assert!(error.message.len() < 200, "{}", error.message);
    }
}
