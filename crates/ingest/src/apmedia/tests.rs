use super::*;
use newsdesk_core::{Block, Mark, MarkKind};
use proptest::prelude::*;

const FEED: &[u8] = include_bytes!("../../fixtures/ap-media-feed.json");

#[test]
fn a_feed_its_items_a_kill_and_a_broken_one() {
    assert_eq!(crate::detect::detect(FEED), Some(Format::ApMedia));
    let p = parse_ap(FEED).unwrap();
    assert_eq!((p.items.len(), p.failed.len()), (2, 1));
    assert!(p.failed[0].to_string().starts_with("item 2: altids.itemid: missing"), "{}", p.failed[0]);
    let a = &p.items[0];
    assert_eq!((a.format, a.uri.as_str(), a.version.as_deref()), (Format::ApMedia, "urn:ap:4b1f0c", Some("1")));
    assert_eq!(a.headline, "Lighthouse keepers return to remote rock");
    assert_eq!(a.deck.as_deref(), Some("Automation reversed after storms cut power for a week"));
    assert_eq!((a.byline.as_deref(), a.located.as_deref(), a.urgency), (Some("By SAM REED"), Some("Lerwick"), Some(2)));
    assert_eq!(a.first_created, Some("2026-12-07T09:00:00Z".parse().unwrap()));
    assert_eq!(a.subjects[0].name.as_deref(), Some("Weather"));
    assert_eq!(a.tags, ["lighthouses", "Shetland"]);
    let Block::Paragraph { marks, .. } = &a.body[0] else { panic!() };
    assert_eq!(marks, &vec![Mark::link(38, 46, "https://lights.example/skerry"), Mark::new(MarkKind::Em, 62, 68)]);
    let pic = a.picture.as_ref().unwrap();
    assert_eq!(pic.caption.as_deref(), Some("The lighthouse on Skerry Rock stands dark at dusk, Dec. 6, 2026."));
    assert_eq!(
        (pic.credit.as_deref(), pic.href.as_deref()),
        (Some("AP Photo/Ina Berg"), Some("https://api.example/media/v/content/pic1/download"))
    );

    let killed = &p.items[1];
    assert_eq!((killed.pub_status, killed.version.as_deref()), (PubStatus::Canceled, Some("3")));
    assert_eq!(killed.body, vec![Block::paragraph("The figures were wrong.")]);
    assert!(
        p.warnings.iter().any(|w| w.contains("urn:ap:77aa01: the text is in its NITF rendition")),
        "{:?}",
        p.warnings
    );
    assert_eq!(
        killed.text_rendition.as_deref(),
        Some("https://api.example/media/v/content/77aa01/download?type=text&format=NITF")
    );
    assert_eq!(a.text_rendition, None, "its text came with it");
}

#[test]
fn a_single_item_and_what_is_not_ap() {
    let one = br#"{"data": {"item": {"altids": {"itemid": "x1"}, "headline": "One", "body_nitf": "<nitf><head><docdata><doc-id id-string=\"x1\"/></docdata></head><body><body.content><p>From NITF.</p></body.content></body></nitf>"}}}"#;
    let p = parse_ap(one).unwrap();
    assert_eq!((p.items[0].uri.as_str(), p.items[0].body[0].text()[0]), ("urn:ap:x1", "From NITF."));
    assert!(parse_ap(b"[1]").unwrap_err().to_string().contains("no \"data\" object"));
    assert!(parse_ap(br#"{"data": {}}"#).unwrap_err().to_string().contains("neither an \"item\" nor \"items\""));
    let bad =
        parse_ap(br#"{"data": {"item": {"altids": {"itemid": "y"}, "headline": "x", "pubstatus": "soon"}}}"#).unwrap();
    assert!(bad.failed[0].to_string().contains("y: pubstatus: expected"), "{}", bad.failed[0]);
}

proptest! {
    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_ap(&bytes);
    }

    #[test]
    fn any_item_shape_is_read_or_refused_by_field(headline in proptest::option::of("[A-Za-z ]{0,20}"), version in proptest::option::of(0u32..9), status in proptest::option::of(prop_oneof![Just("usable"), Just("canceled"), Just("odd")])) {
        let mut item = serde_json::json!({ "altids": { "itemid": "p1" } });
        if let Some(h) = &headline { item["headline"] = h.clone().into(); }
        if let Some(v) = version { item["version"] = v.into(); }
        if let Some(s) = status { item["pubstatus"] = s.into(); }
        let doc = serde_json::json!({ "data": { "item": item } });
        let p = parse_ap(doc.to_string().as_bytes()).unwrap();
        prop_assert_eq!(p.items.len() + p.failed.len() + p.skipped.len(), 1);
        for e in &p.failed {
            prop_assert!(e.to_string().contains("pubstatus"), "{}", e);
        }
    }
}
