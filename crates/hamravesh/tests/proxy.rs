//! `ClientBuilder::proxy` against a small SOCKS5 proxy started by each test: calls go through it
//! (`socks5://` with names resolved locally, `socks5h://` with names sent to the proxy), an
//! `https` base URL crosses it only inside TLS, plain HTTP is refused through a proxy that is
//! not on loopback, and neither the key nor the proxy's password appears in an error.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a broken fixture should fail the test loudly

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hamravesh::{Client, ConfigError, ErrorKind};
use hamravesh_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A key distinctive enough that finding it anywhere is certainly a leak.
const KEY: &str = "hk_proxy_SECRET_5d0e";

/// What the proxy saw: each CONNECT's destination, and the first bytes the client sent through
/// each tunnel.
#[derive(Default)]
struct Seen {
    destinations: Vec<String>,
    first_bytes: Vec<Vec<u8>>,
}

/// A SOCKS5 proxy (no authentication, CONNECT only) on 127.0.0.1. With `relay`, it connects
/// to the destination and copies both ways; without, it records what the client sends first
/// and closes (a stand-in for a remote host the test cannot reach).
async fn socks5_proxy(relay: bool) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = Arc::clone(&shared);
            tokio::spawn(async move {
                let _ = serve(stream, relay, seen).await;
            });
        }
    });
    (address, seen)
}

async fn serve(mut client: TcpStream, relay: bool, seen: Arc<Mutex<Seen>>) -> std::io::Result<()> {
    // Greeting: version 5, methods; answer "no authentication".
    let mut head = [0u8; 2];
    client.read_exact(&mut head).await?;
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods).await?;
    assert_eq!(head[0], 5, "not SOCKS5");
    client.write_all(&[5, 0]).await?;
    // Request: version, CONNECT, reserved, address type, address, port.
    let mut request = [0u8; 4];
    client.read_exact(&mut request).await?;
    assert_eq!(request[1], 1, "not CONNECT");
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).await?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).await?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name).await?;
            String::from_utf8(name).unwrap()
        }
        4 => {
            let mut ip = [0u8; 16];
            client.read_exact(&mut ip).await?;
            format!("[{}]", std::net::Ipv6Addr::from(ip))
        }
        other => panic!("address type {other}"),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await?;
    let destination = format!("{host}:{}", u16::from_be_bytes(port));
    seen.lock().unwrap().destinations.push(destination.clone());
    // Success, bound to 0.0.0.0:0.
    client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    if relay {
        let mut upstream = TcpStream::connect(destination).await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    } else {
        let mut first = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut first))
            .await
            .unwrap_or(Ok(0))?;
        first.truncate(n);
        seen.lock().unwrap().first_bytes.push(first);
    }
    Ok(())
}

async fn mock() -> MockServer {
    MockServer::builder().api_key(KEY).start().await.unwrap()
}

#[tokio::test]
async fn calls_go_through_a_socks5_proxy() {
    struct Case {
        scheme: &'static str,
        /// The base URL's host: an address, or a name the proxy resolves with socks5h.
        host: &'static str,
        /// What the proxy is asked to connect to (the port is the mock's).
        destination_host: &'static str,
    }
    let cases = [
        Case {
            scheme: "socks5",
            host: "127.0.0.1",
            destination_host: "127.0.0.1",
        },
        Case {
            scheme: "socks5h",
            host: "localhost",
            destination_host: "localhost",
        },
        Case {
            scheme: "socks5",
            host: "localhost",
            destination_host: "127.0.0.1",
        },
    ];
    for case in cases {
        let mock = mock().await;
        let (proxy, seen) = socks5_proxy(true).await;
        let port = mock.addr().port();
        let client = Client::builder()
            .api_key(KEY)
            .base_url(format!("http://{}:{port}", case.host))
            .proxy(format!("{}://{proxy}", case.scheme))
            .build()
            .unwrap();
        let profile = client.get_profile().await.unwrap();
        assert_eq!(profile.organizations[0].name, "my-team");
        assert_eq!(mock.request_count(), 1);
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.destinations,
            [format!("{}:{port}", case.destination_host)],
            "{}",
            case.scheme
        );
    }
}

#[tokio::test]
async fn an_https_base_url_crosses_the_proxy_only_inside_tls() {
    let (proxy, seen) = socks5_proxy(false).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url("https://api.hamravesh.example")
        .proxy(format!("socks5h://{proxy}"))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.get_profile().await.unwrap_err();
    assert!(!format!("{error:?}{}", error.report()).contains(KEY));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.destinations, ["api.hamravesh.example:443"]);
    let first = &seen.first_bytes[0];
    // A TLS handshake record (content type 22, version 3.x): a ClientHello, not HTTP.
    assert_eq!(&first[..2], &[0x16, 0x03], "{first:?}");
    let text = String::from_utf8_lossy(first);
    assert!(!text.contains(KEY) && !text.contains("Api-key"), "{text}");
}

