//! Reader pages: which data a path needs, built into a view and rendered by the theme. Runs on a
//! blocking thread (store calls are synchronous) and only on a cache miss.

use std::collections::{BTreeMap, HashSet};

use axum::http::StatusCode;
use newsdesk_core::article::LeadImage;
use newsdesk_core::picture::Crop;
use newsdesk_core::{Article, Block};
use newsdesk_render::structured::{article_jsonld, script_json, site_jsonld};
use newsdesk_render::{
    ArticleCard, ArticlePage, EmbedCard, ErrorPage, FeedLink, HomePage, ImageView, SectionBlock, SectionPage, SiteView,
    article_view, card, image_view,
};
use newsdesk_store::ArticleFilter;

use crate::chrome::{MOST_READ_LEN, Rendered, derived, site_view};
use crate::depends::{self, Deps};
use crate::feeds::{self, FeedKind, ListScope};
use crate::{AppState, Error};

const SECTION_PAGE_SIZE: usize = 20;
const MAX_PAGE: usize = 500;
const EXPLORE_LEN: usize = 12;
/// How many of the stories before an article Explore picks from (each section in turn).
pub(crate) const EXPLORE_WINDOW: usize = 36;
const RECOMMENDED_LEN: usize = 3;

/// Renders the page at `path` (with its query string, for pagination).
pub fn render_path(state: &AppState, path: &str, query: Option<&str>) -> Result<Rendered, Error> {
    // Browsers send a slug in another script percent-encoded ("/europe/%D9%85…"): each segment
    // is decoded on its own (so an encoded "/" stays inside its segment); one that is not UTF-8
    // names no page.
    let decoded: Vec<std::borrow::Cow<'_, str>> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8())
        .collect::<Result<_, _>>()
        .map_err(|_| Error::NotFound(format!("page {path}")))?;
    let segments: Vec<&str> = decoded.iter().map(|s| s.as_ref()).collect();
    let feed = |s: &str| FeedKind::from_file(s);
    match segments.as_slice() {
        [] => home(state),
        ["robots.txt"] => feeds::robots(state),
        ["sitemap.xml"] => feeds::sitemap_index(state),
        ["sitemaps", file] => feeds::sitemap(state, file),
        [file] if feed(file).is_some() => feeds::feed(state, ListScope::Home, feed(file).unwrap_or(FeedKind::Rss)),
        ["tag", slug] => list_page(state, ListScope::Tag(slug), page_number(query)?),
        ["author", slug] => list_page(state, ListScope::Author(slug), page_number(query)?),
        ["archive", y, rest @ ..] if rest.len() <= 2 => {
            let period = feeds::Period::parse(y, rest.first().copied(), rest.get(1).copied())
                .ok_or_else(|| Error::NotFound(format!("archive {path}")))?;
            list_page(state, ListScope::Archive(period), page_number(query)?)
        }
        [kind @ ("tag" | "author"), slug, file] if feed(file).is_some() => {
            let scope = if *kind == "tag" { ListScope::Tag(slug) } else { ListScope::Author(slug) };
            feeds::feed(state, scope, feed(file).unwrap_or(FeedKind::Rss))
        }
        [section] => list_page(state, ListScope::Section(section), page_number(query)?),
        [section, file] if feed(file).is_some() => {
            feeds::feed(state, ListScope::Section(section), feed(file).unwrap_or(FeedKind::Rss))
        }
        [section, slug] => article(state, section, slug),
        _ => Err(Error::NotFound(format!("page {path}"))),
    }
}

fn page_number(query: Option<&str>) -> Result<usize, Error> {
    let Some(q) = query else { return Ok(1) };
    for pair in q.split('&') {
        if let Some(v) = pair.strip_prefix("page=") {
            return v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| Error::NotFound(format!("page number {v:?}")));
        }
    }
    Ok(1)
}

