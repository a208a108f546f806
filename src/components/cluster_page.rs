//! The simulated cluster (`#/cluster`): a terminal, time controls and a pods panel.
//!
//! The page owns one [`Shell`] (the same session `meshsim shell` runs). Typed commands go to
//! `Shell::run`; a timer moves virtual time forward at the chosen speed (`Shell::advance`), which
//! also feeds a running `kubectl get -w` or `watch`; the pods panel is redrawn from `Shell::pods`
//! after every change. `?seed=N&speed=X` in the URL choose the seed and the starting speed, and
//! `paused=1` starts with the clock stopped (for lessons and tests that move time with `sleep`).


use std::rc::Rc;

use gloo::timers::callback::Interval;
use wasm_bindgen::JsCast;
use meshsim_kubectl::{PodView, Shell};
use yew::prelude::*;

/// How often the page moves virtual time (wall-clock milliseconds per tick).
const TICK_MS: u32 = 100;
/// The speeds offered, as multiples of real time.
const SPEEDS: [u64; 7] = [1, 2, 5, 10, 20, 50, 100];
/// Terminal text kept (older text scrolls away, as in a real terminal).
const MAX_TERMINAL_BYTES: usize = 200_000;

/// Reads `seed`, `speed`, `paused` and `nodes` from the page URL's query
/// (`?seed=7&speed=10&paused=1&nodes=12`; the workshop's cluster has three worker nodes).
fn url_params() -> (u64, u64, bool, usize) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let (mut seed, mut speed, mut paused, mut nodes) = (1, 1, false, 3);
    for pair in search.trim_start_matches('?').split('&') {
        match pair.split_once('=') {
            Some(("seed", v)) => seed = v.parse().unwrap_or(seed),
            Some(("speed", v)) => speed = v.parse::<u64>().unwrap_or(speed).clamp(1, 100),
            Some(("paused", v)) => paused = v == "1" || v == "true",
            Some(("nodes", v)) => nodes = v.parse::<usize>().unwrap_or(nodes).clamp(1, 50),
            _ => {}
        }
    }
    (seed, speed, paused, nodes)
}

struct Term {
    text: String,
    /// Milliseconds the last command took in the shell (shown to tests as `data-run-ms`).
    last_run_ms: f64,
    history: Vec<String>,
    /// Position while browsing history with ↑/↓ (`history.len()` = the new line).
    cursor: usize,
}

impl Term {
    fn append(&mut self, s: &str) {
        self.text.push_str(s);
        if self.text.len() > MAX_TERMINAL_BYTES {
            let cut = self.text.len() - MAX_TERMINAL_BYTES;
            let cut = self.text[cut..].find('\n').map(|i| cut + i + 1).unwrap_or(cut);
            self.text.drain(..cut);
        }
    }

    fn show(&mut self, out: &meshsim_kubectl::Output) {
        if out.clear {
            self.text.clear();
        }
        self.append(&out.text);
    }
}

