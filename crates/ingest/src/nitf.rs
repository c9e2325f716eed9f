//! NITF 3.x (3.1 to 3.6), the News Industry Text Format most agencies still send text in: as a
//! file of its own, inside NewsML 1.2 (`newsml1.rs`) and inside NewsML-G2 `inlineXML`. With or
//! without the IPTC namespace, in UTF-8 or ISO-8859-1; a `<!DOCTYPE nitf SYSTEM "…">` is read past
//! and never fetched (one that declares entities is refused by the XML layer).
//!
//! What is read: `hedline/hl1` (headline), `hl2` or `abstract` (deck), `byline`, `dateline`,
//! `body.content` (paragraphs, headings, block quotes, lists, links and emphasis kept as marks,
//! tables as one paragraph per row, `media` as pictures with caption and credit),
//! `body.end/tagline`; from `docdata`: `doc-id` and `du-key` (identity and version), `urgency`,
//! `date.issue`, `date.release` (embargo), `doc.copyright`, `key-list` and `identified-content`
//! (tags), `series`, `management-status` (usable, embargoed, withheld, canceled: a kill); from
//! `tobject.subject`: IPTC subject codes; from `pubdata`: the section and the address.
//! Left out: `fixture`, `ed-msg` (a note to editors, not readers), `revision-history`,
//! `del-list`, `body.end` other than the tagline, and any `classifier` (internal codes).

use std::collections::BTreeSet;

use crate::html::{blocks_from_html, escape_text};
use crate::item::{Format, ItemError, Parsed, PubStatus, Subject, WireItem, WirePicture, first_words};
use crate::xml::{self, Element, Node};
use newsdesk_core::Block;

/// Largest NITF document read.
pub const MAX_NITF_BYTES: usize = 16 * 1024 * 1024;

/// A NITF document (`<nitf>` at the root): one item.
pub fn parse_nitf(bytes: &[u8]) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_NITF_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_NITF_BYTES} are read", bytes.len())));
    }
    let root = xml::parse(bytes).map_err(|e| ItemError::document(e.to_string()))?;
    if root.name != "nitf" {
        return Err(ItemError::document(format!("the root element is <{}>, not <nitf>", root.name)));
    }
    let mut parsed = Parsed::default();
    match item(&root, None, Format::Nitf) {
        Ok(Ok(item)) => parsed.items.push(item),
        Ok(Err(why)) => parsed.skipped.push((doc_id(&root).unwrap_or_default(), why)),
        Err(e) => parsed.failed.push(e),
    }
    Ok(parsed)
}

