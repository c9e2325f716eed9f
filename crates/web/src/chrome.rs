//! What every reader page shares, whichever module builds it: the [`Rendered`] result (body,
//! type, the keys it depends on) and the site's chrome (name, the section menu, the year), from
//! the lists every page draws on, derived once per change. Pages (`pages`) and feeds and
//! sitemaps (`feeds`) both build on this; neither builds on the other.

use std::sync::Arc;

use axum::http::StatusCode;
use newsdesk_core::Article;
use newsdesk_render::{NavSection, SiteView};
use newsdesk_store::ArticleFilter;

use crate::{AppState, CachedPage, Error};

pub struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: String,
    pub surrogate_keys: Vec<String>,
    pub last_modified: Option<jiff::Timestamp>,
    pub article_id: Option<i64>,
}

impl Rendered {
    pub fn html(body: String, surrogate_keys: Vec<String>) -> Rendered {
        Rendered {
            status: StatusCode::OK,
            content_type: "text/html; charset=utf-8",
            body,
            surrogate_keys,
            last_modified: None,
            article_id: None,
        }
    }

    pub fn into_page(self) -> CachedPage {
        CachedPage::new(self.status, self.content_type, self.body.into_bytes(), self.surrogate_keys)
            .last_modified(self.last_modified)
            .for_article(self.article_id)
    }
}

pub(crate) fn site_view(state: &AppState, current: Option<&str>) -> Result<SiteView, Error> {
    let derived = derived(state)?;
    let site = &state.site;
    Ok(SiteView {
        name: site.name.clone(),
        tagline: site.tagline.clone(),
        url: site.url.clone(),
        language: site.language.clone(),
        sections: derived
            .sections
            .iter()
            .filter(|s| s.published > 0)
            .map(|s| NavSection {
                current: current == Some(s.slug.as_str()),
                url: format!("/{}", s.slug),
                name: s.name.clone(),
            })
            .collect(),
        year: state.now().to_zoned_datetime(site.time_zone.clone()).year(),
    })
}

/// What every page draws on (the section list, the most recent stories), computed once per
/// change: the cache generation moves with every event, and the lists are rebuilt on first use
/// after it.
pub struct Derived {
    pub(crate) sections: Vec<newsdesk_store::SectionInfo>,
    pub(crate) recent: Vec<Article>,
    pub(crate) most_read: Vec<Article>,
}

const RECENT_LEN: usize = 60;
pub(crate) const MOST_READ_LEN: usize = 5;

/// The shared lists with the cache generation they were built for.
pub type DerivedSlot = Arc<std::sync::Mutex<Option<(u64, Arc<Derived>)>>>;

pub fn derived(state: &AppState) -> Result<Arc<Derived>, Error> {
    let generation = state.cache.generation();
    let mut slot = state.derived.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((g, d)) = slot.as_ref()
        && *g == generation
    {
        return Ok(d.clone());
    }
    let d = Arc::new(Derived {
        sections: state.store.live_sections()?,
        recent: state.store.latest_headlines(&ArticleFilter::default(), RECENT_LEN, 0)?,
        most_read: crate::views::most_read(state, None, MOST_READ_LEN, state.now())?,
    });
    *slot = Some((generation, d.clone()));
    Ok(d)
}
