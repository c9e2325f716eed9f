//! Themes in layers: a theme folder (`--theme DIR`) shadows the embedded default file by file.
//! A broken override is logged and the embedded template serves instead, so a typo in a theme
//! never takes the site down.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::{Environment, UndefinedBehavior};
use newsdesk_core::article::xml_char;
use serde::Serialize;

/// The default theme, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../themes/default/templates/base.html")),
    ("macros.html", include_str!("../../../themes/default/templates/macros.html")),
    ("home.html", include_str!("../../../themes/default/templates/home.html")),
    ("section.html", include_str!("../../../themes/default/templates/section.html")),
    ("search.html", include_str!("../../../themes/default/templates/search.html")),
    ("article.html", include_str!("../../../themes/default/templates/article.html")),
    ("error.html", include_str!("../../../themes/default/templates/error.html")),
    ("robots.txt", include_str!("../../../themes/default/templates/robots.txt")),
    ("feeds/rss.xml", include_str!("../../../themes/default/templates/feeds/rss.xml")),
    ("feeds/atom.xml", include_str!("../../../themes/default/templates/feeds/atom.xml")),
    ("feeds/body.html", include_str!("../../../themes/default/templates/feeds/body.html")),
];

const ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../../themes/default/assets/style.css")),
    ("placeholder.svg", include_bytes!("../../../themes/default/assets/placeholder.svg")),
    ("favicon.svg", include_bytes!("../../../themes/default/assets/favicon.svg")),
    ("logo.png", include_bytes!("../../../themes/default/assets/logo.png")),
    ("embed.js", include_bytes!("../../../themes/default/assets/embed.js")),
];

#[derive(Debug, Clone, Default)]
pub struct ThemeOptions {
    /// A folder with `templates/` and `assets/` that shadow the default theme.
    pub dir: Option<PathBuf>,
    /// Re-read the theme folder on every render (for theme editors; disables nothing else).
    pub dev_reload: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {template}: {source}")]
    Template { template: String, source: minijinja::Error },
}

/// A loaded theme. Cheap to clone.
#[derive(Clone)]
pub struct Theme {
    env: Arc<Environment<'static>>,
    options: ThemeOptions,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("options", &self.options).finish_non_exhaustive()
    }
}

impl Theme {
    pub fn load(options: ThemeOptions) -> Theme {
        Theme { env: Arc::new(build_env(options.dir.as_deref())), options }
    }

    pub fn dev_reload(&self) -> bool {
        self.options.dev_reload
    }

    /// Renders `template` with `ctx`.
    pub fn render<S: Serialize>(&self, template: &str, ctx: &S) -> Result<String, RenderError> {
        let fresh;
        let env = if self.options.dev_reload {
            fresh = build_env(self.options.dir.as_deref());
            &fresh
        } else {
            &*self.env
        };
        let wrap = |source| RenderError::Template { template: template.to_string(), source };
        env.get_template(template).map_err(wrap)?.render(minijinja::value::Serde(ctx)).map_err(wrap)
    }

    /// A static file of the theme (`style.css`…): the theme folder's copy, else the embedded one.
    pub fn asset(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        if !is_safe_name(name) {
            return None;
        }
        if let Some(bytes) = self.options.dir.as_ref().and_then(|dir| std::fs::read(dir.join("assets").join(name)).ok())
        {
            return Some(Cow::Owned(bytes));
        }
        ASSETS.iter().find(|(n, _)| *n == name).map(|(_, b)| Cow::Borrowed(*b))
    }
}

/// File names we serve: letters, digits, dots, dashes and underscores, no leading dot.
pub(crate) fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 128
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Escapes `& < > " '` in HTML output, as HTML needs; minijinja's default also escapes `/`, which
/// only bloats every URL on the page. Every string written, escaped or not, loses the characters
/// XML 1.0 forbids (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF), so one
/// stray control character in a headline can never make a feed or sitemap unreadable.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let escape = state.auto_escape();
    match value.as_str() {
        Some(s) if matches!(escape, minijinja::AutoEscape::Html) && !value.is_safe() => {
            write_html(out, s).map_err(minijinja::Error::from)
        }
        Some(s) if value.is_safe() || matches!(escape, minijinja::AutoEscape::None) => {
            write_text(out, s).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn write_text(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    if s.chars().all(xml_char) {
        return out.write_str(s);
    }
    s.split(|c| !xml_char(c)).try_for_each(|part| out.write_str(part))
}

fn write_html(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            c if !xml_char(c) => "",
            _ => continue,
        };
        out.write_str(&s[last..i])?;
        out.write_str(rep)?;
        last = i + c.len_utf8();
    }
    out.write_str(&s[last..])
}

