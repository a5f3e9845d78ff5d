//! `hamravesh mock`: run the local fake of the API until Ctrl-C.

use std::path::Path;

use hamravesh::text::terminal_safe;
use hamravesh_mock::MockServer;

use crate::Failure;
use crate::args::MockArgs;

/// The largest `--fixture` or `--notifications` file read, in bytes (16 MiB): four times the
/// client's cap on a response body, and no more memory than that however big (or endless, as
/// `/dev/zero`) the file is.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Runs the command.
pub async fn run(args: MockArgs) -> Result<(), Failure> {
    check_api_key(&args.api_key)?;
    let mut builder = MockServer::builder().addr(args.addr).api_key(args.api_key);
    if let Some(path) = &args.fixture {
        builder = builder.profile_json(read_capped(path, MAX_FILE_BYTES)?);
    }
    if let Some(path) = &args.notifications {
        builder = builder.notifications_json(read_capped(path, MAX_FILE_BYTES)?);
    }
    let server = builder
        .start()
        .await
        .map_err(|e| Failure::Usage(crate::output::describe(&e)))?;
    // Both lines are a courtesy: if nobody reads them (closed pipes) the mock keeps serving.
    // Stdout that cannot be written otherwise (a full disk) is a failure, as in every command.
    crate::print_stdout(&format!("listening on {}\n", server.url()))?;
    // The key holds no control character (checked above); anything else a terminal would act
    // on (a bidi override) is escaped.
    crate::print_stderr(&format!(
        "try: curl -H 'Authorization: Api-key {}' {}{}\n",
        terminal_safe(server.api_key()),
        server.url(),
        hamravesh::types::operations::GET_PROFILE.path,
    ));
    tokio::select! {
        () = server.wait() => Ok(()),
        signal = tokio::signal::ctrl_c() => signal.map_err(|e| Failure::Usage(format!("cannot wait for Ctrl-C: {e}"))),
    }
}

/// Refuses an `--api-key` no client could send, without quoting it (it is a key, and its
/// control characters would reach the terminal): a blank one (the client sends none, so every
/// request would be refused) and one holding control characters (no HTTP header carries them).
fn check_api_key(key: &str) -> Result<(), Failure> {
    if key.trim().is_empty() {
        return Err(Failure::Usage(
            "--api-key must not be empty or blank: clients send no blank key".to_owned(),
        ));
    }
    if key.contains(char::is_control) {
        return Err(Failure::Usage(
            "--api-key must not hold control characters (line breaks, tabs, escapes): no HTTP header carries them".to_owned(),
        ));
    }
    Ok(())
}

/// The file's bytes, reading at most `max + 1` of them: a larger (or endless) file is a usage
/// error, never a read without end.
fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, Failure> {
    let cannot = |e: std::io::Error| Failure::Usage(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let bytes = crate::capped::read(file, max, 0).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(Failure::Usage(format!(
            "{} is larger than {} MiB, the most the mock reads",
            path.display(),
            max / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_key_or_one_with_control_characters_is_refused_unquoted() {
        assert!(check_api_key("demo-key").is_ok());
        assert!(check_api_key("sk 123").is_ok());
        for bad in [
            "",
            "  ",
            "a\u{1b}[2Jb",
            "a\nb",
            "a\tb",
            "a\u{7f}",
            "a\u{9b}b",
        ] {
            match check_api_key(bad) {
                Err(Failure::Usage(message)) => {
                    assert!(message.starts_with("--api-key must not"), "{message}");
                    assert!(!message.contains(char::is_control), "{message:?}");
                }
                _ => panic!("{bad:?} accepted"),
            }
        }
    }

    #[test]
    fn files_are_read_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("f.json");
        for (len, accepted) in [(0, true), (10, true), (11, false), (1000, false)] {
            std::fs::write(&path, vec![b' '; len]).unwrap_or_else(|e| panic!("{e}"));
            match read_capped(&path, 10) {
                Ok(bytes) => assert!(accepted && bytes.len() == len, "{len}"),
                Err(Failure::Usage(message)) => {
                    assert!(!accepted, "{len}: {message}");
                    assert!(message.contains("larger than"), "{message}");
                }
                Err(_) => panic!("{len}: not a usage error"),
            }
        }
    }
}
