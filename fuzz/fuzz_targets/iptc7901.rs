//! Any bytes into the IPTC 7901 / ANPA 1312 plain-text wire reader: items, per-item errors or
//! a document error, never a panic; what is asked of the items is in `shared/wire.rs`.
#![no_main]

#[path = "shared/wire.rs"]
mod wire;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = newsdesk_ingest::iptc7901::parse_7901(data) {
        wire::check_items(parsed);
    }
});
