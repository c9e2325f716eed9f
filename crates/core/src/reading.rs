//! Reading time, derived from the body's words and the article's language.

/// Words a reader gets through in a minute, by language (BCP 47 primary subtag). Long-compound
/// and agglutinative languages have fewer, longer words per minute; Arabic script is read slower
/// word for word. Languages without spaces (zh, ja) are counted in characters (see
/// [`count_words`]), so their figure is characters per minute.
pub fn words_per_minute(language: &str) -> u32 {
    match primary_subtag(language) {
        "en" => 200,
        "es" | "it" | "pt" => 200,
        "fr" | "nl" => 195,
        "de" => 180,
        "tr" | "fi" | "hu" => 170,
        "ru" | "pl" | "uk" => 180,
        "ar" | "fa" | "ur" | "he" => 140,
        "zh" | "ja" => 300,
        _ => 200,
    }
}

fn primary_subtag(language: &str) -> &str {
    language.split(['-', '_']).next().unwrap_or("")
}

/// Counts words; for languages written without spaces, counts characters instead.
pub fn count_words(text: &str, language: &str) -> usize {
    match primary_subtag(language) {
        "zh" | "ja" => text.chars().filter(|c| c.is_alphanumeric()).count(),
        _ => text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count(),
    }
}

/// Minutes to read `words` words: ceil(words / wpm), and never less than one.
pub fn reading_minutes(words: usize, language: &str) -> u32 {
    let wpm = words_per_minute(language) as usize;
    words.div_ceil(wpm).max(1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn english_table() {
        assert_eq!(reading_minutes(0, "en"), 1);
        assert_eq!(reading_minutes(195, "en"), 1);
        assert_eq!(reading_minutes(200, "en"), 1);
        assert_eq!(reading_minutes(201, "en"), 2);
        assert_eq!(reading_minutes(1000, "en-GB"), 5);
        assert_eq!(reading_minutes(141, "ar"), 2);
    }

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(count_words("Hello — world , again", "en"), 3);
        assert_eq!(count_words("新闻发布系统", "zh"), 6);
    }

    proptest! {
        #[test]
        fn at_least_one_minute_and_monotonic(a in 0usize..100_000, b in 0usize..100_000, lang in "(en|tr|ar|de|fr|es|xx)") {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(reading_minutes(lo, &lang) >= 1);
            prop_assert!(reading_minutes(lo, &lang) <= reading_minutes(hi, &lang));
        }

        #[test]
        fn english_is_ceil_of_200(words in 1usize..100_000) {
            prop_assert_eq!(reading_minutes(words, "en") as usize, words.div_ceil(200));
        }
    }
}
