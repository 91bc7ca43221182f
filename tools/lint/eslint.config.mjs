// The Solution Checker's web-resource rules, run offline on every script the solution ships.
// `cargo xtask test` (and `cargo xtask dist`) run this on the built web resources, including the
// generated form library with its wasm-bindgen glue and the scripts inside the HTML pages.
// Every finding fails the step: the package must reach the checker with zero findings.
import powerApps from "@microsoft/eslint-plugin-power-apps";
import sdl from "@microsoft/eslint-plugin-sdl";

/** Every rule of the Power Apps checker plug-in, as an error. */
const allPowerAppsRules = Object.fromEntries(
    Object.keys(powerApps.rules).map((rule) => [`@microsoft/power-apps/${rule}`, "error"]),
);

/** Globals a web resource script may use: the browser and the model-driven app's Client API. */
const webResourceGlobals = {
    Xrm: "readonly",
    GetGlobalContext: "readonly",
    WebAssembly: "readonly",
    window: "readonly",
    document: "readonly",
    globalThis: "readonly",
};

export default [
    ...sdl.configs.common,
    {
        files: ["**/*.js"],
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "script",
            globals: webResourceGlobals,
        },
        linterOptions: {
            reportUnusedDisableDirectives: "error",
        },
        plugins: {
            "@microsoft/power-apps": powerApps,
        },
        rules: {
            ...allPowerAppsRules,
            "no-eval": "error",
            "no-implied-eval": "error",
            "no-new-func": "error",
        },
    },
];
