//! The fault matrix, end to end against the mock: each case asserts the outcome, the number of
//! requests made, and that the API key appears nowhere in the error or the logs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hamravesh::{ApiErrorBody, Client, ClientBuilder, ConfigError, Error};
use hamravesh_mock::{Fault, FaultBody, MockServer};

/// A key distinctive enough that finding it anywhere is certainly a leak.
const KEY: &str = "hk_live_Q7fSECRETzX9";

/// Captures every tracing event, at every level, of the test's thread.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

struct Harness {
    server: MockServer,
    logs: Logs,
    _guard: tracing::subscriber::DefaultGuard,
}

async fn harness() -> Harness {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    Harness {
        server,
        logs,
        _guard: guard,
    }
}

impl Harness {
    fn builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key(KEY)
            .base_url(self.server.url())
            .backoff(Duration::from_millis(1), Duration::from_millis(5))
    }

    fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    /// The key is not in the error's Display, Debug or sources, nor in anything logged.
    fn assert_key_secret(&self, error: &Error) {
        let mut texts = vec![format!("{error}"), format!("{error:?}"), self.logs.text()];
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            texts.push(format!("{inner} {inner:?}"));
            source = inner.source();
        }
        for text in texts {
            assert!(!text.contains(KEY), "the API key leaked: {text}");
        }
    }
}

#[tokio::test]
async fn success_sends_exact_headers_and_decodes() {
    let h = harness().await;
    let profile = h.client().profile().await.unwrap();
    assert_eq!(profile.full_name, "email@example.com");
    assert_eq!(h.server.request_count(), 1);
    assert_eq!(
        h.server.last_request_header("authorization").unwrap(),
        format!("Api-key {KEY}")
    );
    assert_eq!(
        h.server.last_request_header("accept").unwrap(),
        "application/json"
    );
    let agent = h.server.last_request_header("user-agent").unwrap();
    assert_eq!(agent, format!("hamravesh-rs/{}", env!("CARGO_PKG_VERSION")));
    let logs = h.logs.text();
    // The capture works (the attempt was logged with its span), and the key is not in it.
    assert!(
        logs.contains("hamravesh.request")
            && logs.contains("attempt=1")
            && logs.contains("status=200"),
        "{logs}"
    );
    assert!(!logs.contains(KEY));
}

#[tokio::test]
async fn unauthorized_401_is_not_retried_and_carries_the_envelope() {
    let h = harness().await;
    h.server.push_fault(Fault::status(401), 5);
    let error = h.client().profile().await.unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
    assert_eq!(error.status().unwrap().as_u16(), 401);
    assert_eq!(error.body().unwrap().code(), Some("not_authenticated"));
    assert!(
        error
            .to_string()
            .starts_with("the API key was rejected (401 Unauthorized)"),
        "{error}"
    );
    assert!(!error.is_retryable());
    assert_eq!(h.server.request_count(), 1);
    h.assert_key_secret(&error);
}

#[tokio::test]
async fn wrong_key_gets_403_with_the_envelope() {
    let h = harness().await;
    let client = Client::builder()
        .api_key("not-the-key")
        .base_url(h.server.url())
        .build()
        .unwrap();
    let error = client.profile().await.unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(error.status().unwrap().as_u16(), 403);
    assert_eq!(error.body().unwrap().code(), Some("permission_denied"));
    assert!(!format!("{error:?}").contains("not-the-key"));
    assert_eq!(h.server.request_count(), 1);
}

#[tokio::test]
async fn rate_limited_429_honours_retry_after_then_succeeds() {
    let h = harness().await;
    h.server.push_fault(Fault::status_retry_after(429, 1), 1);
    let started = Instant::now();
    let profile = h.client().profile().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(profile.organizations.len(), 1);
    assert_eq!(h.server.request_count(), 2);
    assert!(!h.logs.text().contains(KEY));
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_not_waited_for() {
    let h = harness().await;
    h.server.push_fault(Fault::status_retry_after(429, 3600), 1);
    let started = Instant::now();
    let error = h
        .builder()
        .max_retry_after(Duration::from_secs(5))
        .build()
        .unwrap()
        .profile()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.status().unwrap().as_u16(), 429);
    assert!(error.is_retryable());
    assert_eq!(h.server.request_count(), 1);
}

#[tokio::test]
async fn unavailable_503_twice_then_success() {
    let h = harness().await;
    h.server.push_fault(Fault::status(503), 2);
    h.client().profile().await.unwrap();
    assert_eq!(h.server.request_count(), 3);
}

#[tokio::test]
async fn server_error_500_with_html_is_not_retried_and_is_excerpted() {
    let h = harness().await;
    h.server.push_fault(
        Fault::Status {
            status: 500,
            retry_after: None,
            body: FaultBody::Html,
        },
        5,
    );
    let error = h.client().profile().await.unwrap_err();
    let Some(ApiErrorBody::Text(text)) = error.body() else {
        panic!("{error:?}")
    };
    assert!(text.starts_with("<html> <head><title>"), "{text}");
    assert!(!text.contains('\n'));
    assert!(
        error
            .to_string()
            .starts_with("the API answered 500 Internal Server Error: <html>"),
        "{error}"
    );
    assert_eq!(h.server.request_count(), 1);
    h.assert_key_secret(&error);
}

