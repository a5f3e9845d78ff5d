//! The command line around the commands: completion scripts, the man page, colour and progress
//! lines only where a person is looking.
#![allow(clippy::unwrap_used)]

mod common;

use common::hamravesh;

const SUBCOMMANDS: [&str; 9] = [
    "profile",
    "notifications",
    "namespaces",
    "mock",
    "validate",
    "schema",
    "balance",
    "exporter",
    "api",
];

#[test]
fn every_shell_gets_a_completion_script_naming_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = hamravesh().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for subcommand in SUBCOMMANDS {
            assert!(script.contains(subcommand), "{shell}: no {subcommand}");
        }
        assert!(script.contains("--total-timeout"), "{shell}: no flags");
    }
    let output = hamravesh().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// The committed man page is what `hamravesh man` prints now.
#[test]
fn the_committed_man_page_is_fresh() {
    let output = hamravesh().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(
        page.starts_with(".ie"),
        "not roff: {}",
        &page[..page.len().min(200)]
    );
    for subcommand in SUBCOMMANDS {
        assert!(page.contains(subcommand), "no {subcommand}");
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/doc/hamravesh.1");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == page,
        "{path} is stale: run `cargo run -p hamravesh-cli -- man > crates/hamravesh-cli/doc/hamravesh.1`"
    );
}

/// Help is styled only when asked for: `CLICOLOR_FORCE` turns it on off a terminal, `NO_COLOR`
/// wins over it, and a pipe gets plain text.
#[test]
fn colour_only_when_wanted() {
    let help = |env: &[(&str, &str)]| {
        let mut command = hamravesh();
        command.arg("--help");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        output.stdout.contains(&0x1b)
    };
    assert!(!help(&[]), "styled help on a pipe");
    assert!(
        help(&[("CLICOLOR_FORCE", "1")]),
        "CLICOLOR_FORCE did not style"
    );
    assert!(
        !help(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        "NO_COLOR ignored"
    );
}

/// With stderr not a terminal, long work writes no progress line: stderr holds only what it
/// held before (the summary, errors), no carriage return or escape sequence.
#[test]
fn no_progress_bytes_off_a_terminal() {
    let output = hamravesh()
        .args(["notifications", "--mock", "--all", "--limit", "1", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let payload = hamravesh_mock::DEFAULT_PROFILE;
    for i in 0..600 {
        std::fs::write(dir.path().join(format!("{i:04}.json")), payload).unwrap();
    }
    let output = hamravesh()
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "600 valid, 0 invalid\n"
    );
}

/// On a terminal the line is drawn: tried through `script`, which runs the command on a
/// pseudo-terminal (skipped where `script` is not installed).
#[cfg(unix)]
#[test]
fn progress_on_a_terminal() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_script {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for i in 0..600 {
        let name = dir.path().join(format!("{i:04}.json"));
        std::fs::write(name, hamravesh_mock::DEFAULT_PROFILE).unwrap();
    }
    let command = format!("{} validate {}", common::BIN, dir.path().display());
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{screen}");
    assert!(screen.contains("payloads checked"), "{screen}");
    assert!(screen.contains("600 valid, 0 invalid"), "{screen}");
}
