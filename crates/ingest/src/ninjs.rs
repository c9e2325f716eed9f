//! IPTC ninjs (News in JSON) 1.x, 2.x and 3.x into wire items. The three generations name the
//! same things differently (`headline` / `headlines[]`, `body_xhtml` / `bodies[]`,
//! `versioncreated` / `versionCreated`); keys are compared case-insensitively and each field is
//! looked up in every shape it has had. A file may hold one item or an array of items.

use jiff::Timestamp;
use newsdesk_core::article::{LeadImage, Section};
use newsdesk_core::{Article, Block, Slug, WorkflowState};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::html::{blocks_from_html, blocks_from_text};

/// Largest ninjs document read.
pub const MAX_NINJS_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PubStatus {
    Usable,
    Withheld,
    Canceled,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WirePicture {
    pub href: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// One item as an agency sent it, normalized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireItem {
    pub uri: String,
    pub version: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub headline: String,
    pub deck: Option<String>,
    pub body: Vec<Block>,
    pub byline: Option<String>,
    pub located: Option<String>,
    pub language: String,
    pub first_created: Option<Timestamp>,
    pub version_created: Option<Timestamp>,
    pub embargoed: Option<Timestamp>,
    pub urgency: Option<i64>,
    pub pub_status: PubStatus,
    pub copyright_holder: Option<String>,
    /// The first named info source (ninjs 2.x/3.x `infoSources`), a fallback credit.
    pub info_source: Option<String>,
    pub subjects: Vec<String>,
    pub picture: Option<WirePicture>,
}

/// What is wrong, and where: the item (0-based, in a file of several) and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{field}: {message}", item.map(|i| format!("item {i}: ")).unwrap_or_default())]
pub struct NinjsError {
    pub item: Option<usize>,
    pub field: String,
    pub message: String,
}

fn err(item: Option<usize>, field: &str, message: impl Into<String>) -> NinjsError {
    NinjsError { item, field: field.into(), message: message.into() }
}

/// Parses a ninjs document: one item, or an array of items.
pub fn parse_ninjs(bytes: &[u8]) -> Result<Vec<WireItem>, NinjsError> {
    if bytes.len() > MAX_NINJS_BYTES {
        return Err(err(None, "document", format!("{} bytes; at most {MAX_NINJS_BYTES} are read", bytes.len())));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| err(None, "document", format!("not JSON: line {} column {}: {e}", e.line(), e.column())))?;
    match lowercase_keys(value) {
        Value::Object(obj) => Ok(vec![item(&obj, None)?]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(obj) => item(obj, Some(i)),
                _ => Err(err(Some(i), "item", "expected a JSON object")),
            })
            .collect(),
        _ => Err(err(None, "document", "expected a ninjs object (or an array of them)")),
    }
}

/// ninjs 3 spells keys in camelCase, 1.x and 2.x in lowercase: fold them all.
fn lowercase_keys(v: Value) -> Value {
    match v {
        Value::Object(obj) => {
            Value::Object(obj.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), lowercase_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(lowercase_keys).collect()),
        other => other,
    }
}

fn string(obj: &Map<String, Value>, key: &str, at: Option<usize>) -> Result<Option<String>, NinjsError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(other) => Err(err(at, key, format!("expected a string, found {}", kind(other)))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn time(obj: &Map<String, Value>, key: &str, at: Option<usize>) -> Result<Option<Timestamp>, NinjsError> {
    let Some(s) = string(obj, key, at)? else { return Ok(None) };
    s.parse::<Timestamp>().map(Some).map_err(|_| {
        err(at, key, format!("expected a date-time with an offset like 2026-01-05T08:00:00Z, found {s:?}"))
    })
}

/// `[{role, value}]` (2.x/3.x) or `{prefix}` / `{prefix}_{role}` keys (1.x): (role, value) pairs.
fn role_values(
    obj: &Map<String, Value>,
    plural: &str,
    prefix: &str,
    at: Option<usize>,
) -> Result<Vec<(String, String)>, NinjsError> {
    let mut out = vec![];
    match obj.get(plural) {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, entry) in list.iter().enumerate() {
                let field = format!("{plural}[{i}]");
                let Value::Object(e) = entry else { return Err(err(at, &field, "expected an object with a value")) };
                let role = string(e, "role", at)?.or(string(e, "contenttype", at)?).unwrap_or_default();
                let value = string(e, "value", at)?.ok_or_else(|| err(at, &format!("{field}.value"), "missing"))?;
                out.push((role, value));
            }
        }
        Some(other) => return Err(err(at, plural, format!("expected an array, found {}", kind(other)))),
    }
    for (key, v) in obj {
        let role = if key == prefix {
            ""
        } else if let Some(r) = key.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) {
            r
        } else {
            continue;
        };
        match v {
            Value::String(s) if !s.trim().is_empty() => out.push((role.to_string(), s.trim().to_string())),
            Value::String(_) | Value::Null => {}
            other => return Err(err(at, key, format!("expected a string, found {}", kind(other)))),
        }
    }
    Ok(out)
}

