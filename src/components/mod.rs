//! The Yew components, one file each.

pub mod app;
pub mod cluster_page;
pub mod editor;
pub mod inject_page;
pub mod output_actions;

use yew::{AttrValue, Html};

/// Static markup (headings, labels, help texts) as one raw node: Yew builds each `html!` element
/// with code of its own in the wasm, while this is a string that the browser parses.
/// Only for constant text written here: nothing from the learner or the page's state.
pub(crate) fn raw(markup: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(markup))
}
