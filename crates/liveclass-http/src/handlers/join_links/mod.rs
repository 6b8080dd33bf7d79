//! `/join/{joinHash}`: join links (seed 001).

pub mod follow;
