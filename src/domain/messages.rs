//! Every user-facing text of the domain: the [`MessageKey`] ids (stable dotted strings that
//! become RESX keys), the default [`english`] table and a tiny `{placeholder}` renderer.
//!
//! The English table is the source of the English RESX (`cargo xtask build` writes it) and of
//! the tests' texts. A shipped module does not carry it: it reads English from that RESX like
//! any language, and keeps only the English of the keys marked `#[kept]`: those the domain
//! reads as data (the channel labels of earlier notes, "an unknown date" in arguments), and
//! what is said where no RESX can be read at all (a page without the Client API).
//!
//! Other modules never build sentences themselves; they return a [`Message`] (key + named
//! arguments) and the edge renders it with the user's table. Owns no business rule.

use crate::prelude::*;
use alloc::borrow::Cow;

use super::time::Timestamp;

/// Declares the key enum, its ids and the English table in one place so they cannot drift.
///
/// The keys after `@page` belong to the configuration page (`rsub_/resubscribe/setup.html`)
/// only: a shipped module has them only when it is the page's own library (`setup-page`), so
/// the form libraries do not grow with them (their RESX entries are there all the same).
macro_rules! message_table {
    (
        $($(#[$kept:ident])? $variant:ident = $id:literal => $english:literal;)*
        @page {
            $($page_variant:ident = $page_id:literal => $page_english:literal;)*
        }
    ) => {
        /// Identifies one user-facing text; serializes as its stable dotted id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MessageKey {
            $(
                #[doc = $english]
                $variant,
            )*
            $(
                #[doc = $page_english]
                #[cfg(any(not(feature = "module"), feature = "setup-page"))]
                $page_variant,
            )*
        }

        impl MessageKey {
            /// Every key, in table order.
            #[cfg(any(not(feature = "module"), feature = "setup-page"))]
            pub const ALL: &'static [MessageKey] =
                &[$(MessageKey::$variant,)* $(MessageKey::$page_variant,)*];
            /// Every key, in table order.
            #[cfg(all(feature = "module", not(feature = "setup-page")))]
            pub const ALL: &'static [MessageKey] = &[$(MessageKey::$variant,)*];

            /// The stable dotted id (the RESX key), e.g. `save.refused.pendingRequest`.
            pub fn id(self) -> &'static str {
                match self {
                    $(MessageKey::$variant => $id,)*
                    $(
                        #[cfg(any(not(feature = "module"), feature = "setup-page"))]
                        MessageKey::$page_variant => $page_id,
                    )*
                }
            }
        }

        /// The default English template of `key`.
        #[cfg(not(feature = "module"))]
        pub fn english(key: MessageKey) -> &'static str {
            match key {
                $(MessageKey::$variant => $english,)*
                $(MessageKey::$page_variant => $page_english,)*
            }
        }

        /// In a shipped module, the English of the keys marked `#[kept]`; empty for every other
        /// key, whose words come from the RESX.
        #[cfg(feature = "module")]
        pub fn english(key: MessageKey) -> &'static str {
            $(
                if let Some(text) = kept_english!($($kept)? $english) {
                    if key == MessageKey::$variant {
                        return text;
                    }
                }
            )*
            ""
        }
    };
}

/// `Some(english)` for a key marked `#[kept]`, `None` (no code, no bytes) for any other.
#[cfg_attr(not(feature = "module"), allow(unused_macros))]
macro_rules! kept_english {
    (kept $english:literal) => {
        Some($english)
    };
    ($english:literal) => {
        None::<&'static str>
    };
}

