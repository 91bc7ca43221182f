//! Browser tests: the built form library (`target/dist/webresources/…/form.js`, the exact file
//! the solution ships) loaded as a classic script in headless Chromium.
//!
//! Run through `cargo xtask test`, which builds the libraries and points `FORM_LIBRARY_JS` and
//! `CONTACT_LIBRARY_JS` at them.
#![cfg(target_arch = "wasm32")]

use resubscribe::domain::{self, ConnectorReading};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The shipped form library.
const FORM_LIBRARY: &str = include_str!(env!("FORM_LIBRARY_JS"));
/// The Contact form's shipped library.
const CONTACT_LIBRARY: &str = include_str!(env!("CONTACT_LIBRARY_JS"));

#[wasm_bindgen(inline_js = r#"
export function loadClassicScript(text) {
    if (typeof globalThis.Rsub !== "object") {
        const script = document.createElement("script");
        script.text = text;
        document.head.appendChild(script);
    }
    return globalThis.Rsub;
}
export function loadBothInNewFrame(first, second) {
    const frame = document.createElement("iframe");
    document.body.appendChild(frame);
    const win = frame.contentWindow;
    for (const text of [first, second]) {
        const script = win.document.createElement("script");
        script.text = text;
        win.document.head.appendChild(script);
    }
    return { ns: win.Rsub, win };
}
export function startedModules(win) {
    return win.performance.getEntriesByName("rsub:module-started", "mark").length;
}
export function loadInNewFrame(text, refuseSyncCompile) {
    const frame = document.createElement("iframe");
    document.body.appendChild(frame);
    const win = frame.contentWindow;
    if (refuseSyncCompile) {
        // What a browser with a main-thread size limit does with `new WebAssembly.Module(bytes)`.
        const real = win.WebAssembly.Module;
        const refusing = function (bytes) {
            if (!(bytes instanceof real)) {
                throw new win.RangeError("WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB.");
            }
            return bytes;
        };
        refusing.prototype = real.prototype;
        win.WebAssembly.Module = refusing;
    }
    const script = win.document.createElement("script");
    script.text = text;
    win.document.head.appendChild(script);
    const started = win.performance.getEntriesByName("rsub:module-started", "mark").length > 0;
    return { ns: win.Rsub, started, win };
}
function loadPrepared(text, prepare) {
    const frame = document.createElement("iframe");
    document.body.appendChild(frame);
    const win = frame.contentWindow;
    prepare(win);
    const script = win.document.createElement("script");
    script.text = text;
    win.document.head.appendChild(script);
    return win.Rsub;
}
export function loadWithoutGlobal(text, name) {
    return loadPrepared(text, (win) => {
        const owner = name.split(".").slice(0, -1).reduce((o, k) => o[k], win);
        owner[name.split(".").pop()] = undefined;
    });
}
export function loadWithRefusedStreaming(text) {
    return loadPrepared(text, (win) => {
        win.WebAssembly.compileStreaming = () => Promise.reject(new win.TypeError("the stream was refused"));
    });
}
export function mainThreadSlices(win) {
    return win.performance.getEntriesByName("rsub:main-thread", "measure").length;
}
export function path(root, dotted) {
    return dotted.split(".").reduce((o, k) => (o == null ? undefined : o[k]), root);
}
export function fakeSaveContext(log, ticked) {
    const attribute = {
        getName() { return "esc_requestresubscribe"; },
        getAttributeType() { return "boolean"; },
        getValue() { return ticked; },
        getIsDirty() { return true; },
    };
    const formContext = {
        ui: {
            setFormNotification(text, level, id) { log.push([level, id, text]); return true; },
            clearFormNotification(id) { log.push(["CLEAR", id]); return true; },
        },
        data: { entity: { attributes: { forEach(f) { f(attribute); } } } },
        getAttribute(name) { return name === "esc_requestresubscribe" ? attribute : null; },
    };
    const args = {
        getSaveMode() { return 1; },
        preventDefault() { log.push(["PREVENTED"]); },
    };
    return { getFormContext() { return formContext; }, getEventArgs() { return args; } };
}
export function fakeExecutionContext(log) {
    const formContext = {
        ui: {
            setFormNotification(text, level, id) { log.push([level, id, text]); return true; },
            clearFormNotification(id) { log.push(["CLEAR", id]); return true; },
        },
    };
    return { getFormContext() { return formContext; } };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = loadClassicScript)]
    fn load_classic_script(text: &str) -> JsValue;
    /// Loads the library into a new same-origin frame (its own `Rsub`, its own module):
    /// `{ns, started}`, `started` telling whether the module had started when the script ended.
    #[wasm_bindgen(js_name = loadBothInNewFrame)]
    fn load_both_in_new_frame(first: &str, second: &str) -> JsValue;
    #[wasm_bindgen(js_name = startedModules)]
    fn started_modules(win: &JsValue) -> u32;
    /// Loads the library into a new frame whose `new WebAssembly.Module` refuses (when
    /// `refuse_sync_compile`) as a browser with a main-thread size limit does: `{ns, started, win}`.
    #[wasm_bindgen(js_name = loadInNewFrame)]
    fn load_in_new_frame(text: &str, refuse_sync_compile: bool) -> JsValue;
    /// Loads the library into a new frame whose global `name` (a dotted path) is missing;
    /// returns its `Rsub`.
    #[wasm_bindgen(js_name = loadWithoutGlobal)]
    fn load_without_global(text: &str, name: &str) -> JsValue;
    /// Loads the library into a new frame whose `WebAssembly.compileStreaming` refuses every
    /// stream (a `TypeError`); returns its `Rsub`.
    #[wasm_bindgen(js_name = loadWithRefusedStreaming)]
    fn load_with_refused_streaming(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = mainThreadSlices)]
    fn main_thread_slices(win: &JsValue) -> u32;
    fn path(root: &JsValue, dotted: &str) -> JsValue;
    #[wasm_bindgen(js_name = fakeSaveContext)]
    fn fake_save_context(log: &js_sys::Array, ticked: bool) -> JsValue;
    #[wasm_bindgen(js_name = fakeExecutionContext)]
    fn fake_execution_context(log: &js_sys::Array) -> JsValue;
}

