//! The wire's store: the queue, routing rules, feed sources and their polls.

use super::*;
use crate::{NewSource, PollResult, QueueEntry, QueueStatus};
use jiff::SignedDuration;
use newsdesk_core::routing::{RoutingRule, RuleAction, RuleField};

fn rule(name: &str) -> RoutingRule {
    RoutingRule {
        id: 0,
        name: name.into(),
        field: RuleField::Keyword,
        pattern: name.to_lowercase(),
        section: Some("Sport".into()),
        tags: vec!["t".into()],
        action: RuleAction::Queue,
        enabled: true,
    }
}

#[test]
fn routing_rules_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = store.save_routing_rule(&rule("A"), now()).unwrap();
    let b = store.save_routing_rule(&rule("B"), now()).unwrap();
    let c = store.save_routing_rule(&rule("C"), now()).unwrap();
    let names = |s: &Store| s.routing_rules().unwrap().into_iter().map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(names(&store), ["A", "B", "C"]);
    store.move_routing_rule(c, true).unwrap();
    store.move_routing_rule(a, true).unwrap();
    assert_eq!(names(&store), ["A", "C", "B"], "the first cannot move up");
    let mut edited = store.routing_rules().unwrap().remove(2);
    assert_eq!(edited.id, b);
    edited.name = "B2".into();
    edited.enabled = false;
    store.save_routing_rule(&edited, now()).unwrap();
    assert_eq!(store.routing_rules().unwrap()[2], edited);
    store.delete_routing_rule(a).unwrap();
    assert_eq!(names(&store), ["C", "B2"]);
    assert!(matches!(store.delete_routing_rule(a), Err(StoreError::NotFound { .. })));
    assert!(matches!(
        store.save_routing_rule(&RoutingRule { id: 99, ..rule("X") }, now()),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn sources_are_claimed_once_until_their_poll_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let new = NewSource {
        url: "https://example.com/feed",
        name: "Ex",
        every_secs: 60,
        allow_private: false,
        section: None,
        publish: false,
    };
    let s = store.add_feed_source(&new, now()).unwrap();
    assert!(matches!(store.add_feed_source(&new, now()), Err(StoreError::Conflict(_))));
    let lease = SignedDuration::from_secs(120);
    let claimed = store.claim_due_source(now(), lease).unwrap().unwrap();
    assert_eq!(claimed.id, s.id);
    assert!(store.claim_due_source(now(), lease).unwrap().is_none(), "held by the first claim");
    let result = PollResult {
        status: "ok".into(),
        error: None,
        etag: Some("\"e\"".into()),
        last_modified: None,
        items: 3,
        next_poll_at: now() + SignedDuration::from_secs(60),
        failures: 0,
    };
    store.finish_poll(s.id, &result, now()).unwrap();
    assert!(store.claim_due_source(now(), lease).unwrap().is_none(), "not due yet");
    let later = now() + SignedDuration::from_secs(61);
    let again = store.claim_due_source(later, lease).unwrap().unwrap();
    assert_eq!((again.etag.as_deref(), again.items_total, again.last_polled_at), (Some("\"e\""), 3, Some(now())));
    // A node that died holding it: the lease runs out and another takes it over.
    assert!(store.claim_due_source(later + lease + SignedDuration::from_secs(1), lease).unwrap().is_some());
    store.remove_feed_source(s.id).unwrap();
    assert!(store.feed_sources().unwrap().is_empty());
}

#[test]
fn the_queue_tells_new_items_from_versions_and_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = article("Quake hits coast", "WORLD");
    let entry = |ext: &'static str, version: Option<&'static str>, hash: u64, cluster: Option<i64>| QueueEntry {
        external_id: ext,
        article: &a,
        version,
        format: "ninjs",
        urgency: Some(2),
        simhash: 7,
        content_hash: hash,
        cluster,
        feed_source: None,
    };
    let first = store.queue_item(&entry("x:1", Some("1"), 10, None), now()).unwrap();
    assert_eq!((first.status, first.cluster), (QueueStatus::Queued, first.id));
    assert_eq!(store.queue_item(&entry("x:1", Some("1"), 10, None), now()).unwrap().status, QueueStatus::Duplicate);
    assert_eq!(store.queue_item(&entry("x:1", Some("2"), 11, None), now()).unwrap().status, QueueStatus::Updated);
    assert_eq!(
        store.queue_item(&entry("x:1", Some("1"), 12, None), now()).unwrap().status,
        QueueStatus::Duplicate,
        "older"
    );
    let resent = store.queue_item(&entry("y:1", None, 11, None), now()).unwrap();
    assert_eq!((resent.status, resent.id), (QueueStatus::Duplicate, first.id), "the same text under another identity");
    let joined = store.queue_item(&entry("z:1", None, 99, Some(first.id)), now()).unwrap();
    assert_eq!((joined.status, joined.cluster), (QueueStatus::Queued, first.id));
    let items = store.wire_items(None, None, 10).unwrap();
    assert_eq!(items.iter().map(|w| (w.cluster, w.redeliveries)).collect::<Vec<_>>(), [(first.id, 0), (first.id, 3)]);
    assert_eq!(store.wire_fingerprints(now()).unwrap().len(), 2);
    assert_eq!(store.wire_articles(&[joined.id, 404]).unwrap().len(), 1);
}
