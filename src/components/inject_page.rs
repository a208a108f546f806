//! The injection playground (`#/inject`): the editor, the options, the injected output, its diff
//! and "what was added and why".
//!
//! Every run goes through [`crate::engine::inject`]; while the learner types, runs are debounced.
//! When the input has an error, the last good output stays on screen next to the error.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::annotations::{self, TOGGLES};
use crate::components::editor::{numbers, Editor};
use crate::components::output_actions::OutputActions;
use crate::diff::{self, Change};
use crate::engine::{self, EngineError, Settings};
use crate::explain::{self, Entry};
use crate::samples::{self, SAMPLES};
use crate::storage::{self, keys};
use crate::warnings::{self, Located};

/// Runs the engine for an input and options, and shows the result.
type RunFn = dyn Fn(&str, &Settings);

/// How long typing must pause before the output is recomputed.
pub const DEBOUNCE_MS: u32 = 120;

/// An output that injected without error, with what the page derives from it.
#[derive(Debug, PartialEq)]
pub struct Good {
    /// The input that gave this output (the diff view compares the two).
    pub input: String,
    pub output: String,
    /// istioctl's warnings, each with the input line of the workload it names.
    pub warnings: Vec<Located>,
    pub entries: Vec<Entry>,
}

/// The result shown: the current error, if any, and the last good output.
#[derive(Debug, Default, PartialEq)]
pub struct Shown {
    pub error: Option<EngineError>,
    pub good: Option<Rc<Good>>,
    /// Counts the runs, so that effects can follow them.
    pub run: u64,
}

