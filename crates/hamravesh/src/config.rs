//! Checks on configuration before anything is sent: the base URL and the API key.

use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{BaseUrlError, ConfigError, MAX_URL_CHARS, PathError, shown_url};
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

/// Whether the URL's host is a loopback address (127.0.0.0/8, ::1) or `localhost`. A scheme the
/// URL parser does not know (`socks5://`) keeps its host as a name even when it is written as an
/// address: such a name is read as an address here.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(domain)) => {
            domain.eq_ignore_ascii_case("localhost")
                || domain.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// The proxy schemes reqwest speaks.
const PROXY_SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// Parses a proxy URL as reqwest reads one, so that the URL checked is the URL used: text
/// without a scheme (`127.0.0.1:3128`, or `localhost:3128`, which parses as the scheme
/// `localhost`) is read as `http://…`. Refused: blank text, text that is no URL either way, a URL
/// without a host (`socks5://`, which reqwest would read as a proxy on the host `socks5`), and a
/// scheme reqwest cannot speak (it would take the URL and then send around it). Messages quote
/// the URL only through [`shown_url`], never with its password.
pub(crate) fn parse_proxy_url(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason, source| ConfigError::InvalidProxyUrl {
        url: shown_url(raw),
        reason,
        source,
    };
    let text = raw.trim();
    if text.is_empty() {
        return Err(invalid("it is empty", None));
    }
    let no_host = || invalid("it names no host", None);
    let url = match Url::parse(text) {
        Ok(url) if url.has_host() => url,
        // A scheme and `//` but no host (`socks5://`) is not text without a scheme: reqwest
        // would read it as `http://socks5://`, a proxy on the host `socks5`.
        Ok(url)
            if text
                .get(url.scheme().len()..)
                .is_some_and(|rest| rest.starts_with("://")) =>
        {
            return Err(no_host());
        }
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => {
            Url::parse(&format!("http://{text}"))
                .map_err(|error| invalid("it does not parse as a URL", Some(error)))?
        }
        Err(error) => return Err(invalid("it does not parse as a URL", Some(error))),
    };
    if !PROXY_SCHEMES.contains(&url.scheme()) {
        return Err(ConfigError::UnsupportedProxyScheme);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(no_host());
    }
    Ok(url)
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

/// The longest request path (query included) sent, in bytes as sent: percent-encoded, so a
/// non-ASCII letter or a space counts three bytes per byte. Servers refuse longer request lines
/// (the mock at 8 KiB, nginx at 8 KiB by default), and every attempt would fail the same way.
pub const MAX_PATH_LEN: usize = 8 * 1024;

/// The organization header, from the operation list (checked when this compiles).
pub(crate) const ORGANIZATION: HeaderName =
    HeaderName::from_static(hamravesh_types::ORGANIZATION_HEADER);

/// Checks a request path and splits it at its query: it must be a path under the base URL and
/// nothing a URL parser, a proxy or a server could read as another host or as a path outside the
/// base URL's. Refused: an empty path, one over [`MAX_PATH_LEN`] bytes, an absolute URL
/// (`https://…`, `mailto:…`), a scheme-relative one (`//host`), any path not starting with `/`,
/// a backslash (read as `/`), a control character anywhere (`\r`, `\n`, NUL, …), `@` in the
/// path part, a `.` or `..` segment, a `#`, and a path part that once percent-decoded starts with
/// `//` or holds a backslash, `@`, a control character or a dot segment.
pub(crate) fn check_path(raw: &str) -> Result<(&str, Option<&str>), PathError> {
    if raw.is_empty() {
        return Err(PathError::Empty);
    }
    if raw.len() > MAX_PATH_LEN {
        return Err(PathError::TooLong {
            len: raw.len(),
            max: MAX_PATH_LEN,
        });
    }
    if raw.chars().any(char::is_control) {
        return Err(PathError::ControlCharacter);
    }
    if raw.contains('\\') {
        return Err(PathError::Backslash);
    }
    if raw.starts_with("//") {
        return Err(PathError::SchemeRelative);
    }
    if !raw.starts_with('/') {
        return Err(if looks_like_url(raw) {
            PathError::AbsoluteUrl
        } else {
            PathError::NotAbsolute
        });
    }
    if raw.contains('#') {
        return Err(PathError::Fragment);
    }
    let (path, query) = match raw.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (raw, None),
    };
    if path.contains('@') {
        return Err(PathError::UserInfo);
    }
    if has_dot_segment(path.as_bytes()) {
        return Err(PathError::DotSegment);
    }
    if path.contains('%') {
        let decoded = percent_decode(path.as_bytes());
        let bad = decoded.starts_with(b"//")
            || decoded
                .iter()
                .any(|b| b.is_ascii_control() || matches!(b, b'\\' | b'@'))
            || has_dot_segment(&decoded)
            || String::from_utf8_lossy(&decoded)
                .chars()
                .any(char::is_control);
        if bad {
            return Err(PathError::Encoded);
        }
    }
    Ok((path, query))
}

