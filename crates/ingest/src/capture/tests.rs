use super::*;
use proptest::prelude::*;

use crate::shared;

const SEED: &str = "testdata/seed/000_53d1d0ba0fc63e9e";

#[test]
fn seed_matches_its_expected_record() {
    let Some(dir) = shared::require_shared("ingest::seed_matches_its_expected_record") else { return };
    let text = std::fs::read(dir.join(format!("{SEED}.txt"))).unwrap();
    let mut expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{SEED}.expected.json"))).unwrap()).unwrap();
    expected.as_object_mut().unwrap().remove("_notes");
    let record = parse_capture(&text).unwrap();
    assert_eq!(serde_json::to_value(&record).unwrap(), expected);
    let keys: Vec<_> = serde_json::to_value(&record).unwrap().as_object().unwrap().keys().cloned().collect();
    let want: Vec<_> = expected.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, want, "field order");
    let article = record.to_article().unwrap();
    assert_eq!(
        article.path(),
        "/europe/nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks"
    );
    assert_eq!(article.reading_minutes(), 1);
    assert_eq!(article.body.iter().position(|b| *b == Block::Recommended), Some(5));
}

fn capture(section: &str, caption: &str, body: &str) -> String {
    format!(
        "date 2026-01-05 {section}\n2 min read\nA headline here\nThe deck line.\nA headline here\n{caption}\nJanuary 5, 2026\n\n{body}"
    )
}

#[test]
fn multi_word_sections() {
    let r = parse_capture(capture("MIDDLE EAST", "Cap. / AA", "One.\n\nTwo.").as_bytes()).unwrap();
    assert_eq!(r.section, "Middle East");
    assert_eq!(r.reading_time_minutes, 2);
    assert_eq!(r.body_paragraphs, ["One.", "Two."]);
    assert_eq!(r.recommended_slot_after_paragraph, None);
    assert!(r.related.is_empty());
    assert_eq!(r.source, None);
    assert!(r.explore_headlines.is_empty());
}

#[test]
fn credit_follows_the_last_slash() {
    let r = parse_capture(capture("EUROPE", "Left / right of the frame / Jane Roe / AA", "One.").as_bytes()).unwrap();
    let img = r.image.unwrap();
    assert_eq!(img.caption, "Left / right of the frame / Jane Roe");
    assert_eq!(img.credit.as_deref(), Some("AA"));
}

#[test]
fn related_straight_after_a_paragraph() {
    let body = "One.\nRelatedDaily Post - Another story - with a dash\nTwo.\n\nSOURCE: EPX\nExplore\nX\n\nY";
    let r = parse_capture(capture("AFRICA", "Cap. / AA", body).as_bytes()).unwrap();
    assert_eq!(r.body_paragraphs, ["One.", "Two."]);
    assert_eq!(
        r.related,
        [CaptureRelated { publication: "Daily Post".into(), headline: "Another story - with a dash".into() }]
    );
    assert!(matches!(r.extra.blocks[1], Block::Related { .. }));
    assert_eq!(r.source.as_deref(), Some("EPX"));
    assert_eq!(r.explore_headlines, ["X", "Y"]);
}

#[test]
fn a_paragraph_may_start_with_related() {
    let r = parse_capture(capture("EUROPE", "Cap. / AA", "Relatedly, talks went on.").as_bytes()).unwrap();
    assert_eq!(r.body_paragraphs, ["Relatedly, talks went on."]);
}

#[test]
fn no_deck_and_no_image() {
    let text = "date 2026-01-05 SPORT\n1 min read\nHeadline\nJanuary 5, 2026\n\nBody.\n";
    let r = parse_capture(text.as_bytes()).unwrap();
    assert_eq!((r.deck, r.image), (None, None));
    let text = "date 2026-01-05 SPORT\n1 min read\nHeadline\nDeck only\nJanuary 5, 2026\n\nBody.\n";
    assert_eq!(parse_capture(text.as_bytes()).unwrap().deck.as_deref(), Some("Deck only"));
    let text = "date 2026-01-05 SPORT\r\n1 min read\r\nHeadline\r\nHeadline\r\nCaption / X\r\nJanuary 5, 2026\r\n\r\nBody.\r\n";
    let r = parse_capture(text.as_bytes()).unwrap();
    assert_eq!(r.deck, None);
    assert_eq!(r.image.unwrap().credit.as_deref(), Some("X"));
}

