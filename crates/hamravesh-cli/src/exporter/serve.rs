//! The exporter's HTTP server: HTTP/1.1 over hyper, bounded against peers that connect and then
//! send slowly or nothing (an exporter often listens on every interface).
//!
//! - A request's head must arrive within a timeout ([`HEADER_READ_TIMEOUT`]), which is also how
//!   long an idle keep-alive connection is kept: half-sent requests cannot hold connections for
//!   ever.
//! - At most [`MAX_CONNECTIONS`] connections are served at once; more wait in the kernel's backlog
//!   until one closes, so a flood of idle connections cannot take every file descriptor (the
//!   poller needs one to reach the API); each of them is gone after the timeout.
//! - Heads are capped at [`MAX_HEAD_BYTES`] and [`MAX_HEADERS`] headers.
//!
//! Stopping (the future given to [`serve`]) stops accepting and lets each connection finish the
//! response it is writing.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// How long a request's head may take to arrive, and how long an idle connection is kept.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The most connections served at once (Prometheus needs one per scraper): half of the common
/// default limit of 1,024 open files, leaving room for the poller's connection to the API.
pub const MAX_CONNECTIONS: usize = 512;

/// The largest request head read (a scrape's is a few hundred bytes).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The most headers a request may have.
pub const MAX_HEADERS: usize = 64;

/// The bounds [`serve`] keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a request's head may take, and how long an idle connection is kept.
    pub header_read_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `stop` resolves.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // Dropped when this function returns: each connection then finishes its response and closes.
    let (_stopping, stopped) = watch::channel(());
    let mut stop = std::pin::pin!(stop);
    loop {
        let slot = tokio::select! {
            () = &mut stop => return,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                // The semaphore is never closed.
                Err(_) => return,
            },
        };
        let accepted = tokio::select! {
            () = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                // A peer that reset before it was accepted costs nothing; running out of file
                // descriptors should not spin the loop.
                tracing::debug!(%error, "exporter cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                // Timeouts, resets and unparsable requests are the peer's doing.
                tracing::debug!(%error, "exporter connection ended");
            }
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    const LIMITS: Limits = Limits {
        header_read_timeout: Duration::from_millis(300),
        max_connections: 4,
    };

    /// Starts a server answering `/` with `ok`; returns its address and a stop switch.
    async fn start() -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "ok" }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, LIMITS, async {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// Sends a whole request and reads the answer to the end (the request asks to close).
    async fn get_root(addr: std::net::SocketAddr) -> String {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    /// A peer that sends half a head and waits.
    async fn half_sent(addr: std::net::SocketAddr) -> TcpStream {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        stream
    }

    #[tokio::test]
    async fn a_half_sent_request_is_dropped_after_the_header_timeout() {
        let (addr, _stop) = start().await;
        let mut stream = half_sent(addr).await;
        let started = Instant::now();
        let mut rest = Vec::new();
        // The server closes it (hyper may first answer 408); the read ends either way.
        let read =
            tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "still open after 5 s");
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn idle_peers_hold_at_most_the_connection_limit_and_only_until_the_timeout() {
        let (addr, _stop) = start().await;
        // Under the limit, a request is answered at once beside idle peers.
        let idle: Vec<TcpStream> =
            futures_util::future::join_all((0..3).map(|_| half_sent(addr))).await;
        let started = Instant::now();
        assert!(get_root(addr).await.ends_with("ok"));
        assert!(
            started.elapsed() < Duration::from_millis(250),
            "{:?}",
            started.elapsed()
        );
        // With every slot held by idle peers, a request waits for the timeout to free one, then
        // is answered: the idle ones cannot hold the server for longer.
        let more = half_sent(addr).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = Instant::now();
        let answer = tokio::time::timeout(Duration::from_secs(5), get_root(addr)).await;
        assert!(
            answer.is_ok_and(|a| a.ends_with("ok")),
            "not answered within 5 s"
        );
        assert!(
            started.elapsed() >= Duration::from_millis(150),
            "{:?}",
            started.elapsed()
        );
        drop((idle, more));
    }

    #[tokio::test]
    async fn stopping_stops_accepting() {
        let (addr, stop) = start().await;
        assert!(get_root(addr).await.ends_with("ok"));
        stop.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
