//! One table row per kind of page edit: the edit (to a copy of the real page, beside copies of
//! the real schemas), the schema diff `--fix` must write, and the findings it must leave. For
//! every row, the files after the fix are JSON, doc-check finds nothing but what the row leaves,
//! and the generator still makes every output from them.

use std::path::Path;

use super::*;
use crate::doc_check::Kind;

const FILES: &[(&str, &str)] = &[
    (
        "upstream/profile.md",
        include_str!("../../../schema/upstream/profile.md"),
    ),
    (
        "upstream/notifications.md",
        include_str!("../../../schema/upstream/notifications.md"),
    ),
    (
        "upstream/namespaces.md",
        include_str!("../../../schema/upstream/namespaces.md"),
    ),
    (
        "operations.json",
        include_str!("../../../schema/operations.json"),
    ),
    ("profile.json", include_str!("../../../schema/profile.json")),
    (
        "notifications.json",
        include_str!("../../../schema/notifications.json"),
    ),
    (
        "namespaces.json",
        include_str!("../../../schema/namespaces.json"),
    ),
];

/// A repository root holding copies of `schema/`, with `page` edited: `from` (once) → `to`.
fn repository(page: &str, from: &str, to: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("schema/upstream")).unwrap();
    for (name, text) in FILES {
        let mut text = (*text).to_owned();
        if *name == format!("upstream/{page}") {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{from:?} must occur once in {page}"
            );
            text = text.replace(from, to);
        }
        std::fs::write(root.path().join("schema").join(name), text).unwrap();
    }
    root
}

/// The changed lines of every changed file: `FILE` then `-old`/`+new` lines, no context.
fn changes(root: &Path, outcome: &Outcome) -> String {
    let mut out = String::new();
    for (path, before) in &outcome.changed {
        let after = std::fs::read_to_string(path).unwrap();
        out.push_str(&format!(
            "{}\n",
            path.strip_prefix(root.join("schema")).unwrap().display()
        ));
        for change in
            similar::TextDiff::from_lines(before.as_str(), after.as_str()).iter_all_changes()
        {
            let sign = match change.tag() {
                similar::ChangeTag::Equal => continue,
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
            };
            out.push_str(&format!("{sign}{}", change.value()));
        }
    }
    out
}

struct Case {
    what: &'static str,
    page: &'static str,
    from: &'static str,
    to: &'static str,
    /// The changed lines, as [`changes`] shows them.
    diff: &'static str,
    /// The findings left for a person.
    left: &'static [Kind],
}

