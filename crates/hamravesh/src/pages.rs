//! The one walk over a paginated list (Django REST framework's `{count, next, previous,
//! results}` pages), shaped like octocrab's `Page<T>` + `into_stream`: a page is read, checked,
//! its items handed out, the next one asked for. Two lists use it:
//!
//! - the notification feed ([`NotificationWalk`]), asked for by offset: `next` is checked but
//!   never followed, an empty page is the end, and items repeated by slug are dropped;
//! - any list ([`PageWalk`], from [`crate::RequestBuilder::pages`]), followed by its `next`
//!   links within the base URL, its items kept as the text sent.
//!
//! Both refuse the same things ([`PageProblem`]): a foreign or invalid `next`, a total that is
//! negative or changes, more items than it, a page that makes no progress, and the caps.

use std::collections::{HashSet, VecDeque};
use std::hash::BuildHasher;

use futures_util::stream::{self, Stream};
use hamravesh_types::notifications::{Notification, NotificationPage};
use reqwest::Url;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::client::Client;
use crate::config::check_path;
use crate::error::{ConfigError, Error, Kind, PageProblem, PathError, shown_url};
use crate::generated::ListNotificationsQuery;
use crate::request::RequestBuilder;
use crate::transport::{Request, Success, decode_success};

/// The page size a notification walk asks for unless told otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// The most pages a walk reads unless told otherwise.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;
/// The most items a walk hands out unless told otherwise.
pub const DEFAULT_MAX_ITEMS: u64 = 100_000;
/// The most bytes of pages (every page's body together) a [`PageWalk`] reads unless told
/// otherwise: 64 MiB.
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The request for one page of the notification feed (the generated
/// [`Client::list_notifications`]'s); a `limit` of 0 fails when sent, before anything is sent
/// (the service would ignore it and use its own). An offset past `i64::MAX` (no feed is that
/// long) is sent as `i64::MAX`.
pub(crate) fn notification_page(
    client: &Client,
    organization: &str,
    limit: u32,
    offset: u64,
) -> RequestBuilder {
    let query = ListNotificationsQuery::default()
        .limit(i64::from(limit))
        .offset(i64::try_from(offset).unwrap_or(i64::MAX));
    let request = client.list_notifications_request(organization, &query);
    if limit == 0 {
        request.fail(ConfigError::InvalidPageSize.into())
    } else {
        request
    }
}

/// A list's page as the walk reads it.
pub(crate) trait Listing: Sized + Send + 'static {
    /// One item of the list.
    type Item: Send + 'static;
    /// Whether items carry a key ([`Listing::key`]): repeats are then dropped, and a page of
    /// only repeats makes no progress.
    const KEYED: bool = false;
    /// The page from a successful answer.
    fn decode(request: &Request, success: Success) -> Result<Self, Error>;
    /// Its total, if it says one.
    fn count(&self) -> Option<i64>;
    /// Its `next` link, if any.
    fn next(&self) -> Option<&str>;
    /// How many items it holds.
    fn len(&self) -> usize;
    /// Its items.
    fn into_items(self) -> Result<Vec<Self::Item>, Error>;
    /// The key of the item at `index`, for a keyed list.
    fn key(&self, _index: usize) -> i64 {
        0
    }
}

impl Listing for NotificationPage {
    type Item = Notification;
    const KEYED: bool = true;
    fn decode(request: &Request, success: Success) -> Result<Self, Error> {
        decode_success(request, success.status, &success.body, success.attempts)
    }
    fn count(&self) -> Option<i64> {
        Some(self.count)
    }
    fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }
    fn len(&self) -> usize {
        self.results.len()
    }
    fn into_items(self) -> Result<Vec<Notification>, Error> {
        Ok(self.results)
    }
    fn key(&self, index: usize) -> i64 {
        self.results.get(index).map_or(0, |item| item.slug)
    }
}

