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

    /// Whether `path` (no query string) fills in this operation's path template.
    pub(crate) fn matches_path(&self, path: &str) -> bool {
        let (Some(template), Some(path)) = (
            trim_one_slash(self.path).strip_prefix('/'),
            trim_one_slash(path).strip_prefix('/'),
        ) else {
            return false;
        };
        let mut segments = path.split('/');
        let fits = |expected: &str, segment: &str| {
            if expected.len() > 2 && expected.starts_with('{') && expected.ends_with('}') {
                !segment.is_empty() && !is_dot_segment(segment)
            } else {
                segment == expected
            }
        };
        template.split('/').all(|expected| {
            segments
                .next()
                .is_some_and(|segment| fits(expected, segment))
        }) && segments.next().is_none()
    }
}

/// `path` without one trailing `/`, unless it is the root `/`.
fn trim_one_slash(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    }
}

/// `.` or `..`, also percent-encoded (`%2e`, `%2E`), which URL parsers resolve like the plain
/// forms (WHATWG URL §4.4, "single-dot and double-dot path segments").
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    let decoded = lower.replace("%2e", ".");
    decoded == "." || decoded == ".."
}
