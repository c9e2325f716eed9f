//! Feeds for every list (home, section, tag, author) in RSS 2.0, Atom 1.0 and JSON Feed 1.1;
//! the sitemap index, paged article sitemaps with images, the Google News sitemap; robots.txt.

use jiff::{SignedDuration, Timestamp};
use newsdesk_core::picture::{self, Crop};
use newsdesk_core::{Article, Slug};
use newsdesk_render::SiteView;
use newsdesk_render::feeds::{
    FeedImage, FeedItem, FeedView, NewsEntry, SitemapUrl, image_mime, json_feed, sitemap_index_xml, urlset_xml,
};
use newsdesk_store::ArticleFilter;

use crate::chrome::{Rendered, site_view};
use crate::depends::{self, Deps};
use crate::{AppState, Error};

/// Items in a feed.
pub const FEED_LEN: usize = 30;
/// URLs in one article sitemap. The protocol allows 50,000; a thousand (as Yoast pages them)
/// keeps each page one short render and one short read at any archive size.
pub const SITEMAP_PAGE: usize = 1_000;
/// Google News sitemaps list the last two days, at most 1,000 stories.
const NEWS_WINDOW: SignedDuration = SignedDuration::from_hours(48);
const NEWS_MAX: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    Rss,
    Atom,
    Json,
}

impl FeedKind {
    pub fn from_file(file: &str) -> Option<FeedKind> {
        match file {
            "feed.xml" => Some(FeedKind::Rss),
            "atom.xml" => Some(FeedKind::Atom),
            "feed.json" => Some(FeedKind::Json),
            _ => None,
        }
    }
}

/// Which stories a list holds.
#[derive(Debug, Clone, Copy)]
pub enum ListScope<'a> {
    Home,
    Section(&'a str),
    Tag(&'a str),
    Author(&'a str),
    /// A date archive: a year, a month or a day, in the site's time zone.
    Archive(Period),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i16,
    pub month: Option<i8>,
    pub day: Option<i8>,
}

impl Period {
    /// From URL segments ("2026", "11", "25"); `None` for anything that is not a real date.
    pub fn parse(year: &str, month: Option<&str>, day: Option<&str>) -> Option<Period> {
        fn num<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
        }
        let year: i16 = num(year, 4)?;
        let month: Option<i8> = match month {
            Some(m) => Some(num(m, 2)?),
            None => None,
        };
        let day: Option<i8> = match day {
            Some(d) => Some(num(d, 2)?),
            None => None,
        };
        let p = Period { year, month, day };
        p.start_date().ok().map(|_| p)
    }

    fn start_date(self) -> Result<jiff::civil::Date, jiff::Error> {
        jiff::civil::Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// [start, end) as instants in `tz`.
    pub fn range(self, tz: &jiff::tz::TimeZone) -> Option<(Timestamp, Timestamp)> {
        let start = self.start_date().ok()?;
        let end = match (self.month, self.day) {
            (_, Some(_)) => start.tomorrow().ok()?,
            (Some(_), None) => start.last_of_month().tomorrow().ok()?,
            (None, None) => jiff::civil::Date::new(self.year.checked_add(1)?, 1, 1).ok()?,
        };
        let at = |d: jiff::civil::Date| d.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp());
        Some((at(start)?, at(end)?))
    }

    pub fn path(self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("/archive/{}/{m:02}/{d:02}", self.year),
            (Some(m), None) => format!("/archive/{}/{m:02}", self.year),
            _ => format!("/archive/{}", self.year),
        }
    }

    pub fn label(self, language: &str) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => jiff::civil::Date::new(self.year, m, d)
                .map(|date| newsdesk_core::dates::display_date(date, language))
                .unwrap_or_default(),
            (Some(m), None) => {
                // "November 2026": the long date of the 1st without its day.
                let long = jiff::civil::Date::new(self.year, m, 1)
                    .map(|date| newsdesk_core::dates::display_date(date, "en"))
                    .unwrap_or_default();
                long.replacen(" 1,", "", 1)
            }
            _ => self.year.to_string(),
        }
    }
}

