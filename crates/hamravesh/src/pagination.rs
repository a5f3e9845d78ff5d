//! Walking the notification feed page after page, safely.
//!
//! The walk asks for each page by offset (`offset` grows by the number of items each page
//! held), so it never follows a link the server wrote. Each page is checked before its items are
//! handed out; see [`NotificationWalk`] for the rules.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, Stream, StreamExt};
use hamravesh_types::notifications::{Notification, NotificationPage};
use hamravesh_types::operations::LIST_NOTIFICATIONS;
use reqwest::{Method, Url};

use crate::Client;
use crate::config::shown_url;
use crate::error::{Error, Kind, PageProblem};

/// The page size a walk asks for unless told otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// The most pages a walk reads unless told otherwise.
pub const DEFAULT_MAX_PAGES: u32 = 10_000;
/// The most items a walk hands out unless told otherwise.
pub const DEFAULT_MAX_ITEMS: u64 = 100_000;

/// A walk over every page of the notification feed, made by [`Client::walk_notifications`]:
/// set the page size and the caps, then read it as a stream ([`NotificationWalk::into_stream`])
/// or all at once ([`NotificationWalk::collect`]). Nothing is sent until the stream is polled.
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
    limits: Limits,
}

/// The page size and the caps of a walk.
#[derive(Debug, Clone, Copy)]
struct Limits {
    page_size: u32,
    max_pages: u32,
    max_items: u64,
}

impl NotificationWalk {
    pub(crate) fn new(client: Client, organization: &str) -> Self {
        Self {
            client,
            organization: organization.to_owned(),
            limits: Limits {
                page_size: DEFAULT_PAGE_SIZE,
                max_pages: DEFAULT_MAX_PAGES,
                max_items: DEFAULT_MAX_ITEMS,
            },
        }
    }

    /// How many notifications to ask for per page (default 100; the service may send fewer).
    /// 0 makes the walk fail with a configuration error before sending anything.
    pub fn page_size(mut self, size: u32) -> Self {
        self.limits.page_size = size;
        self
    }

