//! Which organization an organization-scoped command acts for.
//!
//! `--org NAME` if given (never blank: `args` refuses that); else `HAMRAVESH_ORGANIZATION` if set and not blank (ignored with
//! `--mock`, like the other variables; surrounding blanks ignored, as the client does for
//! `HAMRAVESH_BASE_URL`, `HAMRAVESH_PROXY` and `HAMRAVESH_API_KEY`); else the profile is read (one
//! request) and its only organization is used. With none, or several and none chosen, it is a
//! usage error (exit 2); several are listed by name, each made safe for a terminal and the list
//! bounded. A name given that no request can carry (spaces, line breaks, …) is a usage error
//! quoting it as given, escaped (`\r\n`), never folded into a space.

use std::ffi::OsString;

use hamravesh::ConfigError;
use hamravesh::text::one_line;

use crate::Failure;
use crate::client_cmd::{Session, classify};
use crate::output::safe_line;

/// The environment variable naming the organization.
pub const ORGANIZATION_ENV: &str = "HAMRAVESH_ORGANIZATION";

/// The most organization names an error lists.
const MAX_LISTED: usize = 20;

/// The longest organization name quoted in an error, in characters.
const MAX_NAME_CHARS: usize = 60;

/// The organization to act for (see the module's documentation).
pub async fn resolve(session: &Session, flag: Option<&str>) -> Result<String, Failure> {
    if let Some(name) = named(session, flag)? {
        return Ok(name);
    }
    let profile = session.client.get_profile().await.map_err(classify)?;
    let name = only_one(
        profile
            .organizations
            .into_iter()
            .map(|organization| organization.name)
            .collect(),
    )?;
    // The profile's name, not the user's: one no request can carry is the answer's fault.
    if hamravesh::check_organization(&name).is_err() {
        return Err(Failure::Remote(format!(
            "the profile's only organization is named \"{}\", which cannot be sent in the x-organization header; the API gave a name no request can carry",
            one_line(&name, MAX_NAME_CHARS)
        )));
    }
    Ok(name)
}

/// The organization the flag names or, failing that, the variable (not with `--mock`); `None`
/// if neither names one.
pub fn named(session: &Session, flag: Option<&str>) -> Result<Option<String>, Failure> {
    let variable = if session.is_mock() {
        None
    } else {
        std::env::var_os(ORGANIZATION_ENV)
    };
    chosen(flag, variable)
}

/// The organization named by the flag (never blank: the parser refuses that) or, failing that,
/// by the variable's value, surrounding blanks removed; `None` if neither names one. A variable
/// that is not UTF-8, and a name no request can carry, are usage errors.
fn chosen(flag: Option<&str>, variable: Option<OsString>) -> Result<Option<String>, Failure> {
    if let Some(name) = flag {
        return checked(name, name, "--org").map(Some);
    }
    match variable.map(OsString::into_string) {
        None => Ok(None),
        Some(Ok(name)) if name.trim().is_empty() => Ok(None),
        Some(Ok(name)) => checked(name.trim(), &name, ORGANIZATION_ENV).map(Some),
        Some(Err(_)) => Err(Failure::Usage(format!(
            "{ORGANIZATION_ENV} is not valid UTF-8"
        ))),
    }
}

/// `name` if a request can carry it; else a usage error naming `source` and quoting the value
/// `given` as it was given (escaped, so a line break shows as `\n`, and bounded). The client
/// would refuse it too, but its message folds whitespace, hiding the cause.
fn checked(name: &str, given: &str, source: &str) -> Result<String, Failure> {
    let Err(error) = hamravesh::check_organization(name) else {
        return Ok(name.to_owned());
    };
    let reason = match error.config() {
        Some(ConfigError::InvalidOrganization { reason, .. }) => reason,
        _ => "it cannot be sent in the x-organization header",
    };
    Err(Failure::Usage(format!(
        "invalid organization name \"{}\" (from {source}): {reason}; pass the organization's `name` (its slug) as `hamravesh profile` lists it",
        safe_line(given, MAX_NAME_CHARS)
    )))
}

