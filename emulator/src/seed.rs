//! The demo data, with fixed ids so tests and demo deep links can name records:
//! `/main.aspx?etn=esc_emailsuppression&pagetype=entityrecord&id=<SUPPRESSION_…>`.
//!
//! | id | what it is |
//! |---|---|
//! | [`SUPPRESSION_UNSUBSCRIBED`] | Maria Campbell, Unsubscribed, nothing requested, contact has no notes |
//! | [`SUPPRESSION_PENDING_REQUEST`] | Nancy Anderson, Unsubscribed, *Request Resubscribe* ticked with a date: the next sync sends the confirmation email |
//! | [`SUPPRESSION_AWAITING_CONFIRMATION`] | Paul Cannon, Unsubscribed, confirmation email already sent (note on the contact): `confirm`/`report-abuse` work at once |
//! | [`SUPPRESSION_SUPPRESSED_BY_TEAM`] | Rene Valdes, Suppressed (by the team): resubscribed at the next sync without email; contact has an unrelated note |
//! | [`SUPPRESSION_ISP_COMPLAINED`] | Sidney Higa, ISP complained: cannot be resubscribed |
//! | [`SUPPRESSION_HARD_BOUNCED`] | Thomas Andersen, Hard bounced |
//! | [`SUPPRESSION_NO_CONTACT`] | info@northwindtraders.com, Global suppression, no contact |
//! | [`SUPPRESSION_ALREADY_RESUBSCRIBED`] | Yvonne McKay, resubscribed in January: inactive, both connector notes, bulk email allowed |
//! | [`USER_ALEX_ADMIN`] | Alex Admin: System Administrator + Email Marketing Manager |
//! | [`USER_SAM_SELLER`] | Sam Seller: Salesperson + Email Marketing Viewer |
//! | [`ROLE_SYSTEM_ADMINISTRATOR`] … [`ROLE_SYSTEM_CUSTOMIZER`] | security roles; see [`user_roles`] |

use std::collections::BTreeMap;

use serde_json::Value;

use crate::clock::Timestamp;
use crate::config::Reason;
use crate::connector::{self, write_note, ConnectorState, Progress};
use crate::guid::Guid;
use crate::model::Model;
use crate::schema::names;
use crate::settings::Settings;
use crate::store::{Changes, Store};

/// Unsubscribed, nothing requested (Maria Campbell).
pub const SUPPRESSION_UNSUBSCRIBED: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a001";
/// Unsubscribed, resubscribe requested, awaiting the next sync (Nancy Anderson).
pub const SUPPRESSION_PENDING_REQUEST: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a002";
/// Unsubscribed, confirmation email sent, awaiting the contact (Paul Cannon).
pub const SUPPRESSION_AWAITING_CONFIRMATION: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a003";
/// Suppressed by the team (Rene Valdes).
pub const SUPPRESSION_SUPPRESSED_BY_TEAM: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a004";
/// ISP complained (Sidney Higa).
pub const SUPPRESSION_ISP_COMPLAINED: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a005";
/// Hard bounced (Thomas Andersen).
pub const SUPPRESSION_HARD_BOUNCED: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a006";
/// Global suppression with no contact (info@northwindtraders.com).
pub const SUPPRESSION_NO_CONTACT: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a007";
/// Resubscribed earlier: inactive (Yvonne McKay).
pub const SUPPRESSION_ALREADY_RESUBSCRIBED: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a008";

/// Maria Campbell: no notes.
pub const CONTACT_MARIA_CAMPBELL: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c001";
/// Nancy Anderson: no notes, request pending.
pub const CONTACT_NANCY_ANDERSON: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c002";
/// Paul Cannon: a phone-call note and the connector's confirmation note.
pub const CONTACT_PAUL_CANNON: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c003";
/// Rene Valdes: one unrelated note.
pub const CONTACT_RENE_VALDES: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c004";
/// Sidney Higa.
pub const CONTACT_SIDNEY_HIGA: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c005";
/// Thomas Andersen.
pub const CONTACT_THOMAS_ANDERSEN: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c006";
/// Yvonne McKay: resubscribed, bulk email allowed.
pub const CONTACT_YVONNE_MCKAY: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c007";

