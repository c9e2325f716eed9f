//! NewsML 1.2, the envelope AFP, ANA and others still wrap their copy in: a `NewsML` document
//! with a `NewsEnvelope` and one or more `NewsItem`s.
//!
//! What is read, per `NewsItem`: `Identification/NewsIdentifier` (provider, date id and
//! `NewsItemId` make the identity, `RevisionId` the version), `NewsManagement` (`Status`: usable,
//! withheld or canceled, a kill; `Urgency`; `FirstCreated`; `ThisRevisionCreated`), and the
//! `NewsComponent` tree: its `NewsLines` (`HeadLine`, `SubHeadLine`, `ByLine`, `DateLine`,
//! `CopyrightLine`, `CreditLine`), `AdministrativeMetadata/Provider`, `DescriptiveMetadata`
//! (`Language`, `SubjectCode` subjects, `Location`, keyword `Property`s), `TopicSet` topics, the
//! text component (NITF, read by [`crate::nitf`], XHTML or plain text) and photo components (a
//! `ContentItem` with an `Href`, its caption and credit from its component's lines) as pictures.
//! Left out: `Catalog` and `TopicSet` references to outside vocabularies (names are taken as
//! written), `Comment`s, `Characteristics`, video and audio components, and `NewsItemRef`s to
//! items not in the document.

use crate::html::{blocks_from_html, blocks_from_text};
use crate::item::{Format, ItemError, Parsed, PubStatus, Subject, WireItem, WirePicture, first_words};
use crate::nitf::{self, nitf_date};
use crate::xml::{self, Element};
use newsdesk_core::Block;

/// Largest NewsML 1.2 document read.
pub const MAX_NEWSML1_BYTES: usize = 32 * 1024 * 1024;

/// A NewsML 1.2 document: a `NewsML` root with its items (or a lone `NewsItem`).
pub fn parse_newsml1(bytes: &[u8]) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_NEWSML1_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_NEWSML1_BYTES} are read", bytes.len())));
    }
    let root = xml::parse(bytes).map_err(|e| ItemError::document(e.to_string()))?;
    let items: Vec<&Element> = match root.name.as_str() {
        "NewsML" => root.elements().filter(|e| e.name == "NewsItem").collect(),
        "NewsItem" => vec![&root],
        other => {
            return Err(ItemError::document(format!(
                "the root element is <{other}>; NewsML 1.2 has <NewsML> or <NewsItem>"
            )));
        }
    };
    if items.is_empty() {
        return Err(ItemError::document("the NewsML document holds no NewsItem"));
    }
    let mut parsed = Parsed::default();
    let several = items.len() > 1;
    for (i, el) in items.into_iter().enumerate() {
        let at = several.then_some(i);
        match item(el) {
            Ok(Ok(item)) => parsed.items.push(item),
            Ok(Err(why)) => parsed.skipped.push((identity(el).unwrap_or_default(), why)),
            Err(e) => parsed.failed.push(e.at(at).of(identity(el).as_deref())),
        }
    }
    Ok(parsed)
}

fn text(el: Option<&Element>) -> Option<String> {
    el.and_then(Element::text_collapsed)
}

