//! Prints the signed-in user's name and organizations.
//!
//! ```sh
//! HAMRAVESH_API_KEY=... cargo run -p hamravesh --example profile
//! ```
//! Without a key, it starts the local mock and talks to that instead. On failure it prints the
//! error's one-line message with its causes (`{:#}`) and exits 2 for a configuration problem,
//! 1 for anything else.

use hamravesh::Client;

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error: {error:#}");
        std::process::exit(if error.is_config() { 2 } else { 1 });
    }
}

async fn run() -> Result<(), hamravesh::Error> {
    // With no key in the environment, demonstrate against the local mock.
    let _mock;
    let client = if std::env::var_os(hamravesh::API_KEY_ENV).is_some() {
        Client::from_env()?
    } else {
        let server = match hamravesh_mock::MockServer::start().await {
            Ok(server) => server,
            Err(error) => {
                eprintln!("error: cannot start the local mock: {error}");
                std::process::exit(1);
            }
        };
        let client = Client::builder()
            .api_key(server.api_key())
            .base_url(server.url())
            .build()?;
        _mock = server;
        client
    };
    let profile = client.get_profile().await?;
    println!("{} <{}>", profile.full_name, profile.email);
    for organization in &profile.organizations {
        println!(
            "  #{} {} balance {}",
            organization.id, organization.name, organization.balance
        );
    }
    Ok(())
}