message_table! {
    // Versions.
    VersionEmpty = "version.empty" => "The version number is empty.";
    VersionTooFewParts = "version.tooFewParts" => "The version number has only one part; expected 2 to 4 numbers separated by dots, like 9.2.25093.00168.";
    VersionTooManyParts = "version.tooManyParts" => "The version number has more than 4 parts; expected 2 to 4 numbers separated by dots, like 9.2.25093.00168.";
    VersionNotNumeric = "version.notNumeric" => "The version part “{part}” is not a number.";
    VersionPartTooLarge = "version.partTooLarge" => "The version part “{part}” is too large.";
    VersionEmptyPart = "version.emptyPart" => "The version number has an empty part (two dots in a row, or a dot at the start or end).";
    VersionUnsupportedRelease = "version.unsupportedRelease" => "Dynamics version {major}.x is not a release this form knows (it supports CRM 2011 to Dynamics 365 9.x).";

    // Connector compatibility.
    CompatOk = "compat.ok" => "Connector {found} meets the minimum version {required} for {line}.";
    CompatTooOld = "compat.tooOld" => "Upgrade the connector: the installed version {found} is older than {required}, the minimum for manual resubscribe on {line}, so resubscribe requests cannot be saved until then.";
    CompatLineMismatch = "compat.lineMismatch" => "Install the connector made for {line}, version {required} or later: the installed version {found} is made for a different Dynamics release than this organization, so resubscribe requests cannot be saved until then.";
    CompatNotInstalled = "compat.notInstalled" => "The email-marketing connector is not installed in this organization, so resubscribe requests cannot be processed. {line} needs connector {required} or later.";
    CompatUnknownUnreadable = "compat.unknown.unreadable" => "Could not verify the connector version ({detail}). The request can be saved, but ask an administrator to check that the connector is installed and up to date.";
    CompatUnknownOrgVersion = "compat.unknown.orgVersion" => "Could not verify the connector version: the Dynamics version “{value}” could not be read. {problem}";
    CompatUnknownConnectorVersion = "compat.unknown.connectorVersion" => "Could not verify the connector version: the installed version “{value}” could not be read. {problem}";
    CompatUnknownUnsupportedRelease = "compat.unknown.unsupportedRelease" => "Could not verify the connector version: Dynamics {major}.x has no known minimum connector version.";

    // Eligibility of the suppression reason.
    EligibleWithConfirmation = "eligibility.withConfirmation" => "A confirmation email will be sent at the next sync.";
    EligibleImmediately = "eligibility.immediately" => "This address was suppressed by your team; it will be resubscribed at the next sync, no email is sent.";
    RefusedComplaint = "eligibility.refused.complaint" => "This address cannot be resubscribed: the contact complained about your email as spam or abuse ({reason}), and dotdigital does not allow resubscribing it.";
    RefusedProviderSuppression = "eligibility.refused.providerSuppression" => "This address cannot be resubscribed: it is blocked by dotdigital ({reason}), not by your team. Contact dotdigital support if you believe this is wrong.";
    RefusedUndeliverable = "eligibility.refused.undeliverable" => "This address cannot be resubscribed: it cannot receive email ({reason}). Ask the contact for an address that works.";
    RefusedUnknownReason = "eligibility.refused.unknownReason" => "This address cannot be resubscribed: the suppression reason “{reason}” is not known to this form. An administrator can map this value to a known reason in the form's settings.";

    // Email addresses.
    EmailEmpty = "email.empty" => "The email address is empty.";
    EmailTooLong = "email.tooLong" => "The email address is {length} characters long; the maximum is 254.";
    EmailLocalPartTooLong = "email.localPartTooLong" => "The part before the “@” is {length} characters long; the maximum is 64.";
    EmailMissingAt = "email.missingAt" => "The email address has no “@”.";
    EmailMultipleAt = "email.multipleAt" => "The email address has more than one “@”.";
    EmailEmptyLocalPart = "email.emptyLocalPart" => "The email address has nothing before the “@”.";
    EmailEmptyDomain = "email.emptyDomain" => "The email address has no domain after the “@”.";
    EmailInvalidCharacter = "email.invalidCharacter" => "The email address contains a space or an invisible control character.";
    EmailLocalPartDots = "email.localPartDots" => "The part before the “@” starts or ends with a dot, or has two dots in a row.";
    EmailDomainWithoutDot = "email.domainWithoutDot" => "The domain “{domain}” has no dot; expected a domain such as example.com.";
    EmailEmptyDomainLabel = "email.emptyDomainLabel" => "The domain has an empty part (two dots in a row, or a dot at the start or end).";
    EmailInvalidDomainLabel = "email.invalidDomainLabel" => "The domain part “{label}” is not valid: each part between dots must be 1 to 63 letters, digits or hyphens, must not start or end with a hyphen, and the last part must not be only digits.";

    // Evidence of the contact's request.
    EvidenceMissingRequester = "evidence.missingRequester" => "Say who asked to be resubscribed.";
    EvidenceMissingDetails = "evidence.missingDetails" => "Describe what the contact said, or give a reference such as a call or ticket number.";
    EvidenceDetailsTooLong = "evidence.detailsTooLong" => "The details are {length} characters long; the maximum is {max}.";
    EvidenceRequestedInFuture = "evidence.requestedInFuture" => "The time the contact asked ({date}) is in the future.";
    EvidenceRequestedBeforeSuppression = "evidence.requestedBeforeSuppression" => "The contact's request ({date}) is earlier than the suppression ({suppressedOn}); only a request made after the address was suppressed counts.";
    EvidenceMissingRecorder = "evidence.missingRecorder" => "Reload the form and try again: the Dynamics user recording the request is not known.";

    // Channels the contact used.
    #[kept] ChannelPhone = "channel.phone" => "Phone";
    #[kept] ChannelEmail = "channel.email" => "Email";
    #[kept] ChannelLetter = "channel.letter" => "Letter";
    #[kept] ChannelInPerson = "channel.inPerson" => "In person";
    #[kept] ChannelWebForm = "channel.webForm" => "Web form";
    #[kept] ChannelOther = "channel.other" => "Other";

    // Lifecycle shown inline.
    LifecycleNotRequested = "lifecycle.state.notRequested" => "No resubscribe request is pending.";
    LifecycleAwaitingSync = "lifecycle.state.awaitingSync" => "Resubscribe requested on {date}. A confirmation email will be sent at the next sync.";
    LifecycleAwaitingSyncNoEmail = "lifecycle.state.awaitingSyncNoEmail" => "Resubscribe requested on {date}. The address will be resubscribed at the next sync; no email is sent.";
    LifecycleAwaitingConfirmation = "lifecycle.state.awaitingConfirmation" => "Confirmation email sent on {date}; waiting for the contact to confirm.";
    LifecycleResubscribed = "lifecycle.state.resubscribed" => "Resubscribed on {date}.";
    LifecycleResubscribedBulkOn = "lifecycle.state.resubscribedBulkOn" => "Resubscribed on {date}. Bulk email stays blocked for the contact until the next sync lifts the restriction.";
    LifecycleComplete = "lifecycle.state.complete" => "Resubscribed on {date}; the bulk email restriction has been lifted.";
    LifecycleFailed = "lifecycle.state.failed" => "The resubscription failed on {date}: {why}. Do not request again unless the contact asks again.";
    StepRequested = "lifecycle.step.requested" => "Resubscribe requested";
    StepConfirmationSent = "lifecycle.step.confirmationSent" => "Confirmation email sent";
    StepResubscribed = "lifecycle.step.resubscribed" => "Resubscribed";
    StepBulkRestrictionLifted = "lifecycle.step.bulkRestrictionLifted" => "Bulk email restriction lifted";
    StepFailed = "lifecycle.step.failed" => "Resubscription failed";
    StepToSendConfirmation = "lifecycle.step.todo.confirmationSent" => "Send the confirmation email";
    StepToResubscribe = "lifecycle.step.todo.resubscribed" => "Resubscribe the address";
    StepToLiftBulkRestriction = "lifecycle.step.todo.bulkRestrictionLifted" => "Lift the bulk email restriction";
    ActorUser = "lifecycle.actor.user" => "a Dynamics user";
    ActorConnectorSync = "lifecycle.actor.connectorSync" => "the connector sync";
    ActorContact = "lifecycle.actor.contact" => "the contact";
    #[kept] DateUnknown = "date.unknown" => "an unknown date";

    // Save check.
    SaveRefusedNotSaved = "save.refused.notSaved" => "Save the suppression record first, then tick Request Resubscribe.";
    SaveRefusedReadOnly = "save.refused.readOnly" => "This record is read-only, so a resubscribe request cannot be saved.";
    SaveRefusedBulkEdit = "save.refused.bulkEdit" => "Open one suppression record at a time: resubscribe requests cannot be made in bulk edit.";
    SaveRefusedUnsupportedForm = "save.refused.unsupportedForm" => "Open the saved suppression record: resubscribe requests cannot be made in this kind of form (form type {code}).";
    SaveRefusedNoPrivilege = "save.refused.noPrivilege" => "Ask an administrator for a role that can edit email suppressions: you do not have permission to change this suppression record.";
    SaveRefusedEmailMissing = "save.refused.emailMissing" => "The suppression record has no email address.";
    SaveRefusedReasonMissing = "save.refused.reasonMissing" => "The suppression reason is empty, so it is not known whether this address can be resubscribed.";
    SaveRefusedPendingRequest = "save.refused.pendingRequest" => "A resubscribe request from {date} is still waiting for the next sync; a second request is not allowed.";
    SaveRefusedConfirmationPending = "save.refused.confirmationPending" => "Wait for the contact to confirm before asking again: a confirmation email for the request of {date} was sent on {sentOn}.";
    SaveRefusedUnverified = "save.refused.unverified" => "Refresh the form and try again: whether a resubscribe request is already pending could not be read, so a new one cannot be saved now.";
    SaveRefusedEvidenceMissing = "save.refused.evidenceMissing" => "Record who asked to be resubscribed, how and when, before saving.";
    SaveRefusedAutoSave = "save.refused.autoSave" => "Record the contact's request, then save the record yourself: autosave does not submit a resubscribe request.";
    SaveWarningRequestWithdrawn = "save.warning.requestWithdrawn" => "Unticking Request Resubscribe withdraws the request of {date}; no confirmation email will be sent.";
    SaveWarningConfirmationAlreadySent = "save.warning.confirmationAlreadySent" => "The confirmation email was already sent on {date}; unticking does not recall it, and the contact can still confirm.";
    // Configuration of the form (admin-facing).
    ConfigInvalid = "config.invalid" => "Resubscribe checks are off: the handler parameter is not valid mapping JSON ({detail}). An administrator can fix it in the form's event handler settings.";
    ConfigColumnMissing = "config.columnMissing" => "Resubscribe checks are off: the form has no “{column}” column. An administrator can add it to the form or name it in the handler parameter.";
    ConfigColumnNotOnForm = "config.columnNotOnForm" => "Resubscribe checks are off: the column “{name}” named for “{column}” in the handler parameter is not on the form.";

    // The plugin on the form (produced by the edge, not the domain).
    #[kept] PluginNoClientApi = "plugin.noClientApi" => "Resubscribe checks are off: this page does not provide the Dynamics Client API ({detail}).";
    PluginNoWebApi = "plugin.noWebApi" => "Resubscribe checks need Dynamics CRM 2016 or later: this organization runs {version}, which has no Web API.";
    PluginUnavailable = "plugin.unavailable" => "Ask your administrator: resubscription is not available in this organization at the moment.";
    PluginEntitySetWrong = "plugin.entitySetWrong" => "Resubscribe checks cannot read this record through the Web API as “{set}”. An administrator can set \"entitySet\" in the handler parameter.";
    PluginLoadFailed = "plugin.loadFailed" => "Could not read where this resubscription stands: {problem}";
    PluginChecking = "plugin.checking" => "Checking the resubscription rules; the save continues in a moment.";
    PluginBusy = "plugin.busy" => "The previous request is still being recorded; wait until it is done before making another.";
    PluginEvidenceRecorded = "plugin.evidenceRecorded" => "Save the record to submit the request of {date} ({channel}). {next}";
    PluginDialogFailed = "plugin.dialogFailed" => "The request form could not be opened ({detail}), so Request Resubscribe was unticked.";
    PluginPopupBlocked = "plugin.popupBlocked" => "Allow pop-ups for {site}, then tick Request Resubscribe again: the request form opens in a new window and the browser blocked it, so the box was unticked.";
    PluginNoteWriting = "plugin.noteWriting" => "Recording the request in the contact's notes…";
    PluginNoteWritingRecord = "plugin.noteWritingRecord" => "Recording the request in a note on this suppression record (no contact is linked)…";
    PluginNoteWrittenContact = "plugin.noteWrittenContact" => "The request is recorded in a note on {name}.";
    PluginNoteWrittenRecord = "plugin.noteWrittenRecord" => "No contact is linked, so the request is recorded in a note on this suppression record.";
    PluginNoteNotRecorded = "plugin.noteNotRecorded" => "Save again to try again: the contact's request could not be recorded in a note, so the resubscribe request was not saved. {problem}";
    PluginConflict = "plugin.conflict" => "Refresh the form to see the current values: someone else changed this record while you were editing it, so your changes were not saved. {what}";
    PluginRefusedAtBox = "plugin.refusedAtBox" => "Check Request Resubscribe: the record was not saved.";
    PluginConflictRequested = "plugin.conflictRequested" => "It now holds a resubscribe request from {date}.";
    PluginModuleBlocked = "plugin.moduleBlocked" => "The resubscription checks cannot start: this organization's Content Security Policy blocks WebAssembly. Ask an administrator to allow 'wasm-unsafe-eval' for scripts.";
    PluginModuleFailed = "plugin.moduleFailed" => "The resubscription checks could not start ({detail}).";
    PluginRequestRefusedWithoutChecks = "plugin.requestRefusedWithoutChecks" => "A resubscribe request cannot be saved while the checks are not running. Other changes save normally.";
    PluginChecksStarting = "plugin.checksStarting" => "The resubscription checks are still starting, so the resubscribe request was not saved: save again in a moment. Other changes save normally.";

    // Web API failures, in the user's words (the server's text is kept as details).
    ApiBadRequest = "api.badRequest" => "Dynamics refused the request as malformed (details: {detail}).";
    ApiUnauthorized = "api.unauthorized" => "Reload the page and sign in again: your Dynamics session has expired.";
    ApiForbidden = "api.forbidden" => "You do not have the permission this needs (details: {detail}).";
    ApiNotFound = "api.notFound" => "The record was not found; it may have been deleted (details: {detail}).";
    ApiConflict = "api.conflict" => "The record was changed by someone else in the meantime.";
    ApiThrottled = "api.throttled" => "Try again in a minute: Dynamics is busy (too many requests right now).";
    ApiServer = "api.server" => "Dynamics could not process the request right now (details: {detail}).";
    ApiNetwork = "api.network" => "The connection to Dynamics failed (details: {detail}).";
    ApiUnexpected = "api.unexpected" => "Dynamics gave an answer this form cannot read (details: {detail}).";

    // The evidence dialog (texts handed to the dialog page).
    EvidenceTitle = "evidence.title" => "Record the contact's request";
    EvidenceIntro = "evidence.intro" => "Only resubscribe contacts who asked for it. Record what they said, how and when.";
    EvidenceContact = "evidence.contact" => "Who asked";
    EvidenceChannel = "evidence.channel" => "How did they ask?";
    EvidenceRequestedAt = "evidence.requestedAt" => "When did they ask?";
    EvidenceDetails = "evidence.details" => "What did they say? Reference";
    EvidenceDetailsHint = "evidence.detailsHint" => "Quote the request and add a call, ticket or letter reference.";
    EvidenceRecordedBy = "evidence.recordedBy" => "Recorded by";
    EvidenceSave = "evidence.save" => "Save request";
    EvidenceCancel = "evidence.cancel" => "Cancel";
    EvidenceErrorDetails = "evidence.error.details" => "Describe what the contact said, or give a reference.";
    EvidenceErrorFuture = "evidence.error.future" => "The time they asked cannot be in the future.";
    EvidenceErrorBeforeSuppression = "evidence.error.beforeSuppression" => "The request must be later than the suppression of this address.";
    EvidenceErrorChannel = "evidence.error.channel" => "Choose how the contact asked.";
    EvidenceErrorTooLong = "evidence.error.tooLong" => "Use at most 2,000 characters.";
    EvidenceErrorContact = "evidence.error.contact" => "Say who asked to be resubscribed.";
    EvidenceErrorRequestedAt = "evidence.error.requestedAt" => "Enter the date and time the contact asked.";
    EvidenceErrorStorage = "evidence.error.storage" => "The request could not be handed back to the form (the browser refused to store it). Check that the browser allows site data, then try again.";
    EvidenceInvalidOpen = "evidence.invalidOpen" => "This dialog opens from the Request Resubscribe box on an Email Suppression record.";
    EvidenceDoneSaved = "evidence.doneSaved" => "Close this dialog, then save the record to submit the request.";
    EvidenceDoneCancelled = "evidence.doneCancelled" => "Close this dialog to go back to the form: nothing was recorded.";

    SaveWarningPreviousFailed = "save.warning.previousFailed" => "The previous resubscription failed on {date} ({why}). Only request again if the contact asked again.";

    // The status panel on the form (rendered by the edge, `crate::ui`).
    PanelTitle = "panel.title" => "Resubscription status";
    PanelLoading = "panel.loading" => "Reading the record…";
    PanelReadyToSend = "panel.readyToSend" => "Ready to send: save the record.";
    PanelUnread = "panel.unread" => "Refresh the form to try again: where this resubscription stands could not be read.";
    PanelTimeline = "panel.timeline" => "Progress";
    PanelStateDone = "panel.state.done" => "Done";
    PanelStatePending = "panel.state.pending" => "Not yet";
    PanelStateFailed = "panel.state.failed" => "Failed";
    PanelStepBy = "panel.step.by" => "By {actor}";
    PanelWaitingUser = "panel.waiting.user" => "Waiting for a Dynamics user";
    PanelWaitingSync = "panel.waiting.sync" => "Waiting for the next sync";
    PanelWaitingContact = "panel.waiting.contact" => "Waiting for the contact to confirm";
    PanelEvidenceTitle = "panel.evidence.title" => "The contact's request";
    PanelEvidenceOpen = "panel.evidence.open" => "Details of the request";
    PanelEvidenceWho = "panel.evidence.who" => "Who asked";
    PanelEvidenceChannel = "panel.evidence.channel" => "Channel";
    PanelEvidenceWhen = "panel.evidence.when" => "When they asked";
    PanelEvidenceDetails = "panel.evidence.details" => "What they said";
    PanelEvidenceRecordedBy = "panel.evidence.recordedBy" => "Recorded by";
    PanelEvidenceRecordedByOn = "panel.evidence.recordedByOn" => "{name} on {date}";
    PanelEvidenceAddress = "panel.evidence.address" => "Email address";
    PanelEvidenceNotGiven = "panel.evidence.notGiven" => "Not recorded";
    PanelEvidenceMissing = "panel.evidence.missing" => "No note recording the contact's request was found for this request.";
    PanelCompatLabel = "panel.compat.label" => "Connector";
    PanelCompatOk = "panel.compat.ok" => "Ready for resubscribe requests";
    PanelCompatBlocked = "panel.compat.blocked" => "Not ready for resubscribe requests; an administrator needs to install or update it";
    PanelCompatUnknown = "panel.compat.unknown" => "Version could not be checked";
    PanelConsentTitle = "panel.consent.title" => "The contact's email preferences";
    PanelConsentBulk = "panel.consent.bulk" => "Bulk email";
    PanelConsentEmail = "panel.consent.email" => "Email";
    PanelConsentAllowed = "panel.consent.allowed" => "Allowed";
    PanelConsentBlocked = "panel.consent.blocked" => "Not allowed";
    PanelConsentUnknown = "panel.consent.unknown" => "Could not be read";
    PanelConsentNoContact = "panel.consent.noContact" => "No contact is linked to this suppression.";
    PanelHistoryTitle = "panel.history.title" => "Resubscription history";
    PanelHistoryLoading = "panel.history.loading" => "Reading the contact's notes…";
    PanelHistorySummaryOne = "panel.history.summaryOne" => "This contact's notes record one resubscription.";
    PanelHistoryEmpty = "panel.history.empty" => "No resubscribe requests are recorded in this contact's notes.";
    PanelHistorySummary = "panel.history.summary" => "This contact's notes record {count} resubscriptions, newest first.";
    PanelHistoryRequest = "panel.history.request" => "Request of {date}";
    PanelHistoryUnrecorded = "panel.history.unrecorded" => "Resubscription of {date}, not requested through this form";
    PanelHistoryOutcome = "panel.history.outcome" => "Outcome";
    PanelHistoryLoadFailed = "panel.history.loadFailed" => "The contact's notes could not be read: {problem}";
    PanelOutcomeNone = "panel.outcome.none" => "No connector note yet";
    PanelOutcomeConfirmationSent = "panel.outcome.confirmationSent" => "Confirmation email sent on {date}; not confirmed yet";
    PanelOutcomeResubscribed = "panel.outcome.resubscribed" => "Resubscribed on {date}";
    PanelOutcomeFailed = "panel.outcome.failed" => "Failed on {date}: {why}";

    // A saved request withdrawn (docs/domain.md §8), and the request date the library owns.
    LifecycleWithdrawn = "lifecycle.state.withdrawn" => "Withdrawn by {name} on {date}.";
    PanelOutcomeWithdrawn = "panel.outcome.withdrawn" => "Withdrawn by {name} on {date}";
    PluginWithdrawWarning = "plugin.withdraw.warning" => "Saving will withdraw the resubscribe request of {date}: its Resubscribe Request Date will be cleared, and a note on the contact's record will say who withdrew it and when.";
    PluginWithdrawn = "plugin.withdrawn" => "The resubscribe request of {date} was withdrawn: its Resubscribe Request Date was cleared, and a note on the contact's record says who withdrew it and when.";
    PluginWithdrawalNotRecorded = "plugin.withdrawal.notRecorded" => "The resubscribe request of {date} was withdrawn and its Resubscribe Request Date cleared, but no note records the withdrawal: {problem}";
    SaveRefusedDateEdited = "save.refused.dateEdited" => "Undo the change to Resubscribe Request Date to save the record: the date is set only by a resubscribe request (tick Request Resubscribe to make one).";

    // The form names the solution it took for the connector (also on the configuration page).
    SetupConnectorTaken = "setup.connector.taken" => "No solution is named {configured}; the solution {taken} (“{friendly}”) looks like the connector and is used instead. Set \"connectorSolution\": \"{taken}\" in the handlers' mapping to make this explicit.";

    // The configuration page (rsub_/resubscribe/setup.html) only.
    @page {
        SetupTitle = "setup.title" => "Resubscribe: configuration check";
        SetupIntro = "setup.intro" => "Checks this organization's setup for the Resubscribe form library. Each check passes, warns or fails, and says what to do.";
        SetupRunning = "setup.running" => "Checking…";
        SetupRecheck = "setup.recheck" => "Check again";
        SetupSummary = "setup.summary" => "{fail} failed, {warning} with warnings, {pass} passed.";
        SetupStatusPass = "setup.status.pass" => "Pass";
        SetupStatusWarning = "setup.status.warning" => "Warning";
        SetupStatusFail = "setup.status.fail" => "Fail";
        SetupAreaConnector = "setup.area.connector" => "Email-marketing connector";
        SetupAreaForms = "setup.area.forms" => "Email Suppressions forms";
        SetupAreaLanguages = "setup.area.languages" => "Languages";
        SetupAreaCsp = "setup.area.csp" => "Content Security Policy";
        SetupAreaPrivileges = "setup.area.privileges" => "Privileges";
        SetupNoXrm = "setup.noXrm" => "This page needs the Dynamics 365 Client API ({detail}). Open it from the solution: Solutions, Resubscribe for Email Suppressions, then its configuration page.";
        SetupNoWebApi = "setup.noWebApi" => "This organization (version {version}) has no Web API, which the checks need.";
        SetupReadRefused = "setup.readRefused" => "Could not be checked: {problem} Ask an administrator to open this page.";
        SetupConnectorCandidates = "setup.connector.candidates" => "No solution is named {configured}, and several installed solutions look like the connector: {candidates}. Set \"connectorSolution\" in the handlers' mapping to the unique name of the right one.";
        SetupFormsNone = "setup.forms.none" => "The table {table} has no main form the checks could read.";
        SetupFormLibraryOk = "setup.form.library.ok" => "{library} is a library of the form.";
        SetupFormLibraryMissing = "setup.form.library.missing" => "{library} is not a library of the form, so its handlers cannot run. Add it under Form Properties, Events, Form Libraries, then save and publish.";
        SetupFormHandlerOk = "setup.form.handler.ok" => "{event}: {function} is registered and enabled, gets the execution context, and its mapping names columns on the form.";
        SetupFormHandlerMissing = "setup.form.handler.missing" => "{event}: {function} is not registered. Add it under Form Properties, Events ({event}), from {library}, with “Pass execution context as first parameter” ticked.";
        SetupFormHandlerDisabled = "setup.form.handler.disabled" => "{event}: {function} is registered but disabled. Enable it in the handler's properties.";
        SetupFormHandlerNoContext = "setup.form.handler.noContext" => "{event}: {function} does not get the execution context. Tick “Pass execution context as first parameter” in the handler's properties.";
        SetupFormHandlerWrongLibrary = "setup.form.handler.wrongLibrary" => "{event}: {function} is registered from {found}, not from {library}.";
        SetupFormMappingInvalid = "setup.form.mapping.invalid" => "{event}: the handler's parameter is not a valid mapping: {problem}";
        SetupFormMappingColumn = "setup.form.mapping.column" => "{event}: the mapping names {column} as “{role}”, but the form has no such column. Add the column to the form or correct the mapping.";
        SetupFormPanelOk = "setup.form.panel.ok" => "The status panel ({control}) is on the form.";
        SetupFormPanelMissing = "setup.form.panel.missing" => "The status panel is not on the form (optional): add the web resource {page} as a control named {control} to show where a resubscription stands.";
        SetupLanguagesOk = "setup.languages.ok" => "Every enabled language ({languages}) has the Resubscribe texts.";
        SetupLanguagesMissing = "setup.languages.missing" => "Enabled languages without Resubscribe texts: {languages}. Users of these languages read the texts in English; add Resubscribe.<LCID>.resx translations to the solution if that matters.";
        SetupCspOff = "setup.csp.off" => "The Content Security Policy is off: WebAssembly can run.";
        SetupCspAllows = "setup.csp.allows" => "The Content Security Policy is on and allows WebAssembly (script-src {sources}).";
        SetupCspBlocks = "setup.csp.blocks" => "The Content Security Policy is on and its script-src ({sources}) blocks WebAssembly, so the form library cannot start and resubscribe requests are refused. In the Power Platform admin center (Settings, Privacy + Security, Content security policy), add 'wasm-unsafe-eval' to script-src or turn strict mode off.";
        SetupWhoYou = "setup.who.you" => "You ({user})";
        SetupWhoRole = "setup.who.role" => "The role “{role}”";
        SetupPrivilegesOk = "setup.privileges.ok" => "{who}: can create notes, attach them to contacts and read the connector's solution.";
        SetupPrivilegesNotes = "setup.privileges.notes" => "{who}: lacks {privileges}, so a contact's request cannot be recorded as a note on the contact and resubscribe requests are refused. Add Create and Append on Note and Append To on Contact to the security role.";
        SetupPrivilegesSolution = "setup.privileges.solution" => "{who}: lacks prvReadSolution, so the form cannot verify the connector version (requests are still saved, with a warning). Add Read on Solution to the security role if that matters.";
        SetupRolesNone = "setup.roles.none" => "None of the usual marketing roles ({roles}) exists here; check the security roles of the users who request resubscriptions.";
        SetupModuleFailed = "setup.moduleFailed" => "The checks could not start: {detail}";
    }
}

