/*
 * The form definitions, written the way FormXml registers them (the same vocabulary:
 * formLibraries/Library, events/event/Handlers/Handler with functionName, libraryName,
 * handlerUniqueId, enabled, parameters, passExecutionContext). The demo host reads this and
 * nothing else to decide which script to load and which global functions to call.
 *
 * Logical names are the emulator's (assumed) connector names; change them here to try a
 * different mapping. The handler `parameters` string is what a customizer types into the
 * handler's "Comma separated list of parameters" box: JavaScript literals, passed after the
 * execution context. (Dynamics evaluates it as code; the demo parses literals only.)
 */
(function (host) {
    "use strict";

    var LIBRARY = "rsub_/resubscribe/form.js";
    /* The Contact form has its own library: only the history handler. */
    var CONTACT_LIBRARY = "rsub_/resubscribe/contact.js";

    /** The field mapping a customizer passes to the plugin: one single-quoted JSON string. */
    var MAPPING = "'" + JSON.stringify({
        email: "esc_emailaddress",
        reason: "esc_reason",
        requestResubscribe: "esc_requestresubscribe",
        requestDate: "esc_resubscriberequestdate",
        contact: "esc_contactid"
    }) + "'";

    function handler(functionName, id) {
        return {
            functionName: functionName,
            libraryName: LIBRARY,
            handlerUniqueId: id,
            enabled: true,
            parameters: MAPPING,
            passExecutionContext: true
        };
    }

    var REASONS = [
        "Unsubscribed", "Suppressed", "Hard bounced", "Soft bounced", "ISP complained",
        "Direct complaint", "Mail blocked", "Global suppression", "Domain suppression",
        "Not allowed", "No MX record"
    ].map(function (text, index) { return { value: 100000000 + index, text: text }; });

    var STATES = [{ value: 0, text: "Active" }, { value: 1, text: "Inactive" }];

    host.formXml = {
        esc_emailsuppression: {
            displayName: "Email Suppression",
            entitySetName: "esc_emailsuppressions",
            primaryIdAttribute: "esc_emailsuppressionid",
            primaryNameAttribute: "esc_emailaddress",
            formName: "Information",
            formId: "{6B1C5D6E-2F43-4C6A-9E1B-7A0C2B9F4D31}",
            pickerColumns: ["esc_emailaddress", "esc_reason", "esc_requestresubscribe", "statecode"],

            formLibraries: [
                { name: LIBRARY, libraryUniqueId: "{0C8A2E61-5B7D-4F39-A1C4-3E9D7B5F2A80}" }
            ],
            /**
             * RESX web resources the library declares as dependencies (DependencyXml). The host
             * preloads `/WebResources/<name>.<lcid>.resx` for the user's and the org's language;
             * Xrm.Utility.getResourceString reads them. Missing files simply give `null`.
             */
            libraryDependencies: ["rsub_/strings/Resubscribe"],
            events: [
                { name: "onload", application: false, active: false,
                  handlers: [handler("Rsub.EmailSuppressionForm.onLoad", "{3F6E0B2A-8C1D-4E57-9A6B-D2C4F1E8B705}")] },
                { name: "onsave", application: false, active: false,
                  handlers: [handler("Rsub.EmailSuppressionForm.onSave", "{A7D94C13-6E2B-4F80-B5C1-09E3D8F6A214}")] },
                { name: "onchange", attribute: "esc_requestresubscribe", application: false, active: false,
                  handlers: [handler("Rsub.EmailSuppressionForm.onRequestResubscribeChange",
                      "{5E2B8D70-1A4C-4B96-8F3E-C7A05D9B6E12}")] }
            ],

            attributes: {
                esc_emailaddress: { type: "string", format: "email", label: "Email Address", requiredLevel: "required", maxLength: 100 },
                esc_reason: { type: "optionset", label: "Reason", options: REASONS },
                esc_contactid: { type: "lookup", label: "Contact", targets: ["contact"], column: "_esc_contactid_value" },
                esc_requestresubscribe: { type: "boolean", label: "Request Resubscribe", trueText: "Yes", falseText: "No" },
                esc_resubscriberequestdate: { type: "datetime", format: "datetime", label: "Resubscribe Request Date" },
                statecode: { type: "optionset", label: "Status", options: STATES, readOnly: true },
                createdon: { type: "datetime", format: "datetime", label: "Created On", readOnly: true }
            },
            header: ["esc_reason", "statecode", "createdon"],
            tabs: [{
                name: "tab_general", label: "General",
                sections: [{
                    name: "section_general", label: "General",
                    controls: [
                        { name: "esc_emailaddress", attribute: "esc_emailaddress" },
                        { name: "esc_reason", attribute: "esc_reason" },
                        { name: "esc_contactid", attribute: "esc_contactid" },
                        { name: "esc_requestresubscribe", attribute: "esc_requestresubscribe" },
                        { name: "esc_resubscriberequestdate", attribute: "esc_resubscriberequestdate" }
                    ]
                }, {
                    name: "section_resubscription", label: "Resubscription",
                    controls: [
                        /* Optional HTML web resource control; a placeholder shows when it is not built. */
                        { name: "WebResource_rsub_status", type: "webresource", label: "Resubscription status",
                          src: "rsub_/resubscribe/status.html", height: 560 }
                    ]
                }]
            }]
        },

        contact: {
            displayName: "Contact",
            entitySetName: "contacts",
            primaryIdAttribute: "contactid",
            primaryNameAttribute: "fullname",
            formName: "Contact",
            formId: "{1FED44D1-AE68-4A41-BD2B-F13ACAC4ACFA}",
            pickerColumns: ["fullname", "emailaddress1"],
            formLibraries: [
                { name: CONTACT_LIBRARY, libraryUniqueId: "{5E2B7C94-1A3F-4D68-B0E5-8C7F2D9A4B61}" }
            ],
            libraryDependencies: ["rsub_/strings/Resubscribe"],
            events: [
                { name: "onload", application: false, active: false,
                  handlers: [{ functionName: "Rsub.ContactForm.onLoad", libraryName: CONTACT_LIBRARY,
                      handlerUniqueId: "{9B3E5C21-7D4A-4E8F-A6B2-C1D0E9F8A734}", enabled: true,
                      parameters: "", passExecutionContext: true }] }
            ],
            attributes: {
                fullname: { type: "string", label: "Full Name", readOnly: true },
                emailaddress1: { type: "string", format: "email", label: "Email" },
                donotbulkemail: { type: "boolean", label: "Do not allow Bulk Emails", trueText: "Do Not Allow", falseText: "Allow" },
                donotemail: { type: "boolean", label: "Do not allow Emails", trueText: "Do Not Allow", falseText: "Allow" }
            },
            header: [],
            tabs: [{
                name: "SUMMARY_TAB", label: "Summary",
                sections: [{
                    name: "CONTACT_INFORMATION", label: "Contact information",
                    controls: [
                        { name: "fullname", attribute: "fullname" },
                        { name: "emailaddress1", attribute: "emailaddress1" }
                    ]
                }, {
                    name: "CONTACT_PREFERENCES", label: "Contact preferences",
                    controls: [
                        { name: "donotbulkemail", attribute: "donotbulkemail" },
                        { name: "donotemail", attribute: "donotemail" }
                    ]
                }, {
                    name: "section_resubscription", label: "Resubscription",
                    controls: [
                        { name: "WebResource_rsub_status", type: "webresource", label: "Resubscription history",
                          src: "rsub_/resubscribe/status.html", height: 320 }
                    ]
                }]
            }],
            showNotes: true
        }
    };
})(window.DemoHost = window.DemoHost || {});
