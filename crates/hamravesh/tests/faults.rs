//! The fault matrix, end to end: one row per failure mode, each run against its own server (the
//! mock, a raw TCP server speaking broken HTTP, a TLS server with an untrusted certificate, or a
//! closed port). Every row states the outcome (success or the error kind), the number of requests
//! the server saw, and any extra check; every row also asserts that the API key is in no error
//! text (Display, Debug, sources, report) and in no log line captured at trace level.
//!
//! A new scenario is one row in `matrix!` below.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

mod common;
use common::Logs;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hamravesh::types::namespaces::CreateNamespace;
use hamravesh::{ApiErrorBody, Client, ClientBuilder, ConfigError, Error, ErrorKind};
use hamravesh_mock::{Fault, FaultBody, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing::instrument::WithSubscriber;

/// A key distinctive enough that finding it anywhere is certainly a leak.
const KEY: &str = "hk_live_Q7fSECRETzX9";
/// The organization of the mock's default profile.
const ORG: &str = "my-team";

// ---------------------------------------------------------------------------------------------
// The matrix.

matrix! {
    // Statuses and bodies.
    unauthorized_401_is_not_retried_and_carries_the_envelope:
        mock([(Fault::status(401), 5)]).fails(ErrorKind::Unauthorized).requests(1).check(|o| {
            let e = o.error();
            assert_eq!(e.status().unwrap().as_u16(), 401);
            assert_eq!(e.body().unwrap().code(), Some("not_authenticated"));
            assert!(e.to_string().starts_with("the API key was rejected (401 Unauthorized)"), "{e}");
            assert!(!e.is_retryable());
        });
    wrong_key_gets_403_with_the_envelope:
        mock([]).client(|b| b.api_key("not-the-key")).fails(ErrorKind::Unauthorized).requests(1)
        .check(|o| {
            let e = o.error();
            assert_eq!(e.status().unwrap().as_u16(), 403);
            assert_eq!(e.body().unwrap().code(), Some("permission_denied"));
            assert!(!format!("{e:?}{}", e.report()).contains("not-the-key"));
        });
    server_error_500_with_html_is_not_retried_and_is_quoted_on_one_line:
        mock([(Fault::Status { status: 500, retry_after: None, body: FaultBody::Html }, 5)])
        .fails(ErrorKind::Api).requests(1).check(|o| {
            let e = o.error();
            let Some(ApiErrorBody::Text(text)) = e.body() else { panic!("{e:?}") };
            // The body is kept whole; only the message is shortened.
            assert!(text.starts_with("<html>\n"), "{text}");
            assert!(e.to_string().starts_with("the API answered 500 Internal Server Error: <html> <head><title>"), "{e}");
            assert!(!e.to_string().contains('\n'));
        });
    error_body_of_3_mb_is_quoted_short_and_kept_whole:
        raw_status(500, "text/plain", "x\n".repeat(1_500_000).into_bytes())
        .fails(ErrorKind::Api).requests(1).check(|o| {
            let e = o.error();
            assert_short_single_line(e);
            assert_eq!(e.raw_body().unwrap().len(), 3_000_000);
            let Some(ApiErrorBody::Text(text)) = e.body() else { panic!("{e:?}") };
            assert_eq!(text.len(), 3_000_000);
        });
    detail_with_400k_newlines_is_one_line:
        raw_status(400, "application/json",
            serde_json::json!({ "detail": "bad\n".repeat(400_000), "code": "invalid" }).to_string().into_bytes())
        .fails(ErrorKind::Api).requests(1).check(|o| {
            let e = o.error();
            assert_short_single_line(e);
            assert!(e.to_string().contains("bad bad bad"), "{e}");
            assert!(e.to_string().ends_with("… (invalid)"), "{e}");
            assert_eq!(e.body().unwrap().detail().unwrap().len(), 1_600_000);
        });
    detail_with_escape_sequences_is_escaped:
        raw_status(400, "application/json",
            serde_json::json!({ "detail": "\u{1b}]0;owned\u{7}\u{1b}[2Jhi \u{202e}txt.exe" }).to_string().into_bytes())
        .fails(ErrorKind::Api).requests(1).check(|o| {
            let e = o.error();
            assert_short_single_line(e);
            assert!(e.to_string().contains(r"\u{1b}]0;owned\u{7}\u{1b}[2Jhi \u{202e}txt.exe"), "{e}");
            // The detail itself is exact, for programs.
            assert_eq!(e.body().unwrap().detail(), Some("\u{1b}]0;owned\u{7}\u{1b}[2Jhi \u{202e}txt.exe"));
        });
    validation_body_of_a_huge_key_over_250k_items_keeps_100_short_fields:
        raw_status(400, "application/json", format!(r#"{{"{}":[{}]}}"#, "A".repeat(1 << 20), vec![r#"{"a":"x"}"#; 250_000].join(",")).into_bytes())
        .fails(ErrorKind::Validation).requests(1).check(|o| {
            let e = o.error();
            assert_short_single_line(e);
            let fields = e.field_errors().unwrap();
            assert_eq!((fields.len(), fields.omitted()), (100, 249_900));
            assert!(fields.iter().all(|f| f.field().len() < 1000 && f.messages() == ["x"]));
            assert!(e.to_string().ends_with("(and 249900 more fields)"), "{e}");
        });
    error_body_over_the_cap_says_too_large_not_empty:
        raw_status(500, "text/plain", vec![b'x'; 200]).client(|b| b.max_body_size(100))
        .fails(ErrorKind::Api).requests(1).check(|o| {
            let e = o.error();
            assert_eq!(e.body(), Some(&ApiErrorBody::TooLarge { limit: 100 }));
            assert!(e.to_string().contains("a body larger than the 100-byte limit"), "{e}");
            assert!(!e.to_string().contains("empty"), "{e}");
        });

    // Retries, Retry-After and the total deadline.
    rate_limited_429_honours_retry_after_then_succeeds:
        mock([(Fault::status_retry_after(429, 1), 1)]).succeeds().requests(2).check(|o| {
            assert!(o.elapsed >= Duration::from_millis(950), "waited only {:?}", o.elapsed);
        });
    retry_after_zero_still_waits_the_backoff:
        mock([(Fault::status_retry_after(429, 0), 1)])
        .client(|b| b.backoff(Duration::from_millis(300), Duration::from_secs(1)))
        .succeeds().requests(2).check(|o| {
            assert!(o.elapsed >= Duration::from_millis(300), "waited only {:?}", o.elapsed);
        });
    retry_after_in_the_past_still_waits_the_backoff:
        mock([(Fault::Status { status: 503, retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()), body: FaultBody::Envelope }, 1)])
        .client(|b| b.backoff(Duration::from_millis(300), Duration::from_secs(1)))
        .succeeds().requests(2).check(|o| {
            assert!(o.elapsed >= Duration::from_millis(300), "waited only {:?}", o.elapsed);
        });
    retry_after_beyond_the_cap_is_not_waited_for:
        mock([(Fault::status_retry_after(429, 3600), 1)]).client(|b| b.max_retry_after(Duration::from_secs(5)))
        .fails(ErrorKind::Api).requests(1).check(|o| {
            assert!(o.elapsed < Duration::from_secs(2));
            let e = o.error();
            assert_eq!(e.status().unwrap().as_u16(), 429);
            assert!(e.is_retryable());
            // Why it was not retried, said before the server's text.
            assert!(e.to_string().starts_with("the API answered 429 Too Many Requests (not retried: the server asked to wait 3600s, more than the 5s the client waits at most): "), "{e}");
            assert!(!e.is_deadline());
        });
    retry_after_beyond_the_default_cap_after_a_retry_says_so:
        mock([(Fault::status(503), 1), (Fault::status_retry_after(503, 3600), 1)])
        .fails(ErrorKind::Api).requests(2).check(|o| {
            let e = o.error();
            assert!(e.to_string().starts_with("the API answered 503 Service Unavailable after 2 attempts (not retried again: the server asked to wait 3600s, more than the 60s the client waits at most): "), "{e}");
        });
    total_deadline_is_not_passed_by_a_retry_wait:
        mock([(Fault::status_retry_after(429, 1), 10)]).client(|b| b.total_timeout(Duration::from_millis(1500)))
        .fails(ErrorKind::Api).requests(2).check(|o| {
            let e = o.error();
            assert!(o.elapsed < Duration::from_millis(1500), "took {:?}", o.elapsed);
            assert!(e.is_deadline());
            assert_eq!(e.attempts(), 2);
            assert!(e.to_string().contains("429 Too Many Requests after 2 attempts (the next retry would pass the total deadline of 1.5s): "), "{e}");
        });
    total_deadline_cuts_a_slow_attempt:
        mock([(Fault::Delay(Duration::from_secs(30)), 5)])
        .client(|b| b.timeout(Duration::from_secs(20)).total_timeout(Duration::from_millis(400)))
        .fails(ErrorKind::Timeout).requests(1).check(|o| {
            let e = o.error();
            assert!(o.elapsed < Duration::from_secs(2), "took {:?}", o.elapsed);
            assert!(e.is_deadline() && e.is_timeout());
            assert!(e.to_string().starts_with("no response before the total deadline of 400ms passed"), "{e}");
        });
    total_timeout_of_duration_max_means_no_overall_limit:
        mock([(Fault::status(503), 1)]).client(|b| b.total_timeout(Duration::MAX)).succeeds().requests(2);
    every_timeout_at_duration_max_still_works:
        mock([(Fault::status(503), 1)])
        .client(|b| b.timeout(Duration::MAX).connect_timeout(Duration::MAX).total_timeout(Duration::MAX))
        .succeeds().requests(2);
    retry_after_too_far_to_be_an_instant_passes_the_deadline:
        mock([(Fault::Status { status: 503, retry_after: Some(u64::MAX.to_string()), body: FaultBody::Envelope }, 1)])
        .client(|b| b.max_retry_after(Duration::MAX).total_timeout(Duration::from_secs(5)))
        .fails(ErrorKind::Api).requests(1).check(|o| {
            assert!(o.error().is_deadline(), "{:?}", o.error());
        });
    walk_refuses_a_negative_total:
        raw_status(200, "application/json", page_of(-5, 0..0, None)).on(Call::Walk)
        .fails(ErrorKind::Pagination).requests(1).check(|o| {
            assert!(o.error().to_string().contains("negative total of -5"), "{}", o.error());
        });
    unavailable_503_twice_then_success:
        mock([(Fault::status(503), 2)]).succeeds().requests(3);
    retries_are_bounded:
        mock([(Fault::status(502), 100)]).client(|b| b.max_retries(3)).fails(ErrorKind::Api).requests(4)
        .check(|o| {
            let e = o.error();
            assert_eq!(e.attempts(), 4);
            assert!(e.to_string().starts_with("the API answered 502 Bad Gateway after 4 attempts: "), "{e}");
            assert!(!e.is_deadline());
        });
    a_response_that_never_comes_times_out:
        mock([(Fault::Delay(Duration::from_secs(30)), 2)])
        .client(|b| b.timeout(Duration::from_millis(200)).max_retries(1))
        .fails(ErrorKind::Timeout).requests(2).check(|o| {
            let e = o.error();
            assert_eq!(e.attempts(), 2);
            assert!(o.elapsed < Duration::from_secs(5));
            assert_eq!(e.to_string(), "no response within 200ms after 2 attempts; the API or the network is slow or down");
            // The cause is kept, not dropped.
            assert!(std::error::Error::source(e).is_some());
        });

    // Bodies that do not decode.
    malformed_json_is_a_decode_error:
        mock([(Fault::Malformed, 1)]).fails(ErrorKind::Decode).requests(1).check(|o| {
            assert!(o.error().decode_error().unwrap().is_syntax());
            assert!(!o.error().is_retryable());
        });
    documented_field_with_the_wrong_type_names_its_path:
        raw_status(200, "application/json", wrong_email_profile()).fails(ErrorKind::Decode).requests(1)
        .check(|o| {
            let e = o.error();
            assert_eq!(e.decode_error().unwrap().path(), "organizations[0].owner.email");
            // The path is the cause's to say, once.
            assert_eq!(e.to_string(), "the API's response does not match the documented shape");
            assert!(e.report().contains("organizations[0].owner.email: invalid type: integer `5`"), "{}", e.report());
            assert_eq!(e.report().matches("organizations[0]").count(), 1, "{}", e.report());
        });
    gzip_body_says_it_is_gzip:
        raw_status(200, "application/json", vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x4b, 0x04, 0])
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("gzip-compressed"), "{e}");
        });
    byte_order_mark_says_so:
        raw_status(200, "application/json", [b"\xEF\xBB\xBF".as_slice(), hamravesh_mock::DEFAULT_PROFILE.as_bytes()].concat())
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("byte-order mark"), "{e}");
        });

    empty_success_body_says_empty:
        raw_status(200, "application/json", Vec::new())
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("the body is empty"), "{e}");
        });
    html_success_body_says_html:
        raw_status(200, "text/html", b"<!doctype html><title>login</title>".to_vec())
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("HTML or XML, not JSON"), "{e}");
        });

    // The body cap.
    oversized_body_is_refused:
        mock([(Fault::Oversized(5 * 1024 * 1024), 1)]).fails(ErrorKind::BodyTooLarge).requests(1).check(|o| {
            assert_eq!(o.error().to_string(), "the response body exceeds the limit of 4194304 bytes");
        });
    body_limit_is_enforced_while_reading:
        // 8 GiB with no Content-Length: only a cap checked chunk by chunk ends this quickly.
        mock([(Fault::Oversized(1 << 33), 1)]).fails(ErrorKind::BodyTooLarge).requests(1).check(|o| {
            assert!(o.elapsed < Duration::from_secs(10), "read for {:?}", o.elapsed);
        });
    body_limit_is_configurable:
        mock([]).client(|b| b.max_body_size(100)).fails(ErrorKind::BodyTooLarge).requests(1).check(|o| {
            assert!(o.error().to_string().contains("limit of 100 bytes"));
        });

    // Redirects.
    redirect_within_the_origin_is_followed:
        mock([(Fault::Redirect("/api/v1/users/profile".into()), 1)]).succeeds().requests(2);
    same_origin_redirect_loop_says_loop:
        mock([(Fault::Redirect("/api/v1/users/profile".into()), 100)]).fails(ErrorKind::Redirect).requests(6)
        .check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("kept redirecting") && e.contains("redirect loop"), "{e}");
            assert!(!e.contains("another origin"), "{e}");
        });
    redirect_location_is_escaped_once_and_quoted:
        raw("HTTP/1.1 302 Found\r\nlocation: https://evil.example/\u{202e}txt\r\ncontent-length: 0\r\n\r\n".as_bytes().to_vec(), Then::Close)
        .fails(ErrorKind::Redirect).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains(r#"to "https://evil.example/\u{202e}txt", another origin"#), "{e}");
        });
    redirect_without_location_says_so:
        raw_status(302, "text/plain", Vec::new()).fails(ErrorKind::Redirect).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("no Location header"), "{e}");
            assert!(!e.contains("another origin"), "{e}");
        });
    not_modified_304_says_so:
        raw_status(304, "text/plain", Vec::new()).fails(ErrorKind::Redirect).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("304 Not Modified") && e.contains("no conditional request"), "{e}");
            assert!(!e.contains("another origin"), "{e}");
        });

    // The connection.
    truncated_body_is_a_transport_error_and_is_retried:
        mock([(Fault::Truncated, 2)]).client(|b| b.max_retries(1)).fails(ErrorKind::Transport).requests(2)
        .check(|o| {
            assert_eq!(o.error().attempts(), 2);
            assert!(o.error().is_retryable());
        });
    truncated_body_once_then_the_whole_body:
        mock([(Fault::Truncated, 1)]).client(|b| b.max_retries(1)).succeeds().requests(2);
    connection_refused_is_retried_then_reported:
        Case::new(Server::Refused).client(|b| b.max_retries(2)).fails(ErrorKind::Transport).requests(0)
        .check(|o| {
            let e = o.error();
            assert_eq!(e.attempts(), 3);
            assert_eq!(e.to_string(), "network error talking to the API after 3 attempts");
            assert!(e.report().to_lowercase().contains("connection refused"), "{}", e.report());
            assert!(e.is_retryable());
        });
    connection_reset_before_the_response_is_retried:
        raw(Vec::new(), Then::Reset).client(|b| b.max_retries(2)).fails(ErrorKind::Transport).requests(3)
        .check(|o| assert!(o.error().is_retryable()));
    connection_closed_without_a_response_is_retried:
        raw(Vec::new(), Then::Close).client(|b| b.max_retries(2)).fails(ErrorKind::Transport).requests(3);
    invalid_status_line_is_not_retried:
        raw(b"HTTP/1.1 abc Nope\r\ncontent-length: 0\r\n\r\n".to_vec(), Then::Close)
        .fails(ErrorKind::Transport).requests(1).check(|o| {
            assert!(!o.error().is_retryable());
            assert!(o.error().report().contains("invalid HTTP status"), "{}", o.error().report());
        });
    message_head_too_large_is_not_retried:
        raw([b"HTTP/1.1 200 OK\r\nx-big: ".as_slice(), &vec![b'a'; 1 << 20], b"\r\n\r\n"].concat(), Then::Close)
        .fails(ErrorKind::Transport).requests(1).check(|o| {
            assert!(!o.error().is_retryable());
            assert!(o.error().report().contains("message head is too large"), "{}", o.error().report());
        });
    malformed_chunk_is_not_retried:
        raw(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n".to_vec(), Then::Close)
        .fails(ErrorKind::Transport).requests(1).check(|o| {
            assert!(!o.error().is_retryable());
            assert!(o.error().report().contains("chunk"), "{}", o.error().report());
        });
    untrusted_certificate_is_not_retried:
        Case::new(Server::Tls).fails(ErrorKind::Transport).requests(1).check(|o| {
            let e = o.error();
            assert!(!e.is_retryable());
            assert!(e.report().contains("UnknownIssuer"), "{}", e.report());
        });

    // Namespaces: a POST is sent again only when it certainly did not reach the service; a
    // DELETE is retried like a read.
    create_namespace_answered_429_is_retried:
        mock([(Fault::status(429), 1)]).on(Call::Create).succeeds().requests(2);
    create_namespace_whose_response_times_out_is_sent_once:
        mock([(Fault::Delay(Duration::from_secs(30)), 5)]).on(Call::Create)
        .client(|b| b.timeout(Duration::from_millis(200)))
        .fails(ErrorKind::Timeout).requests(1).check(|o| {
            let e = o.error();
            assert!(e.is_outcome_unknown() && !e.is_retryable());
            assert!(e.to_string().contains("(the POST may have been carried out: check before sending it again)"), "{e}");
        });
    create_namespace_closed_after_sending_is_sent_once:
        mock([(Fault::Close, 5)]).on(Call::Create).fails(ErrorKind::Transport).requests(1).check(|o| {
            assert!(o.error().is_outcome_unknown() && !o.error().is_retryable());
        });
    create_namespace_reset_after_sending_is_sent_once:
        raw(Vec::new(), Then::Reset).on(Call::Create).fails(ErrorKind::Transport).requests(1);
    create_namespace_answered_503_is_sent_once:
        mock([(Fault::status(503), 5)]).on(Call::Create).fails(ErrorKind::Api).requests(1).check(|o| {
            assert!(!o.error().is_outcome_unknown() && !o.error().is_retryable());
        });
    create_namespace_answered_502_is_sent_once_and_may_have_happened:
        mock([(Fault::status(502), 5)]).on(Call::Create).fails(ErrorKind::Api).requests(1).check(|o| {
            assert!(o.error().is_outcome_unknown());
            assert!(o.error().to_string().starts_with("the API answered 502 Bad Gateway (the POST may have been carried out"), "{}", o.error());
        });
    create_namespace_answered_201_with_another_shape_says_it_was_created:
        raw_status(201, "application/json", br#"{"id":"x"}"#.to_vec()).on(Call::Create)
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            let e = o.error();
            assert!(e.is_carried_out() && e.is_outcome_unknown() && !e.is_retryable());
            assert!(e.to_string().starts_with("create_namespace was carried out (the API answered 201 Created: do not send it again), but its answer does not match the documented shape"), "{e}");
            assert!(!e.to_string().contains("may have been"), "{e}");
        });
    create_namespace_answered_200_with_html_says_it_was_created:
        raw_status(200, "text/html", b"<html>ok</html>".to_vec()).on(Call::Create)
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            let e = o.error();
            assert!(e.is_carried_out());
            assert!(e.to_string().contains("(the body is HTML or XML, not JSON)"), "{e}");
        });
    a_read_with_another_shape_is_a_plain_decode_error:
        raw_status(200, "application/json", br#"{"id":"x"}"#.to_vec())
        .fails(ErrorKind::Decode).requests(1).check(|o| {
            assert!(!o.error().is_carried_out() && !o.error().is_outcome_unknown());
        });
    create_namespace_answered_302_is_not_followed_as_a_get:
        raw(b"HTTP/1.1 302 Found\r\nlocation: /api/v1/users/profile\r\ncontent-length: 0\r\n\r\n".to_vec(), Then::Close)
        .on(Call::Create).fails(ErrorKind::Redirect).requests(1).check(|o| {
            let e = o.error();
            assert!(e.is_outcome_unknown() && !e.is_retryable() && !e.is_carried_out());
            assert_eq!(e.location(), Some("/api/v1/users/profile"));
            assert!(e.to_string().starts_with("the API answered 302 Found (to \"/api/v1/users/profile\") to a request that is not idempotent; not followed"), "{e}");
            assert!(e.to_string().ends_with("(the POST may have been carried out: check before sending it again)"), "{e}");
        });
    create_namespace_answered_307_is_not_sent_again:
        raw(b"HTTP/1.1 307 Temporary Redirect\r\nlocation: /api/v1/darkube/namespaces/\r\ncontent-length: 0\r\n\r\n".to_vec(), Then::Close)
        .on(Call::Create).fails(ErrorKind::Redirect).requests(1).check(|o| {
            assert!(o.error().is_outcome_unknown());
            assert_eq!(o.error().status().unwrap().as_u16(), 307);
        });
    create_namespace_answered_308_to_another_host_is_not_sent_again:
        raw(b"HTTP/1.1 308 Permanent Redirect\r\nlocation: https://evil.example/x\r\ncontent-length: 0\r\n\r\n".to_vec(), Then::Close)
        .on(Call::Create).fails(ErrorKind::Redirect).requests(1).check(|o| {
            assert!(o.error().is_outcome_unknown());
        });
    create_namespace_redirected_by_the_mock_within_its_origin_is_not_followed:
        mock([(Fault::Redirect("/api/v1/darkube/namespaces/".into()), 1)]).on(Call::Create)
        .fails(ErrorKind::Redirect).requests(1).check(|o| {
            assert!(o.error().is_outcome_unknown());
        });
    create_namespace_refused_at_connect_is_retried:
        Case::new(Server::Refused).on(Call::Create).client(|b| b.max_retries(2))
        .fails(ErrorKind::Transport).requests(0).check(|o| {
            assert_eq!(o.error().attempts(), 3);
            assert!(!o.error().is_outcome_unknown() && o.error().is_retryable());
        });
    create_namespace_refused_field_by_field_is_a_validation_error:
        raw_status(400, "application/json", serde_json::json!({
            "name": ["\u{1b}[2Jنام لازم است.", "x".repeat(100_000)],
            "cluster_id": ["این مقدار لازم است."],
        }).to_string().into_bytes())
        .on(Call::Create).fails(ErrorKind::Validation).requests(1).check(|o| {
            let e = o.error();
            assert_short_single_line(e);
            assert_eq!(e.field_errors().unwrap().get("cluster_id").unwrap(), ["این مقدار لازم است."]);
            assert_eq!(e.field_errors().unwrap().get("name").unwrap()[0], "\u{1b}[2Jنام لازم است.");
            assert!(e.to_string().starts_with("the API refused the request as invalid (400 Bad Request): cluster_id: این مقدار لازم است.; name: \\u{1b}[2J"), "{e}");
        });
    delete_namespace_answered_503_is_retried:
        mock([(Fault::status(503), 1)]).on(Call::Delete).succeeds().requests(2);
    delete_namespace_closed_then_404_counts_as_deleted:
        mock([(Fault::Close, 1), (not_found(), 1)]).on(Call::Delete).succeeds().requests(2).check(|o| {
            assert!(o.logs.contains("that attempt deleted it"), "{}", o.logs);
        });
    delete_namespace_answered_404_at_once_is_an_error:
        mock([(not_found(), 1)]).on(Call::Delete).fails(ErrorKind::Api).requests(1).check(|o| {
            assert_eq!(o.error().status().unwrap().as_u16(), 404);
            assert!(!o.logs.contains("that attempt deleted it"));
        });

    // The notification feed.
    notification_page_that_is_not_a_page_names_the_field:
        raw_status(200, "application/json", br#"{"count": "many", "next": null, "previous": null, "results": []}"#.to_vec())
        .on(Call::Notifications).fails(ErrorKind::Decode).requests(1).check(|o| {
            assert_eq!(o.error().decode_error().unwrap().path(), "count");
        });
    notification_walk_with_next_to_another_origin_stops:
        raw_status(200, "application/json", page_json(20, Some("https://evil.example/api/v1/notifications/all_list/?offset=10")))
        .on(Call::Walk).fails(ErrorKind::Pagination).requests(1).check(|o| {
            let e = o.error().to_string();
            assert!(e.contains("\"https://evil.example/api/v1/notifications/all_list/?offset=10\" points at another origin"), "{e}");
        });
    notification_walk_of_a_page_that_repeats_stops:
        // The raw server answers every request with the same page.
        raw_status(200, "application/json", page_json(30, Some("?limit=10&offset=10")))
        .on(Call::Walk).fails(ErrorKind::Pagination).requests(2).check(|o| {
            assert!(o.error().to_string().contains("only items already received"), "{}", o.error());
        });
    notification_walk_whose_count_changes_stops:
        mock([(raw_page(20, 0..10, Some("?offset=10")), 1), (raw_page(21, 10..20, None), 1)])
        .on(Call::Walk).fails(ErrorKind::Pagination).requests(2).check(|o| {
            assert!(o.error().to_string().contains("its total went from 20 to 21"), "{}", o.error());
        });
    notification_walk_retries_a_page_after_503:
        mock([(Fault::status(503), 1)]).on(Call::Walk).succeeds().requests(5);

    // Organizations.
    organization_name_with_a_line_break_is_refused_before_sending:
        mock([]).on(Call::BadOrganization).fails(ErrorKind::Config).requests(0).check(|o| {
            assert!(matches!(o.error().config(), Some(ConfigError::InvalidOrganization { .. })));
            assert!(!o.error().to_string().contains('\n'), "{}", o.error());
        });
    unknown_organization_is_refused_naming_it:
        mock([]).on(Call::UnknownOrganization).fails(ErrorKind::Unauthorized).requests(1).check(|o| {
            assert_eq!(o.error().status().unwrap().as_u16(), 403);
            assert!(o.error().to_string().contains("\"not-mine\" is the `name` of an organization"), "{}", o.error());
        });
}

// ---------------------------------------------------------------------------------------------
// Tests that do not fit one row.

#[tokio::test]
async fn success_sends_exact_headers_and_decodes() {
    let logs = Logs::default();
    let run = async {
        let server = MockServer::builder().api_key(KEY).start().await.unwrap();
        let profile = client_for(&server.url())
            .build()
            .unwrap()
            .get_profile()
            .await
            .unwrap();
        assert_eq!(profile.full_name, "email@example.com");
        assert_eq!(server.request_count(), 1);
        assert_eq!(
            server.last_request_header("authorization").unwrap(),
            format!("Api-key {KEY}")
        );
        assert_eq!(
            server.last_request_header("accept").unwrap(),
            "application/json"
        );
        let agent = server.last_request_header("user-agent").unwrap();
        assert_eq!(agent, format!("hamravesh-rs/{}", env!("CARGO_PKG_VERSION")));
    };
    run.with_subscriber(logs.subscriber()).await;
    let logs = logs.text();
    // The capture works (the attempt was logged with its span), and the key is not in it.
    assert!(
        logs.contains("hamravesh.request") && logs.contains("attempt=1"),
        "{logs}"
    );
    assert!(!logs.contains(KEY));
}

#[tokio::test]
async fn redirect_to_another_host_is_not_followed() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let elsewhere = MockServer::builder().api_key(KEY).start().await.unwrap();
    // `localhost` and `127.0.0.1` are different origins, as another host would be.
    let location = format!(
        "http://localhost:{}/api/v1/users/profile",
        elsewhere.addr().port()
    );
    server.push_fault(Fault::Redirect(location.clone()), 1);
    let error = client_for(&server.url())
        .build()
        .unwrap()
        .get_profile()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert_eq!(error.location(), Some(location.as_str()));
    assert!(error.to_string().contains("another origin"), "{error}");
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        elsewhere.request_count(),
        0,
        "the key travelled to another host"
    );
    assert_key_secret(&error, "");
}

