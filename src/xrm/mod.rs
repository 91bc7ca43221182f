//! Bindings to the Dynamics Client API (`Xrm`): the form, its attributes and controls, the
//! global context, navigation and resource strings.
//!
//! [`bindings`] declares the JavaScript shapes (as typed in `@types/xrm`); [`form`] wraps
//! them in safe calls that turn a host exception into an [`XrmError`] instead of a panic.
//! Owns no business rule.

pub mod bindings;
pub mod form;

pub use form::{Form, GlobalContext, Level, XrmError};
