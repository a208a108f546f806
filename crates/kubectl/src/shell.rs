//! The terminal session the page and the CLI share: one [`Shell`] owns the
//! simulated cluster, the learner's files and any running watch, turns command
//! lines into text, and moves virtual time forward when asked.

use meshsim_cluster::time::{Nanos, SEC};
use meshsim_cluster::{Cluster, Config};

use crate::printers::Resource;
use crate::tabwriter::TableWriter;
use crate::vfs::Vfs;

/// What a command printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output and standard error, in the order written.
    pub text: String,
    /// The terminal should be cleared before `text` is shown (`clear`, `watch`).
    pub clear: bool,
    /// The command's exit status.
    pub exit_code: i32,
}

impl Output {
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    pub(crate) fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }
    pub(crate) fn fail(&mut self, s: &str) {
        self.line(s);
        self.exit_code = 1;
    }
}

/// A label selector (`-l app=x,tier!=db,env`).
#[derive(Clone, Debug, Default)]
pub struct Selector {
    pub terms: Vec<(String, Op, String)>,
}

/// A selector operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Exists,
    NotExists,
}

impl Selector {
    /// Parse kubectl's equality-based selector syntax.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut terms = vec![];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some((k, v)) = part.split_once("!=") {
                terms.push((k.trim().into(), Op::Ne, v.trim().into()));
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                terms.push((k.trim().into(), Op::Eq, v.trim().into()));
            } else if let Some(k) = part.strip_prefix('!') {
                terms.push((k.into(), Op::NotExists, String::new()));
            } else if part.contains(' ') || part.contains('(') {
                return Err(format!("error: unable to parse requirement: found '{part}', expected: '=', '!=', '==', 'in', notin'"));
            } else {
                terms.push((part.into(), Op::Exists, String::new()));
            }
        }
        Ok(Selector { terms })
    }

    /// Whether `labels` satisfy every term.
    pub fn matches(&self, labels: &meshsim_cluster::StringMap) -> bool {
        self.terms.iter().all(|(k, op, v)| match op {
            Op::Eq => labels.get(k) == Some(v),
            Op::Ne => labels.get(k) != Some(v),
            Op::Exists => labels.contains_key(k),
            Op::NotExists => !labels.contains_key(k),
        })
    }
}

/// How a `get` prints rows.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    pub wide: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    pub all_namespaces: bool,
    pub no_headers: bool,
    pub name_only: bool,
    /// `--output-watch-events`: a leading EVENT column (ADDED, MODIFIED, DELETED).
    pub watch_events: bool,
}

/// A running `kubectl get -w`.
#[derive(Clone, Debug)]
pub struct GetWatch {
    pub resource: Resource,
    pub namespace: Option<String>,
    pub names: Vec<String>,
    pub selector: Selector,
    pub columns: Columns,
    pub writer: TableWriter,
    pub header_printed: bool,
    pub deadline: Option<Nanos>,
}

/// A running `watch CMD`.
#[derive(Clone, Debug)]
pub struct RepeatWatch {
    pub command: String,
    pub interval: Nanos,
    pub next: Nanos,
    pub deadline: Option<Nanos>,
    pub last_screen: String,
}

/// Whatever keeps printing after the command returned.
#[derive(Clone, Debug)]
pub enum Watch {
    Get(Box<GetWatch>),
    Repeat(RepeatWatch),
    Logs(LogFollow),
    Rollout(RolloutFollow),
    Wait(WaitGone),
}

/// `kubectl delete` on the page waiting for its pods to be gone.
#[derive(Clone, Debug)]
pub struct WaitGone {
    pub pods: Vec<(String, String)>,
    pub deadline: Option<Nanos>,
}

/// A running `kubectl rollout status` on the page.
#[derive(Clone, Debug)]
pub struct RolloutFollow {
    pub namespace: String,
    pub name: String,
    /// The last message printed.
    pub last: String,
    pub deadline: Option<Nanos>,
}

/// A running `kubectl logs -f`.
#[derive(Clone, Debug)]
pub struct LogFollow {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// Bytes of the current run's log already printed.
    pub printed: usize,
    pub deadline: Option<Nanos>,
}

#[derive(Clone, Debug)]
pub(crate) struct Heredoc {
    pub(crate) tag: String,
    pub(crate) command: String,
    pub(crate) body: String,
}

/// One container in the pods panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerView {
    pub name: String,
    pub image: String,
    /// `Waiting`, `Running` or `Terminated`.
    pub state: String,
    /// Waiting/terminated reason (`PodInitializing`, `CrashLoopBackOff`, `Completed`, ...).
    pub reason: String,
    pub ready: bool,
    pub restarts: u32,
    /// Init container that keeps running (native sidecar).
    pub sidecar: bool,
}

