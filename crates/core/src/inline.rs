//! Inline formatting: links, emphasis, strong, subscript, superscript, inline code and line
//! breaks inside a block's text.
//!
//! The representation is *text plus marks*: a block's `text` stays the plain text readers read
//! (with `\n` for a line break), and its `marks` lie over it as ranges of characters, each with a
//! kind (and, for a link, its target). Why this and not a sanitized HTML string or a tree:
//! - everything that reads plain text (reading time, search, feed summaries, JSON-LD
//!   `articleBody`, word diffs) reads `text` as before, with nothing to strip;
//! - a story stored before marks existed is already in the new form (no marks), so the migration
//!   rewrites nothing and readers see exactly what they saw;
//! - a mark is validated on its own (its range, its target), diffed as data (a changed link
//!   target is a change) and rendered by one function, [`to_html`], which escapes every character
//!   of text: markup can only come from marks, and marks can only be the six kinds below.
//!
//! Offsets count Unicode code points (not bytes, not UTF-16 units) from 0; `end` is exclusive.

use serde::{Deserialize, Serialize};

/// What a mark does. The order is the nesting order when marks cover the same text: a link
/// outside, then strong, emphasis, sub/superscript and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    Link,
    Strong,
    Em,
    Sub,
    Sup,
    Code,
}

impl MarkKind {
    fn tag(self) -> &'static str {
        match self {
            MarkKind::Link => "a",
            MarkKind::Strong => "strong",
            MarkKind::Em => "em",
            MarkKind::Sub => "sub",
            MarkKind::Sup => "sup",
            MarkKind::Code => "code",
        }
    }
}

/// One mark over `text[start..end]` (in characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mark {
    pub kind: MarkKind,
    /// The first character marked, counted in Unicode code points from 0.
    pub start: u32,
    /// One past the last character marked.
    pub end: u32,
    /// A link's target: an `http`, `https` or `mailto` URL, or a path on this site (`/europe/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

impl Mark {
    pub fn new(kind: MarkKind, start: u32, end: u32) -> Mark {
        Mark { kind, start, end, href: None }
    }

    pub fn link(start: u32, end: u32, href: &str) -> Mark {
        Mark { kind: MarkKind::Link, start, end, href: Some(href.to_string()) }
    }
}

/// Longest link target kept.
pub const MAX_HREF: usize = 2000;

/// `href` as a link target a story may carry, or `None`: `http`/`https` with a host, `mailto`, or
/// a path on this site (one leading `/`, not `//`). Anything else (`javascript:`, `data:`,
/// `vbscript:`, a relative path, spaces or control characters) is not a link.
pub fn link_target(href: &str) -> Option<String> {
    let h = href.trim();
    if h.is_empty() || h.len() > MAX_HREF || h.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = h.to_ascii_lowercase();
    let ok = if let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) {
        rest.split(['/', '?', '#']).next().is_some_and(|host| !host.is_empty() && !host.starts_with(':'))
    } else if let Some(rest) = lower.strip_prefix("mailto:") {
        !rest.is_empty()
    } else {
        h.starts_with('/') && !h.starts_with("//") && !h.starts_with("/\\")
    };
    ok.then(|| h.to_string())
}

/// What is wrong with a block's marks, naming the mark.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error("marks[{index}]: the range {start}..{end} is empty or backwards")]
    Empty { index: usize, start: u32, end: u32 },
    #[error("marks[{index}]: ends at {end}, past the text's {len} characters")]
    PastEnd { index: usize, end: u32, len: usize },
    #[error("marks[{index}]: a link needs an http, https or mailto address or a path on this site, found {href:?}")]
    BadLink { index: usize, href: String },
    #[error("marks[{index}]: only a link has an href")]
    StrayHref { index: usize },
    #[error("marks[{index}]: a link cannot overlap another link (marks[{other}])")]
    LinkInLink { index: usize, other: usize },
}

