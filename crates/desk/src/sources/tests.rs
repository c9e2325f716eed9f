//! Polling against a real server on 127.0.0.1 (explicitly allowed, as a private address).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use newsdesk_store::NewSource;

use super::*;

/// What the server was asked: each request's headers, lower-cased names.
type Asked = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// One scripted answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, String);

/// A server that gives the scripted answers in turn.
fn server(answers: Vec<Answer>) -> (String, Asked) {
    server_for(|_| answers)
}

/// As [`server`], with answers that may name the server's own address.
fn server_for(answers: impl FnOnce(&str) -> Vec<Answer>) -> (String, Asked) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/feed.xml", listener.local_addr().unwrap().port());
    let answers = answers(&url);
    let asked: Asked = Arc::new(Mutex::new(vec![]));
    let log = asked.clone();
    std::thread::spawn(move || {
        for (status, headers, body) in answers {
            let Ok((mut s, _)) = listener.accept() else { return };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut seen = vec![];
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim_end() != "" {
                if let Some((k, v)) = line.trim_end().split_once(": ") {
                    seen.push((k.to_ascii_lowercase(), v.to_string()));
                }
                line.clear();
            }
            log.lock().unwrap().push(seen);
            let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, asked)
}

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Partner</title><link>https://partner.example/</link>
<item><title>Harbour reopens after storm</title><guid>https://partner.example/1</guid><description>Ships returned to the harbour on Monday.</description><category>Local</category></item>
<item><title>Council approves budget</title><guid>https://partner.example/2</guid><description>The council voted on Tuesday.</description></item>
</channel></rss>"#;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn add(store: &Store, url: &str, publish: bool, allow_private: bool) -> FeedSource {
    let source = NewSource { url, name: "Partner", every_secs: 300, allow_private, section: Some("Local"), publish };
    store.add_feed_source(&source, "2026-12-01T12:00:00Z".parse().unwrap()).unwrap()
}

#[test]
fn a_feed_is_polled_into_the_queue_then_asked_only_for_changes() {
    let (_d, store) = store();
    let (url, asked) = server(vec![
        (200, vec![("ETag", "\"v1\""), ("Last-Modified", "Mon, 30 Nov 2026 10:00:00 GMT")], FEED.into()),
        (304, vec![("ETag", "\"v1\"")], String::new()),
    ]);
    add(&store, &url, false, true);
    let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
    let outbound = Outbound::new();
    assert_eq!(poll_due(&store, &outbound, now).unwrap(), 1);
    let queued = store.wire_items(None, None, 10).unwrap();
    assert_eq!(queued.len(), 2);
    let s = &store.feed_sources().unwrap()[0];
    assert_eq!(s.last_status.as_deref(), Some("ok: 2 imported, 0 updated, 0 duplicate, 0 skipped, 0 failed"));
    assert_eq!((s.etag.as_deref(), s.items_total, s.failures), (Some("\"v1\""), 2, 0));
    assert_eq!(s.next_poll_at, now + SignedDuration::from_secs(300));
    assert_eq!(poll_due(&store, &outbound, now).unwrap(), 0, "not due again until its interval has passed");

    let later = now + SignedDuration::from_secs(301);
    assert_eq!(poll_due(&store, &outbound, later).unwrap(), 1);
    let second = &asked.lock().unwrap()[1];
    assert!(second.contains(&("if-none-match".into(), "\"v1\"".into())), "{second:?}");
    assert!(second.contains(&("if-modified-since".into(), "Mon, 30 Nov 2026 10:00:00 GMT".into())));
    assert_eq!(store.feed_sources().unwrap()[0].last_status.as_deref(), Some("not modified"));
}

#[test]
fn routing_rules_and_the_source_decide_what_is_published() {
    let (_d, store) = store();
    let rule = newsdesk_core::routing::RoutingRule {
        id: 0,
        name: "Budget to the desk".into(),
        field: newsdesk_core::routing::RuleField::Keyword,
        pattern: "budget".into(),
        section: Some("Politics".into()),
        tags: vec![],
        action: newsdesk_core::routing::RuleAction::Queue,
        enabled: true,
    };
    store.save_routing_rule(&rule, Timestamp::now()).unwrap();
    let (url, _) = server(vec![(200, vec![], FEED.into())]);
    add(&store, &url, true, true);
    poll_due(&store, &Outbound::new(), Timestamp::now()).unwrap();
    // No rule matched the harbour story: the source says publish, in its section.
    assert!(store.published_by_path("local", "harbour-reopens-after-storm").unwrap().is_some());
    // The budget story matched the rule: queued for the desk.
    let queued = store.wire_items(None, None, 10).unwrap();
    assert_eq!(queued.iter().map(|w| w.headline.as_str()).collect::<Vec<_>>(), ["Council approves budget"]);
}

