//! Webhooks and WebSub end to end: the real binary, a receiver on 127.0.0.1, and restarts. What
//! is published while the server is down (or after it crashed) is delivered when it comes back,
//! because the worker follows the event log from a cursor kept in the database.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use common::{Server, newsdesk};

/// Accepts requests forever, answering 204, and sends each body (with its headers) to the test.
fn receiver() -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/in", listener.local_addr().unwrap().port());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let (mut head, mut line, mut length) = (String::new(), String::new(), 0);
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length: ") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            let _ = tx.send((head, String::from_utf8_lossy(&body).into_owned()));
        }
    });
    (url, rx)
}

fn capture(dir: &std::path::Path, name: &str, headline: &str) -> String {
    let f = dir.join(name);
    std::fs::write(&f, format!("date 2026-01-05 EUROPE\n1 min read\n{headline}\nJanuary 5, 2026\n\nBody.\n")).unwrap();
    f.to_string_lossy().into_owned()
}

#[test]
fn webhooks_survive_restarts_and_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (url, inbox) = receiver();
    let out = newsdesk(&data, &["webhook", "add", &url, "--events", "published", "--allow-private"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let secret = String::from_utf8(out.stdout).unwrap().split('\t').nth(1).unwrap().trim().to_string();
    assert!(secret.starts_with("whsec_"));

    // Published while no server runs: delivered once one starts.
    assert!(newsdesk(&data, &["import", &capture(dir.path(), "a.txt", "First while down")]).status.success());
    let server = Server::start("serve", &data);
    let (head, body) = inbox.recv_timeout(Duration::from_secs(10)).expect("delivery after start");
    assert!(body.contains("/europe/first-while-down"), "{body}");
    assert!(head.to_ascii_lowercase().contains("x-newsdesk-signature: t="), "{head}");
    assert!(head.to_ascii_lowercase().contains("x-newsdesk-event: published"));

    // Wait until the delivery is recorded (a crash between sending and recording would make it
    // due again when its lease runs out: deliveries are at least once, with an id to dedupe by).
    let t0 = std::time::Instant::now();
    while !String::from_utf8_lossy(&newsdesk(&data, &["webhook", "list"]).stdout).contains("1 delivered") {
        assert!(t0.elapsed() < Duration::from_secs(5), "the delivery was not recorded");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A crash (SIGKILL: no graceful shutdown), then a story published before the restart.
    drop(server);
    assert!(newsdesk(&data, &["import", &capture(dir.path(), "b.txt", "Second after crash")]).status.success());
    let _server = Server::start("serve", &data);
    let (_, body) = inbox.recv_timeout(Duration::from_secs(10)).expect("delivery after restart");
    assert!(body.contains("/europe/second-after-crash"), "{body}");
    assert!(inbox.recv_timeout(Duration::from_secs(2)).is_err(), "nothing is sent twice");

    let list = newsdesk(&data, &["webhook", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("2 delivered"), "{}", String::from_utf8_lossy(&list.stdout));
}

#[test]
fn websub_hub_is_advertised_and_pinged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (hub, inbox) = receiver();
    let server = Server::start_with(
        "serve",
        &data,
        &[("NEWSDESK_WEBSUB_HUB", hub.as_str()), ("NEWSDESK_WEBSUB_HUB_ALLOW_PRIVATE", "true")],
    );
    assert!(newsdesk(&data, &["import", &capture(dir.path(), "a.txt", "Pinged story")]).status.success());
    let (_, body) = inbox.recv_timeout(Duration::from_secs(10)).expect("a WebSub ping");
    assert!(body.starts_with("hub.mode=publish&hub.url="), "{body}");
    assert!(body.contains("%2Feurope%2Fatom.xml"), "{body}");
    let (_, rss) = server.get("/feed.xml");
    assert!(rss.contains(&format!("<atom:link href=\"{hub}\" rel=\"hub\"/>")), "{rss}");
    let (_, json) = server.get("/feed.json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["hubs"][0]["url"], hub.as_str());
}