fn looks_like_html(s: &str) -> bool {
    s.contains("</") || s.contains("<p") || s.contains("<br")
}

fn to_blocks(s: &str) -> Vec<Block> {
    if looks_like_html(s) { blocks_from_html(s) } else { blocks_from_text(s) }
}

fn item(obj: &Map<String, Value>, at: Option<usize>) -> Result<WireItem, NinjsError> {
    let uri = string(obj, "uri", at)?.ok_or_else(|| err(at, "uri", "missing: every ninjs item has a uri"))?;
    let headlines = role_values(obj, "headlines", "headline", at)?;
    let headline = headlines
        .iter()
        .find(|(r, _)| r == "main" || r.is_empty())
        .or(headlines.first())
        .map(|(_, v)| v.clone())
        .or(string(obj, "title", at)?);
    let bodies = role_values(obj, "bodies", "body", at)?;
    // Rich bodies first: they keep paragraphs and headings apart.
    let body_text = bodies.iter().find(|(_, v)| looks_like_html(v)).or(bodies.first()).map(|(_, v)| v.as_str());
    let descriptions = role_values(obj, "descriptions", "description", at)?;
    let is_credit = |r: &str| r.contains("credit");
    let caption = descriptions.iter().find(|(r, _)| r.contains("caption")).map(|(_, v)| v.clone());
    let summary = descriptions.iter().find(|(r, _)| !is_credit(r) && !r.contains("caption")).map(|(_, v)| v.clone());
    let mut body = body_text.map(to_blocks).unwrap_or_default();
    let mut deck = summary.clone().map(|s| to_text(&s));
    if body.is_empty() {
        // A picture, video or event: its description is its story.
        body = summary.as_deref().or(caption.as_deref()).map(to_blocks).unwrap_or_default();
        deck = None;
    }
    if body.is_empty() {
        body = event_notice(obj);
    }
    if body.is_empty() {
        return Err(err(at, "bodies", "missing: an item needs a body or a description to publish"));
    }
    // An untitled item (ninjs requires only a uri) is named by the start of its text.
    let headline = match headline {
        Some(h) => h,
        None => {
            first_words(&body).ok_or_else(|| err(at, "headlines", "missing, and the body has no text to name it by"))?
        }
    };
    let pub_status = match string(obj, "pubstatus", at)?.as_deref() {
        None | Some("usable") => PubStatus::Usable,
        Some("withheld") => PubStatus::Withheld,
        Some("canceled") | Some("cancelled") => PubStatus::Canceled,
        Some(other) => {
            return Err(err(at, "pubStatus", format!("expected usable, withheld or canceled, found {other:?}")));
        }
    };
    let urgency = match obj.get("urgency") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(|| err(at, "urgency", "expected a whole number"))?),
        Some(other) => return Err(err(at, "urgency", format!("expected a number, found {}", kind(other)))),
    };
    let version = match obj.get("version") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => return Err(err(at, "version", format!("expected a string, found {}", kind(other)))),
    };
    let own_picture = if obj.contains_key("renditions") {
        Some(WirePicture {
            href: rendition_href(obj.get("renditions")),
            caption: caption.clone().or(summary.clone()),
            credit: string(obj, "by", at)?.or(string(obj, "byline", at)?).or(string(obj, "copyrightholder", at)?),
        })
    } else {
        None
    };
    Ok(WireItem {
        uri,
        version,
        kind: string(obj, "type", at)?.unwrap_or_else(|| "text".into()),
        headline: to_text(&headline),
        deck,
        body,
        byline: string(obj, "by", at)?.or(string(obj, "byline", at)?),
        located: string(obj, "located", at)?,
        language: string(obj, "language", at)?.unwrap_or_else(|| "en".into()),
        first_created: time(obj, "firstcreated", at)?,
        version_created: time(obj, "versioncreated", at)?,
        embargoed: time(obj, "embargoed", at)?,
        urgency,
        pub_status,
        copyright_holder: string(obj, "copyrightholder", at)?,
        info_source: match obj.get("infosources") {
            Some(Value::Array(list)) => {
                list.iter().find_map(|s| s.get("name").and_then(Value::as_str)).map(str::to_string)
            }
            _ => None,
        },
        subjects: subjects(obj),
        picture: own_picture.or_else(|| associated_picture(obj)),
    })
}

