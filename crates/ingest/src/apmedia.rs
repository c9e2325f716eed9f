//! AP's Media API JSON: a feed (`{"data": {"items": [{"item": {…}}]}}`) or a single item
//! (`{"data": {"item": {…}}}`). The items are ninjs-like but AP's own: the `uri` carries
//! per-request tokens, so an item is known by `altids.itemid` and its `version`.
//!
//! What is read: `altids.itemid` (identity), `version`, `type`, `headline`, `headline_extended`
//! (deck), `summary`, `bylines[].by`, `datelinelocation.city`, `language`, `firstcreated`,
//! `versioncreated`, `embargoed`, `pubstatus` (usable, withheld, canceled), `urgency`,
//! `copyrightnotice`, `subject[]` (names and codes), `keywords`, the text (`body_html`, or an
//! inline `body_nitf` document as some AP integrations pass it on) and picture `associations`
//! (their caption, credit and main rendition). An item whose text is only in its NITF rendition
//! is read from its summary, with the rendition's address in `text_rendition` (and a warning):
//! `ingest` does no I/O, and a polled source (`desk::sources`) fetches it. Left out: picture
//! renditions' downloads (the media issue's), `ednote` (for editors), `signals`,
//! `audiences`, `person`/`organisation` entity lists and the feed's paging links.

use serde_json::{Map, Value};

use crate::html::{blocks_from_html, blocks_from_text};
use crate::item::{Format, ItemError, Parsed, PubStatus, Subject, WireItem, WirePicture, first_words};

/// Largest AP Media API document read.
pub const MAX_AP_BYTES: usize = 16 * 1024 * 1024;

/// Whether a JSON document looks like AP's Media API (its envelope), from its first bytes.
pub fn looks_like_ap(compact: &str) -> bool {
    compact.contains("\"api_version\"") && compact.contains("\"data\":{")
        || compact.starts_with("{\"data\":{\"item\":{")
        || (compact.starts_with("{\"data\":{") && compact.contains("\"items\":[{\"meta\""))
}

pub fn parse_ap(bytes: &[u8]) -> Result<Parsed, ItemError> {
    if bytes.len() > MAX_AP_BYTES {
        return Err(ItemError::document(format!("{} bytes; at most {MAX_AP_BYTES} are read", bytes.len())));
    }
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| ItemError::document(format!("not JSON: line {} column {}: {e}", e.line(), e.column())))?;
    let data = doc.get("data").and_then(Value::as_object).ok_or_else(|| {
        ItemError::document("no \"data\" object: an AP Media API answer carries its item or items there")
    })?;
    let items: Vec<(Option<usize>, &Value)> = if let Some(item) = data.get("item") {
        vec![(None, item)]
    } else if let Some(Value::Array(list)) = data.get("items") {
        list.iter().enumerate().map(|(i, entry)| (Some(i), entry.get("item").unwrap_or(entry))).collect()
    } else {
        return Err(ItemError::document("\"data\" holds neither an \"item\" nor \"items\""));
    };
    let mut parsed = Parsed::default();
    for (at, raw) in items {
        let Value::Object(obj) = raw else {
            parsed.failed.push(ItemError::new("item", "expected a JSON object").at(at));
            continue;
        };
        let id = obj.get("altids").and_then(|a| a.get("itemid")).and_then(Value::as_str).map(str::to_string);
        match item(obj, &mut parsed.warnings) {
            Ok(Some(item)) => parsed.items.push(item),
            Ok(None) => parsed.skipped.push((id.unwrap_or_default(), "no headline or text to publish".into())),
            Err(e) => parsed.failed.push(e.at(at).of(id.as_deref())),
        }
    }
    Ok(parsed)
}

fn string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, ItemError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ItemError::new(key, "expected a string")),
    }
}

fn time(obj: &Map<String, Value>, key: &str, warnings: &mut Vec<String>) -> Result<Option<jiff::Timestamp>, ItemError> {
    let Some(s) = string(obj, key)? else { return Ok(None) };
    let t = crate::dates::parse(&s);
    if t.is_none() {
        warnings.push(format!("{key}: cannot read the date {s:?}; left out"));
    }
    Ok(t)
}

