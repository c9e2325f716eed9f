//! Ghost JSON exports into wire items: posts (and pages when asked), with their authors in
//! order, their public tags (the first, Ghost's "primary tag", is the section), the feature
//! image with its alt and caption, the custom excerpt as the deck. Drafts stay drafts, and so
//! do posts for members or paying subscribers only: newsdesk has no paywall, and a migration
//! must not give away what was paid for. Both shapes Ghost writes are read (`{"db": [{…}]}` and
//! the bare `{"meta", "data"}`), from Ghost 0.x to 5.x: bodies from `html`, else from
//! `lexical` or `mobiledoc`. `__GHOST_URL__` in links becomes the site's own root.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::dates;
use crate::html::escape_text;
use crate::item::{Format, ItemError, Parsed, PubStatus, WireItem, WirePicture, clip, to_blocks, to_text};

/// Largest export read (it is held in memory whole).
pub const MAX_GHOST_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct GhostOptions {
    pub pages: bool,
}

/// Ghost ids are strings (ObjectIds) in new exports and numbers in old ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Id(s)),
            Value::Number(n) => Ok(Id(n.to_string())),
            other => Err(serde::de::Error::custom(format!("expected an id, found {other}"))),
        }
    }
}

#[derive(Deserialize)]
struct Export {
    db: Option<Vec<Db>>,
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Db {
    data: Data,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Data {
    posts: Vec<Post>,
    users: Vec<User>,
    tags: Vec<Tag>,
    posts_tags: Vec<Link>,
    posts_authors: Vec<Link>,
    posts_meta: Vec<PostMeta>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Post {
    id: Id,
    uuid: Option<String>,
    title: Option<String>,
    slug: Option<String>,
    html: Option<String>,
    lexical: Option<String>,
    mobiledoc: Option<String>,
    plaintext: Option<String>,
    feature_image: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    visibility: Option<String>,
    published_at: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    custom_excerpt: Option<String>,
    author_id: Option<Id>,
    language: Option<String>,
    locale: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct User {
    id: Id,
    name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tag {
    id: Id,
    name: Option<String>,
    visibility: Option<String>,
}

/// A row of `posts_tags` or `posts_authors`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Link {
    post_id: Id,
    tag_id: Option<Id>,
    author_id: Option<Id>,
    sort_order: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PostMeta {
    post_id: Id,
    feature_image_alt: Option<String>,
    feature_image_caption: Option<String>,
}

/// Parses a Ghost export.
pub fn parse_ghost(bytes: &[u8], options: &GhostOptions) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_GHOST_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_GHOST_BYTES} are read", bytes.len())));
    }
    let export: Export = serde_json::from_slice(bytes).map_err(|e| {
        ItemError::document(format!("not a Ghost export: line {} column {}: {e}", e.line(), e.column()))
    })?;
    let data = match (export.db, export.data) {
        (Some(mut db), _) if !db.is_empty() => db.swap_remove(0).data,
        (_, Some(data)) => data,
        _ => {
            return Err(ItemError::document("not a Ghost export: expected {\"db\": [{\"data\": …}]} or {\"data\": …}"));
        }
    };
    let users: HashMap<&Id, &str> = data
        .users
        .iter()
        .filter_map(|u| Some((&u.id, u.name.as_deref()?.trim())))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    // Internal tags (`#…`, visibility "internal") organise Ghost's own site; they are not tags.
    let tags: HashMap<&Id, &str> = data
        .tags
        .iter()
        .filter(|t| t.visibility.as_deref() != Some("internal"))
        .filter_map(|t| Some((&t.id, t.name.as_deref()?.trim())))
        .filter(|(_, n)| !n.is_empty() && !n.starts_with('#'))
        .collect();
    let ordered = |links: &Vec<Link>, post: &Id, pick: fn(&Link) -> Option<&Id>| -> Vec<Id> {
        let mut rows: Vec<&Link> = links.iter().filter(|l| &l.post_id == post).collect();
        rows.sort_by_key(|l| l.sort_order.unwrap_or(0));
        rows.into_iter().filter_map(pick).cloned().collect()
    };
    let metas: HashMap<&Id, &PostMeta> = data.posts_meta.iter().map(|m| (&m.post_id, m)).collect();
    let mut parsed = Parsed::default();
    for (i, post) in data.posts.iter().enumerate() {
        let uri = post.uuid.clone().unwrap_or_else(|| post.id.0.clone());
        let kind = post.kind.as_deref().unwrap_or("post");
        if kind == "page" && !options.pages {
            parsed.skipped.push((uri, "a page (pages are imported with --pages)".into()));
            continue;
        }
        let mut authors: Vec<String> = ordered(&data.posts_authors, &post.id, |l| l.author_id.as_ref())
            .iter()
            .filter_map(|a| users.get(a).map(|n| n.to_string()))
            .collect();
        if authors.is_empty()
            && let Some(name) = post.author_id.as_ref().and_then(|a| users.get(a))
        {
            authors.push(name.to_string());
        }
        let post_tags: Vec<String> = ordered(&data.posts_tags, &post.id, |l| l.tag_id.as_ref())
            .iter()
            .filter_map(|t| tags.get(t).map(|n| n.to_string()))
            .collect();
        match item(post, uri.clone(), authors, post_tags, metas.get(&post.id).copied()) {
            Ok(Some(item)) => parsed.items.push(item),
            Ok(None) => parsed.skipped.push((uri, "no title and no text".into())),
            Err(e) => parsed.failed.push(e.at(Some(i)).of(Some(&uri))),
        }
    }
    Ok(parsed)
}

fn item(
    post: &Post,
    uri: String,
    authors: Vec<String>,
    tags: Vec<String>,
    meta: Option<&PostMeta>,
) -> Result<Option<WireItem>, ItemError> {
    let html = post
        .html
        .clone()
        .filter(|h| !h.trim().is_empty())
        .or_else(|| post.lexical.as_deref().and_then(lexical_html))
        .or_else(|| post.mobiledoc.as_deref().and_then(mobiledoc_html))
        .map(|h| h.replace("__GHOST_URL__", ""));
    let body = match html {
        Some(h) => to_blocks(&h),
        None => post.plaintext.as_deref().map(|t| to_blocks(&t.replace("__GHOST_URL__", ""))).unwrap_or_default(),
    };
    let Some(headline) = crate::item::headline(post.title.as_deref(), &body) else { return Ok(None) };
    let body = if body.is_empty() { vec![newsdesk_core::Block::paragraph(headline.clone())] } else { body };
    let date = |field: &str, raw: &Option<String>| -> Result<Option<jiff::Timestamp>, ItemError> {
        match raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => Ok(None),
            Some(r) => dates::iso(r).map(Some).ok_or_else(|| {
                ItemError::new(
                    field,
                    format!("expected a date-time like 2021-03-24T04:34:09.000Z, found {:?}", clip(r, 40)),
                )
            }),
        }
    };
    let published = date("published_at", &post.published_at)?;
    let created = date("created_at", &post.created_at)?;
    let mut item = WireItem::new(Format::Ghost, uri, headline, body);
    item.kind = post.kind.clone().unwrap_or_else(|| "post".into());
    item.pub_status = match (post.status.as_deref(), post.visibility.as_deref()) {
        (Some("published" | "scheduled"), None | Some("public")) => PubStatus::Usable,
        _ => PubStatus::Draft,
    };
    item.first_created = published.or(created);
    item.version_created = date("updated_at", &post.updated_at)?;
    item.deck = post.custom_excerpt.as_deref().map(to_text).filter(|d| !d.is_empty());
    item.slug = post.slug.clone();
    item.language = post.language.clone().or(post.locale.clone()).unwrap_or_else(|| "en".into());
    item.authors = authors;
    item.section = tags.first().cloned();
    item.tags = tags;
    item.picture = post.feature_image.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(|href| WirePicture {
        href: Some(href.replace("__GHOST_URL__", "")).filter(|h| h.starts_with("http://") || h.starts_with("https://")),
        alt: meta.and_then(|m| m.feature_image_alt.clone()).filter(|a| !a.trim().is_empty()),
        caption: meta.and_then(|m| m.feature_image_caption.as_deref()).map(to_text).filter(|c| !c.is_empty()),
        credit: None,
    });
    if item.picture.is_none() {
        item.picture = post.lexical.as_deref().and_then(lexical_image).map(|href| WirePicture {
            href: Some(href),
            alt: None,
            caption: None,
            credit: None,
        });
    }
    Ok(Some(item))
}

/// Ghost 5's editor format: paragraphs, headings, quotes and lists with their text and its
/// inline formatting (links, bold, italic, code, sub/superscript, line breaks) as HTML, which
/// then goes the way of every outside HTML (sanitized, read into blocks and marks).
fn lexical_html(lexical: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(lexical).ok()?;
    let mut out = String::new();
    for node in doc.pointer("/root/children")?.as_array()? {
        if lexical_text(node).trim().is_empty() {
            continue;
        }
        let text = lexical_inline(node);
        let tag = match node.get("type").and_then(Value::as_str) {
            Some("heading") => {
                node.get("tag").and_then(Value::as_str).filter(|t| t.len() == 2 && t.starts_with('h')).unwrap_or("h2")
            }
            Some("quote") | Some("aside") => "blockquote",
            Some("list") => {
                let items: String = node
                    .get("children")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|li| format!("<li>{}</li>", lexical_inline(li)))
                    .collect();
                let list = if node.get("listType").and_then(Value::as_str) == Some("number") { "ol" } else { "ul" };
                out.push_str(&format!("<{list}>{items}</{list}>"));
                continue;
            }
            _ => "p",
        };
        out.push_str(&format!("<{tag}>{text}</{tag}>"));
    }
    (!out.is_empty()).then_some(out)
}

