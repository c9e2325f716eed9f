//! Text analysis per language: how words are cut, lower-cased, stemmed and folded, the same way
//! when a story is indexed and when a reader searches. tantivy's Snowball stemmers serve English,
//! German, French and Spanish; Turkish and Arabic get light stemmers of their own here, because
//! Snowball's miss common forms of both (measured in `../shared/research/dependencies.md`).

use std::mem;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

use crate::words::{Pairs, Words};

/// Languages with their own analysis; every other language is analysed as `xx` (folded words,
/// no stemming).
pub const LANGUAGES: [&str; 7] = ["en", "tr", "ar", "de", "fr", "es", "xx"];

/// The analysis key for a BCP 47 tag: its primary language if it has its own, else `xx`.
pub fn language_key(tag: &str) -> &'static str {
    let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    LANGUAGES.into_iter().find(|l| *l == primary && *l != "xx").unwrap_or("xx")
}

/// The analyzer registered as `nd_{lang}`: words cut and cleaned, then each normalised by
/// [`word_analyzer`] (see `words.rs`: remembered per word, and per text for the other fields).
pub fn analyzer(lang: &str) -> TextAnalyzer {
    TextAnalyzer::from(Words::new(lang))
}

/// How `lang` normalises one word: lower-cased, stemmed and folded.
pub(crate) fn word_analyzer(lang: &str) -> TextAnalyzer {
    let base = || TextAnalyzer::builder(RawTokenizer::default());
    match lang {
        // English folds first: its accented words are loanwords (résumé, café) the stemmer does not know.
        "en" => base().filter(LowerCaser).filter(AsciiFoldingFilter).filter(Stemmer::new(Language::English)).build(),
        "de" => base().filter(LowerCaser).filter(Stemmer::new(Language::German)).filter(AsciiFoldingFilter).build(),
        "fr" => base().filter(LowerCaser).filter(Stemmer::new(Language::French)).filter(AsciiFoldingFilter).build(),
        "es" => base().filter(LowerCaser).filter(Stemmer::new(Language::Spanish)).filter(AsciiFoldingFilter).build(),
        "tr" => base()
            .filter(Normalize(turkish_lower))
            .filter(Normalize(turkish_stem))
            .filter(Normalize(fold_turkish))
            .build(),
        "ar" => base().filter(LowerCaser).filter(Normalize(arabic)).build(),
        // Words as written, lower-cased and folded: tags, names, suggestions, prefixes.
        _ => base().filter(Normalize(turkish_lower)).filter(Normalize(fold_turkish)).filter(AsciiFoldingFilter).build(),
    }
}

/// Runs `text` through the analyzer of `lang`; the terms a query or a document becomes.
pub fn terms(lang: &str, text: &str) -> Vec<String> {
    let mut a = analyzer(lang);
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        if !stream.token().text.is_empty() {
            out.push(stream.token().text.clone());
        }
    }
    out
}

/// The analyzer registered as `nd_{lang}_pairs`: the words of `lang`'s analysis, each with the
/// word before it ("central bank", "bank holds"), one term per pair; what a phrase is looked up by.
pub fn pair_analyzer(lang: &str) -> TextAnalyzer {
    TextAnalyzer::from(Pairs(Words::new(lang)))
}

/// The term for two adjacent words, as the `pairs` fields hold it.
pub fn pair(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + second.len() + 1);
    push_pair(&mut out, first, second);
    out
}

/// Appends the term for two adjacent words to `out` (the indexer's side of [`pair`]).
pub(crate) fn push_pair(out: &mut String, first: &str, second: &str) {
    out.push_str(first);
    out.push(' ');
    out.push_str(second);
}

