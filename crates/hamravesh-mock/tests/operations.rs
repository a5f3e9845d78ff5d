//! Every documented operation against the mock: routes × headers, the notification feed's pages,
//! the namespaces it keeps, and faults aimed at one operation. Every path, method and header name
//! comes from `hamravesh_types::operations`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::time::Duration;

use hamravesh_mock::{DEFAULT_NOTIFICATIONS, DEFAULT_PROFILE, Fault, MockServer};
use hamravesh_types::operations::{
    ALL, CREATE_NAMESPACE, DELETE_NAMESPACE, GET_PROFILE, LIST_NOTIFICATIONS,
};
use hamravesh_types::{Document, ORGANIZATION_HEADER, Operation};
use serde_json::{Value, json};

/// The organization of the default profile.
const ORG: &str = "my-team";
/// The cluster the default profile's organization may use (the docs' example id).
const CLUSTER: i64 = 53;

/// What a request gets back.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A row of the routes table: case, request, status, envelope code (`None`: no envelope), `Allow`.
type RouteCase = (
    &'static str,
    Req,
    u16,
    Option<&'static str>,
    Option<&'static str>,
);

/// A row of the create-body table: case, request, status, then the fields of a 400 field
/// envelope (`Ok`), or the code of the service envelope (`Err`).
type BodyCase = (
    &'static str,
    Req,
    u16,
    Result<Vec<&'static str>, &'static str>,
);

/// A request to the mock: method and path, then optional key, organization, content type, body
/// and extra headers.
#[derive(Clone, Default)]
struct Req {
    method: &'static str,
    path: String,
    key: Option<String>,
    org: Option<String>,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
}

impl Req {
    fn to(operation: &Operation, path: String) -> Self {
        Self {
            method: operation.method,
            path,
            ..Self::default()
        }
    }

    /// The right key and organization for `server`.
    fn authorized(mut self, server: &MockServer) -> Self {
        self.key = Some(server.api_key().to_owned());
        self.org = Some(ORG.to_owned());
        self
    }

    fn json_body(mut self, body: &str) -> Self {
        self.content_type = Some("application/json");
        self.body = Some(body.as_bytes().to_vec());
        self
    }

    async fn send(&self, server: &MockServer) -> Answer {
        self.send_with(&client(), server).await
    }

    async fn send_with(&self, client: &reqwest::Client, server: &MockServer) -> Answer {
        let response = self.request(client, server).send().await.unwrap();
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    fn request(&self, client: &reqwest::Client, server: &MockServer) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut request = client.request(method, format!("{}{}", server.url(), self.path));
        if let Some(key) = &self.key {
            request = request.header("Authorization", format!("Api-key {key}"));
        }
        if let Some(org) = &self.org {
            request = request.header(ORGANIZATION_HEADER, org);
        }
        if let Some(content_type) = self.content_type {
            request = request.header("Content-Type", content_type);
        }
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        request
    }
}

/// A client per test thread (each test has its own thread and runtime): building one loads the
/// TLS roots, which costs more than a request to the mock.
fn client() -> reqwest::Client {
    thread_local! {
        static CLIENT: reqwest::Client = reqwest::Client::builder().no_proxy().build().unwrap();
    }
    CLIENT.with(reqwest::Client::clone)
}

fn delete_path(id: &str) -> String {
    DELETE_NAMESPACE.path_with(&[("namespace_id", id)]).unwrap()
}

fn create_body() -> String {
    json!({"name": format!("{ORG}-staging"), "cluster_id": CLUSTER}).to_string()
}

/// Asserts that a success body matches the operation's response schema and decodes.
fn assert_documented(operation: &Operation, answer: &Answer, case: &str) {
    assert_eq!(answer.status, operation.response_status, "{case}");
    match operation.response_schema {
        None => assert!(answer.body.is_empty(), "{case}: {:?}", answer.body),
        Some(reference) => {
            let document = Document::from_schema_ref(reference).unwrap();
            let value: Value = serde_json::from_slice(&answer.body).unwrap();
            if let Err(errors) = document.validator().validate(&value) {
                panic!("{case}: the answer is not a valid {document}: {errors}");
            }
            document.decodes(&answer.body).unwrap();
            assert_eq!(
                answer.headers["content-type"], "application/json; charset=utf-8",
                "{case}"
            );
        }
    }
}

