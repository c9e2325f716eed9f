//! Route tests, in process (`Router::oneshot`) on a temporary SQLite store.

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use newsdesk_core::article::LeadImage;
use newsdesk_core::{Article, Block, Slug};
use newsdesk_render::{Theme, ThemeOptions};
use tower::ServiceExt;

use super::*;

use crate::test_support::TestSite;

/// Stories and requests on the shared test site.
impl TestSite {
    fn with_article(self, headline: &str, section: &str, minute: u32) -> TestSite {
        let base = crate::test_support::article(headline, section, &format!("2025-09-10T10:{minute:02}:00Z"));
        let a = Article {
            deck: Some(format!("Deck of {headline}.")),
            lead_image: Some(LeadImage {
                asset: None,
                alt: "A picture".into(),
                title: None,
                caption: Some("Caption.".into()),
                credit: Some("AA".into()),
                source_url: None,
                caption_marks: vec![],
            }),
            body: vec![
                Block::Paragraph { text: "First paragraph.".into(), marks: vec![] },
                Block::Recommended,
                Block::Paragraph { text: "Second paragraph.".into(), marks: vec![] },
                Block::Related { publication: "Newsdesk".into(), headline: "Older story".into(), url: None },
            ],
            source: Some("AA".into()),
            tags: vec!["tag one".into()],
            ..base
        };
        self.state.store.save_article(&a, None, "test", jiff::Timestamp::now()).unwrap();
        self.state.cache.clear();
        self
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = Request::builder().uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = router(self.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 10 << 20).await.unwrap().to_vec();
        (parts.status, parts.headers, bytes)
    }

    async fn html(&self, path: &str) -> (StatusCode, String) {
        let (status, _, body) = self.get(path, &[]).await;
        (status, String::from_utf8(body).unwrap())
    }
}

fn in_order(html: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        match html[at..].find(n) {
            Some(i) => at += i + n.len(),
            None => panic!("{n:?} not found after byte {at} in:\n{html}"),
        }
    }
}

#[tokio::test]
async fn the_article_page_shows_every_element_in_order() {
    let site = TestSite::new()
        .with_article("Older story", "EUROPE", 1)
        .with_article("A sports story", "SPORT", 2)
        .with_article("Main story", "EUROPE", 3);
    let (status, html) = site.html("/europe/main-story").await;
    assert_eq!(status, StatusCode::OK);
    in_order(
        &html,
        &[
            "<html lang=\"en\">",
            "class=\"kicker\"><a href=\"/europe\">Europe</a> <time datetime=\"2025-09-10T10:03:00Z\">September 10, 2025</time>",
            "1 min read",
            "<h1 class=\"headline\">Main story</h1>",
            "<p class=\"deck\">Deck of Main story.</p>",
            "<figure class=\"lead-image",
            "<span class=\"caption\">Caption.</span> <span class=\"credit\">AA</span></figcaption>",
            "class=\"dateline\"><time",
            "<p>First paragraph.</p>",
            "<aside class=\"recommended\"",
            "<a href=\"/europe/older-story\">Older story</a>",
            "<p>Second paragraph.</p>",
            "<aside class=\"related\"",
            "<a href=\"/europe/older-story\"><span class=\"related-publication\">Newsdesk</span>",
            "SOURCE: <span class=\"source-name\">AA</span>",
            "<nav class=\"explore\"",
            "A sports story",
        ],
    );
    let explore = &html[html.find("class=\"explore\"").unwrap()..];
    assert!(!explore.contains("Main story"), "Explore never lists the article itself");
}

