use super::*;
use proptest::prelude::*;

#[test]
fn elements_text_attributes_and_namespaces() {
    let doc = br#"<?xml version="1.0"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/" xmlns:a="https://www.w3.org/2005/Atom">
  <channel><title>A &amp; B&nbsp;C &#8211; D &#x41; &bogus;</title><dc:creator><![CDATA[<Jo>]]></dc:creator>
  <wp:post_id>7</wp:post_id><a:link href="x?a=1&amp;b=2" rel="self"/><p>One<br/>two</p></channel>
</rss>"#;
    let root = parse(doc).unwrap();
    assert!(root.is(ns::NONE, "rss"));
    let channel = root.child(ns::NONE, "channel").unwrap();
    assert_eq!(channel.child(ns::NONE, "title").unwrap().text(), "A & B\u{a0}C – D A &bogus;");
    assert_eq!(channel.child(ns::DC, "creator").unwrap().text(), "<Jo>");
    assert_eq!(channel.child(ns::WP, "post_id").unwrap().text(), "7", "https WXR namespace folded");
    let link = channel.child(ns::ATOM, "link").unwrap();
    assert_eq!(link.attr("href"), Some("x?a=1&b=2"), "the mistyped Atom namespace is still Atom");
    assert_eq!(channel.child(ns::NONE, "p").unwrap().text(), "One\ntwo");
    assert_eq!(channel.child(ns::NONE, "p").unwrap().inner_markup(), "One<br></br>two");
    assert_eq!(channel.line, 3);
}

#[test]
fn encodings() {
    // Real Latin-1, as declared.
    let mut latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Inova".to_vec();
    latin1.extend([0xe7, 0xe3]);
    latin1.extend(b"o</t>");
    assert_eq!(parse(&latin1).unwrap().text(), "Inovação");
    // Declared Latin-1, written in UTF-8: read as UTF-8.
    let mislabelled = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Bülow</t>";
    assert_eq!(parse(mislabelled.as_bytes()).unwrap().text(), "Bülow");
    // UTF-16 with its byte-order mark.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "<t>ğüş</t>".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    assert_eq!(parse(&utf16).unwrap().text(), "ğüş");
    // UTF-8 with a byte-order mark.
    assert_eq!(parse("\u{feff}<t>x</t>".as_bytes()).unwrap().text(), "x");
    let e = parse(b"<t>\xff\xfe\xfd</t>").unwrap_err();
    assert!(e.message.contains("not UTF-8"), "{e}");
    let e = parse(b"<?xml version=\"1.0\" encoding=\"x-klingon\"?><t/>").unwrap_err();
    assert!(e.message.contains("unknown encoding"), "{e}");
}

#[test]
fn entity_declarations_are_refused_and_nothing_expands() {
    for doc in [
        r#"<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>"#,
        r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#,
        r#"<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1/evil.dtd"> %p;]><r/>"#,
    ] {
        let e = parse(doc.as_bytes()).unwrap_err();
        assert!(e.message.contains("declares entities"), "{doc}: {e}");
    }
    // A DTD named but not declared inline (RSS 0.91) is fine; its entities are HTML's.
    let rss091 = r#"<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss><t>caf&eacute;</t></rss>"#;
    assert_eq!(parse(rss091.as_bytes()).unwrap().child("", "t").unwrap().text(), "café");
    // An undeclared entity is text as written, never a fetch or an expansion.
    assert_eq!(parse(b"<r>&lol9;</r>").unwrap().text(), "&lol9;");
}

#[test]
fn broken_documents_say_where() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "no root element"),
        (b"<a><b></a>", "line 1: not well-formed XML"),
        (b"<a>\n<b>\n", "line 3: the document ends inside <b> (truncated?)"),
        (b"text<a/>", "text outside the root element"),
        (b"<a x='1' x='2'/>", "in <a>"),
    ];
    for (doc, want) in cases {
        let e = parse(doc).unwrap_err().to_string();
        assert!(e.contains(want), "{:?}: {e}", String::from_utf8_lossy(doc));
    }
}

#[test]
fn a_stream_hands_out_one_element_at_a_time() {
    let doc = b"<rss><channel><title>T</title><item><n>1</n></item><junk/><item><n>2</n></item></channel></rss>";
    let mut s = Stream::new(&doc[..]);
    let mut names = vec![];
    while let Some(el) = s.next_at(2).unwrap() {
        names.push(format!("{}:{}", el.name, el.text()));
    }
    assert_eq!(names, ["title:T", "item:1", "junk:", "item:2"]);
    assert_eq!(s.root(), Some(("", "rss")));
}

proptest! {
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse(&bytes);
        let _ = decode(&bytes);
    }

    #[test]
    fn text_round_trips_through_markup(text in "\\PC{0,80}") {
        let mut escaped = String::new();
        escape_into(&text, &mut escaped, false);
        let doc = format!("<t>{escaped}</t>");
        prop_assert_eq!(parse(doc.as_bytes()).unwrap().text(), text.replace('\r', "\n"));
    }
}