fn item(obj: &Map<String, Value>, warnings: &mut Vec<String>) -> Result<Option<WireItem>, ItemError> {
    let altids = obj.get("altids").and_then(Value::as_object);
    let uri = altids
        .map(|a| string(a, "itemid"))
        .transpose()?
        .flatten()
        .map(|id| format!("urn:ap:{id}"))
        .ok_or_else(|| ItemError::new("altids.itemid", "missing: an AP item is known by its item id"))?;
    let mut body = match (string(obj, "body_html")?, string(obj, "body_nitf")?) {
        (Some(html), _) => blocks_from_html(&html),
        (None, Some(nitf)) => crate::nitf::parse_nitf(nitf.as_bytes())
            .ok()
            .and_then(|p| p.items.into_iter().next())
            .map(|i| i.body)
            .unwrap_or_default(),
        (None, None) => vec![],
    };
    let summary = string(obj, "summary")?;
    let mut text_rendition = None;
    if body.is_empty() {
        if let Some(href) = obj.get("renditions").and_then(|r| r.pointer("/nitf/href")).and_then(Value::as_str) {
            warnings.push(format!(
                "{uri}: the text is in its NITF rendition ({href}), which a file import does not fetch; read from \
                 its summary (a polled source fetches it)"
            ));
            text_rendition = Some(href.to_string()).filter(|h| h.starts_with("https://") || h.starts_with("http://"));
        }
        body = summary.as_deref().map(blocks_from_text).unwrap_or_default();
    }
    let Some(headline) = string(obj, "headline")?.or_else(|| first_words(&body)) else { return Ok(None) };
    if body.is_empty() {
        body.push(newsdesk_core::Block::paragraph(headline.clone()));
    }
    let mut item = WireItem::new(Format::ApMedia, uri, headline, body);
    item.text_rendition = text_rendition;
    item.version = string(obj, "version")?;
    item.kind = string(obj, "type")?.unwrap_or_else(|| "text".into());
    item.deck = string(obj, "headline_extended")?.or(summary).filter(|d| Some(d) != Some(&item.headline));
    item.byline = obj
        .get("bylines")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|b| b.get("by").and_then(Value::as_str)).collect::<Vec<_>>().join(", "))
        .filter(|b| !b.is_empty());
    item.located = obj.get("datelinelocation").and_then(|d| d.get("city")).and_then(Value::as_str).map(str::to_string);
    item.language = string(obj, "language")?.unwrap_or_else(|| "en".into());
    item.first_created = time(obj, "firstcreated", warnings)?;
    item.version_created = time(obj, "versioncreated", warnings)?;
    item.embargoed = time(obj, "embargoed", warnings)?;
    item.urgency = match obj.get("urgency") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| ItemError::new("urgency", "expected a whole number"))?),
    };
    item.pub_status = match string(obj, "pubstatus")?.map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("usable") => PubStatus::Usable,
        Some("withheld") | Some("embargoed") => PubStatus::Withheld,
        Some("canceled" | "cancelled") => PubStatus::Canceled,
        Some(other) => {
            return Err(ItemError::new("pubstatus", format!("expected usable, withheld or canceled, found {other:?}")));
        }
    };
    item.copyright_holder = string(obj, "copyrightnotice")?;
    item.provider = Some("AP".into());
    item.info_source = Some("AP".into());
    item.subjects = obj
        .get("subject")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let name = s.get("name").and_then(Value::as_str).map(str::to_string);
            let code = s.get("code").and_then(Value::as_str).map(|c| format!("ap:{c}"));
            (name.is_some() || code.is_some()).then_some(Subject { code, name })
        })
        .collect();
    item.tags = obj
        .get("keywords")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .filter(|k| !k.trim().is_empty() && k.chars().count() <= 100)
        .collect();
    let mut pictures = pictures(obj).into_iter();
    item.picture = pictures.next();
    item.media = pictures.collect();
    Ok(Some(item))
}

/// Picture associations: caption, credit and the main rendition's address.
fn pictures(obj: &Map<String, Value>) -> Vec<WirePicture> {
    let Some(Value::Object(assoc)) = obj.get("associations") else { return vec![] };
    let mut keys: Vec<&String> = assoc.keys().collect();
    keys.sort_by_key(|k| k.parse::<u32>().unwrap_or(u32::MAX));
    keys.into_iter()
        .filter_map(|k| assoc.get(k))
        .filter(|a| a.get("type").and_then(Value::as_str) == Some("picture"))
        .map(|a| {
            let text =
                |p: &str| a.pointer(p).and_then(Value::as_str).map(str::to_string).filter(|t| !t.trim().is_empty());
            WirePicture {
                href: text("/renditions/main/href")
                    .or_else(|| text("/renditions/preview/href"))
                    .filter(|h| h.starts_with("https://") || h.starts_with("http://")),
                alt: text("/headline"),
                caption: text("/description_caption").or_else(|| text("/headline")),
                credit: text("/photographer/name")
                    .map(|p| format!("AP Photo/{p}"))
                    .or_else(|| text("/copyrightnotice")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
