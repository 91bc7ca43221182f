/*
 * rsub_/resubscribe/evidence.js: the "Request Resubscribe" evidence dialog (evidence.html).
 *
 * The form library opens the page with
 *   Xrm.Navigation.navigateTo({pageType: "webresource", webresourceName: "rsub_/resubscribe/evidence.html",
 *                              data: JSON.stringify(input)}, {target: 2, …})          (9.1 and later: a dialog)
 * or, before navigateTo, in a new window with Xrm.Navigation.openWebResource (9.0) or
 * Xrm.Utility.openWebResource (8.x); Dynamics hands `data` to the page as the URL query parameter `data`.
 *
 * Input (JSON): {v: 1, requestId, contactName, email, recordedBy, now (epoch ms),
 *                earliest (epoch ms or null: the request cannot predate the suppression), lcid, strings,
 *                via: "dialog" | "window"}
 * Output: <storage>["rsub.evidence." + requestId] =
 *   {v: 1, outcome: "saved", contactName, channel, requestedAt (epoch ms, UTC), details}  on Save,
 *   {v: 1, outcome: "cancelled"}                                                         on Cancel / Escape.
 * <storage> is sessionStorage in a dialog (the form's own tab). A window does not share the form's
 * sessionStorage, so there it is localStorage (the same origin's, read and removed by the form), and the
 * page also writes {v: 1, outcome: "opened"} when it starts and "cancelled" when it is closed unanswered.
 * Closing a dialog with the platform's X writes nothing; the form treats a missing result as cancelled.
 *
 * Every visible text comes from `strings` (the RESX, read by the form library); a missing key shows as
 * "[key]". The page makes no network call and never reaches into the window that opened it.
 */
