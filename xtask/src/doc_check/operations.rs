//! The operation list, `schema/operations.json`, as doc-check reads it: for each operation its
//! docs page, method, path template, required headers, parameters and the schemas of its bodies.
//! Keys doc-check does not compare (`summary`, `paginated`, `status`, …) are ignored.

use serde::Deserialize;

/// The file's top level.
#[derive(Debug, Deserialize)]
pub struct OperationList {
    /// Every documented operation.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    /// A stable name, e.g. `create_namespace`.
    pub id: String,
    /// The vendored page under `schema/upstream/` that documents it, e.g. `namespaces.md`.
    pub page: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template, e.g. `/api/v1/darkube/namespaces/{namespace_id}/`.
    pub path: String,
    /// Header names the page requires.
    pub required_headers: Vec<String>,
    /// Parameters in the path template.
    #[serde(default)]
    pub path_parameters: Vec<Parameter>,
    /// Query parameters.
    #[serde(default)]
    pub query_parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    #[serde(default)]
    pub request: Option<Body>,
    /// The response, if any is documented.
    #[serde(default)]
    pub response: Option<Response>,
}

impl Operation {
    /// `GET /api/v1/users/profile`.
    pub fn signature(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The schema of the response body, if it has one.
    pub fn response_schema(&self) -> Option<&str> {
        self.response.as_ref()?.schema.as_deref()
    }

    /// The schema of the request body, if it has one.
    pub fn request_schema(&self) -> Option<&str> {
        self.request.as_ref().map(|body| body.schema.as_str())
    }
}

/// A path or query parameter.
#[derive(Debug, Clone, Deserialize)]
pub struct Parameter {
    /// Its name, e.g. `limit`.
    pub name: String,
    /// Its type in the pages' vocabulary, e.g. `integer`.
    #[serde(rename = "type")]
    pub doc_type: String,
}

/// A request body.
#[derive(Debug, Clone, Deserialize)]
pub struct Body {
    /// `FILE` (its root) or `FILE#/definitions/NAME`.
    pub schema: String,
}

/// A response.
#[derive(Debug, Clone, Deserialize)]
pub struct Response {
    /// `FILE`, `FILE#/definitions/NAME`, or `null` when the operation documents no body.
    pub schema: Option<String>,
}

/// Parses the list; the error names the file and what is wrong.
pub fn parse(text: &str) -> Result<OperationList, String> {
    serde_json::from_str(text).map_err(|e| format!("schema/operations.json: {e}"))
}

/// Splits a schema reference into its file and JSON Pointer: `namespaces.json#/definitions/X`
/// → (`namespaces.json`, `/definitions/X`); `profile.json` → (`profile.json`, ``).
pub fn split_reference(reference: &str) -> (&str, &str) {
    reference.split_once('#').unwrap_or((reference, ""))
}

/// The `{name}` placeholders of a path template, in order.
pub fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_committed_list() {
        let list = parse(include_str!("../../../schema/operations.json")).unwrap();
        let delete = list
            .operations
            .iter()
            .find(|op| op.id == "delete_namespace")
            .unwrap();
        assert_eq!(delete.response_schema(), None);
        assert_eq!(delete.request_schema(), None);
        assert_eq!(placeholders(&delete.path), ["namespace_id"]);
        let create = list
            .operations
            .iter()
            .find(|op| op.id == "create_namespace")
            .unwrap();
        assert_eq!(
            split_reference(create.request_schema().unwrap()),
            ("namespaces.json", "/definitions/CreateNamespace")
        );
    }
}
