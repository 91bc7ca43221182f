//! `POST $batch`: reads a `multipart/mixed` body (change sets nested as `multipart/mixed`
//! parts, each operation an `application/http` part), runs the operations in order through
//! [`crate::webapi::handle`], and writes the multipart answer with CRLF line ends.
//!
//! As in Dataverse: a change set is atomic (one failure rolls back its earlier operations and the
//! change set answers with that single error), `GET` is refused inside a change set, `$n`
//! references a record created earlier in the same change set (in the URL or in an
//! `@odata.bind` value), and without `Prefer: odata.continue-on-error` processing stops at the
//! first failure (status 400 or above), whose status becomes the batch's status; the multipart
//! answer holds the responses up to and including the failing one and later operations are not
//! run. Orgs before 9.1 ignore the preference; from 9.1 it is honoured (every operation runs, the
//! batch answers 200 with `Preference-Applied: odata.continue-on-error`). Line ends may be CRLF or
//! LF on input.
//!
//! Request lines may be absolute URLs (same host), absolute paths, or relative to the service
//! root; absolute ones must stay under `<organization root>/api/data/<served version>/`, or the
//! operation answers 404 (and, being a failure, stops the batch).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::guid::Guid;
use crate::model::Model;
use crate::odata::percent_decode;
use crate::reply::{reason_phrase, ApiResponse};
use crate::request::ApiRequest;
use crate::request_log::BatchPartEntry;
use crate::state::World;
use crate::webapi;

/// Most operations one batch may hold.
pub const MAX_OPERATIONS: usize = 1000;

/// One operation inside a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// `Content-ID` of the part, if any.
    pub content_id: Option<String>,
    /// HTTP method.
    pub method: String,
    /// URL as written.
    pub url: String,
    /// Headers of the inner request.
    pub headers: Vec<(String, String)>,
    /// Body of the inner request.
    pub body: Vec<u8>,
}

/// A top-level item of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A lone operation.
    Single(Operation),
    /// A change set.
    ChangeSet(Vec<Operation>),
}

/// The `boundary` parameter of a `multipart/mixed` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    params.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("boundary") {
            let value = value.trim().trim_matches('"');
            (!value.is_empty()).then(|| value.to_string())
        } else {
            None
        }
    })
}

fn bad_batch(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "0x80048d19", message)
}

fn split_parts(text: &str, boundary: &str) -> Result<Vec<String>, ApiError> {
    let delimiter = format!("--{boundary}");
    let close = format!("--{boundary}--");
    let mut parts = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    let mut closed = false;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim_end() == close {
            if let Some(lines) = current.take() {
                parts.push(lines.join("\n"));
            }
            closed = true;
            break;
        }
        if line.trim_end() == delimiter {
            if let Some(lines) = current.take() {
                parts.push(lines.join("\n"));
            }
            current = Some(Vec::new());
            continue;
        }
        if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    if !closed {
        return Err(bad_batch(format!(
            "The batch body does not end with the closing boundary '{close}'."
        )));
    }
    Ok(parts)
}

