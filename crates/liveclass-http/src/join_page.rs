//! Join links for people: personal links in calendar feeds, and the small
//! HTML page a browser gets on `GET /join/{joinHash}`.
//!
//! **Personal links.** A calendar app cannot send a bearer token, so the
//! feeds fetched with a calendar token carry, per class,
//! `/join/{joinHash}?access=<token hash>.<expiry>.<signature>`: the SHA-256
//! of the feed's token (never the token itself), when the link expires (a
//! day after the class's scheduled end), and an HMAC-SHA256 over both and
//! the class's join hash with the server's `LIVECLASS_JOIN_LINK_SECRET`. So
//! a link is scoped to its class (the signature covers the join hash) and to
//! the token's owner, expires after the class, and dies with the calendar
//! tokens: following it looks the token up, and a revoked one opens nothing.
//! Without the secret, feeds carry the plain link, which needs a bearer
//! token as before.
//!
//! **The page.** A request whose `Accept` prefers `text/html` to JSON (what
//! browsers send) gets HTML instead of the JSON answer: a countdown before
//! the start (it reloads itself at the start, without script too), the
//! redirect to the room once live (the same 302), and a page that says why
//! for a full, ended or cancelled class or a link that leads nowhere, with
//! the same status codes. API clients asking for JSON (or `*/*`) get what
//! they always got. Pages are plain server-rendered HTML: no external
//! resources, one small inline style and script, `lang`, headings, a
//! `role="timer"` countdown, and `Referrer-Policy: no-referrer` so the room
//! never sees the link.

use std::fmt::Write as _;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{StatusCode, header::HeaderMap};
use actix_web::{HttpResponse, HttpResponseBuilder};
use hmac::{Hmac, Mac};
use liveclass_domain::LiveClass;
use liveclass_domain::calendar::CalendarTokenHash;
use sha2::Sha256;
use time::OffsetDateTime;

use crate::error::{ApiError, ErrorCode};

/// Marks a response as a page meant for a browser, so that
/// `crate::middleware::json_errors` leaves its error statuses alone.
#[derive(Debug, Clone, Copy)]
pub struct HtmlPage;

/// How long after the class's scheduled end (or, without one, its start) a
/// personal link keeps working.
pub const LINK_GRACE: time::Duration = time::Duration::days(1);

/// Signs and checks personal join links. Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(<redacted>)")
    }
}

/// A personal link's parts, its signature checked.
#[derive(Debug)]
pub struct PersonalLink {
    pub token: CalendarTokenHash,
    pub expires: OffsetDateTime,
}

