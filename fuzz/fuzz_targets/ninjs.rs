//! Any bytes into the ninjs parser (its conformance checker, the HTML sanitizer and block
//! reader): items, per-item errors or a document error, never a panic; accepted items become
//! articles or clear errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = newsdesk_ingest::parse_ninjs(data) {
        let section = Section::from_label("WIRE").expect("a valid label");
        for item in parsed.items {
            assert!(!item.body.is_empty() && !item.headline.is_empty());
            let _ = item.to_article(&section);
        }
    }
});
