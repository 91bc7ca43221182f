//! One record's request on its way to the record, as a state machine: no browser, no I/O.
//!
//! A save that ticks *Request Resubscribe* is held while the contact's request is written as a
//! note; the save made once the note exists carries the request. The form library's handlers
//! turn Client API events into [`RequestFlow`] calls and run the [`Command`]s they return;
//! what those commands lead to (a note written, a save answered, facts read) comes back as a
//! call again. Every rule of that exchange lives here, so each one is a native test.
//!
//! A save that unticks a saved request withdraws it (docs/domain.md §8): the box warns before
//! the save what saving will do, the save clears *Resubscribe Request Date*, and once the save
//! went through the withdrawal is recorded as a note of its own (named by the request, so it
//! is written once) and said in the past tense. The date is the library's alone: a save that
//! changes it by hand, the box left as saved, is refused.
//!
//! `N` is the note to write (its text and where it goes), compared to tell one request from
//! another (its marker names the record and the moment).

use crate::domain::evidence::Evidence;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::save_check::RequestTransition;
use crate::prelude::*;

/// Where the note of the request being made stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage<N> {
    /// No note prepared.
    Idle,
    /// A note that could not be written: the next save tries the same note again.
    Unwritten(N),
    /// The note is being written, its save held; `close`: the save was Save & Close.
    Writing { note: N, close: bool },
    /// The note is being written for a request dropped meanwhile (unticked, other evidence,
    /// another reason or address, the form loaded again): withdrawn once written.
    Abandoned(N),
    /// The note exists: the next save carries the request (`close`: then closes the form).
    Written { note: N, close: bool },
}

/// How much of the record's facts the form has read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactsRead {
    /// The load's read has not answered yet.
    NotYet,
    /// Read, but the record's state or the notes were not: a pending request may be unseen.
    Partly,
    /// Read whole.
    Whole,
}

/// What the save check decided, for a save whose facts were read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<N> {
    /// Refused, with the reasons (the first is also said on the box).
    Refuse(Vec<Message>),
    /// Allowed, with warnings to show; `note`: the note of a request made now, when one can be
    /// composed (a note already prepared for this request is used instead).
    Allow {
        warnings: Vec<Message>,
        note: Option<N>,
    },
}

/// A save the user (or the client) started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveAttempt<N> {
    /// The box from saved to now. Before the facts are read: `Ticked` when the box is ticked
    /// and changed on the form, else `Unchanged`.
    pub change: RequestTransition,
    /// Save & Close (the client also reports navigating away with autosave so).
    pub closes: bool,
    /// How much of the facts the form has.
    pub facts: FactsRead,
    /// The save check's decision (used only when the facts are whole). For a save that
    /// unticks the box, `note` is the note recording the withdrawal.
    pub verdict: Verdict<N>,
    /// *Resubscribe Request Date* changed on the form since the last save, not by the library
    /// (by hand, or by a script).
    pub date_edited: bool,
    /// The client has PostSave, which tells whether a save went through.
    pub post_save: bool,
}

/// How a save the library made again (`data.save()`) answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveAnswer {
    /// Saved.
    Saved,
    /// Cancelled (`errorCode` -1: an OnSave handler or the form's own checks refused it) or
    /// failed without a code.
    Cancelled,
    /// Failed with this error code.
    Failed(i64),
}

/// What the evidence page answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAnswer {
    /// The contact's request, captured.
    Captured(Evidence),
    /// Closed without an answer.
    Cancelled,
    /// Could not be shown: why.
    Failed(Message),
}

/// A notification of the form (each replaces the one of its concern).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice<N> {
    /// The save waits for the facts (information).
    Checking,
    /// A note for a dropped request is being written: wait (error).
    Busy,
    /// The save is refused: the reasons (error), the first also on the box.
    Refused(Vec<Message>),
    /// The save goes on: its warnings (none clears), and the box's own message cleared.
    Allowed(Vec<Message>),
    /// The save's notification and the box's message cleared (the facts they spoke of changed).
    SaveCleared,
    /// A held save whose facts could still not be read is refused (error).
    Unverified,
    /// The note is being written (information).
    Writing(N),
    /// The note could not be written: the problem (error).
    NotRecorded(Message),
    /// Where the note of the saved request is (information).
    Recorded(N),
    /// The note's notification cleared.
    NoteCleared,
    /// The captured request: what it leads to with the reason on the form now.
    Captured,
    /// Why the box was unticked again (`refusal`: warning, else an error).
    RequestRefused { message: Message, refusal: bool },
    /// The request's notification cleared.
    RequestCleared,
    /// On the box, unticked: saving will withdraw the saved request (future tense).
    WillWithdraw,
    /// The box's withdrawal warning cleared (ticked back).
    WithdrawCleared,
    /// The saved request was withdrawn and its withdrawal recorded in this note (past tense).
    Withdrawn(N),
    /// The saved request was withdrawn, but the note recording it could not be written.
    WithdrawalNotRecorded { note: N, problem: Message },
}

