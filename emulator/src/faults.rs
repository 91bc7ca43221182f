//! Fault injection: rules armed through `POST /_emulator/faults` that make the next N matching
//! requests fail (an error status with a Dataverse body), lose their connection, or wait first.
//!
//! Matching: `method` is compared case-insensitively (absent or `"*"` = any method). `path` is
//! matched against the request's path with its query string (e.g.
//! `/api/data/v9.2/annotations?$select=subject`): without a `*` it is a substring test; with `*`
//! the whole string must match, each `*` standing for any run of characters
//! (`/api/data/*/annotations*`). An empty or absent path matches everything. When an
//! organization is set, a request is tested both with its full path (`/contoso/api/data/…`) and
//! with the path after the organization (`/api/data/…`), so patterns work on premises and online. With
//! `"inBatch": true` a `status` or `omit` rule is tested against the operations inside `$batch`
//! requests instead of against whole HTTP requests.

use serde::{Deserialize, Serialize};

use crate::errors::ApiError;

/// What happens to a matching request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Fault {
    /// Answer with an error status and a Dataverse error body.
    Status {
        /// 401, 403, 412, 429, 500 or 503.
        status: u16,
        /// `Retry-After` seconds for 429 (default 1).
        #[serde(
            rename = "retryAfter",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        retry_after: Option<u64>,
        /// Overrides the error code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// Overrides the error message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Close the connection without answering.
    Drop,
    /// Wait, then handle the request normally.
    Delay {
        /// How long to wait, in milliseconds.
        ms: u64,
    },
    /// Inside a `$batch` only: run the operation, but leave its response out of the answer (a
    /// malformed batch response, as from a broken proxy).
    Omit,
}

impl Fault {
    /// The error response of a `status` fault.
    pub fn error(&self) -> Option<ApiError> {
        let Fault::Status {
            status,
            retry_after,
            code,
            message,
        } = self
        else {
            return None;
        };
        let mut error = match status {
            401 => ApiError::unauthorized(),
            403 => ApiError::privilege_denied("prvRead"),
            412 => ApiError::version_mismatch(),
            429 => ApiError::too_many_requests(retry_after.unwrap_or(1)),
            500 => ApiError::unexpected(),
            _ => ApiError::unavailable(),
        };
        if let Some(code) = code {
            error.code = code.clone();
        }
        if let Some(message) = message {
            error.message = message.clone();
        }
        Some(error)
    }

    /// A short name for the request log.
    pub fn label(&self) -> String {
        match self {
            Fault::Status { status, .. } => format!("status {status}"),
            Fault::Drop => "drop".to_string(),
            Fault::Delay { ms } => format!("delay {ms}ms"),
            Fault::Omit => "omit".to_string(),
        }
    }
}

/// One armed rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// HTTP method to match (absent or `*` = any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path pattern (see the module docs).
    #[serde(default)]
    pub path: String,
    /// How many more requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
    /// What happens.
    pub fault: Fault,
    /// Apply to operations inside `$batch` instead of whole requests (status and omit faults).
    #[serde(default)]
    pub in_batch: bool,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// Checks a rule before it is armed.
    pub fn validate(&self) -> Result<(), String> {
        if self.count == 0 {
            return Err("count must be at least 1".to_string());
        }
        match &self.fault {
            Fault::Status { status, .. } if ![401, 403, 412, 429, 500, 503].contains(status) => {
                Err(format!(
                    "status {status} is not injectable (use 401, 403, 412, 429, 500 or 503)"
                ))
            }
            Fault::Drop | Fault::Delay { .. } if self.in_batch => {
                Err("only status and omit faults can apply inside a $batch".to_string())
            }
            Fault::Omit if !self.in_batch => {
                Err("an omit fault applies inside a $batch only (\"inBatch\": true)".to_string())
            }
            Fault::Delay { ms } if *ms > 120_000 => {
                Err("delay ms must be at most 120000".to_string())
            }
            _ => Ok(()),
        }
    }

    fn matches(&self, method: &str, path: &str, in_batch: bool) -> bool {
        self.in_batch == in_batch
            && self
                .method
                .as_deref()
                .is_none_or(|m| m == "*" || m.eq_ignore_ascii_case(method))
            && pattern_matches(&self.path, path)
    }
}

/// The armed rules, in arming order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    /// Arms a rule.
    pub fn arm(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    /// Disarms everything.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The armed rules.
    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// The fault for a request, if a rule matches; uses up one of that rule's count.
    pub fn take(&mut self, method: &str, path: &str, in_batch: bool) -> Option<Fault> {
        self.take_any(method, &[path], in_batch)
    }

    /// Like [`Faults::take`] for a request known by several paths (with and without the
    /// organization prefix): a rule applies when it matches any of them.
    pub fn take_any(&mut self, method: &str, paths: &[&str], in_batch: bool) -> Option<Fault> {
        let index = self
            .rules
            .iter()
            .position(|r| paths.iter().any(|path| r.matches(method, path, in_batch)))?;
        let rule = self.rules.get_mut(index)?;
        let fault = rule.fault.clone();
        rule.count = rule.count.saturating_sub(1);
        if rule.count == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }
}

/// Substring test, or a whole-string glob when the pattern has a `*`.
pub fn pattern_matches(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return text.contains(pattern);
    }
    let pieces: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match pieces.split_first() {
        Some(split) => split,
        None => return true,
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for piece in middle {
        match remaining.find(piece) {
            Some(index) => remaining = &remaining[index + piece.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_and_glob_patterns() {
        let path = "/api/data/v9.2/annotations?$select=subject";
        assert!(pattern_matches("annotations", path));
        assert!(pattern_matches("", path));
        assert!(pattern_matches("/api/data/*/annotations*", path));
        assert!(!pattern_matches("/api/data/*/annotations", path));
        assert!(pattern_matches("*subject", path));
        assert!(!pattern_matches("contacts", path));
        assert!(!pattern_matches("/api/*/contacts*", path));
    }

    #[test]
    fn a_rule_applies_count_times_then_disarms() {
        let mut faults = Faults::default();
        faults.arm(FaultRule {
            method: Some("post".into()),
            path: "annotations".into(),
            count: 2,
            fault: Fault::Drop,
            in_batch: false,
        });
        assert_eq!(
            faults.take("GET", "/api/data/v9.2/annotations", false),
            None
        );
        assert_eq!(
            faults.take("POST", "/api/data/v9.2/annotations", false),
            Some(Fault::Drop)
        );
        assert_eq!(
            faults.take("POST", "/api/data/v9.2/annotations", false),
            Some(Fault::Drop)
        );
        assert_eq!(
            faults.take("POST", "/api/data/v9.2/annotations", false),
            None
        );
        assert!(faults.rules().is_empty());
    }
}