/// Checks marks sent by a client (the Admin API, the editor): every range inside the text, every
/// link to an acceptable target, no link inside another. What passes is then [`normalize`]d.
pub fn check(text: &str, marks: &[Mark]) -> Result<(), MarkError> {
    let len = text.chars().count();
    for (index, m) in marks.iter().enumerate() {
        if m.start >= m.end {
            return Err(MarkError::Empty { index, start: m.start, end: m.end });
        }
        if m.end as usize > len {
            return Err(MarkError::PastEnd { index, end: m.end, len });
        }
        match (&m.kind, &m.href) {
            (MarkKind::Link, Some(h)) if link_target(h).is_some() => {}
            (MarkKind::Link, h) => return Err(MarkError::BadLink { index, href: h.clone().unwrap_or_default() }),
            (_, Some(_)) => return Err(MarkError::StrayHref { index }),
            (_, None) => {}
        }
    }
    for (index, m) in marks.iter().enumerate().filter(|(_, m)| m.kind == MarkKind::Link) {
        if let Some((other, _)) = marks
            .iter()
            .enumerate()
            .take(index)
            .find(|(_, o)| o.kind == MarkKind::Link && o.start < m.end && m.start < o.end && o.href != m.href)
        {
            return Err(MarkError::LinkInLink { index, other });
        }
    }
    Ok(())
}

/// The one form of a set of marks: ranges clamped to the text, empty ones and links to no
/// acceptable target dropped, an `href` only on links, marks of the same kind (and target) that
/// touch, overlap or are apart only by whitespace merged, a link that overlaps an earlier one cut back to where it ends, and
/// all sorted. Two mark sets that render the same normalise to the same list.
pub fn normalize(text: &str, marks: Vec<Mark>) -> Vec<Mark> {
    let len = text.chars().count() as u32;
    let mut ms: Vec<Mark> = marks
        .into_iter()
        .filter_map(|mut m| {
            m.end = m.end.min(len);
            if m.kind == MarkKind::Link {
                m.href = m.href.as_deref().and_then(link_target);
                m.href.as_ref()?;
            } else {
                m.href = None;
            }
            (m.start < m.end).then_some(m)
        })
        .collect();
    ms.sort_by(|a, b| (a.kind, &a.href, a.start, b.end).cmp(&(b.kind, &b.href, b.start, a.end)));
    // Marks of one kind (and target) merge when they overlap, touch, or are apart only by
    // whitespace (an HTML reader cannot tell `<b>a</b> <b>b</b>` from `<b>a b</b>` anyway).
    let chars: Vec<char> = text.chars().collect();
    let only_space = |from: u32, to: u32| {
        chars.get(from as usize..to as usize).is_some_and(|gap| gap.iter().all(|c| c.is_whitespace()))
    };
    let mut merged: Vec<Mark> = Vec::with_capacity(ms.len());
    for m in ms {
        match merged.last_mut() {
            Some(last)
                if last.kind == m.kind
                    && last.href == m.href
                    && (m.start <= last.end || only_space(last.end, m.start)) =>
            {
                last.end = last.end.max(m.end);
            }
            _ => merged.push(m),
        }
    }
    // Links may not nest or overlap: in reading order, each keeps what no earlier one took.
    merged.sort_by_key(|m| (m.start, m.kind, std::cmp::Reverse(m.end)));
    let mut link_end = 0;
    let mut out = Vec::with_capacity(merged.len());
    for mut m in merged {
        if m.kind == MarkKind::Link {
            m.start = m.start.max(link_end);
            if m.start >= m.end {
                continue;
            }
            link_end = m.end;
        }
        out.push(m);
    }
    // A mark begins and ends on something visible: whitespace at its edges is left outside.
    out.retain_mut(|m| {
        while m.start < m.end && chars.get(m.start as usize).is_some_and(|c| c.is_whitespace()) {
            m.start += 1;
        }
        while m.end > m.start && chars.get(m.end as usize - 1).is_some_and(|c| c.is_whitespace()) {
            m.end -= 1;
        }
        m.start < m.end
    });
    out.sort_by_key(|m| (m.start, m.kind, std::cmp::Reverse(m.end)));
    out
}

/// Removes the characters `keep` refuses from `text`, moving the marks with the text they cover.
pub fn retain(text: &mut String, marks: &mut Vec<Mark>, keep: impl Fn(char) -> bool) {
    if text.chars().all(&keep) {
        return;
    }
    // new_index[i]: where character i lands (the count of kept characters before it).
    let mut new_index = Vec::with_capacity(text.len() + 1);
    let mut kept = 0u32;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        new_index.push(kept);
        if keep(c) {
            out.push(c);
            kept += 1;
        }
    }
    new_index.push(kept);
    let at = |i: u32| new_index.get(i as usize).copied().unwrap_or(kept);
    for m in marks.iter_mut() {
        m.start = at(m.start);
        m.end = at(m.end);
    }
    *text = out;
    let taken = std::mem::take(marks);
    *marks = normalize(text, taken);
}

