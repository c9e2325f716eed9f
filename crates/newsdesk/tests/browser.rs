//! What a reader sees, in Debian's Chromium driven over WebDriver (chromedriver): the seed
//! article's elements visible and in order, the picture loaded, nothing fetched from other
//! hosts, and a layout that fits a phone. A failing check saves a screenshot under
//! `target/browser-failures/`.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::browser::{Browser, base64_decode};
use common::{Server, newsdesk, shared};
use serde_json::json;

const SEED_PATH: &str =
    "/europe/nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks";

/// The reader-visible facts the test asserts, gathered in one script.
const READER_VIEW: &str = r#"
const visible = (el) => { if (!el) return false; const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const pick = (sel) => { const el = document.querySelector(sel); return el && visible(el) ? el.innerText.trim() : null; };
const order = ['.story .kicker', '.story .reading-time', '.story h1', '.story .deck', '.story figure figcaption',
  '.story .dateline', '.story-body > p', '.recommended h2', '.related', '.story .source', '.explore h2']
  .map((sel) => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect().top + scrollY : null; });
const img = document.querySelector('.story figure img');
return {
  kicker: pick('.story .kicker'), reading: pick('.story .reading-time'), headline: pick('.story h1'),
  deck: pick('.story .deck'), caption: pick('.story figure figcaption'), dateline: pick('.story .dateline'),
  paragraphs: [...document.querySelectorAll('.story-body > p')].filter(visible).length,
  recommended: [...document.querySelectorAll('.recommended a')].filter(visible).map((a) => a.innerText),
  related: pick('.related'), source: pick('.story .source'),
  explore: [...document.querySelectorAll('.explore li a')].filter(visible).length,
  order, imageLoaded: !!img && img.complete && img.naturalWidth > 0,
  offsite: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin)),
  overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
  headlinePx: img ? parseFloat(getComputedStyle(document.querySelector('.story h1')).fontSize) : 0,
};"#;

