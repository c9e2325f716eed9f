//! Which format a document is, from its first bytes: JSON by its keys (a Ghost export, a JSON
//! Feed, else ninjs), XML by its root element (and WordPress by its export namespace; `nitf` is
//! NITF, `NewsML` or `NewsItem` NewsML 1.2, the lower-case G2 names NewsML-G2), a page capture
//! by its first word.

use crate::item::{Format, ItemError, Parsed};

/// How far into a document detection looks.
const HEAD: usize = 64 * 1024;

pub fn detect(bytes: &[u8]) -> Option<Format> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(HEAD)];
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = String::from_utf8_lossy(&head[start..]);
    match head[start] {
        b'{' | b'[' => Some(json(&text)),
        b'<' => xml(&text),
        // UTF-16 byte-order marks: only XML is written so.
        0xff | 0xfe => {
            let decoded = crate::xml::decode(&bytes[start..]).ok()?;
            xml(&decoded[..decoded.len().min(HEAD)])
        }
        _ if text.starts_with("date ") => Some(Format::Capture),
        // IPTC 7901 / ANPA 1312 framing: SOH, then the header (a SYN or two may come first).
        0x01 | 0x16 => Some(Format::Iptc7901),
        _ => None,
    }
}

/// A wire or feed document read by its format's reader (ninjs as agencies write it), or `None`
/// for a format that is an export to import once rather than a document to take in (a
/// WordPress or Ghost export, a page capture). The one place a format meets its reader: the
/// CLI, polled sources and the ingest endpoint all come here.
pub fn read_document(format: Format, bytes: &[u8]) -> Option<Result<Parsed, ItemError>> {
    Some(match format {
        Format::Ninjs => crate::ninjs::parse_ninjs(bytes),
        Format::NewsmlG2 => crate::newsml::parse_newsml(bytes),
        Format::Nitf => crate::nitf::parse_nitf(bytes),
        Format::Newsml1 => crate::newsml1::parse_newsml1(bytes),
        Format::ApMedia => crate::apmedia::parse_ap(bytes),
        Format::Iptc7901 => crate::iptc7901::parse_7901(bytes),
        Format::Rss | Format::Atom | Format::JsonFeed => crate::feed::parse_feed(bytes),
        Format::Capture | Format::Wxr | Format::Ghost => return None,
    })
}

fn json(text: &str) -> Format {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).take(4096).collect();
    if compact.contains("\"https://jsonfeed.org/version/") || compact.contains("\"version\":\"https:\\/\\/jsonfeed.org")
    {
        Format::JsonFeed
    } else if compact.starts_with("{\"db\":[")
        || (compact.contains("\"meta\":{") && compact.contains("\"exported_on\""))
        || (compact.contains("\"data\":{") && compact.contains("\"posts\":["))
    {
        Format::Ghost
    } else if crate::apmedia::looks_like_ap(&compact) {
        Format::ApMedia
    } else {
        Format::Ninjs
    }
}

/// The root element's local name, past the declaration, comments and the document type.
fn root_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let lt = rest.find('<')?;
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = &after[after.find('>')? + 1..];
        } else {
            let name = &rest[1..];
            let end = name.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            let qualified = &name[..end];
            return Some(qualified.rsplit(':').next().unwrap_or(qualified));
        }
    }
}

fn xml(text: &str) -> Option<Format> {
    match root_name(text)? {
        "rss" if text.contains("wordpress.org/export/") => Some(Format::Wxr),
        "rss" | "RDF" => Some(Format::Rss),
        "feed" => Some(Format::Atom),
        "newsItem" | "packageItem" | "newsMessage" | "conceptItem" | "knowledgeItem" | "planningItem"
        | "catalogItem" => Some(Format::NewsmlG2),
        _ if text.contains("http://iptc.org/std/nar/2006-10-01/") => Some(Format::NewsmlG2),
        "nitf" => Some(Format::Nitf),
        "NewsML" | "NewsItem" => Some(Format::Newsml1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_format_by_its_start() {
        let cases: &[(&str, Option<Format>)] = &[
            ("date 2025-09-10 EUROPE\n1 min read", Some(Format::Capture)),
            (r#"{"uri": "x"}"#, Some(Format::Ninjs)),
            (r#"[{"uri": "x"}]"#, Some(Format::Ninjs)),
            (r#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#, Some(Format::JsonFeed)),
            (r#"{"db": [{"meta": {}, "data": {}}]}"#, Some(Format::Ghost)),
            (r#"{"meta": {"exported_on": 1, "version": "5"}, "data": {"posts": []}}"#, Some(Format::Ghost)),
            ("<?xml version=\"1.0\"?>\n<!-- x -->\n<rss version=\"2.0\"><channel/></rss>", Some(Format::Rss)),
            ("<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">", Some(Format::Wxr)),
            ("<rdf:RDF xmlns:rdf=\"x\">", Some(Format::Rss)),
            ("<feed xmlns=\"http://www.w3.org/2005/Atom\">", Some(Format::Atom)),
            (
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!DOCTYPE nitf SYSTEM \"nitf-3-2.dtd\">\n<nitf>",
                Some(Format::Nitf),
            ),
            ("<nitf xmlns=\"http://iptc.org/std/NITF/2006-10-18/\">", Some(Format::Nitf)),
            ("<!DOCTYPE NewsML SYSTEM \"NewsML_1.2.dtd\"><NewsML Version=\"1.2\">", Some(Format::Newsml1)),
            ("<NewsItem>", Some(Format::Newsml1)),
            (r#"{"api_version": "2", "data": {"items": [{"meta": {}, "item": {}}]}}"#, Some(Format::ApMedia)),
            (r#"{"data": {"item": {"altids": {"itemid": "x"}}}}"#, Some(Format::ApMedia)),
            ("\u{1}a0001 r i BC-Storm 12-07 0412\u{2}", Some(Format::Iptc7901)),
            ("<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"x\"><rss>", Some(Format::Rss)),
            ("<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\">", Some(Format::NewsmlG2)),
            ("<html><body>", None),
            ("plain text", None),
            ("", None),
        ];
        for (doc, want) in cases {
            assert_eq!(detect(doc.as_bytes()), *want, "{doc}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = detect(&bytes);
        }
    }
}
