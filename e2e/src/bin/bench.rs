//! The benchmark's browser half, run by `cargo xtask bench` after the build (which also writes
//! the sizes this reads with `--sizes`): times the demo Email Suppressions form in headless
//! Chromium against an in-process emulator, prints the table with the targets, and writes
//! `<target>/bench/report.json`.
//!
//! What is timed, all read from the page's own performance timeline (User Timing marks, the
//! `performance.now()` clock), never from the WebDriver side:
//!
//! - **OnLoad → first decision** (`onload_ready_ms`): from the mark `demo:onload-call`, which
//!   the demo host puts immediately before it calls the first form OnLoad handler, to the first
//!   `rsub:first-decision` mark after it, which the plugin puts when it has drawn what the
//!   form's values decide (the *Request Resubscribe* box, the reason's eligibility notice on a
//!   form without the panel, the connector verdict when the frame has read it already). The
//!   browser paints it in its next frame, which is not included. Each sample is a new
//!   navigation to the record's deep link. **Cold**: the first navigation to the record after
//!   the baseline page (`sessionStorage` cleared too); **warm**: the next navigation to it in
//!   the same tab. The library keeps the connector version in memory only, so a page load
//!   reads it again in the same `$batch` either way.
//! - **OnLoad → state verified** (`onload_verified_ms`): the same start to the first
//!   `rsub:state-rendered` mark, put at the end of `render_state` once the one `$batch` has
//!   answered (record state, contact, notes, connector) and everything is drawn from it.
//! - **Library start** (`library_start_ms`): from `rsub:library-start` (the first statement of
//!   the form library) to `rsub:module-started`: inflating, compiling and instantiating the
//!   embedded module while the library loads, before OnLoad. Main-thread time the form pays
//!   once per page; outside the OnLoad figures, so reported on its own.
//! - **Main-thread work** (`main_thread_ms`): with the module inflated and compiled off the
//!   main thread, wall time is not main-thread time: the library measures each synchronous
//!   slice it runs (User Timing measures `rsub:main-thread`: its script, the callbacks of its
//!   start, each handler call into the module, each task of the module's futures), and this
//!   sums them up to `rsub:state-rendered`: library start plus OnLoad.
//! - **Baseline** (`baseline_onload_ms`): the same page with `&bench=baseline`, where the host
//!   registers an empty OnLoad handler instead of the library's and loads no library: from
//!   `demo:onload-call` to `demo:baseline-done`, the handler's only statement. The plugin's
//!   added cost is the difference of the medians.
//! - **Contact form** (`contact_onload_ms`): a new navigation to a contact with one recorded
//!   request, from `demo:onload-call` to `rsub:module-started` (`contact.js` compiles and
//!   starts its module off the main thread when OnLoad asks) and to `rsub:history-rendered`
//!   (the notes read and the history drawn in the panel).
//! - **Save decision** (`onsave_decision_us`): `Rsub.EmailSuppressionForm.onSave` called
//!   synchronously in the loaded page with a synthetic save context (`getSaveMode()` 1), the
//!   box ticked (without its OnChange, so no evidence is captured): every rule runs and the
//!   save is refused, each call redrawing its notifications through the host's Client API.
//! - **Round trips**: the plugin's Web API requests per load in the emulator's request log
//!   (every Web API request the demo host did not mark as its own with `X-Demo-Host`).
//! - **Reference start** (`reference_start_ms`): `dynamics-web-api`'s minified browser bundle
//!   (the library a JavaScript customizer would ship instead) loaded the way a form library
//!   loads, by `<script src>` into the demo form's `ClientApiFrame_0`, on the baseline page (no
//!   library of ours loaded). It has no module to start, so what is timed is its script from
//!   its first statement (a `ref:library-start` mark put before the bundle in the copy served)
//!   until `new DynamicsWebApi(...)` has returned (a `ref:ready` mark after it): the equivalent
//!   of our library start. Cold and warm as for our loads.
//! - **Library start by engine** (`library_start_ms_by_engine`): the library start in Firefox
//!   ESR and WebKitGTK too (a few cold and warm loads each, the drivers of the engines smoke
//!   suite); an engine that cannot be driven is reported as not measured, with the reason.
//!
//! Rounds interleave baseline, cold, warm and Contact loads so that drift affects all three alike; the
//! first rounds warm the browser up and are not counted.

#![recursion_limit = "256"]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use e2e::emulator::LocalEmulator;
use e2e::{seed, E2e, Engine, Failure, Method, Outcome};
use serde_json::{json, Map, Value};

const USAGE: &str = "usage: bench --sizes FILE [--loads N] [--warmup N] [--save-calls N]
(run it as `cargo xtask bench`, which builds and writes the sizes file first)";

const ENTITY: &str = "esc_emailsuppression";
/// An unsubscribed suppression with a contact: eligible, nothing requested yet.
const RECORD: &str = seed::SUPPRESSION_UNSUBSCRIBED;
/// A contact with one recorded request: the Contact form's history has an entry to draw.
const CONTACT: &str = seed::CONTACT_PAUL_CANNON;

/// The targets: the form library's size at most 60 KB (aim 45), and the main-thread work it adds
/// to a form load at most 5 ms. KB = 1,000 bytes.
const GZIP_TARGET_NOW: usize = 60_000;
const GZIP_TARGET_AIM: usize = 45_000;
const ONLOAD_ADDED_TARGET_MS: f64 = 5.0;
const SAVE_TARGET_US: f64 = 200.0;
const ROUND_TRIPS_TARGET: usize = 1;

/// Cold and warm loads of the reference, and of each other engine (fewer when `--loads` is).
const REFERENCE_LOADS: usize = 10;
const ENGINE_LOADS: usize = 5;
/// The web resource name the reference is served under.
const REFERENCE_NAME: &str = "ref_/dynamics-web-api.min.js";
/// Put before and after the reference bundle in the copy served: a mark at its first statement
/// (keeping the bundle's `"use strict"` directive first), and after it the client constructed
/// and a mark once the constructor has returned.
const REFERENCE_BEFORE: &str = "\"use strict\";performance.mark(\"ref:library-start\");\n";
const REFERENCE_AFTER: &str =
    "\n;new DynamicsWebApi({ dataApi: { version: \"9.2\" } });\nperformance.mark(\"ref:ready\");\n";

/// Calls timed together when `performance.now()` is too coarse to time one call.
const SAVE_BLOCK: usize = 20;
/// A timer at least this fine (µs) times single save decisions.
const FINE_TIMER_US: f64 = 10.0;

