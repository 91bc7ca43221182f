    /*
     * The shell: what the module waits for, done in JavaScript (docs/architecture.md, "The
     * shell"). A wait written in Rust costs the module a future, a closure and their glue;
     * here it is a promise. Each leaf is one small thing, the same for every library that
     * has it: a fetch with its timeout, a pause, the panel page reached and drawn, the
     * evidence page opened and awaited; and the two ways back into the module, an answer
     * handed back (`resumeWith`) and a form event handler (`handler`), so the module holds
     * neither a future nor a closure. The shell decides only how to wait (tries, pauses,
     * when a window counts as blocked or given up, which drawing is the latest); what an
     * answer means is the module's. `cargo xtask build` puts this file into each library
     * where the loader template says `SHELL` (the sections below pick what each library
     * has); the browser tests load it as it is.
     */
    var RsubShell = (function () {
        /* How long one request may take before it is abandoned (a network failure). */
        var TIMEOUT_MS = 15000;
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
         * One request: resolves with `{status, headers, body}` (the headers by lower-case name,
         * of which the module keeps those it reads; the body's bytes as an ArrayBuffer, decoded
         * by the module), or rejects with the browser's error; with an Error that says so when
         * no answer came within TIMEOUT_MS.
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
                var headers = {};
                response.headers.forEach(function (value, name) {
                    headers[name] = value;
                });
                return response.arrayBuffer().then(function (bytes) {
                    return { status: response.status, headers: headers, body: bytes };
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

        /** The message of an exception of any realm, or its text. */
        function describe(error) {
            if (error !== null && error !== undefined && typeof error.message === "string") {
                return error.message;
            }
            return typeof error === "string" ? error : "unknown error";
        }

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
                if (attempt + 1 >= ATTEMPTS) {
                    return Promise.reject(error);
                }
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
                if (!pageDocument) {
                    return again(last);
                }
                return pageDocument.getElementById(CONTAINER_ID) ? page : again(NO_CONTAINER);
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
                return typeof error === "string" ? error : "the panel could not be drawn: " + describe(error);
            });
        }

/*@END@*/
/*@IF suppression-form@*/
        /* The evidence page's sizes: a dialog in the page (9.1 on), a window of its own before. */
        var DIALOG_SIZE = [520, 640];
        var WINDOW_SIZE = [560, 720];
        /* How often the window's answer is looked for, and how long a window the client gives
         * no handle for has to say it opened (else the pop-up blocker refused it). */
        var POLL_MS = 250;
        var OPENED_WITHIN_MS = 15000;
        /* The answer the form waits for in a window; another change of the box gives it up. */
        var waitingFor = null;

        /** The page's storage `name`, or null where the browser refuses it. */
        function storageOf(name) {
            try {
                return window[name] || null;
            } catch (ignored) {
                return null;
            }
        }

        /** The value under `key` in `storage`, removed; null when there is none. */
        function take(storage, key) {
            try {
                var value = storage.getItem(key);
                storage.removeItem(key);
                return value;
            } catch (ignored) {
                return null;
            }
        }

        /** The `outcome` of an answer as the page stored it, or null. */
        function outcomeOf(stored) {
            try {
                var outcome = JSON.parse(stored).outcome;
                return typeof outcome === "string" ? outcome : null;
            } catch (ignored) {
                return null;
            }
        }

        /**
         * Opens the evidence page `dialog` with `data` (JSON) and waits for its answer, stored
         * under `key`: in a dialog in the page (`inPage`: Xrm.Navigation.navigateTo, target 2,
         * which answers in sessionStorage when it closes), else in a window of its own
         * (Xrm.Navigation.openWebResource on 9.0, Xrm.Utility.openWebResource on 8.x), which
         * answers in localStorage: `opened` when it starts, then `saved` or `cancelled`. Resolves
         * with `{stored}` (the answer as stored, null when the page closed without one) and,
         * when opening failed, `failed` ("call: detail"); `{blocked: true}` when the pop-up
         * blocker refused the window; `{superseded: true}` when the box changed meanwhile
         * (`forgetEvidence`). The module reads the answer.
         */
        function askEvidence(dialog, data, title, key, inPage) {
            var xrm = typeof Xrm === "object" ? Xrm : undefined;
            return inPage ? inDialog(member(xrm, "Navigation"), dialog, data, title, key)
                : inWindow(xrm, dialog, data, key);
        }

        function inDialog(navigation, dialog, data, title, key) {
            var call = "Xrm.Navigation.navigateTo()";
            var closed;
            try {
                if (!navigation) {
                    throw new Error("not available");
                }
                var px = function (value) { return { value: value, unit: "px" }; };
                closed = Promise.resolve(navigation.navigateTo(
                    { pageType: "webresource", webresourceName: dialog, data: data },
                    { target: 2, position: 1, width: px(DIALOG_SIZE[0]), height: px(DIALOG_SIZE[1]), title: title }
                ));
            } catch (error) {
                closed = Promise.reject(error);
            }
            return closed.then(function () {
                return null;
            }, function (error) {
                return call + ": " + describe(error);
            }).then(measured(function (failed) {
                return { stored: take(storageOf("sessionStorage"), key), failed: failed };
            }));
        }

        function inWindow(xrm, dialog, data, key) {
            var local = storageOf("localStorage");
            take(local, key);
            var navigation = member(xrm, "Navigation");
            var utility = member(xrm, "Utility");
            var call = "Xrm.Utility.openWebResource()";
            var opened;
            try {
                if (navigation && typeof navigation.openWebResource === "function") {
                    call = "Xrm.Navigation.openWebResource()";
                    opened = navigation.openWebResource(dialog, { width: WINDOW_SIZE[0], height: WINDOW_SIZE[1] }, data);
                } else if (utility && typeof utility.openWebResource === "function") {
                    opened = utility.openWebResource(dialog, data, WINDOW_SIZE[0], WINDOW_SIZE[1]);
                } else {
                    throw new Error("not available");
                }
            } catch (error) {
                return Promise.resolve({ stored: null, failed: call + ": " + describe(error) });
            }
            if (opened === null) {
                return Promise.resolve({ blocked: true });
            }
            /* 8.x returns the window; 9.0 documents no return value. */
            var handle = typeof member(opened, "closed") === "boolean" ? opened : null;
            var polls = 0;
            var started = false;
            waitingFor = key;
            var done = function (result) {
                if (waitingFor === key) {
                    waitingFor = null;
                }
                take(local, key);
                return result;
            };
            var poll = function () {
                return sleep(POLL_MS).then(measured(function () {
                    if (waitingFor !== key) {
                        try {
                            handle.close();
                        } catch (ignored) {
                            /* No handle, or a window already gone. */
                        }
                        return done({ superseded: true });
                    }
                    var closed = handle !== null && member(handle, "closed") !== false;
                    var stored = null;
                    try {
                        stored = local.getItem(key);
                    } catch (ignored) {
                        stored = null;
                    }
                    var outcome = outcomeOf(stored);
                    if (outcome !== null && outcome !== "opened") {
                        return done({ stored: stored });
                    }
                    started = started || outcome === "opened";
                    if (closed) {
                        return done({ stored: null });
                    }
                    polls += 1;
                    if (handle === null && !started && polls > OPENED_WITHIN_MS / POLL_MS) {
                        return done({ blocked: true });
                    }
                    return poll();
                }));
            };
            return poll();
        }

        /** Gives up the window the form waits for, if any (the box changed). */
        function forgetEvidence() {
            waitingFor = null;
        }

        /**
         * A form event handler that calls the module's export `name` with the execution
         * context, as one measured slice (the module registers it: it holds no closure).
         */
        function handler(name) {
            return measured(function (executionContext) {
                wasm_bindgen[name](executionContext);
            });
        }

/*@END@*/
/*@IF suppression-form setup-page@*/
        /**
         * Hands the answer of `promise` back to the module once it settles: its `resume(token,
         * ok, value)`, one measured slice (src/shell.rs keeps what to do with it under
         * `token`). Always after this call: a thenable that answers at once still answers
         * later, through a promise of this realm. Its `then(success, error)` is called as it
         * is (8.x's save answers with an object whose documented use is that call only); a
         * `then` that throws is a failure; a value without `then` is the answer itself.
         */
        function resumeWith(promise, token) {
            var resume = function (ok) {
                return measured(function (value) {
                    wasm_bindgen.resume(token, ok, value);
                });
            };
            new Promise(function (resolve, reject) {
                var thenable = promise !== null && (typeof promise === "object" || typeof promise === "function");
                if (thenable && typeof promise.then === "function") {
                    promise.then(resolve, reject);
                } else {
                    resolve(promise);
                }
            }).then(resume(true), resume(false));
        }

/*@END@*/
        return {
/*@IF suppression-form@*/
            askEvidence: askEvidence,
            forgetEvidence: forgetEvidence,
/*@END@*/
/*@IF suppression-form setup-page@*/
            resumeWith: resumeWith,
/*@END@*/
/*@IF suppression-form@*/
            handler: handler,
/*@END@*/
/*@IF suppression-form contact-form@*/
            showPanel: showPanel,
/*@END@*/
            fetchAnswer: fetchAnswer,
            sleep: sleep
        };
    })();