/// A Lexical node's children as inline HTML: text nodes with their `format` bits (1 bold,
/// 2 italic, 16 code, 32 subscript, 64 superscript), links, line breaks.
fn lexical_inline(node: &Value) -> String {
    let mut out = String::new();
    match node.get("type").and_then(Value::as_str) {
        Some("text") => {
            let text = escape_text(node.get("text").and_then(Value::as_str).unwrap_or(""));
            let bits = node.get("format").and_then(Value::as_u64).unwrap_or(0);
            let tags: Vec<&str> = [(1, "strong"), (2, "em"), (16, "code"), (32, "sub"), (64, "sup")]
                .iter()
                .filter(|(b, _)| bits & b != 0)
                .map(|(_, t)| *t)
                .collect();
            tags.iter().for_each(|t| out.push_str(&format!("<{t}>")));
            out.push_str(&text);
            tags.iter().rev().for_each(|t| out.push_str(&format!("</{t}>")));
        }
        Some("linebreak") => out.push_str("<br>"),
        Some("link") | Some("autolink") => {
            let url = node.get("url").and_then(Value::as_str).unwrap_or("");
            out.push_str(&format!("<a href=\"{}\">", escape_text(url)));
            for child in node.get("children").and_then(Value::as_array).into_iter().flatten() {
                out.push_str(&lexical_inline(child));
            }
            out.push_str("</a>");
        }
        _ => {
            if let Some(t) = node.get("text").and_then(Value::as_str) {
                out.push_str(&escape_text(t));
            }
            for child in node.get("children").and_then(Value::as_array).into_iter().flatten() {
                out.push_str(&lexical_inline(child));
            }
        }
    }
    out
}