impl<'a> ListScope<'a> {
    pub fn filter(self) -> ArticleFilter<'a> {
        match self {
            ListScope::Home => ArticleFilter::default(),
            ListScope::Section(s) => ArticleFilter::section(s),
            ListScope::Tag(t) => ArticleFilter { tag: Some(t), ..Default::default() },
            ListScope::Author(a) => ArticleFilter { author: Some(a), ..Default::default() },
            // The range needs the site's time zone; `list_page` fills it in.
            ListScope::Archive(_) => ArticleFilter::default(),
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            ListScope::Home | ListScope::Section(_) => "section",
            ListScope::Tag(_) => "tag",
            ListScope::Author(_) => "author",
            ListScope::Archive(_) => "archive",
        }
    }

    /// The keys of the list this scope reads (`depends`), beside the section menu every page
    /// shows.
    pub fn deps(self) -> Deps {
        let mut deps = Deps::new();
        deps.add(depends::NAV.into());
        match self {
            ListScope::Home => deps.add(depends::LATEST.into()),
            ListScope::Section(s) => deps.add(depends::section(s)),
            ListScope::Tag(t) => deps.add(depends::tag(t)),
            ListScope::Author(a) => deps.add(depends::author(a)),
            ListScope::Archive(p) => {
                for month in p.month.map_or(1..=12, |m| m..=m) {
                    deps.add(depends::archive_month(p.year, month));
                }
                &mut deps
            }
        };
        deps
    }
}

/// The list's display name and its HTML page's path; NotFound for an unknown section, tag or
/// author (and for a slug that is not one).
pub fn scope_name(state: &AppState, site: &SiteView, scope: ListScope<'_>) -> Result<(String, String), Error> {
    let not_found = |what: &str, slug: &str| Error::NotFound(format!("{what} {slug}"));
    let checked = |what: &str, slug: &str| Slug::parse(slug).map_err(|_| not_found(what, slug));
    Ok(match scope {
        ListScope::Home => (site.name.clone(), String::new()),
        ListScope::Section(slug) => {
            let nav = site.sections.iter().find(|s| s.url.trim_start_matches('/') == slug);
            let nav = nav.ok_or_else(|| not_found("section", slug))?;
            (nav.name.clone(), nav.url.clone())
        }
        ListScope::Tag(slug) => {
            let name = state.store.tag_name(checked("tag", slug)?.as_str())?.ok_or_else(|| not_found("tag", slug))?;
            (name, format!("/tag/{slug}"))
        }
        ListScope::Archive(p) => (p.label(&site.language), p.path()),
        ListScope::Author(slug) => {
            let name =
                state.store.author_name(checked("author", slug)?.as_str())?.ok_or_else(|| not_found("author", slug))?;
            (name, format!("/author/{slug}"))
        }
    })
}

pub fn feed(state: &AppState, scope: ListScope<'_>, kind: FeedKind) -> Result<Rendered, Error> {
    let site = site_view(state, None)?;
    let (name, path) = scope_name(state, &site, scope)?;
    let articles = state.store.latest_published(&scope.filter(), FEED_LEN, 0)?;
    if articles.is_empty() && !matches!(scope, ListScope::Home | ListScope::Section(_)) {
        return Err(Error::NotFound(format!("feed of {path}")));
    }
    let base = &site.url;
    // The lead pictures' renditions, read once for the feed.
    let assets: Vec<&str> = articles.iter().filter_map(|a| a.lead_image.as_ref()?.asset.as_deref()).collect();
    let made = state.store.pictures(&assets)?;
    let items: Vec<FeedItem> = articles.iter().map(|a| feed_item(state, &site, a, &made)).collect::<Result<_, _>>()?;
    let updated =
        articles.iter().filter_map(modified).max().unwrap_or_else(|| Timestamp::from_second(0).unwrap_or_default());
    let title = match scope {
        ListScope::Home => site.name.clone(),
        _ => format!("{} — {name}", site.name),
    };
    let view = FeedView {
        description: match scope {
            ListScope::Home => site.tagline.clone(),
            _ => format!("The latest {name} stories from {}", site.name),
        },
        home_url: format!("{base}{path}/"),
        rss_url: format!("{base}{path}/feed.xml"),
        atom_url: format!("{base}{path}/atom.xml"),
        json_url: format!("{base}{path}/feed.json"),
        id: format!("{base}{path}/"),
        language: site.language.clone(),
        updated: updated.into(),
        items,
        title,
        site,
        hub: state.site.websub_hub.clone(),
    };
    let (content_type, body) = match kind {
        FeedKind::Rss => ("application/rss+xml; charset=utf-8", state.theme.render("feeds/rss.xml", &view)?),
        FeedKind::Atom => ("application/atom+xml; charset=utf-8", state.theme.render("feeds/atom.xml", &view)?),
        FeedKind::Json => ("application/feed+json; charset=utf-8", json_feed(&view).to_string()),
    };
    let mut deps = scope.deps();
    deps.articles(articles.iter().map(|a| a.id));
    for a in &articles {
        if let Some(asset) = a.lead_image.as_ref().and_then(|i| i.asset.as_deref()) {
            deps.add(depends::media(asset));
        }
    }
    Ok(Rendered {
        status: axum::http::StatusCode::OK,
        content_type,
        body,
        surrogate_keys: deps.into_keys(),
        last_modified: Some(updated),
        article_id: None,
    })
}

