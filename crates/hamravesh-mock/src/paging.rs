//! Django REST Framework's `LimitOffsetPagination`, as the service pages its lists: how `limit` and
//! `offset` are read from the query, which slice is served, and how the absolute `next` and
//! `previous` links are built from the request's `Host`.

use std::collections::BTreeMap;

use serde_json::Value;

/// The page size when the request gives no usable `limit`.
pub(crate) const DEFAULT_LIMIT: u64 = 10;
/// The largest page size; a larger `limit` is cut to this.
pub(crate) const MAX_LIMIT: u64 = 100;

/// The name of the page-size query parameter.
const LIMIT: &str = "limit";
/// The name of the skip query parameter.
const OFFSET: &str = "offset";

/// A query string split into decoded `(name, value)` pairs, in order, as Python's
/// `parse_qsl(query, keep_blank_values=True)` does: `&` separates pairs, `+` is a space, a piece
/// without `=` has an empty value, bytes that are not UTF-8 become U+FFFD.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Python's `urllib.parse.quote_plus`: letters, digits and `_.-~` stay, a space is `+`, every
/// other UTF-8 byte is `%XX`.
fn quote_plus(text: &str, out: &mut String) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
}

/// A query value the document's `integer` (at least 0, at most `i64::MAX`) allows, written as a
/// client writes an integer: ASCII digits, no sign, no leading zero, no spaces.
fn document_integer(text: &str) -> Option<u64> {
    let canonical = text == "0"
        || (text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() && !text.starts_with('0'));
    canonical
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .filter(|value| *value <= MAX_OFFSET)
}

/// The one value given for `name`: `Ok(None)` when absent, `Err` when it is given more than once
/// or is no integer the document allows.
fn single_integer(
    pairs: &[(String, String)],
    name: &'static str,
) -> Result<Option<u64>, BadParameter> {
    let mut values = pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value);
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => document_integer(value).map(Some).ok_or(BadParameter(name)),
        (Some(_), Some(_)) => Err(BadParameter(name)),
    }
}

/// A `limit` or `offset` the document does not allow: repeated, or not a non-negative integer.
/// DRF itself would quietly serve the first page; the mock refuses it (400, DRF's field envelope)
/// so that a client sending it learns before it meets the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadParameter(pub(crate) &'static str);

/// "A valid non-negative integer is required.", in the service's language.
pub(crate) const NOT_A_COUNT: &str = "یک عدد صحیح نامنفی لازم است.";

/// The largest offset the document allows: the database's `OFFSET` is a signed 64-bit integer, so
/// the service cannot serve past it.
pub(crate) const MAX_OFFSET: u64 = i64::MAX as u64;

/// The page asked for: DRF's `get_limit` (a missing or zero `limit` gets the default; a larger one
/// is cut to the maximum) and `get_offset` (a missing `offset` is 0). A value the document does
/// not allow is refused (see [`BadParameter`]); DRF would read it as missing.
pub(crate) fn limit_offset(pairs: &[(String, String)]) -> Result<(u64, u64), BadParameter> {
    let limit = match single_integer(pairs, LIMIT)? {
        None | Some(0) => DEFAULT_LIMIT,
        Some(limit) => limit.min(MAX_LIMIT),
    };
    let offset = single_integer(pairs, OFFSET)?.unwrap_or(0);
    Ok((limit, offset))
}

/// `base` (`http://HOST/PATH`) with the request's query, `limit` set, and `offset` set or removed,
/// as DRF's `replace_query_param`/`remove_query_param` build it: every other parameter kept,
/// parameters sorted by name.
fn link(base: &str, pairs: &[(String, String)], limit: u64, offset: Option<u64>) -> String {
    // Grouped by name in one pass (a hostile query may hold thousands of pairs), values in order.
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in pairs {
        by_name.entry(name).or_default().push(value);
    }
    let limit = limit.to_string();
    let offset = offset.map(|o| o.to_string());
    by_name.insert(LIMIT, vec![&limit]);
    match &offset {
        Some(offset) => by_name.insert(OFFSET, vec![offset]),
        None => by_name.remove(OFFSET),
    };
    let mut query = String::new();
    for (name, values) in by_name {
        for value in values {
            if !query.is_empty() {
                query.push('&');
            }
            quote_plus(name, &mut query);
            query.push('=');
            quote_plus(value, &mut query);
        }
    }
    format!("{base}?{query}")
}

/// One page of `items` for a request with these query `pairs`, as DRF serves it; `base` is the
/// absolute URL of the list without its query.
pub(crate) fn page(
    items: &[Value],
    pairs: &[(String, String)],
    base: &str,
) -> Result<Value, BadParameter> {
    let (limit, offset) = limit_offset(pairs)?;
    let count = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let results: &[Value] = if count == 0 || offset > count {
        &[]
    } else {
        let start = usize::try_from(offset).unwrap_or(items.len());
        let end = usize::try_from(offset.saturating_add(limit))
            .unwrap_or(items.len())
            .min(items.len());
        &items[start..end]
    };
    let next = (offset.saturating_add(limit) < count)
        .then(|| link(base, pairs, limit, Some(offset.saturating_add(limit))));
    let previous = (offset > 0).then(|| {
        if offset <= limit {
            link(base, pairs, limit, None)
        } else {
            link(base, pairs, limit, Some(offset - limit))
        }
    });
    Ok(serde_json::json!({
        "count": count,
        "next": next,
        "previous": previous,
        "results": results,
    }))
}

