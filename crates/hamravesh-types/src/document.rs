//! The kinds of payload the embedded schemas describe, each with its schema, its validator and
//! its typed model, so that "is this a valid X" never silently means "a valid profile".

use serde_json::Value;

use crate::DecodeError;

/// The embedded copies of the schemas and the operation list (written by `cargo xtask gen`).
pub mod schemas {
    /// `schema/profile.json`: `GET /api/v1/users/profile`.
    pub const PROFILE: &str = include_str!("../schema/profile.json");
    /// `schema/notifications.json`: `GET /api/v1/notifications/all_list/`.
    pub const NOTIFICATIONS: &str = include_str!("../schema/notifications.json");
    /// `schema/namespaces.json`: the namespace response (root) and the create request.
    pub const NAMESPACES: &str = include_str!("../schema/namespaces.json");
    /// `schema/operations.json`: every documented operation.
    pub const OPERATIONS: &str = include_str!("../schema/operations.json");
    /// The OpenAPI 3.1 document generated from the schemas and the operation list
    /// (`openapi/hamravesh.openapi.json` in the repository).
    pub const OPENAPI: &str = include_str!("../schema/openapi.json");
}

/// A kind of payload: a response or request body of a documented operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Document {
    /// A [`crate::Profile`], the answer of `GET /api/v1/users/profile`.
    Profile,
    /// A [`crate::notifications::NotificationPage`], one page of the notification feed.
    NotificationPage,
    /// A [`crate::namespaces::Namespace`], the answer of creating a namespace.
    Namespace,
    /// A [`crate::namespaces::CreateNamespace`], the body of creating a namespace.
    CreateNamespace,
}

impl Document {
    /// Every kind, in a stable order (that of the variants, so `kind as usize` indexes it).
    pub const ALL: &'static [Document] = &[
        Document::Profile,
        Document::NotificationPage,
        Document::Namespace,
        Document::CreateNamespace,
    ];

    /// The name a person types (`hamravesh validate --type NAME`), such as `notifications`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::NotificationPage => "notifications",
            Self::Namespace => "namespace",
            Self::CreateNamespace => "create-namespace",
        }
    }

    /// The kind with this [`name`](Document::name).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.name() == name)
    }

    /// The schema reference the operation list uses for it: `FILE` or `FILE#/definitions/NAME`.
    pub fn schema_ref(self) -> &'static str {
        match self {
            Self::Profile => "profile.json",
            Self::NotificationPage => "notifications.json",
            Self::Namespace => "namespaces.json",
            Self::CreateNamespace => "namespaces.json#/definitions/CreateNamespace",
        }
    }

    /// The kind an operation's `request_schema` or `response_schema` names.
    pub fn from_schema_ref(reference: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|kind| kind.schema_ref() == reference)
    }

    /// The text of the schema file it is defined in.
    pub fn schema_file_text(self) -> &'static str {
        match self {
            Self::Profile => schemas::PROFILE,
            Self::NotificationPage => schemas::NOTIFICATIONS,
            Self::Namespace | Self::CreateNamespace => schemas::NAMESPACES,
        }
    }

    /// A schema whose root is this kind: the file itself, or for a definition, the file's
    /// definitions with a root `$ref` to it (draft-07 resolves it against the same document).
    pub fn schema(self) -> Value {
        // The embedded texts are compile-time constants that the test suite parses.
        let file: Value = serde_json::from_str(self.schema_file_text()).unwrap_or(Value::Null);
        match self.schema_ref().split_once('#') {
            None => file,
            Some((_, pointer)) => serde_json::json!({
                "$schema": file.get("$schema").cloned().unwrap_or(Value::Null),
                "definitions": file.get("definitions").cloned().unwrap_or(Value::Null),
                "$ref": format!("#{pointer}"),
            }),
        }
    }

    /// Decodes `bytes` into this kind's model and drops it: whether typed decoding accepts the
    /// payload, with the path of the first field that fails.
    pub fn decodes(self, bytes: &[u8]) -> Result<(), DecodeError> {
        use crate::decode;
        match self {
            Self::Profile => decode::<crate::Profile>(bytes).map(drop),
            Self::NotificationPage => {
                decode::<crate::notifications::NotificationPage>(bytes).map(drop)
            }
            Self::Namespace => decode::<crate::namespaces::Namespace>(bytes).map(drop),
            Self::CreateNamespace => decode::<crate::namespaces::CreateNamespace>(bytes).map(drop),
        }
    }

    /// Validates `value` as this kind, reporting every error with its JSON Pointer.
    ///
    /// ```
    /// use hamravesh_types::Document;
    /// let payload = serde_json::json!({"email": 42});
    /// let errors = Document::Profile.validate(&payload).unwrap_err();
    /// assert!(errors.errors().iter().any(|e| e.instance_path == "/email"));
    /// ```
    #[cfg(feature = "validate")]
    pub fn validate(self, value: &Value) -> Result<(), crate::ValidationErrors> {
        self.validator().validate(value)
    }

    /// Whether `value` is valid as this kind (stops at the first error).
    #[cfg(feature = "validate")]
    pub fn is_valid(self, value: &Value) -> bool {
        self.validator().is_valid(value)
    }

    /// The validator of this kind, compiled once per process, with the schema-specialised fast
    /// path ([`crate::Validator::fast_path_accepts`]).
    #[cfg(feature = "validate")]
    pub fn validator(self) -> &'static crate::Validator {
        use std::sync::OnceLock;
        static VALIDATORS: [OnceLock<crate::Validator>; Document::ALL.len()] =
            [const { OnceLock::new() }; Document::ALL.len()];
        VALIDATORS[self as usize].get_or_init(|| {
            match crate::Validator::with_fast_path(&self.schema()) {
                Ok(validator) => validator,
                // Every embedded schema is compiled by the test suite.
                Err(error) => unreachable!(
                    "the embedded {} schema does not compile: {error}",
                    self.name()
                ),
            }
        })
    }
}

impl std::fmt::Display for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::ALL;

    #[test]
    fn every_schema_an_operation_names_is_a_document() {
        for operation in ALL {
            for reference in [operation.request_schema, operation.response_schema]
                .into_iter()
                .flatten()
            {
                assert!(
                    Document::from_schema_ref(reference).is_some(),
                    "{}: {reference} has no Document",
                    operation.id
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for (index, kind) in Document::ALL.iter().enumerate() {
            assert_eq!(Document::from_name(kind.name()), Some(*kind));
            assert_eq!(*kind as usize, index, "ALL is in the variants' order");
        }
        assert_eq!(Document::from_name("nope"), None);
    }

    #[cfg(feature = "validate")]
    #[test]
    fn each_validator_checks_its_own_kind() {
        let request = br#"{"name": "my-team-staging", "cluster_id": 53}"#;
        let value: Value = serde_json::from_slice(request).unwrap_or(Value::Null);
        assert!(Document::CreateNamespace.validator().is_valid(&value));
        assert!(Document::CreateNamespace.decodes(request).is_ok());
        assert!(!Document::Namespace.validator().is_valid(&value));
        assert!(Document::Namespace.decodes(request).is_err());
        let wrong = serde_json::json!({"name": "x", "cluster_id": "53"});
        assert!(!Document::CreateNamespace.validator().is_valid(&wrong));
    }
}