/// Lower-cases with Turkish rules: `I` -> `ı`, `İ` -> `i` (Unicode's default would make `İ` an
/// `i` with a combining dot, and `I` an `i`).
pub fn turkish_lower(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            'I' => out.push('ı'),
            'İ' => out.push('i'),
            '\u{307}' => {} // a combining dot above, left over from a decomposed İ
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Folds the Turkish letters to ASCII (ı and i meet, ç/c, ş/s, ğ/g, ö/o, ü/u) so a reader
/// without a Turkish keyboard finds the same words.
pub fn fold_turkish(word: &str, out: &mut String) {
    for c in word.chars() {
        out.push(match c {
            'ı' => 'i',
            'ç' => 'c',
            'ş' => 's',
            'ğ' => 'g',
            'ö' => 'o',
            'ü' => 'u',
            'â' => 'a',
            'î' => 'i',
            'û' => 'u',
            c => c,
        });
    }
}

/// Turkish inflectional suffixes, longest first: case endings, plural, possessive and the
/// buffer consonants before them. Stripped repeatedly while a stem of at least four letters
/// remains, so `açıklamalarda`, `açıklamaları` and `açıklama` meet at one stem.
const TURKISH_SUFFIXES: &[&str] = &[
    "sinden",
    "sından",
    "sundan",
    "sünden",
    "sinde",
    "sında",
    "sunda",
    "sünde",
    "sinin",
    "sının",
    "sunun",
    "sünün",
    "inden",
    "ından",
    "undan",
    "ünden",
    "sine",
    "sına",
    "suna",
    "süne",
    "sini",
    "sını",
    "sunu",
    "sünü",
    "inde",
    "ında",
    "unda",
    "ünde",
    "ine",
    "ına",
    "una",
    "üne",
    "ini",
    "ını",
    "unu",
    "ünü",
    "larından",
    "lerinden",
    "larında",
    "lerinde",
    "larına",
    "lerine",
    "ların",
    "lerin",
    "ları",
    "leri",
    "lardan",
    "lerden",
    "larda",
    "lerde",
    "lara",
    "lere",
    "nın",
    "nin",
    "nun",
    "nün",
    "dan",
    "den",
    "tan",
    "ten",
    "nda",
    "nde",
    "ndan",
    "nden",
    "yla",
    "yle",
    "lar",
    "ler",
    "da",
    "de",
    "ta",
    "te",
    "ın",
    "in",
    "un",
    "ün",
    "ya",
    "ye",
    "yı",
    "yi",
    "yu",
    "yü",
    "sı",
    "si",
    "su",
    "sü",
    "ı",
    "i",
    "u",
    "ü",
    "a",
    "e",
];

pub fn turkish_stem(word: &str, out: &mut String) {
    let mut stem = word;
    for _ in 0..4 {
        let found =
            TURKISH_SUFFIXES.iter().find(|s| stem.ends_with(*s) && stem.chars().count() - s.chars().count() >= 4);
        match found {
            Some(s) => stem = &stem[..stem.len() - s.len()],
            None => break,
        }
    }
    out.push_str(stem);
}

/// Arabic: strips diacritics and tatweel, unifies the alef forms, alef maqsura and ta marbuta,
/// then takes off the article and common one-letter prefixes and a few suffixes (plurals,
/// possessives), keeping a stem of at least three letters.
pub fn arabic(word: &str, out: &mut String) {
    let mut s = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => s.push('ا'),
            'ى' => s.push('ي'),
            'ة' => s.push('ه'),
            c => s.push(c),
        }
    }
    let len = |x: &str| x.chars().count();
    let mut stem = s.as_str();
    for prefix in ["وال", "بال", "كال", "فال", "لل", "ال"] {
        if let Some(rest) = stem.strip_prefix(prefix)
            && len(rest) >= 3
        {
            stem = rest;
            break;
        }
    }
    if let Some(rest) = stem.strip_prefix('و')
        && len(rest) >= 3
    {
        stem = rest;
    }
    for suffix in ["ها", "ات", "ون", "ين", "ان", "يه", "ه"] {
        if let Some(rest) = stem.strip_suffix(suffix)
            && len(rest) >= 3
        {
            stem = rest;
            break;
        }
    }
    out.push_str(stem);
}

