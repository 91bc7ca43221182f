/*
 * rsub_/resubscribe/status.js: the status panel's only script. The form library calls
 * setClientApiContext(Xrm, formContext) after getContentWindow() resolves, on every render
 * (tab switches recreate this page), then draws the panel itself. This function only keeps the
 * context and sets the page language from the user's LCID; it may be called any number of times.
 */
(function () {
    "use strict";

    /* Languages the RESX strings ship in; any other LCID gets English texts. */
    var LANGUAGES = { 1031: "de", 1033: "en", 1036: "fr", 1043: "nl" };
    var context = { xrm: null, formContext: null };

    function languageOf(xrm) {
        try {
            var lcid = xrm.Utility.getGlobalContext().userSettings.languageId;
            return LANGUAGES[lcid] || "en";
        } catch (ignored) {
            return null;
        }
    }

    window.setClientApiContext = function (xrm, formContext) {
        context.xrm = xrm || null;
        context.formContext = formContext || null;
        var language = xrm ? languageOf(xrm) : null;
        if (language !== null && document.documentElement.lang !== language) {
            document.documentElement.lang = language;
        }
    };
}());
