//! The client's methods from the operation list: one async method per operation (named after its
//! `id`), the request it sends, a query struct for an operation with query parameters, and the
//! blocking client's methods as a macro that `blocking.rs` expands inside its `impl`, so that
//! the generated file imports nothing above it.
//!
//! A method takes, in this order: the organization (`&str`) when the operation requires
//! `x-organization`, its path parameters in template order (integers as `i64`), a query struct
//! when it has query parameters, and the request body when it has one. It answers the response
//! model, or `()` for a success without a body.

use serde_json::Value;
use syn::parse_quote;

use crate::Error;
use crate::operation_list::{Operation, Parameter, parse};

/// What the client methods are generated from.
#[derive(Debug, Clone, Copy)]
pub struct ClientInput<'a> {
    /// The parsed operation list.
    pub list: &'a Value,
    /// Its path, for the header.
    pub source: &'a str,
    /// Each schema file a body refers to: its file name (`profile.json`), the module of
    /// `types_crate` its types are in, and the parsed schema (for its root's `title`).
    pub schemas: &'a [(&'a str, &'a str, &'a Value)],
    /// The crate of the models and of the operation constants (`hamravesh_types`).
    pub types_crate: &'a str,
}

/// The formatted source of the client crate's generated file.
pub fn client(input: &ClientInput<'_>, command: &str) -> Result<String, Error> {
    let list = parse(input.list)?;
    let types: syn::Path = syn::parse_str(input.types_crate)
        .map_err(|error| Error::InvalidOutput(format!("{:?}: {error}", input.types_crate)))?;
    let mut items: Vec<syn::Item> = Vec::new();
    let mut methods: Vec<syn::ImplItemFn> = Vec::new();
    let mut blocking: Vec<syn::ImplItemFn> = Vec::new();
    for operation in &list.operations {
        let generated = Method::new(operation, input, &types)?;
        items.extend(generated.query_struct()?);
        methods.extend(generated.async_methods());
        blocking.push(generated.blocking_method());
    }
    items.push(parse_quote! {
        impl crate::Client {
            #(#methods)*
        }
    });
    let file: syn::File = parse_quote! {
        //! The client's method for every operation of `schema/operations.json`.
        #(#items)*
    };
    let source = crate::format::print(&file, &crate::format::header(&[input.source], command));
    Ok(source + &blocking_macro(&blocking))
}

/// The blocking methods as `macro_rules! blocking_methods`, expanded by `blocking.rs` inside its
/// `impl`. prettyplease prints a macro's body as one run of tokens, so the methods are printed
/// as an `impl` and moved into the macro.
fn blocking_macro(methods: &[syn::ImplItemFn]) -> String {
    let printed = prettyplease::unparse(&parse_quote! {
        impl Blocking {
            #(#methods)*
        }
    });
    let lines: Vec<&str> = printed.lines().collect();
    let body: String = lines
        .get(1..lines.len().saturating_sub(1))
        .unwrap_or_default()
        .iter()
        .map(|line| match line.is_empty() {
            true => "\n".to_owned(),
            false => format!("    {line}\n"),
        })
        .collect();
    format!(
        "/// The blocking client's methods, one per operation, each running the async one to\n\
         /// completion (expanded inside `impl blocking::Client`, which has `block_on`).\n\
         #[cfg(feature = \"blocking\")]\n\
         macro_rules! blocking_methods {{\n    () => {{\n{body}    }};\n}}\n\
         #[cfg(feature = \"blocking\")]\n\
         pub(crate) use blocking_methods;\n"
    )
}

/// One operation's method, its arguments worked out.
struct Method<'a> {
    operation: &'a Operation,
    name: syn::Ident,
    /// `organization: &str, namespace_id: i64, …` as parameters.
    parameters: Vec<syn::FnArg>,
    /// The same names, as arguments.
    arguments: Vec<syn::Ident>,
    /// The request built from them.
    request: syn::Expr,
    query: Option<syn::Ident>,
    response: Option<syn::Type>,
}