fn home(state: &AppState) -> Result<Rendered, Error> {
    let (tz, lang) = (&state.site.time_zone, state.site.language.as_str());
    let site = site_view(state, None)?;
    // The editors' pins come first, in their order; the rest fills by time.
    let pinned = state.store.front_pins("")?;
    let mut latest = pinned.clone();
    for a in state.store.latest_headlines(&ArticleFilter::default(), 5 + pinned.len(), 0)? {
        if !latest.iter().any(|p| p.id == a.id) {
            latest.push(a);
        }
    }
    latest.truncate(5);
    let lead_index =
        if pinned.is_empty() { latest.iter().position(|a| a.lead_image.is_some()).unwrap_or(0) } else { 0 };
    let lead = latest.get(lead_index).map(|a| card(a, tz, lang));
    let top: Vec<ArticleCard> =
        latest.iter().enumerate().filter(|(i, _)| *i != lead_index).map(|(_, a)| card(a, tz, lang)).take(4).collect();
    let mut shown: HashSet<i64> = lead.iter().chain(&top).map(|c| c.id).collect();
    let mut sections = vec![];
    for nav in &site.sections {
        let slug = nav.url.trim_start_matches('/');
        let cards: Vec<ArticleCard> = state
            .store
            .latest_headlines(&ArticleFilter::section(slug), 8, 0)?
            .iter()
            .filter(|a| !shown.contains(&a.id.map_or(0, |i| i.0)))
            .take(4)
            .map(|a| card(a, tz, lang))
            .collect();
        shown.extend(cards.iter().map(|c| c.id));
        if !cards.is_empty() {
            sections.push(SectionBlock::new(nav.name.clone(), nav.url.clone(), cards));
        }
    }
    let derived = derived(state)?;
    let mut deps = ListScope::Home.deps();
    deps.add(depends::front("")).add(depends::MOST_READ.into());
    for nav in &site.sections {
        deps.add(depends::section(nav.url.trim_start_matches('/')));
    }
    deps.articles(derived.most_read.iter().map(|a| a.id));
    deps.articles(shown.iter().map(|id| Some(newsdesk_core::ArticleId(*id))));
    let most_read = derived.most_read.iter().map(|a| card(a, tz, lang)).collect();
    let mut page = HomePage {
        most_read,
        jsonld: script_json(&site_jsonld(&site)),
        feeds: FeedLink::all(&site.name, ""),
        site,
        lead,
        top,
        sections,
    };
    let cards = page.lead.iter_mut().chain(&mut page.top).chain(page.sections.iter_mut().flat_map(|s| &mut s.articles));
    dress(state, cards.chain(&mut page.most_read).filter_map(|c| c.image.as_mut()).collect(), &mut deps)?;
    Ok(Rendered::html(state.theme.render("home.html", &page)?, deps.into_keys()))
}

/// A section front, tag page or author page: newest first, paginated with stable URLs.
fn list_page(state: &AppState, scope: ListScope<'_>, page: usize) -> Result<Rendered, Error> {
    let current = match scope {
        ListScope::Section(slug) => Some(slug),
        _ => None,
    };
    let site = site_view(state, current)?;
    let (name, url) = feeds::scope_name(state, &site, scope)?;
    let offset = (page - 1) * SECTION_PAGE_SIZE;
    let mut filter = scope.filter();
    if let ListScope::Archive(period) = scope {
        let (since, until) =
            period.range(&state.site.time_zone).ok_or_else(|| Error::NotFound(format!("archive {url}")))?;
        (filter.since, filter.until) = (Some(since), Some(until));
    }
    let pins = match scope {
        ListScope::Section(slug) => state.store.front_pins(slug)?,
        _ => vec![],
    };
    // Pinned stories lead page 1; the rest follows by time on every page, each story once: the
    // list by time leaves the pins out, so a page's offset into it is its offset less the pins.
    let pin_ids: Vec<i64> = pins.iter().filter_map(|a| a.id.map(|i| i.0)).collect();
    filter.exclude = &pin_ids;
    let mut articles: Vec<_> = pins.iter().skip(offset).cloned().collect();
    let wanted = (SECTION_PAGE_SIZE + 1).saturating_sub(articles.len());
    articles.extend(state.store.latest_headlines(&filter, wanted, offset.saturating_sub(pins.len()))?);
    let has_next = articles.len() > SECTION_PAGE_SIZE;
    articles.truncate(SECTION_PAGE_SIZE);
    if articles.is_empty() && (page > 1 || !matches!(scope, ListScope::Section(_))) {
        return Err(Error::NotFound(format!("page {page} of {url}")));
    }
    let most_read = match scope {
        ListScope::Section(slug) if page == 1 => {
            crate::views::most_read(state, Some(slug), MOST_READ_LEN, state.now())?
        }
        _ => vec![],
    };
    let mut deps = scope.deps();
    deps.articles(articles.iter().chain(&most_read).map(|a| a.id));
    if let ListScope::Section(slug) = scope {
        deps.add(depends::front(slug));
        if page == 1 {
            deps.add(depends::MOST_READ.into());
        }
    }
    let profile = match scope {
        ListScope::Author(slug) => state
            .store
            .author_profile(slug)?
            .map(|p| newsdesk_render::AuthorView { bio: p.bio, photo: p.photo.map(|f| format!("/media/{f}")) }),
        _ => None,
    };
    let mut view = SectionPage {
        profile,
        most_read: most_read.iter().map(|a| card(a, &state.site.time_zone, &state.site.language)).collect(),
        kind: scope.kind(),
        // Archives are closed periods: nothing new arrives, so they have no feeds.
        feeds: if matches!(scope, ListScope::Archive(_)) {
            vec![]
        } else {
            FeedLink::all(&format!("{} — {name}", site.name), &url)
        },
        articles: articles.iter().map(|a| card(a, &state.site.time_zone, &state.site.language)).collect(),
        prev_url: match page {
            1 => None,
            2 => Some(url.clone()),
            n => Some(format!("{url}?page={}", n - 1)),
        },
        next_url: has_next.then(|| format!("{url}?page={}", page + 1)),
        site,
        name,
        url,
        page,
    };
    let cards = view.articles.iter_mut().chain(&mut view.most_read);
    dress(state, cards.filter_map(|c| c.image.as_mut()).collect(), &mut deps)?;
    Ok(Rendered::html(state.theme.render("section.html", &view)?, deps.into_keys()))
}