/// What the form library is to do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command<N> {
    /// Cancel the save being made (`preventDefault`).
    PreventSave,
    /// Show a notification.
    Show(Notice<N>),
    /// Read the record's facts again (`conflict`: say what is on the record now).
    ReadFacts { conflict: bool },
    /// Write the note (then answer with [`RequestFlow::note_written`]).
    WriteNote(N),
    /// Put the request's date (the note's) on the form: this save carries the request.
    SetRequestDate(N),
    /// Clear the request's date on the form: this save withdraws the request.
    ClearRequestDate,
    /// Put the saved request's date back on the form (the box ticked back after a save that
    /// cleared it did not go through).
    RestoreRequestDate,
    /// Write the note recording a withdrawal (then answer with
    /// [`RequestFlow::withdrawal_written`]).
    RecordWithdrawal(N),
    /// Save the form again (then answer with [`RequestFlow::saved_again`]); `close`: it was
    /// Save & Close; `after_note`: the save carrying a written note.
    SaveAgain { close: bool, after_note: bool },
    /// Close the form.
    Close,
    /// Remove the note (one attempt).
    Withdraw(N),
    /// Read whether the note's request is on the record, then answer with
    /// [`RequestFlow::record_read`].
    WithdrawUnlessSaved(N),
    /// The save went through: take the saved values from the form and redraw; `kept`: the
    /// note of the request it carried (now one of the contact's notes).
    Saved { kept: Option<N> },
    /// Open the evidence page (then answer with [`RequestFlow::dialog_answered`]).
    OpenDialog,
    /// Untick the box.
    Untick,
}

/// Error codes Dynamics reports when the record changed since it was read (412): the
/// Dataverse code (which clients may give as a signed 32-bit number) or the HTTP status.
const CONFLICT_CODES: [i64; 2] = [0x8006_0882, 412];

/// Whether a failed save's `code` says someone else changed the record.
pub fn is_conflict(code: i64) -> bool {
    CONFLICT_CODES.contains(&(code & 0xFFFF_FFFF))
}

/// The request of one record in one page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFlow<N> {
    stage: Stage<N>,
    /// A ticking save held until the facts are read: `Some(close)`.
    held: Option<bool>,
    /// A save made again for Save & Close is under way (`data.save()` reports a plain save).
    closing: bool,
    /// The contact's request, captured for the next save.
    evidence: Option<Evidence>,
    /// A save withdrawing the saved request is under way: the note that records it, written
    /// once the save went through.
    withdrawing: Option<N>,
    /// The request's date was cleared on the form by a save that has not gone through.
    date_cleared: bool,
}

impl<N> Default for RequestFlow<N> {
    fn default() -> Self {
        RequestFlow {
            stage: Stage::Idle,
            held: None,
            closing: false,
            evidence: None,
            withdrawing: None,
            date_cleared: false,
        }
    }
}

impl<N: Clone + PartialEq> RequestFlow<N> {
    /// Where the note stands.
    pub fn stage(&self) -> &Stage<N> {
        &self.stage
    }

    /// The captured request, if any.
    pub fn evidence(&self) -> Option<&Evidence> {
        self.evidence.as_ref()
    }

    /// Whether a note is being written now (no second request meanwhile).
    pub fn writing(&self) -> bool {
        matches!(self.stage, Stage::Writing { .. } | Stage::Abandoned(_))
    }

    /// Whether nothing is left to do (the flow can be forgotten).
    pub fn is_idle(&self) -> bool {
        matches!(self.stage, Stage::Idle)
            && self.held.is_none()
            && !self.closing
            && self.evidence.is_none()
            && self.withdrawing.is_none()
            && !self.date_cleared
    }

    /// The form was loaded again (another record, or this one reloaded): what this form held
    /// is gone, except a note being written, which is withdrawn once written.
    pub fn form_replaced(&mut self) {
        let stage = match core::mem::replace(&mut self.stage, Stage::Idle) {
            Stage::Writing { note, .. } | Stage::Abandoned(note) => Stage::Abandoned(note),
            _ => Stage::Idle,
        };
        *self = RequestFlow {
            stage,
            ..RequestFlow::default()
        };
    }