fn attr(el: Option<&Element>, name: &str) -> Option<String> {
    el?.attr(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// The document's own id: `doc-id/@id-string`, with its registering source when given.
fn doc_id(root: &Element) -> Option<String> {
    let id = root.local_path(&["head", "docdata", "doc-id"]);
    let string = attr(id, "id-string")?;
    Some(match attr(id, "regsrc") {
        Some(src) => format!("{src}:{string}"),
        None => string,
    })
}

/// A NITF date: the `norm` attribute in ISO 8601's basic form (`20261207T101500Z`,
/// `20261207T101500+0100`, `20261207`) or its extended form.
pub fn nitf_date(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    // The basic form starts with eight digits (slicing by `get`: any byte may be anywhere).
    let Some(date) = s.get(..8).filter(|d| all_digits(d)) else {
        return crate::dates::parse(s);
    };
    let mut out = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..8]);
    if let Some(rest) = s.get(8..).filter(|r| !r.is_empty()) {
        let rest = rest.strip_prefix('T')?;
        let (time, zone) = match rest.find(['Z', '+', '-']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if !all_digits(time) || !matches!(time.len(), 4 | 6) {
            return None;
        }
        let seconds = time.get(4..6).unwrap_or("00");
        out.push_str(&format!("T{}:{}:{seconds}", &time[..2], &time[2..4]));
        match zone {
            "" | "Z" => out.push('Z'),
            z if z.len() == 5 && all_digits(&z[1..]) => out.push_str(&format!("{}:{}", &z[..3], &z[3..])),
            z if z.len() == 6 && z.get(3..4) == Some(":") => out.push_str(z),
            _ => return None,
        }
    }
    crate::dates::parse(&out)
}

/// One NITF document as an item; `Ok(Err(why))` when there is nothing readers could read.
/// `fallback_id` names it when it carries no `doc-id` (NewsML 1.2 gives its own identity).
pub fn item(root: &Element, fallback_id: Option<&str>, format: Format) -> Result<Result<WireItem, String>, ItemError> {
    let head = root.local("head");
    let docdata = head.and_then(|h| h.local("docdata"));
    let body = root.local("body");
    let body_head = body.and_then(|b| b.local("body.head"));
    let du_key = docdata.and_then(|d| d.local("du-key"));
    let uri =
        attr(du_key, "key").or_else(|| doc_id(root)).or_else(|| fallback_id.map(str::to_string)).ok_or_else(|| {
            ItemError::new("head/docdata/doc-id", "missing: the document has no id-string (nor du-key key)")
        })?;
    let headline = body_head
        .and_then(|h| h.local_path(&["hedline", "hl1"]))
        .and_then(Element::text_collapsed)
        .or_else(|| head.and_then(|h| h.local("title")).and_then(Element::text_collapsed));
    let deck = body_head
        .and_then(|h| h.local("hedline"))
        .and_then(|h| h.local("hl2"))
        .and_then(Element::text_collapsed)
        .or_else(|| body_head.and_then(|h| h.local("abstract")).and_then(Element::text_collapsed));
    let content = body.and_then(|b| b.local("body.content"));
    let (mut blocks, pictures) = match content {
        Some(c) => content_blocks(c),
        None => (vec![], vec![]),
    };
    if let Some(tagline) = body.and_then(|b| b.local_path(&["body.end", "tagline"])).and_then(Element::text_collapsed) {
        blocks.push(Block::paragraph(tagline));
    }
    let Some(headline) = headline.or_else(|| first_words(&blocks)) else {
        return Ok(Err("no headline and no text".into()));
    };
    if blocks.is_empty() {
        // A flash: the headline is all there is to read.
        blocks.push(Block::paragraph(headline.clone()));
    }
    let mut item = WireItem::new(format, uri, headline, blocks);
    item.deck = deck;
    item.version = attr(du_key, "version").or_else(|| meta(head, &["version", "revision"]));
    item.byline = body_head.and_then(|h| h.local("byline")).and_then(byline);
    item.located = body_head.and_then(|h| h.local("dateline")).and_then(dateline);
    item.language = root
        .attr_ns(xml::ns::XML, "lang")
        .or_else(|| body.and_then(|b| b.attr_ns(xml::ns::XML, "lang")))
        .map(str::to_string)
        .or_else(|| meta(head, &["language", "lang"]))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en".into());
    let date = |name: &str| docdata.and_then(|d| d.local(name)).and_then(|e| e.attr("norm")).and_then(nitf_date);
    item.first_created = date("date.issue");
    let publication = head.and_then(|h| h.local("pubdata"));
    item.version_created = attr(publication, "date.publication").and_then(|d| nitf_date(&d)).or(item.first_created);
    item.embargoed = date("date.release");
    item.urgency = attr(docdata.and_then(|d| d.local("urgency")), "ed-urg").and_then(|u| u.parse().ok());
    item.pub_status = match attr(docdata, "management-status").map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("withheld") => PubStatus::Withheld,
        Some("canceled" | "cancelled") => PubStatus::Canceled,
        _ => PubStatus::Usable,
    };
    item.copyright_holder = attr(docdata.and_then(|d| d.local("doc.copyright")), "holder");
    item.provider = attr(docdata.and_then(|d| d.local("doc-id")), "regsrc")
        .or_else(|| body_head.and_then(|h| h.local("distributor")).and_then(Element::text_collapsed))
        .or_else(|| item.copyright_holder.clone());
    item.info_source = item.provider.clone();
    item.subjects = head
        .into_iter()
        .flat_map(|h| h.locals("tobject"))
        .flat_map(|t| t.locals("tobject.subject"))
        .filter_map(|s| {
            let code = attr(Some(s), "tobject.subject.refnum").map(|n| format!("subj:{n}"));
            let name = attr(Some(s), "tobject.subject.matter")
                .or_else(|| attr(Some(s), "tobject.subject.detail"))
                .or_else(|| attr(Some(s), "tobject.subject.type"));
            (code.is_some() || name.is_some()).then_some(Subject { code, name })
        })
        .collect();
    item.tags = tags(docdata);
    item.section = attr(publication, "position.section");
    item.link = attr(publication, "ex-ref").filter(|l| l.starts_with("http://") || l.starts_with("https://"));
    let mut pictures = pictures.into_iter();
    item.picture = pictures.next();
    item.media = pictures.collect();
    Ok(Ok(item))
}

/// A `head/meta` value by name.
fn meta(head: Option<&Element>, names: &[&str]) -> Option<String> {
    head?
        .elements()
        .filter(|e| e.name == "meta")
        .find(|m| m.attr("name").is_some_and(|n| names.iter().any(|x| n.eq_ignore_ascii_case(x))))
        .and_then(|m| attr(Some(m), "content"))
}

