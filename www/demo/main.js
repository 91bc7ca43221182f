/*
 * Boots the demo page served at [/<org>]/main.aspx?etn=…&pagetype=entityrecord&id=…: reads the
 * deep link, the organization (name and version) and the RESX strings, defines window.Xrm as
 * that version offers it (with Xrm.Page), draws the form, loads the form libraries named in
 * formxml.js by <script src> into their own hidden frame (ClientApiFrame_0, whose Xrm is this
 * window's), then fires OnLoad as Dynamics does, resolving handler names in that frame.
 */
(function (host) {
    "use strict";

    var el = host.view.el;
    var entries = [];
    var logList = null;
    var MAX_LOG = 300;

    function time() {
        var d = new Date();
        function p(n, w) { var s = String(n); while (s.length < (w || 2)) { s = "0" + s; } return s; }
        return p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + "." + p(d.getMilliseconds(), 3);
    }

    function drawEntry(entry) {
        if (!logList) { return; }
        logList.appendChild(el("li", { className: "log-" + entry.kind }, [
            el("span", { className: "log-time", text: entry.time }),
            el("span", { className: "log-kind", text: entry.kind }),
            el("span", { className: "log-text", text: entry.text })
        ]));
        while (logList.childNodes.length > MAX_LOG) { logList.removeChild(logList.firstChild); }
        logList.scrollTop = logList.scrollHeight;
    }

    /** The event log: every pipeline step, request and ignored call, newest last. */
    function log(kind, text) {
        var entry = { time: time(), kind: kind, text: String(text) };
        entries.push(entry);
        if (entries.length > MAX_LOG) { entries.shift(); }
        drawEntry(entry);
    }

    function clearLog() {
        entries = [];
        if (logList) { host.view.clear(logList); }
    }

    /** Loads one classic script into `doc`; resolves true when it ran, false when it could not be fetched. */
    function loadScript(doc, src) {
        return new Promise(function (resolve) {
            var script = doc.createElement("script");
            script.src = src;
            script.async = false;
            script.addEventListener("load", function () { resolve(true); });
            script.addEventListener("error", function () { resolve(false); });
            (doc.head || doc.documentElement).appendChild(script);
        });
    }

    /*
     * The form libraries' frame. Unified Interface runs form scripts in a hidden same-origin
     * frame (`ClientApiFrame_<n>`), not in the page that draws the form; the execution context,
     * event arguments and formContext are made by the main window (docs/platform.md; Learn,
     * "Debug JavaScript code for model-driven apps",
     * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/debug-javascript-code).
     * The frame has no src: its document is the initial about:blank one, same origin and under
     * the page's Content Security Policy (which an about:blank frame inherits), so a strict
     * policy binds the libraries exactly as it binds the page. Its `Xrm` is the host's object.
     */
    var scriptFrame = null;

    function createScriptFrame(Xrm) {
        var frame = document.createElement("iframe");
        frame.id = "ClientApiFrame_0";
        frame.name = "ClientApiFrame_0";
        frame.title = "Form scripts";
        frame.hidden = true;
        frame.tabIndex = -1;
        frame.setAttribute("aria-hidden", "true");
        document.body.appendChild(frame);
        frame.contentWindow.Xrm = Xrm;
        scriptFrame = frame;
        return frame;
    }

    /** The window of the frame the form libraries run in (null before the form loads). */
    host.scriptWindow = function () {
        return scriptFrame ? scriptFrame.contentWindow : null;
    };

    function boot() {
        var settings = host.panel.loadSettings();
        var params = new URLSearchParams(window.location.search);
        /* A web resource opened as a page (a solution's configuration page, for one). */
        var webResource = params.get("pagetype") === "webresource" ? params.get("webresourceName") : null;
        var entityName = (webResource ? "esc_emailsuppression" : params.get("etn") || "esc_emailsuppression").toLowerCase();
        var recordId = webResource ? null : params.get("id");
        var definition = host.formXml[entityName];
        if (definition && params.get("bench") === "baseline") {
            definition = host.formXml[entityName] = baselineDefinition(definition);
        }
        var form = null;
        var view;

        function navigate(url) {
            window.location.href = url;
        }

        /** Asks before leaving a form with unsaved changes (Unified Interface does the same). */
        function navigateGuard(event, url) {
            if (event && (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1)) { return; }
            if (event) { event.preventDefault(); }
            if (!form || !form.formContext.data.entity.getIsDirty()) {
                navigate(url);
                return;
            }
            view.confirmDialog({
                title: "Unsaved changes",
                text: "This record has unsaved changes. Leave and discard them?",
                confirmButtonLabel: "Discard changes",
                cancelButtonLabel: "Stay on this page"
            }, {}).then(function (answer) { if (answer.confirmed) { navigate(url); } });
        }

        view = new host.view.View(log, navigateGuard);
        view.navigateGuard = navigateGuard;

        var env = {
            settings: settings,
            log: log,
            webapi: host.webapi,
            view: view,
            scriptWindow: host.scriptWindow,
            organization: "",
            level: host.xrm.clientApiLevel(null, ""),
            orgVersion: null,
            resources: {},
            missingLibraries: {},
            currentForm: function () { return form; },
            navigate: function (name, id) { navigateGuard(null, host.view.recordUrl(name, id)); }
        };

        function buildPanel() {
            var panel = host.panel.build({
                settings: settings,
                log: log,
                clearLog: clearLog,
                view: view,
                entityName: entityName,
                recordId: recordId ? recordId.replace(/[{}]/g, "") : null,
                currentForm: function () { return form; },
                reload: function () { window.location.reload(); },
                /* The same deep link under the organization's path ("" = online). */
                openUnderOrganization: function (name) {
                    window.location.href = (name ? "/" + name : "") + "/main.aspx" + window.location.search;
                }
            });
            logList = panel.logList;
            env.afterSave = panel.loadRecords;
            entries.forEach(drawEntry);
        }

        wireCommands();
        if (!definition) {
            buildPanel();
            view.showPageMessage("Not in the demo", "The demo has forms for esc_emailsuppression and contact only, not \"" + entityName + "\".", "error");
            return;
        }
        document.title = definition.displayName + ": " + definition.formName + " - Dynamics 365 (demo)";
        document.querySelector("main").setAttribute("aria-label", definition.displayName + " form");
        log("demo", "opening " + entityName + (recordId ? " " + recordId : " (no id)") + " as " +
            host.xrm.USERS[settings.user].userName + ", language " + settings.lcid);

        /*
         * The emulator is strict: an org serves the Web API versions up to its own major.minor
         * (v8.0 on 8.0 … v9.2 on 9.2), a 7.x org has none. The organization name ("" = online)
         * decides the URLs: an on-premises org lives at /<org>/main.aspx. A page opened at the
         * other address is moved to the right one.
         */
        var pageOrganization = host.webapi.organizationOfPage();
        var scenario = host.webapi.emulator("GET", "settings").then(function (s) { return s || {}; }, function () { return {}; });
        var version = scenario.then(function (s) {
                var organization = typeof s.organization === "string" ? s.organization : "";
                if (organization !== pageOrganization) {
                    log("demo", "the organization is " + (organization ? "\"" + organization + "\" (on-premises)" : "online") +
                        ": opening this page at its URL");
                    window.location.replace((organization ? "/" + organization : "") + "/main.aspx" + window.location.search);
                    return new Promise(function () { /* the page is leaving */ });
                }
                env.organization = organization;
                host.webapi.useOrganization(organization);
                return s.orgVersion || null;
            })
            .then(function (scenarioVersion) {
                var api = host.webapi.useOrgVersion(scenarioVersion);
                log("data", "org version " + (scenarioVersion || "unknown") + ": the host uses " + (api || "no Web API (pre-8.0 org)"));
                if (api === null) { return scenarioVersion; }
                return host.webapi.retrieveVersion().then(function (v) {
                    log("data", "RetrieveVersion(): " + v);
                    return v;
                }, function (error) {
                    log("error", "RetrieveVersion() failed: " + error.message);
                    return scenarioVersion || "9.2.0.0";
                });
            });
        /* RESX web resources: 9.0 and later ("String (RESX) web resources", Learn). */
        var strings = version.then(function (v) {
            if (!host.xrm.clientApiLevel(v, env.organization).v9) { return {}; }
            return host.xrm.loadResources(definition.libraryDependencies || [],
                settings.lcid === 1033 ? [1033] : [settings.lcid, 1033], log);
        });

        Promise.all([version, strings]).then(function (results) {
            env.orgVersion = results[0];
            env.resources = results[1];
            env.level = host.xrm.clientApiLevel(env.orgVersion, env.organization);
            log("demo", "Client API of org " + (env.orgVersion || "(unknown)") + (env.organization ? " on premises (" + env.organization + ")" : " online") +
                ": " + (env.level.v9 ? "9.x" : "8.x (Xrm.Page only)") + (env.level.online ? ", online-only members present" : ", no online-only members"));
            var Xrm = host.xrm.createXrm(env);
            env.xrm = Xrm;
            window.Xrm = Xrm;
            var frame = createScriptFrame(Xrm);
            if (params.get("bench") === "baseline") {
                /* The baseline's handler is the host's own function, resolved in the frame like any handler. */
                frame.contentWindow.DemoHost = { benchBaselineOnLoad: host.benchBaselineOnLoad };
            }
            if (webResource) {
                buildPanel();
                document.title = webResource + " - Dynamics 365 (demo)";
                document.querySelector("main").setAttribute("aria-label", "Web resource " + webResource);
                log("demo", "opening the web resource " + webResource + " as a page");
                view.showWebResource(webResource, host.webapi.orgPath("/WebResources/") + webResource);
                return null;
            }
            var columns = Object.keys(definition.attributes).map(function (n) {
                var a = definition.attributes[n];
                return a.type === "lookup" ? a.column : n;
            });
            var noWebApi = host.webapi.useOrgVersion(env.orgVersion) === null;
            /* No id: a new record's Create form, as in Dynamics (Microsoft Learn, "Open forms,
             * views, dialogs and reports with a URL": main.aspx?etn=account&pagetype=entityrecord
             * opens a new account record form). */
            var reading = !recordId ? Promise.resolve(null) : noWebApi
                ? host.webapi.retrieveFromState(definition.primaryIdAttribute, recordId)
                : host.webapi.retrieve(definition.entitySetName, recordId, columns);
            return reading.then(function (row) {
                if (noWebApi && row) {
                    log("warn", "no Web API on org " + env.orgVersion + ": the record was read from /_emulator/state; saving is not possible");
                }
                log("data", row ? "GET " + definition.entitySetName + "(" + recordId + "): etag " + row["@odata.etag"]
                    : "new " + entityName + ": a Create form (no id)");
                form = host.xrm.createForm(env, entityName, definition, row);
                host.xrm.setPage(env, Xrm, pageAlias(form.formContext, env.globalContext));
                view.renderForm(form);
                buildPanel();
                if (noWebApi) {
                    form.formContext.ui.setFormNotification("Demo: organization version " + env.orgVersion + " has no Web API, so this host read the record from the emulator state and cannot save it.", "WARNING", "demo.nowebapi");
                }
                if (form.formContext.ui.getFormType() === 4) {
                    form.formContext.ui.setFormNotification("Read-only: this record's status is Inactive.", "INFO", "demo.inactive");
                }
                if (definition.showNotes && recordId) { loadNotes(); }
                return loadLibraries().then(function () { return form.fireFormOnLoad(); });
            }, function (error) {
                buildPanel();
                if (error.status === 404) {
                    view.showPageMessage("Record Is Unavailable", "The requested record was not found or you do not have sufficient permissions to view it. (" + error.message + ")", "error");
                } else {
                    view.showPageMessage("The record could not be opened", error.message, "error");
                }
                return null;
            });
        }).catch(function (error) {
            log("error", "the demo failed to start: " + (error && error.stack ? error.stack : error));
            view.showPageMessage("The demo failed to start", String(error && error.message ? error.message : error), "error");
        });

        function loadNotes() {
            host.webapi.notesOf(recordId).then(function (notes) { view.renderNotes(notes, null); },
                function (error) { view.renderNotes([], error); });
        }

        /** Loads the form libraries in FormXml order, each by <script src>, like the platform. */
        function loadLibraries() {
            var banner = document.getElementById("library-banner");
            return (definition.formLibraries || []).reduce(function (chain, lib) {
                return chain.then(function () {
                    var src = host.webapi.orgPath("/WebResources/") + lib.name;
                    var scriptErrors = [];
                    var frameWindow = scriptFrame.contentWindow;
                    function onError(event) { scriptErrors.push(event.message || String(event.error)); }
                    frameWindow.addEventListener("error", onError);
                    return loadScript(scriptFrame.contentDocument, src).then(function (ok) {
                        frameWindow.removeEventListener("error", onError);
                        if (!ok) {
                            env.missingLibraries[lib.name] = true;
                            log("error", "form library " + src + " could not be loaded");
                            banner.hidden = false;
                            host.view.clear(banner);
                            banner.appendChild(el("strong", { text: "The form library is not built. " }));
                            banner.appendChild(document.createTextNode("The page could not load " + src +
                                ", so its handlers do not run. Build it with "));
                            banner.appendChild(el("code", { text: "cargo xtask build" }));
                            banner.appendChild(document.createTextNode(" (or start the demo with "));
                            banner.appendChild(el("code", { text: "cargo xtask demo" }));
                            banner.appendChild(document.createTextNode("), then reload this page."));
                            form.formContext.ui.setFormNotification("Form library " + lib.name + " is missing: its handlers are not registered.", "ERROR", "demo.library");
                        } else if (scriptErrors.length) {
                            log("error", "form library " + src + " threw while loading: " + scriptErrors.join("; "));
                        } else {
                            log("demo", "form library " + src + " loaded");
                        }
                    });
                });
            }, Promise.resolve());
        }

        function wireCommands() {
            var save = document.getElementById("cmd-save");
            var saveClose = document.getElementById("cmd-saveclose");
            var refresh = document.getElementById("cmd-refresh");
            function runSave(mode, origin) {
                if (!form) { return; }
                form.save(mode, origin, mode === 2).catch(function (error) {
                    log("save", "save did not complete: " + (error && error.message ? error.message : JSON.stringify(error)));
                });
            }
            save.addEventListener("click", function () { runSave(1, "the Save button"); });
            saveClose.addEventListener("click", function () { runSave(2, "the Save & Close button"); });
            refresh.addEventListener("click", function () {
                navigateGuard(null, window.location.pathname + window.location.search);
            });
            document.addEventListener("keydown", function (event) {
                if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
                    event.preventDefault();
                    runSave(1, "Ctrl+S");
                }
            });
        }
    }

    /**
     * `&bench=baseline` (used by `cargo xtask bench`): the same form with an empty OnLoad handler
     * in place of the library's, no form library loaded and no other handler, so the bench can
     * time what the host alone costs. The OnLoad handler keeps its parameters; its functionName
     * becomes DemoHost.benchBaselineOnLoad, whose only statement puts the `demo:baseline-done` mark.
     */
    function baselineDefinition(definition) {
        var copy = Object.assign({}, definition);
        copy.formLibraries = [];
        copy.events = (definition.events || []).filter(function (event) { return event.name === "onload"; })
            .map(function (event) {
                return Object.assign({}, event, {
                    handlers: event.handlers.map(function (h) {
                        return Object.assign({}, h, { functionName: "DemoHost.benchBaselineOnLoad", libraryName: "(bench baseline)" });
                    })
                });
            });
        return copy;
    }

    /** The bench baseline's empty OnLoad handler (see baselineDefinition). */
    host.benchBaselineOnLoad = function () {
        performance.mark("demo:baseline-done");
    };

    /** Xrm.Page: v9 still provides it as the current form's context plus `context`. */
    function pageAlias(formContext, globalContext) {
        return {
            context: globalContext,
            data: formContext.data,
            ui: formContext.ui,
            getAttribute: formContext.getAttribute,
            getControl: formContext.getControl
        };
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", boot);
    } else {
        boot();
    }
})(window.DemoHost = window.DemoHost || {});