    /// OnSave. Decides at once: every save that is not to go ahead gets
    /// [`Command::PreventSave`].
    pub fn save_attempted(&mut self, attempt: SaveAttempt<N>) -> Vec<Command<N>> {
        let closes = attempt.closes || self.closing;
        let ticked = attempt.change == RequestTransition::Ticked;
        if attempt.change == RequestTransition::Unchanged {
            if attempt.date_edited {
                let refused = vec![Message::new(MessageKey::SaveRefusedDateEdited)];
                return vec![
                    Command::PreventSave,
                    Command::Show(Notice::Refused(refused)),
                ];
            }
            return vec![];
        }
        if attempt.change == RequestTransition::Unticked {
            return self.withdraw_saved(attempt);
        }
        if ticked && attempt.facts == FactsRead::NotYet {
            return self.hold(closes, false);
        }
        if attempt.facts == FactsRead::NotYet {
            return vec![];
        }
        if ticked && self.writing() {
            let notice = match &mut self.stage {
                // The same request, its note being written: the save after the note carries it.
                Stage::Writing { note, close } => {
                    *close |= closes;
                    Notice::Writing(note.clone())
                }
                // A note being written for a request dropped meanwhile: wait for it.
                _ => Notice::Busy,
            };
            return vec![Command::PreventSave, Command::Show(notice)];
        }
        if ticked && attempt.facts == FactsRead::Partly {
            // Whether a request is pending was not read: read again, then save (or refuse).
            return self.hold(closes, true);
        }
        match attempt.verdict {
            Verdict::Refuse(reasons) => {
                vec![
                    Command::PreventSave,
                    Command::Show(Notice::Refused(reasons)),
                ]
            }
            Verdict::Allow { warnings, note } => {
                let mut commands = vec![Command::Show(Notice::Allowed(warnings))];
                if ticked {
                    commands.extend(self.submit(note, closes));
                }
                commands
            }
        }
    }

    /// A save that unticks the saved request: it goes ahead with the date cleared; the
    /// withdrawal is recorded once it went through (PostSave). A client without PostSave
    /// cannot tell, so the note is written as the save is made.
    fn withdraw_saved(&mut self, attempt: SaveAttempt<N>) -> Vec<Command<N>> {
        let (warnings, note) = match attempt.verdict {
            Verdict::Allow { warnings, note } => (warnings, note),
            Verdict::Refuse(reasons) => {
                return vec![
                    Command::PreventSave,
                    Command::Show(Notice::Refused(reasons)),
                ]
            }
        };
        self.date_cleared = true;
        let mut commands = vec![
            Command::Show(Notice::Allowed(warnings)),
            Command::ClearRequestDate,
        ];
        match note {
            Some(note) if !attempt.post_save => commands.push(Command::RecordWithdrawal(note)),
            note => self.withdrawing = note,
        }
        commands
    }

    /// The note recording a withdrawal was written (`Ok`) or not (`Err`: the problem).
    pub fn withdrawal_written(&mut self, note: N, result: Result<(), Message>) -> Vec<Command<N>> {
        match result {
            Ok(()) => vec![Command::Show(Notice::Withdrawn(note))],
            Err(problem) => vec![Command::Show(Notice::WithdrawalNotRecorded {
                note,
                problem,
            })],
        }
    }

    /// An allowed save that ticks the box: it goes ahead when its note is written, else it is
    /// held while the note is written (a note not written yet is the same request again).
    fn submit(&mut self, composed: Option<N>, closes: bool) -> Vec<Command<N>> {
        if let Stage::Written { note, .. } = &self.stage {
            return vec![Command::SetRequestDate(note.clone())];
        }
        let prepared = match core::mem::replace(&mut self.stage, Stage::Idle) {
            Stage::Unwritten(note) => Some(note),
            _ => None,
        };
        let Some(note) = prepared.or(composed) else {
            return vec![Command::PreventSave];
        };
        self.stage = Stage::Writing {
            note: note.clone(),
            close: closes,
        };
        vec![
            Command::PreventSave,
            Command::Show(Notice::Writing(note.clone())),
            Command::WriteNote(note),
        ]
    }

