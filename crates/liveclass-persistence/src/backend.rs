//! [`per_backend!`]: the one way to run Diesel code that must see the
//! concrete connection inside an [`AnyConnection`](crate::AnyConnection).
//!
//! Most queries run on `AnyConnection` directly. A few cannot, because the
//! query builder only offers them for one backend (`FOR UPDATE`, `FOR SHARE`,
//! `SKIP LOCKED` are PostgreSQL-only; batch inserts and `ON CONFLICT` need
//! the concrete connection), or because the SQL text itself differs. Those
//! places use this macro instead of matching on the enum by hand, so that a
//! search for `per_backend!` finds every place where the backends differ.
//!
//! Two forms:
//!
//! ```ignore
//! // The same expression, compiled once per backend:
//! per_backend!(conn, |c| diesel::insert_into(t::table).values(&rows).execute(c))?;
//!
//! // A different expression per backend:
//! per_backend!(conn,
//!     postgres: |c| query.for_update().skip_locked().load(c),
//!     sqlite: |c| query.load(c),
//! )?;
//! ```
//!
//! `conn` is anything that dereferences mutably to an `AnyConnection` (a
//! `&mut AnyConnection` or a pooled connection); it is reborrowed, so it can
//! be used again after the macro. A closure parameter may be `_` when an arm
//! needs the `AnyConnection` itself rather than the concrete connection.

/// Runs one expression on the concrete connection of an `AnyConnection`; see
/// the [module docs](self).
macro_rules! per_backend {
    ($conn:expr, |$c:pat_param| $body:expr $(,)?) => {
        match &mut *$conn {
            $crate::connection::AnyConnection::Postgresql($c) => $body,
            $crate::connection::AnyConnection::Sqlite($c) => $body,
        }
    };
    ($conn:expr,
     postgres: |$pg:pat_param| $pg_body:expr,
     sqlite: |$lite:pat_param| $lite_body:expr $(,)?) => {
        match &mut *$conn {
            $crate::connection::AnyConnection::Postgresql($pg) => $pg_body,
            $crate::connection::AnyConnection::Sqlite($lite) => $lite_body,
        }
    };
}

pub(crate) use per_backend;