fn modified(a: &Article) -> Option<Timestamp> {
    match (a.published_at, a.updated_at) {
        (Some(p), Some(u)) => Some(p.max(u)),
        (p, u) => p.or(u),
    }
}

fn feed_item(
    state: &AppState,
    site: &SiteView,
    a: &Article,
    made: &std::collections::HashMap<String, picture::Rendered>,
) -> Result<FeedItem, Error> {
    let url = format!("{}{}", site.url, a.path());
    let summary = a.deck.clone().or_else(|| a.paragraphs().next().map(str::to_string)).unwrap_or_default();
    let content_html = if state.site.feed_full_text {
        let ctx = minijinja_ctx(site, a);
        Some(state.theme.render("feeds/body.html", &ctx)?.trim().to_string())
    } else {
        None
    };
    let published = a.published_at.unwrap_or_default();
    Ok(FeedItem {
        title: a.headline.clone(),
        summary,
        content_html,
        published: published.into(),
        updated: modified(a).unwrap_or(published).into(),
        authors: if a.authors.is_empty() { a.source.iter().cloned().collect() } else { a.authors.clone() },
        categories: std::iter::once(a.section.name.clone()).chain(a.tags.iter().cloned()).collect(),
        image: a.lead_image.as_ref().and_then(|img| {
            let asset = img.asset.as_deref()?;
            // The picture's own shape about 1280 wide in the fallback format, once made.
            if let Some(r) = made.get(asset) {
                let sizes = picture::sizes(Crop::Original, r.width, r.height, &r.framing);
                let &(w, h) = sizes.iter().rev().find(|(w, _)| *w <= 1280).or(sizes.first())?;
                let (ext, mime) = *r.formats().last()?;
                let url = format!("{}/media/{}", site.url, picture::path(asset, &r.version, Crop::Original, w, ext));
                return Some(FeedImage { mime, url, alt: img.alt.clone(), width: Some(w), height: Some(h) });
            }
            let src = format!("{}/media/{asset}", site.url);
            Some(FeedImage { mime: image_mime(&src), url: src, alt: img.alt.clone(), width: None, height: None })
        }),
        language: a.language.clone(),
        url,
    })
}

#[derive(serde::Serialize)]
struct BodyCtx<'a> {
    site_url: &'a str,
    body: &'a [newsdesk_core::Block],
    source: Option<&'a str>,
}

fn minijinja_ctx<'a>(site: &'a SiteView, a: &'a Article) -> BodyCtx<'a> {
    BodyCtx { site_url: &site.url, body: &a.body, source: a.source.as_deref() }
}

fn xml(body: String, deps: Deps, last_modified: Option<Timestamp>) -> Rendered {
    Rendered {
        status: axum::http::StatusCode::OK,
        content_type: "application/xml; charset=utf-8",
        body,
        surrogate_keys: deps.into_keys(),
        last_modified,
        article_id: None,
    }
}

/// `/sitemap.xml`: the index of every other sitemap.
pub fn sitemap_index(state: &AppState) -> Result<Rendered, Error> {
    let site = &state.site.url;
    // Article sitemaps are id ranges of SITEMAP_PAGE stories; ranges with nothing readers can
    // see are left out (a sitemap may not be empty).
    let pages = state.store.sitemap_pages(SITEMAP_PAGE as i64)?;
    let newest_story = state.store.latest_headlines(&ArticleFilter::default(), 1, 0)?;
    let newest = newest_story.first().and_then(modified);
    let mut deps = Deps::new();
    deps.add(depends::SITEMAPS.into()).add(depends::LATEST.into()).articles(newest_story.iter().map(|a| a.id));
    let mut sitemaps =
        vec![SitemapUrl { loc: format!("{site}/sitemaps/pages.xml"), lastmod: newest, images: vec![], news: None }];
    sitemaps.extend(pages.into_iter().map(|n| SitemapUrl {
        loc: format!("{site}/sitemaps/articles-{n}.xml"),
        lastmod: None,
        images: vec![],
        news: None,
    }));
    sitemaps.push(SitemapUrl { loc: format!("{site}/sitemaps/news.xml"), lastmod: newest, images: vec![], news: None });
    let body = sitemap_index_xml(&sitemaps);
    Ok(xml(body, deps, newest))
}