/// Proxies refused when the client is built: off this machine for a plain `http` base URL (the
/// key would cross in clear), any scheme reqwest cannot speak (it would take the URL and then
/// send around it), and a URL that is empty or malformed (named, without its password). The
/// password is never quoted.
#[tokio::test]
async fn proxies_the_client_must_not_use_are_refused() {
    let insecure = "refusing to send the API key over plain HTTP to 127.0.0.1 through a proxy that is not on a loopback address";
    let scheme = "unsupported proxy scheme";
    for (proxy, refusal) in [
        ("socks5://10.1.2.3:1080", insecure),
        ("http://proxy.example:3128", insecure),
        // Without a scheme it is http://, as reqwest reads it: checked as such.
        ("proxy.example:3128", insecure),
        ("10.1.2.3:3128", insecure),
        ("ftp://user:pr0xyPASSWORD@127.0.0.1:2121", scheme),
        ("gopher://127.0.0.1:70", scheme),
        ("FTP://proxy.example", scheme),
        (
            "not a url",
            r#"invalid proxy URL "not a url": it does not parse as a URL: invalid international domain name"#,
        ),
        (
            "socks5://user:pr0xyPASSWORD@[::1",
            r#"invalid proxy URL "socks5://[::1": it does not parse as a URL: invalid IPv6 address"#,
        ),
        (
            "http://127.0.0.1:99999",
            r#"invalid proxy URL "http://127.0.0.1:99999": it does not parse as a URL: invalid port number"#,
        ),
        (
            "socks5://user:pr0xyPASSWORD@",
            r#"invalid proxy URL "socks5://": it does not parse as a URL: empty host"#,
        ),
        (
            "socks5://",
            r#"invalid proxy URL "socks5://": it names no host"#,
        ),
        ("", r#"invalid proxy URL "": it is empty"#),
        (" ", r#"invalid proxy URL "": it is empty"#),
    ] {
        // A malformed proxy is refused whatever the base URL; a remote one only for plain HTTP.
        for base_url in ["http://127.0.0.1:8080", "https://api.hamravesh.example"] {
            if refusal == insecure && base_url.starts_with("https") {
                continue;
            }
            let error = Client::builder()
                .api_key(KEY)
                .base_url(base_url)
                .proxy(proxy)
                .build()
                .unwrap_err();
            assert!(error.is_config(), "{proxy}: {error:?}");
            let report = error.report();
            assert!(report.starts_with(refusal), "{proxy}: {report}");
            assert!(
                !format!("{report}{error:?}").contains("pr0xyPASSWORD"),
                "{report}"
            );
            if refusal == scheme {
                assert!(
                    matches!(error.config(), Some(ConfigError::UnsupportedProxyScheme)),
                    "{proxy}: {error:?}"
                );
            }
        }
    }
    // Every scheme reqwest speaks is taken, and text without one is read as http://; each on
    // loopback, so also with a plain-http loopback base URL.
    for proxy in [
        "http://127.0.0.1:3128",
        "HTTPS://127.0.0.1:3128",
        "socks4://127.0.0.1:1080",
        "socks4a://127.0.0.1:1080",
        "socks5://127.0.0.1:1080",
        "socks5h://127.0.0.1:1080",
        "socks5://[::1]:1080",
        "127.0.0.1:3128",
        "localhost:3128",
        "user:pr0xyPASSWORD@127.0.0.1:3128",
    ] {
        for base_url in ["https://api.hamravesh.example", "http://127.0.0.1:8080"] {
            let built = Client::builder()
                .api_key(KEY)
                .base_url(base_url)
                .proxy(proxy)
                .build();
            assert!(built.is_ok(), "{proxy} {base_url}: {:?}", built.err());
        }
    }
}

#[tokio::test]
async fn a_proxy_password_is_never_printed() {
    let password = "pr0xyPASSWORD";
    // An unusable proxy URL: refused while building, without quoting it.
    let error = Client::builder()
        .api_key(KEY)
        .proxy(format!("socks5://user:{password}@[::1"))
        .build()
        .unwrap_err();
    assert!(error.is_config(), "{error:?}");
    let text = format!("{error:?}{}", error.report());
    assert!(!text.contains(password) && !text.contains(KEY), "{text}");
    // The builder's Debug holds neither.
    let builder = Client::builder()
        .api_key(KEY)
        .proxy(format!("socks5://user:{password}@127.0.0.1:1"));
    let debug = format!("{builder:?}");
    assert!(!debug.contains(password) && !debug.contains(KEY), "{debug}");
    // A proxy that refuses connections: a transport error naming neither.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let error = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .proxy(format!("socks5://user:{password}@127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap()
        .get_profile()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    let text = format!("{error:?}{}", error.report());
    assert!(!text.contains(password) && !text.contains(KEY), "{text}");
}
