//! `cargo xtask new-operation`: proof that an operation added to `schema/operations.json` needs
//! nothing else. In a scratch copy of the repository (under `target/`), it adds `get_namespace`
//! (`GET /api/v1/darkube/namespaces/{namespace_id}/`, answering a `Namespace`) to the list, runs
//! the generator there, and runs a test that calls the new method of the async and the blocking
//! client against the mock and against a server that reads what they send. Then it checks that the
//! copy's OpenAPI document has the operation with its parameters and answer, and that the copy's
//! `hamravesh api GET … --validate` passes the mock's answer and fails a wrong one. No other file of
//! the copy is edited; the test file is the probe.

use std::fs;
use std::path::Path;
use std::process::Command;

/// The operation the proof adds.
fn fifth_operation() -> serde_json::Value {
    serde_json::json!({
        "id": "get_namespace",
        "summary": "Get one namespace of the organization.",
        "page": "namespaces.md",
        "method": "GET",
        "path": "/api/v1/darkube/namespaces/{namespace_id}/",
        "required_headers": ["Authorization", "x-organization"],
        "path_parameters": [
            {"name": "namespace_id", "type": "integer", "required": true, "description": "The id of the namespace."}
        ],
        "query_parameters": [
            {"name": "expand", "type": "boolean", "required": false, "description": "Whether to expand the apps."}
        ],
        "request": null,
        "response": {"status": 200, "schema": "namespaces.json"},
        "paginated": false
    })
}

/// The probe: the generated methods exist with the documented arguments, and the mock serves
/// the operation with its checks (key, organization, path and query parameters).
const PROBE: &str = r#"//! Written by `cargo xtask new-operation` into a scratch copy; never committed.
#![allow(clippy::unwrap_used)]
use hamravesh::types::namespaces::Namespace;
use hamravesh::types::operations::GET_NAMESPACE;
use hamravesh::{Client, ErrorKind, GetNamespaceQuery, Method};

#[tokio::test(flavor = "multi_thread")]
async fn the_fifth_operation_is_generated_and_served() {
    let server = hamravesh_mock::MockServer::builder().api_key("k").start().await.unwrap();
    let client = Client::builder().api_key("k").base_url(server.url()).build().unwrap();
    let query = GetNamespaceQuery::default().expand(true);
    let namespace: Namespace = client.get_namespace("my-team", 7, &query).await.unwrap();
    assert!(namespace.id >= 1);
    assert_eq!(server.request_count_on(&GET_NAMESPACE), 1);
    // The mock's checks come from the list too.
    let error = client.get_namespace("not-mine", 7, &query).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403), "{error}");
    // A query value of the wrong type, and a path parameter that is not an integer.
    for (path, status) in [
        ("/api/v1/darkube/namespaces/7/?expand=maybe", 400),
        ("/api/v1/darkube/namespaces/seven/", 404),
    ] {
        let answer = client.request(Method::GET, path).organization("my-team").send_raw().await;
        assert_eq!(answer.unwrap().status().as_u16(), status, "{path}");
    }
    let error = Client::builder().api_key("wrong").base_url(server.url()).build().unwrap()
        .get_namespace("my-team", 7, &query).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    // The blocking client has it too.
    let url = server.url().to_owned();
    // On a thread of its own: the blocking client refuses to run inside a runtime.
    let blocking = std::thread::spawn(move || {
        let builder = Client::builder().api_key("k").base_url(url);
        let client = hamravesh::blocking::Client::from_builder(builder).unwrap();
        client.get_namespace("my-team", 7, &GetNamespaceQuery::default())
    });
    assert!(blocking.join().unwrap().is_ok());
    // Each of the six calls above reached the route.
    assert_eq!(server.request_count_on(&GET_NAMESPACE), 6);

    // What the generated methods send, as a server reads it: the method, the path with the id in
    // its place, the query, the organization header.
    for blocking in [false, true] {
        let (url, head) = one_request_server();
        let query = GetNamespaceQuery::default().expand(true);
        let answer = if blocking {
            std::thread::spawn(move || {
                let builder = Client::builder().api_key("k").base_url(url);
                let client = hamravesh::blocking::Client::from_builder(builder).unwrap();
                client.get_namespace("my-team", 7, &query).map(|n| n.id)
            })
            .join()
            .unwrap()
        } else {
            let client = Client::builder().api_key("k").base_url(url).build().unwrap();
            client.get_namespace("my-team", 7, &query).await.map(|n| n.id)
        };
        assert_eq!(answer.unwrap(), 7);
        let head = head.join().unwrap().to_ascii_lowercase();
        assert!(
            head.starts_with("get /api/v1/darkube/namespaces/7/?expand=true http/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nx-organization: my-team\r\n"), "{head}");
        assert!(head.contains("\r\nauthorization: api-key k\r\n"), "{head}");
    }
}

