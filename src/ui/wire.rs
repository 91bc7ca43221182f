//! A [`PanelModel`] or [`HistoryModel`] as one compact JSON text, what the panel page's
//! `drawPanel(json)` (`status.js`) draws: the form library makes one call into the page
//! instead of one per node. Texts are written by [`crate::dataverse::json`]'s [`string`] (no
//! serde in the module).
//!
//! The shape (every member always present; `null` for what the model leaves out):
//!
//! - both views: `view` (`"status"` or `"history"`, the container's `data-view`), `title`,
//!   `summary` (the live region's sentence), `tone`, `state` (`data-state`), `busy`
//!   (`aria-busy`);
//! - `status`: `timelineLabel`, `timeline` (steps: `label`, `status`, `state`, `step`,
//!   `current`, `date`, `actor`), `evidence` and `consent` (sections: `title`, `rows`,
//!   `note`), `compatibility` (a row);
//! - `history`: `details` (what opens an entry's evidence), `entries` (`heading`,
//!   `outcome` — a row — and `rows`);
//! - a row: `label`, `value`, `tone`.

use crate::prelude::*;

use super::model::{HistoryItem, HistoryModel, PanelModel, Row, Section, TimelineItem};
use crate::dataverse::json::{boolean, string};
use crate::domain::lifecycle::StepKind;

/// The status panel of the suppression form.
pub fn panel(model: &PanelModel) -> String {
    let mut out = Out::open();
    out.text("view", "status");
    out.head(&model.title, &model.summary, model.tone.name(), model.state);
    out.raw("busy", boolean(model.state == "loading"));
    out.text("timelineLabel", &model.timeline_label);
    out.list("timeline", &model.timeline, step);
    out.object_or_null("evidence", model.evidence.as_ref(), section);
    out.object_or_null("consent", model.consent.as_ref(), section);
    out.object_or_null("compatibility", model.compatibility.as_ref(), row);
    out.close()
}

/// The contact's resubscription history.
pub fn history(model: &HistoryModel) -> String {
    let mut out = Out::open();
    out.text("view", "history");
    out.head(
        &model.title,
        &model.summary,
        model.tone.name(),
        model.state(),
    );
    out.raw("busy", boolean(model.loading));
    out.text("details", &model.details_label);
    out.list("entries", &model.entries, entry);
    out.close()
}

fn step(out: &mut Out, item: &TimelineItem) {
    out.text("label", &item.label);
    out.text("status", &item.status);
    out.text("state", item.state.name());
    out.text("step", step_name(item.kind));
    out.raw("current", boolean(item.current));
    out.text_or_null("date", item.date.as_deref());
    out.text("actor", &item.actor);
}

fn entry(out: &mut Out, item: &HistoryItem) {
    out.text("heading", &item.heading);
    out.object("outcome", &item.outcome, row);
    out.list("rows", &item.rows, row);
}

fn section(out: &mut Out, section: &Section) {
    out.text("title", &section.title);
    out.list("rows", &section.rows, row);
    out.text_or_null("note", section.note.as_deref());
}

fn row(out: &mut Out, row: &Row) {
    out.text("label", &row.label);
    out.text("value", &row.value);
    out.text("tone", row.tone.name());
}

/// A JSON object written member by member, strings by [`string`].
struct Out(String);

impl Out {
    fn open() -> Out {
        Out(String::from("{"))
    }

    fn close(mut self) -> String {
        self.0.push('}');
        self.0
    }

    /// `"name":` (our own names: nothing to escape), after a comma unless first in its
    /// object.
    fn key(&mut self, name: &str) {
        if !self.0.ends_with('{') {
            self.0.push(',');
        }
        self.0.extend(["\"", name, "\":"]);
    }

    /// A member already written as JSON (`true`, …).
    fn raw(&mut self, name: &str, json: &str) {
        self.key(name);
        self.0.push_str(json);
    }

    fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &string(value));
    }

    /// The members both views have first.
    fn head(&mut self, title: &str, summary: &str, tone: &str, state: &str) {
        self.text("title", title);
        self.text("summary", summary);
        self.text("tone", tone);
        self.text("state", state);
    }

    /// `{…}`, the members `members` writes for `value`.
    fn braced<T>(&mut self, value: &T, members: fn(&mut Out, &T)) {
        self.0.push('{');
        members(self, value);
        self.0.push('}');
    }

    /// A member whose value is an object.
    fn object<T>(&mut self, name: &str, value: &T, members: fn(&mut Out, &T)) {
        self.key(name);
        self.braced(value, members);
    }

    fn text_or_null(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => self.text(name, value),
            None => self.raw(name, "null"),
        }
    }

    fn object_or_null<T>(&mut self, name: &str, value: Option<&T>, members: fn(&mut Out, &T)) {
        match value {
            Some(value) => self.object(name, value, members),
            None => self.raw(name, "null"),
        }
    }

    /// A member whose value is an array of objects.
    fn list<T>(&mut self, name: &str, items: &[T], members: fn(&mut Out, &T)) {
        self.key(name);
        self.0.push('[');
        for item in items {
            if !self.0.ends_with('[') {
                self.0.push(',');
            }
            self.braced(item, members);
        }
        self.0.push(']');
    }
}

