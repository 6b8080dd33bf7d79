//! The participation counts of the class in the current row of
//! `live_classes`, as select expressions: `ActiveCount` (participations
//! still open) and `ParticipantCount` (distinct users who ever joined). Both
//! are correlated subqueries served by the participations' indexes; only
//! reads use them (join, leave, start and end never count).
//!
//! Why not `diesel::dsl::sql`: diesel never keeps a statement that holds an
//! `SqlLiteral` prepared, so the class list was parsed and planned again on
//! every request. These expressions write the same SQL and let the statement
//! cache keep the list (keyed by its SQL) and a class's details (keyed by
//! type) prepared.

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::BigInt;

use crate::schema::live_classes;

macro_rules! class_count {
    ($(#[$doc:meta])* $name:ident = $sql:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, QueryId)]
        pub(crate) struct $name;

        impl Expression for $name {
            type SqlType = BigInt;
        }

        impl<DB: Backend> QueryFragment<DB> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl AppearsOnTable<live_classes::table> for $name {}
        impl SelectableExpression<live_classes::table> for $name {}

        impl ValidGrouping<()> for $name {
            type IsAggregate = is_aggregate::Never;
        }
    };
}

class_count! {
    /// Participations of the row's class that are still open.
    ActiveCount = "(SELECT COUNT(*) FROM participations p \
        WHERE p.class_id = live_classes.id AND p.left_at IS NULL)"
}

class_count! {
    /// Distinct users who ever joined the row's class.
    ParticipantCount = "(SELECT COUNT(DISTINCT p.user_id) FROM participations p \
        WHERE p.class_id = live_classes.id)"
}