/// Runs the engine and derives the diff and the entries; on error, keeps `previous`.
pub fn analyse(input: &str, settings: &Settings, previous: Option<Rc<Good>>, run: u64) -> Shown {
    let result = engine::inject(input, settings);
    measure("inject-engine", "inject-start");
    match result.error {
        Some(error) => Shown { error: Some(error), good: previous, run },
        None => {
            let entries = explain::entries(&result.output);
            let warnings = warnings::locate(input, &result.warnings);
            let good = Good { input: input.to_owned(), output: result.output, warnings, entries };
            Shown { error: None, good: Some(Rc::new(good)), run }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Output,
    Diff,
}

fn initial_text() -> (String, String) {
    match (storage::get(keys::TEXT), storage::get(keys::SAMPLE)) {
        (Some(text), sample) => (text, sample.unwrap_or_default()),
        (None, _) => (samples::FIRST.text.to_owned(), samples::FIRST.id.to_owned()),
    }
}

fn initial_settings() -> Settings {
    Settings {
        native_sidecars: storage::get(keys::NATIVE).as_deref() == Some("true"),
        hub: storage::get(keys::HUB).unwrap_or_default(),
        tag: storage::get(keys::TAG).unwrap_or_default(),
    }
}

fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Records a `performance.measure` from the mark `start` to now (read by `make perf`).
fn measure(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}

/// The playground page.
#[function_component]
pub fn InjectPage() -> Html {
    let initial = use_memo((), |_| initial_text());
    let text = use_state(|| Rc::<str>::from(initial.0.as_str()));
    let sample = use_state(|| initial.1.clone());
    let revision = use_state(|| 0u32);
    let settings = use_state(initial_settings);
    let shown = use_state(|| Rc::new(Shown::default()));
    // The run counter and the last good output, shared by every closure of every render.
    let runs = use_mut_ref(|| (0u64, None::<Rc<Good>>));
    let tab = use_state(|| Tab::Output);
    let highlight = use_state(|| None::<(usize, usize)>);
    let timer = use_mut_ref(|| None::<Timeout>);
    let editor = use_node_ref();
    let output_mark = use_node_ref();

    // Runs the engine now, for `input` and `settings`.
    let run: Rc<RunFn> = {
        let shown = shown.setter();
        let highlight = highlight.setter();
        let runs = runs.clone();
        Rc::new(move |input: &str, settings: &Settings| {
            mark("inject-start");
            let (count, last) = {
                let runs = runs.borrow();
                (runs.0 + 1, runs.1.clone())
            };
            let next = analyse(input, settings, last, count);
            if next.error.is_none() {
                highlight.set(None);
            }
            *runs.borrow_mut() = (count, next.good.clone());
            shown.set(Rc::new(next));
        })
    };

    // The first run waits for the first paint: the page shows at once, the output a frame later.
    {
        let run = run.clone();
        let runs = runs.clone();
        let text = text.clone();
        let settings = settings.clone();
        use_effect_with((), move |_| {
            let frame = gloo::render::request_animation_frame(move |_| {
                Timeout::new(0, move || {
                    if runs.borrow().0 == 0 {
                        run(&text, &settings);
                    }
                })
                .forget();
            });
            move || drop(frame)
        });
    }

    // Measures each refresh, from the start of the run to the DOM updated.
    use_effect_with(shown.run, |run| {
        if *run > 0 {
            if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
                let _ = performance.measure_with_start_mark("inject-refresh", "inject-start");
                if performance.get_entries_by_name("first-output").length() == 0 {
                    let _ = performance.mark("first-output");
                }
            }
        }
    });

    // Brings the highlighted lines into view.
    {
        let output_mark = output_mark.clone();
        use_effect_with(*highlight, move |highlight| {
            if highlight.is_some() {
                if let Some(mark) = output_mark.cast::<web_sys::Element>() {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Center);
                    mark.scroll_into_view_with_scroll_into_view_options(&options);
                    // Scrolling a wide mark into view also scrolls sideways: go back to the line starts.
                    if let Some(scroller) = mark.closest(".code-scroll").ok().flatten() {
                        scroller.set_scroll_left(0);
                    }
                }
            }
        });
    }

    // Replaces the editor text (a sample, a toggle) and runs at once.
    let replace = {
        let text = text.clone();
        let revision = revision.clone();
        let timer = timer.clone();
        let run = run.clone();
        let settings = settings.clone();
        Rc::new(move |new_text: String| {
            timer.borrow_mut().take();
            storage::set(keys::TEXT, &new_text);
            run(&new_text, &settings);
            text.set(Rc::from(new_text.as_str()));
            revision.set(*revision + 1);
        })
    };

    let on_input = {
        let text = text.clone();
        let timer = timer.clone();
        let run = run.clone();
        let settings = settings.clone();
        Callback::from(move |value: String| {
            storage::set(keys::TEXT, &value);
            let settings = (*settings).clone();
            let run = run.clone();
            let input = value.clone();
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || run(&input, &settings)));
            text.set(Rc::from(value.as_str()));
        })
    };

    let on_sample = {
        let sample = sample.clone();
        let replace = replace.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Some(found) = samples::find(&select.value()) {
                storage::set(keys::SAMPLE, found.id);
                sample.set(found.id.to_owned());
                replace(found.text.to_owned());
            }
        })
    };

    let on_restore = {
        let sample = sample.clone();
        let replace = replace.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(found) = samples::find(&sample) {
                replace(found.text.to_owned());
            }
        })
    };

    // Changes one option and runs at once.
    let change_settings = {
        let settings = settings.clone();
        let text = text.clone();
        let run = run.clone();
        Rc::new(move |update: &dyn Fn(&mut Settings)| {
            let mut next = (*settings).clone();
            update(&mut next);
            storage::set(keys::NATIVE, if next.native_sidecars { "true" } else { "false" });
            storage::set(keys::HUB, &next.hub);
            storage::set(keys::TAG, &next.tag);
            run(&text, &next);
            settings.set(next);
        })
    };

    let on_native = {
        let change = change_settings.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            change(&|settings: &mut Settings| settings.native_sidecars = input.checked());
        })
    };
    let on_hub = {
        let change = change_settings.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            change(&|settings: &mut Settings| settings.hub = input.value().trim().to_owned());
        })
    };
    let on_tag = {
        let change = change_settings.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            change(&|settings: &mut Settings| settings.tag = input.value().trim().to_owned());
        })
    };

    let go_to_line = {
        let editor = editor.clone();
        let text = text.clone();
        Callback::from(move |line: usize| {
            if let Some(area) = editor.cast::<HtmlTextAreaElement>() {
                let (start, end) = line_span_utf16(&text, line);
                let _ = area.focus();
                let _ = area.set_selection_range(start, end);
            }
        })
    };

    let select_tab = {
        let tab = tab.clone();
        Callback::from(move |next: Tab| tab.set(next))
    };
    let on_tab_key = {
        let tab = tab.clone();
        Callback::from(move |event: KeyboardEvent| {
            let next = match (event.key().as_str(), *tab) {
                ("ArrowRight" | "ArrowLeft", Tab::Output) => Tab::Diff,
                ("ArrowRight" | "ArrowLeft", Tab::Diff) => Tab::Output,
                _ => return,
            };
            event.prevent_default();
            tab.set(next);
            let id = if next == Tab::Output { "tab-output" } else { "tab-diff" };
            if let Some(element) = web_sys::window()
                .and_then(|window| window.document())
                .and_then(|document| document.get_element_by_id(id))
                .and_then(|element| element.dyn_into::<HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        })
    };

    let on_entry = {
        let highlight = highlight.clone();
        let tab = tab.clone();
        Callback::from(move |range: (usize, usize)| {
            tab.set(Tab::Output);
            highlight.set(Some(range));
        })
    };

    let error_line = shown.error.as_ref().and_then(|error| error.line);
    let good = shown.good.clone();
    let stale = shown.error.is_some() && good.is_some();
    let filename = format!(
        "{}.injected.yaml",
        sample.rsplit('/').next().filter(|name| !name.is_empty()).unwrap_or("manifest")
    );

    html! {
        <div class="inject">
            <section class="pane editor-pane" aria-labelledby="editor-heading">
                <div class="pane-head">
                    <h2 id="editor-heading"><label for="editor">{"Your manifest"}</label></h2>
                </div>
                <div class="row sample-row">
                    <label for="sample">{"Sample"}</label>
                    <select id="sample" data-testid="inject-sample" onchange={on_sample}>
                        { sample_options(&sample) }
                    </select>
                    <button type="button" onclick={on_restore} disabled={samples::find(&sample).is_none()}
                        title="Put the sample's original text back">{"Restore"}</button>
                </div>
                <Editor
                    text={(*text).clone()}
                    revision={*revision}
                    on_input={on_input}
                    error_line={error_line}
                    node={editor.clone()}
                    id="editor"
                    described_by="editor-help inject-error"
                />
                <p id="editor-help" class="help">{"Tab indents. Press Escape, then Tab, to leave the editor."}</p>
                { error_box(shown.error.as_ref(), go_to_line.clone()) }
                { warnings_view(good.as_deref(), go_to_line) }
                { options_panel(&settings, &text, on_native, on_hub, on_tag, replace.clone()) }
            </section>

            <section class="pane output-pane" aria-labelledby="output-heading">
                <div class="pane-head">
                    <h2 id="output-heading">{"Injected"}</h2>
                    <div role="tablist" aria-label="Output views" class="tabs" onkeydown={on_tab_key}>
                        { tab_button(Tab::Output, *tab, "tab-output", "panel-output", "YAML", select_tab.clone()) }
                        { tab_button(Tab::Diff, *tab, "tab-diff", "panel-diff", "Diff", select_tab) }
                    </div>
                    <OutputActions output={good.as_ref().map(|good| AttrValue::from(good.output.clone()))} filename={filename} />
                </div>
                if stale {
                    <p class="stale" role="status">{"The input has an error: this is the last output that worked."}</p>
                }
                <div id="panel-output" role="tabpanel" aria-labelledby="tab-output" hidden={*tab != Tab::Output} class="code-view">
                    <OutputView good={good.clone()} highlight={*highlight} mark_ref={output_mark} />
                </div>
                <div id="panel-diff" role="tabpanel" aria-labelledby="tab-diff" hidden={*tab != Tab::Diff} class="code-view">
                    // The diff is computed only while it is shown: typing does not pay for it.
                    if *tab == Tab::Diff {
                        if let Some(good) = good.clone() { <DiffView {good} /> }
                    }
                </div>
            </section>

            <section class="pane explain-pane" aria-labelledby="explain-heading">
                <h2 id="explain-heading">{"What was added and why"}</h2>
                { explain_view(good.as_deref(), *highlight, on_entry) }
            </section>
        </div>
    }
}

