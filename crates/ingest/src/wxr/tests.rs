use super::*;
use newsdesk_core::article::Section;
use proptest::prelude::*;

use crate::shared;

fn theme_unit_test(pages: bool) -> Option<Parsed> {
    let dir = shared::require_shared("ingest::wxr")?;
    let bytes = std::fs::read(dir.join("testdata/wordpress-wxr/themeunittestdata.wordpress.xml")).unwrap();
    Some(parse_wxr(&bytes, &WxrOptions { pages }).unwrap())
}

fn by_id(p: &Parsed, id: u32) -> &WireItem {
    p.items.iter().find(|i| i.uri.ends_with(&format!("?p={id}"))).unwrap_or_else(|| panic!("post {id}"))
}

#[test]
fn the_theme_unit_test_export_imports() {
    let Some(p) = theme_unit_test(false) else { return };
    assert!(p.failed.is_empty(), "{:?}", p.failed);
    assert_eq!(p.items.len(), 51, "every post; pages left out");
    let skipped = |why: &str| p.skipped.iter().filter(|(_, w)| w.starts_with(why)).count();
    assert_eq!((skipped("a page"), skipped("a nav_menu_item"), skipped("an attachment")), (21, 70, 38));
    for item in &p.items {
        item.to_article(&Section::from_label("NEWS").unwrap()).unwrap_or_else(|e| panic!("{}: {e}", item.uri));
    }
    let Some(with_pages) = theme_unit_test(true) else { return };
    assert_eq!(with_pages.items.len(), 72, "--pages brings the 21 pages too");
}

#[test]
fn states_sections_people_and_pictures() {
    let Some(p) = theme_unit_test(false) else { return };
    assert_eq!(by_id(&p, 1164).pub_status, PubStatus::Draft, "drafts stay drafts");
    assert_eq!(by_id(&p, 1168).pub_status, PubStatus::Draft, "a password-protected post is not made public");
    let scheduled = by_id(&p, 1153);
    assert_eq!(
        (scheduled.pub_status, scheduled.first_created),
        (PubStatus::Usable, Some("2030-01-01T19:00:18Z".parse().unwrap()))
    );
    let standard = by_id(&p, 358);
    assert_eq!(standard.section.as_deref(), Some("Classic"));
    assert_eq!(standard.authors, ["Theme Buster"], "the author's display name, not the login");
    assert_eq!(standard.first_created, Some("2010-10-05T07:27:25Z".parse().unwrap()), "post_date_gmt, not pubDate");
    assert!(standard.body.len() > 3, "blank-line paragraphs become paragraphs");
    // A literary bracket is not a shortcode.
    assert!(standard.body.iter().any(|b| b.text().iter().any(|t| t.contains("[simple boat]"))));
    let featured = by_id(&p, 1011);
    let pic = featured.picture.as_ref().unwrap();
    assert!(pic.href.as_deref().unwrap().starts_with("https://wpthemetestdata.files.wordpress.com/"));
    assert_eq!(pic.alt.as_deref(), Some("Horizontal Featured Image"));
    let caption = by_id(&p, 1163);
    assert_eq!(caption.picture.as_ref().unwrap().caption.as_deref(), Some("It’s dangerous to go alone! Take this."));
    assert!(by_id(&p, 1151).tags.len() >= 40, "many tags");
    let excerpt = by_id(&p, 993);
    assert!(excerpt.deck.as_deref().unwrap().starts_with("This is a user-defined post excerpt. It should be"));
    assert_eq!(by_id(&p, 1161).body[0], Block::Embed { url: "https://www.youtube.com/watch?v=SQEQr7c0-dw".into() });
    assert!(
        by_id(&p, 587).body.iter().any(|b| matches!(b, Block::Embed { url } if url.ends_with(".mp3"))),
        "an [audio] shortcode"
    );
    assert_eq!(by_id(&p, 1173).headline, "Markup: Title With Markup");
    assert_eq!(
        by_id(&p, 1169).headline,
        "This post has no title, but it still must link to the single post view somehow"
    );
    let Some(pages) = theme_unit_test(true) else { return };
    assert_eq!(by_id(&pages, 1811).slug.as_deref(), Some("επίπεδο-2"), "percent-encoded slugs decoded");
}

#[test]
fn a_stream_reads_what_memory_reads() {
    let Some(dir) = shared::require_shared("ingest::wxr_stream") else { return };
    let path = dir.join("testdata/wordpress-wxr/themeunittestdata.wordpress.xml");
    let catalog = scan(std::io::BufReader::new(std::fs::File::open(&path).unwrap())).unwrap();
    assert_eq!(catalog.items, 180);
    let mut streamed = vec![];
    read(
        std::io::BufReader::with_capacity(512, std::fs::File::open(&path).unwrap()),
        &catalog,
        &WxrOptions::default(),
        |_, o| {
            if let Ok(Ok(item)) = o {
                streamed.push(item);
            }
        },
    )
    .unwrap();
    let Some(in_memory) = theme_unit_test(false) else { return };
    assert_eq!(streamed, in_memory.items);
}

