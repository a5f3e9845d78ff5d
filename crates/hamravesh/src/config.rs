//! Checks on configuration before anything is sent: the base URL and the API key.

use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{BaseUrlError, ConfigError, MAX_URL_CHARS};
use crate::text::one_line;

/// The longest base URL accepted. Real ones are a few dozen bytes; hyper refuses a request URI
/// of 64 KiB, and every attempt would fail the same way.
pub(crate) const MAX_BASE_URL_LEN: usize = 2048;

/// Parses the base URL and refuses plain HTTP to anything but a loopback host.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |source: BaseUrlError| ConfigError::InvalidBaseUrl {
        url: shown_url(raw),
        source,
    };
    let trimmed = raw.trim();
    if trimmed.len() > MAX_BASE_URL_LEN {
        return Err(invalid(BaseUrlError::TooLong {
            len: trimmed.len(),
            max: MAX_BASE_URL_LEN,
        }));
    }
    let url = Url::parse(trimmed).map_err(|error| invalid(error.into()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(BaseUrlError::Credentials));
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(invalid(BaseUrlError::NoHost));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(BaseUrlError::QueryOrFragment));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ConfigError::InsecureBaseUrl {
            host: one_line(url.host_str().unwrap_or_default(), MAX_URL_CHARS),
        }),
        other => Err(invalid(BaseUrlError::Scheme(one_line(other, 20)))),
    }
}

/// A URL as it may appear in a message, never with anything that could be a credential: when
/// the text holds an `@` anywhere, only its scheme and the part after the LAST `@` up to the next
/// `/`, `?` or `#` are shown (a password may itself hold `/`, `?`, `#` or `@`, so no parse of the
/// authority is trusted). Otherwise the URL is shown whole. Either way on one line, cut to
/// [`MAX_URL_CHARS`] characters, control characters escaped.
pub(crate) fn shown_url(raw: &str) -> String {
    let raw = raw.trim();
    // A scheme is letters, digits, `+`, `-` and `.` after a letter; anything else before `://`
    // is not one and is not shown (it could be part of a credential).
    let scheme = raw.find("://").map(|at| &raw[..at]).filter(|scheme| {
        scheme.len() <= 20
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let shown = match raw.rfind('@') {
        Some(at) => {
            let after = &raw[at + 1..];
            let host = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
            // Cut before joining so a huge URL is not copied whole.
            let host: String = host.chars().take(MAX_URL_CHARS + 1).collect();
            match scheme {
                Some(scheme) => format!("{scheme}://{host}"),
                None => host,
            }
        }
        None => raw.chars().take(MAX_URL_CHARS + 1).collect(),
    };
    one_line(&shown, MAX_URL_CHARS)
}

/// Whether the URL's host is a loopback address (127.0.0.0/8, ::1) or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The endpoint URL: the base URL's path (if any) followed by `path`.
pub(crate) fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{path}", base.path().trim_end_matches('/'));
    url.set_path(&joined);
    url
}

/// The longest organization name sent. Real names are short slugs; a longer one is a mistake
/// (a pasted document, say) that no server would take in a header.
pub(crate) const MAX_ORGANIZATION_LEN: usize = 256;

/// The `x-organization` header value for an organization's name (its slug), checked: not empty,
/// at most [`MAX_ORGANIZATION_LEN`] bytes, visible ASCII only (no space, control character or
/// non-ASCII letter, none of which a slug holds and some of which a header cannot carry).
pub(crate) fn organization(name: &str) -> Result<HeaderValue, ConfigError> {
    let invalid = |reason| ConfigError::InvalidOrganization {
        name: one_line(name, 60),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.len() > MAX_ORGANIZATION_LEN {
        return Err(invalid("it is longer than any organization name"));
    }
    if !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "an organization name holds only visible ASCII characters (no spaces, line breaks or other letters)",
        ));
    }
    HeaderValue::from_str(name).map_err(|_| invalid("it cannot be sent in an HTTP header"))
}