/// Resolves, once they all exist, with the times from `demo:onload-call` to the first of each
/// mark named in `arguments[0]` after it, and the library's start (`rsub:library-start` to
/// `rsub:module-started`, or `null`). The host puts `demo:*` marks on the page's timeline; the
/// form library runs in its own frame (`DemoHost.scriptWindow()`, `#ClientApiFrame_0`) and puts
/// `rsub:*` marks on that frame's timeline. Every mark is read on the page's clock: a frame
/// mark's `startTime` plus the frame's `performance.timeOrigin` minus the page's. A
/// `PerformanceObserver` on each timeline waits, so nothing polls the page while it loads;
/// `null` after 10 s.
const LOAD_MARKS_JS: &str = r#"
    const ends = arguments[0], done = arguments[arguments.length - 1];
    const frame = () => (window.DemoHost && DemoHost.scriptWindow ? DemoHost.scriptWindow() : null);
    /* Marks named `name` from the page and the frame, oldest first, on the page's clock. */
    function marks(name) {
        const own = performance.getEntriesByName(name, "mark").map((m) => m.startTime);
        const w = frame();
        const shift = w ? w.performance.timeOrigin - performance.timeOrigin : 0;
        const theirs = w ? w.performance.getEntriesByName(name, "mark").map((m) => m.startTime + shift) : [];
        return own.concat(theirs).sort((a, b) => a - b);
    }
    const first = (name) => marks(name)[0];
    function interval() {
        const call = first("demo:onload-call");
        if (call === undefined) { return null; }
        const ms = ends.map((name) => {
            const at = marks(name).find((t) => t >= call);
            return at === undefined ? null : at - call;
        });
        if (ms.some((v) => v === null)) { return null; }
        const start = first("rsub:library-start"), started = first("rsub:module-started");
        const w = frame();
        /* The library's main-thread slices so far (it measures each one it runs). */
        const slices = w ? w.performance.getEntriesByName("rsub:main-thread", "measure") : [];
        const inflate = w ? w.performance.getEntriesByName("rsub:inflate", "measure") : [];
        const decided = w ? w.performance.getEntriesByName(ends[0], "mark")[0] : undefined;
        const toDecision = decided ? slices.filter((m) => m.startTime <= decided.startTime) : [];
        return {
            ms,
            libraryMs: start !== undefined && started !== undefined ? started - start : null,
            mainMs: slices.length > 0 ? slices.reduce((sum, m) => sum + m.duration, 0) : null,
            inflateMs: inflate.length > 0 ? inflate[0].duration : null,
            decisionMainMs: toDecision.length > 0 ? toDecision.reduce((sum, m) => sum + m.duration, 0) : null,
            search: location.search,
            library: !!w && typeof w.Rsub === "object" && w.Rsub !== null
        };
    }
    const now = interval();
    if (now) { done(now); return; }
    const observers = [];
    let watchedFrame = null;
    function check() {
        const w = frame();
        if (w && w !== watchedFrame) {
            watchedFrame = w;
            const inFrame = new w.PerformanceObserver(check);
            inFrame.observe({ type: "mark" });
            observers.push(inFrame);
        }
        const found = interval();
        if (found) { observers.forEach((o) => o.disconnect()); clearTimeout(timer); done(found); }
    }
    const timer = setTimeout(() => { observers.forEach((o) => o.disconnect()); done(null); }, 10000);
    const onPage = new PerformanceObserver(check);
    onPage.observe({ type: "mark" });
    observers.push(onPage);
    check();
"#;

/// Loads the script at `arguments[0]` into the form libraries' frame (`ClientApiFrame_0`) as the
/// demo host loads a form library (`<script src>`, not async); resolves with the time from its
/// `ref:library-start` mark to its `ref:ready` mark (`null` when one is missing) and whether
/// the frame then has `DynamicsWebApi`.
const REFERENCE_JS: &str = r#"
    const url = arguments[0], done = arguments[arguments.length - 1];
    const w = window.DemoHost && DemoHost.scriptWindow ? DemoHost.scriptWindow() : null;
    if (!w || !w.frameElement || w.frameElement.id !== "ClientApiFrame_0") {
        done({ error: "the demo form has no ClientApiFrame_0 frame" });
        return;
    }
    if (typeof w.DynamicsWebApi !== "undefined") {
        done({ error: "the frame has DynamicsWebApi before the reference was loaded" });
        return;
    }
    const errors = [];
    const onError = (event) => { errors.push(event.message || String(event.error)); };
    w.addEventListener("error", onError);
    const doc = w.document;
    const script = doc.createElement("script");
    script.src = url;
    script.async = false;
    function finish(error) {
        w.removeEventListener("error", onError);
        const start = w.performance.getEntriesByName("ref:library-start", "mark")[0];
        const ready = w.performance.getEntriesByName("ref:ready", "mark")[0];
        done({
            error: error || (errors.length ? errors.join("; ") : null),
            ms: start && ready ? ready.startTime - start.startTime : null,
            loaded: typeof w.DynamicsWebApi === "function"
        });
    }
    script.addEventListener("load", () => finish(null));
    script.addEventListener("error", () => finish("the script could not be loaded from " + url));
    (doc.head || doc.documentElement).appendChild(script);
"#;

/// The smallest step of `performance.now()` in the page, in milliseconds (browsers coarsen it;
/// a mark's time has the same steps).
const CLOCK_JS: &str = r#"
    let step = Infinity;
    let last = performance.now();
    for (let i = 0; i < 2000000 && step > 0.001; i += 1) {
        const t = performance.now();
        if (t !== last) { step = Math.min(step, t - last); last = t; }
    }
    return step === Infinity ? null : step;
"#;