#[test]
fn a_reader_sees_the_seed_article() {
    let Some(dir) = shared::require_shared("newsdesk::browser_seed_article") else { return };
    let browser = match Browser::start() {
        Ok(b) => b,
        Err(why) => {
            shared::skip::<()>("newsdesk::browser_seed_article", &why);
            return;
        }
    };
    let server = Server::demo();
    let out = newsdesk(&server.data, &["import", common::seed_path(&dir).to_str().unwrap()]);
    assert!(out.status.success());
    let url = format!("{}{SEED_PATH}", server.url);
    let t0 = Instant::now();
    while server.get(SEED_PATH).0 != 200 {
        assert!(t0.elapsed() < Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(25));
    }

    for (name, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        browser.open(&url, width, height);
        let v = browser.eval(READER_VIEW);
        browser.checked(&format!("seed-{name}"), || {
            assert_eq!(
                v["kicker"], "EUROPE SEPTEMBER 10, 2025",
                "{name}: label and date (the theme shows them in capitals)"
            );
            assert_eq!(v["reading"], "1 min read");
            assert_eq!(
                v["headline"],
                "NATO chief, UK prime minister vow stronger military backing for Ukraine after London talks"
            );
            assert!(v["deck"].as_str().unwrap().starts_with("The Downing Street talks"));
            assert_eq!(
                v["caption"],
                "Rutte praised the UK's commitment to raising defence spending and its leading role. AA"
            );
            assert_eq!(v["dateline"], "September 10, 2025");
            assert_eq!(v["paragraphs"], 7);
            assert_eq!(v["recommended"].as_array().unwrap().len(), 3, "{name}: Recommended links");
            assert_eq!(
                v["related"],
                "RELATED TRT World - NATO chief Rutte calls Erdogan to discuss Ukraine peace efforts, regional security"
            );
            assert_eq!(v["source"], "SOURCE: AA");
            assert!(v["explore"].as_u64().unwrap() >= 6);
            let order: Vec<f64> = v["order"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
            assert!(order.windows(2).all(|w| w[0] <= w[1]), "{name}: elements out of order on screen: {order:?}");
            assert_eq!(v["imageLoaded"], true, "{name}: the lead picture loads");
            assert_eq!(v["offsite"], json!([]), "{name}: requests to other hosts");
            assert_eq!(v["overflow"], false, "{name}: the page scrolls sideways");
            assert!(v["headlinePx"].as_f64().unwrap() >= 24.0, "{name}: the headline is readable");
        });
    }
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
}

/// The newsroom end to end, in Chromium, in a newsroom whose clock is Istanbul's: a reporter
/// writes a story, uploads a 5 MB camera photo as its lead picture, uploads another picture inside
/// an image block and picks one from the library for a second block, sees no lock notice, submits
/// and cannot publish; an editor edits, schedules in local time, and publishes with a headline
/// typed and not saved, which reaches the reader; a correction shows on the reader's page.
#[test]
fn a_story_goes_from_reporter_to_reader_through_the_newsroom() {
    let test = "newsdesk::browser_newsroom";
    let browser = match Browser::start() {
        Ok(b) => b,
        Err(why) => {
            shared::skip::<()>(test, &why);
            return;
        }
    };
    let server = Server::demo_with(&[("NEWSDESK_TIMEZONE", "Europe/Istanbul")]);
    let (reporter, reporter_pw) = server.demo_login("reporter");
    let (editor, editor_pw) = server.demo_login("editor");
    let logo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../themes/default/assets/logo.png");
    let logo = logo.canonicalize().unwrap();
    let photos = tempfile::tempdir().unwrap();
    let photo = photos.path().join("camera-DSC0042.jpg");
    let jpeg = newsdesk_ingest::image::test_jpeg(5 * 1024 * 1024);
    std::fs::write(&photo, &jpeg).unwrap();
    let upload_into = |input: &str, status: &str, file: &std::path::Path| {
        let el = browser.find(input);
        browser.session("POST", &format!("/element/{el}/value"), Some(json!({"text": file.to_str().unwrap()})));
        let t0 = Instant::now();
        while !browser.try_text(status).is_some_and(|t| t.starts_with("Uploaded")) {
            assert!(t0.elapsed() < Duration::from_secs(20), "upload: {:?}", browser.try_text(status));
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    browser.sign_in(&server.url, &reporter, &reporter_pw);
    browser.checked("newsroom-reporter-writes", || {
        browser.open(&format!("{}/newsroom/stories/new", server.url), 1280, 900);
        let shown = browser.eval("return getComputedStyle(document.getElementById('lock-notice')).display;");
        assert_eq!(shown, "none", "nobody else has a new story open");
        browser.type_into("#f-headline", "Night ferry service returns to the islands");
        browser.type_into("#f-deck", "Crossings resume after a winter without a late boat.");
        browser.type_into("#f-section", "Europe");
        browser.type_into("#f-authors", "Demo Reporter");
        browser.type_into("#f-source", "AA");
        // A 5 MB camera photo goes to the media library and is chosen as the lead image.
        upload_into("#upload", "#upload-status", &photo);
        let chosen = browser.eval("return document.getElementById('f-image_asset').value;");
        assert!(chosen.as_str().unwrap().ends_with(".jpg"), "the upload is the lead picture: {chosen}");
        browser.type_into("#f-image_alt", "The ferry at the quay");
        browser.type_into("#f-image_caption", "The night ferry at the quay.");
        browser.type_into("#f-image_credit", "Newsdesk");
        browser.send_keys("#story-body", "The night ferry will sail again from Monday, the operator said.");
        // An image block takes a picture uploaded inside it...
        browser.click("button[data-add='image']");
        let last = "#story-body fieldset.block:last-of-type";
        upload_into(&format!("{last} input[data-upload]"), &format!("{last} .upload-status"), &logo);
        browser.type_into(&format!("{last} input[data-field='alt']"), "The operator's logo");
        // ...and another one a picture chosen from the library by its thumbnail.
        browser.click("button[data-add='image']");
        browser.click(&format!("{last} button[data-library]"));
        browser.wait_for("#media-library[open] button[data-choose]");
        let thumbs = browser.eval(
            "return [...document.querySelectorAll('#media-library button[data-choose] img')].filter((i) => i.complete && i.naturalWidth > 0).length;",
        );
        assert!(thumbs.as_u64().unwrap() >= 2, "the library shows its pictures: {thumbs}");
        browser.type_into("#media-filter", "camera-DSC0042");
        browser.click("#media-library li:not([hidden]) button[data-choose]");
        let picked = browser.eval(&format!("return document.querySelector(\"{last} select.media-pick\").value;"));
        assert_eq!(picked, chosen, "the block has the photo chosen in the library");
        browser.type_into(&format!("{last} input[data-field='alt']"), "The quay at night");
        browser.click("#save");
        // Made by Save, or by an autosave just before it (then Save saves that story).
        browser.wait_for(".notice");
        let notice = browser.text(".notice");
        assert!(notice == "Story created." || notice == "Saved.", "{notice}");
        assert_eq!(browser.text("#story-state"), "draft");
        let pictures = browser.eval("return [...document.querySelectorAll('#story-body select.media-pick')].map((s) => s.value).filter(Boolean).length;");
        assert_eq!(pictures, 2, "both image blocks kept their pictures");
        let shown = browser.eval("return getComputedStyle(document.getElementById('lock-notice')).display;");
        assert_eq!(shown, "none", "nobody else has the story open");
        browser.click("#action-submit");
        browser.wait_for(".state-submitted");
        // No publish button for a reporter, and the server refuses one forged by hand.
        assert!(!browser.exists("#action-publish"));
    });
    let story_url = browser.url();
    let id: i64 = story_url.split("/newsroom/stories/").nth(1).unwrap().split('?').next().unwrap().parse().unwrap();
    browser.checked("newsroom-reporter-refused", || {
        let v = browser.eval_async(&format!(
            "const done = arguments[arguments.length - 1];
             fetch('/newsroom/stories/{id}/action', {{ method: 'POST', body: new URLSearchParams({{ csrf: document.body.dataset.csrf, action: 'publish' }}) }})
               .then(async (r) => done({{ status: r.status, text: await r.text() }}));"
        ));
        assert_eq!(v["status"], 403, "{v}");
        assert!(v["text"].as_str().unwrap().contains("a reporter may not publish"), "{v}");
        browser.click(".signout button");
        browser.wait_for("#sign-in");
    });

    // Someone else has the story open: the admin, signed in from another client.
    let (admin, admin_pw) = server.demo_login("admin");
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let form = agent.get(&format!("{}/newsroom/login", server.url)).call().unwrap();
    let pre = form.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let html = form.into_string().unwrap();
    let token = html.split(r#"name="csrf" value=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let login = agent
        .post(&format!("{}/newsroom/login", server.url))
        .set("cookie", &pre)
        .send_form(&[("csrf", &token), ("email", &admin), ("password", &admin_pw)])
        .unwrap();
    let cookie = login.all("set-cookie").into_iter().find(|c| c.starts_with("nd_session=")).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let page = agent
        .get(&format!("{}/newsroom/stories/{id}", server.url))
        .set("cookie", &cookie)
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let csrf = page.split("data-csrf=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let lock = agent
        .post(&format!("{}/newsroom/stories/{id}/lock", server.url))
        .set("cookie", &cookie)
        .set("x-csrf-token", &csrf)
        .call();
    assert_eq!(lock.unwrap().status(), 200);

    browser.sign_in(&server.url, &editor, &editor_pw);
    let mut live = String::new();
    browser.checked("newsroom-editor-publishes", || {
        browser.open(&format!("{}/newsroom/stories/{id}", server.url), 1280, 900);
        let t0 = Instant::now();
        while !browser.try_text("#lock-notice").is_some_and(|t| t.contains("Demo Admin")) {
            assert!(t0.elapsed() < Duration::from_secs(10), "the soft lock never showed who else has the story open");
            std::thread::sleep(Duration::from_millis(100));
        }
        browser.click("#action-start_edit");
        browser.wait_for(".state-in_edit");
        // Autosave: a change is saved without pressing Save, as a new revision.
        let before: i64 = browser.text("#revision-number").parse().unwrap();
        browser.type_into("#f-deck", "Crossings resume on Monday after a winter without a late boat.");
        let v = browser.eval_async("const done = arguments[arguments.length - 1]; window.newsroomAutosave().then(() => done(document.getElementById('autosave-status').textContent));");
        assert!(v.as_str().unwrap().starts_with("Saved automatically"), "{v}");
        let after: i64 = browser.text("#revision-number").parse().unwrap();
        assert_eq!(after, before + 1);
        browser.click("#action-mark_ready");
        browser.wait_for(".state-ready");
        // Scheduling reads the newsroom's clock (Istanbul), whatever the browser's.
        assert!(browser.text("label[for='schedule-at']").contains("Europe/Istanbul"));
        browser.eval("document.getElementById('schedule-at').value = '2031-05-04T09:30';");
        browser.click("#action-schedule");
        browser.wait_for(".state-scheduled");
        assert_eq!(browser.text("#scheduled-for"), "Scheduled for 2031-05-04 09:30 (Europe/Istanbul)");
        // A headline typed and not saved goes out with "Publish now" (after the question).
        browser.type_into("#f-headline", "Night ferry returns to the islands after winter break");
        browser.click("#action-publish");
        let question = browser.session("GET", "/alert/text", None);
        assert!(question.as_str().unwrap().starts_with("Publish this story now?"), "{question}");
        browser.session("POST", "/alert/accept", Some(json!({})));
        browser.wait_for("#live-link");
        assert_eq!(browser.text("#story-state"), "published");
        assert_eq!(browser.eval("return document.getElementById('f-headline').value;"), "Night ferry returns to the islands after winter break");
        live = browser.eval("return document.getElementById('live-link').href;").as_str().unwrap().to_string();
    });
    browser.checked("newsroom-reader-page", || {
        browser.open(&live, 1280, 900);
        browser.wait_for(".story h1");
        assert_eq!(browser.text(".story h1"), "Night ferry returns to the islands after winter break");
        let loaded = browser.eval(
            "const i = document.querySelector('.story figure img'); return !!i && i.complete && i.naturalWidth > 0;",
        );
        assert_eq!(loaded, true, "the uploaded picture leads the story");
        assert_eq!(browser.text(".story .source"), "SOURCE: AA");
    });
    browser.checked("newsroom-correction", || {
        browser.open(&format!("{}/newsroom/stories/{id}", server.url), 1280, 900);
        browser.type_into("#correction-note", "An earlier version gave the wrong day for the first sailing.");
        browser.click("#action-correct");
        browser.wait_text(".notice", "Done: Correct.");
        // The reader's browser may hold the page for its max-age; a reload asks again.
        browser.open(&live, 1280, 900);
        let t0 = Instant::now();
        while !browser.exists(".corrections") {
            assert!(t0.elapsed() < Duration::from_secs(10), "the correction never showed on {live}");
            browser.eval("location.reload();");
            std::thread::sleep(Duration::from_millis(300));
        }
        assert!(browser.text(".corrections").contains("An earlier version gave the wrong day for the first sailing."));
        assert!(browser.exists(".story .updated"), "an updated story says so");
    });
}

/// The story body is a rich-text editor: bold and a link by their keys (a `javascript:` link
/// refused in the dialog), a heading from the / menu, blocks moved by keyboard and by the drag
/// handle, undo and redo, a word processor's paste kept to what the model holds, a picture dropped
/// in and uploaded; no serious axe-core finding; and it all reaches the reader's page.
#[test]
fn an_editor_writes_rich_text_that_readers_get() {
    let test = "newsdesk::browser_rich_text_editor";
    let browser = match Browser::start() {
        Ok(b) => b,
        Err(why) => {
            shared::skip::<()>(test, &why);
            return;
        }
    };
    let axe = common::shared::repo_root().join("crates/render/newsroom/editor/node_modules/axe-core/axe.min.js");
    let Ok(axe) = std::fs::read_to_string(&axe) else {
        shared::skip::<()>(
            test,
            "axe-core is not installed (npm ci in crates/render/newsroom/editor; scripts/test does it)",
        );
        return;
    };
    let server = Server::demo();
    let (editor, editor_pw) = server.demo_login("editor");
    browser.sign_in(&server.url, &editor, &editor_pw);
    let fields = "return [...document.querySelectorAll('#body-fields input')].map((i) => `${i.name}=${i.value}`);";
    let (ctrl, alt, shift) = ("\u{E009}", "\u{E00A}", "\u{E008}");
    browser.checked("rich-editor-writes", || {
        browser.open(&format!("{}/newsroom/stories/new", server.url), 1280, 900);
        browser.type_into("#f-headline", "Ferry timetable changes from Monday");
        browser.type_into("#f-section", "Europe");
        browser.send_keys("#story-body", &format!("The ferry {ctrl}b\u{E000}returns{ctrl}b\u{E000} on Monday, the operator said in its "));
        // Autosave takes the body as the editor holds it: the new story is saved as a draft.
        let saved = browser.eval_async("const done = arguments[arguments.length - 1]; window.newsroomAutosave().then(() => done(document.getElementById('autosave-status').textContent));");
        assert!(saved.as_str().unwrap().starts_with("Saved as a draft"), "{saved}");
        browser.press(&[ctrl, "k"]);
        browser.wait_for("#link-dialog[open]");
        browser.type_into("#link-href", "javascript:alert(1)");
        browser.type_into("#link-words", "timetable");
        browser.click("#link-apply");
        assert!(browser.text("#link-error").contains("web address"), "a javascript: link is refused in the dialog");
        assert_eq!(browser.eval("return document.getElementById('link-dialog').open;"), true);
        browser.type_into("#link-href", "https://ferry.example/timetable");
        browser.click("#link-apply");
        // Inside the link, Ctrl+K edits it and offers to remove it; undo brings a removed link back.
        let link_in_fields = "return document.querySelector('#body-fields input[name=\"b.text\"]').value.match(/href=\"([^\"]*)\"/)?.[1] ?? null;";
        browser.press(&["\u{E012}"]);
        browser.press(&["\u{E012}"]);
        browser.press(&[ctrl, "k"]);
        browser.wait_for("#link-dialog[open]");
        assert_eq!(browser.eval("return document.getElementById('link-href').value;"), "https://ferry.example/timetable");
        assert_eq!(browser.eval("return document.getElementById('link-remove').hidden;"), false);
        browser.type_into("#link-href", "https://ferry.example/timetable-2027");
        browser.click("#link-apply");
        assert_eq!(browser.eval(link_in_fields), "https://ferry.example/timetable-2027", "the link edited");
        browser.press(&[ctrl, "k"]);
        browser.wait_for("#link-dialog[open]");
        browser.click("#link-remove");
        assert_eq!(browser.eval(link_in_fields), serde_json::Value::Null, "the link removed");
        browser.press(&[ctrl, "z"]);
        assert_eq!(browser.eval(link_in_fields), "https://ferry.example/timetable-2027", "undo brings it back");
        browser.press(&["\u{E010}"]);
        browser.send_keys("#story-body", ".\u{E007}/head");
        browser.wait_for("#slash-menu li[aria-selected='true']");
        let found = axe_serious(&browser, &axe);
        assert_eq!(found, json!([]), "axe-core: serious or critical findings with the / menu open");
        browser.send_keys("#story-body", "\u{E007}Timetable changes");
        let v = browser.eval(fields);
        assert_eq!(
            v,
            json!([
                "b.type=paragraph",
                "b.text=The ferry <strong>returns</strong> on Monday, the operator said in its <a href=\"https://ferry.example/timetable-2027\">timetable</a>.",
                "b.type=heading", "b.text=Timetable changes", "b.level=2"
            ])
        );
        // Alt+Up moves the heading above the paragraph; undo puts it back, redo again.
        browser.press(&[alt, "\u{E013}"]);
        let kinds = "return [...document.querySelectorAll('#body-fields input[name=\"b.type\"]')].map((i) => i.value).join(' ');";
        assert_eq!(browser.eval(kinds), "heading paragraph");
        browser.press(&[ctrl, "z"]);
        assert_eq!(browser.eval(kinds), "paragraph heading", "undo");
        browser.press(&[ctrl, shift, "z"]);
        assert_eq!(browser.eval(kinds), "heading paragraph", "redo");
        // The drag handle moves a block with the mouse (the paragraph back above the heading).
        let moved = browser.eval(DRAG_SECOND_ABOVE_FIRST);
        assert_eq!(moved, "paragraph heading", "dragged by the handle");
        // A word processor's paste keeps links, emphasis, headings and lists, and nothing else.
        let v = browser.eval(PASTE_FROM_WORD_PROCESSOR);
        let all = v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>().join("\n");
        for kept in ["<strong>Late</strong>", "<a href=\"https://port.example/notice\">notice</a>", "b.type=list", "b.type=heading"] {
            assert!(all.contains(kept), "the paste keeps {kept}: {all}");
        }
        for dropped in ["javascript", "<span", "style", "<img", "script", "onclick", "color"] {
            assert!(!all.contains(dropped), "the paste drops {dropped}: {all}");
        }
        // A picture dropped into the body goes to the library and becomes an image block.
        let v = picture_into_body(&browser, "drop", "dropped-map.png");
        assert!(v["asset"].as_str().is_some_and(|a| a.ends_with(".png")), "{v}");
        assert!(v["status"].as_str().unwrap().starts_with("Uploaded dropped-map.png"), "{v}");
        browser.type_into("#story-body fieldset.block[data-kind='image'] input[data-field='alt']", "The new route on a map");
        // A picture pasted (a screenshot on the clipboard) is one too.
        let v = picture_into_body(&browser, "paste", "pasted-chart.png");
        assert!(v["status"].as_str().unwrap().starts_with("Uploaded pasted-chart.png"), "{v}");
        let images = browser.eval("return document.querySelectorAll('#body-fields input[name=\"b.asset\"]').length;");
        assert_eq!(images, 2, "a dropped and a pasted picture");
        browser.type_into("#story-body fieldset.block[data-kind='image']:last-of-type input[data-field='alt']", "The timetable as a chart");
        let found = axe_serious(&browser, &axe);
        assert_eq!(found, json!([]), "axe-core: serious or critical findings on the story editor");
        browser.click("#save");
        browser.wait_text(".notice", "Saved.");
        // The page read back into the editor keeps every mark.
        assert_eq!(browser.text("#story-body strong"), "returns");
        assert_eq!(browser.text("#story-body a[href='https://ferry.example/timetable-2027']"), "timetable");
    });
    let mut live = String::new();
    browser.checked("rich-editor-publishes", || {
        browser.click("#action-publish");
        browser.session("POST", "/alert/accept", Some(json!({})));
        browser.wait_for("#live-link");
        live = browser.eval("return document.getElementById('live-link').href;").as_str().unwrap().to_string();
    });
    browser.checked("rich-editor-reader-page", || {
        browser.open(&live, 1280, 900);
        browser.wait_for(".story h1");
        assert_eq!(browser.text(".story-body strong"), "returns");
        assert_eq!(browser.text(".story-body a[href='https://ferry.example/timetable-2027']"), "timetable");
        let order = browser.eval(
            "return [...document.querySelectorAll('.story-body > *')].map((e) => e.tagName.toLowerCase()).join(' ');",
        );
        assert!(order.as_str().unwrap().starts_with("p h2"), "paragraph then heading: {order}");
        assert!(browser.exists(".story-body ul li"), "the pasted list");
        assert!(browser.exists(".story-body figure img[alt='The new route on a map']"), "the dropped picture");
    });
}

fn axe_serious(browser: &Browser, axe: &str) -> serde_json::Value {
    browser.eval(&format!("{axe}; return true;"));
    browser.eval_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document).then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
           .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)));",
    )
}

