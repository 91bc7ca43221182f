//! The demo page as a newcomer meets it: `/` leads to a seeded record, the side panel words
//! what the simulated connector did, a narrow window does not scroll sideways, and the page
//! around the frames passes axe-core. The form library's own frames are audited by `panel.rs`.

use e2e::a11y::{self, Accessible, WCAG21_AA};
use e2e::form::SUPPRESSION;
use e2e::seed::{
    SUPPRESSION_ALREADY_RESUBSCRIBED, SUPPRESSION_PENDING_REQUEST, SUPPRESSION_UNSUBSCRIBED,
};
use e2e::{ensure, run, Failure, Method, Outcome};
use serde_json::{json, Value};

/// The side panel's outcome line.
const OUTCOME: &str = "#panel-outcome";
const NANCY: &str = "nancy.anderson@fabrikam.com";
const PAUL: &str = "paul.cannon@adventure-works.com";
/// An address far wider than a phone, with no hyphen or space to break at (94 of the column's
/// 100 characters).
const LONG_ADDRESS: &str =
    "resubscription.requests.quarterly.newsletter@marketing.subsidiary.northwindtraders.example.com";

/// Where the page is and what its record title says.
async fn where_am_i(t: &e2e::E2e) -> Outcome<Value> {
    t.page
        .execute(
            "const p = new URLSearchParams(location.search);
             const title = document.querySelector('#record-header .record-title-text');
             return { path: location.pathname, etn: p.get('etn'), pagetype: p.get('pagetype'),
                      id: p.get('id'), title: title ? title.textContent.trim() : null };",
            vec![],
        )
        .await
}

