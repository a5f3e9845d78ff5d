//! `undeclared_fields`: what a payload carries that its schema does not declare.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hamravesh_test_support as corpus;
use hamravesh_types::undeclared::{MAX_DEPTH, MAX_KEY_BYTES, undeclared_fields_in};
use hamravesh_types::{Document, UndeclaredReport, undeclared_fields};
use serde_json::{Value, json};

/// A small schema using every construct the walk follows.
fn schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "grid": {"type": "array", "items": {"type": "array", "items": {"$ref": "#/definitions/Cell"}}},
            "maybe": {"anyOf": [{"$ref": "#/definitions/Cell"}, {"type": "null"}]},
            "either": {"oneOf": [
                {"type": "object", "properties": {"a": {}}},
                {"type": "object", "properties": {"b": {}}},
                {"type": "string"}
            ]},
            "both": {"allOf": [
                {"properties": {"a": {}}},
                {"properties": {"b": {}}}
            ]},
            "map": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Cell"}},
            "free": {"type": "object"},
            "anything": {"description": "no type at all"},
            "list": {"type": "array"},
            "pattern": {"type": "object", "patternProperties": {"^x": {}}},
            "tuple": {"type": "array", "items": [{"$ref": "#/definitions/Cell"}], "additionalItems": {"type": "object", "properties": {"z": {}}}},
            "open_props": {"type": "object", "properties": {"a": {}}, "additionalProperties": true},
            "closed": {"type": "object", "properties": {"a": {}}, "additionalProperties": false},
            "dangling": {"$ref": "#/definitions/Nope"},
            "remote": {"$ref": "https://example.com/schema.json"},
            "cell": {"type": ["object", "null"], "$ref": "#/definitions/Cell"}
        },
        "definitions": {
            "Cell": {"type": "object", "properties": {"x": {"type": "integer"}}}
        }
    })
}

/// The report's lines for `value` under [`schema`].
fn lines(value: &Value) -> Vec<String> {
    let report = undeclared_fields_in(&schema(), "test.json", value, 100);
    report.to_string().lines().map(str::to_owned).collect()
}

#[test]
fn each_construct_is_followed() {
    let cases: &[(&str, Value, &[&str])] = &[
        (
            "declared only",
            json!({"grid": [[{"x": 1}]], "maybe": null}),
            &[],
        ),
        (
            "nested arrays",
            json!({"grid": [[{"x": 1, "y": 2}], [{"y": "s"}, {"y": null}]]}),
            &["grid[][].y: integer, string or null, not in test.json"],
        ),
        ("nullable ref, null", json!({"maybe": null}), &[]),
        (
            "nullable ref, object",
            json!({"maybe": {"x": 1, "extra": true}}),
            &["maybe.extra: boolean, not in test.json"],
        ),
        (
            "oneOf branches merge",
            json!({"either": {"a": 1, "b": 2, "c": 3}}),
            &["either.c: integer, not in test.json"],
        ),
        ("oneOf string branch", json!({"either": "s"}), &[]),
        (
            "allOf branches merge",
            json!({"both": {"a": 1, "b": 2, "c": [1]}}),
            &["both.c: array, not in test.json"],
        ),
        (
            "map values are walked, keys are one path",
            json!({"map": {"k1": {"x": 1, "extra": 1}, "k2": {"extra": 1.5}}}),
            &["map.*.extra: integer or number, not in test.json"],
        ),
        (
            "free-form parts are not reported",
            json!({
                "free": {"a": {"b": 1}},
                "anything": {"a": 1},
                "list": [{"a": 1}],
                "pattern": {"x1": 1, "y": 2},
                "dangling": {"a": 1},
                "remote": {"a": 1},
            }),
            &[],
        ),
        (
            "positional items and additionalItems",
            json!({"tuple": [{"x": 1, "p": 1}, {"z": 1, "q": 1}, {"q": "s"}]}),
            &[
                "tuple[].p: integer, not in test.json",
                "tuple[].q: integer or string, not in test.json",
            ],
        ),
        (
            "additionalProperties true allows but does not declare",
            json!({"open_props": {"a": 1, "b": 2}}),
            &["open_props.b: integer, not in test.json"],
        ),
        (
            "additionalProperties false: reported too",
            json!({"closed": {"b": {}}}),
            &["closed.b: object, not in test.json"],
        ),
        (
            "ref siblings ignored (draft-07)",
            json!({"cell": {"x": 1, "w": null}}),
            &["cell.w: null, not in test.json"],
        ),
        (
            "inside an undeclared field nothing more is listed",
            json!({"new": {"deep": {"deeper": 1}}}),
            &["new: object, not in test.json"],
        ),
        (
            "a wrong type is validation's business",
            json!({"grid": "not an array", "maybe": 5, "map": []}),
            &[],
        ),
        (
            "order follows the value",
            json!({"a0": 1, "grid": [[{"y": 1}]], "z9": 1}),
            &[
                "a0: integer, not in test.json",
                "grid[][].y: integer, not in test.json",
                "z9: integer, not in test.json",
            ],
        ),
    ];
    for (name, value, expected) in cases {
        assert_eq!(lines(value), *expected, "{name}");
    }
}

