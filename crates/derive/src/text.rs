//! Text tools for search: the reader's query language, names in a story (for similarity),
//! and the edit distance behind "did you mean".

/// Names in a text: runs of capitalised words that do not start a sentence ("Lake Victoria",
/// "Kuzeyspor", "Downing Street"), lower-cased; each once. Scripts without capitals (Arabic)
/// give none. A heuristic, cheap and language-blind, enough to tell two stories about the same
/// people and places from two that share only common words.
pub fn entities(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut sentence_start = true;
    let flush = |run: &mut Vec<&str>, out: &mut Vec<String>| {
        if !run.is_empty() {
            let name = run.join(" ").to_lowercase();
            if name.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !out.contains(&name) {
                out.push(name);
            }
            run.clear();
        }
    };
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let capital =
            word.chars().next().is_some_and(char::is_uppercase) && word.chars().skip(1).any(char::is_lowercase);
        if capital && !sentence_start {
            run.push(word);
        } else {
            flush(&mut run, &mut out);
        }
        let ends = raw.ends_with(['.', '!', '?', ':']) || raw.ends_with(".\"") || raw.ends_with("\u{201d}");
        if ends {
            flush(&mut run, &mut out);
        }
        sentence_start = ends;
        if out.len() >= 40 {
            break;
        }
    }
    flush(&mut run, &mut out);
    out
}

pub(crate) fn replace_word(text: &str, word: &str, with: &str) -> String {
    text.split(' ').map(|w| if w == word { with } else { w }).collect::<Vec<_>>().join(" ")
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// One part of a reader's query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Word { text: String, negate: bool },
    Phrase { text: String, negate: bool },
    Prefix(String),
}

/// The most parts a query is read into.
pub const MAX_ITEMS: usize = 32;

/// Splits a query into words, `"quoted phrases"`, `prefix*` and `-excluded` parts. Never fails:
/// an unclosed quote runs to the end, stray symbols are words the analyzers will drop. Reads
/// the first 500 characters and keeps the first [`MAX_ITEMS`] parts.
pub fn parse(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut chars = text.chars().take(500).peekable();
    while let Some(&c) = chars.peek() {
        if items.len() >= MAX_ITEMS {
            break;
        }
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negate = c == '-';
        if negate {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|c| *c != '"').collect();
            if !phrase.trim().is_empty() {
                items.push(Item::Phrase { text: phrase.trim().to_string(), negate });
            }
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            word.push(c);
            chars.next();
        }
        if let Some(stem) = word.strip_suffix('*').filter(|s| !negate && s.chars().count() >= 2) {
            items.push(Item::Prefix(stem.to_string()));
        } else if let plain = word.trim_end_matches('*')
            && !plain.is_empty()
        {
            items.push(Item::Word { text: plain.to_string(), negate });
        }
    }
    items
}
