//! Every rule of the request's way to the record, and the interleavings the form meets.

use super::*;
use crate::domain::evidence::{Channel, UserRef};
use crate::domain::time::Timestamp;
use RequestTransition::{Ticked, Unchanged, Unticked};

type Flow = RequestFlow<&'static str>;
type Commands = Vec<Command<&'static str>>;

fn evidence() -> Evidence {
    Evidence {
        contact_name: "Ada".into(),
        channel: Channel::Phone,
        requested_at: Timestamp(1_795_701_780_000),
        details: "asked on the phone".into(),
        recorded_by: UserRef {
            id: "u".into(),
            name: "Agent".into(),
        },
    }
}

fn attempt(
    change: RequestTransition,
    closes: bool,
    facts: FactsRead,
    note: &'static str,
) -> SaveAttempt<&'static str> {
    SaveAttempt {
        change,
        date_edited: false,
        post_save: true,
        closes,
        facts,
        verdict: Verdict::Allow {
            warnings: vec![],
            note: Some(note),
        },
    }
}

/// A save whose verdict refuses it for `reasons`.
fn refusing(
    change: RequestTransition,
    facts: FactsRead,
    reasons: Vec<Message>,
) -> SaveAttempt<&'static str> {
    SaveAttempt {
        verdict: Verdict::Refuse(reasons),
        ..attempt(change, false, facts, "n")
    }
}

/// A save prevented, the form told why.
fn prevented(reasons: Vec<Message>) -> Commands {
    vec![
        Command::PreventSave,
        Command::Show(Notice::Refused(reasons)),
    ]
}

/// A save that ticks the box, Save or Save & Close, with the facts read whole.
fn tick_save(flow: &mut Flow, closes: bool, note: &'static str) -> Commands {
    flow.save_attempted(attempt(Ticked, closes, FactsRead::Whole, note))
}

/// A flow with evidence captured.
fn captured() -> Flow {
    let mut flow = Flow::default();
    flow.dialog_answered(DialogAnswer::Captured(evidence()));
    flow
}

/// A flow with evidence captured that holds a ticking save (Save & Close with `closes`)
/// while its note `n` is written.
fn writing_note(closes: bool) -> Flow {
    let mut flow = captured();
    tick_save(&mut flow, closes, "n");
    flow
}

/// As [`writing_note`], the note `n` written: the save is to be made again.
fn note_written(closes: bool) -> Flow {
    let mut flow = writing_note(closes);
    flow.note_written("n", Ok(()));
    flow
}

/// The note `n` is written and waits for the save that carries it.
fn assert_written(flow: &Flow, close: bool) {
    assert_eq!(flow.stage(), &Stage::Written { note: "n", close });
}

/// The one command that makes the save again.
fn save_again(close: bool, after_note: bool) -> Commands {
    vec![Command::SaveAgain { close, after_note }]
}

/// The form's notice cleared and the save reported, `kept` the note it carried.
fn saved(kept: Option<&'static str>) -> Commands {
    vec![
        Command::Show(Notice::RequestCleared),
        Command::Saved { kept },
    ]
}

fn prevents(commands: &Commands) -> bool {
    commands.contains(&Command::PreventSave)
}

fn busy() -> Message {
    Message::new(MessageKey::PluginBusy)
}

#[test]
fn a_save_that_does_not_change_the_box_goes_ahead_untouched() {
    let mut flow = captured();
    for facts in [FactsRead::NotYet, FactsRead::Partly, FactsRead::Whole] {
        assert_eq!(
            flow.save_attempted(attempt(Unchanged, false, facts, "n")),
            vec![]
        );
    }
    assert_eq!(flow.stage(), &Stage::Idle);
}

#[test]
fn a_ticking_save_is_held_while_its_note_is_written_then_saved_again() {
    let mut flow = captured();
    let commands = tick_save(&mut flow, false, "n");
    assert_eq!(
        commands,
        vec![
            Command::Show(Notice::Allowed(vec![])),
            Command::PreventSave,
            Command::Show(Notice::Writing("n")),
            Command::WriteNote("n"),
        ]
    );
    assert!(flow.writing());
    assert_eq!(flow.note_written("n", Ok(())), save_again(false, true));
    assert_written(&flow, false);
    // The save made again carries the request: it goes ahead with the note's date.
    let again = tick_save(&mut flow, false, "later");
    assert!(!prevents(&again));
    assert!(again.contains(&Command::SetRequestDate("n")));
    // PostSave: the request is on the record, its note kept, the evidence used.
    assert_eq!(flow.post_save(Ok(()), true), saved(Some("n")));
    assert!(flow.is_idle());
}

