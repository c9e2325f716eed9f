//! The back office's templates (compiled in; the reader site's themes do not style the
//! newsroom) and its two static files.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

use super::failure;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/newsroom/base.html")),
    ("login.html", include_str!("../../templates/newsroom/login.html")),
    ("invite.html", include_str!("../../templates/newsroom/invite.html")),
    ("message.html", include_str!("../../templates/newsroom/message.html")),
    ("dashboard.html", include_str!("../../templates/newsroom/dashboard.html")),
    ("editor.html", include_str!("../../templates/newsroom/editor.html")),
    ("revisions.html", include_str!("../../templates/newsroom/revisions.html")),
    ("media.html", include_str!("../../templates/newsroom/media.html")),
    ("wire.html", include_str!("../../templates/newsroom/wire.html")),
    ("wire_item.html", include_str!("../../templates/newsroom/wire_item.html")),
    ("users.html", include_str!("../../templates/newsroom/users.html")),
    ("audit.html", include_str!("../../templates/newsroom/audit.html")),
    ("fronts.html", include_str!("../../templates/newsroom/fronts.html")),
    ("routing.html", include_str!("../../templates/newsroom/routing.html")),
];

const CSS: &str = include_str!("../../templates/newsroom/newsroom.css");
const JS: &str = include_str!("../../templates/newsroom/newsroom.js");

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The templates are compiled in and covered by tests; a broken one is a build bug.
            env.add_template(name, source).unwrap_or_else(|e| panic!("newsroom template {name}: {e}"));
        }
        env
    })
}

/// A value for a template context from anything serializable.
pub fn ser<T: Serialize>(v: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

/// Renders a newsroom template into an HTML response.
pub fn render(name: &str, ctx: impl Serialize) -> Response {
    render_status(StatusCode::OK, name, ctx)
}

pub fn render_status(status: StatusCode, name: &str, ctx: impl Serialize) -> Response {
    match env().get_template(name).and_then(|t| t.render(minijinja::value::Serde(&ctx))) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => failure(format!("newsroom template {name}: {e:#}")),
    }
}

pub fn message_page(status: StatusCode, message: &str) -> String {
    let ctx = minijinja::context! { title => status.canonical_reason().unwrap_or("Error"), message, status => status.as_u16() };
    env()
        .get_template("message.html")
        .and_then(|t| t.render(minijinja::value::Serde(&ctx)))
        .unwrap_or_else(|_| message.to_string())
}

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "newsroom.css" => (CSS, "text/css; charset=utf-8"),
        "newsroom.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return super::refuse(StatusCode::NOT_FOUND, "No such file."),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_compiles() {
        for (name, _) in super::TEMPLATES {
            super::env().get_template(name).unwrap();
        }
    }
}