#[test]
fn repeated_fields_are_one_line_with_a_count() {
    let organizations: Vec<Value> = (0..500)
        .map(|id| {
            let mut organization = json!({"id": id, "has_gpu": id % 2 == 0});
            if id % 3 == 0 {
                organization["region"] = Value::Null;
            } else {
                organization["region"] = json!("thr");
            }
            organization
        })
        .collect();
    let report = undeclared_fields(Document::Profile, &json!({"organizations": organizations}));
    assert_eq!(
        report.to_string(),
        "organizations[].has_gpu: boolean, not in schema/profile.json\n\
         organizations[].region: string or null, not in schema/profile.json"
    );
    assert_eq!(report.fields().len(), 2);
    assert_eq!(report.fields()[0].occurrences(), 500);
    assert_eq!(report.fields()[0].path(), "organizations[].has_gpu");
    assert_eq!(
        report.fields()[1].types().names().collect::<Vec<_>>(),
        ["string", "null"]
    );
    assert_eq!(report.omitted(), 0);
}

#[test]
fn hostile_keys_are_quoted_and_escaped() {
    let cases = [
        ("\u{1b}]0;owned\u{7}", r#"["\u{1b}]0;owned\u{7}"]"#),
        ("a\nb", r#"["a\nb"]"#),
        ("a.b", r#"["a.b"]"#),
        ("", r#"[""]"#),
        ("quote\"back\\", r#"["quote\"back\\"]"#),
        ("abc\u{202e}fdp", r#"["abc\u{202e}fdp"]"#),
        ("\u{9b}31m", r#"["\u{9b}31m"]"#),
        ("*", r#"["*"]"#),
        ("[]", r#"["[]"]"#),
        ("نام_سازمان", "نام_سازمان"),
    ];
    for (key, path) in cases {
        let mut value = json!({"maybe": {}});
        value["maybe"][key] = json!(1);
        let report = undeclared_fields_in(&schema(), "test.json", &value, 100);
        assert_eq!(report.fields().len(), 1, "{key:?}");
        assert_eq!(
            report.fields()[0].path(),
            format!("maybe.{path}").replace(".[", "["),
            "{key:?}"
        );
        let text = report.to_string();
        assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
    }
    // A schema name from a file name is escaped too.
    let report = undeclared_fields_in(
        &json!({"properties": {}}),
        "x\u{1b}[2J.json",
        &json!({"a": 1}),
        100,
    );
    assert_eq!(report.to_string(), r"a: integer, not in x\u{1b}[2J.json");
}

#[test]
fn huge_keys_are_cut() {
    let long = "k".repeat(1 << 20);
    let mut other = long.clone();
    other.push('z');
    let value = json!({ long.as_str(): 1, other.as_str(): "s" });
    let report = undeclared_fields(Document::Profile, &value);
    // Both keys share their first MAX_KEY_BYTES bytes: one line, both types.
    assert_eq!(report.fields().len(), 1);
    let field = &report.fields()[0];
    assert!(
        field.path().len() < MAX_KEY_BYTES + 16,
        "{}",
        field.path().len()
    );
    assert!(field.path().ends_with("…\"]"), "{}", field.path());
    assert_eq!(field.types().to_string(), "integer or string");
}

#[test]
fn paths_past_the_cap_are_counted() {
    let mut value = serde_json::Map::new();
    for index in 0..150 {
        value.insert(format!("field{index:03}"), json!(index));
    }
    // A repeated one past the cap, inside an array, counts each time.
    value.insert(
        "organizations".to_owned(),
        json!([{"late": 1}, {"late": 2}]),
    );
    let report = undeclared_fields_in(
        &Document::Profile.schema(),
        "schema/profile.json",
        &Value::Object(value),
        100,
    );
    assert_eq!(report.fields().len(), 100);
    assert_eq!(report.omitted(), 52);
    let text = report.to_string();
    assert_eq!(text.lines().count(), 101);
    assert!(
        text.ends_with(
            "… and 52 more undeclared fields at paths not listed (the list stops at 100 paths)"
        ),
        "{text}"
    );
    let none = undeclared_fields_in(&schema(), "t", &json!({"a": 1, "b": 2}), 0);
    assert!(none.fields().is_empty());
    assert_eq!(none.omitted(), 2);
}

/// Takes a deep value apart one level at a time: dropping it whole would recurse once per level.
fn dismantle(mut value: Value) {
    loop {
        let next = match &mut value {
            Value::Object(map) => map.values_mut().next().map(Value::take),
            Value::Array(items) => items.pop(),
            _ => None,
        };
        match next {
            Some(next) => value = next,
            None => return,
        }
    }
}

#[test]
fn a_value_deeper_than_any_parser_allows_is_walked_without_recursion() {
    // A recursive schema lets the walk follow the value all the way down.
    let recursive = json!({
        "type": "object",
        "properties": {"a": {"$ref": "#"}, "list": {"type": "array", "items": {"$ref": "#"}}}
    });
    for wrap_in_list in [false, true] {
        let mut value = json!({"a": {}, "bottom": true});
        for _ in 0..100_000 {
            // Built by hand: `json!` would serialize `value` again, recursively.
            let (key, inner) = if wrap_in_list {
                ("list", Value::Array(vec![value]))
            } else {
                ("a", value)
            };
            let mut map = serde_json::Map::new();
            map.insert(key.to_owned(), inner);
            value = Value::Object(map);
        }
        let report = undeclared_fields_in(&recursive, "r", &value, 100);
        assert!(report.fields().is_empty(), "{report}");
        assert_eq!(report.too_deep(), 1, "{report}");
        assert!(
            report
                .to_string()
                .contains(&format!("deeper than {MAX_DEPTH} levels"))
        );
        dismantle(value);
    }
    // Within the depth limit, a recursive schema reports at the depth it meets a field.
    let value = json!({"a": {"a": {"a": {"extra": 1}}}});
    let report = undeclared_fields_in(&recursive, "r", &value, 100);
    assert_eq!(report.to_string(), "a.a.a.extra: integer, not in r");
}

#[test]
fn reference_cycles_and_branch_storms_end() {
    let cases = [
        json!({"$ref": "#"}),
        json!({"definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}}, "$ref": "#/definitions/A"}),
        json!({"anyOf": [{"$ref": "#"}, {"$ref": "#"}]}),
        json!({"definitions": {
            "A": {"anyOf": [{"$ref": "#/definitions/B"}, {"$ref": "#/definitions/B"}]},
            "B": {"anyOf": [{"$ref": "#/definitions/C"}, {"$ref": "#/definitions/C"}]},
            "C": {"anyOf": [{"$ref": "#/definitions/A"}, {"properties": {}}]}
        }, "$ref": "#/definitions/A"}),
        json!(true),
        json!(false),
        json!({}),
        json!(42),
    ];
    for schema in cases {
        let report = undeclared_fields_in(&schema, "s", &json!({"a": 1}), 100);
        assert!(report.fields().len() <= 1, "{schema}: {report}");
    }
}

#[test]
fn the_corpus_lists_what_the_docs_miss() {
    let mut documents: Vec<(String, Document)> = vec![(String::new(), Document::Profile)];
    for (folder, name) in corpus::DOCUMENT_CORPORA {
        documents.push((folder.to_string(), Document::from_name(name).unwrap()));
    }
    for (folder, document) in documents {
        let payloads = if folder.is_empty() {
            corpus::valid()
        } else {
            corpus::valid_in(&folder)
        };
        for payload in payloads {
            let value: Value = serde_json::from_slice(&payload.bytes).unwrap();
            let report: UndeclaredReport = undeclared_fields(document, &value);
            let expects_extras = ["extra", "unknown"]
                .iter()
                .any(|word| payload.name.contains(word));
            assert_eq!(
                !report.fields().is_empty(),
                expects_extras,
                "{folder}/{}: {report}",
                payload.name
            );
            assert_eq!(report.omitted(), 0);
        }
    }
}

#[test]
fn non_object_roots() {
    let schema = json!({"type": "array", "items": {"properties": {"a": {}}}});
    let report = undeclared_fields_in(&schema, "s", &json!([{"a": 1, "b": 2}, 5, null]), 100);
    assert_eq!(report.to_string(), "[].b: integer, not in s");
    for value in [json!(null), json!(1), json!("s"), json!([])] {
        assert!(undeclared_fields(Document::Profile, &value).is_empty());
    }
}

/// Parts that must all hold add their declarations up, and a part that says nothing of keys
/// neither hides the others' undeclared keys nor is read as declaring any: draft-07's
/// `if`/`then`/`else` and `dependencies`, `required`-only branches, draft 2020-12's
/// `prefixItems` and keywords beside `$ref`.
#[test]
fn conjunctions_add_up_and_silent_parts_hide_nothing() {
    let cases: &[(&str, Value, Value, &[&str])] = &[
        (
            "then and else declare (if is not evaluated)",
            json!({"type": "object", "properties": {"kind": {}},
                   "if": {"properties": {"kind": {"const": "a"}}},
                   "then": {"properties": {"a_only": {}}},
                   "else": {"properties": {"b_only": {}}}}),
            json!({"kind": "a", "a_only": 1, "b_only": 2, "extra": 3}),
            &["extra: integer, not in s"],
        ),
        (
            "schema dependencies declare",
            json!({"properties": {"kind": {}},
                   "dependencies": {"kind": {"properties": {"dep": {}}}, "x": ["kind"]},
                   "dependentSchemas": {"kind": {"properties": {"dep2": {}}}}}),
            json!({"kind": 1, "dep": 2, "dep2": 3, "extra": 4}),
            &["extra: integer, not in s"],
        ),
        (
            "anyOf of required-only branches keeps the properties",
            json!({"type": "object", "properties": {"a": {}, "b": {}},
                   "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
            json!({"a": 1, "extra": 2}),
            &["extra: integer, not in s"],
        ),
        (
            "allOf with a required-only part keeps the other part",
            json!({"type": "object", "allOf": [{"properties": {"a": {}}}, {"required": ["a"]}]}),
            json!({"a": 1, "extra": 2}),
            &["extra: integer, not in s"],
        ),
        (
            "allOf with an open reference keeps the other part",
            json!({"allOf": [{"$ref": "#/definitions/Open"}, {"properties": {"a": {}}}],
                   "definitions": {"Open": {"type": "object"}}}),
            json!({"a": 1, "extra": 2}),
            &["extra: integer, not in s"],
        ),
        (
            "an anyOf branch that says nothing leaves the value open",
            json!({"anyOf": [{"$ref": "#/definitions/Open"}, {"properties": {"a": {}}}],
                   "definitions": {"Open": {"type": "object"}}}),
            json!({"a": 1, "extra": 2}),
            &[],
        ),
        (
            "patternProperties in a part that must hold leaves the value open",
            json!({"properties": {"a": {}}, "allOf": [{"patternProperties": {"^x": {}}}]}),
            json!({"a": 1, "xy": 2}),
            &[],
        ),
        (
            "keywords beside $ref declare (draft 2019-09 on)",
            json!({"$defs": {"Base": {"type": "object", "properties": {"a": {}}}},
                   "$ref": "#/$defs/Base", "properties": {"b": {}}}),
            json!({"a": 1, "b": 2, "extra": 3}),
            &["extra: integer, not in s"],
        ),
        (
            "prefixItems describe the first elements, items the rest",
            json!({"type": "array", "prefixItems": [{"properties": {"head": {}}}],
                   "items": {"properties": {"tail": {}}}}),
            json!([{"head": 1, "x": 1}, {"tail": 2, "y": 2}, {"tail": 3}]),
            &["[].x: integer, not in s", "[].y: integer, not in s"],
        ),
        (
            "unevaluatedProperties as a schema is a map's values",
            json!({"type": "object", "properties": {"a": {}},
                   "unevaluatedProperties": {"properties": {"v": {}}}}),
            json!({"a": 1, "k": {"v": 1, "w": 2}}),
            &["*.w: integer, not in s"],
        ),
    ];
    for (what, schema, value, expected) in cases {
        let report = undeclared_fields_in(schema, "s", value, 100);
        let lines: Vec<String> = report.to_string().lines().map(str::to_owned).collect();
        assert_eq!(lines, *expected, "{what}");
    }
}

/// A schema whose reading takes every allowed step is read once per kind of container, not once
/// per element: 50,000 elements under a branch storm are walked in well under a second (reading
/// it for each element took minutes in a debug build).
#[test]
fn a_branchy_schema_is_read_once_for_many_elements() {
    let mut definitions = serde_json::Map::new();
    for level in 0..10 {
        let next = if level < 9 {
            format!("#/definitions/D{}", level + 1)
        } else {
            "#/definitions/Leaf".to_owned()
        };
        definitions.insert(
            format!("D{level}"),
            json!({"anyOf": [{"$ref": next}, {"allOf": [{"$ref": next}]}]}),
        );
    }
    definitions.insert(
        "Leaf".to_owned(),
        json!({"type": "object", "properties": {"a": {}}}),
    );
    let schema =
        json!({"type": "array", "items": {"$ref": "#/definitions/D0"}, "definitions": definitions});
    let value = Value::Array(vec![json!({"a": 1, "b": [{"c": 1}]}); 50_000]);
    let started = std::time::Instant::now();
    let report = undeclared_fields_in(&schema, "s", &value, 100);
    let took = started.elapsed();
    // Too many branches to follow: open, so nothing is reported.
    assert!(report.is_empty(), "{report}");
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
}