#[test]
fn a_refused_save_is_prevented_with_its_reasons_and_writes_nothing() {
    let mut flow = captured();
    let reasons = vec![Message::new(MessageKey::PluginBusy)];
    let commands = flow.save_attempted(refusing(Ticked, FactsRead::Whole, reasons.clone()));
    assert_eq!(commands, prevented(reasons));
    assert_eq!(flow.stage(), &Stage::Idle);
}

#[test]
fn an_allowed_untick_goes_ahead_with_its_warnings() {
    let mut flow = Flow::default();
    let warning = Message::new(MessageKey::PluginChecking);
    let commands = flow.save_attempted(SaveAttempt {
        change: Unticked,
        date_edited: false,
        post_save: true,
        closes: false,
        facts: FactsRead::Whole,
        verdict: Verdict::Allow {
            warnings: vec![warning.clone()],
            note: None,
        },
    });
    assert_eq!(
        commands,
        vec![
            Command::Show(Notice::Allowed(vec![warning])),
            Command::ClearRequestDate
        ]
    );
}

#[test]
fn a_ticking_save_without_a_note_to_write_is_prevented() {
    let mut flow = Flow::default();
    let commands = flow.save_attempted(SaveAttempt {
        change: Ticked,
        date_edited: false,
        post_save: true,
        closes: false,
        facts: FactsRead::Whole,
        verdict: Verdict::Allow {
            warnings: vec![],
            note: None,
        },
    });
    assert!(prevents(&commands));
    assert!(!commands.iter().any(|c| matches!(c, Command::WriteNote(_))));
}

#[test]
fn save_and_close_closes_after_the_save_that_carries_the_request() {
    let mut flow = writing_note(true);
    assert_eq!(flow.note_written("n", Ok(())), save_again(true, true));
    // `data.save()` reports a plain save: it is still the Save & Close.
    let again = tick_save(&mut flow, false, "n");
    assert!(!prevents(&again));
    assert_eq!(
        flow.saved_again(SaveAnswer::Saved, true, true, true, true),
        vec![Command::Close]
    );
    // A save that did not happen does not close.
    let mut flow = note_written(true);
    assert_eq!(
        flow.saved_again(SaveAnswer::Cancelled, true, true, true, true),
        vec![Command::Show(Notice::NoteCleared)]
    );
    assert_written(&flow, true);
}

#[test]
fn save_and_close_while_the_note_is_written_closes_after_it() {
    let mut flow = writing_note(false);
    let second = tick_save(&mut flow, true, "other");
    assert_eq!(
        second,
        vec![Command::PreventSave, Command::Show(Notice::Writing("n"))]
    );
    assert_eq!(flow.note_written("n", Ok(())), save_again(true, true));
}

#[test]
fn a_double_save_writes_one_note() {
    let mut flow = captured();
    let first = tick_save(&mut flow, false, "n");
    let second = tick_save(&mut flow, false, "n2");
    let writes = first
        .iter()
        .chain(&second)
        .filter(|c| matches!(c, Command::WriteNote(_)))
        .count();
    assert_eq!(writes, 1);
    assert!(prevents(&second));
}

#[test]
fn a_note_that_cannot_be_written_leaves_the_request_unsaved_and_the_same_note_for_the_next_save() {
    let mut flow = writing_note(false);
    let problem = Message::new(MessageKey::PluginChecking);
    assert_eq!(
        flow.note_written("n", Err(problem.clone())),
        vec![Command::Show(Notice::NotRecorded(problem))]
    );
    assert!(
        flow.evidence().is_some(),
        "the evidence stays for the next save"
    );
    let again = tick_save(&mut flow, false, "newer");
    assert!(again.contains(&Command::WriteNote("n")), "{again:?}");
}

#[test]
fn unticked_while_the_note_is_written_withdraws_it_once_written() {
    let mut flow = writing_note(false);
    assert_eq!(
        flow.unticked(false),
        vec![
            Command::Show(Notice::NoteCleared),
            Command::Show(Notice::RequestCleared)
        ]
    );
    assert!(flow.evidence().is_none());
    assert_eq!(flow.stage(), &Stage::Abandoned("n"));
    assert_eq!(flow.note_written("n", Ok(())), vec![Command::Withdraw("n")]);
    assert!(flow.is_idle());
}

