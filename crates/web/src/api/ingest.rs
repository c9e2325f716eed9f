//! `POST /api/ingest`: an agency or a partner pushes ninjs (one item or an array) with an ingest
//! key. Items are stored as `newsdesk import` stores them: a repeated or older version changes
//! nothing, a newer one is a new revision. A document that cannot be read is refused whole.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use newsdesk_core::article::Section;
use newsdesk_store::{KeyScope, SaveStatus};
use serde_json::json;

use super::{ApiError, authorize_scope, blocking, json_response, params};
use crate::AppState;

pub async fn push(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let section = match params(raw.as_deref(), &["section"])?.pop() {
            Some((_, label)) => Section::from_label(&label)
                .ok_or_else(|| ApiError::invalid("section", format!("expected a section name, found {label:?}")))?,
            None => Section::from_label("News").expect("a valid label"),
        };
        authorize_scope(&state, &headers, KeyScope::Ingest).await?;
        let json_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().ends_with("json")));
        if !json_type {
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
                let outcome = st.store.save_versioned(article, Some(&ext), item.version.as_deref(), "ingest", Timestamp::now())?;
                match outcome.status {
                    SaveStatus::Created => created += 1,
                    SaveStatus::Updated => updated += 1,
                    SaveStatus::Unchanged => unchanged += 1,
                }
                data.push(json!({ "uri": item.uri, "id": outcome.id, "url": format!("{}{}", st.site.url, outcome.path), "status": outcome.status }));
            }
            Ok(json!({ "data": data, "created": created, "updated": updated, "unchanged": unchanged }))
        })
        .await?;
        Ok::<_, ApiError>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
