/*
 * The demo host's own calls: the Dataverse Web API (as the platform itself would make them to
 * show the form) and the emulator's control endpoints (the side panel). The plugin under test
 * makes its own requests; nothing here is shared with it.
 */
(function (host) {
    "use strict";

    /*
     * Every URL of the organization is built from the client URL: `location.origin` online,
     * `location.origin + "/<org>"` on premises (docs/platform.md; Learn: "Compose HTTP requests and
     * handle errors", https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
     * "the Web API URL is [organization URI]/api/data/v9.2/"). ORG_PATH is "" or "/<org>".
     * API is the highest Web API version the org serves (see apiFor), under the client URL.
     */
    var ORG_PATH = "";
    var API_VERSION = "v9.2";
    var API = window.location.origin + "/api/data/v9.2/";
    var HOST_HEADER = "X-Demo-Host";
    var ANNOTATIONS = "odata.include-annotations=\"*\"";
    var FORMATTED = "@OData.Community.Display.V1.FormattedValue";

    /** An Error carrying the HTTP status and the Dataverse error code (`0x…`). */
    function dataverseError(status, code, message) {
        var error = new Error(message);
        error.name = "DataverseError";
        error.status = status;
        error.code = code || "";
        var numeric = /^0x[0-9a-f]+$/i.test(error.code) ? parseInt(error.code, 16) : status;
        error.errorCode = numeric;
        return error;
    }

    function odataHeaders(hasBody, extra) {
        var headers = {
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0"
        };
        if (hasBody) {
            headers["Content-Type"] = "application/json; charset=utf-8";
        }
        Object.keys(extra || {}).forEach(function (name) { headers[name] = extra[name]; });
        return headers;
    }

    function send(method, url, body, headers) {
        var init = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
        if (body !== undefined) {
            init.body = JSON.stringify(body);
        }
        return fetch(url, init).then(function (response) {
            return response.text().then(function (text) {
                var json = null;
                if (text) {
                    try { json = JSON.parse(text); } catch (ignored) { json = null; }
                }
                if (!response.ok) {
                    var error = json && json.error ? json.error : null;
                    var message = error && error.message ? String(error.message)
                        : "HTTP " + response.status + " " + response.statusText + " from " + method + " " + url;
                    throw dataverseError(response.status, error ? error.code : "", message);
                }
                return { status: response.status, headers: response.headers, body: json, text: text };
            });
        }, function (networkError) {
            throw dataverseError(0, "", "The emulator did not answer " + method + " " + url +
                " (" + networkError.message + "). Is it running?");
        });
    }

    /**
     * A Web API request of the host's own with the headers Dataverse requires, and
     * `X-Demo-Host`, so the emulator's request log tells the host's reads from the plugin's.
     */
    function webApi(method, path, body, extra) {
        if (API === null) {
            return Promise.reject(dataverseError(404, "", "This organization version has no Web API (Dynamics CRM 2015 and earlier have only the OData v2 endpoint)."));
        }
        var headers = odataHeaders(body !== undefined, extra);
        headers[HOST_HEADER] = "1";
        return send(method, API + path, body, headers);
    }

    /**
     * The highest Web API version an org serves: its own major.minor, capped at v9.2 (8.0 → v8.0,
     * 8.1 → v8.1, 8.2 → v8.2, 9.0 → v9.0, 9.1 → v9.1, 9.2 and later → v9.2); null before 8.0
     * (CRM 2015 and earlier have no Web API). Unknown → v9.2.
     * Learn: "Web API versions" https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-versions
     */
    function versionFor(orgVersion) {
        var parts = String(orgVersion || "").split(".");
        var major = parseInt(parts[0], 10);
        var minor = parseInt(parts[1], 10);
        if (isNaN(major)) { return "v9.2"; }
        if (isNaN(minor)) { minor = 0; }
        if (major < 8) { return null; }
        if (major === 8) { return "v8." + Math.min(minor, 2); }
        if (major === 9) { return "v9." + Math.min(minor, 2); }
        return "v9.2";
    }

    function apiFor(orgVersion) {
        var version = versionFor(orgVersion);
        return version === null ? null : window.location.origin + ORG_PATH + "/api/data/" + version + "/";
    }

    /** "" or "/<org>" from a page path like `/contoso/main.aspx`. */
    function orgPathOf(pathname) {
        var m = /^\/([^\/]+)\/main\.aspx$/i.exec(String(pathname || ""));
        return m ? "/" + m[1] : "";
    }

    /** GUID in URL form: no braces, lower case. Throws on anything else. */
    function bareGuid(id) {
        var bare = String(id || "").replace(/[{}]/g, "").toLowerCase();
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(bare)) {
            throw new Error("Not a GUID: " + id);
        }
        return bare;
    }

    /** GUID in the form the Client API returns: braces, upper case. */
    function bracedGuid(id) {
        return "{" + bareGuid(id).toUpperCase() + "}";
    }

    function emulator(method, path, body) {
        var headers = { "Accept": "application/json" };
        if (body !== undefined) {
            headers["Content-Type"] = "application/json";
        }
        return send(method, "/_emulator/" + path, body, headers).then(function (result) {
            return result.body;
        });
    }

    /** Finds every object holding `key` anywhere in a JSON value (for `/_emulator/state`). */
    function collect(value, key, out) {
        if (Array.isArray(value)) {
            value.forEach(function (item) { collect(item, key, out); });
        } else if (value && typeof value === "object") {
            if (Object.prototype.hasOwnProperty.call(value, key)) {
                out.push(value);
            } else {
                Object.keys(value).forEach(function (name) { collect(value[name], key, out); });
            }
        }
        return out;
    }

    host.webapi = {
        FORMATTED: FORMATTED,
        bareGuid: bareGuid,
        bracedGuid: bracedGuid,
        dataverseError: dataverseError,

        /** Picks the Web API version for the org (call before anything else; after useOrganization). */
        useOrgVersion: function (orgVersion) {
            API_VERSION = versionFor(orgVersion);
            API = apiFor(orgVersion);
            return API;
        },

        /** The Web API version in use (`v9.2`…`v8.0`) or null. */
        apiVersion: function () { return API_VERSION; },

        /** Sets the on-premises organization name ("" = online); every org URL gets `/<org>`. */
        useOrganization: function (organization) {
            ORG_PATH = organization ? "/" + organization : "";
        },

        /** The organization name this page was opened under ("" online), from its path. */
        organizationOfPage: function () {
            return orgPathOf(window.location.pathname).slice(1);
        },

        /** `location.origin` online, `location.origin + "/<org>"` on premises. */
        clientUrl: function () { return window.location.origin + ORG_PATH; },

        /** A path of the organization (`/main.aspx`, `/WebResources/…`) under its client URL. */
        orgPath: function (path) { return ORG_PATH + path; },

        versionFor: versionFor,

        /** Reads a row from `/_emulator/state` (used when the org has no Web API). */
        retrieveFromState: function (primaryIdAttribute, id) {
            var bare = bareGuid(id);
            return emulator("GET", "state").then(function (state) {
                var row = collect(state, primaryIdAttribute, []).filter(function (r) {
                    return String(r[primaryIdAttribute]).toLowerCase() === bare;
                })[0];
                if (!row) { throw dataverseError(404, "", "No row " + bare + " in the emulator state."); }
                return row;
            });
        },

        retrieveVersion: function () {
            return webApi("GET", "RetrieveVersion()").then(function (r) { return r.body.Version; });
        },

        retrieve: function (entitySet, id, columns) {
            return webApi("GET", entitySet + "(" + bareGuid(id) + ")?$select=" + columns.join(","), undefined,
                { "Prefer": ANNOTATIONS, "If-None-Match": "null" }).then(function (r) { return r.body; });
        },

        update: function (entitySet, id, changes, etag) {
            var extra = { "If-Match": etag || "*" };
            return webApi("PATCH", entitySet + "(" + bareGuid(id) + ")", changes, extra);
        },

        /** The suppression list for the record picker: Web API first, then the emulator's state dump. */
        listRecords: function (definition) {
            var columns = definition.pickerColumns;
            return webApi("GET", definition.entitySetName + "?$select=" + columns.join(","), undefined,
                { "Prefer": ANNOTATIONS, "If-None-Match": "null" })
                .then(function (r) { return { source: "Web API", records: r.body.value || [] }; })
                .catch(function (error) {
                    return emulator("GET", "state").then(function (state) {
                        return {
                            source: "/_emulator/state (the list endpoint answered: " + error.message + ")",
                            records: collect(state, definition.primaryIdAttribute, [])
                        };
                    });
                });
        },

        notesOf: function (contactId) {
            return webApi("GET", "annotations?$select=subject,notetext,createdon&$filter=_objectid_value eq " +
                bareGuid(contactId) + "&$orderby=createdon desc", undefined,
                { "Prefer": ANNOTATIONS, "If-None-Match": "null" }).then(function (r) { return r.body.value || []; });
        },

        request: webApi,
        emulator: emulator
    };
})(window.DemoHost = window.DemoHost || {});
