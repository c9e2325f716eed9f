//! Any bytes as an oEmbed answer and as a pasted embed URL, never a panic; a recognised URL's
//! player is always on its provider's own host.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdesk_core::embed::EmbedTarget;
use newsdesk_ingest::oembed;

fuzz_target!(|data: &[u8]| {
    let _ = oembed::parse(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(t) = EmbedTarget::recognise(text) {
            assert!(t.player_url().starts_with(t.provider.player_origin()));
        }
    }
});
