//! `hamravesh notifications`: one page of the feed (or every page with `--all`), as a table or
//! as a JSON array.

use std::time::Duration;

use futures_util::StreamExt;
use hamravesh::NotificationWalk;
use hamravesh::types::notifications::Notification;

use crate::Failure;
use crate::args::NotificationsArgs;
use crate::client_cmd::{self, classify};

/// The page size of one page when `--limit` is not given.
pub const DEFAULT_LIMIT: u32 = 20;

/// Runs the command.
pub async fn run(args: NotificationsArgs) -> Result<(), Failure> {
    let session = client_cmd::connect(&args.client).await?;
    let organization =
        crate::organization::resolve(&session, args.organization.org.as_deref()).await?;
    let (mut items, summary) = if args.all {
        let mut walk = session.client.walk_notifications(&organization);
        if let Some(limit) = args.limit {
            walk = walk.page_size(limit);
        }
        if let Some(pages) = args.max_pages {
            walk = walk.max_pages(pages);
        }
        let items = read_all(walk, client_cmd::walk_deadline(&args.client)).await?;
        let summary = Summary::All { total: items.len() };
        (items, summary)
    } else {
        let offset = args.offset.unwrap_or(0);
        let page = session
            .client
            .notifications(&organization, args.limit.unwrap_or(DEFAULT_LIMIT), offset)
            .await
            .map_err(classify)?;
        let summary = Summary::Page {
            offset,
            len: page.results.len(),
            count: page.count,
            more: page.next.is_some(),
        };
        (page.results, summary)
    };
    if args.unread {
        items.retain(|item| item.unread);
    }
    if args.json {
        crate::output::print_json(&items)
    } else {
        crate::print_stdout(&human(&items, &summary, args.unread))
    }
}

/// Every notification of the walk, read within `deadline` (the whole walk, every page and retry
/// included: `--total-timeout` bounds the command, not only each request). Past it, the error
/// says how many were read.
async fn read_all(
    walk: NotificationWalk,
    deadline: Duration,
) -> Result<Vec<Notification>, Failure> {
    let mut items = Vec::new();
    let progress = crate::progress::counter("notifications read");
    let walked = tokio::time::timeout(deadline, async {
        let mut stream = std::pin::pin!(walk.into_stream());
        while let Some(item) = stream.next().await {
            items.push(item?);
            progress.inc(1);
        }
        Ok(())
    })
    .await;
    progress.finish_and_clear();
    match walked {
        Ok(Ok(())) => Ok(items),
        Ok(Err(error)) => Err(client_cmd::walk_failure(
            error,
            &[
                ("raise it with max_pages", "raise it with --max-pages"),
                (
                    "; raise it with max_items",
                    " (the CLI reads at most that many; read page by page with --limit and --offset)",
                ),
            ],
        )),
        Err(_elapsed) => Err(Failure::Remote(format!(
            "--total-timeout ({}s) passed before the end of the feed, after reading {} notifications; \
             raise --total-timeout, or read one page at a time with --limit and --offset",
            deadline.as_secs_f64(),
            items.len()
        ))),
    }
}

/// What was read, for the line under the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Summary {
    /// One page: where it starts, how many it held, the feed's total, whether more follow.
    Page {
        offset: u64,
        len: usize,
        count: i64,
        more: bool,
    },
    /// The whole feed.
    All { total: usize },
}

/// The table and a line saying what it shows (and, for a page, how to read the next one).
fn human(items: &[Notification], summary: &Summary, unread_only: bool) -> String {
    let mut out = String::new();
    let what = if unread_only {
        "unread notifications"
    } else {
        "notifications"
    };
    if items.is_empty() {
        out.push_str(&format!("No {what}.\n"));
    } else {
        out.push_str(&crate::render::notifications(items));
    }
    match *summary {
        Summary::Page {
            offset,
            len: 0,
            count,
            ..
        } => out.push_str(&if count < 0 {
            format!("Nothing at offset {offset} (the API gave no valid total).\n")
        } else {
            format!("Nothing at offset {offset}: the feed holds {count} notifications.\n")
        }),
        Summary::Page {
            offset,
            len,
            count,
            more,
        } => {
            let first = offset.saturating_add(1);
            let last = offset.saturating_add(len as u64);
            if unread_only {
                out.push_str(&format!("{} unread among notifications ", items.len()));
            } else {
                out.push_str("Notifications ");
            }
            // A negative total (a broken server) is shown as unknown, never as "-5".
            if count < 0 {
                out.push_str(&format!("{first}-{last} of an unknown total"));
            } else {
                out.push_str(&format!("{first}-{last} of {count}"));
            }
            if more {
                out.push_str(&format!("; next page: --offset {last}, or --all"));
            }
            out.push_str(".\n");
        }
        Summary::All { total } if unread_only => out.push_str(&format!(
            "{} unread of {total} notifications.\n",
            items.len()
        )),
        Summary::All { total } => out.push_str(&format!("{total} notifications.\n")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> Vec<Notification> {
        serde_json::from_str(hamravesh_mock::DEFAULT_NOTIFICATIONS).unwrap_or_default()
    }

    /// The summary of one page.
    fn page(offset: u64, len: usize, count: i64, more: bool) -> Summary {
        Summary::Page {
            offset,
            len,
            count,
            more,
        }
    }

    #[test]
    fn the_line_under_the_table_says_what_was_shown() {
        let items = feed();
        assert!(items.len() > 3);
        let cases = [
            (
                page(0, 3, 37, true),
                false,
                "Notifications 1-3 of 37; next page: --offset 3, or --all.\n",
            ),
            (
                page(34, 3, 37, false),
                false,
                "Notifications 35-37 of 37.\n",
            ),
            (
                page(90, 0, 37, false),
                false,
                "Nothing at offset 90: the feed holds 37 notifications.\n",
            ),
            (
                page(0, 0, -5, false),
                false,
                "Nothing at offset 0 (the API gave no valid total).\n",
            ),
            (
                page(0, 3, -5, true),
                false,
                "Notifications 1-3 of an unknown total; next page: --offset 3, or --all.\n",
            ),
            (Summary::All { total: 3 }, false, "3 notifications.\n"),
            (
                Summary::All { total: 5 },
                true,
                "3 unread of 5 notifications.\n",
            ),
        ];
        for (summary, unread, last_line) in cases {
            let len = match summary {
                Summary::Page { len, .. } => len,
                Summary::All { .. } => 3,
            };
            let text = human(&items[..len], &summary, unread);
            assert!(text.ends_with(last_line), "{summary:?}: {text}");
            if len == 0 {
                assert!(text.starts_with("No notifications.\n"), "{text}");
            } else {
                assert!(text.starts_with("TIME (UTC)"), "{text}");
            }
        }
    }
}