fn sample_options(current: &str) -> Html {
    let mut groups: Vec<&str> = Vec::new();
    for sample in SAMPLES {
        if !groups.contains(&sample.group) {
            groups.push(sample.group);
        }
    }
    html! {
        <>
            if samples::find(current).is_none() {
                <option value="" selected=true>{"(your own text)"}</option>
            }
            { for groups.into_iter().map(|group| html! {
                <optgroup label={group}>
                    { for SAMPLES.iter().filter(|sample| sample.group == group).map(|sample| html! {
                        <option value={sample.id} data-path={sample.path} selected={sample.id == current}>{sample.title}</option>
                    }) }
                </optgroup>
            }) }
        </>
    }
}

fn error_box(error: Option<&EngineError>, go_to_line: Callback<usize>) -> Html {
    let Some(error) = error else {
        return html! { <div id="inject-error" data-testid="inject-error" class="error" hidden=true role="alert"></div> };
    };
    let at = error.line.map(|line| format!("Line {line}: ")).unwrap_or_default();
    html! {
        <div id="inject-error" data-testid="inject-error" class="error" role="alert">
            <span class="error-text">{at}{error.message.clone()}</span>
            if let Some(line) = error.line {
                <button type="button" onclick={move |_| go_to_line.emit(line)}>{format!("Go to line {line}")}</button>
            }
        </div>
    }
}