/// A token filter that rewrites each token's text with a function.
#[derive(Clone)]
pub struct Normalize(pub fn(&str, &mut String));

impl TokenFilter for Normalize {
    type Tokenizer<T: Tokenizer> = NormalizeFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> NormalizeFilter<T> {
        NormalizeFilter { f: self.0, tokenizer, buffer: String::new() }
    }
}

#[derive(Clone)]
pub struct NormalizeFilter<T> {
    f: fn(&str, &mut String),
    tokenizer: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for NormalizeFilter<T> {
    type TokenStream<'a> = NormalizeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        NormalizeStream { f: self.f, tail: self.tokenizer.token_stream(text), buffer: &mut self.buffer }
    }
}

pub struct NormalizeStream<'a, T> {
    f: fn(&str, &mut String),
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for NormalizeStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.buffer.clear();
        (self.f)(&self.tail.token().text, self.buffer);
        mem::swap(&mut self.tail.token_mut().text, self.buffer);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::{forget_texts, replays};
    use proptest::prelude::*;
    use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};

    fn one(lang: &str, w: &str) -> String {
        terms(lang, w).join(" ")
    }

    #[test]
    fn turkish_forms_meet_and_dotted_i_is_handled() {
        assert_eq!(one("tr", "açıklamalarda"), one("tr", "açıklama"));
        assert_eq!(one("tr", "açıklamaları"), one("tr", "açıklama"));
        assert_eq!(terms("tr", "İstanbul'da")[0], one("tr", "istanbul"));
        assert_eq!(one("tr", "ISPARTA"), one("tr", "ısparta"));
        assert_eq!(one("tr", "IŞIK"), "isik", "dotless I lower-cases to ı, then folds");
        assert_eq!(one("tr", "Türkiye"), one("tr", "turkiye"));
        assert_eq!(one("tr", "kadınlar"), one("tr", "kadın"));
        assert_eq!(one("tr", "seviyesine"), one("tr", "seviyesi"), "possessive then case");
        assert_eq!(one("tr", "evlerinden"), one("tr", "evler"));
    }

    #[test]
    fn arabic_forms_meet() {
        assert_eq!(one("ar", "والكتاب"), one("ar", "كتاب"));
        assert_eq!(one("ar", "الكِتَاب"), one("ar", "كتاب"));
        assert_eq!(one("ar", "أحمد"), one("ar", "احمد"));
        assert_eq!(one("ar", "مدرسة"), one("ar", "مدرسه"));
    }

    #[test]
    fn european_stemmers_and_folding() {
        assert_eq!(one("en", "runners"), one("en", "runner"));
        assert_eq!(one("en", "Résumé"), "resum");
        assert_eq!(one("de", "Häuser"), one("de", "Hauses"));
        assert_eq!(one("fr", "nationales"), one("fr", "national"));
        assert_eq!(one("es", "elecciones"), one("es", "elección"));
        assert_eq!(language_key("pt-BR"), "xx");
        assert_eq!(language_key("TR"), "tr");
        assert_eq!(language_key("en-GB"), "en");
    }

    fn stream(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut s = a.token_stream(text);
        let mut out = vec![];
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut s = a.token_stream(text);
        let mut out = vec![];
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn a_text_met_again_is_read_back_not_the_one_before_it() {
        forget_texts();
        let first = tokens(analyzer("en"), "Ferries stop at the harbour");
        let other = tokens(analyzer("en"), "Ferries stop at the harbours");
        assert_ne!(first, other, "same start, other text");
        let before = replays();
        assert_eq!(tokens(analyzer("en"), "Ferries stop at the harbour"), first);
        assert_eq!(replays() - before, 1);
        // Long texts are not all kept: a megabyte's worth at most, the newest.
        let long = "harbour ".repeat(100_000);
        tokens(analyzer("en"), &long);
        tokens(analyzer("en"), &long.replace("harbour", "ferries"));
        let before = replays();
        tokens(analyzer("en"), &long);
        assert_eq!(replays() - before, 0, "pushed out by the second long text");
        tokens(analyzer("en"), "Ferries stop at the harbour");
        assert_eq!(replays() - before, 0, "and so was the short one kept before them");
        // Another language's analysis of the same text is its own.
        assert_eq!(stream(analyzer("de"), "Ferries"), ["ferri"]);
        assert_eq!(stream(analyzer("xx"), "Ferries"), ["ferries"]);
    }

    #[test]
    fn pairs_are_adjacent_words_as_analysed() {
        assert_eq!(
            stream(pair_analyzer("en"), "Central banks hold the rates"),
            ["central bank", "bank hold", "hold the", "the rate"]
        );
        assert!(stream(pair_analyzer("en"), "alone").is_empty());
        // A word too long to index breaks the pair instead of joining its neighbours.
        let long = "x".repeat(70);
        assert_eq!(stream(pair_analyzer("en"), &format!("one {long} two three")), ["two three"]);
        // Each pair stands at its first word's place: consecutive pairs are one apart, and pairs
        // across a word left out are not.
        let placed = |text: &str| {
            let mut a = pair_analyzer("en");
            let mut s = a.token_stream(text);
            let mut out = vec![];
            while s.advance() {
                out.push((s.token().text.clone(), s.token().position));
            }
            out
        };
        let at = |t: &str, p: usize| (t.to_string(), p);
        assert_eq!(placed("new fishing quotas"), [at("new fish", 0), at("fish quota", 1)]);
        assert_eq!(
            placed(&format!("a b {long} c d e")),
            [at("a b", 0), at("c d", 3), at("d e", 4)],
            "a pair after a word left out is not next to the one before"
        );
    }

    proptest! {
        #[test]
        fn every_analyzer_takes_any_text(text in "\\PC{0,80}") {
            for lang in LANGUAGES {
                for t in terms(lang, &text) {
                    prop_assert!(!t.is_empty());
                }
            }
        }

        /// A remembered word comes out as the language's word analysis makes it, every time.
        #[test]
        fn remembered_words_match_fresh_analysis(text in "[a-zA-ZçğıöşüÇĞİÖŞÜäéñا-ي ]{0,60}") {
            for lang in LANGUAGES {
                let fresh: Vec<String> = stream(
                    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(60)).build(),
                    &text,
                )
                .iter()
                .map(|w| stream(word_analyzer(lang), w).pop().unwrap_or_default())
                .collect();
                forget_texts();
                prop_assert_eq!(&stream(analyzer(lang), &text), &fresh);
                forget_texts();
                prop_assert_eq!(&stream(analyzer(lang), &text), &fresh, "the second time from memory");
            }
        }

        /// The fields after the first read a text's analysis back instead of cutting it again;
        /// what they read is what a fresh analysis makes, word, place and position.
        #[test]
        fn texts_read_back_match_fresh_analysis(text in "[a-zA-ZçğıöşüÇĞİÖŞÜäéñا-ي .,'-]{0,120}", lang in 0..LANGUAGES.len()) {
            let lang = LANGUAGES[lang];
            let fresh = |a: TextAnalyzer| {
                forget_texts();
                tokens(a, &text)
            };
            let (words, pairs, plain) = (fresh(analyzer(lang)), fresh(pair_analyzer(lang)), fresh(analyzer("xx")));
            forget_texts();
            // In the order the indexer meets them: the language's words, its pairs, every word unstemmed.
            prop_assert_eq!(tokens(analyzer(lang), &text), words);
            let before = replays();
            prop_assert_eq!(tokens(pair_analyzer(lang), &text), pairs);
            prop_assert_eq!(tokens(analyzer("xx"), &text), plain);
            prop_assert_eq!(replays() - before, 2, "both read back");
        }
    }
}
