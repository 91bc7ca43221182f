//! A strict local stand-in for the Dataverse Web API subset the resubscribe form library uses,
//! with the connector's Email Suppression table, a simulated email-marketing connector, fault
//! injection and a request log. The demo form, the end-to-end tests and the benchmarks run
//! against it.
//!
//! Start one in-process on a free port:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use dataverse_emulator::{serve, EmulatorConfig};
//! let running = serve("127.0.0.1:0".parse().unwrap(), EmulatorConfig::default()).await?;
//! println!("{}/api/data/v9.2/RetrieveVersion()", running.url());
//! running.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Or drive the router without a socket: `app(Emulator::new(config))` with
//! `tower::ServiceExt::oneshot`. Module map: [`webapi`] (the Web API, sans-IO: a [`request`] in, a
//! [`reply`] out), [`batch`] (`$batch`), [`metadata`] (`EntityDefinitions`), [`setup`] (what the
//! configuration page reads), [`odata`] (URL grammar), [`store`] (records and ETags), [`schema`]
//! (tables and columns), [`model`] (configuration, schema, record writes), [`state`] (the world
//! that changes), [`handle`] (the shared [`Emulator`]), [`seed`] (demo data and fixed ids),
//! [`connector`] (simulated connector), [`faults`], [`request_log`], [`settings`],
//! [`static_files`], [`control`] (`/_emulator/`), [`routes`] (axum edge), [`server`] (socket).
//! The modules import each other without a circle (`cargo xtask tidy` checks it).
//!
//! The org version decides the Web API versions served and whether `$batch` honours
//! `odata.continue-on-error`; the `organization` setting moves every organization-scoped path
//! under `/<org>/` (on premises). See the crate README for the table, with its Microsoft Learn
//! sources.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
pub mod clock;
pub mod config;
pub mod connector;
pub mod control;
pub mod errors;
pub mod faults;
pub mod guid;
pub mod handle;
pub mod metadata;
pub mod model;
pub mod odata;
pub mod reply;
pub mod request;
pub mod request_log;
pub mod routes;
pub mod schema;
pub mod seed;
pub mod server;
pub mod settings;
pub mod setup;
pub mod state;
pub mod static_files;
pub mod store;
pub mod webapi;

pub use config::{EmulatorConfig, NoteSubjects, Reason, ReasonOption, SuppressionNames};
pub use guid::Guid;
pub use handle::Emulator;
pub use routes::app;
pub use server::{serve, serve_emulator, RunningEmulator};
pub use settings::Settings;
