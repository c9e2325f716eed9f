//! A reader's search: the query language and every language's analysis must take any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let items = newsdesk_derive::search::parse(text);
    assert!(items.len() <= newsdesk_derive::text::MAX_ITEMS);
    for lang in newsdesk_derive::analysis::LANGUAGES {
        for t in newsdesk_derive::analysis::terms(lang, text) {
            assert!(!t.is_empty());
        }
    }
});