#[tokio::test]
async fn caching_headers_and_conditional_requests() {
    let site = TestSite::new().with_article("Main story", "EUROPE", 3);
    let (status, headers, body) = site.get("/europe/main-story", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    assert!(headers[header::CACHE_CONTROL].to_str().unwrap().contains("stale-while-revalidate"));
    // What the page shows, as keys (see `depends`), and `site`, which every response carries.
    let keys: Vec<&str> = headers["surrogate-key"].to_str().unwrap().split(' ').collect();
    for key in ["article-1", "related-1", "nav", "timeline", "headline-", "site"] {
        assert!(keys.iter().any(|k| k.starts_with(key)), "{key} in {keys:?}");
    }
    assert_eq!(headers["cache-tag"].to_str().unwrap(), keys.join(","));
    assert_eq!(headers[header::VARY], "Accept-Encoding");

    let (status, headers304, body304) = site.get("/europe/main-story", &[("if-none-match", &etag)]).await;
    assert_eq!((status, body304.len()), (StatusCode::NOT_MODIFIED, 0));
    assert_eq!(headers304[header::ETAG].to_str().unwrap(), etag);

    let (_, h, gz) = site.get("/europe/main-story", &[("accept-encoding", "gzip")]).await;
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert_ne!(h[header::ETAG].to_str().unwrap(), etag, "each encoding is its own representation");
    let mut plain = vec![];
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut plain).unwrap();
    assert_eq!(plain, body);

    let (_, h, br) = site.get("/europe/main-story", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(h[header::CONTENT_ENCODING], "br");
    let mut plain = vec![];
    brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut plain).unwrap();
    assert_eq!(plain, body);
}

#[tokio::test]
async fn home_section_and_not_found() {
    let site = TestSite::new().with_article("Older story", "EUROPE", 1).with_article("A sports story", "SPORT", 2);
    let (status, html) = site.html("/").await;
    assert_eq!(status, StatusCode::OK);
    in_order(&html, &["<nav class=\"sections\"", "/europe", "/sport", "A sports story"]);
    let (status, html) = site.html("/sport").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 class=\"section-title\">Sport</h1>"));
    for path in ["/nowhere", "/europe/no-such-story", "/a/b/c", "/sport?page=0", "/sport?page=9"] {
        let (status, headers, body) = site.get(path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(String::from_utf8(body).unwrap().contains("Page not found"));
    }
}