/// Headers up to the first blank line, and the rest.
fn split_head(text: &str) -> (Vec<(String, String)>, String) {
    let mut headers = Vec::new();
    let mut lines = text.split('\n');
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let rest: Vec<&str> = lines.collect();
    (headers, rest.join("\n"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn parse_operation(
    part: &str,
    part_headers: &[(String, String)],
    content: &str,
) -> Result<Operation, ApiError> {
    let content_type = header(part_headers, "content-type").unwrap_or("");
    if !content_type.trim().eq_ignore_ascii_case("application/http") {
        return Err(bad_batch(format!(
            "Each batch operation must have 'Content-Type: application/http'; found '{content_type}'."
        )));
    }
    let content = content.trim_start_matches(['\r', '\n']);
    let (request_line, rest) = content.split_once('\n').unwrap_or((content, ""));
    let mut words = request_line.split_whitespace();
    let (Some(method), Some(url)) = (words.next(), words.next()) else {
        return Err(bad_batch(format!(
            "The batch operation has no request line: '{part}'."
        )));
    };
    let (headers, body) = split_head(rest);
    let body = body.trim_end_matches(['\r', '\n']).to_string();
    Ok(Operation {
        content_id: header(part_headers, "content-id").map(str::to_string),
        method: method.to_ascii_uppercase(),
        url: url.to_string(),
        headers,
        body: body.into_bytes(),
    })
}

/// Parses a batch body.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Item>, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| bad_batch("The batch body is not UTF-8."))?;
    let mut items = Vec::new();
    let mut count = 0;
    for part in split_parts(text, boundary)? {
        let (part_headers, content) = split_head(&part);
        let content_type = header(&part_headers, "content-type").unwrap_or("");
        if let Some(inner) = self::boundary(content_type) {
            let mut operations = Vec::new();
            for inner_part in split_parts(&content, &inner)? {
                let (inner_headers, inner_content) = split_head(&inner_part);
                if header(&inner_headers, "content-type")
                    .and_then(self::boundary)
                    .is_some()
                {
                    return Err(bad_batch("Change sets cannot be nested."));
                }
                let operation = parse_operation(&inner_part, &inner_headers, &inner_content)?;
                if operation.method == "GET" {
                    return Err(bad_batch(format!(
                        "GET requests are not allowed inside a change set ('GET {}').",
                        operation.url
                    )));
                }
                operations.push(operation);
            }
            count += operations.len();
            items.push(Item::ChangeSet(operations));
        } else {
            items.push(Item::Single(parse_operation(
                &part,
                &part_headers,
                &content,
            )?));
            count += 1;
        }
        if count > MAX_OPERATIONS {
            return Err(bad_batch(format!(
                "The batch holds more than {MAX_OPERATIONS} operations."
            )));
        }
    }
    if items.is_empty() {
        return Err(bad_batch("The batch holds no operations."));
    }
    Ok(items)
}

/// The answer to a batch and what the request log should say about its operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOutcome {
    /// The HTTP response (multipart, or a JSON error when the batch could not be read).
    pub response: ApiResponse,
    /// Each operation with its status.
    pub parts: Vec<BatchPartEntry>,
}

fn reference_error(reference: &str) -> ApiError {
    ApiError::new(
        400,
        "0x80060888",
        format!("Content-ID Reference: '{reference}' does not exist in the batch context."),
    )
}

/// `$1…` at the start of `text`: the reference and the rest.
fn leading_reference(text: &str) -> Option<(&str, &str)> {
    let digits = text.strip_prefix('$')?;
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    (end > 0).then(|| (&text[..end + 1], &text[end + 1..]))
}

fn substitute_body(
    body: &[u8],
    references: &BTreeMap<String, String>,
) -> Result<Vec<u8>, ApiError> {
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(body) else {
        return Ok(body.to_vec());
    };
    let mut changed = false;
    for (key, value) in map.iter_mut() {
        if !(key.ends_with("@odata.bind") || key == "@odata.id") {
            continue;
        }
        let Some(text) = value.as_str() else { continue };
        let Some((reference, rest)) = leading_reference(text) else {
            continue;
        };
        let target = references
            .get(&reference[1..])
            .ok_or_else(|| reference_error(reference))?;
        *value = Value::String(format!("{target}{rest}"));
        changed = true;
    }
    if !changed {
        return Ok(body.to_vec());
    }
    serde_json::to_vec(&Value::Object(map)).map_err(|_| ApiError::unexpected())
}

fn inner_request(
    outer: &ApiRequest,
    operation: &Operation,
    references: &BTreeMap<String, String>,
) -> Result<ApiRequest, ApiError> {
    let mut url = operation.url.clone();
    if let Some((reference, rest)) = leading_reference(&url) {
        let target = references
            .get(&reference[1..])
            .ok_or_else(|| reference_error(reference))?;
        url = format!("{target}{rest}");
    }
    if let Some(after_scheme) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    {
        let (authority, path) = match after_scheme.find('/') {
            Some(i) => (&after_scheme[..i], &after_scheme[i..]),
            None => (after_scheme, "/"),
        };
        let own = outer
            .origin
            .split_once("://")
            .map_or(outer.origin.as_str(), |(_, a)| a);
        if !authority.eq_ignore_ascii_case(own) {
            return Err(ApiError::new(
                404,
                "0x8006088a",
                format!("The batch operation URL '{}' names the host '{authority}', not this service ('{own}').", operation.url),
            ));
        }
        url = path.to_string();
    }
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let (version, resource) = if path.starts_with('/') {
        // An absolute path must stay inside the organization: `<root>/api/data/<version>/…`.
        let Some(rest) = crate::settings::org_scoped(path, &outer.root, "/api/data/") else {
            let service = format!("{}/api/data/", outer.root);
            return Err(ApiError::new(
                404,
                "0x8006088a",
                format!("Resource not found for the segment '{}': the batch operation URL '{}' is outside this organization's service root '{service}'.", path.trim_start_matches('/').split('/').next().unwrap_or(""), operation.url),
            ));
        };
        rest.split_once('/').unwrap_or((rest, ""))
    } else {
        (outer.version.as_str(), path)
    };
    let resource = percent_decode(resource, false).ok_or_else(ApiError::query_syntax)?;
    Ok(ApiRequest {
        method: operation.method.clone(),
        version: version.to_string(),
        resource,
        query: query.to_string(),
        headers: operation.headers.clone(),
        body: substitute_body(&operation.body, references)?,
        origin: outer.origin.clone(),
        root: outer.root.clone(),
    })
}

/// Runs one operation; the flag says whether an `omit` fault leaves its response out.
fn run(
    model: &Model,
    world: &mut World,
    outer: &ApiRequest,
    operation: &Operation,
    references: &BTreeMap<String, String>,
    now: Timestamp,
) -> (ApiResponse, bool) {
    let request = match inner_request(outer, operation, references) {
        Ok(request) => request,
        Err(error) => return (error.into(), false),
    };
    let query = if request.query.is_empty() {
        String::new()
    } else {
        format!("?{}", request.query)
    };
    let relative = format!("/api/data/{}/{}{query}", request.version, request.resource);
    let path = format!("{}{relative}", request.root);
    let fault = world
        .faults
        .take_any(&operation.method, &[path.as_str(), relative.as_str()], true);
    if let Some(error) = fault.as_ref().and_then(Fault::error) {
        return (error.into(), false);
    }
    let omitted = fault == Some(Fault::Omit);
    (webapi::handle(model, world, &request, now), omitted)
}

/// Runs a `$batch` request.
pub fn execute(
    model: &Model,
    world: &mut World,
    outer: &ApiRequest,
    now: Timestamp,
) -> BatchOutcome {
    let failed = |error: ApiError| BatchOutcome {
        response: error.into(),
        parts: Vec::new(),
    };
    if outer.method != "POST" {
        return failed(ApiError::method_not_allowed(&outer.method));
    }
    if !world.settings.serves_api_version(&outer.version) {
        return failed(ApiError::segment_not_found(&outer.version));
    }
    let content_type = outer.header("content-type").unwrap_or("");
    let Some(boundary) = boundary(content_type) else {
        return failed(bad_batch(format!(
            "A $batch request needs 'Content-Type: multipart/mixed; boundary=batch_<id>'; found '{content_type}'."
        )));
    };
    let items = match parse(&outer.body, &boundary) {
        Ok(items) => items,
        Err(error) => return failed(error),
    };
    // 8.x and 9.0 ignore the preference and stop at the first failure; 9.1 and later honour it.
    let continue_on_error =
        outer.preferences().continue_on_error && world.settings.honours_continue_on_error();
    let response_boundary = format!("batchresponse_{}", Guid::generate());
    let mut out = String::new();
    let mut parts = Vec::new();
    let mut status = 200;
    let mut stopped = false;

    for (index, item) in items.iter().enumerate() {
        match item {
            Item::Single(operation) => {
                if stopped {
                    parts.push(entry(operation, None, None));
                    continue;
                }
                let (response, omitted) =
                    run(model, world, outer, operation, &BTreeMap::new(), now);
                parts.push(entry(operation, Some(response.status), None));
                if !omitted {
                    out.push_str(&format!("--{response_boundary}\r\n"));
                    write_http_part(&mut out, &response, None);
                }
                if failed_status(response.status) && !continue_on_error {
                    status = response.status;
                    stopped = true;
                }
            }
            Item::ChangeSet(operations) => {
                if stopped {
                    parts.extend(operations.iter().map(|o| entry(o, None, Some(index))));
                    continue;
                }
                let snapshot = world.store.clone();
                let mut references = BTreeMap::new();
                let mut responses = Vec::new();
                let mut failure = None;
                let mut ran = 0;
                for operation in operations {
                    let (response, omitted) = run(model, world, outer, operation, &references, now);
                    ran += 1;
                    parts.push(entry(operation, Some(response.status), Some(index)));
                    if failed_status(response.status) {
                        failure = Some(response);
                        break;
                    }
                    if let (Some(id), Some(url)) =
                        (&operation.content_id, response.header("OData-EntityId"))
                    {
                        references.insert(id.clone(), url.to_string());
                    }
                    if !omitted {
                        responses.push((operation.content_id.clone(), response));
                    }
                }
                parts.extend(
                    operations
                        .iter()
                        .skip(ran)
                        .map(|o| entry(o, None, Some(index))),
                );
                out.push_str(&format!("--{response_boundary}\r\n"));
                match failure {
                    Some(error) => {
                        world.store = snapshot;
                        write_http_part(&mut out, &error, None);
                        if !continue_on_error {
                            status = error.status;
                            stopped = true;
                        }
                    }
                    None => {
                        let change_boundary = format!("changesetresponse_{}", Guid::generate());
                        out.push_str(&format!(
                            "Content-Type: multipart/mixed; boundary={change_boundary}\r\n\r\n"
                        ));
                        for (content_id, response) in &responses {
                            out.push_str(&format!("--{change_boundary}\r\n"));
                            write_http_part(&mut out, response, content_id.as_deref());
                        }
                        out.push_str(&format!("--{change_boundary}--\r\n"));
                    }
                }
            }
        }
    }
    out.push_str(&format!("--{response_boundary}--\r\n"));
    let mut headers = vec![(
        "Content-Type".to_string(),
        format!("multipart/mixed; boundary={response_boundary}"),
    )];
    if continue_on_error {
        headers.push((
            "Preference-Applied".to_string(),
            "odata.continue-on-error".to_string(),
        ));
    }
    BatchOutcome {
        response: ApiResponse {
            status,
            headers,
            body: out.into_bytes(),
        },
        parts,
    }
}

/// What stops a batch: an operation (or change set) answering 400 or above.
fn failed_status(status: u16) -> bool {
    status >= 400
}

fn entry(operation: &Operation, status: Option<u16>, change_set: Option<usize>) -> BatchPartEntry {
    BatchPartEntry {
        method: operation.method.clone(),
        path: operation.url.clone(),
        status,
        change_set,
    }
}

fn write_http_part(out: &mut String, response: &ApiResponse, content_id: Option<&str>) {
    out.push_str("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
    if let Some(id) = content_id {
        out.push_str(&format!("Content-ID: {id}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason_phrase(response.status)
    ));
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("OData-Version: 4.0\r\n\r\n");
    if !response.body.is_empty() {
        out.push_str(&String::from_utf8_lossy(&response.body));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_and_bare_boundaries() {
        assert_eq!(
            boundary("multipart/mixed; boundary=\"batch_1\"").as_deref(),
            Some("batch_1")
        );
        assert_eq!(
            boundary("multipart/mixed;boundary=batch_AAA123").as_deref(),
            Some("batch_AAA123")
        );
        assert_eq!(boundary("application/json"), None);
    }

    #[test]
    fn parses_a_change_set_and_a_get_with_lf_line_ends() {
        let body = "--batch_1\nContent-Type: multipart/mixed; boundary=changeset_2\n\n--changeset_2\nContent-Type: application/http\nContent-Transfer-Encoding: binary\nContent-ID: 1\n\nPOST /api/data/v9.2/annotations HTTP/1.1\nContent-Type: application/json\n\n{\"subject\":\"a\"}\n--changeset_2--\n--batch_1\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\nGET /api/data/v9.2/RetrieveVersion() HTTP/1.1\n\n\n--batch_1--\n";
        let items = parse(body.as_bytes(), "batch_1");
        let Ok(items) = items else {
            panic!("batch did not parse: {items:?}");
        };
        assert_eq!(items.len(), 2);
        let Item::ChangeSet(ops) = &items[0] else {
            panic!("first item should be a change set");
        };
        assert_eq!(ops[0].content_id.as_deref(), Some("1"));
        assert_eq!(ops[0].body, b"{\"subject\":\"a\"}".to_vec());
        assert!(
            matches!(&items[1], Item::Single(op) if op.method == "GET" && op.url == "/api/data/v9.2/RetrieveVersion()")
        );
    }

    #[test]
    fn references_are_only_dollar_digits() {
        assert_eq!(leading_reference("$1/subject"), Some(("$1", "/subject")));
        assert_eq!(leading_reference("$batch"), None);
        assert_eq!(leading_reference("/contacts"), None);
    }
}
