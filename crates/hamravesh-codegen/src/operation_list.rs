//! `schema/operations.json` as the generator reads it, for both of its outputs (the Rust
//! constants and the OpenAPI document). Unknown keys are ignored; a missing one is an error that
//! names it, and so is a method or a path the generated code could not use.

use serde::Deserialize;
use serde_json::Value;

use crate::Error;

/// The whole list.
#[derive(Deserialize)]
pub(crate) struct List {
    /// The real service's base URL.
    pub base_url: String,
    /// Every documented operation, in order.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Deserialize)]
pub(crate) struct Operation {
    pub id: String,
    pub summary: String,
    pub page: String,
    pub method: String,
    pub path: String,
    pub required_headers: Vec<String>,
    pub path_parameters: Vec<Parameter>,
    pub query_parameters: Vec<Parameter>,
    pub request: Option<Body>,
    pub response: Response,
    pub paginated: bool,
    /// Why the entry says what it says, where the page is silent.
    #[serde(default, rename = "$comment")]
    pub comment: Option<String>,
}

/// A path or query parameter.
#[derive(Deserialize)]
pub(crate) struct Parameter {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    pub description: String,
    #[serde(default)]
    pub example: Option<Value>,
}

/// A request body: its schema (`FILE` or `FILE#/definitions/NAME`).
#[derive(Deserialize)]
pub(crate) struct Body {
    pub schema: String,
}

/// The success answer: its status and, if it has a body, its schema.
#[derive(Deserialize)]
pub(crate) struct Response {
    pub status: u16,
    pub schema: Option<String>,
}

/// Reads the list, or says why it is not one (an unknown method, a path not starting with `/`).
pub(crate) fn parse(list: &Value) -> Result<List, Error> {
    let list: List = serde_json::from_value(list.clone())
        .map_err(|error| Error::NotASchema(format!("not an operation list: {error}")))?;
    for Operation {
        id, method, path, ..
    } in &list.operations
    {
        if !matches!(
            method.as_str(),
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "POST" | "PATCH"
        ) {
            return Err(Error::NotASchema(format!(
                "operation {id}: unknown method {method:?}"
            )));
        }
        if !path.starts_with('/') {
            return Err(Error::NotASchema(format!(
                "operation {id}: path {path:?} must start with /"
            )));
        }
    }
    for operation in &list.operations {
        check_path_parameters(operation)?;
    }
    Ok(list)
}

/// Every `{name}` of the path template is a listed path parameter, and every listed one is in
/// the template: otherwise a method would send `{name}` literally, or drop its argument.
fn check_path_parameters(operation: &Operation) -> Result<(), Error> {
    let in_template: Vec<&str> = operation
        .path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    let listed: Vec<&str> = operation
        .path_parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    if in_template != listed {
        return Err(Error::NotASchema(format!(
            "operation {}: the path {:?} names the parameters {in_template:?}, but \
             path_parameters lists {listed:?} (same names, in template order)",
            operation.id, operation.path
        )));
    }
    Ok(())
}