/// The step's `data-step` name.
fn step_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Requested => "requested",
        StepKind::ConfirmationSent => "confirmationSent",
        StepKind::Resubscribed => "resubscribed",
        StepKind::BulkRestrictionLifted => "bulkRestrictionLifted",
        StepKind::Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::Lifecycle;
    use crate::domain::messages::Message;
    use crate::domain::time::Timestamp;
    use crate::ui::model::{ItemState, Tone};
    use serde_json::{json, Value};

    fn english(message: &Message) -> String {
        message.render_english()
    }

    fn utc(on: Timestamp) -> String {
        on.to_display_utc()
    }

    fn parsed(text: &str) -> Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    /// Texts a note may hold: quotes, backslashes, markup, controls, line separators, emoji.
    const AWKWARD: &str = "He said \"no\" \\ <img src=x onerror=alert(1)>\n\t\u{1}\u{2028}é 😀";

    fn row_of(label: &str, value: &str, tone: Tone) -> Row {
        Row {
            label: label.into(),
            value: value.into(),
            tone,
        }
    }

    #[test]
    fn a_status_panel_round_trips_every_text_and_name() {
        let model = PanelModel {
            title: "Resubscription status".into(),
            summary: AWKWARD.into(),
            tone: Tone::Info,
            state: "awaitingSync",
            timeline_label: "Progress".into(),
            timeline: vec![
                TimelineItem {
                    label: "Resubscribe requested".into(),
                    kind: StepKind::Requested,
                    status: "Done".into(),
                    date: Some("2026-11-26 14:03 UTC".into()),
                    actor: "By Sam \"Agent\"".into(),
                    state: ItemState::Done,
                    current: false,
                },
                TimelineItem {
                    label: "Lift the bulk email restriction".into(),
                    kind: StepKind::BulkRestrictionLifted,
                    status: "Waiting for the next sync".into(),
                    date: None,
                    actor: String::new(),
                    state: ItemState::Current,
                    current: true,
                },
            ],
            evidence: Some(Section {
                title: "The contact's request".into(),
                rows: vec![row_of("What they said", AWKWARD, Tone::Neutral)],
                note: None,
            }),
            compatibility: Some(row_of("Connector", "Ready", Tone::Success)),
            consent: None,
        };
        assert_eq!(
            parsed(&panel(&model)),
            json!({
                "view": "status",
                "title": "Resubscription status",
                "summary": AWKWARD,
                "tone": "info",
                "state": "awaitingSync",
                "busy": false,
                "timelineLabel": "Progress",
                "timeline": [
                    {
                        "label": "Resubscribe requested",
                        "status": "Done",
                        "state": "done",
                        "step": "requested",
                        "current": false,
                        "date": "2026-11-26 14:03 UTC",
                        "actor": "By Sam \"Agent\""
                    },
                    {
                        "label": "Lift the bulk email restriction",
                        "status": "Waiting for the next sync",
                        "state": "current",
                        "step": "bulkRestrictionLifted",
                        "current": true,
                        "date": null,
                        "actor": ""
                    }
                ],
                "evidence": {
                    "title": "The contact's request",
                    "rows": [{ "label": "What they said", "value": AWKWARD, "tone": "neutral" }],
                    "note": null
                },
                "consent": null,
                "compatibility": { "label": "Connector", "value": "Ready", "tone": "success" }
            })
        );
    }

    #[test]
    fn a_loading_panel_is_busy_and_a_built_one_is_not() {
        let loading = parsed(&panel(&PanelModel::loading(english)));
        assert_eq!(loading["state"], "loading");
        assert_eq!(loading["busy"], true);
        assert_eq!(loading["timeline"], json!([]));

        let built = PanelModel::build(
            &crate::ui::model::PanelInputs {
                lifecycle: &Lifecycle::AwaitingSync {
                    requested_on: Some(Timestamp(1_795_701_780_000)),
                    confirmation_email: true,
                },
                verified: true,
                request: None,
                compatibility: None,
                contact: None,
            },
            english,
            utc,
        );
        let value = parsed(&panel(&built));
        assert_eq!(value["busy"], false);
        assert_eq!(value["state"], built.state);
        assert_eq!(value["summary"], built.summary.as_str());
        let steps = value["timeline"].as_array().expect("steps");
        assert_eq!(steps.len(), built.timeline.len());
        for (written, item) in steps.iter().zip(&built.timeline) {
            assert_eq!(written["label"], item.label.as_str());
            assert_eq!(written["state"], item.state.name());
            assert_eq!(written["current"], item.current);
        }
    }

    #[test]
    fn a_history_names_its_state_and_keeps_entries_in_order() {
        let empty = parsed(&history(&HistoryModel::build(&[], english, utc)));
        assert_eq!(empty["view"], "history");
        assert_eq!(empty["state"], "empty");
        assert_eq!(empty["busy"], false);
        assert_eq!(empty["entries"], json!([]));

        let loading = parsed(&history(&HistoryModel::loading(english)));
        assert_eq!(
            (&loading["state"], &loading["busy"]),
            (&json!("loading"), &json!(true))
        );

        let model = HistoryModel {
            title: "Resubscription history".into(),
            summary: "2 entries".into(),
            entries: vec![
                HistoryItem {
                    heading: "Request of today".into(),
                    rows: vec![row_of("What they said", AWKWARD, Tone::Neutral)],
                    outcome: row_of("Outcome", "Not confirmed yet", Tone::Info),
                },
                HistoryItem {
                    heading: "Connector activity".into(),
                    rows: vec![],
                    outcome: row_of("Outcome", "Failed", Tone::Error),
                },
            ],
            tone: Tone::Neutral,
            details_label: "Details of the request".into(),
            loading: false,
        };
        assert_eq!(
            parsed(&history(&model)),
            json!({
                "view": "history",
                "title": "Resubscription history",
                "summary": "2 entries",
                "tone": "neutral",
                "state": "entries",
                "busy": false,
                "details": "Details of the request",
                "entries": [
                    {
                        "heading": "Request of today",
                        "outcome": { "label": "Outcome", "value": "Not confirmed yet", "tone": "info" },
                        "rows": [{ "label": "What they said", "value": AWKWARD, "tone": "neutral" }]
                    },
                    {
                        "heading": "Connector activity",
                        "outcome": { "label": "Outcome", "value": "Failed", "tone": "error" },
                        "rows": []
                    }
                ]
            })
        );
    }

    #[test]
    fn the_text_is_one_line_whatever_the_notes_hold() {
        let model = HistoryModel::failed(AWKWARD, english);
        let text = history(&model);
        assert!(!text.contains(['\n', '\u{2028}', '\u{1}']), "{text}");
        assert!(parsed(&text)["summary"]
            .as_str()
            .is_some_and(|s| s.contains(AWKWARD)));
    }
}
