//! The video adapters against mock servers that speak the providers' documented APIs.
//!
//! One test binary per crate: every file here is a module, so the
//! dependencies are linked once rather than once per file (build time and
//! disk; CI once ran out of disk linking sixty-odd binaries).

mod common;
mod daily;
mod zoom;
