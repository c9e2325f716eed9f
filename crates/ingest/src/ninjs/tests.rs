use super::*;
use newsdesk_core::WorkflowState;
use newsdesk_core::article::Section;
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

/// Examples IPTC's own schemas refuse (`check::tests` has why), with what the refusal says.
const REFUSED_EXAMPLES: [(&str, &str); 3] = [
    ("spec-doc/not-valid/008_extension.json", "embargoedreason: not a ninjs 2.2 property"),
    ("agency/2.1/schema-extension/extension-example.json", "foofoo: not a ninjs 2.1 property"),
    (
        "agency/3.0/collection/20231016-event-timeline-sample.json",
        "eventDetails.dates.estimatedEndDate: not allowed here",
    ),
];

#[test]
fn every_example_item_parses_and_becomes_an_article() {
    let Some(dir) = shared::require_shared("ingest::ninjs_examples") else { return };
    let section = Section::from_label("WIRE").unwrap();
    let root = dir.join("testdata/ninjs/examples");
    let files = examples(&root);
    assert!(files.len() >= 50, "{} example files", files.len());
    let (mut items, mut refused) = (0, 0);
    for f in files {
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        // A JSON Schema document, not an item; and the user guide's counter-examples that are
        // about publishing, not the schema.
        if name.ends_with("extension-schema.json")
            || (name.contains("not-valid") && !name.ends_with("008_extension.json"))
        {
            continue;
        }
        // Strictly: the examples are held to the schema they declare.
        let parsed = parse_ninjs_as(&std::fs::read(&f).unwrap(), None).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some((_, why)) = REFUSED_EXAMPLES.iter().find(|(n, _)| *n == name) {
            assert!(parsed.items.is_empty(), "{name}");
            for e in &parsed.failed {
                assert!(e.to_string().contains(why), "{name}: {e}");
            }
            refused += parsed.failed.len();
            continue;
        }
        // The user guide's renditions snippet is a fragment ("body": "...", no headline): it
        // is skipped with the reason rather than published.
        if name.contains("002_renditions_example") {
            assert_eq!(parsed.skipped.len(), 1, "{name}: a fragment with no headline is skipped, not published");
            continue;
        }
        assert!(
            parsed.failed.is_empty() && parsed.skipped.is_empty(),
            "{name}: {:?} {:?}",
            parsed.failed,
            parsed.skipped
        );
        for item in parsed.items {
            let a = item.to_article(&section).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!a.headline.is_empty() && !a.body.is_empty(), "{name}");
            items += 1;
        }
    }
    assert!(items >= 50, "{items} items");
    assert_eq!(refused, 1 + 1 + 14);
}

/// IPTC's conformance suite through the importer: every `should_pass` item is read (or skipped
/// when it has nothing to publish), every `should_fail` item is refused with its field named,
/// holding each file to its folder's version (`--ninjs-version`).
#[test]
fn the_conformance_suite_through_the_importer() {
    let Some(dir) = shared::require_shared("ingest::ninjs_suite") else { return };
    let suite = dir.join("testdata/ninjs/test_suite");
    let (mut passed, mut refused, mut not_json) = (0, 0, 0);
    for folder in std::fs::read_dir(&suite).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()) {
        let version: check::Version = match folder.as_str() {
            "1.x_dev" => "1.6".parse().unwrap(),
            "2.x_dev" => "2.2".parse().unwrap(),
            v => v.parse().unwrap(),
        };
        for (kind, should_pass) in [("should_pass", true), ("should_fail", false)] {
            let Ok(entries) = std::fs::read_dir(suite.join(&folder).join(kind)) else { continue };
            for f in entries.flatten().map(|e| e.path()) {
                let name = format!("{folder}/{kind}/{}", f.file_name().unwrap().to_string_lossy());
                let result = parse_ninjs_as(&std::fs::read(&f).unwrap(), Some(version));
                match (result, should_pass) {
                    (Ok(p), true) => {
                        assert!(p.failed.is_empty(), "{name}: {:?}", p.failed);
                        assert_eq!(p.items.len() + p.skipped.len(), 1, "{name}");
                        passed += 1;
                    }
                    (Ok(p), false) => {
                        assert!(p.items.is_empty() && p.failed.len() == 1, "{name} must be refused");
                        assert!(!p.failed[0].field.is_empty() && !p.failed[0].message.is_empty());
                        refused += 1;
                    }
                    (Err(e), false) => {
                        assert!(e.to_string().starts_with("document: not JSON: line "), "{name}: {e}");
                        not_json += 1;
                    }
                    (Err(e), true) => panic!("{name}: {e}"),
                }
            }
        }
    }
    assert_eq!((passed, refused, not_json), (158, 65, 5));
}

