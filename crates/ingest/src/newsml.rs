//! IPTC NewsML-G2 into wire items: a `newsItem` (text, picture, video, or events), a
//! `packageItem` (a story that groups others), or a `newsMessage` carrying several items.
//! Concept, knowledge, planning and catalog items are read and checked but carry no story, so
//! they are skipped with the reason.
//!
//! Identity is the item's `guid`, its `version` (1 when absent) orders deliveries, and an
//! `itemMeta/link rel="irel:previousVersion"` names an item this one replaces. What the item
//! says is read from `itemMeta` (provider, times, embargo, publishing status, signals),
//! `contentMeta` (headline, byline, dateline, subjects, urgency, descriptions) and
//! `rightsInfo`; the story's text from the `contentSet` (NITF or XHTML inline, plain inline
//! data), pictures from `remoteContent` renditions.
//!
//! Before anything is read, each item's structure is checked where NewsML-G2 makes rules a
//! reader can trip on: the identity and the required `itemMeta` parts, which properties each
//! kind of item's `contentMeta` may hold (and how often), and how deep `related` concepts nest.

use jiff::Timestamp;
use newsdesk_core::Block;

use crate::dates;
use crate::html::blocks_from_text;
use crate::item::{Format, ItemError, Parsed, PubStatus, Subject, WireItem, WirePicture, first_words, to_blocks};
use crate::xml::{self, Element, ns};

/// Largest NewsML-G2 document read.
pub const MAX_NEWSML_BYTES: usize = 16 * 1024 * 1024;

/// The item kinds NewsML-G2 defines.
const ITEM_KINDS: [&str; 6] =
    ["newsItem", "packageItem", "conceptItem", "knowledgeItem", "planningItem", "catalogItem"];

/// Parses a NewsML-G2 document: one item, or a `newsMessage` of several.
pub fn parse_newsml(bytes: &[u8]) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_NEWSML_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_NEWSML_BYTES} are read", bytes.len())));
    }
    let root = xml::parse(bytes).map_err(|e| ItemError::document(e.to_string()))?;
    if root.ns != ns::NAR {
        return Err(ItemError::document(format!(
            "the root element <{}> is not in the NewsML-G2 namespace (http://iptc.org/std/nar/2006-10-01/); \
             expected a newsItem, packageItem or newsMessage",
            root.name
        )));
    }
    let mut parsed = Parsed::default();
    if root.name == "newsMessage" {
        let set = root
            .child(ns::NAR, "itemSet")
            .ok_or_else(|| ItemError::new("newsMessage/itemSet", "missing: a news message carries its items there"))?;
        for (i, el) in set.elements().enumerate() {
            read_item(el, Some(i), &mut parsed);
        }
        return Ok(parsed);
    }
    if !ITEM_KINDS.contains(&root.name.as_str()) {
        return Err(ItemError::document(format!(
            "<{}> is not a NewsML-G2 item; expected one of {} or a newsMessage",
            root.name,
            ITEM_KINDS.join(", ")
        )));
    }
    read_item(&root, None, &mut parsed);
    Ok(parsed)
}

fn read_item(el: &Element, at: Option<usize>, parsed: &mut Parsed) {
    let guid = el.attr("guid").map(str::trim).filter(|g| !g.is_empty()).map(str::to_string);
    let outcome = check(el).and_then(|()| match el.name.as_str() {
        "newsItem" | "packageItem" => story(el, guid.clone().unwrap_or_default()),
        other => Ok(Err(format!("a {other} describes {}, not a story", what_it_describes(other)))),
    });
    match outcome {
        Ok(Ok(item)) => parsed.items.push(item),
        Ok(Err(why)) => parsed.skipped.push((guid.unwrap_or_default(), why)),
        Err(e) => parsed.failed.push(e.at(at).of(guid.as_deref())),
    }
}

fn what_it_describes(kind: &str) -> &'static str {
    match kind {
        "conceptItem" => "a concept (a person, an organisation, an event, a topic)",
        "knowledgeItem" => "a set of concepts",
        "planningItem" => "planned coverage",
        "catalogItem" => "a catalog of vocabularies",
        _ => "something else",
    }
}

