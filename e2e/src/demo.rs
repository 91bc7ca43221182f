//! The demo host's scenario from a test: which organization the page plays (its version and,
//! on premises, its name), the frame the form libraries run in, and the deprecated Client API
//! members they touched.
//!
//! The demo loads the form libraries into a hidden same-origin frame, `#ClientApiFrame_0`, as
//! Unified Interface does: `Rsub` and the library's `rsub:*` User Timing marks live in that
//! frame's global object and `performance` timeline, not in the page's. `Xrm`, the execution
//! contexts and `formContext` are the page's.
//!
//! ```no_run
//! # async fn example() -> e2e::Outcome {
//! e2e::run("on_premises_9_1", async |t| {
//!     e2e::demo::open_demo(t, "9.1.0.15000", "contoso", "esc_emailsuppression",
//!         e2e::seed::SUPPRESSION_UNSUBSCRIBED).await?;
//!     let kind = t.page.execute_in_script_frame("return typeof Rsub;", vec![]).await?;
//!     e2e::ensure!(kind == "object", "Rsub is {kind}");
//!     let deprecated = t.page.deprecated_calls().await?;
//!     e2e::ensure!(deprecated.is_empty(), "deprecated calls: {deprecated:?}");
//!     Ok(())
//! })
//! .await
//! # }
//! ```

use fantoccini::Locator;
use serde_json::{json, Value};

use crate::failure::{Failure, Outcome};
use crate::page::Page;
use crate::session::E2e;

/// The id of the hidden frame the demo loads the form libraries into.
pub const SCRIPT_FRAME_ID: &str = "ClientApiFrame_0";

/// A representative build for each row of the demo's version table (`www/demo/README.md`).
pub const ORG_VERSIONS: [&str; 6] = [
    "8.0.0.1088",
    "8.1.0.359",
    "8.2.0.749",
    "9.0.2.3034",
    "9.1.0.15000",
    "9.2.25093.00168",
];

/// The deep link of a record for `organization` (`""` = online):
/// `[/<organization>]/main.aspx?etn=<entity>&pagetype=entityrecord&id=<id>`.
pub fn record_path(organization: &str, entity: &str, id: &str) -> String {
    let prefix = if organization.is_empty() {
        String::new()
    } else {
        format!("/{organization}")
    };
    format!("{prefix}/main.aspx?etn={entity}&pagetype=entityrecord&id={id}")
}

/// Sets the emulator's scenario (`POST /_emulator/settings` with `orgVersion` and
/// `organization`, `""` = online), then opens the record by its deep link under that
/// organization and waits until the page has drawn it (or a page message).
pub async fn open_demo(
    t: &E2e,
    org_version: &str,
    organization: &str,
    entity: &str,
    id: &str,
) -> Outcome {
    set_organization(t, org_version, organization).await?;
    t.page.goto(&record_path(organization, entity, id)).await?;
    t.page.wait_until_page_settled().await
}

/// Clears the emulator's request log, opens `record` of the Email Suppressions form as
/// `org_version` (on premises under `organization`, `""` = online) and waits for its OnLoad.
pub async fn open_suppression(
    t: &E2e,
    org_version: &str,
    organization: &str,
    record: &str,
) -> Outcome {
    t.emulator
        .send(hyper::Method::DELETE, "/_emulator/requests", &[], None)
        .await?;
    open_demo(
        t,
        org_version,
        organization,
        crate::form::SUPPRESSION,
        record,
    )
    .await?;
    t.page.wait_for_event("OnLoad").await?;
    Ok(())
}

/// Sets the emulator's `orgVersion` and `organization` (`""` = online) without opening a page.
/// An emulator that does not know `organization` yet is accepted when `organization` is `""`.
pub async fn set_organization(t: &E2e, org_version: &str, organization: &str) -> Outcome {
    let body = json!({ "orgVersion": org_version, "organization": organization });
    let reply = t
        .emulator
        .send(hyper::Method::POST, "/_emulator/settings", &[], Some(&body))
        .await?;
    if reply.status < 300 {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&reply.body).to_string();
    if organization.is_empty() && text.contains("organization") {
        t.emulator
            .control_post("settings", &json!({ "orgVersion": org_version }), 200)
            .await?;
        return Ok(());
    }
    Err(Failure::new(format!(
        "POST /_emulator/settings {body} answered HTTP {}: {text}",
        reply.status
    )))
}

impl Page {
    /// The deprecated Client API members used on this page so far (`DemoHost.deprecatedCalls()`),
    /// each once, in first-use order, e.g. `formContext.data.entity.save("saveandclose")`,
    /// `Xrm.Page`, `context.getUserRoles()`. Only 9.x records them (on 8.x they are the API).
    /// Any caller counts, a test's own script included.
    pub async fn deprecated_calls(&self) -> Outcome<Vec<String>> {
        let value = self
            .execute(
                "return window.DemoHost && DemoHost.deprecatedCalls ? DemoHost.deprecatedCalls() : null;",
                vec![],
            )
            .await?;
        let Some(items) = value.as_array() else {
            return Err(Failure::new(
                "the page has no DemoHost.deprecatedCalls() (is it the demo form?)",
            ));
        };
        Ok(items
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect())
    }

    /// Runs the script `body` (a function body that `return`s; `arguments[0]`, … are `args`)
    /// inside the form libraries' frame (`#ClientApiFrame_0`), so `Rsub`, `performance` and the
    /// globals are the frame's (`Xrm` there is the page's object). WebDriver switches into the
    /// frame and back, so this works under a strict Content Security Policy too.
    pub async fn execute_in_script_frame(&self, body: &str, args: Vec<Value>) -> Outcome<Value> {
        let frame = self
            .client()
            .find(Locator::Id(SCRIPT_FRAME_ID))
            .await
            .map_err(|e| {
                Failure::new(format!("the page has no #{SCRIPT_FRAME_ID} frame yet: {e}"))
            })?;
        frame
            .enter_frame()
            .await
            .map_err(|e| Failure::new(format!("cannot enter #{SCRIPT_FRAME_ID}: {e}")))?;
        let result = self.client().execute(body, args).await;
        let back = self.client().enter_parent_frame().await;
        let value = result.map_err(|e| {
            Failure::new(format!(
                "script in #{SCRIPT_FRAME_ID} failed: {e}\n--- script ---\n{}",
                body.trim()
            ))
        })?;
        back.map_err(|e| Failure::new(format!("cannot leave #{SCRIPT_FRAME_ID}: {e}")))?;
        Ok(value)
    }

    /// How many User Timing marks named `name` the form libraries' frame has (the library's
    /// `rsub:*` marks are on the frame's timeline); 0 before the frame exists.
    pub async fn script_frame_marks(&self, name: &str) -> Outcome<u64> {
        let value = self
            .execute(SCRIPT_FRAME_MARKS_JS, vec![json!(name)])
            .await?;
        Ok(value.as_u64().unwrap_or(0))
    }
}

/// `arguments[0]`'s mark count on the script frame's timeline (0 without the frame).
pub const SCRIPT_FRAME_MARKS_JS: &str =
    "const w = window.DemoHost && DemoHost.scriptWindow ? DemoHost.scriptWindow() : null;
     return w ? w.performance.getEntriesByName(arguments[0], 'mark').length : 0;";
