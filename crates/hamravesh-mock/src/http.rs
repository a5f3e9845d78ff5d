//! One HTTP/1.1 accept loop, bounded against peers that connect and then send slowly or nothing:
//! the mock's and the `hamravesh exporter`'s.
//!
//! - A request's head must arrive within [`Limits::header_read_timeout`], counted from accept or
//!   from the end of the previous response, so it is also how long an idle keep-alive connection
//!   is kept: half-sent requests cannot hold connections (and file descriptors) for ever.
//! - A response the peer does not read for as long is abandoned and the connection closed, so
//!   peers that send requests (pipelined, endlessly) and never read the answers cannot hold
//!   connections either. A slow reader is fine: the clock restarts whenever a write makes progress.
//! - At most [`Limits::max_connections`] connections are served at once; more wait in the kernel's
//!   backlog until one closes.
//! - hyper reads at most [`Limits::max_head_bytes`] of a head and [`Limits::max_headers`] header
//!   lines, answering a larger head with its own bare `431`.
//!
//! Written out instead of `axum::serve`, which gives no access to hyper's header-read timeout. A
//! response carrying [`CloseConnection`] in its extensions is not sent: the connection is closed
//! unanswered. When `stop` resolves (or the future is dropped) the loop stops accepting and each
//! connection finishes the response it is writing, then closes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::Response;
use axum::serve::Listener;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio_io_timeout::TimeoutWriter;

/// The bounds [`serve`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a request's head may take to arrive, how long an idle connection is kept, and how
    /// long a response may wait for the peer to read some of it.
    pub header_read_timeout: Duration,
    /// The most connections served at once (`usize::MAX`: as many as the system allows).
    pub max_connections: usize,
    /// hyper's read buffer, which bounds a request head. A soft bound: hyper checks it between
    /// reads, so a head that arrives at once may reach about twice this.
    pub max_head_bytes: usize,
    /// The most header lines a request may have.
    pub max_headers: usize,
}

/// The marker, in a response's extensions, that makes [`serve`] close the connection without
/// sending the response (as a server that crashed mid-request would).
#[derive(Debug, Clone, Copy)]
pub struct CloseConnection;

/// Serves `router` on `listener` within `limits` until `stop` resolves.
///
/// Accept errors are the listener's to handle ([`axum::serve::Listener`]: for a
/// [`tokio::net::TcpListener`], a connection that failed before it was accepted is skipped, and
/// running out of file descriptors waits a second rather than spin).
pub async fn serve<L>(
    mut listener: L,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) where
    L: Listener<Io = TcpStream>,
{
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_head_bytes)
        .max_headers(limits.max_headers);
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    // Dropped when this future ends: each connection then finishes its response and closes.
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
        let (stream, _peer) = tokio::select! {
            () = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        // Small answers go out at once rather than waiting for Nagle's delay.
        let _ = stream.set_nodelay(true);
        let mut stream = TimeoutWriter::new(stream);
        stream.set_timeout(Some(limits.header_read_timeout));
        let connection =
            http.serve_connection(TokioIo::new(Box::pin(stream)), closing(router.clone()));
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
                // Timeouts, resets and unparsable requests: the peer's doing.
                tracing::debug!(%error, "connection ended");
            }
            drop(slot);
        });
    }
}

/// The error that makes hyper close a connection without answering (see [`CloseConnection`]).
#[derive(Debug, thiserror::Error)]
#[error("the connection is closed without an answer")]
struct CloseWithoutAnswer;

/// The router as a hyper service that fails, so hyper drops the connection unanswered, when a
/// response carries [`CloseConnection`].
fn closing(
    router: Router,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = Response,
    Error = CloseWithoutAnswer,
    Future = impl Future<Output = Result<Response, CloseWithoutAnswer>> + Send,
> + Clone {
    let inner = TowerToHyperService::new(router);
    hyper::service::service_fn(move |request| {
        let answer = hyper::service::Service::call(&inner, request);
        async move {
            let response = match answer.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<CloseConnection>().is_some() {
                Err(CloseWithoutAnswer)
            } else {
                Ok(response)
            }
        }
    })
}