/// Asserts the service's envelope: `{"detail": non-empty, "code", "success": false}`.
fn assert_envelope(answer: &Answer, status: u16, code: &str, case: &str) {
    let body = answer.json();
    assert_eq!(
        (
            answer.status,
            body["code"].as_str(),
            body["success"].as_bool()
        ),
        (status, Some(code), Some(false)),
        "{case}: {body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{case}"
    );
}

#[tokio::test]
async fn every_operation_answers_the_documented_request_with_its_documented_body() {
    let server = MockServer::start().await.unwrap();
    // A namespace for the delete to find.
    let created = Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.to_owned())
        .authorized(&server)
        .json_body(&create_body())
        .send(&server)
        .await;
    let id = created.json()["id"].as_i64().unwrap().to_string();
    for operation in ALL {
        let path = operation
            .path_with(&[("namespace_id", id.as_str())])
            .unwrap();
        let mut request = Req::to(operation, path).authorized(&server);
        if operation.request_schema.is_some() {
            request = request.json_body(&create_body());
        }
        let answer = request.send(&server).await;
        assert_documented(operation, &answer, operation.id);
        assert_eq!(
            server.request_count_on(operation),
            1 + usize::from(operation == &CREATE_NAMESPACE)
        );
    }
    assert_eq!(server.request_count(), ALL.len() + 1);
}

#[tokio::test]
async fn routes_and_headers_get_the_service_answers() {
    let server = MockServer::start().await.unwrap();
    let key = Some(server.api_key().to_owned());
    let wrong = Some("wrong".to_owned());
    let org = Some(ORG.to_owned());
    let unknown_org = Some("someone-else".to_owned());
    let notifications = || Req::to(&LIST_NOTIFICATIONS, LIST_NOTIFICATIONS.path.to_owned());
    let create = || Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.to_owned());
    let delete = |id: &str| Req::to(&DELETE_NAMESPACE, delete_path(id));
    let with = |mut req: Req, key: &Option<String>, org: &Option<String>| {
        req.key.clone_from(key);
        req.org.clone_from(org);
        req
    };
    let method = |mut req: Req, method: &'static str| {
        req.method = method;
        req
    };
    // (case, request, status, envelope code (None: no envelope), Allow header)
    #[rustfmt::skip]
    let cases: Vec<RouteCase> = vec![
        ("profile", with(Req::to(&GET_PROFILE, GET_PROFILE.path.into()), &key, &None), 200, None, None),
        ("profile ignores x-organization", with(Req::to(&GET_PROFILE, GET_PROFILE.path.into()), &key, &unknown_org), 200, None, None),
        ("notifications", with(notifications(), &key, &org), 200, None, None),
        ("notifications without a key", with(notifications(), &None, &org), 401, Some("not_authenticated"), None),
        ("notifications with a wrong key", with(notifications(), &wrong, &org), 403, Some("permission_denied"), None),
        ("the key is checked before the organization", with(notifications(), &wrong, &None), 403, Some("permission_denied"), None),
        ("notifications without x-organization", with(notifications(), &key, &None), 403, Some("permission_denied"), None),
        ("notifications for another organization", with(notifications(), &key, &unknown_org), 403, Some("permission_denied"), None),
        ("create without a key", with(create().json_body(&create_body()), &None, &org), 401, Some("not_authenticated"), None),
        ("create without x-organization", with(create().json_body(&create_body()), &key, &None), 403, Some("permission_denied"), None),
        ("create for another organization", with(create().json_body(&create_body()), &key, &unknown_org), 403, Some("permission_denied"), None),
        ("delete without x-organization", with(delete("1001"), &key, &None), 403, Some("permission_denied"), None),
        ("delete of an unknown id", with(delete("424242"), &key, &org), 404, Some("not_found"), None),
        ("delete of an id that is not an integer", with(delete("abc"), &key, &org), 404, Some("not_found"), None),
        ("delete of an id beyond i64", with(delete("99999999999999999999"), &key, &org), 404, Some("not_found"), None),
        ("delete of a fractional id", with(delete("1001.0"), &key, &org), 404, Some("not_found"), None),
        ("GET on the create path", method(with(create(), &key, &org), "GET"), 405, Some("method_not_allowed"), Some("POST")),
        ("PUT on the delete path", method(with(delete("1"), &key, &org), "PUT"), 405, Some("method_not_allowed"), Some("DELETE")),
        ("POST on the feed", method(with(notifications(), &key, &org), "POST"), 405, Some("method_not_allowed"), Some("GET, HEAD")),
        ("DELETE on the profile", method(with(Req::to(&GET_PROFILE, GET_PROFILE.path.into()), &key, &None), "DELETE"), 405, Some("method_not_allowed"), Some("GET, HEAD")),
        ("unknown path", with(Req { method: "GET", path: "/api/v1/nope/".into(), ..Req::default() }, &key, &org), 404, Some("not_found"), None),
        ("the feed without its trailing slash", with(Req { path: LIST_NOTIFICATIONS.path.trim_end_matches('/').into(), ..notifications() }, &key, &org), 404, Some("not_found"), None),
        ("a delete path without an id", with(Req { path: CREATE_NAMESPACE.path.to_owned() + "/", ..delete("1") }, &key, &org), 404, Some("not_found"), None),
    ];
    for (case, request, status, code, allow) in &cases {
        let answer = request.send(&server).await;
        match code {
            Some(code) => assert_envelope(&answer, *status, code, case),
            None => assert_eq!(answer.status, *status, "{case}"),
        }
        let got_allow = answer.headers.get("allow").map(|v| v.to_str().unwrap());
        assert_eq!(got_allow, *allow, "{case}");
    }
    assert_eq!(server.request_count(), cases.len());
    // Nothing was created by the refused requests.
    assert_eq!(server.namespace_count(), 0);
}

