//! Registers every route, the body and query limits, the OpenAPI document
//! and Swagger UI, and a JSON 404 for everything else.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;
use crate::handlers::{actual_times, calendar, health, join_links, live_classes as lc, schedules};
use crate::openapi::ApiDoc;

/// Everything but the middleware and the app data (`LiveClassService`,
/// `JwtVerifier`), which the caller provides.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ApiError::bad_request("invalid_query", format!("Invalid query string: {e}")).into()
        }))
        .service(health::healthz)
        .service(health::readyz)
        .service(lc::create::create_class)
        .service(lc::list::list_classes)
        .service(lc::get::get_class)
        .service(lc::start::start_class)
        .service(lc::end::end_class)
        .service(lc::join::join_class)
        .service(lc::leave::leave_class)
        .service(lc::participants::list_participants)
        .service(lc::recording::set_recording)
        .service(lc::update::update_class)
        .service(lc::cancel::cancel_class)
        .service(lc::token::issue_token)
        .service(schedules::create::create_schedule)
        .service(schedules::list::list_schedules)
        .service(schedules::get::get_schedule)
        .service(schedules::update::update_schedule)
        .service(schedules::delete::delete_schedule)
        .service(join_links::follow::follow_join_link)
        .service(actual_times::record::record_actual_time)
        .service(calendar::issue_token::issue_calendar_token)
        .service(calendar::revoke_tokens::revoke_calendar_tokens)
        .service(calendar::course_feed::course_calendar)
        .service(calendar::user_feed::user_calendar)
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ApiDoc::openapi()))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    ApiError::not_found(
        "not_found",
        format!("No route for {} {}", req.method(), req.path()),
    )
    .error_response()
}
