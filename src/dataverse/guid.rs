//! Record ids as the Web API wants them: validated before they go into a URL.

use crate::prelude::*;
use core::fmt;

use crate::domain::note::normalize_guid;

/// A record id (GUID), stored lower-case without braces: `5f0c…-…`.
///
/// The Client API returns ids as `{5F0C…}`; [`Guid::parse`] accepts that form, the bare form
/// and surrounding whitespace, and refuses anything else so no URL is built from bad input.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid(String);

/// Why a text is not a GUID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuidError {
    /// The text that was given (bounded).
    pub given: String,
}

impl fmt::Display for GuidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&["\"", &self.given, "\" is not a record id (GUID)"].concat())
    }
}

impl Guid {
    /// Parses `{GUID}`, `GUID` (any case, surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Guid, GuidError> {
        normalize_guid(text).map(Guid).ok_or_else(|| GuidError {
            given: text.trim().chars().take(60).collect(),
        })
    }

    /// The lower-case form without braces, as used in Web API URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_client_api_form_with_braces_and_lowercases_it() {
        let id = Guid::parse("{5F0C6C1E-8A2B-4C3D-9E4F-00AA11BB22CC}").unwrap();
        assert_eq!(id.as_str(), "5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22cc");
    }

    #[test]
    fn accepts_the_bare_form_with_whitespace() {
        assert!(Guid::parse(" 5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22cc\n").is_ok());
    }

    #[test]
    fn refuses_injection_and_near_misses() {
        for bad in [
            "",
            "{}",
            "5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22c",
            "5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22ccc",
            "5f0c6c1e8a2b4c3d9e4f00aa11bb22cc",
            "{5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22cc",
            "5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22cg",
            "5f0c6c1e-8a2b-4c3d-9e4f-00aa11bb22cc)?$select=x",
        ] {
            assert!(Guid::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn error_names_the_text_given() {
        let err = Guid::parse("not-a-guid").unwrap_err();
        assert_eq!(err.to_string(), "\"not-a-guid\" is not a record id (GUID)");
    }
}