fn rsub() -> JsValue {
    load_classic_script(FORM_LIBRARY)
}

/// Waits until the module of the namespace `ns` has started (`ns.ready()`).
async fn ready(ns: &JsValue) {
    let promise = call_in(ns, "ready", &[]).expect("ready() returns");
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .expect("module starts");
}

/// The page's `Rsub`, its module started.
async fn started_rsub() -> JsValue {
    let ns = rsub();
    ready(&ns).await;
    ns
}

/// Calls `function` (a dotted path in the page's `Rsub`) with its owner as `this`.
fn call(function: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    call_in(&rsub(), function, args)
}

/// Calls `function` (a dotted path in the namespace `ns`) with its owner as `this`.
fn call_in(ns: &JsValue, function: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let (this, name) = match function.rsplit_once('.') {
        Some((object, name)) => (path(ns, object), name),
        None => (ns.clone(), function),
    };
    let f: js_sys::Function = path(&this, name).dyn_into()?;
    f.apply(&this, &args.iter().collect())
}

/// Runs the OnLoad handler `handler` of `ns` outside Dynamics (a fake context whose form
/// notifications go to `log`) and waits until it resolves.
async fn load_outside_dynamics(ns: &JsValue, handler: &str, log: &js_sys::Array) {
    let promise = call_in(ns, handler, &[fake_execution_context(log)]).expect("onLoad returns");
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .expect("onLoad resolves");
}

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn namespace_defines_the_form_handlers_as_functions() {
    let ns = rsub();
    assert!(ns.is_object(), "the library defines the global Rsub");
    for handler in ["onLoad", "onSave", "onRequestResubscribeChange"] {
        let f = path(&ns, &format!("EmailSuppressionForm.{handler}"));
        assert!(
            f.is_function(),
            "Rsub.EmailSuppressionForm.{handler} is a function"
        );
    }
    assert_eq!(
        path(&ns, "version").as_string().as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert!(
        path(&ns, "ContactForm").is_undefined(),
        "the Contact form's handler is in its own library"
    );
}

#[wasm_bindgen_test]
async fn ready_starts_the_embedded_module() {
    let ready = call("ready", &[]).expect("ready() returns");
    let resolved = JsFuture::from(js_sys::Promise::from(ready))
        .await
        .expect("module starts");
    assert!(path(&resolved, "diagnostics.checkCompatibility").is_function());
}

#[wasm_bindgen_test]
async fn on_load_outside_dynamics_starts_the_module_and_says_what_is_missing() {
    let log = js_sys::Array::new();
    load_outside_dynamics(&rsub(), "EmailSuppressionForm.onLoad", &log).await;
    let shown = json(&log);
    // The module started (no "rsub.module" failure) and reported, as one admin-facing
    // error, that the page has no Client API.
    assert_eq!(log.length(), 1, "{shown}");
    assert!(shown.contains(r#"["ERROR","rsub.config","#), "{shown}");
    assert!(
        shown.contains("does not provide the Dynamics Client API"),
        "{shown}"
    );
}

/// `diagnostics.checkCompatibility(org, connector).kind` in the namespace `ns`.
fn compatibility_kind(ns: &JsValue, org: &str, connector: &str) -> Option<String> {
    let args = [org.into(), connector.into()];
    let verdict = call_in(ns, "diagnostics.checkCompatibility", &args).ok()?;
    path(&verdict, "kind").as_string()
}

#[wasm_bindgen_test]
async fn the_module_starts_off_the_main_thread_while_the_library_loads() {
    // The browser inflates the embedded module and compiles it asynchronously, started while
    // the script loads: nothing compiles on the main thread (a synchronous compile would throw
    // here), and the script ends before the module has started.
    let loaded = load_in_new_frame(FORM_LIBRARY, true);
    assert_eq!(path(&loaded, "started").as_bool(), Some(false));
    let (ns, win) = (path(&loaded, "ns"), path(&loaded, "win"));
    assert!(
        call_in(
            &ns,
            "diagnostics.checkCompatibility",
            &["9.2".into(), "7.0".into()]
        )
        .is_err(),
        "the diagnostics answered before the module started"
    );
    ready(&ns).await;
    assert_eq!(started_modules(&win), 1);
    assert_eq!(
        compatibility_kind(&ns, "9.2.25093.00168", "7.0.1.129").as_deref(),
        Some("tooOld")
    );
    // Its main-thread work is measured slice by slice: the script, the start's callbacks.
    assert!(
        main_thread_slices(&win) >= 2,
        "{}",
        main_thread_slices(&win)
    );
}

/// Where `WebAssembly.compileStreaming` is missing, or refuses the stream for a reason other
/// than the module or the page's CSP, the module is compiled from the inflated bytes.
#[wasm_bindgen_test]
async fn without_streaming_compilation_the_module_starts_from_the_inflated_bytes() {
    for ns in [
        load_without_global(FORM_LIBRARY, "WebAssembly.compileStreaming"),
        load_with_refused_streaming(FORM_LIBRARY),
    ] {
        ready(&ns).await;
        assert_eq!(
            compatibility_kind(&ns, "9.2.25093.00168", "7.0.1.129").as_deref(),
            Some("tooOld")
        );
    }
}

#[wasm_bindgen_test]
async fn without_decompression_streams_the_failure_is_shown_and_a_ticked_save_refused() {
    let ns = load_without_global(FORM_LIBRARY, "DecompressionStream");
    let log = js_sys::Array::new();
    load_outside_dynamics(&ns, "EmailSuppressionForm.onLoad", &log).await;
    let shown = json(&log);
    assert!(
        shown.contains(r#"["ERROR","rsub.module","The resubscription checks could not start."]"#),
        "{shown}"
    );
    let other = refuses_ticking_saves(&ns, NOT_RUNNING);
    assert!(!json(&other).contains("PREVENTED"), "{}", json(&other));
}

/// What a ticking save is told while the checks are not running.
const NOT_RUNNING: &str = "cannot be saved while the checks are not running";

/// Saves the form of `ns` twice while its checks cannot run: a ticking save is refused with a
/// sentence containing `why`; returns what the other save (box not ticked) did to the form.
fn refuses_ticking_saves(ns: &JsValue, why: &str) -> js_sys::Array {
    let refused = js_sys::Array::new();
    call_in(
        ns,
        "EmailSuppressionForm.onSave",
        &[fake_save_context(&refused, true)],
    )
    .unwrap();
    let shown = json(&refused);
    assert!(
        shown.contains(r#"["PREVENTED"]"#),
        "the save went through: {shown}"
    );
    assert!(shown.contains(why), "{shown}");
    let other = js_sys::Array::new();
    call_in(
        ns,
        "EmailSuppressionForm.onSave",
        &[fake_save_context(&other, false)],
    )
    .unwrap();
    other
}

#[wasm_bindgen_test]
async fn before_the_module_starts_a_ticked_save_is_refused_and_calls_wait() {
    let loaded = load_in_new_frame(FORM_LIBRARY, false);
    let (ns, win) = (path(&loaded, "ns"), path(&loaded, "win"));
    // OnLoad before the module has started: it waits, and runs when the module has.
    let log = js_sys::Array::new();
    let load = call_in(
        &ns,
        "EmailSuppressionForm.onLoad",
        &[fake_execution_context(&log)],
    )
    .expect("onLoad returns");
    assert_eq!(
        log.length(),
        0,
        "OnLoad ran before the module: {}",
        json(&log)
    );
    // A save that ticks Request Resubscribe is refused, saying why; another goes through.
    let other = refuses_ticking_saves(&ns, "still starting");
    assert_eq!(
        other.length(),
        0,
        "a save without a request was touched: {}",
        json(&other)
    );
    assert_eq!(
        started_modules(&win),
        0,
        "the module started on the main thread"
    );
    // The waiting OnLoad ran once the module started: outside Dynamics it says what is missing.
    JsFuture::from(js_sys::Promise::from(load))
        .await
        .expect("onLoad resolves");
    assert_eq!(started_modules(&win), 1);
    assert!(
        json(&log).contains(r#"["ERROR","rsub.config","#),
        "{}",
        json(&log)
    );
}

#[wasm_bindgen_test]
async fn both_libraries_on_one_page_share_the_namespace_and_keep_their_own_modules() {
    // Unified Interface keeps form scripts loaded across navigations: a user who opens a
    // suppression record and then a contact has both libraries in one window.
    let loaded = load_both_in_new_frame(FORM_LIBRARY, CONTACT_LIBRARY);
    let win = path(&loaded, "win");
    let ns = path(&loaded, "ns");
    // Only the Email Suppressions form's library starts its module while it loads; the
    // Contact form's starts when its OnLoad asks.
    ready(&ns).await;
    assert_eq!(started_modules(&win), 1, "form.js started its module");
    for handler in [
        "EmailSuppressionForm.onLoad",
        "EmailSuppressionForm.onSave",
        "EmailSuppressionForm.onRequestResubscribeChange",
        "ContactForm.onLoad",
    ] {
        assert!(path(&ns, handler).is_function(), "Rsub.{handler}");
    }
    // The suppression form's diagnostics still run in its own module.
    assert_eq!(
        compatibility_kind(&ns, "9.2.25093.00168", "7.0.1.129").as_deref(),
        Some("tooOld")
    );
    // The Contact form's handler runs outside Dynamics without an error.
    load_outside_dynamics(&ns, "ContactForm.onLoad", &js_sys::Array::new()).await;
    assert_eq!(
        started_modules(&win),
        2,
        "each library started its own module"
    );
}

#[wasm_bindgen_test]
async fn compatibility_matches_natively_for_real_versions() {
    started_rsub().await;
    for (org, connector) in [
        ("9.2.25093.00168", Some("7.0.1.721")),
        ("8.2.2.112", Some("7.0.1.129")),
        ("5.0.9690.2538", Some("5.0.0.14")),
        ("6.1.0.581", Some("5.0.0.14")),
        ("9.2.25093.00168", None),
        ("not a version", Some("7.0.1.721")),
    ] {
        let reading = match connector {
            Some(v) => ConnectorReading::installed(v),
            None => ConnectorReading::NotInstalled,
        };
        let native = domain::check(org, &reading);
        let version = connector.map(JsValue::from).unwrap_or(JsValue::NULL);
        let shipped = call("diagnostics.checkCompatibility", &[org.into(), version]).unwrap();
        assert_eq!(
            path(&shipped, "kind").as_string().as_deref(),
            Some(native.kind()),
            "{org}"
        );
        assert_eq!(
            path(&shipped, "key").as_string().as_deref(),
            Some(native.message().key.id()),
            "{org} / {connector:?}"
        );
        // No Client API on this page, so no RESX: the shipped module, which has no English
        // table, names the text it could not read.
        let message = path(&shipped, "message").as_string().unwrap_or_default();
        assert!(
            message.contains(native.message().key.id()),
            "{org} / {connector:?}: {message}"
        );
    }
    let too_old = call(
        "diagnostics.checkCompatibility",
        &["8.2.2.112".into(), "7.0.1.129".into()],
    );
    assert_eq!(
        path(&too_old.unwrap(), "kind").as_string().as_deref(),
        Some("tooOld")
    );
}

#[wasm_bindgen_test]
async fn malformed_versions_give_a_typed_verdict_not_a_crash() {
    started_rsub().await;
    for (org, connector) in [("", "7.0.1.721"), ("9.2", "7..1"), ("9.2.25093.00168", "x")] {
        let verdict = call(
            "diagnostics.checkCompatibility",
            &[org.into(), connector.into()],
        )
        .unwrap();
        assert_eq!(
            path(&verdict, "kind").as_string().as_deref(),
            Some("unknown"),
            "{org} / {connector}"
        );
    }
    // The module survives: a valid call still works afterwards.
    let ok = call(
        "diagnostics.checkCompatibility",
        &["9.2.25093.00168".into(), "7.0.1.721".into()],
    );
    assert_eq!(
        path(&ok.unwrap(), "kind").as_string().as_deref(),
        Some("ok")
    );
}

#[wasm_bindgen_test]
async fn when_the_checks_are_off_a_ticked_request_is_refused_and_other_saves_pass() {
    // No Client API on this page: OnLoad switches the checks off (and says so).
    let log = js_sys::Array::new();
    load_outside_dynamics(&rsub(), "EmailSuppressionForm.onLoad", &log).await;

    let other = refuses_ticking_saves(&rsub(), NOT_RUNNING);
    assert_eq!(
        other.length(),
        0,
        "a save without a request was touched: {}",
        json(&other)
    );
}
