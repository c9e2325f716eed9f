//! WordPress exports (WXR 1.0–1.2) into wire items: posts, and pages when asked; categories
//! become sections, tags stay tags, the export's authors are named by their display names,
//! attachments become media references (a post's featured image its lead picture, with alt,
//! caption and credit), and drafts, pending and private posts stay unpublished.
//!
//! An export of a whole site can hold a hundred thousand posts, so it is read as a stream, in
//! two passes over the same bytes: [`scan`] learns the site, its people, its categories and its
//! attachments (which may come before or after the posts that use them); [`read`] then turns
//! each post into an item and hands it on, keeping nothing. [`parse_wxr`] does both on a
//! document in memory.
//!
//! Post bodies are WordPress's own HTML: the classic editor leaves paragraphs as blank lines
//! (they are made paragraphs here as WordPress does when it shows them), block-editor posts are
//! already marked up; the `[caption]` shortcode keeps its caption, media shortcodes and a URL on
//! a line of its own become embeds, and any other bracketed text is left as written.

use std::collections::HashMap;
use std::io::BufRead;

use newsdesk_core::Block;

use crate::dates;
use crate::item::{Format, ItemError, Parsed, PubStatus, WireItem, WirePicture, clip, to_blocks, to_text};
use crate::xml::{self, Element, Stream, ns};