/// A `FormalName` attribute, trimmed.
fn formal(el: Option<&Element>) -> Option<String> {
    el?.attr("FormalName").map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// `urn:newsml:PROVIDER:DATEID:NEWSITEMID`, as NewsML 1.2's public identifiers are written but
/// without the revision, so every revision of an item shares it.
fn identity(item: &Element) -> Option<String> {
    let id = item.local_path(&["Identification", "NewsIdentifier"])?;
    let news_item = text(id.local("NewsItemId"))?;
    let provider = text(id.local("ProviderId")).unwrap_or_default();
    let date = text(id.local("DateId")).unwrap_or_default();
    Some(format!("urn:newsml:{provider}:{date}:{news_item}"))
}

/// Every `NewsComponent` in the item, outermost first.
fn components(el: &Element) -> Vec<&Element> {
    let mut out = vec![];
    for c in el.elements().filter(|e| e.name == "NewsComponent") {
        out.push(c);
        out.extend(components(c));
    }
    out
}

fn media_type(content: &Element) -> String {
    formal(content.local("MediaType")).unwrap_or_default().to_ascii_lowercase()
}

fn item(el: &Element) -> Result<Result<WireItem, String>, ItemError> {
    let uri = identity(el).ok_or_else(|| {
        ItemError::new("Identification/NewsIdentifier/NewsItemId", "missing: a NewsItem is known by its NewsItemId")
    })?;
    let management = el.local("NewsManagement");
    let all = components(el);
    let lines = |name: &str| all.iter().find_map(|c| text(c.local("NewsLines").and_then(|l| l.local(name))));
    // The text: the first text content item, as NITF, XHTML or plain text.
    let mut nitf_item = None;
    let mut body = vec![];
    for content in all.iter().flat_map(|c| c.elements().filter(|e| e.name == "ContentItem")) {
        if media_type(content) != "text" {
            continue;
        }
        let Some(data) = content.local("DataContent") else { continue };
        if let Some(doc) = data.local("nitf") {
            match nitf::item(doc, Some(&uri), Format::Newsml1)? {
                Ok(read) => {
                    body = read.body.clone();
                    nitf_item = Some(read);
                }
                Err(_) => continue,
            }
        } else if let Some(html) = data.local("html").or_else(|| data.local("body")) {
            let inner = html.local("body").unwrap_or(html);
            body = blocks_from_html(&inner.inner_markup());
        } else {
            body = blocks_from_text(&data.text());
        }
        if !body.is_empty() {
            break;
        }
    }
    let headline = lines("HeadLine").or_else(|| nitf_item.as_ref().map(|n| n.headline.clone()));
    let Some(headline) = headline.or_else(|| first_words(&body)) else {
        return Ok(Err("no headline and no text".into()));
    };
    if body.is_empty() {
        body.push(Block::paragraph(headline.clone()));
    }
    let mut item = WireItem::new(Format::Newsml1, uri, headline, body);
    item.version = text(el.local_path(&["Identification", "NewsIdentifier", "RevisionId"]));
    item.deck = lines("SubHeadLine").or_else(|| nitf_item.as_ref().and_then(|n| n.deck.clone()));
    item.byline = lines("ByLine").or_else(|| nitf_item.as_ref().and_then(|n| n.byline.clone()));
    item.located = lines("DateLine")
        .map(|d| d.split(',').next().unwrap_or(&d).trim().to_string())
        .or_else(|| nitf_item.as_ref().and_then(|n| n.located.clone()));
    item.copyright_holder =
        lines("CopyrightLine").or_else(|| nitf_item.as_ref().and_then(|n| n.copyright_holder.clone()));
    item.provider = all
        .iter()
        .find_map(|c| formal(c.local_path(&["AdministrativeMetadata", "Provider", "Party"])))
        .or_else(|| text(el.local_path(&["Identification", "NewsIdentifier", "ProviderId"])));
    item.info_source = lines("CreditLine").or_else(|| item.provider.clone());
    item.language = all
        .iter()
        .find_map(|c| formal(c.local_path(&["DescriptiveMetadata", "Language"])))
        .or_else(|| nitf_item.as_ref().map(|n| n.language.clone()))
        .unwrap_or_else(|| "en".into());
    let when = |name: &str| text(management.and_then(|m| m.local(name))).and_then(|d| nitf_date(&d));
    item.first_created = when("FirstCreated");
    item.version_created = when("ThisRevisionCreated").or(item.first_created);
    item.urgency = formal(management.and_then(|m| m.local("Urgency"))).and_then(|u| u.parse().ok());
    item.pub_status =
        match formal(management.and_then(|m| m.local("Status"))).map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("withheld") => PubStatus::Withheld,
            Some("canceled" | "cancelled") => PubStatus::Canceled,
            _ => PubStatus::Usable,
        };
    item.embargoed = nitf_item.as_ref().and_then(|n| n.embargoed);
    item.subjects = subjects(&all);
    if item.subjects.is_empty()
        && let Some(n) = &nitf_item
    {
        item.subjects = n.subjects.clone();
    }
    item.tags = tags(&all);
    if let Some(n) = &nitf_item {
        for t in &n.tags {
            if !item.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                item.tags.push(t.clone());
            }
        }
    }
    let mut pictures = photos(&all);
    if let Some(n) = nitf_item {
        pictures.extend(n.picture);
        pictures.extend(n.media);
    }
    let mut pictures = pictures.into_iter();
    item.picture = pictures.next();
    item.media = pictures.collect();
    Ok(Ok(item))
}