#[tokio::test]
async fn connections_are_reused() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let client = client_for(&server.url()).build().unwrap();
    for _ in 0..5 {
        client.get_profile().await.unwrap();
    }
    assert_eq!(server.request_count(), 5);
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn raw_json_is_the_body_as_sent() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let body = client_for(&server.url())
        .build()
        .unwrap()
        .profile_json()
        .await
        .unwrap();
    assert_eq!(body, hamravesh_mock::DEFAULT_PROFILE.as_bytes());
}

/// Configuration errors: caught before sending, reported once, never echoing a secret or a
/// whole URL. Rows: the builder, the message's start, and text that must not appear anywhere.
#[tokio::test]
async fn configuration_errors_are_caught_before_sending() {
    let huge = format!("http://127.0.0.1:1/{}", "a".repeat(64 * 1024));
    let cases: Vec<(ClientBuilder, &str, &str)> = vec![
        (
            Client::builder(),
            "no API key: set HAMRAVESH_API_KEY",
            "\u{0}",
        ),
        (
            Client::builder()
                .api_key(KEY)
                .base_url("http://api.hamravesh.com"),
            "refusing to send the API key over plain HTTP to api.hamravesh.com",
            "\u{0}",
        ),
        (
            Client::builder()
                .api_key(KEY)
                .base_url("https://user:sk-LEAKME@api.hamravesh.com"),
            "invalid base URL \"https://api.hamravesh.com\": credentials in the URL are not supported",
            "LEAKME",
        ),
        (
            Client::builder()
                .api_key(KEY)
                .base_url("https://user:sk-LEAKME@[::1/"),
            "invalid base URL \"https://[::1\": invalid IPv6 address",
            "LEAKME",
        ),
        (
            Client::builder().api_key(KEY).base_url(huge.clone()),
            "invalid base URL \"http://127.0.0.1:1/aaaa",
            &huge[..200],
        ),
        (
            Client::builder().api_key(KEY).user_agent("bad\nagent"),
            "invalid user agent",
            "\u{0}",
        ),
    ];
    for (builder, starts, absent) in cases {
        let error = builder.build().unwrap_err();
        assert!(error.is_config(), "{error:?}");
        assert_eq!(error.kind(), ErrorKind::Config);
        assert_eq!(error.attempts(), 0);
        let report = error.report();
        assert!(report.starts_with(starts), "{report}");
        assert!(report.chars().count() < 300, "{report}");
        assert_key_secret(&error, "");
        assert!(!format!("{report}{error:?}").contains(absent), "{report}");
    }
    assert!(matches!(
        Client::builder().build().unwrap_err().config(),
        Some(ConfigError::MissingApiKey)
    ));
}