/// One pod in the pods panel, with the same READY/STATUS/RESTARTS/AGE as `kubectl get pods`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    pub ready: String,
    pub status: String,
    pub restarts: String,
    pub age: String,
    pub node: String,
    pub ip: String,
    pub init_containers: Vec<ContainerView>,
    pub containers: Vec<ContainerView>,
}

/// A terminal session over a simulated cluster.
pub struct Shell {
    pub(crate) cluster: Cluster,
    pub(crate) vfs: Vfs,
    pub(crate) history: Vec<String>,
    pub(crate) watch: Option<Watch>,
    pub(crate) heredoc: Option<Heredoc>,
    /// Watches and `watch` run to completion inside `run` (the CLI), instead of
    /// printing incrementally as the page advances time.
    pub(crate) batch: bool,
    /// Virtual time a watch lasts in batch mode (`--request-timeout`, default 60 s).
    pub(crate) default_watch_timeout: Nanos,
}

impl Shell {
    /// A session for the page: watches print as time is advanced.
    pub fn new(seed: u64) -> Shell {
        Shell::with_config(seed, Config::default(), false)
    }

    /// A session for the CLI: watches end after `--request-timeout` of virtual time (default 60 s).
    pub fn batch(seed: u64) -> Shell {
        Shell::with_config(seed, Config::default(), true)
    }

    /// A session with explicit cluster settings.
    pub fn with_config(seed: u64, config: Config, batch: bool) -> Shell {
        let mut cluster = Cluster::new(seed, config);
        cluster.set_injector(Box::new(crate::injector::EngineInjector::default()));
        Shell {
            cluster,
            vfs: Vfs::default(),
            history: vec![],
            watch: None,
            heredoc: None,
            batch,
            default_watch_timeout: 60 * SEC,
        }
    }

    /// How long a watch lasts in batch mode when the command gives no `--request-timeout`.
    pub fn set_watch_timeout(&mut self, ns: Nanos) {
        self.default_watch_timeout = ns;
    }

