//! Any text as the inline HTML an editor sends (or an import carries) into text and marks: never
//! a panic; the marks always pass the check in their one form; written out and read again, the
//! same text and marks come back; and nothing but the six kinds of mark is ever written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::inline::{self, Links};
use newsdesk_ingest::html::inline_from_html;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else { return };
    let (text, marks) = inline_from_html(html);
    assert!(inline::check(&text, &marks).is_ok(), "{marks:?}");
    assert_eq!(inline::normalize(&text, marks.clone()), marks);
    let again = inline_from_html(&inline::to_editable(&text, &marks));
    assert_eq!(again, (text.clone(), marks.clone()), "the editor's form reads back");
    let page = inline::to_html(&text, &marks, Links { site_url: "https://news.example", absolute: false });
    for tag in page.split('<').skip(1).map(|t| t.trim_start_matches('/').split([' ', '>']).next().unwrap_or("")) {
        assert!(["a", "strong", "em", "sub", "sup", "code", "br"].contains(&tag), "{tag} in {page}");
    }
});
