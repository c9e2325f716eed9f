//! The XSS campaign, repeatable: payloads through every way text gets in (Admin API fields and
//! blocks, ninjs and NewsML-G2 pushed to /api/ingest, RSS and WordPress imports, the story form,
//! routing rules and author bios typed in the newsroom), published, queued or saved, and every reader and newsroom page that shows them loaded in
//! headless Chromium. On each page: no payload's marker was set, no element carries an event
//! handler attribute or a `javascript:` URL, every script is our own file or JSON-LD that
//! parses; and in the raw HTML no payload's markup survives unescaped. Figures are printed.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::browser::Browser;
use common::{Server, newsdesk, shared};
use serde_json::{Value, json};

/// Attack vectors; `ID` becomes a marker unique to each placement.
const VECTORS: &[&str] = &[
    "<script>window.xss='ID'</script>",
    "<img src=x onerror=\"window.xss='ID'\">",
    "<svg onload=window.xss='ID'>",
    "\"><img src=x onerror=window.xss='ID'>",
    "'><script>window.xss='ID'</script>",
    "</title><script>window.xss='ID'</script>",
    "</textarea><script>window.xss='ID'</script>",
    "</script><script>window.xss='ID'</script>",
    "javascript:window.xss='ID'",
    "<a href=\"javascript:window.xss='ID'\">click ID</a>",
    "<iframe srcdoc=\"<script>parent.xss='ID'</script>\"></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.xss='ID'>",
    "<details open ontoggle=window.xss='ID'>x</details>",
    "<body onload=window.xss='ID'>",
    "<input autofocus onfocus=window.xss='ID'>",
    "<object data=\"javascript:window.xss='ID'\"></object>",
    "<embed src=\"javascript:window.xss='ID'\">",
    "<base href=\"javascript:window.xss='ID'//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.xss='ID'\">",
    "<style>@import 'javascript:window.xss=\"ID\"';</style>",
    "<div style=\"background:url(javascript:window.xss='ID')\">ID</div>",
    "{{ 7*7 }} {% raw %} ID",
    "&lt;script&gt;window.xss='ID'&lt;/script&gt;",
    "<scr<script>ipt>window.xss='ID'</scr</script>ipt>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.xss='ID'>\">",
    "<svg><a xlink:href=\"javascript:window.xss='ID'\"><text y=20>ID</text></a></svg>",
    "<form action=\"javascript:window.xss='ID'\"><button>ID</button></form>",
    "<a href=\"  JaVaScRiPt:window.xss='ID'\">ID</a>",
    "<img src=\"x\" onerror=\"&#119;indow.xss='ID'\">",
    "\u{2028}</script><img src=x onerror=window.xss='ID'>",
];

/// The start of each vector's live markup: none may appear in a page's raw HTML.
const LIVE: &[&str] = &[
    "<script>window.xss",
    "<img src=x onerror",
    "<img src=\"x\" onerror",
    "<svg onload",
    "<iframe srcdoc",
    "<details open ontoggle",
    "<body onload",
    "<input autofocus",
    "<object data",
    "<embed src",
    "<base href",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript",
    "<style>@import",
    "<div style=\"background:url(javascript",
    "<a href=\"javascript",
    "<a href=\"  javascript",
    "<form action=\"javascript",
    "<math><mtext>",
    "<noscript><p title",
    "<svg><a xlink",
];

