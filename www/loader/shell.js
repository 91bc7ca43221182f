    /*
     * The shell: what the module waits for, done in JavaScript (docs/architecture.md, "The
     * shell"). A wait written in Rust costs the module a future, a closure and their glue;
     * here it is a promise. Each leaf is one small thing, the same for every library that
     * has it: a fetch with its timeout, a pause, and the panel page reached and drawn. Every
     * decision stays in the module. `cargo xtask build` puts this file into each library
     * where the loader template says `SHELL` (the sections below pick what each library
     * has); the browser tests load it as it is.
     */
    var RsubShell = (function () {
        /* How long one request may take before it is abandoned (a network failure). */
        var TIMEOUT_MS = 15000;
        /* The response headers the module reads. */
        var KEPT_HEADERS = ["content-type", "retry-after", "odata-entityid"];
        /*
         * Each callback below is one main-thread slice of the library, measured as the
         * loader measures the module's own (its `slice`; run as it is where the shell is
         * loaded alone, as in the browser tests).
         */
        var run = typeof slice === "function" ? slice : function (work, value) { return work(value); };

        /** `work` as a callback measured as one slice. */
        function measured(work) {
            return function (value) {
                return run(work, value);
            };
        }

        /** Resolves after `ms` milliseconds. */
        function sleep(ms) {
            return new Promise(function (resolve) {
                setTimeout(resolve, ms);
            });
        }

        /**
         * One request: resolves with `{status, headers, body}` (the kept headers by lower-case
         * name, the body's bytes as an ArrayBuffer, decoded by the module), or rejects with the
         * browser's error; with an Error that says so when no answer came within TIMEOUT_MS.
         */
        function fetchAnswer(url, method, headers, body) {
            var controller = new AbortController();
            var timedOut = false;
            var timer = setTimeout(function () {
                timedOut = true;
                controller.abort();
            }, TIMEOUT_MS);
            var init = { method: method, headers: headers, signal: controller.signal };
            if (typeof body === "string") {
                init.body = body;
            }
            return fetch(url, init).then(measured(function (response) {
                clearTimeout(timer);
                var kept = {};
                KEPT_HEADERS.forEach(function (name) {
                    var value = response.headers.get(name);
                    if (value !== null) {
                        kept[name] = value;
                    }
                });
                return response.arrayBuffer().then(function (bytes) {
                    return { status: response.status, headers: kept, body: bytes };
                });
            }), measured(function (error) {
                clearTimeout(timer);
                throw timedOut ? new Error("no answer within " + TIMEOUT_MS / 1000 + " seconds") : error;
            }));
        }

/*@IF suppression-form contact-form@*/
        /* The panel page's container, and its function that draws a model given as JSON text. */
        var CONTAINER_ID = "rsub-status";
        var DRAW = "drawPanel";
        var NO_CONTAINER = "the page has no #" + CONTAINER_ID + " container";
        /* How often the page is asked for (the control may still be loading), and the pause. */
        var ATTEMPTS = 8;
        var PAUSE_MS = 250;
        /* Drawings started: one still waiting for its page when a newer starts is dropped. */
        var drawings = 0;

        /** `object[name]`, or undefined when the read throws (an object of another realm). */
        function member(object, name) {
            try {
                return object === null || object === undefined ? undefined : object[name];
            } catch (ignored) {
                return undefined;
            }
        }

        /**
         * The window of the web resource control `name`, or null when the form has no such
         * control: getContentWindow() where the client has it (9.0 on), the IFRAME of the
         * legacy client's getObject() before (Learn: "getObject (Client API reference)").
         */
        function contentWindow(formContext, name) {
            try {
                var control = formContext.getControl(name);
                if (control && typeof control.getContentWindow === "function") {
                    return Promise.resolve(control.getContentWindow());
                }
                var frame = control && typeof control.getObject === "function" ? control.getObject() : null;
                var page = member(frame, "contentWindow");
                return page ? Promise.resolve(page) : null;
            } catch (ignored) {
                /* A call the client refused: as if the form had no such control. */
                return null;
            }
        }

        /**
         * The page, once its document holds the container, after it was handed the form's
         * Client API context (`setClientApiContext(Xrm, formContext)`: called on every drawing,
         * since a tab switch makes the page again); null when the form has no such control.
         * The page is another realm: everything on it is found by shape. Rejects with the
         * last reason after ATTEMPTS tries.
         */
        function connect(formContext, name, attempt, last) {
            if (attempt >= ATTEMPTS) {
                return Promise.reject(last);
            }
            var again = function (error) {
                return sleep(PAUSE_MS).then(function () {
                    return connect(formContext, name, attempt + 1, error);
                });
            };
            var asked = contentWindow(formContext, name);
            if (asked === null) {
                return Promise.resolve(null);
            }
            return asked.then(measured(function (page) {
                if (!page || typeof page !== "object") {
                    return again(last);
                }
                var setter = member(page, "setClientApiContext");
                try {
                    if (typeof setter === "function") {
                        setter.call(page, typeof Xrm === "object" ? Xrm : undefined, formContext);
                    }
                } catch (ignored) {
                    /* The page draws without it (its language stays the browser's). */
                }
                var pageDocument = member(page, "document");
                if (pageDocument && pageDocument.getElementById(CONTAINER_ID)) {
                    return page;
                }
                return again(NO_CONTAINER);
            }), again);
        }

        /**
         * Draws `json` (a model of `ui::wire`) into the panel of the control `name`. Never
         * rejects (the module need not wait for it): resolves true once drawn, false when the
         * form has no such control or a newer drawing started while this one waited for the
         * page, or what went wrong, in English (a string).
         */
        function showPanel(formContext, name, json) {
            drawings += 1;
            var drawing = drawings;
            return connect(formContext, name, 0, NO_CONTAINER).then(measured(function (page) {
                if (page === null || drawing !== drawings) {
                    return false;
                }
                var draw = member(page, DRAW);
                if (typeof draw !== "function") {
                    return "the page has no " + DRAW + " function (an older status page is still cached)";
                }
                draw.call(page, json);
                return true;
            })).then(undefined, function (error) {
                /* The page's own failure, or what the client said (an Error of any realm). */
                return typeof error === "string" ? error
                    : "the panel could not be drawn: " + (error && error.message ? String(error.message) : String(error));
            });
        }

/*@END@*/
        return {
/*@IF suppression-form contact-form@*/
            showPanel: showPanel,
/*@END@*/
            fetchAnswer: fetchAnswer,
            sleep: sleep
        };
    })();
