//! The payload corpus (`tests/payloads/` at the repository root) against typed decoding.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_test_support as corpus;
use hamravesh_types::{Profile, decode};

#[test]
fn every_valid_payload_decodes_and_round_trips() {
    let files = corpus::valid();
    assert!(files.len() >= 8, "the valid corpus shrank: {files:?}");
    for file in files {
        let profile =
            decode::<Profile>(&file.bytes).unwrap_or_else(|e| panic!("{}: {e}", file.name));
        let encoded = serde_json::to_vec(&profile).unwrap();
        let again: Profile =
            decode::<Profile>(&encoded).unwrap_or_else(|e| panic!("{} re-encoded: {e}", file.name));
        assert_eq!(profile, again, "{} changed in a round trip", file.name);
    }
}

#[test]
fn every_invalid_payload_fails_naming_the_path() {
    let expected = corpus::expected_errors();
    let files = corpus::invalid();
    let names: Vec<String> = files.iter().map(|file| file.name.clone()).collect();
    assert_eq!(
        names,
        expected.keys().cloned().collect::<Vec<_>>(),
        "every invalid payload needs an entry in expected-errors.json, and every entry a file"
    );
    for file in files {
        let name = file.name;
        let want = &expected[&name];
        let error = decode::<Profile>(&file.bytes).expect_err(&name);
        assert_eq!(error.path(), want.decode_path, "{name}: {error}");
        assert!(
            error.message().contains(&want.decode_message),
            "{name}: {error:?} does not mention {:?}",
            want.decode_message
        );
    }
}

#[test]
fn nested_error_message_names_the_full_path() {
    let bytes = corpus::read("invalid/owner-email-is-integer.json");
    let message = decode::<Profile>(&bytes).unwrap_err().to_string();
    assert!(
        message.starts_with(
            "organizations[0].owner.email: invalid type: integer `5`, expected a string"
        ),
        "{message}"
    );
}

#[test]
fn page_example_carries_the_documented_values() {
    let profile = decode::<Profile>(&corpus::read("valid/page-example.json")).unwrap();
    assert_eq!(profile.first_name, None);
    assert_eq!(profile.full_name, "email@example.com");
    let organization = &profile.organizations[0];
    assert_eq!(organization.id, 1598);
    assert_eq!(organization.build_method, "webhook");
    assert_eq!(organization.charged_budget, 1_072_283.0);
    assert_eq!(
        organization.organization_feature_flags.limited_apps,
        ["wordpress"]
    );
    assert_eq!(profile.organization_roles["1598"], ["owner"]);
}

#[test]
fn offsets_are_normalised_to_utc() {
    let bytes = corpus::read("valid/tehran-offset-and-no-fraction.json");
    let profile = decode::<Profile>(&bytes).unwrap();
    assert_eq!(
        profile.creation_time.to_rfc3339(),
        "2023-03-21T06:00:00+00:00"
    );
}

#[test]
fn digit_strings_keep_their_leading_zero() {
    let profile = decode::<Profile>(&corpus::read("valid/persian-names.json")).unwrap();
    assert_eq!(profile.mobile.as_deref(), Some("09121234567"));
    assert_eq!(profile.national_id.as_deref(), Some("0012345678"));
    assert_eq!(profile.first_name.as_deref(), Some("علی"));
}
