//! What the commands print for people: the profile (who, how verified, a table of
//! organizations), the notification feed as a table, a created namespace.
//!
//! Every string from the server passes through [`one_line`]: made safe for a terminal (a name
//! holding `ESC ]0;…` would otherwise retitle the user's terminal, `ESC[2J` clear it, and U+202E
//! reverse what follows) and then bounded to a fixed number of characters, so what is printed
//! grows with the number of rows, never with the length of a string the server chose. Persian
//! text and emoji are printed as they are. (`--json` does not come here.)

use std::fmt::Write;

use hamravesh::Profile;
use hamravesh::text::one_line;
use hamravesh::types::namespaces::Namespace;
use hamravesh::types::notifications::Notification;

/// The longest notification title shown in the table, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The longest notification type shown in the table, in characters.
const MAX_TYPE_CHARS: usize = 40;

/// The longest name (of a namespace or cluster) shown, in characters.
const MAX_NAME_CHARS: usize = 200;

/// The longest organization name shown in the profile's table, in characters (escapes
/// included, then `…`). Every cell of a table is bounded: the table pads each row to its
/// widest cell, so one huge name would otherwise multiply into every row.
pub const MAX_ORGANIZATION_CHARS: usize = 60;

/// The longest list of an organization's roles shown, in characters.
const MAX_ROLES_CHARS: usize = 60;

/// The longest full name or email address shown, in characters.
const MAX_PERSON_CHARS: usize = 100;

/// Renders the profile for people.
pub fn profile(profile: &Profile) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} <{}>",
        one_line(&profile.full_name, MAX_PERSON_CHARS),
        one_line(&profile.email, MAX_PERSON_CHARS)
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
            .map(|roles| bounded_join(roles, MAX_ROLES_CHARS))
            .filter(|roles| !roles.is_empty())
            .unwrap_or_else(|| "-".to_owned());
        rows.push([
            id,
            one_line(&organization.name, MAX_ORGANIZATION_CHARS),
            organization.balance.to_string(),
            roles,
            yes_no(organization.is_restricted).to_owned(),
        ]);
    }
    out.push_str(&table(&rows));
    out
}

/// The notifications as a table: time (UTC, to the minute), an unread mark, the type, and the
/// title on one line with its HTML removed, escaped and cut to [`MAX_TITLE_CHARS`].
pub fn notifications(items: &[Notification]) -> String {
    let mut rows = vec![["TIME (UTC)", "NEW", "TYPE", "TITLE"].map(str::to_owned)];
    for item in items {
        rows.push([
            item.timestamp.format("%Y-%m-%d %H:%M").to_string(),
            if item.unread { "*" } else { "" }.to_owned(),
            one_line(&item.target_type, MAX_TYPE_CHARS),
            one_line(&strip_html(&item.title), MAX_TITLE_CHARS),
        ]);
    }
    table(&rows)
}

/// A created namespace: its id, name and cluster.
pub fn namespace(namespace: &Namespace) -> String {
    let cluster = &namespace.cluster;
    let mut place = Vec::new();
    if let Some(id) = cluster.id {
        place.push(format!("id {id}"));
    }
    if let Some(serde_json::Value::String(country)) = &cluster.location_country {
        place.push(one_line(country, MAX_TYPE_CHARS));
    }
    if cluster.is_on_premise == Some(true) {
        place.push("on premise".to_owned());
    }
    let cluster_text = match (&cluster.name, place.is_empty()) {
        (Some(name), true) => one_line(name, MAX_NAME_CHARS),
        (Some(name), false) => format!("{} ({})", one_line(name, MAX_NAME_CHARS), place.join(", ")),
        (None, false) => place.join(", "),
        (None, true) => "-".to_owned(),
    };
    format!(
        "id       {}\nname     {}\ncluster  {}\n",
        namespace.id,
        one_line(&namespace.name, MAX_NAME_CHARS),
        cluster_text
    )
}

