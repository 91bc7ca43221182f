//! A note on the contact as read from Dataverse (`annotation`): what the lifecycle, the
//! history and the audit note all speak of, so none of them has to import another for it.

use crate::prelude::*;

use super::time::Timestamp;

/// A note on the contact, as read from `annotation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFact {
    /// `annotationid` (empty when not read).
    pub id: String,
    /// `subject` (empty when null).
    pub subject: String,
    /// `notetext` (empty when null).
    pub text: String,
    /// `createdon`.
    pub created_on: Timestamp,
}