/// The one name of `names`, or a usage error saying there is none or listing them.
fn only_one(mut names: Vec<String>) -> Result<String, Failure> {
    match names.len() {
        1 => Ok(names.remove(0)),
        0 => Err(Failure::Usage(
            "the account has no organization, so there is nothing to act for (the profile lists none)"
                .to_owned(),
        )),
        n => {
            let mut listed: Vec<String> = names
                .iter()
                .take(MAX_LISTED)
                .map(|name| format!("\"{}\"", one_line(name, MAX_NAME_CHARS)))
                .collect();
            if n > MAX_LISTED {
                listed.push(format!("and {} more", n - MAX_LISTED));
            }
            Err(Failure::Usage(format!(
                "the account has {n} organizations ({}); choose one with --org NAME or {ORGANIZATION_ENV}",
                listed.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(result: Result<impl std::fmt::Debug, Failure>) -> String {
        match result {
            Err(Failure::Usage(message)) => message,
            Err(_) => panic!("not a usage error"),
            Ok(value) => panic!("accepted: {value:?}"),
        }
    }

    #[test]
    fn the_flag_wins_then_the_variable_then_nothing() {
        let cases: [(Option<&str>, Option<&str>, Option<&str>); 8] = [
            (Some("flag-org"), Some("env-org"), Some("flag-org")),
            (Some("flag-org"), None, Some("flag-org")),
            (None, Some("env-org"), Some("env-org")),
            // Surrounding blanks are ignored, as in the client's other variables.
            (None, Some(" env-org "), Some("env-org")),
            (None, Some("\tenv-org\n"), Some("env-org")),
            (None, Some("  "), None),
            (None, Some(""), None),
            (None, None, None),
        ];
        for (flag, variable, expected) in cases {
            let got = chosen(flag, variable.map(OsString::from)).ok().flatten();
            assert_eq!(got.as_deref(), expected, "{flag:?} {variable:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_variable_that_is_not_utf8_is_a_usage_error() {
        use std::os::unix::ffi::OsStringExt;
        let value = OsString::from_vec(vec![0xff, b'x']);
        assert!(usage(chosen(None, Some(value))).contains(ORGANIZATION_ENV));
    }

    #[test]
    fn a_name_no_request_can_carry_is_quoted_as_given_escaped() {
        let cases = [
            (
                Some("my-team\r\nx-evil: 1"),
                None,
                r#""my-team\r\nx-evil: 1" (from --org)"#,
            ),
            (Some(" my-team"), None, r#"" my-team" (from --org)"#),
            (
                None,
                Some(" my\tteam "),
                r#"" my\tteam " (from HAMRAVESH_ORGANIZATION)"#,
            ),
        ];
        for (flag, variable, quoted) in cases {
            let message = usage(chosen(flag, variable.map(OsString::from)));
            assert!(message.contains("invalid organization name"), "{message}");
            assert!(message.contains(quoted), "{message}");
            assert!(!message.chars().any(char::is_control), "{message:?}");
        }
    }

    #[test]
    fn only_one_organization_is_taken_several_are_listed_safely() {
        assert_eq!(
            only_one(vec!["my-team".to_owned()]).ok().as_deref(),
            Some("my-team")
        );
        assert!(usage(only_one(Vec::new())).contains("no organization"));
        let message = usage(only_one(vec![
            "a-team".to_owned(),
            "evil\u{1b}[2J".to_owned(),
            "x".repeat(10_000),
        ]));
        assert!(message.contains("3 organizations"), "{message}");
        assert!(message.contains(r#""a-team""#), "{message}");
        assert!(message.contains(r#""evil\u{1b}[2J""#), "{message}");
        assert!(!message.contains('\u{1b}'), "{message}");
        assert!(message.len() < 500, "{message}");
        let many: Vec<String> = (0..1000).map(|i| format!("org-{i}")).collect();
        let message = usage(only_one(many));
        assert!(message.contains("and 980 more"), "{message}");
        assert!(!message.contains("org-20\""), "{message}");
    }
}
