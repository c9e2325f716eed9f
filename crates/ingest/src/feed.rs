//! Partners' feeds into wire items: RSS 0.9x, 1.0 and 2.0, Atom 1.0, and JSON Feed 1.0/1.1.
//!
//! Feeds in the wild bend their specs, and what a reader can still use is read: RSS items with
//! no title (named by their text), Atom without its namespace, dates in RFC 822 where RFC 3339
//! was due, HTML entities inside XML. What no reader could use is refused with the field named:
//! a JSON Feed item without the `id` or the content the spec requires, a date that cannot be
//! read. Relative links resolve against `xml:base` or the feed's own link.
//!
//! An item's identity is its guid or id; a guid that is not a URL is only unique within its
//! feed, so the feed's link is put before it.

use newsdesk_core::Block;
use serde_json::Value;

use crate::dates;
use crate::item::{Format, ItemError, Parsed, WireItem, WirePicture, clip, split_byline, to_blocks, to_text};
use crate::xml::{self, Element, ns};

/// Largest feed read.
pub const MAX_FEED_BYTES: usize = 16 * 1024 * 1024;

/// Parses an RSS, Atom or JSON Feed document.
pub fn parse_feed(bytes: &[u8]) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_FEED_BYTES} are read", bytes.len())));
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
    if start.is_some_and(|s| bytes[s] == b'{') {
        return json_feed(bytes);
    }
    let root = xml::parse(bytes).map_err(|e| ItemError::document(e.to_string()))?;
    match (root.ns.as_str(), root.name.as_str()) {
        (_, "rss") => rss(&root),
        (ns::RDF, "RDF") => rss1(&root),
        (ns::ATOM | ns::NONE, "feed") => atom(&root),
        (_, other) => Err(ItemError::document(format!("<{other}> is not a feed; expected <rss>, <rdf:RDF> or <feed>"))),
    }
}

/// Resolves `href` against `base` (an absolute URL), when it is relative.
fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    if let Ok(u) = url::Url::parse(href) {
        return matches!(u.scheme(), "http" | "https").then(|| u.to_string());
    }
    let base = url::Url::parse(base?).ok()?;
    let joined = base.join(href).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

fn text_of(el: &Element, ns: &str, name: &str) -> Option<String> {
    el.child(ns, name).and_then(Element::text_collapsed)
}

/// "en_US" / "en-us" -> "en-US".
fn language_tag(raw: &str) -> Option<String> {
    let mut parts = raw.trim().split(['-', '_']);
    let lang = parts.next().filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))?;
    let mut tag = lang.to_ascii_lowercase();
    if let Some(region) = parts.next().filter(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic())) {
        tag.push('-');
        tag.push_str(&region.to_ascii_uppercase());
    }
    Some(tag)
}

fn date_field(el: &Element, ns: &str, name: &str) -> Result<Option<jiff::Timestamp>, ItemError> {
    let Some(raw) = text_of(el, ns, name) else { return Ok(None) };
    dates::parse(&raw)
        .map(Some)
        .ok_or_else(|| ItemError::new(name, format!("cannot read the date {:?}", clip(&raw, 60))))
}

/// Where a feed's items get their common facts.
struct Channel {
    link: Option<String>,
    title: Option<String>,
    language: String,
    author: Option<String>,
}

/// A feed item's HTML or text body, its deck and headline settled together: an item may have
/// only a title, only a description, or both.
fn finish(
    mut item: WireItem,
    title: Option<String>,
    summary: Option<String>,
    content: Option<String>,
) -> Option<WireItem> {
    let body_source = content.clone().or(summary.clone());
    item.body = body_source.as_deref().map(to_blocks).unwrap_or_default();
    // A summary beside full content is the deck, when it is short and not the content's start.
    if content.is_some()
        && let Some(s) = summary.map(|s| to_text(&s)).filter(|s| !s.is_empty() && s.chars().count() <= 400)
        && !item.body.first().is_some_and(|b| b.text().first().is_some_and(|t| t.starts_with(clip(&s, 40))))
    {
        item.deck = Some(s);
    }
    let headline = crate::item::headline(title.as_deref(), &item.body)?;
    if item.body.is_empty() {
        // A headline alone (a link post): the headline is its own text.
        item.body = vec![Block::paragraph(headline.clone())];
    }
    item.headline = headline;
    Some(item)
}