fn options_panel(
    settings: &Settings,
    text: &str,
    on_native: Callback<Event>,
    on_hub: Callback<Event>,
    on_tag: Callback<Event>,
    replace: Rc<dyn Fn(String)>,
) -> Html {
    html! {
        <div class="options">
            <fieldset>
                <legend>{"Options"}</legend>
                <label class="check">
                    <input type="checkbox" data-testid="inject-native" checked={settings.native_sidecars} onchange={on_native} />
                    {"Native sidecars"}
                    <span class="help">{" (istio-proxy as an init container with restartPolicy: Always)"}</span>
                </label>
                <div class="row">
                    <label for="hub">{"Hub"}</label>
                    <input id="hub" data-testid="inject-hub" type="text" placeholder="docker.io/istio" value={settings.hub.clone()} onchange={on_hub} spellcheck="false" />
                    <label for="tag">{"Tag"}</label>
                    <input id="tag" data-testid="inject-tag" type="text" placeholder={engine::ISTIO_VERSION} value={settings.tag.clone()} onchange={on_tag} spellcheck="false" />
                </div>
            </fieldset>
            <fieldset>
                <legend>{"Annotations (edit the YAML)"}</legend>
                { for TOGGLES.iter().map(|toggle| {
                    let on = annotations::has(text, toggle.key);
                    let text = text.to_owned();
                    let replace = replace.clone();
                    let onchange = Callback::from(move |_: Event| {
                        let edited = if on {
                            annotations::remove(&text, toggle.key)
                        } else {
                            annotations::set(&text, toggle.key, toggle.value)
                        };
                        replace(edited);
                    });
                    html! {
                        <label class="check" title={toggle.help}>
                            <input type="checkbox" data-testid="inject-annotation" data-key={toggle.key} checked={on} {onchange} />
                            {toggle.label}
                            <code class="key">{format!(" {}", toggle.key)}</code>
                        </label>
                    }
                }) }
            </fieldset>
        </div>
    }
}

fn tab_button(this: Tab, current: Tab, id: &'static str, panel: &'static str, label: &'static str, select: Callback<Tab>) -> Html {
    let selected = this == current;
    html! {
        <button type="button" role="tab" id={id} aria-controls={panel}
            aria-selected={if selected { "true" } else { "false" }}
            tabindex={if selected { "0" } else { "-1" }}
            onclick={move |_| select.emit(this)}>{label}</button>
    }
}

#[derive(Properties)]
struct OutputProps {
    good: Option<Rc<Good>>,
    highlight: Option<(usize, usize)>,
    mark_ref: NodeRef,
}

impl PartialEq for OutputProps {
    // By identity: typing re-renders the page, but the output only changes with a new run.
    fn eq(&self, other: &Self) -> bool {
        let same_good = match (&self.good, &other.good) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_good && self.highlight == other.highlight && self.mark_ref == other.mark_ref
    }
}

/// The injected YAML with line numbers; the lines of the chosen entry are marked.
#[function_component]
fn OutputView(props: &OutputProps) -> Html {
    let output = props.good.as_ref().map(|good| good.output.as_str()).unwrap_or("");
    let count = output.lines().count().max(1);
    let (gutter, _, _) = numbers(count, None);
    let (before, marked, after) = split_lines(output, props.highlight);
    html! {
        <div class="code-scroll">
            <pre class="gutter" aria-hidden="true">{gutter}</pre>
            <pre class="code output" data-testid="inject-output" tabindex="0" aria-label="Injected YAML">
                {before}
                if let Some(marked) = marked { <mark class="linked" ref={props.mark_ref.clone()}>{marked}</mark> }
                {after}
            </pre>
        </div>
    }
}

