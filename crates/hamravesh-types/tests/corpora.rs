//! The corpora of the notifications page, the namespace response and the create request
//! (`tests/payloads/<folder>/`): every valid payload decodes, round-trips and validates; every
//! invalid one fails both, at the path and pointer its manifest names.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_test_support::{DOCUMENT_CORPORA, expected_errors_in, invalid_in, valid_in};
use hamravesh_types::namespaces::{CreateNamespace, Namespace};
use hamravesh_types::notifications::NotificationPage;
use hamravesh_types::{Document, decode};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trips<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(bytes: &[u8]) {
    let value: T = decode(bytes).unwrap();
    let again: T = decode(&serde_json::to_vec(&value).unwrap()).unwrap();
    assert_eq!(value, again);
}

#[test]
fn every_valid_payload_decodes_round_trips_and_validates() {
    for (folder, name) in DOCUMENT_CORPORA {
        let kind = Document::from_name(name).unwrap();
        let files = valid_in(folder);
        assert!(!files.is_empty(), "{folder} has no valid payloads");
        for file in files {
            let label = format!("{folder}/valid/{}", file.name);
            kind.decodes(&file.bytes)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            match kind {
                Document::NotificationPage => round_trips::<NotificationPage>(&file.bytes),
                Document::Namespace => round_trips::<Namespace>(&file.bytes),
                Document::CreateNamespace => round_trips::<CreateNamespace>(&file.bytes),
                other => panic!("no corpus folder for {other}"),
            }
            #[cfg(feature = "validate")]
            {
                let value: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
                if let Err(errors) = kind.validator().validate(&value) {
                    panic!("{label}:\n{errors}");
                }
            }
        }
    }
}

#[test]
fn every_invalid_payload_fails_both_where_its_manifest_says() {
    for (folder, name) in DOCUMENT_CORPORA {
        let kind = Document::from_name(name).unwrap();
        let expected = expected_errors_in(folder);
        let files = invalid_in(folder);
        let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        assert_eq!(
            names,
            expected.keys().cloned().collect::<Vec<_>>(),
            "{folder}: every invalid payload needs a manifest entry, and every entry a file"
        );
        for file in files {
            let label = format!("{folder}/invalid/{}", file.name);
            let want = &expected[&file.name];
            let error = kind.decodes(&file.bytes).expect_err(&label);
            assert_eq!(error.path(), want.decode_path, "{label}: {error}");
            assert!(
                error.message().contains(&want.decode_message),
                "{label}: {error} lacks {:?}",
                want.decode_message
            );
            #[cfg(feature = "validate")]
            {
                let value: serde_json::Value = serde_json::from_slice(&file.bytes).unwrap();
                let errors = kind.validator().validate(&value).expect_err(&label);
                let pointer = want.validate_pointer.as_deref().unwrap();
                assert!(
                    errors.errors().iter().any(|e| e.instance_path == pointer),
                    "{label}: no error at {pointer:?}:\n{errors}"
                );
            }
        }
    }
}

/// The namespace name's pattern is read by backtracking engines (regress in the generated type):
/// its classes are disjoint where they meet, so a long hostile name is decided in linear time. A
/// quadratic reading of these (256 KiB each) would take hours.
#[cfg(feature = "validate")]
#[test]
fn long_hostile_names_are_decided_by_both_sides() {
    let size = 256 << 10;
    let cases = [
        ("a".repeat(size) + "\u{0}", false),
        (" ".repeat(size) + "\u{0}", false),
        (" ".repeat(size), false),
        ("a ".repeat(size / 2), true),
    ];
    for (name, valid) in cases {
        let body = serde_json::json!({"name": name, "cluster_id": 53}).to_string();
        let decodes = decode::<CreateNamespace>(body.as_bytes()).is_ok();
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        let validates = Document::CreateNamespace.validator().is_valid(&value);
        assert_eq!((decodes, validates), (valid, valid), "{}…", &name[..8]);
    }
}
