use super::*;
use newsdesk_core::article::Section;
use proptest::prelude::*;

use crate::shared;

fn read(rel: &str) -> Option<Result<Parsed, ItemError>> {
    let dir = shared::require_shared("ingest::feeds")?;
    Some(parse_feed(&std::fs::read(dir.join("testdata/feeds").join(rel)).unwrap()))
}

#[test]
fn every_sample_the_readme_calls_valid_imports_and_the_invalid_ones_fail() {
    let valid: &[(&str, usize)] = &[
        ("rss0/rss_0.91_spec_1.xml", 2),
        ("rss1/rss_1.0_spec_1.xml", 2),
        ("rss2/rss_2.0_bbc.xml", 1),
        ("rss2/rss_2.0_encoding_1.xml", 1),
        ("rss2/rss_2.0_ghost_2.xml", 1),
        ("rss2/rss_2.0_nbcny.xml", 1),
        ("rss2/rss_2.0_spec_1.xml", 2),
        ("rss2/rss_2.0_spiegel.xml", 1),
        ("atom/atom_example_1.xml", 1),
        ("atom/atom_mediarss_youtube_1.xml", 1),
        ("atom/atom_spec_1.xml", 1),
        ("atom/atom_xml_base.xml", 1),
        ("jsonfeed/jsonfeed_spec_1.json", 1),
    ];
    for (rel, n) in valid {
        let Some(result) = read(rel) else { return };
        let p = result.unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(p.failed.is_empty() && p.skipped.is_empty(), "{rel}: {:?} {:?}", p.failed, p.skipped);
        assert_eq!(p.items.len(), *n, "{rel}");
        for item in &p.items {
            assert!(!item.headline.is_empty() && !item.body.is_empty(), "{rel}: {item:?}");
            item.to_article(&Section::from_label("PARTNERS").unwrap()).unwrap_or_else(|e| panic!("{rel}: {e}"));
        }
    }
    let Some(truncated) = read("rss2/rss_2.0_invalid_1.xml") else { return };
    assert_eq!(
        truncated.unwrap_err().to_string(),
        "document: line 19: the document ends inside <channel> (truncated?)"
    );
    // A real JSON Feed that breaks the spec the way feed readers forgive: no ids (its urls are
    // taken instead) and RFC 822 dates, read with a note for each. Its third item has a title
    // and no text at all: nothing to publish, so it fails, naming the field.
    let Some(elastic) = read("jsonfeed/jsonfeed_elastic_1.1.json") else { return };
    let p = elastic.unwrap();
    assert_eq!((p.items.len(), p.failed.len()), (2, 1), "{:?}", p.failed);
    assert!(
        p.failed[0].to_string().starts_with("item 2 (https://example.com/): content_html: missing"),
        "{}",
        p.failed[0]
    );
    for item in &p.items {
        assert!(item.uri.starts_with("https://"), "the url is the identity: {}", item.uri);
        assert!(item.first_created.is_some(), "the RFC 822 date is read");
    }
    assert!(p.warnings.iter().any(|w| w.starts_with("item 1: no id; its url https://")), "{:?}", p.warnings);
    assert!(p.warnings.iter().any(|w| w.contains("is RFC 822, not RFC 3339")), "{:?}", p.warnings);
}

#[test]
fn what_feeds_say_is_kept() {
    let Some(Ok(p)) = read("rss2/rss_2.0_encoding_1.xml") else { return };
    let item = &p.items[0];
    assert_eq!(item.headline, "Revolução nas telas com pontos quânticos impressos em 3D", "Latin-1 read as Latin-1");
    assert_eq!(item.language, "pt-BR");
    assert_eq!(item.first_created, Some("2020-08-13T09:57:55Z".parse().unwrap()));

    let Some(Ok(p)) = read("rss2/rss_2.0_nbcny.xml") else { return };
    let item = &p.items[0];
    assert_eq!(item.authors, ["Gaby Acevedo", "Jessica Cunnington"]);
    assert_eq!(item.first_created, Some("2023-12-16T14:02:33Z".parse().unwrap()), "a date with no zone, read as UTC");
    assert_eq!(item.uri, "https://www.nbcnewyork.com#4956764", "a guid that is no URL is scoped by the feed");
    assert_eq!(item.credit().as_deref(), Some("NBC New York"));

    let Some(Ok(p)) = read("atom/atom_xml_base.xml") else { return };
    let pic = p.items[0].picture.as_ref().unwrap();
    assert_eq!(
        pic.href.as_deref(),
        Some("https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"),
        "resolved against xml:base"
    );

    let Some(Ok(p)) = read("atom/atom_spec_1.xml") else { return };
    assert_eq!(p.items[0].authors, ["John Doe"], "the feed's author, inherited");

    let Some(Ok(p)) = read("rss2/rss_2.0_ghost_2.xml") else { return };
    let item = &p.items[0];
    assert_eq!(item.tags, ["New"]);
    assert_eq!(item.link.as_deref(), Some("https://ghost.org/changelog/email-without-publishing/"));
    assert!(item.body.len() >= 2);
}

