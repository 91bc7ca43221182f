//! The per-test fixture: a fresh emulator, a browser session on it, and — whatever the test's
//! outcome — a screenshot at `<target>/e2e/<test>.png`, the browser closed and the emulator
//! stopped. [`run`] drives Chromium; [`run_in`] any [`Engine`].

use crate::driver::{self, Engine};
use crate::emulator::LocalEmulator;
use crate::failure::Outcome;
use crate::page::Page;
use crate::paths;

/// What one test works with.
pub struct E2e {
    /// The test's name (also the screenshot's file name).
    pub name: String,
    /// The browser session.
    pub page: Page,
    /// The test's own emulator.
    pub emulator: LocalEmulator,
}

impl E2e {
    /// Starts the emulator and a Chromium session for the test `name`.
    pub async fn start(name: &str) -> Outcome<E2e> {
        E2e::start_in(Engine::Chromium, name).await
    }

    /// Starts the emulator and a session of `engine` for the test `name`. Firefox and WebKit
    /// serve one session at a time: hold [`Engine::exclusive`] around the test (as [`run_in`]
    /// does).
    pub async fn start_in(engine: Engine, name: &str) -> Outcome<E2e> {
        let emulator = LocalEmulator::start().await?;
        let driver = driver::shared(engine)?;
        let page = match engine {
            Engine::Chromium => Page::open(driver.url(), &emulator.url()).await,
            _ => Page::open_in(engine, driver.url(), &emulator.url()).await,
        };
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                emulator.shutdown().await;
                return Err(e);
            }
        };
        Ok(E2e {
            name: name.to_string(),
            page,
            emulator,
        })
    }

    /// Saves an extra screenshot mid-test at `<target>/e2e/<test>-<label>.png`.
    pub async fn screenshot_as(&self, label: &str) -> Outcome {
        let path = paths::screenshot_path(&format!("{}-{label}", self.name))?;
        self.page.screenshot(&path).await
    }

    /// Takes the screenshot, closes the browser and stops the emulator; returns the test's
    /// outcome (a failure names the screenshot and what the page showed).
    pub async fn finish(self, outcome: Outcome) -> Outcome {
        let shot = match paths::screenshot_path(&self.name) {
            Ok(path) => self.page.screenshot(&path).await.map(|()| path),
            Err(e) => Err(e),
        };
        let outcome = match outcome {
            Ok(()) => Ok(()),
            Err(failure) => {
                let seen = self.page.diagnostics().await;
                let failure = failure.with_note(format_args!("the page showed: {seen:#}"));
                Err(match &shot {
                    Ok(path) => failure.with_note(format_args!("screenshot: {}", path.display())),
                    Err(e) => failure.with_note(format_args!("no screenshot: {e}")),
                })
            }
        };
        let closed = self.page.close().await;
        self.emulator.shutdown().await;
        outcome?;
        shot?;
        closed
    }
}

/// Runs one end-to-end test: starts its [`E2e`], runs `test`, then [`E2e::finish`]es it.
pub async fn run<F>(name: &str, test: F) -> Outcome
where
    F: AsyncFnOnce(&E2e) -> Outcome,
{
    let e2e = E2e::start(name).await?;
    let outcome = test(&e2e).await;
    e2e.finish(outcome).await
}

/// Runs one end-to-end test in `engine`, as [`run`] does in Chromium. The screenshot is
/// `<target>/e2e/<name>.png`, so give each engine's test its own name. When the engine is not
/// installed the test is skipped with a loud message, unless `CI` is set: then it fails.
pub async fn run_in<F>(engine: Engine, name: &str, test: F) -> Outcome
where
    F: AsyncFnOnce(&E2e) -> Outcome,
{
    if !driver::installed_or_skip(engine, name)? {
        return Ok(());
    }
    let _turn = engine.exclusive().await;
    let e2e = E2e::start_in(engine, name).await?;
    let outcome = test(&e2e).await;
    e2e.finish(outcome).await
}
