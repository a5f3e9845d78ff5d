//! The operation list (`schema/operations.json`) as Rust constants, so that the client, the mock
//! and every other reader take each path, method and header name from one place.

use serde_json::Value;
use syn::parse_quote;

use crate::Error;
use crate::operation_list::{Operation, Parameter, parse};

/// The items of the operations module: one `pub const` per operation (named after its `id` in
/// upper case) of type `{operation_type}`, and `ALL` in the list's order. The type and its
/// `Parameter` are hand-written in the crate that includes the output.
pub(crate) fn items(list: &Value, operation_type: &str) -> Result<Vec<syn::Item>, Error> {
    let list = parse(list)?;
    let operation_type: syn::Path = syn::parse_str(operation_type)
        .map_err(|error| Error::InvalidOutput(format!("{operation_type:?}: {error}")))?;
    let parameter_type = sibling(&operation_type, "Parameter");
    let mut items = Vec::new();
    let mut names = Vec::new();
    for operation in &list.operations {
        let name = const_name(&operation.id)?;
        let doc = format!(
            "`{} {}`: {} From the docs page `{}`.",
            operation.method, operation.path, operation.summary, operation.page
        );
        let Operation {
            id,
            summary,
            page,
            method,
            path,
            required_headers,
            ..
        } = operation;
        let path_parameters = parameters(&operation.path_parameters, &parameter_type);
        let query_parameters = parameters(&operation.query_parameters, &parameter_type);
        let request_schema = option(operation.request.as_ref().map(|r| r.schema.as_str()));
        let response_schema = option(operation.response.schema.as_deref());
        let status = operation.response.status;
        let paginated = operation.paginated;
        items.push(parse_quote! {
            #[doc = #doc]
            pub const #name: #operation_type = #operation_type {
                id: #id,
                summary: #summary,
                page: #page,
                method: #method,
                path: #path,
                required_headers: &[#(#required_headers),*],
                path_parameters: &[#(#path_parameters),*],
                query_parameters: &[#(#query_parameters),*],
                request_schema: #request_schema,
                response_status: #status,
                response_schema: #response_schema,
                paginated: #paginated,
            };
        });
        names.push(name);
    }
    items.push(parse_quote! {
        /// Every documented operation, in the order of `schema/operations.json`.
        pub const ALL: &[#operation_type] = &[#(#names),*];
    });
    Ok(items)
}

fn const_name(id: &str) -> Result<syn::Ident, Error> {
    syn::parse_str(&id.to_uppercase())
        .map_err(|error| Error::NotASchema(format!("operation id {id:?}: {error}")))
}

/// `crate::Operation` → `crate::Parameter`.
fn sibling(path: &syn::Path, name: &str) -> syn::Path {
    let mut sibling = path.clone();
    if let Some(last) = sibling.segments.last_mut() {
        last.ident = syn::Ident::new(name, last.ident.span());
    }
    sibling
}

fn parameters(parameters: &[Parameter], parameter_type: &syn::Path) -> Vec<syn::Expr> {
    parameters
        .iter()
        .map(|parameter| {
            let Parameter {
                name,
                kind,
                required,
                description,
                ..
            } = parameter;
            parse_quote! {
                #parameter_type {
                    name: #name,
                    kind: #kind,
                    required: #required,
                    description: #description,
                }
            }
        })
        .collect()
}

fn option(value: Option<&str>) -> syn::Expr {
    match value {
        Some(value) => parse_quote!(Some(#value)),
        None => parse_quote!(None),
    }
}