    /// Holds a ticking save until the facts are read (`read_again`: read them now, as the
    /// last read was not whole).
    fn hold(&mut self, closes: bool, read_again: bool) -> Vec<Command<N>> {
        let mut commands = vec![Command::PreventSave, Command::Show(Notice::Checking)];
        if read_again && self.held.is_none() {
            commands.push(Command::ReadFacts { conflict: false });
        }
        self.held = Some(self.held.unwrap_or(false) || closes);
        commands
    }

    /// The facts were read (`whole`: all of them). `again`: a read made after load, which
    /// refuses a held save it could not make safe; the load's own read hands the held save to
    /// OnSave, which reads again.
    pub fn facts_read(&mut self, whole: bool, again: bool) -> Vec<Command<N>> {
        let Some(close) = self.held.take() else {
            return vec![];
        };
        if again && !whole {
            return vec![Command::Show(Notice::Unverified)];
        }
        self.again(close, false)
    }

    fn again(&mut self, close: bool, after_note: bool) -> Vec<Command<N>> {
        self.closing = close;
        vec![Command::SaveAgain { close, after_note }]
    }

    /// The note of `note` was written (`Ok`) or not (`Err`: the problem, in words).
    pub fn note_written(&mut self, note: N, result: Result<(), Message>) -> Vec<Command<N>> {
        let stage = core::mem::replace(&mut self.stage, Stage::Idle);
        match (stage, result) {
            (Stage::Writing { note: held, close }, Ok(())) if held == note => {
                self.stage = Stage::Written { note, close };
                self.again(close, true)
            }
            (Stage::Writing { note: held, .. }, Err(problem)) if held == note => {
                // Said while the request is still the one the user is making; the evidence
                // stays, and the next save writes this same note.
                self.stage = Stage::Unwritten(note);
                vec![Command::Show(Notice::NotRecorded(problem))]
            }
            // Withdrawn meanwhile, or the form moved on: no save will carry this request.
            (stage, Ok(())) => {
                self.restore(stage, &note);
                vec![Command::Withdraw(note)]
            }
            (stage, Err(_)) => {
                self.restore(stage, &note);
                vec![]
            }
        }
    }

    /// Puts back a stage that an answer about another note does not change.
    fn restore(&mut self, stage: Stage<N>, answered: &N) {
        self.stage = match stage {
            Stage::Abandoned(note) if note == *answered => Stage::Idle,
            other => other,
        };
    }

    /// A save made again (after a held save) answered. `post_save`: the client has PostSave,
    /// which tells the outcome itself ([`RequestFlow::post_save`]); without it (8.x) the
    /// answer does: a failure with a code is a failed save, a cancelled save leaves the note for
    /// the next one. `ticked`: the box on the form now.
    pub fn saved_again(
        &mut self,
        answer: SaveAnswer,
        close: bool,
        after_note: bool,
        post_save: bool,
        ticked: bool,
    ) -> Vec<Command<N>> {
        self.closing = false;
        let mut commands = vec![];
        if !post_save {
            match answer {
                SaveAnswer::Saved => commands.extend(self.post_save(Ok(()), ticked)),
                SaveAnswer::Failed(code) if code != 0 && code != -1 => {
                    commands.extend(self.post_save(Err(code), ticked));
                }
                _ => {}
            }
        }
        let saved = answer == SaveAnswer::Saved;
        if saved && close {
            commands.push(Command::Close);
        }
        // A save that did not happen leaves the note for the next save; "Recording…" is over.
        if !saved && after_note {
            commands.push(Command::Show(Notice::NoteCleared));
        }
        commands
    }

    /// PostSave (or, without it, the answer of a save made again): `Ok`, or the error code
    /// (0 when the client did not say). `ticked`: the box as saved.
    pub fn post_save(&mut self, outcome: Result<(), i64>, ticked: bool) -> Vec<Command<N>> {
        let written = match core::mem::replace(&mut self.stage, Stage::Idle) {
            Stage::Written { note, .. } => Some(note),
            other => {
                self.stage = other;
                None
            }
        };
        let withdrawing = self.withdrawing.take();
        match outcome {
            Ok(()) => {
                self.evidence = None;
                self.date_cleared = false;
                // A save that put the request on the record keeps its note (the date may come
                // back rounded, so the box decides).
                let (kept, withdrawn) = match written {
                    Some(note) if ticked => (Some(note), None),
                    other => (None, other),
                };
                let mut commands = vec![
                    Command::Show(Notice::RequestCleared),
                    Command::Saved { kept },
                ];
                commands.extend(withdrawn.map(Command::Withdraw));
                // The saved request is withdrawn: recorded once the record says so.
                commands.extend(
                    withdrawing
                        .filter(|_| !ticked)
                        .map(Command::RecordWithdrawal),
                );
                commands
            }
            Err(code) => {
                let mut commands = vec![];
                if let Some(note) = written {
                    commands.push(Command::Show(Notice::NoteCleared));
                    commands.push(Command::WithdrawUnlessSaved(note));
                }
                if is_conflict(code) {
                    commands.push(Command::ReadFacts { conflict: true });
                }
                commands
            }
        }
    }

