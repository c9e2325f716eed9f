//! Outside HTML into body blocks. Everything goes through ammonia first, with an allowlist that
//! matches the block model (paragraphs, headings, quotes, lists, figures, links); scripts, styles,
//! event handlers and `javascript:` URLs never survive. The sanitized, well-formed markup is then
//! read as a flat sequence of tags and text: block elements become blocks, and inline elements
//! (links, emphasis, strong, sub/superscript, code, line breaks) become the marks over a block's
//! text (`core::inline`).

use newsdesk_core::Block;
use newsdesk_core::inline::{self, Mark, MarkKind};

/// Largest HTML body read; longer input is cut before parsing (a story is far smaller).
pub const MAX_HTML_BYTES: usize = 2 * 1024 * 1024;

pub fn sanitize(html: &str) -> String {
    let html = truncate(html, MAX_HTML_BYTES);
    ammonia::Builder::empty()
        .add_tags([
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "ul",
            "ol",
            "li",
            "br",
            "a",
            "em",
            "strong",
            "b",
            "i",
            "figure",
            "figcaption",
            "img",
            "section",
            "div",
            "span",
            "pre",
            "cite",
            "q",
            "sub",
            "sup",
            "code",
        ])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("img", ["src", "alt"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener nofollow"))
        .clean(html)
        .to_string()
}

/// Text as HTML text or attribute value, for outside formats turned into HTML before they are
/// read as HTML (Ghost's Lexical and Mobiledoc, NITF tables).
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    newsdesk_core::markup::escape_bytes(&mut out, s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        _ => None,
    });
    out
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Paragraph,
    Heading(u8),
    Quote,
    Item,
}

/// The block being read: its text (whitespace collapsed as it comes), the marks closed in it,
/// and the inline elements still open (which carry on into the next block if a block ends
/// inside them).
#[derive(Default)]
struct Reading {
    text: String,
    chars: u32,
    space: bool,
    marks: Vec<Mark>,
    open: Vec<(MarkKind, u32, Option<String>)>,
}

impl Reading {
    fn push_text(&mut self, raw: &str) {
        for c in crate::entities::decode(raw).chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                self.commit_space();
                self.text.push(c);
                self.chars += 1;
            }
        }
    }

    /// A space seen before more text is written out once that text comes (never at the start).
    fn commit_space(&mut self) {
        if self.space && !self.text.is_empty() && !self.text.ends_with(['\n', ' ']) {
            // An element opened here, after the space, begins after it.
            for (_, start, _) in &mut self.open {
                if *start == self.chars {
                    *start += 1;
                }
            }
            self.text.push(' ');
            self.chars += 1;
        }
        self.space = false;
    }

    fn line_break(&mut self) {
        self.space = false;
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
            self.chars += 1;
        }
    }

    /// A space pending before the element is written when text follows, before the element.
    fn open(&mut self, kind: MarkKind, href: Option<String>) {
        self.open.push((kind, self.chars, href));
    }

    fn close(&mut self, kind: MarkKind) {
        if let Some(at) = self.open.iter().rposition(|(k, _, _)| *k == kind) {
            let (kind, start, href) = self.open.remove(at);
            self.marks.push(Mark { kind, start, end: self.chars, href });
        }
    }

    /// The text and marks read so far, trimmed; the elements still open start again at 0.
    fn take(&mut self) -> (String, Vec<Mark>) {
        let trimmed = self.text.trim_end_matches([' ', '\n']);
        let len = trimmed.chars().count() as u32;
        self.text.truncate(trimmed.len());
        let mut marks = std::mem::take(&mut self.marks);
        for (kind, start, href) in &mut self.open {
            marks.push(Mark { kind: *kind, start: *start, end: len, href: href.clone() });
            *start = 0;
        }
        let text = std::mem::take(&mut self.text);
        self.chars = 0;
        self.space = false;
        let marks = inline::normalize(&text, marks);
        (text, marks)
    }
}