/// Times `arguments[0]` synchronous save decisions one by one and `arguments[0]` more in blocks
/// of `arguments[1]`, after 50 untimed calls; measures the timer's granularity.
const SAVE_JS: &str = r#"
    const calls = arguments[0], block = arguments[1];
    const def = DemoHost.formXml.esc_emailsuppression;
    const handler = def.events.find((e) => e.name === "onsave").handlers[0];
    const params = DemoHost.xrm.parseParameters(handler.parameters);
    Xrm.Page.getAttribute("esc_requestresubscribe").setValue(true);
    let prevented = 0;
    const args = {
        getSaveMode: () => 1,
        preventDefault() { prevented += 1; },
        isDefaultPrevented: () => false
    };
    const ctx = {
        getEventArgs: () => args,
        getFormContext: () => Xrm.Page,
        getEventSource: () => Xrm.Page.data.entity,
        getDepth: () => 0,
        getContext: () => Xrm.Utility.getGlobalContext()
    };
    const rsub = DemoHost.scriptWindow().Rsub;
    const onSave = rsub.EmailSuppressionForm.onSave;
    const memoryBefore = rsub.diagnostics.memoryBytes();
    for (let i = 0; i < 50; i += 1) { onSave(ctx, ...params); }
    prevented = 0;
    const single = [];
    for (let i = 0; i < calls; i += 1) {
        const t0 = performance.now();
        onSave(ctx, ...params);
        single.push(performance.now() - t0);
    }
    const blocks = [];
    for (let b = 0; b < Math.ceil(calls / block); b += 1) {
        const t0 = performance.now();
        for (let i = 0; i < block; i += 1) { onSave(ctx, ...params); }
        blocks.push((performance.now() - t0) / block);
    }
    let granularity = Infinity;
    let last = performance.now();
    for (let i = 0; i < 200000 && granularity > 0.001; i += 1) {
        const t = performance.now();
        if (t !== last) { granularity = Math.min(granularity, t - last); last = t; }
    }
    const notes = document.getElementById("form-notifications");
    return {
        singleMs: single,
        blockMs: blocks,
        prevented: prevented,
        timed: calls + blocks.length * block,
        granularityMs: granularity,
        memoryBefore: memoryBefore,
        memoryAfter: rsub.diagnostics.memoryBytes(),
        shown: notes ? notes.innerText.trim() : ""
    };
"#;

struct Options {
    sizes: PathBuf,
    loads: usize,
    warmup: usize,
    save_calls: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        sizes: PathBuf::new(),
        loads: 30,
        warmup: 2,
        save_calls: 1000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{arg} takes a number, not {v:?}\n{USAGE}"))
        };
        match arg.as_str() {
            "--sizes" => options.sizes = PathBuf::from(value()?),
            "--loads" => options.loads = number(value()?)?,
            "--warmup" => options.warmup = number(value()?)?,
            "--save-calls" => options.save_calls = number(value()?)?,
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    if options.sizes.as_os_str().is_empty() {
        return Err(format!("--sizes is required\n{USAGE}"));
    }
    if options.loads == 0 || options.save_calls == 0 {
        return Err(format!(
            "--loads and --save-calls must be at least 1\n{USAGE}"
        ));
    }
    Ok(options)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let result = match options() {
        Ok(options) => run(&options).await.map_err(|f| f.message().to_string()),
        Err(message) => Err(message),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: cannot measure: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> Outcome {
    let sizes: Value = std::fs::read(&options.sizes)
        .map_err(|e| {
            Failure::new(format!(
                "cannot read the sizes {} ({e}); run `cargo xtask bench`",
                options.sizes.display()
            ))
        })
        .and_then(|b| Ok(serde_json::from_slice(&b)?))?;
    if options.loads < 30 {
        println!(
            "note: {} loads per series; the benchmark's figures use at least 30",
            options.loads
        );
    }
    let load_before = load_average();
    let t = E2e::start("bench").await?;
    let measured = measure(&t, options).await;
    let reference = match &measured {
        Ok(_) => measure_reference(&t, &sizes, options).await,
        Err(failure) => Err(clone(failure)),
    };
    let measured = t
        .finish(reference.as_ref().map(drop).map_err(clone))
        .await
        .and(measured)?;
    let reference = reference?;
    let engines = measure_engines(options).await;

    let mut report = report(&sizes, &measured, options)?;
    add_start_comparison(&mut report, reference, engines);
    report["machine"]["load_average_1min"] =
        json!({ "before": load_before, "after": load_average() });
    print_table(&report);
    let dir = e2e::paths::target_dir().join("bench");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    let file = dir.join("report.json");
    std::fs::write(&file, serde_json::to_string_pretty(&report)?)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display())))?;
    println!("\nreport: {}", file.display());
    Ok(())
}

fn clone(failure: &Failure) -> Failure {
    Failure::new(failure.message())
}

/// What the browser gave.
struct Measured {
    cold: Series,
    warm: Series,
    /// Contact form loads: `ready_ms` to the module started, `verified_ms` to the history drawn.
    contact: Series,
    baseline: Vec<f64>,
    save: Value,
    user_agent: String,
}

/// The plugin's loads of one kind.
#[derive(Default)]
struct Series {
    ready_ms: Vec<f64>,
    verified_ms: Vec<f64>,
    library_ms: Vec<f64>,
    main_thread_ms: Vec<f64>,
    decision_main_ms: Vec<f64>,
    inflate_ms: Vec<f64>,
    round_trips: Vec<usize>,
    batch_parts: Vec<usize>,
    batch_server_ms: Vec<f64>,
}

/// One load of the plugin's page.
struct Load {
    ready_ms: f64,
    /// To the state read at load (plugin loads only).
    verified_ms: f64,
    /// The library's start (plugin loads only).
    library_ms: f64,
    /// The library's main-thread slices up to the last end mark (plugin loads only).
    main_thread_ms: f64,
    /// The same up to the first decision drawn (plugin loads only).
    decision_main_ms: f64,
    /// The browser's inflate and compile of the module, wall time (plugin loads only).
    inflate_ms: f64,
    round_trips: usize,
    batch_parts: usize,
    batch_server_ms: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Baseline,
    Cold,
    Warm,
    Contact,
}

