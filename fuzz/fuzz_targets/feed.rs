//! Any bytes into the feed reader: RSS 0.9x/1.0/2.0, Atom and JSON Feed, with dates, relative
//! links and entities; items, per-item errors or a document error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;

fuzz_target!(|data: &[u8]| {
    let _ = newsdesk_ingest::detect::detect(data);
    if let Ok(parsed) = newsdesk_ingest::feed::parse_feed(data) {
        let section = Section::from_label("PARTNERS").expect("a valid label");
        for item in parsed.items {
            assert!(!item.body.is_empty() && !item.headline.is_empty());
            let _ = item.to_article(&section);
        }
    }
});
