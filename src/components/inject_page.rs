//! The injection playground (`#/inject`): the editor, the options, the injected output, its diff
//! and "what was added and why".
//!
//! Every run goes through [`crate::engine::inject`]; while the learner types, runs are debounced.
//! When the input has an error, the last good output stays on screen next to the error.
//!
//! The page is one struct component with one message enum; clicks, changes and keys are
//! handled once, at the page's root, by what the target says (`data-act`, `id`, `data-key`).
//! Every distinct closure, callback and hook type is code in the wasm, which is what the page's
//! size is made of: the editor and the copy/download buttons are parts of this component too.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use gloo::render::AnimationFrame;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::annotations::{self, TOGGLES};
use crate::components::editor::{self, numbers};
use crate::components::{output_actions, raw};
use crate::diff::{self, Change};
use crate::engine::{self, EngineError, Settings};
use crate::explain::{self, Entry};
use crate::samples::{self, SAMPLES};
use crate::storage::{self, keys};
use crate::warnings::{self, Located};

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

/// The page's first output was marked (`first-output`, read by `make perf`).
static FIRST_OUTPUT: AtomicBool = AtomicBool::new(false);

/// What happens to the page.
pub enum Msg {
    /// The first frame is on screen: the first run, unless something ran already.
    First,
    /// Typing paused for [`DEBOUNCE_MS`]: run.
    Run,
    /// The editor's text changed (typing, Tab).
    Input(String),
    /// A `change` event in the page: the sample picker, an option, an annotation toggle.
    Change(Event),
    /// A click on a button with a `data-act`.
    Act(Element),
    /// An arrow key on the tabs (the focused tab).
    TabKey(Element),
}

/// The playground page.
pub struct InjectPage {
    text: Rc<str>,
    /// The sample picked ("" for the learner's own text).
    sample: String,
    /// Bumped whenever the page replaces the editor's text; `applied` is the one in the textarea.
    revision: u32,
    applied: Option<u32>,
    settings: Settings,
    shown: Shown,
    /// The run whose refresh was last measured.
    measured: u64,
    tab: Tab,
    /// The output lines of the chosen entry, and whether to scroll them into view.
    highlight: Option<(usize, usize)>,
    scroll: bool,
    /// The copy/download status.
    status: String,
    /// The diff view's hunks, and the output they are of.
    diff: Option<(Rc<Good>, Vec<diff::Hunk>)>,
    timer: Option<Timeout>,
    frame: Option<AnimationFrame>,
    /// Escape was the last key in the editor: the next Tab leaves it.
    escaped: Rc<Cell<bool>>,
    editor: NodeRef,
    gutter: NodeRef,
    output_mark: NodeRef,
}

impl InjectPage {
    /// Runs the engine now, for the current text and settings.
    fn run(&mut self) {
        mark("inject-start");
        self.timer = None;
        let next = analyse(&self.text, &self.settings, self.shown.good.clone(), self.shown.run + 1);
        if next.error.is_none() {
            self.highlight = None;
        }
        self.shown = next;
    }

    /// Replaces the editor text (a sample, a toggle) and runs at once.
    fn replace(&mut self, text: String) {
        storage::set(keys::TEXT, &text);
        self.text = Rc::from(text);
        self.revision += 1;
        self.run();
    }

    fn go_to_line(&self, line: usize) {
        if let Some(area) = self.editor.cast::<HtmlTextAreaElement>() {
            let (start, end) = line_span_utf16(&self.text, line);
            let _ = area.focus();
            let _ = area.set_selection_range(start, end);
        }
    }

    fn change(&mut self, event: Event) -> bool {
        let target: HtmlInputElement = event.target_unchecked_into();
        if let Some(key) = target.get_attribute("data-key") {
            // An annotation toggle: edit the YAML text.
            let Some(toggle) = TOGGLES.iter().find(|toggle| toggle.key == key) else { return false };
            let edited = if annotations::has(&self.text, toggle.key) {
                annotations::remove(&self.text, toggle.key)
            } else {
                annotations::set(&self.text, toggle.key, toggle.value)
            };
            self.replace(edited);
            return true;
        }
        match target.id().as_str() {
            "sample" => {
                let Some(found) = samples::find(&target.value()) else { return false };
                storage::set(keys::SAMPLE, found.id);
                self.sample = found.id.to_owned();
                self.replace(found.text.to_owned());
                return true;
            }
            "hub" => self.settings.hub = target.value().trim().to_owned(),
            "tag" => self.settings.tag = target.value().trim().to_owned(),
            "native" => self.settings.native_sidecars = target.checked(),
            _ => return false,
        }
        storage::set(keys::NATIVE, if self.settings.native_sidecars { "true" } else { "false" });
        storage::set(keys::HUB, &self.settings.hub);
        storage::set(keys::TAG, &self.settings.tag);
        self.run();
        true
    }

