//! The solution's configuration page (`rsub_/resubscribe/setup.html`, issue 15) in the demo: it
//! opens as a web resource page (`main.aspx?pagetype=webresource&webresourceName=…`, the page's
//! parent holding `Xrm`), checks the seeded org and passes every check; then the setup is
//! broken one way at a time through the emulator — the OnSave handler removed from the form,
//! the library missing from it, the connector too old, a strict Content Security Policy, notes
//! not creatable — and the page names that fault and only that one.

use dataverse_emulator::setup::FORM_MAIN;
use e2e::a11y::assert_no_axe_violations;
use e2e::{ensure, run, E2e, Failure, Method, Outcome};
use serde_json::{json, Value};

const PAGE: &str =
    "/main.aspx?pagetype=webresource&webresourceName=rsub_%2Fresubscribe%2Fsetup.html";
const FRAME: &str = "#webresource-frame";

/// Waits until the page has drawn its checks; returns every check as (id, status, text).
async fn drawn_checks(t: &E2e) -> Outcome<Vec<(String, String, String)>> {
    let drawn = t
        .page
        .wait_until(
            "the configuration page to draw its checks",
            "const f = document.querySelector('#webresource-frame');
             const d = f && f.contentDocument;
             const main = d && d.getElementById('rsub-setup');
             if (!main || main.getAttribute('aria-busy') !== 'false') { return null; }
             const rows = Array.from(d.querySelectorAll('[data-check]')).map((n) =>
                 [n.getAttribute('data-check'), n.getAttribute('data-status'), n.textContent]);
             return rows.length ? rows : { stopped: d.getElementById('rsub-setup-live').textContent };",
        )
        .await?;
    if let Some(stopped) = drawn.get("stopped") {
        return Err(Failure::new(format!("the page drew no checks: {stopped}")));
    }
    let rows = drawn.as_array().cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .map(|row| {
            let text = |i: usize| row[i].as_str().unwrap_or_default().to_string();
            (text(0), text(1), text(2))
        })
        .collect())
}

/// Opens the configuration page and returns its checks.
async fn open(t: &E2e) -> Outcome<Vec<(String, String, String)>> {
    t.page.goto(PAGE).await?;
    drawn_checks(t).await
}

/// The checks that did not pass, as (id, status).
fn not_passing(checks: &[(String, String, String)]) -> Vec<(String, String)> {
    checks
        .iter()
        .filter(|(_, status, _)| status != "pass")
        .map(|(id, status, _)| (id.clone(), status.clone()))
        .collect()
}

async fn control(t: &E2e, path: &str, body: Value) -> Outcome {
    let reply = t
        .emulator
        .send(
            Method::POST,
            &format!("/_emulator/{path}"),
            &[],
            Some(&body),
        )
        .await?;
    ensure!(
        reply.status < 300,
        "POST /_emulator/{path} answered HTTP {}: {}",
        reply.status,
        String::from_utf8_lossy(&reply.body)
    );
    Ok(())
}

/// Rewrites the seeded main form's FormXml with `edit`, as a customizer's publish would.
async fn edit_form(t: &E2e, edit: impl Fn(&str) -> String) -> Outcome {
    let form = t
        .emulator
        .control_get(&format!("systemforms/{FORM_MAIN}"))
        .await?;
    let before = form["formxml"].as_str().unwrap_or_default().to_string();
    let after = edit(&before);
    ensure!(after != before, "the edit changed nothing in the FormXml");
    control(
        t,
        &format!("systemforms/{FORM_MAIN}"),
        json!({ "formxml": after }),
    )
    .await
}

/// `xml` without the element that starts with `start` and ends with the first `end` after it.
fn without(xml: &str, start: &str, end: &str) -> String {
    let Some(from) = xml.find(start) else {
        return xml.to_string();
    };
    let to = xml[from..]
        .find(end)
        .map_or(xml.len(), |e| from + e + end.len());
    format!("{}{}", &xml[..from], &xml[to..])
}

