//! The newsroom's store: stories in every state, saves against a revision, workflow actions,
//! scheduled jobs and soft locks.

use super::*;
use crate::{ActionInput, SaveError, StoryEdit, StoryMeta};
use newsdesk_core::{Action, Role};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn draft(store: &Store, headline: &str) -> ArticleId {
    let a = Article { state: WorkflowState::Draft, published_at: None, ..article(headline, "EUROPE") };
    store.create_story(&a, &StoryMeta::default(), "reporter@example.org", now()).unwrap().id
}

fn events(store: &Store) -> Vec<String> {
    store.events_since(0, 100).unwrap().into_iter().map(|e| e.kind.as_str().to_string()).collect()
}

#[test]
fn a_scheduled_story_goes_live_once_even_with_two_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let (node_a, node_b) = (Store::open(dir.path()).unwrap(), Store::open(dir.path()).unwrap());
    let id = draft(&node_a, "Budget vote set for Friday");
    for action in [Action::Submit, Action::StartEdit, Action::MarkReady] {
        node_a.apply_action(id, action, Role::Editor, ActionInput::default(), "ed", now()).unwrap();
    }
    let go = at("2026-01-01T06:00:00Z");
    let input = ActionInput { at: Some(go), note: None };
    node_a.apply_action(id, Action::Schedule, Role::Editor, input, "ed", now()).unwrap();
    assert_eq!(node_a.article(id).unwrap().state, WorkflowState::Scheduled);
    assert!(node_a.run_due_jobs(at("2026-01-01T05:59:59Z"), "a").unwrap().is_empty());
    assert!(events(&node_a).is_empty(), "nothing is announced before its time");

    // Both nodes wake at the time; exactly one publishes.
    let runs_b = node_b.run_due_jobs(go, "b").unwrap();
    let runs_a = node_a.run_due_jobs(go, "a").unwrap();
    assert_eq!(runs_a.len() + runs_b.len(), 1);
    let run = runs_a.iter().chain(&runs_b).next().unwrap();
    assert_eq!((run.kind, run.outcome.as_str()), (crate::JobKind::Publish, "published"));
    assert_eq!(crate::JobKind::parse("release"), crate::JobKind::Release);
    assert_eq!(crate::JobKind::parse("reindex"), crate::JobKind::Unknown);
    let a = node_a.article(id).unwrap();
    assert_eq!((a.state, a.published_at), (WorkflowState::Published, Some(go)));
    assert_eq!(events(&node_a), ["article.published"]);
}

#[test]
fn unscheduling_cancels_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = draft(&store, "Plans that changed");
    store.apply_action(id, Action::Submit, Role::Reporter, ActionInput::default(), "r", now()).unwrap();
    store.apply_action(id, Action::StartEdit, Role::Editor, ActionInput::default(), "e", now()).unwrap();
    let input = ActionInput { at: Some(at("2026-01-02T00:00:00Z")), note: None };
    store.apply_action(id, Action::Schedule, Role::Editor, input, "e", now()).unwrap();
    store.apply_action(id, Action::Unschedule, Role::Editor, ActionInput::default(), "e", now()).unwrap();
    assert!(store.run_due_jobs(at("2026-01-03T00:00:00Z"), "n").unwrap().is_empty());
    assert_eq!(store.article(id).unwrap().state, WorkflowState::Ready);
    // Scheduling needs a time ahead.
    let past = ActionInput { at: Some(at("2025-01-01T00:00:00Z")), note: None };
    assert!(store.apply_action(id, Action::Schedule, Role::Editor, past, "e", now()).is_err());
}

