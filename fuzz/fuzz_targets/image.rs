//! Uploaded bytes: the media library's check must answer anything with a type and size or a
//! reason, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, _, w, h)) = newsdesk_ingest::image::check(data) {
        assert!(w >= 1 && h >= 1 && w * h <= newsdesk_ingest::image::MAX_PIXELS);
    }
});
