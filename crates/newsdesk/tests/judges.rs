//! Outside judges on what the demo site publishes: feedparser and xmllint on RSS and Atom, the
//! JSON Feed 1.1 schema on JSON feeds, xmllint with the sitemaps.org and Google XSDs on every
//! sitemap, extruct + pyld (`newsarticle-check`) on article JSON-LD and OpenGraph — plus our own
//! checks of what those judges are lenient about.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::{Server, find_tool, judge, newsdesk, shared};

struct Judges {
    shared: PathBuf,
    feed_wellformed: PathBuf,
    jsonfeed_check: PathBuf,
    newsarticle_check: PathBuf,
    xmllint: PathBuf,
}

fn judges(test: &str) -> Option<Judges> {
    let shared = shared::require_shared(test)?;
    let tools = ["feed-wellformed", "jsonfeed-check", "newsarticle-check", "xmllint"].map(find_tool);
    match tools {
        [Some(feed_wellformed), Some(jsonfeed_check), Some(newsarticle_check), Some(xmllint)] => {
            Some(Judges { shared, feed_wellformed, jsonfeed_check, newsarticle_check, xmllint })
        }
        _ => shared::skip(test, "the outside validators are not installed (../shared/tools/install-validators.sh)"),
    }
}

fn save(dir: &Path, name: &str, body: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, body).unwrap();
    f
}

