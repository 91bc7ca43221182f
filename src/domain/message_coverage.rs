//! Test-only: every message the domain produces gives exactly the placeholders its English
//! template uses, and every key is produced somewhere (no dead or unreachable texts).

use alloc::collections::BTreeSet;

use super::compatibility::{check, ConnectorReading};
use super::eligibility::SuppressionReason;
use super::email::EmailAddress;
use super::evidence::tests::{phone_call, NOW};
use super::evidence::{Channel, Evidence, UserRef};
use super::lifecycle::{derive, Actor, LifecycleFacts, LifecyclePatterns, NoteFact, StepKind};
use super::messages::tests::assert_complete;
use super::messages::{Message, MessageKey};
use super::save_check::{evaluate, FormFacts, FormType, RequestTransition, SaveMode};
use super::time::Timestamp;
use super::version::{ReleaseLine, Version, VersionError};
use super::Lifecycle;

fn produced_messages() -> Vec<Message> {
    let mut all = Vec::new();
    for text in ["", "9", "1.2.3.4.5", "7..1", "7.x", "7.99999999999"] {
        all.push(Version::parse(text).unwrap_err().message());
    }
    all.push(ReleaseLine::from_major(4).unwrap_err().message());
    let _ = VersionError::Empty;

    let readings = [
        ConnectorReading::installed("7.0.1.721"),
        ConnectorReading::installed("7.0.1.129"),
        ConnectorReading::installed("5.0.9690.2538"),
        ConnectorReading::installed("7.0.x"),
        ConnectorReading::NotInstalled,
        ConnectorReading::Unreadable {
            why: "HTTP 403".into(),
        },
    ];
    for org in ["9.2.25093.00168", "nine", "10.0.0.1"] {
        for reading in &readings {
            all.push(check(org, reading).message());
        }
    }

    for label in [
        "Unsubscribed",
        "Suppressed",
        "HardBounced",
        "SoftBounced",
        "IspComplained",
        "DirectComplaint",
        "MailBlocked",
        "GlobalSuppression",
        "DomainSuppression",
        "NotAllowed",
        "NoMxRecord",
        "Quarantined",
    ] {
        all.push(SuppressionReason::parse(label).eligibility().message());
    }

    let long = "a".repeat(300);
    for text in [
        "",
        &long,
        &format!("{}@example.com", "a".repeat(65)),
        "jane",
        "a@b@c.com",
        "@example.com",
        "jane@",
        "ja ne@example.com",
        ".jane@example.com",
        "jane@localhost",
        "jane@example..com",
        "jane@-x.com",
    ] {
        all.push(EmailAddress::parse(text).unwrap_err().message());
    }

    let bad = Evidence {
        contact_name: String::new(),
        details: "x".repeat(2_001),
        requested_at: Timestamp(NOW.0 + 3_600_000),
        recorded_by: UserRef {
            id: String::new(),
            name: String::new(),
        },
        channel: Channel::Other,
    };
    all.extend(
        bad.validate(NOW, Some(Timestamp(NOW.0 + 7_200_000)))
            .unwrap_err()
            .iter()
            .map(|e| e.message()),
    );
    let blank = Evidence {
        details: String::new(),
        ..phone_call()
    };
    all.extend(
        blank
            .validate(NOW, None)
            .unwrap_err()
            .iter()
            .map(|e| e.message()),
    );
    for channel in Channel::ALL {
        all.push(Message::new(channel.label_key()));
    }

    let note = |subject: &str| NoteFact {
        id: String::new(),
        subject: subject.into(),
        text: String::new(),
        created_on: Timestamp(NOW.0 + 1),
    };
    let base = LifecycleFacts {
        request_flag: true,
        request_date: Some(NOW),
        suppression_active: true,
        reason: SuppressionReason::Unsubscribed,
        notes: vec![],
        contact_donotbulkemail: Some(true),
        record: None,
    };
    let variants = [
        LifecycleFacts {
            request_flag: false,
            request_date: None,
            ..base.clone()
        },
        base.clone(),
        LifecycleFacts {
            reason: SuppressionReason::Suppressed,
            request_date: None,
            ..base.clone()
        },
        LifecycleFacts {
            notes: vec![note("Confirmation email sent")],
            ..base.clone()
        },
        LifecycleFacts {
            notes: vec![note("Resubscribed")],
            ..base.clone()
        },
        LifecycleFacts {
            notes: vec![note("Resubscribed")],
            contact_donotbulkemail: None,
            ..base.clone()
        },
        LifecycleFacts {
            notes: vec![note("Resubscribed")],
            contact_donotbulkemail: Some(false),
            ..base.clone()
        },
        LifecycleFacts {
            notes: vec![note("Resubscription failed")],
            ..base.clone()
        },
        LifecycleFacts {
            request_flag: false,
            request_date: None,
            notes: withdrawn_request(),
            record: Some(super::history::tests::RECORD.into()),
            ..base.clone()
        },
    ];
    let mut lifecycles = Vec::new();
    for facts in &variants {
        let lifecycle = derive(facts, &LifecyclePatterns::default());
        all.push(lifecycle.message());
        for step in lifecycle.steps() {
            all.push(Message::new(step.kind.label_key()));
            all.push(Message::new(step.kind.todo_key()));
            all.push(Message::new(step.by.label_key()));
        }
        lifecycles.push(lifecycle);
    }
    all.push(Message::new(StepKind::BulkRestrictionLifted.label_key()));
    all.push(Message::new(Actor::User.label_key()));

    let ticking = FormFacts {
        form_type: FormType::Update,
        request_transition: RequestTransition::Ticked,
        email: Some("jane.doe@example.com".into()),
        reason: Some(SuppressionReason::Unsubscribed),
        lifecycle: Lifecycle::NotRequested,
        lifecycle_verified: true,
        evidence: Some(phone_call()),
        compatibility: check("9.2.25093.00168", &ConnectorReading::installed("7.0.1.721")),
        can_write: true,
        save_mode: SaveMode::Save,
        now: NOW,
        suppressed_on: None,
    };
    let mut facts_list = vec![
        FormFacts {
            form_type: FormType::Create,
            can_write: false,
            email: None,
            reason: None,
            evidence: None,
            ..ticking.clone()
        },
        FormFacts {
            form_type: FormType::ReadOnly,
            save_mode: SaveMode::AutoSave,
            evidence: None,
            ..ticking.clone()
        },
        FormFacts {
            form_type: FormType::BulkEdit,
            lifecycle_verified: false,
            ..ticking.clone()
        },
        FormFacts {
            form_type: FormType::Other(0),
            ..ticking.clone()
        },
        FormFacts {
            compatibility: check(
                "9.2",
                &ConnectorReading::Unreadable {
                    why: "offline".into(),
                },
            ),
            ..ticking.clone()
        },
    ];
    for lifecycle in lifecycles {
        for transition in [RequestTransition::Ticked, RequestTransition::Unticked] {
            facts_list.push(FormFacts {
                lifecycle: lifecycle.clone(),
                request_transition: transition,
                ..ticking.clone()
            });
        }
    }
    for facts in &facts_list {
        all.extend(evaluate(facts).messages().iter().cloned());
    }
    all.push(Message::new(MessageKey::DateUnknown));
    all.extend(mapping_messages());
    all.extend(request_flow_messages());
    all
}