const CASES: &[Case] = &[
    Case {
        what: "a field added to the table",
        page: "profile.md",
        from: "|profile_settings||",
        to: "|two_factor_enabled| whether 2FA is on | `boolean` ||\n|profile_settings||",
        diff: r##"profile.json
+    },
+    "two_factor_enabled": {
+      "description": "whether 2FA is on",
+      "type": "boolean",
+      "$comment": "Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+      "x-doc-new": true
"##,
        left: &[],
    },
    Case {
        what: "a field with a null example added to the table",
        page: "profile.md",
        from: "|profile_settings||",
        to: "|nickname|| `string` | `null` |\n|profile_settings||",
        diff: r##"profile.json
+    },
+    "nickname": {
+      "description": "`nickname`, as the docs page shows it; the page gives no description.",
+      "type": [
+        "string",
+        "null"
+      ],
+      "$comment": "Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+      "x-doc-new": true
"##,
        left: &[],
    },
    Case {
        what: "a field added to the organization example",
        page: "profile.md",
        from: "  \"has_cre\": false,\n",
        to: "  \"has_cre\": false,\n  \"has_gpu\": true,\n",
        diff: r##"profile.json
+        },
+        "has_gpu": {
+          "description": "`has_gpu`, as the docs page shows it; the page gives no description.",
+          "type": "boolean",
+          "$comment": "Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+          "x-doc-new": true
"##,
        left: &[],
    },
    Case {
        what: "an object added to the organization example",
        page: "profile.md",
        from: "  \"has_cre\": false,\n",
        to: "  \"has_cre\": false,\n  \"limits\": {\"cpu\": 2, \"zone\": null},\n",
        diff: r##"profile.json
+        },
+        "limits": {
+          "description": "`limits`, as the docs page shows it; the page gives no description.",
+          "$ref": "#/definitions/OrganizationLimits",
+          "$comment": "Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+          "x-doc-new": true
+    },
+    "OrganizationLimits": {
+      "description": "What `limits` holds, as the docs page shows it.",
+      "type": "object",
+      "required": [
+        "cpu",
+        "zone"
+      ],
+      "properties": {
+        "cpu": {
+          "description": "`cpu`, as the docs page shows it; the page gives no description.",
+          "type": "integer",
+          "minimum": -9223372036854775808,
+          "maximum": 9223372036854775807
+        },
+        "zone": {
+          "description": "`zone`, as the docs page shows it; the page gives no description.",
+          "$comment": "The page's example shows only `null`; no type is known."
+        }
+      }
"##,
        left: &[],
    },
    Case {
        what: "a field without a type added to the table",
        page: "profile.md",
        from: "|profile_settings||",
        to: "|theme|| ||\n|profile_settings||",
        diff: r##"profile.json
+    },
+    "theme": {
+      "description": "`theme`, as the docs page shows it; the page gives no description.",
+      "$comment": "The page gives no type; any value is accepted. Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+      "x-doc-new": true
"##,
        left: &[],
    },
    Case {
        what: "an integer added to the notification example",
        page: "notifications.md",
        from: "\"unread\": false,",
        to: "\"unread\": false,\n            \"priority\": 2,",
        diff: r##"notifications.json
+        },
+        "priority": {
+          "description": "`priority`, as the docs page shows it; the page gives no description.",
+          "type": "integer",
+          "minimum": -9223372036854775808,
+          "maximum": 9223372036854775807,
+          "$comment": "Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+          "x-doc-new": true
"##,
        left: &[],
    },
    Case {
        what: "a url added to the table",
        page: "notifications.md",
        from: "| count | total notifications | `integer`",
        to: "| home | the feed's page | `url` | |\n| count | total notifications | `integer`",
        diff: r##"notifications.json
+    },
+    "home": {
+      "description": "the feed's page",
+      "type": "string",
+      "x-doc-type": "url",
+      "$comment": "The page types it `url`. A plain string, not `format: uri`, so that validation and typed decoding agree (as `next` does in notifications.json). Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+      "x-doc-new": true
"##,
        left: &[],
    },
    Case {
        what: "a datetime added to a schema without timestamps",
        page: "namespaces.md",
        from: "| id      | new namespace id        | `integer`    |                |\n",
        to: "| id      | new namespace id        | `integer`    |                |\n| created_at | | `datetime` | |\n",
        diff: r##"namespaces.json
+    },
+    "created_at": {
+      "description": "`created_at`, as the docs page shows it; the page gives no description.",
+      "$ref": "#/definitions/Timestamp",
+      "$comment": "Newly documented by the page; optional until the service is seen to send it, then add it to `required` and drop `x-doc-new`.",
+      "x-doc-new": true
+    },
+    "Timestamp": {
+      "title": "Timestamp",
+      "description": "An RFC 3339 date-time, e.g. `2022-07-26T12:56:34.883091Z`; any offset (such as `+03:30`), with or without a fraction of a second.",
+      "type": "string",
+      "format": "date-time",
+      "$comment": "Decoded into the hand-written `hamravesh_types::Timestamp`, which parses strictly so that decoding accepts exactly what the `date-time` format accepts."
"##,
        left: &[],
    },
    Case {
        what: "a payload field added (not required: the page does not say so)",
        page: "namespaces.md",
        from: "| cluster_id |",
        to: "| description | free text | `string` | staging |\n| cluster_id |",
        diff: r##"namespaces.json
+        },
+        "description": {
+          "description": "free text",
+          "type": "string"
"##,
        left: &[],
    },
    Case {
        what: "a payload field the page marks required",
        page: "namespaces.md",
        from: "| Field  | Description                           | Type      | Example                               |\n|:-------|:--------------------------------------|:----------|:--------------------------------------|\n| name   | should contain your organization name | `string`  | YOUR_ORGANIZATION_NAME-namespace-name |\n| cluster_id |                                       | `integer` | 53                                    |\n",
        to: "| Field | Description | Type | Example | Required |\n|:--|:--|:--|:--|:--|\n| name | should contain your organization name | `string` | my-team-staging | yes |\n| cluster_id | | `integer` | 53 | yes |\n| description | free text | `string` | staging | yes |\n",
        diff: r##"namespaces.json
-        "cluster_id"
+        "cluster_id",
+        "description"
+        },
+        "description": {
+          "description": "free text",
+          "type": "string"
"##,
        left: &[],
    },
    Case {
        what: "a field retyped in the table",
        page: "profile.md",
        from: "|is_verified|| `boolean`",
        to: "|is_verified|| `string`",
        diff: r##"profile.json
-      "type": "boolean"
+      "type": "string"
"##,
        left: &[],
    },
    Case {
        what: "a field retyped whose $comment gives a reason for its type",
        page: "notifications.md",
        from: "| count | total notifications | `integer`",
        to: "| count | total notifications | `string`",
        diff: "",
        left: &[Kind::TypeChanged],
    },
    Case {
        what: "a field removed from the table",
        page: "profile.md",
        from: "|national_id|| `string`            ||\n",
        to: "",
        diff: r##"profile.json
-    "national_id",
-      "type": [
-        "string",
-        "null"
-      ],
-      "$comment": "The page shows no example; the value is personal data a user may not have given yet, so it can be null (FACTS.md)."
-    },
-    "national_id": {
-      "description": "The user's national id as a string of digits that may start with `0`; `null` when not given.",
"##,
        left: &[],
    },
    Case {
        what: "a nested field removed from the example",
        page: "profile.md",
        from: "    \"is_staff\": false,\n",
        to: "",
        diff: r##"profile.json
-        "is_staff",
-          "type": "boolean"
-        },
-        "is_staff": {
-          "description": "Whether the user is Hamravesh staff.",
"##,
        left: &[],
    },
    Case {
        what: "a null example where a value was",
        page: "profile.md",
        from: "\"build_method\": \"webhook\"",
        to: "\"build_method\": null",
        diff: r##"profile.json
-          "type": "string"
+          "type": [
+            "string",
+            "null"
+          ]
"##,
        left: &[],
    },
    Case {
        what: "a recorded departure goes stale: the page now agrees with the schema",
        page: "profile.md",
        from: "|email|| `integer`",
        to: "|email|| `string`",
        diff: r##"profile.json
-      "type": "string",
-      "x-doc-type": "integer",
-      "$comment": "The page's table says `integer`, but every example on the page (the `full_name` fallback, `owner.email`) is an email address string, and third-party clients type it as a string."
+      "type": "string"
"##,
        left: &[],
    },
    Case {
        what: "a missing example value filled in",
        page: "profile.md",
        from: "  \"name\": ,\n",
        to: "  \"name\": \"my-team\",\n",
        diff: r##"profile.json
-          "type": "string",
-          "x-doc-type": "",
-          "$comment": "The page's example has no value here (`\"name\": ,`, invalid JSON); the slug is a string (FACTS.md)."
+          "type": "string"
"##,
        left: &[],
    },
    Case {
        what: "the slug shown as a real number",
        page: "notifications.md",
        from: "\"slug\": 000,",
        to: "\"slug\": 4711,",
        diff: r##"notifications.json
-          "maximum": 9223372036854775807,
-          "x-doc-type": "",
-          "$comment": "The page's example shows `000`, which is not a JSON number; the slug is an integer, the notification's id (FACTS.md). Bounded to i64 like every id."
+          "maximum": 9223372036854775807
"##,
        left: &[],
    },
    Case {
        what: "a departure the page now contradicts otherwise stays",
        page: "profile.md",
        from: "|email|| `integer`",
        to: "|email|| `boolean`",
        diff: "",
        left: &[Kind::StaleMarker],
    },
    Case {
        what: "a new query parameter",
        page: "notifications.md",
        from: "|offset||",
        to: "|unread_only| only unread ones | `boolean` | true |\n|offset||",
        diff: r##"operations.json
-        {"name": "offset", "type": "integer", "required": false, "example": 0, "description": "How many notifications to skip."}
+        {"name": "offset", "type": "integer", "required": false, "example": 0, "description": "How many notifications to skip."},
+        {"name": "unread_only", "type": "boolean", "required": false, "example": true, "description": "only unread ones"}
"##,
        left: &[],
    },
    Case {
        what: "a query parameter retyped",
        page: "notifications.md",
        from: "|limit|| `integer`",
        to: "|limit|| `string`",
        diff: r##"operations.json
-        {"name": "limit", "type": "integer", "required": false, "example": 50, "description": "How many notifications a page holds."},
+        {"name": "limit", "type": "string", "required": false, "example": 50, "description": "How many notifications a page holds."},
"##,
        left: &[],
    },
    Case {
        what: "a query parameter removed",
        page: "notifications.md",
        from: "|offset||   `integer`       | 0       |\n",
        to: "",
        diff: r##"operations.json
-        {"name": "limit", "type": "integer", "required": false, "example": 50, "description": "How many notifications a page holds."},
-        {"name": "offset", "type": "integer", "required": false, "example": 0, "description": "How many notifications to skip."}
+        {"name": "limit", "type": "integer", "required": false, "example": 50, "description": "How many notifications a page holds."}
"##,
        left: &[],
    },
    Case {
        what: "a field seen elsewhere now documented stays (its $comment needs a person)",
        page: "notifications.md",
        from: "\"unread\": false,",
        to: "\"unread\": false,\n            \"action_url\": \"https://console.hamravesh.com/\",",
        diff: "",
        left: &[Kind::NewlyDocumented],
    },
];

