//! Setting what the mock serves through the typed models: at start (the builder) and while it
//! runs (the server), and the edits it refuses.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh_mock::{DEFAULT_NOTIFICATIONS, DEFAULT_PROFILE, MockBuilder, MockError, MockServer};
use hamravesh_types::Profile;
use hamravesh_types::notifications::Notification;
use serde_json::Value;

/// GETs `path` with the mock's key (and `x-organization` if given): the status and the JSON body.
async fn get(server: &MockServer, path: &str, organization: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .get(format!("{}{path}", server.url()))
        .header("Authorization", format!("Api-key {}", server.api_key()));
    if let Some(organization) = organization {
        request = request.header("x-organization", organization);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

async fn profile(server: &MockServer) -> Value {
    let (status, body) = get(server, "/api/v1/users/profile", None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The whole feed (at most 100 items) as organization `my-team`.
async fn feed(server: &MockServer) -> Vec<Value> {
    let path = "/api/v1/notifications/all_list/?limit=100";
    let (status, body) = get(server, path, Some("my-team")).await;
    assert_eq!(status, 200, "{body}");
    body["results"].as_array().unwrap().clone()
}

fn default_profile() -> Profile {
    serde_json::from_str(DEFAULT_PROFILE).unwrap()
}

fn default_feed() -> Vec<Notification> {
    serde_json::from_str(DEFAULT_NOTIFICATIONS).unwrap()
}

#[tokio::test]
async fn builder_edits_set_what_is_served() {
    let mut renamed = default_profile();
    renamed.full_name = "Someone Else".to_owned();
    let custom_json = DEFAULT_PROFILE.replace("\"budget\": 0.0", "\"budget\": 12.5");
    // (case, builder, the JSON pointer read from the served profile, its expected value)
    let cases: Vec<(&str, MockBuilder, &str, Value)> = vec![
        (
            "the default balance is 0",
            MockServer::builder(),
            "/organizations/0/balance",
            0.0.into(),
        ),
        (
            "organization_balance",
            MockServer::builder().organization_balance("my-team", -500.0),
            "/organizations/0/balance",
            (-500.0).into(),
        ),
        (
            "profile_with",
            MockServer::builder().profile_with(|p| p.organizations[0].budget = 7.0),
            "/organizations/0/budget",
            7.0.into(),
        ),
        (
            "profile from the models",
            MockServer::builder().profile(renamed),
            "/full_name",
            "Someone Else".into(),
        ),
        (
            "edits apply in order",
            MockServer::builder()
                .organization_balance("my-team", 21.0)
                .profile_with(|p| p.organizations[0].balance *= 2.0),
            "/organizations/0/balance",
            42.0.into(),
        ),
        (
            "edits apply to the JSON given",
            MockServer::builder()
                .profile_json(custom_json)
                .organization_balance("my-team", 1.0),
            "/organizations/0/budget",
            12.5.into(),
        ),
    ];
    for (case, builder, pointer, expected) in cases {
        let server = builder.start().await.unwrap();
        let served = profile(&server).await;
        assert_eq!(served.pointer(pointer), Some(&expected), "{case}");
        // Whatever the edit, what is served decodes.
        let _: Profile = serde_json::from_value(served).unwrap();
    }
}

#[tokio::test]
async fn builder_edits_that_break_the_profile_are_refused_at_start() {
    let cases: Vec<(&str, MockBuilder, &str)> = vec![
        (
            "a misspelled organization",
            MockServer::builder().organization_balance("my-tem", -500.0),
            "the profile has no organization named \"my-tem\" (it has: my-team)",
        ),
        (
            "a balance that is not a number",
            MockServer::builder().organization_balance("my-team", f64::NAN),
            "does not match the schema",
        ),
        (
            "an infinite budget",
            MockServer::builder().profile_with(|p| p.organizations[0].budget = f64::INFINITY),
            "does not match the schema",
        ),
        (
            "a balance on no organization",
            MockServer::builder()
                .profile_with(|p| p.organizations.clear())
                .organization_balance("my-team", 1.0),
            "no organization named \"my-team\" (it has: )",
        ),
    ];
    for (case, builder, message) in cases {
        let error = builder.start().await.unwrap_err();
        assert!(error.to_string().contains(message), "{case}: {error}");
    }
    let error = MockServer::builder()
        .organization_balance("My-Team", 1.0)
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, MockError::UnknownOrganization { name, known } if name == "My-Team" && known == &["my-team"]),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_renamed_organization_is_the_one_x_organization_names() {
    let server = MockServer::builder()
        .profile_with(|p| p.organizations[0].name = "renamed".to_owned())
        .start()
        .await
        .unwrap();
    let path = "/api/v1/notifications/all_list/";
    assert_eq!(get(&server, path, Some("renamed")).await.0, 200);
    assert_eq!(get(&server, path, Some("my-team")).await.0, 403);
    // While running too.
    server
        .update_profile(|p| p.organizations[0].name = "again".to_owned())
        .unwrap();
    assert_eq!(get(&server, path, Some("again")).await.0, 200);
    assert_eq!(get(&server, path, Some("renamed")).await.0, 403);
}

#[tokio::test]
async fn builder_sets_the_notification_feed() {
    let mut two = default_feed();
    two.truncate(2);
    two[0].title = "first".to_owned();
    let server = MockServer::builder()
        .notifications(two)
        .start()
        .await
        .unwrap();
    let served = feed(&server).await;
    assert_eq!(served.len(), 2);
    assert_eq!(served[0]["title"], "first");

    let server = MockServer::builder()
        .notifications_with(|feed| feed.retain(|n| n.unread))
        .start()
        .await
        .unwrap();
    let served = feed(&server).await;
    assert_eq!(served.len(), 13);
    assert!(served.iter().all(|n| n["unread"] == true));
    // The items are the default's, as sent.
    let defaults: Vec<Value> = serde_json::from_str(DEFAULT_NOTIFICATIONS).unwrap();
    assert_eq!(served[0], defaults[0]);
}

#[tokio::test]
async fn a_running_mock_serves_the_new_balance_from_the_next_request() {
    let server = MockServer::start().await.unwrap();
    let balance = |p: &Value| p.pointer("/organizations/0/balance").cloned();
    assert_eq!(balance(&profile(&server).await), Some(0.0.into()));
    server.set_organization_balance("my-team", -500.0).unwrap();
    // Only the balance changed: the default profile re-encodes field for field.
    let mut expected: Value = serde_json::from_str(DEFAULT_PROFILE).unwrap();
    expected["organizations"][0]["balance"] = (-500.0).into();
    assert_eq!(profile(&server).await, expected);
    server
        .update_profile(|p| p.organizations[0].balance += 100.0)
        .unwrap();
    assert_eq!(balance(&profile(&server).await), Some((-400.0).into()));

    // Refused edits change nothing.
    let error = server.set_organization_balance("my-tem", 1.0).unwrap_err();
    assert!(
        matches!(error, MockError::UnknownOrganization { .. }),
        "{error}"
    );
    let error = server
        .set_organization_balance("my-team", f64::NAN)
        .unwrap_err();
    assert!(matches!(error, MockError::FixtureInvalid(_)), "{error}");
    let error = server
        .update_profile(|p| p.organizations[0].charged_budget = f64::NEG_INFINITY)
        .unwrap_err();
    assert!(matches!(error, MockError::FixtureInvalid(_)), "{error}");
    assert_eq!(balance(&profile(&server).await), Some((-400.0).into()));
}

#[tokio::test]
async fn a_running_mock_serves_the_new_feed_from_the_next_request() {
    let server = MockServer::start().await.unwrap();
    assert_eq!(feed(&server).await.len(), 37);
    let mut newest = default_feed().remove(0);
    newest.slug = 50_000;
    newest.title = "موجودی کم است".to_owned();
    server
        .update_notifications(move |feed| feed.insert(0, newest))
        .unwrap();
    let served = feed(&server).await;
    assert_eq!(served.len(), 38);
    assert_eq!(served[0]["slug"], 50_000);
    assert_eq!(served[0]["title"], "موجودی کم است");
    server.update_notifications(Vec::clear).unwrap();
    assert!(feed(&server).await.is_empty());
}

#[test]
fn the_readme_example_is_the_balance_alert_test() {
    let readme = include_str!("../README.md");
    let example = include_str!("balance_alert.rs");
    assert!(
        readme.contains(&format!("```rust,ignore\n{example}```")),
        "the README's example differs from tests/balance_alert.rs"
    );
}