fn article(state: &AppState, section: &str, slug: &str) -> Result<Rendered, Error> {
    let Some(article) = state.store.published_by_path(section, slug)? else {
        return Err(Error::NotFound(format!("article /{section}/{slug}")));
    };
    article_page(state, article)
}

/// The reader's page for `article`, whatever its state: the site renders published stories
/// with it, the newsroom's preview renders drafts with exactly the same code.
pub(crate) fn article_page(state: &AppState, article: Article) -> Result<Rendered, Error> {
    render_article(state, article, false)
}

/// The newsroom's preview: the reader's page, saying at its top that it is a preview.
pub(crate) fn preview_page(state: &AppState, article: Article) -> Result<Rendered, Error> {
    render_article(state, article, true)
}

fn render_article(state: &AppState, mut article: Article, preview: bool) -> Result<Rendered, Error> {
    let section = article.section.slug.to_string();
    let section = section.as_str();
    resolve_related(state, &mut article)?;
    let (tz, lang) = (&state.site.time_zone, state.site.language.as_str());
    let id = article.id.map_or(0, |i| i.0);
    let mut deps = Deps::new();
    deps.add(depends::NAV.into()).add(depends::article(id)).add(depends::related(id));
    // Explore and "Earlier in" list the stories published before this one: a newer story
    // changes neither, so publishing leaves every other article page cached (`depends`).
    let before = article.published_at.zip(article.id).map(|(at, aid)| (at, aid.0));
    let mut recent = match before {
        Some(before) => {
            deps.add(depends::TIMELINE.into());
            let filter = ArticleFilter { before: Some(before), ..Default::default() };
            state.store.latest_titles(&filter, EXPLORE_WINDOW)?
        }
        // A draft in the preview: the newest stories.
        None => derived(state)?.recent.clone(),
    };
    if recent.len() < EXPLORE_WINDOW && before.is_some() {
        // One of the site's first stories: the newest fill the list (and it then changes with
        // every new story, as the home page does).
        deps.add(depends::LATEST.into());
        for a in derived(state)?.recent.iter() {
            if recent.len() < EXPLORE_WINDOW && a.id != article.id && !recent.iter().any(|r| r.id == a.id) {
                recent.push(a.clone());
            }
        }
    }
    deps.articles(recent.iter().map(|a| a.id));
    // One read of the stored similar stories fills both the RECOMMENDED block and, after it, the
    // Related stories list.
    let similar = match article.id {
        Some(aid) => state.store.recommended(aid, RECOMMENDED_LEN * 2)?,
        None => vec![],
    };
    deps.articles(similar.iter().map(|a| a.id));
    let (recommended, recommended_title) = pick_recommended(state, &article, &similar, before, &mut deps)?;
    deps.articles(recommended.iter().map(|a| a.id));
    // Explore avoids repeating the Recommended picks, unless the site is too small to.
    let skip: HashSet<i64> = recommended.iter().map(|a| a.id.map_or(0, |i| i.0)).chain([id]).collect();
    let mut explore = pick_explore(&recent, &skip, EXPLORE_LEN);
    if explore.len() < EXPLORE_LEN {
        explore = pick_explore(&recent, &HashSet::from([id]), EXPLORE_LEN);
    }
    // More of the stored similar stories, after those the RECOMMENDED block shows.
    let related_stories: Vec<&Article> =
        similar.iter().filter(|a| !recommended.iter().any(|r| r.id == a.id)).take(RECOMMENDED_LEN).collect();
    for block in &article.body {
        match block {
            Block::Related { headline, .. } => deps.add(depends::headline(headline)),
            Block::Embed { url } => deps.add(depends::embed(url)),
            _ => continue,
        };
    }
    let site = site_view(state, Some(section))?;
    let mut view = article_view(&article, tz, &state.site.url);
    let mut pictures: BTreeMap<String, ImageView> = BTreeMap::new();
    for block in &article.body {
        if let Block::Image { asset: Some(asset), alt, caption, credit, caption_marks } = block {
            let lead = LeadImage {
                asset: Some(asset.clone()),
                alt: alt.clone(),
                caption: caption.clone(),
                credit: credit.clone(),
                caption_marks: caption_marks.clone(),
                title: None,
                source_url: None,
            };
            pictures.insert(asset.clone(), image_view(&lead, Crop::Original));
        }
    }
    let mut recommended: Vec<ArticleCard> = recommended.iter().map(|a| card(a, tz, lang)).collect();
    let mut explore: Vec<ArticleCard> = explore.iter().map(|a| card(a, tz, lang)).collect();
    let mut related_stories: Vec<ArticleCard> = related_stories.iter().map(|a| card(a, tz, lang)).collect();
    {
        let cards = recommended.iter_mut().chain(&mut explore).chain(&mut related_stories).chain([&mut view.card]);
        let images = cards.filter_map(|c| c.image.as_mut()).chain(view.lead.as_mut()).chain(pictures.values_mut());
        let made = dress(state, images.collect(), &mut deps)?;
        if let Some(social) = view.social_image.as_mut() {
            match social.asset.as_ref().and_then(|a| made.get(a)) {
                Some(r) => social.use_renditions(r),
                None => {
                    if let Some(asset) = social.asset.clone() {
                        deps.add(depends::media(&asset));
                        if let Some(r) = state.store.pictures(&[asset.as_str()])?.get(&asset) {
                            social.use_renditions(r);
                        }
                    }
                }
            }
        }
    }
    let mut feed_links = FeedLink::all(&format!("{} — {}", site.name, article.section.name), &article.section.url());
    feed_links.truncate(1);
    feed_links.extend(FeedLink::all(&site.name, "").into_iter().take(1));
    let page = ArticlePage {
        jsonld: script_json(&article_jsonld(&site, &view)),
        feeds: feed_links,
        site,
        article: view,
        recommended,
        recommended_title,
        explore,
        related_stories,
        preview,
        embeds: embed_cards(state, &article)?,
        pictures,
    };
    let mut rendered = Rendered::html(state.theme.render("article.html", &page)?, deps.into_keys());
    rendered.article_id = Some(id);
    Ok(rendered)
}

