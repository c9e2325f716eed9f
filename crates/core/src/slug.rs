//! URL slugs. A `Slug` is only ever built by [`Slug::parse`] (which checks) or [`Slug::from_title`]
//! (which derives), so a raw string never reaches a URL unchecked.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest slug we derive from a title; cut at a word boundary.
pub const MAX_SLUG_LEN: usize = 96;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug cannot be empty")]
    Empty,
    #[error("a slug may hold only lowercase letters, digits and single hyphens, found {0:?}")]
    Invalid(String),
    #[error("a slug may be at most {MAX_SLUG_LEN} bytes, found {0} bytes")]
    TooLong(usize),
}

impl Slug {
    /// Checks an existing slug (from a URL or an editor) without changing it.
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > MAX_SLUG_LEN + 8 {
            return Err(SlugError::TooLong(s.len()));
        }
        if !s.chars().all(|c| c == '-' || is_slug_char(c)) || s.starts_with('-') || s.ends_with('-') || s.contains("--")
        {
            return Err(SlugError::Invalid(s.to_string()));
        }
        Ok(Slug(s.to_string()))
    }

    /// Derives a slug from a headline or a name: Latin letters lose their accents
    /// ("Türkiye" -> "turkiye"), apostrophes vanish ("Türkiye’s" -> "turkiyes"), other scripts
    /// (Arabic, Cyrillic, Greek…) keep their letters, and everything else becomes one hyphen.
    /// Returns `None` when the text holds no letter or digit at all.
    pub fn from_title(title: &str) -> Option<Slug> {
        let mut out = String::with_capacity(title.len());
        let mut pending_hyphen = false;
        for c in title.nfkd() {
            if is_combining_mark(c) || is_apostrophe(c) {
                continue;
            }
            let mapped = fold_special(c);
            for m in mapped.chars() {
                for l in m.to_lowercase() {
                    if is_slug_char(l) {
                        if pending_hyphen && !out.is_empty() {
                            out.push('-');
                        }
                        pending_hyphen = false;
                        out.push(l);
                    } else {
                        pending_hyphen = true;
                    }
                }
            }
        }
        if out.is_empty() {
            return None;
        }
        Some(Slug(truncate_at_hyphen(out, MAX_SLUG_LEN)))
    }

    /// The slug with `-N` appended, for the N-th article that would otherwise clash.
    pub fn with_suffix(&self, n: u32) -> Slug {
        Slug(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Letters and digits that have no uppercase form left after lowercasing.
fn is_slug_char(c: char) -> bool {
    c.is_alphanumeric() && !c.is_uppercase()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´')
}

/// Letters that NFKD does not split into base + mark but that readers expect transliterated.
fn fold_special(c: char) -> std::borrow::Cow<'static, str> {
    let s = match c {
        'ı' => "i",
        'ß' => "ss",
        'ø' | 'Ø' => "o",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ł' | 'Ł' => "l",
        'þ' | 'Þ' => "th",
        '&' => "-",
        // Arabic tatweel is decoration, not a letter.
        'ـ' => "",
        _ => return std::borrow::Cow::Owned(c.to_string()),
    };
    std::borrow::Cow::Borrowed(s)
}

fn truncate_at_hyphen(s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &s[..cut];
    match head.rfind('-') {
        Some(i) if i > max / 2 => head[..i].to_string(),
        _ => head.trim_end_matches('-').to_string(),
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn turkish_headline() {
        let s = Slug::from_title("Türkiye’s KAAN jet").unwrap();
        assert_eq!(s.as_str(), "turkiyes-kaan-jet");
    }

    #[test]
    fn seed_headline() {
        let s = Slug::from_title(
            "NATO chief, UK prime minister vow stronger military backing for Ukraine after London talks",
        )
        .unwrap();
        assert_eq!(
            s.as_str(),
            "nato-chief-uk-prime-minister-vow-stronger-military-backing-for-ukraine-after-london-talks"
        );
    }

    #[test]
    fn other_scripts_keep_letters() {
        assert_eq!(Slug::from_title("Straße & İstanbul ılık").unwrap().as_str(), "strasse-istanbul-ilik");
        assert_eq!(Slug::from_title("أخبار اليوم").unwrap().as_str(), "اخبار-اليوم"); // hamza folds away, as search does
        assert_eq!(Slug::from_title("Привет, мир").unwrap().as_str(), "привет-мир");
        assert_eq!(Slug::from_title("Équipe d’Île-de-France").unwrap().as_str(), "equipe-dile-de-france");
        assert!(Slug::from_title(" — ?! ").is_none());
    }

    #[test]
    fn long_titles_cut_at_a_word() {
        let s = Slug::from_title(&"word ".repeat(60)).unwrap();
        assert!(s.as_str().len() <= MAX_SLUG_LEN);
        assert!(s.as_str().ends_with("word"));
    }

    #[test]
    fn parse_rejects_bad_slugs() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        for bad in ["Upper", "a--b", "-a", "a-", "a b", "a/b", "a.b"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert!(Slug::parse("turkiyes-kaan-jet-2").is_ok());
    }

    proptest! {
        #[test]
        fn derived_slugs_always_parse(title in "\\PC{0,200}") {
            if let Some(s) = Slug::from_title(&title) {
                prop_assert!(Slug::parse(s.as_str()).is_ok(), "{:?} -> {:?}", title, s);
                prop_assert!(s.as_str().len() <= MAX_SLUG_LEN);
            }
        }

        #[test]
        fn derivation_is_idempotent(title in "\\PC{0,120}") {
            if let Some(s) = Slug::from_title(&title) {
                let again = Slug::from_title(s.as_str()).unwrap();
                prop_assert_eq!(again, s);
            }
        }

        #[test]
        fn ascii_words_join_with_hyphens(words in proptest::collection::vec("[a-z0-9]{1,8}", 1..6)) {
            let s = Slug::from_title(&words.join(" ")).unwrap();
            prop_assert_eq!(s.as_str(), words.join("-"));
        }
    }
}