#[test]
fn errors_can_cross_threads_and_stay_small() {
    fn send_sync_static<T: Send + Sync + 'static>() {}
    send_sync_static::<Error>();
    assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
}

#[test]
fn debug_output_never_holds_the_key() {
    let builder = Client::builder().api_key(KEY);
    assert!(!format!("{builder:?}").contains(KEY));
    let client = builder
        .total_timeout(Duration::from_secs(9))
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(
        debug.contains("[redacted]") && debug.contains("total_timeout: 9s"),
        "{debug}"
    );
}

// ---------------------------------------------------------------------------------------------
// The runner.

/// Declares one `#[tokio::test]` per row, each running its case.
macro_rules! matrix {
    ($($name:ident: $case:expr;)*) => {
        $(
            #[tokio::test]
            async fn $name() {
                run($case).await;
            }
        )*
    };
}
use matrix;

/// One scenario: where the client points, how it is configured, and what must happen.
struct Case {
    server: Server,
    call: Call,
    client: fn(ClientBuilder) -> ClientBuilder,
    expect: Option<ErrorKind>,
    requests: usize,
    check: fn(&Outcome),
}

/// What the client talks to.
enum Server {
    /// The mock, with these faults queued (each for that many requests).
    Mock(Vec<(Fault, usize)>),
    /// A TCP server that reads each request head and answers with these bytes.
    Raw(Vec<u8>, Then),
    /// A TLS server whose certificate no one trusts.
    Tls,
    /// A port where nothing listens.
    Refused,
}

