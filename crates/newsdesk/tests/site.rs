//! The real binary, end to end: the demo site, the seed imported by another process while it
//! runs, every element of the article page in order, and the outside HTML checker.

mod common;

use std::time::{Duration, Instant};

use common::{Server, in_order, newsdesk, shared};

const SEED_PATH: &str =
    "/europe/nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks";

#[test]
fn the_seed_imported_while_the_site_runs_shows_every_element_in_order() {
    let Some(dir) = shared::require_shared("newsdesk::seed_end_to_end") else { return };
    let server = Server::demo();
    assert_eq!(server.get(SEED_PATH).0, 404);

    // Another process writes to the same data directory; the site must notice within a second.
    let out = newsdesk(&server.data, &["import", common::seed_path(&dir).to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t0 = Instant::now();
    let html = loop {
        let (status, html) = server.get(SEED_PATH);
        if status == 200 {
            break html;
        }
        assert!(t0.elapsed() < Duration::from_secs(1), "the imported article did not show within a second");
        std::thread::sleep(Duration::from_millis(25));
    };

    in_order(
        &html,
        &[
            "<article class=\"story\">",
            "<p class=\"kicker\"><a href=\"/europe\">Europe</a> <time datetime=\"2025-09-10T00:00:00Z\">September 10, 2025</time></p>",
            "<p class=\"reading-time\">1 min read</p>",
            "<h1 class=\"headline\">NATO chief, UK prime minister vow stronger military backing for Ukraine after London talks</h1>",
            "<p class=\"deck\">The Downing Street talks also touched on regional security, with Starmer condemning the Israeli attack on Doha and urging de-escalation.</p>",
            "<figure class=\"lead-image is-placeholder\">",
            "<figcaption><span class=\"caption\">Rutte praised the UK&#39;s commitment to raising defence spending and its leading role.</span> <span class=\"credit\">AA</span></figcaption>",
            "</figure>",
            "<p class=\"dateline\"><time datetime=\"2025-09-10T00:00:00Z\">September 10, 2025</time>",
            "<p>UK Prime Minister Keir Starmer hosted NATO Secretary General Mark Rutte",
            "<p>According to Downing Street,",
            "<p>Regarding Ukraine,",
            "<p>Rutte briefed Starmer",
            "<p>They also agreed on the need to increase pressure on Russia,",
            "<aside class=\"recommended\"",
            "<h2 id=\"recommended-title\">Recommended</h2>",
            "<li><a href=\"/",
            "<p>Earlier in the day, Rutte also held separate meetings",
            "<p>Rutte praised the UK&#39;s commitment to raising defence spending and its leading role, alongside France,",
            "<aside class=\"related\"",
            "<span class=\"related-publication\">TRT World</span> - <span class=\"related-headline\">NATO chief Rutte calls Erdogan to discuss Ukraine peace efforts, regional security</span>",
            "<p class=\"source\">SOURCE: <span class=\"source-name\">AA</span></p>",
            "</article>",
            "<nav class=\"explore\" aria-labelledby=\"explore-title\">",
            "<h2 id=\"explore-title\">Explore</h2>",
        ],
    );
    let explore = &html[html.find("<nav class=\"explore\"").unwrap()..];
    let links = explore.matches("<li><a href=").count();
    assert!(links >= 6, "Explore lists other headlines ({links})");
    assert!(!explore.contains("NATO chief, UK prime minister"), "never the article itself");
    let sections: std::collections::HashSet<&str> =
        explore.split("class=\"explore-section\">").skip(1).filter_map(|s| s.split('<').next()).collect();
    assert!(sections.len() >= 3, "Explore is not all from one section: {sections:?}");
    no_outside_requests(&html, &server.url);
    assert!(server.stop().success(), "graceful shutdown exits 0");
}

/// Every src/href on the page stays on this site (relative, or the site's own absolute URL).
fn no_outside_requests(html: &str, site: &str) {
    for attr in ["src=\"", "href=\""] {
        for v in html.split(attr).skip(1).filter_map(|s| s.split('"').next()) {
            let own = v.strip_prefix(site).is_some_and(|rest| rest.starts_with('/'));
            assert!(v.starts_with('/') || v.starts_with('#') || own, "{attr}{v}\" points off the site");
        }
    }
}

#[test]
fn the_demo_has_a_real_newsroom_and_answers_http_properly() {
    let server = Server::demo();
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    let paths = server.article_paths();
    assert!(paths.len() >= 20, "home links {} articles", paths.len());
    let sections = home.matches("<li><a href=\"/").count();
    assert!(sections >= 6, "{sections} sections in the navigation");
    no_outside_requests(&home, &server.url);

    let url = format!("{}{}", server.url, paths[0]);
    let res = ureq::get(&url).set("Accept-Encoding", "br").call().unwrap();
    assert_eq!(res.header("content-encoding"), Some("br"));
    let etag = res.header("etag").unwrap().to_string();
    assert!(res.header("cache-control").unwrap().contains("max-age"));
    let res = ureq::get(&url).set("Accept-Encoding", "br").set("If-None-Match", &etag).call().unwrap();
    assert_eq!(res.status(), 304);
    let res = ureq::get(&url).set("Accept-Encoding", "gzip").call().unwrap();
    assert_eq!(res.header("content-encoding"), Some("gzip"));

    // Every article's lead image is a picture the project drew, served from the media store.
    let (_, article) = server.get(&paths[0]);
    let img = article.split("<figure class=\"lead-image\">").nth(1).unwrap();
    let src = img.split("src=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(src.starts_with("/media/") && src.ends_with(".svg"), "{src}");
    let res = ureq::get(&format!("{}{src}", server.url)).call().unwrap();
    assert_eq!(res.header("content-type"), Some("image/svg+xml"));

    // A request body over the limit is refused, not read: an error status, or the connection
    // closed before the client finished sending.
    let big = vec![b'x'; newsdesk_web_limit() + 1];
    match ureq::post(&format!("{}/", server.url)).send_bytes(&big) {
        Err(ureq::Error::Status(code, _)) => assert!(code == 413 || code == 405, "{code}"),
        Err(ureq::Error::Transport(_)) => {}
        Ok(r) => panic!("oversized body accepted with {}", r.status()),
    }
    assert_eq!(server.get("/no/such/page/here").0, 404);
}

fn newsdesk_web_limit() -> usize {
    1024 * 1024
}

#[test]
fn a_restarted_site_keeps_its_articles_and_does_not_reload_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = Server::start("demo", &data);
    let paths = first.article_paths();
    assert!(first.stop().success());
    let second = Server::start("serve", &data);
    assert_eq!(second.article_paths(), paths);
    assert_eq!(second.get(&paths[0]).0, 200);
}

#[test]
fn the_nu_html_checker_finds_no_errors() {
    let Some(vnu) = common::find_tool("vnu") else {
        shared::skip::<()>("newsdesk::the_nu_html_checker_finds_no_errors", "vnu (Nu Html Checker) is not installed");
        return;
    };
    let server = Server::demo();
    let pages = {
        let paths = server.article_paths();
        let section = paths[0].split('/').nth(1).unwrap().to_string();
        vec![
            "/".to_string(),
            format!("/{section}"),
            paths[0].clone(),
            paths[3].clone(),
            "/missing".to_string(),
            "/search?q=ferry".to_string(),
            "/search?q=fery".to_string(),
        ]
    };
    let out_dir = tempfile::tempdir().unwrap();
    let mut files = vec![];
    for (i, p) in pages.iter().enumerate() {
        let (_, html) = server.get(p);
        let f = out_dir.path().join(format!("page{i}.html"));
        std::fs::write(&f, html).unwrap();
        files.push(f);
    }
    let out = std::process::Command::new(vnu).arg("--errors-only").args(&files).output().unwrap();
    assert!(
        out.status.success(),
        "Nu Html Checker errors on {pages:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