/// Paul Cannon's phone-call note.
pub const NOTE_PAUL_PHONE_CALL: &str = "5a0e0a00-2f1d-4e3c-8b7a-00000000e001";
/// The connector's "confirmation email sent" note on Paul Cannon.
pub const NOTE_PAUL_CONFIRMATION_SENT: &str = "5a0e0a00-2f1d-4e3c-8b7a-00000000e002";
/// Rene Valdes's unrelated note.
pub const NOTE_RENE_RENEWAL: &str = "5a0e0a00-2f1d-4e3c-8b7a-00000000e003";
/// The connector's "confirmation email sent" note on Yvonne McKay.
pub const NOTE_YVONNE_CONFIRMATION_SENT: &str = "5a0e0a00-2f1d-4e3c-8b7a-00000000e004";
/// The connector's "resubscribed" note on Yvonne McKay.
pub const NOTE_YVONNE_RESUBSCRIBED: &str = "5a0e0a00-2f1d-4e3c-8b7a-00000000e005";

/// The connector's solution row.
pub const SOLUTION_CONNECTOR: &str = "0d1c2b3a-4f5e-4d6c-9b8a-00000000f001";
/// The `Default` solution row.
pub const SOLUTION_DEFAULT: &str = "0d1c2b3a-4f5e-4d6c-9b8a-00000000f002";
/// The `System` solution row.
pub const SOLUTION_SYSTEM: &str = "0d1c2b3a-4f5e-4d6c-9b8a-00000000f003";

/// The signed-in demo user (the caller of every Web API request; `WhoAmI()`).
pub const DEMO_USER: &str = "9f8e7d6c-5b4a-4392-8a1b-00000000d001";
/// The organization id answered by `WhoAmI()`.
pub const ORGANIZATION: &str = "9f8e7d6c-5b4a-4392-8a1b-00000000d003";
/// The business unit id answered by `WhoAmI()`.
pub const BUSINESS_UNIT: &str = "9f8e7d6c-5b4a-4392-8a1b-00000000d004";

/// Alex Admin, the demo host's admin user (`USERS.admin` in `www/demo/xrm.js`): System
/// Administrator and Email Marketing Manager.
pub const USER_ALEX_ADMIN: &str = "7d5e8b2c-4a1f-4e6b-9c3d-2f8a6b0e1d47";
/// Sam Seller, the demo host's ordinary user (`USERS.user`): Salesperson and Email Marketing
/// Viewer.
pub const USER_SAM_SELLER: &str = "2c9f4e1a-7b3d-4f58-a6e2-8d1c5b0a9f36";

/// The System Administrator role (id as in the demo host's `USERS`).
pub const ROLE_SYSTEM_ADMINISTRATOR: &str = "a1b2c3d4-0000-4000-8000-000000000001";
/// The connector's custom Email Marketing Manager role (no template).
pub const ROLE_EMAIL_MARKETING_MANAGER: &str = "a1b2c3d4-0000-4000-8000-000000000002";
/// The Salesperson role.
pub const ROLE_SALESPERSON: &str = "a1b2c3d4-0000-4000-8000-000000000003";
/// The connector's custom Email Marketing Viewer role (no template).
pub const ROLE_EMAIL_MARKETING_VIEWER: &str = "a1b2c3d4-0000-4000-8000-000000000004";
/// The System Customizer role (assigned to nobody in the seed).
pub const ROLE_SYSTEM_CUSTOMIZER: &str = "a1b2c3d4-0000-4000-8000-000000000005";

