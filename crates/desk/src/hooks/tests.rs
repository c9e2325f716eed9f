//! The hook worker against a real receiver on 127.0.0.1 (explicitly allowed, as private).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::*;

/// Each request the receiver got: its headers (lowercased names) and its body.
type Received = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

/// A receiver that answers the given statuses in turn and keeps what it was sent.
fn receiver(statuses: Vec<u16>) -> (String, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
    let seen = Arc::new(Mutex::new(vec![]));
    let log = seen.clone();
    std::thread::spawn(move || {
        for status in statuses {
            let Ok((mut s, _)) = listener.accept() else { return };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut headers = vec![];
            let mut line = String::new();
            let mut length = 0;
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                if let Some((k, v)) = l.split_once(": ") {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.parse().unwrap();
                    }
                    headers.push((k.to_ascii_lowercase(), v.to_string()));
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            log.lock().unwrap().push((headers, String::from_utf8(body).unwrap()));
            let _ = write!(s, "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

/// The site the stories' links point into.
const SITE: &str = "http://127.0.0.1:8080";

fn site() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn publish(store: &Store, headline: &str) {
    let a = newsdesk_core::testing::article(headline, "EUROPE", "2026-01-01T00:00:00Z");
    store.save_article(&a, None, "t", Timestamp::now()).unwrap();
}

#[test]
fn signed_deliveries_are_retried_with_backoff() {
    let (_dir, store) = site();
    let (url, seen) = receiver(vec![500, 204]);
    let t0 = Timestamp::now();
    let hook = store.add_hook(HookKind::Webhook, &url, "s3cret", &["published".into()], true, t0).unwrap();
    publish(&store, "A story");
    let out = Outbound::new();

    assert_eq!(deliver_due(&store, SITE, &out, t0).unwrap(), 1);
    let d = &store.deliveries(hook.id, 5).unwrap()[0];
    assert_eq!((d.delivered, d.failed, d.attempts, d.last_status), (false, false, 1, Some(500)));
    assert_eq!(deliver_due(&store, SITE, &out, t0).unwrap(), 0, "the retry waits for its backoff");

    let later = t0 + backoff(1);
    assert_eq!(deliver_due(&store, SITE, &out, later).unwrap(), 1);
    let d = &store.deliveries(hook.id, 5).unwrap()[0];
    assert_eq!((d.delivered, d.attempts, d.last_status), (true, 2, Some(204)));

    let log = seen.lock().unwrap();
    let (headers, body) = &log[1];
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(header("x-newsdesk-event"), "published");
    assert_eq!(header("x-newsdesk-signature"), signature("s3cret", later, body.as_bytes()));
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["article"]["url"], "http://127.0.0.1:8080/europe/a-story");
}

#[test]
fn a_hook_not_allowed_private_never_reaches_loopback() {
    let (_dir, store) = site();
    let (url, seen) = receiver(vec![204]);
    let t0 = Timestamp::now();
    let hook = store.add_hook(HookKind::Webhook, &url, "s", &["published".into()], false, t0).unwrap();
    publish(&store, "A story");
    deliver_due(&store, SITE, &Outbound::new(), t0).unwrap();
    let d = &store.deliveries(hook.id, 5).unwrap()[0];
    assert!(!d.delivered);
    assert!(d.last_error.as_deref().unwrap().contains("not a public address"), "{d:?}");
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn websub_pings_name_the_changed_feeds() {
    let (_dir, store) = site();
    let (url, seen) = receiver(vec![204]);
    let events = ["published".to_string(), "updated".into(), "unpublished".into()];
    store.add_hook(HookKind::Websub, &url, "", &events, true, Timestamp::now()).unwrap();
    publish(&store, "A story");
    deliver_due(&store, SITE, &Outbound::new(), Timestamp::now()).unwrap();
    let log = seen.lock().unwrap();
    let body = &log[0].1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
    assert_eq!(pairs[0], ("hub.mode".into(), "publish".into()));
    let urls: Vec<&str> = pairs[1..].iter().map(|(_, v)| v.as_str()).collect();
    assert!(urls.contains(&"http://127.0.0.1:8080/feed.xml"));
    assert!(urls.contains(&"http://127.0.0.1:8080/europe/atom.xml"));
    assert_eq!(urls.len(), 6);
}

#[test]
fn backoff_grows_and_is_capped() {
    assert_eq!(backoff(1), SignedDuration::from_secs(30));
    assert_eq!(backoff(2), SignedDuration::from_secs(60));
    assert_eq!(backoff(40), SignedDuration::from_secs(6 * 3600));
}
