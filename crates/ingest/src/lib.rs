//! Outside data into core types. Pure functions over bytes: no network, no disk, no clock. Every
//! parser here has property tests and a fuzz target (`fuzz/`), because its input is untrusted.
//!
//! Formats so far: the plain-text page capture ([`capture`]) and IPTC ninjs 1.x–3.x
//! ([`ninjs`]); outside HTML is sanitized and turned into body blocks by [`html`]; uploaded
//! pictures are judged by their bytes in [`image`].

pub mod capture;
pub mod html;
pub mod image;
pub mod ninjs;

pub use capture::{CaptureError, CaptureRecord, parse_capture};
pub use ninjs::{NinjsError, WireItem, parse_ninjs};

/// Finds ../shared for the tests (one copy of the helper for every test module).
#[cfg(test)]
#[path = "../../../support/shared.rs"]
mod shared;
