//! `newsdesk import` as a newsroom uses it: every format and sample of ../shared/testdata, bad
//! input, re-imports, the wire queue.

mod common;

use common::{newsdesk, shared};

#[test]
fn dry_run_json_reproduces_the_expected_record() {
    let Some(dir) = shared::require_shared("newsdesk::dry_run_json_reproduces_the_expected_record") else { return };
    let data = tempfile::tempdir().unwrap();
    let seed = common::seed_path(&dir);
    let out = newsdesk(data.path(), &["import", "--dry-run", "--json", seed.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    let got: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let mut want: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("testdata/seed/000_53d1d0ba0fc63e9e.expected.json")).unwrap())
            .unwrap();
    want.as_object_mut().unwrap().remove("_notes");
    assert_eq!(got, want);
    assert!(!data.path().join("newsdesk.db").exists(), "a dry run stores nothing");
}

#[test]
fn importing_twice_gives_one_article() {
    let Some(dir) = shared::require_shared("newsdesk::importing_twice_gives_one_article") else { return };
    let data = tempfile::tempdir().unwrap();
    let seed = common::seed_path(&dir);
    let first = newsdesk(data.path(), &["import", seed.to_str().unwrap()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let url = String::from_utf8(first.stdout).unwrap();
    assert_eq!(
        url.trim(),
        "http://127.0.0.1:8080/europe/nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks"
    );
    let second = newsdesk(data.path(), &["import", "--json", seed.to_str().unwrap()]);
    let line: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(line["status"], "duplicate");
    assert_eq!(line["id"], 1);
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("imported: 0 imported, 0 updated, 1 duplicate, 0 skipped, 0 failed")
    );
}

#[test]
fn a_malformed_capture_is_named_stores_nothing_and_stops_nothing_else() {
    let data = tempfile::tempdir().unwrap();
    let good = data.path().join("good.txt");
    std::fs::write(&good, "date 2026-01-05 SPORT\n1 min read\nHeadline\nJanuary 5, 2026\n\nBody.\n").unwrap();
    let bad = data.path().join("bad.txt");
    std::fs::write(&bad, "date 2026-01-05 SPORT\n1 min read\nHeadline\nDeck\nHeadline\nCaption / AA\nJan 5th\n")
        .unwrap();
    let db = data.path().join("db");
    let out = newsdesk(&db, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("error: cannot import {}: line 7: expected the display date", bad.display())),
        "{stderr}"
    );
    assert!(stderr.contains("0 imported, 0 updated, 0 duplicate, 0 skipped, 1 failed"), "{stderr}");
    assert!(out.stdout.is_empty());
    // The next story stored is the first: nothing of the bad one was.
    let out = newsdesk(&db, &["import", "--json", bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(!out.status.success(), "a failure in the batch is the exit status");
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((line["id"].as_i64(), line["status"].as_str()), (Some(1), Some("imported")));

    let missing = newsdesk(&db, &["import", "/no/such/file.txt"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/no/such/file.txt"));
}

#[test]
fn every_command_has_help() {
    for cmd in
        [&["--help"][..], &["serve", "--help"], &["demo", "--help"], &["import", "--help"], &["bench-render", "--help"]]
    {
        let out = std::process::Command::new(common::BIN).args(cmd).output().unwrap();
        assert!(out.status.success(), "{cmd:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("--data"), "{cmd:?} documents --data:\n{text}");
    }
}

#[test]
fn ninjs_items_import_once_per_version() {
    let Some(dir) = shared::require_shared("newsdesk::ninjs_import") else { return };
    let data = tempfile::tempdir().unwrap();
    let v3 = dir.join("testdata/ninjs/examples/agency/3.0/dpa_text.json");
    let v2 = dir.join("testdata/ninjs/examples/agency/2.1/dpa_text.json");
    let out = newsdesk(data.path(), &["import", "--section", "SPORT", v3.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "http://127.0.0.1:8080/sport/faktencheck-derby-elfmeter-hat-schiedsrichter-zwayer-recht"
    );
    // The same item (same uri and version) delivered again in ninjs 2.1: nothing changes.
    let again = newsdesk(data.path(), &["import", "--json", v2.to_str().unwrap()]);
    let line: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!((line["status"].as_str(), line["id"].as_i64()), (Some("duplicate"), Some(1)));

    // A new version of the item updates the story as a new revision.
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&v3).unwrap()).unwrap();
    doc["version"] = "3".into();
    doc["headlines"][0]["value"] = "Faktencheck: Zwayer lag richtig".into();
    let newer = data.path().join("newer.json");
    std::fs::write(&newer, doc.to_string()).unwrap();
    let out = newsdesk(data.path(), &["import", "--json", newer.to_str().unwrap()]);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((line["status"].as_str(), line["id"].as_i64()), (Some("updated"), Some(1)));
    assert!(
        line["url"].as_str().unwrap().ends_with("/sport/faktencheck-derby-elfmeter-hat-schiedsrichter-zwayer-recht"),
        "the URL stays"
    );
}

#[test]
fn every_agency_example_imports_and_bad_ones_are_named() {
    let Some(dir) = shared::require_shared("newsdesk::ninjs_agency_examples") else { return };
    let data = tempfile::tempdir().unwrap();
    let mut files: Vec<String> = vec![];
    for version in ["1.4", "2.1", "3.0"] {
        for e in std::fs::read_dir(dir.join("testdata/ninjs/examples/agency").join(version)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "json") {
                files.push(e.path().to_string_lossy().into_owned());
            }
        }
    }
    files.push(
        dir.join("testdata/ninjs/examples/agency/3.0/collection/20231016-event-timeline-sample.json")
            .to_string_lossy()
            .into_owned(),
    );
    let bad = data.path().join("bad.json");
    std::fs::write(&bad, r#"[{"uri": "a", "headline": "x", "body_text": "y"}, {"uri": "b", "headline": "z", "pubstatus": "soon", "body_text": "w"}]"#).unwrap();
    let mut args = vec!["import", "--dry-run", "--json"];
    args.extend(files.iter().map(String::as_str));
    let out = newsdesk(data.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The timeline sample's items break ninjs 3.0 (IPTC's own schema refuses them too).
    assert!(stderr.contains("20231016-event-timeline-sample.json: item 0"), "{stderr}");
    let items = String::from_utf8(out.stdout).unwrap().lines().count();
    assert!(items + 1 >= files.len(), "{items} items from {} files", files.len());

    let out = newsdesk(data.path(), &["import", files[0].as_str(), bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .contains(&format!("{}: item 1 (b): pubstatus: expected one of usable, withheld, canceled", bad.display())),
        "{stderr}"
    );
    assert!(stderr.contains("imported: 2 imported, 0 updated, 0 duplicate, 0 skipped, 1 failed"), "{stderr}");
}

/// Runs `newsdesk import --dry-run` on `files`; (exit success, stderr).
fn check(data: &std::path::Path, extra: &[&str], files: &[std::path::PathBuf]) -> (bool, String) {
    let mut args = vec!["import", "--dry-run"];
    args.extend_from_slice(extra);
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    args.extend(names.iter().map(String::as_str));
    let out = newsdesk(data, &args);
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn in_dir(dir: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == ext)).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_shared_sample_behaves_as_its_readme_says() {
    let Some(dir) = shared::require_shared("newsdesk::every_shared_sample") else { return };
    let data = tempfile::tempdir().unwrap();
    let t = dir.join("testdata");

    // NewsML-G2: the examples that validate and every should_pass unit test are read (news and
    // package items become stories, the other kinds are skipped with the reason); the two
    // should_fail files and the examples that do not validate are refused, by item and field.
    let g2 = t.join("newsml-g2");
    let invalid = ["LISTING_7_", "LISTING_8_", "LISTING_9_", "LISTING_24_", "LISTING_25_", "LISTING_28_"];
    let (valid, refused): (Vec<_>, Vec<_>) = in_dir(&g2.join("examples"), "xml").into_iter().partition(|p| {
        let name = p.file_name().unwrap().to_string_lossy();
        !invalid.iter().any(|i| name.starts_with(i))
    });
    let (ok, err) = check(data.path(), &[], &valid);
    assert!(ok, "{err}");
    assert!(
        err.contains("checked (--dry-run, nothing stored): 15 imported, 0 updated, 0 duplicate, 14 skipped, 0 failed"),
        "{err}"
    );
    for version in ["2.33", "2.34", "2.35"] {
        let (ok, err) =
            check(data.path(), &[], &in_dir(&g2.join("unit_tests").join(version).join("should_pass"), "xml"));
        assert!(ok, "{version}: {err}");
        for f in in_dir(&g2.join("unit_tests").join(version).join("should_fail"), "xml") {
            let (ok, err) = check(data.path(), &[], std::slice::from_ref(&f));
            assert!(!ok && err.contains("error: cannot import") && err.contains(" 1 failed"), "{}: {err}", f.display());
        }
    }
    for f in refused {
        let (ok, err) = check(data.path(), &[], std::slice::from_ref(&f));
        assert!(!ok && err.contains("error: cannot import"), "{}: {err}", f.display());
    }

    // Feeds: all but the truncated RSS and the JSON Feed that breaks its spec (read with notes,
    // but one of its items has no text).
    let feeds = t.join("feeds");
    let mut good = vec![];
    for kind in ["rss0", "rss1", "rss2", "atom", "jsonfeed"] {
        good.extend(in_dir(&feeds.join(kind), if kind == "jsonfeed" { "json" } else { "xml" }));
    }
    let bad: Vec<_> = good
        .iter()
        .filter(|p| p.to_string_lossy().contains("invalid_1") || p.to_string_lossy().contains("elastic"))
        .cloned()
        .collect();
    good.retain(|p| !bad.contains(p));
    let (ok, err) = check(data.path(), &[], &good);
    assert!(ok && err.contains("16 imported, 0 updated, 0 duplicate, 0 skipped, 0 failed"), "{err}");
    for f in bad {
        let (ok, err) = check(data.path(), &[], std::slice::from_ref(&f));
        assert!(!ok, "{}: {err}", f.display());
        if f.to_string_lossy().contains("elastic") {
            assert!(err.contains("2 imported") && err.contains(" 1 failed"), "{err}");
            assert!(
                err.contains("no id; its url https://www.influxdata.com/blog/"),
                "the note is in the summary: {err}"
            );
        } else {
            assert!(err.contains("truncated"), "{err}");
        }
    }

    // A WordPress export and the Ghost exports.
    let (ok, err) = check(data.path(), &[], &[t.join("wordpress-wxr/themeunittestdata.wordpress.xml")]);
    assert!(ok && err.contains("51 imported, 0 updated, 0 duplicate, 129 skipped, 0 failed"), "{err}");
    let (ok, err) = check(data.path(), &["--pages"], &[t.join("wordpress-wxr/themeunittestdata.wordpress.xml")]);
    assert!(ok && err.contains("72 imported"), "{err}");
    let (ok, err) = check(data.path(), &[], &in_dir(&t.join("ghost-export"), "json"));
    assert!(ok && err.contains("11 imported, 0 updated, 0 duplicate, 4 skipped, 0 failed"), "{err}");

    // ninjs: IPTC's conformance suite, each folder held to its version.
    let suite = t.join("ninjs/test_suite");
    for folder in std::fs::read_dir(&suite).unwrap().flatten() {
        let name = folder.file_name().to_string_lossy().into_owned();
        let version = match name.as_str() {
            "1.x_dev" => "1.6".to_string(),
            "2.x_dev" => "2.2".to_string(),
            v => v.to_string(),
        };
        let pass = in_dir(&folder.path().join("should_pass"), "json");
        let (ok, err) = check(data.path(), &["--ninjs-version", &version], &pass);
        assert!(ok, "{name} should_pass: {err}");
        let fail = in_dir(&folder.path().join("should_fail"), "json");
        let (ok, err) = check(data.path(), &["--strict", "--ninjs-version", &version], &fail);
        assert!(!ok && err.contains(&format!(" {} failed", fail.len())), "{name} should_fail: {err}");
    }
}

#[test]
fn the_wire_queue_groups_near_duplicates_and_counts_redeliveries() {
    let data = tempfile::tempdir().unwrap();
    let write = |name: &str, doc: serde_json::Value| {
        let p = data.path().join(name);
        std::fs::write(&p, doc.to_string()).unwrap();
        p.to_string_lossy().into_owned()
    };
    let a = write(
        "aa.json",
        serde_json::json!({"uri": "urn:aa:1", "headline": "Ferries resume between Izmir and Chios",
        "body_text": "Ferry services between Izmir and the Greek island of Chios resumed on Monday after a three-day suspension caused by strong northerly winds, the port authority said. Operators added extra sailings to clear a backlog of passengers."}),
    );
    let b = write(
        "dpa.json",
        serde_json::json!({"uri": "urn:dpa:7", "headline": "Izmir-Chios ferries running again",
        "body_text": "Ferries between the Turkish port of Izmir and the Greek island of Chios were running again on Monday, the port authority said, after gale-force northerly winds halted services for three days. Extra sailings were added to clear the backlog."}),
    );
    let c = write(
        "other.json",
        serde_json::json!({"uri": "urn:aa:2", "headline": "Central bank holds rates",
        "body_text": "The central bank left its main interest rate unchanged on Thursday, saying inflation was easing more slowly than expected."}),
    );
    let out = newsdesk(data.path(), &["import", "--to-queue", "--json", &a, &b, &c, &a]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let statuses: Vec<&str> = lines.iter().map(|l| l["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["queued", "queued", "queued", "duplicate"]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("imported: 3 imported, 0 updated, 1 duplicate, 0 skipped, 0 failed")
    );
    assert!(lines.iter().all(|l| l["url"].as_str().unwrap().ends_with("/newsroom/wire")));
    // The same story from two agencies is one group; the third story its own.
    assert_eq!(lines[0]["cluster"], lines[1]["cluster"]);
    assert_ne!(lines[0]["cluster"], lines[2]["cluster"]);
    let out = newsdesk(data.path(), &["import", "--to-queue", "--json", &b]);
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["status"], "duplicate");
    assert_eq!(lines[1]["id"], again["id"]);
}

#[test]
fn reindex_rebuilds_an_existing_data_directory_and_refuses_a_missing_one() {
    let Some(dir) =
        shared::require_shared("newsdesk::reindex_rebuilds_an_existing_data_directory_and_refuses_a_missing_one")
    else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let wrong = data.path().join("no-such-dir");
    let out = newsdesk(&wrong, &["reindex"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database at") && err.contains("no-such-dir"), "{err}");
    assert!(!wrong.exists(), "nothing is created for a mistyped directory");
    let imported = newsdesk(data.path(), &["import", common::seed_path(&dir).to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let out = newsdesk(data.path(), &["reindex"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("indexed 1 articles"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A WXR element's text, with or without CDATA.
fn wxr_value<'a>(item: &'a str, tag: &str) -> &'a str {
    let Some(v) = item.split(&format!("<{tag}>")).nth(1).and_then(|v| v.split(&format!("</{tag}>")).next()) else {
        return "";
    };
    v.strip_prefix("<![CDATA[").and_then(|v| v.strip_suffix("]]>")).unwrap_or(v)
}

/// Links around words in the source of the posts readers can see (published, no password);
/// links around nothing but a picture are the picture's, not the text's. (around text, all)
fn text_links_in_wxr_posts(xml: &str) -> (usize, usize) {
    let (mut text_links, mut all) = (0, 0);
    for item in xml.split("<item>").skip(1) {
        let visible = wxr_value(item, "wp:post_type") == "post"
            && wxr_value(item, "wp:status") == "publish"
            && wxr_value(item, "wp:post_password").is_empty();
        if !visible {
            continue;
        }
        let Some(body) =
            item.split("<content:encoded><![CDATA[").nth(1).and_then(|b| b.split("]]></content:encoded>").next())
        else {
            continue;
        };
        for a in body.split("<a ").skip(1) {
            let Some((open, rest)) = a.split_once('>') else { continue };
            if !open.contains("href=") {
                continue;
            }
            all += 1;
            let inner = rest.split("</a>").next().unwrap_or("");
            let mut words = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => words.push(c),
                    _ => {}
                }
            }
            if !words.trim().is_empty() {
                text_links += 1;
            }
        }
    }
    (text_links, all)
}

/// Links a reader page's story body carries from its text (not an embed's own link).
fn text_links_on_page(html: &str) -> usize {
    let Some(body) = html.split("<div class=\"story-body\">").nth(1) else { return 0 };
    // Up to the `</div>` that closes the story body (embed cards hold divs of their own).
    let (mut depth, mut end) = (1, body.len());
    for (at, _) in body.match_indices("div") {
        if body[..at].ends_with("</") {
            depth -= 1;
        } else if body[..at].ends_with('<') {
            depth += 1;
        }
        if depth == 0 {
            end = at - 2;
            break;
        }
    }
    let body = &body[..end];
    // Recommended and Related are the site's asides, not the story's text.
    let mut text = String::new();
    let mut rest = body;
    while let Some(at) = rest.find("<aside") {
        text.push_str(&rest[..at]);
        rest = rest[at..].split_once("</aside>").map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    text.split("<a href=\"").skip(1).filter(|a| !a.split('>').next().unwrap_or("").contains("nofollow")).count()
}

#[test]
fn a_wordpress_archive_keeps_its_links_on_the_reader_pages() {
    let test = "newsdesk::wxr_links_kept";
    let Some(dir) = shared::require_shared(test) else { return };
    let file = dir.join("testdata/wordpress-wxr/themeunittestdata.wordpress.xml");
    let (source_text_links, source_links) = text_links_in_wxr_posts(&std::fs::read_to_string(&file).unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = newsdesk(&data, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8(newsdesk(&data, &["api-key", "add", "links"]).stdout).unwrap().trim().to_string();
    let server = common::Server::start("serve", &data);
    let list = ureq::get(&format!("{}/api/v1/articles?limit=100&fields=url", server.url))
        .set("Authorization", &format!("Bearer {key}"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let urls: Vec<String> =
        list["data"].as_array().unwrap().iter().map(|a| a["url"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        urls.len(),
        48,
        "every post readers may see is on the site (not the draft, the scheduled one, the password-protected one)"
    );
    let mut on_pages = 0;
    let mut external = 0;
    for url in &urls {
        let path = url.strip_prefix(&server.url).unwrap_or(url);
        let (status, html) = server.get(path);
        assert_eq!(status, 200, "{path}");
        on_pages += text_links_on_page(&html);
        external += html.matches("rel=\"external noopener\"").count();
    }
    eprintln!(
        "WordPress theme unit test: {source_links} <a href in the source posts ({source_text_links} around text, the rest around pictures only); {on_pages} links on the imported pages ({external} leaving the site)"
    );
    // Two links to one file side by side ("File Block PDF" and its "Download" button) read as
    // one; every other link around text reaches the page.
    assert!(on_pages + 1 >= source_text_links, "{on_pages} of {source_text_links}");
    assert!(external > 0 && on_pages <= source_text_links, "{on_pages} of {source_text_links}");
}

#[test]
fn agency_formats_are_told_apart_and_named() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/fixtures");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for (file, format, items) in [
        ("nitf-3.6.xml", "nitf", 1),
        ("nitf-3.2-latin1-kill.xml", "nitf", 1),
        ("newsml-1.2.xml", "newsml-1.2", 2),
        ("ap-media-feed.json", "ap-media", 2),
        ("iptc-7901.txt", "iptc-7901", 1),
    ] {
        let path = fixtures.join(file);
        let out = newsdesk(&data, &["import", "--dry-run", "--json", path.to_str().unwrap()]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), items, "{file}: {stdout}");
        assert!(lines.iter().all(|l| l["format"] == format), "{file}: {stdout}");
    }
    // Imported for real: the NITF story is on the site with its link, the NewsML 1.2 kill is not.
    let nitf = fixtures.join("nitf-3.6.xml");
    let newsml1 = fixtures.join("newsml-1.2.xml");
    let out = newsdesk(&data, &["import", nitf.to_str().unwrap(), newsml1.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 imported") && err.contains("1 failed"), "{err}");
    assert!(
        err.contains("item 2: Identification/NewsIdentifier/NewsItemId: missing"),
        "the broken item is named: {err}"
    );

    let garbage = tmp.path().join("wire.bin");
    std::fs::write(&garbage, b"ZCZC garbage that is no format").unwrap();
    let out = newsdesk(&data, &["import", "--dry-run", garbage.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && err.contains("cannot tell the format (tried ninjs")
            && err.contains("NITF, NewsML 1.2"),
        "{err}"
    );
}

/// A wire item whose picture is on a server at 127.0.0.1 (allowed with
/// `--wire-photos-allow-private`): once the server's wire photo job has fetched it and the
/// renditions job has made its renditions, the story's page shows it in a `<picture>` with the
/// agency's credit; a picture nobody can fetch leaves its story as it was.
#[test]
fn a_wire_items_remote_picture_ends_up_on_its_page() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let photos = format!("http://{}", listener.local_addr().unwrap());
    let jpeg = newsdesk_ingest::image::meta::test_camera_jpeg(800, 600, "Embedded", "Embedded");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(20) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let ok = String::from_utf8_lossy(&buf[..n]).starts_with("GET /pic1.jpg ");
            let body: &[u8] = if ok { &jpeg } else { b"gone" };
            let status = if ok { "200 OK" } else { "404 Not Found" };
            let _ = write!(s, "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = s.write_all(body);
        }
    });
    let data = tempfile::tempdir().unwrap();
    let item = serde_json::json!({
        "uri": "urn:test:wire-photo", "version": "1", "type": "text", "language": "en",
        "headlines": [{ "value": "Ferries resume after the storm" }],
        "bodies": [{ "role": "main", "contenttype": "text/plain", "value": "Ferries sailed again on Monday, the port said." }],
        "copyrightholder": "AA",
        "associations": { "featureimage": { "type": "picture", "uri": "urn:test:pic1",
            "descriptions": [{ "role": "caption", "value": "A ferry leaves the port." }],
            "renditions": { "main": { "href": format!("{photos}/pic1.jpg") } } } }
    });
    let file = data.path().join("item.json");
    std::fs::write(&file, item.to_string()).unwrap();
    let out = newsdesk(data.path(), &["import", "--section", "Europe", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = String::from_utf8(out.stdout).unwrap().trim().split_once("8080").unwrap().1.to_string();
    let server = common::Server::start_with(
        "serve",
        data.path(),
        &[("NEWSDESK_WIRE_PHOTOS_ALLOW_PRIVATE", "true"), ("NEWSDESK_NO_RENDITIONS", "false")],
    );
    let t0 = std::time::Instant::now();
    loop {
        let (status, page) = server.get(&path);
        assert_eq!(status, 200, "{path}");
        let lead = page
            .split("<figure class=\"lead-image")
            .nth(1)
            .unwrap_or("")
            .split("</figure>")
            .next()
            .unwrap_or("")
            .to_string();
        if lead.contains("<source type=\"image/webp\" srcset=\"/media/r/") {
            assert!(lead.contains("A ferry leaves the port."), "the agency's caption: {lead}");
            break;
        }
        assert!(t0.elapsed() < std::time::Duration::from_secs(120), "the wire picture never reached the page: {lead}");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}
