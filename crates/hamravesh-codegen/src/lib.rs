//! Turns the Hamravesh JSON Schema into formatted Rust model source.
//!
//! The pipeline is typify (schema → tokens) → syn (tokens → syntax tree) → prettyplease
//! (syntax tree → formatted text), with a header that marks the result as generated. The crate is
//! pure: it reads no files and writes none; `cargo xtask gen` decides where the output goes.
//!
//! Only the generator and `xtask` depend on this crate, so users of the SDK never compile typify
//! or prettyplease.
//!
//! ```
//! let schema = r#"{
//!     "$schema": "http://json-schema.org/draft-07/schema#",
//!     "title": "Greeting",
//!     "type": "object",
//!     "required": ["text"],
//!     "properties": {"text": {"type": "string", "description": "What to say."}}
//! }"#;
//! let source = hamravesh_codegen::generate(schema, &hamravesh_codegen::Settings::new("greeting.json"))?;
//! assert!(source.contains("pub struct Greeting"));
//! # Ok::<(), hamravesh_codegen::Error>(())
//! ```
#![deny(missing_docs)]

mod client;
mod document;
mod error;
mod format;
mod openapi;
mod operation_list;
mod operations;
mod refs;

pub use client::{ClientInput, client};
pub use error::Error;
pub use openapi::{OpenApiInput, openapi};

use serde_json::Value;
use typify::{TypeSpace, TypeSpaceSettings};

/// How to generate: what the header names, which optional derives to emit, which types to
/// replace with hand-written ones.
///
/// Every type follows the project's semver policy for generated models: it is
/// `#[non_exhaustive]` (a field the docs add is not a breaking change) and has a builder
/// (`Type::builder()`), so code outside the crate can still construct values.
#[derive(Debug, Clone)]
pub struct Settings {
    source: String,
    command: String,
    schemars_feature: Option<String>,
    replacements: Vec<(String, String)>,
}

impl Settings {
    /// Settings for a schema the header calls `source` (a path relative to the repository root).
    pub fn new(source: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            command: "cargo xtask gen".to_owned(),
            schemars_feature: None,
            replacements: Vec::new(),
        }
    }

    /// The command the header tells readers to run to regenerate (default `cargo xtask gen`).
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = command.into();
        self
    }

    /// Derive `schemars::JsonSchema` on every type when the named cargo feature is on.
    pub fn schemars_feature(mut self, feature: impl Into<String>) -> Self {
        self.schemars_feature = Some(feature.into());
        self
    }

    /// Use the hand-written Rust type at `rust_path` wherever the schema references the
    /// definition titled `definition` (typify then does not generate that type).
    pub fn replace_type(
        mut self,
        definition: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Self {
        self.replacements
            .push((definition.into(), rust_path.into()));
        self
    }

    fn type_space_settings(&self) -> TypeSpaceSettings {
        let mut settings = TypeSpaceSettings::default();
        // PartialEq lets users and tests compare decoded values; Eq is impossible with f64 money fields.
        settings
            .with_derive("PartialEq".to_owned())
            // A BTreeMap keeps map keys in a stable order, so re-encoding a profile is deterministic.
            .with_map_type("::std::collections::BTreeMap")
            .with_struct_builder(true)
            .with_attr("#[non_exhaustive]".to_owned());
        for (definition, rust_path) in &self.replacements {
            settings.with_replacement(definition, rust_path, std::iter::empty());
        }
        if let Some(feature) = &self.schemars_feature {
            settings.with_attr(format!(
                "#[cfg_attr(feature = {feature:?}, derive(::schemars::JsonSchema))]"
            ));
        }
        settings
    }
}

/// Generates formatted Rust source from schema text.
///
/// Errors name the line and column of invalid JSON, the location of an unresolvable `$ref`, or
/// the construct typify does not support.
pub fn generate(schema: &str, settings: &Settings) -> Result<String, Error> {
    let value: Value = serde_json::from_str(schema).map_err(|error| Error::InvalidJson {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    let file = generate_file(&value, settings)?;
    Ok(format::print(
        &file,
        &format::header(&[settings.source.as_str()], &settings.command),
    ))
}

/// One module of a generated file.
#[derive(Debug, Clone, Copy)]
pub struct Module<'a> {
    /// The module's name, such as `profile`.
    pub name: &'a str,
    /// What goes in it.
    pub kind: ModuleKind<'a>,
}

/// What a module of a generated file holds.
#[derive(Debug, Clone, Copy)]
pub enum ModuleKind<'a> {
    /// The types of one JSON Schema.
    Schema {
        /// The parsed schema.
        schema: &'a Value,
        /// How to generate it; its `source` is named in the file's header and the module's doc.
        settings: &'a Settings,
    },
    /// An operation list (`schema/operations.json`) as one `pub const` per operation and `ALL`.
    Operations {
        /// The parsed list.
        list: &'a Value,
        /// Its path, for the header and the module's doc.
        source: &'a str,
        /// The hand-written type each constant has, such as `crate::Operation`; its parameters
        /// are the `Parameter` type beside it.
        operation_type: &'a str,
    },
}

/// Generates one formatted file holding a `pub mod` per schema (and operation list), so that
/// types of different schemas never collide (each module has its own `builder` module and
/// `ConversionError`). An error names the module that failed.
pub fn generate_modules(modules: &[Module<'_>], command: &str) -> Result<String, Error> {
    let mut items = Vec::with_capacity(modules.len());
    let mut sources = Vec::with_capacity(modules.len());
    for module in modules {
        let in_module = |error| Error::InModule {
            module: module.name.to_owned(),
            source: Box::new(error),
        };
        let (source, module_items) = match module.kind {
            ModuleKind::Schema { schema, settings } => (
                settings.source.as_str(),
                generate_file(schema, settings).map_err(in_module)?.items,
            ),
            ModuleKind::Operations {
                list,
                source,
                operation_type,
            } => (
                source,
                operations::items(list, operation_type).map_err(in_module)?,
            ),
        };
        items.push(format::module(module.name, source, module_items)?);
        sources.push(source);
    }
    let file: syn::File = syn::parse_quote! { #(#items)* };
    Ok(format::print(&file, &format::header(&sources, command)))
}

/// typify's tokens for one schema, parsed and post-processed.
fn generate_file(schema: &Value, settings: &Settings) -> Result<syn::File, Error> {
    if !schema.is_object() {
        return Err(Error::NotASchema(
            "the root of a schema must be a JSON object".to_owned(),
        ));
    }
    refs::check_refs(schema)?;
    let root: schemars::schema::RootSchema =
        serde_json::from_value(schema.clone()).map_err(|e| Error::NotASchema(e.to_string()))?;

    let mut type_space = TypeSpace::new(&settings.type_space_settings());
    // typify still has internal panics on constructs it does not expect; turn one into an error.
    let added = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        type_space.add_root_schema(root).map(|_| ())
    }));
    match added {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(Error::Unsupported(error.to_string())),
        Err(panic) => return Err(Error::Unsupported(panic_message(panic.as_ref()))),
    }
    format::parse(type_space.to_stream())
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no detail".to_owned());
    format!("typify failed on this schema ({detail})")
}
