//! The scenario knobs a test or the demo panel turns at run time: the organization version, the
//! installed connector version (or none), whether the `solution` table may be read, and
//! whether the demo page is served under a strict Content Security Policy.

use serde::Serialize;
use serde_json::Value;

use crate::config::EmulatorConfig;

/// The current scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// What `RetrieveVersion()` answers; also decides which `/api/data/vX.Y/` paths exist.
    pub org_version: String,
    /// The connector solution's version; `None` = not installed.
    pub connector_version: Option<String>,
    /// `false` makes every read of `solutions` answer 403.
    pub solution_readable: bool,
    /// `true` serves the demo page with a Content Security Policy that allows scripts from the
    /// site but not WebAssembly compilation (no `'wasm-unsafe-eval'`), like a strict org.
    pub strict_csp: bool,
}

/// The strict policy: scripts from this site only; WebAssembly compilation is refused.
pub const STRICT_CSP: &str = "script-src 'self'; object-src 'none'; base-uri 'self'";

impl Settings {
    /// The settings a configuration starts with.
    pub fn from_config(config: &EmulatorConfig) -> Settings {
        Settings {
            org_version: config.org_version.clone(),
            connector_version: config.connector_version.clone(),
            solution_readable: true,
            strict_csp: false,
        }
    }

    /// Applies a partial JSON update (`{"orgVersion": …, "connectorVersion": … | null,
    /// "solutionReadable": …}`); absent fields stay as they are. Nothing changes on error.
    pub fn apply(&mut self, update: &Value) -> Result<(), String> {
        let Some(object) = update.as_object() else {
            return Err("settings must be a JSON object".to_string());
        };
        let mut next = self.clone();
        for (name, value) in object {
            match name.as_str() {
                "orgVersion" => match value.as_str() {
                    Some(v) if is_version(v) => next.org_version = v.to_string(),
                    _ => return Err(format!("orgVersion must be a version string like \"9.2.25093.00168\", got {value}")),
                },
                "connectorVersion" => match value {
                    Value::Null => next.connector_version = None,
                    Value::String(v) if is_version(v) => next.connector_version = Some(v.clone()),
                    _ => return Err(format!("connectorVersion must be a version string like \"7.0.1.721\" or null, got {value}")),
                },
                "solutionReadable" => match value.as_bool() {
                    Some(b) => next.solution_readable = b,
                    None => return Err(format!("solutionReadable must be true or false, got {value}")),
                },
                "strictCsp" => match value.as_bool() {
                    Some(b) => next.strict_csp = b,
                    None => return Err(format!("strictCsp must be true or false, got {value}")),
                },
                other => return Err(format!("unknown setting '{other}' (known: orgVersion, connectorVersion, solutionReadable, strictCsp)")),
            }
        }
        *self = next;
        Ok(())
    }

    /// Whether the org serves the Web API at `version` (`v8.0`…`v9.2`): a Web API version exists
    /// when it is not newer than the org (a 9.x org also serves v8.x), and there is none before 8.0.
    pub fn serves_api_version(&self, version: &str) -> bool {
        let Some((major, minor)) = version
            .strip_prefix('v')
            .and_then(|v| v.split_once('.'))
            .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
        else {
            return false;
        };
        let known = matches!((major, minor), (8, 0..=2) | (9, 0..=2));
        let org = org_major_minor(&self.org_version);
        known && org >= (8, 0) && (major, minor) <= org
    }
}

fn org_major_minor(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// A version string of 2 to 4 numeric parts (leading zeros allowed).
pub fn is_version(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 10 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn org_version_decides_which_web_api_versions_exist() {
        let mut settings = Settings::from_config(&EmulatorConfig::default());
        assert!(settings.serves_api_version("v9.2"));
        assert!(settings.serves_api_version("v8.2"));
        assert!(!settings.serves_api_version("v9.3"));
        assert_eq!(settings.apply(&json!({"orgVersion": "8.2.2.112"})), Ok(()));
        assert!(!settings.serves_api_version("v9.2"));
        assert!(settings.serves_api_version("v8.2"));
        assert_eq!(settings.apply(&json!({"orgVersion": "7.0.0.3543"})), Ok(()));
        assert!(!settings.serves_api_version("v8.2"));
    }

    #[test]
    fn rejects_bad_values_without_changing_anything() {
        let mut settings = Settings::from_config(&EmulatorConfig::default());
        let before = settings.clone();
        assert!(settings
            .apply(&json!({"connectorVersion": null, "orgVersion": "nine"}))
            .is_err());
        assert_eq!(settings, before);
        assert!(settings.apply(&json!({"frob": 1})).is_err());
    }
}
