//! Every item of any paginated list: Django REST framework's `{count, next, previous, results}`
//! pages, followed through `next` within the base URL, with the loop safety of the notification
//! walk.

use std::collections::HashSet;
use std::hash::BuildHasher;

use reqwest::Url;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::config::shown_url;
use crate::error::{Error, Kind, PageProblem, PathError};
use crate::pagination::{DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES};
use crate::request::{RequestBuilder, check_path};

/// The most bytes of pages (every page's body together) a [`PageWalk`] reads unless told
/// otherwise: 64 MiB.
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// A walk over every page of a list, made by [`RequestBuilder::pages`]: the first page is the
/// request as built; each next page is the page's `next` link (a relative one read against that
/// page's URL), requested with the same method and organization. Read it with [`PageWalk::collect`] (every item decoded) or
/// [`PageWalk::collect_json`] (every item as sent, in one JSON array).
///
/// ```no_run
/// # async fn run(client: hamravesh::Client) -> Result<(), hamravesh::Error> {
/// let notifications: Vec<serde_json::Value> = client
///     .request(hamravesh::Method::GET, "/api/v1/notifications/all_list/?limit=100")
///     .organization("my-team")
///     .pages()
///     .max_pages(50)
///     .collect()
///     .await?;
/// # Ok(())
/// # }
/// ```
///
/// How a walk ends:
/// - **The end**: a page whose `next` is `null` (or absent).
/// - **Errors** (kind [`crate::ErrorKind::Pagination`]):
///   - a page that is not an object with a `results` list;
///   - a `next` link that is not a URL, or whose host or port differs from the base URL's (an
///     `http` link for an `https` base URL is accepted, as Django REST framework behind a TLS
///     proxy writes them, and requested over the base URL's scheme), or whose path is not under
///     the base URL's path or would be refused by [`crate::Client::request`]: the key never
///     travels elsewhere;
///   - a `next` link that names a page already read (the walk would loop), or a non-empty
///     `next` after a page with no items;
///   - a total (`count`) that is negative or changes between pages, or more items than it;
///   - the cap on pages ([`PageWalk::max_pages`], default 10,000), items
///     ([`PageWalk::max_items`], default 100,000) or bytes ([`PageWalk::max_bytes`], default
///     64 MiB) reached before the end.
/// - **Request errors** end the walk with that error (each page is retried like the request it
///   is), and an error status is an error.
///
/// Time: each page has the client's total timeout, but the walk has no deadline of its own (a
/// slow server may take that long for each of 10,000 pages): to bound the whole walk, wrap it in
/// `tokio::time::timeout`, as `hamravesh api --paginate` does with `--total-timeout`.
#[must_use = "a walk does nothing until it is read"]
pub struct PageWalk {
    first: RequestBuilder,
    max_pages: u32,
    max_items: u64,
    max_bytes: u64,
    inspect: Option<Inspect>,
}

/// What [`PageWalk::inspect_pages`] calls with each page's body.
type Inspect = Box<dyn FnMut(&[u8]) + Send>;

impl std::fmt::Debug for PageWalk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageWalk")
            .field("first", &self.first)
            .field("max_pages", &self.max_pages)
            .field("max_items", &self.max_items)
            .field("max_bytes", &self.max_bytes)
            .field("inspect", &self.inspect.is_some())
            .finish()
    }
}

/// One page's shape, as far as the walk reads it: its items are only counted (`IgnoredAny` takes
/// no memory), so the caps are checked before any item is kept. A 4 MiB page of 2 million
/// one-byte items would otherwise cost some 120 MB of small allocations before the item cap
/// refused it.
#[derive(Deserialize)]
struct PageShape {
    #[serde(default)]
    count: Option<i64>,
    #[serde(default)]
    next: Option<String>,
    results: Vec<serde::de::IgnoredAny>,
}

/// One page's items, kept as the text sent (no tree is built, so an item costs about its size):
/// read only once [`PageShape`] has said how many there are.
#[derive(Deserialize)]
struct PageItems {
    results: Vec<Box<RawValue>>,
}

impl PageWalk {
    pub(crate) fn new(first: RequestBuilder) -> Self {
        Self {
            first,
            max_pages: DEFAULT_MAX_PAGES,
            max_items: DEFAULT_MAX_ITEMS,
            max_bytes: DEFAULT_MAX_PAGE_BYTES,
            inspect: None,
        }
    }

    /// Calls `inspect` with each page's body as received, in order, before the walk checks it
    /// (so a page that ends the walk is seen too): to validate or record every page.
    pub fn inspect_pages(mut self, inspect: impl FnMut(&[u8]) + Send + 'static) -> Self {
        self.inspect = Some(Box::new(inspect));
        self
    }