/// What the reader is asked for.
#[derive(Debug, Clone, Default)]
pub struct WxrOptions {
    /// Pages too (left out by default: a newsroom's pages are not stories).
    pub pages: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Attachment {
    url: String,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

/// What a first pass learns about the site in an export.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    base: String,
    language: String,
    /// login -> display name
    authors: HashMap<String, String>,
    /// category nicename -> name
    categories: HashMap<String, String>,
    attachments: HashMap<String, Attachment>,
    /// post id -> its attachments' ids
    by_parent: HashMap<String, Vec<String>>,
    pub items: usize,
}

fn wp_text(el: &Element, name: &str) -> Option<String> {
    el.child(ns::WP, name).map(Element::text).map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn meta(el: &Element, key: &str) -> Option<String> {
    el.children_named(ns::WP, "postmeta")
        .find(|m| wp_text(m, "meta_key").as_deref() == Some(key))
        .and_then(|m| wp_text(m, "meta_value"))
}

fn stream_error(e: xml::XmlError) -> ItemError {
    ItemError::document(e.to_string())
}

/// First pass: the site's facts, people, categories and attachments.
pub fn scan<R: BufRead>(input: R) -> Result<Catalog, ItemError> {
    let mut stream = Stream::new(input);
    let mut cat = Catalog { language: "en".into(), ..Catalog::default() };
    let mut first = true;
    while let Some(el) = stream.next_at(2).map_err(stream_error)? {
        if first {
            check_root(&stream)?;
            first = false;
        }
        match (el.ns.as_str(), el.name.as_str()) {
            (ns::WP, "base_blog_url") => cat.base = el.text().trim().trim_end_matches('/').to_string(),
            (ns::WP, "base_site_url") if cat.base.is_empty() => {
                cat.base = el.text().trim().trim_end_matches('/').to_string()
            }
            (ns::NONE, "link") if cat.base.is_empty() => cat.base = el.text().trim().trim_end_matches('/').to_string(),
            (ns::NONE, "language") => {
                if let Some(l) = el.text_collapsed() {
                    cat.language = l;
                }
            }
            (ns::WP, "author") => {
                if let Some(login) = wp_text(&el, "author_login") {
                    let name = wp_text(&el, "author_display_name")
                        .or_else(|| {
                            let first = wp_text(&el, "author_first_name").unwrap_or_default();
                            let last = wp_text(&el, "author_last_name").unwrap_or_default();
                            Some(format!("{first} {last}").trim().to_string()).filter(|n| !n.is_empty())
                        })
                        .unwrap_or_else(|| login.clone());
                    cat.authors.insert(login, name);
                }
            }
            (ns::WP, "category") => {
                if let (Some(nice), Some(name)) = (wp_text(&el, "category_nicename"), wp_text(&el, "cat_name")) {
                    cat.categories.insert(nice, to_text(&name));
                }
            }
            (ns::NONE, "item") => {
                cat.items += 1;
                if wp_text(&el, "post_type").as_deref() == Some("attachment")
                    && let (Some(id), Some(url)) = (wp_text(&el, "post_id"), wp_text(&el, "attachment_url"))
                {
                    let description = el.child(ns::CONTENT, "encoded").map(Element::text).map(|t| to_text(&t));
                    let image_meta = meta(&el, "_wp_attachment_metadata");
                    let credit = image_meta
                        .as_deref()
                        .and_then(|m| php_string(m, "credit").or_else(|| php_string(m, "copyright")))
                        .or_else(|| description.filter(|d| !d.is_empty() && d.chars().count() <= 160));
                    let attachment = Attachment {
                        url,
                        alt: meta(&el, "_wp_attachment_image_alt").map(|a| to_text(&a)).filter(|a| !a.is_empty()),
                        caption: el
                            .child(ns::EXCERPT, "encoded")
                            .map(Element::text)
                            .map(|t| to_text(&t))
                            .filter(|c| !c.is_empty()),
                        credit,
                    };
                    if let Some(parent) = wp_text(&el, "post_parent").filter(|p| p != "0") {
                        cat.by_parent.entry(parent).or_default().push(id.clone());
                    }
                    cat.attachments.insert(id, attachment);
                }
            }
            _ => {}
        }
    }
    if first {
        return Err(ItemError::document("the export has no channel: expected <rss><channel>…</channel></rss>"));
    }
    Ok(cat)
}

fn check_root<R: BufRead>(stream: &Stream<R>) -> Result<(), ItemError> {
    match stream.root() {
        Some((_, "rss")) => Ok(()),
        Some((_, other)) => Err(ItemError::document(format!("<{other}> is not a WordPress export; expected <rss>"))),
        None => Err(ItemError::document("no root element")),
    }
}

/// Second pass: every item, in order, as `each(index, outcome)`: an item, a reason it was
/// skipped, or what is wrong with it.
pub fn read<R: BufRead>(
    input: R,
    catalog: &Catalog,
    options: &WxrOptions,
    mut each: impl FnMut(usize, Result<Result<WireItem, String>, ItemError>),
) -> Result<(), ItemError> {
    let mut stream = Stream::new(input);
    let mut index = 0;
    while let Some(el) = stream.next_at(2).map_err(stream_error)? {
        if el.is(ns::NONE, "item") {
            let id = wp_text(&el, "post_id");
            each(index, post(&el, catalog, options).map_err(|e| e.at(Some(index)).of(id.as_deref())));
            index += 1;
        }
    }
    Ok(())
}

/// Both passes over an export in memory.
pub fn parse_wxr(bytes: &[u8], options: &WxrOptions) -> Result<Parsed, ItemError> {
    let text = xml::decode(bytes).map_err(|e| ItemError::document(e.to_string()))?;
    let catalog = scan(text.as_bytes())?;
    let mut parsed = Parsed::default();
    read(text.as_bytes(), &catalog, options, |i, outcome| match outcome {
        Ok(Ok(item)) => parsed.items.push(item),
        Ok(Err(why)) => parsed.skipped.push((format!("item {i}"), why)),
        Err(e) => parsed.failed.push(e),
    })?;
    Ok(parsed)
}

fn post(el: &Element, cat: &Catalog, options: &WxrOptions) -> Result<Result<WireItem, String>, ItemError> {
    let kind = wp_text(el, "post_type").unwrap_or_else(|| "post".into());
    match kind.as_str() {
        "post" => {}
        "page" if options.pages => {}
        "page" => return Ok(Err("a page (pages are imported with --pages)".into())),
        "attachment" => return Ok(Err("an attachment (kept as a media reference of its post)".into())),
        other => return Ok(Err(format!("a {other}, not a story"))),
    }
    let id =
        wp_text(el, "post_id").ok_or_else(|| ItemError::new("wp:post_id", "missing: every exported post has one"))?;
    let status = match wp_text(el, "status").as_deref() {
        None | Some("publish") | Some("future") => PubStatus::Usable,
        Some("pending") => PubStatus::Pending,
        Some("trash") => return Ok(Err("in the trash".into())),
        Some("inherit") => return Ok(Err("a revision".into())),
        // draft, auto-draft, private and anything a plugin invents: not public here either.
        Some(_) => PubStatus::Draft,
    };
    let protected = wp_text(el, "post_password").is_some();
    let content = el.child(ns::CONTENT, "encoded").map(Element::text).unwrap_or_default();
    let body = blocks(&content);
    let title = el.child(ns::NONE, "title").map(Element::text);
    let Some(headline) = crate::item::headline(title.as_deref(), &body) else {
        return Ok(Err("no title and no text".into()));
    };
    let body = if body.is_empty() { vec![Block::paragraph(headline.clone())] } else { body };
    let mut item = WireItem::new(Format::Wxr, format!("{}?p={id}", cat.base), headline, body);
    item.kind = kind;
    item.pub_status = if protected && status == PubStatus::Usable { PubStatus::Draft } else { status };
    item.language = cat.language.clone();
    item.deck = el.child(ns::EXCERPT, "encoded").map(Element::text).map(|t| to_text(&t)).filter(|d| !d.is_empty());
    item.first_created = post_date(el)?;
    item.version_created =
        wp_text(el, "post_modified_gmt").as_deref().filter(|d| !d.starts_with("0000")).and_then(dates::iso);
    item.slug = wp_text(el, "post_name").map(|s| percent_decode(&s));
    item.link = el.child(ns::NONE, "link").and_then(Element::text_collapsed);
    if let Some(login) = el.child(ns::DC, "creator").and_then(Element::text_collapsed) {
        let clean = login.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '-' && c != '.' && c != '@');
        let name = cat.authors.get(clean).cloned().unwrap_or_else(|| clean.to_string());
        if !name.is_empty() {
            item.authors = vec![name];
        }
    }
    let terms = |domain: &'static str| {
        el.children_named(ns::NONE, "category").filter(move |c| c.attr("domain") == Some(domain))
    };
    item.section = terms("category")
        .filter(|c| c.attr("nicename") != Some("uncategorized"))
        .find_map(|c| c.attr("nicename").and_then(|n| cat.categories.get(n).cloned()).or_else(|| c.text_collapsed()));
    let mut tags: Vec<String> = vec![];
    for t in terms("post_tag").filter_map(Element::text_collapsed).map(|t| to_text(&t)) {
        if !t.is_empty() && t.chars().count() <= 80 && !tags.contains(&t) {
            tags.push(t);
        }
    }
    item.tags = tags;
    let picture = |a: &Attachment| WirePicture {
        href: Some(a.url.clone()),
        alt: a.alt.clone(),
        caption: a.caption.clone(),
        credit: a.credit.clone(),
    };
    item.picture = meta(el, "_thumbnail_id").and_then(|t| cat.attachments.get(&t)).map(picture);
    item.media = cat
        .by_parent
        .get(&id)
        .into_iter()
        .flatten()
        .filter_map(|a| cat.attachments.get(a))
        .filter(|a| item.picture.as_ref().and_then(|p| p.href.as_deref()) != Some(a.url.as_str()))
        .map(picture)
        .collect();
    Ok(Ok(item))
}