/// What the raw server does after writing its answer.
#[derive(Clone, Copy)]
enum Then {
    Close,
    /// Close with a TCP reset (linger 0).
    Reset,
}

/// Which operation a case calls.
#[derive(Clone, Copy, Debug)]
enum Call {
    /// `GET /api/v1/users/profile`.
    Profile,
    /// One page of the notification feed.
    Notifications,
    /// Every page of the feed, ten at a time.
    Walk,
    /// Creating a namespace on the mock's cluster.
    Create,
    /// Deleting a namespace (on the mock, one created first, without faults).
    Delete,
    /// One page for an organization name that cannot be a header value.
    BadOrganization,
    /// One page for an organization the profile does not list.
    UnknownOrganization,
}

/// What a case produced.
struct Outcome {
    error: Option<Error>,
    elapsed: Duration,
    /// Every log line of the case, at trace level.
    logs: String,
}

impl Outcome {
    fn error(&self) -> &Error {
        self.error.as_ref().expect("the case expected an error")
    }
}

fn mock<const N: usize>(faults: [(Fault, usize); N]) -> Case {
    Case::new(Server::Mock(faults.into()))
}

fn raw(answer: Vec<u8>, then: Then) -> Case {
    Case::new(Server::Raw(answer, then))
}

/// A complete response with this status, content type and body, then the connection closes.
fn raw_status(status: u16, content_type: &str, body: Vec<u8>) -> Case {
    let reason = hamravesh::StatusCode::from_u16(status)
        .unwrap()
        .canonical_reason()
        .unwrap_or("");
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    raw(answer, Then::Close)
}

