//! The demo's static files: `/main.aspx` (the demo form page, which reads its own query string),
//! `/demo/<path>` and `/WebResources/<name>` (the built web resources first, then the www folder).
//! Paths are decoded and checked: a `..` segment is refused with 400, a missing folder or file
//! is a 404, never a crash.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Response, StatusCode};

/// The content type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "resx" | "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Why a request path cannot name a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRefused {
    /// Not valid percent-encoding or UTF-8.
    Malformed,
    /// Climbs out of the folder (`..`) or is absolute.
    Traversal,
    /// Names no file.
    Empty,
}

/// Turns the URL path after a prefix into a relative file path, refusing traversal.
pub fn safe_relative(raw: &str) -> Result<PathBuf, PathRefused> {
    let decoded = crate::odata::percent_decode(raw, false).ok_or(PathRefused::Malformed)?;
    let mut path = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return Err(PathRefused::Traversal),
            s if s.contains('\\') || s.contains(':') || s.contains('\0') => {
                return Err(PathRefused::Traversal)
            }
            s => path.push(s),
        }
    }
    if path.as_os_str().is_empty() {
        return Err(PathRefused::Empty);
    }
    Ok(path)
}

/// Serves the first of `roots.join(relative)` that is a file.
pub async fn serve(roots: &[PathBuf], raw_relative: &str) -> Response<Body> {
    let relative = match safe_relative(raw_relative) {
        Ok(relative) => relative,
        Err(PathRefused::Traversal) | Err(PathRefused::Malformed) => {
            return plain(
                StatusCode::BAD_REQUEST,
                "Bad request: the path is not allowed.",
            )
        }
        Err(PathRefused::Empty) => return plain(StatusCode::NOT_FOUND, "Not found."),
    };
    for root in roots {
        let candidate = root.join(&relative);
        let is_file = tokio::fs::metadata(&candidate)
            .await
            .map(|m| m.is_file())
            .unwrap_or(false);
        if !is_file {
            continue;
        }
        return match tokio::fs::read(&candidate).await {
            Ok(bytes) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type(&candidate))
                .header(header::CACHE_CONTROL, "no-store")
                .body(Body::from(bytes))
                .unwrap_or_else(|_| {
                    plain(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Could not build the response.",
                    )
                }),
            Err(_) => plain(StatusCode::NOT_FOUND, "Not found."),
        };
    }
    plain(StatusCode::NOT_FOUND, "Not found.")
}

/// A plain-text answer.
pub fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal_even_when_encoded() {
        assert_eq!(safe_relative("../secret"), Err(PathRefused::Traversal));
        assert_eq!(safe_relative("a/%2e%2e/b"), Err(PathRefused::Traversal));
        assert_eq!(safe_relative("a\\..\\b"), Err(PathRefused::Traversal));
        assert_eq!(
            safe_relative("abc_/resubscribe/form.js"),
            Ok(PathBuf::from("abc_/resubscribe/form.js"))
        );
    }

    #[test]
    fn resx_is_served_as_xml() {
        assert_eq!(
            content_type(Path::new("strings/Resubscribe.1033.resx")),
            "application/xml"
        );
        assert_eq!(
            content_type(Path::new("form.js")),
            "text/javascript; charset=utf-8"
        );
    }
}