#[test]
fn an_embargoed_story_stays_hidden_and_is_announced_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let later = Timestamp::now() + jiff::SignedDuration::from_hours(2);
    let embargo = Timestamp::from_microsecond(later.as_microsecond()).unwrap();
    let a = Article { embargo: Some(embargo), ..article("Results under embargo", "EUROPE") };
    let saved = store.save_article(&a, None, "wire", Timestamp::now()).unwrap();
    assert_eq!(store.article(saved.id).unwrap().published_at, Some(embargo));
    assert!(store.published_by_path("europe", "results-under-embargo").unwrap().is_none());
    assert!(store.latest_published(&ArticleFilter::default(), 10, 0).unwrap().is_empty());
    assert!(store.sitemap_entries(1, 10).unwrap().is_empty());
    assert!(store.sitemap_pages(10).unwrap().is_empty(), "no page for an embargoed story");
    assert!(store.live_sections().unwrap().is_empty(), "a section with only an embargoed story is not shown");
    assert_eq!(store.published_count().unwrap(), 0);
    assert!(events(&store).is_empty(), "no webhook may learn of it early");
    let runs = store.run_due_jobs(embargo, "n").unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, "released");
    assert_eq!(events(&store), ["article.published"]);
}

#[test]
fn a_lost_race_keeps_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = draft(&store, "Two editors, one story");
    let opened = store.story(id).unwrap();
    let mut mine = opened.article.clone();
    mine.headline = "Mine".into();
    let mut theirs = opened.article.clone();
    theirs.headline = "Theirs".into();
    store.save_story(&StoryEdit::plain(&mine, None, opened.revision, "me"), now()).unwrap();
    let err = store.save_story(&StoryEdit::plain(&theirs, None, opened.revision, "them"), now()).unwrap_err();
    let SaveError::Conflict { kept, by, .. } = err else { panic!("{err}") };
    assert_eq!(by, "me");
    assert_eq!(store.article(id).unwrap().headline, "Mine");
    assert_eq!(store.revision(id, kept).unwrap().headline, "Theirs");
    let revs = store.revisions(id).unwrap();
    assert_eq!(revs.iter().map(|r| r.applied).collect::<Vec<_>>(), [true, true, false]);
    // The next save is based on the applied revision and numbered after the kept one.
    let current = store.story(id).unwrap();
    assert_eq!(current.revision, 2);
    let out = store
        .save_story(&StoryEdit::plain(&Article { deck: Some("New".into()), ..current.article }, None, 2, "me"), now());
    assert_eq!(out.unwrap().revision, 4);
}

/// A save carries the editors' Recommended choices and its audit line in the same transaction:
/// a choice that is not a story refuses all of it.
#[test]
fn a_save_with_its_choices_and_audit_line_is_all_or_nothing() {
    use crate::AuditLine;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = draft(&store, "Harbour reopens");
    let other = draft(&store, "Harbour closed");
    let opened = store.story(id).unwrap();
    let changed = Article { headline: "Harbour reopens at last".into(), ..opened.article.clone() };
    let editor = store.add_user("ed@example.org", "Ed", Role::Editor, None, now()).unwrap();
    let audit = AuditLine { user: editor.id, name: "ed@example.org", action: "story.save", via: "admin api" };
    let bad = StoryEdit {
        recommended: Some((&[other.0, 999_999], &[])),
        audit: Some(audit),
        ..StoryEdit::plain(&changed, Some("Night"), opened.revision, "ed")
    };
    let err = store.save_story(&bad, now()).unwrap_err();
    assert!(matches!(err, SaveError::Store(StoreError::NotFound { kind: crate::Missing::Story, .. })), "{err:?}");
    let after = store.story(id).unwrap();
    assert_eq!((after.article.headline.as_str(), after.revision), ("Harbour reopens", opened.revision));
    assert!(store.related_pins(id).unwrap().0.is_empty(), "no choice was kept");
    assert!(store.audit_log(10).unwrap().iter().all(|e| e.action != "story.save"), "no audit line");

    let good = StoryEdit { recommended: Some((&[other.0], &[])), ..bad };
    let out = store.save_story(&good, now()).unwrap();
    let after = store.story(id).unwrap();
    assert_eq!((after.article.headline.as_str(), after.desk.as_deref()), ("Harbour reopens at last", Some("Night")));
    assert_eq!(store.related_pins(id).unwrap().0, [other.0]);
    let line = store.audit_log(10).unwrap().into_iter().find(|e| e.action == "story.save").unwrap();
    assert_eq!(line.detail, Some(format!("revision {} (admin api)", out.revision)));
    assert_eq!(line.target.as_deref(), Some(format!("story {}", id.0).as_str()));
}

