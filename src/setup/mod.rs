//! The solution's configuration page (`rsub_/resubscribe/setup.html`, the solution's
//! configuration page): checks that the organization is set up for the form library and says,
//! check by check, what passes, what warns and what fails, with what to do.
//!
//! - [`read`]: the Web API reads, sent as one `$batch` (a second request only when the forms'
//!   mapping names a connector solution the first read could not have found).
//! - [`checks`]: the verdicts (pure, tested natively); [`formxml`]: what a form's FormXml says.
//! - [`draw`]: the page, with `createElement`/`textContent` only.
//!
//! The page reaches the Client API as a web resource in the client does, through its parent
//! (`window.parent.Xrm`, which the library's loader hands over as the page's `Xrm`), and reads
//! its strings from the RESX web resource of the user's language, which the loader fetches
//! beside the page. A user who may not read something sees that part as "could not be
//! checked", with the reason.

pub mod checks;
pub mod draw;
pub mod formxml;
pub mod read;

use crate::prelude::*;

use wasm_bindgen::JsValue;
use web_sys::Document;

use crate::dataverse::batch::BatchPart;
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::http::{ApiResponse, ApiVersion};
use crate::dataverse::queries;
use crate::dataverse::transport::WebApi;
use crate::domain::mapping::{MappingConfig, DEFAULT_CONNECTOR_SOLUTION};
use crate::domain::messages::{fallback, Message, MessageKey};
use crate::domain::resx::Templates;
use crate::xrm::GlobalContext;
use checks::{Check, SetupFacts};

/// The Email Suppressions table's logical name (the connector's).
pub const TABLE: &str = "esc_emailsuppression";

/// The page's strings: the RESX web resource of the user's language, else the English one
/// (their text, as read beside the page), English for what it lacks (in a shipped module,
/// which has no English table, the key and where its words should have come from:
/// `messages::fallback`).
pub struct Strings(Templates);

impl Strings {
    /// The templates of a RESX file's text; text that is not one gives English.
    pub fn from_resx(resx: &str) -> Strings {
        Strings(Templates::parse(resx))
    }

    /// The template of `key`.
    pub fn template(&self, key: MessageKey) -> String {
        match self.0.get(key) {
            Some(template) => template.to_owned(),
            None => fallback(key).into_owned(),
        }
    }

    /// `message` rendered.
    pub fn text(&self, message: &Message) -> String {
        message.render(|key| self.0.get(key).unwrap_or_default())
    }
}

/// Runs every check and draws the result into `document` in the language `lcid` (its RESX web
/// resource beside the page, else the English one: the module has no English table). A page
/// that cannot check anything says why. The promise settles once the page is drawn, or with
/// what kept it from being drawn.
pub fn run(document: Document, lcid: u32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let document = document.clone();
        let done = move |drawn: Result<(), JsValue>| {
            let _ = match drawn {
                Ok(()) => resolve.call0(&JsValue::NULL),
                Err(error) => reject.call1(&JsValue::NULL, &error),
            };
        };
        let url = [
            "../strings/Resubscribe.",
            &crate::domain::text::decimal(lcid.into()),
            ".resx",
        ]
        .concat();
        let english = crate::domain::resx::english_instead(&url);
        crate::dataverse::transport::read_web_resource(&url, move |resx| match (resx, english) {
            (None, Some(english)) => {
                crate::dataverse::transport::read_web_resource(&english, move |resx| {
                    check(document, resx, done)
                })
            }
            (resx, _) => check(document, resx, done),
        });
    })
}

/// Draws the page in the strings of `resx` (without it, each text names its key), runs the
/// checks and draws their results; `done` gets what kept the page from being drawn, if
/// anything.
fn check(
    document: Document,
    resx: Option<String>,
    done: impl FnOnce(Result<(), JsValue>) + 'static,
) {
    let strings = Strings::from_resx(resx.as_deref().unwrap_or_default());
    let (api, global) = match start(&document, &strings) {
        Ok(Some(started)) => started,
        Ok(None) => return done(Ok(())),
        Err(error) => return done(Err(error)),
    };
    gather(&api, &global, move |facts| {
        let checks = checks::report(&facts);
        let summary = strings.text(&checks::summary(&checks));
        done(draw::show(
            &document,
            &checks,
            &summary,
            |area| strings.template(area.label()),
            |check: &Check| strings.template(check.status.label()),
            |check: &Check| strings.text(&check.message),
        ));
    });
}

/// Draws the page while the checks run and returns the Web API and the context to check
/// with; `None` when the page cannot check anything (said on the page).
fn start(
    document: &Document,
    strings: &Strings,
) -> Result<Option<(WebApi, GlobalContext)>, JsValue> {
    let title = strings.template(MessageKey::SetupTitle);
    let intro = strings.template(MessageKey::SetupIntro);
    let recheck = strings.template(MessageKey::SetupRecheck);
    let texts = draw::Texts {
        title: &title,
        intro: &intro,
        recheck: &recheck,
    };
    draw::start(
        document,
        &texts,
        &strings.template(MessageKey::SetupRunning),
    )?;
    let global = match GlobalContext::read(&JsValue::UNDEFINED) {
        Ok(global) => global,
        Err(error) => {
            let message = Message::new(MessageKey::SetupNoXrm).with("detail", error.describe());
            return draw::stop(document, &strings.text(&message)).map(|()| None);
        }
    };
    let Some(version) = ApiVersion::for_org_version(&global.version) else {
        let message = Message::new(MessageKey::SetupNoWebApi).with("version", global.version);
        return draw::stop(document, &strings.text(&message)).map(|()| None);
    };
    let api = WebApi {
        client_url: global.client_url.clone(),
        version,
    };
    Ok(Some((api, global)))
}

