//! Suppression reasons as the connector labels them, and whether a manual resubscribe can work
//! for each (docs/domain.md §5). Owns the reason vocabulary and the eligibility rule, nothing else.
//!
//! Assumed rule **(assumed)**: the bounce/blocked reasons (HardBounced, SoftBounced,
//! MailBlocked, NoMxRecord) are not documented as resubscribable; they are refused because
//! the address cannot receive mail. Unknown values are refused and an admin is asked to map them.

use crate::prelude::*;
use core::fmt;

use super::messages::{Message, MessageKey};
use super::text::{bounded, fold_case};

/// Longest unknown reason text kept.
const MAX_UNKNOWN_LEN: usize = 100;

/// Why an address is on the suppression list (dotdigital's contact statuses).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SuppressionReason {
    /// The contact unsubscribed.
    Unsubscribed,
    /// Suppressed by your team ("suppressed by you").
    Suppressed,
    /// Permanent delivery failure.
    HardBounced,
    /// Repeated temporary delivery failures.
    SoftBounced,
    /// Spam complaint through the mailbox provider.
    IspComplained,
    /// Complaint made directly to the sender.
    DirectComplaint,
    /// The receiving server blocks the mail.
    MailBlocked,
    /// On dotdigital's global suppression list.
    GlobalSuppression,
    /// The whole domain is suppressed.
    DomainSuppression,
    /// Not allowed to be mailed (dotdigital policy).
    NotAllowed,
    /// The domain has no mail server (MX record).
    NoMxRecord,
    /// A value this form does not know (trimmed, bounded).
    Unknown(String),
}

impl SuppressionReason {
    /// Reads a reason from the connector's option label or name, ignoring case, spaces,
    /// hyphens and underscores: `"Global Suppression"`, `"ISP complained"`,
    /// `"Suppressed by you"`, `"HardBounced"`. Anything else is [`SuppressionReason::Unknown`].
    pub fn parse(label: &str) -> SuppressionReason {
        let kept: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || !c.is_ascii())
            .collect();
        let key = fold_case(&kept);
        match key.as_str() {
            "unsubscribed" | "unsubscribe" | "unsubscribedbycontact" => {
                SuppressionReason::Unsubscribed
            }
            "suppressed" | "suppressedbyyou" | "addedbyyou" | "suppressedbyuser" => {
                SuppressionReason::Suppressed
            }
            "hardbounced" | "hardbounce" => SuppressionReason::HardBounced,
            "softbounced" | "softbounce" => SuppressionReason::SoftBounced,
            "ispcomplained" | "ispcomplaint" => SuppressionReason::IspComplained,
            "directcomplaint" | "directcomplained" => SuppressionReason::DirectComplaint,
            "mailblocked" => SuppressionReason::MailBlocked,
            "globalsuppression" | "globalsuppressionlist" | "globallysuppressed" => {
                SuppressionReason::GlobalSuppression
            }
            "domainsuppression" | "domainsuppressed" => SuppressionReason::DomainSuppression,
            "notallowed" => SuppressionReason::NotAllowed,
            "nomxrecord" | "nomx" => SuppressionReason::NoMxRecord,
            _ => SuppressionReason::Unknown(bounded(label, MAX_UNKNOWN_LEN)),
        }
    }

    /// A readable English name (the connector's own terms; the form shows its option label).
    pub fn label(&self) -> &str {
        match self {
            SuppressionReason::Unsubscribed => "Unsubscribed",
            SuppressionReason::Suppressed => "Suppressed by you",
            SuppressionReason::HardBounced => "Hard bounced",
            SuppressionReason::SoftBounced => "Soft bounced",
            SuppressionReason::IspComplained => "ISP complaint",
            SuppressionReason::DirectComplaint => "Direct complaint",
            SuppressionReason::MailBlocked => "Mail blocked",
            SuppressionReason::GlobalSuppression => "Global suppression list",
            SuppressionReason::DomainSuppression => "Domain suppression",
            SuppressionReason::NotAllowed => "Not allowed",
            SuppressionReason::NoMxRecord => "No MX record",
            SuppressionReason::Unknown(raw) => raw,
        }
    }

    /// Whether a manual resubscribe can work for this reason.
    pub fn eligibility(&self) -> Eligibility {
        let refuse = |why| Eligibility::Refused {
            reason: self.clone(),
            why,
        };
        match self {
            SuppressionReason::Unsubscribed => Eligibility::WithConfirmation,
            SuppressionReason::Suppressed => Eligibility::Immediately,
            SuppressionReason::IspComplained | SuppressionReason::DirectComplaint => {
                refuse(MessageKey::RefusedComplaint)
            }
            SuppressionReason::GlobalSuppression
            | SuppressionReason::DomainSuppression
            | SuppressionReason::NotAllowed => refuse(MessageKey::RefusedProviderSuppression),
            SuppressionReason::HardBounced
            | SuppressionReason::SoftBounced
            | SuppressionReason::MailBlocked
            | SuppressionReason::NoMxRecord => refuse(MessageKey::RefusedUndeliverable),
            SuppressionReason::Unknown(_) => refuse(MessageKey::RefusedUnknownReason),
        }
    }
}

