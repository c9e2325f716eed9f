//! Feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1) and sitemaps. RSS and Atom are theme templates
//! (`feeds/*.xml`); JSON Feed is serialized here, and the sitemaps are written here: protocol
//! documents with nothing in them for a theme to change, and long ones (a template spent about
//! 3 µs on each entry of an archive's sitemap page, every date formatted twice over; 30 ms for a
//! page of 10,000 at a million stories).

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
    /// Known when the URL is a rendition (RSS `media:content` says it).
    pub width: Option<u32>,
    pub height: Option<u32>,
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

/// One `<url>` of a sitemap, or one `<sitemap>` of the index.
#[derive(Debug, Clone)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<Timestamp>,
    pub images: Vec<String>,
    pub news: Option<NewsEntry>,
}

/// Google News fields of a sitemap `<url>`.
#[derive(Debug, Clone)]
pub struct NewsEntry {
    /// Shared by every entry of a sitemap (a thousand of them): counted, not copied.
    pub publication: std::sync::Arc<str>,
    pub language: std::sync::Arc<str>,
    pub published: Timestamp,
    pub title: String,
}

/// A sitemap: `<urlset>` with the image and news extensions' namespaces.
pub fn urlset_xml(urls: &[SitemapUrl]) -> String {
    let mut out = String::with_capacity(300 + urls.len() * 180);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for u in urls {
        out.push_str("<url>");
        loc_and_lastmod(&mut out, u);
        if let Some(n) = &u.news {
            out.push_str("<news:news><news:publication><news:name>");
            escape_xml(&mut out, &n.publication);
            out.push_str("</news:name><news:language>");
            escape_xml(&mut out, &n.language);
            out.push_str("</news:language></news:publication><news:publication_date>");
            w3c_datetime(&mut out, n.published);
            out.push_str("</news:publication_date><news:title>");
            escape_xml(&mut out, &n.title);
            out.push_str("</news:title></news:news>");
        }
        for image in &u.images {
            out.push_str("<image:image><image:loc>");
            escape_xml(&mut out, image);
            out.push_str("</image:loc></image:image>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The sitemap index: `<sitemapindex>` naming each sitemap.
pub fn sitemap_index_xml(sitemaps: &[SitemapUrl]) -> String {
    let mut out = String::with_capacity(200 + sitemaps.len() * 100);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for s in sitemaps {
        out.push_str("<sitemap>");
        loc_and_lastmod(&mut out, s);
        out.push_str("</sitemap>\n");
    }
    out.push_str("</sitemapindex>\n");
    out
}

fn loc_and_lastmod(out: &mut String, u: &SitemapUrl) {
    out.push_str("<loc>");
    escape_xml(out, &u.loc);
    out.push_str("</loc>");
    if let Some(t) = u.lastmod {
        out.push_str("<lastmod>");
        w3c_datetime(out, t);
        out.push_str("</lastmod>");
    }
}

/// Text as XML character data or an attribute value.
pub fn escape_xml(out: &mut String, text: &str) {
    newsdesk_core::markup::escape_bytes(out, text, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&apos;"),
        _ => None,
    });
}

/// `2025-09-10T08:05:09Z`: the W3C form sitemaps take, to the second, in UTC.
fn w3c_datetime(out: &mut String, t: Timestamp) {
    let d = jiff::tz::Offset::UTC.to_datetime(t);
    // Digits written by hand: a sitemap writes a thousand of these, and `write!` with padding
    // was a tenth of the page's time.
    let mut buf = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut n: i64| {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, i64::from(d.year()).clamp(0, 9999));
    put(5, 2, i64::from(d.month()));
    put(8, 2, i64::from(d.day()));
    put(11, 2, i64::from(d.hour()));
    put(14, 2, i64::from(d.minute()));
    put(17, 2, i64::from(d.second()));
    out.push_str(std::str::from_utf8(&buf).unwrap_or("1970-01-01T00:00:00Z"));
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

    #[test]
    fn sitemaps_escape_what_they_carry_and_date_to_the_second() {
        let at = "2025-09-10T08:05:09.123Z".parse::<Timestamp>().unwrap();
        let url = SitemapUrl {
            loc: "https://example.org/europe/a?b=1&c=<2>".into(),
            lastmod: Some(at),
            images: vec!["https://example.org/media/x'y.jpg".into()],
            news: Some(NewsEntry {
                publication: "News & \"Views\"".into(),
                language: "en".into(),
                published: at,
                title: "Talks <end> in Geneva".into(),
            }),
        };
        let xml = urlset_xml(std::slice::from_ref(&url));
        assert!(xml.contains(
            "<loc>https://example.org/europe/a?b=1&amp;c=&lt;2&gt;</loc><lastmod>2025-09-10T08:05:09Z</lastmod>"
        ));
        assert!(xml.contains("<news:name>News &amp; &quot;Views&quot;</news:name>"));
        assert!(xml.contains("<news:publication_date>2025-09-10T08:05:09Z</news:publication_date>"));
        assert!(xml.contains("<news:title>Talks &lt;end&gt; in Geneva</news:title>"));
        assert!(xml.contains("<image:loc>https://example.org/media/x&apos;y.jpg</image:loc>"));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "));
        let index = sitemap_index_xml(&[SitemapUrl { news: None, images: vec![], ..url }]);
        assert!(index.contains("<sitemap><loc>https://example.org/europe/a?b=1&amp;c=&lt;2&gt;</loc><lastmod>"));
        assert!(index.ends_with("</sitemapindex>\n"));
    }

    #[test]
    fn hand_written_dates_and_escapes_match_the_library_ones() {
        for micros in [0i64, 1, 951_782_400_000_000, 1_765_100_000_123_456, 4_102_444_799_999_999, 86_399_000_000] {
            let t = Timestamp::from_microsecond(micros).unwrap();
            let mut out = String::new();
            w3c_datetime(&mut out, t);
            assert_eq!(out, t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        for text in ["", "plain", "a&b<c>d\"e'f", "ünïcödé & 中文 <x>", "&&&&", "'"] {
            let mut out = String::new();
            escape_xml(&mut out, text);
            let naive = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&apos;");
            assert_eq!(out, naive, "{text}");
        }
    }
}
