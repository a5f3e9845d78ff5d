//! The payload corpus (`tests/payloads/` at the repository root) against typed decoding.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use hamravesh_types::{Profile, decode};

fn payloads_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads")
}

fn json_files(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(payloads_dir().join(kind))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[derive(serde::Deserialize)]
struct Expected {
    decode_path: String,
    decode_message: String,
}

#[test]
fn every_valid_payload_decodes_and_round_trips() {
    let files = json_files("valid");
    assert!(files.len() >= 8, "the valid corpus shrank: {files:?}");
    for path in files {
        let bytes = fs::read(&path).unwrap();
        let profile = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let encoded = serde_json::to_vec(&profile).unwrap();
        let again: Profile =
            decode(&encoded).unwrap_or_else(|e| panic!("{} re-encoded: {e}", path.display()));
        assert_eq!(profile, again, "{} changed in a round trip", path.display());
    }
}

#[test]
fn every_invalid_payload_fails_naming_the_path() {
    let manifest = fs::read_to_string(payloads_dir().join("expected-errors.json")).unwrap();
    let expected: BTreeMap<String, Expected> = serde_json::from_str(&manifest).unwrap();
    let files = json_files("invalid");
    let names: Vec<String> = files.iter().map(|p| file_name(p)).collect();
    assert_eq!(
        names,
        expected.keys().cloned().collect::<Vec<_>>(),
        "every invalid payload needs an entry in expected-errors.json, and every entry a file"
    );
    for path in files {
        let name = file_name(&path);
        let want = &expected[&name];
        let error = decode(&fs::read(&path).unwrap()).expect_err(&name);
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
    let bytes = fs::read(payloads_dir().join("invalid/owner-email-is-integer.json")).unwrap();
    let message = decode(&bytes).unwrap_err().to_string();
    assert!(
        message.starts_with(
            "organizations[0].owner.email: invalid type: integer `5`, expected a string"
        ),
        "{message}"
    );
}

#[test]
fn page_example_carries_the_documented_values() {
    let profile =
        decode(&fs::read(payloads_dir().join("valid/page-example.json")).unwrap()).unwrap();
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
    let bytes = fs::read(payloads_dir().join("valid/tehran-offset-and-no-fraction.json")).unwrap();
    let profile = decode(&bytes).unwrap();
    assert_eq!(
        profile.creation_time.to_rfc3339(),
        "2023-03-21T06:00:00+00:00"
    );
}

#[test]
fn digit_strings_keep_their_leading_zero() {
    let profile =
        decode(&fs::read(payloads_dir().join("valid/persian-names.json")).unwrap()).unwrap();
    assert_eq!(profile.mobile.as_deref(), Some("09121234567"));
    assert_eq!(profile.national_id.as_deref(), Some("0012345678"));
    assert_eq!(profile.first_name.as_deref(), Some("علی"));
}
