//! Near-duplicates: the same story from two agencies, or a light rewrite of one. Two measures,
//! over a story's content words (letters and digits, lower-cased, three characters or more,
//! the commonest function words of the desk's languages left out):
//!
//! - a 64-bit **SimHash** (stored with each wire item): stories that share most of their words
//!   have fingerprints a few bits apart, unrelated ones about 32 bits. It picks candidates
//!   cheaply ([`CANDIDATE_BITS`]);
//! - the **Jaccard** overlap of the two stories' word sets decides ([`SAME_STORY`]): a rewrite
//!   shares nine words in ten, another agency's version of the same event about half, another
//!   story on the same coast or the same day a few in a hundred.
//!
//! Exact re-deliveries are told apart by [`content_hash`] instead.

use std::collections::HashSet;

/// Fingerprints at most this many bits apart are compared word by word.
pub const CANDIDATE_BITS: u32 = 24;
/// Word overlap from which two stories are one.
pub const SAME_STORY: f64 = 0.35;

/// FNV-1a, 64 bits: small, fast and stable across versions (fingerprints are stored).
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Function words of English, German, French, Spanish and Turkish that are three letters or
/// longer: they say nothing about which story a text tells.
const STOP: [&str; 60] = [
    "the", "and", "for", "with", "from", "that", "this", "was", "were", "are", "has", "had", "have", "its", "their",
    "which", "also", "said", "after", "but", "not", "der", "die", "das", "und", "mit", "von", "den", "dem", "ist",
    "ein", "eine", "les", "des", "une", "est", "dans", "par", "pour", "sur", "qui", "que", "los", "las", "del", "con",
    "por", "para", "una", "como", "bir", "için", "ile", "olarak", "gibi", "daha", "çok", "ancak", "veya", "her",
];

/// The content words of `text`.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// The SimHash of `text`; 0 for text without content words.
pub fn simhash(text: &str) -> u64 {
    let words = words(text);
    if words.is_empty() {
        return 0;
    }
    let mut weights = [0i32; 64];
    for w in &words {
        let h = fnv(w.as_bytes());
        for (bit, weight) in weights.iter_mut().enumerate() {
            *weight += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    weights.iter().enumerate().fold(0u64, |acc, (bit, w)| if *w > 0 { acc | 1 << bit } else { acc })
}

pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two fingerprints are close enough to compare the texts.
pub fn candidates(a: u64, b: u64) -> bool {
    a != 0 && b != 0 && distance(a, b) <= CANDIDATE_BITS
}

/// How much of their vocabulary two texts share (0 to 1).
pub fn overlap(a: &str, b: &str) -> f64 {
    let (a, b): (HashSet<String>, HashSet<String>) = (words(a).into_iter().collect(), words(b).into_iter().collect());
    let union = a.union(&b).count();
    if union == 0 { 0.0 } else { a.intersection(&b).count() as f64 / union as f64 }
}

/// Whether two texts tell the same story.
pub fn same_story(a: &str, b: &str) -> bool {
    candidates(simhash(a), simhash(b)) && overlap(a, b) >= SAME_STORY
}

/// A hash of the words alone (case, spacing and punctuation aside): equal for an exact
/// re-delivery.
pub fn content_hash(text: &str) -> u64 {
    let all: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    fnv(all.join(" ").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STORY: &str = "Ferry services between Izmir and the Greek island of Chios resumed on Monday after a \
        three-day suspension caused by strong northerly winds, the port authority said. Operators added extra \
        sailings to clear a backlog of passengers, and officials expect traffic to return to normal by Wednesday. \
        The winds, which reached gale force on Saturday, also closed two smaller harbours along the coast.";
    const REWRITE: &str = "Ferry services between Izmir and the Greek island of Chios resumed on Monday following a \
        three-day suspension caused by strong northerly winds, the port authority said on Monday. Operators added \
        extra sailings to clear a backlog of travellers, and officials expect traffic to return to normal by Wednesday. \
        The winds, which reached gale force on Saturday, also closed two smaller harbours along the coast.";
    const OTHER_AGENCY: &str = "Ferries between the Turkish port of Izmir and the Greek island of Chios were running \
        again on Monday, the port authority said, after gale-force northerly winds halted services for three days. \
        Extra sailings were added to clear the backlog and traffic should be back to normal by Wednesday, officials \
        said. Two smaller harbours on the coast were also shut on Saturday.";
    const SAME_COAST: &str = "Firefighters contained a forest fire near the Aegean coast on Tuesday after it burned \
        for two days, the forestry ministry said. Winds had fanned the flames towards villages, and several hundred \
        residents were evacuated as a precaution before being allowed to return home in the evening.";
    const OTHER: &str = "The central bank left its main interest rate unchanged on Thursday, saying inflation was \
        easing more slowly than expected and that it would keep policy tight until price growth returned to target. \
        Analysts had expected the decision, and markets barely moved.";

    #[test]
    fn rewrites_and_other_agencies_are_one_story_and_neighbours_are_not() {
        assert!(
            same_story(STORY, REWRITE),
            "rewrite: {} bits, overlap {:.2}",
            distance(simhash(STORY), simhash(REWRITE)),
            overlap(STORY, REWRITE)
        );
        assert!(
            same_story(STORY, OTHER_AGENCY),
            "agency: {} bits, overlap {:.2}",
            distance(simhash(STORY), simhash(OTHER_AGENCY)),
            overlap(STORY, OTHER_AGENCY)
        );
        for other in [SAME_COAST, OTHER] {
            assert!(
                !same_story(STORY, other),
                "{} bits, overlap {:.2}",
                distance(simhash(STORY), simhash(other)),
                overlap(STORY, other)
            );
            assert!(overlap(STORY, other) < SAME_STORY / 3.0);
        }
    }

    #[test]
    fn exact_redeliveries_hash_alike() {
        assert_eq!(content_hash("Hello,  World!"), content_hash("hello world"));
        assert_ne!(content_hash(STORY), content_hash(REWRITE));
        assert_eq!(simhash("a an"), 0);
        assert!(!candidates(0, 0));
    }

    proptest! {
        #[test]
        fn a_text_is_its_own_story(s in "[a-z]{3,9}( [a-z]{3,9}){3,40}") {
            prop_assert_eq!(distance(simhash(&s), simhash(&s)), 0);
            prop_assert!(same_story(&s, &s) || simhash(&s) == 0);
        }

        #[test]
        fn overlap_is_symmetric_and_bounded(a in "\\PC{0,120}", b in "\\PC{0,120}") {
            let (x, y) = (overlap(&a, &b), overlap(&b, &a));
            prop_assert!((x - y).abs() < 1e-12);
            prop_assert!((0.0..=1.0).contains(&x));
        }
    }
}