impl<'a> Method<'a> {
    fn new(
        operation: &'a Operation,
        input: &ClientInput<'_>,
        types: &syn::Path,
    ) -> Result<Self, Error> {
        let id = &operation.id;
        if let Some(taken) = HAND_WRITTEN
            .split(' ')
            .find(|&taken| id == taken || id.strip_suffix("_request") == Some(taken))
        {
            return Err(Error::NotASchema(format!(
                "operation {id}: its method would clash with the client's own `{taken}`"
            )));
        }
        let name = ident(id)?;
        let constant = ident(&id.to_uppercase())?;
        let constant: syn::Path = parse_quote!(#types::operations::#constant);
        let mut parameters = Vec::new();
        let mut arguments = Vec::new();
        let organization = operation
            .required_headers
            .iter()
            .any(|header| header.eq_ignore_ascii_case("x-organization"));
        let organization_argument: syn::Expr = if organization {
            parameters.push(parse_quote!(organization: &str));
            arguments.push(ident("organization")?);
            parse_quote!(Some(organization))
        } else {
            parse_quote!(None)
        };
        let mut path_values: Vec<syn::Expr> = Vec::new();
        for parameter in &operation.path_parameters {
            if ARGUMENTS.contains(&parameter.name.as_str()) {
                return Err(Error::NotASchema(format!(
                    "operation {id}: path parameter {} would clash with the method's own argument",
                    parameter.name
                )));
            }
            if parameter.kind != "integer" {
                return Err(Error::NotASchema(format!(
                    "operation {id}: path parameter {} has type {:?}; the generator writes \
                     integer path parameters only (a string would need percent-encoding)",
                    parameter.name, parameter.kind
                )));
            }
            let argument = ident(&parameter.name)?;
            let key = &parameter.name;
            parameters.push(parse_quote!(#argument: i64));
            path_values.push(parse_quote!((#key, ::std::string::ToString::to_string(&#argument))));
            arguments.push(argument);
        }
        let mut request: syn::Expr = parse_quote! {
            self.operation_request(&#constant, #organization_argument, &[#(#path_values),*])
        };
        let query = if operation.query_parameters.is_empty() {
            None
        } else {
            let query_type = ident(&format!("{}Query", pascal_case(id)))?;
            parameters.push(parse_quote!(query: &crate::#query_type));
            arguments.push(ident("query")?);
            request = parse_quote!(query.add_to(#request));
            Some(query_type)
        };
        if let Some(body) = &operation.request {
            let body_type = rust_type(&body.schema, input, types, id)?;
            parameters.push(parse_quote!(body: &#body_type));
            arguments.push(ident("body")?);
            request = parse_quote!(#request.json(body));
        }
        let response = match &operation.response.schema {
            Some(schema) => Some(rust_type(schema, input, types, id)?),
            None => None,
        };
        Ok(Self {
            operation,
            name,
            parameters,
            arguments,
            request,
            query,
            response,
        })
    }

    /// The answer's type: the model, or `()`.
    fn output(&self) -> syn::Type {
        match &self.response {
            Some(model) => model.clone(),
            None => parse_quote!(()),
        }
    }

    fn docs(&self) -> Vec<String> {
        let Operation {
            id,
            summary,
            page,
            method,
            path,
            ..
        } = self.operation;
        let mut docs = vec![
            format!(" {summary}"),
            String::new(),
            format!(" `{method} {path}` (operation `{id}` of the docs page `{page}`)."),
        ];
        if self
            .operation
            .required_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("x-organization"))
        {
            docs.push(String::new());
            docs.push(
                " `organization` is the organization's `name` (the slug the profile lists), sent \
                 in the `x-organization` header."
                    .to_owned(),
            );
        }
        docs.push(String::new());
        docs.push(if is_idempotent(method) {
            " Retried like a read when an attempt fails in a way that may pass.".to_owned()
        } else {
            " Not idempotent: sent again only when it certainly did not reach the service (no \
             connection, or `429`). After a timeout, a broken connection or a `5xx`, the error \
             says the outcome is unknown ([`crate::Error::is_outcome_unknown`]); a success whose \
             body does not match the schema says it was carried out \
             ([`crate::Error::is_carried_out`])."
                .to_owned()
        });
        if method == "DELETE" && self.response.is_none() {
            docs.push(String::new());
            docs.push(
                " When an earlier attempt's outcome is unknown and a retry answers `404`, that \
                 attempt did it: the call succeeds."
                    .to_owned(),
            );
        }
        docs
    }

    /// The public method and the request it sends (which hand-written conveniences reuse).
    fn async_methods(&self) -> [syn::ImplItemFn; 2] {
        let Self {
            name,
            parameters,
            arguments,
            request,
            ..
        } = self;
        let docs = self.docs();
        let output = self.output();
        let request_fn = syn::Ident::new(&format!("{name}_request"), name.span());
        let send: Vec<syn::Stmt> = if self.response.is_some() {
            parse_quote!(self.#request_fn(#(#arguments),*).send().await)
        } else {
            parse_quote! {
                self.#request_fn(#(#arguments),*).send_success().await?;
                Ok(())
            }
        };
        let request_doc = format!(" The request [`crate::Client::{name}`] sends.");
        [
            parse_quote! {
                #(#[doc = #docs])*
                pub async fn #name(&self, #(#parameters),*) -> ::std::result::Result<#output, crate::Error> {
                    #(#send)*
                }
            },
            parse_quote! {
                #[doc = #request_doc]
                pub(crate) fn #request_fn(&self, #(#parameters),*) -> crate::RequestBuilder {
                    #request
                }
            },
        ]
    }

    fn blocking_method(&self) -> syn::ImplItemFn {
        let Self {
            name, parameters, ..
        } = self;
        let output = self.output();
        let arguments = &self.arguments;
        let doc = format!(" {} See [`crate::Client::{name}`].", self.operation.summary);
        parse_quote! {
            #[doc = #doc]
            pub fn #name(&self, #(#parameters),*) -> ::std::result::Result<#output, crate::Error> {
                self.block_on(async |client| client.#name(#(#arguments),*).await)
            }
        }
    }

    /// The query struct: every parameter optional unless the list says it is required, with a
    /// setter per optional one.
    fn query_struct(&self) -> Result<Vec<syn::Item>, Error> {
        let Some(query_type) = &self.query else {
            return Ok(Vec::new());
        };
        let name = &self.name;
        let parameters = &self.operation.query_parameters;
        let doc =
            format!(" The query parameters of [`crate::Client::{name}`]; `None` leaves one out.");
        let mut fields: Vec<syn::Field> = Vec::new();
        let mut setters: Vec<syn::ImplItemFn> = Vec::new();
        let mut pushes: Vec<syn::Stmt> = Vec::new();
        let mut required = Vec::new();
        for parameter in parameters {
            let field = ident(&parameter.name)?;
            if matches!(parameter.name.as_str(), "new" | "add_to") {
                return Err(Error::NotASchema(format!(
                    "query parameter {} would clash with the query struct's own method",
                    parameter.name
                )));
            }
            let kind = scalar(parameter)?;
            let description = &parameter.description;
            let field_doc = format!(" {description}");
            let key = &parameter.name;
            if parameter.required {
                fields.push(parse_quote! {
                    #[doc = #field_doc]
                    pub #field: #kind
                });
                pushes.push(parse_quote! {
                    request = request.query(#key, ::std::string::ToString::to_string(&self.#field));
                });
                required.push((field, kind));
            } else {
                fields.push(parse_quote! {
                    #[doc = #field_doc]
                    pub #field: ::std::option::Option<#kind>
                });
                let setter_doc = format!(" Sets `{key}`: {description}");
                setters.push(parse_quote! {
                    #[doc = #setter_doc]
                    pub fn #field(mut self, #field: #kind) -> Self {
                        self.#field = Some(#field);
                        self
                    }
                });
                pushes.push(parse_quote! {
                    if let Some(value) = &self.#field {
                        request = request.query(#key, ::std::string::ToString::to_string(value));
                    }
                });
            }
        }
        let derives: syn::Attribute = if required.is_empty() {
            parse_quote!(#[derive(Debug, Clone, Default, PartialEq)])
        } else {
            parse_quote!(#[derive(Debug, Clone, PartialEq)])
        };
        let new_fn = (!required.is_empty()).then(|| {
            let names: Vec<&syn::Ident> = required.iter().map(|(n, _)| n).collect();
            let kinds: Vec<&syn::Type> = required.iter().map(|(_, k)| k).collect();
            let optional: Vec<syn::Ident> = parameters
                .iter()
                .filter(|p| !p.required)
                .filter_map(|p| ident(&p.name).ok())
                .collect();
            let new_fn: syn::ImplItemFn = parse_quote! {
                /// The query with its required parameters.
                pub fn new(#(#names: #kinds),*) -> Self {
                    Self { #(#names,)* #(#optional: None,)* }
                }
            };
            new_fn
        });
        Ok(vec![
            parse_quote! {
                #[doc = #doc]
                #derives
                #[non_exhaustive]
                pub struct #query_type {
                    #(#fields,)*
                }
            },
            parse_quote! {
                impl #query_type {
                    #new_fn
                    #(#setters)*

                    /// `request` with these parameters added.
                    fn add_to(&self, request: crate::RequestBuilder) -> crate::RequestBuilder {
                        let mut request = request;
                        #(#pushes)*
                        request
                    }
                }
            },
        ])
    }
}

/// Names the client already has (hand-written methods, and what `Clone` and the blocking
/// client's constructors give): an operation id may not take them.
const HAND_WRITTEN: &str = "request base_url builder new from_env from_builder clone operation \
    notifications walk_notifications all_notifications profile_json block_on run";
/// The generated methods' own argument names (and the blocking closure's `client`).
const ARGUMENTS: &[&str] = &["organization", "query", "body", "client", "self"];

/// The Rust type of a query parameter's JSON type.
fn scalar(parameter: &Parameter) -> Result<syn::Type, Error> {
    Ok(match parameter.kind.as_str() {
        "integer" => parse_quote!(i64),
        "number" => parse_quote!(f64),
        "boolean" => parse_quote!(bool),
        "string" => parse_quote!(::std::string::String),
        other => {
            return Err(Error::NotASchema(format!(
                "query parameter {}: type {other:?} is not one the generator writes \
                 (integer, number, boolean, string)",
                parameter.name
            )));
        }
    })
}

/// The model type a schema reference names: `FILE` is the file's root (its `title`),
/// `FILE#/definitions/NAME` the definition `NAME`, in the module the file's types are in.
fn rust_type(
    reference: &str,
    input: &ClientInput<'_>,
    types: &syn::Path,
    id: &str,
) -> Result<syn::Type, Error> {
    let unknown = || Error::NotASchema(format!("operation {id}: unknown schema {reference:?}"));
    let (file, pointer) = match reference.split_once('#') {
        Some((file, pointer)) => (file, Some(pointer)),
        None => (reference, None),
    };
    let (_, module, schema) = input
        .schemas
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or_else(unknown)?;
    let name = match pointer {
        None => schema
            .get("title")
            .and_then(Value::as_str)
            .ok_or_else(unknown)?,
        Some(pointer) => {
            let name = pointer.strip_prefix("/definitions/").ok_or_else(unknown)?;
            schema.pointer(pointer).ok_or_else(unknown)?;
            name
        }
    };
    let module = ident(module)?;
    let name = ident(&pascal_case(name))?;
    Ok(parse_quote!(#types::#module::#name))
}

fn ident(name: &str) -> Result<syn::Ident, Error> {
    syn::parse_str(name)
        .map_err(|error| Error::NotASchema(format!("{name:?} is not a Rust name: {error}")))
}

/// `list_notifications` → `ListNotifications`; a name already in that case is kept.
fn pascal_case(name: &str) -> String {
    name.split(['_', '-', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn is_idempotent(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE"
    )
}
