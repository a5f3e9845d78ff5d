//! The mock answers like the service: key checks, error envelopes, 404 and 405, the faults, the
//! fixtures it refuses, and the connections it closes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::time::Duration;

use hamravesh_mock::{DEFAULT_PROFILE, Fault, MockServer};
use hamravesh_types::PROFILE_PATH;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough for any answer on a loaded machine; only reached when something hangs.
const PATIENCE: Duration = Duration::from_secs(20);

async fn send(
    server: &MockServer,
    method: &str,
    path: &str,
    key: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("{}{path}", server.url()));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Api-key {key}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, headers, body)
}

async fn get(
    server: &MockServer,
    path: &str,
    key: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    send(server, "GET", path, key).await
}

/// One answer read off a raw socket: status, head text and body.
struct RawAnswer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// Reads one response whose length is given by `Content-Length` (hyper's own answers carry
/// `content-length: 0`).
async fn read_answer(stream: &mut TcpStream) -> RawAnswer {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().unwrap())
                })
                .expect("a Content-Length");
            while buffer.len() < end + 4 + length {
                let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
                    .await
                    .unwrap()
                    .unwrap();
                assert_ne!(n, 0, "closed mid-body");
                buffer.extend_from_slice(&chunk[..n]);
            }
            let status = head[9..12].parse().unwrap();
            let body = buffer[end + 4..end + 4 + length].to_vec();
            return RawAnswer { status, head, body };
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert_ne!(n, 0, "closed before a full head: {buffer:?}");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Waits until the peer closes: a read returning 0 (or a reset). Panics after `within`.
async fn assert_closed_within(stream: &mut TcpStream, within: Duration) {
    let mut chunk = [0u8; 1024];
    let read = tokio::time::timeout(within, stream.read(&mut chunk))
        .await
        .expect("the mock should have closed the connection");
    match read {
        Ok(0) => {}
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("expected the connection to be closed, read {other:?}"),
    }
}

