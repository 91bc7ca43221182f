//! The browser side of a test: one headless Chromium session on the demo page. Waits poll a
//! condition with a bounded timeout (never a fixed sleep); reads go through the DOM's text,
//! values and accessible names, never pixels. A timeout names what it waited for and what the
//! page was showing (notifications, page message, banner, dialog, last event log lines).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ElementRef};
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::failure::{Failure, Outcome};

/// Longest any wait polls before failing.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause between two polls of a condition.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Chromium's switches: headless, no sandbox (containers), nothing that phones home.
const CHROME_ARGS: [&str; 10] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--window-size=1400,1000",
    "--lang=en-US",
];

/// What the page is showing, for failure messages: one JSON object.
const DIAGNOSTICS_JS: &str = r##"
    const texts = (selector) => Array.from(document.querySelectorAll(selector))
        .map((n) => n.textContent.trim()).filter((t) => t.length > 0);
    const banner = document.getElementById("library-banner");
    return {
        url: location.pathname + location.search,
        formNotifications: texts("#form-notifications .form-note"),
        pageMessage: texts(".page-message").join(" "),
        libraryBanner: banner && !banner.hidden ? banner.textContent.trim() : "",
        dialogs: texts("dialog[open]"),
        panelOutcome: texts("#panel-outcome").join(" "),
        lastEvents: Array.from(document.querySelectorAll("#event-log li")).slice(-8)
            .map((li) => Array.from(li.children).map((c) => c.textContent).join(" "))
    };
"##;

/// The displayed value of a form control by its control name, as a user reads it: the text of
/// an input, the selected option's label, `true`/`false` for a check box, a lookup's link text.
const CONTROL_VALUE_JS: &str = r#"
    const root = document.querySelector('[data-control="' + arguments[0] + '"]');
    if (!root) { return null; }
    const link = root.querySelector("a.lookup-link");
    if (link) { return link.hidden ? "" : link.textContent.trim(); }
    const select = root.querySelector("select");
    if (select) { return select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : ""; }
    const input = root.querySelector("input");
    if (!input) { return root.textContent.trim(); }
    return input.type === "checkbox" ? String(input.checked) : input.value;
"#;

/// One browser session.
pub struct Page {
    client: Client,
    base_url: String,
    profile: PathBuf,
}