/// `text` with its whitespace runs made one space and its ends trimmed (what the newsroom's
/// `clean` does to a field), the marks moved with the characters they cover.
pub fn collapse(text: &str, marks: &[Mark]) -> (String, Vec<Mark>) {
    let mut out = String::with_capacity(text.len());
    // new_index[i]: where character i lands (or would have, had it been kept).
    let mut new_index = Vec::with_capacity(text.len() + 1);
    let mut kept = 0u32;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            // A mark's edge on whitespace lands where the space goes (normalizing trims it).
            new_index.push(kept);
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            kept += 1;
            space = false;
        }
        new_index.push(kept);
        out.push(c);
        kept += 1;
    }
    new_index.push(kept);
    let at = |i: u32| new_index.get(i as usize).copied().unwrap_or(kept).min(kept);
    let moved = marks.iter().map(|m| Mark { start: at(m.start), end: at(m.end), ..m.clone() }).collect();
    let marks = normalize(&out, moved);
    (out, marks)
}

mod write;

pub use write::{Links, annotated, to_editable, to_html};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SITE: Links<'static> = Links { site_url: "https://news.example", absolute: false };

    #[test]
    fn marks_render_nested_however_they_overlap() {
        let text = "Read the full report now";
        let marks = vec![Mark::link(9, 20, "https://agency.example/report"), Mark::new(MarkKind::Strong, 0, 13)];
        assert_eq!(
            to_html(text, &marks, SITE),
            "<strong>Read the </strong><a href=\"https://agency.example/report\" rel=\"external noopener\"><strong>full</strong> report</a> now"
        );
        assert_eq!(to_html("a < b & \"c\"\nd", &[], SITE), "a &lt; b &amp; &quot;c&quot;<br>d");
    }

    #[test]
    fn a_diff_reads_the_marks() {
        let marks = [Mark::link(9, 20, "https://agency.example/report"), Mark::new(MarkKind::Strong, 0, 4)];
        assert_eq!(
            annotated("Read the full report now", &marks),
            "**Read** the [full report](https://agency.example/report) now"
        );
    }

    #[test]
    fn own_links_carry_no_rel_and_feeds_make_them_absolute() {
        let marks = [Mark::link(0, 4, "/europe/ferry-strike")];
        assert_eq!(to_html("Ferry", &marks, SITE), "<a href=\"/europe/ferry-strike\">Ferr</a>y");
        let feed = Links { absolute: true, ..SITE };
        assert_eq!(to_html("Ferry", &marks, feed), "<a href=\"https://news.example/europe/ferry-strike\">Ferr</a>y");
    }

    #[test]
    fn unsafe_targets_are_not_links() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "//evil.example",
            "ftp://x",
            "relative/path",
            "http://",
            "https:// x",
            "",
        ] {
            assert_eq!(link_target(bad), None, "{bad}");
        }
        for good in ["https://agency.example/a?b=c#d", "http://x.example", "mailto:desk@news.example", "/tag/energy"] {
            assert_eq!(link_target(good).as_deref(), Some(good));
        }
        let marks = normalize("click", vec![Mark::link(0, 5, "javascript:alert(1)")]);
        assert!(marks.is_empty(), "the text stays, the link goes");
    }

    #[test]
    fn checking_names_the_mark() {
        let text = "Ten chars.";
        assert!(check(text, &[Mark::new(MarkKind::Em, 0, 10)]).is_ok());
        assert_eq!(
            check(text, &[Mark::new(MarkKind::Em, 0, 11)]),
            Err(MarkError::PastEnd { index: 0, end: 11, len: 10 })
        );
        assert!(matches!(check(text, &[Mark::new(MarkKind::Em, 3, 3)]), Err(MarkError::Empty { index: 0, .. })));
        assert!(matches!(check(text, &[Mark::link(0, 2, "javascript:x")]), Err(MarkError::BadLink { .. })));
        let stray = Mark { href: Some("/x".into()), ..Mark::new(MarkKind::Em, 0, 2) };
        assert_eq!(check(text, &[stray]), Err(MarkError::StrayHref { index: 0 }));
        let two = [Mark::link(0, 5, "/a"), Mark::link(3, 8, "/b")];
        assert_eq!(check(text, &two), Err(MarkError::LinkInLink { index: 1, other: 0 }));
    }

    #[test]
    fn normalizing_merges_and_cuts() {
        let text = "abcdefghij";
        let marks = normalize(
            text,
            vec![
                Mark::new(MarkKind::Em, 4, 8),
                Mark::new(MarkKind::Em, 0, 4),
                Mark::link(0, 6, "/a"),
                Mark::link(2, 9, "/b"),
                Mark::new(MarkKind::Strong, 5, 50),
            ],
        );
        assert_eq!(
            marks,
            vec![
                Mark::link(0, 6, "/a"),
                Mark::new(MarkKind::Em, 0, 8),
                Mark::new(MarkKind::Strong, 5, 10),
                Mark::link(6, 9, "/b"),
            ]
        );
    }

    #[test]
    fn collapsing_whitespace_moves_the_marks() {
        let marks = vec![Mark::link(2, 9, "/a"), Mark::new(MarkKind::Em, 12, 16)];
        let (text, marks) = collapse("  Harbour   view\n at dusk ", &marks);
        assert_eq!(text, "Harbour view at dusk");
        assert_eq!(marks, vec![Mark::link(0, 7, "/a"), Mark::new(MarkKind::Em, 8, 12)]);
    }

    #[test]
    fn dropping_characters_moves_the_marks() {
        let mut text = "a\u{1}bc\u{2}d".to_string();
        let mut marks = vec![Mark::new(MarkKind::Em, 2, 6)];
        retain(&mut text, &mut marks, |c| !c.is_control());
        assert_eq!((text.as_str(), marks), ("abcd", vec![Mark::new(MarkKind::Em, 1, 4)]));
    }

    fn any_mark(len: u32) -> impl Strategy<Value = Mark> {
        let kinds = prop_oneof![
            Just(MarkKind::Link),
            Just(MarkKind::Strong),
            Just(MarkKind::Em),
            Just(MarkKind::Sub),
            Just(MarkKind::Sup),
            Just(MarkKind::Code)
        ];
        let hrefs = prop_oneof![
            Just("/a".to_string()),
            Just("https://x.example/".to_string()),
            Just("javascript:x".to_string())
        ];
        (kinds, 0..=len + 2, 0..=len + 2, hrefs).prop_map(|(kind, a, b, href)| Mark {
            kind,
            start: a.min(b),
            end: a.max(b),
            href: (kind == MarkKind::Link).then_some(href),
        })
    }

    proptest! {
        #[test]
        fn normal_marks_stay_normal_and_pass_the_check(text in "[a-z <&\n]{0,20}", marks in proptest::collection::vec(any_mark(20), 0..8)) {
            let once = normalize(&text, marks);
            prop_assert_eq!(normalize(&text, once.clone()), once.clone());
            prop_assert!(check(&text, &once).is_ok(), "{:?}", once);
        }

        #[test]
        fn html_is_well_formed_and_keeps_every_character(text in "[a-z <&]{0,20}", marks in proptest::collection::vec(any_mark(20), 0..8)) {
            let html = to_html(&text, &marks, SITE);
            // Tags balance, and with them stripped and entities read back, the text is whole.
            let mut stack = vec![];
            let mut plain = String::new();
            let mut rest = html.as_str();
            while let Some(lt) = rest.find('<') {
                plain.push_str(&rest[..lt]);
                let gt = rest[lt..].find('>').unwrap() + lt;
                let tag = &rest[lt + 1..gt];
                let name = tag.trim_start_matches('/').split(' ').next().unwrap().to_string();
                if tag.starts_with('/') {
                    prop_assert_eq!(stack.pop(), Some(name));
                } else {
                    stack.push(name);
                }
                rest = &rest[gt + 1..];
            }
            plain.push_str(rest);
            prop_assert!(stack.is_empty());
            let plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(plain, text);
        }
    }
}
