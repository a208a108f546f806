//! The app shell: header, navigation, theme choice, and the view of the current hash route.

use yew::prelude::*;

use crate::components::inject_page::InjectPage;
use crate::engine::ISTIO_VERSION;
use crate::route::{use_route, Route};
use crate::storage::{self, keys};

/// The root component.
#[function_component]
pub fn App() -> Html {
    let route = use_route();

    // The app is on screen: mark it for the first-paint measurement, then set up offline use.
    use_effect_with((), |_| {
        if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
            let _ = performance.mark("app-mounted");
        }
        crate::offline::register_service_worker();
    });

    let view = match &route {
        Route::Inject => html! { <InjectPage /> },
        // The cluster is its own bundle (cluster/), so that #/inject loads none of it.
        Route::Cluster => html! { <crate::components::cluster_page::ClusterRedirect /> },
        Route::DebugPanic => html! { <Panics /> },
        Route::NotFound(path) => html! {
            <section class="not-found">
                <h2>{"No such view"}</h2>
                <p>{format!("There is nothing at #{path}. ")}<a href={Route::Inject.href()}>{"Go to the injection playground."}</a></p>
            </section>
        },
    };

    html! {
        <>
            <button type="button" class="skip" onclick={|_| focus_main()}>{"Skip to the content"}</button>
            <header class="top">
                <div class="brand">
                    <h1>{"meshsim"}</h1>
                    <p class="tagline">{"What the Istio "}<strong data-testid="istio-version">{ISTIO_VERSION}</strong>{" sidecar injector adds to your pods"}</p>
                </div>
                <nav aria-label="Views">
                    <a href={Route::Inject.href()} aria-current={(route == Route::Inject).then_some("page")}>{"Inject"}</a>
                    <a href={crate::components::cluster_page::CLUSTER_HREF}>{"Cluster"}</a>
                </nav>
                <ThemePicker />
            </header>
            <main id="main" tabindex="-1">{view}</main>
            <footer class="bottom">
                <p>{"meshsim runs entirely in this page: nothing you type leaves it, and it works offline once loaded."}</p>
            </footer>
        </>
    }
}

fn focus_main() {
    use wasm_bindgen::JsCast;
    let main = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("editor").or_else(|| document.get_element_by_id("main")))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        let _ = main.focus();
    }
}

/// Light, dark, or what the system prefers (`prefers-color-scheme`, the default).
#[function_component]
fn ThemePicker() -> Html {
    let theme = use_state(|| storage::get(keys::THEME).unwrap_or_else(|| "auto".into()));
    use_effect_with((*theme).clone(), |theme| apply_theme(theme));
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            storage::set(keys::THEME, &select.value());
            theme.set(select.value());
        })
    };
    html! {
        <label class="theme">{"Theme "}
            <select {onchange} data-testid="theme">
                { for [("auto", "System"), ("light", "Light"), ("dark", "Dark")].into_iter().map(|(value, label)| html! {
                    <option {value} selected={*theme == value}>{label}</option>
                }) }
            </select>
        </label>
    }
}

fn apply_theme(theme: &str) {
    let root = web_sys::window().and_then(|window| window.document()).and_then(|document| document.document_element());
    if let Some(root) = root {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
}

/// The `#/debug/panic` view: it panics, to show (and test) the error banner.
#[function_component]
fn Panics() -> Html {
    panic!("this view panics on purpose (#/debug/panic), to show the error banner");
}