    /// The most pages to read (default 10,000; the first page is always read); reaching it
    /// before the end is an error.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.limits.max_pages = pages;
        self
    }

    /// The most notifications to hand out (default 100,000); more is an error.
    pub fn max_items(mut self, items: u64) -> Self {
        self.limits.max_items = items;
        self
    }

    /// The notifications, newest first, fetched a page at a time as the stream is read. After
    /// an error the stream ends.
    pub fn into_stream(self) -> impl Stream<Item = Result<Notification, Error>> + Send + 'static {
        let state = State {
            client: self.client,
            organization: self.organization,
            walk: Walk::new(self.limits),
            buffer: VecDeque::new(),
            finished: false,
        };
        stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                if state.finished {
                    return None;
                }
                if let Err(error) = state.fetch().await {
                    state.finished = true;
                    return Some((Err(error), state));
                }
            }
        })
    }

    /// Every notification, newest first, or the first error.
    pub async fn collect(self) -> Result<Vec<Notification>, Error> {
        let mut items = Vec::new();
        let mut stream = std::pin::pin!(self.into_stream());
        while let Some(item) = stream.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

/// A running walk: the client, the checks, and the items of the last page not yet handed out.
struct State {
    client: Client,
    organization: String,
    walk: Walk,
    buffer: VecDeque<Notification>,
    finished: bool,
}

impl State {
    /// Fetches the next page and buffers its new items; marks the walk finished at the end.
    async fn fetch(&mut self) -> Result<(), Error> {
        let offset = self.walk.offset;
        let (page, attempts) = self
            .client
            .notification_page(&self.organization, self.walk.limits.page_size, offset)
            .await?;
        let received = page.results.len();
        match self.walk.accept(page, self.client.base()) {
            Ok(Step { items, last }) => {
                tracing::debug!(offset, received, new = items.len(), last, "page");
                self.buffer.extend(items);
                self.finished = last;
                Ok(())
            }
            Err(problem) => {
                tracing::debug!(offset, received, ?problem, "page refused");
                let method =
                    Method::from_bytes(LIST_NOTIFICATIONS.method.as_bytes()).unwrap_or(Method::GET);
                Err(Error::new(Kind::Pagination { problem, offset })
                    .with_request(&method, LIST_NOTIFICATIONS.path, attempts)
                    .with_organization(Some(&self.organization)))
            }
        }
    }
}

/// What a page gave: the items to hand out, and whether it was the last.
#[derive(Debug)]
struct Step {
    items: Vec<Notification>,
    last: bool,
}

/// The checks of a walk, apart from any I/O so they can be tested page by page.
#[derive(Debug)]
struct Walk {
    limits: Limits,
    /// The offset of the next page: every item received so far, repeats included.
    offset: u64,
    pages: u32,
    /// Items handed out.
    items: u64,
    /// The total the first page announced.
    count: Option<i64>,
    /// The slugs handed out (at most `max_items` of them).
    seen: HashSet<i64>,
}

impl Walk {
    fn new(limits: Limits) -> Self {
        Self {
            limits,
            offset: 0,
            pages: 0,
            items: 0,
            count: None,
            seen: HashSet::new(),
        }
    }

    /// Checks the page fetched at `self.offset` and advances past it.
    fn accept(&mut self, page: NotificationPage, base: &Url) -> Result<Step, PageProblem> {
        self.pages = self.pages.saturating_add(1);
        if page.count < 0 {
            return Err(PageProblem::NegativeCount { count: page.count });
        }
        match self.count {
            None => self.count = Some(page.count),
            Some(first) if first != page.count => {
                return Err(PageProblem::CountChanged {
                    first,
                    now: page.count,
                });
            }
            Some(_) => {}
        }
        if let Some(next) = &page.next {
            check_next(next, base)?;
        }
        if page.results.is_empty() {
            return Ok(Step {
                items: Vec::new(),
                last: true,
            });
        }
        let received = u64::try_from(page.results.len()).unwrap_or(u64::MAX);
        let mut items = Vec::with_capacity(page.results.len());
        for item in page.results {
            if self.seen.contains(&item.slug) {
                tracing::debug!(
                    slug = item.slug,
                    "skipping a notification already handed out"
                );
                continue;
            }
            if self.items >= self.limits.max_items {
                return Err(PageProblem::TooManyItems {
                    max: self.limits.max_items,
                });
            }
            self.seen.insert(item.slug);
            self.items += 1;
            items.push(item);
        }
        if items.is_empty() {
            return Err(PageProblem::NoProgress);
        }
        self.offset = self.offset.saturating_add(received);
        if let Some(count) = self.count {
            if !i64::try_from(self.items).is_ok_and(|items| items <= count) {
                return Err(PageProblem::MoreThanCount { count });
            }
        }
        let last = page.next.is_none();
        if !last && self.pages >= self.limits.max_pages {
            // Hand out nothing more: the caller learns of the cap at this page, not later.
            return Err(PageProblem::TooManyPages {
                max: self.limits.max_pages,
            });
        }
        Ok(Step { items, last })
    }
}

/// Refuses a `next` link that is not a URL or leaves the base URL's host. The walk never
/// follows `next` (it asks for the next offset itself), so only the scheme may differ between
/// `http` and `https`: Django REST framework behind a TLS proxy writes `http://` links to its own
/// host. The host and the port (both explicit and equal, or both the scheme's default) must match.
fn check_next(next: &str, base: &Url) -> Result<(), PageProblem> {
    let web = |url: &Url| matches!(url.scheme(), "http" | "https");
    match base.join(next) {
        Err(_) => Err(PageProblem::InvalidNext {
            next: shown_url(next),
        }),
        Ok(url) if url.origin() == base.origin() => Ok(()),
        Ok(url)
            if web(&url) && web(base) && url.host() == base.host() && url.port() == base.port() =>
        {
            Ok(())
        }
        Ok(_) => Err(PageProblem::OtherOrigin {
            next: shown_url(next),
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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

    fn limits(page_size: u32) -> Limits {
        Limits {
            page_size,
            max_pages: DEFAULT_MAX_PAGES,
            max_items: DEFAULT_MAX_ITEMS,
        }
    }

    /// Feeds pages to a walk until it ends or refuses one: the slugs handed out, the offsets
    /// asked for, and the problem, if any.
    fn walk(
        walk: &mut Walk,
        pages: Vec<NotificationPage>,
    ) -> (Vec<i64>, Vec<u64>, Option<PageProblem>) {
        let base = Url::parse(BASE).unwrap();
        let mut slugs = Vec::new();
        let mut offsets = Vec::new();
        for page in pages {
            offsets.push(walk.offset);
            match walk.accept(page, &base) {
                Ok(step) => {
                    slugs.extend(step.items.iter().map(|n| n.slug));
                    if step.last {
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
            let mut state = Walk::new(limits(10));
            assert_eq!(walk(&mut state, pages), (slugs, offsets, problem), "{name}");
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
        let mut state = Walk::new(Limits {
            max_pages: 5,
            ..limits(10)
        });
        let (slugs, _, problem) = walk(&mut state, endless(6));
        assert_eq!(problem, Some(PageProblem::TooManyPages { max: 5 }));
        assert_eq!(slugs.len(), 40, "the page at the cap is not handed out");

        let mut state = Walk::new(Limits {
            max_items: 25,
            ..limits(10)
        });
        let (slugs, _, problem) = walk(&mut state, endless(4));
        assert_eq!(problem, Some(PageProblem::TooManyItems { max: 25 }));
        assert_eq!(slugs.len(), 20);

        // Exactly at the item cap and at the end is not an error.
        let mut state = Walk::new(Limits {
            max_items: 20,
            max_pages: 2,
            ..limits(10)
        });
        let (slugs, _, problem) = walk(
            &mut state,
            vec![page(20, 0..10, NEXT), page(20, 10..20, None)],
        );
        assert_eq!((slugs.len(), problem), (20, None));
    }

    #[test]
    fn every_problem_reads_as_one_bounded_line() {
        let long = format!("https://evil.example/{}\u{1b}[2J", "a".repeat(10_000));
        let base = Url::parse(BASE).unwrap();
        let problem = check_next(&long, &base).unwrap_err();
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
}