#[test]
fn a_note_for_a_dropped_request_that_failed_leaves_nothing_behind() {
    let mut flow = writing_note(false);
    flow.unticked(false);
    assert_eq!(flow.note_written("n", Err(busy())), vec![]);
    assert!(flow.is_idle());
}

#[test]
fn unticked_after_the_note_is_written_withdraws_it_at_once() {
    let mut flow = note_written(false);
    flow.saved_again(SaveAnswer::Cancelled, false, true, true, true);
    let commands = flow.unticked(false);
    assert!(commands.contains(&Command::Withdraw("n")));
    assert_eq!(flow.stage(), &Stage::Idle);
}

#[test]
fn reason_changed_while_the_note_is_written_drops_the_request_but_keeps_the_evidence() {
    let mut flow = writing_note(false);
    assert_eq!(
        flow.facts_changed(),
        vec![
            Command::Show(Notice::SaveCleared),
            Command::Show(Notice::NoteCleared),
            Command::Show(Notice::Captured),
        ]
    );
    assert!(flow.evidence().is_some());
    assert_eq!(flow.note_written("n", Ok(())), vec![Command::Withdraw("n")]);
    // The next save prepares the request again, with a new note.
    let again = tick_save(&mut flow, false, "n2");
    assert!(again.contains(&Command::WriteNote("n2")));
}

#[test]
fn a_change_without_evidence_only_clears_the_refusal() {
    let mut flow = Flow::default();
    assert_eq!(
        flow.facts_changed(),
        vec![Command::Show(Notice::SaveCleared)]
    );
}

#[test]
fn other_evidence_drops_the_request_prepared_for_the_last() {
    let mut flow = note_written(false);
    let commands = flow.dialog_answered(DialogAnswer::Captured(evidence()));
    assert!(commands.contains(&Command::Withdraw("n")));
    assert_eq!(commands.last(), Some(&Command::Show(Notice::Captured)));
}

#[test]
fn a_note_being_written_for_a_dropped_request_holds_back_a_new_one() {
    let mut flow = writing_note(false);
    flow.unticked(false);
    // Ticking again: said at once, the box unticked.
    assert_eq!(
        flow.ticked(false, None),
        vec![
            Command::Untick,
            Command::Show(Notice::RequestRefused {
                message: busy(),
                refusal: true
            })
        ]
    );
    // A save that ticks meanwhile waits.
    assert_eq!(
        tick_save(&mut flow, false, "n2"),
        vec![Command::PreventSave, Command::Show(Notice::Busy)]
    );
}

#[test]
fn ticking_opens_the_dialog_unless_saved_already_or_refused() {
    let mut flow = Flow::default();
    assert_eq!(flow.ticked(false, None), vec![Command::OpenDialog]);
    assert_eq!(
        flow.ticked(true, None),
        vec![
            Command::Show(Notice::RequestCleared),
            Command::Show(Notice::WithdrawCleared)
        ]
    );
    let pending = Message::new(MessageKey::PluginChecking);
    assert_eq!(
        flow.ticked(false, Some(pending.clone())),
        vec![
            Command::Untick,
            Command::Show(Notice::RequestRefused {
                message: pending,
                refusal: true
            })
        ]
    );
}

#[test]
fn a_cancelled_or_failed_dialog_unticks_the_box() {
    let mut flow = captured();
    let failed = Message::new(MessageKey::PluginChecking);
    assert_eq!(
        flow.dialog_answered(DialogAnswer::Failed(failed.clone())),
        vec![
            Command::Untick,
            Command::Show(Notice::RequestRefused {
                message: failed,
                refusal: false
            })
        ]
    );
    assert_eq!(
        flow.dialog_answered(DialogAnswer::Cancelled),
        vec![Command::Untick, Command::Show(Notice::RequestCleared)]
    );
    assert!(flow.evidence().is_none());
}

#[test]
fn a_ticking_save_before_the_facts_are_read_waits_for_them() {
    let mut flow = captured();
    let commands = flow.save_attempted(attempt(Ticked, false, FactsRead::NotYet, "n"));
    assert_eq!(
        commands,
        vec![Command::PreventSave, Command::Show(Notice::Checking)]
    );
    // The load's read answers: the save is made again (OnSave decides it then).
    assert_eq!(flow.facts_read(false, false), save_again(false, false));
    assert_eq!(flow.facts_read(true, false), vec![], "saved again once");
}