#[tokio::test]
async fn retries_are_bounded() {
    let h = harness().await;
    h.server.push_fault(Fault::status(502), 100);
    let error = h
        .builder()
        .max_retries(3)
        .build()
        .unwrap()
        .profile()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { attempts: 4, .. }), "{error:?}");
    assert!(error.to_string().contains("after 4 attempts"), "{error}");
    assert_eq!(h.server.request_count(), 4);
    h.assert_key_secret(&error);
}

#[tokio::test]
async fn a_response_that_never_comes_times_out() {
    let h = harness().await;
    h.server.set_delay(Duration::from_secs(30));
    let client = h
        .builder()
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.profile().await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempts: 2, .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(h.server.request_count(), 2);
    h.assert_key_secret(&error);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let h = harness().await;
    h.server.push_fault(Fault::Malformed, 1);
    let error = h.client().profile().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert!(decode.is_syntax());
    assert!(!error.is_retryable());
    assert_eq!(h.server.request_count(), 1);
    h.assert_key_secret(&error);
}

#[tokio::test]
async fn documented_field_with_the_wrong_type_names_its_path() {
    let h = harness().await;
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["organizations"][0]["owner"]["email"] = serde_json::json!(5);
    let body = serde_json::to_vec(&profile).unwrap();
    h.server.push_fault(
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body,
        },
        1,
    );
    let error = h.client().profile().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path(), "organizations[0].owner.email");
    assert!(
        error
            .to_string()
            .contains("organizations[0].owner.email: invalid type: integer `5`"),
        "{error}"
    );
    assert_eq!(h.server.request_count(), 1);
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let h = harness().await;
    h.server.push_fault(Fault::Oversized(5 * 1024 * 1024), 1);
    let error = h.client().profile().await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit } if limit == 4 * 1024 * 1024),
        "{error:?}"
    );
    assert_eq!(h.server.request_count(), 1);
}

#[tokio::test]
async fn body_limit_is_enforced_while_reading() {
    let h = harness().await;
    // 8 GiB with no Content-Length: only a cap checked chunk by chunk ends this quickly (reading
    // it all first takes tens of seconds here).
    h.server.push_fault(Fault::Oversized(1 << 33), 1);
    let started = Instant::now();
    let error = h.client().profile().await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "read for {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn body_limit_is_configurable() {
    let h = harness().await;
    let error = h
        .builder()
        .max_body_size(100)
        .build()
        .unwrap()
        .profile()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 100 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn truncated_body_is_a_transport_error_and_is_retried() {
    let h = harness().await;
    h.server.push_fault(Fault::Truncated, 2);
    let error = h
        .builder()
        .max_retries(1)
        .build()
        .unwrap()
        .profile()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 2, .. }),
        "{error:?}"
    );
    assert_eq!(h.server.request_count(), 2);
    h.assert_key_secret(&error);
    // With one more retry allowed, the third attempt gets the whole body.
    h.server.push_fault(Fault::Truncated, 1);
    h.builder()
        .max_retries(1)
        .build()
        .unwrap()
        .profile()
        .await
        .unwrap();
}

#[tokio::test]
async fn redirect_to_another_host_is_not_followed() {
    let h = harness().await;
    let elsewhere = MockServer::builder().api_key(KEY).start().await.unwrap();
    // `localhost` and `127.0.0.1` are different origins, as another host would be.
    let location = format!(
        "http://localhost:{}/api/v1/users/profile",
        elsewhere.addr().port()
    );
    h.server.push_fault(Fault::Redirect(location.clone()), 1);
    let error = h.client().profile().await.unwrap_err();
    assert!(
        matches!(&error, Error::Redirect { location: l, .. } if *l == location),
        "{error:?}"
    );
    assert_eq!(h.server.request_count(), 1);
    assert_eq!(
        elsewhere.request_count(),
        0,
        "the key travelled to another host"
    );
    h.assert_key_secret(&error);
}

#[tokio::test]
async fn redirect_within_the_origin_is_followed() {
    let h = harness().await;
    h.server
        .push_fault(Fault::Redirect("/api/v1/users/profile".into()), 1);
    h.client().profile().await.unwrap();
    assert_eq!(h.server.request_count(), 2);
}

#[tokio::test]
async fn connections_are_reused() {
    let h = harness().await;
    let client = h.client();
    for _ in 0..5 {
        client.profile().await.unwrap();
    }
    assert_eq!(h.server.request_count(), 5);
    assert_eq!(h.server.connection_count(), 1);
}

#[tokio::test]
async fn raw_json_is_the_body_as_sent() {
    let h = harness().await;
    let body = h.client().profile_json().await.unwrap();
    assert_eq!(body, hamravesh_mock::DEFAULT_PROFILE.as_bytes());
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .max_retries(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let error = client.profile().await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("network error talking to the API after 3 attempts"),
        "{error}"
    );
    assert!(error.is_retryable());
    assert!(!format!("{error:?}").contains(KEY));
}

#[test]
fn configuration_errors_are_caught_before_sending() {
    let missing = Client::builder().build().unwrap_err();
    assert!(matches!(missing, Error::Config(ConfigError::MissingApiKey)));
    assert!(missing.to_string().contains("HAMRAVESH_API_KEY"));
    let insecure = Client::builder()
        .api_key(KEY)
        .base_url("http://api.hamravesh.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(insecure, Error::Config(ConfigError::InsecureBaseUrl { .. })),
        "{insecure:?}"
    );
    assert!(!insecure.to_string().contains(KEY));
}

#[test]
fn debug_output_never_holds_the_key() {
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("[redacted]"));
}