/// Cuts `text` into the lines before `first..=last` (1-based), those lines, and the rest.
fn split_lines(text: &str, range: Option<(usize, usize)>) -> (&str, Option<&str>, &str) {
    let Some((first, last)) = range else { return (text, None, "") };
    let offset = |line: usize| -> usize {
        if line <= 1 {
            return 0;
        }
        text.match_indices('\n').nth(line - 2).map(|(at, _)| at + 1).unwrap_or(text.len())
    };
    let start = offset(first);
    let end = offset(last + 1);
    (&text[..start], Some(&text[start..end]), &text[end..])
}

#[derive(Properties)]
struct DiffProps {
    good: Rc<Good>,
}

impl PartialEq for DiffProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.good, &other.good)
    }
}

/// The same output, compared by identity (a cheap dependency for `use_memo`).
struct Same(Rc<Good>);

impl PartialEq for Same {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The line diff of the input and the output, every added line marked `+`, every removed `-`.
#[function_component]
fn DiffView(props: &DiffProps) -> Html {
    let hunks = use_memo(Same(props.good.clone()), |same| {
        mark("inject-diff-start");
        let hunks = diff::lines(&same.0.input, &same.0.output);
        measure("inject-diff", "inject-diff-start");
        hunks
    });
    let (added, removed) = diff::counts(&hunks);
    html! {
        <>
            <p class="diff-summary">{format!("{added} lines added or changed, {removed} lines removed or rewritten")}</p>
            <pre class="code diff" data-testid="inject-diff" tabindex="0" aria-label="Diff of your manifest and the injected YAML">
                { for hunks.iter().map(|hunk| {
                    let (class, sign) = match hunk.change {
                        Change::Added => ("diff-added", "+ "),
                        Change::Removed => ("diff-removed", "- "),
                        Change::Kept => ("diff-kept", "  "),
                    };
                    let mut text = String::with_capacity(hunk.text.len() + hunk.lines * 2);
                    for line in hunk.text.split_inclusive('\n') {
                        text.push_str(sign);
                        text.push_str(line);
                    }
                    html! { <span class={class} data-lines={hunk.lines.to_string()}>{text}</span> }
                }) }
            </pre>
        </>
    }
}

fn warnings_view(good: Option<&Good>, go_to_line: Callback<usize>) -> Html {
    let warnings = good.map(|good| good.warnings.as_slice()).unwrap_or(&[]);
    if warnings.is_empty() {
        return html! {};
    }
    html! {
        <ul class="warnings" data-testid="inject-warnings" aria-label="Warnings">
            { for warnings.iter().map(|warning| {
                let go_to_line = go_to_line.clone();
                html! {
                    <li>
                        if let Some(line) = warning.line {
                            {format!("Line {line}: ")}
                        }
                        {warning.text.clone()}
                        if let Some(line) = warning.line {
                            {" "}<button type="button" onclick={move |_| go_to_line.emit(line)}>{format!("Go to line {line}")}</button>
                        }
                    </li>
                }
            }) }
        </ul>
    }
}

fn explain_view(good: Option<&Good>, highlight: Option<(usize, usize)>, on_entry: Callback<(usize, usize)>) -> Html {
    let entries = good.map(|good| good.entries.as_slice()).unwrap_or(&[]);
    if entries.is_empty() {
        return html! { <p class="help" data-testid="inject-explain-empty">{"No sidecar was added: nothing in this input is a workload that kube-inject injects."}</p> };
    }
    html! {
        <ol class="entries" data-testid="inject-explain">
            { for entries.iter().map(|entry| {
                let range = (entry.first, entry.last);
                let on_entry = on_entry.clone();
                let current = highlight == Some(range);
                html! {
                    <li class={classes!("entry", current.then_some("current"))}>
                        <button type="button" class="entry-link" aria-pressed={if current { "true" } else { "false" }}
                            onclick={move |_| on_entry.emit(range)}>
                            <strong>{entry.title.clone()}</strong>
                            <span class="where">{format!(" {} · lines {}–{}", entry.workload, entry.first, entry.last)}</span>
                        </button>
                        <p>{entry.text.clone()}</p>
                    </li>
                }
            }) }
        </ol>
    }
}

/// The start and end of line `line` (1-based) in UTF-16 units, as the textarea counts.
fn line_span_utf16(text: &str, line: usize) -> (u32, u32) {
    let mut start = 0u32;
    for (index, content) in text.split('\n').enumerate() {
        let width = content.encode_utf16().count() as u32;
        if index + 1 == line {
            return (start, start + width);
        }
        start += width + 1;
    }
    (start, start)
}
