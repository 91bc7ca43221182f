/*
 * Draws the simulated Unified Interface form: command bar, form notifications, header, tabs,
 * sections, controls with their notifications, dialogs and the progress indicator. Builds DOM
 * with createElement/textContent only. Owns no form state: it reads the form built by xrm.js
 * and reports user edits back through `form.userSetValue`.
 */
(function (host) {
    "use strict";

    var LEVEL_ICON = { ERROR: "\u2716", WARNING: "\u26A0", INFO: "i", RECOMMENDATION: "\u2605" };
    var LEVEL_NAME = { ERROR: "Error", WARNING: "Warning", INFO: "Information", RECOMMENDATION: "Recommendation" };
    var uid = 0;

    /** createElement with properties (`text`, `className`, `attrs`, `on*`) and children. */
    function el(tag, props, children) {
        var node = document.createElement(tag);
        var p = props || {};
        Object.keys(p).forEach(function (key) {
            var value = p[key];
            if (value === undefined || value === null) { return; }
            if (key === "text") {
                node.textContent = String(value);
            } else if (key === "attrs") {
                Object.keys(value).forEach(function (a) {
                    if (value[a] !== null && value[a] !== undefined && value[a] !== false) { node.setAttribute(a, String(value[a])); }
                });
            } else if (key.indexOf("on") === 0) {
                node.addEventListener(key.slice(2), value);
            } else {
                node[key] = value;
            }
        });
        (children || []).forEach(function (child) {
            if (child === null || child === undefined || child === false) { return; }
            node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
        });
        return node;
    }

    function clear(node) {
        while (node.firstChild) { node.removeChild(node.firstChild); }
    }

    function nextId(prefix) {
        uid += 1;
        return prefix + "-" + uid;
    }

    function pad(n) { return n < 10 ? "0" + n : String(n); }

    function toLocalInput(date) {
        return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
            pad(date.getHours()) + ":" + pad(date.getMinutes());
    }

    function formatValue(attr) {
        var v = attr.getValue();
        if (v === null || v === undefined || v === "") { return "---"; }
        switch (attr.getAttributeType()) {
        case "optionset": return attr.getText() || String(v);
        case "boolean": return v ? (attr._meta.trueText || "Yes") : (attr._meta.falseText || "No");
        case "datetime": return v.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
        case "lookup": return v[0] ? v[0].name || v[0].id : "---";
        default: return String(v);
        }
    }

    function recordUrl(entityName, id) {
        return host.webapi.orgPath("/main.aspx") + "?etn=" + encodeURIComponent(entityName) + "&pagetype=entityrecord&id=" +
            encodeURIComponent(String(id).replace(/[{}]/g, "").toLowerCase());
    }

    /* ------------------------------------------------------------------ dialogs */

    function sizeOf(value, fallback) {
        if (typeof value === "number") { return value + "px"; }
        if (value && typeof value.value === "number") { return value.value + (value.unit === "%" ? "%" : "px"); }
        return fallback;
    }

    /**
     * A modal <dialog>. Resolves with the value passed to `close`, or with `cancelValue` on Escape.
     * Focus moves into the dialog and back to the opener when it closes.
     */
    function modal(options, build) {
        return new Promise(function (resolve) {
            var opener = document.activeElement;
            var titleId = nextId("dlg-title");
            var dialog = el("dialog", { className: "dlg " + (options.className || ""), attrs: { "aria-labelledby": titleId } });
            dialog.style.width = sizeOf(options.width, "");
            dialog.style.height = sizeOf(options.height, "");
            var settled = false;
            function close(value) {
                if (settled) { return; }
                settled = true;
                if (dialog.open) { dialog.close(); }
                if (dialog.parentNode) { dialog.parentNode.removeChild(dialog); }
                if (opener && typeof opener.focus === "function" && document.contains(opener)) { opener.focus(); }
                resolve(value);
            }
            dialog.addEventListener("cancel", function (event) {
                event.preventDefault();
                close(options.cancelValue);
            });
            var title = el("h2", { className: "dlg-title", id: titleId, text: options.title || "" });
            var closeButton = el("button", { type: "button", className: "dlg-x", attrs: { "aria-label": "Close" }, text: "\u2715", onclick: function () { close(options.cancelValue); } });
            dialog.appendChild(el("div", { className: "dlg-head" }, [title, closeButton]));
            build(dialog, close);
            document.body.appendChild(dialog);
            dialog.showModal();
            var focusTarget = dialog.querySelector("[data-autofocus]") || closeButton;
            focusTarget.focus();
        });
    }

    function buttonRow(buttons) {
        return el("div", { className: "dlg-buttons" }, buttons);
    }

    function alertDialog(strings, options) {
        return modal({ title: strings.title || "", width: options.width || 450, height: options.height, cancelValue: undefined }, function (dialog, close) {
            dialog.appendChild(el("p", { className: "dlg-text", text: strings.text || "" }));
            dialog.appendChild(buttonRow([
                el("button", { type: "button", className: "btn primary", text: strings.confirmButtonLabel || "OK", attrs: { "data-autofocus": "" }, onclick: function () { close(undefined); } })
            ]));
        });
    }

    function confirmDialog(strings, options) {
        return modal({ title: strings.title || "Confirmation", width: options.width || 450, height: options.height, cancelValue: { confirmed: false } }, function (dialog, close) {
            if (strings.subtitle) { dialog.appendChild(el("p", { className: "dlg-subtitle", text: strings.subtitle })); }
            dialog.appendChild(el("p", { className: "dlg-text", text: strings.text || "" }));
            dialog.appendChild(buttonRow([
                el("button", { type: "button", className: "btn primary", text: strings.confirmButtonLabel || "OK", attrs: { "data-autofocus": "" }, onclick: function () { close({ confirmed: true }); } }),
                el("button", { type: "button", className: "btn", text: strings.cancelButtonLabel || "Cancel", onclick: function () { close({ confirmed: false }); } })
            ]));
        });
    }

    function errorDialog(options) {
        return modal({ title: options.title || "Error", className: "dlg-error", width: 520, cancelValue: undefined }, function (dialog, close) {
            dialog.appendChild(el("p", { className: "dlg-text", text: options.message || "An error has occurred." }));
            if (typeof options.errorCode === "number") {
                dialog.appendChild(el("p", { className: "dlg-code", text: "Error code: 0x" + (options.errorCode >>> 0).toString(16) }));
            }
            if (options.details) {
                dialog.appendChild(el("details", { className: "dlg-details" }, [
                    el("summary", { text: "Details" }),
                    el("pre", { text: options.details })
                ]));
            }
            dialog.appendChild(buttonRow([
                el("button", { type: "button", className: "btn primary", text: "OK", attrs: { "data-autofocus": "" }, onclick: function () { close(undefined); } })
            ]));
        });
    }

    /**
     * navigateTo({pageType:"webresource"}, {target:2}): an iframe dialog; resolves when closed.
     * With `closesItself` false, window.close() in the page does nothing (only the X closes it).
     */
    function webResourceDialog(input, options, log, closesItself) {
        var url = host.webapi.orgPath("/WebResources/") + input.webresourceName +
            (input.data !== undefined && input.data !== null ? "?data=" + encodeURIComponent(String(input.data)) : "");
        return fetch(url, { cache: "no-store" }).then(function (response) {
            if (!response.ok) {
                throw new Error("navigateTo: web resource " + input.webresourceName + " was not found (HTTP " + response.status + ")");
            }
            log("ui", "navigateTo: dialog with web resource " + url);
            return modal({
                title: options.title || input.webresourceName,
                className: "dlg-webresource" + (options.position === 2 ? " side" : ""),
                width: options.width || { value: 60, unit: "%" },
                height: options.height || { value: 70, unit: "%" },
                cancelValue: undefined
            }, function (dialog, close) {
                var frame = el("iframe", { className: "dlg-frame", src: url, title: options.title || input.webresourceName });
                frame.addEventListener("load", function () {
                    if (!closesItself) {
                        log("ui", "navigateTo: this host ignores window.close() in the dialog");
                        try {
                            frame.contentWindow.close = function () { log("ui", "navigateTo: window.close() ignored"); };
                        } catch (ignored) { /* another origin */ }
                        return;
                    }
                    try {
                        /* A web resource in a dialog closes itself with window.close(), as in Unified Interface. */
                        frame.contentWindow.close = function () { close(undefined); };
                    } catch (ignored) { /* another origin: only the X closes it */ }
                });
                dialog.appendChild(frame);
            });
        });
    }

    /* ------------------------------------------------------------------ the form */

    function View(log, navigateGuard) {
        this.log = log;
        this.navigateGuard = navigateGuard;
        this.form = null;
        this.nodes = {};
    }

    View.prototype.alertDialog = alertDialog;
    View.prototype.confirmDialog = confirmDialog;
    View.prototype.errorDialog = errorDialog;
    View.prototype.webResourceDialog = function (input, options, closesItself) {
        return webResourceDialog(input, options, this.log, closesItself !== false);
    };

    View.prototype.showProgress = function (message) {
        var overlay = document.getElementById("progress");
        if (message === null) {
            overlay.hidden = true;
            return;
        }
        overlay.hidden = false;
        document.getElementById("progress-text").textContent = message;
    };

    View.prototype.renderFormNotifications = function (list) {
        var form = this.form;
        var bar = document.getElementById("form-notifications");
        clear(bar);
        list.forEach(function (n) {
            bar.appendChild(el("div", { className: "form-note level-" + n.level.toLowerCase(), attrs: { "data-id": n.uniqueId } }, [
                el("span", { className: "note-icon", attrs: { "aria-hidden": "true" }, text: LEVEL_ICON[n.level] }),
                el("span", { className: "sr-only", text: LEVEL_NAME[n.level] + ": " }),
                el("span", { className: "note-text", text: n.message }),
                el("button", { type: "button", className: "note-dismiss", attrs: { "aria-label": "Dismiss notification: " + n.message }, text: "\u2715",
                    onclick: function () { if (form) { form.dismissFormNotification(n.uniqueId); } } })
            ]));
        });
    };

    View.prototype.setSaving = function (saving) {
        this.saving = saving;
        var status = document.getElementById("save-status");
        if (status) { status.textContent = saving ? "Saving\u2026" : ""; }
        this.updateCommands();
    };

    View.prototype.updateCommands = function () {
        var form = this.form;
        var readOnly = !form || form.formContext.ui.getFormType() >= 3;
        var saving = Boolean(this.saving);
        ["cmd-save", "cmd-saveclose"].forEach(function (id) {
            var b = document.getElementById(id);
            if (b) { b.disabled = readOnly || saving; }
        });
    };

    View.prototype.formChanged = function (form) {
        if (form !== this.form || !this.nodes.title) { return; }
        var name = form.formContext.data.entity.getPrimaryAttributeValue();
        this.nodes.title.textContent = name || "(no name)";
        var dirty = form.formContext.data.entity.getIsDirty();
        this.nodes.dirty.textContent = dirty ? "- Unsaved" : "- Saved";
        this.nodes.dirty.className = "dirty-state" + (dirty ? " unsaved" : "");
        this.updateCommands();
    };

    View.prototype.renderSection = function (section) {
        if (section._node) { section._node.hidden = !section.getVisible(); }
    };

    View.prototype.focusControl = function (control) {
        var n = control._element;
        if (n && n.focusable) { n.focusable.focus(); }
    };

    /** Creates the DOM of one control once; renderControl keeps it in step with the model. */
    View.prototype.buildControl = function (control) {
        var self = this;
        var form = this.form;
        var attr = control.getAttribute ? control.getAttribute() : null;
        var id = nextId("ctl-" + control.getName());
        var noteId = id + "-note";
        var labelNode = el("label", { className: "ctl-label", id: id + "-label", attrs: { "for": id } });
        var requiredMark = el("span", { className: "req", attrs: { "aria-hidden": "true" } });
        var value = el("div", { className: "ctl-value" });
        var note = el("div", { className: "ctl-notes", id: noteId });
        var root = el("div", { className: "ctl", attrs: { "data-control": control.getName() } }, [
            el("div", { className: "ctl-label-cell" }, [labelNode, requiredMark]), el("div", { className: "ctl-field" }, [value, note])
        ]);
        var parts = { root: root, label: labelNode, required: requiredMark, value: value, note: note, noteId: noteId, id: id };
        control._element = parts;

        if (control.getControlType() === "webresource") {
            labelNode.removeAttribute("for");
            this.buildWebResource(control, parts);
            return root;
        }
        var type = attr.getAttributeType();
        function commit(newValue) {
            try {
                form.userSetValue(attr, newValue);
            } catch (error) {
                self.log("error", "edit of " + attr.getName() + " refused: " + error.message);
                control._render();
            }
        }
        var input;
        if (type === "string") {
            input = el("input", { type: "text", id: id, className: "inp", autocomplete: "off",
                onchange: function () { commit(input.value === "" ? null : input.value); } });
            if (attr.getMaxLength) { input.maxLength = attr.getMaxLength(); }
        } else if (type === "optionset") {
            input = el("select", { id: id, className: "inp", onchange: function () { commit(input.value === "" ? null : Number(input.value)); } });
        } else if (type === "boolean") {
            var state = el("span", { className: "bool-text", attrs: { "aria-hidden": "true" } });
            input = el("input", { type: "checkbox", id: id, className: "chk", onchange: function () { commit(input.checked); } });
            parts.boolText = state;
            value.appendChild(el("div", { className: "bool" }, [input, state]));
        } else if (type === "datetime") {
            input = el("input", { type: "datetime-local", id: id, className: "inp",
                onchange: function () { commit(input.value ? new Date(input.value) : null); } });
        } else if (type === "lookup") {
            labelNode.removeAttribute("for");
            parts.link = el("a", { className: "lookup-link" });
            parts.link.addEventListener("click", function (event) { self.navigateGuard(event, parts.link.href); });
            parts.empty = el("span", { className: "muted", text: "---" });
            input = el("button", { type: "button", className: "lookup-clear", text: "\u2715",
                onclick: function () { commit(null); } });
            var group = el("div", { className: "lookup", attrs: { role: "group", "aria-labelledby": id + "-label" } }, [parts.link, parts.empty, input]);
            value.appendChild(group);
            parts.focusable = parts.link;
        }
        if (type !== "boolean" && type !== "lookup") { value.appendChild(input); }
        input.setAttribute("aria-describedby", noteId);
        parts.input = input;
        parts.focusable = parts.focusable || input;
        return root;
    };

    View.prototype.buildWebResource = function (control, parts) {
        var self = this;
        var def = control._def;
        var url = host.webapi.orgPath("/WebResources/") + def.src;
        parts.value.classList.add("webresource");
        parts.placeholder = el("p", { className: "muted", text: "Loading web resource " + def.src + "\u2026" });
        parts.value.appendChild(parts.placeholder);
        fetch(url, { cache: "no-store" }).then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            var frame = el("iframe", { className: "wr-frame", src: url, title: control.getLabel() });
            frame.style.height = (def.height || 150) + "px";
            control._frameElement = frame;
            control._frameReady = new Promise(function (resolve) {
                frame.addEventListener("load", function () { resolve(frame.contentWindow); }, { once: true });
            });
            parts.value.replaceChild(frame, parts.placeholder);
            parts.focusable = frame;
            self.log("ui", "web resource control " + control.getName() + " shows " + url);
        }).catch(function (error) {
            parts.placeholder.textContent = "Web resource control placeholder: " + def.src + " is not in this build (" +
                error.message + "). getContentWindow() rejects.";
            control._frameReady = Promise.reject(new Error("web resource " + def.src + " is not available in this build"));
            control._frameReady.catch(function () { /* handled by the caller */ });
        });
    };

    View.prototype.renderControl = function (control) {
        if (control._def.header) {
            control._element.root.textContent = formatValue(control.getAttribute());
            return;
        }
        var parts = control._element;
        var form = this.form;
        var attr = control.getAttribute ? control.getAttribute() : null;
        parts.root.hidden = !control.getVisible();
        parts.label.textContent = control.getLabel();
        var disabled = control.getDisabled();
        if (attr) {
            var level = attr.getRequiredLevel();
            parts.required.textContent = level === "required" ? "*" : level === "recommended" ? "+" : "";
            parts.required.className = "req " + level;
            parts.required.title = level === "required" ? "Business required" : level === "recommended" ? "Business recommended" : "";
            if (parts.input) {
                parts.input.setAttribute("aria-required", level === "required" ? "true" : "false");
            }
            var v = attr.getValue();
            switch (attr.getAttributeType()) {
            case "string":
                parts.input.value = v === null ? "" : v;
                break;
            case "optionset":
                clear(parts.input);
                parts.input.appendChild(el("option", { value: "", text: "--Select--" }));
                attr.getOptions().forEach(function (o) {
                    parts.input.appendChild(el("option", { value: String(o.value), text: o.text }));
                });
                parts.input.value = v === null ? "" : String(v);
                break;
            case "boolean":
                parts.input.checked = Boolean(v);
                parts.boolText.textContent = v ? (attr._meta.trueText || "Yes") : (attr._meta.falseText || "No");
                break;
            case "datetime":
                parts.input.value = v ? toLocalInput(v) : "";
                break;
            case "lookup":
                var ref = v && v[0];
                parts.link.hidden = !ref;
                parts.empty.hidden = Boolean(ref);
                if (ref) {
                    parts.link.textContent = ref.name || ref.id;
                    parts.link.href = recordUrl(ref.entityType, ref.id);
                } else {
                    parts.link.removeAttribute("href");
                }
                parts.input.hidden = !ref || disabled;
                parts.input.setAttribute("aria-label", "Clear " + control.getLabel() + (ref ? ": " + (ref.name || ref.id) : ""));
                break;
            }
            if (parts.input && attr.getAttributeType() !== "lookup") { parts.input.disabled = disabled; }
        }
        parts.root.classList.toggle("disabled", disabled);

        clear(parts.note);
        var hasError = false;
        control._notifications.forEach(function (n) {
            if (n.level === "ERROR") {
                hasError = true;
                parts.note.appendChild(el("div", { className: "ctl-note level-error", attrs: { role: "alert" } }, [
                    el("span", { className: "note-icon", attrs: { "aria-hidden": "true" }, text: LEVEL_ICON.ERROR }),
                    el("span", { text: n.messages.join(" ") })
                ]));
            } else {
                var actions = (n.actions || []).map(function (action) {
                    return el("button", { type: "button", className: "btn small primary", text: action.message || "Apply",
                        onclick: function () { form.runAction(control, n, action); } });
                });
                actions.push(el("button", { type: "button", className: "btn small", text: "Dismiss",
                    onclick: function () { form.dismissNotification(control, n); } }));
                parts.note.appendChild(el("div", { className: "ctl-note level-recommendation", attrs: { role: "status" } }, [
                    el("span", { className: "note-icon", attrs: { "aria-hidden": "true" }, text: LEVEL_ICON.RECOMMENDATION }),
                    el("span", { className: "sr-only", text: "Recommendation: " }),
                    el("span", { text: n.messages.join(" ") }),
                    el("span", { className: "note-actions" }, actions)
                ]));
            }
        });
        if (parts.input) {
            if (hasError) { parts.input.setAttribute("aria-invalid", "true"); } else { parts.input.removeAttribute("aria-invalid"); }
        }
        parts.root.classList.toggle("has-error", hasError);
    };

    /** Draws the whole form into #form-body and the header; returns nothing. */
    View.prototype.renderForm = function (form) {
        var self = this;
        this.form = form;
        var def = form.definition;
        var header = document.getElementById("record-header");
        clear(header);
        this.nodes.title = el("span", { className: "record-title-text" });
        this.nodes.dirty = el("span", { className: "dirty-state" });
        var headerFields = el("dl", { className: "header-fields" });
        form.controls.filter(function (c) { return c._def.header; }).forEach(function (c) {
            var attr = c.getAttribute();
            var dd = el("dd");
            headerFields.appendChild(el("div", { className: "header-field" }, [dd, el("dt", { text: attr._meta.label })]));
            c._element = { root: dd, header: true };
        });
        header.appendChild(el("div", { className: "record-id" }, [
            el("h1", { className: "record-title" }, [this.nodes.title, " ", this.nodes.dirty]),
            el("p", { className: "record-entity", text: def.displayName + " \u00B7 " + def.formName })
        ]));
        header.appendChild(headerFields);

        var tabList = document.getElementById("tab-list");
        var body = document.getElementById("form-body");
        clear(tabList);
        clear(body);
        form.tabs.forEach(function (tab, index) {
            tabList.appendChild(el("span", { className: "tab" + (index === 0 ? " active" : ""), attrs: { role: "tab", "aria-selected": index === 0 ? "true" : "false" }, text: tab.getLabel() }));
            var panel = el("div", { className: "tab-panel", attrs: { role: "tabpanel", "aria-label": tab.getLabel() } });
            tab.sections.forEach(function (section) {
                var headingId = nextId("sec");
                var list = el("div", { className: "section-body" });
                var node = el("section", { className: "form-section", attrs: { "aria-labelledby": headingId } }, [
                    el("h2", { className: "section-title", id: headingId, text: section.getLabel() }), list
                ]);
                section._node = node;
                section.controls.forEach(function (control) {
                    list.appendChild(self.buildControl(control));
                });
                panel.appendChild(node);
            });
            body.appendChild(panel);
        });
        if (def.showNotes) {
            var notes = el("section", { className: "form-section", attrs: { "aria-labelledby": "notes-title" } }, [
                el("h2", { className: "section-title", id: "notes-title", text: "Timeline: notes" }),
                el("ol", { className: "notes", id: "notes-list" }, [el("li", { className: "muted", text: "Loading notes\u2026" })])
            ]);
            body.firstChild.appendChild(notes);
        }
        form.controls.forEach(function (c) { self.renderControl(c); });
        this.formChanged(form);
    };

    View.prototype.renderNotes = function (notes, error) {
        var list = document.getElementById("notes-list");
        if (!list) { return; }
        clear(list);
        if (error) {
            list.appendChild(el("li", { className: "muted", text: "Notes could not be read: " + error.message }));
            return;
        }
        if (!notes.length) {
            list.appendChild(el("li", { className: "muted", text: "No notes." }));
        }
        notes.forEach(function (note) {
            list.appendChild(el("li", { className: "note" }, [
                el("p", { className: "note-subject", text: note.subject || "(no subject)" }),
                el("p", { className: "note-meta", text: note["createdon@OData.Community.Display.V1.FormattedValue"] ||
                    (note.createdon ? new Date(note.createdon).toLocaleString([], { dateStyle: "short", timeStyle: "short" }) : "") }),
                el("p", { className: "note-body", text: note.notetext || "" })
            ]));
        });
    };

    View.prototype.closeForm = function () {
        var body = document.getElementById("form-body");
        clear(body);
        clear(document.getElementById("tab-list"));
        clear(document.getElementById("form-notifications"));
        document.getElementById("command-bar").hidden = true;
        body.appendChild(el("div", { className: "closed" }, [
            el("h2", { text: "The form was closed" }),
            el("p", { text: "In Dynamics you would be back on the list of Email Suppressions. Pick a record in Demo controls \u2192 Records to open one." })
        ]));
        this.form = null;
    };

    /** A full-width message instead of a form (no record, record not found, load failure). */
    View.prototype.showPageMessage = function (title, text, level) {
        var body = document.getElementById("form-body");
        clear(body);
        body.appendChild(el("div", { className: "page-message level-" + (level || "info") }, [
            el("h2", { text: title }), el("p", { text: text })
        ]));
    };

    /**
     * A web resource page in the content area, as Unified Interface opens one
     * (main.aspx?pagetype=webresource&webresourceName=…): an iframe whose parent window is this
     * page, with the host's Xrm (what a solution's configuration page gets).
     */
    View.prototype.showWebResource = function (name, src) {
        var body = document.getElementById("form-body");
        clear(body);
        var frame = el("iframe", { className: "webresource-page", id: "webresource-frame", attrs: { title: name, src: src } });
        body.appendChild(frame);
        return frame;
    };

    host.view = {
        View: View,
        el: el,
        clear: clear,
        recordUrl: recordUrl,
        formatValue: formatValue
    };
})(window.DemoHost = window.DemoHost || {});