/// The platform's System Administrator role template: the same id in every organization, whatever
/// the role is called there.
pub const ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR: &str = "627090ff-40a3-4053-8790-584edc5be201";
/// The platform's System Customizer role template.
pub const ROLE_TEMPLATE_SYSTEM_CUSTOMIZER: &str = "119f245c-3cc8-4b62-b31c-d1a046ced15d";
/// The Salesperson role template. *Invented for the emulator*: the real id was not checked
/// against a public source; only the System Administrator and System Customizer ids matter for
/// admin detection.
pub const ROLE_TEMPLATE_SALESPERSON: &str = "0d1c2b3a-0000-4000-8000-00000000b003";

/// The first row version of the seed (ETags start here).
pub const FIRST_ROW_VERSION: u64 = 4_702_118;

/// Parses one of this module's ids (they are all valid; `NIL` otherwise).
pub fn id(text: &str) -> Guid {
    Guid::parse(text).unwrap_or(Guid::NIL)
}

/// The instant the seed is dated at (solution install time).
pub fn seed_time() -> Timestamp {
    at("2025-03-06T08:00:00Z")
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(Timestamp::now)
}

struct ContactSeed {
    id: &'static str,
    first: &'static str,
    last: &'static str,
    email: &'static str,
    no_bulk: bool,
}

struct SuppressionSeed {
    id: &'static str,
    email: &'static str,
    reason: Reason,
    contact: Option<&'static str>,
    requested_on: Option<&'static str>,
    active: bool,
    created: &'static str,
}

/// Each seeded user's security roles, in the order the demo host lists them.
pub fn user_roles() -> BTreeMap<Guid, Vec<Guid>> {
    [
        (DEMO_USER, vec![ROLE_SYSTEM_ADMINISTRATOR]),
        (
            USER_ALEX_ADMIN,
            vec![ROLE_SYSTEM_ADMINISTRATOR, ROLE_EMAIL_MARKETING_MANAGER],
        ),
        (
            USER_SAM_SELLER,
            vec![ROLE_SALESPERSON, ROLE_EMAIL_MARKETING_VIEWER],
        ),
    ]
    .into_iter()
    .map(|(user, roles)| (id(user), roles.into_iter().map(id).collect()))
    .collect()
}

/// Makes the `solution` table agree with the settings: the connector's row exists, with the
/// configured version, exactly when a connector version is set.
pub fn sync_solution(model: &Model, store: &mut Store, settings: &Settings, now: Timestamp) {
    let id = id(SOLUTION_CONNECTOR);
    let Some(table) = model.schema.by_logical(names::SOLUTION) else {
        return;
    };
    match &settings.connector_version {
        None => {
            store.remove(names::SOLUTION, id);
        }
        Some(version) => {
            let current = store
                .get(names::SOLUTION, id)
                .and_then(|r| r.str("version"))
                .map(str::to_string);
            if current.as_deref() != Some(version.as_str()) {
                let changes = Changes::default()
                    .set("uniquename", model.config.connector_solution.clone())
                    .set("friendlyname", model.config.connector_friendly_name.clone())
                    .set("version", version.clone())
                    .set("ismanaged", true)
                    .set("installedon", now.to_iso());
                model.write(store, table, id, changes, connector::user(), now);
            }
        }
    }
}