#[tokio::test]
async fn organization_refusals_say_which_problem_it_is() {
    let server = MockServer::start().await.unwrap();
    let missing = Req::to(&LIST_NOTIFICATIONS, LIST_NOTIFICATIONS.path.into()).authorized(&server);
    let missing = Req {
        org: None,
        ..missing
    };
    let unknown = Req {
        org: Some("someone-else".into()),
        ..missing.clone()
    };
    let missing = missing.send(&server).await.json();
    let unknown = unknown.send(&server).await.json();
    assert!(
        missing["detail"]
            .as_str()
            .unwrap()
            .contains(ORGANIZATION_HEADER)
    );
    assert_ne!(missing["detail"], unknown["detail"]);
}

/// A feed of `n` distinct notifications, newest first.
fn feed(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "unread": i % 2 == 0,
                "public": i % 3 == 0,
                "timestamp": format!("2024-01-01T00:00:00.{:06}Z", 999_999 - i),
                "title": format!("اعلان {i}"),
                "slug": 10_000 - i64::try_from(i).unwrap(),
                "description": "<p>متن</p>",
                "target_type": "general",
            })
        })
        .collect()
}

async fn page(server: &MockServer, query: &str, host: Option<&str>) -> Answer {
    let mut request = Req::to(
        &LIST_NOTIFICATIONS,
        format!("{}{query}", LIST_NOTIFICATIONS.path),
    )
    .authorized(server);
    if let Some(host) = host {
        request.headers.push(("Host", host.to_owned()));
    }
    request.send(server).await
}

/// The link DRF would build for `limit` and `offset` (`None`: offset dropped).
fn link(host: &str, limit: usize, offset: Option<usize>) -> String {
    let base = format!("http://{host}{}?limit={limit}", LIST_NOTIFICATIONS.path);
    match offset {
        Some(offset) => format!("{base}&offset={offset}"),
        None => base,
    }
}

