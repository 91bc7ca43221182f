//! `$batch`: several requests in one round trip (multipart/mixed, CRLF line ends).
//!
//! Reads go as top-level parts; writes may be grouped in a change set, which Dataverse runs
//! atomically. Responses come back in request order; a change set's responses are flattened
//! in place. Format: Microsoft Learn, "Execute batch operations using the Web API".

use super::http::{ApiRequest, ApiResponse, Method};
use crate::domain::text;
use crate::prelude::*;

/// One top-level part of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchPart {
    /// A single request (reads must be single parts).
    Single(ApiRequest),
    /// Writes run atomically; each gets `Content-ID: 1, 2, …` so later ones can say `$1`.
    ChangeSet(Vec<ApiRequest>),
}

/// Why a batch cannot be built or its response cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// A GET was put in a change set (Dataverse refuses it).
    ReadInChangeSet,
    /// The batch holds no request, or more than Dataverse's 1000.
    BadSize(usize),
    /// The response's Content-Type has no multipart boundary.
    NoBoundary,
    /// A part of the response is not an HTTP response.
    MalformedPart(String),
    /// A batch of single requests got a different number of responses.
    Unanswered {
        /// Responses received.
        answered: usize,
        /// Requests sent.
        sent: usize,
    },
}

impl BatchError {
    /// What went wrong, in English (for the log and the error detail).
    pub fn describe(&self) -> String {
        match self {
            BatchError::ReadInChangeSet => "a read inside a change set".to_owned(),
            BatchError::BadSize(count) => [
                &text::decimal(*count as i64),
                " requests (1 to ",
                &text::decimal(MAX_REQUESTS as i64),
                ")",
            ]
            .concat(),
            BatchError::NoBoundary => "no multipart boundary".to_owned(),
            BatchError::MalformedPart(line) => ["a part that is not a response: ", line].concat(),
            BatchError::Unanswered { answered, sent } => [
                &text::decimal(*answered as i64),
                " responses to ",
                &text::decimal(*sent as i64),
                " requests",
            ]
            .concat(),
        }
    }
}

/// The most requests one batch may hold.
pub const MAX_REQUESTS: usize = 1000;

/// An encoded batch request: the body and the `Content-Type` header to send with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedBatch {
    /// `multipart/mixed; boundary="batch_<id>"`.
    pub content_type: String,
    /// The multipart body.
    pub body: String,
}

/// Encodes `parts` as a `$batch` body; `id` makes the boundaries unique. Each request line is
/// an absolute URL under `service_root` (the client URL and the endpoint's path, e.g.
/// `http://server/contoso/api/data/v9.1/`): on premises the organization's name is part of
/// the path, and a line that starts at `/api/data/` would leave the organization.
pub fn encode(
    parts: &[BatchPart],
    service_root: &str,
    id: &str,
) -> Result<EncodedBatch, BatchError> {
    let count: usize = parts
        .iter()
        .map(|p| match p {
            BatchPart::Single(_) => 1,
            BatchPart::ChangeSet(requests) => requests.len(),
        })
        .sum();
    if count == 0 || count > MAX_REQUESTS {
        return Err(BatchError::BadSize(count));
    }
    let batch = ["batch_", id].concat();
    let mut body = String::new();
    for (index, part) in parts.iter().enumerate() {
        body.extend(["--", &batch, "\r\n"]);
        match part {
            BatchPart::Single(request) => write_request(&mut body, request, service_root, None),
            BatchPart::ChangeSet(requests) => {
                if requests.iter().any(|r| r.method == Method::Get) {
                    return Err(BatchError::ReadInChangeSet);
                }
                let changeset = ["changeset_", id, "_", &text::decimal(index as i64)].concat();
                body.extend([
                    "Content-Type: multipart/mixed; boundary=\"",
                    &changeset,
                    "\"\r\n\r\n",
                ]);
                for (n, request) in requests.iter().enumerate() {
                    body.extend(["--", &changeset, "\r\n"]);
                    write_request(&mut body, request, service_root, Some(n + 1));
                }
                body.extend(["--", &changeset, "--\r\n"]);
            }
        }
    }
    body.extend(["--", &batch, "--\r\n"]);
    Ok(EncodedBatch {
        content_type: ["multipart/mixed; boundary=\"", &batch, "\""].concat(),
        body,
    })
}