async fn measure(t: &E2e, options: &Options) -> Outcome<Measured> {
    let mut measured = Measured {
        cold: Series::default(),
        warm: Series::default(),
        contact: Series::default(),
        baseline: Vec::new(),
        save: Value::Null,
        user_agent: String::new(),
    };
    let rounds = options.warmup + options.loads;
    println!(
        "timing {} rounds (baseline, cold, warm and Contact form loads; the first {} not counted) …",
        rounds, options.warmup
    );
    for round in 0..rounds {
        let counted = round >= options.warmup;
        for kind in [Kind::Baseline, Kind::Cold, Kind::Warm, Kind::Contact] {
            let load = load_once(t, kind).await?;
            if !counted {
                continue;
            }
            let series = match kind {
                Kind::Baseline => {
                    measured.baseline.push(load.ready_ms);
                    continue;
                }
                Kind::Cold => &mut measured.cold,
                Kind::Warm => &mut measured.warm,
                Kind::Contact => &mut measured.contact,
            };
            series.ready_ms.push(load.ready_ms);
            series.verified_ms.push(load.verified_ms);
            series.library_ms.push(load.library_ms);
            series.main_thread_ms.push(load.main_thread_ms);
            series.decision_main_ms.push(load.decision_main_ms);
            series.inflate_ms.push(load.inflate_ms);
            series.round_trips.push(load.round_trips);
            series.batch_parts.push(load.batch_parts);
            series.batch_server_ms.push(load.batch_server_ms);
        }
    }

    println!("timing {} save decisions …", options.save_calls);
    load_once(t, Kind::Warm).await?;
    let save = t
        .page
        .execute(SAVE_JS, vec![json!(options.save_calls), json!(SAVE_BLOCK)])
        .await?;
    let timed = save["timed"].as_u64().unwrap_or(0);
    e2e::ensure!(
        timed > 0 && save["prevented"].as_u64() == Some(timed),
        "the save was not refused on every call ({} of {timed}), so the rules did not all run; the page shows {:?}",
        save["prevented"],
        save["shown"]
    );
    measured.save = save;
    measured.user_agent = t
        .page
        .execute("return navigator.userAgent;", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok(measured)
}

/// One new navigation to the record; returns the marks' interval and the plugin's requests.
async fn load_once(t: &E2e, kind: Kind) -> Outcome<Load> {
    let emulator = &t.emulator;
    if kind == Kind::Cold {
        t.page
            .execute("sessionStorage.clear(); return true;", vec![])
            .await?;
    }
    let cleared = emulator
        .send(Method::DELETE, "/_emulator/requests", &[], None)
        .await?;
    e2e::ensure!(
        cleared.status < 300,
        "cannot clear the emulator's request log: HTTP {}",
        cleared.status
    );
    let (entity, record, query, end_marks) = match kind {
        Kind::Baseline => (
            ENTITY,
            RECORD,
            "&bench=baseline",
            json!(["demo:baseline-done"]),
        ),
        Kind::Cold | Kind::Warm => (
            ENTITY,
            RECORD,
            "",
            json!(["rsub:first-decision", "rsub:state-rendered"]),
        ),
        Kind::Contact => (
            "contact",
            CONTACT,
            "",
            json!(["rsub:module-started", "rsub:history-rendered"]),
        ),
    };
    t.page
        .goto(&format!(
            "/main.aspx?etn={entity}&pagetype=entityrecord&id={record}{query}"
        ))
        .await?;
    let marks = t
        .page
        .client()
        .execute_async(LOAD_MARKS_JS, vec![end_marks.clone()])
        .await?;
    let Some(ready_ms) = marks["ms"][0].as_f64() else {
        return Err(Failure::new(format!(
            "no marks demo:onload-call and {end_marks} within 10 s; the page shows {:#}",
            t.page.diagnostics().await
        )));
    };
    let search = marks["search"].as_str().unwrap_or_default();
    let library = marks["library"].as_bool() == Some(true);
    e2e::ensure!(
        library == (kind != Kind::Baseline) && search.contains("bench=baseline") != library,
        "the page {search:?} has the form library loaded: {library}"
    );
    let (round_trips, batch_parts, batch_server_ms) = plugin_requests(emulator);
    let verified_ms = marks["ms"][1].as_f64().unwrap_or(f64::NAN);
    let library_ms = marks["libraryMs"].as_f64().unwrap_or(f64::NAN);
    let main_thread_ms = marks["mainMs"].as_f64().unwrap_or(f64::NAN);
    let inflate_ms = marks["inflateMs"].as_f64().unwrap_or(f64::NAN);
    let decision_main_ms = marks["decisionMainMs"].as_f64().unwrap_or(f64::NAN);
    e2e::ensure!(
        matches!(kind, Kind::Baseline | Kind::Contact) || library_ms.is_finite(),
        "the form library put no rsub:library-start and rsub:module-started marks"
    );
    Ok(Load {
        ready_ms,
        verified_ms,
        library_ms,
        main_thread_ms,
        decision_main_ms,
        inflate_ms,
        round_trips,
        batch_parts,
        batch_server_ms,
    })
}

/// The reference's start as a form library: `dynamics-web-api`'s bundle (its path from the
/// workspace root in the sizes file), with the marks of [`REFERENCE_BEFORE`] and
/// [`REFERENCE_AFTER`] around it, served as a web resource by a second emulator of the same
/// static file server (another port), loaded into `ClientApiFrame_0` of the baseline page (no
/// library of ours). Cold and warm loads alternate after one untimed round.
async fn measure_reference(t: &E2e, sizes: &Value, options: &Options) -> Outcome<Value> {
    let relative = sizes["reference"]["path"].as_str().ok_or_else(|| {
        Failure::new("the sizes file names no reference path; run `cargo xtask bench`")
    })?;
    let bundle_path = e2e::paths::root().join(relative);
    let bundle = std::fs::read_to_string(&bundle_path)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", bundle_path.display())))?;
    let dir = e2e::paths::target_dir().join("bench").join("reference");
    let file = dir.join(REFERENCE_NAME);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(&file, [REFERENCE_BEFORE, &bundle, REFERENCE_AFTER].concat())
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display())))?;
    let config = dataverse_emulator::EmulatorConfig {
        webresources_dir: Some(dir),
        www_dir: None,
        ..dataverse_emulator::EmulatorConfig::default()
    };
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let server = dataverse_emulator::serve(address, config)
        .await
        .map_err(|e| Failure::new(format!("cannot serve the reference: {e}")))?;
    let url = format!("{}/WebResources/{REFERENCE_NAME}", server.url());
    let loads = options.loads.min(REFERENCE_LOADS);
    println!(
        "timing the reference as a form library ({loads} cold and {loads} warm loads, one round not counted) …"
    );
    let timed = async {
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for round in 0..=loads {
            let c = reference_once(t, &url, true).await?;
            let w = reference_once(t, &url, false).await?;
            if round > 0 {
                cold.push(c);
                warm.push(w);
            }
        }
        Ok(json!({ "cold": stats(&cold), "warm": stats(&warm) }))
    }
    .await;
    server.shutdown().await;
    timed
}

/// One new navigation to the baseline page (`sessionStorage` cleared first when `cold`), then
/// the reference loaded into its frame: the milliseconds from its first statement to its
/// client constructed.
async fn reference_once(t: &E2e, url: &str, cold: bool) -> Outcome<f64> {
    if cold {
        t.page
            .execute("sessionStorage.clear(); return true;", vec![])
            .await?;
    }
    load_once(t, Kind::Baseline).await?;
    let loaded = t
        .page
        .client()
        .execute_async(REFERENCE_JS, vec![json!(url)])
        .await?;
    let ms = loaded["ms"].as_f64();
    e2e::ensure!(
        loaded["error"].is_null() && loaded["loaded"] == json!(true) && ms.is_some(),
        "the reference did not load as a form library (first statement to `new DynamicsWebApi()` returned): {loaded}"
    );
    Ok(ms.unwrap_or(f64::NAN))
}

