//! The Dataverse Web API, sans-IO: request building and response parsing as plain values.
//!
//! Everything here is pure and tested natively with the documented wire formats; the only
//! part that touches the network is the thin transport the plugin layer supplies.
//! Users never see raw server messages as the main text: [`error::ApiError`] keeps them as
//! details behind a message key.

pub mod batch;
pub mod error;
pub mod guid;
pub mod http;
pub mod json;
pub mod odata;
pub mod queries;
pub mod retry;
pub mod transport;
