//! The schema edit a finding calls for, when it follows from the page alone.
//!
//! doc-check decides here only what it knows best (which finding is mechanical, and where its
//! edit goes); `cargo xtask doc-check --fix` writes the edits and may still decline one whose
//! target holds more than the page speaks for.

use super::page::DocField;

/// One mechanical edit of a schema file or of the operation list.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Add a documented field to the object schema at `object` (with its documented children).
    AddField {
        /// The schema file, e.g. `profile.json`.
        file: String,
        /// JSON Pointer of the object schema that gets the field (`""` for the file's root).
        object: String,
        /// The field as the page documents it; its `path` ends with the new key.
        field: DocField,
        /// Its documented children (`x.a`, `x[].b`), page order, full paths.
        children: Vec<DocField>,
        /// Whether it is a response field: written optional with `x-doc-new` (fixtures from the
        /// service do not hold it yet), its documented children required within it; a payload
        /// field is required only when its `Required` column says so.
        in_response: bool,
    },
    /// Remove a field the page no longer documents, and its name from `required`.
    RemoveField {
        /// The schema file.
        file: String,
        /// JSON Pointer of the object schema holding it.
        object: String,
        /// The field's key.
        name: String,
    },
    /// Give a field the page's new type.
    Retype {
        /// The schema file.
        file: String,
        /// JSON Pointer of the property.
        pointer: String,
        /// The page's type.
        doc_type: String,
    },
    /// Add `null` to a field's type.
    AllowNull {
        /// The schema file.
        file: String,
        /// JSON Pointer of the property.
        pointer: String,
    },
    /// Drop a departure marker (`x-doc-type` and its `$comment`) the page no longer calls for:
    /// the schema already accepts what the page now says.
    DropMarker {
        /// The schema file.
        file: String,
        /// JSON Pointer of the property.
        pointer: String,
    },
    /// Add a query parameter to an operation of the list.
    AddQuery {
        /// The operation's id.
        operation: String,
        /// Its name.
        name: String,
        /// The page's type.
        doc_type: String,
        /// The page's Description cell.
        description: String,
        /// The page's Example cell.
        example: String,
    },
    /// Change a query parameter's type in the list.
    RetypeQuery {
        /// The operation's id.
        operation: String,
        /// The parameter's name.
        name: String,
        /// The page's type.
        doc_type: String,
    },
    /// Remove a query parameter from the list.
    RemoveQuery {
        /// The operation's id.
        operation: String,
        /// The parameter's name.
        name: String,
    },
}
