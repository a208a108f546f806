//! Copy and download of the injected YAML.

use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutputActionsProps {
    /// The output to copy or save; `None` while there is none.
    pub output: Option<AttrValue>,
    /// The name the download gets.
    pub filename: String,
}

/// The "Copy" and "Download" buttons, with a short status for screen readers.
#[function_component]
pub fn OutputActions(props: &OutputActionsProps) -> Html {
    let status = use_state(String::new);

    let on_copy = {
        let output = props.output.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(output) = output.as_ref() else { return };
            status.set(if copy(output) {
                "Copied.".into()
            } else {
                "Copying is not allowed here: select the text and press Ctrl+C.".into()
            });
        })
    };
    let on_download = {
        let output = props.output.clone();
        let filename = props.filename.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(output) = output.as_ref() else { return };
            status.set(if download(output, &filename) { format!("Saved as {filename}.") } else { "Saving failed.".into() });
        })
    };
    let disabled = props.output.is_none();
    html! {
        <div class="actions">
            <button type="button" data-testid="inject-copy" onclick={on_copy} {disabled}>{"Copy"}</button>
            <button type="button" data-testid="inject-download" onclick={on_download} {disabled}>{"Download"}</button>
            <span class="status" role="status" aria-live="polite">{(*status).clone()}</span>
        </div>
    }
}

/// Puts `text` on the clipboard; false where the browser has no clipboard API for the page.
fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false) {
        return false;
    }
    let _ = navigator.clipboard().write_text(text);
    true
}

/// Offers `text` as a file download named `filename`, from a `blob:` URL of this page.
fn download(text: &str, filename: &str) -> bool {
    let save = || -> Result<(), wasm_bindgen::JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let parts = js_sys::Array::of1(&text.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/yaml");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
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
