//! What every wire reader's fuzz target asks of what it read: each item has a headline and
//! text, its marks pass the check, and it becomes an article or a named refusal, never a panic.

use newsdesk_core::article::Section;
use newsdesk_ingest::Parsed;

pub fn check_items(parsed: Parsed) {
    let section = Section::from_label("WIRE").expect("a valid label");
    for item in parsed.items {
        assert!(!item.body.is_empty() && !item.headline.is_empty());
        for block in &item.body {
            assert!(block.check_marks().is_ok(), "{block:?}");
        }
        let _ = item.to_article(&section);
    }
}