#[test]
fn feed_problems_name_the_item_and_the_field() {
    let rss = |item: &str| {
        format!("<rss version=\"2.0\"><channel><title>T</title><link>https://example.com/</link>{item}</channel></rss>")
    };
    let p = parse_feed(
        rss("<item><title>A</title><pubDate>someday</pubDate></item><item><title>B</title></item>").as_bytes(),
    )
    .unwrap();
    assert_eq!(p.items.len(), 1);
    assert_eq!(p.failed[0].to_string(), "item 0: pubDate: cannot read the date \"someday\"");
    let p = parse_feed(rss("<item><description>  </description></item>").as_bytes()).unwrap();
    assert_eq!(p.skipped.len(), 1, "nothing to read");
    let json =
        |item: &str| format!(r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{item}]}}"#);
    let cases = [
        (r#"{"id": "1", "title": "x"}"#, "content_html: missing, and so is content_text"),
        (
            r#"{"id": "1", "content_text": "x", "date_published": "May 31 2019"}"#,
            "date_published: expected an RFC 3339 date-time",
        ),
        (r#"{"id": "1", "content_html": 5}"#, "content_html: expected a string"),
        (r#"7"#, "item: expected an object"),
        (r#"{"content_text": "x"}"#, "id: missing, and so is url"),
    ];
    for (item, want) in cases {
        let p = parse_feed(json(item).as_bytes()).unwrap();
        assert!(p.failed[0].to_string().contains(want), "{item}: {}", p.failed[0]);
    }
    let e = parse_feed(br#"{"version": "2", "items": []}"#).unwrap_err();
    assert!(e.to_string().starts_with("version: expected https://jsonfeed.org/version/1"), "{e}");
    let e = parse_feed(b"<html/>").unwrap_err();
    assert!(e.to_string().contains("<html> is not a feed"), "{e}");
    let p = parse_feed(
        json(r#"{"id": 42, "content_html": "<p>Hi <script>alert(1)</script></p>", "title": "<b>T</b>"}"#).as_bytes(),
    )
    .unwrap();
    assert_eq!(p.items[0].uri, "42", "a numeric id is read as text");
    assert_eq!(p.items[0].headline, "T");
    assert_eq!(p.items[0].body, vec![Block::Paragraph { text: "Hi".into(), marks: vec![] }], "scripts never survive");
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_feed(&bytes);
    }

    #[test]
    fn generated_rss_items_round_trip(title in "[A-Za-z][A-Za-z ]{0,40}", body in "[A-Za-z][A-Za-z .,]{0,200}", secs in 0i64..4_000_000_000) {
        let when = jiff::Timestamp::from_second(secs).unwrap();
        let date = jiff::fmt::rfc2822::to_string(&when.to_zoned_datetime(jiff::tz::TimeZone::UTC)).unwrap();
        let doc = format!("<rss version=\"2.0\"><channel><title>T</title><link>https://example.com/</link><item><title>{title}</title><description>{body}</description><guid>https://example.com/1</guid><pubDate>{date}</pubDate></item></channel></rss>");
        let p = parse_feed(doc.as_bytes()).unwrap();
        prop_assert!(p.failed.is_empty());
        let item = &p.items[0];
        prop_assert_eq!(&item.headline, &crate::xml::collapse(&title));
        prop_assert_eq!(item.first_created, Some(when));
        prop_assert_eq!(&item.uri, "https://example.com/1");
    }
}

#[test]
fn an_rss_item_with_only_full_content_is_named_by_its_words() {
    // No title, no description, no guid, no link: content:encoded alone (a scripted item's words
    // kept, its script not).
    let rss = br#"<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
        <item><content:encoded>The ferry &lt;em&gt;returns&lt;/em&gt;&lt;script&gt;alert(1)&lt;/script&gt; on Monday.</content:encoded></item>
        </channel></rss>"#;
    let parsed = parse_feed(rss).unwrap();
    assert_eq!(parsed.skipped, vec![]);
    let item = &parsed.items[0];
    assert_eq!(item.headline, "The ferry returns on Monday", "a headline made from the words drops the full stop");
    assert!(item.uri.starts_with('#'), "named by a hash of its words: {}", item.uri);
    let Block::Paragraph { text, marks } = &item.body[0] else { panic!("{:?}", item.body) };
    assert_eq!((text.as_str(), marks.len()), ("The ferry returns on Monday.", 1));
}
