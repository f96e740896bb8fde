//! A recording reverse proxy on 127.0.0.1 for the contract tests: the client talks to it,
//! it forwards each request to Prism and returns Prism's answer unchanged (hop-by-hop
//! headers aside), and it records the request and Prism's `sl-violations` header, which
//! the generated client does not expose. One instance per Prism; it stops when dropped.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request through the proxy and Prism's answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// As the client sent them (names lower-cased).
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Prism's status.
    pub status: u16,
    /// Prism's `sl-violations` header as it came: a JSON array of violations, absent when
    /// Prism found none.
    pub violations_header: Option<String>,
    /// Prism's body.
    pub response_body: Vec<u8>,
}

impl Exchange {
    /// The violations Prism listed, each as JSON (`location`, `severity`, `code`,
    /// `message`); a header that is not a JSON array (Prism cuts very long ones) becomes
    /// one string entry.
    pub fn violations(&self) -> Vec<serde_json::Value> {
        match &self.violations_header {
            None => Vec::new(),
            Some(raw) => match serde_json::from_str::<serde_json::Value>(raw) {
                Ok(serde_json::Value::Array(items)) => items,
                _ => vec![serde_json::Value::String(raw.clone())],
            },
        }
    }

    /// The request body as JSON (`Null` when empty or not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Clone)]
struct Shared {
    upstream: SocketAddr,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

/// The proxy; see the module docs.
pub struct RecordingProxy {
    addr: SocketAddr,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RecordingProxy {
    /// Starts a proxy to `upstream` on an ephemeral port of 127.0.0.1.
    pub async fn start(upstream: SocketAddr) -> RecordingProxy {
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(forward).with_state(Shared {
            upstream,
            exchanges: exchanges.clone(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        RecordingProxy {
            addr,
            exchanges,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything forwarded so far, in order.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().unwrap().clone()
    }
}

/// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), and the
/// framing headers the proxy sets itself.
fn hop_by_hop(name: &str) -> bool {
    matches!(
        name,
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "content-length"
            | "host"
    )
}

async fn forward(State(shared): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match to_bytes(body, 16 << 20).await {
        Ok(b) => b.to_vec(),
        Err(e) => return bad_gateway(format!("cannot read the request body: {e}")),
    };
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let had_body_framing = parts.headers.contains_key("content-length")
        || parts.headers.contains_key("transfer-encoding");
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n",
        parts.method, shared.upstream
    );
    for (name, value) in &parts.headers {
        if hop_by_hop(name.as_str()) {
            continue;
        }
        head.push_str(name.as_str());
        head.push_str(": ");
        head.push_str(&String::from_utf8_lossy(value.as_bytes()));
        head.push_str("\r\n");
    }
    if had_body_framing || !body.is_empty() {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let answer = match exchange_with(shared.upstream, head.as_bytes(), &body).await {
        Ok(raw) => raw,
        Err(e) => return bad_gateway(format!("Prism at {}: {e}", shared.upstream)),
    };
    let (status, headers, response_body) = match parse_response(&answer) {
        Ok(parsed) => parsed,
        Err(e) => return bad_gateway(format!("Prism at {}: {e}", shared.upstream)),
    };
    shared.exchanges.lock().unwrap().push(Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers.clone(),
        body,
        status,
        violations_header: headers
            .get("sl-violations")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        response_body: response_body.clone(),
    });
    let mut resp = Response::new(Body::from(response_body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (name, value) in &headers {
        if !hop_by_hop(name.as_str()) {
            resp.headers_mut().append(name.clone(), value.clone());
        }
    }
    resp
}

fn bad_gateway(message: String) -> Response {
    (
        StatusCode::BAD_GATEWAY,
        format!("recording proxy: {message}"),
    )
        .into_response()
}

/// Sends one request on a fresh connection (`connection: close`) and reads the answer to
/// the end.
async fn exchange_with(upstream: SocketAddr, head: &[u8], body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut socket = tokio::net::TcpStream::connect(upstream).await?;
    socket.write_all(head).await?;
    socket.write_all(body).await?;
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await?;
    Ok(answer)
}

/// Splits an HTTP/1.1 response into status, headers and body (de-chunked).
fn parse_response(raw: &[u8]) -> Result<(u16, HeaderMap, Vec<u8>), String> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no complete response head in {} bytes", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad header line {line:?}"))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|e| format!("bad header name {name:?}: {e}"))?;
        let value = HeaderValue::from_bytes(value.trim().as_bytes())
            .map_err(|e| format!("bad header value {value:?}: {e}"))?;
        headers.append(name, value);
    }
    let rest = &raw[head_end + 4..];
    let chunked = headers
        .get("transfer-encoding")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(len) = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        if rest.len() < len {
            return Err(format!("body cut: {} of {len} bytes", rest.len()));
        }
        rest[..len].to_vec()
    } else {
        rest.to_vec()
    };
    Ok((status, headers, body))
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("chunk size line not terminated")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| format!("bad chunk size {size_text:?}: {e}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size + 2 {
            return Err("chunk cut".to_string());
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_length_and_chunked_answers() {
        let (status, headers, body) = parse_response(
            b"HTTP/1.1 400 Bad Request\r\nsl-violations: [1]\r\ncontent-length: 2\r\n\r\n{}",
        )
        .unwrap();
        assert_eq!((status, body.as_slice()), (400, b"{}".as_slice()));
        assert_eq!(headers["sl-violations"], "[1]");
        let (_, _, body) = parse_response(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(body, b"abcde");
        assert!(parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc").is_err());
    }
}
