//! Word-level differences between two revisions of a story: its body and every piece of
//! metadata a legal desk cares about (headline, slug, byline, credit, section, embargo…).

use serde::Serialize;

use crate::article::{Article, Block};
use crate::inline::annotated;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// A run of text that is in both versions, only the newer, or only the older.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub change: Change,
    pub text: String,
}

/// One field that differs between two versions, as a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub field: &'static str,
    pub pieces: Vec<Piece>,
}

/// Past this many tokens on each side the middle is shown as removed-then-added instead of
/// aligned word by word (the alignment table grows with the product of the two lengths).
const MAX_ALIGNED: usize = 4000;

/// Splits into words and the whitespace between them, so that joining the tokens gives the text.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|w| w != space) {
            out.push(&s[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn push(out: &mut Vec<Piece>, change: Change, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.change == change => last.text.push_str(text),
        _ => out.push(Piece { change, text: text.to_string() }),
    }
}

/// The word diff from `old` to `new`: pieces in reading order, the same words once.
pub fn words(old: &str, new: &str) -> Vec<Piece> {
    let (a, b) = (tokens(old), tokens(new));
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out = Vec::new();
    push(&mut out, Change::Same, &a[..prefix].concat());
    if ma.len() > MAX_ALIGNED || mb.len() > MAX_ALIGNED {
        push(&mut out, Change::Removed, &ma.concat());
        push(&mut out, Change::Added, &mb.concat());
    } else {
        // Longest common subsequence over the differing middle, then walk it forwards.
        let (n, m) = (ma.len(), mb.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[at(i, j)] =
                    if ma[i] == mb[j] { lcs[at(i + 1, j + 1)] + 1 } else { lcs[at(i + 1, j)].max(lcs[at(i, j + 1)]) };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                push(&mut out, Change::Same, ma[i]);
                i += 1;
                j += 1;
            } else if j < m && (i == n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)]) {
                push(&mut out, Change::Added, mb[j]);
                j += 1;
            } else {
                push(&mut out, Change::Removed, ma[i]);
                i += 1;
            }
        }
    }
    push(&mut out, Change::Same, &a[a.len() - suffix..].concat());
    out
}

/// The body as an editor reads it: one line per block, marks written out
/// ([`crate::inline::annotated`]) so a changed link or emphasis shows.
pub fn body_text(body: &[Block]) -> String {
    let lines: Vec<String> = body
        .iter()
        .map(|b| match b {
            Block::Paragraph { text, marks } => annotated(text, marks),
            Block::Heading { text, marks, .. } => format!("## {}", annotated(text, marks)),
            Block::Quote { text, cite, marks } => match cite {
                Some(c) => format!("> {} — {c}", annotated(text, marks)),
                None => format!("> {}", annotated(text, marks)),
            },
            Block::List { items, marks, .. } => items
                .iter()
                .enumerate()
                .map(|(n, i)| format!("* {}", annotated(i, marks.get(n).map_or(&[][..], Vec::as_slice))))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Image { asset, caption, credit, caption_marks, .. } => format!(
                "[image {} {} / {}]",
                asset.as_deref().unwrap_or("-"),
                annotated(caption.as_deref().unwrap_or(""), caption_marks),
                credit.as_deref().unwrap_or("")
            ),
            Block::Embed { url } => format!("[embed {url}]"),
            Block::Recommended => "[recommended]".to_string(),
            Block::Related { publication, headline, url } => {
                format!("[related {publication} - {headline} {}]", url.as_deref().unwrap_or(""))
            }
        })
        .collect();
    lines.join("\n")
}

/// A time as people read it in a diff: to the minute, in the newsroom's time zone, named.
fn minute(t: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let zone = tz.iana_name().map_or_else(|| format!("UTC{}", tz.to_offset(t)), str::to_string);
    format!("{} {zone}", tz.to_datetime(t).strftime("%Y-%m-%d %H:%M"))
}