#[test]
fn a_held_save_and_close_stays_save_and_close() {
    let mut flow = captured();
    flow.save_attempted(attempt(Ticked, true, FactsRead::NotYet, "n"));
    flow.save_attempted(attempt(Ticked, false, FactsRead::NotYet, "n"));
    assert_eq!(flow.facts_read(true, false), save_again(true, false));
    // The save made again reports a plain save: its request closes the form too.
    let commands = tick_save(&mut flow, false, "n");
    assert!(commands.contains(&Command::WriteNote("n")));
    assert_eq!(flow.note_written("n", Ok(())), save_again(true, true));
}

#[test]
fn an_untick_before_the_facts_are_read_is_not_held_and_clears_the_date() {
    let mut flow = Flow::default();
    assert_eq!(
        flow.save_attempted(attempt(Unticked, false, FactsRead::NotYet, "w")),
        date_cleared()
    );
}

#[test]
fn facts_read_partly_are_read_again_before_a_ticking_save() {
    let mut flow = captured();
    let first = flow.save_attempted(attempt(Ticked, false, FactsRead::Partly, "n"));
    assert_eq!(
        first,
        vec![
            Command::PreventSave,
            Command::Show(Notice::Checking),
            Command::ReadFacts { conflict: false }
        ]
    );
    // A second save meanwhile does not read a second time.
    let second = flow.save_attempted(attempt(Ticked, false, FactsRead::Partly, "n"));
    assert!(!second.contains(&Command::ReadFacts { conflict: false }));
    // Still not whole: refused with the reason, not saved.
    assert_eq!(
        flow.facts_read(false, true),
        vec![Command::Show(Notice::Unverified)]
    );
    assert_eq!(flow.facts_read(false, true), vec![]);
}

#[test]
fn facts_read_whole_again_make_the_held_save() {
    let mut flow = captured();
    flow.save_attempted(attempt(Ticked, true, FactsRead::Partly, "n"));
    assert_eq!(flow.facts_read(true, true), save_again(true, false));
}

#[test]
fn a_read_with_no_held_save_saves_nothing() {
    let mut flow = captured();
    assert_eq!(flow.facts_read(true, false), vec![]);
    assert_eq!(flow.facts_read(true, true), vec![]);
}

#[test]
fn a_save_that_fails_after_the_note_withdraws_it_unless_the_record_shows_the_request() {
    let mut flow = note_written(false);
    assert_eq!(
        flow.post_save(Err(-2_147_220_969), true),
        vec![
            Command::Show(Notice::NoteCleared),
            Command::WithdrawUnlessSaved("n")
        ]
    );
    assert_eq!(flow.stage(), &Stage::Idle);
    assert_eq!(
        flow.record_read("n", Some(false)),
        vec![Command::Withdraw("n")]
    );
}

#[test]
fn a_save_that_failed_but_reached_the_record_keeps_the_note() {
    let mut flow = note_written(false);
    flow.post_save(Err(0), true);
    assert_eq!(
        flow.record_read("n", Some(true)),
        vec![
            Command::Show(Notice::Recorded("n")),
            Command::ReadFacts { conflict: false }
        ]
    );
    assert!(flow.evidence().is_none(), "the request is not made twice");
    // Not known either way: the note stays.
    assert_eq!(flow.record_read("n", None), vec![]);
}

#[test]
fn a_conflict_reads_the_record_again() {
    let mut flow = Flow::default();
    assert_eq!(
        flow.post_save(Err(412), false),
        vec![Command::ReadFacts { conflict: true }]
    );
    assert_eq!(flow.post_save(Err(5), false), vec![]);
}

#[test]
fn conflict_codes_match_signed_and_unsigned_forms() {
    assert!(is_conflict(0x8006_0882));
    assert!(is_conflict(-2_147_088_254));
    assert!(is_conflict(412));
    assert!(!is_conflict(-2_147_220_969));
}

#[test]
fn a_save_that_clears_the_box_withdraws_the_written_note() {
    let mut flow = note_written(false);
    assert_eq!(
        flow.post_save(Ok(()), false),
        [saved(None), vec![Command::Withdraw("n")]].concat()
    );
}

#[test]
fn a_save_while_the_note_is_written_keeps_the_note_being_written() {
    let mut flow = writing_note(false);
    assert_eq!(flow.post_save(Ok(()), false), saved(None));
    assert!(flow.writing());
}