/// Any list's page: its items are only counted (`IgnoredAny` takes no memory) until the caps
/// have been checked, then kept as the text sent (no tree is built, so an item costs about its
/// size). A 4 MiB page of 2 million one-byte items would otherwise cost some 120 MB of small
/// allocations before the item cap refused it.
pub(crate) struct RawPage {
    shape: PageShape,
    body: Vec<u8>,
}

#[derive(Deserialize)]
struct PageShape {
    #[serde(default)]
    count: Option<i64>,
    #[serde(default)]
    next: Option<String>,
    results: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct PageItems {
    results: Vec<Box<RawValue>>,
}

impl Listing for RawPage {
    type Item = Box<RawValue>;
    fn decode(request: &Request, success: Success) -> Result<Self, Error> {
        let shape = decode_success(request, success.status, &success.body, success.attempts)?;
        Ok(Self {
            shape,
            body: success.body,
        })
    }
    fn count(&self) -> Option<i64> {
        self.shape.count
    }
    fn next(&self) -> Option<&str> {
        self.shape.next.as_deref()
    }
    fn len(&self) -> usize {
        self.shape.results.len()
    }
    fn into_items(self) -> Result<Vec<Box<RawValue>>, Error> {
        if self.shape.results.is_empty() {
            return Ok(Vec::new());
        }
        // The shape (repeated keys included) is known to be right: this only keeps the items,
        // without a second scan for repeats. Not expected to fail once the shape decoded; the
        // full decode names the problem if it does.
        match serde_json::from_slice::<PageItems>(&self.body) {
            Ok(items) => Ok(items.results),
            Err(_) => hamravesh_types::decode::<PageItems>(&self.body)
                .map(|items| items.results)
                .map_err(|error| Error::from_decode(error, &self.body)),
        }
    }
}

/// How the next page is asked for.
enum Follow {
    /// By offset (the notification feed): `next` is checked, never followed.
    Offset(Box<dyn Fn(u64) -> RequestBuilder + Send + Sync>),
    /// By the page's `next` link, within the base URL: the same method and organization.
    Link(RequestBuilder),
}

/// The caps of a walk.
#[derive(Debug, Clone, Copy)]
struct Caps {
    max_pages: u32,
    max_items: u64,
    max_bytes: u64,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            max_pages: DEFAULT_MAX_PAGES,
            max_items: DEFAULT_MAX_ITEMS,
            max_bytes: DEFAULT_MAX_PAGE_BYTES,
        }
    }
}

/// What [`PageWalk::inspect_pages`] calls with each page's body.
type Inspect = Box<dyn FnMut(&[u8]) + Send>;

/// A running walk: the next request, the caps, and what the pages so far said.
struct Walk<P> {
    next: Option<RequestBuilder>,
    follow: Follow,
    caps: Caps,
    inspect: Option<Inspect>,
    pages: u32,
    bytes: u64,
    /// Items received, repeats included: the offset of the next page.
    received: u64,
    /// Items handed out.
    kept: u64,
    /// The total the first page announced.
    count: Option<i64>,
    /// Keys handed out (a keyed list).
    seen: HashSet<i64>,
    /// Pages read, by a keyed hash of their path and query: a server's links may each be
    /// 8 KiB, and 10,000 of them kept whole would cost as much as the pages' bytes again. A
    /// collision (about 1 in 10^11 over 10,000 pages) would end the walk with an error, never
    /// skip a page.
    read: HashSet<u64>,
    hasher: std::hash::RandomState,
    _items: std::marker::PhantomData<fn() -> P>,
}

impl<P: Listing> Walk<P> {
    fn new(first: RequestBuilder, follow: Follow, caps: Caps) -> Self {
        Self {
            next: Some(first),
            follow,
            caps,
            inspect: None,
            pages: 0,
            bytes: 0,
            received: 0,
            kept: 0,
            count: None,
            seen: HashSet::new(),
            read: HashSet::new(),
            hasher: std::hash::RandomState::new(),
            _items: std::marker::PhantomData,
        }
    }

