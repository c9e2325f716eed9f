//! IPTC ninjs (News in JSON) 1.x, 2.x and 3.x into wire items. The three generations name the
//! same things differently (`headline` / `headlines[]`, `body_xhtml` / `bodies[]`,
//! `versioncreated` / `versionCreated`); keys are compared case-insensitively and each field is
//! looked up in every shape it has had. A file may hold one item or an array of items.

use jiff::Timestamp;
use newsdesk_core::Block;
use serde_json::{Map, Value};

pub mod check;

use crate::dates;
use crate::item::{Format, ItemError, Parsed, PubStatus, Subject, WireItem, WirePicture, to_blocks, to_text};

/// Largest ninjs document read.
pub const MAX_NINJS_BYTES: usize = 8 * 1024 * 1024;

/// How strictly ninjs is held to its schema.
#[derive(Debug, Clone, Copy, Default)]
pub struct NinjsOptions {
    /// Hold every item to this version instead of the one it declares.
    pub version: Option<check::Version>,
    /// Refuse an item the ninjs schema would refuse. Without it (ninjs as agencies write it: a
    /// `guid` and no `uri`, a field of another generation's spelling), what the schema would
    /// refuse is a warning, and the item is read if it can be.
    pub strict: bool,
}

/// Parses a ninjs document: one item, or an array of items, read as agencies write it (see
/// [`NinjsOptions::strict`]). A document that is not ninjs at all is an error; an item that
/// cannot be read is reported in [`Parsed::failed`], and the others are still read.
pub fn parse_ninjs(bytes: &[u8]) -> Result<Parsed, ItemError> {
    parse_ninjs_with(bytes, NinjsOptions::default())
}

/// As [`parse_ninjs`], holding every item to one ninjs version's schema, strictly.
pub fn parse_ninjs_as(bytes: &[u8], version: Option<check::Version>) -> Result<Parsed, ItemError> {
    parse_ninjs_with(bytes, NinjsOptions { version, strict: true })
}

/// As [`parse_ninjs`], with `options`.
pub fn parse_ninjs_with(bytes: &[u8], options: NinjsOptions) -> Result<Parsed, ItemError> {
    let version = options.version;
    if bytes.len() > MAX_NINJS_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_NINJS_BYTES} are read", bytes.len())));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ItemError::document(format!("not JSON: line {} column {}: {e}", e.line(), e.column())))?;
    let items: Vec<(Option<usize>, Value)> = match value {
        Value::Object(_) => vec![(None, value)],
        Value::Array(items) if !items.is_empty() => items.into_iter().enumerate().map(|(i, v)| (Some(i), v)).collect(),
        _ => return Err(ItemError::document("expected a ninjs object (or an array of them)")),
    };
    let mut parsed = Parsed::default();
    for (at, raw) in items {
        let id = raw.get("uri").or_else(|| raw.get("guid")).and_then(Value::as_str).map(str::to_string);
        if let Err(v) = check::check(&raw, version) {
            let field = if v.path.is_empty() { "item" } else { v.path.as_str() };
            let e = ItemError::new(field, v.message).at(at).of(id.as_deref());
            if options.strict {
                parsed.failed.push(e);
                continue;
            }
            parsed.warnings.push(format!("{e} (the ninjs schema would refuse this; read anyway, --strict refuses)"));
        }
        let Value::Object(obj) = lowercase_keys(raw) else {
            parsed.failed.push(ItemError::new("item", "expected a JSON object").at(at));
            continue;
        };
        match item(&obj, at, &mut parsed.warnings) {
            Ok(Some(item)) => parsed.items.push(item),
            Ok(None) => {
                parsed.skipped.push((id.unwrap_or_default(), "no headline, text or description to publish".into()))
            }
            Err(e) => parsed.failed.push(e.at(at).of(id.as_deref())),
        }
    }
    Ok(parsed)
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

fn string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, ItemError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(other) => Err(ItemError::new(key, format!("expected a string, found {}", kind(other)))),
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