#[test]
fn wordpress_markup() {
    assert_eq!(
        blocks(
            "First line\nsame paragraph.\n\nSecond.\n\n<h3>Head</h3>\n\nhttps://example.com/v\n\n[gallery ids=\"1,2\"]"
        ),
        vec![
            Block::Paragraph { text: "First line\nsame paragraph.".into(), marks: vec![] },
            Block::Paragraph { text: "Second.".into(), marks: vec![] },
            Block::Heading { text: "Head".into(), level: 3, marks: vec![] },
            Block::Embed { url: "https://example.com/v".into() },
        ]
    );
    let caption = r#"[caption id="attachment_1" width="640" caption="Old form"]<img src="https://x/a.jpg" />[/caption]
[caption id="attachment_2"]<a href="https://x"><img src="https://x/b.jpg" /></a> New form[/caption]"#;
    let texts: Vec<String> = blocks(caption).iter().flat_map(|b| b.text()).map(str::to_string).collect();
    assert_eq!(texts, ["Old form", "New form"]);
    assert_eq!(
        php_string(r#"a:1:{s:10:"image_meta";a:2:{s:6:"credit";s:9:"AP Photo ";s:9:"copyright";s:0:"";}}"#, "credit"),
        Some("AP Photo".into())
    );
    assert_eq!(php_string(r#"s:6:"credit";s:99:"short";"#, "credit"), None, "a length past the end is refused");
    assert_eq!(percent_decode("%ce%b5%cf%80-2%zz%"), "επ-2%zz%");
}

#[test]
fn broken_exports_say_what_and_where() {
    let e = parse_wxr(b"<rss><channel><item><title>x</title>", &WxrOptions::default()).unwrap_err();
    assert!(e.to_string().contains("ends inside <item> (truncated?)"), "{e}");
    let e = parse_wxr(b"<feed/>", &WxrOptions::default()).unwrap_err();
    assert!(e.to_string().contains("no channel"), "{e}");
    let doc = r#"<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>A</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><wp:post_date_gmt>yesterday</wp:post_date_gmt></item>
<item><title>B</title><wp:post_id>2</wp:post_id><wp:post_type>post</wp:post_type><wp:status>pending</wp:status><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:post_date>2026-01-05 10:00:00</wp:post_date></item>
<item><title>C</title><wp:post_type>post</wp:post_type></item>
</channel></rss>"#;
    let p = parse_wxr(doc.as_bytes(), &WxrOptions::default()).unwrap();
    assert_eq!(
        p.failed[0].to_string(),
        "item 0 (1): wp:post_date_gmt: expected a date like 2026-01-05 08:00:00, found \"yesterday\""
    );
    assert_eq!(p.failed[1].to_string(), "item 2: wp:post_id: missing: every exported post has one");
    assert_eq!(p.items.len(), 1);
    assert_eq!(
        (p.items[0].pub_status, p.items[0].first_created),
        (PubStatus::Pending, Some("2026-01-05T10:00:00Z".parse().unwrap()))
    );
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_wxr(&bytes, &WxrOptions { pages: true });
    }

    /// Any post content reads into blocks that carry text and no markup, and content without a
    /// shortcode passes the shortcode step unchanged.
    #[test]
    fn any_post_content_reads(content in prop_oneof![
        "\\PC{0,300}",
        proptest::collection::vec(prop_oneof![
            Just("<p>".to_string()), Just("</p>".to_string()), Just("[caption id=\"a\"]".to_string()),
            Just("[/caption]".to_string()), Just("<!-- wp:paragraph -->".to_string()), Just("\n\n".to_string()),
            Just("<script>x</script>".to_string()), Just("https://example.org/v".to_string()), "[a-z ]{0,12}",
        ], 0..20).prop_map(|p| p.concat()),
    ]) {
        for b in blocks(&content) {
            match &b {
                Block::Paragraph { text, .. } | Block::Heading { text, .. } | Block::Quote { text, .. } => {
                    prop_assert!(!text.trim().is_empty());
                    prop_assert!(!text.contains("<script") && !text.contains("<p>"), "{}", text);
                }
                Block::Embed { url } => prop_assert!(url.starts_with("http"), "{}", url),
                _ => {}
            }
        }
        if !content.contains('[') {
            prop_assert_eq!(shortcodes(&content), content.clone());
        }
    }
}