/// The texts of the evidence dialog page, handed to it by the form library (by id).
pub const EVIDENCE_DIALOG: &[MessageKey] = &[
    MessageKey::EvidenceTitle,
    MessageKey::EvidenceIntro,
    MessageKey::EvidenceContact,
    MessageKey::EvidenceChannel,
    MessageKey::ChannelPhone,
    MessageKey::ChannelEmail,
    MessageKey::ChannelLetter,
    MessageKey::ChannelInPerson,
    MessageKey::ChannelWebForm,
    MessageKey::ChannelOther,
    MessageKey::EvidenceRequestedAt,
    MessageKey::EvidenceDetails,
    MessageKey::EvidenceDetailsHint,
    MessageKey::EvidenceRecordedBy,
    MessageKey::EvidenceSave,
    MessageKey::EvidenceCancel,
    MessageKey::EvidenceErrorDetails,
    MessageKey::EvidenceErrorFuture,
    MessageKey::EvidenceErrorBeforeSuppression,
    MessageKey::EvidenceErrorChannel,
    MessageKey::EvidenceErrorTooLong,
    MessageKey::EvidenceErrorContact,
    MessageKey::EvidenceErrorRequestedAt,
    MessageKey::EvidenceErrorStorage,
    MessageKey::EvidenceInvalidOpen,
    MessageKey::EvidenceDoneSaved,
    MessageKey::EvidenceDoneCancelled,
];

