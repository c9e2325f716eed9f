//! Any bytes into the NewsML-G2 reader (and through it the XML layer, the NITF/XHTML body
//! reader and the sanitizer): items, per-item errors or a document error, never a panic, and
//! never more time or memory than the input's size allows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = newsdesk_ingest::newsml::parse_newsml(data) {
        let section = Section::from_label("WIRE").expect("a valid label");
        for item in parsed.items {
            assert!(!item.body.is_empty() && !item.headline.is_empty());
            let _ = item.to_article(&section);
        }
    }
});
