//! `hamravesh profile`: build the client from the shared flags (`client_cmd`), fetch, print.

use hamravesh::Error;
use hamravesh::types::Document;

use crate::Failure;
use crate::args::ProfileArgs;
use crate::client_cmd::{self, classify};
use crate::output::describe;

/// Runs the command.
pub async fn run(args: ProfileArgs) -> Result<(), Failure> {
    let session = client_cmd::connect(&args.client).await?;
    let client = &session.client;
    if args.json {
        let body = client.profile_json().await.map_err(classify)?;
        // Decode first so that --json never prints a payload that breaks the documented shape.
        Document::Profile
            .decodes(&body)
            .map_err(|e| classify(Error::from_decode(e, &body)))?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
            Failure::Remote(format!("the API's response is not JSON: {}", describe(&e)))
        })?;
        crate::output::print_json(&value)?;
    } else {
        let profile = client.get_profile().await.map_err(classify)?;
        crate::print_stdout(&crate::render::profile(&profile))?;
    }
    Ok(())
}