/// The inline element a sanitized tag opens or closes, with a link's target.
fn inline_kind(name: &str, tag: &str) -> Option<(MarkKind, Option<String>)> {
    let kind = match name {
        "a" => MarkKind::Link,
        "em" | "i" => MarkKind::Em,
        "strong" | "b" => MarkKind::Strong,
        "sub" => MarkKind::Sub,
        "sup" => MarkKind::Sup,
        "code" => MarkKind::Code,
        _ => return None,
    };
    let href = (kind == MarkKind::Link && !tag.starts_with('/'))
        .then(|| {
            let at = tag.find("href=\"")? + 6;
            let value = &tag[at..];
            inline::link_target(&crate::entities::decode(&value[..value.find('"')?]))
        })
        .flatten();
    Some((kind, href))
}

/// Sanitizes `html` and turns it into blocks: one per paragraph, heading, quote or list, each
/// with its links, emphasis, sub/superscript, code and line breaks as marks. A link to anything
/// but http(s), mailto or a path on the site keeps its words and loses the link.
pub fn blocks_from_html(html: &str) -> Vec<Block> {
    let clean = sanitize(html);
    let mut out = vec![];
    let mut r = Reading::default();
    let mut kind = Kind::Paragraph;
    let mut list: Option<List> = None;
    let mut rest = clean.as_str();
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            r.push_text(rest);
            break;
        };
        r.push_text(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else { break };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some((mark, href)) = inline_kind(&name, tag) {
            // A link to nowhere acceptable (no href) is opened all the same, so its close
            // matches, and normalizing drops it: its words stay.
            if closing {
                r.close(mark);
            } else {
                r.open(mark, href);
            }
            continue;
        }
        match name.as_str() {
            "br" => r.line_break(),
            "p" | "div" | "section" | "figcaption" | "pre" => {
                flush(&mut out, &mut list, &mut r, kind);
                kind = if list.is_some() {
                    Kind::Item
                } else if closing {
                    Kind::Paragraph
                } else {
                    kind_inside(kind)
                };
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                flush(&mut out, &mut list, &mut r, kind);
                if !closing {
                    // A heading is no list item: a list left open ends before it, so the text
                    // keeps its order.
                    end_list(&mut out, &mut list);
                }
                let level = name[1..].parse::<u8>().unwrap_or(2).clamp(2, 6);
                kind = if closing { Kind::Paragraph } else { Kind::Heading(level) };
            }
            "blockquote" => {
                flush(&mut out, &mut list, &mut r, kind);
                if !closing {
                    end_list(&mut out, &mut list);
                }
                kind = if closing { Kind::Paragraph } else { Kind::Quote };
            }
            "ul" | "ol" => {
                flush(&mut out, &mut list, &mut r, kind);
                if closing {
                    end_list(&mut out, &mut list);
                    kind = Kind::Paragraph;
                } else if list.is_none() {
                    list = Some(List { ordered: name == "ol", items: vec![], marks: vec![] });
                    kind = Kind::Item;
                }
            }
            "li" => {
                flush(&mut out, &mut list, &mut r, kind);
                kind = if list.is_some() { Kind::Item } else { Kind::Paragraph };
            }
            _ => {}
        }
    }
    flush(&mut out, &mut list, &mut r, kind);
    end_list(&mut out, &mut list);
    out
}

/// Inline HTML (what the newsroom's editor sends for one paragraph, heading, quote, list item
/// or caption) as text and marks, read the way [`blocks_from_html`] reads a paragraph; block
/// elements typed into it become line breaks.
pub fn inline_from_html(html: &str) -> (String, Vec<Mark>) {
    let mut text = String::new();
    let mut marks = vec![];
    let mut offset = 0u32;
    for block in blocks_from_html(&format!("<p>{html}</p>")) {
        let (t, ms) = match block {
            Block::Paragraph { text, marks }
            | Block::Heading { text, marks, .. }
            | Block::Quote { text, marks, .. } => (text, marks),
            Block::List { items, marks, .. } => {
                let joined = items.join("\n");
                let mut all = vec![];
                let mut at = 0u32;
                for (n, item) in items.iter().enumerate() {
                    all.extend(marks.get(n).into_iter().flatten().map(|m| Mark {
                        start: m.start + at,
                        end: m.end + at,
                        ..m.clone()
                    }));
                    at += item.chars().count() as u32 + 1;
                }
                (joined, all)
            }
            _ => continue,
        };
        if !text.is_empty() {
            text.push('\n');
            offset += 1;
        }
        marks.extend(ms.into_iter().map(|m| Mark { start: m.start + offset, end: m.end + offset, ..m }));
        offset += t.chars().count() as u32;
        text.push_str(&t);
    }
    let marks = inline::normalize(&text, marks);
    (text, marks)
}

