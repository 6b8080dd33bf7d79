//! The one registration list, and the application built from it.
//!
//! Registering a handler in [`register`] serves it and documents it: the
//! OpenAPI paths are collected from the same calls (utoipa-actix-web), so an
//! operation can be neither served undocumented nor documented unserved.

use actix_web::body::MessageBody;
use std::sync::OnceLock;

use actix_web::dev::{ResourceDef, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{ApiError, ErrorCode};
use crate::extract::MAX_BODY_BYTES;
use crate::handlers::{
    actual_times, admission as adm, calendar, controls as ctl, courses, health, interactions as ia,
    join_links, live_classes as lc, polls, provider_accounts as pa, provider_events as pe,
    provider_webhooks as pwh, reactions, recordings as rec, resources as res, schedules,
    webhooks as wh,
};
use crate::middleware;
use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Every operation of the API. Add a handler here and it is served and in
/// the OpenAPI document.
fn register(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(lc::create::create_class)
        .service(lc::list::list_classes)
        .service(lc::get::get_class)
        .service(lc::start::start_class)
        .service(lc::end::end_class)
        .service(lc::join::join_class)
        .service(lc::leave::leave_class)
        .service(lc::participants::list_participants)
        .service(lc::attendance::class_attendance)
        .service(lc::events::list_class_events)
        .service(lc::events_token::issue_stream_token)
        .service(lc::recording::set_recording)
        .service(lc::update::update_class)
        .service(lc::cancel::cancel_class)
        .service(lc::token::issue_token)
        .service(adm::request_to_join::request_to_join)
        .service(adm::my_request::my_request)
        .service(adm::list_requests::list_requests)
        .service(adm::decide_requests::decide_requests)
        .service(adm::single_decision::approve_request)
        .service(adm::single_decision::reject_request)
        .service(adm::remove_participant::remove_participant)
        .service(adm::join_waitlist::join_waitlist)
        .service(adm::list_waitlist::list_waitlist)
        .service(adm::my_waitlist::my_waitlist)
        .service(adm::leave_waitlist::leave_waitlist)
        .service(ctl::list_co_hosts::list_co_hosts)
        .service(ctl::grant_co_host::grant_co_host)
        .service(ctl::revoke_co_host::revoke_co_host)
        .service(ctl::mute_all::mute_all)
        .service(ctl::update_participant::update_participant)
        .service(ctl::raise_hand::raise_hand)
        .service(ctl::lower_hand::lower_hand)
        .service(ctl::list_hands::list_hands)
        .service(rec::start::start_recording)
        .service(rec::stop::stop_recording)
        .service(rec::list::list_recordings)
        .service(rec::get::get_recording)
        .service(rec::file::open_recording)
        .service(rec::access::set_recording_access)
        .service(rec::delete::delete_recording)
        .service(actual_times::record::record_actual_time)
        .service(schedules::create::create_schedule)
        .service(schedules::list::list_schedules)
        .service(schedules::get::get_schedule)
        .service(schedules::update::update_schedule)
        .service(schedules::delete::delete_schedule)
        .service(join_links::follow::follow_join_link)
        .service(calendar::issue_token::issue_calendar_token)
        .service(calendar::revoke_tokens::revoke_calendar_tokens)
        .service(calendar::course_feed::course_calendar)
        .service(calendar::user_feed::user_calendar)
        .service(courses::get_roster::get_roster)
        .service(courses::attendance::course_attendance)
        .service(crate::handlers::me::attendance::my_attendance)
        .service(crate::handlers::attendance_settings::get::get_attendance_settings)
        .service(crate::handlers::attendance_settings::put::put_attendance_settings)
        .service(crate::handlers::attendance_settings::reset::reset_attendance_settings)
        .service(courses::put_roster::put_roster)
        .service(courses::add_to_roster::add_to_roster)
        .service(courses::remove_from_roster::remove_from_roster)
        .service(wh::create::create_webhook_endpoint)
        .service(wh::list::list_webhook_endpoints)
        .service(wh::get::get_webhook_endpoint)
        .service(wh::update::update_webhook_endpoint)
        .service(wh::delete::delete_webhook_endpoint)
        .service(wh::rotate_secret::rotate_webhook_secret)
        .service(wh::deliveries::list_webhook_deliveries)
        .service(wh::retry::retry_webhook_delivery)
        .service(ia::post_message::post_message)
        .service(ia::list_messages::list_messages)
        .service(ia::delete_message::delete_message)
        .service(ia::ask_question::ask_question)
        .service(ia::list_questions::list_questions)
        .service(ia::upvote_question::upvote_question)
        .service(ia::set_question_status::set_question_status)
        .service(ia::post_interaction::post_interaction)
        .service(ia::list_interactions::list_interactions)
        .service(ia::mark_read::mark_read)
        .service(polls::create::create_poll)
        .service(polls::list::list_polls)
        .service(polls::get::get_poll)
        .service(polls::open::open_poll)
        .service(polls::close::close_poll)
        .service(polls::vote::vote_poll)
        .service(reactions::post::post_reaction)
        .service(reactions::summary::reaction_summary)
        .service(res::share::share_resource)
        .service(res::list::list_resources)
        .service(res::remove::remove_resource)
        .service(pwh::daily::receive_daily_webhook)
        .service(pwh::zoom::receive_zoom_webhook)
        .service(pe::list::list_provider_events)
        .service(pe::reprocess::reprocess_provider_event)
        .service(pa::create::create_provider_account)
        .service(pa::list::list_provider_accounts)
        .service(pa::get::get_provider_account)
        .service(pa::update::update_provider_account)
        .service(pa::delete::delete_provider_account)
        .service(pa::test::test_provider_account);
}

/// The OpenAPI document of [`register`]'s operations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(register)
        .split_for_parts();
    crate::openapi::finish(api)
}

