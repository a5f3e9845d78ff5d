//! The shared accept loop (`hamravesh_mock::http::serve`) with small limits, on a bare router: the
//! bounds the exporter and the mock rely on.
#![allow(clippy::unwrap_used)] // a server that cannot bind should fail the test loudly

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use hamravesh_mock::http::{Limits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LIMITS: Limits = Limits {
    header_read_timeout: Duration::from_millis(300),
    max_connections: 4,
    max_head_bytes: 16 * 1024,
    max_headers: 64,
};

/// Starts a server answering `/` with `ok` and `/big` with 1 MiB; returns its address and a stop
/// switch.
async fn start() -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/big", get(|| async { vec![b'x'; 1 << 20] }));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, app, LIMITS, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Sends a whole request and reads the answer to the end (the request asks to close).
async fn get_root(addr: SocketAddr) -> String {
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
async fn half_sent(addr: SocketAddr) -> TcpStream {
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
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
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
async fn peers_that_never_read_their_answers_do_not_hold_the_slots() {
    let (addr, _stop) = start().await;
    // Every slot taken by a peer that pipelines more answers (32 MiB) than the socket buffers
    // hold and reads none: the server's writes stall, and must be given up.
    let mut deaf = Vec::new();
    for _ in 0..LIMITS.max_connections {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(&b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(32))
            .await
            .unwrap();
        deaf.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let answer = tokio::time::timeout(Duration::from_secs(5), get_root(addr)).await;
    assert!(
        answer.is_ok_and(|a| a.ends_with("ok")),
        "not answered within 5 s"
    );
    drop(deaf);
}

#[tokio::test]
async fn a_slow_reader_gets_the_whole_answer() {
    let (addr, _stop) = start().await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    // Reads in small bites with pauses shorter than the timeout, for longer than it in all.
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut bite = vec![0; 64 * 1024];
    loop {
        tokio::time::sleep(Duration::from_millis(40)).await;
        let n = stream.read(&mut bite).await.unwrap();
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&bite[..n]);
    }
    assert!(started.elapsed() > LIMITS.header_read_timeout);
    assert!(answer.ends_with(&[b'x'; 1 << 20]), "{} bytes", answer.len());
}

#[tokio::test]
async fn stopping_stops_accepting() {
    let (addr, stop) = start().await;
    assert!(get_root(addr).await.ends_with("ok"));
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}
