//! The evidence of the contact's explicit request (docs/domain.md §7): who asked, through which
//! channel, when, what they said, and which Dynamics user recorded it. Owns the validation of
//! that record; writing it down is [`super::note`]'s business.
//!
//! Decisions: a request time up to [`CLOCK_SKEW_MINUTES`] after "now" is accepted (the
//! browser clock and the user's typing may be a little ahead); a request earlier than the
//! suppression record was created is refused without tolerance.

use crate::prelude::*;

use super::messages::{Message, MessageKey};
use super::text::{char_len, decimal};
use super::time::Timestamp;

/// Maximum length of the details, in characters (after trimming).
pub const MAX_DETAILS_CHARS: usize = 2_000;
/// How far in the future a request time may be before it is refused.
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// How the contact asked to be resubscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A phone call.
    Phone,
    /// An email.
    Email,
    /// A letter.
    Letter,
    /// In person.
    InPerson,
    /// A web form.
    WebForm,
    /// Anything else (say what in the details).
    Other,
}

impl Channel {
    /// The channel named by its id (`phone`, `email`, `letter`, `inPerson`, `webForm`, `other`).
    pub fn from_id(id: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The channel's id, as the evidence dialog names it.
    pub fn id(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::InPerson => "inPerson",
            Channel::WebForm => "webForm",
            Channel::Other => "other",
        }
    }

    /// Every channel, in display order.
    pub const ALL: [Channel; 6] = [
        Channel::Phone,
        Channel::Email,
        Channel::Letter,
        Channel::InPerson,
        Channel::WebForm,
        Channel::Other,
    ];

    /// The key of the channel's label.
    pub fn label_key(self) -> MessageKey {
        match self {
            Channel::Phone => MessageKey::ChannelPhone,
            Channel::Email => MessageKey::ChannelEmail,
            Channel::Letter => MessageKey::ChannelLetter,
            Channel::InPerson => MessageKey::ChannelInPerson,
            Channel::WebForm => MessageKey::ChannelWebForm,
            Channel::Other => MessageKey::ChannelOther,
        }
    }
}

/// A Dynamics user (`systemuser`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    /// The user's id (GUID, braces or not).
    pub id: String,
    /// The user's full name.
    pub name: String,
}

/// What was recorded about the contact's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Who asked: the contact's name, or the email address when no contact is linked.
    pub contact_name: String,
    /// How they asked.
    pub channel: Channel,
    /// When they asked.
    pub requested_at: Timestamp,
    /// What they said or signed, and/or a reference (call, ticket, letter number).
    pub details: String,
    /// The Dynamics user who recorded the request.
    pub recorded_by: UserRef,
}

/// One problem with the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceError {
    /// Who asked is blank.
    MissingRequester,
    /// The details are blank.
    MissingDetails,
    /// The details are longer than [`MAX_DETAILS_CHARS`].
    DetailsTooLong {
        /// Length found, in characters.
        length: usize,
        /// The maximum.
        max: usize,
    },
    /// The request time is more than the allowed skew after now.
    RequestedInFuture {
        /// The request time given.
        requested_at: Timestamp,
    },
    /// The request time is earlier than the suppression.
    RequestedBeforeSuppression {
        /// The request time given.
        requested_at: Timestamp,
        /// When the suppression record was created.
        suppressed_on: Timestamp,
    },
    /// The recording user is unknown (blank id).
    MissingRecorder,
}

impl Evidence {
    /// The details, trimmed.
    pub fn details_trimmed(&self) -> &str {
        self.details.trim()
    }

