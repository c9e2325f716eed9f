use super::*;
use newsdesk_core::WorkflowState;
use newsdesk_core::routing::RuleField;
use newsdesk_ingest::item::{Format, PubStatus, Subject, WirePicture};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

const FERRY: &str = "Ferry services between Izmir and the Greek island of Chios resumed on Monday after a \
    three-day suspension caused by strong northerly winds, the port authority said. Operators added extra \
    sailings to clear a backlog of passengers, and officials expect traffic to return to normal by Wednesday.";
const FERRY_OTHER_AGENCY: &str = "Ferries between the Turkish port of Izmir and the Greek island of Chios were \
    running again on Monday, the port authority said, after gale-force northerly winds halted services for three \
    days. Extra sailings were added to clear the backlog and traffic should be back to normal by Wednesday.";
const BANK: &str = "The central bank left its main interest rate unchanged on Thursday, saying inflation was easing \
    more slowly than expected and that it would keep policy tight until price growth returned to target.";

fn item(uri: &str, headline: &str, text: &str) -> WireItem {
    let mut i = WireItem::new(
        Format::Ninjs,
        uri.into(),
        headline.into(),
        vec![Block::Paragraph { text: text.into(), marks: vec![] }],
    );
    i.version = Some("1".into());
    i.first_created = Some("2026-11-30T08:00:00Z".parse().unwrap());
    i.provider = Some("AA".into());
    i.copyright_holder = Some("AA".into());
    i
}

fn rule(name: &str, field: RuleField, pattern: &str, section: Option<&str>, action: RuleAction) -> RoutingRule {
    RoutingRule {
        id: 0,
        name: name.into(),
        field,
        pattern: pattern.into(),
        section: section.map(str::to_string),
        tags: vec![format!("{name} tag")],
        action,
        enabled: true,
    }
}

fn now() -> Timestamp {
    "2026-12-01T12:00:00Z".parse().unwrap()
}

#[test]
fn sections_come_from_the_batch_then_the_rules_then_the_item() {
    let (_d, store) = store();
    store
        .save_routing_rule(
            &rule("Sport", RuleField::Subject, "medtop:15000000", Some("Sport"), RuleAction::Publish),
            now(),
        )
        .unwrap();
    let mut sport = item("urn:1", "Derby ends level", "The derby ended one all.");
    sport.subjects = vec![Subject { code: Some("medtop:15000000".into()), name: Some("sport".into()) }];
    let mut filed = item("urn:2", "Markets rally", BANK);
    filed.section = Some("Business".into());
    let plain = item("urn:3", "Plain story", "Nothing files this one.");

    let mut intake = Intake::new(&store, Mode::Publish, "test").unwrap();
    let out = intake.take(&sport, now()).unwrap();
    assert_eq!(
        (out.status, out.path.as_str(), out.rule.is_some()),
        (Status::Imported, "/sport/derby-ends-level", true)
    );
    let stored = store.article(newsdesk_core::ArticleId(out.id)).unwrap();
    assert!(stored.tags.contains(&"Sport tag".to_string()), "the rule's tags are added: {:?}", stored.tags);
    assert_eq!(intake.take(&filed, now()).unwrap().path, "/business/markets-rally");
    assert_eq!(intake.take(&plain, now()).unwrap().path, "/news/plain-story");

    let mut forced =
        Intake::new(&store, Mode::Publish, "test").unwrap().into_section(Section::from_label("World").unwrap());
    let other = item("urn:4", "Forced story", "Filed where the batch says.");
    assert_eq!(forced.take(&other, now()).unwrap().path, "/world/forced-story");
}

