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
