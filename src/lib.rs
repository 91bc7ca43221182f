//! Resubscribe: the form libraries of the Email Suppressions form and the Contact form.
//!
//! When a contact who unsubscribed asks to be resubscribed, a Dynamics user ticks
//! *Request Resubscribe* on the suppression record and saves. This crate validates that save,
//! checks the connector version against the organization's release line, records the
//! contact's request as an audited note and shows where the resubscription stands.
//!
//! - [`domain`]: the pure business core (no browser, no I/O), tested natively.
//! - [`dataverse`]: the Web API as plain values (requests, `$batch`, errors, retries).
//! - [`xrm`]: the Dynamics Client API, called by name, every call checked.
//! - [`plugin`]: the form handlers (load, evidence, save, note) that tie the others together.
//! - [`ui`]: the inline status panel (an HTML web resource the form library draws into).
//! - [`setup`]: the solution's configuration page, which checks the organization's setup.
//! - [`shell`]: the waits the JavaScript shell settles (a request, a pause, a dialog), and
//!   what the module does with each answer.
//! - [`js_api`]: the small surface JavaScript sees (form handlers and diagnostics).
//! - [`heap`]: the shipped module's allocator.

#![cfg_attr(feature = "module", no_std)]

extern crate alloc;

pub mod dataverse;
pub mod domain;
pub mod heap;
pub mod js_api;
pub(crate) mod local;
pub mod plugin;
#[cfg(any(not(feature = "module"), feature = "setup-page"))]
pub mod setup;
pub mod shell;
pub mod ui;
pub mod xrm;

/// What `std`'s prelude gives and a `no_std` module imports: one glob per module. Not
/// `format!` nor `ToString`: the module builds texts from pieces (`concat`, `to_owned`,
/// `domain::text::decimal` for numbers), which keeps `core::fmt` out of it; a module build
/// that reaches for either does not compile.
pub(crate) mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::String;
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// The shipped module's runtime: its allocator ([`heap`]), and a panic handler that
/// traps without formatting anything (the loader reports a trap as a stopped module).
#[cfg(all(
    feature = "module",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
mod runtime {
    #[global_allocator]
    static ALLOCATOR: crate::heap::Allocator = crate::heap::Allocator::new();

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }
}