/// A list being read.
struct List {
    ordered: bool,
    items: Vec<String>,
    marks: Vec<Vec<Mark>>,
}

/// Ends the open list, if any, as a block (a list with no items is none).
fn end_list(out: &mut Vec<Block>, list: &mut Option<List>) {
    if let Some(l) = list.take().filter(|l| !l.items.is_empty()) {
        let mut block = Block::List { ordered: l.ordered, items: l.items, marks: l.marks };
        block.normalize_marks();
        out.push(block);
    }
}

fn kind_inside(kind: Kind) -> Kind {
    match kind {
        Kind::Quote => Kind::Quote,
        _ => Kind::Paragraph,
    }
}

fn flush(out: &mut Vec<Block>, list: &mut Option<List>, r: &mut Reading, kind: Kind) {
    let (text, marks) = r.take();
    if text.is_empty() {
        return;
    }
    match (kind, list.as_mut()) {
        (Kind::Item, Some(l)) => {
            l.marks.resize(l.items.len(), vec![]);
            l.items.push(text);
            l.marks.push(marks);
        }
        (Kind::Heading(level), _) => out.push(Block::Heading { text, level, marks }),
        (Kind::Quote, _) => out.push(Block::Quote { text, cite: None, marks }),
        _ => out.push(Block::Paragraph { text, marks }),
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The address of the first picture in `html`, as written (after sanitizing, so only a plain
/// `src` counts).
pub fn first_image(html: &str) -> Option<String> {
    if !html.contains("<img") {
        return None;
    }
    let clean = sanitize(html);
    let at = clean.find("<img")?;
    let tag = &clean[at..at + clean[at..].find('>')?];
    let src = tag.find("src=\"")? + 5;
    let value = &tag[src..];
    let value = &value[..value.find('"')?];
    Some(crate::entities::decode(value).into_owned()).filter(|v| !v.is_empty())
}

/// Plain text into paragraphs: blank lines (or, with none, single line breaks) separate them.
pub fn blocks_from_text(text: &str) -> Vec<Block> {
    let text = truncate(text, MAX_HTML_BYTES);
    let parts: Vec<&str> = if text.contains("\n\n") { text.split("\n\n").collect() } else { text.lines().collect() };
    parts.into_iter().map(collapse).filter(|p| !p.is_empty()).map(Block::paragraph).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scripts_handlers_and_javascript_urls_never_survive() {
        let dirty = r#"<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(2)">x</a></p><style>p{}</style><img src=x onerror=alert(3)>"#;
        let clean = sanitize(dirty);
        for bad in ["onclick", "<script", "alert(1)", "javascript:", "onerror", "<style"] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
    }

    #[test]
    fn block_structure_is_kept() {
        let html = "<section class=\"main\"><h2>Heading</h2><p>One &amp; two&nbsp;three</p><blockquote><p>Quoted</p></blockquote><ul><li>a</li><li>b <em>c</em></li></ul><p>Last<br>line</p></section>";
        assert_eq!(
            blocks_from_html(html),
            vec![
                Block::heading("Heading", 2),
                Block::paragraph("One & two three"),
                Block::quote("Quoted", None),
                Block::List {
                    ordered: false,
                    items: vec!["a".into(), "b c".into()],
                    marks: vec![vec![], vec![Mark::new(MarkKind::Em, 2, 3)]]
                },
                Block::paragraph("Last\nline"),
            ]
        );
    }

    #[test]
    fn links_and_emphasis_become_marks() {
        let html = r#"<p>Read <a href="https://agency.example/report?a=1&amp;b=2">the <b>full</b> report</a>, <i>now</i>. H<sub>2</sub>O, x<sup>2</sup>, <code>ls</code>.</p>"#;
        let [Block::Paragraph { text, marks }] = &blocks_from_html(html)[..] else { panic!() };
        assert_eq!(text, "Read the full report, now. H2O, x2, ls.");
        assert_eq!(
            marks,
            &vec![
                Mark::link(5, 20, "https://agency.example/report?a=1&b=2"),
                Mark::new(MarkKind::Strong, 9, 13),
                Mark::new(MarkKind::Em, 22, 25),
                Mark::new(MarkKind::Sub, 28, 29),
                Mark::new(MarkKind::Sup, 33, 34),
                Mark::new(MarkKind::Code, 36, 38),
            ]
        );
    }

    #[test]
    fn unsafe_or_relative_links_keep_their_words_only() {
        for href in ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "relative/page", "//evil.example/x"] {
            let html = format!(r#"<p>Click <a href="{href}">here</a> now</p>"#);
            assert_eq!(blocks_from_html(&html), vec![Block::paragraph("Click here now")], "{href}");
        }
        let own = blocks_from_html(r#"<p><a href="/europe/story">Earlier</a></p>"#);
        assert_eq!(
            own,
            vec![Block::Paragraph { text: "Earlier".into(), marks: vec![Mark::link(0, 7, "/europe/story")] }]
        );
    }

    #[test]
    fn the_editors_form_reads_back() {
        let text = "AT&T & <Co> say 5 < 6 &amp; H2O\nnext line";
        let marks = vec![Mark::link(0, 4, "https://x.example/?a=1&b=2"), Mark::new(MarkKind::Sub, 29, 30)];
        let editable = inline::to_editable(text, &marks);
        assert_eq!(
            editable,
            "<a href=\"https://x.example/?a=1&amp;b=2\">AT&amp;T</a> & &lt;Co> say 5 < 6 &amp;amp; H<sub>2</sub>O<br>next line"
        );
        assert_eq!(inline_from_html(&editable), (text.to_string(), marks));
    }

    #[test]
    fn hostile_links_and_inline_elements_come_out_harmless() {
        let vectors = [
            r#"<a href="jav&#x09;ascript:alert(1)">x</a>"#,
            r#"<a href=" javascript:alert(1)">x</a>"#,
            r#"<a href="&#106;avascript:alert(1)">x</a>"#,
            r#"<a href="JAVASCRIPT:alert(1)">x</a>"#,
            r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>"#,
            r#"<a href="vbscript:msgbox(1)">x</a>"#,
            r#"<a href="//evil.example/x">x</a>"#,
            r#"<a href="\\evil.example\x">x</a>"#,
            r#"<a href="https://ok.example/" onclick="alert(1)" style="x:expression(alert(1))">x</a>"#,
            r#"<strong onmouseover="alert(1)">x</strong><em style="behavior:url(x)">y</em>"#,
            r#"<a href="https://ok.example/"><script>alert(1)</script>x</a>"#,
            r#"<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#,
            r#"<math><a href="javascript:alert(1)">x</a></math>"#,
            r#"<a href="https://ok.example/&quot; onmouseover=&quot;alert(1)">x</a>"#,
            r#"<code><img src=x onerror=alert(1)></code><sub><iframe src="javascript:alert(1)"></iframe></sub>"#,
        ];
        let links = inline::Links { site_url: "https://news.example", absolute: false };
        for v in vectors {
            for b in blocks_from_html(&format!("<p>{v}</p>")) {
                let Block::Paragraph { text, marks } = &b else { continue };
                let html = inline::to_html(text, marks, links).to_ascii_lowercase();
                for bad in [
                    "javascript",
                    "data:",
                    "vbscript",
                    "<script",
                    "<img",
                    "<iframe",
                    "onclick",
                    "onmouseover",
                    "onerror",
                    "style=",
                    "\"//",
                ] {
                    assert!(!html.contains(bad), "{v} wrote {html}");
                }
                for m in marks.iter().filter(|m| m.kind == MarkKind::Link) {
                    assert!(
                        m.href.as_deref().is_some_and(|h| h.starts_with("https://") && !h.contains('"')),
                        "{v}: {m:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_element_across_blocks_marks_each_block() {
        let blocks = blocks_from_html("<em><p>one</p><p>two</p></em>");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph { text: "one".into(), marks: vec![Mark::new(MarkKind::Em, 0, 3)] },
                Block::Paragraph { text: "two".into(), marks: vec![Mark::new(MarkKind::Em, 0, 3)] },
            ]
        );
    }

    #[test]
    fn text_paragraphs() {
        assert_eq!(blocks_from_text("A\n\nB\n  C").len(), 2);
        assert_eq!(blocks_from_text("A\nB\nC").len(), 3);
    }

    proptest! {
        #[test]
        fn any_html_becomes_blocks_without_markup(html in "\\PC{0,400}") {
            for b in blocks_from_html(&html) {
                if let Block::Paragraph { text, marks } | Block::Heading { text, marks, .. } | Block::Quote { text, marks, .. } = &b {
                    prop_assert!(!text.is_empty());
                    prop_assert!(!text.contains("<script"));
                    // Whatever came in, the marks are in their one form and pass the check.
                    prop_assert!(inline::check(text, marks).is_ok(), "{:?}", marks);
                    prop_assert_eq!(&inline::normalize(text, marks.clone()), marks);
                }
            }
        }

        /// What the editor is given reads back as the same text and marks.
        #[test]
        fn the_editable_form_round_trips(text in "[a-zA-Z0-9&<>;#\"' ]{1,40}") {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assume!(!text.is_empty());
            let len = text.chars().count() as u32;
            let marks = inline::normalize(&text, vec![Mark::new(MarkKind::Em, 0, len)]);
            prop_assert_eq!(inline_from_html(&inline::to_editable(&text, &marks)), (text.clone(), marks));
        }

        /// What the renderer writes reads back as the same text and marks.
        #[test]
        fn rendered_marks_read_back(words in proptest::collection::vec("[a-z]{1,6}", 1..12), spans in proptest::collection::vec((0usize..12, 1usize..6, 0usize..7), 0..6)) {
            let text = words.join(" ");
            let len = text.chars().count() as u32;
            let kinds = [MarkKind::Link, MarkKind::Strong, MarkKind::Em, MarkKind::Sub, MarkKind::Sup, MarkKind::Code];
            // Marks that start and end on word boundaries (a mark's edge inside whitespace is
            // collapsed away by any HTML reader, ours included).
            let starts: Vec<u32> = std::iter::once(0).chain(text.match_indices(' ').map(|(i, _)| i as u32 + 1)).collect();
            let ends: Vec<u32> = text.match_indices(' ').map(|(i, _)| i as u32).chain(std::iter::once(len)).collect();
            let marks: Vec<Mark> = spans
                .iter()
                .filter_map(|&(w, n, k)| {
                    let start = *starts.get(w)?;
                    let end = *ends.get((w + n - 1).min(ends.len() - 1))?;
                    let kind = kinds[k % kinds.len()];
                    let href = (kind == MarkKind::Link).then(|| format!("/a/{w}"));
                    Some(Mark { kind, start, end, href })
                })
                .collect();
            let marks = inline::normalize(&text, marks);
            let html = format!("<p>{}</p>", inline::to_html(&text, &marks, inline::Links { site_url: "", absolute: false }));
            let back = blocks_from_html(&html);
            prop_assert_eq!(back, vec![Block::Paragraph { text: text.clone(), marks }], "{}", html);
        }

        #[test]
        fn tags_mixed_with_text(parts in proptest::collection::vec(prop_oneof![
            Just("<p>".to_string()), Just("</p>".to_string()), Just("<ul><li>".to_string()), Just("</li></ul>".to_string()),
            Just("<h3>".to_string()), Just("</h3>".to_string()), Just("<blockquote>".to_string()), Just("&amp;".to_string()),
            "[a-z ]{0,12}",
        ], 0..30)) {
            // Every letter of text between the tags reaches a block, in order, none invented,
            // and no block holds markup.
            let html = parts.concat();
            let blocks = blocks_from_html(&html);
            let text_of = |b: &Block| match b {
                Block::Paragraph { text, .. } | Block::Heading { text, .. } | Block::Quote { text, .. } => text.clone(),
                Block::List { items, .. } => items.join(" "),
                _ => String::new(),
            };
            let read: String = blocks.iter().map(text_of).collect::<Vec<_>>().join(" ");
            prop_assert!(!read.contains('<') && !read.contains('>'), "{}", read);
            let letters = |s: &str| s.chars().filter(char::is_ascii_lowercase).collect::<String>();
            let given: String = parts.iter().filter(|p| !p.starts_with('<') && !p.starts_with('&')).cloned().collect();
            prop_assert_eq!(letters(&read), letters(&given));
        }
    }
}
