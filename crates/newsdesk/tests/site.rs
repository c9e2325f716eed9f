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
            // The demo carries no story alike enough to this one (it used to be shown handball
            // and hurling stories), so the slot shows its section's stories from before it,
            // labelled so.
            "<h2 id=\"recommended-title\">More in Europe</h2>",
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
    assert!(src.starts_with("/media/") && src.ends_with(".jpg"), "{src}");
    let res = ureq::get(&format!("{}{src}", server.url)).call().unwrap();
    assert_eq!(res.header("content-type"), Some("image/jpeg"));

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

/// Every page path a site's sitemaps list (the index, then each sitemap it names).
fn sitemap_paths(site: &Server, base: &str) -> Vec<String> {
    let locs = |xml: &str| -> Vec<String> {
        xml.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).map(|u| u.replacen(base, "", 1)).collect()
    };
    let (status, index) = site.get("/sitemap.xml");
    assert_eq!(status, 200);
    let mut paths = vec!["/sitemap.xml".to_string()];
    for map in locs(&index) {
        let (_, xml) = site.get(&map);
        paths.push(map);
        paths.extend(locs(&xml));
    }
    paths
}

#[test]
fn a_site_copied_to_postgresql_backed_up_restored_and_copied_back_serves_the_same_pages() {
    let test = "newsdesk::a_site_copied_to_postgresql_backed_up_restored_and_copied_back_serves_the_same_pages";
    let Ok(admin) = std::env::var("NEWSDESK_TEST_POSTGRES_URL") else {
        shared::skip::<()>(test, "no PostgreSQL server (NEWSDESK_TEST_POSTGRES_URL is unset; scripts/test starts one)");
        return;
    };
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let dbs = [format!("copy_{}", std::process::id()), format!("restored_{}", std::process::id())];
    for db in &dbs {
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    }
    let server = admin.rsplit_once('/').unwrap().0;
    let (pg, restored) = (format!("{server}/{}", dbs[0]), format!("{server}/{}", dbs[1]));

    let dir = tempfile::tempdir().unwrap();
    let (first, back) = (dir.path().join("first"), dir.path().join("back"));
    let base = "https://news.example";
    let env = [("NEWSDESK_SITE_URL", base)];
    assert!(Server::start_with("demo", &first, &env).stop().success());
    let dump = dir.path().join("site.pgdump");
    let copy = |from: &str, to: &str| {
        let out = newsdesk(&first, &["copy", "--from", from, "--to", to]);
        let table = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{table}{}", String::from_utf8_lossy(&out.stderr));
        let articles =
            table.lines().find(|l| l.starts_with("articles ")).unwrap().split_whitespace().collect::<Vec<_>>();
        assert_eq!((articles[1], articles[2]), (articles[3], articles[4]), "rows and checksum match: {table}");
        assert!(!table.contains("DIFFERENT"));
    };
    // SQLite to PostgreSQL; pg_dump of that; pg_restore into another database; back to SQLite.
    copy(first.to_str().unwrap(), &pg);
    let out = newsdesk(&first, &["--database-url", &pg, "backup", "--to", dump.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = newsdesk(&first, &["--database-url", &restored, "restore", "--from", dump.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = newsdesk(&first, &["--database-url", &pg, "restore", "--from", dump.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success() && said.contains("restore into an empty database"), "{said}");
    copy(&restored, back.to_str().unwrap());
    // What does not run on PostgreSQL yet says so, and does nothing.
    let out = newsdesk(&first, &["--database-url", &pg, "reindex"]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.code() == Some(2) && said.contains("SQLite only so far"), "{said}");
    // Into a database that is not empty: refused, nothing written.
    let out = newsdesk(&first, &["copy", "--from", first.to_str().unwrap(), "--to", &pg]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("is not empty"));

    // The site that went to PostgreSQL and back serves every page of its sitemaps, byte for byte.
    // The copy has no search index yet; each site builds its own from its database, and
    // Recommended lists follow, so both start from none and are compared once they have settled.
    for index in ["search-index", "search-newsroom"] {
        let _ = std::fs::remove_dir_all(first.join(index));
    }
    let (a, b) = (Server::start_with("serve", &first, &env), Server::start_with("serve", &back, &env));
    let deadline = Instant::now() + Duration::from_secs(30);
    while a.get("/readyz").0 != 200 || b.get("/readyz").0 != 200 {
        assert!(Instant::now() < deadline, "never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let paths = sitemap_paths(&a, base);
    assert!(paths.len() > 40, "{paths:?}");
    for path in &paths {
        let settle = Instant::now() + Duration::from_secs(20);
        while a.get(path) != b.get(path) && Instant::now() < settle {
            std::thread::sleep(Duration::from_millis(200));
        }
        assert_eq!(a.get(path), b.get(path), "{path}");
    }
    drop((a, b));
    for db in &dbs {
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    }
}

#[test]
fn pictures_kept_in_an_s3_store_by_one_node_are_served_by_another() {
    let test = "newsdesk::pictures_kept_in_an_s3_store_by_one_node_are_served_by_another";
    let (Ok(endpoint), Ok(bucket)) =
        (std::env::var("NEWSDESK_TEST_S3_ENDPOINT"), std::env::var("NEWSDESK_TEST_S3_BUCKET"))
    else {
        shared::skip::<()>(test, "no S3 server (NEWSDESK_TEST_S3_ENDPOINT is unset; scripts/test starts one)");
        return;
    };
    let media_url = format!("s3://{bucket}/e2e-{}", std::process::id());
    let env = [
        ("NEWSDESK_MEDIA_URL", media_url.as_str()),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let a = Server::start_with("demo", &dir.path().join("a"), &env);
    let (_, home) = a.get("/");
    let file = home.split("src=\"/media/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(!dir.path().join("a/media").exists(), "nothing is kept in the data directory");
    // Another node with its own (empty) database and the same media store serves the file.
    let b = Server::start_with("serve", &dir.path().join("b"), &env);
    let from_a = ureq::get(&format!("{}/media/{file}", a.url)).call().unwrap();
    let from_b = ureq::get(&format!("{}/media/{file}", b.url)).call().unwrap();
    assert_eq!(from_b.header("content-type"), Some("image/jpeg"));
    let read = |r: ureq::Response| {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut v).unwrap();
        v
    };
    let (bytes_a, bytes_b) = (read(from_a), read(from_b));
    assert!(bytes_b.len() > 1000 && bytes_a == bytes_b);
    assert_eq!(b.get("/media/0000.jpg").0, 404);
    drop((a, b));

    // A bucket that is not there: the server says so in one line and does not start.
    let out = std::process::Command::new(common::BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("c"))
        .envs(env.iter().copied())
        .env("NEWSDESK_MEDIA_URL", "s3://no-such-bucket/x")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success() && said.contains("no-such-bucket") && said.contains("404"), "{said}");
}

#[test]
fn metrics_count_requests_by_route_and_the_page_cache_only_when_asked_for() {
    let site = Server::demo_with(&[("NEWSDESK_METRICS", "true")]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while site.get("/readyz").0 != 200 {
        assert!(Instant::now() < deadline, "never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    let paths = site.article_paths();
    for _ in 0..3 {
        assert_eq!(site.get(&paths[0]).0, 200);
    }
    assert_eq!(site.get("/no-such-section/no-such-story").0, 404);
    let (status, text) = site.get("/metrics");
    assert_eq!(status, 200);
    for needle in [
        "newsdesk_http_requests_total{route=\"/{section}/{slug}\",status=\"200\"}",
        "newsdesk_http_requests_total{route=\"(page cache)\",status=\"200\"}",
        "newsdesk_http_requests_total{route=\"/{section}/{slug}\",status=\"404\"} 1",
        "newsdesk_http_request_duration_seconds_bucket{le=",
        "newsdesk_page_cache_hits_total ",
        "newsdesk_page_cache_event_lag ",
        "newsdesk_search_index_event_lag ",
        "# EOF",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
    drop(site);
    let plain = Server::demo();
    assert_eq!(plain.get("/metrics").0, 404, "off unless asked for");
}

#[test]
fn a_backup_of_the_running_site_restores_elsewhere_and_bad_backups_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let site = Server::start("demo", &data);
    // Ready for readers once the page cache and the search index have caught up with the log.
    let deadline = Instant::now() + Duration::from_secs(20);
    while site.get("/readyz").0 != 200 {
        assert!(Instant::now() < deadline, "never ready: {}", site.get("/readyz").1);
        std::thread::sleep(Duration::from_millis(100));
    }
    let ready: serde_json::Value = serde_json::from_str(&site.get("/readyz").1).unwrap();
    eprintln!("ready after {:?}: {ready}", Instant::now() - (deadline - Duration::from_secs(20)));
    assert!(ready["search_index_lag"].as_i64().is_some_and(|l| l <= 100), "{ready}");
    let paths = site.article_paths();
    let file = dir.path().join("site.backup");
    let out = newsdesk(&data, &["backup", "--to", file.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success() && said.starts_with("backed up 44 articles, "), "{said}");
    let again = newsdesk(&data, &["backup", "--to", file.to_str().unwrap()]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let out = newsdesk(&data, &["restore", "--from", file.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success() && said.contains("stop the server"), "a running site is not restored under: {said}");
    assert!(site.stop().success());

    // Restored into another data directory, the backup serves the same site.
    let elsewhere = dir.path().join("elsewhere");
    let out = newsdesk(&elsewhere, &["restore", "--from", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let restored = Server::start("serve", &elsewhere);
    assert_eq!(restored.article_paths(), paths);
    assert_eq!(restored.get(&paths[0]).0, 200);
    // Its search indexes were thrown away with the old database and are rebuilt from this one.
    let word = paths[0].rsplit('/').next().unwrap().split('-').max_by_key(|w| w.len()).unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !restored.get(&format!("/search?q={word}")).1.contains(&format!("href=\"{}\"", paths[0])) {
        assert!(Instant::now() < deadline, "{} never found by searching {word}", paths[0]);
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(restored);

    // Something that is not a backup: a clear line, a non-zero exit, nothing changed.
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, "not a database").unwrap();
    let before = std::fs::read(data.join("newsdesk.db")).unwrap();
    let out = newsdesk(&data, &["restore", "--from", junk.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success() && said.contains("nothing was changed") && said.contains("junk.backup"), "{said}");
    assert_eq!(std::fs::read(data.join("newsdesk.db")).unwrap(), before);
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

/// Reads until the server closes the connection, or `wait` passes: whether it closed.
fn closed_within(s: &std::net::TcpStream, wait: Duration) -> bool {
    use std::io::Read;
    let mut reader = s;
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        s.set_read_timeout(Some(left)).unwrap();
        match reader.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

/// A connection from `source` (another loopback address: a second client on this machine).
fn connect_from(source: &str, to: std::net::SocketAddr) -> std::net::TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    let s = rt.block_on(async {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind(format!("{source}:0").parse().unwrap()).unwrap();
        sock.connect(to).await.unwrap()
    });
    let s = s.into_std().unwrap();
    s.set_nonblocking(false).unwrap();
    s
}

/// Slowloris from one address (127.0.0.2): a hundred connections that each send part of a
/// request line and stop. The address gets its share of connections and no more, the site goes
/// on answering others at once, and every slow connection is closed once the header read
/// timeout has passed.
#[test]
fn slow_clients_are_closed_and_one_address_cannot_hold_every_connection() {
    use std::io::Write;
    let server = Server::demo();
    let addr: std::net::SocketAddr = server.url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
    let started = Instant::now();
    let slow: Vec<std::net::TcpStream> = (0..100)
        .map(|_| {
            let mut s = connect_from("127.0.0.2", addr);
            let _ = s.write_all(b"GET / HT");
            s
        })
        .collect();
    let refused = slow.iter().filter(|s| closed_within(s, Duration::from_millis(30))).count();
    assert_eq!(refused, 100 - newsdesk_web::MAX_CONNECTIONS_PER_ADDRESS, "connections past the cap are closed at once");
    // Everyone else is answered at once meanwhile.
    for _ in 0..5 {
        let t0 = Instant::now();
        let (status, _) = server.get("/");
        assert_eq!(status, 200);
        assert!(t0.elapsed() < Duration::from_secs(1), "a normal request took {:?}", t0.elapsed());
    }
    // Trickling one header line now and then does not keep a connection open either.
    let mut trickle = std::net::TcpStream::connect(addr).unwrap();
    trickle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_secs(2));
        let _ = trickle.write_all(b"X-Slow: 1\r\n");
    }
    let limit = newsdesk_web::HEADER_READ_TIMEOUT + Duration::from_secs(3);
    let open = slow
        .iter()
        .filter(|s| !closed_within(s, limit.saturating_sub(started.elapsed()).max(Duration::from_millis(10))))
        .count();
    assert_eq!(open, 0, "slow connections still open after {:?}", started.elapsed());
    assert!(closed_within(&trickle, Duration::from_secs(6)), "a trickling client is closed");
}

/// The security headers are on every answer, a page from the cache as much as a fresh render
/// (a cache hit is answered before the router and its layers).
#[test]
fn cached_and_fresh_pages_carry_the_same_security_headers() {
    let server = Server::demo();
    let path = server.article_paths().into_iter().next().unwrap();
    let headers = |p: &str| {
        let r = ureq::get(&format!("{}{p}", server.url)).call().unwrap();
        ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"]
            .map(|h| r.header(h).unwrap_or("").to_string())
    };
    for p in ["/", path.as_str(), "/feed.xml"] {
        let fresh = headers(p);
        let cached = headers(p);
        assert_eq!(fresh, cached, "{p}: a cache hit answers with the same headers");
        assert!(cached[1] == "SAMEORIGIN" && cached[2] == "nosniff" && !cached[3].is_empty(), "{p}: {cached:?}");
        assert_eq!(cached[0].is_empty(), p.ends_with(".xml"), "{p}: CSP on HTML: {cached:?}");
    }
}

/// The demo's cover pictures are JPEGs like any upload: the rendition job makes their
/// renditions and the front page then offers them in `<picture>`s.
#[test]
fn the_demos_pictures_go_through_the_renditions() {
    let server = Server::demo_with(&[("NEWSDESK_NO_RENDITIONS", "false")]);
    let t0 = std::time::Instant::now();
    loop {
        let (_, home) = server.get("/");
        let sources = home.matches("<source type=\"image/webp\" srcset=\"/media/r/").count();
        if sources > 0 {
            let first = if newsdesk_ingest::image::renditions::AVIF { "image/avif" } else { "image/webp" };
            assert!(home.contains(&format!("<picture><source type=\"{first}\"")), "the best format first");
            break;
        }
        assert!(t0.elapsed() < std::time::Duration::from_secs(180), "no rendition reached the front page");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}
