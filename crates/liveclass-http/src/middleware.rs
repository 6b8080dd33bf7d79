//! Middleware the server wraps around the routes.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpMessage, HttpResponse};
use tracing_actix_web::RequestId;

use crate::error::{ApiError, ErrorCode};

/// Rewrites any error response that is not already JSON (actix's own 404,
/// 405, 413, payload and routing errors) into the project's error shape, so a
/// client never sees an HTML page or an empty body.
pub fn json_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|res: ServiceResponse<B>| {
        let is_json = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        // The join page answers browsers' errors in HTML on purpose.
        let is_page = res
            .response()
            .extensions()
            .contains::<crate::join_page::HtmlPage>();
        if is_json || is_page {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        let error = generic_error(status);
        let (req, original) = res.into_parts();
        let mut replacement = HttpResponse::build(status).json(error.body());
        // Keep headers such as Allow and WWW-Authenticate.
        for (name, value) in original.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                replacement
                    .headers_mut()
                    .insert(name.clone(), value.clone());
            }
        }
        Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, replacement).map_into_right_body(),
        ))
    })
}

fn generic_error(status: StatusCode) -> ApiError {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "No such route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "Method not allowed on this route",
        ),
        StatusCode::URI_TOO_LONG => (ErrorCode::UriTooLong, "The request target is too long"),
        StatusCode::PAYLOAD_TOO_LARGE => {
            (ErrorCode::PayloadTooLarge, "The request body is too large")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "The request body must be application/json",
        ),
        s if s.is_server_error() => (ErrorCode::InternalError, "Internal server error"),
        _ => (ErrorCode::BadRequest, "The request could not be understood"),
    };
    ApiError::with_status(status, code, message)
}

/// The longest request target (path and query string) served, in bytes: as
/// most servers and proxies allow. Longer ones are answered 414
/// `uri_too_long` before routing.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Refuses a request target longer than [`MAX_URI_BYTES`] with a JSON 414
/// (`uri_too_long`), whatever the path and method.
pub async fn limit_uri<B: MessageBody>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    use actix_web::ResponseError;
    let len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if len > MAX_URI_BYTES {
        let response = ApiError::new(
            ErrorCode::UriTooLong,
            format!("The request target is {len} bytes long; at most {MAX_URI_BYTES} are served"),
        )
        .error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Echoes the request id tracing-actix-web assigned as `x-request-id`, so a
/// client can quote it and an operator find the request's log lines.
pub async fn request_id_header(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().copied();
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok()) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}
