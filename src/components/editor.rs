//! The manifest editor: a monospace textarea with line numbers, where Tab inserts two spaces.
//!
//! The textarea is uncontrolled while the learner types (so the caret never jumps); the parent
//! replaces its text (a sample, a toggle) by bumping `revision`.
//! Tab is taken for indentation; Escape then Tab leaves the editor, as in most code editors.

use std::rc::Rc;

use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The current text (the parent's copy, kept up to date by `on_input`).
    pub text: Rc<str>,
    /// Bumped by the parent whenever it replaces the text.
    pub revision: u32,
    pub on_input: Callback<String>,
    /// The 1-based line to mark as wrong.
    #[prop_or_default]
    pub error_line: Option<usize>,
    /// The textarea, for the parent's "go to line".
    pub node: NodeRef,
    pub id: AttrValue,
    #[prop_or_default]
    pub described_by: AttrValue,
}

/// The editor component.
#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let escaped = use_mut_ref(|| false);

    {
        let node = props.node.clone();
        let text = props.text.clone();
        use_effect_with(props.revision, move |_| {
            if let Some(area) = node.cast::<HtmlTextAreaElement>() {
                if area.value() != *text {
                    area.set_value(&text);
                }
            }
        });
    }

    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            on_input.emit(area.value());
        })
    };

    let onkeydown = {
        let on_input = props.on_input.clone();
        let escaped = escaped.clone();
        Callback::from(move |event: KeyboardEvent| {
            let plain = !event.ctrl_key() && !event.alt_key() && !event.meta_key();
            match event.key().as_str() {
                "Escape" => *escaped.borrow_mut() = true,
                "Tab" if plain && !event.shift_key() && !*escaped.borrow() => {
                    event.prevent_default();
                    let area: HtmlTextAreaElement = event.target_unchecked_into();
                    let start = area.selection_start().ok().flatten().unwrap_or(0);
                    let end = area.selection_end().ok().flatten().unwrap_or(start);
                    let _ = area.set_range_text_with_start_and_end_and_mode(
                        "  ",
                        start,
                        end,
                        "end",
                    );
                    on_input.emit(area.value());
                }
                _ => *escaped.borrow_mut() = false,
            }
        })
    };

    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |event: Event| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            if let Some(gutter) = gutter.cast::<HtmlElement>() {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };

    let count = props.text.split('\n').count().max(1);
    let (before, marked, after) = numbers(count, props.error_line);

    html! {
        <div class="editor">
            <pre class="gutter" aria-hidden="true" ref={gutter}>
                {before}
                if let Some(marked) = marked { <mark class="error-line">{marked}</mark> }
                {after}
            </pre>
            <textarea
                id={props.id.clone()}
                ref={props.node.clone()}
                data-testid="inject-input"
                class="code"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                aria-describedby={props.described_by.clone()}
                aria-invalid={if props.error_line.is_some() { "true" } else { "false" }}
                {oninput}
                {onkeydown}
                {onscroll}
            />
        </div>
    }
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