// ---------------------------------------------------------------------------------------------
// Structure

/// `contentMeta` properties of the administrative group, which every kind but a catalog has.
const ADMINISTRATIVE: [&str; 13] = [
    "urgency",
    "contentCreated",
    "contentModified",
    "digitalSourceType",
    "located",
    "infoSource",
    "creator",
    "contributor",
    "audience",
    "exclAudience",
    "altId",
    "rating",
    "userInteraction",
];
/// The descriptive properties concept, knowledge and planning items may carry.
const DESCRIPTIVE_CORE: [&str; 6] = ["language", "keyword", "subject", "slugline", "headline", "description"];
/// And what news and package items carry besides.
const DESCRIPTIVE_MORE: [&str; 4] = ["genre", "dateline", "by", "creditline"];
/// A catalog item's `contentMeta` is small.
const CATALOG: [&str; 5] = ["contentCreated", "contentModified", "creator", "contributor", "altId"];
/// Properties a `contentMeta` holds at most once.
const AT_MOST_ONCE: [&str; 4] = ["urgency", "contentCreated", "contentModified", "digitalSourceType"];
/// `related` nests at most this deep inside a property (NewsML-G2 2.34).
const MAX_RELATED_DEPTH: usize = 3;

fn check(item: &Element) -> Result<(), ItemError> {
    let kind = item.name.as_str();
    if item.attr("guid").is_none_or(|g| g.trim().is_empty()) {
        return Err(ItemError::new("guid", format!("missing: every {kind} has a guid that identifies it")));
    }
    let meta = item.child(ns::NAR, "itemMeta").ok_or_else(|| {
        ItemError::new("itemMeta", format!("missing: a {kind} must have one (item class, provider, version time)"))
    })?;
    for required in ["itemClass", "provider", "versionCreated"] {
        if meta.child(ns::NAR, required).is_none() {
            return Err(ItemError::new(&format!("itemMeta/{required}"), "missing, and NewsML-G2 requires it"));
        }
    }
    if let Some(v) = item.attr("version")
        && v.trim().parse::<u64>().map_or(true, |n| n == 0)
    {
        return Err(ItemError::new("version", format!("expected a positive whole number, found {v:?}")));
    }
    if let Some(cm) = item.child(ns::NAR, "contentMeta") {
        let allowed: Vec<&str> = match kind {
            "catalogItem" => CATALOG.to_vec(),
            "newsItem" | "packageItem" => ["icon", "contentMetaExtProperty"]
                .into_iter()
                .chain(ADMINISTRATIVE)
                .chain(DESCRIPTIVE_CORE)
                .chain(DESCRIPTIVE_MORE)
                .collect(),
            _ => ["icon", "contentMetaExtProperty"].into_iter().chain(ADMINISTRATIVE).chain(DESCRIPTIVE_CORE).collect(),
        };
        for (i, child) in cm.elements().enumerate() {
            // Other namespaces may extend contentMeta freely.
            if child.ns != ns::NAR {
                continue;
            }
            if !allowed.contains(&child.name.as_str()) {
                return Err(ItemError::new(
                    &format!("contentMeta/{}", child.name),
                    format!("not allowed in a {kind}'s contentMeta (line {})", child.line),
                ));
            }
            if AT_MOST_ONCE.contains(&child.name.as_str())
                && cm.elements().skip(i + 1).any(|later| later.is(ns::NAR, &child.name))
            {
                return Err(ItemError::new(
                    &format!("contentMeta/{}", child.name),
                    format!("appears more than once (line {}); NewsML-G2 allows one", child.line),
                ));
            }
        }
    }
    check_related(item, 0)
}