impl MessageKey {
    /// The key whose id is `id`, if any (for reading RESX files and JSON from the edge).
    pub fn from_id(id: &str) -> Option<MessageKey> {
        MessageKey::ALL.iter().copied().find(|key| key.id() == id)
    }
}

/// A user-facing text to show: which template, and the values of its `{placeholders}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Which template to render.
    pub key: MessageKey,
    /// Placeholder name (without braces) and value, in the order they were added.
    pub args: Vec<(String, String)>,
    /// Placeholders whose value is itself a message, rendered with the same table (so it is
    /// translated along with the sentence around it).
    pub parts: Vec<(String, Message)>,
}

impl Message {
    /// A message without arguments.
    pub fn new(key: MessageKey) -> Message {
        Message {
            key,
            args: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// Adds placeholder `{name}` whose value is the message `part`.
    pub fn with_part(mut self, name: &str, part: Message) -> Message {
        self.parts.push((name.to_owned(), part));
        self
    }

    /// Adds the value of placeholder `{name}`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Message {
        self.args.push((name.to_owned(), value.into()));
        self
    }

    /// The value given for placeholder `name`, if any.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(arg, _)| arg == name)
            .map(|(_, value)| value.as_str())
    }

    /// Renders with `table` (e.g. the user's RESX strings); an empty template falls back to
    /// English ([`fallback`]). Unknown placeholders are kept as written, so a missing
    /// translation argument shows up instead of vanishing.
    pub fn render<'a>(&self, table: impl Fn(MessageKey) -> &'a str) -> String {
        let or_english = |key| match table(key) {
            template if template.trim().is_empty() => fallback(key),
            template => Cow::Borrowed(template),
        };
        self.render_each(&or_english, &|_| None)
    }

    /// Renders this message and its parts, each with its template from `table` as it is (the
    /// table says what stands in for a template it lacks: the compiled-in English table is not
    /// reached from here) and each argument as `value` rewrites it (`None` keeps it).
    pub fn render_each<'a>(
        &self,
        table: &dyn Fn(MessageKey) -> Cow<'a, str>,
        value: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        let template = table(self.key);
        let mut args: Vec<(String, String)> = self
            .args
            .iter()
            .map(|(name, arg)| (name.clone(), value(arg).unwrap_or_else(|| arg.clone())))
            .collect();
        for (name, part) in &self.parts {
            args.push((name.clone(), part.render_each(table, value)));
        }
        fill(&template, &args)
    }

    /// Renders with the default English table.
    pub fn render_english(&self) -> String {
        self.render(english)
    }
}

