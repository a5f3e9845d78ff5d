//! Checks on configuration before anything is sent: the base URL and the API key.

use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::ConfigError;

/// Parses the base URL and refuses plain HTTP to anything but a loopback host.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|error| invalid(&error.to_string()))?;
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not supported; the API key is sent in a header",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ConfigError::InsecureBaseUrl {
            host: url.host_str().unwrap_or_default().to_owned(),
        }),
        other => Err(invalid(&format!(
            "unsupported scheme {other:?}; use https://"
        ))),
    }
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
        assert_eq!(error, ConfigError::InvalidApiKey);
        assert!(!error.to_string().contains("abc"));
    }

    #[test]
    fn header_is_sensitive() {
        let value = authorization(&SecretString::from("k3y")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.as_bytes(), b"Api-key k3y");
    }
}