/// The `Authorization` header, marked sensitive so hyper and reqwest never print it.
pub(crate) fn authorization(key: &SecretString) -> Result<HeaderValue, ConfigError> {
    let key = key.expose_secret().trim();
    if key.is_empty() {
        return Err(ConfigError::MissingApiKey);
    }
    let mut value =
        HeaderValue::try_from(format!("Api-key {key}")).map_err(|_| ConfigError::InvalidApiKey)?;
    if value
        .as_bytes()
        .iter()
        .any(|b| !b.is_ascii_graphic() && *b != b' ')
    {
        return Err(ConfigError::InvalidApiKey);
    }
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_accepted() {
        assert!(parse_base_url("https://api.hamravesh.com").is_ok());
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "http://localhost:1",
        ] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://api.hamravesh.com",
            "http://10.0.0.1",
            "http://127.0.0.1.example.com",
        ] {
            assert!(
                matches!(
                    parse_base_url(refused),
                    Err(ConfigError::InsecureBaseUrl { .. })
                ),
                "{refused}"
            );
        }
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "api.hamravesh.com",
            "ftp://x",
            "https://user:pw@x.com",
            "https://x.com/?a=1",
        ] {
            assert!(
                matches!(parse_base_url(bad), Err(ConfigError::InvalidBaseUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_are_never_shown() {
        for url in [
            "https://user:sk-LEAKME@api.hamravesh.com",
            "https://sk-LEAKME@api.hamravesh.com/x",
            "https://user:sk-LEAKME@[not a host/",
            "http://user:sk-LEAKME@127.0.0.1:9",
        ] {
            let error = parse_base_url(url).unwrap_err();
            let text = format!(
                "{error} {error:?} {}",
                std::error::Error::source(&error)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            );
            assert!(!text.contains("LEAKME"), "{text}");
            assert!(!text.contains("user"), "{text}");
        }
        let error = parse_base_url("https://user:sk-LEAKME@api.hamravesh.com").unwrap_err();
        assert_eq!(
            std::error::Error::source(&error).unwrap().to_string(),
            "credentials in the URL are not supported; the API key is sent in a header"
        );
        assert_eq!(
            error.to_string(),
            r#"invalid base URL "https://api.hamravesh.com""#
        );
    }

    #[test]
    fn no_part_of_a_credential_is_ever_shown() {
        // (base URL, what the message quotes)
        let cases = [
            (
                "https://user:sk-LEAK#x@host.example",
                "https://host.example",
            ),
            (
                "https://user:pa/ssLEAK@host.example",
                "https://host.example",
            ),
            ("https://user:sk?LEAK@host.example", "https://host.example"),
            (
                "https://user:sk@LEAK@host.example/p?q#f",
                "https://host.example",
            ),
            (
                "https://LEAK@host.example:8443/x",
                "https://host.example:8443",
            ),
            ("https://user:LEAK:@", "https://"),
            ("https://user:LEAK@/", "https://"),
            ("https://u:LEAK//x@[::1", "https://[::1"),
            ("LEAK@host.example", "host.example"),
            ("u:LE/AK://u:p@host.example", "host.example"),
            ("https://u:\u{1b}LEAK@host.example", "https://host.example"),
            (
                "https://user:sk-LEAK #x@host.example",
                "https://host.example",
            ),
        ];
        for (url, shown) in cases {
            assert_eq!(shown_url(url), shown, "{url}");
            let Err(error) = parse_base_url(url) else {
                panic!("{url} was accepted");
            };
            let text = format!(
                "{error} {error:?} {}",
                std::error::Error::source(&error)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            );
            assert!(!text.contains("LEAK"), "{url}: {text}");
        }
        // Without an `@` the URL is shown as given.
        assert_eq!(shown_url("https://x.com/a?b#c"), "https://x.com/a?b#c");
    }

    #[test]
    fn a_huge_url_is_refused_and_shortened() {
        let url = format!("https://x.com/{}", "a".repeat(64 * 1024));
        let error = parse_base_url(&url).unwrap_err();
        assert!(
            matches!(
                &error,
                ConfigError::InvalidBaseUrl {
                    source: BaseUrlError::TooLong { .. },
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().chars().count() < 150, "{error}");
        assert!(format!("{error:?}").chars().count() < 300);
        // Control characters in a URL are shown escaped.
        let error = parse_base_url("https://x.com/\u{1b}[2J?q").unwrap_err();
        assert!(!error.to_string().contains('\u{1b}'), "{error}");
    }

    #[test]
    fn endpoint_keeps_a_path_prefix() {
        let base = parse_base_url("https://x.com/prefix/").unwrap();
        assert_eq!(
            endpoint(&base, "/api/v1/users/profile").as_str(),
            "https://x.com/prefix/api/v1/users/profile"
        );
        let base = parse_base_url("https://x.com").unwrap();
        assert_eq!(
            endpoint(&base, "/api/v1/users/profile").as_str(),
            "https://x.com/api/v1/users/profile"
        );
    }

    #[test]
    fn key_with_a_line_break_is_refused_without_echoing_it() {
        let error = authorization(&SecretString::from("abc\ndef")).unwrap_err();
        assert!(matches!(error, ConfigError::InvalidApiKey));
        assert!(!error.to_string().contains("abc"));
    }

    #[test]
    fn organization_names_are_checked_before_sending() {
        for ok in ["my-team", "team_2", "a", &"x".repeat(MAX_ORGANIZATION_LEN)] {
            assert_eq!(organization(ok).unwrap().as_bytes(), ok.as_bytes());
        }
        let long = "x".repeat(MAX_ORGANIZATION_LEN + 1);
        for (bad, reason) in [
            ("", "empty"),
            (" my-team", "visible ASCII"),
            ("my team", "visible ASCII"),
            ("my-team\r\nx-evil: 1", "visible ASCII"),
            ("tab\tbed", "visible ASCII"),
            ("nul\0", "visible ASCII"),
            ("\u{7f}", "visible ASCII"),
            ("تیم", "visible ASCII"),
            ("\u{1b}]0;owned\u{7}", "visible ASCII"),
            (long.as_str(), "longer"),
        ] {
            let error = organization(bad).unwrap_err();
            let text = error.to_string();
            assert!(
                matches!(error, ConfigError::InvalidOrganization { .. }),
                "{bad:?}"
            );
            assert!(text.contains(reason), "{text}");
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(text.chars().count() < 300, "{text}");
        }
    }

    #[test]
    fn escaped_text_is_quoted_once_not_escaped_again() {
        let error = organization("\u{1b}]0;owned\u{7}").unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with(r#"invalid organization name "\u{1b}]0;owned\u{7}": "#),
            "{text}"
        );
        let error = parse_base_url("ftp\u{202e}x://host.example").unwrap_err();
        assert!(!error.to_string().contains(r"\\"), "{error}");
    }

    #[test]
    fn header_is_sensitive() {
        let value = authorization(&SecretString::from("k3y")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.as_bytes(), b"Api-key k3y");
    }
}