fn payload(vector: &str, id: &str) -> String {
    vector.replace("ID", id)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What the browser finds on the page that a payload could have done.
const JUDGE: &str = r#"
const found = [];
if (window.xss !== undefined) found.push('marker set: ' + window.xss);
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    const n = a.name.toLowerCase(), v = a.value.toLowerCase().replace(/[\s\u0000-\u001f]/g, '');
    if (n.startsWith('on')) found.push(el.tagName + '[' + n + ']');
    if (['href', 'src', 'action', 'data', 'formaction', 'xlink:href'].includes(n) && v.startsWith('javascript:'))
      found.push(el.tagName + '[' + n + '=' + v.slice(0, 30) + ']');
    if (n === 'srcdoc') found.push(el.tagName + '[srcdoc]');
  }
  if (['OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) found.push(el.tagName);
  if (el.tagName === 'META' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') found.push('META refresh');
}
for (const s of document.querySelectorAll('script')) {
  if (s.src) { if (!s.src.startsWith(location.origin + '/')) found.push('script from ' + s.src); }
  else if (s.type === 'application/ld+json') { try { JSON.parse(s.textContent); } catch (e) { found.push('JSON-LD broken'); } }
  else found.push('inline script: ' + s.textContent.slice(0, 40));
}
return found;"#;

struct Campaign {
    browser: Browser,
    pages: usize,
    findings: Vec<String>,
}

impl Campaign {
    fn judge(&mut self, url: &str) {
        self.browser.open(url, 1280, 900);
        let found = self.browser.eval(JUDGE);
        self.pages += 1;
        for f in found.as_array().into_iter().flatten() {
            self.findings.push(format!("{url}: {}", f.as_str().unwrap_or_default()));
        }
        let html = self.browser.eval("return document.documentElement.outerHTML;");
        let raw = match url.starts_with("http") {
            true => ureq::get(url).call().map(|r| r.into_string().unwrap_or_default()).unwrap_or_default(),
            false => String::new(),
        };
        for text in [raw.to_lowercase(), html.as_str().unwrap_or_default().to_lowercase()] {
            // The serialised DOM re-escapes text, so what is found there is live markup.
            for live in LIVE {
                if text.contains(&live.to_lowercase()) {
                    self.findings.push(format!("{url}: live markup {live:?}"));
                }
            }
        }
    }
}

#[test]
fn no_payload_through_any_channel_runs_or_survives_as_markup() {
    const TEST: &str = "no_payload_through_any_channel_runs_or_survives_as_markup";
    let browser = match Browser::start() {
        Ok(b) => b,
        Err(why) => return shared::skip::<()>(TEST, &why).unwrap_or(()),
    };
    let server = Server::demo();
    let data = server.data.clone();
    let base = server.url.clone();
    let token = String::from_utf8(newsdesk(&data, &["user", "token", "editor@newsdesk.example"]).stdout).unwrap();
    let token = token.trim().to_string();
    let ingest =
        String::from_utf8(newsdesk(&data, &["api-key", "add", "xss-agency", "--scope", "ingest"]).stdout).unwrap();
    let ingest = ingest.split_whitespace().last().unwrap().to_string();
    let call = |method: &str, path: &str, auth: &str, content_type: &str, body: &str| -> (u16, Value) {
        let r = ureq::request(method, &format!("{base}{path}"))
            .set("authorization", &format!("Bearer {auth}"))
            .set("content-type", content_type)
            .send_string(body);
        match r {
            Ok(r) => (r.status(), r.into_json().unwrap_or(Value::Null)),
            Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap_or(Value::Null)),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    };
    let mut placements = 0;
    let mut story_urls: BTreeSet<String> = BTreeSet::new();
    let mut admin_ids = vec![];
    let path_of = |v: &Value| v.as_str().map(|u| u.trim_start_matches(&base).to_string());

    // 1. The Admin API: every text field and every kind of block, then published.
    for (i, v) in VECTORS.iter().enumerate() {
        let p = |field: &str| payload(v, &format!("a{i}{field}"));
        let mut story = json!({
            "headline": format!("Admin story {i} {}", p("h")), "deck": p("d"), "section": "Europe",
            "authors": [p("a")], "tags": [p("t")], "source": p("s"),
            "seo_title": p("st"), "seo_description": p("sd"), "social_title": p("so"),
            "body": [
                { "type": "paragraph", "text": p("p") },
                { "type": "heading", "text": p("hd"), "level": 2 },
                { "type": "quote", "text": p("q"), "cite": p("qc") },
                { "type": "list", "ordered": false, "items": [p("l1"), p("l2")] },
                { "type": "recommended" },
                { "type": "related", "publication": p("rp"), "headline": p("rh") },
            ],
        });
        // Search and social titles are held to 70 characters: the longer vectors go elsewhere.
        for field in ["seo_title", "social_title"] {
            if story[field].as_str().is_some_and(|t| t.chars().count() > 70) {
                story.as_object_mut().unwrap().remove(field);
            }
        }
        placements += 17;
        let (status, v) = call("POST", "/api/v1/admin/articles", &token, "application/json", &story.to_string());
        assert_eq!(status, 201, "create {i}: {v}");
        let id = v["data"]["id"].as_i64().unwrap();
        for action in ["submit", "start_edit", "publish"] {
            let (status, v) = call(
                "POST",
                &format!("/api/v1/admin/articles/{id}/transitions"),
                &token,
                "application/json",
                &json!({ "action": action }).to_string(),
            );
            assert_eq!(status, 200, "{action} {i}: {v}");
            if action == "publish" {
                story_urls.extend(path_of(&v["data"]["url"]));
            }
        }
        admin_ids.push(id);
        // An embed block with a payload for a URL is refused with a reason, never stored.
        let embed = json!({ "headline": format!("Embed {i}"), "section": "Europe", "body": [{ "type": "embed", "url": p("e") }] });
        let (status, _) = call("POST", "/api/v1/admin/articles", &token, "application/json", &embed.to_string());
        assert!(status == 201 || status == 422, "embed {i}: {status}");
        placements += 1;
    }

    // 2. ninjs and NewsML-G2 pushed by an agency: published, and queued for the wire desk.
    for (i, v) in VECTORS.iter().enumerate() {
        let p = |field: &str| payload(v, &format!("n{i}{field}"));
        for queue in [false, true] {
            let q = if queue { "q" } else { "" };
            let item = json!({
                "uri": format!("urn:xss:ninjs:{i}{q}"), "headline": format!("Agency story {i}{q} {}", p("h")),
                "body_html": format!("<p>{}</p><p>{}</p>", p("b"), xml_escape(&p("e"))), "description_text": p("d"),
                "byline": p("by"), "subject": [{ "name": p("su") }], "located": p("lo"),
            });
            let path = if queue { "/api/ingest?queue=true" } else { "/api/ingest" };
            let (status, reply) = call("POST", path, &ingest, "application/json", &item.to_string());
            assert!(status == 200 || status == 201, "ninjs {i}: {status} {reply}");
            if !queue {
                story_urls.extend(reply["data"].as_array().into_iter().flatten().filter_map(|e| path_of(&e["url"])));
            }
            placements += 7;
            let newsml = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:xss:g2:{i}{q}" version="1" standard="NewsML-G2" standardversion="2.35" xml:lang="en">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:XSS"/><versionCreated>2026-11-30T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>
  <contentMeta><located><name>{lo}</name></located><headline>G2 story {i}{q} {h}</headline><slugline>{sl}</slugline></contentMeta>
  <contentSet><inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content><p>{b}</p><hl2>{h2}</hl2></body.content></body></nitf></inlineXML></contentSet>
</newsItem>"#,
                lo = xml_escape(&payload(v, &format!("g{i}lo"))),
                h = xml_escape(&payload(v, &format!("g{i}h"))),
                sl = xml_escape(&payload(v, &format!("g{i}sl"))),
                b = xml_escape(&payload(v, &format!("g{i}b"))),
                h2 = xml_escape(&payload(v, &format!("g{i}h2"))),
            );
            let (status, reply) = call("POST", path, &ingest, "application/xml", &newsml);
            assert!(status == 200 || status == 201, "NewsML-G2 {i}: {status} {reply}");
            if !queue {
                story_urls.extend(reply["data"].as_array().into_iter().flatten().filter_map(|e| path_of(&e["url"])));
            }
            placements += 5;
        }
    }

    // 3. A partner's RSS feed imported from the command line.
    let mut rss = String::from(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Partner</title><link>https://partner.example/</link><description>x</description>"#,
    );
    for (i, v) in VECTORS.iter().enumerate() {
        let p = |field: &str| payload(v, &format!("r{i}{field}"));
        rss.push_str(&format!(
            "<item><title>{t}</title><link>https://partner.example/{i}</link><guid>https://partner.example/{i}</guid>\
             <description>{d}</description><content:encoded><![CDATA[<p>{c}</p>{raw}]]></content:encoded>\
             <category>{cat}</category><author>{au}</author><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate></item>",
            t = xml_escape(&format!("Feed story {i} {}", p("t"))),
            d = xml_escape(&p("d")),
            c = xml_escape(&p("c")),
            raw = p("raw").replace("]]>", ""),
            cat = xml_escape(&p("cat")),
            au = xml_escape(&p("au")),
        ));
        placements += 6;
    }
    rss.push_str("</channel></rss>");
    import(&data, "partner.xml", &rss, "World");

    // 4. A WordPress export (WXR): title, content, excerpt, author name, tag.
    let mut wxr = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>https://blog.example</link><language>en</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://blog.example</wp:base_site_url><wp:base_blog_url>https://blog.example</wp:base_blog_url>"#,
    );
    for (i, v) in VECTORS.iter().enumerate() {
        let p = |field: &str| payload(v, &format!("w{i}{field}"));
        wxr.push_str(&format!(
            "<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>writer{i}</wp:author_login><wp:author_display_name>{name}</wp:author_display_name></wp:author>\
             <item><title>{t}</title><link>https://blog.example/?p={n}</link><dc:creator>writer{i}</dc:creator>\
             <content:encoded><![CDATA[<p>{c}</p>{raw}]]></content:encoded><excerpt:encoded>{ex}</excerpt:encoded>\
             <wp:post_id>{n}</wp:post_id><wp:post_date>2026-11-30 10:00:00</wp:post_date><wp:post_date_gmt>2026-11-30 10:00:00</wp:post_date_gmt>\
             <wp:post_name>wxr-story-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\
             <category domain=\"post_tag\" nicename=\"t{i}\">{tag}</category></item>",
            n = i + 1,
            name = xml_escape(&p("au")),
            t = xml_escape(&format!("Blog story {i} {}", p("t"))),
            c = xml_escape(&p("c")),
            raw = p("raw").replace("]]>", ""),
            ex = xml_escape(&p("ex")),
            tag = xml_escape(&p("tag")),
        ));
        placements += 6;
    }
    wxr.push_str("</channel></rss>");
    import(&data, "blog.xml", &wxr, "Culture");

    // The pages: every story page, the fronts, searches for every vector.
    let started = Instant::now();
    let mut c = Campaign { browser, pages: 0, findings: vec![] };
    // The judge itself: a page where a vector is live is caught.
    c.judge(&format!("data:text/html,{}", url_encode(&payload(VECTORS[1], "judge"))));
    assert!(
        c.findings.iter().any(|f| f.contains("IMG[onerror]")) && c.findings.iter().any(|f| f.contains("marker set")),
        "the judge misses a live payload: {:?}",
        c.findings
    );
    (c.pages, c.findings) = (0, vec![]);
    // Every story the fronts list (the imported ones are found there).
    let fronts = ["/", "/world", "/world?page=2", "/culture", "/culture?page=2", "/europe", "/europe?page=2"];
    for front in fronts {
        let (_, html) = server.get(front);
        for link in html.split("href=\"/").skip(1).filter_map(|s| s.split('"').next()) {
            // (Feeds are data, judged by feedparser in judges.rs.)
            let feed = link.ends_with(".xml") || link.ends_with(".json");
            if link.matches('/').count() == 1 && !link.starts_with("assets") && !link.starts_with("media") && !feed {
                story_urls.insert(format!("/{link}"));
            }
        }
    }
    let imported = |words: &str| story_urls.iter().filter(|p| p.contains(words)).count();
    assert!(
        imported("feed-story") >= VECTORS.len() && imported("blog-story") + imported("wxr-story") >= VECTORS.len(),
        "the imports were published: {story_urls:?}"
    );
    // The tag and author pages the Admin API's stories link to.
    let mut lists = BTreeSet::new();
    for path in story_urls.iter().filter(|p| p.contains("admin-story")) {
        let (_, html) = server.get(path);
        for kind in ["/tag/", "/author/"] {
            lists.extend(
                html.split(&format!("href=\"{kind}"))
                    .skip(1)
                    .filter_map(|s| s.split('"').next())
                    .map(|s| format!("{kind}{s}")),
            );
        }
    }
    for path in fronts.into_iter().map(String::from).chain(lists) {
        c.judge(&format!("{base}{path}"));
    }
    for path in &story_urls {
        c.judge(&format!("{base}{path}"));
    }
    for v in VECTORS {
        let q: String = url_encode(&payload(v, "search"));
        c.judge(&format!("{base}/search?q={q}"));
    }
    // 4. The newsroom, as an editor: author bios typed in, then every page that shows the
    // payloads (dashboard, each story's editor and revisions, the wire queue and its items).
    let (editor, password) = server.demo_login("editor");
    c.browser.sign_in(&base, &editor, &password);
    c.browser.open(&format!("{base}/newsroom/fronts"), 1280, 900);
    let authors: Vec<String> = c
        .browser
        .eval("return [...document.querySelectorAll('form[action^=\"/newsroom/authors/\"]')].map((f) => f.getAttribute('action'));")
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str().map(String::from))
        .take(VECTORS.len())
        .collect();
    for (i, action) in authors.iter().enumerate() {
        c.browser.open(&format!("{base}/newsroom/fronts"), 1280, 900);
        let bio = payload(VECTORS[i], &format!("bio{i}"));
        c.browser.eval(&format!(
            "const f = document.querySelector('form[action=\"{action}\"]');
             f.querySelector('textarea[name=bio]').value = {}; f.submit(); return true;",
            serde_json::to_string(&bio).unwrap()
        ));
        // Saved once the author's page shows the bio's marker (as text).
        let page = action.replace("/newsroom/authors/", "/author/");
        let t0 = Instant::now();
        while !server.get(&page).1.contains(&format!("bio{i}")) {
            assert!(t0.elapsed() < Duration::from_secs(10), "the bio of {page} was not saved");
            std::thread::sleep(Duration::from_millis(50));
        }
        placements += 1;
        c.judge(&format!("{base}{page}"));
    }
    // The story form, typed into as a reporter would, saved as a draft; and a routing rule.
    let mut typed = vec![];
    for (i, v) in VECTORS.iter().enumerate().step_by(3) {
        let p = |field: &str| payload(v, &format!("f{i}{field}"));
        c.browser.open(&format!("{base}/newsroom/stories/new"), 1280, 900);
        c.browser.type_into("#f-headline", &format!("Typed story {i} {}", p("h")));
        c.browser.type_into("#f-deck", &p("d"));
        c.browser.type_into("#f-authors", &p("a"));
        c.browser.type_into("#f-source", &p("s"));
        c.browser.send_keys("#story-body", &p("p"));
        c.browser.click("#save");
        let t0 = Instant::now();
        while !c.browser.url().contains("/newsroom/stories/") || c.browser.url().ends_with("/new") {
            assert!(t0.elapsed() < Duration::from_secs(10), "the typed story {i} was not saved: {}", c.browser.url());
            std::thread::sleep(Duration::from_millis(50));
        }
        placements += 5;
        typed.push(c.browser.url().split('?').next().unwrap_or_default().to_string());
    }
    for (i, v) in VECTORS.iter().enumerate().step_by(3) {
        c.browser.open(&format!("{base}/newsroom/routing"), 1280, 900);
        c.browser.type_into("form.rule input[name=name]", &payload(v, &format!("rule{i}")));
        c.browser.type_into("form.rule input[name=pattern]", &payload(v, &format!("pat{i}")));
        c.browser.type_into("form.rule input[name=tags]", &payload(v, &format!("rt{i}")));
        c.browser.click("form.rule button[type=submit]");
        std::thread::sleep(Duration::from_millis(200));
        placements += 3;
    }
    for url in &typed {
        c.judge(url);
        c.judge(&format!("{url}/preview"));
    }
    c.judge(&format!("{base}/newsroom/routing"));
    c.judge(&format!("{base}/newsroom/fronts"));
    c.judge(&format!("{base}/newsroom"));
    c.judge(&format!("{base}/newsroom?q=story"));
    for id in &admin_ids {
        c.judge(&format!("{base}/newsroom/stories/{id}"));
        c.judge(&format!("{base}/newsroom/stories/{id}/revisions"));
    }
    c.judge(&format!("{base}/newsroom/wire"));
    c.browser.open(&format!("{base}/newsroom/wire"), 1280, 900);
    let wire = c.browser.eval(
        "return [...document.querySelectorAll('a[href^=\"/newsroom/wire/\"]')].map((a) => a.getAttribute('href'));",
    );
    let items: BTreeSet<String> =
        wire.as_array().into_iter().flatten().filter_map(|h| h.as_str().map(String::from)).collect();
    for item in &items {
        c.judge(&format!("{base}{item}"));
    }
    eprintln!(
        "xss campaign: {} vectors, {placements} placements through 9 channels, {} pages loaded in Chromium in {} s, {} findings",
        VECTORS.len(),
        c.pages,
        started.elapsed().as_secs(),
        c.findings.len()
    );
    assert!(story_urls.len() > 3 * VECTORS.len(), "the stories were published: {}", story_urls.len());
    assert!(authors.len() >= 3, "author bios were typed in: {authors:?}");
    assert!(!items.is_empty(), "the queued items are in the wire queue");
    assert_eq!(typed.len(), VECTORS.len().div_ceil(3), "every typed story was saved");
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

/// Writes `contents` beside the data directory as `name` and imports it into `section`.
fn import(data: &std::path::Path, name: &str, contents: &str, section: &str) {
    let file = data.parent().unwrap().join(name);
    std::fs::write(&file, contents).unwrap();
    let out = newsdesk(data, &["import", file.to_str().unwrap(), "--section", section]);
    assert!(out.status.success(), "importing {name}: {}", String::from_utf8_lossy(&out.stderr));
}

fn url_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}