#[tokio::test]
async fn assets_and_media() {
    let site = TestSite::new();
    let (status, headers, _) = site.get("/assets/style.css", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(site.get("/assets/..%2Fsecret", &[]).await.0, StatusCode::NOT_FOUND);
    site.state.media.put("pic.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let (status, headers, _) = site.get("/media/pic.svg", &[]).await;
    assert_eq!((status, headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "image/svg+xml"));
    assert_eq!(site.get("/media/.hidden", &[]).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_cache_follows_writes_from_another_process() {
    let site = TestSite::new().with_article("Older story", "EUROPE", 1);
    // The page cache follower's pass (`tasks`), here every 20 ms.
    let st = site.state.clone();
    let follower = tokio::spawn(async move {
        loop {
            st.catch_up().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert_eq!(site.html("/europe/late-story").await.0, StatusCode::NOT_FOUND);
    let (_, home) = site.html("/").await;
    assert!(!home.contains("Late story"));
    // Another process: its own connection to the same database file.
    let other = Store::open(site.state.store.path().parent().unwrap()).unwrap();
    let mut late = other.published_by_path("europe", "older-story").unwrap().unwrap();
    late.id = None;
    late.headline = "Late story".into();
    late.slug = Slug::from_title("Late story").unwrap();
    other.save_article(&late, None, "cli", jiff::Timestamp::now()).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    loop {
        if site.html("/").await.1.contains("Late story") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the site did not show the new article within a second");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(site.html("/europe/late-story").await.0, StatusCode::OK);
    follower.abort();
}

#[tokio::test]
async fn a_failing_template_renders_the_500_page_and_is_not_cached() {
    let theme_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theme_dir.path().join("templates")).unwrap();
    // Compiles, but fails at run time: strict undefined behaviour refuses a missing variable.
    std::fs::write(theme_dir.path().join("templates/article.html"), "{{ no_such_variable.field }}").unwrap();
    let mut site = TestSite::new().with_article("Main story", "EUROPE", 3);
    site.state.theme = Theme::load(ThemeOptions { dir: Some(theme_dir.path().into()), dev_reload: false });
    let (status, headers, body) = site.get("/europe/main-story", &[]).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Something went wrong"), "{html}");
    assert!(!html.contains("no_such_variable"), "internals never reach the reader");
    assert!(site.state.cache.get("/europe/main-story").is_none());
    // The rest of the site still works.
    assert_eq!(site.get("/", &[]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn tag_and_author_pages_and_their_feeds() {
    let site = TestSite::new().with_article("Main story", "EUROPE", 3);
    let (status, html) = site.html("/tag/tag-one").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 class=\"section-title\">Topic: tag one</h1>"), "{html}");
    assert!(html.contains("href=\"/tag/tag-one/feed.xml\""));
    let (status, headers, body) = site.get("/tag/tag-one/atom.xml", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/atom+xml; charset=utf-8");
    assert!(headers.contains_key(header::LAST_MODIFIED));
    assert!(String::from_utf8(body).unwrap().contains("<title>Main story</title>"));
    for path in [
        "/tag/no-such-tag",
        "/tag/Not_A_Slug",
        "/author/nobody",
        "/author/nobody/feed.json",
        "/sitemaps/articles-2.xml",
        "/sitemaps/x.xml",
    ] {
        assert_eq!(site.get(path, &[]).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, headers, _) = site.get("/feed.json", &[]).await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/feed+json; charset=utf-8");
}

#[tokio::test]
async fn oembed_describes_article_urls() {
    let site = TestSite::new().with_article("Main story", "EUROPE", 3);
    let (_, html) = site.html("/europe/main-story").await;
    let href = html.split("type=\"application/json+oembed\" href=\"").nth(1).unwrap().split('"').next().unwrap();
    let path = href.strip_prefix(&site.state.site.url).unwrap().replace("&amp;", "&");
    let (status, headers, body) = site.get(&path, &[]).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (v["version"].as_str(), v["type"].as_str(), v["title"].as_str()),
        (Some("1.0"), Some("link"), Some("Main story"))
    );
    assert_eq!(v["author_name"], "AA", "a wire story without a byline credits its agency");
    assert_eq!(v["provider_url"], "http://127.0.0.1:8080/");
    let other = "/oembed?url=https%3A%2F%2Fexample.com%2Feurope%2Fmain-story";
    assert_eq!(site.get(other, &[]).await.0, StatusCode::NOT_FOUND);
    let missing = "/oembed?url=http%3A%2F%2F127.0.0.1%3A8080%2Feurope%2Fnone";
    assert_eq!(site.get(missing, &[]).await.0, StatusCode::NOT_FOUND);
    let xml = format!("{}&format=xml", path.split("&format").next().unwrap());
    assert_eq!(site.get(&xml, &[]).await.0, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(site.get("/oembed", &[]).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn most_read_counts_readers_only() {
    let site = TestSite::new().with_article("Quiet story", "EUROPE", 1).with_article("Busy story", "EUROPE", 2);
    let browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    for _ in 0..3 {
        site.get("/europe/busy-story", &[("user-agent", browser)]).await;
    }
    site.get("/europe/quiet-story", &[("user-agent", browser)]).await;
    for _ in 0..10 {
        site.get("/europe/quiet-story", &[("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")]).await;
        site.get("/europe/quiet-story", &[]).await;
    }
    assert_eq!(crate::views::flush(&site.state, jiff::Timestamp::now()).unwrap(), 4);
    site.state.cache.clear();
    let (_, home) = site.html("/").await;
    in_order(&home, &["<aside class=\"most-read\"", "Busy story", "Quiet story", "</aside>"]);
    let (_, section) = site.html("/europe").await;
    assert!(section.contains("Most read in Europe"));
    let ranked = crate::views::most_read(&site.state, Some("sport"), 5, jiff::Timestamp::now()).unwrap();
    assert!(ranked.is_empty());
}

#[tokio::test]
async fn date_archives_in_the_site_time_zone() {
    let site = TestSite::new().with_article("Main story", "EUROPE", 3);
    for (path, heading) in [
        ("/archive/2025", "Archive: 2025"),
        ("/archive/2025/09", "Archive: September 2025"),
        ("/archive/2025/09/10", "Archive: September 10, 2025"),
    ] {
        let (status, html) = site.html(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(&format!("<h1 class=\"section-title\">{heading}</h1>")), "{path}");
        assert!(html.contains("Main story"), "{path}");
        assert!(!html.contains("application/rss+xml"), "archives have no feeds");
    }
    for path in [
        "/archive/2025/09/11",
        "/archive/2024",
        "/archive/2025/13",
        "/archive/2025/02/30",
        "/archive/2025/9",
        "/archive/x",
        "/archive/2025/09/10/1",
    ] {
        assert_eq!(site.get(path, &[]).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // In Istanbul (UTC+3) a story published at 22:30 UTC belongs to the next day.
    let mut late = site.state.store.published_by_path("europe", "main-story").unwrap().unwrap();
    late.id = None;
    late.headline = "Late story".into();
    late.slug = Slug::from_title("Late story").unwrap();
    late.published_at = Some("2025-09-10T22:30:00Z".parse().unwrap());
    site.state.store.save_article(&late, None, "t", jiff::Timestamp::now()).unwrap();
    let mut istanbul = TestSite { dir: tempfile::tempdir().unwrap(), state: site.state.clone() };
    let config = SiteConfig { time_zone: jiff::tz::TimeZone::get("Europe/Istanbul").unwrap(), ..SiteConfig::default() };
    istanbul.state.site = Arc::new(config);
    istanbul.state.cache.clear();
    let (_, day11) = istanbul.html("/archive/2025/09/11").await;
    assert!(day11.contains(">Late story<") && !day11.contains(">Main story<"), "{day11}");
}

#[tokio::test]
async fn a_list_speaks_the_sites_language_and_its_lead_picture_is_fetched_first() {
    let site = TestSite::new();
    let pictured = |headline: &str, language: &str, published: &str| Article {
        language: language.into(),
        lead_image: Some(LeadImage {
            asset: Some(format!("{}.jpg", Slug::from_title(headline).unwrap().as_str())),
            alt: "A picture".into(),
            title: None,
            caption: None,
            credit: None,
            source_url: None,
            caption_marks: vec![],
        }),
        ..crate::test_support::article(headline, "Europe", published)
    };
    let store = &site.state.store;
    store
        .save_article(
            &pictured("Liman yeniden açıldı", "tr", "2025-11-15T10:00:00Z"),
            None,
            "t",
            jiff::Timestamp::now(),
        )
        .unwrap();
    store
        .save_article(
            &pictured("Le port rouvre ses portes", "fr", "2025-11-14T10:00:00Z"),
            None,
            "t",
            jiff::Timestamp::now(),
        )
        .unwrap();
    for path in ["/", "/europe"] {
        let (_, html) = site.html(path).await;
        assert!(html.contains("November 15, 2025") && html.contains("November 14, 2025"), "{path}: {html}");
        assert!(
            !html.contains("Kasım") && !html.contains("novembre"),
            "{path}: a story's language leaks into the chrome"
        );
        assert!(html.contains(r#"class="card-title" lang="tr""#), "{path}: the headline keeps its language");
    }
    let (_, home) = site.html("/").await;
    let lead = home.split(r#"class="card card-lead""#).nth(1).unwrap().split("</article>").next().unwrap();
    assert!(lead.contains(r#"fetchpriority="high""#) && !lead.contains("loading=\"lazy\""), "{lead}");
    let (_, page) = site.html("/europe/liman-yeniden-acildi").await;
    assert!(page.contains("15 Kasım 2025"), "a story's own page dates it in its language");
}

#[tokio::test]
async fn readers_never_see_the_preview_banner() {
    let site = TestSite::new().with_article("Harbour reopens", "Europe", 1);
    let (status, html) = site.html("/europe/harbour-reopens").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("preview-banner"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_for_one_page_wait_for_one_render() {
    let site = TestSite::new().with_article("Main story", "EUROPE", 3).with_article("Second story", "EUROPE", 4);
    let before = site.state.cache.renders();
    let asks = (0..24).map(|_| site.get("/europe/main-story", &[("accept-encoding", "br")]));
    let answers = futures_join_all(asks).await;
    assert!(answers.iter().all(|(s, _, _)| *s == StatusCode::OK));
    assert!(answers.windows(2).all(|w| w[0].2 == w[1].2), "every asker got the same page");
    assert_eq!(site.state.cache.renders() - before, 1, "24 concurrent misses, one render");
    // Cached now: no more renders; another page is a render of its own.
    site.get("/europe/main-story", &[]).await;
    site.get("/europe/second-story", &[]).await;
    assert_eq!(site.state.cache.renders() - before, 2);
    // After a clear, the next miss renders again (a page from before it is never handed out).
    site.state.cache.clear();
    site.get("/europe/main-story", &[]).await;
    assert_eq!(site.state.cache.renders() - before, 3);
}

/// Polls every future until all are done, in one task, so all of them start before any ends.
async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (f, out) in pending.iter_mut().zip(done.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    done.into_iter().map(|o| o.expect("every future finished")).collect()
}

#[tokio::test]
async fn a_story_with_a_slug_in_another_script_is_found_at_its_percent_encoded_address() {
    let site = TestSite::new().with_article("موسيقى دراسة ميناء", "EUROPE", 3);
    let slug = newsdesk_core::Slug::from_title("موسيقى دراسة ميناء").unwrap().to_string();
    assert!(!slug.is_ascii(), "the slug keeps its script: {slug}");
    let encoded: String = percent_encoding::utf8_percent_encode(&slug, percent_encoding::NON_ALPHANUMERIC).to_string();
    // As a browser asks for it.
    let (status, html) = site.html(&format!("/europe/{encoded}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("موسيقى دراسة ميناء"));
    // Not UTF-8 once decoded, or an encoded slash inside a segment: no such page.
    assert_eq!(site.html("/europe/%FF%FE").await.0, StatusCode::NOT_FOUND);
    assert_eq!(site.html(&format!("/europe%2F{encoded}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_miss_is_answered_compressed_fast_and_a_page_read_often_is_made_small_in_the_background() {
    let site = TestSite::new().with_article("Main story", "EUROPE", 3);
    let gz = [("accept-encoding", "gzip")];
    let (_, first, fast_body) = site.get("/europe/main-story", &gz).await;
    let fast_tag = first[header::ETAG].to_str().unwrap().to_string();
    assert!(fast_tag.ends_with("-gz1\""), "the first answer is compressed fast: {fast_tag}");
    // A few more reads are served as they are, and start nothing (an archive page read once or
    // twice is not worth the best compression).
    for _ in 1..crate::cache::UPGRADE_AFTER {
        let (_, again, _) = site.get("/europe/main-story", &gz).await;
        assert_eq!(again[header::ETAG].to_str().unwrap(), fast_tag);
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (_, still, _) = site.get("/europe/main-story", &gz).await;
    assert_eq!(still[header::ETAG].to_str().unwrap(), fast_tag, "not upgraded before its reads were counted");
    let mut best = None;
    for _ in 0..100 {
        let (_, h, body) = site.get("/europe/main-story", &gz).await;
        if h[header::ETAG].to_str().unwrap().ends_with("-gz\"") {
            best = Some(body);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let best = best.expect("the best variant is swapped in");
    assert!(best.len() < fast_body.len(), "smaller: {} < {}", best.len(), fast_body.len());
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&best[..]).read_to_string(&mut plain).unwrap();
    assert!(plain.contains("Main story"));
    assert_eq!(site.state.cache.len(), 1, "the same page, replaced in place");
}

#[tokio::test]
async fn a_lead_pictures_caption_carries_its_links_and_emphasis() {
    let site = TestSite::new();
    let mut story = crate::test_support::pictured("Captioned story", "EUROPE", "harbour.jpg");
    if let Some(img) = story.lead_image.as_mut() {
        img.caption = Some("Cranes at the harbour <dawn>".into());
        img.caption_marks = vec![
            newsdesk_core::Mark::link(10, 21, "/europe/harbour"),
            newsdesk_core::Mark::new(newsdesk_core::MarkKind::Em, 22, 28),
        ];
    }
    site.state.store.save_article(&story, None, "test", jiff::Timestamp::now()).unwrap();
    let (status, html) = site.html("/europe/captioned-story").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "<span class=\"caption\">Cranes at <a href=\"/europe/harbour\">the harbour</a> <em>&lt;dawn&gt;</em></span>"
        ),
        "{html}"
    );
}

#[tokio::test]
async fn a_node_is_ready_once_its_page_cache_follows_the_log() {
    let site = TestSite::new();
    let (status, headers, body) = site.get("/readyz", &[]).await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, v["ready"].as_bool()), (StatusCode::SERVICE_UNAVAILABLE, Some(false)), "{v}");
    assert!(v["page_cache_lag"].is_null(), "the follower has not stepped yet: {v}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    site.state.catch_up().await;
    let (status, _, body) = site.get("/readyz", &[]).await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, v["page_cache_lag"].as_i64(), v["database"].as_str()),
        (StatusCode::OK, Some(0), Some("ok")),
        "{v}"
    );
}
