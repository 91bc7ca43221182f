/*
 * A Client API (`Xrm`) for the demo form, following the shapes of @types/xrm and Microsoft's
 * Client API reference. It owns the form's data model and the event pipelines (OnLoad, OnChange,
 * OnSave, PostSave, data OnLoad); drawing is delegated to `env.view` (view.js) and data access
 * to `env.webapi` (webapi.js).
 *
 * Where the demo cannot behave like Dynamics, the API throws
 * `Error("not supported in the demo: <api>")` instead of pretending.
 */
(function (host) {
    "use strict";

    var ASYNC_LIMIT_MS = 10000;

    /* ------------------------------------------------------------------ helpers */

    function notSupported(api) {
        return function () {
            throw new Error("not supported in the demo: " + api);
        };
    }

    /** A property whose reading throws "not supported" (for API objects the demo lacks). */
    function unsupportedProperty(target, name, api) {
        Object.defineProperty(target, name, {
            enumerable: false,
            configurable: true,
            get: notSupported(api)
        });
    }

    function isThenable(value) {
        return value !== null && (typeof value === "object" || typeof value === "function") &&
            typeof value.then === "function";
    }

    function describeError(error) {
        if (error && error.message) {
            return (error.name ? error.name + ": " : "") + error.message;
        }
        return String(error);
    }

    /** Xrm.Collection.ItemCollection: get(), get(index|name|predicate), forEach, getLength. */
    function itemCollection(items) {
        return {
            get: function (arg) {
                if (arg === undefined) {
                    return items.slice();
                }
                if (typeof arg === "number") {
                    return items[arg] === undefined ? null : items[arg];
                }
                if (typeof arg === "function") {
                    return items.filter(function (item, index) { return arg(item, index); });
                }
                for (var i = 0; i < items.length; i += 1) {
                    var item = items[i];
                    var name = typeof item.getName === "function" ? item.getName() : item.name;
                    if (name === arg) {
                        return item;
                    }
                }
                return null;
            },
            forEach: function (fn) { items.slice().forEach(function (item, index) { fn(item, index); }); },
            getLength: function () { return items.length; },
            _push: function (item) { items.push(item); }
        };
    }

    /**
     * A Date of any realm: the form libraries run in their own frame, so the Dates they pass to
     * setValue are the frame's (the real host accepts them; form scripts always run in a frame).
     */
    function isDate(value) {
        return Object.prototype.toString.call(value) === "[object Date]";
    }

    function sameValue(a, b) {
        if (isDate(a) && isDate(b)) {
            return a.getTime() === b.getTime();
        }
        if (Array.isArray(a) && Array.isArray(b)) {
            return a.length === b.length && a.every(function (item, i) {
                return String(item.id).toUpperCase() === String(b[i].id).toUpperCase();
            });
        }
        return a === b;
    }

    /**
     * Parses a FormXml handler `parameters` string (comma-separated JavaScript literals:
     * strings in ' or ", numbers, true/false/null, JSON-like objects and arrays). Dynamics
     * evaluates the string as code; the demo refuses anything that is not a literal.
     */
    function parseParameters(text) {
        var source = String(text || "");
        var at = 0;
        function fail(what) {
            throw new Error("handler parameters: " + what + " at character " + at + " of " + JSON.stringify(source));
        }
        function space() { while (at < source.length && /\s/.test(source[at])) { at += 1; } }
        function string() {
            var quote = source[at];
            var out = "";
            at += 1;
            while (at < source.length && source[at] !== quote) {
                if (source[at] === "\\") {
                    var next = source[at + 1];
                    var map = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "\\": "\\", "'": "'", "\"": "\"", "/": "/" };
                    if (next === "u") {
                        out += String.fromCharCode(parseInt(source.substr(at + 2, 4), 16));
                        at += 6;
                        continue;
                    }
                    if (map[next] === undefined) { fail("unknown escape"); }
                    out += map[next];
                    at += 2;
                } else {
                    out += source[at];
                    at += 1;
                }
            }
            if (source[at] !== quote) { fail("unterminated string"); }
            at += 1;
            return out;
        }
        function value() {
            space();
            var c = source[at];
            if (c === "'" || c === "\"") { return string(); }
            if (c === "{") {
                var obj = {};
                at += 1; space();
                if (source[at] === "}") { at += 1; return obj; }
                for (;;) {
                    space();
                    var key;
                    if (source[at] === "'" || source[at] === "\"") { key = string(); } else {
                        var m = /^[A-Za-z_$][\w$]*/.exec(source.slice(at));
                        if (!m) { fail("expected a key"); }
                        key = m[0]; at += key.length;
                    }
                    space();
                    if (source[at] !== ":") { fail("expected ':'"); }
                    at += 1;
                    obj[key] = value();
                    space();
                    if (source[at] === ",") { at += 1; continue; }
                    if (source[at] === "}") { at += 1; return obj; }
                    fail("expected ',' or '}'");
                }
            }
            if (c === "[") {
                var arr = [];
                at += 1; space();
                if (source[at] === "]") { at += 1; return arr; }
                for (;;) {
                    arr.push(value());
                    space();
                    if (source[at] === ",") { at += 1; continue; }
                    if (source[at] === "]") { at += 1; return arr; }
                    fail("expected ',' or ']'");
                }
            }
            var word = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(source.slice(at));
            if (!word) { fail("not a literal (the demo does not evaluate code)"); }
            at += word[0].length;
            return word[0] === "true" ? true : word[0] === "false" ? false : word[0] === "null" ? null : Number(word[0]);
        }
        var out = [];
        space();
        if (at >= source.length) { return out; }
        for (;;) {
            out.push(value());
            space();
            if (at >= source.length) { return out; }
            if (source[at] !== ",") { fail("expected ','"); }
            at += 1;
        }
    }

    /**
     * Resolves a dotted global function name (`Rsub.EmailSuppressionForm.onLoad`) at call time in
     * `root`: the global object of the frame the form libraries run in (main.js).
     */
    function resolveFunction(name, root) {
        var target = root || window;
        var parts = String(name).split(".");
        for (var i = 0; i < parts.length; i += 1) {
            if (target === null || target === undefined) {
                return null;
            }
            target = target[parts[i]];
        }
        return typeof target === "function" ? target : null;
    }

    /* ------------------------------------------------------------------ versions */

    /**
     * What the org version (and online / on-premises) offers. The table with its Learn pages is
     * in www/demo/README.md ("Client API by org version"). Unknown version = 9.2 online.
     * Online-only members (async handlers, PostSave, userSettings.roles, preventDefaultOnError,
     * Xrm.App) need 9.2 *and* online: Learn lists them as not supported on premises
     * (https://learn.microsoft.com/dynamics365/customerengagement/on-premises/developer/clientapi/reference),
     * and they came after the last on-premises release, so 9.0/9.1 lack them (stricter reading).
     */
    function clientApiLevel(orgVersion, organization) {
        var parts = String(orgVersion || "").split(".");
        var major = parseInt(parts[0], 10);
        var minor = parseInt(parts[1], 10);
        if (isNaN(major)) { major = 9; minor = 2; }
        if (isNaN(minor)) { minor = 0; }
        var v = major * 100 + Math.min(minor, 99);
        var onPremises = Boolean(organization);
        return {
            major: major,
            minor: minor,
            onPremises: onPremises,
            /** 9.0: Xrm.Utility.getGlobalContext, getFormContext, Xrm.Navigation, RESX, userSettings… */
            v9: v >= 900,
            /** 9.1: Xrm.Navigation.navigateTo, getPageContext. */
            navigateTo: v >= 901,
            /** 8.1 (CRM Online 2016 Update 1 / CRM 2016 SP1): context.getVersion (README). */
            getVersion: v >= 801,
            /** 9.2 online: async handlers, PostSave, roles, preventDefaultOnError, Xrm.App. */
            online: v >= 902 && !onPremises
        };
    }

    /**
     * Records the use of a deprecated member once per name: an event log entry of kind
     * `deprecated` and an entry in DemoHost.deprecatedCalls(). Only on 9.x, where Learn deprecates
     * them ("Client API deprecations",
     * https://learn.microsoft.com/power-platform/important-changes-coming#some-client-apis-are-deprecated).
     */
    var deprecatedSeen = [];
    function deprecated(env, name, replacement) {
        if (!env.level || !env.level.v9) { return; }
        if (deprecatedSeen.indexOf(name) >= 0) { return; }
        deprecatedSeen.push(name);
        env.log("deprecated", name + " is deprecated" + (replacement ? "; use " + replacement : ""));
    }
    host.deprecatedCalls = function () { return deprecatedSeen.slice(); };

    /** `fn` wrapped so that each call records the deprecated `name`. */
    function deprecatedFn(env, name, replacement, fn) {
        return function () {
            deprecated(env, name, replacement);
            return fn.apply(this, arguments);
        };
    }

    /* ------------------------------------------------------------------ global context */

    var USERS = {
        admin: {
            userId: "{7D5E8B2C-4A1F-4E6B-9C3D-2F8A6B0E1D47}",
            userName: "Alex Admin",
            roles: [
                { id: "{A1B2C3D4-0000-4000-8000-000000000001}", name: "System Administrator", entityType: "role" },
                { id: "{A1B2C3D4-0000-4000-8000-000000000002}", name: "Email Marketing Manager", entityType: "role" }
            ]
        },
        user: {
            userId: "{2C9F4E1A-7B3D-4F58-A6E2-8D1C5B0A9F36}",
            userName: "Sam Seller",
            roles: [
                { id: "{A1B2C3D4-0000-4000-8000-000000000003}", name: "Salesperson", entityType: "role" },
                { id: "{A1B2C3D4-0000-4000-8000-000000000004}", name: "Email Marketing Viewer", entityType: "role" }
            ]
        }
    };

    function createGlobalContext(env) {
        var level = env.level;
        var user = USERS[env.settings.user] || USERS.admin;
        var lcid = env.settings.lcid;
        var orgLcid = 1033;
        var webapi = env.webapi;
        var orgUniqueName = env.organization || "orgdemo";
        function clientUrl() { return webapi.clientUrl(); }
        function roleIds() { return user.roles.map(function (role) { return role.id; }); }
        function queryStringParameters() {
            var out = {};
            new URLSearchParams(window.location.search).forEach(function (v, k) { out[k] = v; });
            return out;
        }
        var client = {
            getClient: function () { return "Web"; },
            getClientState: function () { return "Online"; },
            getFormFactor: function () { return 1; }
        };

        if (!level.v9) {
            /*
             * 8.x: Xrm.Page.context / executionContext.getContext() only ("Client-side context
             * (client-side reference)", https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/gg334511(v=crm.8)).
             * getUserRoles gives role ids with braces; no userSettings, organizationSettings,
             * getWebResourceUrl or app members.
             */
            var context8 = {
                client: client,
                getClientUrl: clientUrl,
                getCurrentTheme: function () { return "default"; },
                getIsAutoSaveEnabled: function () { return false; },
                getOrgLcid: function () { return orgLcid; },
                getOrgUniqueName: function () { return orgUniqueName; },
                getQueryStringParameters: queryStringParameters,
                getTimeZoneOffsetMinutes: function () { return -new Date().getTimezoneOffset(); },
                getUserId: function () { return user.userId; },
                getUserLcid: function () { return lcid; },
                getUserName: function () { return user.userName; },
                getUserRoles: roleIds,
                isOnPremises: function () { return level.onPremises; },
                prependOrgName: function (path) { return webapi.orgPath(String(path)); }
            };
            if (level.getVersion) {
                context8.getVersion = function () { return env.orgVersion; };
            }
            return context8;
        }

        var userSettings = {
            userId: user.userId,
            userName: user.userName,
            languageId: lcid,
            isRTL: false,
            isHighContrastEnabled: false,
            isGuidedHelpEnabled: false,
            defaultDashboardId: null,
            transactionCurrencyId: "{0F5E1B6A-3C4D-4E2F-8A9B-7C6D5E4F3A21}",
            getTimeZoneOffsetMinutes: function () { return -new Date().getTimezoneOffset(); },
            dateFormattingInfo: notSupported("userSettings.dateFormattingInfo")
        };
        var securityRoles = user.roles.map(function (role) { return role.id.replace(/[{}]/g, "").toLowerCase(); });
        if (level.online) {
            /* roles (names): Unified Interface online only; securityRoles then deprecated (userSettings page). */
            userSettings.roles = itemCollection(user.roles.map(function (role) {
                return { id: role.id, name: role.name, entityType: role.entityType };
            }));
            Object.defineProperty(userSettings, "securityRoles", {
                enumerable: true,
                configurable: true,
                get: function () {
                    deprecated(env, "userSettings.securityRoles", "userSettings.roles");
                    return securityRoles.slice();
                }
            });
            unsupportedProperty(userSettings, "securityRolePrivileges", "userSettings.securityRolePrivileges");
        } else {
            userSettings.securityRoles = securityRoles;
        }
        var organizationSettings = {
            organizationId: "{B3E1F7A2-9D4C-4B6E-8F1A-5C2D7E9B0A63}",
            uniqueName: orgUniqueName,
            languageId: orgLcid,
            baseCurrencyId: "{0F5E1B6A-3C4D-4E2F-8A9B-7C6D5E4F3A21}",
            defaultCountryCode: "",
            isAutoSaveEnabled: false,
            useSkypeProtocol: false,
            organizationGeo: "local",
            fullNameConventionCode: 0
        };
        if (level.online) {
            organizationSettings.isTrialOrganization = false;
            client.isOffline = function () { return false; };
            client.isNetworkAvailable = function () { return true; };
        } else {
            client.isOffline = function () { return false; };
        }
        var context = {
            client: client,
            userSettings: userSettings,
            organizationSettings: organizationSettings,
            getClientUrl: clientUrl,
            getCurrentAppUrl: function () { return clientUrl() + "/main.aspx"; },
            getVersion: function () { return env.orgVersion; },
            isOnPremises: function () { return level.onPremises; },
            getWebResourceUrl: function (name) { return webapi.orgPath("/WebResources/" + name); },
            getCurrentTheme: function () { return "default"; },
            getAdvancedConfigSetting: notSupported("getGlobalContext().getAdvancedConfigSetting"),
            prependOrgName: function (path) { return webapi.orgPath(String(path)); },
            /* Deprecated v8 members that v9 still answers; each use is recorded. */
            getUserId: deprecatedFn(env, "context.getUserId()", "userSettings.userId", function () { return user.userId; }),
            getUserName: deprecatedFn(env, "context.getUserName()", "userSettings.userName", function () { return user.userName; }),
            getUserLcid: deprecatedFn(env, "context.getUserLcid()", "userSettings.languageId", function () { return lcid; }),
            getUserRoles: deprecatedFn(env, "context.getUserRoles()", "userSettings.roles", function () { return securityRoles.slice(); }),
            getOrgLcid: deprecatedFn(env, "context.getOrgLcid()", "organizationSettings.languageId", function () { return orgLcid; }),
            getOrgUniqueName: deprecatedFn(env, "context.getOrgUniqueName()", "organizationSettings.uniqueName", function () { return orgUniqueName; }),
            getIsAutoSaveEnabled: deprecatedFn(env, "context.getIsAutoSaveEnabled()", "organizationSettings.isAutoSaveEnabled", function () { return false; }),
            getQueryStringParameters: deprecatedFn(env, "context.getQueryStringParameters()", "formContext.data.attributes", queryStringParameters),
            getTimeZoneOffsetMinutes: deprecatedFn(env, "context.getTimeZoneOffsetMinutes()", "userSettings.getTimeZoneOffsetMinutes()", function () {
                return userSettings.getTimeZoneOffsetMinutes();
            })
        };
        if (level.navigateTo) {
            context.getCurrentAppName = function () { return Promise.resolve("Email Marketing (demo)"); };
            context.getCurrentAppProperties = function () {
                return Promise.resolve({ appId: "00000000-0000-0000-0000-000000000000", displayName: "Email Marketing (demo)", uniqueName: "rsub_demo", url: clientUrl() + "/main.aspx" });
            };
        }
        return context;
    }

    /* ------------------------------------------------------------------ RESX strings */

    /** Loads `<name>.<lcid>.resx` for each declared dependency, user language and base language. */
    function loadResources(names, lcids, log) {
        var table = {};
        var jobs = [];
        names.forEach(function (name) {
            table[name] = {};
            lcids.forEach(function (lcid) {
                var url = host.webapi.orgPath("/WebResources/") + name + "." + lcid + ".resx";
                jobs.push(fetch(url, { cache: "no-store" }).then(function (response) {
                    if (!response.ok) {
                        log("resx", "RESX " + name + "." + lcid + ".resx: HTTP " + response.status + " (getResourceString gives null for it)");
                        return;
                    }
                    return response.text().then(function (text) {
                        var doc = new DOMParser().parseFromString(text, "application/xml");
                        if (doc.getElementsByTagName("parsererror").length > 0) {
                            log("error", "RESX " + url + " is not well-formed XML");
                            return;
                        }
                        var strings = {};
                        var data = doc.getElementsByTagName("data");
                        for (var i = 0; i < data.length; i += 1) {
                            var value = data[i].getElementsByTagName("value")[0];
                            strings[data[i].getAttribute("name")] = value ? value.textContent : "";
                        }
                        table[name][lcid] = strings;
                        log("resx", "RESX " + name + "." + lcid + ".resx: " + Object.keys(strings).length + " strings");
                    });
                }, function () { /* network failure: treated as missing */ }));
            });
        });
        return Promise.all(jobs).then(function () { return table; });
    }

    /**
     * What 8.x `Xrm.Page.data.save()` answers: an object whose only documented use is
     * `.then(successCallback, errorCallback)` (CRM 2016 "Xrm.Page.data (client-side reference)",
     * https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/gg334720(v=crm.8)).
     * The demo gives exactly that: no catch/finally, and `then` returns nothing to chain (stricter).
     * The error callback receives `{errorCode, message}`.
     */
    function legacyThenable(promise) {
        promise.then(null, function () { /* answered through the callbacks */ });
        return {
            then: function (successCallback, errorCallback) {
                promise.then(function () {
                    if (typeof successCallback === "function") { successCallback(); }
                }, function (error) {
                    if (typeof errorCallback === "function") { errorCallback(error); }
                });
            }
        };
    }

    /* ------------------------------------------------------------------ web resource windows */

    /**
     * Opens `[/<org>]/WebResources/<name>?data=<encoded>` in a new window, as the platform's
     * openWebResource does. With the setting "The browser blocks pop-ups" the window is refused
     * and `window.open` answers null, as a browser's pop-up blocker does. Returns the window or null.
     */
    function openWebResourceWindow(env, api, name, data, width, height) {
        var url = host.webapi.orgPath("/WebResources/") + String(name) +
            (data !== undefined && data !== null ? "?data=" + encodeURIComponent(String(data)) : "");
        if (env.settings.popupsBlocked) {
            env.log("ui", api + ": the browser blocked the pop-up window " + url + " (window.open answered null)");
            return null;
        }
        var features = "width=" + (Number(width) || 800) + ",height=" + (Number(height) || 600) + ",resizable=yes,scrollbars=yes";
        var opened = window.open(url, "_blank", features);
        env.log("ui", api + ": new window " + url + (opened ? "" : " (window.open answered null)"));
        return opened || null;
    }

    /* ------------------------------------------------------------------ the Xrm namespace */

    function createXrm(env) {
        var globalContext = createGlobalContext(env);
        env.globalContext = globalContext;
        var resources = env.resources || {};

        function getResourceString(webResourceName, key) {
            var name = String(webResourceName).replace(/\.resx$/i, "").replace(/\.\d{4}$/, "");
            var files = resources[name];
            if (!files) {
                env.log("resx", "getResourceString(\"" + webResourceName + "\"): not a declared dependency of the form library: null");
                return null;
            }
            var file = files[globalContext.userSettings.languageId] || files[globalContext.organizationSettings.languageId];
            if (!file || !Object.prototype.hasOwnProperty.call(file, key)) {
                return null;
            }
            return file[key];
        }

        function entityDefinition(entityName) {
            var def = host.formXml[entityName];
            if (!def) {
                return Promise.reject(new Error("not supported in the demo: getEntityMetadata for " + entityName));
            }
            return def;
        }

        var Xrm = {
            Utility: {
                getGlobalContext: function () { return globalContext; },
                getResourceString: getResourceString,
                getEntityMetadata: function (entityName, attributes) {
                    var def = entityDefinition(entityName);
                    if (isThenable(def)) { return def; }
                    var names = Array.isArray(attributes) && attributes.length ? attributes : Object.keys(def.attributes);
                    var list = names.filter(function (n) { return def.attributes[n]; }).map(function (n) {
                        var a = def.attributes[n];
                        var meta = {
                            LogicalName: n,
                            DisplayName: a.label,
                            AttributeType: a.type,
                            RequiredLevel: a.requiredLevel || "none"
                        };
                        if (a.options) { meta.OptionSet = a.options.map(function (o) { return { value: o.value, text: o.text }; }); }
                        return meta;
                    });
                    var collection = itemCollection(list.map(function (m) { m.getName = function () { return m.LogicalName; }; return m; }));
                    return Promise.resolve({
                        LogicalName: entityName,
                        EntitySetName: def.entitySetName,
                        PrimaryIdAttribute: def.primaryIdAttribute,
                        PrimaryNameAttribute: def.primaryNameAttribute,
                        DisplayName: def.displayName,
                        Attributes: collection
                    });
                },
                showProgressIndicator: function (message) { env.view.showProgress(String(message || "")); },
                closeProgressIndicator: function () { env.view.showProgress(null); },
                getPageContext: function () {
                    var form = env.currentForm();
                    return {
                        input: {
                            pageType: "entityrecord",
                            entityName: form ? form.entityName : null,
                            entityId: form ? form.formContext.data.entity.getId() || null : null,
                            formId: form ? form.definition.formId : null
                        }
                    };
                },
                lookupObjects: notSupported("Xrm.Utility.lookupObjects"),
                refreshParentGrid: notSupported("Xrm.Utility.refreshParentGrid"),
                getAllowedStatusTransitions: notSupported("Xrm.Utility.getAllowedStatusTransitions"),
                invokeProcessAction: notSupported("Xrm.Utility.invokeProcessAction"),
                getLearningPathAttributeName: notSupported("Xrm.Utility.getLearningPathAttributeName"),
                openEntityForm: notSupported("Xrm.Utility.openEntityForm (deprecated; use Xrm.Navigation.openForm)"),
                openWebResource: notSupported("Xrm.Utility.openWebResource (deprecated; use Xrm.Navigation.navigateTo)"),
                alertDialog: notSupported("Xrm.Utility.alertDialog (deprecated; use Xrm.Navigation.openAlertDialog)"),
                confirmDialog: notSupported("Xrm.Utility.confirmDialog (deprecated; use Xrm.Navigation.openConfirmDialog)")
            },

            Navigation: {
                openAlertDialog: function (alertStrings, alertOptions) {
                    return env.view.alertDialog(alertStrings || {}, alertOptions || {});
                },
                openConfirmDialog: function (confirmStrings, confirmOptions) {
                    return env.view.confirmDialog(confirmStrings || {}, confirmOptions || {});
                },
                openErrorDialog: function (errorOptions) {
                    return env.view.errorDialog(errorOptions || {});
                },
                navigateTo: function (pageInput, navigationOptions) {
                    var input = pageInput || {};
                    var options = navigationOptions || {};
                    if (input.pageType === "webresource") {
                        if (options.target !== 2) {
                            return Promise.reject(new Error("not supported in the demo: navigateTo a web resource inline (target 1); use target 2"));
                        }
                        if (!input.webresourceName) {
                            return Promise.reject(new Error("navigateTo: pageInput.webresourceName is required"));
                        }
                        return env.view.webResourceDialog(input, options, env.settings.dialogCloses !== false);
                    }
                    if (input.pageType === "entityrecord" && input.entityName && input.entityId && options.target !== 2) {
                        env.navigate(input.entityName, input.entityId);
                        return Promise.resolve();
                    }
                    return Promise.reject(new Error("not supported in the demo: navigateTo pageType " +
                        JSON.stringify(input.pageType) + (options.target === 2 ? " as a dialog" : "")));
                },
                openForm: function (entityFormOptions) {
                    var o = entityFormOptions || {};
                    if (o.entityName && o.entityId && !o.openInNewWindow) {
                        env.navigate(o.entityName, o.entityId);
                        return Promise.resolve({ savedEntityReference: [] });
                    }
                    return Promise.reject(new Error("not supported in the demo: openForm without entityId or in a new window"));
                },
                openUrl: function (url) { window.open(url, "_blank", "noopener"); },
                openFile: notSupported("Xrm.Navigation.openFile"),
                /*
                 * Xrm.Navigation.openWebResource(webResourceName, windowOptions, data): "Opens an HTML web
                 * resource in a new window"; no return value is documented, so none is given (stricter)
                 * (https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-navigation/openwebresource).
                 */
                openWebResource: function (webResourceName, windowOptions, data) {
                    if (!webResourceName) { throw new Error("openWebResource: webResourceName is required"); }
                    var o = windowOptions || {};
                    openWebResourceWindow(env, "Xrm.Navigation.openWebResource", webResourceName, data, o.width, o.height);
                }
            },

            Encoding: {
                htmlEncode: function (s) {
                    return s === null || s === undefined ? s : String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")
                        .replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
                },
                xmlEncode: function (s) {
                    return s === null || s === undefined ? s : String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")
                        .replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
                },
                htmlDecode: notSupported("Xrm.Encoding.htmlDecode"),
                xmlDecode: notSupported("Xrm.Encoding.xmlDecode"),
                htmlAttributeEncode: notSupported("Xrm.Encoding.htmlAttributeEncode"),
                xmlAttributeEncode: notSupported("Xrm.Encoding.xmlAttributeEncode")
            },

            WebApi: {
                retrieveRecord: notSupported("Xrm.WebApi.retrieveRecord (the plugin calls the Web API itself)"),
                retrieveMultipleRecords: notSupported("Xrm.WebApi.retrieveMultipleRecords"),
                createRecord: notSupported("Xrm.WebApi.createRecord"),
                updateRecord: notSupported("Xrm.WebApi.updateRecord"),
                deleteRecord: notSupported("Xrm.WebApi.deleteRecord"),
                isAvailableOffline: notSupported("Xrm.WebApi.isAvailableOffline"),
                online: {
                    execute: notSupported("Xrm.WebApi.online.execute"),
                    executeMultiple: notSupported("Xrm.WebApi.online.executeMultiple")
                },
                offline: {}
            },

            Panel: { loadPanel: notSupported("Xrm.Panel.loadPanel") },
            App: {
                addGlobalNotification: notSupported("Xrm.App.addGlobalNotification"),
                clearGlobalNotification: notSupported("Xrm.App.clearGlobalNotification"),
                sidePanes: {}
            },
            Device: {
                captureAudio: notSupported("Xrm.Device.captureAudio"),
                captureImage: notSupported("Xrm.Device.captureImage"),
                captureVideo: notSupported("Xrm.Device.captureVideo"),
                getBarcodeValue: notSupported("Xrm.Device.getBarcodeValue"),
                getCurrentPosition: notSupported("Xrm.Device.getCurrentPosition"),
                pickFile: notSupported("Xrm.Device.pickFile")
            },
            Mobile: { offline: {} },
            Page: null
        };
        unsupportedProperty(Xrm.App, "sidePanes", "Xrm.App.sidePanes");
        return fitToVersion(env, Xrm);
    }

    /*
     * The 8.x Xrm.Utility ("Xrm.Utility (client-side reference)",
     * https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/jj602956(v=crm.8));
     * deprecated in 9.0 (Xrm.Utility page, "Deprecated methods",
     * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/xrm-utility).
     */
    function legacyUtility(env) {
        return {
            alertDialog: function (message, onCloseCallback) {
                env.view.alertDialog({ text: String(message) }, {}).then(function () {
                    if (typeof onCloseCallback === "function") { onCloseCallback(); }
                });
            },
            confirmDialog: function (message, yesCloseCallback, noCloseCallback) {
                env.view.confirmDialog({ text: String(message) }, {}).then(function (answer) {
                    var callback = answer && answer.confirmed ? yesCloseCallback : noCloseCallback;
                    if (typeof callback === "function") { callback(); }
                });
            },
            /* The demo's tables (esc_emailsuppression, contact) are not activities. */
            isActivityType: function (entityName) { return false; },
            openEntityForm: function (name, id, parameters, windowOptions) {
                if (name && id && !(windowOptions && windowOptions.openInNewWindow)) {
                    env.navigate(name, id);
                    return;
                }
                throw new Error("not supported in the demo: Xrm.Utility.openEntityForm without an id or in a new window");
            },
            openQuickCreate: notSupported("Xrm.Utility.openQuickCreate"),
            /* openWebResource(webResourceName, webResourceData, width, height): a new window; returns it (null when blocked). */
            openWebResource: function (webResourceName, webResourceData, width, height) {
                if (!webResourceName) { throw new Error("Xrm.Utility.openWebResource: webResourceName is required"); }
                return openWebResourceWindow(env, "Xrm.Utility.openWebResource", webResourceName, webResourceData, width, height);
            }
        };
    }

    /** Removes what the org version lacks (absent, not throwing) and marks the 9.x deprecations. */
    function fitToVersion(env, Xrm) {
        var level = env.level;
        var legacy = legacyUtility(env);
        if (!level.v9) {
            /* 8.x: Xrm.Page and the 8.x Xrm.Utility only. */
            return { Page: null, Utility: legacy };
        }
        var replacements = {
            alertDialog: "Xrm.Navigation.openAlertDialog",
            confirmDialog: "Xrm.Navigation.openConfirmDialog",
            isActivityType: "Xrm.Utility.getEntityMetadata",
            openEntityForm: "Xrm.Navigation.openForm",
            openQuickCreate: "Xrm.Navigation.openForm",
            openWebResource: "Xrm.Navigation.openWebResource"
        };
        Object.keys(replacements).forEach(function (name) {
            Xrm.Utility[name] = deprecatedFn(env, "Xrm.Utility." + name + "()", replacements[name], legacy[name]);
        });
        if (!level.navigateTo) {
            /* navigateTo and getPageContext: 9.1 (stricter reading for getPageContext). */
            delete Xrm.Navigation.navigateTo;
            delete Xrm.Utility.getPageContext;
        } else if (level.onPremises) {
            /* On premises navigationOptions.title is not supported: the dialog shows no given title. */
            var navigateTo = Xrm.Navigation.navigateTo;
            Xrm.Navigation.navigateTo = function (pageInput, navigationOptions) {
                var options = Object.assign({}, navigationOptions || {});
                delete options.title;
                return navigateTo(pageInput, options);
            };
        }
        if (!level.online) {
            delete Xrm.App;
        }
        return Xrm;
    }

    /**
     * Puts `Xrm.Page` (the current form) on `Xrm`. On 9.x reading it records the deprecation
     * ("Client API form context", https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/clientapi-form-context).
     */
    function setPage(env, Xrm, page) {
        Object.defineProperty(Xrm, "Page", {
            enumerable: true,
            configurable: true,
            get: function () {
                deprecated(env, "Xrm.Page", "executionContext.getFormContext()");
                return page;
            }
        });
    }

    /* ------------------------------------------------------------------ the form */

    /**
     * Builds one form: attributes, controls, formContext, and its event pipelines.
     * `record` is the Web API JSON of the row (with formatted-value annotations) or null.
     */
    function createForm(env, entityName, definition, record) {
        var log = env.log;
        var attributes = [];
        var controls = [];
        var byAttribute = {};
        var byControl = {};
        var formNotifications = [];
        var onSave = [];
        var onPostSave = [];
        var formOnLoad = [];
        var dataOnLoad = [];
        var recordId = record ? env.webapi.bracedGuid(record[definition.primaryIdAttribute]) : "";
        var etag = record ? record["@odata.etag"] : null;
        var stateValue = record ? record.statecode : 0;
        var saving = null;
        var closed = false;

        function formType() {
            if (!recordId) { return 1; }
            if (stateValue === 1) { return 4; } /* inactive record: Disabled */
            return 2;
        }

        /* ---- attributes ---- */

        function readValue(meta, name, row) {
            if (!row) { return null; }
            var F = env.webapi.FORMATTED;
            switch (meta.type) {
            case "lookup":
                var raw = row[meta.column];
                if (raw === null || raw === undefined) { return null; }
                return [{
                    id: env.webapi.bracedGuid(raw),
                    name: row[meta.column + F] || "",
                    entityType: row[meta.column + "@Microsoft.Dynamics.CRM.lookuplogicalname"] || meta.targets[0]
                }];
            case "datetime":
                return row[name] ? new Date(row[name]) : null;
            case "boolean":
                return row[name] === null || row[name] === undefined ? false : Boolean(row[name]);
            case "optionset":
                if (row[name] === null || row[name] === undefined) { return null; }
                if (row[name + F] && !meta.options.some(function (o) { return o.value === row[name]; })) {
                    meta.options.push({ value: row[name], text: row[name + F] });
                }
                return row[name];
            default:
                return row[name] === undefined ? null : row[name];
            }
        }

        function checkType(attr, value) {
            var type = attr._meta.type;
            var ok = value === null ||
                (type === "string" && typeof value === "string") ||
                (type === "boolean" && typeof value === "boolean") ||
                (type === "optionset" && typeof value === "number" && attr._meta.options.some(function (o) { return o.value === value; })) ||
                (type === "datetime" && isDate(value) && !isNaN(value.getTime())) ||
                (type === "lookup" && Array.isArray(value) && value.every(function (v) { return v && v.id && v.entityType; }));
            if (!ok) {
                throw new Error("setValue(" + JSON.stringify(value) + ") is not a valid value for the " + type +
                    " attribute " + attr._name);
            }
        }

        function copyValue(value) {
            if (isDate(value)) { return new Date(value.getTime()); }
            if (Array.isArray(value)) {
                return value.map(function (v) { return { id: v.id, name: v.name, entityType: v.entityType }; });
            }
            return value;
        }

        function makeAttribute(name, meta) {
            var attr = {
                _name: name,
                _meta: meta,
                _value: readValue(meta, name, record),
                _submitMode: "dirty",
                _required: meta.requiredLevel || "none",
                _onChange: [],
                controls: itemCollection([]),
                getName: function () { return name; },
                getAttributeType: function () { return meta.type; },
                getFormat: function () { return meta.format || null; },
                getValue: function () { return copyValue(attr._value); },
                setValue: function (value) {
                    if (value === undefined) { value = null; }
                    checkType(attr, value);
                    if (meta.type === "string" && meta.maxLength && value && value.length > meta.maxLength) {
                        throw new Error("setValue: " + name + " is limited to " + meta.maxLength + " characters");
                    }
                    attr._value = copyValue(value);
                    renderAttribute(attr);
                },
                getIsDirty: function () { return !sameValue(attr._value, attr._initial); },
                getInitialValue: function () { return copyValue(attr._initial); },
                fireOnChange: function () { fireOnChange(attr); },
                addOnChange: function (handler) {
                    if (typeof handler !== "function") { throw new Error("addOnChange needs a function"); }
                    attr._onChange.push({ fn: handler, name: handler.name || "(anonymous addOnChange handler)", args: [], passContext: true });
                },
                removeOnChange: function (handler) {
                    attr._onChange = attr._onChange.filter(function (h) { return h.fn !== handler; });
                },
                getSubmitMode: function () { return attr._submitMode; },
                setSubmitMode: function (mode) {
                    if (["always", "never", "dirty"].indexOf(mode) < 0) { throw new Error("setSubmitMode: always, never or dirty"); }
                    attr._submitMode = mode;
                },
                getRequiredLevel: function () { return attr._required; },
                setRequiredLevel: function (level) {
                    if (["none", "required", "recommended"].indexOf(level) < 0) { throw new Error("setRequiredLevel: none, required or recommended"); }
                    attr._required = level;
                    renderAttribute(attr);
                },
                getUserPrivilege: function () { return { canRead: true, canUpdate: !meta.readOnly, canCreate: !meta.readOnly }; },
                getParent: function () { return entity; },
                isValid: function () { return !(attr._required === "required" && (attr._value === null || attr._value === "")); },
                setIsValid: notSupported("attribute.setIsValid")
            };
            attr._initial = copyValue(attr._value);
            if (meta.type === "optionset" || meta.type === "boolean") {
                attr.getOptions = function () {
                    return meta.type === "boolean"
                        ? [{ value: 0, text: meta.falseText || "No" }, { value: 1, text: meta.trueText || "Yes" }]
                        : meta.options.map(function (o) { return { value: o.value, text: o.text }; });
                };
            }
            if (meta.type === "optionset") {
                attr.getOption = function (valueOrLabel) {
                    var found = meta.options.filter(function (o) { return o.value === valueOrLabel || o.text === valueOrLabel; })[0];
                    return found ? { value: found.value, text: found.text } : null;
                };
                attr.getSelectedOption = function () { return attr._value === null ? null : attr.getOption(attr._value); };
                attr.getText = function () { var o = attr.getSelectedOption(); return o ? o.text : null; };
            }
            if (meta.type === "string") {
                attr.getMaxLength = function () { return meta.maxLength || 4000; };
            }
            if (meta.type === "lookup") {
                attr.getIsPartyList = function () { return false; };
            }
            return attr;
        }

        function renderAttribute(attr) {
            attr.controls.forEach(function (control) { control._render(); });
            env.view.formChanged(form);
        }

        /* ---- controls ---- */

        function makeControl(def, section) {
            var attr = def.attribute ? byAttribute[def.attribute] : null;
            var type = def.type === "webresource" ? "webresource"
                : attr && attr._meta.type === "lookup" ? "lookup"
                    : attr && (attr._meta.type === "optionset" || attr._meta.type === "boolean") ? (attr._meta.type === "boolean" ? "standard" : "optionset")
                        : "standard";
            var control = {
                _def: def,
                _label: def.label || (attr ? attr._meta.label : def.name),
                _disabled: Boolean(def.disabled || (attr && attr._meta.readOnly)),
                _visible: def.visible !== false,
                _notifications: [],
                _element: null,
                _render: function () { if (control._element) { env.view.renderControl(control); } },
                getName: function () { return def.name; },
                getControlType: function () { return type; },
                getLabel: function () { return control._label; },
                setLabel: function (label) { control._label = String(label); control._render(); },
                getDisabled: function () { return control._disabled || formType() === 4 || formType() === 3; },
                setDisabled: function (disabled) { control._disabled = Boolean(disabled); control._render(); },
                getVisible: function () { return control._visible; },
                setVisible: function (visible) { control._visible = Boolean(visible); control._render(); },
                setFocus: function () { env.view.focusControl(control); },
                getParent: function () { return section; },
                setNotification: function (message, uniqueId) {
                    if (!message) { return false; }
                    upsertNotification(control, { uniqueId: uniqueId === undefined ? "" : String(uniqueId), level: "ERROR", messages: [String(message)], actions: [] });
                    return true;
                },
                clearNotification: function (uniqueId) {
                    var before = control._notifications.length;
                    control._notifications = uniqueId === undefined ? [] : control._notifications.filter(function (n) { return n.uniqueId !== String(uniqueId); });
                    control._render();
                    env.view.formChanged(form);
                    return control._notifications.length !== before;
                },
                addNotification: function (notification) {
                    var n = notification || {};
                    if (!Array.isArray(n.messages) || !n.messages.length || n.uniqueId === undefined) {
                        throw new Error("addNotification needs {messages: string[], uniqueId}");
                    }
                    var level = n.notificationLevel || "ERROR";
                    if (level !== "ERROR" && level !== "RECOMMENDATION") {
                        throw new Error("addNotification: notificationLevel is ERROR or RECOMMENDATION");
                    }
                    upsertNotification(control, { uniqueId: String(n.uniqueId), level: level, messages: n.messages.map(String), actions: Array.isArray(n.actions) ? n.actions : [] });
                }
            };
            if (attr) {
                control.getAttribute = function () { return attr; };
                attr.controls._push(control);
            }
            if (type === "lookup") {
                control.addPreSearch = notSupported("lookup control addPreSearch");
                control.removePreSearch = notSupported("lookup control removePreSearch");
                control.addCustomFilter = notSupported("lookup control addCustomFilter");
                control.addCustomView = notSupported("lookup control addCustomView");
                control.getDefaultView = notSupported("lookup control getDefaultView");
                control.setDefaultView = notSupported("lookup control setDefaultView");
                control.getEntityTypes = function () { return attr._meta.targets.slice(); };
                control.setEntityTypes = notSupported("lookup control setEntityTypes");
            }
            if (type === "optionset") {
                control.addOption = notSupported("option set control addOption");
                control.removeOption = notSupported("option set control removeOption");
                control.clearOptions = notSupported("option set control clearOptions");
            }
            if (type === "webresource") {
                control._available = null; /* decided by the view: true when the web resource exists */
                control._frameReady = null;
                control.getSrc = function () { return env.webapi.orgPath("/WebResources/") + def.src; };
                control.setSrc = notSupported("web resource control setSrc");
                control._frameElement = null; /* set by the view once the iframe exists */
                control.getData = notSupported("web resource control getData");
                control.setData = notSupported("web resource control setData");
                if (env.level.v9) {
                    /* getContentWindow: "supported only on Unified Interface" (Learn,
                     * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/controls/getcontentwindow),
                     * so 9.0 on. getObject is left out on 9.x (stricter: our library does not need it). */
                    control.getObject = notSupported("web resource control getObject (Silverlight-era API)");
                    control.getContentWindow = function () {
                        if (!control._frameReady) {
                            return Promise.reject(new Error("web resource control " + def.name + " is not on the page"));
                        }
                        return control._frameReady;
                    };
                } else {
                    /* 8.x (legacy web client): no getContentWindow; getObject returns the control's
                     * IFRAME element (Learn, "getObject (Client API reference)", and the 8.x SDK's
                     * Xrm.Page.ui control methods), which may still be loading its page. */
                    control.getObject = function () { return control._frameElement; };
                }
            }
            return control;
        }

        function upsertNotification(control, notification) {
            control._notifications = control._notifications.filter(function (n) { return n.uniqueId !== notification.uniqueId; });
            control._notifications.push(notification);
            control._render();
            env.view.formChanged(form);
        }

        /* ---- event plumbing ---- */

        function makeExecutionContext(eventSource, eventArgs) {
            var shared = {};
            var ctx = {
                _depth: 0,
                _handler: null,
                getEventArgs: function () { return eventArgs; },
                getEventSource: function () { return eventSource; },
                getDepth: function () { return ctx._depth; },
                getContext: function () { return env.globalContext; },
                getSharedVariable: function (key) { return shared[key]; },
                setSharedVariable: function (key, value) { shared[key] = value; }
            };
            if (env.level.v9) {
                /* getFormContext: 9.0 ("Client API execution context"). */
                ctx.getFormContext = function () { return formContext; };
            }
            return ctx;
        }

        function formXmlHandlers(eventName, attributeName) {
            /* eventName: the FormXml event name (onload, onsave, onchange). */
            var out = [];
            (definition.events || []).forEach(function (event) {
                if (event.name !== eventName || (attributeName && event.attribute !== attributeName)) { return; }
                (event.handlers || []).forEach(function (h) {
                    if (h.enabled === false) { return; }
                    if (env.missingLibraries && env.missingLibraries[h.libraryName]) {
                        log("warn", eventName + ": " + h.functionName + " skipped: its library " + h.libraryName + " did not load");
                        return;
                    }
                    var args;
                    try {
                        args = parseParameters(h.parameters);
                    } catch (error) {
                        args = error;
                    }
                    out.push({ formXml: h, name: h.functionName, args: args, passContext: h.passExecutionContext === true });
                });
            });
            return out;
        }

        function scriptError(handlerName, eventName, error) {
            var detail = describeError(error);
            log("error", eventName + ": " + handlerName + " failed: " + detail);
            env.view.errorDialog({
                title: "Script Error",
                message: "One of the scripts for this record has caused an error. For more details, see the details below.",
                details: "Event: " + eventName + "\nHandler: " + handlerName + "\n" + detail + (error && error.stack ? "\n\n" + error.stack : "")
            });
        }

        /**
         * Runs handlers in order. Each gets a synchronous phase (`ctx._sync`) in which
         * preventDefault/disableAsyncTimeout/preventDefaultOnError count; a returned promise is
         * awaited (10 s unless disableAsyncTimeout) only when the async switch for the event is on.
         * `options.markCall` names a User Timing mark put right before the first handler is called.
         */
        function runHandlers(eventName, handlers, ctx, options) {
            var index = 0;
            function next() {
                if (index >= handlers.length) { return Promise.resolve(); }
                var h = handlers[index];
                ctx._depth = index;
                index += 1;
                var state = { sync: true, preventOnError: false, noTimeout: false };
                ctx._handler = state;
                var fn = h.fn || resolveFunction(h.name, env.scriptWindow ? env.scriptWindow() : window);
                if (!fn) {
                    var missing = new Error("Web resource method does not exist: " + h.name);
                    missing.name = "ReferenceError";
                    scriptError(h.name, eventName, missing);
                    state.sync = false;
                    return next();
                }
                if (h.args instanceof Error) {
                    scriptError(h.name, eventName, h.args);
                    state.sync = false;
                    return next();
                }
                log("event", eventName + ": calling " + h.name + (h.formXml ? " (FormXml, passExecutionContext=" + h.passContext + ", " + h.args.length + " parameter(s))" : ""));
                var result;
                if (options.markCall) {
                    /* User Timing mark for `cargo xtask bench`: the instant the first handler is called. */
                    performance.mark(options.markCall);
                    options.markCall = null;
                }
                try {
                    result = h.passContext ? fn.apply(null, [ctx].concat(h.args)) : fn.apply(null, h.args);
                } catch (error) {
                    state.sync = false;
                    onFailure(h, state, error);
                    return next();
                }
                state.sync = false;
                if (!isThenable(result)) { return next(); }
                if (!options.async) {
                    log("warn", eventName + ": " + h.name + " returned a promise; the async " + eventName + " switch is off, so it is not awaited");
                    Promise.resolve(result).catch(function (error) { scriptError(h.name, eventName, error); });
                    return next();
                }
                log("event", eventName + ": awaiting the promise from " + h.name + (state.noTimeout ? " (no timeout: disableAsyncTimeout)" : " (10 s limit)"));
                return new Promise(function (resolve) {
                    var timer = null;
                    var done = false;
                    function finish(error) {
                        if (done) { return; }
                        done = true;
                        if (timer !== null) { clearTimeout(timer); }
                        if (error !== undefined) { onFailure(h, state, error); }
                        resolve();
                    }
                    if (!state.noTimeout) {
                        timer = setTimeout(function () {
                            var timeout = new Error("The promise returned by " + h.name + " did not settle within 10 seconds");
                            timeout.name = "TimeoutError";
                            finish(timeout);
                        }, ASYNC_LIMIT_MS);
                    }
                    Promise.resolve(result).then(function () { finish(); }, function (error) {
                        finish(error === undefined ? new Error("promise rejected without a reason") : error);
                    });
                }).then(next);
            }
            function onFailure(h, state, error) {
                scriptError(h.name, eventName, error);
                if (state.preventOnError && options.onErrorPrevent) {
                    options.onErrorPrevent(h.name);
                }
            }
            return next();
        }

        function fireOnChange(attr) {
            var handlers = formXmlHandlers("onchange", attr._name).concat(attr._onChange);
            if (!handlers.length) { return; }
            log("event", "OnChange of " + attr._name);
            var ctx = makeExecutionContext(attr, null);
            runHandlers("OnChange", handlers, ctx, { async: false });
        }

        function fireLoad(kind, dataLoadState) {
            var handlers = kind === "form" ? formXmlHandlers("onload").concat(formOnLoad) : dataOnLoad.slice();
            var eventName = kind === "form" ? "OnLoad" : "data OnLoad";
            if (!handlers.length) { return Promise.resolve(); }
            log("event", eventName + " (getDataLoadState() = " + dataLoadState + ")");
            var args = { getDataLoadState: function () { return dataLoadState; } };
            var ctx = makeExecutionContext(kind === "form" ? formContext : formContext.data, args);
            return runHandlers(eventName, handlers, ctx, {
                async: kind === "form" ? env.settings.asyncOnLoad && env.level.online : false,
                markCall: kind === "form" ? "demo:onload-call" : null
            });
        }

        /* ---- saving ---- */

        function saveError(errorCode, message) {
            return { errorCode: errorCode, message: message };
        }

        function changesToSubmit() {
            var body = {};
            var names = [];
            attributes.forEach(function (attr) {
                if (attr._meta.readOnly) { return; }
                var submit = attr._submitMode === "always" || (attr._submitMode === "dirty" && attr.getIsDirty());
                if (!submit) { return; }
                names.push(attr._name);
                var v = attr._value;
                switch (attr._meta.type) {
                case "lookup":
                    var target = v && v[0] ? host.formXml[v[0].entityType] : null;
                    body[attr._name + "@odata.bind"] = v && v[0]
                        ? "/" + (target ? target.entitySetName : v[0].entityType + "s") + "(" + env.webapi.bareGuid(v[0].id) + ")"
                        : null;
                    break;
                case "datetime":
                    body[attr._name] = v ? v.toISOString().replace(/\.\d{3}Z$/, "Z") : null;
                    break;
                default:
                    body[attr._name] = v;
                }
            });
            return { body: body, names: names };
        }

        function blockingReason() {
            var blocked = [];
            controls.forEach(function (control) {
                if (control._notifications.some(function (n) { return n.level === "ERROR"; })) {
                    blocked.push(control.getLabel() + ": " + control._notifications.filter(function (n) { return n.level === "ERROR"; })
                        .map(function (n) { return n.messages.join(" "); }).join(" "));
                }
            });
            attributes.forEach(function (attr) {
                if (attr._required === "required" && (attr._value === null || attr._value === "")) {
                    blocked.push(attr._meta.label + ": a required field cannot be empty.");
                }
            });
            return blocked;
        }

        function firePostSave(success, errorInfo) {
            var handlers = onPostSave.slice();
            if (!handlers.length) { return Promise.resolve(); }
            log("event", "PostSave (getIsSaveSuccess() = " + success + ")");
            var args = {
                getIsSaveSuccess: function () { return success; },
                getSaveErrorInfo: function () { return errorInfo; },
                getEntityReference: function () { return entity.getEntityReference(); }
            };
            /* PostSave exists only where addOnPostSave does (9.2 online), so these args are online-only too. */
            return runHandlers("PostSave", handlers, makeExecutionContext(entity, args), { async: false });
        }

        /** The save pipeline: OnSave handlers, checks, PATCH with If-Match, reload, PostSave. */
        /**
         * `closeAfter`: close the form after a successful save. Only the Save & Close command and
         * the deprecated `data.entity.save("saveandclose")` do; `formContext.data.save({saveMode: 2})`
         * does not ("setting the saveMode does not actually take the corresponding action",
         * https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/formcontext-data/save).
         */
        function save(saveMode, origin, closeAfter) {
            if (saving) {
                log("save", "save requested while a save is running: joins the running save");
                return saving;
            }
            if (closed) { return Promise.reject(saveError(-1, "The form is closed.")); }
            if (!recordId) {
                return Promise.reject(saveError(-1, "not supported in the demo: creating records (open an existing record)"));
            }
            if (formType() === 4 || formType() === 3) {
                var ro = saveError(-2147220891, "This record is read-only (it is inactive), so it cannot be saved.");
                ui.setFormNotification(ro.message, "WARNING", "demo.readonly");
                return Promise.reject(ro);
            }
            log("save", "save requested by " + origin + " (save mode " + saveMode + ")");
            var prevented = null;
            var eventArgs = {
                getSaveMode: function () { return saveMode; },
                isDefaultPrevented: function () { return prevented !== null; },
                preventDefault: function () {
                    if (ctx._handler && ctx._handler.sync) {
                        if (prevented === null) { prevented = "preventDefault() in handler " + ctx._depth; }
                        log("save", "preventDefault() called synchronously: the save is cancelled (other handlers still run)");
                    } else {
                        log("warn", "preventDefault() called after the handler returned: ignored, as in Dynamics");
                    }
                },
                preventDefaultOnError: function () {
                    if (ctx._handler) { ctx._handler.preventOnError = true; }
                },
                disableAsyncTimeout: function () {
                    if (ctx._handler && ctx._handler.sync) {
                        ctx._handler.noTimeout = true;
                    } else {
                        log("warn", "disableAsyncTimeout() called after the handler returned: ignored (call it before the first await)");
                    }
                },
                getEntityReference: function () { return entity.getEntityReference(); }
            };
            if (!env.level.online) {
                /*
                 * Not on premises (Learn's on-premises exception list) and not before the async
                 * OnSave support (2021): absent on 8.x, 9.0 and 9.1.
                 */
                delete eventArgs.preventDefaultOnError;
                delete eventArgs.disableAsyncTimeout;
                delete eventArgs.getEntityReference;
            }
            var ctx = makeExecutionContext(entity, eventArgs);
            env.view.setSaving(true);
            saving = runHandlers("OnSave", formXmlHandlers("onsave").concat(onSave), ctx, {
                async: env.settings.asyncOnSave && env.level.online,
                onErrorPrevent: function (name) {
                    if (prevented === null) { prevented = "preventDefaultOnError() in " + name; }
                    log("save", "the save is cancelled: " + name + " failed after preventDefaultOnError()");
                }
            }).then(function () {
                if (prevented !== null) {
                    log("save", "save cancelled (" + prevented + ")");
                    throw saveError(-1, "The save was cancelled by an OnSave handler.");
                }
                var blocked = blockingReason();
                if (blocked.length) {
                    log("save", "save blocked: " + blocked.join(" | "));
                    ui.setFormNotification("The record could not be saved: " + blocked.join(" "), "ERROR", "demo.blocked");
                    throw saveError(-1, "Fix the errors on the form before saving: " + blocked.join(" "));
                }
                ui.clearFormNotification("demo.blocked");
                var changes = changesToSubmit();
                if (!changes.names.length) {
                    log("save", "nothing to submit: no request sent");
                    return null;
                }
                log("save", "PATCH " + definition.entitySetName + "(" + env.webapi.bareGuid(recordId) + ") If-Match " + etag + " " + JSON.stringify(changes.body));
                return env.webapi.update(definition.entitySetName, recordId, changes.body, etag).then(function (response) {
                    log("save", "PATCH answered " + response.status);
                    return reload();
                }, function (error) {
                    log("error", "PATCH failed: HTTP " + error.status + " " + error.code + " " + error.message);
                    var info = saveError(error.errorCode, error.message);
                    env.view.errorDialog({ title: "Unable to save", message: error.message, errorCode: error.errorCode,
                        details: "HTTP " + error.status + (error.code ? ", error code " + error.code : "") });
                    return firePostSave(false, info).then(function () { throw info; });
                }).then(function () { return "saved"; });
            }).then(function (outcome) {
                saving = null;
                env.view.setSaving(false);
                if (outcome === "saved" && env.afterSave) { env.afterSave(); }
                var after = outcome === "saved" ? fireLoad("data", 2) : Promise.resolve();
                return after.then(function () { return firePostSave(true, null); }).then(function () {
                    log("save", "save completed" + (outcome === "saved" ? "" : " (nothing changed)"));
                    if (closeAfter === true) { formContext.ui.close(); }
                });
            }, function (error) {
                saving = null;
                env.view.setSaving(false);
                throw error;
            });
            return saving;
        }

        function applyRecord(row) {
            record = row;
            etag = row["@odata.etag"];
            stateValue = row.statecode;
            attributes.forEach(function (attr) {
                attr._value = readValue(attr._meta, attr._name, row);
                attr._initial = copyValue(attr._value);
            });
            controls.forEach(function (control) { control._render(); });
            env.view.formChanged(form);
        }

        function columns() {
            var cols = [];
            Object.keys(definition.attributes).forEach(function (name) {
                var meta = definition.attributes[name];
                cols.push(meta.type === "lookup" ? meta.column : name);
            });
            return cols;
        }

        function reload() {
            return env.webapi.retrieve(definition.entitySetName, recordId, columns()).then(function (row) {
                log("data", "record reloaded, etag " + row["@odata.etag"]);
                applyRecord(row);
                return row;
            });
        }

        /* ---- formContext ---- */

        var entity = {
            attributes: itemCollection(attributes),
            getId: function () { return recordId; },
            getEntityName: function () { return entityName; },
            getEntityReference: function () {
                return { entityType: entityName, id: recordId, name: entity.getPrimaryAttributeValue() };
            },
            getPrimaryAttributeValue: function () {
                var attr = byAttribute[definition.primaryNameAttribute];
                return attr ? attr._value : null;
            },
            getIsDirty: function () { return attributes.some(function (a) { return a.getIsDirty(); }); },
            isValid: function () { return attributes.every(function (a) { return a.isValid(); }); },
            getDataXml: notSupported("formContext.data.entity.getDataXml"),
            save: function (saveOption) {
                /* Deprecated in 9.0 for formContext.data.save ("entity.save (Client API reference)",
                   https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/formcontext-data-entity/save). */
                deprecated(env, "formContext.data.entity.save(" + (saveOption === undefined ? "" : JSON.stringify(saveOption)) + ")",
                    "formContext.data.save(), then close the form with formContext.ui.close");
                var mode = saveOption === "saveandclose" ? 2 : saveOption === "saveandnew" ? 59 : 1;
                if (mode === 59) { throw new Error("not supported in the demo: save(\"saveandnew\") (no Create form)"); }
                save(mode, "formContext.data.entity.save()", mode === 2).catch(function () { /* shown on the form */ });
            },
            addOnSave: function (handler) { onSave.push({ fn: handler, name: handler.name || "(addOnSave handler)", args: [], passContext: true }); },
            removeOnSave: function (handler) { onSave = onSave.filter(function (h) { return h.fn !== handler; }); },
            addOnPostSave: function (handler) { onPostSave.push({ fn: handler, name: handler.name || "(addOnPostSave handler)", args: [], passContext: true }); },
            removeOnPostSave: function (handler) { onPostSave = onPostSave.filter(function (h) { return h.fn !== handler; }); }
        };

        if (!env.level.online) {
            /* addOnPostSave/removeOnPostSave: not on premises, and newer than 9.1 (README). */
            delete entity.addOnPostSave;
            delete entity.removeOnPostSave;
        }

        var tabs = [];
        var ui = {
            tabs: itemCollection(tabs),
            controls: itemCollection(controls),
            getFormType: function () { return formType(); },
            setFormNotification: function (message, level, uniqueId) {
                if (["ERROR", "WARNING", "INFO"].indexOf(level) < 0 || !message) { return false; }
                formNotifications = formNotifications.filter(function (n) { return n.uniqueId !== String(uniqueId); });
                formNotifications.push({ uniqueId: String(uniqueId), level: level, message: String(message) });
                env.view.renderFormNotifications(formNotifications);
                return true;
            },
            clearFormNotification: function (uniqueId) {
                var before = formNotifications.length;
                formNotifications = formNotifications.filter(function (n) { return n.uniqueId !== String(uniqueId); });
                env.view.renderFormNotifications(formNotifications);
                return formNotifications.length !== before;
            },
            close: function () {
                closed = true;
                log("ui", "formContext.ui.close()");
                env.view.closeForm(form);
            },
            refreshRibbon: function () { /* the demo command bar has no enable rules to re-evaluate */ },
            getViewPortHeight: function () { return window.innerHeight; },
            getViewPortWidth: function () { return window.innerWidth; },
            addOnLoad: function (handler) { formOnLoad.push({ fn: handler, name: handler.name || "(ui.addOnLoad handler)", args: [], passContext: true }); },
            removeOnLoad: function (handler) { formOnLoad = formOnLoad.filter(function (h) { return h.fn !== handler; }); },
            setFormEntityName: notSupported("formContext.ui.setFormEntityName")
        };
        (env.level.online ? ["formSelector", "navigation", "process", "quickForms", "headerSection", "footerSection"]
            : ["formSelector", "navigation", "process", "quickForms", "footerSection"]).forEach(function (name) {
            unsupportedProperty(ui, name, "formContext.ui." + name);
        });

        var data = {
            entity: entity,
            attributes: itemCollection([]),
            getIsDirty: function () { return entity.getIsDirty(); },
            isValid: function () { return entity.isValid(); },
            save: function (saveOptions) {
                var mode = saveOptions && typeof saveOptions.saveMode === "number" ? saveOptions.saveMode : 1;
                var result;
                if (!entity.getIsDirty() && recordId) {
                    log("save", "formContext.data.save(): no unsaved data, so OnSave does not fire");
                    result = Promise.resolve();
                } else {
                    if (mode === 2) {
                        log("save", "formContext.data.save({saveMode: 2}): OnSave sees Save & Close, but the form stays open (the mode's action is not taken)");
                    }
                    result = save(mode, "formContext.data.save()", false);
                }
                return env.level.v9 ? result : legacyThenable(result);
            },
            refresh: function (saveFirst) {
                var first = saveFirst && entity.getIsDirty() ? save(1, "formContext.data.refresh(true)") : Promise.resolve();
                return first.then(function () {
                    return reload();
                }).then(function () { return fireLoad("data", 3); }).then(function () { return undefined; });
            },
            addOnLoad: function (handler) { dataOnLoad.push({ fn: handler, name: handler.name || "(data.addOnLoad handler)", args: [], passContext: true }); },
            removeOnLoad: function (handler) { dataOnLoad = dataOnLoad.filter(function (h) { return h.fn !== handler; }); }
        };
        unsupportedProperty(data, "process", "formContext.data.process");

        var formContext = {
            data: data,
            ui: ui,
            getAttribute: function (arg) {
                if (arg === undefined) { return attributes.slice(); }
                if (typeof arg === "number") { return attributes[arg] || null; }
                if (typeof arg === "function") { return attributes.filter(function (a, i) { return arg(a, i); }); }
                return byAttribute[arg] || null;
            },
            getControl: function (arg) {
                if (arg === undefined) { return controls.slice(); }
                if (typeof arg === "number") { return controls[arg] || null; }
                if (typeof arg === "function") { return controls.filter(function (c, i) { return arg(c, i); }); }
                return byControl[arg] || null;
            }
        };

        /* ---- build ---- */

        Object.keys(definition.attributes).forEach(function (name) {
            var attr = makeAttribute(name, definition.attributes[name]);
            attributes.push(attr);
            byAttribute[name] = attr;
        });
        (definition.header || []).forEach(function (name) {
            var c = makeControl({ name: "header_" + name, attribute: name, header: true, disabled: true }, null);
            controls.push(c);
            byControl[c.getName()] = c;
        });
        definition.tabs.forEach(function (tabDef) {
            var sections = [];
            var tab = {
                _visible: true, _label: tabDef.label, _def: tabDef,
                sections: itemCollection(sections),
                getName: function () { return tabDef.name; },
                getLabel: function () { return tab._label; },
                setLabel: function (label) { tab._label = String(label); },
                getVisible: function () { return tab._visible; },
                setVisible: function (v) { tab._visible = Boolean(v); },
                getDisplayState: function () { return "expanded"; },
                setDisplayState: function () { /* single tab: always expanded */ },
                setFocus: function () { },
                getParent: function () { return formContext.ui; },
                addTabStateChange: notSupported("tab.addTabStateChange"),
                removeTabStateChange: notSupported("tab.removeTabStateChange")
            };
            tabDef.sections.forEach(function (sectionDef) {
                var sectionControls = [];
                var section = {
                    _visible: true, _def: sectionDef,
                    controls: itemCollection(sectionControls),
                    getName: function () { return sectionDef.name; },
                    getLabel: function () { return sectionDef.label; },
                    getVisible: function () { return section._visible; },
                    setVisible: function (v) { section._visible = Boolean(v); env.view.renderSection(section); },
                    getParent: function () { return tab; }
                };
                sectionDef.controls.forEach(function (controlDef) {
                    var c = makeControl(controlDef, section);
                    controls.push(c);
                    sectionControls.push(c);
                    byControl[c.getName()] = c;
                });
                sections.push(section);
            });
            tabs.push(tab);
        });

        var form = {
            entityName: entityName,
            definition: definition,
            formContext: formContext,
            attributes: attributes,
            controls: controls,
            tabs: tabs,
            record: function () { return record; },
            isSaving: function () { return saving !== null; },
            /** Called by the view when the user edits a field: set, then fire OnChange. */
            userSetValue: function (attr, value) {
                attr.setValue(value);
                fireOnChange(attr);
            },
            save: save,
            fireFormOnLoad: function () {
                return fireLoad("form", 1).then(function () { return fireLoad("data", 1); });
            },
            runAction: function (control, notification, action) {
                log("ui", "notification action \"" + (action.message || "Apply") + "\" on " + control.getName());
                (action.actions || []).forEach(function (fn) {
                    try { fn(); } catch (error) { scriptError("notification action", "control notification", error); }
                });
                control.clearNotification(notification.uniqueId);
            },
            dismissNotification: function (control, notification) {
                control.clearNotification(notification.uniqueId);
            },
            dismissFormNotification: function (uniqueId) {
                formContext.ui.clearFormNotification(uniqueId);
            }
        };
        return form;
    }

    host.xrm = {
        createXrm: createXrm,
        setPage: setPage,
        clientApiLevel: clientApiLevel,
        createForm: createForm,
        loadResources: loadResources,
        parseParameters: parseParameters,
        resolveFunction: resolveFunction,
        itemCollection: itemCollection,
        USERS: USERS,
        ASYNC_LIMIT_MS: ASYNC_LIMIT_MS
    };
})(window.DemoHost = window.DemoHost || {});
