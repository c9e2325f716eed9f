//! What a cached page shows, as keys, and which keys an event changes.
//!
//! Every page records the keys of what it draws on (the articles it shows, the lists they come
//! from, the section menu); they are its `Surrogate-Key` header too, so a CDN in front can be
//! told exactly the same thing. An event in the store's log names the keys it changes, and only
//! the pages holding one of those keys are dropped (see `PageCache::invalidate`). The model test
//! in `cache_model_tests.rs` checks the two sides against each other: after any sequence of
//! newsroom changes, every cached page equals a fresh render.
//!
//! The keys:
//! - `article-<id>`: shows story `<id>` (its page, a card, a feed item, a sitemap entry).
//! - `related-<id>`: the RECOMMENDED block of story `<id>`.
//! - `section-<slug>`, `tag-<slug>`, `author-<slug>`: a list of that section's, tag's or
//!   author's stories by time (fronts, list pages, feeds); an author's also shows the profile.
//! - `front-<slug>`: the editors' pins of a front (`front-` is the home page's).
//! - `latest`: the site's newest stories (home page, site feeds, news sitemap).
//! - `timeline`: a list of the stories published before a given story (the article page's
//!   Explore and "Earlier in" lists). A new story is newer than every page's story, so it changes
//!   none of these; only a story placed in the past (backdated, or its time changed) does.
//! - `archive-<yyyy>-<mm>`: a date archive covering that month.
//! - `nav`: the section menu (sections with a story readers can see).
//! - `most-read`: a most-read list (home, section fronts); the follower compares them each minute.
//! - `sitemaps` (which id ranges have stories), `sitemap-<n>` (one range's entries).
//! - `minute`: changes with time alone (the news sitemap's 48 hours), dropped each minute.
//! - `headline-<hash>`: a Related link that finds its story by that headline.
//! - `embed-<hash>`, `media-<file>`: an embed card, a media file.
//! - `media-r-<stem>`: every rendition of a picture (its files, not pages).

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use newsdesk_store::{ArticleFilter, Event, EventKind, Store, StoreError};
use sha2::{Digest, Sha256};

/// The keys one page depends on, collected while it renders.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Deps(BTreeSet<String>);

impl Deps {
    pub fn new() -> Deps {
        Deps::default()
    }

    pub fn add(&mut self, key: String) -> &mut Deps {
        self.0.insert(key);
        self
    }

    pub fn articles(&mut self, ids: impl IntoIterator<Item = Option<newsdesk_core::ArticleId>>) -> &mut Deps {
        for id in ids.into_iter().flatten() {
            self.0.insert(article(id.0));
        }
        self
    }

    pub fn into_keys(self) -> Vec<String> {
        self.0.into_iter().collect()
    }
}

/// A slug as it can travel in a header (slugs may be in any script): ASCII kept, the rest
/// percent-encoded.
fn header_safe(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string().replace("%2D", "-")
}