/// Moves the body's second block above its first by the drag handle (mouse events, as a drag).
const DRAG_SECOND_ABOVE_FIRST: &str = r#"
const body = document.getElementById('story-body');
const [first, second] = body.children;
const r2 = second.getBoundingClientRect(), r1 = first.getBoundingClientRect();
second.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: r2.left + 5, clientY: r2.top + 5 }));
const handle = document.querySelector('.rich-handle');
const dt = new DataTransfer();
handle.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt }));
const at = { bubbles: true, cancelable: true, dataTransfer: dt, clientX: r1.left + 2, clientY: r1.top + 2 };
body.dispatchEvent(new DragEvent('dragover', at));
body.dispatchEvent(new DragEvent('drop', at));
handle.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt }));
return [...document.querySelectorAll('#body-fields input[name="b.type"]')].map((i) => i.value).join(' ');"#;

/// Pastes what a word processor puts on the clipboard at the end of the body.
const PASTE_FROM_WORD_PROCESSOR: &str = r#"
const view = window.newsroomEditor.view;
view.focus();
view.dispatch(view.state.tr.setSelection(window.newsroomEditor.Selection.atEnd(view.state.doc)));
const dt = new DataTransfer();
dt.setData('text/html', '<meta charset="utf-8"><h1 style="color:red">Port notice</h1><p class="MsoNormal"><b>Late</b> sailings <span style="color:#c00" onclick="alert(1)">end</span>, says the <a href="https://port.example/notice">notice</a> and <a href="javascript:alert(2)">this</a>.<img src="https://tracker.example/p.gif"></p><ul><li><p>Monday</p></li><li>Friday</li></ul><script>alert(3)</script>');
dt.setData('text/plain', 'Port notice');
view.dom.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
return [...document.querySelectorAll('#body-fields input')].map((i) => `${i.name}=${i.value}`);"#;