    fn act(&mut self, button: Element) -> bool {
        let act = button.get_attribute("data-act").unwrap_or_default();
        let (act, arg) = act.split_once(':').unwrap_or((&act, ""));
        let number = || arg.parse::<usize>().unwrap_or(0);
        match act {
            "restore" => {
                let Some(found) = samples::find(&self.sample) else { return false };
                self.replace(found.text.to_owned());
            }
            "line" => {
                self.go_to_line(number());
                return false;
            }
            "tab" => self.tab = if arg == "diff" { Tab::Diff } else { Tab::Output },
            "entry" => {
                let Some(entry) = self.shown.good.as_ref().and_then(|good| good.entries.get(number())) else { return false };
                self.tab = Tab::Output;
                self.highlight = Some((entry.first, entry.last));
                self.scroll = true;
            }
            "copy" | "download" => {
                let Some(good) = self.shown.good.clone() else { return false };
                self.status = if act == "copy" {
                    if output_actions::copy(&good.output) {
                        "Copied.".into()
                    } else {
                        "Copying is not allowed here: select the text and press Ctrl+C.".into()
                    }
                } else {
                    let filename = self.filename();
                    if output_actions::download(&good.output, &filename) {
                        format!("Saved as {filename}.")
                    } else {
                        "Saving failed.".into()
                    }
                };
            }
            _ => return false,
        }
        true
    }

    fn filename(&self) -> String {
        format!("{}.injected.yaml", self.sample.rsplit('/').next().filter(|name| !name.is_empty()).unwrap_or("manifest"))
    }
}

impl Component for InjectPage {
    type Message = Msg;
    type Properties = ();

    fn create(_: &Context<Self>) -> Self {
        let (text, sample) = initial_text();
        InjectPage {
            text: Rc::from(text),
            sample,
            revision: 0,
            applied: None,
            settings: initial_settings(),
            shown: Shown::default(),
            measured: 0,
            tab: Tab::Output,
            highlight: None,
            scroll: false,
            status: String::new(),
            diff: None,
            timer: None,
            frame: None,
            escaped: Rc::default(),
            editor: NodeRef::default(),
            gutter: NodeRef::default(),
            output_mark: NodeRef::default(),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::First => {
                if self.shown.run > 0 {
                    return false;
                }
                self.run();
            }
            Msg::Run => self.run(),
            Msg::Input(value) => {
                storage::set(keys::TEXT, &value);
                self.text = Rc::from(value);
                let link = ctx.link().clone();
                self.timer = Some(Timeout::new(DEBOUNCE_MS, move || link.send_message(Msg::Run)));
            }
            Msg::Change(event) => {
                if !self.change(event) {
                    return false;
                }
            }
            Msg::Act(button) => {
                if !self.act(button) {
                    return false;
                }
            }
            Msg::TabKey(focused) => {
                let (next, id) = match self.tab {
                    Tab::Output => (Tab::Diff, "#tab-diff"),
                    Tab::Diff => (Tab::Output, "#tab-output"),
                };
                self.tab = next;
                let other = focused.parent_element().and_then(|list| list.query_selector(id).ok().flatten());
                if let Some(other) = other.map(|other| other.unchecked_into::<HtmlElement>()) {
                    let _ = other.focus();
                }
            }
        }
        // The diff is computed only while it is shown (typing does not pay for it), once per output.
        if self.tab == Tab::Diff {
            if let Some(good) = &self.shown.good {
                if !self.diff.as_ref().is_some_and(|(of, _)| Rc::ptr_eq(of, good)) {
                    self.diff = Some((good.clone(), diff_of(good)));
                }
            }
        }
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        // The first run waits for the first paint: the page shows at once, the output a frame later.
        if first_render {
            let link = ctx.link().clone();
            self.frame = Some(gloo::render::request_animation_frame(move |_| {
                Timeout::new(0, move || link.send_message(Msg::First)).forget();
            }));
        }
        // The editor shows a text the page replaced.
        if self.applied != Some(self.revision) {
            self.applied = Some(self.revision);
            if let Some(area) = self.editor.cast::<HtmlTextAreaElement>() {
                if area.value() != *self.text {
                    area.set_value(&self.text);
                }
            }
        }
        // Measures each refresh, from the start of the run to the DOM updated.
        if self.measured != self.shown.run {
            self.measured = self.shown.run;
            if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
                let _ = performance.measure_with_start_mark("inject-refresh", "inject-start");
                if !FIRST_OUTPUT.swap(true, Ordering::Relaxed) {
                    let _ = performance.mark("first-output");
                }
            }
        }
        // Brings the highlighted lines into view.
        if std::mem::take(&mut self.scroll) {
            if let Some(mark) = self.output_mark.cast::<Element>() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                mark.scroll_into_view_with_scroll_into_view_options(&options);
                // Scrolling a wide mark into view also scrolls sideways: go back to the line starts.
                if let Some(scroller) = mark.closest(".code-scroll").ok().flatten() {
                    scroller.set_scroll_left(0);
                }
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onclick = link.batch_callback(|event: MouseEvent| {
            let target: Element = event.target_unchecked_into();
            target.closest("button[data-act]").ok().flatten().map(Msg::Act)
        });
        let onchange = link.callback(Msg::Change);
        let onkeydown = {
            let escaped = self.escaped.clone();
            link.batch_callback(move |event: KeyboardEvent| {
                let target: Element = event.target_unchecked_into();
                if target.id() == "editor" {
                    return editor::key_down(&event, &escaped).map(Msg::Input);
                }
                let arrow = matches!(event.key().as_str(), "ArrowRight" | "ArrowLeft");
                if arrow && target.get_attribute("role").as_deref() == Some("tab") {
                    event.prevent_default();
                    return Some(Msg::TabKey(target));
                }
                None
            })
        };
        let oninput = link.callback(|event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            Msg::Input(area.value())
        });