/// `html` as plain text: tags and comments removed (a tag that breaks a line, such as `<br>`,
/// `<p>` or `<li>`, becomes a space), the common character references decoded. A `<` that
/// does not open a tag is kept, and so is an unclosed tag's text. Linear in the input. The
/// result is not yet safe for a terminal (a reference may decode to a control character).
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut closing_left = true;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(after) = tail.strip_prefix('&') {
            match character_reference(after) {
                Some((decoded, used)) => {
                    out.push(decoded);
                    rest = &after[used..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            }
            continue;
        }
        if let Some(comment) = tail.strip_prefix("<!--") {
            match comment.find("-->") {
                Some(end) => {
                    rest = &comment[end + 3..];
                    continue;
                }
                // An unclosed comment hides the rest, as in a browser.
                None => {
                    rest = "";
                    break;
                }
            }
        }
        let opens_tag = tail[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        // Search for the `>` only where a tag opens, and never again once there is none left:
        // each byte is scanned a bounded number of times.
        let end = if opens_tag && closing_left {
            tail.find('>')
        } else {
            None
        };
        match end {
            Some(end) => {
                if breaks_line(&tail[1..end]) {
                    out.push(' ');
                }
                rest = &tail[end + 1..];
            }
            None => {
                closing_left &= !opens_tag;
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a tag (its text between `<` and `>`) separates words: block elements and `<br>`.
fn breaks_line(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .take(10)
        .collect::<String>()
        .to_ascii_lowercase();
    "br p div li ul ol tr td th table h1 h2 h3 h4 h5 h6 hr blockquote pre section article"
        .split(' ')
        .any(|block| block == name)
}

/// The character a reference at the start of `text` (just after `&`) stands for, and how many
/// bytes of `text` it used (through the `;`); `None` if it is not a known reference.
fn character_reference(text: &str) -> Option<(char, usize)> {
    // The longest reference decoded, `#x10FFFF`, is 8 bytes; `;` is ASCII, so a char boundary.
    let end = text.bytes().take(10).position(|b| b == b';')?;
    let name = &text[..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "zwnj" => '\u{200c}',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

/// `items` joined by `, `, each one line, the whole at most `max_chars` characters (then `…`);
/// no more of the list is read than fits.
fn bounded_join(items: &[String], max_chars: usize) -> String {
    let mut joined = String::new();
    for item in items {
        if joined.chars().count() > max_chars {
            break;
        }
        if !joined.is_empty() {
            joined.push_str(", ");
        }
        joined.push_str(&one_line(item, max_chars + 1));
    }
    one_line(&joined, max_chars)
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

/// Left-aligned columns separated by two spaces, widths in characters (of the escaped text, so
/// the columns line up with what the terminal shows).
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
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
    use super::*;

    #[test]
    fn renders_the_page_example() {
        let profile: Profile = serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
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

    #[test]
    fn huge_names_do_not_widen_every_row() {
        // One organization with a long name among 1,663 ordinary ones (the shape of a hostile
        // profile): every row used to be padded to the huge name, 2.5 GB of output.
        let mut value: serde_json::Value =
            serde_json::from_str(hamravesh_mock::DEFAULT_PROFILE).unwrap();
        let template = value["organizations"][0].clone();
        let organization = |id: u64, name: String| {
            let mut organization = template.clone();
            organization["id"] = serde_json::json!(id);
            organization["name"] = serde_json::json!(name);
            organization
        };
        let mut organizations = vec![organization(1, "\u{1b}".repeat(5_000))];
        let mut roles = serde_json::Map::new();
        roles.insert(
            "1".into(),
            serde_json::json!(vec!["owner\u{202e}"; 100_000]),
        );
        for id in 2..=1_664 {
            organizations.push(organization(id, format!("team-{id}")));
        }
        value["organizations"] = serde_json::Value::Array(organizations);
        value["organization_roles"] = serde_json::Value::Object(roles);
        value["full_name"] = serde_json::json!("ن".repeat(1_000_000));
        value["email"] = serde_json::json!("\n".repeat(1_000_000));
        let profile: Profile = serde_json::from_value(value).unwrap();
        let text = super::profile(&profile);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5 + 1 + 1_664, "{}", &text[..1000]);
        let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 250, "a line of {widest} characters");
        assert!(text.len() < 1_664 * 300, "{} bytes", text.len());
        let first = lines.iter().find(|l| l.starts_with("1 ")).unwrap();
        assert!(first.contains(r"\u{1b}\u{1b}"), "{first}");
        assert!(first.contains('…'), "{first}");
        assert!(
            lines[0].chars().count() <= 2 * MAX_PERSON_CHARS + 5,
            "{}",
            lines[0]
        );
        let ordinary = lines.iter().find(|l| l.starts_with("2 ")).unwrap();
        assert!(ordinary.chars().count() <= 250, "{ordinary}");
    }

    #[test]
    fn strip_html_keeps_the_text() {
        let cases = [
            ("plain", "plain"),
            ("<p>یک <strong>دو</strong></p>", " یک دو "),
            ("a<br>b<br/>c", "a b c"),
            ("<li>one</li><li>two</li>", " one  two "),
            ("x<b>y</b>z", "xyz"),
            (
                "a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27;",
                "a & b <c> \"d\" 'e'",
            ),
            ("&nbsp;&unknown; & &;", " &unknown; & &;"),
            ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
            ("<unclosed tag", "<unclosed tag"),
            ("a<!-- hidden <b> -->b", "ab"),
            ("a<!-- never closed", "a"),
            ("&#27;]0;x&#7;", "\u{1b}]0;x\u{7}"),
            ("&#xD800;&#99999999999;", "&#xD800;&#99999999999;"),
        ];
        for (html, text) in cases {
            assert_eq!(strip_html(html), text, "{html:?}");
        }
    }

    #[test]
    fn strip_html_is_linear_on_hostile_input() {
        // Each of these would be quadratic with a naive search for `>` or `;`.
        for hostile in [
            "<a".repeat(200_000),
            "< ".repeat(200_000) + ">",
            "&".repeat(400_000),
            "<!--".repeat(100_000),
        ] {
            let started = std::time::Instant::now();
            let text = strip_html(&hostile);
            assert!(text.len() <= hostile.len());
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{:?} for {}…",
                started.elapsed(),
                &hostile[..8]
            );
        }
    }

    fn notification(title: &str, unread: bool, timestamp: &str) -> Notification {
        serde_json::from_value(serde_json::json!({
            "unread": unread, "public": true, "timestamp": timestamp, "title": title,
            "slug": 1, "description": "<p>x</p>", "target_type": "general\u{1b}[31m",
        }))
        .unwrap()
    }

    #[test]
    fn the_table_escapes_strips_and_bounds_titles() {
        let items = [
            notification(
                "<b>\u{1b}]0;pwned\u{7}</b>\u{202e}سلام\nدنیا",
                true,
                "2024-03-18T12:00:00+03:30",
            ),
            notification(&"ب".repeat(10_000), false, "2024-03-18T09:30:12.483091Z"),
        ];
        let text = notifications(&items);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[0], "TIME (UTC)        NEW  TYPE               TITLE");
        assert_eq!(
            lines[1],
            r"2024-03-18 08:30  *    general\u{1b}[31m  \u{1b}]0;pwned\u{7}\u{202e}سلام دنیا"
        );
        assert!(lines[2].starts_with(r"2024-03-18 09:30       general\u{1b}[31m  بب"));
        assert_eq!(
            lines[2].chars().count(),
            "2024-03-18 09:30       general\\u{1b}[31m  "
                .chars()
                .count()
                + MAX_TITLE_CHARS
                + 1
        );
        assert!(lines[2].ends_with('…'));
    }

    #[test]
    fn a_namespace_names_its_cluster() {
        let namespace: Namespace = serde_json::from_value(serde_json::json!({
            "id": 1001, "name": "my-team-\u{1b}[2Jstaging",
            "cluster": {"id": 53, "name": "hamravesh-c11", "location_country": "IR", "is_on_premise": false},
        }))
        .unwrap();
        assert_eq!(
            super::namespace(&namespace),
            "id       1001\nname     my-team-\\u{1b}[2Jstaging\ncluster  hamravesh-c11 (id 53, IR)\n"
        );
        let bare: Namespace =
            serde_json::from_value(serde_json::json!({"id": 7, "name": "n", "cluster": {}}))
                .unwrap();
        assert!(super::namespace(&bare).ends_with("cluster  -\n"));
    }
}
