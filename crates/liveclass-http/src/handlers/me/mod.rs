//! `/me/…`: the caller's own records.

pub mod attendance;
