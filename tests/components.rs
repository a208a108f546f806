//! Component tests: the playground mounted in headless Chromium by wasm-bindgen-test-runner
//! (`make test-wasm`), driven through DOM events as a learner would.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use meshsim_web::components::inject_page::{InjectPage, DEBOUNCE_MS};
use meshsim_web::engine::{self, Settings};
use meshsim_web::{panic_banner, samples};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts a fresh playground (with empty storage) and returns its root element.
async fn mount() -> Element {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<InjectPage>::with_root(root.clone()).render();
    settle().await;
    // The first run waits for the first paint (a frame): wait for its output.
    for _ in 0..100 {
        if !output(&root).is_empty() {
            break;
        }
        settle().await;
    }
    assert!(!output(&root).is_empty(), "the first output appears after the first frame");
    root
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn find<T: JsCast>(root: &Element, test_id: &str) -> T {
    root.query_selector(&format!("[data-testid={test_id}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
        .dyn_into::<T>()
        .unwrap()
}

fn output(root: &Element) -> String {
    find::<Element>(root, "inject-output").text_content().unwrap_or_default()
}

fn fire(target: &Element, event: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(event, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

fn expected(text: &str, native: bool) -> String {
    engine::inject(text, &Settings { native_sidecars: native, ..Settings::default() }).output
}

#[wasm_bindgen_test]
async fn first_visit_shows_the_first_sample_and_its_injection() {
    let root = mount().await;
    let input = find::<HtmlTextAreaElement>(&root, "inject-input");
    assert_eq!(input.value(), samples::FIRST.text);
    assert_eq!(output(&root), expected(samples::FIRST.text, false));
}

#[wasm_bindgen_test]
async fn picking_a_sample_fills_the_editor_and_the_output() {
    let root = mount().await;
    let select = find::<HtmlSelectElement>(&root, "inject-sample");
    let cronjob = samples::find("cronjob").unwrap();
    select.set_value(cronjob.id);
    fire(&select, "change");
    settle().await;
    assert_eq!(find::<HtmlTextAreaElement>(&root, "inject-input").value(), cronjob.text);
    assert_eq!(output(&root), expected(cronjob.text, false));
}

#[wasm_bindgen_test]
async fn typing_updates_the_output_after_the_debounce() {
    let root = mount().await;
    let before = output(&root);
    let input = find::<HtmlTextAreaElement>(&root, "inject-input");
    let text = samples::find("pod-probes").unwrap().text;
    input.set_value(text);
    fire(&input, "input");
    settle().await;
    assert_eq!(output(&root), before, "nothing changes before the pause");
    yew::platform::time::sleep(Duration::from_millis(DEBOUNCE_MS as u64 + 50)).await;
    assert_eq!(output(&root), expected(text, false));
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("meshsim.inject.text").unwrap();
    assert_eq!(stored.as_deref(), Some(text), "the text is kept for the next visit");
}

#[wasm_bindgen_test]
async fn tab_inserts_two_spaces_at_the_caret() {
    let root = mount().await;
    let input = find::<HtmlTextAreaElement>(&root, "inject-input");
    input.set_value("a:\nb");
    input.set_selection_range(3, 3).unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    assert_eq!(input.value(), "a:\n  b");
    assert!(event.default_prevented(), "the browser's own Tab (focus move) is prevented");
    assert_eq!(input.selection_start().unwrap(), Some(5), "the caret sits after the spaces");
}

#[wasm_bindgen_test]
async fn the_native_checkbox_switches_the_layout() {
    let root = mount().await;
    let native = find::<HtmlInputElement>(&root, "inject-native");
    assert!(!native.checked());
    native.click();
    settle().await;
    assert_eq!(output(&root), expected(samples::FIRST.text, true));
}

#[wasm_bindgen_test]
async fn an_annotation_toggle_edits_the_yaml_text() {
    let root = mount().await;
    let toggle = root
        .query_selector("[data-key='sidecar.istio.io/proxyCPU']")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    toggle.click();
    settle().await;
    let text = find::<HtmlTextAreaElement>(&root, "inject-input").value();
    assert!(text.contains("sidecar.istio.io/proxyCPU: \"200m\""), "{text}");
    assert_eq!(output(&root), expected(&text, false));
    let toggle = root
        .query_selector("[data-key='sidecar.istio.io/proxyCPU']")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlInputElement>()
        .unwrap();
    assert!(toggle.checked(), "the toggle shows the annotation is there");
    toggle.click();
    settle().await;
    assert_eq!(find::<HtmlTextAreaElement>(&root, "inject-input").value(), samples::FIRST.text);
}

#[wasm_bindgen_test]
async fn every_sample_has_explanations_linked_to_lines_of_its_output() {
    let root = mount().await;
    let select = find::<HtmlSelectElement>(&root, "inject-sample");
    for sample in samples::SAMPLES.iter().filter(|s| s.id.contains("deployment")) {
        select.set_value(sample.id);
        fire(&select, "change");
        settle().await;
        let entries = root.query_selector_all(".entry-link").unwrap();
        assert!(entries.length() >= 5, "{}: {} entries", sample.id, entries.length());
        let proxy = (0..entries.length())
            .map(|i| entries.item(i).unwrap().dyn_into::<HtmlElement>().unwrap())
            .find(|e| e.text_content().unwrap_or_default().starts_with("istio-proxy"))
            .unwrap_or_else(|| panic!("{}: no istio-proxy entry", sample.id));
        proxy.click();
        settle().await;
        let marked = root.query_selector("mark.linked").unwrap().expect("marked lines").text_content().unwrap();
        assert!(marked.contains("name: istio-proxy"), "{}: {marked}", sample.id);
    }
}

#[wasm_bindgen_test]
fn the_panic_banner_shows_the_message_and_a_reload_button() {
    panic_banner::show("boom at src/somewhere.rs:1");
    let banner = document().get_element_by_id("panic-banner").expect("a banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(banner.text_content().unwrap().contains("boom at src/somewhere.rs:1"));
    let button = banner.query_selector("button").unwrap().expect("a button");
    assert_eq!(button.text_content().as_deref(), Some("Reload"));
    panic_banner::show("a second panic");
    assert_eq!(document().query_selector_all("#panic-banner").unwrap().length(), 1, "one banner only");
    banner.remove();
}