impl fmt::Display for SuppressionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether, and how, an address with a given reason can be resubscribed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eligibility {
    /// After the contact confirms a confirmation email sent at the next sync.
    WithConfirmation,
    /// At the next sync, without an email (suppressed by your team).
    Immediately,
    /// Not at all.
    Refused {
        /// The reason that refuses it.
        reason: SuppressionReason,
        /// The explanation to show.
        why: MessageKey,
    },
}

/// Whether a manual resubscribe can work for `reason` (docs/domain.md §5).
pub fn eligibility(reason: &SuppressionReason) -> Eligibility {
    reason.eligibility()
}

impl Eligibility {
    /// Whether a request may go ahead.
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Eligibility::Refused { .. })
    }

    /// What the user should read.
    pub fn message(&self) -> Message {
        match self {
            Eligibility::WithConfirmation => Message::new(MessageKey::EligibleWithConfirmation),
            Eligibility::Immediately => Message::new(MessageKey::EligibleImmediately),
            Eligibility::Refused { reason, why } => {
                Message::new(*why).with("reason", reason.label())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_connector_labels_ignoring_case_and_spacing() {
        use SuppressionReason::*;
        let cases = [
            ("Unsubscribed", Unsubscribed),
            ("  unsubscribed ", Unsubscribed),
            ("Suppressed", Suppressed),
            ("Suppressed by you", Suppressed),
            ("Hard Bounced", HardBounced),
            ("hard_bounced", HardBounced),
            ("SoftBounced", SoftBounced),
            ("ISP complained", IspComplained),
            ("IspComplained", IspComplained),
            ("Direct complaint", DirectComplaint),
            ("Mail-Blocked", MailBlocked),
            ("Global Suppression", GlobalSuppression),
            ("Global suppression list", GlobalSuppression),
            ("DomainSuppression", DomainSuppression),
            ("Not allowed", NotAllowed),
            ("No MX record", NoMxRecord),
        ];
        for (label, expected) in cases {
            assert_eq!(SuppressionReason::parse(label), expected, "{label}");
        }
        assert_eq!(
            SuppressionReason::parse(" Pending review "),
            Unknown("Pending review".into())
        );
    }

    #[test]
    fn unsubscribed_needs_a_confirmation_email() {
        let verdict = SuppressionReason::Unsubscribed.eligibility();
        assert_eq!(verdict, Eligibility::WithConfirmation);
        assert_eq!(
            verdict.message().render_english(),
            "A confirmation email will be sent at the next sync."
        );
    }

    #[test]
    fn suppressed_by_your_team_is_resubscribed_without_email() {
        assert_eq!(
            SuppressionReason::parse("Suppressed by you").eligibility(),
            Eligibility::Immediately
        );
    }

    #[test]
    fn refuses_complaints_naming_the_reason() {
        let verdict = eligibility(&SuppressionReason::IspComplained);
        assert!(!verdict.is_allowed());
        assert_eq!(
            verdict.message().render_english(),
            "This address cannot be resubscribed: the contact complained about your email as \
             spam or abuse (ISP complaint), and dotdigital does not allow resubscribing it."
        );
        assert!(!eligibility(&SuppressionReason::DirectComplaint).is_allowed());
    }

    #[test]
    fn refuses_provider_suppressions_and_points_to_support() {
        for reason in [
            SuppressionReason::GlobalSuppression,
            SuppressionReason::DomainSuppression,
            SuppressionReason::NotAllowed,
        ] {
            assert!(matches!(
                reason.eligibility(),
                Eligibility::Refused {
                    why: MessageKey::RefusedProviderSuppression,
                    ..
                }
            ));
        }
    }

    #[test]
    fn refuses_undeliverable_addresses_by_assumed_rule() {
        for reason in [
            SuppressionReason::HardBounced,
            SuppressionReason::SoftBounced,
            SuppressionReason::MailBlocked,
            SuppressionReason::NoMxRecord,
        ] {
            assert!(matches!(
                reason.eligibility(),
                Eligibility::Refused {
                    why: MessageKey::RefusedUndeliverable,
                    ..
                }
            ));
        }
    }

    #[test]
    fn refuses_unknown_values_and_asks_an_admin_to_map_them() {
        let verdict = SuppressionReason::parse("Quarantined").eligibility();
        let text = verdict.message().render_english();
        assert!(text.contains("“Quarantined”"), "{text}");
        assert!(text.contains("administrator can map"), "{text}");
    }
}