fn push(parsed: &mut Parsed, at: usize, result: Result<Option<WireItem>, ItemError>, id: Option<&str>) {
    match result {
        Ok(Some(item)) => parsed.items.push(item),
        Ok(None) => parsed.skipped.push((id.unwrap_or_default().to_string(), "no title and no text".into())),
        Err(e) => parsed.failed.push(e.at(Some(at)).of(id)),
    }
}

// ---------------------------------------------------------------------------------------------
// RSS

fn rss(root: &Element) -> Result<Parsed, ItemError> {
    let channel = root
        .elements()
        .find(|e| e.name == "channel")
        .ok_or_else(|| ItemError::new("channel", "missing: an RSS feed keeps its items in <channel>"))?;
    let facts = Channel {
        link: text_of(channel, &channel.ns, "link"),
        title: text_of(channel, &channel.ns, "title"),
        language: text_of(channel, &channel.ns, "language")
            .as_deref()
            .and_then(language_tag)
            .unwrap_or_else(|| "en".into()),
        author: text_of(channel, ns::DC, "creator").or_else(|| text_of(channel, ns::ITUNES, "author")),
    };
    let mut parsed = Parsed::default();
    for (i, el) in channel.elements().filter(|e| e.name == "item" && e.ns == channel.ns).enumerate() {
        let id = rss_id(el, &facts);
        push(&mut parsed, i, rss_item(el, &facts, id.clone()), id.as_deref());
    }
    Ok(parsed)
}

/// RSS 1.0: the items are siblings of the channel.
fn rss1(root: &Element) -> Result<Parsed, ItemError> {
    let channel = root
        .child(ns::RSS1, "channel")
        .ok_or_else(|| ItemError::new("channel", "missing: an RSS 1.0 feed describes itself in <channel>"))?;
    let facts = Channel {
        link: text_of(channel, ns::RSS1, "link"),
        title: text_of(channel, ns::RSS1, "title"),
        language: text_of(channel, ns::DC, "language").as_deref().and_then(language_tag).unwrap_or_else(|| "en".into()),
        author: text_of(channel, ns::DC, "creator"),
    };
    let mut parsed = Parsed::default();
    for (i, el) in root.children_named(ns::RSS1, "item").enumerate() {
        let id = el.attr_ns(ns::RDF, "about").map(str::to_string).or_else(|| rss_id(el, &facts));
        push(&mut parsed, i, rss_item(el, &facts, id.clone()), id.as_deref());
    }
    Ok(parsed)
}

fn rss_id(el: &Element, facts: &Channel) -> Option<String> {
    let own = &el.ns;
    if let Some(guid) = el.child(own, "guid").and_then(Element::text_collapsed) {
        let is_url = url::Url::parse(&guid).is_ok();
        return Some(match (&facts.link, is_url) {
            (Some(link), false) => format!("{link}#{guid}"),
            _ => guid,
        });
    }
    text_of(el, own, "link")
}

fn rss_item(el: &Element, facts: &Channel, id: Option<String>) -> Result<Option<WireItem>, ItemError> {
    let own = el.ns.as_str();
    let title = el.child(own, "title").map(Element::text);
    let description = el.child(own, "description").map(Element::text).filter(|d| !d.trim().is_empty());
    let content = el.child(ns::CONTENT, "encoded").map(Element::text).filter(|d| !d.trim().is_empty());
    let link = text_of(el, own, "link")
        .or_else(|| {
            // A guid is a permalink unless it says otherwise.
            let guid = el.child(own, "guid")?;
            (guid.attr("isPermaLink") != Some("false")).then(|| guid.text_collapsed()).flatten()
        })
        .and_then(|l| resolve(facts.link.as_deref(), &l));
    let Some(uri) = id.or(link.clone()).or_else(|| {
        // Nothing names it: its words do.
        let words = format!(
            "{}{}{}",
            title.clone().unwrap_or_default(),
            description.clone().unwrap_or_default(),
            content.clone().unwrap_or_default()
        );
        (!words.trim().is_empty()).then(|| {
            format!("{}#{:016x}", facts.link.clone().unwrap_or_default(), crate::simhash::fnv(words.as_bytes()))
        })
    }) else {
        return Ok(None);
    };
    let mut item = WireItem::new(Format::Rss, uri, String::new(), vec![]);
    item.link = link;
    item.language = facts.language.clone();
    item.info_source = facts.title.clone();
    item.first_created = date_field(el, own, "pubDate")?.or(date_field(el, ns::DC, "date")?);
    let author = text_of(el, ns::DC, "creator")
        .or_else(|| text_of(el, own, "author").map(|a| rss_author(&a)))
        .or_else(|| text_of(el, ns::ITUNES, "author"))
        .or(facts.author.clone());
    item.authors = author.as_deref().map(split_byline).unwrap_or_default();
    item.byline = author;
    item.tags = el
        .children_named(own, "category")
        .filter_map(Element::text_collapsed)
        .filter(|t| t.chars().count() <= 80)
        .collect();
    item.picture = media_picture(el, facts.link.as_deref()).or_else(|| {
        el.children_named(own, "enclosure")
            .find(|e| e.attr("type").is_some_and(|t| t.starts_with("image/")))
            .and_then(|e| e.attr("url"))
            .and_then(|u| resolve(facts.link.as_deref(), u))
            .map(|href| WirePicture { href: Some(href), alt: None, caption: None, credit: None })
    });
    item.picture =
        item.picture.or_else(|| body_picture(content.as_deref().or(description.as_deref()), facts.link.as_deref()));
    Ok(finish(item, title, description, content))
}