/// What a shipped module says for a key whose words it could not read (the user's RESX could
/// not be read, or lacks the key; the module carries no English table): which text it is and
/// where it comes from, in English, the only words at hand.
pub fn unreadable(key: MessageKey) -> String {
    [
        "[",
        key.id(),
        "] This text could not be read from the solution's strings (rsub_/strings/Resubscribe). An administrator can import the solution again.",
    ]
    .concat()
}

/// The template of `key` where `table` has none: the English table where the build has it,
/// else [`unreadable`].
pub fn fallback(key: MessageKey) -> Cow<'static, str> {
    match english(key) {
        "" => Cow::Owned(unreadable(key)),
        english => Cow::Borrowed(english),
    }
}

/// `template` without its technical details: the parenthesised part that holds `{detail}`
/// (and the space before it), or the bare placeholder. What users who are not administrators
/// read: a plain sentence, no codes, privilege names or server text.
pub fn without_detail(template: &str) -> String {
    const DETAIL: &str = "{detail}";
    let Some(at) = super::text::find(template, DETAIL) else {
        return template.to_owned();
    };
    let after = at + DETAIL.len();
    // Byte positions of ASCII brackets, and `get` rather than indexing: no slicing panic path
    // in the module.
    let bytes = template.as_bytes();
    let open = bytes
        .get(..at)
        .and_then(|b| b.iter().rposition(|&c| c == b'('));
    let close = bytes
        .get(after..)
        .and_then(|b| b.iter().position(|&c| c == b')'))
        .map(|i| after + i + 1);
    let (cut_from, cut_to) = match (open, close) {
        (Some(open), Some(close)) => {
            let kept = template.get(..open).unwrap_or_default().trim_end().len();
            (kept, close)
        }
        _ => (at, after),
    };
    [
        template.get(..cut_from).unwrap_or_default(),
        template.get(cut_to..).unwrap_or_default(),
    ]
    .concat()
}