impl Case {
    fn new(server: Server) -> Self {
        Self {
            server,
            call: Call::Profile,
            client: |b| b,
            expect: None,
            requests: 1,
            check: |_| {},
        }
    }
    fn on(mut self, call: Call) -> Self {
        self.call = call;
        self
    }
    fn client(mut self, configure: fn(ClientBuilder) -> ClientBuilder) -> Self {
        self.client = configure;
        self
    }
    fn fails(mut self, kind: ErrorKind) -> Self {
        self.expect = Some(kind);
        self
    }
    fn succeeds(mut self) -> Self {
        self.expect = None;
        self
    }
    fn requests(mut self, requests: usize) -> Self {
        self.requests = requests;
        self
    }
    fn check(mut self, check: fn(&Outcome)) -> Self {
        self.check = check;
        self
    }
}

/// Runs a case with every tracing event captured, then checks outcome, count, secrecy.
async fn run(case: Case) {
    let logs = Logs::default();
    let (mut outcome, requests) = run_case(&case).with_subscriber(logs.subscriber()).await;
    let logs = logs.text();
    outcome.logs.clone_from(&logs);
    match (&outcome.error, case.expect) {
        (None, None) => {}
        (Some(error), Some(kind)) => {
            assert_eq!(error.kind(), kind, "{error:?}");
            assert_key_secret(error, &logs);
        }
        (error, expected) => panic!("expected {expected:?}, got {error:?}"),
    }
    assert!(
        !logs.contains(KEY),
        "the API key leaked into the logs: {logs}"
    );
    assert_eq!(
        requests, case.requests,
        "requests seen by the server: {:?}",
        outcome.error
    );
    (case.check)(&outcome);
}