/// The `as_html` filter: plain text made into HTML text (escaped once), for the feed fields whose
/// content is HTML by convention (RSS `<description>`): the template then escapes it again as
/// XML, so a reader decodes it once back to HTML and shows the text, never live markup.
fn as_html(s: String) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    write_html(&mut out, &s).expect("writing to a String");
    out
}

/// What part of a block the `rich` filters write.
enum Part {
    Text,
    Item(usize),
    Caption,
}

/// A block's text (or one list item's, or a picture's caption) with its links and emphasis, as
/// HTML made by `core::inline::to_html` (every character escaped; markup only from marks). The
/// text and marks are read straight from the template's value (no serde round trip: an article
/// page writes dozens of these), and a mark that cannot be read is left out, so a theme's own
/// data cannot smuggle markup in.
fn rich_part(block: &minijinja::Value, part: Part, site_url: &str, absolute: bool) -> minijinja::Value {
    use minijinja::Value;
    let attr = |v: &Value, name: &str| v.get_attr(name).ok().filter(|x| !x.is_undefined() && !x.is_none());
    let (text, marks) = match part {
        Part::Text => (attr(block, "text"), attr(block, "marks")),
        Part::Item(n) => (
            attr(block, "items").and_then(|items| items.get_item(&Value::from(n)).ok()),
            attr(block, "marks").and_then(|m| m.get_item(&Value::from(n)).ok()),
        ),
        Part::Caption => (attr(block, "caption"), attr(block, "caption_marks")),
    };
    let Some(text) = text.as_ref().and_then(Value::as_str) else { return Value::from_safe_string(String::new()) };
    let marks: Vec<newsdesk_core::Mark> = marks
        .and_then(|m| m.try_iter().ok())
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let kind = match attr(&m, "kind")?.as_str()? {
                "link" => newsdesk_core::MarkKind::Link,
                "strong" => newsdesk_core::MarkKind::Strong,
                "em" => newsdesk_core::MarkKind::Em,
                "sub" => newsdesk_core::MarkKind::Sub,
                "sup" => newsdesk_core::MarkKind::Sup,
                "code" => newsdesk_core::MarkKind::Code,
                _ => return None,
            };
            let start = u32::try_from(attr(&m, "start")?.as_i64()?).ok()?;
            let end = u32::try_from(attr(&m, "end")?.as_i64()?).ok()?;
            let href = attr(&m, "href").and_then(|h| h.as_str().map(str::to_string));
            Some(newsdesk_core::Mark { kind, start, end, href })
        })
        .collect();
    let links = newsdesk_core::inline::Links { site_url, absolute };
    Value::from_safe_string(newsdesk_core::inline::to_html(text, &marks, links))
}

/// `{{ b | rich(site.url) }}`, `{{ b | rich_item(loop.index0, site.url) }}`,
/// `{{ b | rich_caption(site.url) }}`; a last `true` writes the site's own links absolute
/// (feeds). The reader theme and the newsroom share them.
pub(crate) fn add_rich_filters(env: &mut Environment<'static>) {
    env.add_filter("rich", |b: minijinja::Value, site: String, absolute: Option<bool>| {
        rich_part(&b, Part::Text, &site, absolute.unwrap_or(false))
    });
    env.add_filter("rich_item", |b: minijinja::Value, n: usize, site: String, absolute: Option<bool>| {
        rich_part(&b, Part::Item(n), &site, absolute.unwrap_or(false))
    });
    env.add_filter("rich_caption", |b: minijinja::Value, site: String, absolute: Option<bool>| {
        rich_part(&b, Part::Caption, &site, absolute.unwrap_or(false))
    });
}

