//! A tenant's own video-provider accounts (seed 003's `zoom_credentials`,
//! for every provider): Zoom server-to-server OAuth apps, Daily API keys and
//! Jitsi (JaaS or self-hosted) token credentials, managed by organisation
//! admins.
//!
//! Each kind has exactly one credential secret (Zoom's client secret,
//! Daily's API key, Jitsi's app secret) and may have a webhook secret; both
//! are sealed by the [`crate::webhooks::SecretBox`] (an AEAD key with a key
//! id, bound to the account's id and the field as associated data) before
//! they reach the store, and are never returned: answers show a hint (the
//! last four characters of a long secret).
//!
//! **One active account per tenant and provider kind**, enforced by the
//! database (a partial unique index): a second active one is refused with
//! [`ProviderAccountError::ActiveExists`], whichever request commits first.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;
#[cfg(test)]
mod tests;

pub use errors::ProviderAccountError;
pub use model::{
    AccountChanges, AccountHealth, AccountWrite, CheckOutcome, CheckResult, CredentialId, HostName,
    NewAccount, NewProviderAccount, ProviderAccount, ProviderAccountId, ProviderCredentials,
    ProviderKind, ProviderSettings, SecretText, UpdateAccount, parse_label,
};
pub use ports::{CredentialChecker, ProviderAccountRepository};
#[cfg(any(test, feature = "mocks"))]
pub use ports::{MockCredentialChecker, MockProviderAccountRepository};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockProviderAccounts;
pub use service::{ProviderAccountService, ProviderAccounts};