/// A date-time, in any form newsdesk reads. ninjs does not insist on the format (IPTC's own
/// suite passes items with bad dates), so one that cannot be read is left out with a warning.
fn time(obj: &Map<String, Value>, key: &str, warnings: &mut Vec<String>) -> Result<Option<Timestamp>, ItemError> {
    let Some(s) = string(obj, key)? else { return Ok(None) };
    let t = dates::parse(&s);
    if t.is_none() {
        warnings.push(format!("{key}: cannot read the date {s:?}; left out"));
    }
    Ok(t)
}

/// `[{role, value}]` (2.x/3.x) or `{prefix}` / `{prefix}_{role}` keys (1.x): (role, value) pairs.
fn role_values(obj: &Map<String, Value>, plural: &str, prefix: &str) -> Result<Vec<(String, String)>, ItemError> {
    let mut out = vec![];
    match obj.get(plural) {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, entry) in list.iter().enumerate() {
                let field = format!("{plural}[{i}]");
                let Value::Object(e) = entry else {
                    return Err(ItemError::new(&field, "expected an object with a value"));
                };
                let role = string(e, "role")?.or(string(e, "contenttype")?).unwrap_or_default();
                let value = string(e, "value")?.ok_or_else(|| ItemError::new(&format!("{field}.value"), "missing"))?;
                out.push((role, value));
            }
        }
        Some(other) => return Err(ItemError::new(plural, format!("expected an array, found {}", kind(other)))),
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
            other => return Err(ItemError::new(key, format!("expected a string, found {}", kind(other)))),
        }
    }
    Ok(out)
}

/// The item's identity: its `uri`, else its `guid` (as Superdesk-based agencies write it), else a
/// stable hash of its provider, headline and first-created time (so a re-sent copy is the same
/// item). Which one it took is said in the warnings when it is not the `uri`.
fn identity(obj: &Map<String, Value>, at: Option<usize>, warnings: &mut Vec<String>) -> Result<String, ItemError> {
    if let Some(uri) = string(obj, "uri")? {
        return Ok(uri);
    }
    let item = at.map_or_else(String::new, |i| format!("item {i}: "));
    if let Some(guid) = string(obj, "guid")? {
        warnings.push(format!("{item}no uri; its guid {guid} is its identity"));
        return Ok(guid);
    }
    let provider = string(obj, "provider")?
        .or(string(obj, "copyrightholder")?)
        .or_else(|| {
            obj.get("infosources")
                .and_then(Value::as_array)
                .and_then(|l| l.iter().find_map(|s| s.get("name").and_then(Value::as_str)))
                .map(str::to_string)
        })
        .unwrap_or_default();
    let headline = role_values(obj, "headlines", "headline")?.into_iter().next().map(|(_, v)| v).unwrap_or_default();
    let created = string(obj, "firstcreated")?.unwrap_or_default();
    if headline.is_empty() && created.is_empty() {
        return Err(ItemError::new("uri", "missing, and no guid, headline or first-created time to know the item by"));
    }
    let uri = format!("urn:newsdesk:ninjs:{:016x}", fnv1a(&[&provider, &headline, &created]));
    warnings.push(format!(
        "{item}no uri or guid; its identity {uri} is made from its provider, headline and first-created time"
    ));
    Ok(uri)
}

