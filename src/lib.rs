//! meshsim-web: the browser face of meshsim.
use yew::prelude::*;

#[function_component]
fn App() -> Html { html! { <h1>{"meshsim"}</h1> } }

pub fn start() { yew::Renderer::<App>::new().render(); }