#[test]
fn without_post_save_the_answer_of_the_save_tells_the_outcome() {
    // 8.x: saved.
    let mut flow = note_written(false);
    assert_eq!(
        flow.saved_again(SaveAnswer::Saved, false, true, false, true),
        saved(Some("n"))
    );
    // Failed with a code: as a failed PostSave.
    let mut flow = note_written(true);
    assert_eq!(
        flow.saved_again(SaveAnswer::Failed(412), true, true, false, true),
        vec![
            Command::Show(Notice::NoteCleared),
            Command::WithdrawUnlessSaved("n"),
            Command::ReadFacts { conflict: true },
            Command::Show(Notice::NoteCleared),
        ]
    );
    // Cancelled (-1) or without a code: the note stays for the next save.
    for answer in [
        SaveAnswer::Cancelled,
        SaveAnswer::Failed(-1),
        SaveAnswer::Failed(0),
    ] {
        let mut flow = note_written(false);
        assert_eq!(
            flow.saved_again(answer, false, true, false, true),
            vec![Command::Show(Notice::NoteCleared)]
        );
        assert_written(&flow, false);
    }
}

#[test]
fn with_post_save_the_answer_of_the_save_only_closes() {
    let mut flow = note_written(false);
    assert_eq!(
        flow.saved_again(SaveAnswer::Failed(412), false, true, true, true),
        vec![Command::Show(Notice::NoteCleared)]
    );
    assert_written(&flow, false);
}

#[test]
fn the_form_loaded_again_while_the_note_is_written_withdraws_it_once_written() {
    // 8.x reloads the record; or the user opened another record meanwhile.
    let mut flow = writing_note(false);
    flow.form_replaced();
    assert!(flow.evidence().is_none());
    assert_eq!(flow.stage(), &Stage::Abandoned("n"));
    assert_eq!(
        tick_save(&mut flow, false, "n2"),
        vec![Command::PreventSave, Command::Show(Notice::Busy)]
    );
    assert_eq!(flow.note_written("n", Ok(())), vec![Command::Withdraw("n")]);
    assert!(flow.is_idle());
}

#[test]
fn the_form_loaded_again_forgets_what_it_held() {
    let mut flow = captured();
    flow.save_attempted(attempt(Ticked, true, FactsRead::NotYet, "n"));
    flow.form_replaced();
    assert!(flow.is_idle());
    assert_eq!(flow.facts_read(true, false), vec![]);
}

#[test]
fn an_answer_about_a_note_no_longer_asked_for_withdraws_that_note_only() {
    // The flow waits for its own note; a note of an earlier request that answers late is
    // withdrawn (no save carries it), and the request being made is left as it is.
    let mut flow = writing_note(false);
    assert_eq!(
        flow.note_written("other", Ok(())),
        vec![Command::Withdraw("other")]
    );
    assert_eq!(
        flow.stage(),
        &Stage::Writing {
            note: "n",
            close: false
        }
    );
    assert_eq!(flow.note_written("other", Err(busy())), vec![]);
    assert!(flow.writing());
}

#[test]
fn a_note_found_written_already_counts_as_written() {
    // A second tab wrote the note of this request: the lookup finds it and the write
    // answers Ok, so the save goes on with one note.
    let mut flow = writing_note(false);
    let commands = flow.note_written("n", Ok(()));
    assert_eq!(commands, save_again(false, true));
}

#[test]
fn an_untick_with_facts_read_partly_is_judged_not_held() {
    let mut flow = Flow::default();
    let reasons = vec![busy()];
    let commands = flow.save_attempted(refusing(Unticked, FactsRead::Partly, reasons.clone()));
    assert_eq!(commands, prevented(reasons));
}

/// A save that unticks the saved request, `w` the note recording its withdrawal.
fn untick_save(flow: &mut Flow, post_save: bool) -> Commands {
    flow.save_attempted(SaveAttempt {
        post_save,
        ..attempt(Unticked, false, FactsRead::Whole, "w")
    })
}

/// An unticking save allowed: it goes ahead with the request's date cleared.
fn date_cleared() -> Commands {
    vec![
        Command::Show(Notice::Allowed(vec![])),
        Command::ClearRequestDate,
    ]
}

fn records_withdrawal(commands: &Commands) -> usize {
    commands
        .iter()
        .filter(|c| matches!(c, Command::RecordWithdrawal(_)))
        .count()
}