#[tokio::test]
async fn serves_the_profile_to_the_right_key() {
    let server = MockServer::start().await.unwrap();
    let (status, headers, body) = get(&server, PROFILE_PATH, Some(server.api_key())).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    assert_eq!(body["organizations"][0]["name"], "my-team");
    assert!(server.url().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn error_answers_carry_the_service_envelope() {
    let server = MockServer::start().await.unwrap();
    let key = server.api_key().to_owned();
    // (method, path, key, status, code)
    let cases = [
        ("GET", PROFILE_PATH, None, 401, "not_authenticated"),
        ("GET", PROFILE_PATH, Some("wrong"), 403, "permission_denied"),
        ("GET", "/api/v1/nope", Some(key.as_str()), 404, "not_found"),
        ("POST", PROFILE_PATH, Some(&key), 405, "method_not_allowed"),
    ];
    for (method, path, key, status, code) in cases {
        let (got, headers, body) = send(&server, method, path, key).await;
        let case = format!("{method} {path} key={key:?}");
        assert_eq!(
            (got, body["code"].as_str(), body["success"].as_bool()),
            (status, Some(code), Some(false)),
            "{case}"
        );
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{case}"
        );
        if status == 405 {
            assert_eq!(headers["allow"], "GET, HEAD");
        }
    }
    assert_eq!(server.request_count(), cases.len());
}

#[tokio::test]
async fn faults_apply_once_each_in_order() {
    let server = MockServer::start().await.unwrap();
    server.push_fault(Fault::status_retry_after(429, 7), 1);
    server.push_fault(Fault::status(503), 1);
    let key = Some(server.api_key());
    let (status, headers, _) = get(&server, PROFILE_PATH, key).await;
    assert_eq!(
        (status, headers["retry-after"].to_str().unwrap()),
        (429, "7")
    );
    assert_eq!(get(&server, PROFILE_PATH, key).await.0, 503);
    assert_eq!(get(&server, PROFILE_PATH, key).await.0, 200);
}

/// The default profile with `find` replaced by `replace` (which must occur once).
fn edited_profile(find: &str, replace: &str) -> String {
    assert_eq!(DEFAULT_PROFILE.matches(find).count(), 1, "{find}");
    DEFAULT_PROFILE.replace(find, replace)
}

#[tokio::test]
async fn profiles_that_would_not_decode_are_refused_at_start() {
    // (case, fixture, start of the message, fragments it must contain)
    let cases = [
        (
            "schema",
            r#"{"email": 5}"#.to_owned(),
            "the profile to serve does not match the schema",
            vec!["/email: 5 is not of type \"string\""],
        ),
        (
            "syntax",
            "{".to_owned(),
            "the profile to serve is not JSON",
            vec![],
        ),
        (
            // serde_json::Value keeps the last of two equal keys, the typed decoder refuses them.
            "duplicate key",
            edited_profile(
                r#""is_email_verified": true,
        "is_verified": true,
        "is_staff": false,"#,
                r#""is_email_verified": true,
        "is_verified": true,
        "is_staff": false,
        "email": "again@example.com","#,
            ),
            "the profile to serve",
            vec!["organizations[0].owner", "duplicate field `email`"],
        ),
        (
            // Above i64::MAX: JSON Schema's `integer`, but not the models' i64.
            "id beyond i64",
            edited_profile(r#""id": 1598,"#, r#""id": 12345678901234567890,"#),
            "the profile to serve",
            vec!["organizations", "0", "id"],
        ),
        (
            // An integer to JSON Schema, a float to serde: the schema cannot catch it.
            "integral float id",
            edited_profile(r#""id": 1598,"#, r#""id": 1598.0,"#),
            "the profile to serve does not decode into the typed models",
            vec!["organizations[0].id"],
        ),
    ];
    for (case, fixture, start, fragments) in cases {
        let error = MockServer::builder()
            .profile_json(fixture)
            .start()
            .await
            .expect_err(case);
        let message = error.to_string();
        assert!(message.starts_with(start), "{case}: {message}");
        for fragment in fragments {
            assert!(message.contains(fragment), "{case}: {message}");
        }
    }
}

#[tokio::test]
async fn a_profile_that_decodes_is_served_byte_for_byte() {
    let fixture = edited_profile(r#""name": "my-team""#, r#""name": "تیم من""#);
    let server = MockServer::builder()
        .profile_json(fixture.clone())
        .start()
        .await
        .unwrap();
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}{PROFILE_PATH}", server.url()))
        .header("Authorization", format!("Api-key {}", server.api_key()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.bytes().await.unwrap(), fixture.as_bytes());
}

#[tokio::test]
async fn bound_to_every_interface_the_url_is_loopback_and_works() {
    let server = MockServer::builder()
        .addr(([0, 0, 0, 0], 0).into())
        .start()
        .await
        .unwrap();
    assert!(server.addr().ip().is_unspecified());
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}", server.addr().port())
    );
    let (status, ..) = get(&server, PROFILE_PATH, Some(server.api_key())).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_closed_after_the_header_timeout_and_starve_nothing() {
    let timeout = Duration::from_millis(500);
    let server = MockServer::builder()
        .header_read_timeout(timeout)
        .start()
        .await
        .unwrap();
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(b"GET /api/v1/users/prof").await.unwrap();
        slow.push(stream);
    }
    // A real request is answered while the half-sent ones are still open.
    let (status, ..) = get(&server, PROFILE_PATH, Some(server.api_key())).await;
    assert_eq!(status, 200);
    assert_eq!(server.connection_count(), 201);
    for stream in &mut slow {
        assert_closed_within(stream, PATIENCE).await;
    }
    // Nothing was counted as a request: the heads never completed.
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!(
        "GET {PROFILE_PATH} HTTP/1.1\r\nHost: mock\r\nAuthorization: Api-key {}\r\n\r\n",
        server.api_key()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, DEFAULT_PROFILE.as_bytes());
    // Kept alive for the next request, which never comes.
    assert_closed_within(&mut stream, PATIENCE).await;
}

#[tokio::test]
async fn dropping_the_server_closes_its_kept_alive_connections() {
    let server = MockServer::builder()
        .header_read_timeout(Duration::from_secs(600))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"GET /nope HTTP/1.1\r\nHost: mock\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_answer(&mut stream).await.status, 404);
    drop(server);
    // Long before the header timeout: the connection is shut down with the server.
    assert_closed_within(&mut stream, PATIENCE).await;
}

#[tokio::test]
async fn oversized_heads_get_the_envelope_too() {
    let server = MockServer::start().await.unwrap();
    let filler = "a".repeat(20 * 1024);
    let many_headers: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    // (case, request, status, code)
    let cases = [
        (
            "long URI",
            format!("GET /{filler} HTTP/1.1\r\nHost: mock\r\n\r\n"),
            414,
            "uri_too_long",
        ),
        (
            "long header",
            format!("GET {PROFILE_PATH} HTTP/1.1\r\nHost: mock\r\nX-Filler: {filler}\r\n\r\n"),
            431,
            "request_header_fields_too_large",
        ),
        (
            "many headers",
            format!("GET {PROFILE_PATH} HTTP/1.1\r\nHost: mock\r\n{many_headers}\r\n"),
            431,
            "request_header_fields_too_large",
        ),
    ];
    for (case, request, status, code) in cases {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let answer = read_answer(&mut stream).await;
        assert_eq!(answer.status, status, "{case}: {}", answer.head);
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(
            (body["code"].as_str(), body["success"].as_bool()),
            (Some(code), Some(false)),
            "{case}"
        );
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(
            answer
                .head
                .to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{case}: {}",
            answer.head
        );
        // A client that sends such heads is not kept.
        assert_closed_within(&mut stream, PATIENCE).await;
    }
}

/// hyper answers a request it cannot parse, or a head beyond its own limits, by itself: a bare
/// status and a close, the answers the mock cannot dress in its envelope (see the README).
#[tokio::test]
async fn heads_hyper_refuses_get_a_bare_status_and_a_close() {
    let server = MockServer::start().await.unwrap();
    let huge = "a".repeat(300 * 1024);
    let cases = [
        ("not HTTP", "NOT\x01HTTP\r\n\r\n".to_owned(), 400),
        (
            "head over 256 KiB",
            format!("GET {PROFILE_PATH} HTTP/1.1\r\nHost: mock\r\nX-Filler: {huge}\r\n\r\n"),
            431,
        ),
    ];
    for (case, request, status) in cases {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        // hyper may close while the rest is still being written; its answer is already sent.
        let _ = stream.write_all(request.as_bytes()).await;
        let answer = read_answer(&mut stream).await;
        assert_eq!((answer.status, answer.body.len()), (status, 0), "{case}");
        assert_closed_within(&mut stream, PATIENCE).await;
    }
    assert_eq!(server.request_count(), 0);
}

/// A create body that trickles in, or would be huge, is not waited for: `408` or `413` with the
/// envelope, then the connection is closed.
#[tokio::test]
async fn slow_and_huge_bodies_are_cut_off() {
    use hamravesh_types::ORGANIZATION_HEADER;
    use hamravesh_types::operations::CREATE_NAMESPACE;
    let server = MockServer::builder()
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let head = |length: usize| {
        format!(
            "{} {} HTTP/1.1\r\nHost: mock\r\nAuthorization: Api-key {}\r\n{ORGANIZATION_HEADER}: my-team\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n",
            CREATE_NAMESPACE.method,
            CREATE_NAMESPACE.path,
            server.api_key()
        )
    };
    // (case, declared length, bytes sent, status, code)
    let cases = [
        ("slow", 100, 10, 408, "request_timeout"),
        ("huge", 10_000_000, 70_000, 413, "request_too_large"),
    ];
    for (case, length, sent, status, code) in cases {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(head(length).as_bytes()).await.unwrap();
        // The mock may answer and close before all of it is written.
        let _ = stream.write_all(&vec![b' '; sent]).await;
        let answer = read_answer(&mut stream).await;
        assert_eq!(answer.status, status, "{case}: {}", answer.head);
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(body["code"], code, "{case}");
        assert_closed_within(&mut stream, PATIENCE).await;
    }
    assert_eq!(server.namespace_count(), 0);
}

#[tokio::test]
async fn an_absolute_form_request_without_host_is_checked_like_a_host() {
    use hamravesh_types::ORGANIZATION_HEADER;
    let server = MockServer::start().await.unwrap();
    let page = |authority: &str| {
        format!(
            "GET http://{authority}/api/v1/notifications/all_list/?limit=1 HTTP/1.1\r\nAuthorization: Api-key {}\r\n{ORGANIZATION_HEADER}: my-team\r\nConnection: close\r\n\r\n",
            server.api_key()
        )
    };
    // Its authority serves as the host the links are built from...
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = page("api.example.test:8000");
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 200, "{}", answer.head);
    let body: Value = serde_json::from_slice(&answer.body).unwrap();
    let next = body["next"].as_str().unwrap();
    assert!(
        next.starts_with("http://api.example.test:8000/api/v1/notifications/all_list/?"),
        "{next}"
    );
    // ...so one with credentials, which no Host value can carry, is refused like a bad Host.
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = page("u:p@evil.example:1");
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 400, "{}", answer.head);
    let body: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["code"], "invalid_host", "{body}");
}
