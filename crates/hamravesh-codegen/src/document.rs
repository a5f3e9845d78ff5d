//! Post-processing of typify's syntax tree: documents what typify leaves undocumented and keeps
//! its helper module out of the public API.
//!
//! typify documents the model types and fields from the schema's descriptions, but not the
//! builders it emits nor their conversion error; a crate with `#![deny(missing_docs)]` (as the
//! types crate is) would refuse them. typify also emits `pub mod error`, a module name that reads
//! like the crate's own error type: it becomes private, and its one type is re-exported as
//! `ConversionError`.

use syn::{Attribute, ImplItem, Item, ItemMod, Visibility, parse_quote};

/// Adds the missing docs and hides the `error` module.
pub(crate) fn document(file: &mut syn::File) {
    let mut has_error_module = false;
    for item in &mut file.items {
        match item {
            Item::Impl(block) => {
                for member in &mut block.items {
                    if let ImplItem::Fn(function) = member
                        && function.sig.ident == "builder"
                    {
                        add_doc(
                            &mut function.attrs,
                            "A builder for this type: set every field the schema requires, then \
                                 convert it with `try_into()`. It is how code outside this crate \
                                 constructs a value, since the type is `#[non_exhaustive]`.",
                        );
                    }
                }
            }
            Item::Mod(module) if module.ident == "builder" => document_builders(module),
            Item::Mod(module) if module.ident == "error" => {
                has_error_module = true;
                module.vis = Visibility::Inherited;
                add_doc(&mut module.attrs, "The error of the builders.");
                if let Some((_, items)) = &mut module.content {
                    for inner in items {
                        if let Item::Struct(error) = inner {
                            add_doc(
                                &mut error.attrs,
                                "Why a builder could not build its value: a required field was \
                                 not set, or a value did not convert to the field's type.",
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if has_error_module {
        file.items.push(parse_quote!(
            pub use self::error::ConversionError;
        ));
    }
}

fn document_builders(module: &mut ItemMod) {
    // typify's own line ("Types for composing complex structures") says little; replace it.
    module.attrs.retain(|attr| !attr.path().is_ident("doc"));
    add_doc(
        &mut module.attrs,
        "Builders of the model types, one per type, named like it: how tests and fixtures \
         construct a value field by field. `From<Type>` starts a builder from a decoded value.",
    );
    let Some((_, items)) = &mut module.content else {
        return;
    };
    for item in items {
        match item {
            Item::Struct(builder) => {
                let doc = format!(
                    "Builds a [`super::{}`] field by field; `try_into()` fails naming the first \
                     required field that was not set.",
                    builder.ident
                );
                add_doc(&mut builder.attrs, &doc);
            }
            Item::Impl(block) if block.trait_.is_none() => {
                for member in &mut block.items {
                    if let ImplItem::Fn(setter) = member {
                        let doc = format!("Sets `{}`.", setter.sig.ident);
                        add_doc(&mut setter.attrs, &doc);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Prepends `/// text` unless the item already has a doc comment.
fn add_doc(attrs: &mut Vec<Attribute>, text: &str) {
    if attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        return;
    }
    attrs.insert(0, parse_quote!(#[doc = #text]));
}
