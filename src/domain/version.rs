//! Dynamics and connector version numbers (`9.2.25093.00168`) and the Dynamics release line an
//! organization version belongs to. Owns parsing, ordering and display of versions; the
//! minimum-connector table lives in [`super::compatibility`].
//!
//! Ordering decision: missing parts count as zero, so `7.0` == `7.0.0.0` for ordering *and*
//! equality (and hashing). Display keeps the number of parts that was given.

use crate::prelude::*;
use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};

use super::messages::{Message, MessageKey};
use super::text::{bounded, decimal};

/// Longest offending part kept in an error (outside data is bounded).
const MAX_PART_IN_ERROR: usize = 40;

/// A version number of 2 to 4 numeric parts; serializes as its display string.
#[derive(Debug, Clone, Copy)]
pub struct Version {
    parts: [u32; 4],
    len: u8,
}

/// Why a text is not a version, or a version has no release line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionError {
    /// Nothing but whitespace.
    Empty,
    /// Only one part (`9`).
    TooFewParts,
    /// More than four parts (`1.2.3.4.5`).
    TooManyParts,
    /// A part with something other than ASCII digits (`7.0.x`); the part, bounded.
    NotNumeric {
        /// The offending part.
        part: String,
    },
    /// A part above `u32::MAX`.
    PartTooLarge {
        /// The offending part.
        part: String,
    },
    /// Two dots in a row, or a leading/trailing dot.
    EmptyPart,
    /// An organization major version that is no known Dynamics release.
    UnsupportedRelease {
        /// The major version found.
        major: u32,
    },
}

impl Version {
    /// A four-part version from constants (tables, tests).
    pub const fn new(major: u32, minor: u32, build: u32, revision: u32) -> Version {
        Version {
            parts: [major, minor, build, revision],
            len: 4,
        }
    }

    /// Parses `7.0.1.721`, ` 9.2.25093.00168 ` (trimmed, leading zeros accepted).
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let mut parts = [0u32; 4];
        let mut len = 0usize;
        for part in text.split('.') {
            let slot = parts.get_mut(len).ok_or(VersionError::TooManyParts)?;
            *slot = parse_part(part)?;
            len += 1;
        }
        if len < 2 {
            return Err(VersionError::TooFewParts);
        }
        Ok(Version {
            parts,
            len: len as u8,
        })
    }

    /// A version from 2 to 4 parts.
    pub fn from_parts(parts: &[u32]) -> Result<Version, VersionError> {
        match parts.len() {
            0 | 1 => Err(VersionError::TooFewParts),
            len @ 2..=4 => {
                let mut all = [0u32; 4];
                for (slot, part) in all.iter_mut().zip(parts) {
                    *slot = *part;
                }
                Ok(Version {
                    parts: all,
                    len: len as u8,
                })
            }
            _ => Err(VersionError::TooManyParts),
        }
    }

    /// The parts as given (2 to 4 of them).
    pub fn parts(&self) -> &[u32] {
        self.parts
            .get(..usize::from(self.len))
            .unwrap_or(&self.parts)
    }

    /// The first part.
    pub fn major(&self) -> u32 {
        let [major, ..] = self.parts;
        major
    }

    /// The second part.
    pub fn minor(&self) -> u32 {
        let [_, minor, ..] = self.parts;
        minor
    }
}