impl LinkSigner {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: secret.to_vec(),
        }
    }

    fn mac(&self, token: &str, expires: i64, join_hash: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(format!("liveclass-join-link\n{join_hash}\n{token}\n{expires}").as_bytes());
        mac
    }

    /// The `access` value of `class`'s personal link for the owner of the
    /// calendar token whose hash is `token`.
    pub fn access(&self, token: &CalendarTokenHash, class: &LiveClass) -> String {
        let end = class.scheduled_end.unwrap_or(class.scheduled_at);
        let expires = liveclass_domain::instant::later(end, LINK_GRACE).unix_timestamp();
        let join_hash = class.join_hash.to_string();
        let signature = hex(&self
            .mac(token.as_str(), expires, &join_hash)
            .finalize()
            .into_bytes());
        format!("{}.{expires}.{signature}", token.as_str())
    }

    /// The link's token hash and expiry, if `access` was signed by this
    /// server for `join_hash`. Expiry and revocation are checked by the
    /// caller (`Calendars::link_owner`).
    pub fn check(&self, access: &str, join_hash: &str) -> Option<PersonalLink> {
        let mut parts = access.split('.');
        let (token, expires, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let token = CalendarTokenHash::parse(token)?;
        let expires_at: i64 = expires.parse().ok()?;
        let signature = unhex(signature)?;
        self.mac(token.as_str(), expires_at, join_hash)
            .verify_slice(&signature)
            .ok()?;
        Some(PersonalLink {
            token,
            expires: OffsetDateTime::from_unix_timestamp(expires_at).ok()?,
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Whether the request's `Accept` prefers HTML to JSON: browsers say
/// `text/html,…,*/*;q=0.8`; API clients say `application/json`, `*/*`, or
/// nothing.
pub fn wants_html(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (mut html, mut json) = (0.0_f32, 0.0_f32);
    for item in accept.split(',') {
        let mut params = item.split(';');
        let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = params
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "application/json" | "application/*" | "*/*" => json = json.max(q),
            _ => {}
        }
    }
    html > 0.0 && html > json
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1f24}\
main{max-width:36rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.75rem;\
box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.5rem;margin:0 0 1rem}\
.timer{font-size:2.5rem;font-weight:700;font-variant-numeric:tabular-nums;margin:1rem 0}\
.note{color:#4a5260}a{color:#0b57d0}";

fn page(status: StatusCode, title: &str, body: &str, refresh_seconds: Option<i64>) -> HttpResponse {
    let refresh = refresh_seconds
        .map(|s| format!("<meta http-equiv=\"refresh\" content=\"{s}\">"))
        .unwrap_or_default();
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">{refresh}\
         <title>{} · LiveClass</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>\n",
        escape(title)
    );
    let mut response = html_headers(HttpResponseBuilder::new(status)).body(html);
    response.extensions_mut().insert(HtmlPage);
    response
}

fn html_headers(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ));
    builder
}

fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// "2 h 05 min 09 s"-style text for `seconds`.
fn duration_text(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    if d > 0 {
        format!("{d} d {h} h {m:02} min")
    } else if h > 0 {
        format!("{h} h {m:02} min {s:02} s")
    } else {
        format!("{m} min {s:02} s")
    }
}

/// Before the start: the class, when it starts, and a countdown that
/// reloads the page at the start (a `refresh` does it without script).
pub fn countdown(class: &LiveClass, seconds_until_start: i64) -> HttpResponse {
    let title = escape(class.title.as_str());
    if seconds_until_start <= 0 {
        let body = format!(
            "<h1>{title}</h1><p>It is time: the class starts as soon as the teacher opens it.</p>\
             <p class=\"note\">This page checks again every 15 seconds and takes you in once \
             the class is live.</p>"
        );
        return page(StatusCode::OK, class.title.as_str(), &body, Some(15));
    }
    // Reload at the start, and at least hourly so a long wait stays right.
    let refresh = seconds_until_start.clamp(1, 3600);
    let body = format!(
        "<h1>{title}</h1>\
         <p>The class starts at <time datetime=\"{iso}\">{when}</time>.</p>\
         <p class=\"timer\" role=\"timer\" aria-live=\"off\" aria-label=\"Time until the start\" \
         id=\"timer\" data-seconds=\"{seconds_until_start}\">{left}</p>\
         <p class=\"note\">Keep this page open: it takes you into the class once it is live.</p>\
         <script>(function(){{var el=document.getElementById('timer');\
         var end=Date.now()+1000*Number(el.dataset.seconds);\
         function f(n){{return n<10?'0'+n:''+n}}\
         function tick(){{var s=Math.max(0,Math.round((end-Date.now())/1000));\
         var d=Math.floor(s/86400),h=Math.floor(s%86400/3600),m=Math.floor(s%3600/60),x=s%60;\
         el.textContent=d>0?d+' d '+h+' h '+f(m)+' min':h>0?h+' h '+f(m)+' min '+f(x)+' s':m+' min '+f(x)+' s';\
         if(s===0){{location.reload()}}else{{setTimeout(tick,1000)}}}}tick()}})();</script>",
        iso = rfc3339(class.scheduled_at),
        when = utc(class.scheduled_at),
        left = duration_text(seconds_until_start),
    );
    page(StatusCode::OK, class.title.as_str(), &body, Some(refresh))
}

/// In the class: the same 302 to the room as for API clients, with a link
/// for the rare browser that does not follow it.
pub fn redirect(room_url: &str) -> HttpResponse {
    let link = escape(room_url);
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Joining · LiveClass</title></head><body><main><h1>Joining the class</h1>\
         <p><a href=\"{link}\">Open the class</a></p></main></body></html>\n"
    );
    let mut builder = html_headers(HttpResponse::Found());
    if let Ok(location) = HeaderValue::from_str(room_url) {
        builder.insert_header((header::LOCATION, location));
    }
    let mut response = builder.body(body);
    response.extensions_mut().insert(HtmlPage);
    response
}