/// `/sitemaps/pages.xml`, `/sitemaps/articles-N.xml`, `/sitemaps/news.xml`.
pub fn sitemap(state: &AppState, file: &str) -> Result<Rendered, Error> {
    let site_url = &state.site.url;
    let mut deps = Deps::new();
    let urls: Vec<SitemapUrl> = match file {
        "pages.xml" => {
            deps.add(depends::NAV.into());
            let site = site_view(state, None)?;
            std::iter::once(format!("{site_url}/"))
                .chain(site.sections.iter().map(|s| format!("{site_url}{}", s.url)))
                .map(|loc| SitemapUrl { loc, lastmod: None, images: vec![], news: None })
                .collect()
        }
        "news.xml" => {
            let news = state.store.news_entries(state.now() - NEWS_WINDOW, NEWS_MAX)?;
            if news.is_empty() {
                return Err(Error::NotFound("news sitemap (no story in the last 48 hours)".into()));
            }
            // Stories leave it after 48 hours, with no event to say so.
            deps.add(depends::LATEST.into())
                .add(depends::MINUTE.into())
                .articles(news.iter().map(|e| Some(newsdesk_core::ArticleId(e.id))));
            let publication: std::sync::Arc<str> = state.site.name.as_str().into();
            // One shared string per language the stories are in.
            let mut languages: Vec<(String, std::sync::Arc<str>)> = vec![];
            let mut language = |tag: &str| {
                if let Some((_, l)) = languages.iter().find(|(t, _)| t == tag) {
                    return l.clone();
                }
                let l: std::sync::Arc<str> = news_language(tag).into();
                languages.push((tag.to_string(), l.clone()));
                l
            };
            news.into_iter()
                .map(|e| SitemapUrl {
                    loc: [site_url, e.path.as_str()].concat(),
                    lastmod: Some(e.modified),
                    images: vec![],
                    news: Some(NewsEntry {
                        publication: publication.clone(),
                        language: language(&e.language),
                        published: e.published,
                        title: e.headline,
                    }),
                })
                .collect()
        }
        _ => {
            let n: usize = file
                .strip_prefix("articles-")
                .and_then(|f| f.strip_suffix(".xml"))
                .and_then(|n| n.parse().ok())
                .filter(|n| *n >= 1 && *n <= 1_000_000)
                .ok_or_else(|| Error::NotFound(format!("sitemap {file}")))?;
            // Page n holds the stories with ids in ((n-1)·PAGE, n·PAGE]; one with none that
            // readers can see is not in the index and answers 404.
            let last = (n * SITEMAP_PAGE) as i64;
            let entries = state.store.sitemap_entries(last - SITEMAP_PAGE as i64 + 1, last)?;
            if entries.is_empty() {
                return Err(Error::NotFound(format!("sitemap {file}")));
            }
            deps.add(depends::sitemap(n));
            // Pictures point at their largest rendition once made (one read for the page).
            let assets: Vec<&str> = entries.iter().filter_map(|e| e.image_asset.as_deref()).collect();
            let made = state.store.pictures(&assets)?;
            for asset in &assets {
                deps.add(depends::media(asset));
            }
            let picture_url = |asset: &str| match made.get(asset) {
                Some(r) => {
                    let sizes = picture::sizes(Crop::Original, r.width, r.height, &r.framing);
                    let w = sizes.last().map_or(r.width, |s| s.0);
                    let path = picture::path(asset, &r.version, Crop::Original, w, r.fallback());
                    [site_url, "/media/", path.as_str()].concat()
                }
                None => [site_url, "/media/", asset].concat(),
            };
            entries
                .iter()
                .map(|e| SitemapUrl {
                    loc: [site_url, e.path.as_str()].concat(),
                    lastmod: Some(e.modified),
                    images: e.image_asset.as_deref().map(picture_url).into_iter().collect(),
                    news: None,
                })
                .collect()
        }
    };
    let body = urlset_xml(&urls);
    Ok(xml(body, deps, None))
}

/// Google News wants ISO 639 codes, with zh-cn/zh-tw the only regional forms.
fn news_language(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    match lower.as_str() {
        "zh-cn" | "zh-tw" => lower,
        _ => lower.split(['-', '_']).next().unwrap_or("en").to_string(),
    }
}

pub fn robots(state: &AppState) -> Result<Rendered, Error> {
    let site = site_view(state, None)?;
    let body = state.theme.render("robots.txt", &minijinja_site(&site))?;
    Ok(Rendered {
        status: axum::http::StatusCode::OK,
        content_type: "text/plain; charset=utf-8",
        body,
        surrogate_keys: vec![depends::NAV.into()],
        last_modified: None,
        article_id: None,
    })
}

#[derive(serde::Serialize)]
struct SiteCtx<'a> {
    site: &'a SiteView,
}

fn minijinja_site(site: &SiteView) -> SiteCtx<'_> {
    SiteCtx { site }
}