fn parse_part(part: &str) -> Result<u32, VersionError> {
    if part.is_empty() {
        return Err(VersionError::EmptyPart);
    }
    let mut value: u32 = 0;
    for c in part.chars() {
        // `to_digit(10)` accepts ASCII digits only.
        let Some(digit) = c.to_digit(10) else {
            return Err(VersionError::NotNumeric {
                part: bounded(part, MAX_PART_IN_ERROR),
            });
        };
        value = match value.checked_mul(10).and_then(|v| v.checked_add(digit)) {
            Some(v) => v,
            None => {
                // Keep scanning: a later non-digit makes the part "not numeric" instead.
                if part.chars().all(|c| c.is_ascii_digit()) {
                    return Err(VersionError::PartTooLarge {
                        part: bounded(part, MAX_PART_IN_ERROR),
                    });
                }
                return Err(VersionError::NotNumeric {
                    part: bounded(part, MAX_PART_IN_ERROR),
                });
            }
        };
    }
    Ok(value)
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Unused parts are always zero, so this agrees with `eq`.
        self.parts.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Version {
    /// The dotted form, e.g. `7.0.1.721`.
    pub fn text(&self) -> String {
        super::text::join(self.parts().iter().map(|&p| decimal(p.into())), ".")
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl core::str::FromStr for Version {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Version, VersionError> {
        Version::parse(text)
    }
}

impl VersionError {
    /// The user-facing message.
    pub fn message(&self) -> Message {
        match self {
            VersionError::Empty => Message::new(MessageKey::VersionEmpty),
            VersionError::TooFewParts => Message::new(MessageKey::VersionTooFewParts),
            VersionError::TooManyParts => Message::new(MessageKey::VersionTooManyParts),
            VersionError::NotNumeric { part } => {
                Message::new(MessageKey::VersionNotNumeric).with("part", part.as_str())
            }
            VersionError::PartTooLarge { part } => {
                Message::new(MessageKey::VersionPartTooLarge).with("part", part.as_str())
            }
            VersionError::EmptyPart => Message::new(MessageKey::VersionEmptyPart),
            VersionError::UnsupportedRelease { major } => {
                Message::new(MessageKey::VersionUnsupportedRelease)
                    .with("major", decimal((*major).into()))
            }
        }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().render_english())
    }
}

impl core::error::Error for VersionError {}

/// The Dynamics release an organization runs, from its major version (docs/domain.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseLine {
    /// 5.x: Dynamics CRM 2011.
    Crm2011,
    /// 6.x: Dynamics CRM 2013.
    Crm2013,
    /// 7.x: Dynamics CRM 2015.
    Crm2015,
    /// 8.x: Dynamics CRM 2016 (8.0, 8.1) and Dynamics 365 (8.2).
    Crm2016,
    /// 9.x: Dynamics 365 / Dataverse.
    Dynamics365,
}

impl ReleaseLine {
    /// The line of an organization major version; other majors are `UnsupportedRelease`.
    pub fn from_major(major: u32) -> Result<ReleaseLine, VersionError> {
        match major {
            5 => Ok(ReleaseLine::Crm2011),
            6 => Ok(ReleaseLine::Crm2013),
            7 => Ok(ReleaseLine::Crm2015),
            8 => Ok(ReleaseLine::Crm2016),
            9 => Ok(ReleaseLine::Dynamics365),
            major => Err(VersionError::UnsupportedRelease { major }),
        }
    }

    /// The line of an organization version.
    pub fn of(org_version: &Version) -> Result<ReleaseLine, VersionError> {
        ReleaseLine::from_major(org_version.major())
    }

    /// Product name for labels (a proper noun, not translated).
    pub fn label(self) -> &'static str {
        match self {
            ReleaseLine::Crm2011 => "Dynamics CRM 2011",
            ReleaseLine::Crm2013 => "Dynamics CRM 2013",
            ReleaseLine::Crm2015 => "Dynamics CRM 2015",
            ReleaseLine::Crm2016 => "Dynamics CRM 2016 / Dynamics 365 (8.2)",
            ReleaseLine::Dynamics365 => "Dynamics 365",
        }
    }

    /// Whether the organization has the Web API (8.0 and later); older lines have OData v2 only.
    pub fn has_web_api(self) -> bool {
        matches!(self, ReleaseLine::Crm2016 | ReleaseLine::Dynamics365)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn parses_dataverse_online_version_with_leading_zeros() {
        let version = v("9.2.25093.00168");
        assert_eq!(version.parts(), &[9, 2, 25093, 168]);
        assert_eq!(version.to_string(), "9.2.25093.168");
    }

    #[test]
    fn trims_surrounding_whitespace_and_keeps_part_count() {
        assert_eq!(v("  8.2.2.112\n").to_string(), "8.2.2.112");
        assert_eq!(v("9.0").to_string(), "9.0");
        assert_eq!(v("6.1.0").parts(), &[6, 1, 0]);
    }

    #[test]
    fn rejects_malformed_versions_with_typed_errors() {
        assert_eq!(Version::parse("   "), Err(VersionError::Empty));
        assert_eq!(Version::parse("9"), Err(VersionError::TooFewParts));
        assert_eq!(
            Version::parse("9.2.25093.00168.1"),
            Err(VersionError::TooManyParts)
        );
        assert_eq!(Version::parse("7..1.721"), Err(VersionError::EmptyPart));
        assert_eq!(Version::parse("7.0.1."), Err(VersionError::EmptyPart));
        assert_eq!(
            Version::parse("7.0.x.721"),
            Err(VersionError::NotNumeric { part: "x".into() })
        );
        assert_eq!(
            Version::parse("7.+0.1.721"),
            Err(VersionError::NotNumeric { part: "+0".into() })
        );
        assert_eq!(
            Version::parse("7.0.1.4294967296"),
            Err(VersionError::PartTooLarge {
                part: "4294967296".into()
            })
        );
        assert_eq!(
            Version::parse("7.0.1.99999999999x"),
            Err(VersionError::NotNumeric {
                part: "99999999999x".into()
            })
        );
        assert_eq!(v("7.0.1.4294967295").parts(), &[7, 0, 1, u32::MAX]);
    }

    #[test]
    fn rejects_non_ascii_digits() {
        assert!(matches!(
            Version::parse("7.٠.1.721"),
            Err(VersionError::NotNumeric { .. })
        ));
    }

    #[test]
    fn bounds_the_offending_part_in_errors() {
        let long = format!("7.{}", "y".repeat(10_000));
        match Version::parse(&long) {
            Err(VersionError::NotNumeric { part }) => assert!(part.chars().count() <= 40),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn compares_part_by_part_numerically() {
        assert!(v("7.0.1.129") < v("7.0.1.721"));
        assert!(v("7.0.1.721") < v("8.2.2.112"));
        assert!(v("5.0.9690.2538") > v("5.0.0.14"));
        assert!(v("6.1.0.581") < v("6.1.0.1000"));
        assert!(v("9.2.25093.00168") > v("9.2.25093.99"));
    }

    #[test]
    fn trailing_zero_parts_are_equal() {
        assert_eq!(v("7.0"), v("7.0.0.0"));
        assert_eq!(v("7.0").cmp(&v("7.0.0")), Ordering::Equal);
        assert!(v("7.0") < v("7.0.0.1"));
    }

    #[test]
    fn maps_org_majors_to_release_lines() {
        let line = |text: &str| ReleaseLine::of(&v(text));
        assert_eq!(line("5.0.9690.2538"), Ok(ReleaseLine::Crm2011));
        assert_eq!(line("6.1.0.581"), Ok(ReleaseLine::Crm2013));
        assert_eq!(line("7.0.1.129"), Ok(ReleaseLine::Crm2015));
        assert_eq!(line("8.2.2.112"), Ok(ReleaseLine::Crm2016));
        assert_eq!(line("9.2.25093.00168"), Ok(ReleaseLine::Dynamics365));
        assert_eq!(
            line("4.0.7333.3531"),
            Err(VersionError::UnsupportedRelease { major: 4 })
        );
        assert!(!ReleaseLine::Crm2015.has_web_api());
        assert!(ReleaseLine::Crm2016.has_web_api());
        assert!(ReleaseLine::Dynamics365.has_web_api());
        assert_eq!(
            ReleaseLine::Crm2016.label(),
            "Dynamics CRM 2016 / Dynamics 365 (8.2)"
        );
    }

    #[test]
    fn errors_display_through_the_message_table() {
        let error = Version::parse("7.0.x").unwrap_err();
        assert_eq!(error.to_string(), "The version part “x” is not a number.");
    }

    fn padded(parts: &[u32]) -> [u32; 4] {
        let mut out = [0; 4];
        out[..parts.len()].copy_from_slice(parts);
        out
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = Version::parse(&text);
        }

        #[test]
        fn never_panics_on_version_like_text(text in "[0-9. x+-]{0,40}") {
            if let Ok(version) = Version::parse(&text) {
                prop_assert!((2..=4).contains(&version.parts().len()));
            }
        }

        #[test]
        fn display_roundtrips_through_parse(
            parts in prop::collection::vec(any::<u32>(), 2..=4),
            zeros in 0usize..3,
            pad in "[ \t]{0,2}",
        ) {
            let text = parts
                .iter()
                .map(|p| format!("{}{p}", "0".repeat(zeros)))
                .collect::<Vec<_>>()
                .join(".");
            let version = Version::parse(&format!("{pad}{text}{pad}")).unwrap();
            prop_assert_eq!(version.parts(), &parts[..]);
            let canonical = version.to_string();
            let expected = parts.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
            prop_assert_eq!(&canonical, &expected);
            let reparsed = Version::parse(&canonical).unwrap();
            prop_assert_eq!(reparsed.parts(), &parts[..]);
        }

        #[test]
        fn ordering_matches_part_wise_numeric_comparison(
            a in prop::collection::vec(0u32..4, 2..=4),
            b in prop::collection::vec(0u32..4, 2..=4),
        ) {
            let (va, vb) = (Version::from_parts(&a).unwrap(), Version::from_parts(&b).unwrap());
            prop_assert_eq!(va.cmp(&vb), padded(&a).cmp(&padded(&b)));
            prop_assert_eq!(va == vb, padded(&a) == padded(&b));
            prop_assert_eq!(va.cmp(&vb), vb.cmp(&va).reverse());
        }

        #[test]
        fn ordering_is_transitive(
            a in prop::collection::vec(0u32..3, 2..=4),
            b in prop::collection::vec(0u32..3, 2..=4),
            c in prop::collection::vec(0u32..3, 2..=4),
        ) {
            let mut all = [a, b, c].map(|p| Version::from_parts(&p).unwrap());
            all.sort();
            prop_assert!(all[0] <= all[1] && all[1] <= all[2] && all[0] <= all[2]);
        }
    }
}
