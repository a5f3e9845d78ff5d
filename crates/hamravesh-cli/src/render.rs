//! The human-readable profile: who, how verified, and a table of organizations.
//!
//! Every string from the server passes through [`terminal_safe`]: a name holding `ESC ]0;…`
//! would otherwise retitle the user's terminal, `ESC[2J` clear it, and U+202E reverse what
//! follows. Persian text and emoji are printed as they are. (`--json` does not come here.)

use std::fmt::Write;

use hamravesh::Profile;
use hamravesh::text::terminal_safe;

/// Renders the profile for people.
pub fn profile(profile: &Profile) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} <{}>",
        terminal_safe(&profile.full_name),
        terminal_safe(&profile.email)
    );
    let _ = writeln!(
        out,
        "email verified: {} · account verified: {} · mobile verified: {} · national id verified: {}",
        yes_no(profile.is_email_verified),
        yes_no(profile.is_verified),
        yes_no(profile.is_mobile_verified),
        yes_no(profile.is_national_id_verified),
    );
    let _ = writeln!(
        out,
        "member since {}",
        profile.creation_time.format("%Y-%m-%d")
    );
    let _ = writeln!(out);
    if profile.organizations.is_empty() {
        let _ = writeln!(out, "No organizations.");
        return out;
    }
    let _ = writeln!(out, "Organizations ({})", profile.organizations.len());
    let mut rows = vec![["ID", "NAME", "BALANCE", "ROLES", "RESTRICTED"].map(str::to_owned)];
    for organization in &profile.organizations {
        let id = organization.id.to_string();
        let roles = profile
            .organization_roles
            .get(&id)
            .map(|roles| terminal_safe(&roles.join(", ")).into_owned())
            .filter(|roles| !roles.is_empty())
            .unwrap_or_else(|| "-".to_owned());
        rows.push([
            id,
            terminal_safe(&organization.name).into_owned(),
            organization.balance.to_string(),
            roles,
            yes_no(organization.is_restricted).to_owned(),
        ]);
    }
    out.push_str(&table(&rows));
    out
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

/// Left-aligned columns separated by two spaces, widths in characters (of the escaped text, so
/// the columns line up with what the terminal shows).
fn table(rows: &[[String; 5]]) -> String {
    let mut widths = [0usize; 5];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (index, (cell, width)) in row.iter().zip(widths).enumerate() {
            if index > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn renders_the_page_example() {
        let profile = hamravesh::types::decode(hamravesh_mock::DEFAULT_PROFILE.as_bytes()).unwrap();
        let text = super::profile(&profile);
        assert_eq!(
            text,
            "email@example.com <email@example.com>\n\
             email verified: yes · account verified: yes · mobile verified: no · national id verified: no\n\
             member since 2022-07-26\n\
             \n\
             Organizations (1)\n\
             ID    NAME     BALANCE  ROLES  RESTRICTED\n\
             1598  my-team  0        owner  no\n"
        );
    }
}
