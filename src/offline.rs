//! Registers the service worker (`www/sw.js`) that keeps the page working without a network.
//!
//! Service workers exist only on http(s) and localhost; from `file://` (the single-file build)
//! there is nothing to register and nothing is needed.

/// Registers `./sw.js` when the page came from http(s).
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let protocol = window.location().protocol().unwrap_or_default();
    if protocol != "http:" && protocol != "https:" {
        return;
    }
    let navigator = window.navigator();
    // Some browsers (or settings) have no service workers at all.
    let has_workers = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if has_workers {
        let _ = navigator.service_worker().register("./sw.js");
    }
}