    /// Whether the request of `note`, whose save reported a failure, is on the record
    /// (`None`: that could not be read either, and the note stays).
    pub fn record_read(&mut self, note: N, on_record: Option<bool>) -> Vec<Command<N>> {
        match on_record {
            Some(false) => vec![Command::Withdraw(note)],
            // The request arrived after all: the form learns it, so it is not made twice.
            Some(true) => {
                self.evidence = None;
                vec![
                    Command::Show(Notice::Recorded(note)),
                    Command::ReadFacts { conflict: false },
                ]
            }
            None => vec![],
        }
    }

    /// Drops the request being prepared; a note already written for it is withdrawn, one being
    /// written is withdrawn when written.
    fn drop_request(&mut self) -> Vec<Command<N>> {
        match core::mem::replace(&mut self.stage, Stage::Idle) {
            Stage::Idle => vec![],
            Stage::Abandoned(note) => {
                self.stage = Stage::Abandoned(note);
                vec![]
            }
            Stage::Unwritten(_) => vec![Command::Show(Notice::NoteCleared)],
            Stage::Writing { note, .. } => {
                self.stage = Stage::Abandoned(note);
                vec![Command::Show(Notice::NoteCleared)]
            }
            Stage::Written { note, .. } => {
                vec![Command::Show(Notice::NoteCleared), Command::Withdraw(note)]
            }
        }
    }

    /// The box was ticked on the form. `saved`: it is ticked on the record already;
    /// `refusal`: why a request cannot be made now, from the facts read whole.
    pub fn ticked(&mut self, saved: bool, refusal: Option<Message>) -> Vec<Command<N>> {
        if saved {
            // Ticked back to what is saved: that request stands, there is nothing to capture,
            // nothing to withdraw, and a date a failed withdrawal cleared comes back.
            let mut commands = vec![
                Command::Show(Notice::RequestCleared),
                Command::Show(Notice::WithdrawCleared),
            ];
            if core::mem::take(&mut self.date_cleared) {
                commands.push(Command::RestoreRequestDate);
            }
            return commands;
        }
        // A request under way is said now, before the user fills in the dialog for nothing.
        let refusal = if self.writing() {
            Some(Message::new(MessageKey::PluginBusy))
        } else {
            refusal
        };
        match refusal {
            Some(message) => vec![
                Command::Untick,
                Command::Show(Notice::RequestRefused {
                    message,
                    refusal: true,
                }),
            ],
            None => vec![Command::OpenDialog],
        }
    }

    /// The box was unticked on the form. `saved`: it is ticked on the record, so saving
    /// will withdraw that request, which the box says now.
    pub fn unticked(&mut self, saved: bool) -> Vec<Command<N>> {
        self.evidence = None;
        let mut commands = self.drop_request();
        commands.push(Command::Show(Notice::RequestCleared));
        if saved {
            commands.push(Command::Show(Notice::WillWithdraw));
        }
        commands
    }

    /// The evidence page answered.
    pub fn dialog_answered(&mut self, answer: DialogAnswer) -> Vec<Command<N>> {
        match answer {
            DialogAnswer::Captured(evidence) => {
                self.evidence = Some(evidence);
                let mut commands = self.drop_request();
                commands.push(Command::Show(Notice::Captured));
                commands
            }
            DialogAnswer::Failed(message) => vec![
                Command::Untick,
                Command::Show(Notice::RequestRefused {
                    message,
                    refusal: false,
                }),
            ],
            DialogAnswer::Cancelled => {
                self.evidence = None;
                vec![Command::Untick, Command::Show(Notice::RequestCleared)]
            }
        }
    }

    /// The e-mail address or the reason changed on the form: a refusal about them may no
    /// longer hold, and a request prepared for other values is prepared again at the next save.
    pub fn facts_changed(&mut self) -> Vec<Command<N>> {
        let mut commands = vec![Command::Show(Notice::SaveCleared)];
        commands.extend(self.drop_request());
        if self.evidence.is_some() {
            commands.push(Command::Show(Notice::Captured));
        }
        commands
    }
}

#[cfg(test)]
mod tests;