#[test]
fn versions_repeats_and_replacements() {
    let (_d, store) = store();
    let mut intake = Intake::new(&store, Mode::Publish, "test").unwrap();
    let first = item("urn:a", "First version", FERRY);
    let out = intake.take(&first, now()).unwrap();
    assert_eq!(out.status, Status::Imported);
    assert_eq!(intake.take(&first, now()).unwrap().status, Status::Duplicate, "the same version again");
    let older = WireItem { version: Some("0".into()), headline: "Older".into(), ..first.clone() };
    assert_eq!(intake.take(&older, now()).unwrap().status, Status::Duplicate, "an older version changes nothing");
    let newer = WireItem { version: Some("2".into()), headline: "Second version".into(), ..first.clone() };
    let updated = intake.take(&newer, now()).unwrap();
    assert_eq!((updated.status, updated.id, updated.path.as_str()), (Status::Updated, out.id, out.path.as_str()));
    assert_eq!(store.article(newsdesk_core::ArticleId(out.id)).unwrap().headline, "Second version");
    // An item that names the one it replaces updates that story rather than making a second.
    let replacement = WireItem {
        uri: "urn:b".into(),
        supersedes: vec!["urn:a".into()],
        version: Some("1".into()),
        headline: "Corrected".into(),
        ..first
    };
    let replaced = intake.take(&replacement, now()).unwrap();
    assert_eq!((replaced.status, replaced.id), (Status::Updated, out.id));
    // A kill: the next version, canceled at its source, takes the story down and says so.
    let killed =
        WireItem { version: Some("2".into()), pub_status: newsdesk_ingest::PubStatus::Canceled, ..replacement };
    assert_eq!(intake.take(&killed, now()).unwrap().status, Status::Updated);
    let id = newsdesk_core::ArticleId(out.id);
    assert_eq!(store.article(id).unwrap().state, newsdesk_core::WorkflowState::Unpublished);
    let last = store.revisions(id).unwrap().pop().unwrap();
    assert_eq!(last.actor, "test (killed: canceled at its source)");
}

#[test]
fn drafts_stay_drafts_and_pictures_are_remembered() {
    let (_d, store) = store();
    let mut intake = Intake::new(&store, Mode::Publish, "test").unwrap();
    let mut draft = item("wp:1", "Unfinished", "Not ready.");
    draft.pub_status = PubStatus::Draft;
    draft.picture = Some(WirePicture {
        href: Some("https://example.com/a.jpg".into()),
        alt: Some("A".into()),
        caption: None,
        credit: Some("AP".into()),
    });
    draft.media = vec![WirePicture {
        href: Some("https://example.com/b.jpg".into()),
        alt: None,
        caption: Some("B".into()),
        credit: None,
    }];
    let out = intake.take(&draft, now()).unwrap();
    let stored = store.article(newsdesk_core::ArticleId(out.id)).unwrap();
    assert_eq!(stored.state, WorkflowState::Draft);
    assert!(store.published_by_path("news", "unfinished").unwrap().is_none());
    assert_eq!(stored.lead_image.unwrap().source_url.as_deref(), Some("https://example.com/a.jpg"));
    let refs = store.media_refs(out.id).unwrap();
    assert_eq!(
        refs.iter().map(|r| (r.role.as_str(), r.url.as_str())).collect::<Vec<_>>(),
        [("lead", "https://example.com/a.jpg"), ("attachment", "https://example.com/b.jpg")]
    );
    assert_eq!(refs[0].credit.as_deref(), Some("AP"));
}

#[test]
fn the_queue_groups_one_story_from_two_agencies_and_counts_repeats() {
    let (_d, store) = store();
    let mut intake = Intake::new(&store, Mode::Queue, "test").unwrap();
    let a = intake.take(&item("urn:aa:1", "Ferries resume", FERRY), now()).unwrap();
    assert_eq!(a.status, Status::Queued);
    let mut other = item("urn:dpa:9", "Ferries run again", FERRY_OTHER_AGENCY);
    other.copyright_holder = Some("dpa".into());
    let b = intake.take(&other, now()).unwrap();
    let c = intake.take(&item("urn:aa:2", "Rates on hold", BANK), now()).unwrap();
    assert_eq!(b.cluster, a.cluster, "the same story from another agency joins the group");
    assert_ne!(c.cluster, a.cluster, "another story does not");
    // Exact re-deliveries: the same item, or the same text under a new identity.
    assert_eq!(intake.take(&item("urn:aa:1", "Ferries resume", FERRY), now()).unwrap().status, Status::Duplicate);
    let resent = intake.take(&item("urn:aa:77", "Ferries resume", FERRY), now()).unwrap();
    assert_eq!((resent.status, resent.id), (Status::Duplicate, a.id));
    // A newer version updates the queued item.
    let newer = WireItem { version: Some("2".into()), ..item("urn:aa:1", "Ferries resume after storm", FERRY) };
    assert_eq!(intake.take(&newer, now()).unwrap().status, Status::Updated);
    let queued = store.wire_items(None, None, 10).unwrap();
    assert_eq!(queued.len(), 3);
    let first = queued.iter().find(|w| w.id == a.id).unwrap();
    assert_eq!((first.redeliveries, first.headline.as_str()), (2, "Ferries resume after storm"));
    // A later batch finds the group in the store.
    let mut later = Intake::new(&store, Mode::Queue, "test").unwrap();
    let rewrite = item("urn:x:1", "Ferry services resume", &FERRY.replace("passengers", "travellers"));
    assert_eq!(later.take(&rewrite, now()).unwrap().cluster, a.cluster);
}