/// A server on 127.0.0.1 for one request: its URL, and the request head it read (it answers a
/// namespace with id 7).
fn one_request_server() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let head = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let body = "{\"id\":7,\"name\":\"x\",\"cluster\":{}}";
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).unwrap();
        String::from_utf8(head).unwrap()
    });
    (url, head)
}
"#;

/// Runs the proof; the scratch copy stays under `target/new-operation` for a look afterwards.
pub fn run(root: &Path) -> Result<(), String> {
    let scratch = root.join("target/new-operation");
    if scratch.exists() {
        fs::remove_dir_all(&scratch).map_err(|e| format!("cannot clear {scratch:?}: {e}"))?;
    }
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err("git ls-files failed".to_owned());
    }
    for file in listed.stdout.split(|&b| b == 0).filter(|f| !f.is_empty()) {
        let file = String::from_utf8_lossy(file).into_owned();
        let (from, to) = (root.join(&file), scratch.join(&file));
        if !from.is_file() {
            continue;
        }
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {parent:?}: {e}"))?;
        }
        fs::copy(&from, &to).map_err(|e| format!("cannot copy {file}: {e}"))?;
    }
    let list_path = scratch.join(crate::generate::OPERATIONS);
    let text = fs::read_to_string(&list_path).map_err(|e| format!("{list_path:?}: {e}"))?;
    let mut list: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{list_path:?}: {e}"))?;
    let operations = list
        .get_mut("operations")
        .and_then(serde_json::Value::as_array_mut)
        .ok_or("the operation list has no `operations` array")?;
    let added = fifth_operation();
    if operations.iter().any(|o| o.get("id") == added.get("id")) {
        return Err("the list already has get_namespace: give the proof another operation".into());
    }
    operations.push(added);
    let text = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n";
    fs::write(&list_path, text).map_err(|e| format!("{list_path:?}: {e}"))?;
    println!(
        "new-operation: added get_namespace to {}",
        list_path.display()
    );
    for line in crate::generate::write(&scratch)? {
        if line.starts_with("wrote") {
            println!("new-operation: {line}");
        }
    }
    let probe = scratch.join("crates/hamravesh/tests/new_operation.rs");
    fs::write(&probe, PROBE).map_err(|e| format!("{probe:?}: {e}"))?;
    let cargo = ScratchCargo::new(root, &scratch)?;
    let status = cargo
        .command()
        .args(["test", "--locked", "-p", "hamravesh", "--all-features"])
        .args(["--test", "new_operation"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the probe failed in {}", scratch.display()));
    }
    openapi_has_it(&scratch)?;
    api_validates_it(&cargo)?;
    println!(
        "new-operation: OK: the list alone gave the client methods, the mock route, the OpenAPI \
         operation and `api --validate`"
    );
    Ok(())
}

/// The copy's generated OpenAPI document has the operation under its path: its id, its path,
/// query and organization parameters, and its answer.
fn openapi_has_it(scratch: &Path) -> Result<(), String> {
    let path = scratch.join("openapi/hamravesh.openapi.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("{path:?}: {e}"))?;
    let document: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path:?}: {e}"))?;
    let operation = document
        .pointer("/paths/~1api~1v1~1darkube~1namespaces~1{namespace_id}~1/get")
        .ok_or("the OpenAPI document of the copy has no GET under the new operation's path")?;
    let parameters: Vec<(&str, &str)> = operation
        .get("parameters")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("in")?.as_str()?, p.get("name")?.as_str()?)))
        .collect();
    let answer = operation.pointer("/responses/200/content/application~1json/schema/$ref");
    let wanted = [
        ("header", "x-organization"),
        ("path", "namespace_id"),
        ("query", "expand"),
    ];
    if operation.get("operationId") != Some(&serde_json::json!("get_namespace"))
        || wanted.iter().any(|w| !parameters.contains(w))
        || answer != Some(&serde_json::json!("#/components/schemas/Namespace"))
    {
        return Err(format!(
            "the OpenAPI document of the copy does not describe get_namespace as listed:\n{operation:#}"
        ));
    }
    Ok(())
}

