//! The newsroom's (back office's) templates, stylesheet and script, compiled in: the reader
//! site's themes do not style the newsroom. The same rules as the reader theme: strict undefined
//! values (a misspelt variable is an error a test meets, not an empty string on a page), fuel
//! against a runaway loop, HTML escaping of every value.

use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::RenderError;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../newsroom/base.html")),
    ("login.html", include_str!("../newsroom/login.html")),
    ("invite.html", include_str!("../newsroom/invite.html")),
    ("message.html", include_str!("../newsroom/message.html")),
    ("dashboard.html", include_str!("../newsroom/dashboard.html")),
    ("editor.html", include_str!("../newsroom/editor.html")),
    ("revisions.html", include_str!("../newsroom/revisions.html")),
    ("media.html", include_str!("../newsroom/media.html")),
    ("wire.html", include_str!("../newsroom/wire.html")),
    ("wire_item.html", include_str!("../newsroom/wire_item.html")),
    ("users.html", include_str!("../newsroom/users.html")),
    ("audit.html", include_str!("../newsroom/audit.html")),
    ("fronts.html", include_str!("../newsroom/fronts.html")),
    ("routing.html", include_str!("../newsroom/routing.html")),
];

/// The newsroom's stylesheet and script, served at `/newsroom/assets/`.
pub const CSS: &str = include_str!("../newsroom/newsroom.css");
pub const JS: &str = include_str!("../newsroom/newsroom.js");
/// The story editor's rich-text body (ProseMirror), bundled by `newsroom/editor/build.sh` from
/// `newsroom/editor/src` and the npm packages its lock file pins; their licences beside it.
pub const EDITOR_JS: &str = include_str!("../newsroom/editor.js");
pub const EDITOR_LICENSES: &str = include_str!("../newsroom/editor.js.LICENSES");

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(5_000_000));
        crate::theme::add_rich_filters(&mut env);
        for (name, source) in TEMPLATES {
            // The templates are compiled in and covered by tests; a broken one is a build bug.
            env.add_template(name, source).unwrap_or_else(|e| panic!("newsroom template {name}: {e}"));
        }
        env
    })
}

/// Renders the newsroom template `name` with `ctx`.
pub fn render(name: &str, ctx: impl Serialize) -> Result<String, RenderError> {
    env()
        .get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(&ctx)))
        .map_err(|source| RenderError::Template { template: format!("newsroom/{name}"), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_an_undefined_value_is_an_error() {
        for (name, _) in TEMPLATES {
            assert!(env().get_template(name).is_ok(), "{name}");
        }
        let err = render("message.html", minijinja::context! { title => "T" }).unwrap_err();
        assert!(err.to_string().contains("newsroom/message.html"), "{err}");
    }
}