/// Which answer of the batch is which.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Solutions,
    Forms,
    Languages,
    Organization,
    UserPrivileges,
    Roles,
}

/// Reads everything in one `$batch` (each part answered on its own: a refused part is that
/// check's warning, not the page's failure), and hands `then` the facts.
fn gather(api: &WebApi, global: &GlobalContext, then: impl FnOnce(SetupFacts) + 'static) {
    let user = Guid::parse(&global.user_id).ok();
    let mut parts = vec![
        (Part::Solutions, read::solutions(DEFAULT_CONNECTOR_SOLUTION)),
        (Part::Forms, read::forms(TABLE)),
        (Part::Languages, read::languages()),
        (Part::Organization, read::organization()),
    ];
    if let Some(user) = &user {
        parts.push((Part::UserPrivileges, read::user_privileges(user)));
    }
    parts.push((Part::Roles, read::roles()));
    let batch: Vec<BatchPart> = parts
        .iter()
        .map(|(_, request)| BatchPart::Single(request.clone()))
        .collect();
    let (global, again) = (global.clone(), api.clone());
    api.send_batch(batch, "rsub-setup", move |answers| {
        let answer = |wanted: Part| -> Result<ApiResponse, ApiError> {
            let answers = answers.as_ref().map_err(Clone::clone)?;
            parts
                .iter()
                .position(|(part, _)| *part == wanted)
                .and_then(|at| answers.get(at))
                .cloned()
                .ok_or_else(|| ApiError::unexpected(0, "the batch stopped before this part"))
        };
        let forms = answer(Part::Forms).and_then(|r| read::read_forms(&r));
        let configured = configured_connector(&forms);
        let user_privileges = match user {
            Some(_) => answer(Part::UserPrivileges).and_then(|r| read::read_user_privileges(&r)),
            None => Err(ApiError::unexpected(0, "the signed-in user is unknown")),
        };
        let mut facts = SetupFacts {
            org_version: global.version,
            user_name: global.user_name,
            configured_connector: configured,
            solutions: answer(Part::Solutions).and_then(|r| queries::read_solutions(&r)),
            table: TABLE.to_owned(),
            forms,
            languages: answer(Part::Languages).and_then(|r| read::read_languages(&r)),
            csp: answer(Part::Organization).and_then(|r| read::read_csp(&r)),
            user_privileges,
            roles: answer(Part::Roles).and_then(|r| read::read_roles(&r)),
        };
        // A configured name the first read could not have found (nothing like the connector).
        let configured = &facts.configured_connector;
        let found = facts.solutions.as_ref().map(|rows| {
            rows.iter()
                .any(|r| r.unique_name.eq_ignore_ascii_case(configured))
        });
        if found != Ok(false) || configured.eq_ignore_ascii_case(DEFAULT_CONNECTOR_SOLUTION) {
            return then(facts);
        }
        again.send(&read::solutions(configured), move |again| {
            if let (Ok(rows), Ok(more)) = (
                facts.solutions.as_mut(),
                again.and_then(|r| queries::read_solutions(&r)),
            ) {
                // The same read asks for the candidates again: each solution once.
                for row in more {
                    if !rows.iter().any(|r| r.unique_name == row.unique_name) {
                        rows.push(row);
                    }
                }
            }
            then(facts);
        });
    });
}

/// The connector's unique name the forms' OnLoad mapping configures, else the default.
fn configured_connector(forms: &Result<Vec<checks::FormRow>, ApiError>) -> String {
    forms
        .iter()
        .flatten()
        .filter(|row| row.form_type == checks::MAIN_FORM)
        .flat_map(|row| formxml::scan(&row.formxml).handlers)
        .filter(|h| h.event == "onload")
        .find_map(|h| {
            MappingConfig::parse(
                &formxml::parameter_text(&h.parameters),
                crate::dataverse::json::Json::parse,
            )
            .ok()?
            .connector_solution
        })
        .unwrap_or_else(|| DEFAULT_CONNECTOR_SOLUTION.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::messages::english;

    #[test]
    fn strings_come_from_the_resx_and_fall_back_to_english() {
        let resx = r#"<root><data name="setup.title" xml:space="preserve">
            <value>Resubscribe: Konfigurationspr&#252;fung &amp; mehr</value></data>
            <data name="setup.intro"><value>  </value></data>
            <data name="unknown.key"><value>x</value></data><data name="setup.recheck"><value>Erneut"#;
        let strings = Strings::from_resx(resx);
        assert_eq!(
            strings.template(MessageKey::SetupTitle),
            "Resubscribe: Konfigurationsprüfung & mehr"
        );
        assert_eq!(
            strings.template(MessageKey::SetupIntro),
            english(MessageKey::SetupIntro)
        );
        assert_eq!(
            strings.template(MessageKey::SetupRecheck),
            english(MessageKey::SetupRecheck)
        );
        assert!(Strings::from_resx("").0.is_empty());
    }

    #[test]
    fn every_shipped_translation_gives_every_page_text() {
        for lcid in ["1031", "1036", "1043"] {
            let path = [
                env!("CARGO_MANIFEST_DIR"),
                "/www/webresources/rsub_/strings/Resubscribe.",
                lcid,
                ".resx",
            ]
            .concat();
            let resx = std::fs::read_to_string(&path).unwrap();
            let strings = Strings::from_resx(&resx);
            let title = strings.template(MessageKey::SetupTitle);
            assert_ne!(title, english(MessageKey::SetupTitle), "{lcid}");
        }
    }
}