#[test]
fn routed_items_go_where_the_rules_say() {
    let (_d, store) = store();
    store
        .save_routing_rule(&rule("Flash", RuleField::Urgency, "1", Some("Breaking"), RuleAction::Publish), now())
        .unwrap();
    store.save_routing_rule(&rule("No results", RuleField::Keyword, "results", None, RuleAction::Skip), now()).unwrap();
    let mut intake = Intake::new(&store, Mode::Route { publish: false }, "test").unwrap();
    let mut flash = item("urn:f", "Quake hits coast", "A strong earthquake struck.");
    flash.urgency = Some(1);
    let out = intake.take(&flash, now()).unwrap();
    assert_eq!((out.status, out.path.as_str()), (Status::Imported, "/breaking/quake-hits-coast"));
    assert_eq!(intake.take(&item("urn:r", "Football results", "Scores."), now()).unwrap().status, Status::Skipped);
    assert_eq!(
        intake.take(&item("urn:o", "Other news", "Words."), now()).unwrap().status,
        Status::Queued,
        "no rule: the source's default"
    );
    // Skip rules only apply where rules decide: an explicit import still imports.
    let mut explicit = Intake::new(&store, Mode::Publish, "test").unwrap();
    assert_eq!(explicit.take(&item("urn:r2", "Football results", "Scores."), now()).unwrap().status, Status::Imported);
}

#[test]
fn an_item_that_cannot_be_a_story_is_an_item_error() {
    let (_d, store) = store();
    let mut intake = Intake::new(&store, Mode::Publish, "test").unwrap();
    let bad = item("urn:bad", "!!!", "Text.");
    assert!(matches!(intake.take(&bad, now()), Err(IntakeError::Item(e)) if e.field == "headline"));
    assert!(store.wire_items(None, None, 10).unwrap().is_empty());
}

#[test]
fn tallies_read_as_a_summary() {
    let mut t = Tally::default();
    for s in [Status::Imported, Status::Queued, Status::Updated, Status::Duplicate, Status::Skipped] {
        t.count(s);
    }
    t.failed = 1;
    assert_eq!(t.line(), "2 imported, 1 updated, 1 duplicate, 1 skipped, 1 failed");
}

/// A server on 127.0.0.1 answering `/photo.jpg` with `picture` and anything else with 404, for
/// `requests` requests.
fn picture_server(picture: Vec<u8>, requests: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let (status, body): (&str, &[u8]) =
                if head.starts_with("GET /photo.jpg ") { ("200 OK", &picture) } else { ("404 Not Found", b"no") };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\ncontent-type: image/jpeg\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(body);
        }
    });
    base
}

