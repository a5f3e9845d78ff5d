//! What one documented operation is: method, path template, required headers, parameters and the
//! schemas of its bodies. The values live in [`crate::operations`], generated from
//! `schema/operations.json`, so that the client, the mock and every other reader take each path
//! and header name from one place.

/// One operation the docs describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// A stable name, such as `get_profile`.
    pub id: &'static str,
    /// What it does, in one sentence.
    pub summary: &'static str,
    /// The docs page it comes from, under `schema/upstream/`.
    pub page: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/api/v1/darkube/namespaces/{namespace_id}/`.
    pub path: &'static str,
    /// Headers the docs require (`Authorization` always; `x-organization` when organization-scoped).
    pub required_headers: &'static [&'static str],
    /// Parameters in the path template, in `{braces}`.
    pub path_parameters: &'static [Parameter],
    /// Query parameters.
    pub query_parameters: &'static [Parameter],
    /// The request body's schema (`FILE` or `FILE#/definitions/NAME`), if there is a body.
    pub request_schema: Option<&'static str>,
    /// The status of a successful answer.
    pub response_status: u16,
    /// The response body's schema, if there is a body.
    pub response_schema: Option<&'static str>,
    /// Whether the response is a DRF limit/offset page.
    pub paginated: bool,
}

/// A path or query parameter of an [`Operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parameter {
    /// Its name.
    pub name: &'static str,
    /// Its JSON Schema type, such as `integer`.
    pub kind: &'static str,
    /// Whether it must be given.
    pub required: bool,
    /// What it means.
    pub description: &'static str,
}

/// The header that names the organization an organization-scoped operation acts for.
pub const ORGANIZATION_HEADER: &str = "x-organization";

impl Operation {
    /// Whether sending it twice has the effect of sending it once (RFC 9110 §9.2.2): such an
    /// operation may be retried when an attempt's outcome is unknown; a POST may not.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.method,
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE"
        )
    }

    /// Whether it acts for an organization named in the `x-organization` header.
    pub fn is_organization_scoped(&self) -> bool {
        self.required_headers
            .iter()
            .any(|header| header.eq_ignore_ascii_case(ORGANIZATION_HEADER))
    }

    /// The path with each `{name}` replaced by its value (values are inserted as given: pass
    /// only values that need no escaping, such as integers). `None` if a parameter of the
    /// template has no value.
    ///
    /// ```
    /// use hamravesh_types::operations::DELETE_NAMESPACE;
    /// assert_eq!(
    ///     DELETE_NAMESPACE.path_with(&[("namespace_id", "42")]).as_deref(),
    ///     Some("/api/v1/darkube/namespaces/42/")
    /// );
    /// assert_eq!(DELETE_NAMESPACE.path_with(&[]), None);
    /// ```
    pub fn path_with(&self, values: &[(&str, &str)]) -> Option<String> {
        let mut path = self.path.to_owned();
        for parameter in self.path_parameters {
            let (_, value) = values.iter().find(|(name, _)| *name == parameter.name)?;
            path = path.replace(&format!("{{{}}}", parameter.name), value);
        }
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use crate::operations::{ALL, CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE};

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

    #[test]
    fn retry_rules_follow_the_method() {
        assert!(GET_PROFILE.is_idempotent());
        assert!(DELETE_NAMESPACE.is_idempotent());
        assert!(!CREATE_NAMESPACE.is_idempotent());
        assert!(!GET_PROFILE.is_organization_scoped());
        assert!(CREATE_NAMESPACE.is_organization_scoped());
    }
}
