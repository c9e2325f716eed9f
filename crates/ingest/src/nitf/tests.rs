use super::*;
use newsdesk_core::{Mark, MarkKind};
use proptest::prelude::*;

const FULL: &[u8] = include_bytes!("../../fixtures/nitf-3.6.xml");
const KILL: &[u8] = include_bytes!("../../fixtures/nitf-3.2-latin1-kill.xml");

fn one(bytes: &[u8]) -> WireItem {
    let parsed = parse_nitf(bytes).unwrap();
    assert!(parsed.failed.is_empty() && parsed.skipped.is_empty(), "{:?} {:?}", parsed.failed, parsed.skipped);
    parsed.items.into_iter().next().unwrap()
}

#[test]
fn every_element_of_a_nitf_story_is_read() {
    let item = one(FULL);
    assert_eq!(
        (item.format, item.uri.as_str(), item.version.as_deref()),
        (Format::Nitf, "harbour-strike-2026", Some("2"))
    );
    assert_eq!(item.headline, "Harbour workers end strike after pay deal");
    assert_eq!(item.deck.as_deref(), Some("Ships queue to unload after eight days"));
    assert_eq!(item.byline.as_deref(), Some("By Mira Okonkwo"));
    assert_eq!(item.located.as_deref(), Some("ROTTERDAM"));
    assert_eq!(item.language, "en");
    assert_eq!(item.first_created, Some("2026-12-07T09:15:00Z".parse().unwrap()));
    assert_eq!(item.embargoed, Some("2026-12-07T09:00:00Z".parse().unwrap()), "date.release with its offset");
    assert_eq!((item.urgency, item.pub_status), (Some(3), PubStatus::Usable));
    assert_eq!(item.copyright_holder.as_deref(), Some("Newsdesk Wire"));
    assert_eq!(item.provider.as_deref(), Some("NDW"));
    assert_eq!(item.section.as_deref(), Some("Europe"));
    assert_eq!(item.link.as_deref(), Some("https://wire.example/harbour-strike"));
    assert_eq!(
        item.subjects,
        vec![
            Subject { code: Some("subj:09000000".into()), name: Some("Labour".into()) },
            Subject { code: Some("subj:09004000".into()), name: Some("strike".into()) },
        ]
    );
    assert_eq!(item.tags, ["ports", "labour", "Harbour Workers Union", "Rotterdam", "Europe's ports"]);
    let picture = item.picture.as_ref().unwrap();
    assert_eq!(picture.href.as_deref(), Some("https://wire.example/photos/harbour.jpg"), "the largest rendition");
    assert_eq!(picture.caption.as_deref(), Some("Cranes stand idle at the port on Monday."));
    assert_eq!(
        (picture.alt.as_deref(), picture.credit.as_deref()),
        (Some("Cranes at dawn"), Some("Newsdesk Wire/Ana Ruiz"))
    );
    let body = &item.body;
    let Block::Paragraph { text, marks } = &body[0] else { panic!("{body:?}") };
    assert!(text.starts_with("Dock workers voted"), "the picture is not text: {text}");
    assert_eq!(
        marks,
        &vec![Mark::link(44, 54, "https://union.example/vote"), Mark::new(MarkKind::Em, 84, 90)],
        "{text}"
    );
    assert_eq!(body[1], Block::heading("What was agreed", 2));
    assert!(matches!(&body[2], Block::Paragraph { marks, .. } if marks == &vec![Mark::new(MarkKind::Strong, 47, 56)]));
    assert!(matches!(&body[3], Block::Quote { text, .. } if text.starts_with("\"We got what we came for")));
    assert!(body.iter().any(|b| matches!(b, Block::List { items, .. } if items.len() == 2)));
    assert!(
        body.contains(&Block::paragraph("Year · Raise")) && body.contains(&Block::paragraph("2026 · 4%")),
        "{body:?}"
    );
    assert_eq!(body.last(), Some(&Block::paragraph("Ana Ruiz contributed reporting from The Hague.")));
    assert!(!body.iter().any(|b| b.text().iter().any(|t| t.contains("corrects spelling"))), "ed-msg is for editors");
}

#[test]
fn an_old_latin_1_nitf_without_namespace_is_read_and_its_kill_is_a_kill() {
    let item = one(KILL);
    assert_eq!((item.uri.as_str(), item.version.as_deref()), ("efx-8812", Some("3")));
    assert_eq!(item.headline, "España aprueba el presupuesto");
    assert_eq!(item.body, vec![Block::paragraph("El Congreso aprobó el presupuesto con 180 votos.")]);
    assert_eq!((item.located.as_deref(), item.pub_status), (Some("MADRID"), PubStatus::Canceled));
    let article = item.to_article(&newsdesk_core::article::Section::from_label("WORLD").unwrap()).unwrap();
    assert_eq!(article.state, newsdesk_core::WorkflowState::Unpublished);
}

#[test]
fn bad_documents_are_named() {
    let cases: [(&[u8], &str); 4] = [
        (b"<nitf><head><docdata><doc-id id-string=\"x\"/></docdata></head><body><body.content><p>cut", "line"),
        (b"<html><body/></html>", "not <nitf>"),
        (b"<!DOCTYPE nitf [<!ENTITY a \"aaaa\">]><nitf/>", "entit"),
        (b"<nitf><body><body.content><p>No id.</p></body.content></body></nitf>", "doc-id"),
    ];
    for (bytes, says) in cases {
        let outcome = parse_nitf(bytes);
        let text = match &outcome {
            Err(e) => e.to_string(),
            Ok(p) => p.failed.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        };
        assert!(text.to_lowercase().contains(says), "{says}: {text}");
    }
}

#[test]
fn nitf_dates_in_both_iso_forms() {
    let want: jiff::Timestamp = "2026-12-07T09:15:00Z".parse().unwrap();
    for s in
        ["20261207T091500Z", "20261207T101500+0100", "20261207T091500", "2026-12-07T09:15:00Z", " 20261207T091500Z "]
    {
        assert_eq!(nitf_date(s), Some(want), "{s}");
    }
    assert_eq!(nitf_date("20261207"), Some("2026-12-07T00:00:00Z".parse().unwrap()));
    for bad in ["2026120", "20261307T000000Z", "yesterday", ""] {
        assert_eq!(nitf_date(bad), None, "{bad}");
    }
}

proptest! {
    /// Any bytes are an item, a named refusal, or a document error: never a panic.
    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_nitf(&bytes);
    }

    /// A story's paragraphs, whatever their words, come through whole and in order.
    #[test]
    fn paragraphs_come_through(paras in proptest::collection::vec("[A-Za-z0-9 ,.&<>]{1,60}", 1..6)) {
        let body: String = paras.iter().map(|p| format!("<p>{}</p>", p.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"))).collect();
        let doc = format!("<nitf><head><docdata><doc-id id-string=\"p1\"/></docdata></head><body><body.head><hedline><hl1>H</hl1></hedline></body.head><body.content>{body}</body.content></body></nitf>");
        let parsed = parse_nitf(doc.as_bytes()).unwrap();
        let item = &parsed.items[0];
        let mut want: Vec<String> = paras.iter().map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect();
        if want.is_empty() {
            // No text at all: a flash, whose headline is what readers read.
            want.push("H".into());
        }
        let got: Vec<String> = item.body.iter().flat_map(|b| b.text()).map(str::to_string).collect();
        prop_assert_eq!(got, want);
    }
}