        let shown = &self.shown;
        let error_line = shown.error.as_ref().and_then(|error| error.line);
        let good = shown.good.clone();
        let stale = shown.error.is_some() && good.is_some();
        let tab = self.tab;

        html! {
            <div class="inject" {onclick} {onchange} {onkeydown}>
                <section class="pane editor-pane" aria-labelledby="editor-heading">
                    { raw(r#"<div class="pane-head"><h2 id="editor-heading"><label for="editor">Your manifest</label></h2></div>"#) }
                    <div class="row sample-row">
                        { raw(r#"<label for="sample">Sample</label>"#) }
                        <select id="sample" data-testid="inject-sample">
                            { sample_options(&self.sample) }
                        </select>
                        <button type="button" data-act="restore" disabled={samples::find(&self.sample).is_none()}
                            title="Put the sample's original text back">{"Restore"}</button>
                    </div>
                    { editor::view(&self.text, error_line, &self.editor, &self.gutter, oninput) }
                    { raw(r#"<p id="editor-help" class="help">Tab indents. Press Escape, then Tab, to leave the editor.</p>"#) }
                    { error_box(shown.error.as_ref()) }
                    { warnings_view(good.as_deref()) }
                    { options_panel(&self.settings, &self.text) }
                </section>

                <section class="pane output-pane" aria-labelledby="output-heading">
                    <div class="pane-head">
                        { raw(r#"<h2 id="output-heading">Injected</h2>"#) }
                        <div role="tablist" aria-label="Output views" class="tabs">
                            { tab_button(tab == Tab::Output, ["tab-output", "panel-output", "tab:output", "YAML"]) }
                            { tab_button(tab == Tab::Diff, ["tab-diff", "panel-diff", "tab:diff", "Diff"]) }
                        </div>
                        { output_actions::view(good.is_none(), &self.status) }
                    </div>
                    if stale {
                        { raw(r#"<p class="stale" role="status">The input has an error: this is the last output that worked.</p>"#) }
                    }
                    <div id="panel-output" role="tabpanel" aria-labelledby="tab-output" hidden={tab != Tab::Output} class="code-view">
                        { output_view(good.as_deref(), self.highlight, &self.output_mark) }
                    </div>
                    <div id="panel-diff" role="tabpanel" aria-labelledby="tab-diff" hidden={tab != Tab::Diff} class="code-view">
                        if tab == Tab::Diff {
                            if let Some((_, hunks)) = &self.diff { { diff_view(hunks) } }
                        }
                    </div>
                </section>

                <section class="pane explain-pane" aria-labelledby="explain-heading">
                    { raw(r#"<h2 id="explain-heading">What was added and why</h2>"#) }
                    { explain_view(good.as_deref(), self.highlight) }
                </section>
            </div>
        }
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

/// A "Go to line" button (handled by the page's click handler).
fn line_button(line: usize) -> Html {
    html! { <button type="button" data-act={format!("line:{line}")}>{format!("Go to line {line}")}</button> }
}

fn error_box(error: Option<&EngineError>) -> Html {
    let Some(error) = error else {
        return html! { <div id="inject-error" data-testid="inject-error" class="error" hidden=true role="alert"></div> };
    };
    let at = error.line.map(|line| format!("Line {line}: ")).unwrap_or_default();
    html! {
        <div id="inject-error" data-testid="inject-error" class="error" role="alert">
            <span class="error-text">{at}{error.message.clone()}</span>
            { for error.line.map(line_button) }
        </div>
    }
}

fn options_panel(settings: &Settings, text: &str) -> Html {
    html! {
        <div class="options">
            <fieldset>
                { raw("<legend>Options</legend>") }
                <label class="check">
                    <input id="native" type="checkbox" data-testid="inject-native" checked={settings.native_sidecars} />
                    { raw(r#"Native sidecars<span class="help"> (istio-proxy as an init container with restartPolicy: Always)</span>"#) }
                </label>
                <div class="row">
                    { raw(r#"<label for="hub">Hub</label>"#) }
                    <input id="hub" data-testid="inject-hub" type="text" placeholder="docker.io/istio" value={settings.hub.clone()} spellcheck="false" />
                    { raw(r#"<label for="tag">Tag</label>"#) }
                    <input id="tag" data-testid="inject-tag" type="text" placeholder={engine::ISTIO_VERSION} value={settings.tag.clone()} spellcheck="false" />
                </div>
            </fieldset>
            <fieldset>
                { raw("<legend>Annotations (edit the YAML)</legend>") }
                { for TOGGLES.iter().map(|toggle| html! {
                    <label class="check" title={toggle.help}>
                        <input type="checkbox" data-testid="inject-annotation" data-key={toggle.key} checked={annotations::has(text, toggle.key)} />
                        {toggle.label}
                        <code class="key">{format!(" {}", toggle.key)}</code>
                    </label>
                }) }
            </fieldset>
        </div>
    }
}

/// A tab: its id, its panel, its `data-act` and its label.
fn tab_button(selected: bool, [id, panel, act, label]: [&'static str; 4]) -> Html {
    html! {
        <button type="button" role="tab" {id} aria-controls={panel} data-act={act}
            aria-selected={if selected { "true" } else { "false" }}
            tabindex={if selected { "0" } else { "-1" }}>{label}</button>
    }
}

/// The injected YAML with line numbers; the lines of the chosen entry are marked.
fn output_view(good: Option<&Good>, highlight: Option<(usize, usize)>, mark_ref: &NodeRef) -> Html {
    let output = good.map(|good| good.output.as_str()).unwrap_or("");
    let count = output.lines().count().max(1);
    let (gutter, _, _) = numbers(count, None);
    let (before, marked, after) = split_lines(output, highlight);
    html! {
        <div class="code-scroll">
            <pre class="gutter" aria-hidden="true">{gutter}</pre>
            <pre class="code output" data-testid="inject-output" tabindex="0" aria-label="Injected YAML">
                {before.to_owned()}
                if let Some(marked) = marked { <mark class="linked" ref={mark_ref}>{marked.to_owned()}</mark> }
                {after.to_owned()}
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

fn diff_of(good: &Good) -> Vec<diff::Hunk> {
    mark("inject-diff-start");
    let hunks = diff::lines(&good.input, &good.output);
    measure("inject-diff", "inject-diff-start");
    hunks
}

/// The line diff of the input and the output, every added line marked `+`, every removed `-`.
fn diff_view(hunks: &[diff::Hunk]) -> Html {
    let (added, removed) = diff::counts(hunks);
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
                    // `~className` (the property) rather than a dynamic `class`, which would
                    // build a yew::Classes set: that code costs the page 1 KB of brotli.
                    html! { <span ~className={class} data-lines={hunk.lines.to_string()}>{text}</span> }
                }) }
            </pre>
        </>
    }
}

fn warnings_view(good: Option<&Good>) -> Html {
    let warnings = good.map(|good| good.warnings.as_slice()).unwrap_or(&[]);
    if warnings.is_empty() {
        return html! {};
    }
    html! {
        <ul class="warnings" data-testid="inject-warnings" aria-label="Warnings">
            { for warnings.iter().map(|warning| html! {
                <li>
                    if let Some(line) = warning.line {
                        {format!("Line {line}: ")}
                    }
                    {warning.text.clone()}
                    if let Some(line) = warning.line {
                        {" "}{line_button(line)}
                    }
                </li>
            }) }
        </ul>
    }
}

fn explain_view(good: Option<&Good>, highlight: Option<(usize, usize)>) -> Html {
    let entries = good.map(|good| good.entries.as_slice()).unwrap_or(&[]);
    if entries.is_empty() {
        return raw(r#"<p class="help" data-testid="inject-explain-empty">No sidecar was added: nothing in this input is a workload that kube-inject injects.</p>"#);
    }
    html! {
        <ol class="entries" data-testid="inject-explain">
            { for entries.iter().enumerate().map(|(index, entry)| {
                let current = highlight == Some((entry.first, entry.last));
                html! {
                    // The class as a property, like the diff's spans (no yew::Classes).
                    <li ~className={if current { "entry current" } else { "entry" }}>
                        <button type="button" class="entry-link" data-act={format!("entry:{index}")} aria-pressed={if current { "true" } else { "false" }}>
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