#[tokio::test]
async fn the_feed_is_paged_like_drf_at_every_offset() {
    // (case, feed size, limit asked (None: the default), limit used)
    let cases = [
        ("empty feed", 0, None, 10),
        ("exactly one page", 10, None, 10),
        ("less than one page", 3, Some(5), 5),
        ("exact multiple of the page size", 20, Some(5), 5),
        ("last page partial", 37, None, 10),
        ("page size one", 4, Some(1), 1),
        ("limit above the maximum", 150, Some(1000), 100),
    ];
    let host = "mock.example:8080";
    for (case, n, asked, limit) in cases {
        let items = feed(n);
        let server = MockServer::builder()
            .notifications_json(serde_json::to_vec(&items).unwrap())
            .start()
            .await
            .unwrap();
        for offset in 0..=n + limit + 1 {
            let query = match asked {
                Some(asked) => format!("?limit={asked}&offset={offset}"),
                None => format!("?offset={offset}"),
            };
            let case = format!("{case}: {query}");
            let answer = page(&server, &query, Some(host)).await;
            assert_documented(&LIST_NOTIFICATIONS, &answer, &case);
            let body = answer.json();
            let expected: &[Value] = if offset > n {
                &[]
            } else {
                &items[offset..(offset + limit).min(n)]
            };
            assert_eq!(body["count"], n, "{case}");
            assert_eq!(body["results"].as_array().unwrap(), expected, "{case}");
            let next = (offset + limit < n).then(|| link(host, limit, Some(offset + limit)));
            let previous =
                (offset > 0).then(|| link(host, limit, (offset > limit).then(|| offset - limit)));
            assert_eq!(body["next"].as_str(), next.as_deref(), "{case}");
            assert_eq!(body["previous"].as_str(), previous.as_deref(), "{case}");
        }
    }
}

