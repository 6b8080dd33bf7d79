//! The HTTP/1.1 server: actix-http's dispatcher over the application, with
//! the dispatcher's own error answers given the JSON error shape.
//!
//! actix-http answers some requests before any service or middleware runs,
//! with hard-coded, empty-bodied responses (`actix-http` 3.x,
//! `h1/dispatcher.rs`): 400 for a request it cannot parse, 431 for a head
//! over 128 KiB or with more than 96 headers, 408 for a client that sends no
//! complete head within the client request timeout. Its configuration
//! (`ServiceConfig`, `HttpServiceBuilder`) has no hook for their bodies. So
//! the connection's I/O is wrapped ([`JsonErrorsIo`]): when the dispatcher
//! writes one of those responses — the last thing it writes on a connection,
//! status 400, 408 or 431 with `content-length: 0` and no `content-type`,
//! which the application never sends (`liveclass_http::middleware::json_errors`
//! gives every error of its own a JSON body) — the head is rewritten to carry
//! the JSON error body with its code (`bad_request`, `request_timeout`,
//! `headers_too_large`).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_http::{HttpService, Request, Response};
use actix_service::{
    IntoServiceFactory, Service, ServiceFactory, ServiceFactoryExt, fn_service, map_config,
};
use actix_web::body::MessageBody;
use actix_web::dev::AppConfig;
use actix_web::http::StatusCode;
use actix_web::rt::net::TcpStream;
use liveclass_http::{ApiError, ErrorCode};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How long a client has to send a complete request head (408 after it).
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle keep-alive connection stays open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(5);
/// How long a closing connection gets to be shut down cleanly.
pub const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Binds the application to `listener` with actix-http's HTTP/1.1
/// dispatcher over [`JsonErrorsIo`], under an actix server of `workers`
/// workers (the number of cores when `None`).
///
/// # Errors
/// When the listener cannot be registered.
pub fn serve<F, I, S, B>(
    listener: std::net::TcpListener,
    workers: Option<usize>,
    shutdown_timeout: Duration,
    app: F,
) -> io::Result<actix_web::dev::Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: std::fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let addr = listener.local_addr()?;
    let mut builder = actix_server::Server::build()
        .shutdown_timeout(shutdown_timeout.as_secs())
        // `run_until_stopped` handles SIGINT/SIGTERM, for the workers too.
        .disable_signals();
    if let Some(workers) = workers {
        builder = builder.workers(workers);
    }
    let builder = builder.listen("liveclass-http", listener, move || {
        let factory = app()
            .into_factory()
            .map_err(|err| err.into().error_response());
        // actix-web's own `AppConfig` for the address (what `HttpServer`
        // passes): its public constructor is `Default` (localhost:8080);
        // the host only matters for requests without a `Host` header.
        let http = HttpService::build()
            .keep_alive(KEEP_ALIVE)
            .client_request_timeout(CLIENT_REQUEST_TIMEOUT)
            .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
            .local_addr(addr)
            .h1(map_config(factory, |()| AppConfig::default()));
        fn_service(|io: TcpStream| {
            let peer: Option<SocketAddr> = io.peer_addr().ok();
            std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                JsonErrorsIo::new(io),
                peer,
            )))
        })
        .and_then(http)
    })?;
    Ok(builder.run())
}

/// A connection whose dispatcher-made error answers get the JSON error body
/// (see the module docs). Everything else passes through unchanged.
pub struct JsonErrorsIo<T> {
    inner: T,
    /// Rewritten bytes not yet written to `inner`.
    pending: Vec<u8>,
    written: usize,
}

impl<T> JsonErrorsIo<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl<T: AsyncWrite + Unpin> JsonErrorsIo<T> {
    /// Writes what is pending; ready once nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonErrorsIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonErrorsIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(rewritten) = rewrite_dispatcher_error(buf) {
            // Accepted whole; written by this call and the flushes after it.
            this.pending = rewritten;
            if let Poll::Ready(Err(e)) = this.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.poll_pending(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// When `buf` ends with an empty-bodied 400, 408 or 431 head (the
/// dispatcher's own answers), `buf` with that head carrying the JSON error
/// body; `None` otherwise.
pub fn rewrite_dispatcher_error(buf: &[u8]) -> Option<Vec<u8>> {
    const START: &[u8] = b"HTTP/1.1 ";
    if !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let at = buf.windows(START.len()).rposition(|w| w == START)?;
    let head = std::str::from_utf8(&buf[at..buf.len() - 4]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()?
        .get(START.len()..START.len() + 3)?
        .parse()
        .ok()?;
    let (code, message) = match status {
        400 => (
            ErrorCode::BadRequest,
            "The request could not be parsed as HTTP/1.1",
        ),
        408 => (
            ErrorCode::RequestTimeout,
            "No complete request head arrived in time",
        ),
        431 => (
            ErrorCode::HeadersTooLarge,
            "The request head is larger than 128 KiB or has more than 96 headers",
        ),
        _ => return None,
    };
    let mut kept = Vec::new();
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.eq_ignore_ascii_case("content-type") {
            return None;
        }
        if name.eq_ignore_ascii_case("content-length") {
            empty = value.trim() == "0";
        } else {
            kept.push(line);
        }
    }
    if !empty {
        return None;
    }
    let status = StatusCode::from_u16(status).ok()?;
    let body = serde_json::to_vec(&ApiError::with_status(status, code, message).body()).ok()?;
    let mut out = buf[..at].to_vec();
    out.extend_from_slice(head.split("\r\n").next()?.as_bytes());
    out.extend_from_slice(b"\r\n");
    for line in kept {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"content-type: application/json\r\n");
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite_dispatcher_error;

    #[test]
    fn only_the_dispatchers_empty_error_heads_are_rewritten() {
        let timeout = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(rewrite_dispatcher_error(timeout).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ndate: x\r\ncontent-type: application/json\r\ncontent-length: "), "{out}");
        assert!(out.ends_with("\"code\":\"request_timeout\"}"), "{out}");
        // A JSON 400 of the application, a 404, a 400 with a body: untouched.
        for untouched in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ncontent-type: application/json\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}",
        ] {
            assert_eq!(rewrite_dispatcher_error(untouched), None);
        }
    }
}