#[tokio::test]
async fn the_configuration_page_passes_every_check_on_the_seeded_org() -> Outcome {
    run(
        "the_configuration_page_passes_every_check_on_the_seeded_org",
        async |t| {
            // Reachable from the demo's side panel, as from the solution in Dynamics.
            t.page.goto("/main.aspx").await?;
            t.page.wait_until_page_settled().await?;
            t.page.click("#panel-setup-link").await?;
            let checks = drawn_checks(t).await?;
            let failing = not_passing(&checks);
            ensure!(
                failing.is_empty(),
                "checks not passing on the seeded org: {failing:?}\n{checks:#?}"
            );
            for wanted in [
                "connector.version",
                "form.library",
                "form.onLoad",
                "form.onSave",
                "form.onRequestResubscribeChange",
                "form.panel",
                "languages",
                "csp",
                "privileges.user",
                "privileges.role",
            ] {
                ensure!(
                    checks.iter().any(|(id, _, _)| id == wanted),
                    "no {wanted} check: {checks:#?}"
                );
            }
            let connector = checks
                .iter()
                .find(|(id, _, _)| id == "connector.version")
                .map(|(_, _, text)| text.clone())
                .unwrap_or_default();
            ensure!(
                connector.contains("7.0.1.721"),
                "the connector check does not name the version: {connector}"
            );
            // One round trip: a single $batch (GET of the page's own files aside).
            let batches = t
                .emulator
                .requests()
                .iter()
                .filter(|r| r.path.contains("$batch"))
                .count();
            ensure!(
                batches == 1,
                "{batches} $batch requests for one run of the checks"
            );

            assert_no_axe_violations(&t.page, FRAME, "the configuration page").await?;

            // Keyboard: the "Check again" button is reachable and runs the checks again.
            let focused = t
                .page
                .execute(
                    "const d = document.querySelector('#webresource-frame').contentDocument;
                     const b = d.getElementById('rsub-setup-recheck');
                     b.focus();
                     return d.activeElement === b && !b.disabled;",
                    vec![],
                )
                .await?;
            ensure!(
                focused == json!(true),
                "the Check again button cannot take focus"
            );
            t.page
                .execute(
                    "document.querySelector('#webresource-frame').contentDocument
                         .querySelector('[data-area]').setAttribute('data-stale', '1');",
                    vec![],
                )
                .await?;
            let frame = t.page.wait_for(FRAME).await?;
            frame
                .enter_frame()
                .await
                .map_err(|e| Failure::new(e.to_string()))?;
            let pressed = async {
                let button = t
                    .page
                    .client()
                    .find(fantoccini::Locator::Id("rsub-setup-recheck"))
                    .await?;
                button.send_keys("\u{E007}").await?; // Enter
                Ok::<_, Failure>(())
            }
            .await;
            t.page
                .client()
                .enter_parent_frame()
                .await
                .map_err(|e| Failure::new(e.to_string()))?;
            pressed?;
            t.page
                .wait_until(
                    "the checks drawn again",
                    "const d = document.querySelector('#webresource-frame').contentDocument;
                     return d.querySelector('[data-stale]') === null
                         && d.querySelectorAll('[data-check]').length > 0;",
                )
                .await?;
            let again = drawn_checks(t).await?;
            ensure!(
                not_passing(&again).is_empty(),
                "the second run differs: {again:#?}"
            );
            let batches = t
                .emulator
                .requests()
                .iter()
                .filter(|r| r.path.contains("$batch"))
                .count();
            ensure!(batches == 2, "{batches} $batch requests after two runs");
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn the_configuration_page_names_each_fault_and_only_that_one() -> Outcome {
    run(
        "the_configuration_page_names_each_fault_and_only_that_one",
        async |t| {
            let seeded = not_passing(&open(t).await?);
            ensure!(
                seeded.is_empty(),
                "the seeded org does not pass: {seeded:?}"
            );

            type Fault = (&'static str, Vec<&'static str>);
            let faults: Vec<Fault> = vec![
                ("OnSave handler removed from the form", vec!["form.onSave"]),
                ("form library missing from the form", vec!["form.library"]),
                ("connector too old", vec!["connector.version"]),
                ("strict Content Security Policy", vec!["csp"]),
                (
                    "notes not creatable",
                    vec!["privileges.user.notes", "privileges.role.notes"],
                ),
            ];
            for (fault, expected) in faults {
                t.emulator
                    .send(Method::POST, "/_emulator/reset", &[], None)
                    .await?;
                match fault {
                    "OnSave handler removed from the form" => {
                        edit_form(t, |xml| without(xml, "<event name=\"onsave\"", "</event>"))
                            .await?
                    }
                    "form library missing from the form" => {
                        edit_form(t, |xml| {
                            without(xml, "<Library name=\"rsub_/resubscribe/form.js\"", "/>")
                        })
                        .await?
                    }
                    "connector too old" => {
                        control(t, "settings", json!({ "connectorVersion": "7.0.1.129" })).await?
                    }
                    "strict Content Security Policy" => {
                        control(t, "settings", json!({ "strictCsp": true })).await?
                    }
                    _ => {
                        control(
                            t,
                            "privileges",
                            json!({ "privilege": "prvCreateNote", "granted": false }),
                        )
                        .await?
                    }
                }
                let checks = open(t).await?;
                let found = not_passing(&checks);
                let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
                ensure!(
                    ids == expected,
                    "{fault}: the page names {found:?}, expected exactly {expected:?}\n{checks:#?}"
                );
                ensure!(
                    found.iter().all(|(_, status)| status == "fail"),
                    "{fault}: not a failure: {found:?}"
                );
                t.screenshot_as(&fault.replace(' ', "-")).await?;
            }
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn an_ordinary_user_in_german_sees_what_they_may_and_a_refused_read_says_so() -> Outcome {
    run(
        "an_ordinary_user_in_german_sees_what_they_may_and_a_refused_read_says_so",
        async |t| {
            t.page.goto("/main.aspx").await?;
            t.page.wait_until_page_settled().await?;
            t.page
                .execute(
                    "sessionStorage.setItem('rsub-demo-settings', JSON.stringify({ user: 'user', lcid: 1031 }));
                     return true;",
                    vec![],
                )
                .await?;
            let checks = open(t).await?;
            let title = t
                .page
                .execute(
                    "return document.querySelector('#webresource-frame').contentDocument
                         .getElementById('rsub-setup-title').textContent;",
                    vec![],
                )
                .await?;
            ensure!(
                title == json!("Resubscribe: Konfigurationsprüfung"),
                "the page is not in German: {title}"
            );
            // Sam Seller (Salesperson, Email Marketing Viewer) reads every part and may do
            // what a request needs.
            let found = not_passing(&checks);
            ensure!(found.is_empty(), "an ordinary user's page: {found:?}\n{checks:#?}");
            ensure!(
                checks.iter().any(|(id, _, text)| id == "privileges.user" && text.contains("Sam Seller")),
                "the user's privileges are not Sam Seller's: {checks:#?}"
            );

            // A part the org refuses is "could not be checked", with the reason; nothing fails.
            control(t, "settings", json!({ "solutionReadable": false })).await?;
            let checks = open(t).await?;
            let refused = checks
                .iter()
                .find(|(id, _, _)| id == "connector")
                .cloned()
                .unwrap_or_default();
            ensure!(
                refused.1 == "warning" && refused.2.contains("prvReadSolution"),
                "a refused solutions read: {refused:?}"
            );
            ensure!(
                checks.iter().all(|(_, status, _)| status != "fail"),
                "a refused read failed a check: {checks:#?}"
            );
            assert_no_axe_violations(&t.page, FRAME, "the configuration page in German").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn opened_outside_dynamics_the_page_says_how_to_open_it() -> Outcome {
    run(
        "opened_outside_dynamics_the_page_says_how_to_open_it",
        async |t| {
            t.page
                .goto("/WebResources/rsub_/resubscribe/setup.html")
                .await?;
            let said = t
                .page
                .wait_until(
                    "the page to say it needs the Client API",
                    "const live = document.getElementById('rsub-setup-live');
                     return live && live.textContent.includes('Client API') ? live.textContent : null;",
                )
                .await?;
            ensure!(
                said.as_str().unwrap_or_default().contains("window.parent.Xrm"),
                "the page does not say what it looked for: {said}"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn a_wrong_connector_name_names_the_solution_taken_and_the_setting_to_use() -> Outcome {
    run(
        "a_wrong_connector_name_names_the_solution_taken_and_the_setting_to_use",
        async |t| {
            // The forms' mapping names a connector solution that does not exist.
            edit_form(t, |xml| {
                xml.replace(
                    "&quot;contact&quot;:&quot;esc_contactid&quot;}",
                    "&quot;contact&quot;:&quot;esc_contactid&quot;,&quot;connectorSolution&quot;:&quot;dotdigitalConnector&quot;}",
                )
            })
            .await?;
            let checks = open(t).await?;
            let found = not_passing(&checks);
            ensure!(
                found == vec![("connector.name".to_string(), "warning".to_string())],
                "a wrong connector name: {found:?}\n{checks:#?}"
            );
            let named = checks
                .iter()
                .find(|(id, _, _)| id == "connector.name")
                .map(|(_, _, text)| text.clone())
                .unwrap_or_default();
            ensure!(
                named.contains("dotdigitalConnector")
                    && named.contains("\"connectorSolution\": \"dotmailerCRMConnector\""),
                "the check does not name the solution taken and the setting: {named}"
            );
            // The version check still runs, on the solution taken.
            ensure!(
                checks
                    .iter()
                    .any(|(id, status, _)| id == "connector.version" && status == "pass"),
                "no version check on the solution taken: {checks:#?}"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn on_premises_9_1_the_page_lives_under_the_organization_and_passes() -> Outcome {
    run(
        "on_premises_9_1_the_page_lives_under_the_organization_and_passes",
        async |t| {
            e2e::demo::set_organization(t, "9.1.0.15000", "contoso").await?;
            t.page.goto(&format!("/contoso{PAGE}")).await?;
            let checks = drawn_checks(t).await?;
            let found = not_passing(&checks);
            ensure!(found.is_empty(), "on premises: {found:?}\n{checks:#?}");
            let src = t
                .page
                .execute(
                    "return document.querySelector('#webresource-frame').getAttribute('src');",
                    vec![],
                )
                .await?;
            ensure!(
                src == json!("/contoso/WebResources/rsub_/resubscribe/setup.html"),
                "the page is not under the organization: {src}"
            );
            let batches: Vec<String> = t
                .emulator
                .requests()
                .iter()
                .filter(|r| r.path.contains("$batch"))
                .map(|r| r.path.clone())
                .collect();
            ensure!(
                batches.len() == 1 && batches[0].starts_with("/contoso/api/data/v9.1/"),
                "the checks' batch: {batches:?}"
            );
            Ok(())
        },
    )
    .await
}