#[test]
fn a_dpa_text_item_in_detail() {
    let Some(dir) = shared::require_shared("ingest::ninjs_dpa") else { return };
    let bytes = std::fs::read(dir.join("testdata/ninjs/examples/agency/3.0/dpa_text.json")).unwrap();
    let item = parse_ninjs(&bytes).unwrap().items.remove(0);
    assert_eq!(item.headline, "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?");
    assert_eq!((item.language.as_str(), item.urgency, item.version.as_deref()), ("de", Some(4), Some("2")));
    assert_eq!(item.body.len(), 9);
    assert!(
        matches!(&item.body[0], Block::Paragraph { text, .. } if text.starts_with("Für Lucien Favre war es «der größte Skandal"))
    );
    let a = item.to_article(&Section::from_label("SPORT").unwrap()).unwrap();
    assert_eq!(a.authors, ["Christian Hollmann"]);
    assert_eq!(a.source.as_deref(), Some("dpa"));
    assert_eq!(a.published_at, Some("2019-05-10T14:02:28Z".parse().unwrap()));
    assert_eq!(item.external_id(), "ninjs:urn:newsml:dpa.com:20090101:190510-99-167362");
    // The same story in ninjs 2.1 (lowercase keys) reads the same.
    let v2 =
        parse_ninjs(&std::fs::read(dir.join("testdata/ninjs/examples/agency/2.1/dpa_text.json")).unwrap()).unwrap();
    assert_eq!(v2.items[0].body, item.body);
}

#[test]
fn a_ninjs_1_item_with_a_picture_and_a_dateline() {
    let Some(dir) = shared::require_shared("ingest::ninjs_1x") else { return };
    let bytes = std::fs::read(dir.join("testdata/ninjs/examples/agency/1.4/ninjsExComplex1.json")).unwrap();
    let item = parse_ninjs(&bytes).unwrap().items.remove(0);
    assert_eq!(item.headline, "Captain of wrecked cruise ship on trial in Italy");
    assert!(item.picture.is_some(), "the associated picture becomes the lead image");
    let a = item.to_article(&Section::from_label("EUROPE").unwrap()).unwrap();
    assert_eq!(a.authors, ["Paulo Santalucia", "Frances d'Emilio"]);
    // The story already opens with its dateline ("GROSSETO, Italy (AP) --"): none is added.
    assert!(
        matches!(&a.body[0], Block::Paragraph { text, .. } if text.starts_with("GROSSETO, Italy (AP)")),
        "{:?}",
        a.body[0]
    );
    assert_eq!(a.source, None, "no copyright holder or info source is named, and none is guessed");
    let plain = r#"{"uri": "u", "headline": "H", "located": "Izmir, Türkiye", "body_text": "Ferries resumed.", "infosource": [{"name": "AA"}]}"#;
    let a = parse_ninjs(plain.as_bytes())
        .unwrap()
        .items
        .remove(0)
        .to_article(&Section::from_label("EUROPE").unwrap())
        .unwrap();
    assert_eq!(a.body[0], Block::Paragraph { text: "IZMIR, TÜRKIYE — Ferries resumed.".into(), marks: vec![] });
    assert_eq!(a.source.as_deref(), Some("AA"));
}