fn build_env(dir: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Bounds a runaway loop in a theme instead of hanging a worker.
    env.set_fuel(Some(5_000_000));
    env.set_formatter(html_formatter);
    env.add_filter("as_html", as_html);
    add_rich_filters(&mut env);
    env.add_filter("slug", |s: String| newsdesk_core::Slug::from_title(&s).map_or_else(String::new, String::from));
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("the embedded default theme is checked by the tests");
    }
    let Some(dir) = dir else { return env };
    let root = dir.join("templates");
    if !root.is_dir() {
        tracing::warn!(theme = %dir.display(), "theme folder has no templates/; using the default theme");
        return env;
    }
    for (name, path) in theme_files(&root) {
        let source = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(template = %path.display(), error = %e, "cannot read theme template; using the default");
                continue;
            }
        };
        if let Err(e) = env.add_template_owned(name, source) {
            // A failed compile leaves the embedded template registered under the same name.
            tracing::error!(template = %path.display(), error = %e, "theme template does not compile; using the default");
        }
    }
    env
}

/// Template files of a theme folder and one level of subfolders (`feeds/rss.xml`), by the name
/// templates use for them.
fn theme_files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(root) else { return out };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() && is_safe_name(&name) {
            for sub in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                let file = sub.file_name().to_string_lossy().into_owned();
                if is_template(&file) {
                    out.push((format!("{name}/{file}"), sub.path()));
                }
            }
        } else if is_template(&name) {
            out.push((name, path));
        }
    }
    out
}

fn is_template(name: &str) -> bool {
    is_safe_name(name) && [".html", ".xml", ".txt"].iter().any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rich_filters_write_marks_and_nothing_else() {
        let block = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
            "type": "paragraph", "text": "Read <this> now",
            "marks": [
                { "kind": "strong", "start": 0, "end": 4 },
                { "kind": "link", "start": 5, "end": 11, "href": "javascript:alert(1)" },
                { "kind": "script", "start": 0, "end": 4 },
                { "kind": "em", "start": "x", "end": 2 }
            ]
        })));
        let html = rich_part(&block, Part::Text, "https://news.example", false);
        assert_eq!(html.as_str(), Some("<strong>Read</strong> &lt;this&gt; now"));
        let list = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({
            "type": "list", "ordered": false, "items": ["one", "two"],
            "marks": [[], [{ "kind": "link", "start": 0, "end": 3, "href": "/europe/x" }]]
        })));
        let feed = rich_part(&list, Part::Item(1), "https://news.example", true);
        assert_eq!(feed.as_str(), Some("<a href=\"https://news.example/europe/x\">two</a>"));
        assert_eq!(rich_part(&list, Part::Item(0), "", false).as_str(), Some("one"));
        assert_eq!(rich_part(&list, Part::Item(5), "", false).as_str(), Some(""));
    }

    #[test]
    fn overrides_shadow_file_by_file_and_broken_ones_fall_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("templates/error.html"), "custom {{ page.status }}").unwrap();
        std::fs::write(dir.path().join("templates/home.html"), "{% if %} broken").unwrap();
        std::fs::write(dir.path().join("assets/style.css"), "body{}").unwrap();
        std::fs::create_dir_all(dir.path().join("templates/feeds")).unwrap();
        std::fs::write(dir.path().join("templates/feeds/rss.xml"), "<rss>{{ title }}</rss>").unwrap();
        let theme = Theme::load(ThemeOptions { dir: Some(dir.path().into()), dev_reload: false });
        let out =
            theme.render("error.html", &minijinja::context! { page => minijinja::context! { status => 404 } }).unwrap();
        assert_eq!(out, "custom 404");
        let rss = theme.render("feeds/rss.xml", &minijinja::context! { title => "A & B" }).unwrap();
        assert_eq!(rss, "<rss>A &amp; B</rss>");
        let escaped = theme
            .render(
                "error.html",
                &minijinja::context! { page => minijinja::context! { status => "<a href=\"/x\">'&'</a>" } },
            )
            .unwrap();
        assert_eq!(escaped, "custom &lt;a href=&quot;/x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert!(theme.env.get_template("home.html").unwrap().source().contains("lead"));
        assert_eq!(theme.asset("style.css").unwrap().as_ref(), b"body{}");
        assert!(theme.asset("placeholder.svg").is_some());
        assert!(theme.asset("../etc/passwd").is_none());
    }

    #[test]
    fn dev_reload_sees_edits_without_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        let theme = Theme::load(ThemeOptions { dir: Some(dir.path().into()), dev_reload: true });
        std::fs::write(dir.path().join("templates/error.html"), "v2").unwrap();
        assert_eq!(theme.render("error.html", &()).unwrap(), "v2");
    }
}
