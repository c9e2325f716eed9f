//! Feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) and sitemaps as view models. RSS, Atom and the
//! sitemaps are theme templates (`feeds/*.xml`, `sitemaps/*.xml`); JSON Feed is serialized here.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

use crate::views::SiteView;

#[derive(Debug, Clone, Serialize)]
pub struct FeedView {
    pub site: SiteView,
    pub title: String,
    pub description: String,
    /// Absolute URL of the HTML page this feed follows.
    pub home_url: String,
    /// Absolute URLs of this list's three feeds.
    pub rss_url: String,
    pub atom_url: String,
    pub json_url: String,
    /// Atom needs a stable IRI for the feed; the HTML page's URL is one.
    pub id: String,
    pub language: String,
    pub updated: FeedDate,
    pub items: Vec<FeedItem>,
    /// WebSub hub subscribers may use instead of polling.
    pub hub: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedItem {
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The whole story as HTML when the site publishes full text, else none.
    pub content_html: Option<String>,
    pub published: FeedDate,
    pub updated: FeedDate,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub image: Option<FeedImage>,
    pub language: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedImage {
    pub url: String,
    pub mime: &'static str,
    pub alt: String,
}

/// A time in the forms feeds need: RFC 3339 (Atom, JSON Feed, sitemaps) and RFC 822 (RSS).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FeedDate {
    #[serde(serialize_with = "rfc3339")]
    pub rfc3339: Timestamp,
    #[serde(serialize_with = "rfc822")]
    pub rfc822: Timestamp,
}

impl From<Timestamp> for FeedDate {
    fn from(t: Timestamp) -> Self {
        FeedDate { rfc3339: t, rfc822: t }
    }
}

fn rfc3339<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn rfc822<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string())
}

pub fn image_mime(url: &str) -> &'static str {
    match url.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        _ => "image/jpeg",
    }
}

/// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
pub fn json_feed(feed: &FeedView) -> Value {
    let items: Vec<Value> = feed
        .items
        .iter()
        .map(|item| {
            let mut v = json!({
                "id": item.url,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "date_published": serde_json::to_value(item.published).map(|d| d["rfc3339"].clone()).unwrap_or_default(),
                "date_modified": serde_json::to_value(item.updated).map(|d| d["rfc3339"].clone()).unwrap_or_default(),
                "language": item.language,
            });
            let obj = v.as_object_mut().expect("built as an object");
            match &item.content_html {
                Some(html) => obj.insert("content_html".into(), json!(html)),
                None => obj.insert("content_text".into(), json!(item.summary)),
            };
            if !item.authors.is_empty() {
                obj.insert("authors".into(), item.authors.iter().map(|a| json!({ "name": a })).collect());
            }
            if !item.categories.is_empty() {
                obj.insert("tags".into(), json!(item.categories));
            }
            if let Some(img) = &item.image {
                obj.insert("image".into(), json!(img.url));
            }
            v
        })
        .collect();
    let mut feed_json = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.json_url,
        "description": feed.description,
        "language": feed.language,
        "authors": [{ "name": feed.site.name, "url": format!("{}/", feed.site.url) }],
        "items": items,
    });
    if let Some(hub) = &feed.hub {
        feed_json["hubs"] = json!([{ "type": "WebSub", "url": hub }]);
    }
    feed_json
}

/// One `<url>` of a sitemap.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<FeedDate>,
    pub images: Vec<String>,
    pub news: Option<NewsEntry>,
}

/// Google News fields of a sitemap `<url>`.
#[derive(Debug, Clone, Serialize)]
pub struct NewsEntry {
    pub publication: String,
    pub language: String,
    pub published: FeedDate,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitemapView {
    pub urls: Vec<SitemapUrl>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitemapIndexView {
    pub sitemaps: Vec<SitemapUrl>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        let d: FeedDate = "2025-09-10T08:05:09.123Z".parse::<Timestamp>().unwrap().into();
        let v = serde_json::to_value(d).unwrap();
        assert_eq!(v["rfc3339"], "2025-09-10T08:05:09Z");
        assert_eq!(v["rfc822"], "Wed, 10 Sep 2025 08:05:09 +0000");
    }
}
