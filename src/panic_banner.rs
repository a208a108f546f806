//! A Rust panic shows an error banner with a reload button instead of a frozen page.
//!
//! The banner is plain DOM, built without Yew: after a panic the app's state cannot be trusted.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs the panic hook; Yew then uses it instead of its own console hook.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        show(&message);
    }));
}

/// Shows the banner with `message` at the top of the page (once).
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    if document.get_element_by_id("panic-banner").is_some() {
        return;
    }
    let Some(body) = document.body() else { return };
    let build = || -> Result<(), JsValue> {
        let banner = document.create_element("div")?;
        banner.set_id("panic-banner");
        banner.set_class_name("panic-banner");
        banner.set_attribute("role", "alert")?;
        banner.set_attribute("data-testid", "panic-banner")?;
        let text = document.create_element("p")?;
        text.set_text_content(Some(
            "meshsim hit an internal error and stopped. Your text is saved; reload to go on.",
        ));
        let detail = document.create_element("pre")?;
        detail.set_text_content(Some(message));
        let button = document.create_element("button")?;
        button.set_text_content(Some("Reload"));
        button.set_attribute("type", "button")?;
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref())?;
        reload.forget();
        banner.append_child(&text)?;
        banner.append_child(&button)?;
        banner.append_child(&detail)?;
        body.prepend_with_node_1(&banner)?;
        let _ = button.unchecked_ref::<web_sys::HtmlElement>().focus();
        Ok(())
    };
    let _ = build();
}
