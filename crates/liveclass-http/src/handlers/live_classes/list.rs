use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{ClassListResponse, ListClassesQuery};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListClassesErrors: [AUTH, QUERY], [ValidationFailed]);

/// List your tenant's classes, ordered by scheduled time; every filter given
/// must hold. Each class carries your `unreadMessages` (counted for the
/// whole page in one query).
#[utoipa::path(
    tag = "live-classes",
    params(ListClassesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of classes", body = ClassListResponse),
        ListClassesErrors,
    )
)]
#[get("/live-classes")]
pub async fn list_classes(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    query: web::Query<ListClassesQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .services
        .live_classes
        .list(&caller, query.into_inner().try_into()?)
        .await?;
    let ids: Vec<_> = page.classes.iter().map(|(c, _)| c.id).collect();
    let unread = state.services.unread.unread_counts(&caller, &ids).await?;
    Ok(HttpResponse::Ok().json(ClassListResponse::new(page, &caller, &unread)))
}
