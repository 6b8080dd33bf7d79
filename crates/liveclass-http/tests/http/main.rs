//! The HTTP shell with mocked ports, the OpenAPI contract and the error catalogue.
//!
//! One test binary per crate: every file here is a module, so the
//! dependencies are linked once rather than once per file (build time and
//! disk; CI once ran out of disk linking sixty-odd binaries).

mod api;
mod common;
mod error_catalogue;
mod error_contract;
mod identity_providers;
mod mocked_services;
mod openapi_contract;
mod provider_webhooks;
mod rate_limits;
mod schedules_api;
mod stream_rhythm;
