//! The page cache is exact: after any sequence of newsroom changes (publishes, backdated
//! publishes, edits, moves, retags, retimes, unpublishes, corrections, front pins, Recommended
//! pins, author profiles, embargo releases), followed by the follower's step, every page still
//! in the cache equals a fresh render. And it is not a cache that simply empties itself: the
//! test also checks that pages which show nothing that changed stay cached.

use std::sync::Arc;

use newsdesk_core::workflow::{Action, Role};
use newsdesk_core::{ArticleId, WorkflowState};
use newsdesk_store::ActionInput;
use proptest::prelude::*;

use crate::{AppState, render_path};

const SECTIONS: [&str; 3] = ["EUROPE", "BUSINESS", "SPORT"];
const TAGS: [&str; 4] = ["energy", "elections", "football", "trade"];
const AUTHORS: [&str; 3] = ["Ana Ruiz", "Ben Okafor", "Chen Wei"];
const SEEDED: usize = 45;

#[derive(Debug, Clone)]
enum Op {
    Publish { section: usize, tags: usize, backdated_hours: Option<u32> },
    Headline { story: usize },
    Move { story: usize, section: usize },
    Retag { story: usize, tags: usize },
    Retime { story: usize, hours_ago: u32 },
    Unpublish { story: usize },
    Republish { story: usize },
    Correct { story: usize },
    PinFront { front: usize, story: usize },
    PinRelated { story: usize, other: usize },
    AuthorBio { author: usize, n: u32 },
    Embargoed { section: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..1000usize;
    prop_oneof![
        3 => (0..3usize, 0..16usize, prop::option::weighted(0.3, 1..2000u32))
            .prop_map(|(section, tags, backdated_hours)| Op::Publish { section, tags, backdated_hours }),
        3 => s.clone().prop_map(|story| Op::Headline { story }),
        1 => (s.clone(), 0..3usize).prop_map(|(story, section)| Op::Move { story, section }),
        1 => (s.clone(), 0..16usize).prop_map(|(story, tags)| Op::Retag { story, tags }),
        1 => (s.clone(), 1..3000u32).prop_map(|(story, hours_ago)| Op::Retime { story, hours_ago }),
        1 => s.clone().prop_map(|story| Op::Unpublish { story }),
        1 => s.clone().prop_map(|story| Op::Republish { story }),
        1 => s.clone().prop_map(|story| Op::Correct { story }),
        1 => (0..4usize, s.clone()).prop_map(|(front, story)| Op::PinFront { front, story }),
        1 => (s.clone(), s.clone()).prop_map(|(story, other)| Op::PinRelated { story, other }),
        1 => (0..3usize, 0..1000u32).prop_map(|(author, n)| Op::AuthorBio { author, n }),
        1 => (0..3usize).prop_map(|section| Op::Embargoed { section }),
    ]
}

struct Site {
    _dir: tempfile::TempDir,
    state: AppState,
    ids: Vec<i64>,
    made: usize,
}

fn tags_of(mask: usize) -> Vec<String> {
    TAGS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, t)| t.to_string()).collect()
}