    /// Reads and checks the next page: its new items, or `None` after the last page.
    async fn page(&mut self) -> Result<Option<Vec<P::Item>>, Error> {
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        let (transport, built) = request.build(false)?;
        // The URL this page is read from (as the loop builds it, with every query parameter):
        // a relative `next` is read against it, and it is remembered as a page read.
        let page_url = transport.url_of(&built)?;
        let base = &transport.base_url;
        self.read.insert(
            self.hasher
                .hash_one(under_base(&page_url, base).unwrap_or_default()),
        );
        let success = transport.execute(&built).await?;
        if let Some(inspect) = &mut self.inspect {
            inspect(&success.body);
        }
        let attempts = success.attempts;
        let offset = self.received;
        let context = |error: Error| {
            error
                .with_request(&built.method, &built.path, attempts)
                .with_organization(built.organization())
        };
        let fail = |problem| context(Error::new(Kind::Pagination { problem, offset }));
        self.bytes = self
            .bytes
            .saturating_add(u64::try_from(success.body.len()).unwrap_or(u64::MAX));
        if self.bytes > self.caps.max_bytes {
            return Err(fail(PageProblem::TooManyBytes {
                max: self.caps.max_bytes,
            }));
        }
        let page = P::decode(&built, success)?;
        let fresh = self.accept(&page, &page_url, base).map_err(fail)?;
        let mut items = page.into_items().map_err(context)?;
        if let Some(fresh) = fresh {
            let mut fresh = fresh.into_iter();
            items.retain(|_| fresh.next().unwrap_or(false));
        }
        tracing::debug!(
            offset,
            new = items.len(),
            last = self.next.is_none(),
            "page"
        );
        Ok(Some(items))
    }

    /// Checks the page read at offset `self.received` from `page_url` and advances past it:
    /// which of its items are new (`None`: all), and the request for the next page, if any
    /// (`self.next`).
    fn accept(
        &mut self,
        page: &P,
        page_url: &Url,
        base: &Url,
    ) -> Result<Option<Vec<bool>>, PageProblem> {
        self.pages = self.pages.saturating_add(1);
        if let Some(total) = page.count() {
            if total < 0 {
                return Err(PageProblem::NegativeCount { count: total });
            }
            match self.count {
                None => self.count = Some(total),
                Some(first) if first != total => {
                    return Err(PageProblem::CountChanged { first, now: total });
                }
                Some(_) => {}
            }
        }
        // `Some(None)`: there is a next page, asked for by offset.
        let next = match page.next() {
            Some(next) => Some(self.follow_link(next, page_url, base)?),
            None => None,
        };
        let received = page.len();
        if received == 0 {
            // Asked by offset, an empty page is past the end; a link after an empty page
            // could only lead round in a loop.
            return match next {
                Some(Some(_)) => Err(PageProblem::EmptyWithNext),
                _ => Ok(None),
            };
        }
        let fresh = P::KEYED.then(|| {
            (0..received)
                .map(|index| {
                    let key = page.key(index);
                    let new = self.seen.insert(key);
                    if !new {
                        tracing::debug!(key, "skipping an item already handed out");
                    }
                    new
                })
                .collect::<Vec<bool>>()
        });
        let new = fresh
            .as_ref()
            .map_or(received, |fresh| fresh.iter().filter(|new| **new).count());
        let new = u64::try_from(new).unwrap_or(u64::MAX);
        if self.kept.saturating_add(new) > self.caps.max_items {
            return Err(PageProblem::TooManyItems {
                max: self.caps.max_items,
            });
        }
        if new == 0 {
            return Err(PageProblem::NoProgress);
        }
        self.kept += new;
        self.received = self
            .received
            .saturating_add(u64::try_from(received).unwrap_or(u64::MAX));
        if let Some(count) = self.count
            && !i64::try_from(self.kept).is_ok_and(|kept| kept <= count)
        {
            return Err(PageProblem::MoreThanCount { count });
        }
        if next.is_some() && self.pages >= self.caps.max_pages {
            // Hand out nothing more: the caller learns of the cap at this page, not later.
            return Err(PageProblem::TooManyPages {
                max: self.caps.max_pages,
            });
        }
        self.next = match (next, &self.follow) {
            (Some(None), Follow::Offset(request)) => Some(request(self.received)),
            (next, _) => next.flatten(),
        };
        Ok(fresh)
    }