    /// Checks the evidence and returns every problem found, not only the first.
    pub fn validate(
        &self,
        now: Timestamp,
        suppressed_on: Option<Timestamp>,
    ) -> Result<(), Vec<EvidenceError>> {
        let mut problems = Vec::new();
        if self.contact_name.trim().is_empty() {
            problems.push(EvidenceError::MissingRequester);
        }
        let details = self.details_trimmed();
        if details.is_empty() {
            problems.push(EvidenceError::MissingDetails);
        } else {
            let length = char_len(details);
            if length > MAX_DETAILS_CHARS {
                problems.push(EvidenceError::DetailsTooLong {
                    length,
                    max: MAX_DETAILS_CHARS,
                });
            }
        }
        if self.requested_at > now.plus_minutes(CLOCK_SKEW_MINUTES) {
            problems.push(EvidenceError::RequestedInFuture {
                requested_at: self.requested_at,
            });
        }
        if let Some(suppressed_on) = suppressed_on {
            if self.requested_at < suppressed_on {
                problems.push(EvidenceError::RequestedBeforeSuppression {
                    requested_at: self.requested_at,
                    suppressed_on,
                });
            }
        }
        if self.recorded_by.id.trim().is_empty() {
            problems.push(EvidenceError::MissingRecorder);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl EvidenceError {
    /// The user-facing message.
    pub fn message(&self) -> Message {
        match self {
            EvidenceError::MissingRequester => Message::new(MessageKey::EvidenceMissingRequester),
            EvidenceError::MissingDetails => Message::new(MessageKey::EvidenceMissingDetails),
            EvidenceError::DetailsTooLong { length, max } => {
                Message::new(MessageKey::EvidenceDetailsTooLong)
                    .with("length", decimal(*length as i64))
                    .with("max", decimal(*max as i64))
            }
            EvidenceError::RequestedInFuture { requested_at } => {
                Message::new(MessageKey::EvidenceRequestedInFuture)
                    .with("date", requested_at.to_display_utc())
            }
            EvidenceError::RequestedBeforeSuppression {
                requested_at,
                suppressed_on,
            } => Message::new(MessageKey::EvidenceRequestedBeforeSuppression)
                .with("date", requested_at.to_display_utc())
                .with("suppressedOn", suppressed_on.to_display_utc()),
            EvidenceError::MissingRecorder => Message::new(MessageKey::EvidenceMissingRecorder),
        }
    }
}

impl core::fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().render_english())
    }
}

impl core::error::Error for EvidenceError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// 2026-11-26T14:03:00Z.
    pub(crate) const NOW: Timestamp = Timestamp(1_795_701_780_000);
    const MINUTE: i64 = 60_000;

    pub(crate) fn phone_call() -> Evidence {
        Evidence {
            contact_name: "Jane Doe".into(),
            channel: Channel::Phone,
            requested_at: Timestamp(NOW.0 - 30 * MINUTE),
            details:
                "Called the service desk and asked to get the newsletter again. Ticket CAS-01234."
                    .into(),
            recorded_by: UserRef {
                id: "{0B5A3C1E-7F2D-4E8A-9C6B-1D2E3F4A5B6C}".into(),
                name: "Sam Agent".into(),
            },
        }
    }

    #[test]
    fn accepts_a_complete_phone_request() {
        assert_eq!(phone_call().validate(NOW, Some(Timestamp(0))), Ok(()));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let evidence = Evidence {
            contact_name: "  ".into(),
            details: " \n ".into(),
            requested_at: Timestamp(NOW.0 + 6 * MINUTE),
            recorded_by: UserRef {
                id: String::new(),
                name: String::new(),
            },
            ..phone_call()
        };
        let problems = evidence.validate(NOW, None).unwrap_err();
        assert_eq!(
            problems,
            vec![
                EvidenceError::MissingRequester,
                EvidenceError::MissingDetails,
                EvidenceError::RequestedInFuture {
                    requested_at: Timestamp(NOW.0 + 6 * MINUTE)
                },
                EvidenceError::MissingRecorder,
            ]
        );
    }

    #[test]
    fn tolerates_five_minutes_of_clock_skew() {
        let evidence = Evidence {
            requested_at: NOW.plus_minutes(5),
            ..phone_call()
        };
        assert_eq!(evidence.validate(NOW, None), Ok(()));
    }

    #[test]
    fn refuses_details_longer_than_two_thousand_characters() {
        let evidence = Evidence {
            details: "ü".repeat(2_001),
            ..phone_call()
        };
        assert_eq!(
            evidence.validate(NOW, None),
            Err(vec![EvidenceError::DetailsTooLong {
                length: 2_001,
                max: 2_000
            }])
        );
        let at_limit = Evidence {
            details: format!("  {}  ", "ü".repeat(2_000)),
            ..phone_call()
        };
        assert_eq!(at_limit.validate(NOW, None), Ok(()));
    }

    #[test]
    fn refuses_a_request_made_before_the_suppression() {
        let suppressed_on = Timestamp(NOW.0 - 10 * MINUTE);
        let problems = phone_call().validate(NOW, Some(suppressed_on)).unwrap_err();
        assert_eq!(
            problems,
            vec![EvidenceError::RequestedBeforeSuppression {
                requested_at: Timestamp(NOW.0 - 30 * MINUTE),
                suppressed_on
            }]
        );
        assert_eq!(
            problems[0].to_string(),
            "The contact's request (2026-11-26 13:33 UTC) is earlier than the suppression \
             (2026-11-26 13:53 UTC); only a request made after the address was suppressed counts."
        );
    }
}
