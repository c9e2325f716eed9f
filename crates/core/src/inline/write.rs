//! How marks are written out: as HTML for readers ([`to_html`]), as the inline HTML the
//! newsroom's editor shows ([`to_editable`]) and as the annotated text of a revision diff
//! ([`annotated`]). One walk ([`walk`]) opens and closes the marks so they nest, whatever their
//! ranges; every character of text is escaped, so markup can only come from a mark.

use super::{Mark, MarkKind, normalize};
use crate::markup::escape_bytes;

/// How links are written out.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// The site's own address (`https://news.example`): links to it are the site's own.
    pub site_url: &'a str,
    /// Write a path on this site as an absolute URL (feeds, which are read elsewhere).
    pub absolute: bool,
}

/// `text` with its `marks` as HTML: every character escaped, `\n` as `<br>`, each mark as its
/// element (a link as `<a href>`, with `rel="external noopener"` when it leaves the site), nested
/// properly however the marks overlap. Marks are normalised first, so nothing a mark list can
/// hold writes anything else.
pub fn to_html(text: &str, marks: &[Mark], links: Links<'_>) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 24);
    walk(
        text,
        marks,
        &mut out,
        |out, m| open_tag(out, m, links),
        |out, m| {
            out.push_str("</");
            out.push_str(m.kind.tag());
            out.push('>');
        },
        escape_into,
    );
    out
}

/// `text` with its marks as the newsroom's editor shows them until it edits rich text directly:
/// HTML with the fewest escapes that still read back the same (`&` and `<` only where an HTML
/// reader would take them for markup), `<br>` for a line break, links without `rel`. The server
/// reads what comes back as any outside HTML (sanitized, then into text and marks).
pub fn to_editable(text: &str, marks: &[Mark]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 16);
    walk(
        text,
        marks,
        &mut out,
        |out, m| match m.kind {
            MarkKind::Link => {
                out.push_str("<a href=\"");
                escape_into(out, m.href.as_deref().unwrap_or(""));
                out.push_str("\">");
            }
            _ => {
                out.push('<');
                out.push_str(m.kind.tag());
                out.push('>');
            }
        },
        |out, m| {
            out.push_str("</");
            out.push_str(m.kind.tag());
            out.push('>');
        },
        |out, t| {
            let mut chars = t.chars().peekable();
            while let Some(c) = chars.next() {
                let next = chars.peek().copied();
                match c {
                    '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => out.push_str("&amp;"),
                    '<' if next.is_none_or(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) => {
                        out.push_str("&lt;")
                    }
                    '\n' => out.push_str("<br>"),
                    c => out.push(c),
                }
            }
        },
    );
    out
}

/// `text` with its marks written the way people read them in a revision diff, so a changed
/// link target or a word newly in bold is a change: `**strong**`, `*emphasis*`, `~sub~`,
/// `^sup^`, `` `code` `` and `[linked words](target)`.
pub fn annotated(text: &str, marks: &[Mark]) -> String {
    let mut out = String::with_capacity(text.len());
    let sign = |m: &Mark| match m.kind {
        MarkKind::Strong => "**",
        MarkKind::Em => "*",
        MarkKind::Sub => "~",
        MarkKind::Sup => "^",
        MarkKind::Code => "`",
        MarkKind::Link => "",
    };
    walk(
        text,
        marks,
        &mut out,
        |out, m| out.push_str(if m.kind == MarkKind::Link { "[" } else { sign(m) }),
        |out, m| match m.kind {
            MarkKind::Link => {
                out.push_str("](");
                out.push_str(m.href.as_deref().unwrap_or(""));
                out.push(')');
            }
            _ => out.push_str(sign(m)),
        },
        |out, t| out.push_str(t),
    );
    out
}

/// Walks `text` in stretches between mark boundaries, opening and closing marks so they nest
/// (the longest outside, then by kind) and handing each stretch of text to `on_text`.
fn walk(
    text: &str,
    marks: &[Mark],
    out: &mut String,
    on_open: impl Fn(&mut String, &Mark),
    on_close: impl Fn(&mut String, &Mark),
    on_text: impl Fn(&mut String, &str),
) {
    if marks.is_empty() {
        on_text(out, text);
        return;
    }
    let marks = normalize(text, marks.to_vec());
    let mut bounds: Vec<u32> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    bounds.push(0);
    bounds.sort_unstable();
    bounds.dedup();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: u32| chars.get(i as usize).map_or(text.len(), |(b, _)| *b);
    let mut open: Vec<&Mark> = vec![];
    for (n, &from) in bounds.iter().enumerate() {
        let to = bounds.get(n + 1).copied().unwrap_or(chars.len() as u32);
        if from >= to {
            continue;
        }
        // The marks over this stretch, outermost first: the longest, then by kind.
        let mut active: Vec<&Mark> = marks.iter().filter(|m| m.start <= from && to <= m.end).collect();
        active.sort_by_key(|m| (std::cmp::Reverse(m.end), m.kind, m.start));
        // Close down to the deepest open mark that stays open, keeping the rest as they nest.
        let keep = open.iter().zip(&active).take_while(|(a, b)| std::ptr::eq(**a, **b)).count();
        while open.len() > keep {
            on_close(out, open.pop().expect("an open mark"));
        }
        for m in &active[keep..] {
            on_open(out, m);
            open.push(m);
        }
        on_text(out, &text[byte_at(from)..byte_at(to)]);
    }
    while let Some(m) = open.pop() {
        on_close(out, m);
    }
}

fn open_tag(out: &mut String, m: &Mark, links: Links<'_>) {
    if m.kind != MarkKind::Link {
        out.push('<');
        out.push_str(m.kind.tag());
        out.push('>');
        return;
    }
    let href = m.href.as_deref().unwrap_or("/");
    out.push_str("<a href=\"");
    if links.absolute && href.starts_with('/') {
        escape_into(out, links.site_url.trim_end_matches('/'));
    }
    escape_into(out, href);
    out.push('"');
    let own = href.starts_with('/')
        || href.starts_with("mailto:")
        || (!links.site_url.is_empty() && href.starts_with(links.site_url.trim_end_matches('/')));
    if !own {
        out.push_str(" rel=\"external noopener\"");
    }
    out.push('>');
}

fn escape_into(out: &mut String, s: &str) {
    escape_bytes(out, s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        b'\n' => Some("<br>"),
        _ => None,
    });
}