#[test]
fn unticking_a_saved_request_warns_on_the_box_before_the_save() {
    let mut flow = Flow::default();
    assert_eq!(
        flow.unticked(true),
        vec![
            Command::Show(Notice::RequestCleared),
            Command::Show(Notice::WillWithdraw)
        ]
    );
    // A box that was not ticked on the record has nothing saved to withdraw.
    assert!(!flow
        .unticked(false)
        .contains(&Command::Show(Notice::WillWithdraw)));
    // Ticked back: the warning goes.
    assert!(flow
        .ticked(true, None)
        .contains(&Command::Show(Notice::WithdrawCleared)));
}

#[test]
fn a_save_that_unticks_a_saved_request_clears_its_date_then_records_the_withdrawal() {
    let mut flow = Flow::default();
    let commands = untick_save(&mut flow, true);
    assert_eq!(commands, date_cleared());
    assert!(!prevents(&commands), "the save itself goes ahead");
    // Recorded only once the record says so, then said in the past tense.
    assert_eq!(
        flow.post_save(Ok(()), false),
        [saved(None), vec![Command::RecordWithdrawal("w")]].concat()
    );
    assert_eq!(
        flow.withdrawal_written("w", Ok(())),
        vec![Command::Show(Notice::Withdrawn("w"))]
    );
    assert!(flow.is_idle());
}

#[test]
fn a_double_save_records_the_withdrawal_once() {
    let mut flow = Flow::default();
    // Saved twice before the first save answered: both untick the saved request.
    let mut recorded = records_withdrawal(&untick_save(&mut flow, true));
    recorded += records_withdrawal(&untick_save(&mut flow, true));
    recorded += records_withdrawal(&flow.post_save(Ok(()), false));
    recorded += records_withdrawal(&flow.post_save(Ok(()), false));
    // Then saved again with the box as saved now: nothing to withdraw.
    recorded +=
        records_withdrawal(&flow.save_attempted(attempt(Unchanged, false, FactsRead::Whole, "w")));
    assert_eq!(recorded, 1);
    assert!(flow.is_idle());
}

#[test]
fn a_withdrawing_save_that_fails_records_nothing_and_ticking_back_restores_the_date() {
    let mut flow = Flow::default();
    untick_save(&mut flow, true);
    assert_eq!(records_withdrawal(&flow.post_save(Err(5), false)), 0);
    assert!(!flow.is_idle(), "the form's date is cleared, unsaved");
    assert_eq!(
        flow.ticked(true, None),
        vec![
            Command::Show(Notice::RequestCleared),
            Command::Show(Notice::WithdrawCleared),
            Command::RestoreRequestDate,
        ]
    );
    assert!(flow.is_idle());
    // Ticked back without a save that cleared the date: the date is left alone.
    assert!(!flow
        .ticked(true, None)
        .contains(&Command::RestoreRequestDate));
}

#[test]
fn without_post_save_the_withdrawal_is_recorded_as_the_save_is_made() {
    let mut flow = Flow::default();
    let commands = untick_save(&mut flow, false);
    assert_eq!(
        commands,
        [date_cleared(), vec![Command::RecordWithdrawal("w")]].concat()
    );
    assert_eq!(records_withdrawal(&flow.post_save(Ok(()), false)), 0);
}

#[test]
fn a_withdrawal_that_cannot_be_recorded_says_why() {
    let mut flow = Flow::default();
    let problem = busy();
    assert_eq!(
        flow.withdrawal_written("w", Err(problem.clone())),
        vec![Command::Show(Notice::WithdrawalNotRecorded {
            note: "w",
            problem
        })]
    );
}

#[test]
fn a_request_date_changed_by_hand_is_refused_unless_the_box_changes_with_it() {
    let edited = |change, facts| SaveAttempt {
        date_edited: true,
        ..attempt(change, false, facts, "n")
    };
    let refused = prevented(vec![Message::new(MessageKey::SaveRefusedDateEdited)]);
    for facts in [FactsRead::NotYet, FactsRead::Partly, FactsRead::Whole] {
        let mut flow = Flow::default();
        assert_eq!(flow.save_attempted(edited(Unchanged, facts)), refused);
    }
    // A request or a withdrawal sets the date itself: the edit does not reach the record.
    let mut flow = captured();
    let ticking = flow.save_attempted(edited(Ticked, FactsRead::Whole));
    assert!(ticking.contains(&Command::WriteNote("n")));
    let mut flow = Flow::default();
    let unticking = flow.save_attempted(edited(Unticked, FactsRead::Whole));
    assert!(unticking.contains(&Command::ClearRequestDate));
}
