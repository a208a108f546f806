//! The manifest editor: a monospace textarea with line numbers, where Tab inserts two spaces.
//!
//! The textarea is uncontrolled while the learner types (so the caret never jumps); the page
//! replaces its text (a sample, a toggle) by bumping its revision, after the render.
//! Tab is taken for indentation; Escape then Tab leaves the editor, as in most code editors.
//!
//! The editor is part of the playground's component ([`super::inject_page::InjectPage`]) rather
//! than a component of its own: each component costs the page's wasm a set of Yew instantiations.

use std::cell::Cell;

use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The editor's markup: the gutter and the textarea, `error_line` (1-based) marked.
pub fn view(text: &str, error_line: Option<usize>, area: &NodeRef, gutter: &NodeRef, oninput: Callback<InputEvent>) -> Html {
    let count = text.split('\n').count().max(1);
    let (before, marked, after) = numbers(count, error_line);
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |event: Event| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            if let Some(gutter) = gutter.cast::<HtmlElement>() {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };
    html! {
        <div class="editor">
            <pre class="gutter" aria-hidden="true" ref={gutter}>
                {before}
                if let Some(marked) = marked { <mark class="error-line">{marked}</mark> }
                {after}
            </pre>
            <textarea
                id="editor"
                ref={area}
                data-testid="inject-input"
                class="code"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                aria-describedby="editor-help inject-error"
                aria-invalid={if error_line.is_some() { "true" } else { "false" }}
                {oninput}
                {onscroll}
            />
        </div>
    }
}

/// A key pressed in the textarea: Tab inserts two spaces at the caret (unless Escape came just
/// before, or a modifier is held) and returns the new text. Runs in the event, so that the
/// browser's own Tab (moving the focus) can be prevented.
pub fn key_down(event: &KeyboardEvent, escaped: &Cell<bool>) -> Option<String> {
    let plain = !event.ctrl_key() && !event.alt_key() && !event.meta_key();
    match event.key().as_str() {
        "Escape" => escaped.set(true),
        "Tab" if plain && !event.shift_key() && !escaped.get() => {
            event.prevent_default();
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            let start = area.selection_start().ok().flatten().unwrap_or(0);
            let end = area.selection_end().ok().flatten().unwrap_or(start);
            let _ = area.set_range_text_with_start_and_end_and_mode("  ", start, end, "end");
            return Some(area.value());
        }
        _ => escaped.set(false),
    }
    None
}

/// Line numbers `1..=count`, cut around the marked line: (before, marked, after).
pub fn numbers(count: usize, marked: Option<usize>) -> (String, Option<String>, String) {
    let mut before = String::with_capacity(count * 5);
    let mut after = String::new();
    let mut mark = None;
    for n in 1..=count {
        if Some(n) == marked {
            mark = Some(format!("{n}\n"));
        } else if mark.is_some() {
            after.push_str(&format!("{n}\n"));
        } else {
            before.push_str(&format!("{n}\n"));
        }
    }
    (before, mark, after)
}
