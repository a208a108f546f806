//! The app shell: header, navigation, theme choice, and the view of the current hash route.

use gloo::events::EventListener;
use yew::prelude::*;

use crate::components::cluster_page::CLUSTER_HREF;
use crate::components::inject_page::InjectPage;
use crate::components::raw;
use crate::route::{self, Route};
use crate::storage::{self, keys};

/// What happens to the app shell.
pub enum Msg {
    /// The hash changed.
    Route,
    /// The theme picker changed.
    Theme(Event),
}

/// The root component. The theme picker, the cluster redirect and the `#/debug/panic` view live
/// here rather than in components of their own: each component is a set of Yew instantiations in
/// the page's wasm (for the same reason, the app and the page are struct components: no hooks).
pub struct App {
    route: Route,
    /// Light, dark, or what the system prefers (`auto`: `prefers-color-scheme`, the default).
    theme: String,
    _hashchange: Option<EventListener>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let theme = storage::get(keys::THEME).unwrap_or_else(|| "auto".into());
        apply_theme(&theme);
        let link = ctx.link().clone();
        let hashchange = web_sys::window()
            .map(|window| EventListener::new(&window, "hashchange", move |_| link.send_message(Msg::Route)));
        App { route: route::current(), theme, _hashchange: hashchange }
    }

    fn update(&mut self, _: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Route => {
                let route = route::current();
                if route == Route::Cluster {
                    redirect_to_cluster();
                }
                if route == self.route {
                    return false;
                }
                self.route = route;
            }
            Msg::Theme(event) => {
                let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
                self.theme = select.value();
                storage::set(keys::THEME, &self.theme);
                apply_theme(&self.theme);
            }
        }
        true
    }

    fn rendered(&mut self, _: &Context<Self>, first_render: bool) {
        // The app is on screen: mark it for the first-paint measurement, then set up offline use.
        // On `#/cluster`, go to the cluster's own page.
        if first_render {
            if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
                let _ = performance.mark("app-mounted");
            }
            crate::offline::register_service_worker();
            if self.route == Route::Cluster {
                redirect_to_cluster();
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let route = &self.route;
        let view = match route {
            Route::Inject => html! { <InjectPage /> },
            // The cluster is its own bundle (cluster/), so that #/inject loads none of it.
            // (The link is CLUSTER_HREF, checked by a test.)
            Route::Cluster => raw(concat!(
                r#"<section class="not-found"><h2>The simulated cluster</h2><p>The cluster has a page of its own: "#,
                r#"<a href="cluster/#/cluster">open it</a>. (The single-file build holds only the injection playground.)</p></section>"#
            )),
            // Panics while rendering, to show (and test) the error banner.
            Route::DebugPanic => panic!("this view panics on purpose (#/debug/panic), to show the error banner"),
            Route::NotFound(path) => html! {
                <section class="not-found">
                    <h2>{"No such view"}</h2>
                    <p>{format!("There is nothing at #{path}. ")}<a href={Route::Inject.href()}>{"Go to the injection playground."}</a></p>
                </section>
            },
        };
        let theme = self.theme.as_str();

        html! {
            <>
                <button type="button" class="skip" onclick={|_| focus_main()}>{"Skip to the content"}</button>
                <header class="top">
                    { raw(concat!(
                        r#"<div class="brand"><h1>meshsim</h1><p class="tagline">What the Istio <strong data-testid="istio-version">"#,
                        crate::istio_version!(),
                        "</strong> sidecar injector adds to your pods</p></div>"
                    )) }
                    <nav aria-label="Views">
                        <a href={Route::Inject.href()} aria-current={(*route == Route::Inject).then_some("page")}>{"Inject"}</a>
                        <a href={CLUSTER_HREF}>{"Cluster"}</a>
                    </nav>
                    <label class="theme">{"Theme "}
                        <select onchange={ctx.link().callback(Msg::Theme)} data-testid="theme">
                            { for [("auto", "System"), ("light", "Light"), ("dark", "Dark")].into_iter().map(|(value, label)| html! {
                                <option {value} selected={theme == value}>{label}</option>
                            }) }
                        </select>
                    </label>
                </header>
                <main id="main" tabindex="-1">{view}</main>
                { raw(r#"<footer class="bottom"><p>meshsim runs entirely in this page: nothing you type leaves it, and it works offline once loaded.</p></footer>"#) }
            </>
        }
    }
}

/// Goes to `cluster/` (keeping `?seed=…`), except from `file://` or the single file, which hold
/// no cluster page: there the view only links to it.
fn redirect_to_cluster() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let http = matches!(location.protocol().as_deref(), Ok("http:") | Ok("https:"));
    let single_file = window
        .document()
        .and_then(|document| document.document_element())
        .is_some_and(|root| root.has_attribute("data-single-file"));
    if http && !single_file {
        let search = location.search().unwrap_or_default();
        let _ = location.replace(&format!("cluster/{search}#/cluster"));
    }
}

fn focus_main() {
    use wasm_bindgen::JsCast;
    let main = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("editor").or_else(|| document.get_element_by_id("main")))
        // Both are HTML elements (no instanceof check: one import less in the glue).
        .map(|element| element.unchecked_into::<web_sys::HtmlElement>());
    if let Some(main) = main {
        let _ = main.focus();
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

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_static_markup_links_the_cluster_page() {
        // The cluster view's raw markup writes the link out; it must stay CLUSTER_HREF.
        assert_eq!(super::CLUSTER_HREF, "cluster/#/cluster");
    }
}
