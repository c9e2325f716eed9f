//! `POST /api/ingest`: an agency or a partner pushes IPTC ninjs (JSON: one item or an array) or
//! NewsML-G2 (XML: an item or a news message) with an ingest key. Items go through intake as
//! `newsdesk import` sends them: published by default, to the wire queue with `queue=true`, as
//! the routing rules say with `route=true`. A document that cannot be read at all is refused
//! whole; otherwise each item's fate is in the answer, and a broken item stops none of the others.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use newsdesk_core::article::Section;
use newsdesk_ingest::item::Parsed;
use newsdesk_store::KeyScope;
use serde_json::json;

use super::{Error, authorize_scope, blocking, json_response, params};
use crate::AppState;
use newsdesk_desk::intake::{Intake, Mode, Tally};

fn flag(query: &[(String, String)], name: &str) -> Result<bool, Error> {
    match query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()) {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(Error::invalid(name, format!("expected true or false, found {other:?}"))),
    }
}

/// The pushed document, read by its declared type: JSON is ninjs, XML is NewsML-G2.
fn read(headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Error> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let parsed = if media_type.ends_with("json") {
        newsdesk_ingest::parse_ninjs(body)
    } else if media_type.ends_with("xml") {
        newsdesk_ingest::newsml::parse_newsml(body)
    } else {
        return Err(Error::UnsupportedMediaType);
    };
    parsed.map_err(|e| Error::InvalidDocument(e.to_string()))
}

pub async fn push(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let query = params(raw.as_deref(), &["section", "queue", "route"])?;
        let section = match query.iter().find(|(k, _)| k == "section") {
            Some((_, label)) => Some(
                Section::from_label(label)
                    .ok_or_else(|| Error::invalid("section", format!("expected a section name, found {label:?}")))?,
            ),
            None => None,
        };
        let (queue, routed) = (flag(&query, "queue")?, flag(&query, "route")?);
        authorize_scope(&state, &headers, KeyScope::Ingest).await?;
        let parsed = read(&headers, &body)?;
        if parsed.items.is_empty() && parsed.skipped.is_empty() && !parsed.failed.is_empty() {
            let problems: Vec<String> = parsed.failed.iter().map(ToString::to_string).collect();
            return Err(Error::InvalidDocument(problems.join("; ")));
        }
        let value = blocking(&state, move |st| {
            let mode = match (routed, queue) {
                (true, _) => Mode::Route { publish: !queue },
                (false, true) => Mode::Queue,
                (false, false) => Mode::Publish,
            };
            let mut intake = Intake::new(&st.store, mode, "ingest").map_err(|e| Error::Internal(e.to_string()))?;
            if let Some(s) = section {
                intake = intake.into_section(s);
            }
            let mut tally = Tally::default();
            let mut data = vec![];
            let outcomes = intake.take_all(&parsed.items, st.now()).map_err(|e| Error::Internal(e.to_string()))?;
            for (item, outcome) in parsed.items.iter().zip(outcomes) {
                match outcome {
                    Ok(out) => {
                        tally.count(out.status);
                        let mut entry = json!({ "uri": out.uri, "status": out.status, "id": out.id,
                                                "url": super::as_uri(&format!("{}{}", st.site.url, out.path)) });
                        if let Some(c) = out.cluster {
                            entry["cluster"] = json!(c);
                        }
                        data.push(entry);
                    }
                    Err(newsdesk_desk::intake::IntakeError::Item(e)) => {
                        tally.failed += 1;
                        data.push(json!({ "uri": item.uri, "status": "failed", "error": e.to_string() }));
                    }
                    Err(newsdesk_desk::intake::IntakeError::Store(e)) => return Err(Error::Internal(e.to_string())),
                }
            }
            for (uri, why) in &parsed.skipped {
                tally.skipped += 1;
                data.push(json!({ "uri": uri, "status": "skipped", "error": why }));
            }
            for e in &parsed.failed {
                tally.failed += 1;
                data.push(json!({ "uri": e.id.clone().unwrap_or_default(), "status": "failed", "error": e.to_string() }));
            }
            Ok(json!({ "data": data, "imported": tally.imported, "updated": tally.updated, "duplicate": tally.duplicate,
                       "skipped": tally.skipped, "failed": tally.failed }))
        })
        .await?;
        Ok::<_, Error>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
