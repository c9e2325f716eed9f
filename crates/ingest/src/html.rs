//! Outside HTML into body blocks. Everything goes through ammonia first, with an allowlist that
//! matches the block model (paragraphs, headings, quotes, lists, figures, links); scripts, styles,
//! event handlers and `javascript:` URLs never survive. The sanitized, well-formed markup is then
//! read as a flat sequence of tags and text: the block model keeps text, not inline markup.

use newsdesk_core::Block;

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
        ])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("img", ["src", "alt"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener nofollow"))
        .clean(html)
        .to_string()
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

/// Sanitizes `html` and turns it into blocks: one per paragraph, heading, quote or list.
pub fn blocks_from_html(html: &str) -> Vec<Block> {
    let clean = sanitize(html);
    let mut out = vec![];
    let mut text = String::new();
    let mut kind = Kind::Paragraph;
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut rest = clean.as_str();
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut text, rest);
            break;
        };
        push_text(&mut text, &rest[..lt]);
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
        match name.as_str() {
            "br" => text.push(' '),
            "p" | "div" | "section" | "figcaption" | "pre" => {
                flush(&mut out, &mut list, &mut text, kind);
                kind = if list.is_some() {
                    Kind::Item
                } else if closing {
                    Kind::Paragraph
                } else {
                    kind_inside(kind)
                };
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                flush(&mut out, &mut list, &mut text, kind);
                if !closing {
                    // A heading is no list item: a list left open ends before it, so the text
                    // keeps its order.
                    end_list(&mut out, &mut list);
                }
                let level = name[1..].parse::<u8>().unwrap_or(2).clamp(2, 6);
                kind = if closing { Kind::Paragraph } else { Kind::Heading(level) };
            }
            "blockquote" => {
                flush(&mut out, &mut list, &mut text, kind);
                if !closing {
                    end_list(&mut out, &mut list);
                }
                kind = if closing { Kind::Paragraph } else { Kind::Quote };
            }
            "ul" | "ol" => {
                flush(&mut out, &mut list, &mut text, kind);
                if closing {
                    end_list(&mut out, &mut list);
                    kind = Kind::Paragraph;
                } else if list.is_none() {
                    list = Some((name == "ol", vec![]));
                    kind = Kind::Item;
                }
            }
            "li" => {
                flush(&mut out, &mut list, &mut text, kind);
                kind = if list.is_some() { Kind::Item } else { Kind::Paragraph };
            }
            _ => {}
        }
    }
    flush(&mut out, &mut list, &mut text, kind);
    end_list(&mut out, &mut list);
    out
}

/// Ends the open list, if any, as a block (a list with no items is none).
fn end_list(out: &mut Vec<Block>, list: &mut Option<(bool, Vec<String>)>) {
    if let Some((ordered, items)) = list.take().filter(|(_, items)| !items.is_empty()) {
        out.push(Block::List { ordered, items });
    }
}

fn kind_inside(kind: Kind) -> Kind {
    match kind {
        Kind::Quote => Kind::Quote,
        _ => Kind::Paragraph,
    }
}

fn push_text(text: &mut String, raw: &str) {
    text.push_str(&crate::entities::decode(raw));
}

fn flush(out: &mut Vec<Block>, list: &mut Option<(bool, Vec<String>)>, text: &mut String, kind: Kind) {
    let t = collapse(text);
    text.clear();
    if t.is_empty() {
        return;
    }
    match (kind, list.as_mut()) {
        (Kind::Item, Some((_, items))) => items.push(t),
        (Kind::Heading(level), _) => out.push(Block::Heading { text: t, level }),
        (Kind::Quote, _) => out.push(Block::Quote { text: t, cite: None }),
        _ => out.push(Block::Paragraph { text: t }),
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
    parts.into_iter().map(collapse).filter(|p| !p.is_empty()).map(|text| Block::Paragraph { text }).collect()
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
                Block::Heading { text: "Heading".into(), level: 2 },
                Block::Paragraph { text: "One & two three".into() },
                Block::Quote { text: "Quoted".into(), cite: None },
                Block::List { ordered: false, items: vec!["a".into(), "b c".into()] },
                Block::Paragraph { text: "Last line".into() },
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
                if let Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. } = &b {
                    prop_assert!(!text.is_empty());
                    prop_assert!(!text.contains("<script"));
                }
            }
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
                Block::Paragraph { text } | Block::Heading { text, .. } | Block::Quote { text, .. } => text.clone(),
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