fn write_request(
    body: &mut String,
    request: &ApiRequest,
    service_root: &str,
    content_id: Option<usize>,
) {
    body.push_str("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
    if let Some(id) = content_id {
        body.extend(["Content-ID: ", &text::decimal(id as i64), "\r\n"]);
    }
    body.push_str("\r\n");
    // A `$n` reference stays relative: Dataverse resolves it within the change set.
    let root = if request.path.starts_with('$') {
        ""
    } else {
        service_root
    };
    body.extend([
        request.method.as_str(),
        " ",
        root,
        &request.path,
        " HTTP/1.1\r\n",
    ]);
    for (name, value) in &request.headers {
        body.extend([name.as_str(), ": ", value, "\r\n"]);
    }
    body.push_str("\r\n");
    if let Some(content) = &request.body {
        body.push_str(content);
        body.push_str("\r\n");
    }
}

/// Decodes a `$batch` response into one [`ApiResponse`] per request, in order.
pub fn decode(content_type: &str, body: &str) -> Result<Vec<ApiResponse>, BatchError> {
    let boundary = boundary_of(content_type).ok_or(BatchError::NoBoundary)?;
    let mut responses = Vec::new();
    for part in parts(body, &boundary) {
        let (headers, content) = split_head(part);
        let part_type = header_value(headers, "Content-Type").unwrap_or_default();
        if part_type
            .to_ascii_lowercase()
            .starts_with("multipart/mixed")
        {
            responses.extend(decode(&part_type, content)?);
        } else {
            responses.push(parse_http(content)?);
        }
    }
    Ok(responses)
}

/// The `boundary` parameter of a multipart Content-Type (quoted or not).
fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The decoded `responses` to `parts`, checked: a batch of single requests gets one response
/// per request or, where processing stopped at its first failure (Dataverse without
/// `odata.continue-on-error`; 8.2 and 9.0 ignore that preference), the responses up to and
/// including the failed one: the requests after it did not run, and are the caller's to send
/// again. Anything else is an error, so that no request goes unanswered unnoticed. A change
/// set is not counted: Dataverse answers a failed one with one response for all its requests.
pub fn one_per_request(
    parts: &[BatchPart],
    responses: Vec<ApiResponse>,
) -> Result<Vec<ApiResponse>, BatchError> {
    let singles = parts.iter().all(|p| matches!(p, BatchPart::Single(_)));
    let stopped_at_failure =
        responses.len() < parts.len() && responses.last().is_some_and(|r| !r.is_success());
    if !singles || responses.len() == parts.len() || stopped_at_failure {
        Ok(responses)
    } else {
        Err(BatchError::Unanswered {
            answered: responses.len(),
            sent: parts.len(),
        })
    }
}

/// The parts between `--boundary` delimiters, up to the closing `--boundary--`.
fn parts<'a>(body: &'a str, boundary: &str) -> Vec<&'a str> {
    let delimiter = ["--", boundary].concat();
    let mut out = Vec::new();
    let Some((_, mut rest)) = text::split_once(body, &delimiter) else {
        return out;
    };
    loop {
        let (chunk, next) = match text::split_once(rest, &delimiter) {
            Some((chunk, next)) => (chunk, Some(next)),
            None => (rest, None),
        };
        if chunk.starts_with("--") {
            break;
        }
        out.push(chunk.trim_start_matches(['\r', '\n']));
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// Splits a MIME entity into its header block and content at the first blank line.
fn split_head(entity: &str) -> (&str, &str) {
    for separator in ["\r\n\r\n", "\n\n"] {
        if let Some((head, rest)) = text::split_once(entity, separator) {
            return (head, rest);
        }
    }
    (entity, "")
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

fn parse_http(message: &str) -> Result<ApiResponse, BatchError> {
    let (head, body) = split_head(message);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default().trim();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| BatchError::MalformedPart(status_line.chars().take(80).collect()))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = body.trim_end_matches(['\r', '\n']).to_owned();
    Ok(ApiResponse {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataverse::http::IfMatch;
    use crate::dataverse::odata::Query;

    #[test]
    fn encodes_reads_and_a_change_set_in_the_documented_shape() {
        let parts = vec![
            BatchPart::Single(ApiRequest::get(&Query::new("RetrieveVersion()"))),
            BatchPart::ChangeSet(vec![ApiRequest::patch(
                "contacts(00000000-0000-0000-0000-000000000001)",
                "{\"donotbulkemail\":false}".into(),
                &IfMatch::Exists,
            )]),
        ];
        let batch = encode(&parts, "http://server/contoso/api/data/v9.1/", "AAA123").unwrap();
        assert_eq!(
            batch.content_type,
            "multipart/mixed; boundary=\"batch_AAA123\""
        );
        let expected = "--batch_AAA123\r\n\
            Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n\
            GET http://server/contoso/api/data/v9.1/RetrieveVersion() HTTP/1.1\r\n\
            Accept: application/json\r\nOData-MaxVersion: 4.0\r\nOData-Version: 4.0\r\n\
            If-None-Match: null\r\n\
            Prefer: odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"\r\n\r\n\
            --batch_AAA123\r\n\
            Content-Type: multipart/mixed; boundary=\"changeset_AAA123_1\"\r\n\r\n\
            --changeset_AAA123_1\r\n\
            Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\n\
            PATCH http://server/contoso/api/data/v9.1/contacts(00000000-0000-0000-0000-000000000001) HTTP/1.1\r\n\
            Accept: application/json\r\nOData-MaxVersion: 4.0\r\nOData-Version: 4.0\r\n\
            Content-Type: application/json; charset=utf-8\r\nIf-Match: *\r\n\r\n\
            {\"donotbulkemail\":false}\r\n\
            --changeset_AAA123_1--\r\n\
            --batch_AAA123--\r\n";
        assert_eq!(batch.body, expected);
    }

    #[test]
    fn refuses_a_read_inside_a_change_set_and_empty_batches() {
        let read = ApiRequest::get(&Query::new("contacts"));
        let err = encode(&[BatchPart::ChangeSet(vec![read])], ROOT, "x");
        assert_eq!(err, Err(BatchError::ReadInChangeSet));
        assert_eq!(encode(&[], ROOT, "x"), Err(BatchError::BadSize(0)));
    }

    const ROOT: &str = "https://org.crm.dynamics.com/api/data/v9.2/";

    /// A response in the shape Microsoft documents (abridged from the Learn example).
    const RESPONSE: &str = "--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\r\n\
        Content-Type: application/http\r\n\
        Content-Transfer-Encoding: binary\r\n\r\n\
        HTTP/1.1 200 OK\r\n\
        Content-Type: application/json; odata.metadata=minimal\r\n\
        OData-Version: 4.0\r\n\r\n\
        {\"@odata.context\":\"https://org.crm.dynamics.com/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse\",\"Version\":\"9.2.25093.00168\"}\r\n\
        --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\r\n\
        Content-Type: multipart/mixed; boundary=changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc\r\n\r\n\
        --changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc\r\n\
        Content-Type: application/http\r\n\
        Content-Transfer-Encoding: binary\r\n\
        Content-ID: 1\r\n\r\n\
        HTTP/1.1 204 No Content\r\n\
        OData-Version: 4.0\r\n\
        OData-EntityId: https://org.crm.dynamics.com/api/data/v9.2/annotations(4e7b6b9b-6f1b-ef11-840a-000d3a5a1b2c)\r\n\r\n\r\n\
        --changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc--\r\n\
        --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\r\n\
        Content-Type: application/http\r\n\
        Content-Transfer-Encoding: binary\r\n\r\n\
        HTTP/1.1 403 Forbidden\r\n\
        Content-Type: application/json; odata.metadata=minimal\r\n\r\n\
        {\"error\":{\"code\":\"0x80040220\",\"message\":\"Principal user is missing prvReadSolution privilege.\"}}\r\n\
        --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f--\r\n";

    #[test]
    fn decodes_reads_change_sets_and_failures_in_order() {
        let responses = decode(
            "multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f",
            RESPONSE,
        )
        .unwrap();
        assert_eq!(
            responses.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![200, 204, 403]
        );
        assert!(responses[0]
            .body
            .ends_with("\"Version\":\"9.2.25093.00168\"}"));
        assert_eq!(
            responses[1].header("odata-entityid"),
            Some("https://org.crm.dynamics.com/api/data/v9.2/annotations(4e7b6b9b-6f1b-ef11-840a-000d3a5a1b2c)")
        );
        assert_eq!(responses[1].body, "");
        assert!(responses[2].body.contains("prvReadSolution"));
    }

    #[test]
    fn decodes_lf_only_bodies_and_quoted_boundaries() {
        let body = RESPONSE.replace("\r\n", "\n");
        let content_type =
            "multipart/mixed; boundary=\"batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\"";
        assert_eq!(decode(content_type, &body).unwrap().len(), 3);
    }

    #[test]
    fn single_requests_need_one_response_each() {
        let content_type =
            "multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f";
        let responses = decode(content_type, RESPONSE).unwrap();
        let count = responses.len();
        let read = || BatchPart::Single(ApiRequest::get(&Query::new("contacts")));
        let reads = |n: usize| (0..n).map(|_| read()).collect::<Vec<_>>();
        assert_eq!(
            one_per_request(&reads(count), responses.clone()),
            Ok(responses.clone())
        );
        // A failed change set is answered once for all its requests: not counted.
        let mut with_change_set = reads(count);
        let note = ApiRequest::post("annotations", "{}".to_owned());
        with_change_set.push(BatchPart::ChangeSet(vec![note]));
        assert_eq!(
            one_per_request(&with_change_set, responses.clone()),
            Ok(responses.clone())
        );
        // Stopped at its first failure (the last response is the 403): the rest did not run.
        assert_eq!(
            one_per_request(&reads(count + 1), responses.clone()),
            Ok(responses.clone())
        );
        // Fewer responses that all succeeded: something went unanswered.
        let successes: Vec<ApiResponse> = responses[..count - 1].to_vec();
        let short = one_per_request(&reads(count), successes).unwrap_err();
        assert_eq!(
            short.describe(),
            [
                &(count - 1).to_string(),
                " responses to ",
                &count.to_string(),
                " requests"
            ]
            .concat()
        );
    }

    #[test]
    fn a_response_without_boundary_or_status_is_an_error_not_a_panic() {
        assert_eq!(
            decode("application/json", "{}"),
            Err(BatchError::NoBoundary)
        );
        let garbled = "--b\r\nContent-Type: application/http\r\n\r\nnot http\r\n--b--";
        assert!(matches!(
            decode("multipart/mixed; boundary=b", garbled),
            Err(BatchError::MalformedPart(_))
        ));
    }

    proptest::proptest! {
        /// Any response text, with any boundary, decodes to responses or a typed error.
        #[test]
        fn decoding_never_panics(body in "\\PC{0,400}", boundary in "[a-z_0-9-]{0,12}") {
            let _ = decode(&format!("multipart/mixed; boundary={boundary}"), &body);
            let _ = decode(&body, &body);
        }

        /// The parts are those `str::split` finds between delimiters, up to the closing one.
        #[test]
        fn parts_split_like_the_standard_library(body in "[-b\r\nx]{0,16}") {
            let standard: Vec<&str> = body
                .split("--b")
                .skip(1)
                .take_while(|chunk| !chunk.starts_with("--"))
                .map(|chunk| chunk.trim_start_matches(['\r', '\n']))
                .collect();
            proptest::prop_assert_eq!(parts(&body, "b"), standard);
        }

        /// Well-formed parts keep their status whatever JSON-like body they carry.
        #[test]
        fn a_single_part_keeps_its_status_and_body(status in 100u16..600, body in "[a-zA-Z0-9 {}:\",\\[\\]]{0,200}") {
            let text = format!(
                "--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 {status} X\r\nA: 1\r\n\r\n{body}\r\n--b--\r\n"
            );
            let responses = decode("multipart/mixed; boundary=b", &text).unwrap();
            proptest::prop_assert_eq!(responses.len(), 1);
            proptest::prop_assert_eq!(responses[0].status, status);
        }
    }
}