#[test]
fn a_wire_items_picture_is_fetched_into_the_library_and_leads_its_story() {
    let (dir, store) = store();
    let media = newsdesk_store::DirMediaStore::new(dir.path().join("media"));
    let jpeg = newsdesk_ingest::image::meta::test_camera_jpeg(320, 240, "Embedded caption", "Embedded credit");
    let base = picture_server(jpeg, 4);
    let mut intake = Intake::new(&store, Mode::Publish, "test").unwrap();
    let mut story = item("urn:aa:photo", "Ferries resume", FERRY);
    story.picture = Some(WirePicture {
        href: Some(format!("{base}/photo.jpg")),
        alt: Some("A ferry leaves Izmir".into()),
        caption: Some("A ferry leaves Izmir on Monday.".into()),
        credit: Some("AA".into()),
    });
    let mut broken = item("urn:aa:nophoto", "Rates on hold", BANK);
    broken.picture =
        Some(WirePicture { href: Some(format!("{base}/missing.jpg")), alt: None, caption: None, credit: None });
    let with = intake.take(&story, now()).unwrap();
    let without = intake.take(&broken, now()).unwrap();
    let out = crate::outbound::Outbound::new();
    // Loopback is refused unless the operator allows it.
    let refused = crate::pictures::fetch_wire_photos(&store, &media, &out, false, now).unwrap();
    assert_eq!((refused.pictures, refused.failed), (0, 2), "{refused:?}");
    let refs = store.media_refs(with.id).unwrap();
    assert!(refs[0].media_id.is_none() && refs[0].attempts == 1);
    // Allowed, once the wait after the first failure is over.
    let later = || now() + jiff::SignedDuration::from_secs(120);
    let done = crate::pictures::fetch_wire_photos(&store, &media, &out, true, later).unwrap();
    assert_eq!((done.pictures, done.stories, done.failed), (1, 1, 1), "{done:?}");
    let article = store.article(newsdesk_core::ArticleId(with.id)).unwrap();
    let lead = article.lead_image.unwrap();
    let file = lead.asset.expect("the story's lead picture is now ours");
    assert_eq!(lead.source_url, Some(format!("{base}/photo.jpg")), "and it still says where it came from");
    let m = store.media_by_file(&file).unwrap().unwrap();
    assert!(newsdesk_store::MediaStore::exists(&media, &file).unwrap(), "the bytes are in the media store");
    assert_eq!(
        (m.caption.as_deref(), m.credit.as_deref(), m.alt.as_str()),
        (Some("A ferry leaves Izmir on Monday."), Some("AA"), "A ferry leaves Izmir")
    );
    assert_eq!(m.creator.as_deref(), Some("Demo Photographer"), "what the picture itself says is kept too");
    // The story being edited gets it as well.
    let story_now = store.story(newsdesk_core::ArticleId(with.id)).unwrap();
    assert_eq!(story_now.article.lead_image.and_then(|l| l.asset), Some(file.clone()));
    // The readers' pages are told.
    let events = store.events_since(0, 100).unwrap();
    assert!(events.iter().any(|e| e.kind == newsdesk_store::EventKind::Updated && e.article_id == Some(with.id)));
    // The missing one stays a reference, with its error, and waits longer.
    let refs = store.media_refs(without.id).unwrap();
    assert_eq!((refs[0].media_id, refs[0].attempts), (None, 2));
    assert_eq!(crate::pictures::fetch_wire_photos(&store, &media, &out, true, later).unwrap(), Default::default());
}

#[test]
fn taking_a_queued_item_queues_its_picture_for_fetching() {
    let (_d, store) = store();
    let mut intake = Intake::new(&store, Mode::Queue, "test").unwrap();
    let mut queued = item("urn:aa:q1", "Ferries resume", FERRY);
    queued.picture = Some(WirePicture {
        href: Some("https://photos.example/ferry.jpg".into()),
        alt: Some("A ferry".into()),
        caption: None,
        credit: Some("AA".into()),
    });
    let q = intake.take(&queued, now()).unwrap();
    assert_eq!(q.status, Status::Queued);
    let editor = store.add_user("ed@example.org", "Ed", newsdesk_core::Role::Editor, None, now()).unwrap();
    let draft = store.take_wire_item(q.id, editor.id, "test", now()).unwrap();
    let refs = store.media_refs(draft.id.0).unwrap();
    assert_eq!(
        refs.iter().map(|r| (r.role.as_str(), r.url.as_str(), r.credit.as_deref())).collect::<Vec<_>>(),
        [("lead", "https://photos.example/ferry.jpg", Some("AA"))]
    );
}