/// RSS's `author` is an address, with the name in brackets: "jo@example.com (Jo Bloggs)".
fn rss_author(raw: &str) -> String {
    match (raw.find('('), raw.rfind(')')) {
        (Some(a), Some(b)) if b > a => raw[a + 1..b].trim().to_string(),
        _ => raw.trim().to_string(),
    }
}

/// Media RSS: a `media:content` picture, or a thumbnail, directly or in a `media:group`.
fn media_picture(el: &Element, base: Option<&str>) -> Option<WirePicture> {
    let scopes = std::iter::once(el).chain(el.children_named(ns::MEDIA, "group"));
    let mut candidates: Vec<(&Element, Option<&Element>)> = vec![];
    for scope in scopes {
        for c in scope.children_named(ns::MEDIA, "content") {
            let image = c.attr("medium") == Some("image") || c.attr("type").is_some_and(|t| t.starts_with("image/"));
            if image {
                candidates.push((c, Some(scope)));
            }
        }
        for t in scope.children_named(ns::MEDIA, "thumbnail") {
            candidates.push((t, Some(scope)));
        }
    }
    let (best, scope) = candidates.into_iter().find(|(c, _)| c.attr("url").is_some())?;
    let caption = best
        .child(ns::MEDIA, "description")
        .or_else(|| best.child(ns::MEDIA, "title"))
        .or_else(|| scope.and_then(|s| s.child(ns::MEDIA, "title")))
        .and_then(Element::text_collapsed);
    let credit = best
        .child(ns::MEDIA, "credit")
        .or_else(|| scope.and_then(|s| s.child(ns::MEDIA, "credit")))
        .and_then(Element::text_collapsed);
    Some(WirePicture {
        href: resolve(base, best.attr("url")?),
        alt: None,
        caption: caption.map(|c| clip(&c, 300).to_string()),
        credit,
    })
}

/// A story's first picture, when the feed names none of its own.
fn body_picture(html: Option<&str>, base: Option<&str>) -> Option<WirePicture> {
    let src = crate::html::first_image(html?)?;
    Some(WirePicture { href: Some(resolve(base, &src)?), alt: None, caption: None, credit: None })
}

// ---------------------------------------------------------------------------------------------
// Atom

fn xml_base(el: &Element, parent: Option<&str>) -> Option<String> {
    match el.attr_ns(ns::XML, "base") {
        Some(b) => resolve(parent, b).or_else(|| parent.map(str::to_string)),
        None => parent.map(str::to_string),
    }
}

fn atom_link(el: &Element, base: Option<&str>, rel: &str) -> Option<String> {
    el.children_named(&el.ns, "link")
        .find(|l| l.attr("rel").unwrap_or("alternate") == rel)
        .and_then(|l| l.attr("href"))
        .and_then(|h| resolve(base, h))
}

/// An Atom text construct: text, escaped HTML, or inline XHTML.
fn atom_text(el: &Element) -> String {
    match el.attr("type").unwrap_or("text") {
        "xhtml" => el.elements().next().map(Element::inner_markup).unwrap_or_else(|| el.inner_markup()),
        "html" | "text/html" => el.text(),
        _ => el.text(),
    }
}

