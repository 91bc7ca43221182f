/*
 * The "Demo controls" side panel: record picker, the simulated connector (sync, confirm,
 * abuse report, reset), the scenario (org and connector versions, solution readability),
 * the user and language, the async-handler switches, the event log and the registration.
 * Not part of Dynamics: it talks to the emulator's /_emulator/ endpoints.
 */
(function (host) {
    "use strict";

    var el = host.view.el;
    var clear = host.view.clear;
    var SETTINGS_KEY = "rsub-demo-settings";
    var OUTCOME_KEY = "rsub-demo-outcome";
    /** Representative builds, one per row of the version table (www/demo/README.md). */
    var REPRESENTATIVE_VERSIONS = [
        { version: "8.0.0.1088", label: "8.0 (CRM 2016)" },
        { version: "8.1.0.359", label: "8.1 (CRM 2016 Update 1)" },
        { version: "8.2.0.749", label: "8.2 (Dynamics 365, December 2016)" },
        { version: "9.0.2.3034", label: "9.0 (version 9.0)" },
        { version: "9.1.0.15000", label: "9.1 on-premises" },
        { version: "9.2.25093.00168", label: "9.2 online (Dataverse)" }
    ];
    var LANGUAGES = [
        { lcid: 1033, name: "English (1033)" },
        { lcid: 1031, name: "Deutsch (1031)" },
        { lcid: 1036, name: "Fran\u00E7ais (1036)" },
        { lcid: 1043, name: "Nederlands (1043)" }
    ];

    /** Settings that change the global context or the event pipeline; kept for this tab only. */
    function loadSettings() {
        var defaults = { user: "admin", lcid: 1033, asyncOnLoad: true, asyncOnSave: true, dialogCloses: true, popupsBlocked: false };
        try {
            var stored = JSON.parse(window.sessionStorage.getItem(SETTINGS_KEY) || "{}");
            Object.keys(defaults).forEach(function (k) { if (stored[k] !== undefined) { defaults[k] = stored[k]; } });
        } catch (ignored) { /* defaults */ }
        return defaults;
    }

    function saveSettings(settings) {
        window.sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    }

    function summarize(value) {
        if (value === null || value === undefined) { return "done"; }
        var text = typeof value === "string" ? value : JSON.stringify(value);
        return text.length > 400 ? text.slice(0, 400) + "\u2026" : text;
    }

    /** The kinds of action in a sync's report (`POST /_emulator/sync`), as the panel words them. */
    var SYNC_ACTIONS = [
        { action: "confirmationEmailSent", one: "confirmation email sent", many: "confirmation emails sent", each: "confirmation email sent" },
        { action: "resubscribed", one: "resubscribed", many: "resubscribed", each: "resubscribed" },
        { action: "failed", one: "could not be resubscribed", many: "could not be resubscribed", each: "could not be resubscribed" },
        { action: "bulkEmailAllowed", one: "contact allowed bulk email again", many: "contacts allowed bulk email again", each: "bulk email allowed again" }
    ];

    /**
     * What a sync did, in words: `{sync, actions: [{email, action}]}` becomes "1 confirmation
     * email sent, 0 resubscribed, … (address: what happened)." Null for a body of another shape.
     */
    function describeSync(body) {
        if (!body || typeof body.sync !== "number" || !Array.isArray(body.actions)) { return null; }
        var actions = body.actions;
        if (!actions.length) {
            return "nothing was waiting (no ticked Request Resubscribe, confirmation or abuse report), so nothing changed.";
        }
        var counts = SYNC_ACTIONS.map(function (kind) {
            var n = actions.filter(function (a) { return a.action === kind.action; }).length;
            return n + " " + (n === 1 ? kind.one : kind.many);
        });
        var each = actions.map(function (a) {
            var kind = SYNC_ACTIONS.filter(function (k) { return k.action === a.action; })[0];
            return a.email + ": " + (kind ? kind.each : a.action);
        });
        return counts.join(", ") + " (" + each.join("; ") + "). Use Refresh on the form to see the change.";
    }

    /** What a contact's answer (`contacts/<email>/confirm` or `report-abuse`) set up for the next sync; null for another shape. */
    function describeContactAction(body) {
        if (!body || typeof body.email !== "string") { return null; }
        if (body.state === "confirmed") {
            return body.email + " confirmed the resubscription; the next sync resubscribes the address (Run sync, then Refresh).";
        }
        if (body.state === "abuseReported") {
            return body.email + " reported the confirmation email as abuse; the next sync fails the resubscription (Run sync, then Refresh).";
        }
        return null;
    }

    function section(title, children, open) {
        return el("details", { className: "panel-section", open: open !== false }, [el("summary", { text: title })].concat(children));
    }

    function field(labelText, input, hint) {
        var id = input.id;
        return el("div", { className: "panel-field" }, [
            el("label", { attrs: { "for": id }, text: labelText }), input,
            hint ? el("p", { className: "hint", text: hint }) : null
        ]);
    }

    function checkbox(id, labelText, checked) {
        var input = el("input", { type: "checkbox", id: id, checked: Boolean(checked) });
        return { input: input, node: el("div", { className: "panel-check" }, [input, el("label", { attrs: { "for": id }, text: labelText })]) };
    }

    /** Renders FormXml-shaped XML text of the registration (shown for newcomers, built with DOM APIs). */
    function registrationXml(def) {
        var doc = document.implementation.createDocument(null, "form", null);
        var root = doc.documentElement;
        var libs = doc.createElement("formLibraries");
        def.formLibraries.forEach(function (lib) {
            var node = doc.createElement("Library");
            node.setAttribute("name", lib.name);
            node.setAttribute("libraryUniqueId", lib.libraryUniqueId);
            libs.appendChild(node);
        });
        root.appendChild(libs);
        var events = doc.createElement("events");
        def.events.forEach(function (event) {
            var e = doc.createElement("event");
            e.setAttribute("name", event.name);
            e.setAttribute("application", String(event.application));
            e.setAttribute("active", String(event.active));
            if (event.attribute) { e.setAttribute("attribute", event.attribute); }
            var handlers = doc.createElement("Handlers");
            event.handlers.forEach(function (h) {
                var n = doc.createElement("Handler");
                ["functionName", "libraryName", "handlerUniqueId", "enabled", "parameters", "passExecutionContext"].forEach(function (a) {
                    n.setAttribute(a, String(h[a]));
                });
                handlers.appendChild(n);
            });
            e.appendChild(handlers);
            events.appendChild(e);
        });
        root.appendChild(events);
        return new XMLSerializer().serializeToString(doc).replace(/></g, ">\n<");
    }

    /**
     * Builds the panel into #demo-panel. `ctx` gives: settings, log entries, webapi, view,
     * currentForm(), recordId, entityName, navigate(url), reload().
     */
    function buildPanel(ctx) {
        var root = document.getElementById("demo-panel-body");
        clear(root);
        var webapi = host.webapi;

        var outcome = el("p", { className: "outcome", id: "panel-outcome", attrs: { role: "status", "aria-live": "polite" } });
        var previous = window.sessionStorage.getItem(OUTCOME_KEY);
        if (previous) {
            outcome.textContent = previous;
            window.sessionStorage.removeItem(OUTCOME_KEY);
        }
        root.appendChild(outcome);
        function report(text, isError) {
            outcome.textContent = text;
            outcome.className = "outcome" + (isError ? " error" : "");
            ctx.log(isError ? "error" : "demo", text);
        }
        function reportAndReload(text) {
            window.sessionStorage.setItem(OUTCOME_KEY, text);
            ctx.reload();
        }
        function busy(button, promise) {
            button.disabled = true;
            return promise.then(function (v) { button.disabled = false; return v; }, function (e) { button.disabled = false; throw e; });
        }

        /* ---- records ---- */
        var recordList = el("ul", { className: "record-list", attrs: { "aria-label": "Email Suppression records" } });
        var recordSource = el("p", { className: "hint" });
        function loadRecords() {
            var def = host.formXml.esc_emailsuppression;
            clear(recordList);
            recordList.appendChild(el("li", { className: "muted", text: "Loading\u2026" }));
            return webapi.listRecords(def).then(function (result) {
                clear(recordList);
                recordSource.textContent = "Source: " + result.source;
                var records = result.records.slice().sort(function (a, b) {
                    return String(a.esc_emailaddress).localeCompare(String(b.esc_emailaddress));
                });
                if (!records.length) { recordList.appendChild(el("li", { className: "muted", text: "No records." })); }
                records.forEach(function (r) {
                    var id = String(r[def.primaryIdAttribute]);
                    var reason = r["esc_reason@OData.Community.Display.V1.FormattedValue"] ||
                        (def.attributes.esc_reason.options.filter(function (o) { return o.value === r.esc_reason; })[0] || {}).text || "no reason";
                    var current = ctx.entityName === "esc_emailsuppression" && ctx.recordId && id.toLowerCase() === ctx.recordId.toLowerCase();
                    var href = host.view.recordUrl("esc_emailsuppression", id);
                    var link = el("a", { href: href, attrs: { "aria-current": current ? "page" : null } }, [
                        el("span", { className: "rec-email", text: r.esc_emailaddress || id }),
                        el("span", { className: "rec-meta", text: reason + (r.esc_requestresubscribe ? " \u00B7 requested" : "") + (r.statecode === 1 ? " \u00B7 inactive" : "") })
                    ]);
                    link.addEventListener("click", function (event) { ctx.view.navigateGuard(event, href); });
                    var item = el("li", { className: current ? "current" : "" }, [link]);
                    recordList.appendChild(item);
                    if (current) {
                        recordList.scrollTop = Math.max(0, item.offsetTop - recordList.offsetTop - 40);
                    }
                });
            }).catch(function (error) {
                clear(recordList);
                recordList.appendChild(el("li", { className: "muted", text: "The record list is not available: " + error.message }));
            });
        }
        var refreshList = el("button", { type: "button", className: "btn small", text: "Reload list", onclick: function () { loadRecords(); } });
        root.appendChild(section("Records", [recordList, recordSource, refreshList]));

        /* ---- the solution's configuration page ---- */
        var setupLink = el("a", {
            id: "panel-setup-link",
            text: "Open the configuration page",
            attrs: { href: webapi.orgPath("/main.aspx") + "?pagetype=webresource&webresourceName=" + encodeURIComponent("rsub_/resubscribe/setup.html") }
        });
        root.appendChild(section("Solution", [
            el("p", { className: "hint", text: "The Resubscribe solution's configuration page (Solutions \u2192 Resubscribe \u2192 configuration): checks the connector, the forms, languages, the Content Security Policy and privileges." }),
            setupLink
        ]));

        /* ---- connector simulation ---- */
        var form = ctx.currentForm();
        var emailAttr = form && form.formContext.getAttribute(ctx.entityName === "contact" ? "emailaddress1" : "esc_emailaddress");
        var email = el("input", { type: "email", id: "demo-email", className: "inp", value: emailAttr && emailAttr.getValue() ? emailAttr.getValue() : "", autocomplete: "off" });
        /* "<label>: " then `describe(body)`, the emulator's answer in words (null: the answer itself). */
        function connectorAction(label, method, pathFor, describe) {
            var button = el("button", { type: "button", className: "btn", text: label });
            button.addEventListener("click", function () {
                var path = pathFor();
                if (path === null) { report(label + ": enter the contact's email address first.", true); email.focus(); return; }
                report(label + "\u2026");
                busy(button, webapi.emulator(method, path, method === "POST" ? {} : undefined)).then(function (body) {
                    var sentence = describe(body);
                    report(label + ": " + (sentence !== null ? sentence : summarize(body) + ". Use Refresh on the form to see the change."));
                    loadRecords();
                }, function (error) {
                    report(label + " failed: " + error.message, true);
                });
            });
            return button;
        }
        var contactPath = function (verb) {
            return function () {
                var address = email.value.trim();
                return address ? "contacts/" + encodeURIComponent(address) + "/" + verb : null;
            };
        };
        var reset = el("button", { type: "button", className: "btn danger", text: "Reset data" });
        reset.addEventListener("click", function () {
            ctx.view.confirmDialog({ title: "Reset the emulator", text: "Restore the seed records and scenario? Changes made in this session are lost.", confirmButtonLabel: "Reset" }, {}).then(function (answer) {
                if (!answer.confirmed) { return; }
                busy(reset, webapi.emulator("POST", "reset", {})).then(function () {
                    reportAndReload("Reset: the emulator is back to its seed data.");
                }, function (error) { report("Reset failed: " + error.message, true); });
            });
        });
        root.appendChild(section("Connector simulation", [
            el("div", { className: "panel-buttons" }, [connectorAction("Run sync", "POST", function () { return "sync"; }, describeSync)]),
            field("Contact email address", email, "The contact who answers the confirmation email."),
            el("div", { className: "panel-buttons" }, [
                connectorAction("Contact confirms", "POST", contactPath("confirm"), describeContactAction),
                connectorAction("Contact reports abuse", "POST", contactPath("report-abuse"), describeContactAction)
            ]),
            el("div", { className: "panel-buttons" }, [reset])
        ]));

        /* ---- scenario ---- */
        var orgVersion = el("input", { type: "text", id: "demo-org-version", className: "inp", autocomplete: "off", spellcheck: false,
            attrs: { list: "demo-org-versions" } });
        /* One representative build per row of the version table in www/demo/README.md. */
        var orgVersions = el("datalist", { id: "demo-org-versions" }, REPRESENTATIVE_VERSIONS.map(function (v) {
            return el("option", { value: v.version, text: v.label });
        }));
        var organization = el("input", { type: "text", id: "demo-organization", className: "inp", autocomplete: "off", spellcheck: false,
            attrs: { placeholder: "(online)" } });
        var applyOrganization = el("button", { type: "button", className: "btn", text: "Apply organization name" });
        var connectorVersion = el("input", { type: "text", id: "demo-connector-version", className: "inp", autocomplete: "off", spellcheck: false });
        var notInstalled = checkbox("demo-not-installed", "Connector not installed", false);
        var unreadable = checkbox("demo-unreadable", "Solution table unreadable (403)", false);
        notInstalled.input.addEventListener("change", function () { connectorVersion.disabled = notInstalled.input.checked; });
        var applyOrg = el("button", { type: "button", className: "btn", text: "Apply org version" });
        var applyConnector = el("button", { type: "button", className: "btn", text: "Apply connector" });
        var scenarioNote = el("p", { className: "hint", text: "Reading the scenario\u2026" });
        function applySettings(button, body, what) {
            busy(button, webapi.emulator("POST", "settings", body)).then(function () {
                reportAndReload(what + " applied; the form was reloaded so OnLoad reads it again.");
            }, function (error) { report(what + " failed: " + error.message, true); });
        }
        applyOrg.addEventListener("click", function () {
            var v = orgVersion.value.trim();
            if (!v) { report("Enter an organization version, e.g. 9.2.25093.00168.", true); orgVersion.focus(); return; }
            applySettings(applyOrg, { orgVersion: v }, "Org version " + v);
        });
        applyOrganization.addEventListener("click", function () {
            var name = organization.value.trim();
            if (name && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
                report("An organization name is letters, digits, '-' and '_' (e.g. contoso), or empty for online.", true);
                organization.focus();
                return;
            }
            /* Sent with the version field: the emulator refuses an on-premises org on 9.2 (online only). */
            var body = { organization: name };
            if (orgVersion.value.trim()) { body.orgVersion = orgVersion.value.trim(); }
            busy(applyOrganization, webapi.emulator("POST", "settings", body)).then(function () {
                window.sessionStorage.setItem(OUTCOME_KEY, "Organization " + (name ? "\"" + name + "\" (on-premises)" : "online") +
                    " applied; the form was opened at its URL.");
                ctx.openUnderOrganization(name);
            }, function (error) { report("Organization " + (name || "(online)") + " failed: " + error.message, true); });
        });
        applyConnector.addEventListener("click", function () {
            var v = notInstalled.input.checked ? null : connectorVersion.value.trim();
            if (v === "") { report("Enter a connector version, e.g. 7.0.1.721, or tick \"not installed\".", true); connectorVersion.focus(); return; }
            applySettings(applyConnector, { connectorVersion: v, solutionReadable: !unreadable.input.checked },
                "Connector " + (v === null ? "not installed" : v) + (unreadable.input.checked ? ", solution unreadable" : ""));
        });
        webapi.emulator("GET", "settings").then(function (s) {
            orgVersion.value = s && s.orgVersion ? s.orgVersion : "";
            organization.value = s && typeof s.organization === "string" ? s.organization : "";
            var installed = s && s.connectorVersion !== null && s.connectorVersion !== undefined;
            connectorVersion.value = installed ? s.connectorVersion : "";
            notInstalled.input.checked = !installed;
            connectorVersion.disabled = !installed;
            unreadable.input.checked = Boolean(s && s.solutionReadable === false);
            scenarioNote.textContent = "Current emulator scenario shown.";
        }, function (error) {
            scenarioNote.textContent = "The emulator settings could not be read: " + error.message;
        });
        root.appendChild(section("Scenario", [
            scenarioNote,
            field("Organization version", orgVersion, "RetrieveVersion() and getVersion(); decides which Client API and Web API versions exist. " +
                REPRESENTATIVE_VERSIONS.map(function (v) { return v.version; }).join(", ") + "."),
            orgVersions,
            el("div", { className: "panel-buttons" }, [applyOrg]),
            field("Organization name (on-premises)", organization, "Empty = online. With a name the form lives at /<name>/main.aspx, " +
                "getClientUrl() ends in /<name> and isOnPremises() is true. Applied together with the version above " +
                "(on premises ends at 9.1, e.g. 9.1.0.15000)."),
            el("div", { className: "panel-buttons" }, [applyOrganization]),
            field("Connector version (dotmailerCRMConnector)", connectorVersion, "e.g. 7.0.1.721; 6.0.1.719 is too old for CRM 2015+."),
            notInstalled.node, unreadable.node,
            el("div", { className: "panel-buttons" }, [applyConnector])
        ]));

        /* ---- user, language, switches ---- */
        var settings = ctx.settings;
        var userFieldset = el("fieldset", { className: "panel-fieldset" }, [el("legend", { text: "Current user" })]);
        Object.keys(host.xrm.USERS).forEach(function (key) {
            var u = host.xrm.USERS[key];
            var id = "demo-user-" + key;
            var radio = el("input", { type: "radio", name: "demo-user", id: id, value: key, checked: settings.user === key });
            userFieldset.appendChild(el("div", { className: "panel-check" }, [radio, el("label", { attrs: { "for": id }, text: u.userName + " \u2014 " + u.roles.map(function (r) { return r.name; }).join(", ") })]));
        });
        var language = el("select", { id: "demo-language", className: "inp" }, LANGUAGES.map(function (l) {
            return el("option", { value: String(l.lcid), text: l.name, selected: settings.lcid === l.lcid });
        }));
        var asyncLoad = checkbox("demo-async-onload", "Async OnLoad handlers (app setting)", settings.asyncOnLoad);
        var asyncSave = checkbox("demo-async-onsave", "Async OnSave handlers (app setting)", settings.asyncOnSave);
        var dialogCloses = checkbox("demo-dialog-closes", "A web resource dialog closes itself with window.close()", settings.dialogCloses);
        var popupsBlocked = checkbox("demo-popups-blocked", "The browser blocks pop-up windows", settings.popupsBlocked);
        var applyUser = el("button", { type: "button", className: "btn", text: "Apply and reload" });
        applyUser.addEventListener("click", function () {
            var chosen = userFieldset.querySelector("input[name=demo-user]:checked");
            var next = {
                user: chosen ? chosen.value : "admin",
                lcid: Number(language.value),
                asyncOnLoad: asyncLoad.input.checked,
                asyncOnSave: asyncSave.input.checked,
                dialogCloses: dialogCloses.input.checked,
                popupsBlocked: popupsBlocked.input.checked
            };
            saveSettings(next);
            reportAndReload("Now " + host.xrm.USERS[next.user].userName + ", language " + next.lcid +
                ", async OnLoad " + (next.asyncOnLoad ? "on" : "off") + ", async OnSave " + (next.asyncOnSave ? "on" : "off") + ".");
        });
        root.appendChild(section("User, language and app settings", [
            userFieldset,
            field("Language (userSettings.languageId)", language, "Chooses the RESX file getResourceString reads."),
            asyncLoad.node, asyncSave.node,
            el("p", { className: "hint", text: "Off: a promise returned by a handler is not awaited (the platform goes on at once). On: awaited, 10 s limit per promise unless disableAsyncTimeout() was called synchronously." }),
            dialogCloses.node,
            el("p", { className: "hint", text: "Off: window.close() in a navigateTo dialog does nothing, as in a host that does not handle it; only the dialog's X closes it." }),
            popupsBlocked.node,
            el("p", { className: "hint", text: "On: openWebResource (9.0, 8.x) opens no window; window.open answers null, as behind a pop-up blocker." }),
            el("div", { className: "panel-buttons" }, [applyUser])
        ], false));

        /* ---- more save modes ---- */
        var autosave = el("button", { type: "button", className: "btn", text: "Simulate autosave (mode 70)" });
        autosave.addEventListener("click", function () {
            var f = ctx.currentForm();
            if (!f) { report("No form is open.", true); return; }
            if (!f.formContext.data.entity.getIsDirty()) { report("Autosave only runs when there are unsaved changes (as in Dynamics)."); return; }
            f.save(70, "autosave").then(function () { report("Autosave finished."); }, function (e) { report("Autosave did not save: " + e.message, true); });
        });
        root.appendChild(section("Save modes", [
            el("p", { className: "hint", text: "Save = 1, Save & Close = 2 (command bar, Ctrl+S saves). Save & New (59) needs a Create form, which the demo does not have." }),
            el("div", { className: "panel-buttons" }, [autosave])
        ], false));

        /* ---- log and registration ---- */
        /* It scrolls: focusable (tabindex 0) so a keyboard user can scroll it, named for that stop. */
        var logList = el("ol", { className: "event-log", id: "event-log", tabIndex: 0, attrs: { "aria-label": "Event log" } });
        var clearLog = el("button", { type: "button", className: "btn small", text: "Clear log", onclick: function () { ctx.clearLog(); } });
        root.appendChild(section("Event log", [logList, clearLog]));
        var def = host.formXml[ctx.entityName];
        if (def) {
            root.appendChild(section("Registration (FormXml)", [
                el("p", { className: "hint", text: "What the host reads from formxml.js, shown as FormXml." }),
                el("pre", { className: "xml", text: registrationXml(def) })
            ], false));
        }
        loadRecords();
        return { logList: logList, loadRecords: loadRecords, report: report };
    }

    host.panel = {
        build: buildPanel,
        loadSettings: loadSettings,
        saveSettings: saveSettings,
        registrationXml: registrationXml
    };
})(window.DemoHost = window.DemoHost || {});
