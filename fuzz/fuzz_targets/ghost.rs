//! Any bytes into the Ghost export reader (posts, people, tags, and Lexical or Mobiledoc
//! bodies when there is no HTML), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;
use newsdesk_ingest::ghost::{GhostOptions, parse_ghost};

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = parse_ghost(data, &GhostOptions { pages: true }) {
        let section = Section::from_label("ARCHIVE").expect("a valid label");
        for item in parsed.items {
            assert!(!item.body.is_empty() && !item.headline.is_empty());
            let _ = item.to_article(&section);
        }
    }
});