fn virtual_clock(ns: u64) -> String {
    let s = ns / 1_000_000_000;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// Commands run once in a throwaway session right after the page appears, so that the browser has
/// compiled the simulation and the injector to optimised code before the learner's first command.
const WARM_UP: [&str; 6] = [
    "kubectl label namespace default istio-injection=enabled",
    "kubectl apply -f kubernetes/",
    "sleep 120",
    "kubectl get pods -o wide",
    "kubectl describe pods helloworld-service-v1",
    "kubectl logs deploy/guestbook-service -c istio-proxy",
];

/// The `#/cluster` view.
#[function_component]
pub fn ClusterPage() -> Html {
    let (seed, start_speed, start_paused, nodes) = use_memo((), |_| url_params()).as_ref().to_owned();
    let shell = use_mut_ref(|| Shell::with_config(seed, meshsim_cluster::Config { nodes, ..Default::default() }, false));
    let term = use_mut_ref(|| Term {
        text: format!(
            "meshsim cluster (seed {seed}): {nodes} worker nodes, Istio 1.30.3 installed, namespace default.\nTry: kubectl label namespace default istio-injection=enabled; kubectl apply -f kubernetes/; kubectl get pods -w\n"
        ),
        history: Vec::new(),
        cursor: 0,
        last_run_ms: 0.0,
    });
    let input = use_state(String::new);
    let playing = use_state(|| !start_paused);
    let speed = use_state(|| start_speed);
    let redraw = use_force_update();
    let output_ref = use_node_ref();
    let input_ref = use_node_ref();
    let warm = use_state(|| false);

    // Warm the code paths up (see WARM_UP) once the first frame is on screen.
    {
        let warm = warm.clone();
        use_effect_with((), move |_| {
            let timer = gloo::timers::callback::Timeout::new(30, move || {
                let mut scratch = Shell::new(seed.wrapping_add(1));
                for _ in 0..2 {
                    for line in WARM_UP {
                        let _ = scratch.run(line);
                    }
                    scratch = Shell::new(seed.wrapping_add(2));
                }
                warm.set(true);
            });
            move || drop(timer)
        });
    }

    // Virtual time moves while playing; a running watch prints as it goes.
    {
        let (shell, term, redraw) = (shell.clone(), term.clone(), redraw.clone());
        use_effect_with((*playing, *speed), move |(playing, speed)| {
            let speed = *speed;
            let timer = playing.then(|| {
                Interval::new(TICK_MS, move || {
                    let out = shell.borrow_mut().advance(speed * TICK_MS as u64 * 1_000_000);
                    term.borrow_mut().show(&out);
                    redraw.force_update();
                })
            });
            move || drop(timer)
        });
    }

    // Keep the newest terminal line in view.
    {
        let output_ref = output_ref.clone();
        let len = term.borrow().text.len();
        use_effect_with(len, move |_| {
            if let Some(el) = output_ref.cast::<web_sys::HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let run_line = {
        let (shell, term, input, redraw) = (shell.clone(), term.clone(), input.clone(), redraw.clone());
        Rc::new(move |line: String| {
            let mut sh = shell.borrow_mut();
            let prompt = if sh.in_heredoc() { "> " } else { "$ " };
            let performance = web_sys::window().and_then(|w| w.performance());
            let started = performance.as_ref().map(|p| p.now()).unwrap_or(0.0);
            let out = sh.run(&line);
            let mut t = term.borrow_mut();
            t.last_run_ms = performance.as_ref().map(|p| p.now() - started).unwrap_or(0.0);
            t.append(&format!("{prompt}{line}\n"));
            t.show(&out);
            if !line.trim().is_empty() && prompt == "$ " {
                t.history.push(line);
            }
            t.cursor = t.history.len();
            input.set(String::new());
            redraw.force_update();
        })
    };

    let onkeydown = {
        let (shell, term, input, redraw) = (shell.clone(), term.clone(), input.clone(), redraw.clone());
        let run_line = run_line.clone();
        Callback::from(move |e: KeyboardEvent| {
            let current: String = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            match (e.key().as_str(), e.ctrl_key()) {
                ("Enter", _) => {
                    e.prevent_default();
                    run_line(current);
                }
                ("c", true) | ("C", true) => {
                    e.prevent_default();
                    shell.borrow_mut().interrupt();
                    term.borrow_mut().append(&format!("$ {current}^C\n"));
                    input.set(String::new());
                    redraw.force_update();
                }
                ("l", true) | ("L", true) => {
                    e.prevent_default();
                    term.borrow_mut().text.clear();
                    redraw.force_update();
                }
                ("ArrowUp", _) | ("ArrowDown", _) => {
                    e.prevent_default();
                    let mut t = term.borrow_mut();
                    let up = e.key() == "ArrowUp";
                    if up && t.cursor > 0 {
                        t.cursor -= 1;
                    } else if !up && t.cursor < t.history.len() {
                        t.cursor += 1;
                    }
                    input.set(t.history.get(t.cursor).cloned().unwrap_or_default());
                }
                ("Tab", _) => {
                    e.prevent_default();
                    let candidates = shell.borrow().complete(&current);
                    let stem = current.rsplit_once(' ').map(|(a, _)| format!("{a} ")).unwrap_or_default();
                    match candidates.as_slice() {
                        [] => {}
                        [one] => input.set(format!("{stem}{one}{}", if one.ends_with('/') { "" } else { " " })),
                        many => {
                            let common = common_prefix(many);
                            let typed = current.rsplit(' ').next().unwrap_or("");
                            if common.len() > typed.len() {
                                input.set(format!("{stem}{common}"));
                            } else {
                                term.borrow_mut().append(&format!("$ {current}\n{}\n", many.join("  ")));
                                redraw.force_update();
                            }
                        }
                    }
                }
                _ => {}
            }
        })
    };
    // A pasted block of several lines runs line by line, as in a terminal: a here-document
    // (`cat <<EOF > app.yaml`, the YAML, `EOF`) pasted at once creates the file.
    let onpaste = {
        let run_line = run_line.clone();
        let input = input.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else { return };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let typed: String = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            let text = format!("{typed}{}", text.replace("\r\n", "\n"));
            let mut lines: Vec<&str> = text.split('\n').collect();
            let rest = lines.pop().unwrap_or_default().to_string();
            for line in lines {
                run_line(line.to_string());
            }
            input.set(rest);
        })
    };
    let oninput = {
        let input = input.clone();
        Callback::from(move |e: InputEvent| input.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        })
    };

    let toggle = {
        let playing = playing.clone();
        Callback::from(move |_: MouseEvent| playing.set(!*playing))
    };
    let step = {
        let (shell, term, redraw) = (shell.clone(), term.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            let out = shell.borrow_mut().step();
            term.borrow_mut().show(&out);
            redraw.force_update();
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            speed.set(v.parse().unwrap_or(1));
        })
    };

    let sh = shell.borrow();
    let now = sh.now();
    let pods = sh.pods();
    let prompt = if sh.in_heredoc() { "> " } else { "$ " };
    let watching = sh.watching();
    let steps = sh.cluster().steps();
    drop(sh);

    html! {
        <section class="cluster" aria-label="Simulated cluster" data-warm={warm.to_string()}>
            <div class="cluster-controls" role="toolbar" aria-label="Virtual time">
                <button type="button" onclick={toggle} data-testid="time-play" aria-pressed={(!*playing).to_string()}>
                    { if *playing { "Pause" } else { "Play" } }
                </button>
                <button type="button" onclick={step} data-testid="time-step" title="Jump to the next event">{"Step"}</button>
                <label>{"Speed "}
                    <select onchange={on_speed} data-testid="time-speed">
                        { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={*speed == *s}>{format!("{s}×")}</option> }) }
                    </select>
                </label>
                <span class="clock" data-testid="time-clock" aria-live="off">{format!("virtual time {}", virtual_clock(now))}</span>
                { if watching { html! { <span class="watching">{"watching: Ctrl-C to stop"}</span> } } else { html! {} } }
            </div>
            <div class="cluster-body">
                <div class="terminal" onclick={focus_input}>
                    <pre ref={output_ref} data-testid="terminal-output" aria-live="polite"
                        data-run-ms={format!("{:.2}", term.borrow().last_run_ms)} data-sim-steps={steps.to_string()}>{term.borrow().text.clone()}</pre>
                    <div class="terminal-line">
                        <span class="prompt" aria-hidden="true">{prompt}</span>
                        <input ref={input_ref} type="text" value={(*input).clone()} {oninput} {onkeydown} {onpaste}
                            data-testid="terminal-input" aria-label="Command" autocomplete="off" spellcheck="false" autofocus=true />
                    </div>
                </div>
                <PodsPanel {pods} />
            </div>
        </section>
    }
}