fn atom(root: &Element) -> Result<Parsed, ItemError> {
    let feed_ns = root.ns.as_str();
    let base = xml_base(root, None);
    let facts = Channel {
        link: atom_link(root, base.as_deref(), "alternate"),
        title: root.child(feed_ns, "title").map(atom_text).map(|t| to_text(&t)).filter(|t| !t.is_empty()),
        language: root.attr_ns(ns::XML, "lang").and_then(language_tag).unwrap_or_else(|| "en".into()),
        author: root.child(feed_ns, "author").and_then(|a| text_of(a, feed_ns, "name")),
    };
    let mut parsed = Parsed::default();
    for (i, entry) in root.children_named(feed_ns, "entry").enumerate() {
        let id = text_of(entry, feed_ns, "id");
        push(&mut parsed, i, atom_entry(entry, &facts, base.as_deref(), id.clone()), id.as_deref());
    }
    Ok(parsed)
}

fn atom_entry(
    entry: &Element,
    facts: &Channel,
    base: Option<&str>,
    id: Option<String>,
) -> Result<Option<WireItem>, ItemError> {
    let own = entry.ns.as_str();
    let base = xml_base(entry, base);
    let link = atom_link(entry, base.as_deref(), "alternate").or_else(|| id.as_deref().and_then(|i| resolve(None, i)));
    let Some(uri) = id.or(link.clone()) else {
        return Err(ItemError::new("id", "missing: every Atom entry has an id (and this one has no link either)"));
    };
    let title = entry.child(own, "title").map(atom_text);
    let summary = entry.child(own, "summary").map(atom_text).filter(|s| !s.trim().is_empty());
    let content_el = entry.child(own, "content").filter(|c| c.attr("src").is_none());
    let content_base = content_el.and_then(|c| xml_base(c, base.as_deref()));
    let content = content_el.map(atom_text).filter(|s| !s.trim().is_empty()).or_else(|| {
        entry
            .child(ns::MEDIA, "group")
            .and_then(|g| g.child(ns::MEDIA, "description"))
            .and_then(Element::text_collapsed)
    });
    let mut item = WireItem::new(Format::Atom, uri, String::new(), vec![]);
    item.link = link;
    item.language = entry.attr_ns(ns::XML, "lang").and_then(language_tag).unwrap_or_else(|| facts.language.clone());
    item.info_source = facts.title.clone();
    let published = date_field(entry, own, "published")?;
    let updated = date_field(entry, own, "updated")?;
    item.first_created = published.or(updated);
    item.version_created = updated;
    item.authors = entry.children_named(own, "author").filter_map(|a| text_of(a, own, "name")).collect();
    if item.authors.is_empty() {
        item.authors = facts.author.iter().cloned().collect();
    }
    item.byline = (!item.authors.is_empty()).then(|| item.authors.join(", "));
    item.tags = entry
        .children_named(own, "category")
        .filter_map(|c| c.attr("label").or(c.attr("term")).map(xml::collapse))
        .filter(|t| !t.is_empty() && t.chars().count() <= 80)
        .collect();
    item.picture = media_picture(entry, base.as_deref()).or_else(|| {
        entry
            .children_named(own, "link")
            .find(|l| l.attr("rel") == Some("enclosure") && l.attr("type").is_some_and(|t| t.starts_with("image/")))
            .and_then(|l| l.attr("href"))
            .and_then(|h| resolve(base.as_deref(), h))
            .map(|href| WirePicture { href: Some(href), alt: None, caption: None, credit: None })
    });
    item.picture = item.picture.or_else(|| body_picture(content.as_deref(), content_base.as_deref()));
    Ok(finish(item, title, summary, content))
}

// ---------------------------------------------------------------------------------------------
// JSON Feed

