//! Command dispatch: shell built-ins (`ls`, `cat`, `sleep`, `watch`, here-documents,
//! simple pipes), then `kubectl` and `istioctl`.

use meshsim_cluster::time::{civil, SEC};

use crate::args::split_words;
use crate::shell::{Heredoc, Output, RepeatWatch, Shell, Watch};
use crate::vfs::{Entry, VfsError};

const BUILTINS: &[&str] = &[
    "kubectl", "istioctl", "ls", "cat", "more", "less", "clear", "help", "history", "sleep",
    "watch", "echo", "pwd", "cd",
];

/// The `help` text.
pub const HELP: &str = "\
This terminal talks to a simulated Kubernetes cluster (three workers, Istio installed).
Commands:
  kubectl get|describe|apply|create|delete|logs|label|annotate|scale|rollout|set image|expose|version
  istioctl kube-inject -f FILE | istioctl version
  ls [DIR]   cat FILE   clear   history   help
  sleep N    (advance the cluster's clock by N seconds, at most a day)
  watch CMD  (re-run CMD every 2 seconds; Ctrl-C stops it)
  cat <<EOF > FILE  (paste YAML, end with EOF) and kubectl apply -f - <<EOF
Files: kubernetes/ (the guestbook) and kubernetes-v2/.
";

impl Shell {
    /// Run one line typed at the prompt and return what the terminal shows.
    pub fn run(&mut self, line: &str) -> Output {
        if let Some(h) = &mut self.heredoc {
            if line.trim() == h.tag {
                let h = self.heredoc.take().expect("heredoc is active");
                return self.run_line(&h.command, Some(h.body));
            }
            h.body.push_str(line);
            h.body.push('\n');
            return Output::default();
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return Output::default();
        }
        self.history.push(trimmed.to_string());
        if let Some(pos) = trimmed.find("<<") {
            let (before, after) = trimmed.split_at(pos);
            let after = after[2..].trim_start_matches('-').trim();
            let mut words = after.split_whitespace();
            let tag = words
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string();
            let rest: Vec<&str> = words.collect();
            let command = format!("{} {}", before.trim(), rest.join(" "))
                .trim()
                .to_string();
            if tag.is_empty() {
                let mut out = Output::default();
                out.fail("bash: syntax error near unexpected token `newline'");
                return out;
            }
            self.heredoc = Some(Heredoc {
                tag,
                command,
                body: String::new(),
            });
            return Output::default();
        }
        self.run_line(trimmed, None)
    }

    fn run_line(&mut self, line: &str, stdin: Option<String>) -> Output {
        let words = match split_words(line) {
            Ok(w) => w,
            Err(e) => {
                let mut out = Output::default();
                out.fail(&format!("bash: {e}"));
                return out;
            }
        };
        // Split on pipes and one output redirection.
        let mut stages: Vec<Vec<String>> = vec![vec![]];
        let mut redirect: Option<String> = None;
        let mut it = words.into_iter();
        while let Some(w) = it.next() {
            if w == "|" {
                stages.push(vec![]);
            } else if w == ">" {
                redirect = it.next();
            } else if let Some(f) = w.strip_prefix('>') {
                redirect = Some(f.to_string());
            } else {
                stages.last_mut().expect("one stage at least").push(w);
            }
        }
        let first = stages.remove(0);
        let mut out = self.exec(&first, stdin);
        for stage in stages {
            match stage.first().map(String::as_str) {
                // Commands that read standard input get the previous stage's output.
                Some("kubectl" | "k" | "istioctl") => {
                    let prev = std::mem::take(&mut out.text);
                    out = self.exec(&stage, Some(prev));
                }
                _ => out.text = filter(&stage, &out.text),
            }
        }
        if let Some(path) = redirect {
            if path.is_empty() {
                let mut o = Output::default();
                o.fail("bash: syntax error near unexpected token `newline'");
                return o;
            }
            // Only stdout goes to the file; errors (lines starting "error:"/"Error") stay on screen.
            let (errs, body): (Vec<&str>, Vec<&str>) = out
                .text
                .split_inclusive('\n')
                .partition(|l| l.starts_with("error:") || l.starts_with("Error"));
            self.vfs.write(&path, &body.concat());
            out.text = errs.concat();
        }
        out
    }

    fn exec(&mut self, words: &[String], stdin: Option<String>) -> Output {
        let mut out = Output::default();
        let Some(cmd) = words.first() else { return out };
        let args = &words[1..];
        match cmd.as_str() {
            "kubectl" | "k" => return self.kubectl(args, stdin),
            "istioctl" => return self.istioctl(args),
            "clear" => {
                out.clear = true;
            }
            "help" => out.push(HELP),
            "history" => {
                for (i, h) in self.history.iter().enumerate() {
                    out.line(&format!("{:>5}  {h}", i + 1));
                }
            }
            "pwd" => out.line("/home/learner"),
            "cd" => {
                if let Some(d) = args.first() {
                    let d = d.trim_end_matches('/');
                    if !["~", "~/istio-workshop", "istio-workshop", ".", ""].contains(&d) {
                        out.fail(&format!("bash: cd: {d}: No such file or directory"));
                    }
                }
            }
            "echo" => out.line(&args.join(" ")),
            "sleep" => {
                let Some(n) = args.first() else {
                    out.fail("sleep: missing operand\nTry 'sleep --help' for more information.");
                    return out;
                };
                let secs = n
                    .trim_end_matches('s')
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s >= 0.0);
                match secs {
                    Some(s) => {
                        // A day of virtual time at most, so a typo cannot freeze the page.
                        let ns = (s.min(86_400.0) * SEC as f64) as u64;
                        let target = self.now() + ns;
                        self.advance_to(target, &mut out);
                    }
                    None => out.fail(&format!("sleep: invalid time interval '{n}'\nTry 'sleep --help' for more information.")),
                }
            }
            "ls" => {
                let paths: Vec<&str> = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .map(String::as_str)
                    .collect();
                let paths = if paths.is_empty() { vec![""] } else { paths };
                let many = paths.len() > 1;
                for (i, p) in paths.iter().enumerate() {
                    match self.vfs.lookup(p) {
                        Ok(Entry::File(_)) => out.line(p),
                        Ok(Entry::Dir(entries)) => {
                            if many {
                                if i > 0 {
                                    out.line("");
                                }
                                out.line(&format!("{p}:"));
                            }
                            let names: Vec<&str> =
                                entries.iter().map(|e| e.trim_end_matches('/')).collect();
                            if !names.is_empty() {
                                out.push(&ls_columns(&names, 80));
                            }
                        }
                        Err(_) => out.fail(&format!(
                            "ls: cannot access '{p}': No such file or directory"
                        )),
                    }
                }
            }
            "cat" | "more" | "less" => {
                if args.is_empty() {
                    if let Some(s) = stdin {
                        out.push(&s);
                    }
                    return out;
                }
                for a in args {
                    match self.vfs.read(a) {
                        Ok(c) => out.push(&c),
                        Err(VfsError::IsDir(_)) => out.fail(&format!("{cmd}: {a}: Is a directory")),
                        Err(_) => out.fail(&format!("{cmd}: {a}: No such file or directory")),
                    }
                }
            }
            "watch" => return self.start_repeat(args),
            other => {
                out.line(&format!("bash: {other}: command not found"));
                out.exit_code = 127;
            }
        }
        out
    }

    fn start_repeat(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let mut interval = 2 * SEC;
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') {
            if (args[i] == "-n" || args[i] == "--interval") && i + 1 < args.len() {
                interval = args[i + 1]
                    .parse::<f64>()
                    .map(|s| (s.max(0.1) * SEC as f64) as u64)
                    .unwrap_or(interval);
                i += 2;
            } else {
                i += 1;
            }
        }
        let command = args[i..].join(" ");
        if command.is_empty() {
            out.fail("Usage:\n watch [options] command");
            return out;
        }
        let now = self.now();
        self.watch = Some(Watch::Repeat(RepeatWatch {
            command: command.clone(),
            interval,
            next: now,
            deadline: None,
            last_screen: String::new(),
        }));
        let screen = self.repeat_screen(&command);
        let deadline = if self.batch {
            Some(now + self.default_watch_timeout)
        } else {
            None
        };
        self.cluster.take_changes();
        self.watch = Some(Watch::Repeat(RepeatWatch {
            command,
            interval,
            next: now + interval,
            deadline,
            last_screen: screen.clone(),
        }));
        if self.batch {
            out.push(&screen);
            out.push("\n");
            let end = deadline.expect("batch watches have a deadline");
            self.advance_to(end, &mut out);
            self.watch = None;
        } else {
            out.text = screen;
            out.clear = true;
        }
        out
    }

    /// One screen of `watch CMD`: the header line, a blank line, the command's output.
    pub(crate) fn repeat_screen(&mut self, command: &str) -> String {
        let interval = match &self.watch {
            Some(Watch::Repeat(r)) => r.interval,
            _ => 2 * SEC,
        };
        let c = civil(self.now());
        const WD: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MO: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let right = format!(
            "meshsim: {} {} {:>2} {:02}:{:02}:{:02} {}",
            WD[c.weekday as usize],
            MO[(c.month - 1) as usize],
            c.day,
            c.hour,
            c.minute,
            c.second,
            c.year
        );
        let left = format!("Every {:.1}s: {command}", interval as f64 / SEC as f64);
        let pad = 80usize.saturating_sub(left.len() + right.len()).max(1);
        let saved = self.watch.take();
        let body = self.run_line(command, None).text;
        self.watch = saved;
        format!("{left}{}{right}\n\n{body}", " ".repeat(pad))
    }

    /// Tab completion: the candidates for the word under the cursor (at the end of `line`).
    pub fn complete(&self, line: &str) -> Vec<String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let ends_space = line.ends_with(' ') || line.is_empty();
        let cur = if ends_space {
            ""
        } else {
            words.last().copied().unwrap_or("")
        };
        let done: Vec<&str> = if ends_space {
            words.clone()
        } else {
            words[..words.len().saturating_sub(1)].to_vec()
        };
        let pick = |cands: Vec<String>| -> Vec<String> {
            let mut v: Vec<String> = cands.into_iter().filter(|c| c.starts_with(cur)).collect();
            v.sort();
            v.dedup();
            v
        };
        let paths = || {
            let mut v: Vec<String> = self.vfs.paths();
            v.extend(["kubernetes/".to_string(), "kubernetes-v2/".to_string()]);
            v
        };
        if done.is_empty() {
            return pick(BUILTINS.iter().map(|s| s.to_string()).collect());
        }
        if done.last() == Some(&"-f") || ["cat", "more", "less", "ls"].contains(&done[0]) {
            return pick(paths());
        }
        let pods = || {
            self.cluster
                .pods()
                .filter(|p| p.meta.namespace == "default")
                .map(|p| p.meta.name.clone())
                .collect::<Vec<_>>()
        };
        match (done[0], done.len()) {
            ("kubectl" | "k", 1) => pick(
                [
                    "get",
                    "describe",
                    "apply",
                    "create",
                    "delete",
                    "logs",
                    "label",
                    "annotate",
                    "scale",
                    "rollout",
                    "set",
                    "expose",
                    "api-resources",
                    "version",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ),
            ("istioctl", 1) => pick(vec!["kube-inject".into(), "version".into()]),
            ("kubectl" | "k", 2)
                if ["get", "describe", "delete", "label", "annotate", "scale"]
                    .contains(&done[1]) =>
            {
                pick(
                    [
                        "pods",
                        "deployments",
                        "replicasets",
                        "services",
                        "namespaces",
                        "endpoints",
                        "events",
                        "nodes",
                        "configmaps",
                        "all",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                )
            }
            ("kubectl" | "k", 2) if done[1] == "logs" => pick(pods()),
            ("kubectl" | "k", 2) if done[1] == "rollout" => pick(vec![
                "history".into(),
                "restart".into(),
                "status".into(),
                "undo".into(),
            ]),
            ("kubectl" | "k", n) if n >= 3 => {
                let kind = crate::printers::Resource::parse(done[2]);
                let names: Vec<String> = match kind {
                    Some(crate::printers::Resource::Pods) => pods(),
                    Some(crate::printers::Resource::Deployments) => self
                        .cluster
                        .deployments()
                        .map(|d| d.meta.name.clone())
                        .collect(),
                    Some(crate::printers::Resource::Services) => self
                        .cluster
                        .services()
                        .map(|d| d.meta.name.clone())
                        .collect(),
                    Some(crate::printers::Resource::Namespaces) => self
                        .cluster
                        .namespaces()
                        .map(|d| d.meta.name.clone())
                        .collect(),
                    _ => vec![],
                };
                pick(names)
            }
            _ => vec![],
        }
    }
}

