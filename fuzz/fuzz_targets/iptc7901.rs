//! Any bytes into the IPTC 7901 / ANPA 1312 plain-text wire reader: items, per-item errors or a document error, never a panic; every
//! item read has a headline and text, and its marks pass the check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = newsdesk_ingest::iptc7901::parse_7901(data) {
        let section = Section::from_label("WIRE").expect("a valid label");
        for item in parsed.items {
            assert!(!item.body.is_empty() && !item.headline.is_empty());
            for block in &item.body {
                assert!(block.check_marks().is_ok(), "{block:?}");
            }
            let _ = item.to_article(&section);
        }
    }
});
