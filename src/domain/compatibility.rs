//! Whether the installed connector can process a manual resubscribe on this organization:
//! the minimum-version table from the connector's help article (docs/domain.md §2–3) and the verdict
//! [`check`] gives. Owns no I/O: the edge reads the versions and passes them in.
//!
//! Decisions where the sources are silent:
//! - Dynamics 365 9.x has no published minimum; 7.0.1.721 is used as the floor **(assumed)**.
//! - Connector lines: major 5 is the CRM 2011 build, 6 the CRM 2013 build, 7 the build for
//!   2015, 2016 and 9.x (a 7.x connector on a 9.x organization is fine). A connector major
//!   *below* the organization's expected one, or any other major on 2011/2013, is a
//!   [`Compatibility::LineMismatch`]. A major *above* 7 on 2015 or later is accepted as a
//!   later connector release **(assumed)** and compared with the minimum as usual.
//! - An organization version that cannot be read or has an unknown major (e.g. a future 10.x)
//!   gives [`Compatibility::Unknown`]: warn, don't block.

use crate::prelude::*;

use super::messages::{Message, MessageKey};
use super::text::{bounded, decimal};
use super::version::{ReleaseLine, Version, VersionError};

/// Longest outside text (error detail, raw version) kept in a verdict.
const MAX_DETAIL_LEN: usize = 200;

/// What the edge could find out about the installed connector solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorReading {
    /// The solution is installed; its `version` column as read.
    Installed {
        /// The raw version text.
        version: String,
    },
    /// No such solution in the organization.
    NotInstalled,
    /// The solution table could not be read (e.g. HTTP 403, network error).
    Unreadable {
        /// What went wrong, for the admin.
        why: String,
    },
}

/// Why compatibility could not be established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownCause {
    /// The connector version could not be read.
    Unreadable {
        /// What went wrong (bounded).
        detail: String,
    },
    /// The organization version is not a version.
    OrgVersion {
        /// The text found (bounded).
        value: String,
        /// Why it is not a version.
        error: VersionError,
    },
    /// The connector version is not a version.
    ConnectorVersion {
        /// The text found (bounded).
        value: String,
        /// Why it is not a version.
        error: VersionError,
    },
    /// The organization runs a major version with no known minimum connector.
    UnsupportedRelease {
        /// The organization's major version.
        major: u32,
    },
}

/// The verdict on the installed connector for this organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compatibility {
    /// The connector is at or above the minimum.
    Ok {
        /// Installed connector version.
        found: Version,
        /// Minimum for the line.
        required: Version,
        /// The organization's release line.
        line: ReleaseLine,
    },
    /// The connector is below the minimum.
    TooOld {
        /// Installed connector version.
        found: Version,
        /// Minimum for the line.
        required: Version,
        /// The organization's release line.
        line: ReleaseLine,
    },
    /// The connector was built for another release line (e.g. 5.x on a 2015 organization).
    LineMismatch {
        /// Installed connector version.
        found: Version,
        /// The organization's release line.
        line: ReleaseLine,
    },
    /// The connector solution is not installed.
    NotInstalled {
        /// Minimum for the line.
        required: Version,
        /// The organization's release line.
        line: ReleaseLine,
    },
    /// Could not be established; warns but does not block.
    Unknown {
        /// Why.
        why: UnknownCause,
    },
}

/// A minimum connector version and whether it is published or assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumConnector {
    /// The minimum version.
    pub version: Version,
    /// `true` when no source publishes it (Dynamics 365 9.x).
    pub assumed: bool,
}

/// The minimum connector version for manual resubscribe on `line` (seed article; 9.x assumed).
pub fn minimum_connector(line: ReleaseLine) -> MinimumConnector {
    let (version, assumed) = match line {
        ReleaseLine::Crm2011 => (Version::new(5, 0, 0, 14), false),
        ReleaseLine::Crm2013 => (Version::new(6, 0, 1, 719), false),
        ReleaseLine::Crm2015 | ReleaseLine::Crm2016 => (Version::new(7, 0, 1, 721), false),
        ReleaseLine::Dynamics365 => (Version::new(7, 0, 1, 721), true),
    };
    MinimumConnector { version, assumed }
}

/// Whether a connector of major version `major` is a build for `line`.
pub fn connector_fits_line(major: u32, line: ReleaseLine) -> bool {
    match line {
        ReleaseLine::Crm2011 => major == 5,
        ReleaseLine::Crm2013 => major == 6,
        ReleaseLine::Crm2015 | ReleaseLine::Crm2016 | ReleaseLine::Dynamics365 => major >= 7,
    }
}

