//! The one chromedriver process of a test binary: [`crate::driver`] for [`Engine::Chromium`],
//! kept under its old names for the tests written against them.

use crate::driver::{self, Driver, Engine};
use crate::failure::Outcome;

/// A running chromedriver (see [`Driver`]).
pub type Chromedriver = Driver;

/// The chromedriver executable: `$CHROMEDRIVER`, else `/usr/bin/chromedriver`.
pub fn executable() -> String {
    Engine::Chromium.driver_executable()
}

/// The chromedriver shared by every test of this binary, started on first use.
pub fn shared() -> Outcome<&'static Chromedriver> {
    driver::shared(Engine::Chromium)
}

/// This binary's browser profiles folder, removed when it ends (see [`driver::profiles_dir`]).
pub fn profiles_dir() -> std::path::PathBuf {
    driver::profiles_dir()
}
