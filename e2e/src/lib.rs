//! End-to-end tests of the demo form: the real form library, the demo's fake `Xrm` and the
//! Dataverse emulator, driven in headless Chromium through chromedriver.
//!
//! Each test gets its own in-process emulator on a free port and its own browser session; one
//! chromedriver serves the whole test binary. A test reads:
//!
//! ```no_run
//! # async fn example() -> e2e::Outcome {
//! e2e::run("opens_the_seed_record", async |t| {
//!     t.page.open_record("esc_emailsuppression", e2e::seed::SUPPRESSION_UNSUBSCRIBED).await?;
//!     let email = t.page.control_value("esc_emailaddress").await?;
//!     e2e::ensure!(email == "maria.campbell@contoso.com", "email is {email:?}");
//!     Ok(())
//! })
//! .await
//! # }
//! ```
//!
//! Module map: [`session`] (the per-test fixture and its screenshot), [`page`] (the browser
//! side: waits, text, clicks, typing, scripts), [`emulator`] (the emulator side: state, request
//! log, HTTP calls), [`chromedriver`] (the shared driver process), [`a11y`] (computed roles
//! and accessible names, the axe-core audit), [`demo`] (the organization the demo plays, the
//! form libraries' frame, deprecated calls), [`status`] (the status panel in its frame), [`paths`],
//! [`failure`].
//! Nothing here touches the plugin's code: it only drives the page as a user and a test would.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod a11y;
pub mod chromedriver;
pub mod demo;
pub mod driver;
pub mod emulator;
pub mod failure;
pub mod form;
pub mod page;
pub mod paths;
pub mod session;
pub mod status;

pub use dataverse_emulator::seed;
pub use driver::Engine;
pub use emulator::{LocalEmulator, Reply};
pub use failure::{Failure, Outcome};
pub use hyper::Method;
pub use page::Page;
pub use session::run_in;
pub use session::{run, E2e};
