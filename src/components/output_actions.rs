//! Copy and download of the injected YAML.
//!
//! The buttons are part of the playground's component, whose one click handler calls [`copy`]
//! and [`download`] (see `inject_page.rs`).

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The "Copy" and "Download" buttons (`data-act`, handled by the page), with a short status
/// for screen readers.
pub fn view(disabled: bool, status: &str) -> Html {
    html! {
        <div class="actions">
            <button type="button" data-testid="inject-copy" data-act="copy" {disabled}>{"Copy"}</button>
            <button type="button" data-testid="inject-download" data-act="download" {disabled}>{"Download"}</button>
            <span class="status" role="status" aria-live="polite">{status.to_owned()}</span>
        </div>
    }
}

/// Puts `text` on the clipboard; false where the browser has no clipboard API for the page.
pub fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false) {
        return false;
    }
    let _ = navigator.clipboard().write_text(text);
    true
}

/// Offers `text` as a file download named `filename`, from a `blob:` URL of this page.
pub fn download(text: &str, filename: &str) -> bool {
    let save = || -> Result<(), wasm_bindgen::JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let parts = js_sys::Array::of1(&text.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/yaml");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
        link.set_href(&url);
        link.set_download(filename);
        link.click();
        // The download starts after this task: free the URL a little later.
        gloo::timers::callback::Timeout::new(10_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Ok(())
    };
    save().is_ok()
}
