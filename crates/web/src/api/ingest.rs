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
use newsdesk_ingest::detect::{detect, read_document};
use newsdesk_ingest::item::{Format, Parsed};
use newsdesk_store::KeyScope;

use super::wire::{IngestLine, IngestParams, IngestResult, IngestStatus};
use super::{Error, Problem, authorize_scope, blocking, json_response, params};
use crate::AppState;
use newsdesk_desk::intake::{Intake, Mode, Status, Tally};

fn flag(query: &[(String, String)], name: &str) -> Result<bool, Error> {
    match query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()) {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(Error::invalid(name, format!("expected true or false, found {other:?}"))),
    }
}

/// The pushed document, read by its declared type: JSON is ninjs or AP Media API JSON; XML is
/// NITF, NewsML 1.2 or NewsML-G2, told apart by its root element; plain text is IPTC 7901.
fn read(headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Error> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    // The declared type says the family; within it the document itself says which format
    // (AP's envelope or ninjs; NITF, NewsML 1.2 or NewsML-G2 by the root). A JSON body is ninjs
    // and XML is NewsML-G2 unless it shows otherwise, so their errors name those formats.
    let format = if media_type.ends_with("json") {
        match detect(body) {
            Some(Format::ApMedia) => Format::ApMedia,
            _ => Format::Ninjs,
        }
    } else if media_type == "text/plain" || media_type.ends_with("anpa") || media_type.ends_with("7901") {
        Format::Iptc7901
    } else if media_type.ends_with("xml") {
        match detect(body) {
            Some(f @ (Format::Nitf | Format::Newsml1)) => f,
            _ => Format::NewsmlG2,
        }
    } else {
        return Err(Error::UnsupportedMediaType);
    };
    let parsed = read_document(format, body).ok_or(Error::UnsupportedMediaType)?;
    parsed.map_err(|e| Error::InvalidDocument(e.to_string()))
}

/// Push wire items: IPTC ninjs 1.x–3.x or AP Media API JSON, NewsML-G2, NITF 3.x or NewsML 1.2 (XML), or IPTC 7901 (plain text).
///
/// Needs a key made with `newsdesk api-key add NAME --scope ingest`. The body's type says the
/// format: `application/json` is ninjs or AP Media API JSON (by its envelope);
/// `application/xml`, `application/nitf+xml` (or any `+xml`) is NITF, NewsML 1.2 or NewsML-G2,
/// told apart by the root element; `text/plain` is IPTC 7901. A
/// repeated or older version of an item changes nothing (`duplicate`); a newer one becomes a new
/// revision of its story (`updated`). Each item is stored on its own: one that cannot be read is
/// reported with its field and the others go on; a document none of whose items can be read is
/// refused (400).
#[utoipa::path(post, path = "/api/ingest", operation_id = "ingest", tag = "ingest",
    params(IngestParams),
    request_body(content((Object = "application/json"), (String = "application/xml"), (String = "text/plain"))),
    responses(
        (status = 200, description = "What became of each item.", body = IngestResult, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match."))),
        (status = 403, description = "The key may not push wire items (code `forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor XML (code `unsupported-media-type`).", body = Problem, content_type = "application/problem+json")))]
pub async fn push(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let query = params(raw.as_deref(), super::wire::accepted!(IngestParams))?;
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
                        data.push(IngestLine {
                            uri: out.uri,
                            status: status(out.status),
                            id: Some(out.id),
                            url: Some(super::as_uri(&format!("{}{}", st.site.url, out.path))),
                            cluster: out.cluster,
                            error: None,
                        });
                    }
                    Err(newsdesk_desk::intake::IntakeError::Item(e)) => {
                        tally.failed += 1;
                        data.push(IngestLine::refused(&item.uri, IngestStatus::Failed, e.to_string()));
                    }
                    Err(newsdesk_desk::intake::IntakeError::Store(e)) => return Err(Error::Internal(e.to_string())),
                }
            }
            for (uri, why) in &parsed.skipped {
                tally.skipped += 1;
                data.push(IngestLine::refused(uri, IngestStatus::Skipped, why.to_string()));
            }
            for e in &parsed.failed {
                tally.failed += 1;
                data.push(IngestLine::refused(&e.id.clone().unwrap_or_default(), IngestStatus::Failed, e.to_string()));
            }
            let result = IngestResult {
                data,
                imported: tally.imported,
                updated: tally.updated,
                duplicate: tally.duplicate,
                skipped: tally.skipped,
                failed: tally.failed,
            };
            Ok(serde_json::to_value(result).unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

fn status(s: Status) -> IngestStatus {
    match s {
        Status::Imported => IngestStatus::Imported,
        Status::Queued => IngestStatus::Queued,
        Status::Updated => IngestStatus::Updated,
        Status::Duplicate => IngestStatus::Duplicate,
        Status::Skipped => IngestStatus::Skipped,
    }
}