/// The byline as printed, without the writer's title (`byttl`).
fn byline(b: &Element) -> Option<String> {
    let mut out = String::new();
    for n in &b.children {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.name != "byttl" => out.push_str(&e.text()),
            Node::Element(_) => {}
        }
    }
    let out = xml::collapse(&out);
    let out = out.trim_end_matches([',', ' ']).to_string();
    Some(out).filter(|o| !o.is_empty())
}

/// Where the story was filed: the dateline's city (or location), else its text before a date.
fn dateline(d: &Element) -> Option<String> {
    let location = d.local("location");
    location
        .and_then(|l| l.local("city"))
        .and_then(Element::text_collapsed)
        .or_else(|| location.and_then(Element::text_collapsed))
        .or_else(|| {
            let text: String = d
                .children
                .iter()
                .filter_map(|n| match n {
                    Node::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            Some(xml::collapse(&text).trim_end_matches([',', ' ']).to_string()).filter(|t| !t.is_empty())
        })
}

/// Keywords, the people, organisations, places and events the story names, and its series.
fn tags(docdata: Option<&Element>) -> Vec<String> {
    let Some(d) = docdata else { return vec![] };
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    let mut add = |t: Option<String>| {
        if let Some(t) = t.map(|t| xml::collapse(&t)).filter(|t| !t.is_empty() && t.chars().count() <= 100)
            && seen.insert(t.to_lowercase())
        {
            out.push(t);
        }
    };
    for k in d.elements().filter(|e| e.name == "key-list").flat_map(|l| l.locals("keyword")) {
        add(attr(Some(k), "key"));
    }
    for ic in d.locals("identified-content") {
        for e in ic
            .elements()
            .filter(|e| matches!(e.name.as_str(), "person" | "org" | "location" | "event" | "object.title"))
        {
            add(e.text_collapsed().or_else(|| attr(Some(e), "value")));
        }
    }
    for s in d.locals("series") {
        add(attr(Some(s), "series.name"));
    }
    out
}

/// `body.content` as blocks (links and emphasis as marks) and its pictures.
fn content_blocks(content: &Element) -> (Vec<Block>, Vec<WirePicture>) {
    let mut pictures = vec![];
    let mut html = String::new();
    for node in &content.children {
        match node {
            Node::Element(e) if e.name == "media" => {
                if let Some(p) = picture(e) {
                    pictures.push(p);
                }
            }
            Node::Element(e) if e.name == "table" => {
                for row in e
                    .elements()
                    .flat_map(|part| if part.name == "tr" { vec![part] } else { part.locals("tr").collect() })
                {
                    let cells: Vec<String> = row.elements().filter_map(Element::text_collapsed).collect();
                    if !cells.is_empty() {
                        html.push_str("<p>");
                        html.push_str(&escape_text(&cells.join(" · ")));
                        html.push_str("</p>");
                    }
                }
            }
            Node::Element(e) => {
                let mut renamed = e.clone();
                rename(&mut renamed);
                html.push_str(&Element { children: vec![Node::Element(renamed)], ..Element::default() }.inner_markup());
            }
            Node::Text(t) => html.push_str(&escape_text(t)),
        }
    }
    (blocks_from_html(&html), pictures)
}

/// NITF's names for what HTML calls otherwise.
fn rename(el: &mut Element) {
    el.name = match el.name.as_str() {
        "hl1" | "hl2" => "h2".into(),
        "bq" => "blockquote".into(),
        "block" | "note" => "div".into(),
        "credit" => "cite".into(),
        "dl" => "ul".into(),
        "dt" | "dd" => "li".into(),
        other => other.to_string(),
    };
    el.children.retain(|c| !matches!(c, Node::Element(e) if e.name == "media"));
    for child in &mut el.children {
        if let Node::Element(e) = child {
            rename(e);
        }
    }
}

/// A `media` element of type image: where the picture is, its alternate text, caption and credit.
fn picture(m: &Element) -> Option<WirePicture> {
    let kind = m.attr("media-type").unwrap_or("image").to_ascii_lowercase();
    if !matches!(kind.as_str(), "image" | "photo" | "graphic") {
        return None;
    }
    let reference = m
        .locals("media-reference")
        .max_by_key(|r| attr(Some(r), "width").and_then(|w| w.parse::<u32>().ok()).unwrap_or(0))?;
    let href = attr(Some(reference), "source").or_else(|| attr(Some(reference), "data-location"));
    Some(WirePicture {
        href: href.filter(|h| h.starts_with("http://") || h.starts_with("https://")),
        alt: attr(Some(reference), "alternate-text"),
        caption: m.local("media-caption").and_then(Element::text_collapsed),
        credit: m.local("media-producer").and_then(Element::text_collapsed),
    })
}

#[cfg(test)]
mod tests;