/// Walks the item for `related` concepts nested deeper than NewsML-G2 allows.
fn check_related(el: &Element, depth: usize) -> Result<(), ItemError> {
    for child in el.elements() {
        let d = if child.is(ns::NAR, "related") { depth + 1 } else { 0 };
        if d > MAX_RELATED_DEPTH {
            return Err(ItemError::new(
                "related",
                format!(
                    "nested {d} deep (line {}); NewsML-G2 allows related concepts {MAX_RELATED_DEPTH} deep",
                    child.line
                ),
            ));
        }
        check_related(child, d)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading

/// The story a news or package item tells, or why it tells none.
fn story(item: &Element, guid: String) -> Result<Result<WireItem, String>, ItemError> {
    let meta = item.child(ns::NAR, "itemMeta").expect("checked");
    let cm = item.child(ns::NAR, "contentMeta");
    let cm_text = |name: &str| cm.and_then(|c| c.child(ns::NAR, name)).and_then(Element::text_collapsed);
    let item_class = meta.child(ns::NAR, "itemClass").and_then(code).unwrap_or_default();
    let kind = item_class.split_once(':').map_or(item_class.as_str(), |(_, k)| k).to_string();
    let language = cm
        .and_then(|c| c.child(ns::NAR, "language"))
        .and_then(|l| l.attr("tag"))
        .or_else(|| item.attr_ns(ns::XML, "lang"))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en".into());
    let descriptions: Vec<(String, String)> = cm
        .into_iter()
        .flat_map(|c| c.children_named(ns::NAR, "description"))
        .filter_map(|d| Some((d.attr("role").unwrap_or("").to_string(), d.text_collapsed()?)))
        .collect();
    let described = |roles: &[&str]| {
        descriptions.iter().find(|(r, _)| roles.iter().any(|x| r.ends_with(x))).map(|(_, t)| t.clone())
    };
    let caption = described(&["caption"]);
    let summary = described(&["summary", "abstract", "synthe"])
        .or_else(|| descriptions.iter().find(|(r, _)| r.is_empty()).map(|(_, t)| t.clone()));
    let content = item.child(ns::NAR, "contentSet");
    let nitf = content.and_then(nitf_root);
    let mut body = content.map(inline_text).unwrap_or_default();
    let mut deck = summary.clone();
    let mut headline = cm_text("headline").or_else(|| {
        nitf.and_then(|n| n.path(ns::NITF, &["body", "body.head", "hedline", "hl1"])).and_then(Element::text_collapsed)
    });
    let byline = cm_text("by").or_else(|| nitf.and_then(nitf_byline));
    if item.name == "packageItem" {
        let (title, refs) = package(item);
        body = refs;
        headline = headline.or(title).or_else(|| meta.child(ns::NAR, "title").and_then(Element::text_collapsed));
    }
    if body.is_empty() {
        // A picture or a video: its description is its story.
        body = summary
            .as_deref()
            .or(caption.as_deref())
            .or_else(|| descriptions.first().map(|(_, t)| t.as_str()))
            .map(to_blocks)
            .unwrap_or_default();
        if deck.as_deref().is_some_and(|d| body.iter().any(|b| b.text().contains(&d))) {
            deck = None;
        }
    }
    if body.is_empty()
        && let Some((first, notices)) = content.and_then(events)
    {
        body = notices;
        headline = headline.or(Some(first));
    }
    let Some(headline) = headline.or_else(|| first_words(&body)) else {
        return Ok(Err("no headline, text, description or events to publish".into()));
    };
    if body.is_empty() {
        // A flash: the headline is all there is, and all there is to read.
        body = vec![Block::paragraph(headline.clone())];
    }
    let version = item.attr("version").map(|v| v.trim().to_string()).unwrap_or_else(|| "1".into());
    let mut wire = WireItem::new(Format::NewsmlG2, guid, headline, body);
    wire.version = Some(version);
    wire.kind = if kind.is_empty() { "text".into() } else { kind };
    wire.deck = deck;
    wire.language = language;
    wire.byline = byline;
    wire.authors = cm
        .into_iter()
        .flat_map(|c| c.children_named(ns::NAR, "creator"))
        .filter(|c| !c.attr("role").is_some_and(|r| r.contains("photo")))
        .filter_map(name_of)
        .collect();
    wire.located = cm.and_then(|c| c.child(ns::NAR, "located")).and_then(name_of);
    wire.first_created = time(meta, "firstCreated")?.or(match cm.and_then(|c| c.child(ns::NAR, "contentCreated")) {
        Some(c) => c.text_collapsed().as_deref().and_then(dates::iso),
        None => None,
    });
    wire.version_created = time(meta, "versionCreated")?;
    let embargo = meta.child(ns::NAR, "embargoed");
    wire.embargoed = time(meta, "embargoed")?;
    wire.pub_status = match meta.child(ns::NAR, "pubStatus").and_then(code).as_deref() {
        None => PubStatus::Usable,
        Some(c) if c.ends_with("usable") => PubStatus::Usable,
        Some(c) if c.ends_with("withheld") => PubStatus::Withheld,
        Some(c) if c.ends_with("canceled") || c.ends_with("cancelled") => PubStatus::Canceled,
        Some(other) => {
            return Err(ItemError::new(
                "itemMeta/pubStatus",
                format!("expected stat:usable, stat:withheld or stat:canceled, found {other:?}"),
            ));
        }
    };
    // An embargo without a time: held until the provider says when.
    if embargo.is_some() && wire.embargoed.is_none() && wire.pub_status == PubStatus::Usable {
        wire.pub_status = PubStatus::Withheld;
    }
    wire.urgency = match cm_text("urgency") {
        Some(u) => Some(u.parse::<i64>().ok().filter(|n| (1..=9).contains(n)).ok_or_else(|| {
            ItemError::new("contentMeta/urgency", format!("expected a number from 1 to 9, found {u:?}"))
        })?),
        None => None,
    };
    wire.signals = meta.children_named(ns::NAR, "signal").filter_map(code).collect();
    wire.supersedes = meta
        .children_named(ns::NAR, "link")
        .filter(|l| {
            l.attr("rel").or(l.attr("reluri")).is_some_and(|r| r.contains("previousVersion") || r.contains("replaces"))
        })
        .filter_map(|l| l.attr("residref").or(l.attr("guidref")).or(l.attr("href")))
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty() && *r != wire.uri)
        .collect();
    let provider = meta.child(ns::NAR, "provider");
    wire.provider = provider.and_then(|p| name_of(p).or_else(|| code(p).map(|c| strip_scheme(&c))));
    let holder = item.path(ns::NAR, &["rightsInfo", "copyrightHolder"]).and_then(name_of);
    wire.copyright_holder = cm_text("creditline").or(holder).or_else(|| wire.provider.clone());
    wire.info_source = cm.and_then(|c| c.child(ns::NAR, "infoSource")).and_then(name_of);
    wire.subjects = subjects(item, cm);
    wire.picture = content.and_then(|c| picture(c, caption.clone(), wire.copyright_holder.clone()));
    Ok(Ok(wire))
}

fn time(meta: &Element, name: &str) -> Result<Option<Timestamp>, ItemError> {
    let Some(text) = meta.child(ns::NAR, name).and_then(Element::text_collapsed) else { return Ok(None) };
    dates::iso(&text).map(Some).ok_or_else(|| {
        ItemError::new(
            &format!("itemMeta/{name}"),
            format!("expected a date-time like 2026-01-05T08:00:00Z, found {text:?}"),
        )
    })
}

/// A QCode or URI, trimmed.
fn code(el: &Element) -> Option<String> {
    el.attr("qcode")
        .or(el.attr("uri"))
        .or(el.attr("literal"))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

/// A provider's name from its code: `nprov:REUTERS` -> "REUTERS", a URI -> its host.
fn strip_scheme(code: &str) -> String {
    if let Ok(u) = url::Url::parse(code)
        && let Some(host) = u.host_str()
    {
        return host.trim_start_matches("www.").to_string();
    }
    code.split_once(':').map_or(code, |(_, c)| c).to_string()
}

/// A concept's name: its first `name`, else its literal.
fn name_of(el: &Element) -> Option<String> {
    el.child(ns::NAR, "name")
        .and_then(Element::text_collapsed)
        .or_else(|| el.attr("literal").map(str::trim).filter(|l| !l.is_empty()).map(str::to_string))
}

/// Subjects with their codes and names; a name may come from an `assert` about the code.
fn subjects(item: &Element, cm: Option<&Element>) -> Vec<Subject> {
    let asserted = |c: &str| {
        item.children_named(ns::NAR, "assert")
            .find(|a| a.attr("qcode").or(a.attr("literal")).is_some_and(|q| q.trim() == c))
            .and_then(|a| a.child(ns::NAR, "name").and_then(Element::text_collapsed))
    };
    let mut out: Vec<Subject> = vec![];
    for s in cm.into_iter().flat_map(|c| c.children_named(ns::NAR, "subject")) {
        // A faceted subject names its concept inside.
        let concept = s.child(ns::NAR, "mainConcept").unwrap_or(s);
        let code = code(concept);
        let name =
            s.child(ns::NAR, "name").and_then(Element::text_collapsed).or_else(|| code.as_deref().and_then(asserted));
        let subject = Subject { code, name: name.filter(|n| n.chars().count() <= 80) };
        if (subject.code.is_some() || subject.name.is_some()) && !out.contains(&subject) {
            out.push(subject);
        }
    }
    out.truncate(24);
    out
}

fn nitf_root(content: &Element) -> Option<&Element> {
    content.children_named(ns::NAR, "inlineXML").find_map(|x| x.child(ns::NITF, "nitf"))
}

/// The byline as printed, without the writer's title ("Staff Reporter").
fn nitf_byline(nitf: &Element) -> Option<String> {
    let byline = nitf.path(ns::NITF, &["body", "body.head", "byline"])?;
    let text: String = byline
        .children
        .iter()
        .filter_map(|n| match n {
            xml::Node::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    Some(xml::collapse(&text).trim_end_matches([',', ' ']).to_string()).filter(|b| !b.is_empty())
}

/// The story's text: NITF `body.content`, an XHTML body, or plain inline data.
fn inline_text(content: &Element) -> Vec<Block> {
    for inline in content.children_named(ns::NAR, "inlineXML") {
        for root in inline.elements() {
            let html = match (root.ns.as_str(), root.name.as_str()) {
                (ns::NITF, "nitf") => match root.path(ns::NITF, &["body", "body.content"]) {
                    Some(c) => nitf_to_html(c),
                    None => continue,
                },
                (ns::XHTML, "html") => root.child(ns::XHTML, "body").map(Element::inner_markup).unwrap_or_default(),
                (ns::XHTML, _) => root.inner_markup(),
                // Unqualified paragraphs inherit the item's namespace.
                (_, "p") => format!("<p>{}</p>", root.inner_markup()),
                _ => continue,
            };
            let blocks = to_blocks(&html);
            if !blocks.is_empty() {
                return blocks;
            }
        }
    }
    for data in content.children_named(ns::NAR, "inlineData") {
        let plain = data.attr("contenttype").is_none_or(|t| t.starts_with("text/plain"));
        if plain && data.attr("encoding").is_none() {
            let blocks = blocks_from_text(&data.text());
            if !blocks.is_empty() {
                return blocks;
            }
        }
    }
    vec![]
}

/// NITF's body markup is close to HTML; its headings and quotes are renamed to HTML's.
fn nitf_to_html(body: &Element) -> String {
    let mut renamed = body.clone();
    rename(&mut renamed);
    renamed.inner_markup()
}

fn rename(el: &mut Element) {
    for child in &mut el.children {
        if let xml::Node::Element(e) = child {
            e.name = match e.name.as_str() {
                "hl1" | "hl2" => "h2".into(),
                "bq" => "blockquote".into(),
                "block" => "div".into(),
                "credit" => "cite".into(),
                other => other.to_string(),
            };
            rename(e);
        }
    }
}

/// Events carried inline, as a notice each (the event's name, then when), and the first
/// event's name.
fn events(content: &Element) -> Option<(String, Vec<Block>)> {
    let mut first = None;
    let mut out = vec![];
    for inline in content.children_named(ns::NAR, "inlineXML") {
        for set in inline.elements().filter(|e| e.name == "events") {
            for event in set.elements().filter(|e| e.name == "event") {
                let Some(name) = event.child(ns::NAR, "name").and_then(Element::text_collapsed) else { continue };
                first.get_or_insert_with(|| name.clone());
                let dates = event.path(ns::NAR, &["eventDetails", "dates"]);
                let when = |tag: &str| dates.and_then(|d| d.child(ns::NAR, tag)).and_then(Element::text_collapsed);
                let mut text = name;
                if let Some(start) = when("start") {
                    text.push_str(&format!(". Starts {start}"));
                }
                if let Some(end) = when("end") {
                    text.push_str(&format!(", ends {end}"));
                }
                text.push('.');
                out.push(Block::paragraph(text));
            }
        }
    }
    Some((first?, out))
}

/// A package's items, in order, as Related links (resolved to our own pages when we carry
/// that headline); its own title when the package has none.
fn package(item: &Element) -> (Option<String>, Vec<Block>) {
    let Some(set) = item.child(ns::NAR, "groupSet") else { return (None, vec![]) };
    let groups: Vec<&Element> = set.children_named(ns::NAR, "group").collect();
    let root = set.attr("root").map(str::trim);
    let start = groups.iter().find(|g| g.attr("id").map(str::trim) == root).or(groups.first());
    let mut refs = vec![];
    let mut seen = vec![];
    if let Some(g) = start {
        walk_group(g, &groups, &mut seen, &mut refs);
    }
    let provider = item
        .path(ns::NAR, &["itemMeta", "provider"])
        .and_then(|p| name_of(p).or_else(|| code(p).map(|c| strip_scheme(&c))))
        .unwrap_or_default();
    let first_title = refs.first().map(|(t, _)| t.clone());
    let blocks = refs
        .into_iter()
        .map(|(headline, summary)| match summary {
            Some(s) if s != headline => {
                Block::Related { publication: provider.clone(), headline: format!("{headline}: {s}"), url: None }
            }
            _ => Block::Related { publication: provider.clone(), headline, url: None },
        })
        .collect();
    (first_title, blocks)
}

fn walk_group<'a>(
    group: &'a Element,
    all: &[&'a Element],
    seen: &mut Vec<&'a str>,
    out: &mut Vec<(String, Option<String>)>,
) {
    let id = group.attr("id").unwrap_or("");
    if seen.contains(&id) || seen.len() > 1000 {
        return;
    }
    seen.push(id);
    for child in group.elements() {
        if child.is(ns::NAR, "itemRef") {
            let title = child
                .child(ns::NAR, "headline")
                .or(child.child(ns::NAR, "title"))
                .and_then(Element::text_collapsed)
                .or_else(|| child.attr("title").map(str::to_string));
            let summary = child.child(ns::NAR, "description").and_then(Element::text_collapsed);
            if let Some(t) = title {
                out.push((t, summary));
            }
        } else if child.is(ns::NAR, "groupRef")
            && let Some(target) = child.attr("idref").and_then(|r| all.iter().find(|g| g.attr("id") == Some(r)))
        {
            walk_group(target, all, seen, out);
        }
    }
}

/// The picture a picture item is: its best rendition that can be fetched.
fn picture(content: &Element, caption: Option<String>, credit: Option<String>) -> Option<WirePicture> {
    let remotes: Vec<&Element> = content
        .children_named(ns::NAR, "remoteContent")
        .filter(|r| match r.attr("contenttype") {
            Some(t) => t.starts_with("image/"),
            None => r.attr("href").is_some_and(|h| {
                let h = h.to_ascii_lowercase();
                [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"].iter().any(|x| h.ends_with(x))
            }),
        })
        .collect();
    if remotes.is_empty() {
        return None;
    }
    let rendition = |r: &Element| r.attr("rendition").or(r.attr("renditionuri")).unwrap_or("").to_ascii_lowercase();
    let rank = |r: &&Element| {
        let name = rendition(r);
        ["highres", "web", "preview", "thumb"].iter().position(|n| name.contains(n)).unwrap_or(4)
    };
    let fetchable =
        |r: &&&Element| r.attr("href").is_some_and(|h| h.starts_with("http://") || h.starts_with("https://"));
    let best = remotes.iter().filter(fetchable).min_by_key(|r| rank(r)).or(remotes.iter().min_by_key(|r| rank(r)))?;
    Some(WirePicture {
        href: best
            .attr("href")
            .filter(|h| h.starts_with("http://") || h.starts_with("https://"))
            .map(|h| h.trim().to_string()),
        alt: None,
        caption,
        credit,
    })
}

#[cfg(test)]
mod tests;
