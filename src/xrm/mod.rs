//! The Dynamics Client API (`Xrm`): the form, its attributes and controls, the global context,
//! navigation and resource strings.
//!
//! [`form`] calls the Client API's methods by name, as JavaScript does (one generic call, no
//! binding per method), on objects of any realm, and turns a host exception or a missing
//! method into an [`XrmError`] instead of a panic. Owns no business rule.

pub mod form;

pub use form::{Form, GlobalContext, Level, XrmError};
