use super::*;
use newsdesk_core::{Mark, MarkKind};
use proptest::prelude::*;

const DOC: &[u8] = include_bytes!("../../fixtures/newsml-1.2.xml");

#[test]
fn several_items_a_kill_and_a_broken_one_that_stops_none() {
    let parsed = parse_newsml1(DOC).unwrap();
    assert_eq!(parsed.items.len(), 2);
    assert_eq!(parsed.failed.len(), 1);
    let why = parsed.failed[0].to_string();
    assert!(why.starts_with("item 2: ") && why.contains("NewsItemId"), "{why}");

    let school = &parsed.items[0];
    assert_eq!(
        (school.format, school.uri.as_str()),
        (Format::Newsml1, "urn:newsml:wire.example:20261207:TX-PAR-ABC12")
    );
    assert_eq!(school.version.as_deref(), Some("2"));
    assert_eq!(school.headline, "Paris opens its first floating school");
    assert_eq!(school.deck.as_deref(), Some("Barge classroom moored on the Seine takes 40 pupils"));
    assert_eq!((school.byline.as_deref(), school.located.as_deref()), (Some("By Claire Fontaine"), Some("PARIS")));
    assert_eq!(school.provider.as_deref(), Some("NDW"));
    assert_eq!(school.copyright_holder.as_deref(), Some("Copyright 2026 Newsdesk Wire"));
    assert_eq!((school.urgency, school.pub_status), (Some(4), PubStatus::Usable));
    assert_eq!(school.first_created, Some("2026-12-07T09:00:00Z".parse().unwrap()));
    assert_eq!(school.version_created, Some("2026-12-07T10:10:00Z".parse().unwrap()));
    assert_eq!(
        school.subjects.iter().filter_map(|s| s.code.as_deref()).collect::<Vec<_>>(),
        ["subj:05000000", "subj:05001000"]
    );
    assert_eq!(school.tags, ["schools", "Paris", "France"]);
    assert_eq!(
        school.body[0],
        Block::Paragraph {
            text: "The school, on a converted grain barge, opened on Monday.".into(),
            marks: vec![Mark::link(27, 38, "https://barges.example/")]
        }
    );
    assert_eq!(
        school.body[1],
        Block::Paragraph {
            text: "Pupils row to class on Fridays.".into(),
            marks: vec![Mark::new(MarkKind::Em, 7, 10)]
        }
    );
    let photo = school.picture.as_ref().unwrap();
    assert_eq!(photo.href.as_deref(), Some("https://wire.example/photos/barge.jpg"), "the largest");
    assert_eq!(photo.caption.as_deref(), Some("Pupils board the school barge on the Seine."));
    assert_eq!(photo.credit.as_deref(), Some("Newsdesk Wire/Luc Martin"));

    let killed = &parsed.items[1];
    assert_eq!(
        (killed.pub_status, killed.language.as_str(), killed.version.as_deref()),
        (PubStatus::Canceled, "el", Some("4"))
    );
    assert_eq!(killed.first_created, Some("2026-12-06T13:00:00Z".parse().unwrap()));
    assert_eq!(killed.body, vec![Block::paragraph("This story has been withdrawn.")]);
}

#[test]
fn what_is_not_newsml_1_2_is_named() {
    for (bytes, says) in [
        (&b"<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\"/>"[..], "newsml 1.2 has"),
        (b"<NewsML Version=\"1.2\"><NewsEnvelope/></NewsML>", "no newsitem"),
        (b"<NewsML><NewsItem>", "line"),
    ] {
        let e = parse_newsml1(bytes).unwrap_err().to_string().to_lowercase();
        assert!(e.contains(says), "{says}: {e}");
    }
}

proptest! {
    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_newsml1(&bytes);
    }

    /// Each item's identity and revision come back as written, whatever they are.
    #[test]
    fn identities_and_revisions_round_trip(id in "[A-Za-z0-9-]{1,20}", rev in 1u32..999) {
        let doc = format!("<NewsML><NewsItem><Identification><NewsIdentifier><ProviderId>p.example</ProviderId><DateId>20261207</DateId><NewsItemId>{id}</NewsItemId><RevisionId>{rev}</RevisionId></NewsIdentifier></Identification><NewsComponent><NewsLines><HeadLine>H</HeadLine></NewsLines></NewsComponent></NewsItem></NewsML>");
        let parsed = parse_newsml1(doc.as_bytes()).unwrap();
        prop_assert_eq!(&parsed.items[0].uri, &format!("urn:newsml:p.example:20261207:{id}"));
        prop_assert_eq!(parsed.items[0].version.clone(), Some(rev.to_string()));
    }
}