fn json_feed(bytes: &[u8]) -> Result<Parsed, ItemError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ItemError::document(format!("not JSON: line {} column {}: {e}", e.line(), e.column())))?;
    let version = value.get("version").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("https://jsonfeed.org/version/1") {
        return Err(ItemError::new(
            "version",
            format!("expected https://jsonfeed.org/version/1 or /1.1, found {:?}", clip(version, 60)),
        ));
    }
    let items = value
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ItemError::new("items", "missing: a JSON Feed lists its items in an array"))?;
    let facts = Channel {
        link: value.get("home_page_url").and_then(Value::as_str).map(str::to_string),
        title: value.get("title").and_then(Value::as_str).map(to_text).filter(|t| !t.is_empty()),
        language: value.get("language").and_then(Value::as_str).and_then(language_tag).unwrap_or_else(|| "en".into()),
        author: json_authors(&value).into_iter().next(),
    };
    let mut parsed = Parsed::default();
    for (i, it) in items.iter().enumerate() {
        let id = it
            .get("id")
            .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_number().map(|n| n.to_string())))
            .filter(|id| !id.trim().is_empty());
        // Feed readers take an item without an id by its address; so do we, and say so.
        let url = it.get("url").and_then(Value::as_str).and_then(|u| resolve(facts.link.as_deref(), u));
        let id = match (id, url) {
            (Some(id), _) => Some(id),
            (None, Some(url)) => {
                parsed.warnings.push(format!("item {}: no id; its url {url} is taken as its identity", i + 1));
                Some(url)
            }
            (None, None) => None,
        };
        let mut notes = vec![];
        push(&mut parsed, i, json_item(it, &facts, id.clone(), &mut notes), id.as_deref());
        parsed.warnings.extend(notes.into_iter().map(|n| format!("item {}: {n}", i + 1)));
    }
    Ok(parsed)
}

fn json_authors(v: &Value) -> Vec<String> {
    let many = v.get("authors").and_then(Value::as_array).into_iter().flatten();
    let one = v.get("author").into_iter();
    many.chain(one).filter_map(|a| a.get("name").and_then(Value::as_str)).map(to_text).filter(|n| !n.is_empty()).fold(
        vec![],
        |mut acc, n| {
            if !acc.contains(&n) {
                acc.push(n);
            }
            acc
        },
    )
}

/// One JSON Feed item. What the spec requires but feed readers forgive is forgiven here too,
/// with a note in `notes` (the import summary's warnings): a date written as RFC 822.
fn json_item(
    it: &Value,
    facts: &Channel,
    id: Option<String>,
    notes: &mut Vec<String>,
) -> Result<Option<WireItem>, ItemError> {
    if !it.is_object() {
        return Err(ItemError::new("item", "expected an object"));
    }
    let Some(uri) = id.filter(|i| !i.trim().is_empty()) else {
        return Err(ItemError::new("id", "missing, and so is url: an item needs one of them to be told apart"));
    };
    let string = |key: &str| -> Result<Option<String>, ItemError> {
        match it.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.trim().is_empty())),
            Some(_) => Err(ItemError::new(key, "expected a string")),
        }
    };
    let html = string("content_html")?;
    let text = string("content_text")?;
    if html.is_none() && text.is_none() {
        return Err(ItemError::new(
            "content_html",
            "missing, and so is content_text: JSON Feed requires one of them in every item",
        ));
    }
    let mut date = |key: &str| -> Result<Option<jiff::Timestamp>, ItemError> {
        let Some(raw) = string(key)? else { return Ok(None) };
        if let Some(t) = dates::iso(&raw) {
            return Ok(Some(t));
        }
        if let Some(t) = dates::rfc2822(&raw) {
            notes.push(format!("{key} {:?} is RFC 822, not RFC 3339 as JSON Feed asks; read anyway", clip(&raw, 60)));
            return Ok(Some(t));
        }
        Err(ItemError::new(
            key,
            format!("expected an RFC 3339 date-time like 2026-01-05T08:00:00Z, found {:?}", clip(&raw, 60)),
        ))
    };
    let mut item = WireItem::new(Format::JsonFeed, uri, String::new(), vec![]);
    item.first_created = date("date_published")?;
    item.version_created = date("date_modified")?;
    item.link = string("url")?.and_then(|u| resolve(facts.link.as_deref(), &u));
    item.language = string("language")?.as_deref().and_then(language_tag).unwrap_or_else(|| facts.language.clone());
    item.info_source = facts.title.clone();
    item.authors = json_authors(it);
    if item.authors.is_empty() {
        item.authors = facts.author.iter().cloned().collect();
    }
    item.byline = (!item.authors.is_empty()).then(|| item.authors.join(", "));
    item.tags = it
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(xml::collapse)
        .filter(|t| !t.is_empty() && t.chars().count() <= 80)
        .collect();
    item.picture = string("image")?
        .or(string("banner_image")?)
        .and_then(|u| resolve(facts.link.as_deref(), &u))
        .map(|href| WirePicture { href: Some(href), alt: None, caption: None, credit: None });
    item.picture = item.picture.or_else(|| body_picture(html.as_deref(), item.link.as_deref()));
    let content = html.or(text);
    Ok(finish(item, string("title")?, string("summary")?, content))
}

#[cfg(test)]
mod tests;