impl Site {
    fn new() -> Site {
        let crate::test_support::TestSite { dir, state } = crate::test_support::TestSite::new();
        let mut site = Site { _dir: dir, state, ids: vec![], made: 0 };
        for n in 0..SEEDED {
            site.publish(n % 3, n % 16, Some((SEEDED - n) as u32 * 216));
        }
        site.state.catch_up_blocking();
        site
    }

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::now()
    }

    fn publish(&mut self, section: usize, tags: usize, backdated_hours: Option<u32>) {
        self.made += 1;
        let at = Site::now() - jiff::SignedDuration::from_hours(backdated_hours.unwrap_or(0) as i64);
        let a = crate::test_support::article(
            &format!("Story number {}", self.made),
            SECTIONS[section],
            "2026-01-01T00:00:00Z",
        );
        let a = newsdesk_core::Article {
            published_at: Some(at),
            tags: tags_of(tags),
            authors: vec![AUTHORS[self.made % 3].to_string()],
            body: vec![
                newsdesk_core::Block::Paragraph { text: format!("Words of story {}.", self.made), marks: vec![] },
                newsdesk_core::Block::Related {
                    publication: "Newsdesk".into(),
                    headline: format!("Story number {}", self.made + 3),
                    url: None,
                },
            ],
            ..a
        };
        let id = self.state.store.save_article(&a, None, "test", Site::now()).unwrap().id;
        self.ids.push(id.0);
    }

    fn story(&self, n: usize) -> (ArticleId, newsdesk_store::Story) {
        let id = ArticleId(self.ids[n % self.ids.len()]);
        (id, self.state.store.story(id).unwrap())
    }

    fn edit(&self, n: usize, change: impl FnOnce(&mut newsdesk_core::Article)) {
        let (_, story) = self.story(n);
        let mut a = story.article.clone();
        change(&mut a);
        self.state
            .store
            .save_story(&newsdesk_store::StoryEdit::plain(&a, None, story.revision, "test"), Site::now())
            .unwrap();
    }

    fn act(&self, n: usize, action: Action, note: Option<&str>) {
        let (id, _) = self.story(n);
        // Refused transitions (unpublishing a draft) change nothing, as in the newsroom.
        let _ = self.state.store.apply_action(
            id,
            action,
            Role::Editor,
            ActionInput { at: None, note },
            "test",
            Site::now(),
        );
    }

    fn apply(&mut self, op: &Op) {
        let store = self.state.store.clone();
        match *op {
            Op::Publish { section, tags, backdated_hours } => self.publish(section, tags, backdated_hours),
            Op::Headline { story } => self.edit(story, |a| a.headline = format!("{} (updated)", a.headline)),
            Op::Move { story, section } => self
                .edit(story, |a| a.section = newsdesk_core::article::Section::from_label(SECTIONS[section]).unwrap()),
            Op::Retag { story, tags } => self.edit(story, |a| a.tags = tags_of(tags)),
            Op::Retime { story, hours_ago } => self.edit(story, |a| {
                if a.state == WorkflowState::Published {
                    a.published_at = Some(Site::now() - jiff::SignedDuration::from_hours(hours_ago as i64));
                }
            }),
            Op::Unpublish { story } => self.act(story, Action::Unpublish, None),
            Op::Republish { story } => self.act(story, Action::Publish, None),
            Op::Correct { story } => self.act(story, Action::Correct, Some("A name was misspelt.")),
            Op::PinFront { front, story } => {
                let slug = ["", "europe", "business", "sport"][front];
                let (id, _) = self.story(story);
                store.set_front_pins(slug, &[id.0], Site::now()).unwrap();
            }
            Op::PinRelated { story, other } => {
                let ((id, _), (other, _)) = (self.story(story), self.story(other));
                store.set_related_pins(id, &[other.0], &[]).unwrap();
            }
            Op::AuthorBio { author, n } => {
                let slug = newsdesk_core::Slug::from_title(AUTHORS[author]).unwrap();
                store
                    .set_author_profile(
                        slug.as_str(),
                        Some(&format!("Writes about things, take {n}.")),
                        None,
                        Site::now(),
                    )
                    .unwrap();
            }
            Op::Embargoed { section } => {
                // Held until a moment from now, then released by the scheduler's job.
                self.made += 1;
                let a = crate::test_support::article(
                    &format!("Story number {}", self.made),
                    SECTIONS[section],
                    "2026-01-01T00:00:00Z",
                );
                let until = Site::now() + jiff::SignedDuration::from_millis(300);
                let a = newsdesk_core::Article { published_at: Some(Site::now()), embargo: Some(until), ..a };
                let id = store.save_article(&a, None, "test", Site::now()).unwrap().id;
                self.ids.push(id.0);
                std::thread::sleep(std::time::Duration::from_millis(350));
                store.run_due_jobs(Site::now(), "test").unwrap();
            }
        }
    }

    /// Every path a reader or crawler could ask for on this site.
    fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = [
            "/",
            "/feed.xml",
            "/feed.json",
            "/sitemap.xml",
            "/sitemaps/news.xml",
            "/sitemaps/pages.xml",
            "/sitemaps/articles-1.xml",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        for s in ["europe", "business", "sport"] {
            paths.extend([format!("/{s}"), format!("/{s}?page=2"), format!("/{s}/atom.xml")]);
        }
        for t in TAGS {
            paths.extend([format!("/tag/{t}"), format!("/tag/{t}/feed.xml")]);
        }
        for a in AUTHORS {
            let slug = newsdesk_core::Slug::from_title(a).unwrap();
            paths.push(format!("/author/{}", slug.as_str()));
        }
        let year = Site::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
        for y in [year - 1, year] {
            paths.push(format!("/archive/{y}"));
        }
        for id in &self.ids {
            if let Ok(a) = self.state.store.article(ArticleId(*id)) {
                paths.push(a.path());
            }
        }
        paths
    }

    /// What a reader's request does on a miss: render, then store unless invalidated meanwhile.
    fn visit(&self, key: &str) {
        if self.state.cache.get(key).is_some() {
            return;
        }
        let generation = self.state.cache.generation();
        let (path, query) = match key.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (key, None),
        };
        if let Ok(r) = render_path(&self.state, path, query)
            && r.status == axum::http::StatusCode::OK
        {
            self.state.cache.insert(key.to_string(), Arc::new(r.into_page()), generation);
        }
    }

    /// Cached pages that differ from a fresh render.
    fn stale(&self) -> Vec<String> {
        let mut stale = vec![];
        for key in self.state.cache.keys() {
            let Some(cached) = self.state.cache.get(&key) else { continue };
            let (path, query) = match key.split_once('?') {
                Some((p, q)) => (p, Some(q)),
                None => (key.as_str(), None),
            };
            let fresh = render_path(&self.state, path, query).map(|r| r.body).unwrap_or_default();
            if cached.body().as_ref() != fresh.as_bytes() {
                stale.push(key);
            }
        }
        stale
    }
}