/// The library start in Firefox and WebKit, by engine name (`firefox`, `webkit`): cold and
/// warm statistics, or why the engine was not measured.
async fn measure_engines(options: &Options) -> Vec<(Engine, Value)> {
    let mut out = Vec::new();
    for engine in [Engine::Firefox, Engine::WebKit] {
        let measured = match engine.missing() {
            Some(missing) => json!({ "not_measured": missing }),
            None => engine_start(engine, options)
                .await
                .unwrap_or_else(|failure| json!({ "not_measured": failure.message() })),
        };
        out.push((engine, measured));
    }
    out
}

/// Cold and warm loads of the record in `engine` after one untimed round: the library start of
/// each, and the browser's user agent.
async fn engine_start(engine: Engine, options: &Options) -> Outcome<Value> {
    let loads = options.loads.min(ENGINE_LOADS);
    println!(
        "timing the library start in {} ({loads} cold and {loads} warm loads, one round not counted) …",
        engine.name()
    );
    let _turn = engine.exclusive().await;
    let name = format!("bench-{}", engine.name().to_ascii_lowercase());
    let t = E2e::start_in(engine, &name).await?;
    let timed = async {
        // On the emulator's page first: a new session's blank page has no sessionStorage.
        t.page.open_record(ENTITY, RECORD).await?;
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for round in 0..=loads {
            let c = load_once(&t, Kind::Cold).await?.library_ms;
            let w = load_once(&t, Kind::Warm).await?.library_ms;
            if round > 0 {
                cold.push(c);
                warm.push(w);
            }
        }
        let agent = t
            .page
            .execute("return navigator.userAgent;", vec![])
            .await?;
        let clock = t.page.execute(CLOCK_JS, vec![]).await?;
        Ok(json!({
            "cold": stats(&cold),
            "warm": stats(&warm),
            "user_agent": agent,
            "timer_granularity_ms": clock,
        }))
    }
    .await;
    t.finish(timed.as_ref().map(drop).map_err(clone))
        .await
        .and(timed)
}

/// Adds the reference's start and the library start by engine (Chromium's from the cold and
/// warm series) to the report, with their definitions.
fn add_start_comparison(report: &mut Value, reference: Value, engines: Vec<(Engine, Value)>) {
    let mut by_engine = Map::new();
    by_engine.insert(
        "chromium".into(),
        json!({
            "engine": Engine::Chromium.name(),
            "browser": report["machine"]["browser"],
            "cold": report["library_start_ms"]["cold"],
            "warm": report["library_start_ms"]["warm"],
            "timer_granularity_ms": round3(num(&report["onsave_decision_us"]["timer_granularity_us"]) / 1000.0),
        }),
    );
    for (engine, mut measured) in engines {
        measured["engine"] = json!(engine.name());
        if let Some(agent) = measured["user_agent"].as_str() {
            measured["browser"] = json!(browser_of(agent, engine));
        }
        by_engine.insert(engine.name().to_ascii_lowercase(), measured);
    }
    report["library_start_ms_by_engine"] = Value::Object(by_engine);
    let mut reference = reference;
    reference["served_as"] = json!(REFERENCE_NAME);
    report["reference_start_ms"] = reference;
    let definitions = &mut report["definitions"];
    definitions["library_start_ms_by_engine"] = json!(
        "library_start_ms (rsub:library-start to rsub:module-started) in each engine: Chromium from the cold and warm series above; Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver under xvfb-run) from a few cold and warm loads each after one untimed round, with timer_granularity_ms, the smallest step of the page's performance.now() in that browser (marks have the same steps), or not_measured with the reason when the engine cannot be driven"
    );
    definitions["reference_start_ms"] = json!(
        "dynamics-web-api's minified browser bundle loaded as a form library: by <script src> (not async) into the demo form's ClientApiFrame_0 frame on the baseline page (no library of ours), served as a web resource by a second emulator of the same static file server on another port; from a ref:library-start mark put before its first statement to a ref:ready mark put after `new DynamicsWebApi({ dataApi: { version: \"9.2\" } })` has returned (it has no module to start: script evaluation plus constructing its client; like library_start_ms, the parse before the first statement is not included). cold: sessionStorage cleared before the navigation; warm: the next navigation in the same tab"
    );
}

/// The browser's name and version from its user agent (`Firefox/128.0`), else the engine's name.
fn browser_of(agent: &str, engine: Engine) -> String {
    agent
        .split_whitespace()
        .find(|w| w.starts_with("Firefox/"))
        .map_or_else(|| engine.name().to_string(), str::to_string)
}

/// The library start by engine and the reference's start, under the timings.
fn print_start_comparison(r: &Value) {
    let row = |label: &str, s: &Value| {
        println!(
            "{:<46} {:>7.2} ms {:>7.2} ms   ({} loads)",
            label,
            num(&s["median"]),
            num(&s["p95"]),
            s["n"]
        );
    };
    println!();
    println!(
        "library start by engine (first statement → module started; parse before it not included)"
    );
    for key in ["chromium", "firefox", "webkit"] {
        let engine = &r["library_start_ms_by_engine"][key];
        let name = engine["browser"]
            .as_str()
            .or(engine["engine"].as_str())
            .unwrap_or(key);
        match engine["not_measured"].as_str() {
            Some(reason) => println!(
                "  {name}: not measured: {}",
                reason.lines().next().unwrap_or_default()
            ),
            None => {
                row(&format!("  {name}, cold"), &engine["cold"]);
                row(&format!("  {name}, warm"), &engine["warm"]);
                if let Some(step) = engine["timer_granularity_ms"].as_f64() {
                    println!("    (this browser's clock steps by {step:.3} ms)");
                }
            }
        }
    }
    let reference = &r["reference"];
    println!(
        "reference: {} {} as a form library in ClientApiFrame_0,",
        reference["package"].as_str().unwrap_or("?"),
        reference["version"].as_str().unwrap_or("?")
    );
    println!("first statement → `new DynamicsWebApi()` returned (parse before it not included)");
    let start = &r["reference_start_ms"];
    row("  cold (Chromium)", &start["cold"]);
    row("  warm (Chromium)", &start["warm"]);
}

