//! `cargo run -p e2e --bin screenshots`: the main states of the Email Suppressions form, in
//! English and German, as PNGs under `docs/screenshots/` (run `cargo xtask build` first).
//!
//! One record walks the whole request: not requested, the contact's request recorded but not
//! saved, awaiting the sync, confirmation email sent, resubscribed; and one record that cannot
//! be resubscribed. The window is 1280 × 1500 pixels: the notifications, the form and the panel in one picture.

use std::path::Path;

use e2e::form::{fill_evidence, open_evidence_dialog, open_with_setting};
use e2e::seed::{SUPPRESSION_HARD_BOUNCED, SUPPRESSION_UNSUBSCRIBED};
use e2e::{E2e, Failure, Outcome};
use serde_json::json;

/// The panel's web resource control.
const PANEL_FRAME: &str = "[data-control=WebResource_rsub_status] iframe";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = all().await {
        eprintln!("screenshots: {e}");
        std::process::exit(1);
    }
}

async fn all() -> Outcome {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    for (lcid, language) in [(1033, "en"), (1031, "de")] {
        let t = E2e::start(&format!("screenshots-{language}")).await?;
        let outcome = walk(&t, lcid, &dir, language).await;
        t.finish(outcome).await?;
    }
    println!("screenshots written to {}", dir.display());
    Ok(())
}

/// Walks one record through the request in language `lcid`, saving each state.
async fn walk(t: &E2e, lcid: u32, dir: &Path, language: &str) -> Outcome {
    let shot = |name: &str| dir.join(format!("{language}-{name}.png"));
    t.page
        .client()
        .set_window_size(1280, 1500)
        .await
        .map_err(|e| Failure::new(format!("window size: {e}")))?;
    open_with_setting(&t.page, "lcid", json!(lcid), SUPPRESSION_HARD_BOUNCED).await?;
    state(t, None, &shot("0-cannot-be-resubscribed")).await?;
    open_with_setting(&t.page, "lcid", json!(lcid), SUPPRESSION_UNSUBSCRIBED).await?;
    state(t, Some("notRequested"), &shot("1-not-requested")).await?;
    open_evidence_dialog(&t.page).await?;
    t.page.screenshot(&shot("2-evidence-dialog")).await?;
    fill_evidence(&t.page, "phone", "Called the service desk, case CAS-0042.").await?;
    state(t, None, &shot("3-ready-to-send")).await?;
    t.page.click("#cmd-save").await?;
    state(t, Some("awaitingSync"), &shot("4-awaiting-sync")).await?;
    connector(t, "Run sync").await?;
    state(
        t,
        Some("awaitingConfirmation"),
        &shot("5-confirmation-sent"),
    )
    .await?;
    connector(t, "Contact confirms").await?;
    connector(t, "Run sync").await?;
    state(t, Some("resubscribed"), &shot("6-resubscribed")).await?;
    Ok(())
}

/// Reloads the form when `state` is not shown yet (the connector changed the record), waits
/// until the panel is drawn in `state` (any state: `None`), and saves the screenshot.
async fn state(t: &E2e, state: Option<&str>, path: &Path) -> Outcome {
    let drawn = "const f = document.querySelector(arguments[0]);
         const d = f && f.contentDocument;
         const main = d && d.getElementById('rsub-status');
         if (!main || main.getAttribute('aria-busy') !== 'false') { return null; }
         if (arguments[1] && main.getAttribute('data-state') !== arguments[1]) { return null; }
         window.scrollTo(0, 0);
         return true;";
    let args = vec![json!(PANEL_FRAME), json!(state)];
    if state.is_some() && t.page.execute(drawn, args.clone()).await? != json!(true) {
        t.page.click("#cmd-refresh").await?;
    }
    let what = format!("the panel to show {}", state.unwrap_or("its state"));
    t.page.wait_until_with(&what, drawn, args).await?;
    // Let the frame's layout settle after the scroll.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    t.page.screenshot(path).await
}

/// Clicks a "Connector simulation" button of the side panel and waits for its answer.
async fn connector(t: &E2e, label: &str) -> Outcome {
    t.page
        .execute(
            "document.getElementById('panel-outcome').textContent = ''; return true;",
            vec![],
        )
        .await?;
    t.page.click_button(label).await?;
    t.page
        .wait_until_with(
            &format!("the side panel to report the outcome of {label:?}"),
            "const text = document.getElementById('panel-outcome').textContent;
             return text.startsWith(arguments[0]) ? text : null;",
            vec![json!(label)],
        )
        .await?;
    Ok(())
}