/// The cards of the article's embed blocks (see `embeds`), by the block's URL.
fn embed_cards(state: &AppState, article: &Article) -> Result<BTreeMap<String, EmbedCard>, Error> {
    let urls: Vec<&str> = article
        .body
        .iter()
        .filter_map(|b| if let Block::Embed { url } = b { Some(url.as_str()) } else { None })
        .collect();
    Ok(crate::embeds::cards(&state.store, &urls)?.into_iter().map(|c| (c.url.clone(), c)).collect())
}

/// A Related link that names a story we carry links to it.
fn resolve_related(state: &AppState, article: &mut Article) -> Result<(), Error> {
    for block in &mut article.body {
        if let Block::Related { headline, url: url @ None, .. } = block {
            *url = state.store.published_path_by_headline(headline)?;
        }
    }
    Ok(())
}

/// The RECOMMENDED block and its title: the editors' pins, then the stories the index found
/// alike enough (computed when stories change, see `desk::search::refresh_related`; fewer than three
/// when fewer are). Only when there is none, the newest stories of its own section published
/// before it (`before`: its time and id; the section's newest when it has too few earlier
/// ones), under the title "More in <section>" so no reader takes them for a recommendation.
/// Never the article itself, never a story an editor excluded.
fn pick_recommended(
    state: &AppState,
    article: &Article,
    similar: &[Article],
    before: Option<(jiff::Timestamp, i64)>,
    deps: &mut Deps,
) -> Result<(Vec<Article>, String), Error> {
    let picks: Vec<Article> = similar.iter().take(RECOMMENDED_LEN).cloned().collect();
    if !picks.is_empty() {
        return Ok((picks, "Recommended".to_string()));
    }
    let excluded = match article.id {
        Some(id) => state.store.related_pins(id)?.1,
        None => vec![],
    };
    let section = article.section.slug.as_str();
    let usable = |a: &Article| a.id != article.id && !a.id.is_some_and(|i| excluded.contains(&i.0));
    let wanted = RECOMMENDED_LEN + excluded.len() + 1;
    let earlier = ArticleFilter { before, ..ArticleFilter::section(section) };
    let mut picks: Vec<Article> =
        state.store.latest_headlines(&earlier, wanted, 0)?.into_iter().filter(|a| usable(a)).collect();
    if picks.len() < RECOMMENDED_LEN && before.is_some() {
        // Too few before it: the section's newest too, so the list then follows the section.
        deps.add(depends::section(section));
        for a in state.store.latest_headlines(&ArticleFilter::section(section), wanted + picks.len(), 0)? {
            if usable(&a) && !picks.iter().any(|p| p.id == a.id) {
                picks.push(a);
            }
        }
    }
    picks.truncate(RECOMMENDED_LEN);
    Ok((picks, format!("More in {}", article.section.name)))
}

