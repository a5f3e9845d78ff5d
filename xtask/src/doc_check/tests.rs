//! Copies of the real page with one edit each produce exactly the expected finding.

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

fn only(findings: &[Finding]) -> (&str, Kind) {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    (findings[0].path.as_str(), findings[0].kind)
}

#[test]
fn the_vendored_page_is_in_sync() {
    assert_eq!(findings(PAGE), []);
}

#[test]
fn a_field_added_to_the_table() {
    let page = edited(
        "|profile_settings||",
        "|two_factor_enabled|| `boolean` ||\n|profile_settings||",
    );
    let found = findings(&page);
    assert_eq!(
        only(&found),
        ("two_factor_enabled", Kind::MissingFromSchema)
    );
    assert!(
        found[0].message.contains("`boolean`")
            && found[0].message.contains("top-level `properties`")
    );
}

#[test]
fn a_field_removed_from_the_table() {
    let page = edited("|national_id|| `string`            ||\n", "");
    let found = findings(&page);
    assert_eq!(only(&found), ("national_id", Kind::NoLongerDocumented));
    assert!(
        found[0].message.contains("/properties/national_id"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_type_changed_in_the_table() {
    let page = edited("|is_verified|| `boolean`", "|is_verified|| `string`");
    let found = findings(&page);
    assert_eq!(only(&found), ("is_verified", Kind::TypeChanged));
    assert!(
        found[0]
            .message
            .starts_with("the page says `string`, the schema accepts boolean"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_field_added_to_the_organization_example() {
    let page = edited(
        "  \"has_cre\": false,\n",
        "  \"has_cre\": false,\n  \"has_gpu\": true,\n",
    );
    let found = findings(&page);
    assert_eq!(
        only(&found),
        ("organizations[].has_gpu", Kind::MissingFromSchema)
    );
    assert!(
        found[0]
            .message
            .contains("under /definitions/Organization/properties"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_null_example_where_a_value_was() {
    let page = edited("\"build_method\": \"webhook\"", "\"build_method\": null");
    let found = findings(&page);
    assert_eq!(
        only(&found),
        ("organizations[].build_method", Kind::NewlyNullable)
    );
    assert!(
        found[0]
            .message
            .contains("/definitions/Organization/properties/build_method"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_null_in_the_table_example_column() {
    let page = edited(
        "| full_name  |             | `string`            | `email@example.com` |",
        "| full_name  |             | `string`            | `null` |",
    );
    assert_eq!(only(&findings(&page)), ("full_name", Kind::NewlyNullable));
}

#[test]
fn a_recorded_departure_goes_stale_when_the_page_is_fixed() {
    let page = edited("|email|| `integer`", "|email|| `string`");
    let found = findings(&page);
    assert_eq!(only(&found), ("email", Kind::StaleMarker));
    assert!(
        found[0].message.contains("x-doc-type"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_missing_example_value_filled_in_makes_its_marker_stale() {
    let page = edited("  \"name\": ,\n", "  \"name\": \"my-team\",\n");
    assert_eq!(
        only(&findings(&page)),
        ("organizations[].name", Kind::StaleMarker)
    );
}

#[test]
fn a_nested_owner_field_removed() {
    let page = edited("    \"is_staff\": false,\n", "");
    assert_eq!(
        only(&findings(&page)),
        ("organizations[].owner.is_staff", Kind::NoLongerDocumented)
    );
}

#[test]
fn a_page_without_a_response_table_exits_2() {
    let dir = std::env::temp_dir().join(format!("doc-check-test-{}", std::process::id()));
    let upstream = dir.join("upstream");
    std::fs::create_dir_all(&upstream).unwrap();
    std::fs::write(
        upstream.join("profile.md"),
        "# Profile\n\nThe table moved elsewhere.\n",
    )
    .unwrap();
    std::fs::write(dir.join("profile.json"), SCHEMA).unwrap();
    let error = check_page(&upstream.join("profile.md")).unwrap_err();
    assert!(error.contains("no response table found"), "{error}");
    assert_eq!(run(&[upstream.join("profile.md")], Format::Text, &dir), 2);
    // A page in sync exits 0, and one with drift exits 1.
    std::fs::write(upstream.join("profile.md"), PAGE).unwrap();
    assert_eq!(run(&[upstream.join("profile.md")], Format::Json, &dir), 0);
    std::fs::write(
        upstream.join("profile.md"),
        PAGE.replace("|is_verified|| `boolean`", "|is_verified|| `string`"),
    )
    .unwrap();
    assert_eq!(run(&[upstream.join("profile.md")], Format::Text, &dir), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_schema_exits_2() {
    let dir = std::env::temp_dir().join(format!("doc-check-noschema-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("upstream")).unwrap();
    std::fs::write(dir.join("upstream/profile.md"), PAGE).unwrap();
    assert_eq!(
        run(&[dir.join("upstream/profile.md")], Format::Text, &dir),
        2
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