/// A request's note and the note of its withdrawal.
fn withdrawn_request() -> Vec<NoteFact> {
    use super::note::{RequestMarker, ResubscribeNote};
    let marker = RequestMarker::new(super::history::tests::RECORD, NOW).unwrap();
    let by = UserRef {
        id: "u".into(),
        name: "Sam Agent".into(),
    };
    vec![
        super::history::tests::audit_note(0, "asked"),
        ResubscribeNote::withdrawal(&marker, &by, Timestamp(NOW.0 + 60_000)).as_fact(),
    ]
}

/// What the request flow refuses with: a request date changed by hand.
fn request_flow_messages() -> Vec<Message> {
    use super::request_flow::{Command, FactsRead, Notice, RequestFlow, SaveAttempt, Verdict};
    let mut flow = RequestFlow::<()>::default();
    let commands = flow.save_attempted(SaveAttempt {
        change: RequestTransition::Unchanged,
        closes: false,
        facts: FactsRead::Whole,
        verdict: Verdict::Allow {
            warnings: vec![],
            note: None,
        },
        date_edited: true,
        post_save: true,
    });
    commands
        .into_iter()
        .filter_map(|command| match command {
            Command::Show(Notice::Refused(reasons)) => Some(reasons),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Configuration messages: a bad parameter string, a missing and a misnamed column.
fn mapping_messages() -> Vec<Message> {
    use super::mapping::{ColumnMapping, FormAttribute, MappingConfig};
    let decode = crate::dataverse::json::Json::parse;
    let mut all = vec![MappingConfig::parse("{", decode).unwrap_err()];
    let config = MappingConfig::parse(r#"{"email":"new_mail"}"#, decode).unwrap();
    let form = [FormAttribute {
        name: "x".into(),
        kind: "string".into(),
        label: "x".into(),
    }];
    all.extend(ColumnMapping::resolve(&config, &form).unwrap_err());
    all
}

/// Keys the edges produce (the plugin on the form, the Web API layer), not the domain.
fn produced_by_edges(key: &MessageKey) -> bool {
    let id = key.id();
    id.starts_with("plugin.")
        || id.starts_with("api.")
        || id.starts_with("panel.")
        || id.starts_with("setup.")
        || super::messages::EVIDENCE_DIALOG.contains(key)
}

#[test]
fn every_produced_message_fills_exactly_its_template_placeholders() {
    for message in produced_messages() {
        assert_complete(&message);
    }
}

#[test]
fn every_message_key_is_produced_by_the_domain() {
    let produced: BTreeSet<MessageKey> = produced_messages().iter().map(|m| m.key).collect();
    let missing: Vec<&str> = MessageKey::ALL
        .iter()
        .filter(|key| !produced.contains(key) && !produced_by_edges(key))
        .map(|key| key.id())
        .collect();
    assert!(missing.is_empty(), "never produced: {missing:?}");
}