fn short_hash(s: &str) -> String {
    Sha256::digest(s.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn article(id: i64) -> String {
    format!("article-{id}")
}
pub fn related(id: i64) -> String {
    format!("related-{id}")
}
pub fn section(slug: &str) -> String {
    format!("section-{}", header_safe(slug))
}
pub fn tag(slug: &str) -> String {
    format!("tag-{}", header_safe(slug))
}
pub fn author(slug: &str) -> String {
    format!("author-{}", header_safe(slug))
}
/// The pins of a front; `""` is the home page.
pub fn front(slug: &str) -> String {
    format!("front-{}", header_safe(slug))
}
pub fn archive_month(year: i16, month: i8) -> String {
    format!("archive-{year:04}-{month:02}")
}
pub fn sitemap(n: usize) -> String {
    format!("sitemap-{n}")
}
pub fn headline(h: &str) -> String {
    format!("headline-{}", short_hash(h.trim()))
}
pub fn embed(url: &str) -> String {
    format!("embed-{}", short_hash(url))
}
pub fn media(file: &str) -> String {
    format!("media-{}", header_safe(file))
}
/// The renditions of the picture `file` (`media-r-<stem>`).
pub fn renditions(file: &str) -> String {
    format!("media-r-{}", header_safe(newsdesk_core::picture::stem(file)))
}
pub const LATEST: &str = "latest";
pub const TIMELINE: &str = "timeline";
pub const NAV: &str = "nav";
pub const MOST_READ: &str = "most-read";
pub const SITEMAPS: &str = "sitemaps";
pub const MINUTE: &str = "minute";

/// The sitemap page holding story `id` (pages are id ranges of `feeds::SITEMAP_PAGE`).
pub fn sitemap_of(id: i64) -> usize {
    (id.max(1) as usize - 1) / crate::feeds::SITEMAP_PAGE + 1
}

/// Makes the key of one named thing (a slug, a URL, a file).
type KeyOf = fn(&str) -> String;

/// What a batch of events changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Pages holding any of these keys.
    Keys(BTreeSet<String>),
    /// Everything (an event this follower does not know how to read).
    All,
}

/// Where a story showed (or shows), as the store writes it into an article event's payload.
#[derive(Debug, serde::Deserialize)]
struct Placement {
    section: String,
    tags: Vec<String>,
    authors: Vec<String>,
    published_at: Option<i64>,
    headline: String,
}

#[derive(Debug, serde::Deserialize)]
struct ArticlePayload {
    was: Option<Placement>,
    now: Option<Placement>,
}

/// The keys `events` change. Needs the store for one question: is a story that arrived among the
/// newest, or placed in the past (which changes the lists of stories published before others)?
pub fn changes(store: &Store, tz: &TimeZone, events: &[Event]) -> Result<Change, StoreError> {
    let mut keys = BTreeSet::new();
    let newest = store.latest_headlines(&ArticleFilter::default(), 1, 0)?.into_iter().next();
    let newest = newest.and_then(|a| Some((a.published_at?.as_microsecond(), a.id?.0)));
    for e in events {
        let field = |name: &str| e.payload.get(name).and_then(|v| v.as_str()).map(str::to_string);
        match e.kind {
            k if k.is_article() => {
                let (Some(id), Ok(p)) = (e.article_id, serde_json::from_value::<ArticlePayload>(e.payload.clone()))
                else {
                    return Ok(Change::All);
                };
                if p.was.is_none() && p.now.is_none() && k != EventKind::Unpublished {
                    // Written before events said where stories show.
                    return Ok(Change::All);
                }
                article_changes(&mut keys, tz, id, &p, newest);
            }
            EventKind::RelatedUpdated => match e.payload.get("article").and_then(|v| v.as_i64()) {
                Some(id) => {
                    keys.insert(related(id));
                }
                None => return Ok(Change::All),
            },
            // A deleted picture's renditions go from a CDN with it (they are keyed by its stem:
            // their URLs do not name the original's extension).
            EventKind::MediaDeleted => match field("file") {
                Some(file) => {
                    keys.insert(media(&file));
                    keys.insert(renditions(&file));
                }
                None => return Ok(Change::All),
            },
            kind => {
                // Events that name one thing by a field of their payload.
                let by_field: Option<(&str, KeyOf)> = match kind {
                    EventKind::FrontUpdated => Some(("front", front)),
                    EventKind::AuthorUpdated => Some(("author", author)),
                    EventKind::EmbedFetched => Some(("url", embed)),
                    EventKind::MediaRendered => Some(("file", media)),
                    _ => None,
                };
                match by_field.and_then(|(name, key)| Some(key(&field(name)?))) {
                    Some(key) => {
                        keys.insert(key);
                    }
                    None => return Ok(Change::All),
                }
            }
        }
    }
    Ok(Change::Keys(keys))
}

fn article_changes(
    keys: &mut BTreeSet<String>,
    tz: &TimeZone,
    id: i64,
    p: &ArticlePayload,
    newest: Option<(i64, i64)>,
) {
    keys.insert(article(id));
    keys.insert(related(id));
    keys.insert(sitemap(sitemap_of(id)));
    let shown = |pl: &Option<Placement>| pl.as_ref().map(|x| (x.section.clone(), x.tags.clone(), x.authors.clone()));
    let time = |pl: &Option<Placement>| pl.as_ref().and_then(|x| x.published_at);
    let membership_changed = p.was.is_none() || p.now.is_none();
    let lists_changed = membership_changed || shown(&p.was) != shown(&p.now) || time(&p.was) != time(&p.now);
    for pl in [&p.was, &p.now].into_iter().flatten() {
        // A Related link elsewhere may name this story by its headline, old or new.
        keys.insert(headline(&pl.headline));
        if !lists_changed {
            continue;
        }
        keys.insert(section(&pl.section));
        keys.extend(pl.tags.iter().map(|t| tag(t)));
        keys.extend(pl.authors.iter().map(|a| author(a)));
        keys.insert(LATEST.into());
        if let Some(at) = pl.published_at.and_then(|us| Timestamp::from_microsecond(us).ok()) {
            let d = at.to_zoned_datetime(tz.clone()).date();
            keys.insert(archive_month(d.year(), d.month()));
        }
    }
    if membership_changed {
        // (The section menu changes only when a section gains its first story or loses its
        // last: the follower compares the menu itself, see `web::Follower::step`.)
        keys.insert(SITEMAPS.into());
    }
    // Lists of the stories before another story: a story arriving anywhere but at the top, or
    // moved in time, changes them. (One leaving changes only the lists that showed it, and those
    // hold its `article-` key.)
    let arrived_in_the_past = match (&p.was, &p.now) {
        (None, Some(now)) => now.published_at.is_some_and(|t| newest.is_some_and(|(nt, nid)| (t, id) < (nt, nid))),
        (Some(was), Some(now)) => was.published_at != now.published_at,
        _ => false,
    };
    if arrived_in_the_past {
        keys.insert(TIMELINE.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(change: Change) -> BTreeSet<String> {
        match change {
            Change::Keys(k) => k,
            Change::All => panic!("expected keys"),
        }
    }

    #[test]
    fn an_edit_that_moves_nothing_changes_only_the_story_and_what_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = newsdesk_core::Article {
            tags: vec!["Energy".into()],
            ..crate::test_support::article("Harbour reopens", "EUROPE", "2025-03-04T10:00:00Z")
        };
        let id = store.save_article(&a, None, "test", Timestamp::now()).unwrap().id;
        let mut edited = store.article(id).unwrap();
        edited.deck = Some("A new deck.".into());
        store.save_article(&edited, None, "test", Timestamp::now()).unwrap();
        let events = store.events_since(0, 10).unwrap();
        assert_eq!(events.len(), 2);
        let tz = TimeZone::UTC;
        let published = keys_of(changes(&store, &tz, &events[..1]).unwrap());
        for key in
            [article(id.0), section("europe"), tag("energy"), LATEST.into(), archive_month(2025, 3), SITEMAPS.into()]
        {
            assert!(published.contains(&key), "{key} in {published:?}");
        }
        assert!(!published.contains(TIMELINE), "the newest story changes no list of earlier ones");
        let edit = keys_of(changes(&store, &tz, &events[1..]).unwrap());
        let expected: BTreeSet<String> =
            [article(id.0), related(id.0), sitemap(1), headline("Harbour reopens")].into_iter().collect();
        assert_eq!(edit, expected);
    }

    #[test]
    fn an_event_it_cannot_read_changes_everything() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let event = Event {
            id: 1,
            created_at: Timestamp::now(),
            kind: EventKind::parse("site.retheme"),
            article_id: None,
            payload: serde_json::json!({}),
        };
        assert_eq!(changes(&store, &TimeZone::UTC, &[event]).unwrap(), Change::All);
    }

    #[test]
    fn a_deleted_picture_takes_its_renditions_and_a_new_set_only_its_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let event = |kind: &str| Event {
            id: 1,
            created_at: Timestamp::now(),
            kind: EventKind::parse(kind),
            article_id: None,
            payload: serde_json::json!({ "file": "ab12.jpg" }),
        };
        let deleted = keys_of(changes(&store, &TimeZone::UTC, &[event("media.deleted")]).unwrap());
        assert_eq!(deleted, [media("ab12.jpg"), "media-r-ab12".to_string()].into_iter().collect());
        let rendered = keys_of(changes(&store, &TimeZone::UTC, &[event("media.rendered")]).unwrap());
        assert_eq!(rendered, [media("ab12.jpg")].into_iter().collect(), "new renditions have new URLs");
    }

    #[test]
    fn keys_travel_in_headers_whatever_the_script() {
        assert_eq!(section("europe"), "section-europe");
        assert_eq!(tag("آب"), "tag-%D8%A2%D8%A8");
        assert!(axum::http::HeaderValue::from_str(&tag("ünlü-şarkı")).is_ok());
    }
}