/// The plugin's Web API requests in the log since it was cleared (every Web API request the
/// demo host did not mark as its own: it reads the record, the org version and, on the Contact
/// form, the notes its timeline lists), the operations in its batches and how long the
/// emulator took to answer them.
fn plugin_requests(emulator: &LocalEmulator) -> (usize, usize, f64) {
    let log = emulator.requests();
    let plugin: Vec<_> = log
        .iter()
        .filter(|r| r.path.contains("/api/data/") && !r.demo_host)
        .collect();
    let batches = plugin.iter().filter(|r| r.path.contains("$batch"));
    let parts = batches.clone().map(|r| r.batch_parts.len()).sum();
    let server = batches.map(|r| r.duration_ms as f64).sum();
    (plugin.len(), parts, server)
}

/// Median, p95 (nearest rank), min, max and the samples.
fn stats(samples: &[f64]) -> Value {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return json!({ "n": 0 });
    }
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let p95 = sorted[((0.95 * n as f64).ceil() as usize).clamp(1, n) - 1];
    json!({
        "n": n,
        "median": round3(median),
        "p95": round3(p95),
        "min": round3(sorted[0]),
        "max": round3(sorted[n - 1]),
        "samples": samples.iter().map(|v| round3(*v)).collect::<Vec<_>>(),
    })
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn num(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

fn series_json(series: &Series) -> Value {
    let trips: Vec<f64> = series.round_trips.iter().map(|&v| v as f64).collect();
    let parts: Vec<f64> = series.batch_parts.iter().map(|&v| v as f64).collect();
    json!({
        "ready_ms": stats(&series.ready_ms),
        "verified_ms": stats(&series.verified_ms),
        "library_ms": stats(&series.library_ms),
        "main_thread_ms": stats(&series.main_thread_ms),
        "inflate_ms": stats(&series.inflate_ms),
        "decision_main_ms": stats(&series.decision_main_ms),
        "round_trips": stats(&trips),
        "batch_parts": stats(&parts),
        "batch_server_ms": stats(&series.batch_server_ms),
    })
}

fn report(sizes: &Value, m: &Measured, options: &Options) -> Outcome<Value> {
    let library = sizes["form_library"].as_str().unwrap_or_default();
    let mut bytes = Map::new();
    let mut gzip = Map::new();
    for resource in sizes["webresources"].as_array().into_iter().flatten() {
        let name = resource["name"].as_str().unwrap_or_default().to_string();
        bytes.insert(name.clone(), resource["bytes"].clone());
        gzip.insert(name, resource["gzip_bytes"].clone());
    }
    let library_gzip = gzip
        .get(library)
        .and_then(Value::as_u64)
        .ok_or_else(|| Failure::new(format!("the sizes file has no {library}")))?
        as usize;

    // Single calls when the clock can time them, else the per-call mean of each block.
    let granularity_us = num(&m.save["granularityMs"]) * 1000.0;
    let per_call = granularity_us <= FINE_TIMER_US;
    let save_us: Vec<f64> = m.save[if per_call { "singleMs" } else { "blockMs" }]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| num(v) * 1000.0)
        .collect();
    let save_stats = stats(&save_us);
    let save_method = if per_call {
        format!("performance.now() around each call ({granularity_us:.1} µs clock)")
    } else {
        format!(
            "performance.now() around blocks of {SAVE_BLOCK} consecutive calls, per-call mean of each \
             block ({granularity_us:.0} µs clock: too coarse for one call)"
        )
    };

    let baseline = stats(&m.baseline);
    let cold = series_json(&m.cold);
    let warm = series_json(&m.warm);
    let contact = series_json(&m.contact);
    let added = |s: &Value| round3(num(&s["ready_ms"]["median"]) - num(&baseline["median"]));
    let (added_cold, added_warm) = (added(&cold), added(&warm));
    let verified_added =
        |s: &Value| round3(num(&s["verified_ms"]["median"]) - num(&baseline["median"]));
    let worst = |s: &Series| s.round_trips.iter().copied().max().unwrap_or(0);
    let (trips_cold, trips_warm) = (worst(&m.cold), worst(&m.warm));
    let trips_contact = worst(&m.contact);
    let save_median = num(&save_stats["median"]);
    let main_cold = num(&cold["main_thread_ms"]["median"]);

    let target = |what: &str, goal: &str, figure: String, met: bool| json!({ "what": what, "target": goal, "figure": figure, "met": met });
    let targets = vec![
        target(
            "form library, gzip -9",
            "≤ 60 KB",
            kb(library_gzip),
            library_gzip <= GZIP_TARGET_NOW,
        ),
        target(
            "form library, gzip -9",
            "aim ≤ 45 KB",
            kb(library_gzip),
            library_gzip <= GZIP_TARGET_AIM,
        ),
        target(
            "OnLoad added over baseline, cold (median)",
            "≤ 5 ms",
            format!("{added_cold:.1} ms"),
            added_cold <= ONLOAD_ADDED_TARGET_MS,
        ),
        target(
            "OnLoad added over baseline, warm (median)",
            "≤ 5 ms",
            format!("{added_warm:.1} ms"),
            added_warm <= ONLOAD_ADDED_TARGET_MS,
        ),
        target(
            "main-thread work added to a form load, cold (median)",
            "≤ 5 ms",
            format!("{main_cold:.1} ms"),
            main_cold <= ONLOAD_ADDED_TARGET_MS,
        ),
        target(
            "save decision (median)",
            "≤ 0.2 ms",
            format!("{:.3} ms", save_median / 1000.0),
            save_median <= SAVE_TARGET_US,
        ),
        target(
            "Web API round trips per load, cold (max)",
            "1",
            trips_cold.to_string(),
            trips_cold == ROUND_TRIPS_TARGET,
        ),
        target(
            "Web API round trips per load, warm (max)",
            "1",
            trips_warm.to_string(),
            trips_warm == ROUND_TRIPS_TARGET,
        ),
        target(
            "Web API round trips per Contact form load (max)",
            "1",
            trips_contact.to_string(),
            trips_contact == ROUND_TRIPS_TARGET,
        ),
    ];

    Ok(json!({
        "measured_at": utc_now(),
        "machine": machine(&m.user_agent),
        "settings": {
            "loads_per_series": options.loads,
            "warmup_rounds": options.warmup,
            "save_calls": options.save_calls,
            "record": format!("{ENTITY} {RECORD} (unsubscribed, eligible, nothing requested)"),
            "contact": format!("contact {CONTACT} (one recorded request)"),
        },
        "form_library": library,
        "form_library_parts": sizes["form_library_parts"],
        "contact_library": sizes["contact_library"],
        "webresource_bytes": bytes,
        "webresource_gzip_bytes": gzip,
        "reference": sizes["reference"],
        "onload_ready_ms": { "cold": cold["ready_ms"], "warm": warm["ready_ms"] },
        "baseline_onload_ms": baseline,
        "onload_added_ms": { "cold": added_cold, "warm": added_warm },
        "onload_verified_ms": { "cold": cold["verified_ms"], "warm": warm["verified_ms"] },
        "onload_verified_added_ms": { "cold": verified_added(&cold), "warm": verified_added(&warm) },
        "library_start_ms": { "cold": cold["library_ms"], "warm": warm["library_ms"] },
        "main_thread_ms": { "cold": cold["main_thread_ms"], "warm": warm["main_thread_ms"] },
        "main_thread_to_decision_ms": { "cold": cold["decision_main_ms"], "warm": warm["decision_main_ms"] },
        "inflate_wall_ms": { "cold": cold["inflate_ms"], "warm": warm["inflate_ms"] },
        "onsave_decision_us": {
            "median": save_stats["median"],
            "p95": save_stats["p95"],
            "n": save_stats["n"],
            "calls_timed": m.save["timed"],
            "timer_granularity_us": round3(granularity_us),
            "method": save_method,
        },
        "module_memory_bytes": {
            "loaded": m.save["memoryBefore"],
            "after_save_decisions": m.save["memoryAfter"],
        },
        "contact_onload_ms": {
            "module_started": contact["ready_ms"],
            "history_drawn": contact["verified_ms"],
        },
        "load_round_trips_cold": trips_cold,
        "load_round_trips_warm": trips_warm,
        "contact_round_trips": trips_contact,
        "load_requests": { "cold": cold, "warm": warm },
        "targets": targets,
        "definitions": {
            "webresource_bytes": "size of each shipped web resource file under target/dist/webresources/ (names starting with rsub_), bytes",
            "webresource_gzip_bytes": "the same file after gzip -9, bytes",
            "form_library_parts": "where the form library's bytes go: the module after wasm-opt, the same compressed as embedded (base64 text of compressed bytes gzips to about their size), and gzip -9 of the script without the embedded module",
            "reference": "dynamics-web-api's minified browser bundle from npm (tools/bench), bytes and gzip -9 bytes",
            "onload_ready_ms": "new navigation to the record; from the User Timing mark demo:onload-call (the demo host, immediately before calling the first form OnLoad handler) to the first rsub:first-decision mark after it (the plugin, when it has drawn what the form's values decide: the Request Resubscribe box, the reason's eligibility notice on a form without the panel, and the connector verdict when this frame has read it already; the paint that follows is not included). cold: the first navigation to the record after the baseline page; warm: the next navigation to it in the same tab",
            "onload_verified_ms": "the same start to the first rsub:state-rendered mark (the plugin, at the end of render_state: everything drawn again from the one $batch read at load: record state, contact, notes, connector)",
            "onload_verified_added_ms": "median onload_verified_ms minus median baseline_onload_ms",
            "library_start_ms": "from rsub:library-start (the form library's first statement) to rsub:module-started: inflating, compiling and instantiating the embedded module while the library loads, before OnLoad is called (main-thread time outside the OnLoad figures)",
            "main_thread_ms": "main-thread work the library adds to a form load (library start + OnLoad): the sum of the User Timing measures rsub:main-thread the library puts for each synchronous slice it runs (its script, the callbacks of its start, each handler call into the module, each task of the module's futures), up to the rsub:state-rendered mark; the browser's own inflate and compile of the module run outside these slices",
            "main_thread_to_decision_ms": "the same sum over the slices that began by the rsub:first-decision mark: library start and OnLoad up to the first decision drawn, without the drawing of the $batch's answer",
            "inflate_wall_ms": "the browser's inflate (DecompressionStream) and streamed compile (WebAssembly.compileStreaming) of the embedded module, wall time from its start to the compiled module (User Timing measure rsub:inflate): an upper bound of the main-thread time they take outside main_thread_ms",
            "baseline_onload_ms": "the same page with &bench=baseline: an empty OnLoad handler instead of the library's, no library loaded; from demo:onload-call to demo:baseline-done (the handler's only statement)",
            "onload_added_ms": "median onload_ready_ms minus median baseline_onload_ms",
            "module_memory_bytes": "the module's linear memory (Rsub.diagnostics.memoryBytes) once a warm load has drawn its verified state, and again after the save decisions timed above: what the heap grew by while every rule ran that many times",
            "onsave_decision_us": "Rsub.EmailSuppressionForm.onSave called synchronously in the loaded page with a synthetic save context (getSaveMode() 1), the box ticked and no evidence: every rule runs and the save is refused, drawing its notifications through the host's Client API",
            "load_round_trips": "the plugin's Web API requests per load in the emulator's request log (every Web API request the demo host did not mark as its own with X-Demo-Host), the worst load of the series",
            "contact_onload_ms": "new navigation to a contact with one recorded request; from demo:onload-call to rsub:module-started (contact.js compiles and starts its module asynchronously when its OnLoad asks) and to rsub:history-rendered (the contact's notes read with one request and the history drawn in the panel)",
            "contact_round_trips": "the Contact library's Web API requests per load, the worst load",
            "batch_server_ms": "how long the emulator took to answer the plugin's $batch, in the whole milliseconds its request log records (inside onload_verified_ms)",
            "KB": "1,000 bytes",
        },
    }))
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// Where the form library's bytes go, under its row.
fn print_parts(parts: &Value) {
    if !parts.is_object() {
        return;
    }
    let size = |key: &str| grouped(parts[key].as_u64().unwrap_or(0));
    println!(
        "  of which: module {} B compressed (wasm {} B), loader and glue {} B gzip",
        size("module_compressed_bytes"),
        size("module_bytes"),
        size("script_gzip_bytes")
    );
}

/// Thousands separators.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn print_table(r: &Value) {
    let machine = &r["machine"];
    println!();
    println!(
        "Resubscribe benchmark  {}  {}, {} CPUs, {}, {}",
        r["measured_at"].as_str().unwrap_or_default(),
        machine["cpu"].as_str().unwrap_or("?"),
        machine["cpus"],
        machine["os"].as_str().unwrap_or("?"),
        machine["browser"].as_str().unwrap_or("?"),
    );
    let load = &machine["load_average_1min"];
    if let (Some(before), Some(after)) = (load["before"].as_f64(), load["after"].as_f64()) {
        println!(
            "load average (1 min) {before:.1} before, {after:.1} after the timings: \
             other work on the machine shows in the timings and their p95"
        );
    }
    println!();
    println!("{:<46} {:>10} {:>10}", "web resource", "bytes", "gzip -9");
    let library = r["form_library"].as_str().unwrap_or_default();
    let contact_library = r["contact_library"].as_str().unwrap_or_default();
    if let Some(sizes) = r["webresource_bytes"].as_object() {
        for (name, bytes) in sizes {
            let gzip = &r["webresource_gzip_bytes"][name];
            let tag = if name == library {
                "  (form library)"
            } else if name == contact_library {
                "  (Contact form library)"
            } else {
                ""
            };
            println!(
                "{:<46} {:>10} {:>10}{tag}",
                name,
                grouped(bytes.as_u64().unwrap_or(0)),
                grouped(gzip.as_u64().unwrap_or(0))
            );
            if name == library {
                print_parts(&r["form_library_parts"]);
            }
        }
    }
    let reference = &r["reference"];
    println!(
        "{:<46} {:>10} {:>10}  (reference, npm)",
        format!(
            "{} {} {}",
            reference["package"].as_str().unwrap_or("?"),
            reference["version"].as_str().unwrap_or("?"),
            reference["file"].as_str().unwrap_or("?")
        ),
        grouped(reference["bytes"].as_u64().unwrap_or(0)),
        grouped(reference["gzip_bytes"].as_u64().unwrap_or(0))
    );

    let n = r["settings"]["loads_per_series"].as_u64().unwrap_or(0);
    println!();
    println!(
        "{:<46} {:>10} {:>10}   ({n} loads each)",
        "timing", "median", "p95"
    );
    let line = |label: &str, s: &Value, unit: &str| {
        println!(
            "{:<46} {:>7.2} {unit} {:>7.2} {unit}",
            label,
            num(&s["median"]),
            num(&s["p95"])
        );
    };
    for (label, series) in [
        (
            "OnLoad → first decision drawn, cold",
            &r["onload_ready_ms"]["cold"],
        ),
        (
            "OnLoad → first decision drawn, warm",
            &r["onload_ready_ms"]["warm"],
        ),
        (
            "baseline: OnLoad → empty handler done",
            &r["baseline_onload_ms"],
        ),
    ] {
        line(label, series, "ms");
    }
    for (label, series) in [
        ("OnLoad added over baseline (median − median)", "cold"),
        ("", "warm"),
    ] {
        println!(
            "{label:<46} {:>7.2} ms            ({series})",
            num(&r["onload_added_ms"][series])
        );
    }
    let requests = &r["load_requests"];
    for (label, series) in [
        (
            "OnLoad → state verified ($batch), cold",
            &r["onload_verified_ms"]["cold"],
        ),
        (
            "OnLoad → state verified ($batch), warm",
            &r["onload_verified_ms"]["warm"],
        ),
        (
            "  of which the emulator answers $batch, cold",
            &requests["cold"]["batch_server_ms"],
        ),
        (
            "  of which the emulator answers $batch, warm",
            &requests["warm"]["batch_server_ms"],
        ),
        (
            "library start before OnLoad (inflate, compile)",
            &r["library_start_ms"]["cold"],
        ),
        (
            "main-thread work added to a form load, cold",
            &r["main_thread_ms"]["cold"],
        ),
        (
            "  (library start + OnLoad), warm",
            &r["main_thread_ms"]["warm"],
        ),
        (
            "  of which up to the first decision, cold",
            &r["main_thread_to_decision_ms"]["cold"],
        ),
        (
            "  of which up to the first decision, warm",
            &r["main_thread_to_decision_ms"]["warm"],
        ),
        (
            "  besides: inflate and compile, wall time, cold",
            &r["inflate_wall_ms"]["cold"],
        ),
        (
            "Contact OnLoad → module started (compile)",
            &r["contact_onload_ms"]["module_started"],
        ),
        (
            "Contact OnLoad → history drawn",
            &r["contact_onload_ms"]["history_drawn"],
        ),
    ] {
        line(label, series, "ms");
    }
    line("save decision (onSave)", &r["onsave_decision_us"], "µs");
    let memory = &r["module_memory_bytes"];
    println!(
        "{:<46} {:>10} {:>10}   (bytes: loaded / after the save decisions)",
        "module memory",
        num(&memory["loaded"]),
        num(&memory["after_save_decisions"])
    );
    let whole = |v: &Value| format!("{}", num(v));
    println!(
        "{:<46} {:>10} {:>10}   (cold / warm, worst load)",
        "Web API round trips per load",
        whole(&r["load_round_trips_cold"]),
        whole(&r["load_round_trips_warm"])
    );
    println!(
        "{:<46} {:>10} {:>10}   (cold / warm, worst load)",
        "  operations in that $batch",
        whole(&r["load_requests"]["cold"]["batch_parts"]["max"]),
        whole(&r["load_requests"]["warm"]["batch_parts"]["max"])
    );
    println!(
        "{:<46} {:>10}              (worst load)",
        "Web API round trips per Contact form load",
        whole(&r["contact_round_trips"])
    );
    print_start_comparison(r);

    println!();
    println!("targets (a miss is reported, not an error)");
    for t in r["targets"].as_array().into_iter().flatten() {
        println!(
            "  {} {:<44} {:>10}   target {}",
            if t["met"].as_bool() == Some(true) {
                "✓"
            } else {
                "✗"
            },
            t["what"].as_str().unwrap_or_default(),
            t["figure"].as_str().unwrap_or_default(),
            t["target"].as_str().unwrap_or_default()
        );
    }
    println!(
        "\nsave decision timed by {}",
        r["onsave_decision_us"]["method"]
            .as_str()
            .unwrap_or_default()
    );
}

/// The 1-minute load average (`/proc/loadavg`), when the system gives it: other work on the
/// machine shows in the figures, so the report says how busy it was.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU model, CPU count, OS and browser.
fn machine(user_agent: &str) -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let read = |p: &str| std::fs::read_to_string(p).map(|s| s.trim().to_string());
    let os = match (
        read("/proc/sys/kernel/ostype"),
        read("/proc/sys/kernel/osrelease"),
    ) {
        (Ok(kind), Ok(release)) => format!("{kind} {release}"),
        _ => std::env::consts::OS.to_string(),
    };
    let browser = user_agent
        .split_whitespace()
        .find(|w| w.starts_with("HeadlessChrome/") || w.starts_with("Chrome/"))
        .unwrap_or(user_agent)
        .to_string();
    json!({ "cpu": cpu, "cpus": cpus, "os": os, "browser": browser, "user_agent": user_agent })
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
