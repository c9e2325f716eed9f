//! Uploaded bytes: the media library's check must answer anything with a type and size or a
//! reason, never panic; a picture it accepts gives a thumbnail or a reason, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, _, w, h)) = newsdesk_ingest::image::check(data) {
        assert!(w >= 1 && h >= 1 && w * h <= newsdesk_ingest::image::MAX_PIXELS);
        if let Ok(Some(thumb)) = newsdesk_ingest::image::thumbnail(data) {
            assert!(newsdesk_ingest::image::check(&thumb).is_ok(), "a thumbnail is itself a good picture");
        }
    }
});
