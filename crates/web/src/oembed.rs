//! An oEmbed provider (https://oembed.com) for article URLs: other sites that paste a link to a
//! story get its title, byline and picture. Discovered through the `<link rel="alternate"
//! type="application/json+oembed">` on every article page.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use newsdesk_core::Slug;
use serde_json::json;

use crate::{AppState, CachedPage};

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n")).into_response()
}

pub async fn oembed(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(raw.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "the query string is not valid"),
    };
    let mut url = None;
    for (name, value) in pairs {
        match name.as_str() {
            "url" => url = Some(value),
            "format" if value == "json" => {}
            // The spec's answer for a format the provider does not offer.
            "format" => return refuse(StatusCode::NOT_IMPLEMENTED, "only format=json is offered"),
            "maxwidth" | "maxheight" if value.parse::<u32>().is_ok() => {}
            "maxwidth" | "maxheight" => {
                return refuse(StatusCode::BAD_REQUEST, "maxwidth and maxheight are whole numbers");
            }
            _ => {}
        }
    }
    let Some(url) = url else { return refuse(StatusCode::BAD_REQUEST, "the url parameter is required") };
    let site_url = state.site.url.clone();
    let Some(path) = url.strip_prefix(&site_url).map(|p| p.trim_end_matches('/').to_string()) else {
        return refuse(StatusCode::NOT_FOUND, "that URL is not on this site");
    };
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(str::to_string).collect();
    let [section, slug] = segments.as_slice() else { return refuse(StatusCode::NOT_FOUND, "not an article URL") };
    if Slug::parse(section).is_err() || Slug::parse(slug).is_err() {
        return refuse(StatusCode::NOT_FOUND, "not an article URL");
    }
    let (section, slug) = (section.clone(), slug.clone());
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || store.published_by_path(&section, &slug)).await;
    let article = match found {
        Ok(Ok(Some(a))) => a,
        Ok(Ok(None)) => return refuse(StatusCode::NOT_FOUND, "no published article at that URL"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "oEmbed lookup failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the lookup failed");
        }
        Err(e) => {
            tracing::error!(error = %e, "oEmbed task failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the lookup failed");
        }
    };
    let mut body = json!({
        "version": "1.0",
        "type": "link",
        "title": article.headline,
        "provider_name": state.site.name,
        "provider_url": format!("{site_url}/"),
        "cache_age": 3600,
    });
    let obj = body.as_object_mut().expect("built as an object");
    match article.authors.first().and_then(|name| Slug::from_title(name)) {
        Some(first) => {
            obj.insert("author_name".into(), json!(article.authors.join(", ")));
            obj.insert("author_url".into(), json!(format!("{site_url}/author/{first}")));
        }
        None => {
            if let Some(agency) = &article.source {
                obj.insert("author_name".into(), json!(agency));
            }
        }
    }
    if let Some(asset) = article.lead_image.as_ref().and_then(|i| i.asset.as_ref()) {
        obj.insert("thumbnail_url".into(), json!(format!("{site_url}/media/{asset}")));
        obj.insert("thumbnail_width".into(), json!(1200));
        obj.insert("thumbnail_height".into(), json!(675));
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    CachedPage::new(
        StatusCode::OK,
        "application/json",
        bytes,
        vec![format!("article-{}", article.id.map_or(0, |i| i.0))],
    )
    .respond(&headers)
}
