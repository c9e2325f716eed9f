//! Outside data into core types. Pure functions over bytes: no network, no disk, no clock. Every
//! parser here has property tests and a fuzz target (`fuzz/`), because its input is untrusted.
//!
//! Formats so far: the plain-text page capture ([`capture`]).

pub mod capture;

pub use capture::{CaptureError, CaptureRecord, parse_capture};
