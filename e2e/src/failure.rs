//! The one error type of the harness: a readable message. Every harness call and every check in
//! a test returns it, so a failing test still reaches its screenshot and closes its browser.

use std::fmt;

/// Why an end-to-end test failed, as a message meant for the person reading the test output.
pub struct Failure(String);

/// The result of a harness call or of a whole test.
pub type Outcome<T = ()> = Result<T, Failure>;

impl Failure {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure(message.into())
    }

    /// The same failure with more context after the message.
    pub fn with_note(self, note: impl fmt::Display) -> Failure {
        Failure(format!("{}\n{note}", self.0))
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure(error.to_string())
    }
}

/// `Debug` shows the plain message: that is what `cargo test` prints for a returned `Err`.
impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `ensure!(condition, "format", args…)`: returns a [`Failure`] with the message when the
/// condition is false. Use it instead of `assert!` so the test still takes its screenshot.
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err($crate::Failure::new(format!($($message)+)));
        }
    };
}
