//! What the CLI's end-to-end tests share: the binary with a clean environment, and a mock with the
//! runtime serving it.
#![allow(dead_code)] // each test binary uses its own part
#![allow(clippy::unwrap_used)] // a mock that cannot start should fail the test loudly

use std::process::{Command, Stdio};

use hamravesh_mock::{MockBuilder, MockServer};
use hamravesh_test_support::{Run, run};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_hamravesh");

/// The binary with a clean environment (no key, base URL, organization or logging) and stdin
/// that is not a terminal.
pub fn hamravesh() -> Command {
    let mut command = hamravesh_test_support::command(BIN);
    command.stdin(Stdio::null());
    command
}

/// A mock and the runtime serving it (dropped after it).
pub struct Mock {
    pub server: MockServer,
    pub runtime: tokio::runtime::Runtime,
}

impl Mock {
    /// The mock with its defaults.
    pub fn start() -> Self {
        Self::with(MockServer::builder())
    }

    /// The mock `builder` makes.
    pub fn with(builder: MockBuilder) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(builder.start()).unwrap();
        Self { server, runtime }
    }

    /// The binary pointed at this mock with its key: `hamravesh ARGS --base-url URL`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = hamravesh();
        command
            .args(args)
            .args(["--base-url", &self.server.url()])
            .env("HAMRAVESH_API_KEY", self.server.api_key());
        command
    }

    /// Runs `hamravesh ARGS --base-url URL` with the key.
    pub fn run(&self, args: &[&str]) -> Run {
        run(&mut self.command(args))
    }
}
