//! The client's generated method of every operation of the list (which is also every operation
//! the OpenAPI document describes: `hamravesh-types/tests/openapi.rs` holds the document to the
//! list) calls that operation on the mock, once. An operation added to `schema/operations.json`
//! gets its method from `cargo xtask gen`; `cargo xtask new-operation` proves that for a fifth.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use hamravesh::types::namespaces::CreateNamespace;
use hamravesh::types::operations::ALL;
use hamravesh::{Client, ListNotificationsQuery};
use hamravesh_mock::MockServer;

const KEY: &str = "mock-key";
/// The organization of the mock's default profile, and the cluster it may use.
const ORG: &str = "my-team";
const CLUSTER: i64 = 53;

#[tokio::test]
async fn every_listed_operation_has_a_client_method_that_calls_it() {
    let server = MockServer::builder().api_key(KEY).start().await.unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .build()
        .unwrap();
    // Created first, so that the delete has a namespace to delete.
    let request: CreateNamespace = CreateNamespace::builder()
        .name("my-team-every-operation")
        .cluster_id(CLUSTER)
        .try_into()
        .unwrap();
    let created = client.create_namespace(ORG, &request).await.unwrap();
    for operation in ALL {
        let before = server.request_count_on(operation);
        match operation.id {
            "get_profile" => drop(client.get_profile().await.unwrap()),
            "list_notifications" => {
                let query = ListNotificationsQuery::default().limit(5).offset(0);
                let page = client.list_notifications(ORG, &query).await.unwrap();
                assert!(page.results.len() <= 5);
            }
            "create_namespace" => drop(client.create_namespace(ORG, &request).await.unwrap()),
            "delete_namespace" => client.delete_namespace(ORG, created.id).await.unwrap(),
            other => panic!("this test does not call the listed operation {other} yet"),
        }
        assert_eq!(
            server.request_count_on(operation),
            before + 1,
            "{}: the method did not call it once",
            operation.id
        );
    }
}