    /// The most pages to read (default 10,000; the first page is always read); reaching it
    /// before the end is an error.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages;
        self
    }

    /// The most items to collect (default 100,000); more is an error.
    pub fn max_items(mut self, items: u64) -> Self {
        self.max_items = items;
        self
    }

    /// The most bytes of page bodies to read, every page together (default 64 MiB); more is an
    /// error. Each page is also bounded by the client's body cap.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Every item of every page, in order, each decoded as `T` (`serde_json::Value` for any
    /// JSON), or the first error; an item that does not decode is an error of kind
    /// [`crate::ErrorKind::Decode`] naming the JSON path inside the item.
    pub async fn collect<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        let items = self.walk().await?;
        items
            .iter()
            .map(|item| {
                hamravesh_types::decode(item.get().as_bytes())
                    .map_err(|error| Error::from_decode(error, item.get().as_bytes()))
            })
            .collect()
    }

    /// Every item of every page, in order, as one JSON array of the items exactly as sent (keys in
    /// their order, numbers as written), or the first error.
    pub async fn collect_json(self) -> Result<Vec<u8>, Error> {
        let items = self.walk().await?;
        let len = items.iter().map(|item| item.get().len() + 1).sum::<usize>() + 2;
        let mut json = Vec::with_capacity(len);
        json.push(b'[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                json.push(b',');
            }
            json.extend_from_slice(item.get().as_bytes());
        }
        json.push(b']');
        Ok(json)
    }

    /// Reads every page; the items as sent.
    async fn walk(mut self) -> Result<Vec<Box<RawValue>>, Error> {
        let base = self.first.client().base().clone();
        let template = self.first.next_page(String::new());
        let mut request = self.first;
        let mut items: Vec<Box<RawValue>> = Vec::new();
        let mut pages: u32 = 0;
        let mut bytes: u64 = 0;
        let mut count: Option<i64> = None;
        // Pages read, by a keyed hash of their path and query: a server's links may each be
        // 8 KiB, and 10,000 of them kept whole would cost as much as the pages' bytes again.
        // A collision (about 1 in 10^11 over 10,000 pages) would end the walk with an error,
        // never skip a page.
        let hasher = std::hash::RandomState::new();
        let mut seen: HashSet<u64> = HashSet::new();
        loop {
            let (client, built) = request.build(false)?;
            let method = built.method.clone();
            let path = built.path.clone();
            // The URL this page is read from (as the request loop builds it, with every query
            // parameter): a relative `next` is resolved against it, and it is remembered in the
            // form `next_path` gives, so that a link back to it is seen as one.
            let page_url = client.url_of(&built)?;
            seen.insert(hasher.hash_one(under_base(&page_url, &base).unwrap_or_default()));
            let success = client.execute(&built).await?;
            if let Some(inspect) = &mut self.inspect {
                inspect(&success.body);
            }
            let fail = |problem: PageProblem, items: usize| {
                Error::new(Kind::Pagination {
                    problem,
                    offset: u64::try_from(items).unwrap_or(u64::MAX),
                })
                .with_request(&method, &path, success.attempts)
                .with_organization(built.organization())
            };
            pages = pages.saturating_add(1);
            bytes = bytes.saturating_add(u64::try_from(success.body.len()).unwrap_or(u64::MAX));
            if bytes > self.max_bytes {
                return Err(fail(
                    PageProblem::TooManyBytes {
                        max: self.max_bytes,
                    },
                    items.len(),
                ));
            }
            let page: PageShape = crate::client::decode_success(
                &built,
                success.status,
                &success.body,
                success.attempts,
            )?;
            if let Some(total) = page.count {
                if total < 0 {
                    return Err(fail(
                        PageProblem::NegativeCount { count: total },
                        items.len(),
                    ));
                }
                match count {
                    None => count = Some(total),
                    Some(first) if first != total => {
                        return Err(fail(
                            PageProblem::CountChanged { first, now: total },
                            items.len(),
                        ));
                    }
                    Some(_) => {}
                }
            }
            let received = page.results.len();
            let total_items =
                u64::try_from(items.len().saturating_add(received)).unwrap_or(u64::MAX);
            if total_items > self.max_items {
                return Err(fail(
                    PageProblem::TooManyItems {
                        max: self.max_items,
                    },
                    items.len(),
                ));
            }
            if let Some(total) = count {
                if !i64::try_from(total_items).is_ok_and(|n| n <= total) {
                    return Err(fail(
                        PageProblem::MoreThanCount { count: total },
                        items.len(),
                    ));
                }
            }
            if received > 0 {
                // The shape (repeated keys included) is known to be right: this only keeps the
                // items, now known to be within the caps, without a second scan for repeats.
                let kept: PageItems = match serde_json::from_slice(&success.body) {
                    Ok(kept) => kept,
                    // Not expected once the shape decoded; the full decode names the problem.
                    Err(_) => crate::client::decode_success(
                        &built,
                        success.status,
                        &success.body,
                        success.attempts,
                    )?,
                };
                items.extend(kept.results);
            }
            let Some(next) = page.next else {
                return Ok(items);
            };
            if received == 0 {
                return Err(fail(PageProblem::NoProgress, items.len()));
            }
            let next_path =
                next_path(&next, &page_url, &base).map_err(|problem| fail(problem, items.len()))?;
            if seen.contains(&hasher.hash_one(&next_path)) {
                return Err(fail(
                    PageProblem::RepeatedNext {
                        next: shown_url(&next),
                    },
                    items.len(),
                ));
            }
            if pages >= self.max_pages {
                return Err(fail(
                    PageProblem::TooManyPages {
                        max: self.max_pages,
                    },
                    items.len(),
                ));
            }
            tracing::debug!(pages, items = items.len(), "next page");
            request = template.next_page(next_path);
        }
    }
}

