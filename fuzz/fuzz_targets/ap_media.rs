//! Any bytes into the AP Media API JSON reader (and through it the NITF reader and the
//! sanitizer): items, per-item errors or a document error, never a panic; what is asked of the
//! items is in `shared/wire.rs`.
#![no_main]

#[path = "shared/wire.rs"]
mod wire;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = newsdesk_ingest::apmedia::parse_ap(data) {
        wire::check_items(parsed);
    }
});