/// When it was published: the GMT date, else the site's local one, else the RSS date.
fn post_date(el: &Element) -> Result<Option<jiff::Timestamp>, ItemError> {
    for field in ["post_date_gmt", "post_date"] {
        if let Some(raw) = wp_text(el, field).filter(|d| !d.starts_with("0000-00-00")) {
            return dates::iso(&raw).map(Some).ok_or_else(|| {
                ItemError::new(
                    &format!("wp:{field}"),
                    format!("expected a date like 2026-01-05 08:00:00, found {:?}", clip(&raw, 40)),
                )
            });
        }
    }
    match el.child(ns::NONE, "pubDate").and_then(Element::text_collapsed) {
        Some(raw) => dates::parse(&raw)
            .map(Some)
            .ok_or_else(|| ItemError::new("pubDate", format!("cannot read the date {:?}", clip(&raw, 40)))),
        None => Ok(None),
    }
}

/// WordPress percent-encodes non-ASCII slugs.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// A value from a PHP-serialized array (`s:6:"credit";s:9:"AP Photo";`). Lengths count bytes.
fn php_string(serialized: &str, key: &str) -> Option<String> {
    let needle = format!("s:{}:\"{key}\";s:", key.len());
    let at = serialized.find(&needle)? + needle.len();
    let rest = &serialized[at..];
    let colon = rest.find(':')?;
    let len: usize = rest[..colon].parse().ok()?;
    let value = rest.get(colon + 2..colon + 2 + len)?;
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// Post content into blocks: paragraphs made from blank lines (classic editor), shortcodes
/// read, a URL alone on a line made an embed.
fn blocks(content: &str) -> Vec<Block> {
    let html = shortcodes(content);
    let html = if content.contains("<!-- wp:") { html } else { autop(&html) };
    to_blocks(&html)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph { text, .. } if is_url(&text) => Block::Embed { url: text },
            other => other,
        })
        .collect()
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace) && s.len() < 2000
}

