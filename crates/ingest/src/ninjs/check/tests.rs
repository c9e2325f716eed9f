//! The ninjs checker against IPTC's conformance suite and examples, every version, and hostile input.

mod api;
mod common;
mod matrix;
mod robust;
mod suite;
