//! Accessibility checks of a page or of one of its iframes, as assistive technology meets it:
//! the browser's own computed role and accessible name of elements (WebDriver's *Get Computed
//! Role* / *Get Computed Label*, read from Chromium's accessibility tree), and an axe-core audit
//! (`axe.min.js` from the lint tools' `node_modules`, injected into the document under test).

use std::path::PathBuf;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::failure::{Failure, Outcome};
use crate::page::Page;
use crate::paths;

/// The WCAG 2.1 A and AA rule tags of axe-core.
pub const WCAG21_AA: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// What assistive technology is told about one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accessible {
    /// The computed role (`main`, `list`, `listitem`, `status`, `region`, …).
    pub role: String,
    /// The computed accessible name (empty when it has none).
    pub name: String,
}

/// `GET /session/{id}/element/{element}/computedrole` or `…/computedlabel`.
#[derive(Debug)]
struct ElementQuery {
    element: String,
    what: &'static str,
}

impl WebDriverCompatibleCommand for ElementQuery {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/element/{}/{}",
            session_id.unwrap_or_default(),
            self.element,
            self.what
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

/// The computed role and name of every element matching `selector` (CSS), in document order;
/// inside the iframe matching `frame` (CSS, in the top document) when given. The session is
/// back in the top document afterwards, whatever happened.
pub async fn accessible(
    page: &Page,
    frame: Option<&str>,
    selector: &str,
) -> Outcome<Vec<Accessible>> {
    let client = page.client();
    if let Some(frame) = frame {
        let iframe = page.wait_for(frame).await?;
        iframe
            .enter_frame()
            .await
            .map_err(|e| Failure::new(format!("cannot enter the frame `{frame}`: {e}")))?;
    }
    let read = async {
        let mut found = Vec::new();
        for element in client.find_all(Locator::Css(selector)).await? {
            let id = element.element_id().to_string();
            let role = computed(client, &id, "computedrole", selector).await?;
            let name = computed(client, &id, "computedlabel", selector).await?;
            found.push(Accessible { role, name });
        }
        Ok::<_, Failure>(found)
    }
    .await;
    if frame.is_some() {
        client
            .enter_parent_frame()
            .await
            .map_err(|e| Failure::new(format!("cannot leave the frame: {e}")))?;
    }
    read
}

/// One computed property (`computedrole` or `computedlabel`) of the element `id`.
async fn computed(
    client: &fantoccini::Client,
    id: &str,
    what: &'static str,
    selector: &str,
) -> Outcome<String> {
    let value = client
        .issue_cmd(ElementQuery {
            element: id.to_string(),
            what,
        })
        .await
        .map_err(|e| Failure::new(format!("{what} of `{selector}`: {e}")))?;
    Ok(value.as_str().unwrap_or_default().trim().to_string())
}

/// One axe-core violation: the rule, its impact and the elements it found.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The rule id (`color-contrast`, `aria-allowed-attr`, …).
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// The CSS selectors of the offending elements, each with axe's summary of what is wrong.
    pub targets: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.id, self.impact, self.help)?;
        for target in &self.targets {
            write!(f, "\n    - {target}")?;
        }
        Ok(())
    }
}

/// `<root>/tools/lint/node_modules/axe-core/axe.min.js`.
pub fn axe_script_path() -> PathBuf {
    paths::root()
        .join("tools")
        .join("lint")
        .join("node_modules")
        .join("axe-core")
        .join("axe.min.js")
}

/// Injects axe-core (`<script>` with its source) into the document of the iframe matching
/// `frame` (CSS, in the top document; same origin) and runs it with the rule `tags`; returns
/// the violations (empty when there are none). Fails when axe-core is not installed.
pub async fn axe(page: &Page, frame: &str, tags: &[&str]) -> Outcome<Vec<Violation>> {
    page.wait_for(frame).await?;
    audit(page, Some(frame), tags).await
}

/// [`axe`] on the top document itself (the page around the frames). Its iframes are left out
/// (`iframes: false`): each is a document of its own, audited with [`axe`].
pub async fn axe_page(page: &Page, tags: &[&str]) -> Outcome<Vec<Violation>> {
    audit(page, None, tags).await
}

/// Runs axe-core in the document of the iframe `frame`, or in the top document (without its
/// frames) when `frame` is `None`.
async fn audit(page: &Page, frame: Option<&str>, tags: &[&str]) -> Outcome<Vec<Violation>> {
    let what = frame.unwrap_or("the top document");
    let path = axe_script_path();
    let source = std::fs::read_to_string(&path).map_err(|e| {
        Failure::new(format!(
            "axe-core is missing ({}: {e}): run `npm ci` in tools/lint (cargo xtask test does it \
             in its lint step), or `npm install` there after adding it",
            path.display()
        ))
    })?;
    let result = page
        .client()
        .execute_async(
            r#"
            const [frame, source, tags, done] = arguments;
            const iframe = frame === null ? null : document.querySelector(frame);
            const doc = frame === null ? document : iframe && iframe.contentDocument;
            if (!doc) { done({ error: "no same-origin document in " + frame }); return; }
            const win = frame === null ? window : iframe.contentWindow;
            if (!win.axe) {
                const script = doc.createElement("script");
                script.textContent = source;
                (doc.head || doc.documentElement).appendChild(script);
            }
            if (!win.axe) { done({ error: "axe-core did not start in " + frame }); return; }
            win.axe.run(doc, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"],
                    iframes: frame !== null })
                .then((results) => done({ violations: results.violations.map((v) => ({
                    id: v.id, impact: v.impact || "", help: v.help,
                    targets: v.nodes.map((n) => n.target.join(" ") + ": "
                        + (n.failureSummary || "").replace(/\s+/g, " ").trim())
                })) }), (error) => done({ error: String(error && error.message || error) }));
            "#,
            vec![json!(frame), json!(source), json!(tags)],
        )
        .await
        .map_err(|e| Failure::new(format!("running axe-core in `{what}`: {e}")))?;
    if let Some(error) = result.get("error").and_then(Value::as_str) {
        return Err(Failure::new(format!("axe-core in `{what}`: {error}")));
    }
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    Ok(result["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| Violation {
            id: text(v, "id"),
            impact: text(v, "impact"),
            help: text(v, "help"),
            targets: v["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        })
        .collect())
}

/// Runs [`axe`] and fails listing every violation (id, impact, targets) when there is one.
pub async fn assert_no_axe_violations(page: &Page, frame: &str, what: &str) -> Outcome {
    let violations = axe(page, frame, &WCAG21_AA).await?;
    if violations.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Err(Failure::new(format!(
        "axe-core ({}) found {} violation(s) on {what}:\n  {}",
        WCAG21_AA.join(", "),
        violations.len(),
        listed.join("\n  ")
    )))
}
