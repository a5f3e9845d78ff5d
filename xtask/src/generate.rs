//! `cargo xtask gen`: the committed outputs of the generator and the check that they are fresh.

use std::fs;
use std::path::Path;

/// The schemas the models are generated from, relative to the repository root, each with the
/// module of `hamravesh_types` its types go into.
pub const SCHEMAS: &[(&str, &str)] = &[
    ("profile", "schema/profile.json"),
    ("notifications", "schema/notifications.json"),
    ("namespaces", "schema/namespaces.json"),
];
/// The operation list, copied into the types crate beside the schemas.
pub const OPERATIONS: &str = "schema/operations.json";
/// The generated model source, never edited by hand.
pub const GENERATED_MODELS: &str = "crates/hamravesh-types/src/generated.rs";
/// The client's generated methods, one per operation, never edited by hand.
pub const GENERATED_CLIENT: &str = "crates/hamravesh/src/generated.rs";
/// Where the types crate embeds its copies of the schemas and the operation list (a published
/// crate cannot reach outside its folder).
pub const EMBEDDED_DIR: &str = "crates/hamravesh-types/schema";
/// The OpenAPI document, where a user looks for it.
pub const OPENAPI: &str = "openapi/hamravesh.openapi.json";
/// The command the generated file's header names.
const COMMAND: &str = "cargo xtask gen";

/// How each schema is generated.
///
/// `Timestamp` is replaced by the types crate's hand-written strict RFC 3339 type: chrono's own
/// `DateTime` deserializer also accepts strings that are not RFC 3339 (such as `+0330` offsets),
/// which would make decoding accept what validation rejects.
fn settings(source: &str) -> hamravesh_codegen::Settings {
    hamravesh_codegen::Settings::new(source)
        .command(COMMAND)
        .schemars_feature("schemars")
        .replace_type("Timestamp", "crate::Timestamp")
}

fn read(root: &Path, path: &str) -> Result<String, String> {
    fs::read_to_string(root.join(path)).map_err(|error| format!("cannot read {path}: {error}"))
}

/// Every file `gen` owns, with the content it should have now.
pub fn expected_outputs(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut outputs = Vec::new();
    let mut parsed = Vec::new();
    for (module, path) in SCHEMAS {
        let text = read(root, path)?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| format!("{path}: {error}"))?;
        parsed.push((*module, value, settings(path)));
        outputs.push((embedded_copy(path), text));
    }
    let operations_text = read(root, OPERATIONS)?;
    let operations: serde_json::Value =
        serde_json::from_str(&operations_text).map_err(|error| format!("{OPERATIONS}: {error}"))?;
    let mut modules: Vec<hamravesh_codegen::Module<'_>> = parsed
        .iter()
        .map(|(name, schema, settings)| hamravesh_codegen::Module {
            name,
            kind: hamravesh_codegen::ModuleKind::Schema { schema, settings },
        })
        .collect();
    modules.push(hamravesh_codegen::Module {
        name: "operations",
        kind: hamravesh_codegen::ModuleKind::Operations {
            list: &operations,
            source: OPERATIONS,
            operation_type: "crate::Operation",
        },
    });
    let models = hamravesh_codegen::generate_modules(&modules, COMMAND)
        .map_err(|error| format!("{GENERATED_MODELS}: {error}"))?;
    outputs.insert(0, (GENERATED_MODELS.to_owned(), models));
    let client_schemas: Vec<(&str, &str, &serde_json::Value)> = parsed
        .iter()
        .zip(SCHEMAS)
        .map(|((module, schema, _), (_, path))| (file_name(path), *module, schema))
        .collect();
    let client = hamravesh_codegen::client(
        &hamravesh_codegen::ClientInput {
            list: &operations,
            source: OPERATIONS,
            schemas: &client_schemas,
            types_crate: "hamravesh_types",
        },
        COMMAND,
    )
    .map_err(|error| format!("{GENERATED_CLIENT}: {error}"))?;
    outputs.insert(1, (GENERATED_CLIENT.to_owned(), client));
    let files: Vec<(&str, &serde_json::Value)> = client_schemas
        .iter()
        .map(|(file, _, schema)| (*file, *schema))
        .collect();
    let document = hamravesh_codegen::openapi(&hamravesh_codegen::OpenApiInput {
        schemas: &files,
        operations: &operations,
        version: env!("CARGO_PKG_VERSION"),
    })
    .map_err(|error| format!("{OPENAPI}: {error}"))?;
    let document = serde_json::to_string_pretty(&document)
        .map_err(|error| format!("{OPENAPI}: {error}"))?
        + "\n";
    outputs.push((embedded_copy(OPERATIONS), operations_text));
    outputs.push((embedded_copy(OPENAPI), document.clone()));
    outputs.push((OPENAPI.to_owned(), document));
    Ok(outputs)
}

/// The types crate's copy of a file: `schema/NAME.json` → `EMBEDDED_DIR/NAME.json`; the OpenAPI
/// document becomes `EMBEDDED_DIR/openapi.json`.
fn embedded_copy(path: &str) -> String {
    if path == OPENAPI {
        return format!("{EMBEDDED_DIR}/openapi.json");
    }
    format!("{EMBEDDED_DIR}/{}", file_name(path))
}

/// `schema/NAME.json` → `NAME.json`.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Writes every output that changed; returns one line per file saying what happened.
pub fn write(root: &Path) -> Result<Vec<String>, String> {
    let mut report = Vec::new();
    for (path, content) in expected_outputs(root)? {
        let target = root.join(&path);
        if fs::read_to_string(&target).ok().as_deref() == Some(content.as_str()) {
            report.push(format!("unchanged {path}"));
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
        }
        fs::write(&target, content).map_err(|error| format!("cannot write {path}: {error}"))?;
        report.push(format!("wrote {path}"));
    }
    Ok(report)
}

/// Compares every output with what is committed; returns a message with a short diff per stale file.
pub fn check(root: &Path) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for (path, expected) in expected_outputs(root)? {
        let actual = fs::read_to_string(root.join(&path)).unwrap_or_default();
        if actual != expected {
            stale.push(format!(
                "{path} is out of date relative to schema/:\n{}",
                short_diff(&path, &actual, &expected)
            ));
        }
    }
    Ok(stale)
}

/// A unified diff (committed → expected), cut to a readable length.
fn short_diff(path: &str, actual: &str, expected: &str) -> String {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(actual, expected)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{path} (committed)"),
            &format!("{path} (generated now)"),
        )
        .to_string();
    let total = diff.lines().count();
    let mut shown: String = diff.lines().take(MAX_LINES).collect::<Vec<_>>().join("\n");
    if total > MAX_LINES {
        shown.push_str(&format!("\n... {} more diff lines", total - MAX_LINES));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` alone catches a forgotten `cargo xtask gen`.
    #[test]
    fn committed_generated_files_are_fresh() {
        let root = crate::workspace_root().unwrap();
        let stale = check(&root).unwrap();
        assert!(
            stale.is_empty(),
            "generated files are stale; run `cargo xtask gen`:\n{}",
            stale.join("\n")
        );
    }

    #[test]
    fn diff_names_the_changed_line() {
        let diff = short_diff("f.rs", "a\nb\nc\n", "a\nB\nc\n");
        assert!(diff.contains("-b\n+B"), "{diff}");
        assert!(diff.contains("f.rs (generated now)"), "{diff}");
    }
}