#[test]
fn failures_are_recorded_and_retried_later_and_later() {
    let (_d, store) = store();
    let (url, _) = server(vec![(500, vec![], String::new()), (200, vec![], "not a feed".into())]);
    add(&store, &url, false, true);
    let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
    poll_due(&store, &Outbound::new(), now).unwrap();
    let s = &store.feed_sources().unwrap()[0];
    assert_eq!((s.last_status.as_deref(), s.failures), (Some("fetch failed"), 1));
    assert!(s.last_error.as_deref().unwrap().contains("answered 500"), "{:?}", s.last_error);
    assert_eq!(s.next_poll_at, now + SignedDuration::from_secs(600), "twice the interval after one failure");
    let later = s.next_poll_at;
    poll_due(&store, &Outbound::new(), later).unwrap();
    let s = &store.feed_sources().unwrap()[0];
    assert_eq!((s.last_status.as_deref(), s.failures), (Some("unreadable"), 2));
    assert_eq!(s.next_poll_at, later + SignedDuration::from_secs(1200));
    assert_eq!(backoff(300, 30), SignedDuration::from_hours(6), "at most six hours");
}

#[test]
fn a_private_address_is_refused_unless_the_source_allows_it() {
    let (_d, store) = store();
    let (url, asked) = server(vec![(200, vec![], FEED.into())]);
    add(&store, &url, false, false);
    poll_due(&store, &Outbound::new(), Timestamp::now()).unwrap();
    let s = &store.feed_sources().unwrap()[0];
    assert!(s.last_error.as_deref().unwrap().contains("not a public address"), "{:?}", s.last_error);
    assert!(asked.lock().unwrap().is_empty(), "nothing was sent");
    assert!(store.wire_items(None, None, 10).unwrap().is_empty());
}

#[test]
fn agency_wire_formats_are_polled_too() {
    let (_d, store) = store();
    let ap = r#"{"api_version": "2", "data": {"items": [{"meta": {}, "item": {"altids": {"itemid": "p1"}, "version": 1, "headline": "Polled from AP", "body_html": "<p>Words.</p>"}}]}}"#;
    let nitf = r#"<nitf><head><docdata><doc-id id-string="n1"/></docdata></head><body><body.head><hedline><hl1>Polled NITF</hl1></hedline></body.head><body.content><p>Words.</p></body.content></body></nitf>"#;
    let (url, _) = server(vec![(200, vec![], ap.into()), (200, vec![], nitf.into())]);
    add(&store, &url, true, true);
    let now: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
    poll_due(&store, &Outbound::new(), now).unwrap();
    poll_due(&store, &Outbound::new(), now + SignedDuration::from_secs(301)).unwrap();
    assert!(store.published_by_path("local", "polled-from-ap").unwrap().is_some());
    assert!(store.published_by_path("local", "polled-nitf").unwrap().is_some());
}

#[test]
fn an_ap_items_text_is_fetched_from_its_rendition_with_the_sources_key() {
    let (_d, store) = store();
    let (url, asked) = server_for(|url| {
        let base = url.trim_end_matches("/feed.xml");
        let feed = format!(
            r#"{{"api_version": "2", "data": {{"items": [
                {{"meta": {{}}, "item": {{"altids": {{"itemid": "r1"}}, "version": 1, "headline": "Rendition story",
                  "summary": "Only the summary.", "renditions": {{"nitf": {{"href": "{base}/content/r1/download?type=text&format=NITF"}}}}}}}},
                {{"meta": {{}}, "item": {{"altids": {{"itemid": "r2"}}, "version": 1, "headline": "Missing rendition",
                  "summary": "Summary kept.", "renditions": {{"nitf": {{"href": "{base}/content/r2/download"}}}}}}}}
            ]}}}}"#
        );
        let nitf = r#"<nitf><head><docdata><doc-id id-string="r1"/></docdata></head><body><body.content><p>The <em>whole</em> text.</p><p>Second paragraph.</p></body.content></body></nitf>"#;
        vec![(200, vec![], feed), (200, vec![], nitf.into()), (404, vec![], String::new())]
    });
    add(&store, &format!("{url}?apikey=K123"), true, true);
    poll_due(&store, &Outbound::new(), Timestamp::now()).unwrap();
    let story = store.published_by_path("local", "rendition-story").unwrap().expect("published");
    assert_eq!(story.body.len(), 2, "{:?}", story.body);
    assert_eq!(story.body[0].text(), ["The whole text."]);
    let kept = store.published_by_path("local", "missing-rendition").unwrap().expect("published");
    assert_eq!(kept.body[0].text(), ["Summary kept."]);
    let s = &store.feed_sources().unwrap()[0];
    let error = s.last_error.as_deref().unwrap_or("");
    assert!(error.starts_with("urn:ap:r2: its text rendition could not be had ("), "{error}");
    assert!(
        error.contains("/content/r2/download?apikey=[key]") && !error.contains("K123"),
        "the key went along, and is not shown: {error}"
    );
    assert_eq!(asked.lock().unwrap().len(), 3, "the feed and the two renditions");
}