/// Every field that differs between `old` and `new`, each as a word diff; empty when equal.
/// Times are written to the minute in `tz` (the newsroom's), with the zone named.
pub fn articles(old: &Article, new: &Article, tz: &jiff::tz::TimeZone) -> Vec<FieldDiff> {
    let minute = |t| minute(t, tz);
    let fields = |a: &Article| -> Vec<(&'static str, String)> {
        let image = a.lead_image.as_ref();
        vec![
            ("headline", a.headline.clone()),
            ("deck", a.deck.clone().unwrap_or_default()),
            ("section", a.section.name.clone()),
            ("slug", a.slug.to_string()),
            ("byline", a.authors.join(", ")),
            ("tags", a.tags.join(", ")),
            ("credit", a.source.clone().unwrap_or_default()),
            ("embargo", a.embargo.map(minute).unwrap_or_default()),
            ("published", a.published_at.map(minute).unwrap_or_default()),
            ("state", a.state.as_str().to_string()),
            ("language", a.language.clone()),
            ("canonical_url", a.canonical_url.clone().unwrap_or_default()),
            ("image", image.and_then(|i| i.asset.clone()).unwrap_or_default()),
            ("image_alt", image.map(|i| i.alt.clone()).unwrap_or_default()),
            ("image_caption", image.and_then(|i| i.caption.clone()).unwrap_or_default()),
            ("image_credit", image.and_then(|i| i.credit.clone()).unwrap_or_default()),
            ("seo_title", a.promo.seo_title.clone().unwrap_or_default()),
            ("seo_description", a.promo.seo_description.clone().unwrap_or_default()),
            ("social_title", a.promo.social_title.clone().unwrap_or_default()),
            ("social_image", a.promo.social_image.clone().unwrap_or_default()),
            ("body", body_text(&a.body)),
            (
                "corrections",
                a.corrections.iter().map(|c| format!("{}: {}", minute(c.at), c.note)).collect::<Vec<_>>().join("\n"),
            ),
        ]
    };
    fields(old)
        .into_iter()
        .zip(fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| FieldDiff { field, pieces: words(&a, &b) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_a_diff_are_the_newsrooms_to_the_minute_with_the_zone_named() {
        let t: jiff::Timestamp = "2026-03-01T09:30:15.123456789Z".parse().unwrap();
        let istanbul = jiff::tz::TimeZone::get("Europe/Istanbul").unwrap();
        assert_eq!(minute(t, &istanbul), "2026-03-01 12:30 Europe/Istanbul");
        assert_eq!(minute(t, &jiff::tz::TimeZone::UTC), "2026-03-01 09:30 UTC");
        let fixed = jiff::tz::TimeZone::fixed(jiff::tz::offset(-5));
        assert_eq!(minute(t, &fixed), "2026-03-01 04:30 UTC-05");
    }
    use proptest::prelude::*;

    fn join(pieces: &[Piece], keep: Change) -> String {
        pieces.iter().filter(|p| p.change == Change::Same || p.change == keep).map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn a_changed_word_is_removed_then_added() {
        let d = words("Rutte met Starmer on Tuesday", "Rutte met Starmer on Wednesday");
        assert_eq!(d[0], Piece { change: Change::Same, text: "Rutte met Starmer on ".into() });
        assert_eq!(d.len(), 3);
        assert_eq!(join(&d, Change::Removed), "Rutte met Starmer on Tuesday");
        assert_eq!(join(&d, Change::Added), "Rutte met Starmer on Wednesday");
        assert!(d.iter().any(|p| p.change == Change::Removed && p.text == "Tuesday"));
        assert!(d.iter().any(|p| p.change == Change::Added && p.text == "Wednesday"));
    }

    #[test]
    fn inserted_words_in_the_middle() {
        let d = words("the two leaders met", "the two European leaders met");
        assert_eq!(
            d,
            vec![
                Piece { change: Change::Same, text: "the two ".into() },
                Piece { change: Change::Added, text: "European ".into() },
                Piece { change: Change::Same, text: "leaders met".into() },
            ]
        );
    }

    #[test]
    fn equal_texts_are_one_piece_and_equal_articles_no_fields() {
        assert_eq!(words("a b", "a b"), vec![Piece { change: Change::Same, text: "a b".into() }]);
        assert!(words("", "").is_empty());
    }

    proptest! {
        #[test]
        fn both_sides_are_recovered(a in "[a-c ]{0,40}", b in "[a-c ]{0,40}") {
            let d = words(&a, &b);
            prop_assert_eq!(join(&d, Change::Removed), a);
            prop_assert_eq!(join(&d, Change::Added), b);
        }
    }
}
