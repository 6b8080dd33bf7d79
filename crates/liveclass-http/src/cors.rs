//! Cross-origin requests from browsers (CORS), for the origins listed in
//! `LIVECLASS_CORS_ORIGINS` and no others. None by default: then no CORS
//! header is ever sent and browsers keep other origins out.
//!
//! For a listed origin:
//! - a preflight (`OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method`) on any path is answered 204 with the
//!   methods ([`ALLOWED_METHODS`]) and request headers ([`ALLOWED_HEADERS`])
//!   the API takes, cacheable for [`MAX_AGE_SECONDS`];
//! - every answer (errors included) carries `Access-Control-Allow-Origin`
//!   with that origin and `Access-Control-Expose-Headers`
//!   ([`EXPOSED_HEADERS`]), so scripts can read the request id,
//!   `Retry-After` and `Location`.
//!
//! Credentials are off (no `Access-Control-Allow-Credentials`): the API
//! authenticates with bearer tokens, never with cookies. A request from any
//! other origin is served as if CORS did not exist (a preflight then gets the
//! route's own answer, a 404 or 405, without CORS headers), so same-origin
//! pages and non-browser clients that send `Origin` are never refused.
//!
//! Written here rather than with `actix-cors`: that middleware answers a
//! disallowed origin with a plain-text 400 of its own (outside the JSON
//! error shape), even for requests that need no CORS at all.

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::web;

use crate::state::AppState;

/// The methods the API serves, for preflights.
pub const ALLOWED_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE";
/// The request headers the API reads, for preflights.
pub const ALLOWED_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID";
/// The response headers scripts may read besides the CORS-safelisted ones.
pub const EXPOSED_HEADERS: &str = "x-request-id, Retry-After, Location, Idempotent-Replayed";
/// How long a browser may cache a preflight's answer.
pub const MAX_AGE_SECONDS: u32 = 600;

/// The origins allowed to call the API from a browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cors {
    origins: Arc<[String]>,
}

impl Cors {
    /// No cross-origin access (the default).
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Parses a comma-separated list of exact origins
    /// (`https://app.example.org,http://localhost:3000`); blanks are ignored.
    ///
    /// # Errors
    /// An entry that is not `http(s)://host[:port]` (no path, no trailing
    /// slash, no wildcard), with a message naming it.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut origins = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            origins.push(parse_origin(entry)?);
        }
        Ok(Self {
            origins: origins.into(),
        })
    }

    /// The allowed origins, normalised (lower case).
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    pub fn is_enabled(&self) -> bool {
        !self.origins.is_empty()
    }

    fn allows(&self, origin: &HeaderValue) -> bool {
        origin
            .to_str()
            .is_ok_and(|o| self.origins.iter().any(|a| a.eq_ignore_ascii_case(o)))
    }
}

fn parse_origin(entry: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        Err(format!(
            "`{entry}` is not an origin ({why}); expected scheme://host[:port], \
             e.g. https://app.example.org"
        ))
    };
    if entry == "*" {
        return refuse("wildcards are not supported: list each origin");
    }
    let Some((scheme, rest)) = entry.split_once("://") else {
        return refuse("no scheme");
    };
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return refuse("the scheme must be http or https");
    }
    if rest.is_empty() {
        return refuse("no host");
    }
    if rest.contains(['/', '?', '#', '@', ' ', '*']) {
        return refuse("no path, query, user or trailing slash");
    }
    let host = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((_, tail)) => tail,
            None => return refuse("unclosed IPv6 bracket"),
        },
        None => rest,
    };
    if let Some((_, port)) = host.rsplit_once(':')
        && port.parse::<u16>().is_err()
    {
        return refuse("the port must be a number from 0 to 65535");
    }
    Ok(entry.to_ascii_lowercase())
}

/// Middleware: see the module docs.
pub async fn handle<B: MessageBody>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let cors = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.cors.clone())
        .filter(Cors::is_enabled);
    let Some(cors) = cors else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .filter(|o| cors.allows(o))
        .cloned();
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if let (Some(origin), true) = (&origin, preflight) {
        let mut response = HttpResponse::NoContent().finish();
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOWED_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS.into());
        headers.append(
            header::VARY,
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        );
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    add_headers(res.headers_mut(), origin);
    Ok(res.map_into_left_body())
}

/// The headers of an actual (non-preflight) answer while CORS is on.
fn add_headers(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    // The answer depends on `Origin` whenever CORS is on: caches must key on it.
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_exact_scheme_host_and_port() {
        let cors = Cors::parse(" https://App.example.org , http://localhost:3000,,").unwrap();
        assert_eq!(
            cors.origins(),
            ["https://app.example.org", "http://localhost:3000"]
        );
        assert!(cors.allows(&HeaderValue::from_static("https://app.example.org")));
        assert!(!cors.allows(&HeaderValue::from_static("https://app.example.org:8443")));
        assert!(!cors.allows(&HeaderValue::from_static("http://app.example.org")));
        assert!(Cors::parse("http://[::1]:8080").is_ok());
        assert!(!Cors::parse("").unwrap().is_enabled());
        for bad in [
            "*",
            "app.example.org",
            "https://app.example.org/",
            "https://app.example.org/path",
            "ftp://x.org",
            "https://",
            "https://x.org:port",
            "https://*.example.org",
        ] {
            let err = Cors::parse(bad).unwrap_err();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }
}