#[test]
fn bad_documents_name_the_item_and_the_field() {
    let cases: &[(&str, &str)] = &[
        ("{", "document: not JSON: line 1 column 1"),
        ("42", "document: expected a ninjs object"),
        ("[]", "document: expected a ninjs object"),
        (r#"{"headline": "x", "body_text": "y"}"#, "item: missing required property \"uri\""),
        (r#"{"uri": "u", "headlines": "x"}"#, "headlines: expected an array"),
        (r#"{"uri": "u", "pubstatus": "maybe"}"#, "pubstatus: expected one of usable, withheld, canceled"),
        (r#"{"uri": "u", "headline": "x", "mime_type": "bad"}"#, "mime_type: not a ninjs"),
        (r#"{"uri": "u"}"#, "skipped: no headline, text or description"),
        (r#"[{"uri": "a", "headline": "x", "body_text": "y"}, 7]"#, "item 1: item: a ninjs item must be a JSON object"),
        (r#"[{"uri": "a", "headline": "x", "body_text": "y"}, {"uri": 5}]"#, "item 1: uri: expected a string"),
    ];
    for (doc, want) in cases {
        let problem = match parse_ninjs_as(doc.as_bytes(), None) {
            Err(e) => e.to_string(),
            Ok(p) => p
                .failed
                .first()
                .map(ToString::to_string)
                .or(p.skipped.first().map(|(_, why)| format!("skipped: {why}")))
                .unwrap_or_default(),
        };
        assert!(problem.contains(want), "{doc}: {problem}");
    }
    // One broken item does not stop the others.
    let p = parse_ninjs(br#"[{"uri": "a", "headline": "x", "body_text": "y"}, {"uri": 5}, {"uri": "c", "headline": "z", "body_text": "w"}]"#).unwrap();
    assert_eq!((p.items.len(), p.failed.len()), (2, 1));
    // ninjs does not insist on date formats: an unreadable one is left out, with a warning.
    let p = parse_ninjs(br#"{"uri": "u", "headline": "x", "body_text": "y", "versioncreated": "yesterday"}"#).unwrap();
    assert_eq!((p.items[0].version_created, p.warnings.len()), (None, 1));
    assert!(p.warnings[0].contains("versioncreated: cannot read the date"), "{:?}", p.warnings);
}

#[test]
fn versions_embargo_and_status() {
    let doc = r#"{"uri": "urn:x", "version": "3", "headline": "<b>Bold</b> news", "body_html5": "<p>One</p><script>x()</script><p>Two</p>",
        "firstcreated": "2026-01-05T08:00:00Z", "versioncreated": "2026-01-05T09:00:00Z", "embargoed": "2026-01-06T00:00:00Z", "pubstatus": "withheld"}"#;
    let item = parse_ninjs(doc.as_bytes()).unwrap().items.remove(0);
    assert_eq!(item.headline, "Bold news");
    assert_eq!(
        item.body,
        vec![
            Block::Paragraph { text: "One".into(), marks: vec![] },
            Block::Paragraph { text: "Two".into(), marks: vec![] }
        ]
    );
    let a = item.to_article(&Section::from_label("WIRE").unwrap()).unwrap();
    assert_eq!(a.published_at, Some("2026-01-06T00:00:00Z".parse().unwrap()), "the embargo holds it back");
    assert_eq!(a.state, WorkflowState::Unpublished);
    assert_eq!(a.source.as_deref(), None, "nothing names the provider");
}

/// Found by the fuzzer: an untitled item whose body is a broken tag kept as text; its headline
/// (the start of that text) was read as HTML again and came out empty.
#[test]
fn a_headline_taken_from_the_text_is_not_read_as_html_again() {
    let doc = r#"{"uri": "urn:x", "body_xhtml": "<eatedane Rre and John Doe", "located": "Izmir"}"#;
    let parsed = parse_ninjs(doc.as_bytes()).unwrap();
    for item in &parsed.items {
        assert!(!item.headline.is_empty() && !item.body.is_empty(), "{item:?}");
    }
    let markup_only = r#"{"uri": "urn:y", "headline": "<b></b>", "body_html": "<p>Ferries run again.</p>"}"#;
    let item = parse_ninjs(markup_only.as_bytes()).unwrap().items.remove(0);
    assert_eq!(item.headline, "Ferries run again", "a headline of markup alone gives way to the text");
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
            for item in items.items {
                let _ = item.to_article(&Section::from_label("WIRE").unwrap());
            }
        }
    }
}

#[test]
fn ninjs_as_agencies_write_it_is_read_with_warnings() {
    // A Superdesk-style item: a guid, no uri, a 1.x spelling beside 2.x fields.
    let guid = br#"{"guid": "urn:newsml:agency.example:2026:abc", "type": "text", "version": "2", "headline": "Guid only", "body_html": "<p>Words <a href=\"https://x.example/\">linked</a>.</p>", "versioncreated": "2026-12-07T10:00:00+0000"}"#;
    let p = parse_ninjs(guid).unwrap();
    assert!(p.failed.is_empty(), "{:?}", p.failed);
    let item = &p.items[0];
    assert_eq!((item.uri.as_str(), item.version.as_deref()), ("urn:newsml:agency.example:2026:abc", Some("2")));
    assert!(
        p.warnings.iter().any(|w| w.contains("its guid urn:newsml:agency.example:2026:abc is its identity")),
        "{:?}",
        p.warnings
    );
    assert!(p.warnings.iter().any(|w| w.contains("the ninjs schema would refuse this")), "{:?}", p.warnings);
    assert!(matches!(&item.body[0], Block::Paragraph { marks, .. } if marks.len() == 1), "{:?}", item.body);
    // Strictly, the same item is refused, as before.
    assert_eq!(parse_ninjs_as(guid, None).unwrap().failed.len(), 1);

    // Neither uri nor guid: a stable identity from provider, headline and first created.
    let bare = br#"{"headline": "No ids", "body_text": "Text.", "firstcreated": "2026-12-07T09:00:00Z", "copyrightholder": "Wire"}"#;
    let a = parse_ninjs(bare).unwrap();
    let b = parse_ninjs(bare).unwrap();
    assert!(a.items[0].uri.starts_with("urn:newsdesk:ninjs:") && a.items[0].uri == b.items[0].uri);
    assert!(
        a.warnings.iter().any(|w| w.contains("made from its provider, headline and first-created time")),
        "{:?}",
        a.warnings
    );
    let other = parse_ninjs(br#"{"headline": "No ids, other", "body_text": "Text.", "firstcreated": "2026-12-07T09:00:00Z", "copyrightholder": "Wire"}"#).unwrap();
    assert_ne!(other.items[0].uri, a.items[0].uri);

    // What cannot be read at all is still refused, naming the field.
    let p = parse_ninjs(br#"{"guid": "g", "headline": "x", "urgency": "high"}"#).unwrap();
    assert!(p.items.is_empty() && p.failed[0].to_string().contains("urgency: expected a number"), "{:?}", p.failed);
    let p = parse_ninjs(br#"{"body_text": ""}"#).unwrap();
    assert!(p.items.is_empty() && p.failed[0].to_string().contains("uri: missing"), "{:?}", p.failed);
}