#[tokio::test]
async fn the_site_root_leads_to_a_seeded_suppression_record() -> Outcome {
    run(
        "the_site_root_leads_to_a_seeded_suppression_record",
        async |t| {
            let reply = t.emulator.send(Method::GET, "/", &[], None).await?;
            let location = reply
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            ensure!(
                reply.status == 302,
                "GET / answered HTTP {} (Location {location:?})",
                reply.status
            );
            ensure!(
                location
                    == format!(
                        "/main.aspx?etn={SUPPRESSION}&pagetype=entityrecord&id={SUPPRESSION_UNSUBSCRIBED}"
                    ),
                "GET / redirects to {location:?}"
            );

            t.page.goto("/").await?;
            t.page.wait_until_page_settled().await?;
            t.page.wait_for_event("OnLoad").await?;
            let at = where_am_i(t).await?;
            ensure!(
                at["path"] == "/main.aspx"
                    && at["etn"] == SUPPRESSION
                    && at["pagetype"] == "entityrecord"
                    && at["id"] == SUPPRESSION_UNSUBSCRIBED,
                "/ opened {at}"
            );
            ensure!(
                at["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("maria.campbell@contoso.com")),
                "the record title after / is {}",
                at["title"]
            );
            let flag = t
                .page
                .control_value("esc_requestresubscribe")
                .await?;
            ensure!(
                flag == "false",
                "the landing record should be one to try Request Resubscribe on; the box shows {flag:?}"
            );

            // On premises the form lives under the organization's name: / follows it.
            e2e::demo::set_organization(t, "9.1.0.15000", "contoso").await?;
            let reply = t.emulator.send(Method::GET, "/", &[], None).await?;
            let location = reply
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            ensure!(
                reply.status == 302 && location.starts_with("/contoso/main.aspx?"),
                "GET / on premises answered HTTP {} to {location:?}",
                reply.status
            );
            t.page.goto("/").await?;
            t.page.wait_until_page_settled().await?;
            let at = where_am_i(t).await?;
            ensure!(
                at["path"] == "/contoso/main.aspx" && at["id"] == SUPPRESSION_UNSUBSCRIBED,
                "/ on premises opened {at}"
            );
            Ok(())
        },
    )
    .await
}

/// Presses a side panel button and waits for the outcome line to read `expected`, as plain
/// text (no element in it, not an error). The line must read something else before the press,
/// so an earlier outcome cannot pass for this one.
async fn panel_action(t: &e2e::E2e, button: &str, expected: &str) -> Outcome {
    let before = t.page.text(OUTCOME).await.unwrap_or_default();
    ensure!(
        before != expected,
        "the outcome already reads {expected:?} before {button:?} is pressed"
    );
    t.page.click_button(button).await?;
    let line = t
        .page
        .wait_until_with(
            &format!("the panel's outcome of {button:?} to read {expected:?}"),
            "const n = document.querySelector(arguments[0]);
             return n && n.textContent === arguments[1]
                 ? { elements: n.childElementCount, error: n.classList.contains('error') }
                 : null;",
            vec![json!(OUTCOME), json!(expected)],
        )
        .await?;
    ensure!(
        line["elements"] == 0 && line["error"] == false,
        "the outcome of {button:?} is {line}"
    );
    Ok(())
}

/// Where the connector's simulation has Nancy Anderson's resubscription (`""` = nowhere).
fn nancy_progress(t: &e2e::E2e) -> String {
    let state = t.emulator.state();
    state["connector"]["progress"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(id, _)| id.eq_ignore_ascii_case(SUPPRESSION_PENDING_REQUEST))
        .and_then(|(_, progress)| progress["state"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_connector_buttons_say_what_happened_in_sentences() -> Outcome {
    run(
        "the_connector_buttons_say_what_happened_in_sentences",
        async |t| {
            e2e::form::open_loaded(&t.page, SUPPRESSION_PENDING_REQUEST).await?;

            panel_action(
                t,
                "Run sync",
                &format!(
                    "Run sync: 1 confirmation email sent, 0 resubscribed, 0 could not be resubscribed, \
                     0 contacts allowed bulk email again ({NANCY}: confirmation email sent). \
                     Use Refresh on the form to see the change."
                ),
            )
            .await?;
            // The sentence tells what the emulator did: the confirmation is out for Nancy.
            let progress = nancy_progress(t);
            ensure!(
                progress == "awaitingConfirmation",
                "after the first sync Nancy's resubscription is {progress:?}"
            );

            panel_action(
                t,
                "Run sync",
                "Run sync: nothing was waiting (no ticked Request Resubscribe, confirmation or \
                 abuse report), so nothing changed.",
            )
            .await?;

            let email = t
                .page
                .execute(
                    "return document.getElementById('demo-email').value;",
                    vec![],
                )
                .await?;
            ensure!(email == NANCY, "the contact field holds {email}");
            panel_action(
                t,
                "Contact confirms",
                &format!(
                    "Contact confirms: {NANCY} confirmed the resubscription; the next sync \
                     resubscribes the address (Run sync, then Refresh)."
                ),
            )
            .await?;
            panel_action(
                t,
                "Run sync",
                &format!(
                    "Run sync: 0 confirmation emails sent, 1 resubscribed, 0 could not be resubscribed, \
                     0 contacts allowed bulk email again ({NANCY}: resubscribed). \
                     Use Refresh on the form to see the change."
                ),
            )
            .await?;
            panel_action(
                t,
                "Run sync",
                &format!(
                    "Run sync: 0 confirmation emails sent, 0 resubscribed, 0 could not be resubscribed, \
                     1 contact allowed bulk email again ({NANCY}: bulk email allowed again). \
                     Use Refresh on the form to see the change."
                ),
            )
            .await?;
            let progress = nancy_progress(t);
            ensure!(
                progress == "complete",
                "after the fourth sync Nancy's resubscription is {progress:?}"
            );

            // Another contact, already sent a confirmation email, reports it as abuse.
            t.page.fill("#demo-email", PAUL).await?;
            panel_action(
                t,
                "Contact reports abuse",
                &format!(
                    "Contact reports abuse: {PAUL} reported the confirmation email as abuse; the \
                     next sync fails the resubscription (Run sync, then Refresh)."
                ),
            )
            .await?;
            panel_action(
                t,
                "Run sync",
                &format!(
                    "Run sync: 0 confirmation emails sent, 0 resubscribed, 1 could not be \
                     resubscribed, 0 contacts allowed bulk email again ({PAUL}: could not be \
                     resubscribed). Use Refresh on the form to see the change."
                ),
            )
            .await?;
            let logged = t.page.wait_for_event("bulk email allowed again").await?;
            ensure!(
                !logged.contains('{'),
                "the event log has the raw answer: {logged:?}"
            );
            Ok(())
        },
    )
    .await
}

/// The page's width, the viewport's, the record title's box and the first elements that stick
/// out on the right, as the browser lays them out.
const WIDTHS_JS: &str = "
    const viewport = document.documentElement.clientWidth;
    const title = document.querySelector('#record-header .record-title');
    const name = (n) => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '')
        + (typeof n.className === 'string' && n.className ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
    const out = Array.from(document.body.querySelectorAll('*'))
        .filter((n) => n.getClientRects().length && n.getBoundingClientRect().right > viewport + 0.5)
        .slice(0, 8).map((n) => name(n) + ' ends at ' + Math.round(n.getBoundingClientRect().right));
    return { viewport, inner: window.innerWidth,
             document: document.documentElement.scrollWidth, body: document.body.scrollWidth,
             titleRight: title.getBoundingClientRect().right, title: title.textContent.trim(),
             sticking_out: out };";

#[tokio::test]
async fn a_long_address_does_not_widen_the_page_at_400_px() -> Outcome {
    run(
        "a_long_address_does_not_widen_the_page_at_400_px",
        async |t| {
            t.emulator
                .web_api(
                    Method::PATCH,
                    &format!("esc_emailsuppressions({SUPPRESSION_UNSUBSCRIBED})"),
                    &[],
                    Some(&json!({ "esc_emailaddress": LONG_ADDRESS })),
                )
                .await?
                .expect_status(204)?;
            t.page
                .client()
                .set_window_size(400, 900)
                .await
                .map_err(|e| Failure::new(format!("cannot make the window 400 px wide: {e}")))?;
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            let widths = t.page.execute(WIDTHS_JS, vec![]).await?;
            let number = |key: &str| widths[key].as_f64().unwrap_or(f64::NAN);
            ensure!(
                number("inner") <= 400.0,
                "the window did not get narrow: {widths}"
            );
            ensure!(
                widths["title"]
                    .as_str()
                    .is_some_and(|t| t.contains(LONG_ADDRESS)),
                "the title does not show the long address: {widths}"
            );
            t.screenshot_as("400px").await?;
            ensure!(
                number("document") <= number("viewport") && number("body") <= number("viewport"),
                "the page is wider than the 400 px window: {widths}"
            );
            ensure!(
                number("titleRight") <= number("viewport"),
                "the record title runs out of the viewport: {widths}"
            );
            Ok(())
        },
    )
    .await
}

/// Fails listing every serious or critical axe-core violation of the top document.
async fn assert_no_serious_violations(t: &e2e::E2e, what: &str) -> Outcome {
    let violations = a11y::axe_page(&t.page, &WCAG21_AA).await?;
    let serious: Vec<String> = violations
        .iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .map(ToString::to_string)
        .collect();
    ensure!(
        serious.is_empty(),
        "axe-core ({}) found {} serious or critical violation(s) on {what}:\n  {}",
        WCAG21_AA.join(", "),
        serious.len(),
        serious.join("\n  ")
    );
    Ok(())
}

#[tokio::test]
async fn axe_finds_nothing_serious_on_the_demo_page_itself() -> Outcome {
    run(
        "axe_finds_nothing_serious_on_the_demo_page_itself",
        async |t| {
            // The seed record as it opens: no form notification, a full event log.
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            t.page
                .wait_until(
                    "the event log to scroll",
                    "const log = document.getElementById('event-log');
                     return log.scrollHeight > log.clientHeight;",
                )
                .await?;
            assert_no_serious_violations(t, "the demo page").await?;

            let notifications = a11y::accessible(&t.page, None, "#form-notifications").await?;
            ensure!(
                notifications
                    == [Accessible {
                        role: "region".into(),
                        name: "Form notifications".into()
                    }],
                "the notification area is {notifications:?}"
            );
            let log = a11y::accessible(&t.page, None, "#event-log").await?;
            ensure!(
                log.len() == 1 && log[0].name == "Event log",
                "the event log is {log:?}"
            );
            let focused = t
                .page
                .execute(
                    "const log = document.getElementById('event-log');
                     log.focus();
                     return document.activeElement === log && log.tabIndex === 0;",
                    vec![],
                )
                .await?;
            ensure!(
                focused == true,
                "the event log cannot take the keyboard focus"
            );

            // After a connector action, with the panel's outcome shown.
            t.page.click_button("Run sync").await?;
            t.page.wait_for_text(OUTCOME, "Run sync: ").await?;
            assert_no_serious_violations(t, "the demo page after Run sync").await?;

            // An inactive record: read-only controls and form notifications.
            e2e::form::open_loaded(&t.page, SUPPRESSION_ALREADY_RESUBSCRIBED).await?;
            t.page
                .wait_until(
                    "a form notification",
                    "return document.querySelectorAll('#form-notifications .form-note').length > 0;",
                )
                .await?;
            assert_no_serious_violations(t, "the demo page of an inactive record").await?;
            Ok(())
        },
    )
    .await
}