/// A demo site with the seed and one story dated today (for the news sitemap).
fn site(shared: &Path) -> Server {
    let server = Server::demo();
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let display = jiff::Timestamp::now().strftime("%B %-d, %Y").to_string();
    let fresh = server.data.join("fresh.txt");
    std::fs::write(
        &fresh,
        format!(
            "date {today} EUROPE\n1 min read\nA story from today & tonight\nIts deck.\n{display}\n\nBody <b>text</b>.\n"
        ),
    )
    .unwrap();
    let out = newsdesk(&server.data, &["import", common::seed_path(shared).to_str().unwrap(), fresh.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t0 = std::time::Instant::now();
    while server.get("/europe/a-story-from-today-tonight").0 != 200 {
        assert!(t0.elapsed().as_secs() < 2, "imported stories did not appear");
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    server
}

#[test]
fn feeds_pass_feedparser_xmllint_and_the_json_feed_schema() {
    let Some(j) = judges("newsdesk::feeds_judged") else { return };
    let server = site(&j.shared);
    let dir = tempfile::tempdir().unwrap();
    let mut xml_files = vec![];
    let mut json_files = vec![];
    for base in ["", "/europe", "/tag/economy", "/author/mira-okonkwo"] {
        let stem = if base.is_empty() { "home".to_string() } else { base.replace('/', "_") };
        for file in ["feed.xml", "atom.xml", "feed.json"] {
            let (status, body) = server.get(&format!("{base}/{file}"));
            assert_eq!(status, 200, "{base}/{file}");
            let saved = save(dir.path(), &format!("{stem}-{file}"), &body);
            if file.ends_with(".json") {
                check_json_feed(&body, &server.url);
                json_files.push(saved);
            } else {
                check_xml_feed(&body, file == "atom.xml");
                xml_files.push(saved);
            }
        }
        let (_, page) = server.get(if base.is_empty() { "/" } else { base });
        assert!(page.contains("<link rel=\"alternate\" type=\"application/rss+xml\""), "{base} advertises its feeds");
        assert!(page.contains(&format!("href=\"{base}/atom.xml\"")), "{base} advertises its Atom feed");
    }
    let xml: Vec<&OsStr> = xml_files.iter().map(|p| p.as_os_str()).collect();
    judge(&j.feed_wellformed, &xml);
    let mut lint = vec![OsStr::new("--noout"), OsStr::new("--nonet")];
    lint.extend(&xml);
    judge(&j.xmllint, &lint);
    let schema = j.shared.join("testdata/feeds/schema");
    let mut args = vec![schema.as_os_str()];
    args.extend(json_files.iter().map(|p| p.as_os_str()));
    judge(&j.jsonfeed_check, &args);
}

/// What feedparser does not check: every item has a guid/id, a title, a link and a date in the
/// format its format requires.
fn check_xml_feed(body: &str, atom: bool) {
    let (open, close) = if atom { ("<entry>", "</entry>") } else { ("<item>", "</item>") };
    let items: Vec<&str> = body.split(open).skip(1).map(|s| s.split(close).next().unwrap()).collect();
    assert!(!items.is_empty());
    for item in items {
        let field = |tag: &str| -> String {
            let start = item.find(&format!("<{tag}")).unwrap_or_else(|| panic!("<{tag}> missing in {item}"));
            let rest = &item[start..];
            rest[rest.find('>').unwrap() + 1..rest.find(&format!("</{tag}>")).unwrap()].to_string()
        };
        assert!(!field("title").is_empty());
        if atom {
            assert!(field("id").starts_with("http://127.0.0.1:"));
            for tag in ["published", "updated"] {
                field(tag).parse::<jiff::Timestamp>().unwrap_or_else(|e| panic!("{tag}: {e}"));
            }
        } else {
            assert_eq!(field("guid"), field("link"));
            let date = field("pubDate");
            jiff::fmt::rfc2822::parse(&date).unwrap_or_else(|e| panic!("pubDate {date:?}: {e}"));
        }
    }
}

fn check_json_feed(body: &str, site: &str) {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    for item in v["items"].as_array().unwrap() {
        assert!(item["id"].as_str().unwrap().starts_with(site));
        item["date_published"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
        assert!(item["content_html"].is_string() || item["content_text"].is_string());
    }
}

#[test]
fn sitemaps_validate_against_the_xsds() {
    let Some(j) = judges("newsdesk::sitemaps_judged") else { return };
    let server = site(&j.shared);
    let dir = tempfile::tempdir().unwrap();
    let schemas = j.shared.join("testdata/sitemaps/schema");
    let (status, index) = server.get("/sitemap.xml");
    assert_eq!(status, 200);
    let f = save(dir.path(), "index.xml", &index);
    xsd_valid(&j.xmllint, &schemas.join("siteindex.xsd"), &f);
    let locs: Vec<&str> = index.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap()).collect();
    assert!(locs.iter().any(|l| l.ends_with("/sitemaps/news.xml")), "{index}");
    let mut article_urls = 0;
    for loc in locs {
        let path = loc.strip_prefix(&server.url).unwrap_or_else(|| panic!("{loc} is not on the site's own host"));
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}");
        let f = save(dir.path(), &path.replace('/', "_"), &body);
        xsd_valid(&j.xmllint, &schemas.join("sitemap-with-news.xsd"), &f);
        let urls = body.matches("<url>").count();
        assert!(urls <= 50_000);
        for l in body.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap()) {
            assert!(l.starts_with(&server.url), "absolute URL on the site's host: {l}");
        }
        if path.starts_with("/sitemaps/articles-") {
            article_urls += urls;
            assert!(body.contains("<image:image><image:loc>"), "article sitemaps carry images");
        }
        if path == "/sitemaps/news.xml" {
            assert!(urls <= 1000);
            assert!(body.contains("a-story-from-today-tonight"));
            assert!(!body.contains("nato-chief"), "the news sitemap holds only the last 48 hours");
            let two_days_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(48);
            for d in body.split("<news:publication_date>").skip(1).map(|s| s.split('<').next().unwrap()) {
                assert!(d.parse::<jiff::Timestamp>().unwrap() >= two_days_ago, "{d}");
            }
            assert!(body.contains("<news:title>A story from today &amp; tonight</news:title>"));
        }
    }
    assert_eq!(article_urls, 44, "42 demo stories, the seed and today's story");
    let (_, robots) = server.get("/robots.txt");
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", server.url)));
}

#[test]
fn article_structured_data_passes_newsarticle_check() {
    let Some(j) = judges("newsdesk::jsonld_judged") else { return };
    let server = site(&j.shared);
    let dir = tempfile::tempdir().unwrap();
    let seed = "/europe/nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks";
    let demo =
        server.article_paths().into_iter().find(|p| !p.contains("nato-chief") && !p.contains("from-today")).unwrap();
    let mut files = vec![];
    for path in [seed, demo.as_str()] {
        let (_, html) = server.get(path);
        let ld = html.split("<script type=\"application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
        let v: serde_json::Value = serde_json::from_str(ld).unwrap();
        let graph = v["@graph"].as_array().unwrap();
        let article = graph.iter().find(|n| n["@type"] == "NewsArticle").unwrap();
        assert_eq!(article["url"], format!("{}{path}", server.url));
        assert!(article["wordCount"].as_u64().unwrap() > 50);
        assert_eq!(article["isAccessibleForFree"], true);
        assert!(article["articleSection"].is_string());
        assert!(graph.iter().any(|n| n["@type"] == "BreadcrumbList"));
        let publisher = graph.iter().find(|n| n["@type"] == "NewsMediaOrganization").unwrap();
        let logo = publisher["logo"]["url"].as_str().unwrap().strip_prefix(&server.url).unwrap();
        assert_eq!(server.get(logo).0, 200, "the publisher logo is served");
        files.push(save(dir.path(), &format!("{}.html", files.len()), &html));
    }
    let args: Vec<&OsStr> = files.iter().map(|p| p.as_os_str()).collect();
    judge(&j.newsarticle_check, &args);
    let (_, home) = server.get("/");
    assert!(home.contains("\"@type\":\"WebSite\""));
}

#[test]
fn the_content_and_admin_apis_pass_openapi_spec_validator_and_schemathesis() {
    let test = "newsdesk::content_api_judged";
    let Some(_) = judges(test) else { return };
    let (Some(spec_validator), Some(schemathesis)) = (find_tool("openapi-spec-validator"), find_tool("schemathesis"))
    else {
        shared::skip::<()>(test, "openapi-spec-validator or schemathesis is not installed");
        return;
    };
    // A budget large enough that schemathesis measures the API, not the rate limit.
    let server = Server::demo_with(&[("NEWSDESK_API_RATE", "1000000")]);
    let out = newsdesk(&server.data, &["api-key", "add", "schemathesis"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(key.starts_with("nd_") && key.len() == 67, "{key}");

    let dir = tempfile::tempdir().unwrap();
    let (status, doc) = server.get("/api/openapi.json");
    assert_eq!(status, 200);
    let spec = save(dir.path(), "openapi.json", &doc);
    judge(&spec_validator, &[spec.as_os_str()]);

    let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance";
    let report = run_schemathesis(
        &schemathesis,
        &spec,
        &server.url,
        &key,
        &[
            "--exclude-tag",
            "admin",
            "-n",
            "30",
            "--max-time",
            "45",
            "--phases",
            "examples,coverage,fuzzing",
            "--checks",
            checks,
        ],
    );
    // Exit 0 (checked by `judge`) means no check failed; also refuse warnings that the schema
    // and the API disagree about what is valid.
    assert!(report.contains(" passed") && !report.to_lowercase().contains("failures"), "{report}");
    assert!(!report.contains("Schema validation mismatch"), "{report}");

    // The push endpoint again, with a key that may push: fuzzed documents are stored or refused
    // with a problem, never a server error.
    let out = newsdesk(&server.data, &["api-key", "add", "agency", "--scope", "ingest"]);
    let ingest_key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";
    let extra = ["--include-operation-id", "ingest", "-n", "30", "--max-time", "20", "--checks", checks];
    run_schemathesis(&schemathesis, &spec, &server.url, &ingest_key, &extra);

    // The Admin API with an editor's token: stories created, changed, moved through the
    // workflow and pictures uploaded from fuzzed input, never a server error or a schema breach.
    let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example", "--name", "schemathesis"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("nda_"), "{token}");
    let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance";
    let extra = [
        "--include-tag",
        "admin",
        "-n",
        "30",
        "--max-time",
        "45",
        "--phases",
        "examples,coverage,fuzzing",
        "--checks",
        checks,
    ];
    let report = run_schemathesis(&schemathesis, &spec, &server.url, &token, &extra);
    // No check may fail (the exit status says so). Unlike the Content API, a schema mismatch
    // warning is not refused here: whether a story id exists and whether a picture is in the
    // media library depend on what is stored, which no schema can say, so in some runs most of
    // the generated updates are (rightly) answered 404 or 422.
    assert!(report.contains(" passed"), "{report}");
}

#[test]
fn sqlmap_finds_no_injection_in_the_content_api() {
    let test = "newsdesk::sqlmap_content_api";
    let Some(sqlmap) = find_tool("sqlmap") else {
        shared::skip::<()>(test, "sqlmap (Debian package) is not installed");
        return;
    };
    let server = Server::demo_with(&[("NEWSDESK_API_RATE", "1000000")]);
    let out = newsdesk(&server.data, &["api-key", "add", "sqlmap"]);
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let header = format!("Authorization: Bearer {key}");
    let targets = [
        (
            format!(
                "{}/api/v1/articles?section=europe&tag=economy&author=mira-okonkwo&updated_since=2020-01-01T00:00:00Z&limit=5&fields=headline",
                server.url
            ),
            "section,tag,author,updated_since,limit,fields",
        ),
        (format!("{}/api/v1/articles/1*", server.url), "URI"),
    ];
    for (url, params) in targets {
        let out = std::process::Command::new(&sqlmap)
            .args(["-u", &url, "--headers", &header, "-p", params, "--batch", "--flush-session", "--disable-coloring"])
            .args(["--level", "1", "--risk", "1", "--threads", "4", "--output-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let lower = text.to_lowercase();
        assert!(
            !lower.contains("is vulnerable") && !lower.contains("identified the following injection point"),
            "sqlmap found an injection:\n{text}"
        );
        assert!(
            lower.contains("do not appear to be injectable") || lower.contains("does not seem to be injectable"),
            "sqlmap did not finish its tests of {params}:\n{text}"
        );
    }
}

/// `schemathesis run SPEC --url URL -H "Authorization: Bearer KEY" EXTRA…`, failing on a non-zero exit.
fn run_schemathesis(tool: &Path, spec: &Path, url: &str, key: &str, extra: &[&str]) -> String {
    let auth = format!("Authorization: Bearer {key}");
    let mut args: Vec<&OsStr> = vec![OsStr::new("run"), spec.as_os_str(), OsStr::new("--url"), OsStr::new(url)];
    args.extend([OsStr::new("-H"), OsStr::new(&auth)]);
    args.extend(extra.iter().map(OsStr::new));
    judge(tool, &args)
}

/// `xmllint --noout --nonet --schema XSD FILE`, failing the test when the file is not valid.
fn xsd_valid(xmllint: &Path, xsd: &Path, file: &Path) {
    let args =
        [OsStr::new("--noout"), OsStr::new("--nonet"), OsStr::new("--schema"), xsd.as_os_str(), file.as_os_str()];
    judge(xmllint, &args);
}

/// What a feed reader decodes from every feed, and what xmllint reads in the news sitemap, when a
/// story carries markup in its deck, a control character in its headline and an absolute Related
/// link: text stays text (RSS `<description>` is HTML by convention, so it is escaped twice), the
/// control character is gone from everything written, and the link is the one the editor gave.
#[test]
fn hostile_text_stays_text_in_every_feed_and_the_news_sitemap() {
    let Some(j) = judges("newsdesk::feeds_hostile_text") else { return };
    let server = Server::demo();
    let out = newsdesk(&server.data, &["user", "token", "editor@newsdesk.example"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let call = |path: &str, body: serde_json::Value| -> serde_json::Value {
        let res = ureq::post(&format!("{}{path}", server.url))
            .set("authorization", &format!("Bearer {token}"))
            .send_json(body)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        res.into_json().unwrap()
    };
    let story = serde_json::json!({
        "headline": "Harbour\u{1} board meets <b>again</b>",
        "deck": "<img src=x onerror=alert(1)>",
        "section": "Europe",
        "body": [
            { "type": "paragraph", "text": "<script>alert(2)</script> The board met at noon." },
            { "type": "related", "publication": "Port Authority", "headline": "The statement", "url": "https://example.invalid/statement" }
        ]
    });
    let v = call("/api/v1/admin/articles", story);
    let id = v["data"]["id"].as_i64().unwrap();
    assert_eq!(
        v["data"]["headline"], "Harbour board meets <b>again</b>",
        "the control character is dropped on the way in"
    );
    for step in ["submit", "start_edit", "publish"] {
        call(&format!("/api/v1/admin/articles/{id}/transitions"), serde_json::json!({ "action": step }));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut xml = vec![];
    for path in ["/feed.xml", "/atom.xml", "/europe/feed.xml", "/europe/atom.xml", "/feed.json", "/sitemaps/news.xml"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains('\u{1}'), "{path} carries the control character");
        assert!(
            !body.contains(&format!("{}https:", server.url)),
            "{path} glued the site's address to an absolute link"
        );
        if body.contains("Port Authority") {
            assert!(body.contains("https://example.invalid/statement"), "{path} lost the Related link");
        }
        let file = save(dir.path(), &path[1..].replace('/', "_"), &body);
        if path.ends_with(".xml") {
            xml.push(file);
        }
    }
    let mut lint = vec![OsStr::new("--noout"), OsStr::new("--nonet")];
    lint.extend(xml.iter().map(|p| p.as_os_str()));
    judge(&j.xmllint, &lint);
    let feeds: Vec<&OsStr> = xml.iter().filter(|p| !p.ends_with("sitemaps_news.xml")).map(|p| p.as_os_str()).collect();
    judge(&j.feed_wellformed, &feeds);

    // feedparser's reading of every field that it takes as HTML: no element of a payload in it.
    let python = std::fs::read_to_string(&j.feed_wellformed).unwrap();
    let python = python.lines().next().unwrap().trim_start_matches("#!").trim().to_string();
    let script = r#"
import sys, json, feedparser
bad = []
for path in sys.argv[1:]:
    feed = feedparser.parse(path)
    for key in ("title_detail", "subtitle_detail"):
        d = feed.feed.get(key)
        if d and d.get("type") == "text/html" and ("<img" in d["value"] or "<script" in d["value"]):
            bad.append((path, "feed." + key, d["value"]))
    for e in feed.entries:
        details = [("title", e.get("title_detail")), ("summary", e.get("summary_detail"))]
        details += [("content", c) for c in e.get("content", [])]
        for name, d in details:
            if d and d.get("type") in ("text/html", "application/xhtml+xml"):
                v = d["value"]
                if "<img" in v or "<script" in v:
                    bad.append((path, name, v))
print(json.dumps(bad))
"#;
    let mut args = vec![OsStr::new("-c"), OsStr::new(script)];
    args.extend(feeds.iter().copied());
    let out = judge(Path::new(&python), &args);
    assert_eq!(out.trim(), "[]", "markup from the story survived in what feedparser decoded");
    let (_, rss) = server.get("/feed.xml");
    assert!(rss.contains("<description>&amp;lt;img src=x onerror=alert(1)&amp;gt;</description>"), "{rss}");
}