async fn run_case(case: &Case) -> (Outcome, usize) {
    let started = Instant::now();
    let (result, requests) = match &case.server {
        Server::Mock(faults) => {
            let server = MockServer::builder().api_key(KEY).start().await.unwrap();
            // A delete needs a namespace: made first, and not counted.
            let id = match case.call {
                Call::Delete => {
                    let client = client_for(&server.url()).build().unwrap();
                    client
                        .create_namespace(ORG, &create_request())
                        .await
                        .unwrap()
                        .id
                }
                _ => 42,
            };
            let before = server.request_count();
            for (fault, times) in faults {
                server.push_fault(fault.clone(), *times);
            }
            let client = (case.client)(client_for(&server.url())).build().unwrap();
            let started = Instant::now();
            let result = perform(&client, case.call, id).await;
            let elapsed = started.elapsed();
            return (
                Outcome {
                    error: result.err(),
                    elapsed,
                    logs: String::new(),
                },
                server.request_count() - before,
            );
        }
        Server::Raw(answer, then) => {
            let (url, count) = raw_server(answer.clone(), *then).await;
            let client = (case.client)(client_for(&url)).build().unwrap();
            (perform(&client, case.call, 42).await, count)
        }
        Server::Tls => {
            let (url, count) = tls_server().await;
            let client = (case.client)(client_for(&url)).build().unwrap();
            (perform(&client, case.call, 42).await, count)
        }
        Server::Refused => {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            drop(listener);
            let client = (case.client)(client_for(&url)).build().unwrap();
            (
                perform(&client, case.call, 42).await,
                Arc::new(AtomicUsize::new(0)),
            )
        }
    };
    let outcome = Outcome {
        error: result.err(),
        elapsed: started.elapsed(),
        logs: String::new(),
    };
    (outcome, requests.load(Ordering::SeqCst))
}

