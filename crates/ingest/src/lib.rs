//! Outside data into core types. Pure functions over bytes: no network, no disk, no clock. Every
//! parser here has property tests and a fuzz target (`fuzz/`), because its input is untrusted.
//!
//! Every format becomes [`WireItem`]s ([`item`]): IPTC ninjs 1.x–3.x ([`ninjs`]), NewsML-G2
//! ([`newsml`]), NITF 3.x ([`nitf`]) and NewsML 1.2 ([`newsml1`]) from agencies; RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed 1.1 ([`feed`]) from
//! partners; WordPress WXR ([`wxr`]) and Ghost JSON exports ([`ghost`]) from a newsroom's old
//! site. The plain-text page capture ([`capture`]) has its own record. [`detect`] tells them
//! apart. XML goes through [`xml`] (no entity expansion, bounded); outside HTML is sanitized and
//! turned into body blocks by [`html`]; near-duplicates are found with [`simhash`]; uploaded
//! pictures are judged by their bytes in [`image`].

pub mod apmedia;
pub mod capture;
pub mod dates;
pub mod detect;
pub mod entities;
pub mod feed;
pub mod ghost;
pub mod html;
pub mod image;
pub mod iptc7901;
pub mod item;
pub mod newsml;
pub mod newsml1;
pub mod ninjs;
pub mod nitf;
pub mod oembed;
pub mod routing;
pub mod simhash;
pub mod wxr;
pub mod xml;

pub use capture::{CaptureError, CaptureRecord, parse_capture};
pub use item::{Format, ItemError, Parsed, PubStatus, Subject, WireItem, WirePicture};
pub use ninjs::parse_ninjs;

#[cfg(test)]
mod feedparser_corpus;

/// Finds ../shared for the tests (one copy of the helper for every test module).
#[cfg(test)]
#[path = "../../../support/shared.rs"]
mod shared;
