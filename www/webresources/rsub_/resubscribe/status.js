/*
 * rsub_/resubscribe/status.js: the status panel's only script. The form library calls
 * setClientApiContext(Xrm, formContext) after getContentWindow() resolves, on every render
 * (tab switches recreate this page), then drawPanel(json) with what to show, as one JSON text
 * (its shape: src/ui/wire.rs in the form library). setClientApiContext only keeps the context
 * and sets the page language from the user's LCID; both may be called any number of times.
 * The panel is built with createElement and textContent only: every text stays text.
 */
(function () {
    "use strict";

    /* Languages the RESX strings ship in; any other LCID gets English texts. */
    var LANGUAGES = { 1031: "de", 1033: "en", 1036: "fr", 1043: "nl" };
    var context = { xrm: null, formContext: null };

    /* The page's parts (status.html); missing ones are created. */
    var CONTAINER_ID = "rsub-status";
    var TITLE_ID = "rsub-status-title";
    var LIVE_ID = "rsub-status-live";
    var BODY_ID = "rsub-status-body";

    function languageOf(xrm) {
        try {
            var lcid = xrm.Utility.getGlobalContext().userSettings.languageId;
            return LANGUAGES[lcid] || "en";
        } catch (ignored) {
            return null;
        }
    }

    window.setClientApiContext = function (xrm, formContext) {
        if (xrm && xrm === context.xrm && formContext === context.formContext) {
            return; /* the same form again: its language is set already */
        }
        context.xrm = xrm || null;
        context.formContext = formContext || null;
        var language = xrm ? languageOf(xrm) : null;
        if (language !== null && document.documentElement.lang !== language) {
            document.documentElement.lang = language;
        }
    };

    /* Appends <tag class="className">text</tag> to owner (no class when empty, no text when
     * not a string). */
    function add(owner, tag, className, text) {
        var element = document.createElement(tag);
        if (className) {
            element.className = className;
        }
        if (typeof text === "string") {
            element.textContent = text;
        }
        owner.appendChild(element);
        return element;
    }

    /* The element with this id, appended to the container when missing. */
    function part(container, id, tag, className) {
        var found = document.getElementById(id);
        if (found) {
            return found;
        }
        var created = add(container, tag, className, null);
        created.id = id;
        return created;
    }

    function toned(base, tone) {
        return base + " tone-" + tone;
    }

    /* A <dl> of rows (label, value, tone); nothing when there are none. */
    function addRows(owner, rows) {
        var list;
        var pair;
        var i;
        if (!rows || rows.length === 0) {
            return;
        }
        list = add(owner, "dl", "rows", null);
        for (i = 0; i < rows.length; i += 1) {
            pair = add(list, "div", "row", null);
            add(pair, "dt", "row-label", rows[i].label);
            add(pair, "dd", toned("row-value", rows[i].tone), rows[i].value);
        }
    }

    /* A closed <details> whose <summary> is title, holding rows: a longer part only who wants
     * it opens, so the frame fits its content. Returns the summary (to name a section by). */
    function addCollapsed(owner, title, rows) {
        var block = add(owner, "details", "more", null);
        var summary = add(block, "summary", "more-title", title);
        addRows(block, rows);
        return summary;
    }

    /* A <section> labelled by its heading, with its rows and note. */
    function addSection(owner, id, section) {
        var block = add(owner, "section", "section", null);
        var headingId = id + "-title";
        var heading;
        block.setAttribute("aria-labelledby", headingId);
        heading = add(block, "h2", "section-title", section.title);
        heading.id = headingId;
        addRows(block, section.rows);
        if (typeof section.note === "string") {
            add(block, "p", "note", section.note);
        }
    }

    function addTimeline(body, model) {
        var list;
        var item;
        var step;
        var marker;
        var text;
        var head;
        var meta;
        var i;
        if (model.timeline.length === 0) {
            return;
        }
        list = add(body, "ol", "timeline", null);
        list.setAttribute("aria-label", model.timelineLabel);
        for (i = 0; i < model.timeline.length; i += 1) {
            item = model.timeline[i];
            step = add(list, "li", "step step-" + item.state, null);
            step.setAttribute("data-state", item.state);
            step.setAttribute("data-step", item.step);
            if (item.current) {
                step.setAttribute("aria-current", "step");
            }
            marker = add(step, "span", "step-marker", null);
            marker.setAttribute("aria-hidden", "true");
            text = add(step, "div", "step-text", null);
            head = add(text, "div", "step-head", null);
            add(head, "span", "step-label", item.label);
            add(head, "span", "step-status", item.status);
            /* Date and actor share one line: the timeline stays short. */
            if (typeof item.date === "string" || item.actor !== "") {
                meta = add(text, "div", "step-meta", null);
                if (typeof item.date === "string") {
                    add(meta, "span", "step-date", item.date);
                }
                if (item.actor !== "") {
                    add(meta, "span", "step-actor", item.actor);
                }
            }
        }
    }

    function addStatus(body, model) {
        var block;
        var summary;
        addTimeline(body, model);
        if (model.evidence) {
            if (model.evidence.rows.length === 0) {
                addSection(body, "rsub-evidence", model.evidence);
            } else {
                /* A section named by its summary, the request's details collapsed inside. */
                block = add(body, "section", "section", null);
                summary = addCollapsed(block, model.evidence.title, model.evidence.rows);
                summary.id = "rsub-evidence-title";
                block.setAttribute("aria-labelledby", "rsub-evidence-title");
            }
        }
        if (model.consent) {
            addSection(body, "rsub-consent", model.consent);
        }
        if (model.compatibility) {
            addRows(body, [model.compatibility]);
        }
    }

    function addHistory(body, model) {
        var list;
        var entry;
        var article;
        var heading;
        var headingId;
        var i;
        if (model.entries.length === 0) {
            return;
        }
        list = add(body, "ol", "history", null);
        list.setAttribute("aria-label", model.title);
        for (i = 0; i < model.entries.length; i += 1) {
            entry = model.entries[i];
            headingId = "rsub-history-" + i;
            article = add(add(list, "li", "entry", null), "article", "entry-body", null);
            article.setAttribute("aria-labelledby", headingId);
            heading = add(article, "h2", "section-title", entry.heading);
            heading.id = headingId;
            addRows(article, [entry.outcome]);
            if (entry.rows.length > 0) {
                addCollapsed(article, model.details, entry.rows);
            }
        }
    }

    /*
     * Draws the panel: json is the form library's model ("status": the suppression's timeline,
     * "history": the contact's). The heading, the live region and the body are kept; the body
     * is redrawn; the live region's text changes only when the summary does (a re-render that
     * changed nothing announces nothing). Throws when the page has no container.
     */
    window.drawPanel = function (json) {
        var model = JSON.parse(json);
        var container = document.getElementById(CONTAINER_ID);
        var heading;
        var live;
        var body;
        if (!container) {
            throw new Error("the page has no #" + CONTAINER_ID + " container");
        }
        heading = part(container, TITLE_ID, "h1", "title");
        live = part(container, LIVE_ID, "p", "summary");
        if (live.getAttribute("aria-live") === null) {
            live.setAttribute("role", "status");
            live.setAttribute("aria-live", "polite");
            live.setAttribute("aria-atomic", "true");
        }
        body = part(container, BODY_ID, "div", "body");
        if (heading.textContent !== model.title) {
            heading.textContent = model.title;
            document.title = model.title;
        }
        container.className = toned("panel", model.tone);
        container.setAttribute("data-view", model.view);
        container.setAttribute("data-state", model.state);
        container.setAttribute("aria-labelledby", TITLE_ID);
        body.textContent = "";
        if (model.view === "history") {
            addHistory(body, model);
        } else {
            addStatus(body, model);
        }
        container.setAttribute("aria-busy", model.busy ? "true" : "false");
        if (live.textContent !== model.summary) {
            live.textContent = model.summary;
        }
    };
}());