/// Replaces each `{name}` in `template` by its value in `args`.
fn fill(template: &str, args: &[(String, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) if is_placeholder_name(name) => {
                match args.iter().find(|(arg, _)| arg == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The `{date}` argument for an optional date: readable UTC, or "an unknown date" (English;
/// the date itself is data, not a template).
pub(crate) fn date_arg(on: Option<Timestamp>) -> String {
    on.map_or_else(
        || english(MessageKey::DateUnknown).to_owned(),
        Timestamp::to_display_utc,
    )
}

/// The placeholder names used in `template`, in order of appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some((_, after)) = rest.split_once('{') {
        match after.split_once('}') {
            Some((name, tail)) if is_placeholder_name(name) => {
                names.push(name);
                rest = tail;
            }
            _ => rest = after,
        }
    }
    names
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::collections::BTreeSet;

    /// Fails when `message` does not give exactly the placeholders its English template uses.
    pub(crate) fn assert_complete(message: &Message) {
        let template = english(message.key);
        let wanted: BTreeSet<&str> = placeholders(template).into_iter().collect();
        let given: BTreeSet<&str> = message
            .args
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(message.parts.iter().map(|(n, _)| n.as_str()))
            .collect();
        for (_, part) in &message.parts {
            assert_complete(part);
        }
        assert_eq!(
            wanted,
            given,
            "{} gives {:?} for template {:?}",
            message.key.id(),
            given,
            template
        );
        assert!(!message.render_english().contains('{'), "{message:?}");
    }

    #[test]
    fn without_detail_leaves_a_plain_sentence() {
        assert_eq!(
            without_detail("You lack the permission (details: {detail})."),
            "You lack the permission."
        );
        assert_eq!(
            without_detail("Could not verify ({detail}). Ask an administrator."),
            "Could not verify. Ask an administrator."
        );
        assert_eq!(without_detail("Failed: {detail}"), "Failed: ");
        assert_eq!(without_detail("No detail here."), "No detail here.");
        for key in MessageKey::ALL {
            let plain = without_detail(english(*key));
            assert!(!plain.contains("{detail}"), "{}: {plain}", key.id());
            assert!(
                !plain.contains("()") && !plain.contains(" ."),
                "{}: {plain}",
                key.id()
            );
        }
    }

    #[test]
    fn every_key_has_a_non_empty_english_template_and_a_unique_dotted_id() {
        let mut ids = BTreeSet::new();
        for key in MessageKey::ALL {
            assert!(!english(*key).trim().is_empty(), "{key:?}");
            let id = key.id();
            assert!(id.contains('.') && !id.contains(' '), "{id}");
            assert!(ids.insert(id), "duplicate id {id}");
            assert_eq!(MessageKey::from_id(id), Some(*key));
        }
    }

    #[test]
    fn renders_placeholders_and_keeps_unknown_ones_visible() {
        let message = Message::new(MessageKey::CompatTooOld)
            .with("found", "7.0.1.129")
            .with("required", "7.0.1.721");
        assert_eq!(
            message.render_english(),
            "Upgrade the connector: the installed version 7.0.1.129 is older than 7.0.1.721, the \
             minimum for manual resubscribe on {line}, so resubscribe requests cannot be saved \
             until then."
        );
    }

    #[test]
    fn renders_with_a_translation_table_and_falls_back_to_english_when_empty() {
        let message = Message::new(MessageKey::SaveRefusedPendingRequest)
            .with("date", "2026-11-26 14:03 UTC");
        let german = |key: MessageKey| match key {
            MessageKey::SaveRefusedPendingRequest => "Anfrage vom {date} ist noch offen.",
            _ => "",
        };
        assert_eq!(
            message.render(german),
            "Anfrage vom 2026-11-26 14:03 UTC ist noch offen."
        );
        let empty = |_: MessageKey| "";
        assert_eq!(message.render(empty), {
            "A resubscribe request from 2026-11-26 14:03 UTC is still waiting for the next sync; \
             a second request is not allowed."
        });
    }

    #[test]
    fn rendering_each_takes_the_templates_as_the_table_gives_them() {
        let message = Message::new(MessageKey::PluginLoadFailed)
            .with_part("problem", Message::new(MessageKey::ApiThrottled));
        let table = |key: MessageKey| match key {
            MessageKey::PluginLoadFailed => Cow::Borrowed("Nicht gelesen: {problem}"),
            _ => Cow::Borrowed(""),
        };
        assert_eq!(message.render_each(&table, &|_| None), "Nicht gelesen: ");
    }

    #[test]
    fn a_message_inside_a_message_is_translated_with_it() {
        let message = Message::new(MessageKey::CompatUnknownOrgVersion)
            .with("value", "nine")
            .with_part("problem", Message::new(MessageKey::VersionTooFewParts));
        let german = |key: MessageKey| match key {
            MessageKey::CompatUnknownOrgVersion => "Version „{value}“ unlesbar. {problem}",
            MessageKey::VersionTooFewParts => "Nur ein Teil.",
            _ => "",
        };
        assert_eq!(
            message.render(german),
            "Version „nine“ unlesbar. Nur ein Teil."
        );
        assert_complete(&message);
    }

    #[test]
    fn arguments_are_rewritten_in_the_message_and_in_its_parts() {
        let message = Message::new(MessageKey::CompatUnknownOrgVersion)
            .with("value", "nine")
            .with_part(
                "problem",
                Message::new(MessageKey::CompatUnknownOrgVersion)
                    .with("value", "ten")
                    .with("problem", "kept"),
            );
        let table = |key: MessageKey| Cow::Owned([english(key), "!"].concat());
        let shout = |value: &str| (value != "kept").then(|| value.to_uppercase());
        let text = message.render_each(&table, &shout);
        assert!(text.contains("“NINE”"), "{text}");
        assert!(text.contains("“TEN”"), "{text}");
        assert!(text.ends_with("kept!!"), "{text}");
    }

    #[test]
    fn leaves_stray_braces_alone() {
        assert_eq!(fill("a { b } {c d} {", &[]), "a { b } {c d} {");
        assert_eq!(placeholders("{a} { b } {c}"), vec!["a", "c"]);
    }
}
