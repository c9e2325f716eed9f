//! Any bytes into the WordPress export reader (both passes: the catalog, then the posts with
//! their shortcodes, paragraphs and attachments), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;
use newsdesk_ingest::wxr::{WxrOptions, parse_wxr};

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = parse_wxr(data, &WxrOptions { pages: true }) {
        let section = Section::from_label("ARCHIVE").expect("a valid label");
        for item in parsed.items {
            assert!(!item.body.is_empty() && !item.headline.is_empty());
            let _ = item.to_article(&section);
        }
    }
});