#[test]
fn each_page_edit_becomes_its_schema_edit() {
    for case in CASES {
        let what = case.what;
        let root = repository(case.page, case.from, case.to);
        let outcome = fix(root.path(), &[]).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(changes(root.path(), &outcome), case.diff, "{what}");
        let left: Vec<Kind> = outcome
            .left
            .iter()
            .flat_map(|(_, f)| f.iter().map(|f| f.kind))
            .collect();
        assert_eq!(left, case.left, "{what}: {:#?}", outcome.left);
        // The fixed files: JSON, no drift but what is left, and the generator still runs.
        for (name, _) in FILES.iter().filter(|(name, _)| name.ends_with(".json")) {
            let text = std::fs::read_to_string(root.path().join("schema").join(name)).unwrap();
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{what}: {name}: {e}"));
        }
        let again = doc_check::findings(root.path(), &[]).unwrap();
        let again: Vec<Kind> = again
            .iter()
            .flat_map(|(_, f)| f.iter().map(|f| f.kind))
            .collect();
        assert_eq!(again, case.left, "{what}: doc-check after the fix");
        crate::generate::expected_outputs(root.path())
            .unwrap_or_else(|e| panic!("{what}: gen: {e}"));
    }
}

/// A response field `--fix` added stays optional with `x-doc-new`, is no drift while the page
/// documents it, and goes again (with its marker, the file as it was) when the page drops it.
#[test]
fn a_newly_documented_field_is_optional_and_goes_when_the_page_drops_it() {
    let case = &CASES[0];
    let root = repository(case.page, case.from, case.to);
    fix(root.path(), &[]).unwrap();
    let schema_path = root.path().join("schema/profile.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    assert_eq!(
        schema["properties"]["two_factor_enabled"]["x-doc-new"],
        true
    );
    let required = schema["required"].as_array().unwrap();
    assert!(!required.contains(&serde_json::json!("two_factor_enabled")));
    assert!(
        doc_check::findings(root.path(), &[])
            .unwrap()
            .iter()
            .all(|(_, f)| f.is_empty())
    );
    // The page as it was: the field goes, and the schema is byte for byte the original.
    let (_, original_page) = FILES[0];
    std::fs::write(
        root.path().join("schema/upstream/profile.md"),
        original_page,
    )
    .unwrap();
    let outcome = fix(root.path(), &[]).unwrap();
    assert!(
        outcome.left.iter().all(|(_, f)| f.is_empty()),
        "{:#?}",
        outcome.left
    );
    let (_, original_schema) = FILES.iter().find(|(n, _)| *n == "profile.json").unwrap();
    assert_eq!(
        std::fs::read_to_string(&schema_path).unwrap(),
        *original_schema
    );
}

#[test]
fn exit_codes_say_settled_left_or_unreadable() {
    let fixable = repository(
        "profile.md",
        "|is_verified|| `boolean`",
        "|is_verified|| `string`",
    );
    assert_eq!(
        run(&[], Format::Text, fixable.path()),
        0,
        "every finding settled"
    );
    let left = repository("profile.md", "|email|| `integer`", "|email|| `boolean`");
    assert_eq!(
        run(&[], Format::Json, left.path()),
        1,
        "a departure left for a person"
    );
    let unreadable = repository("profile.md", "|email|| `integer`", "|email|| `boolean`");
    std::fs::remove_file(unreadable.path().join("schema/operations.json")).unwrap();
    assert_eq!(
        run(&[], Format::Text, unreadable.path()),
        2,
        "no operation list"
    );
}
