//! Email addresses as the suppression record holds them: a sensible, regex-free validation
//! (lengths from RFC 5321, one `@`, a dotted domain of hostname labels). Owns only the syntax;
//! whether the address can be resubscribed is [`super::eligibility`]'s business.
//!
//! Decisions: lengths count UTF-8 bytes (the RFC counts octets); the local part may hold any
//! visible character except `@` (quoted local parts are not supported); domain labels may
//! hold non-ASCII letters (internationalized domains as users type them); the last label must
//! not be all digits, which refuses bare IP addresses.

use crate::prelude::*;
use core::fmt;

use super::messages::{Message, MessageKey};
use super::text::{self, bounded, decimal};

/// Maximum length of a whole address (RFC 5321 path limit minus the angle brackets).
pub const MAX_ADDRESS_LEN: usize = 254;
/// Maximum length of the part before the `@` (RFC 5321).
pub const MAX_LOCAL_LEN: usize = 64;
/// Maximum length of one domain label (RFC 1035).
pub const MAX_LABEL_LEN: usize = 63;

/// A syntactically valid, trimmed email address; serializes as the plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why a text is not an acceptable email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than 254 bytes.
    TooLong {
        /// Length found, in bytes.
        length: usize,
    },
    /// Local part longer than 64 bytes.
    LocalPartTooLong {
        /// Length found, in bytes.
        length: usize,
    },
    /// No `@`.
    MissingAt,
    /// More than one `@`.
    MultipleAt,
    /// Nothing before the `@`.
    EmptyLocalPart,
    /// Nothing after the `@`.
    EmptyDomain,
    /// A space or control character somewhere.
    InvalidCharacter,
    /// Local part starting or ending with a dot, or with `..`.
    LocalPartDots,
    /// A domain without any dot.
    DomainWithoutDot {
        /// The domain found (bounded).
        domain: String,
    },
    /// A domain with an empty label (`a@example..com`, `a@.example.com`, `a@example.com.`).
    EmptyDomainLabel,
    /// A label that is too long, holds other characters, starts/ends with `-`, or a numeric
    /// top-level label.
    InvalidDomainLabel {
        /// The label found (bounded).
        label: String,
    },
}

impl EmailAddress {
    /// Validates `text` (trimmed) as an email address.
    pub fn parse(text: &str) -> Result<EmailAddress, EmailError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::InvalidCharacter);
        }
        if text.len() > MAX_ADDRESS_LEN {
            return Err(EmailError::TooLong { length: text.len() });
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError::MissingAt)?;
        if domain.contains('@') {
            return Err(EmailError::MultipleAt);
        }
        check_local(local)?;
        check_domain(domain)?;
        Ok(EmailAddress(text.to_owned()))
    }

    /// The address as validated.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.split_once('@').map_or("", |(local, _)| local)
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::EmptyLocalPart);
    }
    if local.len() > MAX_LOCAL_LEN {
        return Err(EmailError::LocalPartTooLong {
            length: local.len(),
        });
    }
    if local.starts_with('.') || local.ends_with('.') || text::contains(local, "..") {
        return Err(EmailError::LocalPartDots);
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainWithoutDot {
            domain: bounded(domain, MAX_ADDRESS_LEN),
        });
    }
    let mut last = "";
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(EmailError::EmptyDomainLabel);
        }
        let well_formed = label.len() <= MAX_LABEL_LEN
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !well_formed {
            return Err(invalid_label(label));
        }
        last = label;
    }
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid_label(last));
    }
    Ok(())
}

fn invalid_label(label: &str) -> EmailError {
    EmailError::InvalidDomainLabel {
        label: bounded(label, MAX_LABEL_LEN + 1),
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl EmailError {
    /// The user-facing message.
    pub fn message(&self) -> Message {
        match self {
            EmailError::Empty => Message::new(MessageKey::EmailEmpty),
            EmailError::TooLong { length } => {
                Message::new(MessageKey::EmailTooLong).with("length", decimal(*length as i64))
            }
            EmailError::LocalPartTooLong { length } => {
                Message::new(MessageKey::EmailLocalPartTooLong)
                    .with("length", decimal(*length as i64))
            }
            EmailError::MissingAt => Message::new(MessageKey::EmailMissingAt),
            EmailError::MultipleAt => Message::new(MessageKey::EmailMultipleAt),
            EmailError::EmptyLocalPart => Message::new(MessageKey::EmailEmptyLocalPart),
            EmailError::EmptyDomain => Message::new(MessageKey::EmailEmptyDomain),
            EmailError::InvalidCharacter => Message::new(MessageKey::EmailInvalidCharacter),
            EmailError::LocalPartDots => Message::new(MessageKey::EmailLocalPartDots),
            EmailError::DomainWithoutDot { domain } => {
                Message::new(MessageKey::EmailDomainWithoutDot).with("domain", domain.as_str())
            }
            EmailError::EmptyDomainLabel => Message::new(MessageKey::EmailEmptyDomainLabel),
            EmailError::InvalidDomainLabel { label } => {
                Message::new(MessageKey::EmailInvalidDomainLabel).with("label", label.as_str())
            }
        }
    }
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().render_english())
    }
}