/// Whether text that does not start with `/` is a URL with a scheme (`https://x`, `mailto:x`,
/// `localhost:8080/x` reads as one too) rather than a relative path (`api/v1/x`).
fn looks_like_url(raw: &str) -> bool {
    let scheme_end = raw.find(':');
    let first_slash = raw.find('/');
    match scheme_end {
        Some(colon) => first_slash.is_none_or(|slash| colon < slash),
        None => false,
    }
}

/// Whether a path holds a `.` or `..` segment.
fn has_dot_segment(path: &[u8]) -> bool {
    path.split(|b| *b == b'/')
        .any(|segment| segment == b"." || segment == b"..")
}

/// The bytes with each `%XX` decoded (a `%` not followed by two hex digits is kept).
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            // Two hex digits are at most 255.
            out.push(u8::try_from(high * 16 + low).unwrap_or(u8::MAX));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::shown_path;

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
        // A plain path has no authority, so it is shown as typed; one that names a host is not.
        for (path, shown) in [
            ("/api/v1/x@evil.com/y", "/api/v1/x@evil.com/y"),
            ("/x/@", "/x/@"),
            ("//u:LEAK@evil.example/x", "evil.example"),
            ("/\\u:LEAK@evil.example/x", "evil.example"),
            ("https://u:LEAK@evil.example/x", "https://evil.example"),
        ] {
            assert_eq!(shown_path(path), shown, "{path}");
        }
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

    #[test]
    fn paths_under_the_base_url_are_accepted() {
        for (raw, path, query) in [
            ("/api/v1/users/profile", "/api/v1/users/profile", None),
            (
                "/api/v1/notifications/all_list/?limit=5&offset=10",
                "/api/v1/notifications/all_list/",
                Some("limit=5&offset=10"),
            ),
            ("/x?email=a@b.example", "/x", Some("email=a@b.example")),
            ("/", "/", None),
            ("/api/v1/a%20b/", "/api/v1/a%20b/", None),
            ("/api/v1/x%2Fy/", "/api/v1/x%2Fy/", None),
            ("/api/v1/سلام/", "/api/v1/سلام/", None),
            ("/a/.well-known/x", "/a/.well-known/x", None),
            ("/a/...", "/a/...", None),
            ("/a?", "/a", Some("")),
        ] {
            assert_eq!(check_path(raw), Ok((path, query)), "{raw}");
        }
    }

    #[test]
    fn hostile_paths_are_refused_with_their_reason() {
        let long = format!("/{}", "a".repeat(100 * 1024));
        for (raw, reason) in [
            ("", PathError::Empty),
            (
                long.as_str(),
                PathError::TooLong {
                    len: long.len(),
                    max: MAX_PATH_LEN,
                },
            ),
            ("http://evil.example/x", PathError::AbsoluteUrl),
            ("https://evil.example", PathError::AbsoluteUrl),
            ("HTTPS://evil.example", PathError::AbsoluteUrl),
            ("mailto:x@evil.example", PathError::AbsoluteUrl),
            ("evil.example:443/x", PathError::AbsoluteUrl),
            ("javascript:alert(1)", PathError::AbsoluteUrl),
            ("//evil.example/x", PathError::SchemeRelative),
            ("///evil.example", PathError::SchemeRelative),
            ("/\\evil.example", PathError::Backslash),
            ("\\\\evil.example", PathError::Backslash),
            ("/a\\..\\..\\x", PathError::Backslash),
            ("@evil.example", PathError::NotAbsolute),
            ("api/v1/users/profile", PathError::NotAbsolute),
            (" /api", PathError::NotAbsolute),
            ("/@evil.example", PathError::UserInfo),
            ("/x@evil.example/y", PathError::UserInfo),
            ("/api\r\nx-evil: 1", PathError::ControlCharacter),
            ("/api\nHost: evil", PathError::ControlCharacter),
            ("/api\0", PathError::ControlCharacter),
            ("/api?q=\r\n", PathError::ControlCharacter),
            ("/api\u{85}", PathError::ControlCharacter),
            ("/api\u{1b}[2J", PathError::ControlCharacter),
            ("/api/../../admin", PathError::DotSegment),
            ("/api/./x", PathError::DotSegment),
            ("/..", PathError::DotSegment),
            ("/api#frag", PathError::Fragment),
            ("/%2F%2Fevil.example", PathError::Encoded),
            ("/%2f/evil.example", PathError::Encoded),
            ("/%2e%2e/admin", PathError::Encoded),
            ("/api/%2E%2E/%2E%2E/admin", PathError::Encoded),
            ("/%5Cevil.example", PathError::Encoded),
            ("/%40evil.example", PathError::Encoded),
            ("/api%0d%0ax-evil:%201", PathError::Encoded),
            ("/api%00", PathError::Encoded),
            ("/api%C2%85", PathError::Encoded),
        ] {
            assert_eq!(check_path(raw), Err(reason.clone()), "{raw:?}");
        }
        // A `%2F%2F` that does not begin the path is a plain encoded slash.
        assert!(check_path("/%2F%2Fevil.example").is_err());
        assert!(check_path("/a/%2F%2Fevil.example").is_ok());
    }

    /// Random paths over the characters that matter to URL parsers: whatever is accepted stays
    /// on the base URL's host and under its path, also once the URL is written out and parsed
    /// again (as a proxy or server reads it), and holds no dot segment once decoded.
    #[test]
    fn accepted_paths_never_leave_the_base_url() {
        let base = parse_base_url("https://api.example/prefix/").unwrap_or_else(|e| panic!("{e}"));
        let alphabet: Vec<char> = "/\\.%2eEfF5cC0@:?#a \t\r\n\0\u{7f}\u{85}\u{202e}ش"
            .chars()
            .collect();
        // xorshift64*: deterministic, no dependency.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let mut accepted = 0;
        for _ in 0..200_000 {
            let len = 1 + (next() % 12) as usize;
            let mut path = String::from("/");
            for _ in 0..len {
                path.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let Ok((clean, query)) = check_path(&path) else {
                continue;
            };
            accepted += 1;
            let mut url = endpoint(&base, clean);
            if let Some(query) = query {
                url.set_query(Some(query));
            }
            let reparsed =
                reqwest::Url::parse(url.as_str()).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            for url in [&url, &reparsed] {
                assert_eq!(url.host_str(), Some("api.example"), "{path:?} -> {url}");
                assert_eq!(url.port(), None, "{path:?} -> {url}");
                assert!(url.username().is_empty(), "{path:?} -> {url}");
                assert!(url.path().starts_with("/prefix/"), "{path:?} -> {url}");
                let decoded = percent_decode(url.path().as_bytes());
                assert!(!has_dot_segment(&decoded), "{path:?} -> {url}");
                assert!(!decoded.contains(&b'\\'), "{path:?} -> {url}");
            }
        }
        assert!(
            accepted > 1_000,
            "only {accepted} accepted: the alphabet is too hostile"
        );
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode(b"/a%20b%zz%4"), b"/a b%zz%4");
        assert_eq!(percent_decode(b"%ff%FF"), [255, 255]);
    }
}