fn common_prefix(items: &[String]) -> String {
    let first = &items[0];
    let mut end = first.len();
    for s in &items[1..] {
        end = end.min(first.chars().zip(s.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum());
    }
    first[..end].to_string()
}

#[derive(Properties, PartialEq)]
struct PodsProps {
    pods: Vec<PodView>,
}

/// Every pod with its init containers and containers, coloured by state.
#[function_component]
fn PodsPanel(props: &PodsProps) -> Html {
    let chip = |c: &meshsim_kubectl::ContainerView, init: bool| {
        let class = classes!("chip", format!("state-{}", c.state.to_lowercase()), c.ready.then_some("ready"), c.sidecar.then_some("sidecar"), init.then_some("init"));
        let title = format!("{} ({}) {}{}{}", c.name, c.image, c.state, if c.reason.is_empty() { String::new() } else { format!(": {}", c.reason) }, if c.restarts > 0 { format!(", {} restarts", c.restarts) } else { String::new() });
        html! { <li {class} {title}><span class="chip-name">{&c.name}</span><span class="chip-state">{ if c.reason.is_empty() { c.state.clone() } else { c.reason.clone() } }</span></li> }
    };
    html! {
        <aside class="pods-panel" data-testid="pods-panel" aria-label="Pods">
            <h2>{"Pods"}</h2>
            { if props.pods.is_empty() { html! { <p class="empty">{"No pods yet."}</p> } } else { html! {} } }
            <ul class="pods">
                { for props.pods.iter().map(|p| html! {
                    <li class="pod" data-pod={p.name.clone()}>
                        <div class="pod-head">
                            <span class="pod-name">{&p.name}</span>
                            <span class={classes!("pod-status", format!("status-{}", p.status.to_lowercase().replace([':', '/'], "-")))}>{format!("{} {}", p.ready, p.status)}</span>
                        </div>
                        { if p.init_containers.is_empty() { html! {} } else { html! {
                            <ol class="init" aria-label="Init containers">{ for p.init_containers.iter().map(|c| chip(c, true)) }</ol>
                        } } }
                        <ul class="containers" aria-label="Containers">{ for p.containers.iter().map(|c| chip(c, false)) }</ul>
                    </li>
                }) }
            </ul>
        </aside>
    }
}

/// Where the cluster page lives relative to the main page.
pub const CLUSTER_HREF: &str = "cluster/#/cluster";

/// The cluster page's shell: header, links back to the playground, the cluster view.
#[function_component]
pub fn ClusterApp() -> Html {
    use_effect_with((), |_| {
        if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
            let _ = performance.mark("app-mounted");
        }
        crate::offline::register_service_worker();
    });
    html! {
        <>
            <header class="top">
                <div class="brand">
                    <h1>{"meshsim"}</h1>
                    <p class="tagline">{"A simulated cluster with Istio "}<strong data-testid="istio-version">{crate::engine::ISTIO_VERSION}</strong>{": type kubectl, watch pods come up"}</p>
                </div>
                <nav aria-label="Views">
                    <a href="../#/inject">{"Inject"}</a>
                    <a href="#/cluster" aria-current="page">{"Cluster"}</a>
                </nav>
            </header>
            <main id="main" tabindex="-1"><ClusterPage /></main>
            <footer class="bottom">
                <p>{"Everything here is simulated in this page, in virtual time: no cluster, no network."}</p>
            </footer>
        </>
    }
}
