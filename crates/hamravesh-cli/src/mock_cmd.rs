//! `hamravesh mock`: run the local fake of the API until Ctrl-C.

use hamravesh_mock::MockServer;

use crate::Failure;
use crate::args::MockArgs;

/// Runs the command.
pub async fn run(args: MockArgs) -> Result<(), Failure> {
    let mut builder = MockServer::builder().addr(args.addr).api_key(args.api_key);
    if let Some(path) = &args.fixture {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        builder = builder.profile_json(bytes);
    }
    if let Some(path) = &args.notifications {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
        builder = builder.notifications_json(bytes);
    }
    let server = builder
        .start()
        .await
        .map_err(|e| Failure::Usage(crate::output::describe(&e)))?;
    // Both lines are a courtesy: if nobody reads them (closed pipes) the mock keeps serving.
    crate::print_stdout(&format!("listening on {}\n", server.url()));
    crate::print_stderr(&format!(
        "try: curl -H 'Authorization: Api-key {}' {}{}\n",
        server.api_key(),
        server.url(),
        hamravesh::types::operations::GET_PROFILE.path,
    ));
    tokio::select! {
        () = server.wait() => Ok(()),
        signal = tokio::signal::ctrl_c() => signal.map_err(|e| Failure::Usage(format!("cannot wait for Ctrl-C: {e}"))),
    }
}
