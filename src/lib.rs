//! meshsim-web: the browser face of meshsim, a Yew app that Trunk builds into `dist/`.
//!
//! A tour, from the outside in:
//! - [`start`] installs the panic banner ([`panic_banner`]) and mounts [`components::app::App`].
//! - The app shell (`components/app.rs`) picks a view from the hash route ([`route`]).
//! - The injection playground (`components/inject_page.rs`) runs every edit through
//!   [`engine::inject`], the one door to the kube-inject engine (the `meshsim-inject` crate,
//!   the same code as `meshsim inject`), then derives the line diff ([`diff`]) and the
//!   "what was added and why" list ([`explain`]).
//! - The editor (`components/editor.rs`) and the annotation toggles ([`annotations`], which
//!   edit the YAML text itself) are the input side; [`samples`] embeds `www/samples/`.
//! - [`storage`] keeps the editor and options across reloads; [`offline`] registers the
//!   service worker (`www/sw.js`).
//!
//! Invariants: the page makes no request to another origin (index.html's Content-Security-Policy
//! forbids it and the end-to-end tests count requests); the output shown is byte for byte what
//! `meshsim inject` prints with the same options.

pub mod annotations;
pub mod components;
pub mod diff;
pub mod engine;
pub mod explain;
pub mod offline;
pub mod panic_banner;
pub mod route;
pub mod samples;
pub mod storage;
pub mod warnings;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on the page's `<body>`.
pub fn start() {
    // The wasm is instantiated: marks the split of first paint for `make perf`.
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark("wasm-started");
    }
    panic_banner::install();
    yew::Renderer::<components::app::App>::new().render();
}

/// Mounts the simulated cluster's page (`cluster/`, its own wasm bundle) on `<body>`.
pub fn start_cluster() {
    panic_banner::install();
    yew::Renderer::<components::cluster_page::ClusterApp>::new().render();
}