#[test]
fn corrections_are_dated_revisions_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let id = store.save_article(&article("A story with a mistake", "EUROPE"), None, "x", now()).unwrap().id;
    let none = ActionInput { at: None, note: Some("  ") };
    assert!(store.apply_action(id, Action::Correct, Role::Editor, none, "e", now()).is_err());
    let input = ActionInput { at: None, note: Some("An earlier version misspelt the minister's name.") };
    assert!(matches!(
        store.apply_action(id, Action::Correct, Role::Reporter, input, "r", now()),
        Err(SaveError::Workflow(_))
    ));
    store.apply_action(id, Action::Correct, Role::Editor, input, "e", now()).unwrap();
    let a = store.article(id).unwrap();
    assert_eq!(a.corrections.len(), 1);
    assert_eq!(a.updated_at, Some(now()));
    assert_eq!(events(&store), ["article.published", "article.corrected"]);
}

#[test]
fn taking_a_wire_item_makes_one_draft_with_the_credit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let user = store.add_user("Desk@Example.org", "Desk", Role::Editor, None, now()).unwrap();
    assert_eq!(user.email, "desk@example.org");
    let item = Article { based_on: Some("urn:newsml:agency:1".into()), ..article("Quake hits coast", "WORLD") };
    let entry = crate::QueueEntry {
        external_id: "ninjs:urn:newsml:agency:1",
        article: &item,
        version: None,
        format: "ninjs",
        urgency: Some(1),
        simhash: 1,
        content_hash: 2,
        cluster: None,
        feed_source: None,
    };
    let wire = store.queue_item(&entry, now()).unwrap().id;
    let first = store.take_wire_item(wire, user.id, "desk@example.org", now()).unwrap();
    let again = store.take_wire_item(wire, user.id, "desk@example.org", now()).unwrap();
    assert_eq!(first.id, again.id);
    let draft = store.article(first.id).unwrap();
    assert_eq!(draft.state, WorkflowState::Draft);
    assert_eq!(draft.source.as_deref(), Some("AA"));
    assert_eq!(draft.based_on.as_deref(), Some("urn:newsml:agency:1"));
    assert_eq!(store.wire_items(None, Some("quake"), 10).unwrap()[0].taken_article_id, Some(first.id.0));
    assert!(events(&store).is_empty());
}

#[test]
fn sessions_end_when_revoked_expired_or_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let u = store.add_user("a@example.org", "A", Role::Reporter, Some("$argon2id$x"), now()).unwrap();
    assert!(store.add_user("A@example.org", "A2", Role::Admin, None, now()).is_err());
    let later = at("2026-01-02T00:00:00Z");
    store.add_session("h1", u.id, "csrf1", None, now(), later).unwrap();
    assert_eq!(store.session("h1", now()).unwrap().unwrap().csrf, "csrf1");
    assert!(store.session("h1", later).unwrap().is_none(), "expired");
    store.revoke_session("h1", now()).unwrap();
    assert!(store.session("h1", now()).unwrap().is_none(), "revoked");
    store.add_session("h2", u.id, "csrf2", None, now(), later).unwrap();
    store.update_user(u.id, Role::Reporter, true, (None, "admin"), now()).unwrap();
    assert!(store.session("h2", now()).unwrap().is_none(), "disabled");
    let log = store.audit_log(10).unwrap();
    assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["user.update", "user.add"]);
}