/// The verdict for an organization version (as `getVersion()` / `RetrieveVersion()` give it)
/// and what was read about the connector.
pub fn check(org_version: &str, connector: &ConnectorReading) -> Compatibility {
    let org = match Version::parse(org_version) {
        Ok(org) => org,
        Err(error) => {
            return Compatibility::Unknown {
                why: UnknownCause::OrgVersion {
                    value: bounded(org_version, MAX_DETAIL_LEN),
                    error,
                },
            }
        }
    };
    let line = match ReleaseLine::of(&org) {
        Ok(line) => line,
        Err(_) => {
            return Compatibility::Unknown {
                why: UnknownCause::UnsupportedRelease { major: org.major() },
            }
        }
    };
    let required = minimum_connector(line).version;
    let raw = match connector {
        ConnectorReading::NotInstalled => return Compatibility::NotInstalled { required, line },
        ConnectorReading::Unreadable { why } => {
            return Compatibility::Unknown {
                why: UnknownCause::Unreadable {
                    detail: bounded(why, MAX_DETAIL_LEN),
                },
            }
        }
        ConnectorReading::Installed { version } => version,
    };
    let found = match Version::parse(raw) {
        Ok(found) => found,
        Err(error) => {
            return Compatibility::Unknown {
                why: UnknownCause::ConnectorVersion {
                    value: bounded(raw, MAX_DETAIL_LEN),
                    error,
                },
            }
        }
    };
    if !connector_fits_line(found.major(), line) {
        Compatibility::LineMismatch { found, line }
    } else if found < required {
        Compatibility::TooOld {
            found,
            required,
            line,
        }
    } else {
        Compatibility::Ok {
            found,
            required,
            line,
        }
    }
}

impl Compatibility {
    /// The verdict's name, as in its JSON form (`ok`, `tooOld`, `lineMismatch`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Compatibility::Ok { .. } => "ok",
            Compatibility::TooOld { .. } => "tooOld",
            Compatibility::LineMismatch { .. } => "lineMismatch",
            Compatibility::NotInstalled { .. } => "notInstalled",
            Compatibility::Unknown { .. } => "unknown",
        }
    }

    /// Whether a resubscribe request must be refused (too old, wrong line, not installed).
    pub fn blocks_request(&self) -> bool {
        matches!(
            self,
            Compatibility::TooOld { .. }
                | Compatibility::LineMismatch { .. }
                | Compatibility::NotInstalled { .. }
        )
    }

    /// Whether the verdict is a warning only ("could not verify").
    pub fn is_warning(&self) -> bool {
        matches!(self, Compatibility::Unknown { .. })
    }

    /// The text to show (admins read it inline).
    pub fn message(&self) -> Message {
        match self {
            Compatibility::Ok {
                found,
                required,
                line,
            } => Message::new(MessageKey::CompatOk)
                .with("found", found.text())
                .with("required", required.text())
                .with("line", line.label()),
            Compatibility::TooOld {
                found,
                required,
                line,
            } => Message::new(MessageKey::CompatTooOld)
                .with("found", found.text())
                .with("required", required.text())
                .with("line", line.label()),
            Compatibility::LineMismatch { found, line } => {
                Message::new(MessageKey::CompatLineMismatch)
                    .with("found", found.text())
                    .with("line", line.label())
                    .with("required", minimum_connector(*line).version.text())
            }
            Compatibility::NotInstalled { required, line } => {
                Message::new(MessageKey::CompatNotInstalled)
                    .with("required", required.text())
                    .with("line", line.label())
            }
            Compatibility::Unknown { why } => why.message(),
        }
    }
}

impl UnknownCause {
    /// The "could not verify" text; `{problem}` is the version error, rendered in the same
    /// language as the sentence around it.
    pub fn message(&self) -> Message {
        match self {
            UnknownCause::Unreadable { detail } => {
                Message::new(MessageKey::CompatUnknownUnreadable).with("detail", detail.as_str())
            }
            UnknownCause::OrgVersion { value, error } => {
                Message::new(MessageKey::CompatUnknownOrgVersion)
                    .with("value", value.as_str())
                    .with_part("problem", error.message())
            }
            UnknownCause::ConnectorVersion { value, error } => {
                Message::new(MessageKey::CompatUnknownConnectorVersion)
                    .with("value", value.as_str())
                    .with_part("problem", error.message())
            }
            UnknownCause::UnsupportedRelease { major } => {
                Message::new(MessageKey::CompatUnknownUnsupportedRelease)
                    .with("major", decimal((*major).into()))
            }
        }
    }
}