/// An event item with no text of its own is published as a notice of when and where.
fn event_notice(obj: &Map<String, Value>) -> Vec<Block> {
    let Some(Value::Object(details)) = obj.get("eventdetails") else { return vec![] };
    let mut parts = vec![];
    if let Some(Value::Object(dates)) = details.get("dates") {
        for (key, label) in [("startdate", "Starts"), ("expectedstartdate", "Expected to start"), ("enddate", "Ends")] {
            if let Some(d) = dates.get(key).and_then(Value::as_str) {
                parts.push(format!("{label} {d}."));
            }
        }
    }
    let places: Vec<String> = match obj.get("places") {
        Some(Value::Array(list)) => {
            list.iter().filter_map(|p| p.get("name").and_then(Value::as_str)).map(str::to_string).collect()
        }
        _ => vec![],
    };
    if !places.is_empty() {
        parts.push(format!("Where: {}.", places.join(", ")));
    }
    if parts.is_empty() { vec![] } else { vec![Block::Paragraph { text: parts.join(" ") }] }
}

fn first_words(body: &[Block]) -> Option<String> {
    let text = body.iter().find_map(|b| match b {
        Block::Paragraph { text } | Block::Heading { text, .. } => Some(text.as_str()),
        _ => None,
    })?;
    let sentence = text.split_inclusive(['.', '!', '?']).next().unwrap_or(text).trim();
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if out.len() + word.len() > 90 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Some(out.trim_end_matches('.').to_string()).filter(|s| !s.is_empty())
}