/// `hamravesh api GET /api/v1/darkube/namespaces/7/ --validate`, built from the copy: against its
/// embedded mock the answer matches the new operation's response schema; against a server that
/// answers a `Namespace` whose `id` is a string, it fails naming that field. So the CLI finds the
/// operation by method and path, and checks the answer against its schema.
fn api_validates_it(cargo: &ScratchCargo) -> Result<(), String> {
    let api = |target: &[&str]| -> Result<std::process::Output, String> {
        cargo
            .command()
            .args(["run", "-q", "--locked", "-p", "hamravesh-cli", "--"])
            .args(["api", "GET", "/api/v1/darkube/namespaces/7/?expand=true"])
            .args(["--org", "my-team", "--validate"])
            .args(target)
            .env("HAMRAVESH_API_KEY", "k")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))
    };
    let answer = api(&["--mock"])?;
    expect(
        &answer,
        true,
        "valid: the answer matches schema/namespaces.json (get_namespace)",
    )?;
    let url = one_answer_server(r#"{"id":"seven","name":"x","cluster":{}}"#)?;
    let answer = api(&["--base-url", &url])?;
    expect(
        &answer,
        false,
        r#"invalid: /id: "seven" is not of type "integer""#,
    )
}

/// Whether the command succeeded or failed as `success` says, with `wanted` on its stderr.
fn expect(output: &std::process::Output, success: bool, wanted: &str) -> Result<(), String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() != success || !stderr.contains(wanted) {
        return Err(format!(
            "the copy's `hamravesh api GET /api/v1/darkube/namespaces/7/ --validate` did not say \
             {wanted:?} ({}):\n{stderr}",
            output.status
        ));
    }
    Ok(())
}

/// A server on 127.0.0.1 that answers one request with `body` (JSON, 200): its URL. Its thread is
/// not waited for: if no request comes (the command failed before sending), it ends with xtask.
fn one_answer_server(body: &'static str) -> Result<String, String> {
    use std::io::{BufRead, BufReader, Write};
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        // Read the request head (a GET has no body), then answer and close.
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
            line.clear();
        }
        let _ = (&stream).write_all(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
    });
    Ok(format!("http://{address}"))
}

/// Cargo, in the copy. Its intermediate files go to the repository's build directory, so that no
/// dependency is built again; its final ones (the `hamravesh` binary) to `target/new-operation-out`,
/// so the repository's `target/debug/hamravesh` is never touched. Cargo names a workspace crate's
/// build after its path relative to the workspace root, so the copy's crates would take the
/// repository's names, and the repository's next build would find the copy's code fresh and use it:
/// each of the copy's own crates gets one codegen unit less than the default (which changes no
/// behaviour) so that it is built under names of its own.
struct ScratchCargo {
    cargo: std::ffi::OsString,
    /// The `--config` arguments, one pair per workspace member and profile (read once).
    config: Vec<String>,
    root: std::path::PathBuf,
    scratch: std::path::PathBuf,
}

impl ScratchCargo {
    /// Reads the copy's workspace members once.
    fn new(root: &Path, scratch: &Path) -> Result<Self, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let metadata = Command::new(&cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .current_dir(scratch)
            .output()
            .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
        let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout)
            .map_err(|e| format!("cargo metadata in {}: {e}", scratch.display()))?;
        let members = metadata
            .get("packages")
            .and_then(serde_json::Value::as_array)
            .ok_or("cargo metadata listed no packages")?;
        let mut config = Vec::new();
        for name in members.iter().filter_map(|p| p.get("name")?.as_str()) {
            for profile in ["dev", "test"] {
                config.push("--config".to_owned());
                config.push(format!(
                    "profile.{profile}.package.{name}.codegen-units={SCRATCH_CODEGEN_UNITS}"
                ));
            }
        }
        Ok(Self {
            cargo,
            config,
            root: root.to_owned(),
            scratch: scratch.to_owned(),
        })
    }

    /// A cargo command in the copy, its subcommand still to add.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        command
            .args(&self.config)
            .env("CARGO_BUILD_BUILD_DIR", self.root.join("target"))
            .env(
                "CARGO_TARGET_DIR",
                self.root.join("target/new-operation-out"),
            )
            .current_dir(&self.scratch);
        command
    }
}

/// The dev profile's default is 256; any other value gives the copy's crates names of their own.
const SCRATCH_CODEGEN_UNITS: u32 = 255;
