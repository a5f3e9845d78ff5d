//! Bad schemas get an error value with a message a person can act on, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_codegen::{Error, Settings, generate};

fn try_generate(schema: &str) -> Result<String, Error> {
    generate(schema, &Settings::new("test.json"))
}

#[test]
fn invalid_json_names_line_and_column() {
    let error = try_generate("{\n  \"title\": \"X\",\n  \"type\": \n}").unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidJson {
                line: 4,
                column: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("schema is not valid JSON at line 4, column 1"),
        "{error}"
    );
}

#[test]
fn unresolvable_ref_names_where_it_is() {
    let schema = r##"{"title": "X", "type": "object",
        "properties": {"owner": {"$ref": "#/definitions/Owner"}},
        "definitions": {"Other": {"type": "string"}}}"##;
    let error = try_generate(schema).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unresolvable $ref \"#/definitions/Owner\" at /properties/owner: no such definition"
    );
}

#[test]
fn remote_ref_is_refused() {
    let error =
        try_generate(r#"{"title": "X", "$ref": "https://example.com/x.json"}"#).unwrap_err();
    assert!(matches!(error, Error::UnsupportedRef { .. }), "{error:?}");
}

#[test]
fn json_that_is_not_a_schema_is_rejected() {
    let error = try_generate(r#"{"title": "X", "type": "no-such-type"}"#).unwrap_err();
    assert!(matches!(error, Error::NotASchema(_)), "{error:?}");
    let error = try_generate("[1, 2]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "not a JSON Schema: the root of a schema must be a JSON object"
    );
}

#[test]
fn construct_typify_rejects_is_an_error() {
    // An integer type whose enum holds a string: typify refuses it.
    let error = try_generate(r#"{"title": "X", "type": "integer", "enum": ["a"]}"#).unwrap_err();
    assert!(matches!(error, Error::Unsupported(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("unsupported schema construct: "),
        "{error}"
    );
}

#[test]
fn construct_typify_panics_on_is_an_error_not_a_crash() {
    // typify 0.8 hits `todo!()` on `not`; the generator turns that into an error value.
    let error =
        try_generate(r#"{"title": "X", "type": "object", "not": {"type": "string"}}"#).unwrap_err();
    assert!(matches!(error, Error::Unsupported(_)), "{error:?}");
    assert!(
        error.to_string().contains("typify failed on this schema"),
        "{error}"
    );
}

#[test]
fn generation_is_deterministic() {
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/profile.json"
    ))
    .unwrap();
    assert_eq!(
        try_generate(&schema).unwrap(),
        try_generate(&schema).unwrap()
    );
}

#[test]
fn a_malformed_operation_list_names_its_module_and_the_fault() {
    use hamravesh_codegen::{Module, ModuleKind, generate_modules};
    let operation = |method: &str, path: &str| {
        serde_json::json!({"base_url": "https://api.example.com", "operations": [{
            "id": "get_thing", "summary": "Get it.", "page": "thing.md",
            "method": method, "path": path, "required_headers": ["Authorization"],
            "path_parameters": [], "query_parameters": [], "request": null,
            "response": {"status": 200, "schema": null}, "paginated": false
        }]})
    };
    for (list, fault) in [
        (
            operation("FETCH", "/api/v1/thing"),
            "unknown method \"FETCH\"",
        ),
        (operation("GET", "api/v1/thing"), "must start with /"),
        (
            serde_json::json!({"operations": [{"id": "x"}]}),
            "not an operation list",
        ),
    ] {
        let error = generate_modules(
            &[Module {
                name: "operations",
                kind: ModuleKind::Operations {
                    list: &list,
                    source: "schema/operations.json",
                    operation_type: "crate::Operation",
                },
            }],
            "cargo xtask gen",
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("module operations: "), "{message}");
        assert!(message.contains(fault), "{message}");
    }
}

#[test]
fn an_openapi_input_that_does_not_fit_is_an_error_naming_it() {
    use hamravesh_codegen::{OpenApiInput, openapi};
    let thing = |description: &str| {
        serde_json::json!({
            "title": "Thing", "type": "object",
            "definitions": {"Shared": {"type": "string", "description": description}}
        })
    };
    let list = |schema: &str| {
        serde_json::json!({"base_url": "https://api.example.com", "operations": [{
            "id": "get_thing", "summary": "Get it.", "page": "thing.md", "method": "GET",
            "path": "/api/v1/thing", "required_headers": ["Authorization"],
            "path_parameters": [], "query_parameters": [], "request": null,
            "response": {"status": 200, "schema": schema}, "paginated": false
        }]})
    };
    let (a, b) = (thing("one"), thing("another"));
    for (schemas, operations, fault) in [
        (
            vec![("a.json", &a)],
            list("missing.json"),
            "no schema file missing.json",
        ),
        (
            vec![("a.json", &a)],
            list("a.json#/definitions/Nope"),
            "no such definition",
        ),
        (
            vec![("a.json", &a), ("b.json", &b)],
            list("a.json"),
            "defined differently",
        ),
    ] {
        let error = openapi(&OpenApiInput {
            schemas: &schemas,
            operations: &operations,
            version: "0.1.0",
        })
        .unwrap_err();
        assert!(error.to_string().contains(fault), "{error}");
    }
}