    /// The request for the page a `next` link names (`None` when walking by offset, where the
    /// link is only checked), or why it is not followed.
    fn follow_link(
        &self,
        next: &str,
        page: &Url,
        base: &Url,
    ) -> Result<Option<RequestBuilder>, PageProblem> {
        let url = page.join(next).map_err(|_| PageProblem::InvalidNext {
            next: shown_url(next),
        })?;
        // Only the scheme may differ between `http` and `https`: Django REST framework behind
        // a TLS proxy writes `http://` links to its own host. The host and the port (both
        // explicit and equal, or both the scheme's default) must match; a link is requested
        // over the base URL's scheme.
        let web = |url: &Url| matches!(url.scheme(), "http" | "https");
        let same_host = url.origin() == base.origin()
            || (web(&url) && web(base) && url.host() == base.host() && url.port() == base.port());
        let other_origin = || PageProblem::OtherOrigin {
            next: shown_url(next),
        };
        match &self.follow {
            Follow::Offset(_) if same_host => Ok(None),
            Follow::Offset(_) => Err(other_origin()),
            Follow::Link(template) => {
                if !same_host {
                    return Err(other_origin());
                }
                if !url.username().is_empty() || url.password().is_some() {
                    return Err(PageProblem::CredentialsInNext {
                        next: shown_url(next),
                    });
                }
                let refused = |reason: PathError| PageProblem::RefusedNext {
                    next: shown_url(next),
                    reason,
                };
                let path = under_base(&url, base).ok_or_else(|| refused(PathError::OutsideBase))?;
                check_path(&path).map_err(refused)?;
                if self.read.contains(&self.hasher.hash_one(&path)) {
                    return Err(PageProblem::RepeatedNext {
                        next: shown_url(next),
                    });
                }
                Ok(Some(template.next_page(path)))
            }
        }
    }

    /// Every item as the pages come, fetched as the stream is read; after an error it ends
    /// (the failed page's request was taken, so the next read finds none).
    fn into_stream(self) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static {
        stream::unfold(
            (self, VecDeque::new()),
            |(mut walk, mut buffer)| async move {
                loop {
                    if let Some(item) = buffer.pop_front() {
                        return Some((Ok(item), (walk, buffer)));
                    }
                    match walk.page().await {
                        Ok(Some(items)) => buffer.extend(items),
                        Ok(None) => return None,
                        Err(error) => return Some((Err(error), (walk, buffer))),
                    }
                }
            },
        )
    }

    /// Every item, or the first error.
    async fn collect(mut self) -> Result<Vec<P::Item>, Error> {
        let mut all = Vec::new();
        while let Some(items) = self.page().await? {
            all.extend(items);
        }
        Ok(all)
    }
}

/// The path and query of `url` under the base URL's path, or `None` when it is not under it.
fn under_base(url: &Url, base: &Url) -> Option<String> {
    let prefix = base.path().trim_end_matches('/');
    let under = url
        .path()
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with('/'))?;
    Some(match url.query() {
        Some(query) => format!("{under}?{query}"),
        None => under.to_owned(),
    })
}

impl RequestBuilder {
    /// Every item of a paginated list (Django REST framework's `{count, next, previous,
    /// results}`), following `next` within the base URL: see [`PageWalk`]. Meant for `GET`.
    pub fn pages(self) -> PageWalk {
        PageWalk::new(self)
    }
}