/// 64-bit FNV-1a over the parts, each ended by a 0 byte: stable across runs and builds.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// One item, or `None` when it has nothing a reader could read.
fn item(
    obj: &Map<String, Value>,
    at: Option<usize>,
    warnings: &mut Vec<String>,
) -> Result<Option<WireItem>, ItemError> {
    let uri = identity(obj, at, warnings)?;
    let headlines = role_values(obj, "headlines", "headline")?;
    let headline = headlines
        .iter()
        .find(|(r, _)| r == "main" || r.is_empty())
        .or(headlines.first())
        .map(|(_, v)| v.clone())
        .or(string(obj, "title")?);
    let bodies = role_values(obj, "bodies", "body")?;
    // Rich bodies first: they keep paragraphs and headings apart.
    let body_text =
        bodies.iter().find(|(_, v)| crate::item::looks_like_html(v)).or(bodies.first()).map(|(_, v)| v.as_str());
    let descriptions = role_values(obj, "descriptions", "description")?;
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
    // An untitled item (ninjs requires only a uri), or one whose headline is nothing but markup,
    // is named by the start of its text (already text: not read as HTML a second time).
    let Some(headline) = crate::item::headline(headline.as_deref(), &body) else { return Ok(None) };
    if body.is_empty() {
        // A flash: the headline is all there is, and all there is to read.
        body = vec![Block::paragraph(headline.clone())];
    }
    let pub_status = match string(obj, "pubstatus")?.as_deref() {
        None | Some("usable") => PubStatus::Usable,
        Some("withheld") => PubStatus::Withheld,
        Some("canceled") | Some("cancelled") => PubStatus::Canceled,
        Some(other) => {
            return Err(ItemError::new(
                "pubstatus",
                format!("expected one of usable, withheld, canceled, found {other:?}"),
            ));
        }
    };
    let urgency = match obj.get("urgency") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(|| ItemError::new("urgency", "expected a whole number"))?),
        Some(other) => return Err(ItemError::new("urgency", format!("expected a number, found {}", kind(other)))),
    };
    let version = match obj.get("version") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => return Err(ItemError::new("version", format!("expected a string, found {}", kind(other)))),
    };
    let byline = string(obj, "by")?.or(string(obj, "byline")?);
    let copyright_holder = string(obj, "copyrightholder")?;
    let own_picture = if obj.contains_key("renditions") {
        Some(WirePicture {
            href: rendition_href(obj.get("renditions")),
            alt: None,
            caption: caption.clone().or(summary.clone()),
            credit: byline.clone().or(copyright_holder.clone()),
        })
    } else {
        None
    };
    let mut item = WireItem::new(Format::Ninjs, uri, headline, body);
    item.version = version;
    item.kind = string(obj, "type")?.unwrap_or_else(|| "text".into());
    item.deck = deck;
    item.byline = byline;
    item.located = string(obj, "located")?;
    item.language = string(obj, "language")?.unwrap_or_else(|| "en".into());
    item.first_created = time(obj, "firstcreated", warnings)?;
    item.version_created = time(obj, "versioncreated", warnings)?;
    item.embargoed = time(obj, "embargoed", warnings)?;
    item.urgency = urgency;
    item.pub_status = pub_status;
    item.copyright_holder = copyright_holder;
    item.info_source = match obj.get("infosources").or(obj.get("infosource")) {
        Some(Value::Array(list)) => list.iter().find_map(|s| s.get("name").and_then(Value::as_str)).map(str::to_string),
        _ => None,
    };
    item.subjects = subjects(obj);
    item.picture = own_picture.or_else(|| associated_picture(obj));
    Ok(Some(item))
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
    if parts.is_empty() { vec![] } else { vec![Block::paragraph(parts.join(" "))] }
}

fn subjects(obj: &Map<String, Value>) -> Vec<Subject> {
    let list = obj.get("subjects").or(obj.get("subject"));
    let Some(Value::Array(list)) = list else { return vec![] };
    let text = |s: &Value, key: &str| {
        s.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 200)
            .map(str::to_string)
    };
    let mut out: Vec<Subject> = list
        .iter()
        .map(|s| Subject { code: text(s, "uri").or_else(|| text(s, "code")), name: text(s, "name") })
        .filter(|s| s.code.is_some() || s.name.is_some())
        .collect();
    out.dedup();
    out.truncate(24);
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
    let descriptions = role_values(p, "descriptions", "description").ok()?;
    let caption = descriptions.iter().find(|(r, _)| !r.contains("credit")).map(|(_, v)| to_text(v));
    let headline = role_values(p, "headlines", "headline").ok()?.first().map(|(_, v)| to_text(v));
    Some(WirePicture {
        href: rendition_href(p.get("renditions")),
        alt: None,
        caption: caption.or(headline),
        credit: p
            .get("by")
            .or(p.get("byline"))
            .or(p.get("copyrightholder"))
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

#[cfg(test)]
mod tests;
