//! Any bytes into the NewsML-G2 reader (and through it the XML layer, the NITF/XHTML body
//! reader and the sanitizer): items, per-item errors or a document error, never a panic, and
//! never more time or memory than the input's size allows; what is asked of the items is in
//! `shared/wire.rs`.
#![no_main]

#[path = "shared/wire.rs"]
mod wire;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = newsdesk_ingest::newsml::parse_newsml(data) {
        wire::check_items(parsed);
    }
});