/// The first picture in a Lexical document.
fn lexical_image(lexical: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(lexical).ok()?;
    doc.pointer("/root/children")?
        .as_array()?
        .iter()
        .filter(|n| n.get("type").and_then(Value::as_str) == Some("image"))
        .find_map(|n| n.get("src").and_then(Value::as_str))
        .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
        .map(str::to_string)
}

fn lexical_text(node: &Value) -> String {
    let mut out = node.get("text").and_then(Value::as_str).unwrap_or("").to_string();
    for child in node.get("children").and_then(Value::as_array).into_iter().flatten() {
        out.push_str(&lexical_text(child));
    }
    out
}

/// Ghost 1–4's editor format: markup sections and list sections with their markups (links,
/// strong, em, code, sub, sup) as inline HTML; cards left out.
fn mobiledoc_html(mobiledoc: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(mobiledoc).ok()?;
    // Each markup as its opening and closing tags (an unknown one as nothing).
    let markups: Vec<(String, String)> = doc
        .get("markups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|m| {
            let tag = m.get(0).and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            let attr = |name: &str| {
                let attrs = m.get(1).and_then(Value::as_array)?;
                attrs.chunks(2).find(|kv| kv[0].as_str() == Some(name)).and_then(|kv| kv.get(1)?.as_str())
            };
            match tag.as_str() {
                "a" => (format!("<a href=\"{}\">", escape_text(attr("href").unwrap_or(""))), "</a>".into()),
                "strong" | "b" | "em" | "i" | "code" | "sub" | "sup" => (format!("<{tag}>"), format!("</{tag}>")),
                _ => (String::new(), String::new()),
            }
        })
        .collect();
    // A marker is [type, markups it opens, how many it closes, value]; text markers only.
    let markers_text = |markers: &Value| -> String {
        let mut out = String::new();
        let mut open: Vec<usize> = vec![];
        for m in markers.as_array().into_iter().flatten() {
            for i in m.get(1).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_u64) {
                let i = i as usize;
                if let Some((tag, _)) = markups.get(i) {
                    out.push_str(tag);
                    open.push(i);
                }
            }
            if m.get(0).and_then(Value::as_i64) == Some(0) {
                out.push_str(&escape_text(m.get(3).and_then(Value::as_str).unwrap_or("")));
            }
            for _ in 0..m.get(2).and_then(Value::as_u64).unwrap_or(0) {
                if let Some(i) = open.pop() {
                    out.push_str(&markups[i].1);
                }
            }
        }
        while let Some(i) = open.pop() {
            out.push_str(&markups[i].1);
        }
        out
    };
    let mut out = String::new();
    for section in doc.get("sections")?.as_array()? {
        let kind = section.get(0).and_then(Value::as_i64);
        let tag = section.get(1).and_then(Value::as_str).unwrap_or("p");
        match kind {
            Some(1) => {
                let tag = if matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote") { tag } else { "p" };
                let text = markers_text(section.get(2)?);
                if !text.trim().is_empty() {
                    out.push_str(&format!("<{tag}>{text}</{tag}>"));
                }
            }
            Some(3) => {
                let items: String = section
                    .get(2)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|li| format!("<li>{}</li>", markers_text(li)))
                    .collect();
                let tag = if tag == "ol" { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>{items}</{tag}>"));
            }
            _ => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests;
