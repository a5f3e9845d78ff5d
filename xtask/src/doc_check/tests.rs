//! Copies of the real page with one edit each produce exactly the expected finding.
//!
//! One table row per kind of docs change: the edit, the finding it must produce, and a fragment
//! its message must carry (what to edit). A new docs scenario is one row.

use super::*;

const PAGE: &str = include_str!("../../../schema/upstream/profile.md");
const SCHEMA: &str = include_str!("../../../schema/profile.json");

fn findings(page: &str) -> Vec<Finding> {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    check_texts(page, &schema).unwrap()
}

/// The page with `from` replaced by `to`, which must occur exactly once.
fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        PAGE.matches(from).count(),
        1,
        "{from:?} must occur once in the page"
    );
    PAGE.replace(from, to)
}

#[test]
fn the_vendored_page_is_in_sync() {
    assert_eq!(findings(PAGE), []);
}

/// (what changed, replace this, with this, expected path, expected kind, message fragments)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Kind,
    &'static [&'static str],
);

const CASES: &[Case] = &[
    (
        "a field added to the table",
        "|profile_settings||",
        "|two_factor_enabled|| `boolean` ||\n|profile_settings||",
        "two_factor_enabled",
        Kind::MissingFromSchema,
        &["`boolean`", "top-level `properties`"],
    ),
    (
        "a field removed from the table",
        "|national_id|| `string`            ||\n",
        "",
        "national_id",
        Kind::NoLongerDocumented,
        &["/properties/national_id"],
    ),
    (
        "a type changed in the table",
        "|is_verified|| `boolean`",
        "|is_verified|| `string`",
        "is_verified",
        Kind::TypeChanged,
        &["the page says `string`, the schema accepts boolean"],
    ),
    (
        "a field added to the organization example",
        "  \"has_cre\": false,\n",
        "  \"has_cre\": false,\n  \"has_gpu\": true,\n",
        "organizations[].has_gpu",
        Kind::MissingFromSchema,
        &["under /definitions/Organization/properties"],
    ),
    (
        "a null example where a value was",
        "\"build_method\": \"webhook\"",
        "\"build_method\": null",
        "organizations[].build_method",
        Kind::NewlyNullable,
        &["/definitions/Organization/properties/build_method"],
    ),
    (
        "a null in the table's example column",
        "| full_name  |             | `string`            | `email@example.com` |",
        "| full_name  |             | `string`            | `null` |",
        "full_name",
        Kind::NewlyNullable,
        &[],
    ),
    (
        "a recorded departure goes stale when the page is fixed",
        "|email|| `integer`",
        "|email|| `string`",
        "email",
        Kind::StaleMarker,
        &["x-doc-type"],
    ),
    (
        "a missing example value filled in makes its marker stale",
        "  \"name\": ,\n",
        "  \"name\": \"my-team\",\n",
        "organizations[].name",
        Kind::StaleMarker,
        &["x-doc-type"],
    ),
    (
        "a nested owner field removed",
        "    \"is_staff\": false,\n",
        "",
        "organizations[].owner.is_staff",
        Kind::NoLongerDocumented,
        &[],
    ),
];

#[test]
fn each_docs_change_yields_exactly_its_finding() {
    for (what, from, to, path, kind, fragments) in CASES {
        let found = findings(&edited(from, to));
        assert_eq!(found.len(), 1, "{what}: {found:#?}");
        assert_eq!(
            (found[0].path.as_str(), found[0].kind),
            (*path, *kind),
            "{what}"
        );
        for fragment in *fragments {
            assert!(
                found[0].message.contains(fragment),
                "{what}: {:?} lacks {fragment:?}",
                found[0].message
            );
        }
    }
}

/// A temporary `schema/`-like folder: `upstream/profile.md` and, optionally, `profile.json`.
fn schema_dir(page: &str, schema: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("upstream")).unwrap();
    let page_path = dir.path().join("upstream/profile.md");
    std::fs::write(&page_path, page).unwrap();
    if let Some(schema) = schema {
        std::fs::write(dir.path().join("profile.json"), schema).unwrap();
    }
    (dir, page_path)
}

#[test]
fn exit_codes_say_in_sync_drift_or_unreadable() {
    let drifted = PAGE.replace("|is_verified|| `boolean`", "|is_verified|| `string`");
    let no_table = "# Profile\n\nThe table moved elsewhere.\n";
    for (what, page, schema, format, code) in [
        ("in sync", PAGE, Some(SCHEMA), Format::Json, 0),
        ("drift", drifted.as_str(), Some(SCHEMA), Format::Text, 1),
        ("no response table", no_table, Some(SCHEMA), Format::Text, 2),
        ("no schema beside the page", PAGE, None, Format::Text, 2),
    ] {
        let (dir, page_path) = schema_dir(page, schema);
        assert_eq!(run(&[page_path], format, dir.path()), code, "{what}");
    }
}

#[test]
fn a_page_without_a_response_table_says_so() {
    let (_dir, page_path) = schema_dir("# Profile\n\nThe table moved elsewhere.\n", Some(SCHEMA));
    let error = check_page(&page_path).unwrap_err();
    assert!(error.contains("no response table found"), "{error}");
}
