use super::*;
use proptest::prelude::*;

use crate::shared;

fn examples(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_example_item_parses_and_becomes_an_article() {
    let Some(dir) = shared::require_shared("ingest::ninjs_examples") else { return };
    let section = Section::from_label("WIRE").unwrap();
    let root = dir.join("testdata/ninjs/examples");
    let files = examples(&root);
    assert!(files.len() >= 50, "{} example files", files.len());
    let mut items = 0;
    for f in files {
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        // Schema-extension samples are schemas, not items; `not-valid` holds the user guide's
        // counter-examples, which are schema questions, not publishing ones.
        if (name.contains("schema-extension") && !name.ends_with("example.json")) || name.contains("not-valid") {
            continue;
        }
        // The user guide's renditions snippet is a fragment ("body": "...", no headline): it
        // must be refused with a clear reason rather than published.
        if name.contains("002_renditions_example") {
            let e = parse_ninjs(&std::fs::read(&f).unwrap()).unwrap_err();
            assert!(e.to_string().contains("headlines: missing"), "{name}: {e}");
            continue;
        }
        let parsed = parse_ninjs(&std::fs::read(&f).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        for item in parsed {
            let a = item.to_article(&section).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!a.headline.is_empty() && !a.body.is_empty(), "{name}");
            items += 1;
        }
    }
    assert!(items >= 50, "{items} items");
}

#[test]
fn a_dpa_text_item_in_detail() {
    let Some(dir) = shared::require_shared("ingest::ninjs_dpa") else { return };
    let bytes = std::fs::read(dir.join("testdata/ninjs/examples/agency/3.0/dpa_text.json")).unwrap();
    let item = parse_ninjs(&bytes).unwrap().remove(0);
    assert_eq!(item.headline, "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?");
    assert_eq!((item.language.as_str(), item.urgency, item.version.as_deref()), ("de", Some(4), Some("2")));
    assert_eq!(item.body.len(), 9);
    assert!(
        matches!(&item.body[0], Block::Paragraph { text } if text.starts_with("Für Lucien Favre war es «der größte Skandal"))
    );
    let a = item.to_article(&Section::from_label("SPORT").unwrap()).unwrap();
    assert_eq!(a.authors, ["Christian Hollmann"]);
    assert_eq!(a.source.as_deref(), Some("dpa"));
    assert_eq!(a.published_at, Some("2019-05-10T14:02:28Z".parse().unwrap()));
    assert_eq!(item.external_id(), "ninjs:urn:newsml:dpa.com:20090101:190510-99-167362");
    // The same story in ninjs 2.1 (lowercase keys) reads the same.
    let v2 =
        parse_ninjs(&std::fs::read(dir.join("testdata/ninjs/examples/agency/2.1/dpa_text.json")).unwrap()).unwrap();
    assert_eq!(v2[0].body, item.body);
}

#[test]
fn a_ninjs_1_item_with_a_picture_and_a_dateline() {
    let Some(dir) = shared::require_shared("ingest::ninjs_1x") else { return };
    let bytes = std::fs::read(dir.join("testdata/ninjs/examples/agency/1.4/ninjsExComplex1.json")).unwrap();
    let item = parse_ninjs(&bytes).unwrap().remove(0);
    assert_eq!(item.headline, "Captain of wrecked cruise ship on trial in Italy");
    assert!(item.picture.is_some(), "the associated picture becomes the lead image");
    let a = item.to_article(&Section::from_label("EUROPE").unwrap()).unwrap();
    assert_eq!(a.authors, ["Paulo Santalucia", "Frances d'Emilio"]);
    // The story already opens with its dateline ("GROSSETO, Italy (AP) --"): none is added.
    assert!(
        matches!(&a.body[0], Block::Paragraph { text } if text.starts_with("GROSSETO, Italy (AP)")),
        "{:?}",
        a.body[0]
    );
    assert_eq!(a.source, None, "no copyright holder or info source is named, and none is guessed");
    let plain = r#"{"uri": "u", "headline": "H", "located": "Izmir, Türkiye", "body_text": "Ferries resumed.", "infoSources": [{"name": "AA"}]}"#;
    let a =
        parse_ninjs(plain.as_bytes()).unwrap().remove(0).to_article(&Section::from_label("EUROPE").unwrap()).unwrap();
    assert_eq!(a.body[0], Block::Paragraph { text: "IZMIR, TÜRKIYE — Ferries resumed.".into() });
    assert_eq!(a.source.as_deref(), Some("AA"));
}

#[test]
fn bad_documents_name_the_item_and_the_field() {
    let cases: &[(&str, &str)] = &[
        ("{", "document: not JSON: line 1 column 1"),
        ("42", "document: expected a ninjs object"),
        ("[]", "document: expected a ninjs object"),
        (r#"{"headline": "x", "body_text": "y"}"#, "uri: missing"),
        (r#"{"uri": "u", "headlines": "x"}"#, "headlines: expected an array, found a string"),
        (r#"{"uri": "u", "headline": "x"}"#, "bodies: missing"),
        (
            r#"{"uri": "u", "headline": "x", "body_text": "y", "versioncreated": "yesterday"}"#,
            "versioncreated: expected a date-time",
        ),
        (r#"{"uri": "u", "headline": "x", "body_text": "y", "pubstatus": "maybe"}"#, "pubStatus: expected usable"),
        (r#"[{"uri": "a", "headline": "x", "body_text": "y"}, 7]"#, "item 1: item: expected a JSON object"),
        (
            r#"[{"uri": "a", "headline": "x", "body_text": "y"}, {"uri": 5}]"#,
            "item 1: uri: expected a string, found a number",
        ),
    ];
    for (doc, want) in cases {
        let e = parse_ninjs(doc.as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with(want), "{doc}: {e}");
    }
}

#[test]
fn versions_embargo_and_status() {
    let doc = r#"{"uri": "urn:x", "version": 3, "headline": "<b>Bold</b> news", "body_html5": "<p>One</p><script>x()</script><p>Two</p>",
        "firstcreated": "2026-01-05T08:00:00Z", "versioncreated": "2026-01-05T09:00:00Z", "embargoed": "2026-01-06T00:00:00Z", "pubstatus": "withheld"}"#;
    let item = parse_ninjs(doc.as_bytes()).unwrap().remove(0);
    assert_eq!(item.headline, "Bold news");
    assert_eq!(item.body, vec![Block::Paragraph { text: "One".into() }, Block::Paragraph { text: "Two".into() }]);
    let a = item.to_article(&Section::from_label("WIRE").unwrap()).unwrap();
    assert_eq!(a.published_at, Some("2026-01-06T00:00:00Z".parse().unwrap()), "the embargo holds it back");
    assert_eq!(a.state, WorkflowState::Unpublished);
    assert_eq!(a.source.as_deref(), None, "nothing names the provider");
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_ninjs(&bytes);
    }

    #[test]
    fn never_panics_on_near_items(
        uri in proptest::option::of("[a-z:]{0,10}"), headline in proptest::option::of("\\PC{0,30}"),
        body in proptest::option::of("\\PC{0,80}"), extra in "[a-zA-Z]{1,12}", value in "(\"[a-z]*\"|[1-9][0-9]{0,2}|null|\\[\\]|\\{\\})",
    ) {
        let mut obj = serde_json::Map::new();
        if let Some(u) = uri { obj.insert("uri".into(), u.into()); }
        if let Some(h) = headline { obj.insert("headline".into(), h.into()); }
        if let Some(b) = body { obj.insert("body_html".into(), b.into()); }
        obj.insert(extra, serde_json::from_str(&value).unwrap());
        let bytes = serde_json::to_vec(&obj).unwrap();
        if let Ok(items) = parse_ninjs(&bytes) {
            for item in items {
                let _ = item.to_article(&Section::from_label("WIRE").unwrap());
            }
        }
    }
}