impl ConnectorReading {
    /// An installed connector with this raw version text.
    pub fn installed(version: &str) -> ConnectorReading {
        ConnectorReading::Installed {
            version: version.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn installed(text: &str) -> ConnectorReading {
        ConnectorReading::installed(text)
    }

    #[test]
    fn kind_names_the_verdict_in_camel_case() {
        for (org, reading, kind) in [
            (
                "9.2.25093.00168",
                ConnectorReading::installed("7.0.1.721"),
                "ok",
            ),
            (
                "8.2.2.112",
                ConnectorReading::installed("7.0.1.129"),
                "tooOld",
            ),
            (
                "7.0.0.1",
                ConnectorReading::installed("5.0.0.14"),
                "lineMismatch",
            ),
            ("9.2", ConnectorReading::NotInstalled, "notInstalled"),
            ("x", ConnectorReading::NotInstalled, "unknown"),
        ] {
            assert_eq!(check(org, &reading).kind(), kind, "{org}");
        }
    }

    #[test]
    fn accepts_connector_at_the_minimum_on_dynamics_365() {
        let verdict = check("9.2.25093.00168", &installed("7.0.1.721"));
        assert_eq!(
            verdict,
            Compatibility::Ok {
                found: v("7.0.1.721"),
                required: v("7.0.1.721"),
                line: ReleaseLine::Dynamics365
            }
        );
        assert!(!verdict.blocks_request());
        assert!(minimum_connector(ReleaseLine::Dynamics365).assumed);
        assert!(!minimum_connector(ReleaseLine::Crm2015).assumed);
    }

    #[test]
    fn refuses_connector_older_than_the_2015_minimum() {
        let verdict = check("7.0.1.129", &installed("7.0.1.129"));
        assert_eq!(
            verdict,
            Compatibility::TooOld {
                found: v("7.0.1.129"),
                required: v("7.0.1.721"),
                line: ReleaseLine::Crm2015
            }
        );
        assert!(verdict.blocks_request());
        assert_eq!(
            verdict.message().render_english(),
            "Upgrade the connector: the installed version 7.0.1.129 is older than 7.0.1.721, the \
             minimum for manual resubscribe on Dynamics CRM 2015, so resubscribe requests cannot \
             be saved until then."
        );
    }

    #[test]
    fn uses_the_published_minimum_of_each_line() {
        assert!(matches!(
            check("5.0.9690.2538", &installed("5.0.0.14")),
            Compatibility::Ok {
                line: ReleaseLine::Crm2011,
                ..
            }
        ));
        assert!(matches!(
            check("5.0.9690.2538", &installed("5.0.0.13")),
            Compatibility::TooOld { .. }
        ));
        assert!(matches!(
            check("6.1.0.581", &installed("6.0.1.719")),
            Compatibility::Ok {
                line: ReleaseLine::Crm2013,
                ..
            }
        ));
        assert!(matches!(
            check("6.1.0.581", &installed("6.0.1.718")),
            Compatibility::TooOld { .. }
        ));
        assert!(matches!(
            check("8.2.2.112", &installed("7.0.1.721")),
            Compatibility::Ok {
                line: ReleaseLine::Crm2016,
                ..
            }
        ));
        assert!(matches!(
            check("8.2.2.112", &installed("7.0.1.720")),
            Compatibility::TooOld {
                line: ReleaseLine::Crm2016,
                ..
            }
        ));
    }

    #[test]
    fn reports_connector_built_for_another_release_line() {
        assert_eq!(
            check("7.0.1.129", &installed("5.0.9690.2538")),
            Compatibility::LineMismatch {
                found: v("5.0.9690.2538"),
                line: ReleaseLine::Crm2015
            }
        );
        assert!(matches!(
            check("5.0.9690.2538", &installed("7.0.1.721")),
            Compatibility::LineMismatch { .. }
        ));
        assert!(matches!(
            check("9.2.25093.00168", &installed("6.1.0.581")),
            Compatibility::LineMismatch { .. }
        ));
        assert!(check("6.1.0.581", &installed("5.0.0.14")).blocks_request());
    }

    #[test]
    fn accepts_later_connector_majors_on_2015_and_later() {
        assert!(matches!(
            check("9.2.25093.00168", &installed("8.2.2.112")),
            Compatibility::Ok { .. }
        ));
    }

    #[test]
    fn blocks_when_connector_not_installed() {
        let verdict = check("9.2.25093.00168", &ConnectorReading::NotInstalled);
        assert_eq!(
            verdict,
            Compatibility::NotInstalled {
                required: v("7.0.1.721"),
                line: ReleaseLine::Dynamics365
            }
        );
        assert!(verdict.blocks_request());
    }

    #[test]
    fn warns_without_blocking_when_the_connector_cannot_be_read() {
        let verdict = check(
            "9.2.25093.00168",
            &ConnectorReading::Unreadable {
                why: "HTTP 403: Principal user is missing prvReadSolution privilege".into(),
            },
        );
        assert!(!verdict.blocks_request());
        assert!(verdict.is_warning());
        assert!(verdict
            .message()
            .render_english()
            .contains("(HTTP 403: Principal user is missing prvReadSolution privilege)"));
    }

    #[test]
    fn names_the_unreadable_version_and_why() {
        let verdict = check("9.2.25093.00168", &installed("7.0.1.x"));
        assert_eq!(
            verdict,
            Compatibility::Unknown {
                why: UnknownCause::ConnectorVersion {
                    value: "7.0.1.x".into(),
                    error: VersionError::NotNumeric { part: "x".into() }
                }
            }
        );
        assert_eq!(
            verdict.message().render_english(),
            "Could not verify the connector version: the installed version “7.0.1.x” could not \
             be read. The version part “x” is not a number."
        );
        assert!(matches!(
            check("", &installed("7.0.1.721")),
            Compatibility::Unknown {
                why: UnknownCause::OrgVersion {
                    error: VersionError::Empty,
                    ..
                }
            }
        ));
        assert_eq!(
            check("10.0.0.1", &installed("7.0.1.721")),
            Compatibility::Unknown {
                why: UnknownCause::UnsupportedRelease { major: 10 }
            }
        );
    }
}