/// The few filters learners pipe output through.
fn filter(stage: &[String], text: &str) -> String {
    match stage.first().map(String::as_str) {
        Some("more" | "less" | "cat") | None => text.to_string(),
        Some("grep") => {
            let invert = stage.iter().any(|a| a == "-v");
            let pat = stage
                .iter()
                .skip(1)
                .find(|a| !a.starts_with('-'))
                .cloned()
                .unwrap_or_default();
            let alts: Vec<&str> = pat.split("\\|").collect();
            text.split_inclusive('\n')
                .filter(|l| alts.iter().any(|p| l.contains(p)) != invert)
                .collect()
        }
        Some("head") => {
            let n = stage
                .iter()
                .skip(1)
                .find_map(|a| {
                    a.trim_start_matches("-n")
                        .trim_start_matches('-')
                        .parse::<usize>()
                        .ok()
                })
                .unwrap_or(10);
            text.split_inclusive('\n').take(n).collect()
        }
        Some("tail") => {
            let n = stage
                .iter()
                .skip(1)
                .find_map(|a| {
                    a.trim_start_matches("-n")
                        .trim_start_matches('-')
                        .parse::<usize>()
                        .ok()
                })
                .unwrap_or(10);
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            lines[lines.len().saturating_sub(n)..].concat()
        }
        Some("wc") => format!("{}\n", text.lines().count()),
        Some(other) => format!("bash: {other}: command not found\n"),
    }
}

/// GNU `ls -C` layout: column-major, two spaces between columns, as few rows as fit `width`.
pub fn ls_columns(names: &[&str], width: usize) -> String {
    let n = names.len();
    for rows in 1..=n {
        let cols = n.div_ceil(rows);
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                names[c * rows..((c + 1) * rows).min(n)]
                    .iter()
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = widths.iter().sum::<usize>() + 2 * (cols - 1);
        if total <= width || rows == n {
            let mut out = String::new();
            for r in 0..rows {
                let mut line = String::new();
                for (c, w) in widths.iter().enumerate() {
                    let Some(name) = names.get(c * rows + r) else {
                        continue;
                    };
                    line.push_str(name);
                    if c + 1 < cols && c * rows + r + rows < n {
                        line.push_str(&" ".repeat(w - name.chars().count() + 2));
                    }
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
            return out;
        }
    }
    String::new()
}
