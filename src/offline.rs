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
    // The single-file build has no sw.js beside it, wherever it is served from.
    let single_file = window
        .document()
        .and_then(|document| document.document_element())
        .is_some_and(|root| root.has_attribute("data-single-file"));
    if single_file {
        return;
    }
    let navigator = window.navigator();
    // Some browsers (or settings) have no service workers at all.
    let has_workers = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if has_workers {
        let _ = navigator.service_worker().register("./sw.js");
    }
}