/// A walk over every page of the notification feed, made by
/// [`crate::Client::walk_notifications`]: set the page size and the caps, then read it as a
/// stream ([`NotificationWalk::into_stream`]) or all at once ([`NotificationWalk::collect`]).
/// Nothing is sent until the stream is polled.
///
/// How a walk ends:
/// - **The end**: a page whose `next` is `null`, or an empty page.
/// - **Errors** (kind [`crate::ErrorKind::Pagination`]; the items before it were handed out):
///   - a `next` link that is not a URL, or whose host or port differs from the base URL's (a
///     scheme of `http` for an `https` base URL is accepted: Django REST framework behind a TLS
///     proxy writes such links). The walk never follows `next` (it asks by offset), so the key
///     cannot travel there; a foreign link still means the answer cannot be trusted.
///   - the total (`count`) is negative, or changes between pages: the feed changed while it
///     was read, so offsets moved and items may be skipped or repeated. Read it again.
///   - more items arrive than `count` announced.
///   - a non-empty page holds only notifications already handed out (the same `slug`): the
///     server repeated a page, and going on could loop. A page that repeats only some is
///     handed out without them.
///   - the cap on pages ([`NotificationWalk::max_pages`], default 10,000) or on items
///     ([`NotificationWalk::max_items`], default 100,000) is reached before the end. To read
///     only the first items, stop reading the stream (`StreamExt::take`): pages are fetched
///     as they are needed.
/// - **Request errors** end the walk with that error (each page's request is retried like any
///   read).
#[derive(Debug, Clone)]
#[must_use = "a walk does nothing until it is read"]
pub struct NotificationWalk {
    client: Client,
    organization: String,
    page_size: u32,
    caps: Caps,
}

impl NotificationWalk {
    pub(crate) fn new(client: Client, organization: &str) -> Self {
        Self {
            client,
            organization: organization.to_owned(),
            page_size: DEFAULT_PAGE_SIZE,
            // The feed's pages are each bounded by the body cap; the walk has no byte cap.
            caps: Caps {
                max_bytes: u64::MAX,
                ..Caps::default()
            },
        }
    }

    /// How many notifications to ask for per page (default 100; the service may send fewer).
    /// 0 makes the walk fail with a configuration error before sending anything.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// The most pages to read (default 10,000; the first page is always read); reaching it
    /// before the end is an error.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.caps.max_pages = pages;
        self
    }

    /// The most notifications to hand out (default 100,000); more is an error.
    pub fn max_items(mut self, items: u64) -> Self {
        self.caps.max_items = items;
        self
    }

    /// The notifications, newest first, fetched a page at a time as the stream is read. After
    /// an error the stream ends.
    pub fn into_stream(self) -> impl Stream<Item = Result<Notification, Error>> + Send + 'static {
        self.walk().into_stream()
    }

    /// Every notification, newest first, or the first error.
    pub async fn collect(self) -> Result<Vec<Notification>, Error> {
        self.walk().collect().await
    }

    fn walk(self) -> Walk<NotificationPage> {
        let Self {
            client,
            organization,
            page_size,
            caps,
        } = self;
        let first = notification_page(&client, &organization, page_size, 0);
        let page = move |offset| notification_page(&client, &organization, page_size, offset);
        Walk::new(first, Follow::Offset(Box::new(page)), caps)
    }
}

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
pub struct PageWalk(Walk<RawPage>);

impl std::fmt::Debug for PageWalk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageWalk")
            .field("first", &self.0.next)
            .field("caps", &self.0.caps)
            .field("inspect", &self.0.inspect.is_some())
            .finish()
    }
}

impl PageWalk {
    pub(crate) fn new(first: RequestBuilder) -> Self {
        let template = first.next_page(String::new());
        Self(Walk::new(first, Follow::Link(template), Caps::default()))
    }

    /// Calls `inspect` with each page's body as received, in order, before the walk checks it
    /// (so a page that ends the walk is seen too): to validate or record every page.
    pub fn inspect_pages(mut self, inspect: impl FnMut(&[u8]) + Send + 'static) -> Self {
        self.0.inspect = Some(Box::new(inspect));
        self
    }

