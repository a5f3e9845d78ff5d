//! The mock answers like the service: key checks, error envelopes, 404 and 405, and the faults.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_mock::{Fault, MockServer};
use serde_json::Value;

async fn get(
    server: &MockServer,
    path: &str,
    key: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut request = client.get(format!("{}{path}", server.url()));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Api-key {key}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn serves_the_profile_to_the_right_key() {
    let server = MockServer::start().await.unwrap();
    let (status, headers, body) =
        get(&server, "/api/v1/users/profile", Some(server.api_key())).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    assert_eq!(body["organizations"][0]["name"], "my-team");
    assert!(server.url().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn missing_key_is_401_and_wrong_key_is_403_with_envelopes() {
    let server = MockServer::start().await.unwrap();
    let (status, _, body) = get(&server, "/api/v1/users/profile", None).await;
    assert_eq!(
        (status, body["code"].as_str(), body["success"].as_bool()),
        (401, Some("not_authenticated"), Some(false))
    );
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let (status, _, body) = get(&server, "/api/v1/users/profile", Some("wrong")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("permission_denied"))
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn unknown_path_is_404_and_wrong_method_is_405() {
    let server = MockServer::start().await.unwrap();
    let (status, _, body) = get(&server, "/api/v1/nope", Some(server.api_key())).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/api/v1/users/profile", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn faults_apply_once_each_in_order() {
    let server = MockServer::start().await.unwrap();
    server.push_fault(Fault::status_retry_after(429, 7), 1);
    server.push_fault(Fault::status(503), 1);
    let key = Some(server.api_key());
    let (status, headers, _) = get(&server, "/api/v1/users/profile", key).await;
    assert_eq!(
        (status, headers["retry-after"].to_str().unwrap()),
        (429, "7")
    );
    assert_eq!(get(&server, "/api/v1/users/profile", key).await.0, 503);
    assert_eq!(get(&server, "/api/v1/users/profile", key).await.0, 200);
}

#[tokio::test]
async fn a_profile_that_breaks_the_schema_is_refused_at_start() {
    let error = MockServer::builder()
        .profile_json(r#"{"email": 5}"#)
        .start()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("the profile to serve does not match the schema"),
        "{message}"
    );
    assert!(
        message.contains("/email: 5 is not of type \"string\""),
        "{message}"
    );
    let error = MockServer::builder()
        .profile_json("{")
        .start()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("the profile to serve is not JSON")
    );
}