impl Page {
    /// Opens a headless Chromium session through the chromedriver at `driver_url`, with a fresh
    /// profile folder; `base_url` is the emulator (`http://127.0.0.1:<port>`).
    pub async fn open(driver_url: &str, base_url: &str) -> Outcome<Page> {
        let profile = fresh_profile_dir()?;
        let mut args: Vec<String> = CHROME_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chrome_binary(), "args": args }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver_url)
            .await
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&profile);
                Failure::new(format!(
                    "cannot open a Chromium session ({} through {driver_url}; set CHROME to the browser): {e}",
                    chrome_binary()
                ))
            })?;
        let page = Page {
            client,
            base_url: base_url.to_string(),
            profile,
        };
        page.client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(10)),
                Some(Duration::from_secs(20)),
                Some(Duration::ZERO),
            ))
            .await?;
        Ok(page)
    }

    /// Opens a session of `engine` (headless, see [`crate::driver::Engine::capabilities`])
    /// through the driver at `driver_url`; `base_url` is the emulator.
    pub async fn open_in(
        engine: crate::driver::Engine,
        driver_url: &str,
        base_url: &str,
    ) -> Outcome<Page> {
        let profile = fresh_profile_dir()?;
        let capabilities = engine.capabilities(&profile);
        let page = Page::open_with_capabilities(driver_url, base_url, capabilities, profile)
            .await
            .map_err(|e| e.with_note(format_args!("browser: {}", engine.browser_executable())))?;
        // The same viewport as Chromium's `--window-size` where the browser has no such switch
        // (MiniBrowser opens at 1024×768); a driver that cannot resize keeps its size.
        let _ = page.client.set_window_size(1400, 1000).await;
        Ok(page)
    }

    /// Opens a session with the given new-session `capabilities` through the driver at
    /// `driver_url`; `profile` is the session's folder, removed when it closes (or fails to
    /// open); `base_url` is the emulator.
    pub async fn open_with_capabilities(
        driver_url: &str,
        base_url: &str,
        capabilities: serde_json::Map<String, Value>,
        profile: PathBuf,
    ) -> Outcome<Page> {
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver_url)
            .await
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&profile);
                Failure::new(format!(
                    "cannot open a browser session through {driver_url}: {e}"
                ))
            })?;
        let page = Page {
            client,
            base_url: base_url.to_string(),
            profile,
        };
        let timeouts = TimeoutConfiguration::new(
            Some(Duration::from_secs(10)),
            Some(Duration::from_secs(20)),
            Some(Duration::ZERO),
        );
        if let Err(e) = page.client.update_timeouts(timeouts).await {
            let _ = page.close().await;
            return Err(e.into());
        }
        Ok(page)
    }

    /// The underlying WebDriver client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Loads `path` (e.g. `/main.aspx?…`) from the emulator.
    pub async fn goto(&self, path: &str) -> Outcome {
        let url = format!("{}{path}", self.base_url);
        self.client
            .goto(&url)
            .await
            .map_err(|e| Failure::new(format!("cannot load {url}: {e}")))
    }

    /// Opens a record by deep link, as Dynamics does
    /// (`/main.aspx?etn=<entity>&pagetype=entityrecord&id=<guid>`), and waits until the page has
    /// drawn the record (its title) or a page message instead.
    pub async fn open_record(&self, entity: &str, id: &str) -> Outcome {
        self.goto(&format!(
            "/main.aspx?etn={entity}&pagetype=entityrecord&id={id}"
        ))
        .await?;
        self.wait_until_page_settled().await
    }

    /// Waits until the page shows a record title or a page message (after a load or reload).
    pub async fn wait_until_page_settled(&self) -> Outcome {
        self.wait_until(
            "the record to be drawn (a record title) or a page message",
            "const t = document.querySelector('#record-header .record-title-text'); \
             return (t && t.textContent.trim().length > 0) || document.querySelector('.page-message') !== null;",
        )
        .await
        .map(|_| ())
    }

    /// Waits until the event log has an entry containing `text`; returns that entry's text.
    pub async fn wait_for_event(&self, text: &str) -> Outcome<String> {
        let found = self
            .wait_until_with(
                &format!("an event log entry containing {text:?}"),
                "return Array.from(document.querySelectorAll('#event-log li'))
                    .map((n) => n.textContent).find((t) => t.includes(arguments[0])) || null;",
                vec![json!(text)],
            )
            .await?;
        Ok(found.as_str().unwrap_or_default().to_string())
    }

    /// Every event log entry's text, oldest first.
    pub async fn events(&self) -> Outcome<Vec<String>> {
        self.texts("#event-log li").await
    }

    /// Waits for the first element matching `selector` (CSS) to exist.
    pub async fn wait_for(&self, selector: &str) -> Outcome<Element> {
        let started = Instant::now();
        loop {
            if let Some(element) = self
                .client
                .find_all(Locator::Css(selector))
                .await?
                .into_iter()
                .next()
            {
                return Ok(element);
            }
            if started.elapsed() > WAIT_TIMEOUT {
                return Err(self
                    .timed_out(&format!("an element matching `{selector}`"))
                    .await);
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Waits until the rendered text of the element matching `selector` contains `needle`;
    /// returns the whole text.
    pub async fn wait_for_text(&self, selector: &str, needle: &str) -> Outcome<String> {
        let found = self
            .wait_until_with(
                &format!("`{selector}` to contain {needle:?}"),
                "const n = document.querySelector(arguments[0]);
                 return n && n.innerText.includes(arguments[1]) ? n.innerText : null;",
                vec![json!(selector), json!(needle)],
            )
            .await?;
        Ok(found.as_str().unwrap_or_default().trim().to_string())
    }

    /// Waits until the script `body` (a function body that `return`s) gives a truthy value;
    /// returns that value. `what` names the condition in the failure message.
    pub async fn wait_until(&self, what: &str, body: &str) -> Outcome<Value> {
        self.wait_until_with(what, body, Vec::new()).await
    }

    /// [`Page::wait_until`] with script arguments (`arguments[0]`, …).
    pub async fn wait_until_with(
        &self,
        what: &str,
        body: &str,
        args: Vec<Value>,
    ) -> Outcome<Value> {
        let started = Instant::now();
        loop {
            let value = self.execute(body, args.clone()).await?;
            if is_truthy(&value) {
                return Ok(value);
            }
            if started.elapsed() > WAIT_TIMEOUT {
                return Err(self.timed_out(what).await);
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// The rendered text of the first element matching `selector` (empty when it is hidden).
    pub async fn text(&self, selector: &str) -> Outcome<String> {
        let element = self.wait_for(selector).await?;
        Ok(element.text().await?.trim().to_string())
    }

    /// The rendered text of every element matching `selector`, in document order.
    pub async fn texts(&self, selector: &str) -> Outcome<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(selector)).await? {
            texts.push(element.text().await?.trim().to_string());
        }
        Ok(texts)
    }

    /// The value a user sees in the form control named `control` (see the module docs).
    pub async fn control_value(&self, control: &str) -> Outcome<String> {
        let value = self.execute(CONTROL_VALUE_JS, vec![json!(control)]).await?;
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Failure::new(format!("the form has no control named {control:?}")))
    }

    /// Clicks the first element matching `selector` once it exists.
    pub async fn click(&self, selector: &str) -> Outcome {
        let element = self.wait_for(selector).await?;
        element
            .click()
            .await
            .map_err(|e| Failure::new(format!("cannot click `{selector}`: {e}")))
    }

    /// Clicks the enabled button whose visible text (its accessible name) is `label`; inside an
    /// open dialog when one is open, as a user could not reach anything else.
    pub async fn click_button(&self, label: &str) -> Outcome {
        let found = self
            .wait_until_with(
                &format!("an enabled button labelled {label:?}"),
                "const scope = document.querySelector('dialog[open]') || document;
                 return Array.from(scope.querySelectorAll('button'))
                    .find((b) => !b.disabled && b.offsetParent !== null
                        && (b.getAttribute('aria-label') || b.textContent).trim() === arguments[0]) || null;",
                vec![json!(label)],
            )
            .await?;
        let element = Element::from_element_id(self.client.clone(), element_reference(&found)?);
        element
            .click()
            .await
            .map_err(|e| Failure::new(format!("cannot click the button {label:?}: {e}")))
    }

    /// Types `text` into the field matching `selector` as a user does: clears it, types, then
    /// leaves it with Tab so the page sees the change.
    pub async fn fill(&self, selector: &str, text: &str) -> Outcome {
        let element = self.wait_for(selector).await?;
        element.clear().await?;
        element.send_keys(text).await?;
        element
            .send_keys("\u{E004}")
            .await
            .map_err(|e| Failure::new(format!("cannot type into `{selector}`: {e}")))
    }

    /// Runs the script `body` (a function body; `arguments[0]`, … are `args`) and returns what
    /// it `return`s.
    pub async fn execute(&self, body: &str, args: Vec<Value>) -> Outcome<Value> {
        self.client.execute(body, args).await.map_err(|e| {
            Failure::new(format!(
                "script failed: {e}\n--- script ---\n{}",
                body.trim()
            ))
        })
    }

    /// Saves a PNG screenshot of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) -> Outcome {
        let png = self.client.screenshot().await?;
        std::fs::write(path, png)
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))
    }

    /// What the page shows, as JSON (notifications, page message, banner, dialogs, panel
    /// outcome, the last event log lines); `null` when it cannot be read.
    pub async fn diagnostics(&self) -> Value {
        self.client
            .execute(DIAGNOSTICS_JS, Vec::new())
            .await
            .unwrap_or(Value::Null)
    }

    async fn timed_out(&self, what: &str) -> Failure {
        Failure::new(format!(
            "timed out after {} s waiting for {what}\nthe page shows: {:#}",
            WAIT_TIMEOUT.as_secs(),
            self.diagnostics().await
        ))
    }

    /// Ends the session (Chromium exits) and removes the profile folder.
    pub async fn close(self) -> Outcome {
        let closed = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
        closed.map_err(|e| Failure::new(format!("cannot close the browser session: {e}")))
    }
}

/// The browser binary: `$CHROME`, else `/usr/bin/chromium`.
pub fn chrome_binary() -> String {
    std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".to_string())
}

fn fresh_profile_dir() -> Outcome<PathBuf> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir =
        crate::chromedriver::profiles_dir().join(NEXT.fetch_add(1, Ordering::Relaxed).to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::new(format!(
            "cannot create the profile folder {}: {e}",
            dir.display()
        ))
    })?;
    Ok(dir)
}

fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// The WebDriver element reference inside a script's return value.
fn element_reference(value: &Value) -> Outcome<ElementRef> {
    const KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
    value
        .get(KEY)
        .and_then(Value::as_str)
        .map(|id| ElementRef::from(id.to_string()))
        .ok_or_else(|| Failure::new(format!("the script returned {value}, not an element")))
}
