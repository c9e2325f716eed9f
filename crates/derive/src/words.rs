//! Cutting text into words and normalising them, once per text.
//!
//! A story's text goes into three indexed fields: its language's words (`all_L`), the same
//! words as adjacent pairs (`pairs_L`) and every word unstemmed (`words`). tantivy analyses each
//! field on its own, so the body would be cut and normalised three times. Here the first
//! analysis of a text is kept, per thread, for the next few texts: the other two fields replay
//! it (the same thread indexes all the fields of one document, one after the other), and only
//! their postings are written. A text is found again by its content, not by where it lies in
//! memory, so a replay is always the analysis of that very text; one not found is analysed
//! afresh, which gives the same words (a property test checks it).
//!
//! Each word's normal forms (its language's and the unstemmed, folded one) are remembered per
//! thread and language too: news text repeats its words, and stemming was a fifth of the time
//! an index took to build before.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::hash::Hasher;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHasher};
use tantivy::tokenizer::{SimpleTokenStream, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::analysis::{LANGUAGES, push_pair, word_analyzer};

/// Words of this many bytes or more are not indexed (runs of letters with no meaning).
const LONGEST_WORD: usize = 60;
/// Words remembered per language and thread before the memory is cleared.
const MEMO_WORDS: usize = 200_000;
/// Texts whose analysis a thread keeps: more than the headline, deck, body, tags and authors
/// of one story usually make; and the bytes they may take (texts and forms), so a thread that
/// met a few long stories does not hold on to them.
const KEPT_TEXTS: usize = 32;
const KEPT_BYTES: usize = 1 << 20;
/// The slot of `xx`, the unstemmed analysis.
const PLAIN: usize = LANGUAGES.len() - 1;

/// A word's two normal forms, one string: `form` is `both[..split]`, `plain` the rest.
struct Forms {
    both: Box<str>,
    split: usize,
}

/// One word of an analysed text: where it was, its place among the words, and its forms as
/// ranges of [`Analysed::forms`] and [`Analysed::plain`].
#[derive(Clone, Copy)]
struct Word {
    from: usize,
    to: usize,
    position: usize,
    form: (usize, usize),
    plain: (usize, usize),
}

/// A text as one language's analysis cut and normalised it.
struct Analysed {
    slot: usize,
    hash: u64,
    text: Box<str>,
    words: Vec<Word>,
    forms: String,
    plain: String,
}

thread_local! {
    static MEMO: RefCell<[FxHashMap<Box<str>, Forms>; LANGUAGES.len()]> =
        RefCell::new(std::array::from_fn(|_| FxHashMap::default()));
    static KEPT: RefCell<VecDeque<Rc<Analysed>>> = RefCell::new(VecDeque::with_capacity(KEPT_TEXTS));
}

fn hash(text: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(text.as_bytes());
    h.finish()
}

/// The kept analysis of `text` that serves `slot`: made by that language, or by any for the
/// unstemmed forms, which do not depend on the language.
fn kept(slot: usize, hash: u64, text: &str) -> Option<Rc<Analysed>> {
    KEPT.with_borrow(|kept| {
        kept.iter().find(|a| (a.slot == slot || slot == PLAIN) && a.hash == hash && &*a.text == text).cloned()
    })
}

fn keep(analysed: Analysed) {
    KEPT.with_borrow_mut(|kept| {
        kept.push_back(Rc::new(analysed));
        let mut bytes: usize = kept.iter().map(|a| a.bytes()).sum();
        while kept.len() > KEPT_TEXTS || (bytes > KEPT_BYTES && kept.len() > 1) {
            bytes -= kept.pop_front().map_or(0, |a| a.bytes());
        }
    });
}

impl Analysed {
    fn bytes(&self) -> usize {
        self.text.len() + self.forms.len() + self.plain.len() + self.words.len() * size_of::<Word>()
    }
}

/// Forgets the texts this thread has analysed (tests: the next analysis is made afresh).
#[cfg(test)]
pub(crate) fn forget_texts() {
    KEPT.with_borrow_mut(VecDeque::clear);
}

#[cfg(test)]
thread_local! {
    static REPLAYS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many texts this thread has read back instead of analysing (tests).
#[cfg(test)]
pub(crate) fn replays() -> usize {
    REPLAYS.get()
}

/// The words of a text in one language's analysis, as a tantivy tokenizer (`nd_{lang}`).
#[derive(Clone)]
pub(crate) struct Words {
    cutter: SimpleTokenizer,
    norm: Norm,
}

/// How one language normalises a word, and how the unstemmed analysis does.
#[derive(Clone)]
struct Norm {
    slot: usize,
    word: TextAnalyzer,
    plain: TextAnalyzer,
}

impl Words {
    pub fn new(lang: &str) -> Words {
        let slot = LANGUAGES.iter().position(|l| *l == lang).unwrap_or(PLAIN);
        let norm = Norm { slot, word: word_analyzer(LANGUAGES[slot]), plain: word_analyzer(LANGUAGES[PLAIN]) };
        Words { cutter: SimpleTokenizer::default(), norm }
    }
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        let h = hash(text);
        let Words { cutter, norm } = self;
        let source = match kept(norm.slot, h, text) {
            Some(analysed) => {
                #[cfg(test)]
                REPLAYS.set(REPLAYS.get() + 1);
                Source::Replay { plain: norm.slot == PLAIN, analysed, next: 0 }
            }
            None => Source::Live {
                cut: cutter.token_stream(text),
                record: Some(Analysed {
                    slot: norm.slot,
                    hash: h,
                    text: text.into(),
                    words: vec![],
                    forms: String::new(),
                    plain: String::new(),
                }),
                norm,
            },
        };
        WordStream { source, token: Token::default() }
    }
}

enum Source<'a> {
    /// A text analysed before: its words read back.
    Replay { analysed: Rc<Analysed>, plain: bool, next: usize },
    /// A new text: cut, normalised, and recorded for the fields after this one.
    Live { cut: SimpleTokenStream<'a>, norm: &'a mut Norm, record: Option<Analysed> },
}