/// WordPress's paragraphs: blank lines separate them, single line breaks are kept.
fn autop(html: &str) -> String {
    const BLOCK: [&str; 19] = [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "figure",
        "pre",
        "hr",
        "section",
        "dl",
        "address",
    ];
    let normalized = html.replace("\r\n", "\n");
    let mut out = String::with_capacity(normalized.len() + 64);
    for chunk in normalized.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        let tag: String = chunk
            .strip_prefix('<')
            .map(|r| r.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase())
            .unwrap_or_default();
        if BLOCK.contains(&tag.as_str()) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

/// The shortcodes WordPress itself defines. `[caption]` keeps its caption; media shortcodes
/// become their URL on a line of its own (an embed) or go; other brackets are text.
fn shortcodes(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let attrs = &after[name.len()..close];
        match name.as_str() {
            "caption" | "wp_caption" => {
                let end_tag = format!("[/{name}]");
                let body_start = open + 1 + close + 1;
                let (inner, next) = match rest[body_start..].find(&end_tag) {
                    Some(e) => (&rest[body_start..body_start + e], body_start + e + end_tag.len()),
                    None => ("", body_start),
                };
                // The older form names the caption; the newer one writes it after the picture.
                let (picture, caption) = match shortcode_attr(attrs, "caption") {
                    Some(c) => (inner, c),
                    None => match inner.rfind('>') {
                        Some(i) => (&inner[..=i], inner[i + 1..].trim().to_string()),
                        None => ("", inner.trim().to_string()),
                    },
                };
                out.push_str(&format!("<figure>{picture}<figcaption>{caption}</figcaption></figure>"));
                rest = &rest[next..];
            }
            "gallery" | "playlist" => rest = &after[close + 1..],
            "audio" | "video" | "embed" => {
                let end_tag = format!("[/{name}]");
                let tail = &after[close + 1..];
                let (inner, next) = match tail.find(&end_tag) {
                    Some(e) => (tail[..e].trim(), &tail[e + end_tag.len()..]),
                    None => ("", tail),
                };
                let url = shortcode_attr(attrs, "src")
                    .or_else(|| shortcode_attr(attrs, "mp3"))
                    .or_else(|| shortcode_attr(attrs, "mp4"))
                    .or_else(|| attrs.split_whitespace().find(|a| is_url(a)).map(str::to_string))
                    .or_else(|| is_url(inner).then(|| inner.to_string()));
                if let Some(url) = url {
                    out.push_str(&format!("\n\n{url}\n\n"));
                }
                rest = next;
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn shortcode_attr(attrs: &str, key: &str) -> Option<String> {
    let at = attrs.find(&format!("{key}="))? + key.len() + 1;
    let rest = &attrs[at..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => &rest[1..rest[1..].find(q)? + 1],
        _ => rest.split_whitespace().next()?,
    };
    Some(value.to_string()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests;
