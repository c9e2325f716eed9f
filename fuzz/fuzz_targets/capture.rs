//! Any bytes into the page-capture parser: it must return a record or an error, never panic,
//! and an accepted record must become an article or a clear error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = newsdesk_ingest::parse_capture(data) {
        let _ = record.to_article();
        assert!(!record.body_paragraphs.is_empty());
        if let Some(slot) = record.recommended_slot_after_paragraph {
            assert!(slot <= record.body_paragraphs.len());
        }
    }
});