#[tokio::test]
async fn following_next_walks_the_default_feed_once() {
    let server = MockServer::start().await.unwrap();
    let feed: Vec<Value> = serde_json::from_str(DEFAULT_NOTIFICATIONS).unwrap();
    assert_eq!(feed.len(), 37);
    let mut seen = Vec::new();
    let mut url = Some(format!("{}{}", server.url(), LIST_NOTIFICATIONS.path));
    let mut pages = 0;
    while let Some(next) = url {
        pages += 1;
        assert!(pages <= 10, "the walk does not end");
        let path = next.strip_prefix(&server.url()).unwrap().to_owned();
        let answer = Req::to(&LIST_NOTIFICATIONS, path)
            .authorized(&server)
            .send(&server)
            .await;
        assert_documented(&LIST_NOTIFICATIONS, &answer, &next);
        let body = answer.json();
        seen.extend(body["results"].as_array().unwrap().iter().cloned());
        url = body["next"].as_str().map(str::to_owned);
    }
    assert_eq!(pages, 4);
    assert_eq!(seen, feed);
    // Every page of the default feed, at every offset and several sizes, is a valid page.
    for limit in [1, 7, 10, 37, 100] {
        for offset in 0..=40 {
            let query = format!("?limit={limit}&offset={offset}");
            let answer = page(&server, &query, None).await;
            assert_documented(&LIST_NOTIFICATIONS, &answer, &query);
            let results = answer.json()["results"].as_array().unwrap().len();
            assert_eq!(
                results,
                feed.len().saturating_sub(offset).min(limit),
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn the_default_feed_looks_like_the_service() {
    let feed: Vec<Value> = serde_json::from_str(DEFAULT_NOTIFICATIONS).unwrap();
    let timestamps: Vec<hamravesh_types::Timestamp> = feed
        .iter()
        .map(|n| serde_json::from_value(n["timestamp"].clone()).unwrap())
        .collect();
    assert!(timestamps.windows(2).all(|w| w[0] > w[1]), "newest first");
    let has = |f: &dyn Fn(&Value) -> bool| feed.iter().any(f);
    assert!(has(&|n| n["unread"] == true) && has(&|n| n["unread"] == false));
    assert!(has(&|n| n["public"] == true) && has(&|n| n["public"] == false));
    assert!(has(&|n| n["target_type"] == "general") && has(&|n| n["target_type"] != "general"));
    assert!(
        feed.iter()
            .all(|n| n["description"].as_str().unwrap().contains('<'))
    );
    // Persian titles: Arabic-script letters.
    assert!(feed.iter().all(|n| {
        n["title"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
    }));
    let mut slugs: Vec<i64> = feed.iter().map(|n| n["slug"].as_i64().unwrap()).collect();
    slugs.dedup();
    assert_eq!(slugs.len(), feed.len(), "slugs are ids: distinct");
}

#[tokio::test]
async fn links_use_the_request_host_and_refuse_a_bad_one() {
    let server = MockServer::start().await.unwrap();
    let default = page(&server, "?limit=5", None).await.json();
    let host = server.url().trim_start_matches("http://").to_owned();
    assert_eq!(
        default["next"].as_str(),
        Some(link(&host, 5, Some(5)).as_str())
    );
    let named = page(&server, "?limit=5", Some("api.example.test"))
        .await
        .json();
    assert_eq!(
        named["next"].as_str(),
        Some(link("api.example.test", 5, Some(5)).as_str())
    );
    // A hostile query (hundreds of parameters, escape and NUL bytes) is answered at once, and
    // every byte of it stays percent-encoded in the links.
    let hostile: String = (0..700).map(|i| format!("p{}=%1B%00&", i % 7)).collect();
    let started = std::time::Instant::now();
    let answer = page(&server, &format!("?{hostile}limit=5"), None).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_documented(&LIST_NOTIFICATIONS, &answer, "hostile query");
    let next = answer.json()["next"].as_str().unwrap().to_owned();
    assert!(next.bytes().all(|b| b.is_ascii_graphic()), "{next}");
    assert!(
        next.contains("p0=%1B%00&p0=%1B%00"),
        "values kept, in order"
    );
    // Sorted by name: `limit` and `offset` before `p0`.
    assert!(next.contains("?limit=5&offset=5&p0=%1B%00"), "{next}");
    for bad in ["evil.example/x?", "a b", "host:port"] {
        let answer = page(&server, "", Some(bad)).await;
        assert_envelope(&answer, 400, "invalid_host", bad);
    }
}

#[tokio::test]
async fn feeds_that_would_not_decode_are_refused_at_start() {
    let item = || feed(1).remove(0);
    let with = |key: &str, value: Value| {
        let mut item = item();
        item[key] = value;
        serde_json::to_string(&[item]).unwrap()
    };
    let without = |key: &str| {
        let mut item = item();
        item.as_object_mut().unwrap().remove(key);
        serde_json::to_string(&[item]).unwrap()
    };
    let duplicate = serde_json::to_string(&[item()]).unwrap().replacen(
        "\"title\":",
        "\"title\": \"x\", \"title\":",
        1,
    );
    // (case, feed, start of the message, fragment)
    let cases = [
        (
            "not JSON",
            "[{".to_owned(),
            "the notification feed to serve is not a JSON array",
            "",
        ),
        (
            "an object",
            "{}".to_owned(),
            "the notification feed to serve is not a JSON array",
            "array",
        ),
        (
            "no title",
            without("title"),
            "the notification feed to serve does not match the schema",
            "/results/0",
        ),
        (
            "slug as text",
            with("slug", json!("000")),
            "the notification feed to serve does not match the schema",
            "/results/0/slug",
        ),
        (
            "timestamp not RFC 3339",
            with("timestamp", json!("2024-01-01 10:00")),
            "the notification feed to serve does not match the schema",
            "/results/0/timestamp",
        ),
        (
            "a repeated key",
            duplicate,
            "the notification feed to serve does not decode",
            "title",
        ),
    ];
    for (case, feed, start, fragment) in cases {
        let message = MockServer::builder()
            .notifications_json(feed)
            .start()
            .await
            .expect_err(case)
            .to_string();
        assert!(message.starts_with(start), "{case}: {message}");
        assert!(message.contains(fragment), "{case}: {message}");
    }
    // An empty feed is a feed.
    MockServer::builder()
        .notifications_json("[]")
        .start()
        .await
        .unwrap();
}

/// The default profile with a second organization, `other-team`, that has no cluster.
fn two_organization_profile() -> String {
    let mut profile: Value = serde_json::from_str(DEFAULT_PROFILE).unwrap();
    let mut other = profile["organizations"][0].clone();
    other["id"] = json!(2077);
    other["name"] = json!("other-team");
    other["available_clusters"] = json!([]);
    profile["organizations"].as_array_mut().unwrap().push(other);
    profile.to_string()
}

#[tokio::test]
async fn namespaces_are_created_and_deleted_once_per_organization() {
    let server = MockServer::builder()
        .profile_json(two_organization_profile())
        .start()
        .await
        .unwrap();
    let create = |org: &str, body: String| {
        let mut request = Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.into())
            .authorized(&server)
            .json_body(&body);
        request.org = Some(org.to_owned());
        request
    };
    let delete = |org: &str, id: &str| {
        let mut request = Req::to(&DELETE_NAMESPACE, delete_path(id)).authorized(&server);
        request.org = Some(org.to_owned());
        request
    };
    let first = create(ORG, create_body()).send(&server).await;
    assert_documented(&CREATE_NAMESPACE, &first, "first");
    assert_eq!(
        first.json(),
        json!({
            "name": "my-team-staging",
            "cluster": {"id": 53, "name": "hamravesh-c11", "location_country": "IR", "is_on_premise": false},
            "id": hamravesh_mock::FIRST_NAMESPACE_ID,
        })
    );
    let second = create(ORG, create_body()).send(&server).await;
    assert_eq!(second.json()["id"], hamravesh_mock::FIRST_NAMESPACE_ID + 1);
    assert_eq!(server.namespace_count(), 2);
    assert_eq!(server.namespaces(ORG).len(), 2);
    // The other organization has no cluster 53, and cannot see my-team's namespaces.
    let refused = create("other-team", create_body()).send(&server).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["cluster_id"][0]
            .as_str()
            .unwrap()
            .contains("53")
    );
    let id = hamravesh_mock::FIRST_NAMESPACE_ID.to_string();
    assert_eq!(delete("other-team", &id).send(&server).await.status, 404);
    // Django's `int` path converter takes digits only: these match no route, so 404 and the
    // namespace stays.
    for other_form in [
        format!("+{id}"),
        format!("%2B{id}"),
        format!("-{id}"),
        " 1".into(),
    ] {
        let answer = delete(ORG, &other_form).send(&server).await;
        assert_eq!(answer.status, 404, "{other_form}");
    }
    assert_eq!(server.namespace_count(), 2);
    // Deleted once: 204 with no body, then 404.
    let deleted = delete(ORG, &id).send(&server).await;
    assert_documented(&DELETE_NAMESPACE, &deleted, "delete");
    assert!(deleted.headers.get("content-type").is_none());
    assert_envelope(
        &delete(ORG, &id).send(&server).await,
        404,
        "not_found",
        "again",
    );
    assert_eq!(server.namespace_count(), 1);
    assert_eq!(server.request_count_on(&DELETE_NAMESPACE), 7);
    assert_eq!(server.request_count_on(&CREATE_NAMESPACE), 3);
}

#[tokio::test]
async fn create_bodies_get_drf_answers() {
    let server = MockServer::start().await.unwrap();
    let required = "این مقدار لازم است.";
    let base = Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.into()).authorized(&server);
    let body = |content_type: Option<&'static str>, body: &str| Req {
        content_type,
        body: Some(body.as_bytes().to_vec()),
        ..base.clone()
    };
    let json_type = Some("application/json");
    // (case, request, status, the fields of the 400 envelope, or the envelope code)
    #[rustfmt::skip]
    let cases: Vec<BodyCase> = vec![
        ("missing cluster_id", body(json_type, r#"{"name": "my-team-a"}"#), 400, Ok(vec!["cluster_id"])),
        ("missing name", body(json_type, r#"{"cluster_id": 53}"#), 400, Ok(vec!["name"])),
        ("empty object", body(json_type, "{}"), 400, Ok(vec!["cluster_id", "name"])),
        ("empty body", body(json_type, ""), 400, Ok(vec!["cluster_id", "name"])),
        ("no content type", body(None, &create_body()), 400, Ok(vec!["cluster_id", "name"])),
        ("cluster_id as text", body(json_type, r#"{"name": "a", "cluster_id": "53"}"#), 400, Ok(vec!["cluster_id"])),
        ("name as number", body(json_type, r#"{"name": 7, "cluster_id": 53}"#), 400, Ok(vec!["name"])),
        ("name null", body(json_type, r#"{"name": null, "cluster_id": 53}"#), 400, Ok(vec!["name"])),
        ("blank name", body(json_type, r#"{"name": "  ", "cluster_id": 53}"#), 400, Ok(vec!["name"])),
        ("unknown cluster", body(json_type, r#"{"name": "a", "cluster_id": 54}"#), 400, Ok(vec!["cluster_id"])),
        ("cluster beyond i64", body(json_type, r#"{"name": "a", "cluster_id": 99999999999999999999}"#), 400, Ok(vec!["cluster_id"])),
        ("an array", body(json_type, "[1]"), 400, Ok(vec!["non_field_errors"])),
        ("a string", body(json_type, "\"x\""), 400, Ok(vec!["non_field_errors"])),
        ("not JSON", body(json_type, "{\"name\": "), 400, Err("parse_error")),
        ("control characters", body(json_type, "\u{1b}[31m\u{0}"), 400, Err("parse_error")),
        ("form data", body(Some("application/x-www-form-urlencoded"), "name=a&cluster_id=53"), 415, Err("unsupported_media_type")),
        ("huge body", body(json_type, &format!("{{\"name\": \"{}\", \"cluster_id\": 53}}", "a".repeat(200_000))), 413, Err("request_too_large")),
        ("JSON with parameters", body(Some("Application/JSON; charset=utf-8"), &create_body()), 201, Ok(vec![])),
    ];
    for (case, request, status, expected) in &cases {
        let answer = request.send(&server).await;
        match expected {
            Ok(fields) if *status == 400 => {
                let body = answer.json();
                let mut keys: Vec<&str> = body
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                keys.sort_unstable();
                assert_eq!(
                    (answer.status, keys),
                    (*status, fields.clone()),
                    "{case}: {body}"
                );
                for field in fields {
                    let messages = body[field].as_array().unwrap();
                    assert!(!messages.is_empty(), "{case}");
                    assert!(
                        messages
                            .iter()
                            .all(|m| m.as_str().is_some_and(|m| !m.is_empty())),
                        "{case}"
                    );
                }
            }
            Ok(_) => assert_documented(&CREATE_NAMESPACE, &answer, case),
            Err(code) => assert_envelope(&answer, *status, code, case),
        }
    }
    // The example of the issue, exactly.
    let answer = body(json_type, r#"{"name": "my-team-a"}"#)
        .send(&server)
        .await;
    assert_eq!(answer.json(), json!({"cluster_id": [required]}));
    assert!(
        answer.json().to_string().contains(required),
        "Persian, as the service sends it"
    );
    let parse = body(json_type, "{").send(&server).await.json();
    assert!(
        parse["detail"]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error - ")
    );
    assert_eq!(server.namespace_count(), 1);
}

#[tokio::test]
async fn a_fault_on_one_operation_leaves_the_others_alone() {
    let server = MockServer::start().await.unwrap();
    server.push_fault_on(&LIST_NOTIFICATIONS, Fault::status(503), 2);
    let profile = Req::to(&GET_PROFILE, GET_PROFILE.path.into()).authorized(&server);
    let feed = Req::to(&LIST_NOTIFICATIONS, LIST_NOTIFICATIONS.path.into()).authorized(&server);
    assert_eq!(profile.send(&server).await.status, 200);
    assert_eq!(feed.send(&server).await.status, 503);
    assert_eq!(profile.send(&server).await.status, 200);
    assert_eq!(feed.send(&server).await.status, 503);
    assert_eq!(feed.send(&server).await.status, 200);
    // A fault for the next request, whatever its route, comes first.
    server.push_fault_on(&GET_PROFILE, Fault::status(502), 1);
    server.push_fault(Fault::status(429), 1);
    assert_eq!(profile.send(&server).await.status, 429);
    assert_eq!(profile.send(&server).await.status, 502);
    assert_eq!(profile.send(&server).await.status, 200);
    // And it applies to unknown paths too.
    server.push_fault(Fault::status(503), 1);
    let unknown = Req {
        path: "/api/v1/nope/".into(),
        ..profile.clone()
    };
    assert_eq!(unknown.send(&server).await.status, 503);
    assert_eq!(unknown.send(&server).await.status, 404);
    assert_eq!(server.request_count_on(&GET_PROFILE), 5);
    assert_eq!(server.request_count_on(&LIST_NOTIFICATIONS), 3);
}

#[tokio::test]
async fn a_crafted_page_can_be_served_for_the_feed() {
    let server = MockServer::start().await.unwrap();
    let crafted =
        json!({"count": 1, "next": "http://elsewhere.example/x", "previous": null, "results": []});
    server.push_fault_on(
        &LIST_NOTIFICATIONS,
        Fault::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: crafted.to_string().into_bytes(),
        },
        1,
    );
    let feed = Req::to(&LIST_NOTIFICATIONS, LIST_NOTIFICATIONS.path.into()).authorized(&server);
    assert_eq!(feed.send(&server).await.json(), crafted);
    assert_eq!(feed.send(&server).await.json()["count"], 37);
}

#[tokio::test]
async fn a_delayed_create_is_performed_after_the_delay_even_if_the_client_gave_up() {
    let server = MockServer::start().await.unwrap();
    server.push_fault_on(
        &CREATE_NAMESPACE,
        Fault::Delay(Duration::from_millis(400)),
        1,
    );
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let create = Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.into())
        .authorized(&server)
        .json_body(&create_body());
    let error = create
        .request(&impatient, &server)
        .send()
        .await
        .expect_err("the client gives up first");
    assert!(error.is_timeout(), "{error}");
    // Not yet: the create happens after the delay.
    assert_eq!(server.namespace_count(), 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while server.namespace_count() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "never created");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.namespace_count(), 1);
    assert_eq!(server.request_count_on(&CREATE_NAMESPACE), 1);
}

#[tokio::test]
async fn mangled_answers_still_act_and_close_does_not() {
    let server = MockServer::start().await.unwrap();
    let create = Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.into())
        .authorized(&server)
        .json_body(&create_body());
    // Closed before any answer: the client sees an error, nothing is created.
    server.push_fault_on(&CREATE_NAMESPACE, Fault::Close, 1);
    let error = create.request(&client(), &server).send().await.unwrap_err();
    assert!(!error.is_timeout() && error.status().is_none(), "{error}");
    assert_eq!(
        (
            server.namespace_count(),
            server.request_count_on(&CREATE_NAMESPACE)
        ),
        (0, 1)
    );
    // A truncated answer: the namespace exists, the body never completes.
    server.push_fault_on(&CREATE_NAMESPACE, Fault::Truncated, 1);
    let response = create.request(&client(), &server).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.bytes().await.is_err());
    assert_eq!(server.namespace_count(), 1);
    // A malformed answer to the feed: 200 and half a page.
    server.push_fault_on(&LIST_NOTIFICATIONS, Fault::Malformed, 1);
    let feed = Req::to(&LIST_NOTIFICATIONS, LIST_NOTIFICATIONS.path.into()).authorized(&server);
    let answer = feed.send(&server).await;
    assert_eq!(answer.status, 200);
    assert!(serde_json::from_slice::<Value>(&answer.body).is_err());
    assert!(answer.body.starts_with(b"{\"count\":37"));
    // An oversized delete answer: 200 (204 cannot carry a body), padded `{}`.
    let id = hamravesh_mock::FIRST_NAMESPACE_ID;
    server.push_fault_on(&DELETE_NAMESPACE, Fault::Oversized(1000), 1);
    let answer = Req::to(&DELETE_NAMESPACE, delete_path(&id.to_string()))
        .authorized(&server)
        .send(&server)
        .await;
    assert_eq!((answer.status, answer.body.len()), (200, 1000));
    assert_eq!(server.namespace_count(), 0);
    // The connection closed by Fault::Close did not stop the mock.
    assert_eq!(feed.send(&server).await.status, 200);
}

#[tokio::test]
async fn refused_connections_never_reach_the_mock_then_it_listens_again() {
    let server = MockServer::start().await.unwrap();
    let create = Req::to(&CREATE_NAMESPACE, CREATE_NAMESPACE.path.into())
        .authorized(&server)
        .json_body(&create_body());
    // A connection kept alive from before the pause.
    let kept = reqwest::Client::builder().no_proxy().build().unwrap();
    let profile = Req::to(&GET_PROFILE, GET_PROFILE.path.into()).authorized(&server);
    assert_eq!(profile.send_with(&kept, &server).await.status, 200);
    server
        .refuse_connections_for(Duration::from_millis(500))
        .await;
    let fresh = reqwest::Client::builder().no_proxy().build().unwrap();
    let error = create.request(&fresh, &server).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(server.request_count_on(&CREATE_NAMESPACE), 0);
    // Connections already open still work.
    assert_eq!(profile.send_with(&kept, &server).await.status, 200);
    // After the pause, the same address answers again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match create.request(&fresh, &server).send().await {
            Ok(response) => {
                assert_eq!(response.status(), 201);
                break;
            }
            Err(error) => {
                assert!(error.is_connect(), "{error:?}");
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "never listened again"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    assert_eq!(
        (
            server.request_count_on(&CREATE_NAMESPACE),
            server.namespace_count()
        ),
        (1, 1)
    );
    assert_eq!(server.namespaces(ORG)[0].name, "my-team-staging");
}