#[test]
fn malformed_captures_name_the_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "found the end of the file"),
        ("dated 2025-09-10 EUROPE\n", 1, "expected `date YYYY-MM-DD SECTION`"),
        ("date 2025-13-10 EUROPE\n", 1, "expected `date YYYY-MM-DD SECTION`"),
        ("date 2025-09-10 EUROPE\none min read\n", 2, "expected the reading time"),
        ("date 2025-09-10 EUROPE\n1 min read\n\n", 3, "expected the headline"),
        (
            "date 2025-09-10 EUROPE\n1 min read\nH\nD\nH\nCap / AA\nSept 10, 2025\n\nBody",
            7,
            "expected the display date",
        ),
        ("date 2025-09-10 EUROPE\n1 min read\nH\nSeptember 10, 2025\n\n", 5, "at least one body paragraph"),
        ("date 2025-09-10 EUROPE\n1 min read\nH\nSeptember 10, 2025\n\nBody\nSOURCE:\n", 7, "wire agency"),
        (
            "date 2025-09-10 EUROPE\n1 min read\nH\nSeptember 10, 2025\n\nBody\nSOURCE:AA\nMore body\n",
            8,
            "after the SOURCE line",
        ),
        ("date 2025-09-10 EUROPE\n1 min read\nH\nSeptember 10, 2025\n\nBody\nRelatedNoDashHere\n", 7, "related link"),
    ];
    for (text, line, needle) in cases {
        let e = parse_capture(text.as_bytes()).unwrap_err();
        assert_eq!(e.line, *line, "{text:?}: {e}");
        assert!(e.to_string().contains(needle), "{text:?}: {e}");
    }
    let e = parse_capture(b"date 2025-09-10 EUROPE\n\xff\xfe").unwrap_err();
    assert_eq!((e.line, e.message.as_str()), (2, "expected UTF-8 text, found invalid bytes"));
}

fn line() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ,.’'éü]{0,40}[A-Za-z0-9.]".prop_filter("not a keyword", |s| {
        !s.starts_with("Related")
            && !s.starts_with("SOURCE:")
            && s != "Explore"
            && s != "RECOMMENDED"
            && !s.contains(" / ")
            && parse_english_date(s).is_none()
    })
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_capture(&bytes);
    }

    #[test]
    fn never_panics_on_near_captures(body in "(date 2025-09-10 [A-Z ]{0,12}\n)?([0-9]{0,3} min read\n)?[ -~\n]{0,300}") {
        if let Ok(r) = parse_capture(body.as_bytes()) {
            let _ = r.to_article();
        }
    }

    #[test]
    fn round_trips_generated_captures(
        headline in line(), deck in proptest::option::of(line()),
        caption in proptest::option::of((line(), line())),
        paras in proptest::collection::vec(line(), 1..8), slot in 0usize..8,
        source in proptest::option::of("[A-Z]{2,4}"), explore in proptest::collection::vec(line(), 0..5),
    ) {
        let mut text = format!("date 2026-02-03 MIDDLE EAST\n3 min read\n{headline}\n");
        if let Some(d) = &deck { text += &format!("{d}\n"); }
        if let Some((c, credit)) = &caption { text += &format!("{headline}\n{c} / {credit}\n"); }
        text += "February 3, 2026\n\n";
        let slot = (slot < paras.len()).then_some(slot);
        for (i, p) in paras.iter().enumerate() {
            if slot == Some(i) { text += "RECOMMENDED\n\n"; }
            text += &format!("{p}\n\n");
        }
        if let Some(s) = &source { text += &format!("SOURCE:{s}\n"); }
        if !explore.is_empty() { text += &format!("Explore\n{}", explore.join("\n")); }
        let r = parse_capture(text.as_bytes()).unwrap();
        prop_assert_eq!(&r.headline, &headline);
        prop_assert_eq!(&r.deck, &deck);
        prop_assert_eq!(r.image.map(|i| (i.caption, i.credit.unwrap())), caption);
        prop_assert_eq!(&r.body_paragraphs, &paras);
        prop_assert_eq!(r.recommended_slot_after_paragraph, slot);
        prop_assert_eq!(&r.source, &source);
        prop_assert_eq!(&r.explore_headlines, &explore);
        prop_assert_eq!(&r.section, "Middle East");
    }
}
