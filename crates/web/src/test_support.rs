//! What the crate's tests share: a published article with one paragraph (`core::testing`),
//! which each test then adjusts with struct-update syntax, and sites built on it.

use newsdesk_core::Article;

pub use newsdesk_core::testing::article;

/// A published story whose lead picture is the media file `file`.
pub fn pictured(headline: &str, section: &str, file: &str) -> Article {
    Article {
        lead_image: Some(newsdesk_core::article::LeadImage {
            asset: Some(file.into()),
            alt: "A picture".into(),
            title: None,
            caption: None,
            credit: None,
            source_url: None,
            caption_marks: vec![],
        }),
        ..article(headline, section, "2026-01-01T00:00:00Z")
    }
}

/// Puts `article` in the wire queue as `external_id`; returns the wire item's id.
pub fn queue(store: &newsdesk_store::Store, external_id: &str, article: &Article) -> i64 {
    newsdesk_desk::intake::queue_article(store, external_id, article, jiff::Timestamp::now()).expect("queued").id
}

/// Path variants a router or a proxy in front might treat as the same route: none of them may
/// reach a handler past its credential check.
pub fn path_variants(path: &str) -> Vec<String> {
    let mut out = vec![path.to_string(), format!("{path}/"), format!("/{path}"), path.to_uppercase()];
    // A letter of the first segment percent-encoded, a dot segment, a climb back up, an encoded
    // slash in place of the second one.
    if let Some((first, rest)) = path[1..].split_once('/') {
        let last = first.chars().last().unwrap_or('x');
        out.push(format!("/{}%{:02x}/{rest}", &first[..first.len() - last.len_utf8()], last as u32));
        out.push(format!("/{first}/./{rest}"));
        out.push(format!("/assets/../{first}/{rest}"));
        out.push(format!("/{first}%2f{rest}"));
    }
    out
}

/// A site on a fresh store in a temporary folder, with the built-in theme: the one way the
/// crate's in-process tests get a site. Builders add what a test needs (a search index, people
/// with sessions and Admin API tokens, a Content API key); each kind of test keeps its own
/// request helpers on top.
pub struct TestSite {
    pub dir: tempfile::TempDir,
    pub state: crate::AppState,
}

/// A user of a test site, signed in: their session cookie and its CSRF token, and their Admin
/// API token (`tok-<role>`).
#[derive(Debug, Clone)]
pub struct Person {
    pub role: newsdesk_core::Role,
    pub id: i64,
    pub cookie: String,
    pub csrf: String,
    pub token: String,
}

impl TestSite {
    pub fn new() -> TestSite {
        TestSite::with_config(crate::SiteConfig::default())
    }

    pub fn with_config(site: crate::SiteConfig) -> TestSite {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = std::sync::Arc::new(newsdesk_store::Store::open(dir.path()).expect("a store in it"));
        let theme = newsdesk_render::Theme::load(newsdesk_render::ThemeOptions::default());
        let state = crate::AppState::new(
            store,
            theme,
            site,
            std::sync::Arc::new(newsdesk_store::DirMediaStore::new(dir.path().join("media"))),
        );
        TestSite { dir, state }
    }

    /// With an in-memory search index (kept up to date by the test).
    pub fn with_search(mut self) -> TestSite {
        let index = newsdesk_derive::SearchIndex::in_memory().expect("an in-memory index");
        self.state = self.state.with_search(std::sync::Arc::new(index));
        self
    }

    /// A person of each role (`<role>@example.org`, named "The <role>"), signed in.
    pub fn people(&self) -> Vec<Person> {
        use newsdesk_desk::accounts::{hash_key, start_session};
        let now = jiff::Timestamp::now();
        let day = jiff::SignedDuration::from_hours(24);
        newsdesk_core::Role::ALL
            .iter()
            .map(|role| {
                let store = &self.state.store;
                let email = format!("{}@example.org", role.as_str());
                let user = store.add_user(&email, &format!("The {}", role.as_str()), *role, None, now).expect("a user");
                let session = start_session(store, &user, None, now).expect("a session");
                let csrf = store.session(&hash_key(&session), now).expect("read").expect("the session").csrf;
                let token = format!("tok-{}", role.as_str());
                store.add_user_token(user.id, "test", &hash_key(&token), now, now + day).expect("a token");
                Person {
                    role: *role,
                    id: user.id,
                    cookie: format!("{}={session}", crate::newsroom::SESSION_COOKIE),
                    csrf,
                    token,
                }
            })
            .collect()
    }

    /// A new Content API key named `name`.
    pub fn content_key(&self, name: &str) -> String {
        use newsdesk_desk::accounts::{hash_key, new_key};
        let key = new_key().expect("randomness");
        let scope = newsdesk_store::KeyScope::Content;
        self.state.store.add_api_key(name, &hash_key(&key), scope, jiff::Timestamp::now()).expect("a key");
        key
    }
}
