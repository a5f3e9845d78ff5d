//! A balance alert and its test against the mock (the example of the mock's README).

/// Your code: the organizations whose balance is below `threshold`.
async fn low_balances(
    client: &hamravesh::Client,
    threshold: f64,
) -> Result<Vec<String>, hamravesh::Error> {
    let profile = client.get_profile().await?;
    Ok(profile
        .organizations
        .into_iter()
        .filter(|organization| organization.balance < threshold)
        .map(|organization| organization.name)
        .collect())
}

#[tokio::test]
async fn alerts_once_the_balance_drops() -> Result<(), Box<dyn std::error::Error>> {
    let server = hamravesh_mock::MockServer::builder()
        .organization_balance("my-team", 2_000_000.0) // the default is 0: below any threshold
        .start()
        .await?;
    let client = hamravesh::Client::builder()
        .api_key(server.api_key())
        .base_url(server.url())
        .build()?;
    assert!(low_balances(&client, 100_000.0).await?.is_empty());

    server.set_organization_balance("my-team", -500.0)?; // between two polls
    assert_eq!(low_balances(&client, 100_000.0).await?, ["my-team"]);
    Ok(())
}
