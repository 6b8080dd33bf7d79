//! The server binary as a process: configuration, crashes, several replicas, a browser.
//!
//! One test binary per crate: every file here is a module, so the
//! dependencies are linked once rather than once per file (build time and
//! disk; CI once ran out of disk linking sixty-odd binaries).

mod binary;
mod browser_stream;
mod common;
mod config_cli;
mod crash;
mod multiprocess;
mod stream_replicas;
mod waitlist_multiprocess;
mod webhooks;