proptest! {
    // Six sequences in the test command; NEWSDESK_MODEL_CASES=N runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("NEWSDESK_MODEL_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(6),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_cached_page_equals_a_fresh_render_after_any_newsroom_changes(ops in prop::collection::vec(op(), 1..10)) {
        let mut site = Site::new();
        for p in site.paths() {
            site.visit(&p);
        }
        for op in &ops {
            site.apply(op);
            site.state.catch_up_blocking();
            let stale = site.stale();
            prop_assert!(stale.is_empty(), "after {op:?}: stale pages {stale:?}");
            for p in site.paths() {
                site.visit(&p);
            }
        }
    }
}

/// The other half of exactness: what did not change stays cached.
#[test]
fn publishing_a_story_keeps_the_pages_that_do_not_show_it() {
    let mut site = Site::new();
    let paths = site.paths();
    for p in &paths {
        site.visit(p);
    }
    let before = site.state.cache.len();
    let old_article = site.state.store.article(ArticleId(site.ids[SEEDED - 2])).unwrap().path();
    site.publish(0, 0, None); // a new Europe story, no tags
    site.state.catch_up_blocking();
    let cached = |p: &str| site.state.cache.get(p).is_some();
    assert!(!cached("/"), "the home page lists it");
    assert!(!cached("/europe") && !cached("/europe/atom.xml") && !cached("/feed.xml"), "its section and feeds list it");
    assert!(cached("/business") && cached("/sport/atom.xml"), "other sections do not");
    assert!(cached(&old_article), "an older story's page does not list it");
    assert!(cached(&format!("/archive/{}", Site::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).year() - 1)));
    // Every story with a full Explore list before it (the site's first few fill theirs with the
    // newest, as the home page does) keeps its page.
    let path = |n: usize| site.state.store.article(ArticleId(site.ids[n])).unwrap().path();
    for n in crate::pages::EXPLORE_WINDOW..SEEDED - 3 {
        assert!(cached(&path(n)), "{} stays cached", path(n));
    }
    // Story 43's Related link names "Story number 46", the new one: its page now links to it.
    assert!(!cached(&path(SEEDED - 3)));
    assert!(site.state.cache.len() < before);
    assert!(site.stale().is_empty());
}
