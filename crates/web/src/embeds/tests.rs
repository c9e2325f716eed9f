//! Embed cards against a provider's oEmbed endpoint played by a server on 127.0.0.1 (explicitly
//! allowed for the test, as a private address never is otherwise).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiff::Timestamp;
use newsdesk_core::{Article, Block};
use tower::ServiceExt;

use super::*;
use crate::router;

/// A provider: `/oembed?url=…` describes the post (404 for a post called "gone"), `/thumb.jpg`
/// is its picture. Returns the base URL and the paths asked for.
fn provider() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let asked = Arc::new(Mutex::new(vec![]));
    let (log, me) = (asked.clone(), base.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim_end() != "" {
                line.clear();
            }
            let path = first.split(' ').nth(1).unwrap_or("").to_string();
            log.lock().unwrap().push(path.clone());
            let (status, kind, body): (u16, &str, Vec<u8>) = if path.starts_with("/thumb.jpg") {
                (200, "image/jpeg", newsdesk_ingest::image::test_jpeg(2_000))
            } else if path.contains("gone") || path.contains("dQw4w9WgXc0") {
                (404, "text/plain", b"Not Found".to_vec())
            } else {
                let answer = serde_json::json!({
                    "type": "video", "version": "1.0", "title": "Harbour cranes <at> dawn",
                    "author_name": "Port Films", "provider_name": "YouTube",
                    "thumbnail_url": format!("{me}/thumb.jpg"),
                    "html": "<iframe src=\"https://www.youtube.com/embed/x\"></iframe><script>alert(1)</script>",
                });
                (200, "application/json", answer.to_string().into_bytes())
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    (base, asked)
}

fn endpoints(base: &str) -> Endpoints {
    Endpoints {
        endpoints: Provider::ALL.iter().map(|p| (*p, format!("{base}/oembed"))).collect(),
        instagram_token: None,
        allow_private: true,
    }
}

fn site() -> (tempfile::TempDir, AppState) {
    let site = crate::test_support::TestSite::new();
    (site.dir, site.state)
}

async fn page(state: &AppState, path: &str) -> (StatusCode, String) {
    let res = router(state.clone()).oneshot(Request::builder().uri(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

const VIDEO: &str = "https://youtu.be/dQw4w9WgXcQ";

fn story(embeds: &[&str]) -> Article {
    let mut body = vec![Block::Paragraph { text: "Cranes moved at the harbour on Monday.".into(), marks: vec![] }];
    body.extend(embeds.iter().map(|u| Block::Embed { url: (*u).into() }));
    Article { body, ..crate::test_support::article("Harbour cranes move again", "EUROPE", "2026-01-05T10:00:00Z") }
}

#[tokio::test]
async fn an_embed_becomes_a_card_whose_player_loads_only_on_the_readers_click() {
    let (_dir, state) = site();
    let (base, asked) = provider();
    let other = "https://example.org/a-report";
    let saved = state.store.save_article(&story(&[VIDEO, other]), None, "t", Timestamp::now()).unwrap();

    // Before the fetch: a card already (the provider is known), without title or picture.
    let (status, html) = page(&state, &saved.path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"embed-card embed-youtube\""), "{html}");
    assert!(html.contains("YouTube post"));

    let outbound = Outbound::new();
    assert_eq!(fetch_due(&state, &outbound, &endpoints(&base)).unwrap(), 1, "only the known provider is asked");
    assert_eq!(fetch_due(&state, &outbound, &endpoints(&base)).unwrap(), 0, "asked once");
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[0].starts_with("/oembed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ&format=json"));

    state.cache.clear();
    let (_, html) = page(&state, &saved.path).await;
    let card = html.split("<figure class=\"embed-card").nth(1).unwrap().split("</figure>").next().unwrap();
    assert!(card.contains("data-player=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1\""), "{card}");
    assert!(card.contains("Harbour cranes &lt;at&gt; dawn"), "the title is text: {card}");
    assert!(card.contains("Port Films · YouTube"));
    let thumb = card.split("<img src=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(thumb.starts_with("/media/") && thumb.ends_with(".jpg"), "our own copy: {thumb}");
    assert_eq!(page(&state, thumb).await.0, StatusCode::OK);
    // Nothing on the page reaches the provider before a click: no iframe, no script of theirs,
    // no picture from their host.
    assert!(!html.contains("<iframe") && !html.contains("alert(1)"));
    assert!(!html.contains(&base), "nothing from the provider's host");
    assert!(html.contains("<script src=\"/assets/embed.js\" defer></script>"));
    // Any other URL stays a link.
    assert!(
        html.contains(&format!("<p class=\"embed\"><a href=\"{other}\" rel=\"noopener nofollow\">{other}</a></p>"))
    );
}

#[tokio::test]
async fn an_embed_the_provider_does_not_know_stays_a_plain_card_and_is_not_asked_again() {
    let (_dir, state) = site();
    let (base, asked) = provider();
    let gone = "https://www.youtube.com/watch?v=dQw4w9WgXc0";
    state.store.save_article(&story(&[gone]), None, "t", Timestamp::now()).unwrap();
    fetch_due(&state, &Outbound::new(), &endpoints(&base)).unwrap();
    let record = &state.store.embeds(&[gone]).unwrap()[0];
    assert!(record.fetched && record.title.is_none(), "{record:?}");
    assert!(record.error.as_deref().unwrap().contains("404"), "{record:?}");
    assert_eq!(fetch_due(&state, &Outbound::new(), &endpoints(&base)).unwrap(), 0);
    assert_eq!(asked.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_is_tried_again_later_and_a_private_one_never() {
    let (_dir, state) = site();
    state.store.save_article(&story(&[VIDEO]), None, "t", Timestamp::now()).unwrap();
    // Nothing listens on this port: a transport failure, retried later.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    fetch_due(&state, &Outbound::new(), &endpoints(&dead)).unwrap();
    let record = &state.store.embeds(&[VIDEO]).unwrap()[0];
    assert!(!record.fetched && record.error.is_some(), "{record:?}");
    assert!(state.store.embeds_due(10, Timestamp::now()).unwrap().is_empty(), "not again at once");
    let later = Timestamp::now() + jiff::SignedDuration::from_mins(2);
    assert_eq!(state.store.embeds_due(10, later).unwrap(), [VIDEO]);

    // Without the test's allowance, an endpoint on a private address is refused outright.
    let (_dir, state) = site();
    let (base, asked) = provider();
    state.store.save_article(&story(&[VIDEO]), None, "t", Timestamp::now()).unwrap();
    fetch_due(&state, &Outbound::new(), &Endpoints { allow_private: false, ..endpoints(&base) }).unwrap();
    let record = &state.store.embeds(&[VIDEO]).unwrap()[0];
    assert!(record.fetched && record.error.as_deref().unwrap().contains("not a public address"), "{record:?}");
    assert!(asked.lock().unwrap().is_empty());
}

#[test]
fn the_reader_pages_policy_allows_frames_from_each_provider_player_and_nowhere_else() {
    let frames = crate::READER_CSP.split("frame-src").nth(1).unwrap().split(';').next().unwrap();
    let allowed: Vec<&str> = frames.split_whitespace().collect();
    let players: Vec<&str> = Provider::ALL.iter().map(|p| p.player_origin()).collect();
    assert_eq!(allowed, players);
}
