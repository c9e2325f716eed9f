//! `POST /api/ingest`: an agency or a partner pushes ninjs (one item or an array) with an ingest
//! key. Items are stored as `newsdesk import` stores them: a repeated or older version changes
//! nothing, a newer one is a new revision. With `queue=true` the items go to the newsroom's wire
//! queue instead, for the desk to take. A document that cannot be read is refused whole.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use newsdesk_core::article::Section;
use newsdesk_store::{KeyScope, SaveStatus};
use serde_json::json;

use super::{ApiError, authorize_scope, blocking, json_response, params};
use crate::AppState;

pub async fn push(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let query = params(raw.as_deref(), &["section", "queue"])?;
        let section = match query.iter().find(|(k, _)| k == "section") {
            Some((_, label)) => Section::from_label(label)
                .ok_or_else(|| ApiError::invalid("section", format!("expected a section name, found {label:?}")))?,
            None => Section::from_label("News").expect("a valid label"),
        };
        let queue = match query.iter().find(|(k, _)| k == "queue").map(|(_, v)| v.as_str()) {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => return Err(ApiError::invalid("queue", format!("expected true or false, found {other:?}"))),
        };
        authorize_scope(&state, &headers, KeyScope::Ingest).await?;
        if !super::is_json(&headers) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let items = newsdesk_ingest::parse_ninjs(&body).map_err(|e| ApiError::InvalidDocument(e.to_string()))?;
        let articles = items
            .iter()
            .enumerate()
            .map(|(i, item)| item.to_article(&section).map_err(|e| ApiError::InvalidDocument(format!("item {i}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let value = blocking(&state, move |st| {
            let (mut created, mut updated, mut unchanged) = (0, 0, 0);
            let mut data = vec![];
            for (item, article) in items.iter().zip(&articles) {
                let ext = item.external_id();
                if queue {
                    // Into the newsroom's wire queue: nothing is published until the desk takes it.
                    let wire = st.store.queue_wire_item(&ext, article, Timestamp::now())?;
                    let url = format!("{}/newsroom/wire", st.site.url);
                    data.push(json!({ "uri": item.uri, "id": wire, "url": url, "status": "queued" }));
                    continue;
                }
                let outcome = st.store.save_versioned(article, Some(&ext), item.version.as_deref(), "ingest", Timestamp::now())?;
                match outcome.status {
                    SaveStatus::Created => created += 1,
                    SaveStatus::Updated => updated += 1,
                    SaveStatus::Unchanged => unchanged += 1,
                }
                data.push(json!({ "uri": item.uri, "id": outcome.id, "url": super::as_uri(&format!("{}{}", st.site.url, outcome.path)), "status": outcome.status }));
            }
            let queued = if queue { items.len() } else { 0 };
            Ok(json!({ "data": data, "created": created, "updated": updated, "unchanged": unchanged, "queued": queued }))
        })
        .await?;
        Ok::<_, ApiError>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