/// Headlines and decks are text: any markup in them is dropped.
fn to_text(s: &str) -> String {
    if !s.contains('<') {
        return s.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    blocks_from_html(s)
        .into_iter()
        .filter_map(|b| match b {
            Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. } => Some(text),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn subjects(obj: &Map<String, Value>) -> Vec<String> {
    let list = obj.get("subjects").or(obj.get("subject"));
    let Some(Value::Array(list)) = list else { return vec![] };
    let mut out: Vec<String> = list
        .iter()
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.len() <= 80)
        .collect();
    out.dedup();
    out.truncate(12);
    out
}

/// The href of the best rendition: `original`/`baseImage` if named, else the first.
fn rendition_href(renditions: Option<&Value>) -> Option<String> {
    let entries: Vec<(&str, &Value)> = match renditions? {
        Value::Array(list) => list.iter().map(|r| (r.get("name").and_then(Value::as_str).unwrap_or(""), r)).collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        _ => return None,
    };
    let preferred =
        entries.iter().find(|(n, _)| matches!(n.to_ascii_lowercase().as_str(), "original" | "baseimage" | "main"));
    preferred
        .or(entries.first())
        .and_then(|(_, r)| r.get("href"))
        .and_then(Value::as_str)
        .filter(|h| h.starts_with("http://") || h.starts_with("https://"))
        .map(str::to_string)
}

fn associated_picture(obj: &Map<String, Value>) -> Option<WirePicture> {
    let assocs: Vec<&Value> = match obj.get("associations")? {
        Value::Array(list) => list.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => return None,
    };
    let pic = assocs.into_iter().find(|a| a.get("type").and_then(Value::as_str) == Some("picture"))?;
    let Value::Object(p) = pic else { return None };
    let descriptions = role_values(p, "descriptions", "description", None).ok()?;
    let caption = descriptions.iter().find(|(r, _)| !r.contains("credit")).map(|(_, v)| to_text(v));
    let headline = role_values(p, "headlines", "headline", None).ok()?.first().map(|(_, v)| to_text(v));
    Some(WirePicture {
        href: rendition_href(p.get("renditions")),
        caption: caption.or(headline),
        credit: p
            .get("by")
            .or(p.get("byline"))
            .or(p.get("copyrightholder"))
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

impl WireItem {
    /// Identity of the story at its provider: every version of an item shares it.
    pub fn external_id(&self) -> String {
        format!("ninjs:{}", self.uri)
    }

    /// The article this item becomes in `section`. Withheld or canceled items are unpublished;
    /// an embargo in the future becomes the publication time, so nothing shows before it.
    pub fn to_article(&self, section: &Section) -> Result<Article, NinjsError> {
        let slug = Slug::from_title(&self.headline)
            .ok_or_else(|| err(None, "headlines", format!("{:?} has no letters or digits for a URL", self.headline)))?;
        let created = self.first_created.or(self.version_created);
        let published_at = match (self.embargoed, created) {
            (Some(e), Some(c)) => Some(e.max(c)),
            (e, c) => e.or(c),
        };
        let updated_at = self.version_created.filter(|v| published_at.is_some_and(|p| *v > p));
        let source = self.copyright_holder.clone().or_else(|| self.info_source.clone());
        let mut body = self.body.clone();
        if let Some(place) = &self.located
            && let Some(Block::Paragraph { text }) = body.first_mut()
            && !has_dateline(text, place)
        {
            // The dateline leads the story, as agencies print it.
            *text = format!("{} — {text}", place.to_uppercase());
        }
        Ok(Article {
            id: None,
            section: section.clone(),
            slug,
            headline: self.headline.clone(),
            deck: self.deck.clone().filter(|d| *d != self.headline),
            lead_image: self.picture.as_ref().map(|p| LeadImage {
                asset: None,
                alt: p.caption.clone().unwrap_or_else(|| self.headline.clone()),
                title: None,
                caption: p.caption.clone(),
                credit: p.credit.clone().or(source.clone()),
            }),
            body,
            source,
            authors: self.byline.iter().flat_map(|b| split_byline(b)).collect(),
            tags: self.subjects.clone(),
            language: self.language.clone(),
            canonical_url: None,
            embargo: self.embargoed,
            based_on: Some(self.uri.clone()),
            corrections: Vec::new(),
            state: match self.pub_status {
                PubStatus::Usable => WorkflowState::Published,
                PubStatus::Withheld | PubStatus::Canceled => WorkflowState::Unpublished,
            },
            published_at,
            updated_at,
        })
    }
}

/// "Von Christian Hollmann, dpa" -> ["Christian Hollmann"]; "A and B" -> ["A", "B"].
fn split_byline(byline: &str) -> Vec<String> {
    let b = byline.trim();
    let b = ["By ", "BY ", "Von ", "Par ", "Por "].iter().find_map(|p| b.strip_prefix(p)).unwrap_or(b);
    b.split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|p| p.split_whitespace().count() >= 2 && p.len() <= 80)
        .map(str::to_string)
        .collect()
}

/// Whether a story already opens with its dateline: agencies set it in capitals
/// ("GROSSETO, Italy (AP) --"), or it names the place it was filed from.
fn has_dateline(text: &str, place: &str) -> bool {
    let first = text.split([' ', ',']).next().unwrap_or("");
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    let town = place.split(',').next().unwrap_or(place).trim().to_lowercase();
    capitals || (!town.is_empty() && text.to_lowercase().starts_with(&town))
}

#[cfg(test)]
mod tests;
