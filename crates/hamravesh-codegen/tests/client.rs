//! The client methods the generator writes from an operation list, pinned by a snapshot: one
//! operation of each shape (no arguments; organization, required and optional query parameters;
//! path parameter and no body in the answer; a request body), and the lists it refuses.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_codegen::{ClientInput, client};
use serde_json::{Value, json};

fn operation(id: &str, method: &str, path: &str) -> Value {
    json!({
        "id": id, "summary": format!("Does {id}."), "page": "p.md", "method": method, "path": path,
        "required_headers": ["Authorization"], "path_parameters": [], "query_parameters": [],
        "request": null, "response": {"status": 200, "schema": "things.json"}, "paginated": false
    })
}

fn list() -> Value {
    let mut search = operation("search_things", "GET", "/things/");
    search["required_headers"] = json!(["Authorization", "x-organization"]);
    search["query_parameters"] = json!([
        {"name": "q", "type": "string", "required": true, "description": "What to look for."},
        {"name": "limit", "type": "integer", "required": false, "description": "How many."},
        {"name": "all", "type": "boolean", "required": false, "description": "Whether hidden ones too."}
    ]);
    let mut delete = operation("delete_thing", "DELETE", "/things/{thing_id}/");
    delete["path_parameters"] = json!([{"name": "thing_id", "type": "integer", "required": true, "description": "Its id."}]);
    delete["response"] = json!({"status": 204, "schema": null});
    let mut create = operation("create_thing", "POST", "/things/");
    create["request"] = json!({"schema": "things.json#/definitions/NewThing"});
    create["response"] = json!({"status": 201, "schema": "things.json"});
    json!({"base_url": "https://x.example", "operations": [
        operation("get_thing", "GET", "/thing"), search, delete, create
    ]})
}

fn schema() -> Value {
    json!({"title": "Thing", "type": "object", "definitions": {"NewThing": {"type": "object"}}})
}

fn generate(list: &Value) -> Result<String, hamravesh_codegen::Error> {
    let schema = schema();
    client(
        &ClientInput {
            list,
            source: "schema/operations.json",
            schemas: &[("things.json", "things", &schema)],
            types_crate: "types",
        },
        "cargo xtask gen",
    )
}

#[test]
fn one_method_per_operation_with_its_arguments_in_order() {
    insta::assert_snapshot!("client_methods", generate(&list()).unwrap());
}

#[test]
fn lists_the_generator_cannot_serve_are_errors_that_name_the_operation() {
    let mut string_path = list();
    string_path["operations"][2]["path_parameters"][0]["type"] = json!("string");
    let mut unknown_schema = list();
    unknown_schema["operations"][0]["response"]["schema"] = json!("other.json");
    let mut unknown_definition = list();
    unknown_definition["operations"][3]["request"]["schema"] =
        json!("things.json#/definitions/Missing");
    let mut bad_id = list();
    bad_id["operations"][0]["id"] = json!("get thing");
    let mut clash = list();
    clash["operations"][0]["id"] = json!("request");
    let mut unlisted = list();
    unlisted["operations"][0]["path"] = json!("/thing/{thing_id}/");
    let mut not_in_path = list();
    not_in_path["operations"][2]["path"] = json!("/things/");
    let mut argument = list();
    argument["operations"][2]["path"] = json!("/things/{query}/");
    argument["operations"][2]["path_parameters"][0]["name"] = json!("query");
    let mut array_query = list();
    array_query["operations"][1]["query_parameters"][1]["type"] = json!("array");
    for (list, expected) in [
        (
            string_path,
            "operation delete_thing: path parameter thing_id has type \"string\"",
        ),
        (
            unknown_schema,
            "operation get_thing: unknown schema \"other.json\"",
        ),
        (
            unknown_definition,
            "unknown schema \"things.json#/definitions/Missing\"",
        ),
        (bad_id, "\"get thing\" is not a Rust name"),
        (
            clash,
            "operation request: its method would clash with the client's own `request`",
        ),
        (
            unlisted,
            "operation get_thing: the path \"/thing/{thing_id}/\" names the parameters [\"thing_id\"], but path_parameters lists []",
        ),
        (
            not_in_path,
            "operation delete_thing: the path \"/things/\" names the parameters [], but path_parameters lists [\"thing_id\"]",
        ),
        (
            argument,
            "operation delete_thing: path parameter query would clash",
        ),
        (
            array_query,
            "query parameter limit: type \"array\" is not one the generator writes",
        ),
    ] {
        let error = generate(&list).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
    }
}