    /// The simulated cluster (read-only).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The simulated cluster, for settings such as native sidecars.
    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.cluster
    }

    /// Create or replace a file in the learner's home directory (pasted YAML).
    pub fn write_file(&mut self, path: &str, contents: &str) {
        self.vfs.write(path, contents);
    }

    /// The learner's files.
    pub fn vfs(&self) -> &Vfs {
        &self.vfs
    }

    /// Current virtual time.
    pub fn now(&self) -> Nanos {
        self.cluster.now()
    }

    /// When something next happens in the cluster (or a `watch` refreshes).
    pub fn next_event_time(&self) -> Option<Nanos> {
        let c = self.cluster.next_event_time();
        match &self.watch {
            Some(Watch::Repeat(r)) => Some(c.map_or(r.next, |t| t.min(r.next))),
            _ => c,
        }
    }

    /// Whether a watch is printing (the page shows no prompt while it is).
    pub fn watching(&self) -> bool {
        self.watch.is_some()
    }

    /// Whether a here-document is being collected (the page shows a `> ` prompt).
    pub fn in_heredoc(&self) -> bool {
        self.heredoc.is_some()
    }

    /// Ctrl-C: end the running watch (or here-document).
    pub fn interrupt(&mut self) -> Output {
        self.watch = None;
        self.heredoc = None;
        self.cluster.take_changes();
        Output::default()
    }

    /// Run the next cluster event and return what a running watch printed.
    pub fn step(&mut self) -> Output {
        let mut out = Output::default();
        if let Some(t) = self.next_event_time() {
            self.advance_to(t, &mut out);
        }
        out
    }

    /// Advance virtual time by `ns` and return what a running watch printed meanwhile.
    pub fn advance(&mut self, ns: Nanos) -> Output {
        let mut out = Output::default();
        let target = self.now() + ns;
        self.advance_to(target, &mut out);
        out
    }

    pub(crate) fn advance_to(&mut self, target: Nanos, out: &mut Output) {
        loop {
            let deadline = match &self.watch {
                Some(Watch::Get(g)) => g.deadline,
                Some(Watch::Repeat(r)) => r.deadline,
                Some(Watch::Logs(l)) => l.deadline,
                Some(Watch::Rollout(r)) => r.deadline,
                Some(Watch::Wait(w)) => w.deadline,
                None => None,
            };
            let repeat_at = match &self.watch {
                Some(Watch::Repeat(r)) => Some(r.next),
                _ => None,
            };
            let next = self.cluster.next_event_time();
            let mut due = [next, repeat_at, deadline]
                .into_iter()
                .flatten()
                .filter(|t| *t <= target)
                .min();
            if self.watch.is_none() {
                // Without a watch there is nothing to print between events: jump.
                self.cluster.advance_to(target);
                self.cluster.take_changes();
                return;
            }
            let Some(t) = due.take() else { break };
            if deadline == Some(t) && next.is_none_or(|n| n > t) && repeat_at.is_none_or(|r| r > t)
            {
                self.cluster.advance_to(t);
                self.flush_watch(out);
                if let Some(Watch::Rollout(_)) = self.watch {
                    out.fail("error: timed out waiting for the condition");
                }
                self.watch = None;
                continue;
            }
            if repeat_at == Some(t) && next.is_none_or(|n| n >= t) {
                self.cluster.advance_to(t);
                self.cluster.take_changes();
                self.refresh_repeat(out);
                continue;
            }
            self.cluster.step();
            self.flush_watch(out);
        }
        self.cluster.advance_to(target);
        self.flush_watch(out);
    }

    fn flush_watch(&mut self, out: &mut Output) {
        let changes = self.cluster.take_changes();
        match &mut self.watch {
            Some(Watch::Get(_)) => self.watch_rows(changes, out),
            Some(Watch::Wait(w)) if w.pods.iter().all(|(ns, n)| self.cluster.pod(ns, n).is_none()) => {
                self.watch = None;
            }
            Some(Watch::Wait(_)) => {}
            Some(Watch::Rollout(f)) => match self.cluster.deployment(&f.namespace, &f.name) {
                Some(d) => {
                    let (msg, done) = crate::kubectl::rollout_message(d);
                    if msg != f.last {
                        out.line(&msg);
                        f.last = msg;
                    }
                    if done {
                        self.watch = None;
                    }
                }
                None => self.watch = None,
            },
            Some(Watch::Logs(f)) => {
                match self.cluster.logs(&f.namespace, &f.pod, &f.container, false) {
                    Ok(text) => {
                        let running = self.cluster.pod(&f.namespace, &f.pod).is_some_and(|p| {
                            p.status
                                .statuses
                                .iter()
                                .chain(p.status.init_statuses.iter())
                                .any(|s| s.name == f.container && s.is_running())
                        });
                        if text.len() >= f.printed {
                            out.push(&text[f.printed..]);
                            f.printed = text.len();
                        }
                        // The stream ends with the container (kubectl logs -f returns).
                        if !running {
                            self.watch = None;
                        }
                    }
                    // The pod is gone: `kubectl logs -f` ends with the stream.
                    Err(_) if self.cluster.pod(&f.namespace, &f.pod).is_none() => self.watch = None,
                    Err(_) => {}
                }
            }
            _ => {}
        }
    }

    fn refresh_repeat(&mut self, out: &mut Output) {
        let Some(Watch::Repeat(r)) = self.watch.clone() else {
            return;
        };
        let screen = self.repeat_screen(&r.command);
        let body = screen
            .split_once('\n')
            .map(|x| x.1)
            .unwrap_or("")
            .to_string();
        let last_body = r
            .last_screen
            .split_once('\n')
            .map(|x| x.1)
            .unwrap_or("")
            .to_string();
        if !self.batch || body != last_body {
            if self.batch {
                out.push(&screen);
                out.push("\n");
            } else {
                out.text = screen.clone();
                out.clear = true;
            }
        }
        if let Some(Watch::Repeat(w)) = &mut self.watch {
            w.last_screen = screen;
            w.next += w.interval;
        }
    }

    /// The pods panel: every pod with its containers' live state.
    pub fn pods(&self) -> Vec<PodView> {
        let now = self.now();
        self.cluster
            .pods()
            .map(|p| {
                let (ready, status, restarts) = crate::printers::pod_cells(p, now);
                let view =
                    |c: &meshsim_cluster::Container,
                     st: Option<&meshsim_cluster::ContainerStatus>| {
                        use meshsim_cluster::ContainerState as S;
                        let (state, reason) = match st.map(|s| &s.state) {
                            Some(S::Running { .. }) => ("Running".to_string(), String::new()),
                            Some(S::Waiting { reason, .. }) => {
                                ("Waiting".to_string(), reason.clone())
                            }
                            Some(S::Terminated(t)) => ("Terminated".to_string(), t.reason.clone()),
                            None => ("Waiting".to_string(), String::new()),
                        };
                        ContainerView {
                            name: c.name.clone(),
                            image: c.image.clone(),
                            state,
                            reason,
                            ready: st.is_some_and(|s| s.ready),
                            restarts: st.map_or(0, |s| s.restart_count),
                            sidecar: c.is_native_sidecar(),
                        }
                    };
                PodView {
                    namespace: p.meta.namespace.clone(),
                    name: p.meta.name.clone(),
                    ready,
                    status,
                    restarts,
                    age: meshsim_cluster::time::age(now, p.meta.creation),
                    node: p.spec.node_name.clone(),
                    ip: p.status.pod_ip.clone(),
                    init_containers: p
                        .spec
                        .init_containers
                        .iter()
                        .map(|c| view(c, p.status.init_statuses.iter().find(|s| s.name == c.name)))
                        .collect(),
                    containers: p
                        .spec
                        .containers
                        .iter()
                        .map(|c| view(c, p.status.statuses.iter().find(|s| s.name == c.name)))
                        .collect(),
                }
            })
            .collect()
    }
}