/// How a page is remembered: its path and query under the base URL.
fn page_key(path: &str, query: Option<&str>) -> String {
    match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    }
}

/// The path and query of `url` under the base URL's path, or `None` when it is not under it.
fn under_base(url: &Url, base: &Url) -> Option<String> {
    let prefix = base.path().trim_end_matches('/');
    let under = url
        .path()
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with('/'))?;
    Some(page_key(under, url.query()))
}

/// The path and query under the base URL that a `next` link names, or why it is not followed:
/// not a URL, another host or port (an `http` link to an `https` base URL's host is accepted and
/// requested over `https`), a path outside the base URL's path, or a path the client refuses.
/// A relative link (`?offset=10`, `page2/`) is read against `page`, the URL of the page that
/// holds it, as a browser or any HTTP client would read it.
fn next_path(next: &str, page: &Url, base: &Url) -> Result<String, PageProblem> {
    let web = |url: &Url| matches!(url.scheme(), "http" | "https");
    let url = page.join(next).map_err(|_| PageProblem::InvalidNext {
        next: shown_url(next),
    })?;
    let same_host = url.origin() == base.origin()
        || (web(&url) && web(base) && url.host() == base.host() && url.port() == base.port());
    if !same_host || !url.username().is_empty() || url.password().is_some() {
        return Err(PageProblem::OtherOrigin {
            next: shown_url(next),
        });
    }
    let refused = |reason: PathError| PageProblem::RefusedNext {
        next: shown_url(next),
        reason,
    };
    let relative = under_base(&url, base).ok_or_else(|| refused(PathError::OutsideBase))?;
    check_path(&relative).map_err(refused)?;
    Ok(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_are_followed_only_under_the_base_url() {
        let base = Url::parse("https://api.example/").unwrap_or_else(|e| panic!("{e}"));
        let prefixed = Url::parse("https://api.example/p/").unwrap_or_else(|e| panic!("{e}"));
        for (next, base, expected) in [
            (
                "https://api.example/x/?offset=10",
                &base,
                Ok("/x/?offset=10"),
            ),
            (
                "http://api.example/x/?offset=10",
                &base,
                Ok("/x/?offset=10"),
            ),
            ("/x/?offset=10", &base, Ok("/x/?offset=10")),
            ("https://api.example/p/x/?o=1", &prefixed, Ok("/x/?o=1")),
            ("https://api.example/x/?o=1", &prefixed, Err("outside")),
            ("https://api.example/px/?o=1", &prefixed, Err("outside")),
            ("https://evil.example/x/", &base, Err("origin")),
            ("//evil.example/x/", &base, Err("origin")),
            ("https://api.example:444/x/", &base, Err("origin")),
            ("https://u:p@api.example/x/", &base, Err("origin")),
            ("ftp://api.example/x/", &base, Err("origin")),
            ("https://api.example/@x/", &base, Err("refused")),
            ("http://[::1", &base, Err("invalid")),
        ] {
            let got = next_path(next, base, base);
            match (expected, &got) {
                (Ok(path), Ok(got)) => assert_eq!(got, path, "{next}"),
                (Err("origin"), Err(PageProblem::OtherOrigin { .. }))
                | (Err("invalid"), Err(PageProblem::InvalidNext { .. }))
                | (
                    Err("outside"),
                    Err(PageProblem::RefusedNext {
                        reason: PathError::OutsideBase,
                        ..
                    }),
                )
                | (Err("refused"), Err(PageProblem::RefusedNext { .. })) => {}
                _ => panic!("{next}: expected {expected:?}, got {got:?}"),
            }
        }
    }

    /// A relative link is read against the page that holds it, not against the base URL; what it
    /// names must still be under the base URL.
    #[test]
    fn relative_next_links_are_read_against_their_page() {
        let base = Url::parse("https://api.example/p/").unwrap_or_else(|e| panic!("{e}"));
        let page = Url::parse("https://api.example/p/api/v1/apps/?limit=5")
            .unwrap_or_else(|e| panic!("{e}"));
        for (next, expected) in [
            ("?limit=5&offset=5", Some("/api/v1/apps/?limit=5&offset=5")),
            ("page2/?o=1", Some("/api/v1/apps/page2/?o=1")),
            ("../../v2/x/", Some("/api/v2/x/")),
            ("/p/api/v1/apps/?offset=5", Some("/api/v1/apps/?offset=5")),
            ("../../../../x/", None),
            ("/x/", None),
        ] {
            assert_eq!(
                next_path(next, &page, &base).ok().as_deref(),
                expected,
                "{next}"
            );
        }
    }
}