/// Makes the case's call; what it returns on success is checked elsewhere.
async fn perform(client: &Client, call: Call, namespace_id: i64) -> Result<(), Error> {
    match call {
        Call::Profile => client.get_profile().await.map(drop),
        Call::Notifications => client.notifications(ORG, 10, 0).await.map(drop),
        Call::Walk => client
            .walk_notifications(ORG)
            .page_size(10)
            .collect()
            .await
            .map(drop),
        Call::Create => client
            .create_namespace(ORG, &create_request())
            .await
            .map(drop),
        Call::Delete => client.delete_namespace(ORG, namespace_id).await,
        Call::BadOrganization => client
            .notifications("my-team\r\nx-evil: 1", 10, 0)
            .await
            .map(drop),
        Call::UnknownOrganization => client.notifications("not-mine", 10, 0).await.map(drop),
    }
}

fn create_request() -> CreateNamespace {
    CreateNamespace::builder()
        .name("my-team-staging")
        .cluster_id(53)
        .try_into()
        .unwrap()
}

/// `404 Not Found` with the service's envelope, as a crafted answer.
fn not_found() -> Fault {
    Fault::Raw {
        status: 404,
        content_type: "application/json".into(),
        body: serde_json::json!({"detail": "یافت نشد.", "code": "not_found", "success": false})
            .to_string()
            .into_bytes(),
    }
}