/// Whether a `Host` header value is one Django accepts (`split_domain_port`'s pattern): a domain
/// or IPv4 address, or a bracketed IPv6 address, then an optional `:PORT`.
pub(crate) fn is_valid_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let (name_ok, rest) = if let Some(inner) = host.strip_prefix('[') {
        let Some((ip, rest)) = inner.split_once(']') else {
            return false;
        };
        let ok = ip
            .split_once(':')
            .is_some_and(|(_, after)| !after.is_empty())
            && ip
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        (ok, rest)
    } else {
        let (name, rest) = host.split_at(host.find(':').unwrap_or(host.len()));
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        (ok, rest)
    };
    let port_ok = rest.is_empty()
        || rest
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    name_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        parse_query(query)
    }

    #[test]
    fn limit_and_offset_follow_drf_within_the_document() {
        // (query, Ok((limit, offset)) or the refused parameter)
        type Expected = Result<(u64, u64), &'static str>;
        let cases: [(&str, Expected); 27] = [
            ("", Ok((10, 0))),
            ("limit=5&offset=0", Ok((5, 0))),
            ("limit=0", Ok((10, 0))),
            ("limit=1000", Ok((100, 0))),
            ("limit=9223372036854775807", Ok((100, 0))),
            ("offset=20", Ok((10, 20))),
            ("offset=9223372036854775807", Ok((10, MAX_OFFSET))),
            (
                "offset=9223372036854775806&other=x",
                Ok((10, MAX_OFFSET - 1)),
            ),
            // What the document's `integer` (0 to i64::MAX) does not allow, DRF would read
            // as missing; the mock refuses it.
            ("limit=-3", Err(LIMIT)),
            ("limit=abc", Err(LIMIT)),
            ("limit=null", Err(LIMIT)),
            ("limit=", Err(LIMIT)),
            ("limit", Err(LIMIT)),
            ("limit=99999999999999999999999", Err(LIMIT)),
            ("limit=9223372036854775808", Err(LIMIT)),
            ("limit=%207%20", Err(LIMIT)),
            ("limit=+7", Err(LIMIT)),
            ("limit=07", Err(LIMIT)),
            ("limit=1_0", Err(LIMIT)),
            ("limit=۵", Err(LIMIT)),
            ("limit=3.0", Err(LIMIT)),
            ("limit=2&limit=4", Err(LIMIT)),
            ("offset=-1", Err(OFFSET)),
            ("offset=-0", Err(OFFSET)),
            ("offset=x", Err(OFFSET)),
            ("offset=null&offset=null", Err(OFFSET)),
            ("offset=18446744073709551616", Err(OFFSET)),
        ];
        for (query, expected) in cases {
            assert_eq!(
                limit_offset(&pairs(query)),
                expected.map_err(BadParameter),
                "{query}"
            );
        }
    }

    #[test]
    fn links_keep_other_parameters_sorted_and_drop_offset_at_zero() {
        let base = "http://h/api/v1/notifications/all_list/";
        let items: Vec<Value> = (0..25).map(|i| serde_json::json!(i)).collect();
        // (query, next, previous)
        let cases = [
            ("limit=10", Some("limit=10&offset=10"), None),
            (
                "offset=5&limit=10&zeta=a+b&alpha=%C3%A9&alpha=2",
                Some("alpha=%C3%A9&alpha=2&limit=10&offset=15&zeta=a+b"),
                Some("alpha=%C3%A9&alpha=2&limit=10&zeta=a+b"),
            ),
            ("limit=10&offset=20", None, Some("limit=10&offset=10")),
            (
                "limit=10&offset=10",
                Some("limit=10&offset=20"),
                Some("limit=10"),
            ),
            ("limit=10&offset=100", None, Some("limit=10&offset=90")),
            // At the largest offset the database holds: an honest `previous`, never a wrapped number.
            (
                "limit=2&offset=9223372036854775807",
                None,
                Some("limit=2&offset=9223372036854775805"),
            ),
            ("flag", Some("flag=&limit=10&offset=10"), None),
        ];
        for (query, next, previous) in cases {
            let page = page(&items, &pairs(query), base).unwrap();
            let url = |q: Option<&str>| q.map(|q| format!("{base}?{q}"));
            assert_eq!(
                page["next"].as_str().map(str::to_owned),
                url(next),
                "{query}"
            );
            assert_eq!(
                page["previous"].as_str().map(str::to_owned),
                url(previous),
                "{query}"
            );
        }
    }

    #[test]
    fn hosts_are_checked_like_django() {
        for (host, ok) in [
            ("127.0.0.1:8080", true),
            ("api.hamravesh.com", true),
            ("Mock.Example:80", true),
            ("[::1]:8080", true),
            ("[::1]", true),
            ("", false),
            (":80", false),
            ("host:", false),
            ("host:8a", false),
            ("evil.com/x", false),
            ("a b", false),
            ("[::1", false),
            ("[zz::1]", false),
            ("[::1]x", false),
            ("host\u{1b}[31m", false),
        ] {
            assert_eq!(is_valid_host(host), ok, "{host:?}");
        }
    }
}
