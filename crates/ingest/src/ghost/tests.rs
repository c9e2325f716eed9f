use super::*;
use newsdesk_core::Block;
use newsdesk_core::article::Section;
use proptest::prelude::*;

use crate::shared;

fn export(name: &str, pages: bool) -> Option<Parsed> {
    let dir = shared::require_shared("ingest::ghost")?;
    let bytes = std::fs::read(dir.join("testdata/ghost-export").join(name)).unwrap();
    Some(parse_ghost(&bytes, &GhostOptions { pages }).unwrap_or_else(|e| panic!("{name}: {e}")))
}

#[test]
fn every_sample_export_imports() {
    for (name, posts, pages) in
        [("ghost-export-db-wrapped.json", 3, 0), ("ghost-export-flat.json", 1, 0), ("v4_export.json", 7, 4)]
    {
        let Some(p) = export(name, false) else { return };
        assert!(p.failed.is_empty(), "{name}: {:?}", p.failed);
        assert_eq!((p.items.len(), p.skipped.len()), (posts, pages), "{name}");
        for item in &p.items {
            let a = item.to_article(&Section::from_label("NEWS").unwrap()).unwrap();
            assert!(!a.body.is_empty(), "{name}: {}", item.uri);
        }
        let Some(all) = export(name, true) else { return };
        assert_eq!(all.items.len(), posts + pages, "{name} with --pages");
    }
}

#[test]
fn people_tags_states_and_links() {
    let Some(p) = export("ghost-export-db-wrapped.json", false) else { return };
    let first = &p.items[0];
    assert_eq!(first.authors, ["Alice Johnson"]);
    assert_eq!((first.section.as_deref(), first.tags.as_slice()), (Some("News"), &["News".to_string()][..]));
    assert_eq!(first.picture.as_ref().unwrap().href.as_deref(), Some("https://example.com/images/feature-1.jpg"));
    let lexical = &p.items[2];
    assert_eq!(lexical.headline, "Post 3 - Lexical");
    assert_eq!(
        lexical.picture.as_ref().and_then(|p| p.href.as_deref()),
        Some("https://example.com/images/lexical-image.jpg")
    );

    let Some(v4) = export("v4_export.json", false) else { return };
    let sell = v4.items.iter().find(|i| i.slug.as_deref() == Some("sell")).unwrap();
    assert_eq!(sell.pub_status, PubStatus::Draft, "a paid-members post is not given away");
    let welcome = v4.items.iter().find(|i| i.slug.as_deref() == Some("welcome")).unwrap();
    assert_eq!(welcome.pub_status, PubStatus::Usable);
    assert!(welcome.deck.as_deref().unwrap().starts_with("We've crammed the most important information"));
    assert_eq!(welcome.first_created, Some("2021-03-24T04:34:15Z".parse().unwrap()));
    assert!(
        !welcome.body.iter().flat_map(|b| b.text()).any(|t| t.contains("__GHOST_URL__")),
        "Ghost's URL placeholder never reaches readers"
    );
}

#[test]
fn bodies_from_each_editor_and_bad_exports() {
    let lexical = r#"{"root":{"children":[{"type":"heading","tag":"h3","children":[{"type":"text","text":"Head"}]},{"type":"paragraph","children":[{"type":"text","text":"One "},{"type":"link","children":[{"type":"text","text":"two"}]}]},{"type":"list","children":[{"type":"listitem","children":[{"type":"text","text":"a"}]}]}]}}"#;
    let mobiledoc = r#"{"version":"0.3.1","markups":[],"atoms":[],"cards":[["hr",{}]],"sections":[[1,"h2",[[0,[],0,"Title"]]],[1,"p",[[0,[],0,"Text <b>"]]],[10,0],[3,"ol",[[[0,[],0,"x"]]]]]}"#;
    let doc = serde_json::json!({"data": {"posts": [
        {"id": "1", "title": "L", "lexical": lexical, "status": "published"},
        {"id": 2, "title": "M", "mobiledoc": mobiledoc, "status": "draft", "published_at": null},
        {"id": "3", "title": "Bad date", "html": "<p>x</p>", "status": "published", "published_at": "someday"},
        {"id": "4", "title": "", "html": "", "status": "published"},
    ]}});
    let p = parse_ghost(doc.to_string().as_bytes(), &GhostOptions::default()).unwrap();
    assert_eq!(
        p.items[0].body,
        vec![
            Block::Heading { text: "Head".into(), level: 3, marks: vec![] },
            Block::Paragraph { text: "One two".into(), marks: vec![] },
            Block::List { ordered: false, items: vec!["a".into()], marks: vec![] },
        ]
    );
    assert_eq!(
        p.items[1].body,
        vec![
            Block::Heading { text: "Title".into(), level: 2, marks: vec![] },
            Block::Paragraph { text: "Text <b>".into(), marks: vec![] },
            Block::List { ordered: true, items: vec!["x".into()], marks: vec![] },
        ]
    );
    assert_eq!((p.items[1].uri.as_str(), p.items[1].pub_status), ("2", PubStatus::Draft));
    assert_eq!(
        p.failed[0].to_string(),
        "item 2 (3): published_at: expected a date-time like 2021-03-24T04:34:09.000Z, found \"someday\""
    );
    assert_eq!(p.skipped, [("4".to_string(), "no title and no text".to_string())]);
    for (bad, want) in [
        (&b"{"[..], "not a Ghost export: line 1"),
        (b"{\"posts\": []}", "expected {\"db\""),
        (b"{\"data\": {\"posts\": 5}}", "not a Ghost export"),
    ] {
        let e = parse_ghost(bad, &GhostOptions::default()).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_ghost(&bytes, &GhostOptions { pages: true });
    }

    #[test]
    fn never_panics_on_odd_posts(title in proptest::option::of("\\PC{0,20}"), html in proptest::option::of("\\PC{0,60}"), status in "[a-z]{0,9}", lexical in proptest::option::of("\\PC{0,40}")) {
        let doc = serde_json::json!({"data": {"posts": [{"id": "1", "title": title, "html": html, "status": status, "lexical": lexical, "mobiledoc": lexical}]}});
        let _ = parse_ghost(doc.to_string().as_bytes(), &GhostOptions::default());
    }
}