/// Builds the seed records and the connector's matching progress.
pub fn build(model: &Model) -> (Store, ConnectorState) {
    let mut store = Store::new(FIRST_ROW_VERSION);
    let mut connector = ConnectorState::default();
    let demo = id(DEMO_USER);
    let bot = connector::user();

    if let Some(users) = model.schema.by_logical(names::SYSTEMUSER) {
        for (user, name, login) in [
            (DEMO_USER, "Alex Wu", "alex.wu@contoso.onmicrosoft.com"),
            (
                connector::USER,
                "# Dotdigital Connector",
                "dotdigital@contoso.onmicrosoft.com",
            ),
            (
                USER_ALEX_ADMIN,
                "Alex Admin",
                "alex.admin@contoso.onmicrosoft.com",
            ),
            (
                USER_SAM_SELLER,
                "Sam Seller",
                "sam.seller@contoso.onmicrosoft.com",
            ),
        ] {
            let changes = Changes::default()
                .set("fullname", name)
                .set("domainname", login);
            model.write(
                &mut store,
                users,
                id(user),
                changes,
                id(user),
                at("2024-01-15T09:00:00Z"),
            );
        }
    }

    if let Some(roles) = model.schema.by_logical(names::ROLE) {
        for (role, name, template) in [
            (
                ROLE_SYSTEM_ADMINISTRATOR,
                "System Administrator",
                Some(ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR),
            ),
            (
                ROLE_EMAIL_MARKETING_MANAGER,
                "Email Marketing Manager",
                None,
            ),
            (
                ROLE_SALESPERSON,
                "Salesperson",
                Some(ROLE_TEMPLATE_SALESPERSON),
            ),
            (ROLE_EMAIL_MARKETING_VIEWER, "Email Marketing Viewer", None),
            (
                ROLE_SYSTEM_CUSTOMIZER,
                "System Customizer",
                Some(ROLE_TEMPLATE_SYSTEM_CUSTOMIZER),
            ),
        ] {
            let mut changes = Changes::default().set("name", name);
            if let Some(template) = template {
                changes = changes.link("_roletemplateid_value", names::ROLETEMPLATE, id(template));
            }
            model.write(
                &mut store,
                roles,
                id(role),
                changes,
                bot,
                at("2024-01-15T09:00:00Z"),
            );
        }
    }

    if let Some(solutions) = model.schema.by_logical(names::SOLUTION) {
        for (solution, unique, friendly, version) in [
            (SOLUTION_DEFAULT, "Default", "Default Solution", "1.0"),
            (
                SOLUTION_SYSTEM,
                "System",
                "System Solution",
                "9.2.25093.168",
            ),
        ] {
            let changes = Changes::default()
                .set("uniquename", unique)
                .set("friendlyname", friendly)
                .set("version", version)
                .set("ismanaged", true)
                .set("installedon", "2024-01-15T09:00:00Z");
            model.write(
                &mut store,
                solutions,
                id(solution),
                changes,
                bot,
                seed_time(),
            );
        }
    }

    let contacts = [
        ContactSeed {
            id: CONTACT_MARIA_CAMPBELL,
            first: "Maria",
            last: "Campbell",
            email: "maria.campbell@contoso.com",
            no_bulk: true,
        },
        ContactSeed {
            id: CONTACT_NANCY_ANDERSON,
            first: "Nancy",
            last: "Anderson",
            email: "nancy.anderson@fabrikam.com",
            no_bulk: true,
        },
        ContactSeed {
            id: CONTACT_PAUL_CANNON,
            first: "Paul",
            last: "Cannon",
            email: "paul.cannon@adventure-works.com",
            no_bulk: true,
        },
        ContactSeed {
            id: CONTACT_RENE_VALDES,
            first: "Rene",
            last: "Valdes",
            email: "rene.valdes@litware.com",
            no_bulk: true,
        },
        ContactSeed {
            id: CONTACT_SIDNEY_HIGA,
            first: "Sidney",
            last: "Higa",
            email: "sidney.higa@wingtiptoys.com",
            no_bulk: true,
        },
        ContactSeed {
            id: CONTACT_THOMAS_ANDERSEN,
            first: "Thomas",
            last: "Andersen",
            email: "thomas.andersen@tailspintoys.com",
            no_bulk: true,
        },
        ContactSeed {
            id: CONTACT_YVONNE_MCKAY,
            first: "Yvonne",
            last: "McKay",
            email: "yvonne.mckay@proseware.com",
            no_bulk: false,
        },
    ];
    if let Some(table) = model.schema.by_logical(names::CONTACT) {
        for c in &contacts {
            let when = at("2024-06-03T10:30:00Z");
            let changes = Changes::default()
                .set("firstname", c.first)
                .set("lastname", c.last)
                .set("emailaddress1", c.email)
                .set("donotbulkemail", c.no_bulk)
                .set("donotemail", false)
                .set("createdon", when.to_iso());
            model.write(&mut store, table, id(c.id), changes, demo, when);
        }
    }

    let suppressions = [
        SuppressionSeed {
            id: SUPPRESSION_UNSUBSCRIBED,
            email: "maria.campbell@contoso.com",
            reason: Reason::Unsubscribed,
            contact: Some(CONTACT_MARIA_CAMPBELL),
            requested_on: None,
            active: true,
            created: "2024-11-02T14:05:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_PENDING_REQUEST,
            email: "nancy.anderson@fabrikam.com",
            reason: Reason::Unsubscribed,
            contact: Some(CONTACT_NANCY_ANDERSON),
            requested_on: Some("2025-03-05T10:20:00Z"),
            active: true,
            created: "2024-12-09T08:41:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_AWAITING_CONFIRMATION,
            email: "paul.cannon@adventure-works.com",
            reason: Reason::Unsubscribed,
            contact: Some(CONTACT_PAUL_CANNON),
            requested_on: Some("2025-03-03T16:40:00Z"),
            active: true,
            created: "2024-10-21T11:12:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_SUPPRESSED_BY_TEAM,
            email: "rene.valdes@litware.com",
            reason: Reason::Suppressed,
            contact: Some(CONTACT_RENE_VALDES),
            requested_on: None,
            active: true,
            created: "2025-01-27T15:30:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_ISP_COMPLAINED,
            email: "sidney.higa@wingtiptoys.com",
            reason: Reason::IspComplained,
            contact: Some(CONTACT_SIDNEY_HIGA),
            requested_on: None,
            active: true,
            created: "2024-09-14T07:55:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_HARD_BOUNCED,
            email: "thomas.andersen@tailspintoys.com",
            reason: Reason::HardBounced,
            contact: Some(CONTACT_THOMAS_ANDERSEN),
            requested_on: None,
            active: true,
            created: "2024-08-30T19:02:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_NO_CONTACT,
            email: "info@northwindtraders.com",
            reason: Reason::GlobalSuppression,
            contact: None,
            requested_on: None,
            active: true,
            created: "2024-07-18T06:20:00Z",
        },
        SuppressionSeed {
            id: SUPPRESSION_ALREADY_RESUBSCRIBED,
            email: "yvonne.mckay@proseware.com",
            reason: Reason::Unsubscribed,
            contact: Some(CONTACT_YVONNE_MCKAY),
            requested_on: Some("2025-01-12T09:03:00Z"),
            active: false,
            created: "2024-11-25T13:47:00Z",
        },
    ];
    if let Some(table) = model.suppression_table() {
        let n = &model.config.suppression;
        for s in &suppressions {
            let when = at(s.created);
            let reason = model
                .config
                .reasons
                .iter()
                .find(|r| r.reason == s.reason)
                .map(|r| Value::from(r.value))
                .unwrap_or(Value::Null);
            let mut changes = Changes::default()
                .set(&n.email, s.email)
                .set(&n.reason, reason)
                .set(&n.request_resubscribe, s.requested_on.is_some() && s.active)
                .set(
                    &n.request_date,
                    s.requested_on.map(Value::from).unwrap_or(Value::Null),
                )
                .set("statecode", if s.active { 0 } else { 1 })
                .set("statuscode", if s.active { 1 } else { 2 })
                .set("createdon", when.to_iso());
            if let Some(contact) = s.contact {
                changes = changes.link(
                    &format!("_{}_value", n.contact),
                    names::CONTACT,
                    id(contact),
                );
            }
            if let Some(requested) = s.requested_on {
                // The user's save that ticked Request Resubscribe is the last change.
                changes = changes.set("modifiedon", requested);
            }
            let author = if s.requested_on.is_some() { demo } else { bot };
            model.write(&mut store, table, id(s.id), changes, author, when);
        }
    }
    connector.progress.insert(
        id(SUPPRESSION_AWAITING_CONFIRMATION),
        Progress::AwaitingConfirmation,
    );
    connector
        .progress
        .insert(id(SUPPRESSION_ALREADY_RESUBSCRIBED), Progress::Complete);

    let subjects = &model.config.notes;
    let notes = [
        (NOTE_PAUL_PHONE_CALL, CONTACT_PAUL_CANNON, "Phone call: asked to receive the newsletter again", "Paul called on 3 March 2025 and asked to be put back on the monthly newsletter. Consent given by phone; he confirmed the address paul.cannon@adventure-works.com.", demo, "2025-03-03T16:38:00Z"),
        (NOTE_PAUL_CONFIRMATION_SENT, CONTACT_PAUL_CANNON, subjects.confirmation_sent.as_str(), "A resubscription confirmation email was sent to paul.cannon@adventure-works.com. The address is removed from the suppression list when the contact confirms.", bot, "2025-03-04T02:00:00Z"),
        (NOTE_RENE_RENEWAL, CONTACT_RENE_VALDES, "Renewal call", "Discussed the contract renewal for Q3. No change to mailing preferences.", demo, "2025-02-11T13:15:00Z"),
        (NOTE_YVONNE_CONFIRMATION_SENT, CONTACT_YVONNE_MCKAY, subjects.confirmation_sent.as_str(), "A resubscription confirmation email was sent to yvonne.mckay@proseware.com. The address is removed from the suppression list when the contact confirms.", bot, "2025-01-10T02:00:00Z"),
        (NOTE_YVONNE_RESUBSCRIBED, CONTACT_YVONNE_MCKAY, subjects.resubscribed.as_str(), "yvonne.mckay@proseware.com was removed from the suppression list after the contact confirmed the resubscription email. Bulk email restrictions are lifted at the next sync.", bot, "2025-01-12T09:03:00Z"),
    ];
    for (note, contact, subject, text, author, when) in notes {
        write_note(
            model,
            &mut store,
            id(note),
            names::CONTACT,
            id(contact),
            subject,
            text,
            author,
            at(when),
        );
    }
    (store, connector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_id_is_a_valid_guid() {
        for text in [
            SUPPRESSION_UNSUBSCRIBED,
            SUPPRESSION_PENDING_REQUEST,
            SUPPRESSION_AWAITING_CONFIRMATION,
            SUPPRESSION_SUPPRESSED_BY_TEAM,
            SUPPRESSION_ISP_COMPLAINED,
            SUPPRESSION_HARD_BOUNCED,
            SUPPRESSION_NO_CONTACT,
            SUPPRESSION_ALREADY_RESUBSCRIBED,
            CONTACT_MARIA_CAMPBELL,
            CONTACT_NANCY_ANDERSON,
            CONTACT_PAUL_CANNON,
            CONTACT_RENE_VALDES,
            CONTACT_SIDNEY_HIGA,
            CONTACT_THOMAS_ANDERSEN,
            CONTACT_YVONNE_MCKAY,
            NOTE_PAUL_PHONE_CALL,
            NOTE_PAUL_CONFIRMATION_SENT,
            NOTE_RENE_RENEWAL,
            NOTE_YVONNE_CONFIRMATION_SENT,
            NOTE_YVONNE_RESUBSCRIBED,
            SOLUTION_CONNECTOR,
            SOLUTION_DEFAULT,
            SOLUTION_SYSTEM,
            DEMO_USER,
            connector::USER,
            USER_ALEX_ADMIN,
            USER_SAM_SELLER,
            ROLE_SYSTEM_ADMINISTRATOR,
            ROLE_EMAIL_MARKETING_MANAGER,
            ROLE_SALESPERSON,
            ROLE_EMAIL_MARKETING_VIEWER,
            ROLE_SYSTEM_CUSTOMIZER,
            ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR,
            ROLE_TEMPLATE_SYSTEM_CUSTOMIZER,
            ROLE_TEMPLATE_SALESPERSON,
            ORGANIZATION,
            BUSINESS_UNIT,
        ] {
            assert_eq!(
                Guid::parse(text).map(|g| g.to_string()).as_deref(),
                Some(text)
            );
        }
    }
}
