//! [`DieselStore`] as the domain's `RosterRepository`: table `course_rosters`
//! (migration `2026-12-01-120000_admission_policies`). The admission reads
//! the same table (module `admission`).

use async_trait::async_trait;
use diesel::prelude::*;
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_domain::roster::RosterRepository;
use liveclass_domain::schedule::CourseId;
use liveclass_domain::store::RepoError;
use time::OffsetDateTime;

use crate::backend::per_backend;
use crate::rows::to_db_time;
use crate::schema::course_rosters;
use crate::store::{DieselStore, corrupt, write_transaction};

#[derive(Insertable)]
#[diesel(table_name = course_rosters)]
struct RosterRow {
    tenant_id: String,
    course_id: String,
    user_id: String,
    added_at: time::PrimitiveDateTime,
}

#[async_trait]
impl RosterRepository for DieselStore {
    async fn replace(
        &self,
        tenant: &TenantId,
        course: &CourseId,
        users: &[UserId],
        at: OffsetDateTime,
    ) -> Result<(), RepoError> {
        let (tenant, course) = (tenant.as_str().to_owned(), course.as_str().to_owned());
        let at = to_db_time(at);
        let rows: Vec<RosterRow> = users
            .iter()
            .map(|u| RosterRow {
                tenant_id: tenant.clone(),
                course_id: course.clone(),
                user_id: u.as_str().to_owned(),
                added_at: at,
            })
            .collect();
        self.run("replace roster", move |conn| {
            write_transaction(conn, |conn| {
                let keep: Vec<&str> = rows.iter().map(|r| r.user_id.as_str()).collect();
                diesel::delete(
                    course_rosters::table
                        .filter(course_rosters::tenant_id.eq(&tenant))
                        .filter(course_rosters::course_id.eq(&course))
                        .filter(course_rosters::user_id.ne_all(keep)),
                )
                .execute(conn)?;
                // Those already on the roster keep their `added_at`. SQLite
                // has no batch insert with ON CONFLICT in Diesel: one row at
                // a time, in the same transaction.
                per_backend!(conn,
                    postgres: |c| {
                        for chunk in rows.chunks(1000) {
                            diesel::insert_into(course_rosters::table)
                                .values(chunk)
                                .on_conflict_do_nothing()
                                .execute(c)?;
                        }
                    },
                    sqlite: |c| {
                        for row in &rows {
                            diesel::insert_into(course_rosters::table)
                                .values(row)
                                .on_conflict_do_nothing()
                                .execute(c)?;
                        }
                    },
                );
                Ok(())
            })
        })
        .await
    }

    async fn list(&self, tenant: &TenantId, course: &CourseId) -> Result<Vec<UserId>, RepoError> {
        let (tenant, course) = (tenant.as_str().to_owned(), course.as_str().to_owned());
        self.run("list roster", move |conn| {
            let ids: Vec<String> = course_rosters::table
                .filter(course_rosters::tenant_id.eq(&tenant))
                .filter(course_rosters::course_id.eq(&course))
                .order(course_rosters::user_id.asc())
                .select(course_rosters::user_id)
                .load(conn)?;
            ids.iter()
                .map(|id| UserId::parse(id).map_err(|e| corrupt(e.into())))
                .collect()
        })
        .await
    }

    async fn add(
        &self,
        tenant: &TenantId,
        course: &CourseId,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<bool, RepoError> {
        let row = RosterRow {
            tenant_id: tenant.as_str().to_owned(),
            course_id: course.as_str().to_owned(),
            user_id: user.as_str().to_owned(),
            added_at: to_db_time(at),
        };
        self.run("add to roster", move |conn| {
            let inserted = per_backend!(conn, |c| {
                diesel::insert_into(course_rosters::table)
                    .values(&row)
                    .on_conflict_do_nothing()
                    .execute(c)?
            });
            Ok(inserted == 1)
        })
        .await
    }

    async fn remove(
        &self,
        tenant: &TenantId,
        course: &CourseId,
        user: &UserId,
    ) -> Result<bool, RepoError> {
        let (tenant, course, user) = (
            tenant.as_str().to_owned(),
            course.as_str().to_owned(),
            user.as_str().to_owned(),
        );
        self.run("remove from roster", move |conn| {
            let deleted = diesel::delete(
                course_rosters::table
                    .filter(course_rosters::tenant_id.eq(&tenant))
                    .filter(course_rosters::course_id.eq(&course))
                    .filter(course_rosters::user_id.eq(&user)),
            )
            .execute(conn)?;
            Ok(deleted == 1)
        })
        .await
    }
}