/// Drops (or, with `{event}` a paste, pastes) a PNG made on a canvas into the body; answers when
/// a new image block has its picture, with the editor's status line.
const PICTURE_INTO_BODY: &str = r#"
const done = arguments[arguments.length - 1];
const assets = () => document.querySelectorAll('#body-fields input[name="b.asset"]');
const before = assets().length;
const c = document.createElement('canvas'); c.width = 80; c.height = 60;
// A colour of its own per event: the library keeps one copy of identical bytes.
const g = c.getContext('2d'); g.fillStyle = '{event}' === 'paste' ? '#b3261e' : '#1f7a3a'; g.fillRect(0, 0, 80, 60);
c.toBlob((blob) => {
  const dt = new DataTransfer();
  dt.items.add(new File([blob], '{name}', { type: 'image/png' }));
  const body = document.getElementById('story-body');
  const r = body.lastElementChild.getBoundingClientRect();
  const at = { bubbles: true, cancelable: true, clientX: r.left + 5, clientY: r.bottom - 2 };
  body.dispatchEvent('{event}' === 'paste' ? new ClipboardEvent('paste', { ...at, clipboardData: dt }) : new DragEvent('drop', { ...at, dataTransfer: dt }));
  const t0 = Date.now();
  const wait = () => {
    const status = document.querySelector('.rich-status').textContent;
    const now = [...assets()];
    if (now.length > before && now[now.length - 1].value) done({ asset: now[now.length - 1].value, status });
    else if (Date.now() - t0 > 15000) done({ timeout: status });
    else setTimeout(wait, 100);
  };
  wait();
}, 'image/png');"#;

fn picture_into_body(browser: &Browser, event: &str, name: &str) -> serde_json::Value {
    browser.eval_async(&PICTURE_INTO_BODY.replace("{event}", event).replace("{name}", name))
}
