//! The back office's pages from its templates (`render::newsroom`) and its two static files.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use newsdesk_render::newsroom::{self as templates, CSS, EDITOR_JS, EDITOR_LICENSES, JS};
use serde::Serialize;

use super::failure;

/// A value for a template context from anything serializable.
pub fn ser<T: Serialize>(v: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// Renders a newsroom template into an HTML response.
pub fn render(name: &str, ctx: impl Serialize) -> Response {
    render_status(StatusCode::OK, name, ctx)
}

pub fn render_status(status: StatusCode, name: &str, ctx: impl Serialize) -> Response {
    match templates::render(name, ctx) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => failure(e.to_string()),
    }
}

pub fn message_page(status: StatusCode, message: &str) -> String {
    let ctx = minijinja::context! { title => status.canonical_reason().unwrap_or("Error"), message, status => status.as_u16() };
    templates::render("message.html", ctx).unwrap_or_else(|_| message.to_string())
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "newsroom.css" => (CSS, "text/css; charset=utf-8"),
        "newsroom.js" => (JS, "text/javascript; charset=utf-8"),
        "editor.js" => (EDITOR_JS, "text/javascript; charset=utf-8"),
        "editor.js.LICENSES" => (EDITOR_LICENSES, "text/plain; charset=utf-8"),
        _ => return super::refuse(crate::Error::NotFound("file".into())),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}