(function () {
    "use strict";

    /** Maximum length of the details, in characters after trimming (Rust `MAX_DETAILS_CHARS`). */
    var MAX_DETAILS_CHARS = 2000;
    /** A request time up to this far after "now" is accepted (Rust `CLOCK_SKEW_MINUTES`). */
    var CLOCK_SKEW_MS = 5 * 60 * 1000;
    var MINUTE_MS = 60 * 1000;
    /** The ids of the Rust `Channel` enum (`Channel::id`), in display order; also the radio ids and values. */
    var CHANNELS = ["phone", "email", "letter", "inPerson", "webForm", "other"];
    var RESULT_KEY_PREFIX = "rsub.evidence.";
    /** How long a host that handles window.close() gets before the page says to close it by hand. */
    var CLOSE_GRACE_MS = 400;
    var LANGUAGES = { 1033: "en", 1031: "de", 1036: "fr", 1043: "nl" };
    /**
     * The user's Dynamics language (LCID) as the locale its dates are written in: the date field
     * follows it, not the browser's own locale (a native date picker would). Any other LCID writes
     * dates as its language does, or as English.
     */
    var DATE_LOCALES = {
        1031: "de-DE", 1033: "en-US", 1036: "fr-FR", 1043: "nl-NL", 2055: "de-CH", 2057: "en-GB",
        2067: "nl-BE", 3079: "de-AT", 3081: "en-AU", 3084: "fr-CA", 4105: "en-CA", 4108: "fr-CH"
    };
    /** Shown only when the page was opened without any strings at all (nothing to localise from). */
    var INVALID_OPEN_WITHOUT_STRINGS =
        "This dialog was opened without the information it needs. Close it and tick Request Resubscribe again.";

    var strings = {};
    var input = null;
    /** Set once an outcome is written and the dialog asked to close. */
    var finished = false;
    var language = "en";
    /** The locale dates are written and read in (from the user's LCID). */
    var dateLocale = "en-US";
    /** "window" when opened in a window of its own (its answer goes to localStorage), else "dialog". */
    var via = "dialog";

    function byId(id) {
        return document.getElementById(id);
    }

    /** The localised text for `key`, or "[key]" when the form library did not pass it. */
    function text(key) {
        var value = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : null;
        return typeof value === "string" && value !== "" ? value : "[" + key + "]";
    }

    /** Replaces the known `{name}` placeholders a translation may use; unknown ones stay as they are. */
    function fill(template, values) {
        return template.replace(/\{([A-Za-z]+)\}/g, function (whole, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
        });
    }

    function formatNumber(value) {
        try {
            return new Intl.NumberFormat(language).format(value);
        } catch (ignored) {
            return String(value);
        }
    }

    function formatDateTime(ms) {
        try {
            return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
        } catch (ignored) {
            return new Date(ms).toString();
        }
    }

    /* ------------------------------------------------------------------ input */

    /** The parsed `data` query parameter, or null when it is absent or not a JSON object. */
    function readData() {
        var raw = null;
        try {
            raw = new URLSearchParams(window.location.search).get("data");
        } catch (ignored) {
            return null;
        }
        if (!raw) {
            return null;
        }
        try {
            var parsed = JSON.parse(raw);
            return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : null;
        } catch (ignored) {
            return null;
        }
    }

    function isPlainObject(value) {
        return value !== null && typeof value === "object" && !Array.isArray(value);
    }

    function optionalString(value) {
        return typeof value === "string" ? value : "";
    }

    function isTime(value) {
        return typeof value === "number" && isFinite(value);
    }

    /** Checks the input against the contract; returns the normalised input, or null when it cannot be used. */
    function normalise(data) {
        if (!data || data.v !== 1 || !isPlainObject(data.strings)) {
            return null;
        }
        if (typeof data.requestId !== "string" || data.requestId === "") {
            return null;
        }
        if (data.earliest !== undefined && data.earliest !== null && !isTime(data.earliest)) {
            return null;
        }
        return {
            requestId: data.requestId,
            contactName: optionalString(data.contactName),
            email: optionalString(data.email),
            recordedBy: optionalString(data.recordedBy),
            now: isTime(data.now) ? data.now : Date.now(),
            earliest: isTime(data.earliest) ? data.earliest : null
        };
    }

    /** 1033 en, 1031 de, 1036 fr, 1043 nl; any other LCID is shown as English. */
    function languageFor(lcid) {
        return Object.prototype.hasOwnProperty.call(LANGUAGES, lcid) ? LANGUAGES[lcid] : "en";
    }

    /* ------------------------------------------------------------------ local date-time <-> epoch ms */

    function pad(value, width) {
        var s = String(value);
        while (s.length < width) {
            s = "0" + s;
        }
        return s;
    }

    var FIELD_OPTIONS = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };

    function fieldFormat() {
        try {
            return new Intl.DateTimeFormat(dateLocale, FIELD_OPTIONS);
        } catch (ignored) {
            return new Intl.DateTimeFormat("en-US", FIELD_OPTIONS);
        }
    }

    /**
     * How the user's locale writes a date and time: the order of day, month, year, hour and minute,
     * and its words for before and after noon when it counts hours to 12.
     */
    function fieldLayout() {
        var format = fieldFormat();
        var order = [];
        var periods = null;
        format.formatToParts(new Date(2026, 10, 26, 1, 5)).forEach(function (part) {
            if (part.type === "day" || part.type === "month" || part.type === "year" ||
                    part.type === "hour" || part.type === "minute") {
                order.push(part.type);
            } else if (part.type === "dayPeriod") {
                periods = { am: part.value.toLowerCase(), pm: null };
            }
        });
        if (periods) {
            format.formatToParts(new Date(2026, 10, 26, 13, 5)).forEach(function (part) {
                if (part.type === "dayPeriod") {
                    periods.pm = part.value.toLowerCase();
                }
            });
        }
        return { order: order, periods: periods };
    }

    /** Epoch ms as the date field shows it: the user's locale, in the user's time zone (26.11.2026, 14:33). */
    function toLocalValue(ms) {
        return fieldFormat().format(new Date(ms));
    }

    /** The local time of the given parts as epoch ms, or null when it is not a real date and time. */
    function localTime(year, month, day, hour, minute) {
        var d = new Date(year, month, day, hour, minute, 0, 0);
        if (year < 1000 || d.getFullYear() !== year || d.getMonth() !== month || d.getDate() !== day ||
                d.getHours() !== hour || d.getMinutes() !== minute) {
            return null; /* 30.02.2026, 25:00, or a two-digit year that Date would move to 19xx */
        }
        var ms = d.getTime();
        return isFinite(ms) ? ms : null;
    }

    /**
     * The date field's text (user's time zone) as epoch ms, or null when it is not a real date and time:
     * written as the user's locale writes it (any separators; "pm" where the locale counts hours to 12),
     * or as an ISO local date-time (2026-11-26T14:33, as a pasted value may be).
     */
    function fromLocalValue(value) {
        var text = String(value).trim();
        var iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(text);
        if (iso) {
            return localTime(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4]), Number(iso[5]));
        }
        var layout = fieldLayout();
        var numbers = text.match(/\d+/g) || [];
        if (numbers.length !== layout.order.length) {
            return null;
        }
        var parts = {};
        layout.order.forEach(function (type, index) {
            parts[type] = Number(numbers[index]);
        });
        var hour = parts.hour;
        if (layout.periods) {
            var lower = text.toLowerCase();
            var pm = layout.periods.pm !== null && lower.indexOf(layout.periods.pm) !== -1;
            var am = !pm && lower.indexOf(layout.periods.am) !== -1;
            if ((pm || am) && (hour < 1 || hour > 12)) {
                return null;
            }
            if (pm && hour < 12) {
                hour += 12;
            } else if (am && hour === 12) {
                hour = 0;
            }
        }
        return localTime(parts.year, parts.month - 1, parts.day, hour, parts.minute);
    }

    function floorToMinute(ms) {
        return ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
    }

    function ceilToMinute(ms) {
        var floor = floorToMinute(ms);
        return floor === ms ? ms : floor + MINUTE_MS;
    }

    /** Length in Unicode code points, as Rust's `chars().count()` measures it. */
    function codePointLength(s) {
        var count = 0;
        for (var i = 0; i < s.length; i += 1) {
            var unit = s.charCodeAt(i);
            if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
                var next = s.charCodeAt(i + 1);
                if (next >= 0xdc00 && next <= 0xdfff) {
                    i += 1;
                }
            }
            count += 1;
        }
        return count;
    }

    /* ------------------------------------------------------------------ result */

    /** Writes the outcome for the form library; returns false when the storage refused it. */
    function writeResult(result) {
        try {
            var storage = via === "window" ? window.localStorage : window.sessionStorage;
            storage.setItem(RESULT_KEY_PREFIX + input.requestId, JSON.stringify(result));
            return true;
        } catch (ignored) {
            return false;
        }
    }

    /*
     * Closes the dialog. The result is always written BEFORE this is called, so the outcome is never
     * lost. A window opened by script closes with window.close(). Client API documents no way for a navigateTo page to close its own dialog
     * (an iframe, where the HTML standard makes window.close() a no-op unless the host handles it).
     * So if the page is still here a moment later, the fields make way for `doneKey`'s sentence, which
     * tells the user to close the dialog with its X; the form then finds the result written here.
     * Once finished, nothing (Escape, a second click) can write another outcome over this one.
     */
    function closeDialog(doneKey) {
        finished = true;
        byId("save").disabled = true;
        byId("cancel").disabled = true;
        window.close();
        if (byId("evidence-form").hidden) {
            return; /* opened without valid input: its own message stays */
        }
        window.setTimeout(function () {
            byId("evidence-form").hidden = true;
            var message = byId("done-message");
            message.textContent = text(doneKey);
            byId("done").hidden = false;
            message.focus();
        }, CLOSE_GRACE_MS);
    }

    function cancel() {
        if (finished) {
            window.close();
            return;
        }
        if (input) {
            writeResult({ v: 1, outcome: "cancelled" });
        }
        closeDialog("evidence.doneCancelled");
    }

    /* ------------------------------------------------------------------ errors */

    var FIELDS = {
        contactName: { errorId: "contactName-error", invalidTarget: "contactName" },
        channel: { errorId: "channel-error", invalidTarget: "channel" },
        requestedAt: { errorId: "requestedAt-error", invalidTarget: "requestedAt" },
        details: { errorId: "details-error", invalidTarget: "details" }
    };
    var FIELD_ORDER = ["contactName", "channel", "requestedAt", "details"];

    function clearFieldError(field) {
        var spec = FIELDS[field];
        var error = byId(spec.errorId);
        error.hidden = true;
        while (error.firstChild) {
            error.removeChild(error.firstChild);
        }
        byId(spec.invalidTarget).removeAttribute("aria-invalid");
    }

    /** Shows `message` in `element` after an error icon (the icon is decoration: colour is not the only cue). */
    function showError(element, message) {
        while (element.firstChild) {
            element.removeChild(element.firstChild);
        }
        var icon = document.createElement("span");
        icon.className = "error-icon";
        icon.setAttribute("aria-hidden", "true");
        icon.textContent = "!";
        element.appendChild(icon);
        element.appendChild(document.createTextNode(message));
        element.hidden = false;
    }

    function setFieldError(field, message) {
        var spec = FIELDS[field];
        showError(byId(spec.errorId), message);
        byId(spec.invalidTarget).setAttribute("aria-invalid", "true");
    }

    function focusField(field) {
        if (field === "channel") {
            var checked = document.querySelector("input[name='channel']:checked");
            (checked || byId(CHANNELS[0])).focus();
        } else {
            byId(field).focus();
        }
    }

    var summaryTimer = null;

    /** Fills the polite live region; emptied first so that the same problems are announced again. */
    function announce(messages) {
        var summary = byId("error-summary");
        while (summary.firstChild) {
            summary.removeChild(summary.firstChild);
        }
        if (summaryTimer !== null) {
            window.clearTimeout(summaryTimer);
        }
        if (messages.length === 0) {
            return;
        }
        summaryTimer = window.setTimeout(function () {
            summaryTimer = null;
            var list = document.createElement("ul");
            messages.forEach(function (message) {
                var item = document.createElement("li");
                item.textContent = message;
                list.appendChild(item);
            });
            summary.appendChild(list);
        }, 100);
    }

    /* ------------------------------------------------------------------ validation */

    function selectedChannel() {
        var checked = document.querySelector("input[name='channel']:checked");
        return checked && CHANNELS.indexOf(checked.value) >= 0 ? checked.value : null;
    }

    /** Every problem with the form, in field order; also returns the values to save. */
    function validate() {
        var problems = {};
        var contactName = byId("contactName").value.trim();
        if (contactName === "") {
            problems.contactName = text("evidence.error.contact");
        }

        var channel = selectedChannel();
        if (channel === null) {
            problems.channel = text("evidence.error.channel");
        }

        var requestedAt = fromLocalValue(byId("requestedAt").value);
        if (requestedAt === null) {
            problems.requestedAt = text("evidence.error.requestedAt");
        } else if (requestedAt > Date.now() + CLOCK_SKEW_MS) {
            problems.requestedAt = fill(text("evidence.error.future"), { date: formatDateTime(requestedAt) });
        } else if (input.earliest !== null && requestedAt < input.earliest) {
            problems.requestedAt = fill(text("evidence.error.beforeSuppression"), {
                date: formatDateTime(requestedAt),
                suppressedOn: formatDateTime(input.earliest)
            });
        }

        var details = byId("details").value.trim();
        var length = codePointLength(details);
        if (length === 0) {
            problems.details = text("evidence.error.details");
        } else if (length > MAX_DETAILS_CHARS) {
            problems.details = fill(text("evidence.error.tooLong"), {
                length: formatNumber(length),
                max: formatNumber(MAX_DETAILS_CHARS)
            });
        }

        return {
            problems: problems,
            evidence: { contactName: contactName, channel: channel, requestedAt: requestedAt, details: details }
        };
    }

    function save() {
        if (finished) {
            return;
        }
        var result = validate();
        var invalid = FIELD_ORDER.filter(function (field) {
            return Object.prototype.hasOwnProperty.call(result.problems, field);
        });
        FIELD_ORDER.forEach(function (field) {
            if (invalid.indexOf(field) >= 0) {
                setFieldError(field, result.problems[field]);
            } else {
                clearFieldError(field);
            }
        });
        var storageError = byId("storage-error");
        storageError.hidden = true;

        if (invalid.length > 0) {
            announce(invalid.map(function (field) { return result.problems[field]; }));
            focusField(invalid[0]);
            return;
        }
        announce([]);

        var written = writeResult({
            v: 1,
            outcome: "saved",
            contactName: result.evidence.contactName,
            channel: result.evidence.channel,
            requestedAt: result.evidence.requestedAt,
            details: result.evidence.details
        });
        if (!written) {
            /* Closing now would silently turn the user's evidence into "cancelled": say so and stay open. */
            showError(storageError, text("evidence.error.storage"));
            return;
        }
        closeDialog("evidence.doneSaved");
    }

    /* ------------------------------------------------------------------ building the page */

    function applyTexts(root) {
        var nodes = root.querySelectorAll("[data-text]");
        for (var i = 0; i < nodes.length; i += 1) {
            nodes[i].textContent = text(nodes[i].getAttribute("data-text"));
        }
    }

    function updateCount() {
        /* value.length is what maxlength limits (UTF-16 code units); validation counts code points. */
        var used = byId("details").value.length;
        var count = byId("details-count");
        count.textContent = formatNumber(used) + " / " + formatNumber(MAX_DETAILS_CHARS);
        count.classList.toggle("near-limit", used >= MAX_DETAILS_CHARS - 100);
    }

    function setUpRequestedAt() {
        var field = byId("requestedAt");
        var max = floorToMinute(input.now);
        var value = max;
        if (input.earliest !== null) {
            var min = ceilToMinute(input.earliest);
            if (min > max) {
                /* The suppression is less than a minute old: its minute is still within the clock skew. */
                max = min;
                value = min;
            }
        }
        field.value = toLocalValue(value);
        field.placeholder = toLocalValue(value);
    }

    function showForm() {
        var form = byId("evidence-form");
        applyTexts(form);
        byId("evidence-title").textContent = text("evidence.title");
        document.title = text("evidence.title");

        byId("contactName").value = input.contactName;
        var email = byId("contactEmail");
        if (input.email !== "") {
            email.textContent = input.email;
        } else {
            email.hidden = true;
            byId("contactName").setAttribute("aria-describedby", "contactName-error");
        }
        byId("recordedBy").value = input.recordedBy;
        setUpRequestedAt();
        updateCount();

        form.addEventListener("submit", function (event) {
            event.preventDefault();
            save();
        });
        byId("cancel").addEventListener("click", cancel);
        byId("details").addEventListener("input", function () {
            updateCount();
            clearFieldError("details");
        });
        byId("contactName").addEventListener("input", function () { clearFieldError("contactName"); });
        byId("requestedAt").addEventListener("input", function () { clearFieldError("requestedAt"); });
        byId("channel").addEventListener("change", function () { clearFieldError("channel"); });

        form.addEventListener("keydown", function (event) {
            if (event.key !== "Enter" || event.isComposing || event.altKey || event.shiftKey) {
                return;
            }
            var target = event.target;
            var inTextarea = target.tagName === "TEXTAREA";
            /* Enter submits from every input (radios and date-time included); Ctrl+Enter from the textarea. */
            if ((target.tagName === "INPUT" && !event.ctrlKey && !event.metaKey) ||
                    (inTextarea && (event.ctrlKey || event.metaKey))) {
                event.preventDefault();
                byId("save").click();
            }
        });

        form.hidden = false;
        byId("contactName").focus();
    }

    function showInvalidOpen(data) {
        var message = byId("invalid-open-message");
        var close = byId("invalid-open-close");
        var heading = byId("evidence-title");
        if (data && isPlainObject(data.strings)) {
            heading.textContent = text("evidence.title");
            document.title = text("evidence.title");
            showError(message, text("evidence.invalidOpen"));
            close.textContent = text("evidence.cancel");
            close.addEventListener("click", cancel);
        } else {
            /*
             * No strings at all: one fixed English sentence, shown as the page's heading (there is no
             * title to show); the platform's X and Escape close the dialog.
             */
            language = "en";
            document.documentElement.lang = language;
            heading.className = "error invalid-open-heading";
            showError(heading, INVALID_OPEN_WITHOUT_STRINGS);
            document.title = INVALID_OPEN_WITHOUT_STRINGS;
            message.hidden = true;
            close.hidden = true;
            byId("invalid-open-footer").hidden = true;
        }
        byId("invalid-open").hidden = false;
        if (!close.hidden) {
            close.focus();
        }
    }

    /**
     * Removes answers older than a day from localStorage (a form that went away while its window was
     * open never read them); they hold what the contact asked. The request id ends with its epoch ms.
     */
    function removeOldAnswers() {
        try {
            var dayAgo = Date.now() - 24 * 60 * MINUTE_MS;
            var storage = window.localStorage;
            for (var i = storage.length - 1; i >= 0; i -= 1) {
                var key = storage.key(i);
                var millis = key && key.indexOf(RESULT_KEY_PREFIX) === 0 ? Number(key.slice(key.lastIndexOf(".") + 1)) : NaN;
                if (isFinite(millis) && millis < dayAgo) {
                    storage.removeItem(key);
                }
            }
        } catch (ignored) {
            /* storage refused: nothing to remove */
        }
    }

    function start() {
        var data = readData();
        if (data && isPlainObject(data.strings)) {
            strings = data.strings;
        }
        via = data && data.via === "window" ? "window" : "dialog";
        language = languageFor(data ? data.lcid : null);
        document.documentElement.lang = language;
        dateLocale = data && Object.prototype.hasOwnProperty.call(DATE_LOCALES, data.lcid) ? DATE_LOCALES[data.lcid] : language;

        input = normalise(data);
        document.addEventListener("keydown", function (event) {
            if (event.key === "Escape" && !event.isComposing && !event.defaultPrevented) {
                event.preventDefault();
                cancel();
            }
        });
        if (input) {
            showForm();
        } else {
            /* Keep a usable requestId so Cancel can still report "cancelled" for a partly valid input. */
            if (data && typeof data.requestId === "string" && data.requestId !== "") {
                input = { requestId: data.requestId };
            }
            showInvalidOpen(data);
        }
        if (via === "window" && input) {
            removeOldAnswers();
            /* The form waits for this page: say it opened, and answer "cancelled" if it is closed unanswered. */
            writeResult({ v: 1, outcome: "opened" });
            window.addEventListener("pagehide", function () {
                if (!finished) {
                    finished = true;
                    writeResult({ v: 1, outcome: "cancelled" });
                }
            });
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