/// Recent headlines taken in turn from each section, newest first, so no one section fills the
/// list; never an article in `skip`.
fn pick_explore<'a>(recent: &'a [Article], skip: &HashSet<i64>, len: usize) -> Vec<&'a Article> {
    let mut by_section: Vec<(&str, Vec<&Article>)> = vec![];
    for a in recent.iter().filter(|a| !skip.contains(&a.id.map_or(0, |i| i.0))) {
        match by_section.iter_mut().find(|(s, _)| *s == a.section.slug.as_str()) {
            Some((_, list)) => list.push(a),
            None => by_section.push((a.section.slug.as_str(), vec![a])),
        }
    }
    let mut out = vec![];
    for round in 0.. {
        let before = out.len();
        out.extend(by_section.iter().filter_map(|(_, list)| list.get(round).copied()));
        if out.len() >= len || out.len() == before {
            break;
        }
    }
    out.truncate(len);
    out
}

/// What a reader gets when even the theme's error page fails to render: fixed text, nothing
/// from the request in it (the status line says what went wrong).
const BARE_ERROR_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title>\
    </head><body><h1>This page cannot be shown</h1><p>Please try again in a moment.</p></body></html>";

/// The reader-side rendering of the one error model: the theme's 404, 400 or 500 page for `err`. Internal errors are logged in full and shown without detail.
pub fn error_page(state: &AppState, err: &Error) -> Rendered {
    let (status, title, message) = match err {
        Error::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "Page not found",
            "We could not find that page. It may have moved, or the address may be mistyped.".to_string(),
        ),
        Error::InvalidParameter { .. } | Error::InvalidDocument(_) => {
            (StatusCode::BAD_REQUEST, "That request is not one we can answer", err.sentence())
        }
        // Nothing else is made on the reader's side; whatever it is, the reader is told no more.
        other => {
            tracing::error!(error = %other, "request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "We could not show this page just now. Please try again in a moment.".to_string(),
            )
        }
    };
    let site = site_view(state, None).unwrap_or_else(|_| SiteView {
        name: state.site.name.clone(),
        tagline: state.site.tagline.clone(),
        url: state.site.url.clone(),
        language: state.site.language.clone(),
        sections: vec![],
        year: state.now().to_zoned_datetime(state.site.time_zone.clone()).year(),
    });
    let page = ErrorPage { site, status: status.as_u16(), title: title.into(), message: message.clone() };
    let body = state.theme.render("error.html", &page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the error page itself failed to render");
        BARE_ERROR_PAGE.to_string()
    });
    Rendered {
        status,
        content_type: "text/html; charset=utf-8",
        body,
        surrogate_keys: vec![],
        last_modified: None,
        article_id: None,
    }
}