/// A notification with this slug.
fn notification(slug: i64) -> serde_json::Value {
    serde_json::json!({
        "slug": slug, "title": "اعلان", "description": "<p>متن</p>", "unread": true,
        "public": false, "target_type": "general", "timestamp": "2022-07-26T12:56:34.883091Z",
    })
}

/// A page of ten notifications (slugs 0 to 9) with this total and `next`.
fn page_json(count: i64, next: Option<&str>) -> Vec<u8> {
    page_of(count, 0..10, next)
}

fn page_of(count: i64, slugs: std::ops::Range<i64>, next: Option<&str>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "count": count,
        "next": next,
        "previous": null,
        "results": slugs.map(notification).collect::<Vec<_>>(),
    }))
    .unwrap()
}

/// A crafted page served by the mock.
fn raw_page(count: i64, slugs: std::ops::Range<i64>, next: Option<&str>) -> Fault {
    Fault::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: page_of(count, slugs, next),
    }
}

/// The client every case starts from: the test key, this server, fast backoff.
fn client_for(url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(url)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A server that, for each connection, reads the request head, writes `answer`, and closes.
/// Counts the request heads it read.
async fn raw_server(answer: Vec<u8>, then: Then) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (seen, answer) = (seen.clone(), answer.clone());
            tokio::spawn(async move {
                let mut stream = stream;
                if read_head(&mut stream).await {
                    seen.fetch_add(1, Ordering::SeqCst);
                    // The client may hang up mid-answer (a head too large): that is its right.
                    let _ = stream.write_all(&answer).await;
                    let _ = stream.flush().await;
                    if let Then::Reset = then {
                        // Linger 0 makes the close a reset; it never blocks, which is what the
                        // deprecation warns of.
                        #[allow(deprecated)]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                    }
                }
            });
        }
    });
    (url, count)
}

/// Reads up to the blank line that ends a request head; false if the client went away first.
async fn read_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    true
}

/// A TLS server for 127.0.0.1 whose certificate is issued by a CA no one trusts (made once with
/// openssl, the CA key thrown away); counts connections.
async fn tls_server() -> (String, Arc<AtomicUsize>) {
    use tokio_rustls::rustls::{self, pki_types};
    let cert =
        pki_types::CertificateDer::from(include_bytes!("tls/untrusted-leaf-cert.der").to_vec());
    let key = pki_types::PrivateKeyDer::Pkcs8(
        include_bytes!("tls/untrusted-leaf-key.der").to_vec().into(),
    );
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            // The client refuses the certificate, so the handshake fails; nothing more to do.
            tokio::spawn(async move { drop(acceptor.accept(stream).await) });
        }
    });
    (url, count)
}

/// The profile page example with the owner's email made an integer.
fn wrong_email_profile() -> Vec<u8> {
    let mut profile: serde_json::Value =
        serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
    profile["organizations"][0]["owner"]["email"] = serde_json::json!(5);
    serde_json::to_vec(&profile).unwrap()
}

/// The message and the report are one line of bounded length with no control characters.
fn assert_short_single_line(error: &Error) {
    for text in [error.to_string(), error.report()] {
        assert!(
            text.chars().count() <= 500,
            "{} chars",
            text.chars().count()
        );
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
}

/// The key is in none of the error's texts (Display, alternate Display, Debug, report, each
/// source) nor in `logs`.
fn assert_key_secret(error: &Error, logs: &str) {
    let mut texts = vec![
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
        error.report(),
        logs.to_owned(),
    ];
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        texts.push(format!("{inner} {inner:?}"));
        source = inner.source();
    }
    for text in texts {
        assert!(!text.contains(KEY), "the API key leaked: {text}");
    }
}

/// What errors and models hand out can be named from this crate alone.
#[tokio::test]
async fn status_code_and_timestamp_are_reexported() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let client = client_for(&server.url()).build().unwrap();
    let created: &hamravesh::Timestamp = &client.get_profile().await.unwrap().creation_time;
    assert!(!created.to_string().is_empty());
    server.push_fault(Fault::status(503), 1);
    let status: Option<hamravesh::StatusCode> = client_for(&server.url())
        .max_retries(0)
        .build()
        .unwrap()
        .get_profile()
        .await
        .unwrap_err()
        .status();
    assert_eq!(status, Some(hamravesh::StatusCode::SERVICE_UNAVAILABLE));
}