/// The whole application: middleware, the state, every operation, the
/// OpenAPI document at `/openapi.json`, Swagger UI at `/docs`, a JSON 405
/// with `Allow` for a known path with another method, and a JSON 404 for
/// everything else. The server and every test build the app with this.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            ApiError::new(
                ErrorCode::InvalidQuery,
                format!("Invalid query string: {e}"),
            )
            .into()
        }))
        .configure(register)
        .split_for_parts();
    let api = crate::openapi::document_value(&crate::openapi::finish(api));
    app.service(SwaggerUi::new("/docs/{_:.*}").external_url_unchecked("/openapi.json", api))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        // For Prometheus, not API clients: outside the OpenAPI document.
        .route(
            crate::metrics::METRICS_PATH,
            web::get().to(crate::metrics::serve),
        )
        .default_service(web::to(not_found))
        .wrap(middleware::json_errors())
        .wrap(from_fn(middleware::limit_uri))
        .wrap(from_fn(middleware::request_id_header))
        .wrap(from_fn(crate::cors::handle))
        .wrap(from_fn(crate::metrics::track))
        .wrap(TracingLogger::default())
}

/// The default service: a known path with a method it does not have is a
/// 405 with `Allow` (`method_not_allowed`), anything else a 404
/// (`not_found`). Operations are registered with method guards, so actix
/// itself would send both to this service.
async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    let allowed = allowed_methods(req.path());
    if allowed.is_empty() || allowed.contains(req.method()) {
        return ApiError::new(
            ErrorCode::NotFound,
            format!("No route for {} {}", req.method(), req.path()),
        )
        .error_response();
    }
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} is not allowed on {}; allowed: {allow}",
            req.method(),
            req.path()
        ),
    )
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The methods served on `path`: those of the operations whose path template
/// matches it (taken from the OpenAPI document, so from [`register`]), and
/// `GET` on the documentation routes. Empty for an unknown path.
pub fn allowed_methods(path: &str) -> Vec<Method> {
    static PATHS: OnceLock<Vec<(ResourceDef, Vec<Method>)>> = OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        let mut paths: Vec<(ResourceDef, Vec<Method>)> = openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::HEAD, item.head.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::OPTIONS, item.options.is_some()),
                    (Method::TRACE, item.trace.is_some()),
                ];
                let methods = methods
                    .into_iter()
                    .filter_map(|(method, served)| served.then_some(method))
                    .collect();
                (ResourceDef::new(template.as_str()), methods)
            })
            .collect();
        for docs in [
            "/openapi.json",
            "/docs",
            "/docs/{_:.*}",
            crate::metrics::METRICS_PATH,
        ] {
            paths.push((ResourceDef::new(docs), vec![Method::GET]));
        }
        paths
    });
    // As OpenAPI resolves paths, a template with fewer parameters wins
    // (`…/participants/mute-all` over `…/participants/{userId}`): `Allow`
    // lists the methods of the most specific templates that match.
    let params = |def: &ResourceDef| def.pattern().map_or(0, |p| p.matches('{').count());
    let Some(fewest) = paths
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .map(|(def, _)| params(def))
        .min()
    else {
        return Vec::new();
    };
    let mut allowed: Vec<Method> = Vec::new();
    for (def, methods) in paths {
        if def.is_match(path) && params(def) == fewest {
            for method in methods {
                if !allowed.contains(method) {
                    allowed.push(method.clone());
                }
            }
        }
    }
    allowed
}

#[cfg(test)]
mod allow_tests {
    use super::*;

    #[test]
    fn allow_follows_the_most_specific_template() {
        let class = "/live-classes/7ea17a3c-3bd2-4ab8-8273-1e866540f68c";
        assert_eq!(
            allowed_methods(&format!("{class}/participants/mute-all")),
            vec![Method::POST]
        );
        assert!(allowed_methods(&format!("{class}/participants/bob")).contains(&Method::PATCH));
        assert!(allowed_methods("/nowhere").is_empty());
    }
}
