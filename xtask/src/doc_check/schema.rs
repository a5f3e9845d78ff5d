//! The schema's side: every field path with its accepted types and any recorded departure.

use serde_json::Value;

/// The marker of a response field the page newly documents (see [`SchemaField::newly_documented`]).
pub const NEWLY_DOCUMENTED: &str = "x-doc-new";

/// One property of the schema, with `$ref`s followed.
#[derive(Debug, Clone)]
pub struct SchemaField {
    /// The same path syntax as the page's: `organizations[].owner.email`.
    pub path: String,
    /// JSON Pointer of the property in the schema, for the maintainer to find it.
    pub pointer: String,
    /// JSON types accepted (`string`, `null`, …); empty means any value.
    pub types: Vec<String>,
    /// The `format` keyword, if any.
    pub format: Option<String>,
    /// The recorded departure: what the page said when the schema was written.
    pub doc_type_marker: Option<String>,
    /// Whether the containing object lists it in `required`. Optional fields are those the page
    /// does not promise (seen elsewhere, with a `$comment` saying where), and those it newly
    /// documents (`newly_documented`).
    pub required: bool,
    /// Whether it carries `"x-doc-new": true`: a response field the page added, written by
    /// `doc-check --fix` as optional until a maintainer has seen the service send it.
    pub newly_documented: bool,
    /// Where the properties of this field's object (or of its array's item objects) live, e.g.
    /// `/definitions/Organization/properties`.
    pub children_pointer: Option<String>,
}

impl SchemaField {
    /// Whether any JSON value is accepted.
    pub fn is_any(&self) -> bool {
        self.types.is_empty()
    }

    /// Whether `null` is accepted.
    pub fn allows_null(&self) -> bool {
        self.is_any() || self.has("null")
    }

    /// Whether the type list holds `name`.
    pub fn has(&self, name: &str) -> bool {
        self.types.iter().any(|t| t == name)
    }

    /// The schema's type, said briefly for a report.
    pub fn describe(&self) -> String {
        if self.is_any() {
            return "any value".to_owned();
        }
        let mut text = self.types.join(" or ");
        if let Some(format) = &self.format {
            text.push_str(&format!(" ({format})"));
        }
        text
    }
}

/// Every property path of the object at `pointer` in `root` (`""` for the root itself, or e.g.
/// `/definitions/CreateNamespace`): its own properties, and inside objects and arrays of objects.
pub fn schema_fields(root: &Value, pointer: &str) -> Result<Vec<SchemaField>, String> {
    let object = root
        .pointer(pointer)
        .ok_or_else(|| format!("#{pointer} points nowhere"))?;
    let (object, pointer) = resolve(root, object, pointer)?;
    let mut fields = Vec::new();
    collect(root, object, "", &pointer, &mut fields, 0)?;
    Ok(fields)
}

fn collect(
    root: &Value,
    object: &Value,
    path: &str,
    pointer: &str,
    fields: &mut Vec<SchemaField>,
    depth: usize,
) -> Result<(), String> {
    if depth > 16 {
        return Err(format!(
            "the schema nests deeper than 16 levels at {pointer} (a $ref cycle?)"
        ));
    }
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties {
        let property_pointer = format!("{pointer}/properties/{name}");
        let field_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let (resolved, resolved_pointer) = resolve(root, property, &property_pointer)?;
        let items = match resolved.get("items") {
            Some(items) => Some(resolve(root, items, &format!("{resolved_pointer}/items"))?),
            None => None,
        };
        let children_pointer = if resolved.get("properties").is_some() {
            Some(format!("{resolved_pointer}/properties"))
        } else {
            items
                .as_ref()
                .filter(|(i, _)| i.get("properties").is_some())
                .map(|(_, p)| format!("{p}/properties"))
        };
        fields.push(SchemaField {
            path: field_path.clone(),
            pointer: property_pointer.clone(),
            types: types(resolved),
            format: resolved
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_owned),
            doc_type_marker: property
                .get("x-doc-type")
                .and_then(Value::as_str)
                .map(str::to_owned),
            required: required.contains(&name.as_str()),
            newly_documented: property.get(NEWLY_DOCUMENTED) == Some(&Value::Bool(true)),
            children_pointer,
        });
        collect(
            root,
            resolved,
            &field_path,
            &resolved_pointer,
            fields,
            depth + 1,
        )?;
        if let Some((items, items_pointer)) = items {
            collect(
                root,
                items,
                &format!("{field_path}[]"),
                &items_pointer,
                fields,
                depth + 1,
            )?;
        }
    }
    Ok(())
}

/// Follows a local `$ref` (`#/definitions/NAME`); returns the target and its pointer.
fn resolve<'a>(
    root: &'a Value,
    schema: &'a Value,
    pointer: &str,
) -> Result<(&'a Value, String), String> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target_pointer = reference.strip_prefix('#').ok_or_else(|| {
                format!("{pointer}: only local $refs are supported, found {reference:?}")
            })?;
            let target = root
                .pointer(target_pointer)
                .ok_or_else(|| format!("{pointer}: $ref {reference:?} points nowhere"))?;
            Ok((target, target_pointer.to_owned()))
        }
        None => Ok((schema, pointer.to_owned())),
    }
}

fn types(schema: &Value) -> Vec<String> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}
