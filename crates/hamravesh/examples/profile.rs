//! Prints the signed-in user's name and organizations.
//!
//! ```sh
//! HAMRAVESH_API_KEY=... cargo run -p hamravesh --example profile
//! ```
//! Without a key, it starts the local mock and talks to that instead.

use hamravesh::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // With no key in the environment, demonstrate against the local mock.
    let _mock;
    let client = if std::env::var_os(hamravesh::API_KEY_ENV).is_some() {
        Client::from_env()?
    } else {
        let server = hamravesh_mock::MockServer::start().await?;
        let client = Client::builder()
            .api_key(server.api_key())
            .base_url(server.url())
            .build()?;
        _mock = server;
        client
    };
    let profile = client.profile().await?;
    println!("{} <{}>", profile.full_name, profile.email);
    for organization in &profile.organizations {
        println!(
            "  #{} {} balance {}",
            organization.id, organization.name, organization.balance
        );
    }
    Ok(())
}