    /// The most pages to read (default 10,000; the first page is always read); reaching it
    /// before the end is an error.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.0.caps.max_pages = pages;
        self
    }

    /// The most items to collect (default 100,000); more is an error.
    pub fn max_items(mut self, items: u64) -> Self {
        self.0.caps.max_items = items;
        self
    }

    /// The most bytes of page bodies to read, every page together (default 64 MiB); more is an
    /// error. Each page is also bounded by the client's body cap.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.0.caps.max_bytes = bytes;
        self
    }

    /// Every item of every page, in order, each decoded as `T` (`serde_json::Value` for any
    /// JSON), or the first error; an item that does not decode is an error of kind
    /// [`crate::ErrorKind::Decode`] naming the JSON path inside the item.
    pub async fn collect<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        let items = self.0.collect().await?;
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
        let items = self.0.collect().await?;
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use hamravesh_types::operations::LIST_NOTIFICATIONS;

    use super::*;

    const BASE: &str = "https://api.hamravesh.com/";

    fn notification(slug: i64) -> Notification {
        hamravesh_types::decode(
            serde_json::json!({
                "slug": slug, "title": "t", "description": "<p>d</p>", "unread": true,
                "public": false, "target_type": "general",
                "timestamp": "2022-07-26T12:56:34.883091Z",
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap()
    }

    /// A page of these slugs with this total and `next` link.
    fn page(count: i64, slugs: std::ops::Range<i64>, next: Option<&str>) -> NotificationPage {
        NotificationPage::builder()
            .count(count)
            .next(next.map(str::to_owned))
            .previous(None)
            .results(slugs.map(notification).collect::<Vec<_>>())
            .try_into()
            .unwrap()
    }

    /// A feed walk with these caps, and the URL its pages are read from.
    fn feed(max_pages: u32, max_items: u64) -> (Walk<NotificationPage>, Url) {
        let client = crate::Client::builder()
            .api_key("k")
            .base_url(BASE)
            .build()
            .unwrap();
        let walk = NotificationWalk::new(client, "my-team")
            .page_size(10)
            .max_pages(max_pages)
            .max_items(max_items)
            .walk();
        let page_url = Url::parse(BASE)
            .unwrap()
            .join(LIST_NOTIFICATIONS.path)
            .unwrap();
        (walk, page_url)
    }

    /// Feeds pages to a walk until it ends or refuses one: the slugs handed out, the offsets
    /// asked for, and the problem, if any.
    fn walk(
        (mut walk, page_url): (Walk<NotificationPage>, Url),
        pages: Vec<NotificationPage>,
    ) -> (Vec<i64>, Vec<u64>, Option<PageProblem>) {
        let base = Url::parse(BASE).unwrap();
        let mut slugs = Vec::new();
        let mut offsets = Vec::new();
        for page in pages {
            offsets.push(walk.received);
            walk.next = None;
            match walk.accept(&page, &page_url, &base) {
                Ok(fresh) => {
                    let fresh = fresh.unwrap_or_else(|| vec![true; page.results.len()]);
                    slugs.extend(
                        page.results
                            .iter()
                            .zip(fresh)
                            .filter(|(_, new)| *new)
                            .map(|(n, _)| n.slug),
                    );
                    if walk.next.is_none() {
                        return (slugs, offsets, None);
                    }
                }
                Err(problem) => return (slugs, offsets, Some(problem)),
            }
        }
        panic!("the walk wanted more pages than the case gave");
    }

    const NEXT: Option<&str> =
        Some("https://api.hamravesh.com/api/v1/notifications/all_list/?limit=10&offset=10");

    #[test]
    fn walks_end_where_they_should() {
        // (name, pages served in order, slugs handed out, offsets asked, problem)
        type Case = (
            &'static str,
            Vec<NotificationPage>,
            Vec<i64>,
            Vec<u64>,
            Option<PageProblem>,
        );
        let cases: Vec<Case> = vec![
            (
                "empty feed",
                vec![page(0, 0..0, None)],
                vec![],
                vec![0],
                None,
            ),
            (
                "one page",
                vec![page(3, 0..3, None)],
                (0..3).collect(),
                vec![0],
                None,
            ),
            (
                "exact multiple of the page size",
                vec![page(20, 0..10, NEXT), page(20, 10..20, None)],
                (0..20).collect(),
                vec![0, 10],
                None,
            ),
            (
                "a next link on an empty page is the end",
                vec![page(20, 0..10, NEXT), page(20, 0..0, NEXT)],
                (0..10).collect(),
                vec![0, 10],
                None,
            ),
            (
                "a short page advances by what it held",
                vec![page(12, 0..7, NEXT), page(12, 7..12, None)],
                (0..12).collect(),
                vec![0, 7],
                None,
            ),
            (
                "a relative next link on the same origin is fine",
                vec![
                    page(20, 0..10, Some("/api/v1/notifications/all_list/?offset=10")),
                    page(20, 10..20, None),
                ],
                (0..20).collect(),
                vec![0, 10],
                None,
            ),
            (
                "count changing mid-walk",
                vec![page(20, 0..10, NEXT), page(21, 9..19, NEXT)],
                (0..10).collect(),
                vec![0, 10],
                Some(PageProblem::CountChanged { first: 20, now: 21 }),
            ),
            (
                "a page that repeats",
                vec![page(30, 0..10, NEXT), page(30, 0..10, NEXT)],
                (0..10).collect(),
                vec![0, 10],
                Some(PageProblem::NoProgress),
            ),
            (
                "a page that repeats some items hands out the rest",
                vec![
                    page(20, 0..10, NEXT),
                    page(20, 8..18, NEXT),
                    page(20, 18..20, None),
                ],
                (0..20).collect(),
                vec![0, 10, 20],
                None,
            ),
            (
                "more items than the total",
                vec![page(5, 0..10, NEXT)],
                vec![],
                vec![0],
                Some(PageProblem::MoreThanCount { count: 5 }),
            ),
            (
                "next to another origin",
                vec![page(
                    20,
                    0..10,
                    Some("https://evil.example/api/v1/notifications/all_list/?offset=10"),
                )],
                vec![],
                vec![0],
                Some(PageProblem::OtherOrigin {
                    next: "https://evil.example/api/v1/notifications/all_list/?offset=10".into(),
                }),
            ),
            (
                "next on plain http to the same host (DRF behind a TLS proxy) is fine",
                vec![
                    page(
                        12,
                        0..10,
                        Some("http://api.hamravesh.com/api/v1/notifications/all_list/?offset=10"),
                    ),
                    page(12, 10..12, None),
                ],
                (0..12).collect(),
                vec![0, 10],
                None,
            ),
            (
                "next on plain http to the same host but another port is another origin",
                vec![page(20, 0..10, Some("http://api.hamravesh.com:8080/x"))],
                vec![],
                vec![0],
                Some(PageProblem::OtherOrigin {
                    next: "http://api.hamravesh.com:8080/x".into(),
                }),
            ),
            (
                "next on plain http to another host is another origin",
                vec![page(20, 0..10, Some("http://evil.example/x"))],
                vec![],
                vec![0],
                Some(PageProblem::OtherOrigin {
                    next: "http://evil.example/x".into(),
                }),
            ),
            (
                "a negative total is refused",
                vec![page(-5, 0..0, None)],
                vec![],
                vec![0],
                Some(PageProblem::NegativeCount { count: -5 }),
            ),
            (
                "next with credentials is shown without them",
                vec![page(20, 0..10, Some("https://user:pw@evil.example/x"))],
                vec![],
                vec![0],
                Some(PageProblem::OtherOrigin {
                    next: "https://evil.example".into(),
                }),
            ),
            (
                "next that is not a URL",
                vec![page(20, 0..10, Some("https://[::1"))],
                vec![],
                vec![0],
                Some(PageProblem::InvalidNext {
                    next: "https://[::1".into(),
                }),
            ),
        ];
        for (name, pages, slugs, offsets, problem) in cases {
            let got = walk(feed(DEFAULT_MAX_PAGES, DEFAULT_MAX_ITEMS), pages);
            assert_eq!(got, (slugs, offsets, problem), "{name}");
        }
    }

    #[test]
    fn caps_end_an_endless_feed() {
        // A server that always has another page, with a total that never runs out.
        let endless = |pages: i64| -> Vec<NotificationPage> {
            (0..pages)
                .map(|i| page(i64::MAX, i * 10..i * 10 + 10, NEXT))
                .collect()
        };
        let (slugs, _, problem) = walk(feed(5, DEFAULT_MAX_ITEMS), endless(6));
        assert_eq!(problem, Some(PageProblem::TooManyPages { max: 5 }));
        assert_eq!(slugs.len(), 40, "the page at the cap is not handed out");

        let (slugs, _, problem) = walk(feed(DEFAULT_MAX_PAGES, 25), endless(4));
        assert_eq!(problem, Some(PageProblem::TooManyItems { max: 25 }));
        assert_eq!(slugs.len(), 20);

        // Exactly at the item cap and at the end is not an error.
        let (slugs, _, problem) = walk(
            feed(2, 20),
            vec![page(20, 0..10, NEXT), page(20, 10..20, None)],
        );
        assert_eq!((slugs.len(), problem), (20, None));
    }

    #[test]
    fn every_problem_reads_as_one_bounded_line() {
        let long = format!("https://evil.example/{}\u{1b}[2J", "a".repeat(10_000));
        let base = Url::parse(BASE).unwrap();
        let (walk, page_url) = feed(DEFAULT_MAX_PAGES, DEFAULT_MAX_ITEMS);
        let problem = walk.follow_link(&long, &page_url, &base).err().unwrap();
        let error = Error::new(Kind::Pagination {
            problem,
            offset: 10,
        });
        let text = error.to_string();
        assert!(
            text.starts_with(
                "paging stopped at offset 10: the page's next link \"https://evil.example/aaa"
            ),
            "{text}"
        );
        assert!(text.contains("another origin"), "{text}");
        assert!(text.chars().count() < 400, "{text}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert_eq!(error.kind(), crate::ErrorKind::Pagination);
    }

    /// The path a link walk asks for after a page holding `next`, or why it does not.
    fn next_path(next: &str, page: &Url, base: &Url) -> Result<String, PageProblem> {
        let client = crate::Client::builder()
            .api_key("k")
            .base_url(base.as_str())
            .build()
            .unwrap();
        let walk = client.request(reqwest::Method::GET, "/").pages().0;
        walk.follow_link(next, page, base).map(|request| {
            request
                .map(|request| request.path().to_owned())
                .unwrap_or_default()
        })
    }

    #[test]
    fn a_feed_page_asks_for_the_documented_parameters() {
        let client = crate::Client::builder()
            .api_key("k")
            .base_url(BASE)
            .build()
            .unwrap();
        let (_, request) = notification_page(&client, "my-team", 10, u64::MAX)
            .build(false)
            .unwrap();
        assert_eq!(request.path, LIST_NOTIFICATIONS.path);
        assert_eq!(request.organization(), Some("my-team"));
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        assert_eq!(query, [("limit", "10"), ("offset", "9223372036854775807")]);
        let error = notification_page(&client, "my-team", 0, 0)
            .build(false)
            .err()
            .unwrap();
        assert!(
            matches!(error.config(), Some(ConfigError::InvalidPageSize)),
            "{error:?}"
        );
    }

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
            ("https://u:p@api.example/x/", &base, Err("credentials")),
            ("https://u:p@evil.example/x/", &base, Err("origin")),
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
                (Err("credentials"), Err(PageProblem::CredentialsInNext { next: shown })) => {
                    // Shown without the user name and password.
                    assert_eq!(shown, "https://api.example", "{next}");
                }
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
