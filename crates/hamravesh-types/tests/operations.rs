//! The operation list as constants: each operation well formed, found from its own path and
//! method, and nothing else found.

use hamravesh_types::operations::{ALL, CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE};
use hamravesh_types::{Document, Operation};

#[test]
fn every_operation_is_listed_once_and_well_formed() {
    let mut ids: Vec<&str> = ALL.iter().map(|op| op.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ALL.len());
    for operation in ALL {
        assert!(operation.path.starts_with("/api/v1/"), "{operation:?}");
        assert!(operation.required_headers.contains(&"Authorization"));
        for parameter in operation.path_parameters {
            assert!(
                operation.path.contains(&format!("{{{}}}", parameter.name)),
                "{operation:?}"
            );
        }
    }
}

/// Each template filled in with a value for every parameter.
fn filled(operation: &Operation, value: &str) -> String {
    let values: Vec<(&str, &str)> = operation
        .path_parameters
        .iter()
        .map(|parameter| (parameter.name, value))
        .collect();
    operation.path_with(&values).unwrap_or_default()
}

#[test]
fn every_operation_is_found_from_its_own_template() {
    for operation in ALL {
        for value in ["42", "a-b", "%2F"] {
            let path = filled(operation, value);
            let trimmed = path.trim_end_matches('/').to_owned();
            for variant in [
                path.clone(),
                format!("{path}?limit=5&offset=10"),
                format!("{trimmed}/"),
                trimmed.clone(),
                format!("{trimmed}#top"),
            ] {
                assert_eq!(
                    Operation::find(operation.method, &variant),
                    Some(operation),
                    "{variant}"
                );
            }
        }
    }
}

#[test]
fn near_misses_are_not_found() {
    for operation in ALL {
        let path = filled(operation, "7");
        let other_method = if operation.method == "PUT" {
            "PATCH"
        } else {
            "PUT"
        };
        let lower = operation.method.to_ascii_lowercase();
        let trimmed = path.trim_end_matches('/');
        for (method, candidate) in [
            (other_method, path.clone()),
            (lower.as_str(), path.clone()),
            ("", path.clone()),
            (operation.method, format!("{trimmed}/extra/")),
            (operation.method, format!("{trimmed}/extra")),
            (operation.method, format!("{trimmed}//")),
            (operation.method, format!("/{trimmed}")),
            (operation.method, trimmed.trim_start_matches('/').to_owned()),
            (operation.method, format!("{path}/../")),
            (operation.method, path.to_uppercase()),
            (operation.method, format!("https://api.hamravesh.com{path}")),
            (operation.method, String::new()),
            (operation.method, "/".to_owned()),
            (operation.method, "?".to_owned()),
        ] {
            assert_eq!(
                Operation::find(method, &candidate),
                None,
                "{method} {candidate}"
            );
        }
        // A template one segment shorter is not found either.
        if let Some((parent, _)) = trimmed.rsplit_once('/')
            && !ALL.iter().any(|other| {
                other.method == operation.method && other.path.trim_end_matches('/') == parent
            })
        {
            assert_eq!(Operation::find(operation.method, parent), None, "{parent}");
        }
    }
}

#[test]
fn parameters_are_one_real_segment() {
    let method = DELETE_NAMESPACE.method;
    for (path, found) in [
        ("/api/v1/darkube/namespaces/42/", true),
        ("/api/v1/darkube/namespaces/42", true),
        ("/api/v1/darkube/namespaces/x/", true),
        ("/api/v1/darkube/namespaces/.../", true),
        ("/api/v1/darkube/namespaces//", false),
        ("/api/v1/darkube/namespaces/../", false),
        ("/api/v1/darkube/namespaces/./", false),
        ("/api/v1/darkube/namespaces/%2e%2E/", false),
        ("/api/v1/darkube/namespaces/.%2e", false),
        ("/api/v1/darkube/namespaces/%2e/", false),
        ("/api/v1/darkube/namespaces/42/43/", false),
        ("/api/v1/darkube/namespaces/42//", false),
        ("/api/v1/darkube/namespaces/", false),
    ] {
        assert_eq!(Operation::find(method, path).is_some(), found, "{path}");
    }
}

#[test]
fn every_body_schema_is_a_document() {
    for operation in ALL {
        assert_eq!(
            operation.response_document().is_some(),
            operation.response_schema.is_some(),
            "{}",
            operation.id
        );
        assert_eq!(
            operation.request_document().is_some(),
            operation.request_schema.is_some(),
            "{}",
            operation.id
        );
        if let Some(document) = operation.response_document() {
            assert_eq!(Some(document.schema_ref()), operation.response_schema);
        }
    }
    assert_eq!(GET_PROFILE.response_document(), Some(Document::Profile));
    assert_eq!(
        CREATE_NAMESPACE.request_document(),
        Some(Document::CreateNamespace)
    );
    assert_eq!(
        CREATE_NAMESPACE.response_document(),
        Some(Document::Namespace)
    );
    assert_eq!(DELETE_NAMESPACE.response_document(), None);
}

#[test]
fn retry_rules_follow_the_method() {
    assert!(GET_PROFILE.is_idempotent());
    assert!(DELETE_NAMESPACE.is_idempotent());
    assert!(!CREATE_NAMESPACE.is_idempotent());
    assert!(!GET_PROFILE.is_organization_scoped());
    assert!(CREATE_NAMESPACE.is_organization_scoped());
}
