//! Uploaded bytes: the media library's check must answer anything with a type and size or a
//! reason, never panic; a picture it accepts gives a thumbnail or a reason, and (when small
//! enough to fuzz quickly) renditions that are themselves good pictures of the size they claim.
//! The metadata reader (IPTC-IIM, XMP, EXIF) takes any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use newsdesk_core::picture::Framing;
use newsdesk_ingest::image::{self, meta, renditions};

fuzz_target!(|data: &[u8]| {
    let described = meta::describe(data);
    for text in [described.caption, described.credit, described.copyright, described.creator].into_iter().flatten() {
        assert!(!text.trim().is_empty());
    }
    if let Ok((_, _, w, h)) = image::check(data) {
        assert!(w >= 1 && h >= 1 && w * h <= image::MAX_PIXELS);
        if let Ok(Some(thumb)) = image::thumbnail(data) {
            assert!(image::check(&thumb).is_ok(), "a thumbnail is itself a good picture");
        }
        if w * h <= 256 * 256
            && let Ok(Some(upright)) = renditions::upright(data)
        {
            let made = renditions::make::<std::convert::Infallible>(&upright, &Framing::default(), |r| {
                let (_, _, rw, rh) = image::check(&r.bytes).expect("a rendition is a good picture");
                assert_eq!((rw, rh), (u64::from(r.width), u64::from(r.height)));
                Ok(())
            });
            assert!(made.is_ok());
        }
    }
});