impl core::error::Error for EmailError {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn error(text: &str) -> EmailError {
        EmailAddress::parse(text).unwrap_err()
    }

    #[test]
    fn accepts_ordinary_addresses_and_trims_them() {
        let address = EmailAddress::parse("  jane.doe+news@mail.example.co.uk \n").unwrap();
        assert_eq!(address.as_str(), "jane.doe+news@mail.example.co.uk");
        assert_eq!(address.local_part(), "jane.doe+news");
        assert_eq!(address.domain(), "mail.example.co.uk");
        assert!(EmailAddress::parse("o'brien@xn--mnchen-3ya.de").is_ok());
        assert!(EmailAddress::parse("zoë@münchen.de").is_ok());
    }

    #[test]
    fn refuses_missing_or_repeated_at() {
        assert_eq!(error("jane.example.com"), EmailError::MissingAt);
        assert_eq!(error("jane@doe@example.com"), EmailError::MultipleAt);
        assert_eq!(error("@example.com"), EmailError::EmptyLocalPart);
        assert_eq!(error("jane@"), EmailError::EmptyDomain);
        assert_eq!(error("   "), EmailError::Empty);
    }

    #[test]
    fn refuses_spaces_and_control_characters() {
        assert_eq!(error("jane doe@example.com"), EmailError::InvalidCharacter);
        assert_eq!(error("jane\u{0}@example.com"), EmailError::InvalidCharacter);
    }

    #[test]
    fn refuses_misplaced_dots_in_the_local_part() {
        for bad in [
            ".jane@example.com",
            "jane.@example.com",
            "ja..ne@example.com",
        ] {
            assert_eq!(error(bad), EmailError::LocalPartDots, "{bad}");
        }
    }

    #[test]
    fn refuses_bad_domains() {
        assert_eq!(
            error("jane@localhost"),
            EmailError::DomainWithoutDot {
                domain: "localhost".into()
            }
        );
        for bad in [
            "jane@example..com",
            "jane@.example.com",
            "jane@example.com.",
        ] {
            assert_eq!(error(bad), EmailError::EmptyDomainLabel, "{bad}");
        }
        assert_eq!(
            error("jane@-example.com"),
            EmailError::InvalidDomainLabel {
                label: "-example".into()
            }
        );
        assert_eq!(
            error("jane@exa_mple.com"),
            EmailError::InvalidDomainLabel {
                label: "exa_mple".into()
            }
        );
        assert_eq!(
            error("jane@192.168.0.1"),
            EmailError::InvalidDomainLabel { label: "1".into() }
        );
        let long_label = format!("jane@{}.com", "a".repeat(64));
        assert!(matches!(
            error(&long_label),
            EmailError::InvalidDomainLabel { .. }
        ));
        assert!(EmailAddress::parse(&format!("jane@{}.com", "a".repeat(63))).is_ok());
    }

    #[test]
    fn enforces_length_limits() {
        let local = "a".repeat(65);
        assert_eq!(
            error(&format!("{local}@example.com")),
            EmailError::LocalPartTooLong { length: 65 }
        );
        assert!(EmailAddress::parse(&format!("{}@example.com", "a".repeat(64))).is_ok());
        let domain = [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(56),
        ]
        .join(".");
        let at_limit = format!("j@{domain}");
        assert_eq!(at_limit.len(), 250);
        assert!(EmailAddress::parse(&at_limit).is_ok());
        let over = format!("jane.d@{domain}");
        assert_eq!(error(&over), EmailError::TooLong { length: 255 });
    }

    #[test]
    fn errors_display_through_the_message_table() {
        assert_eq!(
            error("jane@localhost").to_string(),
            "The domain “localhost” has no dot; expected a domain such as example.com."
        );
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            if let Ok(address) = EmailAddress::parse(&text) {
                prop_assert!(address.as_str().len() <= MAX_ADDRESS_LEN);
                prop_assert_eq!(address.as_str().matches('@').count(), 1);
            }
        }

        #[test]
        fn never_panics_on_address_like_text(text in "[a-z.@ -]{0,30}") {
            let _ = EmailAddress::parse(&text);
        }
    }
}
