//! `newsdesk import` as a newsroom uses it: the seed capture, bad captures, re-imports.

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
    assert_eq!(line["status"], "unchanged");
    assert_eq!(line["id"], 1);
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 created, 0 updated, 1 unchanged"));
}

#[test]
fn a_malformed_capture_stores_nothing_and_says_where() {
    let data = tempfile::tempdir().unwrap();
    let good = data.path().join("good.txt");
    std::fs::write(&good, "date 2026-01-05 SPORT\n1 min read\nHeadline\nJanuary 5, 2026\n\nBody.\n").unwrap();
    let bad = data.path().join("bad.txt");
    std::fs::write(&bad, "date 2026-01-05 SPORT\n1 min read\nHeadline\nDeck\nHeadline\nCaption / AA\nJan 5th\n")
        .unwrap();
    let db = data.path().join("db");
    let out = newsdesk(&db, &["import", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("error: cannot import {}: line 7: expected the display date", bad.display())),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was stored"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!db.join("newsdesk.db").exists());

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
    assert_eq!((line["status"].as_str(), line["id"].as_i64()), (Some("unchanged"), Some(1)));

    // A new version of the item updates the story as a new revision.
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&v3).unwrap()).unwrap();
    doc["version"] = "3".into();
    doc["headlines"][0]["value"] = "Faktencheck: Zwayer lag richtig".into();
    let newer = data.path().join("newer.json");
    std::fs::write(&newer, doc.to_string()).unwrap();
    let out = newsdesk(data.path(), &["import", "--json", newer.to_str().unwrap()]);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((line["status"].as_str(), line["revision"].as_i64()), (Some("updated"), Some(2)));
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
    let bad = data.path().join("bad.json");
    std::fs::write(&bad, r#"[{"uri": "a", "headline": "x", "body_text": "y"}, {"uri": "b", "headline": "z", "versioncreated": "soon", "body_text": "w"}]"#).unwrap();
    let mut args = vec!["import", "--dry-run", "--json"];
    args.extend(files.iter().map(String::as_str));
    let out = newsdesk(data.path(), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let items = String::from_utf8(out.stdout).unwrap().lines().count();
    assert!(items >= files.len(), "{items} items from {} files", files.len());

    let out = newsdesk(data.path(), &["import", "--keep-going", files[0].as_str(), bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&format!("{}: item 1: versioncreated: expected a date-time", bad.display())), "{stderr}");
    assert!(stderr.contains("1 created, 0 updated, 0 unchanged (repeats or older versions), 1 failed"), "{stderr}");
}