pub(crate) struct WordStream<'a> {
    source: Source<'a>,
    token: Token,
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let token = &mut self.token;
        match &mut self.source {
            Source::Replay { analysed, plain, next } => {
                let Some(w) = analysed.words.get(*next) else { return false };
                *next += 1;
                let (text, (a, b)) = if *plain { (&analysed.plain, w.plain) } else { (&analysed.forms, w.form) };
                emit(token, &text[a..b], w);
                true
            }
            Source::Live { cut, norm, record } => loop {
                if !cut.advance() {
                    // Kept only once whole: a stream left half read records nothing.
                    if let Some(done) = record.take() {
                        keep(done);
                    }
                    return false;
                }
                let Some(record) = record.as_mut() else { return false };
                let raw = cut.token();
                if raw.text.len() >= LONGEST_WORD {
                    continue;
                }
                let (form_at, plain_at) = (record.forms.len(), record.plain.len());
                normalise(norm, &raw.text, &mut record.forms, &mut record.plain);
                let w = Word {
                    from: raw.offset_from,
                    to: raw.offset_to,
                    position: raw.position,
                    form: (form_at, record.forms.len()),
                    plain: (plain_at, record.plain.len()),
                };
                record.words.push(w);
                emit(token, &record.forms[w.form.0..w.form.1], &w);
                return true;
            },
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Makes `token` the word `w`, written `text`.
fn emit(token: &mut Token, text: &str, w: &Word) {
    token.text.clear();
    token.text.push_str(text);
    token.offset_from = w.from;
    token.offset_to = w.to;
    token.position = w.position;
    token.position_length = 1;
}

/// Appends the normal forms of `raw` (its language's, and the unstemmed one) to `form` and
/// `plain`, remembered for the next time this thread meets the word.
fn normalise(norm: &mut Norm, raw: &str, form: &mut String, plain: &mut String) {
    MEMO.with_borrow_mut(|maps| {
        let map = &mut maps[norm.slot];
        if let Some(known) = map.get(raw) {
            form.push_str(&known.both[..known.split]);
            plain.push_str(&known.both[known.split..]);
            return;
        }
        let mut both = one(&mut norm.word, raw);
        let split = both.len();
        let unstemmed = if norm.slot == PLAIN { both.clone() } else { one(&mut norm.plain, raw) };
        both.push_str(&unstemmed);
        form.push_str(&both[..split]);
        plain.push_str(&both[split..]);
        if map.len() >= MEMO_WORDS {
            map.clear();
        }
        map.insert(raw.into(), Forms { both: both.into(), split });
    });
}

/// What a one-word analyzer makes of `word` (nothing, for a word it drops).
fn one(analyzer: &mut TextAnalyzer, word: &str) -> String {
    let mut words = analyzer.token_stream(word);
    if words.advance() { std::mem::take(&mut words.token_mut().text) } else { String::new() }
}

/// The analyzer registered as `nd_{lang}_pairs`: the words of `lang`'s analysis, each with the
/// word before it ("central bank", "bank holds"), one term per pair; what a phrase is looked up
/// by. A word left out between two (too long to index) breaks the pair. Each pair stands at its
/// first word's position, so a longer phrase is its pairs at consecutive positions.
#[derive(Clone)]
pub(crate) struct Pairs(pub Words);

impl Tokenizer for Pairs {
    type TokenStream<'a> = PairStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairStream<'a> {
        PairStream { words: self.0.token_stream(text), before: None, first: String::new(), token: Token::default() }
    }
}

pub(crate) struct PairStream<'a> {
    words: WordStream<'a>,
    /// The previous word's position and start; its text is in `first`.
    before: Option<(usize, usize)>,
    first: String,
    token: Token,
}

impl TokenStream for PairStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let word = self.words.token();
            if word.text.is_empty() {
                continue;
            }
            let adjacent = self.before.filter(|(at, _)| at + 1 == word.position);
            let found = if let Some((at, from)) = adjacent {
                self.token.text.clear();
                push_pair(&mut self.token.text, &self.first, &word.text);
                self.token.offset_from = from;
                self.token.offset_to = word.offset_to;
                // The first word's place: pairs of adjacent words are one apart, and a pair
                // after a word left out is not next to the one before it.
                self.token.position = at;
                true
            } else {
                false
            };
            self.before = Some((word.position, word.offset_from));
            self.first.clear();
            self.first.push_str(&word.text);
            if found {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
