use super::*;
use newsdesk_core::article::Section;
use proptest::prelude::*;

use crate::shared;

fn read(rel: &str) -> Option<Parsed> {
    let dir = shared::require_shared("ingest::newsml")?;
    let bytes = std::fs::read(dir.join("testdata/newsml-g2").join(rel)).unwrap();
    Some(parse_newsml(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

fn xml_files(dir: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    out.sort();
    out
}

/// The README's list of examples that do not validate: fragments with no item, and the news
/// message whose package has no identity.
fn not_valid(name: &str) -> bool {
    ["LISTING_7_", "LISTING_8_", "LISTING_9_", "LISTING_24_", "LISTING_25_", "LISTING_28_"]
        .iter()
        .any(|p| name.starts_with(p))
}

#[test]
fn every_valid_sample_is_read_and_every_invalid_one_refused() {
    let Some(dir) = shared::require_shared("ingest::newsml_samples") else { return };
    let root = dir.join("testdata/newsml-g2");
    let (mut stories, mut skipped) = (0, 0);
    for name in xml_files(&root.join("examples")) {
        let bytes = std::fs::read(root.join("examples").join(&name)).unwrap();
        let result = parse_newsml(&bytes);
        if not_valid(&name) {
            match result {
                Err(e) => assert!(e.to_string().contains("not in the NewsML-G2 namespace"), "{name}: {e}"),
                Ok(p) => {
                    assert!(p.items.is_empty() && !p.failed.is_empty(), "{name} must not import");
                    assert!(p.failed[0].to_string().contains("guid: missing"), "{name}: {}", p.failed[0]);
                }
            }
            continue;
        }
        let p = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(p.failed.is_empty(), "{name}: {:?}", p.failed);
        assert_eq!(p.items.len() + p.skipped.len(), 1, "{name}");
        stories += p.items.len();
        skipped += p.skipped.len();
    }
    // News items and packages are stories; concept, knowledge, planning and catalog items, and
    // items with nothing to read (metadata only), are skipped with the reason.
    assert_eq!((stories, skipped), (15, 14), "stories and skipped items among the valid examples");
    for version in ["2.33", "2.34", "2.35"] {
        let pass = root.join("unit_tests").join(version).join("should_pass");
        for name in xml_files(&pass) {
            let p = parse_newsml(&std::fs::read(pass.join(&name)).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(p.failed.is_empty(), "{version}/{name}: {:?}", p.failed);
        }
    }
    let fails = [
        (
            "2.33/should_fail/digitalSourceType_catalogItem.xml",
            "contentMeta/digitalSourceType: not allowed in a catalogItem's contentMeta (line 30)",
        ),
        ("2.34/should_fail/CR00218_too_many_nested_related.xml", "related: nested 4 deep (line 65)"),
    ];
    for (rel, want) in fails {
        let p = parse_newsml(&std::fs::read(root.join("unit_tests").join(rel)).unwrap()).unwrap();
        assert!(p.items.is_empty() && p.skipped.is_empty(), "{rel}");
        let e = p.failed[0].to_string();
        assert!(e.contains(want), "{rel}: {e}");
    }
}

#[test]
fn a_text_item_in_detail() {
    let Some(p) = read("examples/LISTING_2_NewsML-G2_Text_Document.xml") else { return };
    let item = &p.items[0];
    assert_eq!(item.uri, "urn:newsml:acmenews.com:20161121:US-FINANCE-FED");
    assert_eq!(item.version.as_deref(), Some("11"));
    assert_eq!(item.headline, "Fed to halt QE to avert \"bubble\"");
    assert_eq!(item.body.len(), 2);
    assert!(
        matches!(&item.body[0], Block::Paragraph { text, .. } if text.starts_with("(New York, NY - October 21) Et, sent luptat"))
    );
    assert_eq!(item.authors, ["Meredith Jameson"], "the creator, not the writer's title in the byline");
    assert_eq!(item.byline.as_deref(), Some("By Meredith Jameson"));
    assert_eq!(item.language, "en-US");
    assert_eq!(item.credit().as_deref(), Some("Acme News and Media LLC"));
    assert_eq!(item.info_source.as_deref(), Some("Associated Press"));
    assert_eq!(
        item.subjects[0],
        Subject { code: Some("medtop:04000000".into()), name: Some("economy, business and finance".into()) }
    );
    assert_eq!(item.version_created, Some("2018-11-21T21:25:32Z".parse().unwrap()));
    let a = item.to_article(&Section::from_label("BUSINESS").unwrap()).unwrap();
    assert!(a.tags.contains(&"central bank".to_string()), "{:?}", a.tags);
    assert_eq!(a.based_on.as_deref(), Some(item.uri.as_str()));
    assert_eq!(a.slug.as_str(), "fed-to-halt-qe-to-avert-bubble");
    // The dateline leads the text unless it already does.
    assert!(
        matches!(&a.body[0], Block::Paragraph { text, .. } if text.starts_with("NEW YORK, NY — ")),
        "{:?}",
        a.body[0]
    );
}

#[test]
fn a_picture_and_a_flash() {
    let Some(p) = read("examples/LISTING_26_Embedded_photo_metadata_fields_mapped_to_NewsML-G2.xml") else { return };
    let pic = &p.items[0];
    assert_eq!(pic.kind, "picture");
    let picture = pic.picture.as_ref().unwrap();
    assert_eq!(
        picture.href.as_deref(),
        Some("http://www.acmenews.com/content/pictures/hires/20081208/USA-CRASH-MILITARY_001_HI.jpg")
    );
    assert!(picture.caption.as_deref().unwrap().starts_with("A firefighter in a flameproof suit"));
    assert_eq!(picture.credit.as_deref(), Some("Acme/John Smith"));
    assert_eq!(pic.urgency, Some(4));
    let a = pic.to_article(&Section::from_label("WORLD").unwrap()).unwrap();
    assert_eq!(a.lead_image.unwrap().source_url, picture.href);

    let Some(p) = read("examples/LISTING_1_A_NewsML-G2_News_Item.xml") else { return };
    let flash = &p.items[0];
    assert_eq!(flash.embargoed, Some("2018-10-23T12:00:00Z".parse().unwrap()));
    assert_eq!(flash.signals, ["sig:update"]);
    assert_eq!(flash.provider.as_deref(), Some("REUTERS"));
    assert_eq!(
        flash.body,
        vec![Block::Paragraph { text: flash.headline.clone(), marks: vec![] }],
        "a headline-only item reads as a flash"
    );
}

#[test]
fn a_package_links_its_items() {
    let Some(p) = read("examples/LISTING_6_Simple_NewsML-G2_Package.xml") else { return };
    let pkg = &p.items[0];
    assert_eq!(pkg.kind, "composite");
    assert_eq!(pkg.headline, "UK");
    assert_eq!(pkg.body.len(), 2);
    assert!(pkg.body.iter().all(|b| matches!(b, Block::Related { .. })));
}

const ITEM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:test:1" version="3" standard="NewsML-G2" standardversion="2.35" xml:lang="tr">
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:AA"/>
    <versionCreated>2026-11-30T10:00:00+03:00</versionCreated>
    <firstCreated>2026-11-30T09:00:00+03:00</firstCreated>
    STATUS
    <link rel="irel:previousVersion" residref="urn:test:0"/>
  </itemMeta>
  <contentMeta>
    <urgency>2</urgency>
    <located><name>Ankara</name></located>
    <headline>Meclis bütçeyi kabul etti</headline>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/nitf+xml">
      <nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content>
        <p>ANKARA - Meclis bütçeyi kabul etti.</p><hl2>Ara başlık</hl2><p>İkinci paragraf &amp; devamı.</p>
      </body.content></body></nitf>
    </inlineXML>
  </contentSet>
</newsItem>"#;

fn item_with(status: &str) -> Result<Parsed, ItemError> {
    parse_newsml(ITEM.replace("STATUS", status).as_bytes())
}

#[test]
fn statuses_versions_and_what_an_item_replaces() {
    let p = item_with("").unwrap();
    let item = &p.items[0];
    assert_eq!(item.language, "tr");
    assert_eq!(item.urgency, Some(2));
    assert_eq!(item.supersedes, ["urn:test:0"]);
    assert_eq!(item.credit().as_deref(), Some("AA"));
    assert_eq!(item.first_created, Some("2026-11-30T06:00:00Z".parse().unwrap()));
    assert_eq!(
        item.body,
        vec![
            Block::Paragraph { text: "ANKARA - Meclis bütçeyi kabul etti.".into(), marks: vec![] },
            Block::Heading { text: "Ara başlık".into(), level: 2, marks: vec![] },
            Block::Paragraph { text: "İkinci paragraf & devamı.".into(), marks: vec![] },
        ]
    );
    let a = item.to_article(&Section::from_label("TURKIYE").unwrap()).unwrap();
    assert!(matches!(&a.body[0], Block::Paragraph { text, .. } if text.starts_with("ANKARA - ")), "no second dateline");
    for (status, want) in [
        (r#"<pubStatus qcode="stat:withheld"/>"#, PubStatus::Withheld),
        (r#"<pubStatus qcode="stat:canceled"/>"#, PubStatus::Canceled),
        ("<embargoed/>", PubStatus::Withheld),
        ("<embargoed>2026-12-01T00:00:00Z</embargoed>", PubStatus::Usable),
    ] {
        assert_eq!(item_with(status).unwrap().items[0].pub_status, want, "{status}");
    }
    let bad = [
        (r#"<pubStatus qcode="stat:maybe"/>"#, "itemMeta/pubStatus: expected stat:usable"),
        ("<embargoed>soon</embargoed>", "itemMeta/embargoed: expected a date-time"),
    ];
    for (status, want) in bad {
        let p = item_with(status).unwrap();
        assert!(p.failed[0].to_string().contains(want), "{status}: {}", p.failed[0]);
    }
    let no_guid = parse_newsml(ITEM.replace("guid=\"urn:test:1\"", "").as_bytes()).unwrap();
    assert_eq!(no_guid.failed[0].to_string(), "guid: missing: every newsItem has a guid that identifies it");
    let bad_version = parse_newsml(ITEM.replace("version=\"3\"", "version=\"0\"").as_bytes()).unwrap();
    assert!(bad_version.failed[0].to_string().contains("version: expected a positive whole number"));
}

#[test]
fn a_news_message_carries_several_items_and_one_bad_one_stops_none() {
    let body = ITEM.split_once("?>").unwrap().1;
    let second = body.replace("urn:test:1", "urn:test:2");
    let broken = body.replace("<versionCreated>2026-11-30T10:00:00+03:00</versionCreated>", "");
    let message = format!(
        r#"<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-11-30T10:00:00Z</sent></header><itemSet>{body}{broken}{second}</itemSet></newsMessage>"#
    );
    let p = parse_newsml(message.as_bytes()).unwrap();
    assert_eq!(p.items.iter().map(|i| i.uri.as_str()).collect::<Vec<_>>(), ["urn:test:1", "urn:test:2"]);
    assert_eq!(
        p.failed[0].to_string(),
        "item 1 (urn:test:1): itemMeta/versionCreated: missing, and NewsML-G2 requires it"
    );
}

#[test]
fn hostile_documents_are_refused_quickly() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"><contentMeta><headline>&lol3;</headline></contentMeta></newsItem>"#;
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"><contentMeta><headline>&xxe;</headline></contentMeta></newsItem>"#;
    for doc in [laughs, xxe] {
        let started = std::time::Instant::now();
        let e = parse_newsml(doc.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("declares entities"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
    let deep = format!(
        r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x">{}{}</newsItem>"#,
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    let e = parse_newsml(deep.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("nested deeper than"), "{e}");
    let e = parse_newsml(b"<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"x\"><itemMeta>")
        .unwrap_err()
        .to_string();
    assert!(e.contains("ends inside <itemMeta> (truncated?)"), "{e}");
    let e = parse_newsml(b"<html><body/></html>").unwrap_err().to_string();
    assert!(e.contains("<html> is not in the NewsML-G2 namespace"), "{e}");
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_newsml(&bytes);
    }

    #[test]
    fn never_panics_on_damaged_items(cut in 0usize..2000, insert in "[<>&;/\"a-z ]{0,12}") {
        let mut doc = ITEM.replace("STATUS", "");
        let at = cut.min(doc.len());
        let at = (0..=at).rev().find(|i| doc.is_char_boundary(*i)).unwrap_or(0);
        doc.insert_str(at, &insert);
        if let Ok(p) = parse_newsml(doc.as_bytes()) {
            for item in p.items {
                let _ = item.to_article(&Section::from_label("WIRE").unwrap());
            }
        }
    }
}