/// Why the link does not lead into the class, as a page with the error's
/// status.
pub fn problem(error: &ApiError) -> HttpResponse {
    // `detail`: whether the API's own message adds something (a capacity,
    // an unexpected failure's wording).
    let (title, text, refresh, detail) = match error.code {
        ErrorCode::ClassFull => (
            "This class is full",
            "Every seat is taken. Try again in a moment: a seat frees up when someone leaves.",
            None,
            true,
        ),
        ErrorCode::ClassEnded => ("This class has ended", "The class is over.", None, false),
        ErrorCode::ClassCancelled => (
            "This class was cancelled",
            "The class will not take place.",
            None,
            false,
        ),
        ErrorCode::ClassNotLive => (
            "The class is not live",
            "The class has not started, or is not open for joining. This page checks again \
             every 30 seconds.",
            Some(30),
            false,
        ),
        ErrorCode::JoinLinkNotFound | ErrorCode::ClassNotFound => (
            "This link leads nowhere",
            "No class has this join link. Check that you opened the whole link.",
            None,
            false,
        ),
        ErrorCode::MissingToken => (
            "Sign in to join",
            "Open this link from your platform, or from your LiveClass calendar, which \
             carries your personal link.",
            None,
            false,
        ),
        ErrorCode::InvalidToken | ErrorCode::TokenExpired => (
            "This join link no longer works",
            "It has expired or was revoked. Open the class again from your platform or your \
             calendar.",
            None,
            false,
        ),
        ErrorCode::RateLimited => (
            "Too many attempts",
            "Wait a moment, then try again.",
            Some(
                error
                    .retry_after
                    .map_or(5, |d| i64::try_from(d.as_secs().max(1)).unwrap_or(5)),
            ),
            false,
        ),
        _ => (
            "The class cannot be joined right now",
            "Try again in a moment.",
            None,
            true,
        ),
    };
    let detail = if detail {
        format!("<p class=\"note\">{}</p>", escape(&error.message))
    } else {
        String::new()
    };
    let body = format!("<h1>{}</h1><p>{}</p>{detail}", escape(title), escape(text));
    let mut response = page(error.status, title, &body, refresh);
    if let Some(after) = error.retry_after
        && let Ok(value) = HeaderValue::from_str(&after.as_secs().max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use actix_web::http::header::HeaderMap;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn browsers_get_html_and_api_clients_json() {
        let chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,\
                        image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
        assert!(wants_html(&accept(chromium)));
        assert!(wants_html(&accept("text/html")));
        for api in [
            "*/*",
            "application/json",
            "application/json, text/html;q=0.5",
            "text/html;q=0.5, */*",
            "text/calendar",
        ] {
            assert!(!wants_html(&accept(api)), "{api}");
        }
        assert!(!wants_html(&HeaderMap::new()));
    }

    #[test]
    fn a_signed_link_checks_only_for_its_class_and_unaltered() {
        let signer = LinkSigner::new(b"a-join-link-secret-of-32-bytes-or-more");
        let token = CalendarTokenHash::parse(&"ab".repeat(32)).unwrap();
        let mac = |join: &str, exp: i64| {
            hex(&signer
                .mac(token.as_str(), exp, join)
                .finalize()
                .into_bytes())
        };
        let access = format!(
            "{}.{}.{}",
            token.as_str(),
            1_900_000_000,
            mac("h1", 1_900_000_000)
        );
        let link = signer.check(&access, "h1").unwrap();
        assert_eq!(link.token, token);
        assert_eq!(link.expires.unix_timestamp(), 1_900_000_000);
        // Another class, a later expiry, another key, or garbage: refused.
        assert!(signer.check(&access, "h2").is_none());
        let stretched = access.replace(".1900000000.", ".1900000001.");
        assert!(signer.check(&stretched, "h1").is_none());
        assert!(LinkSigner::new(b"another").check(&access, "h1").is_none());
        for junk in ["", "a.b.c", "x.y", &format!("{access}.extra")] {
            assert!(signer.check(junk, "h1").is_none(), "{junk}");
        }
    }

    #[test]
    fn pages_escape_what_they_show() {
        let error = ApiError::new(ErrorCode::ClassFull, "<script>alert(1)</script>");
        let response = problem(&error);
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "text/html; charset=utf-8"
        );
        assert_eq!(duration_text(3_725), "1 h 02 min 05 s");
        assert_eq!(duration_text(65), "1 min 05 s");
        assert_eq!(duration_text(90_000), "1 d 1 h 00 min");
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