/// `SubjectCode` children (`Subject`, `SubjectMatter`, `SubjectDetail`): IPTC subject codes.
fn subjects(all: &[&Element]) -> Vec<Subject> {
    let mut out: Vec<Subject> = vec![];
    for c in all {
        let Some(meta) = c.local("DescriptiveMetadata") else { continue };
        for code in meta.elements().filter(|e| e.name == "SubjectCode") {
            for s in code.elements() {
                if let Some(n) = formal(Some(s)) {
                    let subject = Subject { code: Some(format!("subj:{n}")), name: None };
                    if !out.contains(&subject) {
                        out.push(subject);
                    }
                }
            }
        }
    }
    out
}

/// Keywords (`Property FormalName="Keyword"`), places and topics named in the metadata.
fn tags(all: &[&Element]) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut add = |t: Option<String>| {
        if let Some(t) = t.filter(|t| t.chars().count() <= 100)
            && !out.iter().any(|x| x.eq_ignore_ascii_case(&t))
        {
            out.push(t);
        }
    };
    for c in all {
        if let Some(meta) = c.local("DescriptiveMetadata") {
            for p in meta.elements().filter(|e| e.name == "Property") {
                if formal(Some(p)).is_some_and(|n| n.eq_ignore_ascii_case("keyword")) {
                    add(p.attr("Value").map(xml::collapse).filter(|v| !v.is_empty()));
                }
            }
            for loc in meta.elements().filter(|e| e.name == "Location") {
                for p in loc.elements().filter(|e| e.name == "Property") {
                    if formal(Some(p))
                        .is_some_and(|n| n.eq_ignore_ascii_case("city") || n.eq_ignore_ascii_case("country"))
                    {
                        add(p.attr("Value").map(xml::collapse).filter(|v| !v.is_empty()));
                    }
                }
            }
        }
        for topic in
            c.elements().filter(|e| e.name == "TopicSet").flat_map(|s| s.elements().filter(|e| e.name == "Topic"))
        {
            add(text(topic.local("Description")).or_else(|| text(topic.local("FormalName"))));
        }
    }
    out
}

/// Photo components: the picture (the largest `ContentItem` with an address), its caption (the
/// component's `HeadLine`, else a text `DataContent` beside it) and its credit.
fn photos(all: &[&Element]) -> Vec<WirePicture> {
    let mut out = vec![];
    for c in all {
        let items: Vec<&Element> = c.elements().filter(|e| e.name == "ContentItem").collect();
        let Some(photo) = items
            .iter()
            .filter(|i| matches!(media_type(i).as_str(), "photo" | "graphic" | "image"))
            .filter(|i| i.attr("Href").is_some_and(|h| h.starts_with("http://") || h.starts_with("https://")))
            .max_by_key(|i| {
                i.elements()
                    .find(|e| e.name == "Characteristics")
                    .and_then(|ch| ch.elements().find(|e| e.name == "SizeInBytes"))
                    .and_then(|s| s.text().trim().parse::<u64>().ok())
                    .unwrap_or(0)
            })
        else {
            continue;
        };
        let lines = c.local("NewsLines");
        let caption = text(lines.and_then(|l| l.local("HeadLine")))
            .or_else(|| items.iter().filter(|i| media_type(i) == "text").find_map(|i| text(i.local("DataContent"))));
        out.push(WirePicture {
            href: photo.attr("Href").map(str::to_string),
            alt: None,
            caption,
            credit: text(lines.and_then(|l| l.local("CreditLine")))
                .or_else(|| text(lines.and_then(|l| l.local("CopyrightLine")))),
        });
    }
    out
}

#[cfg(test)]
mod tests;
