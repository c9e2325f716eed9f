//! An oEmbed provider (https://oembed.com) for article URLs: other sites that paste a link to a
//! story get its title, byline and picture. Discovered through the `<link rel="alternate"
//! type="application/json+oembed">` on every article page.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use newsdesk_core::Slug;
use serde_json::json;

use crate::{AppState, CachedPage, Error};

/// oEmbed's refusals are the one error model's, as problem documents like every API's.
fn refuse(err: Error) -> Response {
    err.into_response()
}

pub async fn oembed(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(raw.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(_) => return refuse(Error::invalid("query", "not a valid query string")),
    };
    let mut url = None;
    for (name, value) in pairs {
        match name.as_str() {
            "url" => url = Some(value),
            "format" if value == "json" => {}
            // The spec's answer for a format the provider does not offer.
            "format" => return refuse(Error::NotImplemented("only format=json is offered".into())),
            "maxwidth" | "maxheight" if value.parse::<u32>().is_ok() => {}
            "maxwidth" | "maxheight" => {
                return refuse(Error::invalid(&name, "expected a whole number"));
            }
            _ => {}
        }
    }
    let Some(url) = url else { return refuse(Error::invalid("url", "required")) };
    let site_url = state.site.url.clone();
    let Some(path) = url.strip_prefix(&site_url).map(|p| p.trim_end_matches('/').to_string()) else {
        return refuse(Error::NotFound("page on this site at that URL".into()));
    };
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(str::to_string).collect();
    let [section, slug] = segments.as_slice() else { return refuse(Error::NotFound("article at that URL".into())) };
    if Slug::parse(section).is_err() || Slug::parse(slug).is_err() {
        return refuse(Error::NotFound("article at that URL".into()));
    }
    let (section, slug) = (section.clone(), slug.clone());
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || store.published_by_path(&section, &slug)).await;
    let article = match found {
        Ok(Ok(Some(a))) => a,
        Ok(Ok(None)) => return refuse(Error::NotFound("published article at that URL".into())),
        Ok(Err(e)) => return refuse(e.into()),
        Err(e) => return refuse(Error::internal(format!("oEmbed task failed: {e}"))),
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
