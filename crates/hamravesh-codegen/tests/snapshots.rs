//! The generator's output, pinned by insta snapshots and proven to compile.
//!
//! Each small schema under `tests/schemas/` pins one construct the API's schemas use, so a change
//! in how typify handles it shows up on its own. The generated models themselves are guarded by
//! one freshness check (`cargo xtask gen --check` and its test in xtask), not a second snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::fs;
use std::path::{Path, PathBuf};

use hamravesh_codegen::{Module, ModuleKind, Settings, generate, generate_modules};

fn generate_file(path: &Path, source_name: &str) -> String {
    generate_with(path, &Settings::new(source_name))
}

fn generate_with(path: &Path, settings: &Settings) -> String {
    let schema = fs::read_to_string(path).unwrap();
    generate(&schema, settings).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Two schemas that both define `Item` (and each gets a `builder` module and a
/// `ConversionError`), generated into one file.
fn two_modules() -> String {
    let item = |description: &str| {
        serde_json::json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Item",
            "description": description,
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"description": "Its id.", "type": "integer"}}
        })
    };
    let (first, second) = (
        item("An item of the first API."),
        item("An item of the second."),
    );
    let (a, b) = (
        Settings::new("schema/a.json"),
        Settings::new("schema/b.json"),
    );
    generate_modules(
        &[
            Module {
                name: "first",
                kind: ModuleKind::Schema {
                    schema: &first,
                    settings: &a,
                },
            },
            Module {
                name: "second",
                kind: ModuleKind::Schema {
                    schema: &second,
                    settings: &b,
                },
            },
        ],
        "cargo xtask gen",
    )
    .unwrap()
}

#[test]
fn one_module_per_schema() {
    insta::assert_snapshot!("two_modules", two_modules());
}

#[test]
fn a_module_name_that_is_not_an_identifier_is_an_error() {
    let schema = serde_json::json!({"title": "X", "type": "object"});
    let settings = Settings::new("x.json");
    let error = generate_modules(
        &[Module {
            name: "not a name",
            kind: ModuleKind::Schema {
                schema: &schema,
                settings: &settings,
            },
        }],
        "cargo xtask gen",
    )
    .unwrap_err();
    assert!(error.to_string().contains("not a name"), "{error}");
}

#[test]
fn construct_schemas() {
    insta::glob!("schemas/*.json", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(generate_file(path, &name));
    });
}

/// Every small schema's output compiles, and its types decode a sample and encode it back.
#[test]
fn construct_schemas_compile_and_decode() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("codegen-compile");
    fs::create_dir_all(&dir).unwrap();
    let cases = trybuild::TestCases::new();
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    let mut count = 0;
    for entry in fs::read_dir(&schemas).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let root_type =
            serde_json::from_str::<serde_json::Value>(&fs::read_to_string(&path).unwrap()).unwrap()
                ["title"]
                .as_str()
                .unwrap()
                .to_owned();
        let sample = fs::read_to_string(samples.join(format!("{stem}.json")))
            .unwrap_or_else(|_| panic!("tests/samples/{stem}.json is missing"));
        let program = format!(
            "#![allow(dead_code)]\n{source}\n\
             fn main() {{\n\
                 let sample = {sample:?};\n\
                 let value: {root_type} = ::serde_json::from_str(sample).expect(\"sample decodes\");\n\
                 let encoded = ::serde_json::to_string(&value).expect(\"encodes\");\n\
                 let again: {root_type} = ::serde_json::from_str(&encoded).expect(\"re-decodes\");\n\
                 assert_eq!(value, again);\n\
             }}\n",
            source = generate_file(&path, &format!("{stem}.json")),
        );
        let file = dir.join(format!("{stem}.rs"));
        fs::write(&file, program).unwrap();
        cases.pass(&file);
        count += 1;
    }
    assert!(count >= 10, "construct schemas went missing");
    // Same-named types of two schemas live side by side.
    let program = format!(
        "#![allow(dead_code)]\n{}\n\
         fn main() {{\n\
             let a: first::Item = ::serde_json::from_str(r#\"{{\"id\": 1}}\"#).unwrap();\n\
             let b: second::Item = second::Item::builder().id(2).try_into().unwrap();\n\
             assert_eq!((a.id, b.id), (1, 2));\n\
         }}\n",
        two_modules()
    );
    let file = dir.join("two_modules.rs");
    fs::write(&file, program).unwrap();
    cases.pass(&file);
}