/// Points every picture of a page at its renditions, with one read of the store for the whole
/// page, and makes the page depend on each picture (`media-<file>`): when renditions are made
/// (`media.rendered`), the pages that showed the original are drawn again. Returns what was read.
fn dress(
    state: &AppState,
    mut images: Vec<&mut ImageView>,
    deps: &mut Deps,
) -> Result<std::collections::HashMap<String, newsdesk_core::picture::Rendered>, Error> {
    let files: Vec<String> = images.iter().filter_map(|i| i.asset.clone()).collect();
    if files.is_empty() {
        return Ok(Default::default());
    }
    for f in &files {
        deps.add(depends::media(f));
    }
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let made = state.store.pictures(&names)?;
    for image in images.iter_mut() {
        if let Some(r) = image.asset.as_ref().and_then(|a| made.get(a)) {
            image.use_renditions(r);
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsdesk_core::ArticleId;

    fn a(id: i64, section: &str) -> Article {
        let a = crate::test_support::article(&format!("Story {id}"), section, "2026-01-01T00:00:00Z");
        Article { id: Some(ArticleId(id)), ..a }
    }

    #[test]
    fn explore_mixes_sections_and_skips_the_article() {
        let recent =
            vec![a(1, "EUROPE"), a(2, "EUROPE"), a(3, "EUROPE"), a(4, "SPORT"), a(5, "AFRICA"), a(6, "EUROPE")];
        let skip: HashSet<i64> = [1].into();
        let ids: Vec<i64> = pick_explore(&recent, &skip, 4).iter().map(|a| a.id.unwrap().0).collect();
        assert_eq!(ids, [2, 4, 5, 3]);
        let all: Vec<i64> = pick_explore(&recent, &skip, 50).iter().map(|a| a.id.unwrap().0).collect();
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn without_alike_stories_the_slot_shows_the_sections_stories_from_before_it_labelled_so() {
        let crate::test_support::TestSite { dir: _dir, state } = crate::test_support::TestSite::new();
        // Stories 1..=6, a minute apart: 1 SPORT, 2 EUROPE, 3 SPORT, 4 EUROPE, 5 EUROPE, 6 EUROPE.
        let mut saved = vec![];
        for (n, section) in ["SPORT", "EUROPE", "SPORT", "EUROPE", "EUROPE", "EUROPE"].iter().enumerate() {
            let a =
                crate::test_support::article(&format!("Story {}", n + 1), section, &format!("2026-01-01T00:0{n}:00Z"));
            let id = state.store.save_article(&a, None, "test", state.now()).unwrap();
            saved.push(state.store.article(id.id).unwrap());
        }
        let ids = |picks: &[Article]| picks.iter().map(|a| a.id.unwrap().0).collect::<Vec<_>>();
        let before = |a: &Article| a.published_at.zip(a.id).map(|(t, i)| (t, i.0));
        let mut deps = Deps::new();
        let (picks, title) = pick_recommended(&state, &saved[5], &[], before(&saved[5]), &mut deps).unwrap();
        assert_eq!((ids(&picks), title.as_str()), (vec![5, 4, 2], "More in Europe"), "never another section's");
        assert!(!deps.clone().into_keys().contains(&depends::section("europe")), "and not a later one");
        // Too few before it: the section's newest fill the list, which then follows the section.
        let (picks, _) = pick_recommended(&state, &saved[3], &[], before(&saved[3]), &mut deps).unwrap();
        assert_eq!(ids(&picks), vec![2, 6, 5]);
        assert!(deps.into_keys().contains(&depends::section("europe")));
        // One story alike enough is shown alone, as a recommendation: fewer, not padded.
        let story5 = &saved[4];
        let (picks, title) = pick_recommended(&state, story5, &saved[2..3], before(story5), &mut Deps::new()).unwrap();
        assert_eq!((ids(&picks), title.as_str()), (vec![3], "Recommended"));
    }

    #[test]
    fn page_numbers() {
        assert_eq!(page_number(None).unwrap(), 1);
        assert_eq!(page_number(Some("page=3")).unwrap(), 3);
        assert!(page_number(Some("page=0")).is_err());
        assert!(page_number(Some("page=x")).is_err());
        assert_eq!(page_number(Some("utm_source=x")).unwrap(), 1);
    }
}
