//! kill -9 while the newsroom writes: several clients create, publish and edit stories through
//! the Admin API, the server is killed at a moment chosen by a seeded generator, restarted, and
//! every write it acknowledged must be there (the story, its last acknowledged headline, its
//! published state, its reader page and its search entry), with `PRAGMA integrity_check` ok.
//! CI runs 20 cycles; `NEWSDESK_CHAOS_CYCLES=200` runs the long campaign.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, newsdesk};
use serde_json::{Value, json};

/// What the server acknowledged about one story.
#[derive(Debug, Clone)]
struct Acked {
    /// The cycle that wrote it.
    cycle: usize,
    headline: String,
    /// A newer headline sent but not acknowledged (the kill came first): it may or may not have
    /// been saved, and either is right.
    pending: Option<String>,
    published: bool,
    /// A word only this version of the headline has, to find it by search.
    marker: String,
}

impl Acked {
    /// Whether a stored headline is this story's acknowledged one (or its unacknowledged newer one).
    fn holds(&self, stored: &Value) -> bool {
        stored.as_str().is_some_and(|s| s == self.headline || self.pending.as_deref() == Some(s))
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build()
}

/// One client: creates a story, publishes it, edits its headline, over and over, recording each
/// write the server answered with success. Requests cut off by the kill are simply not recorded.
fn writer(
    url: String,
    token: String,
    cycle: usize,
    client: usize,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<BTreeMap<i64, Acked>>>,
) {
    let call = |method: &str, path: &str, body: Value| -> Option<Value> {
        let r = agent()
            .request(method, &format!("{url}{path}"))
            .set("authorization", &format!("Bearer {token}"))
            .send_json(body)
            .ok()?;
        r.into_json().ok()
    };
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let marker = format!("zq{cycle}c{client}n{n}");
        let headline = format!("Harbour chaos round {cycle} client {client} story {n} {marker}");
        let body = json!({ "headline": headline, "section": "Europe", "body": [{ "type": "paragraph", "text": "Written while the server may die." }] });
        let Some(v) = call("POST", "/api/v1/admin/articles", body) else { continue };
        let Some(id) = v["data"]["id"].as_i64() else { continue };
        acked.lock().unwrap().insert(
            id,
            Acked { cycle, headline: headline.clone(), pending: None, published: false, marker: marker.clone() },
        );
        let mut published = true;
        for action in ["submit", "start_edit", "publish"] {
            if call("POST", &format!("/api/v1/admin/articles/{id}/transitions"), json!({ "action": action })).is_none()
            {
                published = false;
                break;
            }
        }
        if published {
            acked.lock().unwrap().get_mut(&id).unwrap().published = true;
            let edited = format!("{headline} edited {marker}e");
            acked.lock().unwrap().get_mut(&id).unwrap().pending = Some(edited.clone());
            if call("PATCH", &format!("/api/v1/admin/articles/{id}"), json!({ "headline": edited })).is_some() {
                let mut all = acked.lock().unwrap();
                let a = all.get_mut(&id).unwrap();
                a.headline = edited;
                a.pending = None;
                a.marker = format!("{marker}e");
            }
        }
    }
}

/// A small deterministic generator (xorshift), so a failing cycle can be run again.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn acknowledged_writes_survive_kill_9_during_concurrent_publishing() {
    let cycles: usize = std::env::var("NEWSDESK_CHAOS_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // No Admin API rate limit: the clients and the checks are the only traffic.
    let unlimited = [("NEWSDESK_API_RATE", "100000000")];
    let mut server = Server::start_with("demo", &data, &unlimited);
    let out = newsdesk(&data, &["user", "token", "editor@newsdesk.example"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let acked: Arc<Mutex<BTreeMap<i64, Acked>>> = Arc::default();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut kills = 0;
    for cycle in 0..cycles {
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..3)
            .map(|client| {
                let (url, token, stop, acked) = (server.url.clone(), token.clone(), stop.clone(), acked.clone());
                std::thread::spawn(move || writer(url, token, cycle, client, stop, acked))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200 + next(&mut seed) % 1300));
        drop(server); // SIGKILL, mid-write
        kills += 1;
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
        server = Server::start_with("serve", &data, &unlimited);
        // Every write acknowledged in this cycle is there, as acknowledged (all of them are
        // checked again at the end).
        let all = acked.lock().unwrap().clone();
        let fresh: Vec<_> = all.iter().filter(|(_, a)| a.cycle == cycle).collect();
        for (id, a) in fresh {
            let v: Value = agent()
                .get(&format!("{}/api/v1/admin/articles/{id}", server.url))
                .set("authorization", &format!("Bearer {token}"))
                .call()
                .unwrap_or_else(|e| panic!("cycle {cycle}: story {id} acknowledged, now {e}"))
                .into_json()
                .unwrap();
            assert!(a.holds(&v["data"]["headline"]), "cycle {cycle}: story {id}: {} for {a:?}", v["data"]["headline"]);
            if a.published {
                assert_eq!(v["data"]["state"], "published", "cycle {cycle}: story {id} was published");
            }
        }
        // The newest published story of the cycle is on its page and in search (the index
        // follows the log after a restart).
        if let Some((id, a)) = all.iter().rev().find(|(_, a)| a.published && a.cycle == cycle) {
            let v: Value = agent()
                .get(&format!("{}/api/v1/admin/articles/{id}", server.url))
                .set("authorization", &format!("Bearer {token}"))
                .call()
                .unwrap()
                .into_json()
                .unwrap();
            let path =
                format!("/{}/{}", v["data"]["section"]["slug"].as_str().unwrap(), v["data"]["slug"].as_str().unwrap());
            assert_eq!(server.get(&path).0, 200, "cycle {cycle}: {path}");
            let t0 = Instant::now();
            // The stored headline is the acknowledged one or the newer pending one; both hold the
            // story's first marker.
            let marker = a.marker.trim_end_matches('e');
            while !server.get(&format!("/search?q={marker}")).1.contains("1 story found") {
                assert!(t0.elapsed() < Duration::from_secs(20), "cycle {cycle}: {marker} never searchable");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    let all = acked.lock().unwrap().clone();
    for (id, a) in &all {
        let v: Value = agent()
            .get(&format!("{}/api/v1/admin/articles/{id}", server.url))
            .set("authorization", &format!("Bearer {token}"))
            .call()
            .unwrap_or_else(|e| panic!("at the end: story {id} acknowledged in cycle {}, now {e}", a.cycle))
            .into_json()
            .unwrap();
        assert!(a.holds(&v["data"]["headline"]), "at the end: story {id}: {} for {a:?}", v["data"]["headline"]);
        assert!(!a.published || v["data"]["state"] == "published", "at the end: story {id} was published");
    }
    let written = all.len();
    drop(server);
    let store = newsdesk_store::Store::open(&data).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(written >= cycles, "the clients wrote ({written} stories acknowledged in {kills} kills)");
    eprintln!("chaos: {kills} kill -9 cycles, {written} stories acknowledged, none lost");
}
