/*
 * rsub_/resubscribe/setup-page.js: the configuration page's own script. Runs the checks of its
 * library (setup.js, Rsub.SetupPage.run) once the page is parsed and again from "Check again",
 * and says so when they cannot start. Makes no Client API call itself: the library does.
 */
(function () {
    "use strict";

    function byId(id) {
        return document.getElementById(id);
    }

    /* The checks could not run: say why in the live region, and offer to try again. */
    function failed(error) {
        var live = byId("rsub-setup-live");
        if (live) {
            live.textContent = error && error.message ? String(error.message) : String(error);
        }
        var main = byId("rsub-setup");
        if (main) {
            main.setAttribute("aria-busy", "false");
        }
        var again = byId("rsub-setup-recheck");
        if (again) {
            again.disabled = false;
        }
    }

    function run() {
        if (typeof Rsub !== "object" || Rsub === null || !Rsub.SetupPage) {
            failed(new Error("The checks could not start: the page's library, setup.js, did not load."));
            return;
        }
        Rsub.SetupPage.run(document).then(undefined, failed);
    }

    function start() {
        var again = byId("rsub-setup-recheck");
        if (again) {
            again.addEventListener("click", run);
        }
        run();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
