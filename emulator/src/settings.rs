//! The scenario knobs a test or the demo panel turns at run time: the organization version (which
//! decides the Web API versions served and whether `$batch` honours `odata.continue-on-error`),
//! the on-premises organization name (the `/<org>/` path prefix), the installed connector version
//! (or none), whether the `solution` table may be read, and whether the demo page is served under
//! a strict Content Security Policy.

use serde::Serialize;
use serde_json::Value;

use crate::config::EmulatorConfig;

/// The current scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// What `RetrieveVersion()` answers; also decides which `/api/data/vX.Y/` paths exist.
    pub org_version: String,
    /// The on-premises organization name: every organization-scoped path (`api/data/`,
    /// `main.aspx`, `WebResources/`) lives under `/<organization>/`. Empty = online, service at
    /// the site root.
    pub organization: String,
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
            organization: config.organization.clone(),
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
                "organization" => match value {
                    Value::Null => next.organization = String::new(),
                    Value::String(v) => {
                        check_organization(v)?;
                        next.organization = v.clone();
                    }
                    _ => return Err(format!("organization must be a name like \"contoso\", \"\" or null (online), got {value}")),
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
                other => return Err(format!("unknown setting '{other}' (known: orgVersion, organization, connectorVersion, solutionReadable, strictCsp)")),
            }
        }
        next.check_combination()?;
        *self = next;
        Ok(())
    }

    /// An organization path means on-premises, and on-premises stops at 9.1: Web API v9.2 and
    /// org version 9.2 exist only online (Dataverse).
    pub fn check_combination(&self) -> Result<(), String> {
        if !self.organization.is_empty() && org_major_minor(&self.org_version) >= (9, 2) {
            return Err(format!(
                "organization '{}' makes this an on-premises org, but orgVersion {} is online only (on-premises versions go up to 9.1); set orgVersion to e.g. \"9.1.0.15000\" or organization to \"\"",
                self.organization, self.org_version
            ));
        }
        Ok(())
    }

    /// The path every organization-scoped URL starts with: `""` online, `/<organization>` on
    /// premises.
    pub fn org_root(&self) -> String {
        if self.organization.is_empty() {
            String::new()
        } else {
            format!("/{}", self.organization)
        }
    }

    /// Whether `$batch` honours `Prefer: odata.continue-on-error`: from 9.1 on; 8.x and 9.0
    /// ignore it and stop at the first failure.
    pub fn honours_continue_on_error(&self) -> bool {
        org_major_minor(&self.org_version) >= (9, 1)
    }

    /// The Web API versions this org serves, oldest first (`["v8.0", …]`).
    pub fn api_versions(&self) -> Vec<String> {
        [(8, 0), (8, 1), (8, 2), (9, 0), (9, 1), (9, 2)]
            .iter()
            .map(|(a, b)| format!("v{a}.{b}"))
            .filter(|v| self.serves_api_version(v))
            .collect()
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
        let canonical = version == format!("v{major}.{minor}");
        let known = canonical && matches!((major, minor), (8, 0..=2) | (9, 0..=2));
        let org = org_major_minor(&self.org_version);
        known && org >= (8, 0) && (major, minor) <= org
    }
}

fn org_major_minor(version: &str) -> (u32, u32) {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Names that cannot be an organization because the emulator serves them at the site root, or
/// because they would read as an organization-scoped path.
const RESERVED_ORGANIZATIONS: [&str; 5] = ["api", "demo", "webresources", "xrmservices", "main"];

/// An on-premises organization name: a letter, then letters or digits (at most 64), and not one
/// of the emulator's own root folders.
pub fn check_organization(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Ok(());
    }
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && name.len() <= 64;
    if !well_formed {
        return Err(format!("organization must be a letter followed by letters or digits (at most 64), like \"contoso\"; got \"{name}\""));
    }
    if RESERVED_ORGANIZATIONS
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
    {
        return Err(format!(
            "organization \"{name}\" collides with a path the emulator serves at the site root"
        ));
    }
    Ok(())
}

/// A version string of 2 to 4 numeric parts (leading zeros allowed).
pub fn is_version(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 10 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `path` without the organization prefix `root` (`/contoso`), when it has it.
pub fn org_relative<'a>(path: &'a str, root: &str) -> &'a str {
    if root.is_empty() {
        return path;
    }
    match path.strip_prefix(root) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// The part of `path` after `<root><scope>` (`/contoso` + `/api/data/`), or `None` when the path
/// is not under the organization: unprefixed while an organization is set, or prefixed with
/// another name (or with any name while none is set).
pub fn org_scoped<'a>(path: &'a str, root: &str, scope: &str) -> Option<&'a str> {
    path.strip_prefix(root)?.strip_prefix(scope)
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
        assert!(settings
            .apply(&json!({"organization": "con/toso"}))
            .is_err());
        assert!(settings.apply(&json!({"organization": "demo"})).is_err());
        assert_eq!(settings, before);
    }

    #[test]
    fn versions_served_follow_the_org_major_minor() {
        let mut settings = Settings::from_config(&EmulatorConfig::default());
        for (org, served) in [
            ("8.0.1.79", vec!["v8.0"]),
            ("8.1.0.359", vec!["v8.0", "v8.1"]),
            ("8.2.2.112", vec!["v8.0", "v8.1", "v8.2"]),
            ("9.0.2.3034", vec!["v8.0", "v8.1", "v8.2", "v9.0"]),
            ("9.1.0.15000", vec!["v8.0", "v8.1", "v8.2", "v9.0", "v9.1"]),
            (
                "9.2.25093.00168",
                vec!["v8.0", "v8.1", "v8.2", "v9.0", "v9.1", "v9.2"],
            ),
            ("7.0.0.3543", vec![]),
        ] {
            assert_eq!(settings.apply(&json!({ "orgVersion": org })), Ok(()));
            assert_eq!(settings.api_versions(), served, "org {org}");
        }
        assert!(!settings.serves_api_version("v08.0"));
    }

    #[test]
    fn an_organization_path_needs_an_on_premises_version() {
        let mut settings = Settings::from_config(&EmulatorConfig::default());
        assert!(settings.apply(&json!({"organization": "contoso"})).is_err());
        assert_eq!(
            settings.apply(&json!({"organization": "contoso", "orgVersion": "9.1.0.15000"})),
            Ok(())
        );
        assert_eq!(settings.org_root(), "/contoso");
        assert!(settings
            .apply(&json!({"orgVersion": "9.2.25093.00168"}))
            .is_err());
        assert_eq!(settings.apply(&json!({"organization": null})), Ok(()));
        assert_eq!(settings.org_root(), "");
    }
}
