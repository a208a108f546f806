//! The annotation toggles: each one adds or removes one pod annotation in the YAML text itself,
//! so that the learner sees the annotation that changes the injection.
//!
//! The edit is textual: comments, key order and quoting of everything else stay as written.
//! It reads block-style YAML (what people write in manifests) by indentation; a workload
//! whose metadata is written in flow style (other than `{}`) is left alone.

/// One toggle of the options panel.
#[derive(Debug, PartialEq, Eq)]
pub struct Toggle {
    pub key: &'static str,
    /// The value as YAML text, already quoted.
    pub value: &'static str,
    pub label: &'static str,
    /// What the annotation does, in one sentence.
    pub help: &'static str,
}

/// The common annotations offered as toggles.
pub const TOGGLES: &[Toggle] = &[
    Toggle {
        key: "sidecar.istio.io/inject",
        value: "\"false\"",
        label: "Opt out of injection",
        help: "With \"false\" the injector skips the workload and prints a warning.",
    },
    Toggle {
        key: "sidecar.istio.io/proxyCPU",
        value: "\"200m\"",
        label: "Proxy CPU request 200m",
        help: "Sets the CPU request of istio-proxy and istio-init (the default is 100m).",
    },
    Toggle {
        key: "sidecar.istio.io/proxyMemory",
        value: "\"256Mi\"",
        label: "Proxy memory request 256Mi",
        help: "Sets the memory request of istio-proxy and istio-init (the default is 128Mi).",
    },
    Toggle {
        key: "traffic.sidecar.istio.io/excludeOutboundPorts",
        value: "\"3306\"",
        label: "Do not capture outbound port 3306",
        help: "Adds -o 3306 to istio-iptables: connections to port 3306 bypass Envoy.",
    },
    Toggle {
        key: "traffic.sidecar.istio.io/includeOutboundIPRanges",
        value: "\"10.0.0.0/8\"",
        label: "Capture only 10.0.0.0/8",
        help: "Replaces -i '*': only outbound traffic to 10.0.0.0/8 goes through Envoy.",
    },
    Toggle {
        key: "sidecar.istio.io/rewriteAppHTTPProbers",
        value: "\"false\"",
        label: "Keep HTTP probes as written",
        help: "Stops the rewrite of HTTP probes to the agent on port 15020.",
    },
    Toggle {
        key: "proxy.istio.io/config",
        value: "'{\"holdApplicationUntilProxyStarts\":true}'",
        label: "Start the app after the proxy",
        help: "holdApplicationUntilProxyStarts: the app containers wait until Envoy is ready.",
    },
];

/// Whether any workload in `text` carries the pod annotation `key`.
pub fn has(text: &str, key: &str) -> bool {
    let lines = Lines::new(text);
    lines.workloads().into_iter().any(|workload| {
        lines
            .find_path(workload.start, workload.end, workload.metadata_path)
            .and_then(|metadata| lines.child(metadata, "annotations"))
            .and_then(|annotations| lines.child(annotations, key))
            .is_some()
    })
}

/// Sets the pod annotation `key: value` on every workload in `text`.
pub fn set(text: &str, key: &str, value: &str) -> String {
    edit(text, |lines, workload, edits| {
        let wanted = |indent: usize| format!("{}{}: {}\n", " ".repeat(indent), key, value);
        let Some(metadata) = lines.find_path(workload.start, workload.end, workload.metadata_path)
        else {
            // No metadata yet: create it under the deepest parent that exists.
            let (parent, missing) = lines.deepest(workload.start, workload.end, workload.metadata_path);
            let Some(parent) = parent else { return };
            let mut indent = lines.child_indent(parent);
            let mut block = String::new();
            for name in missing {
                block.push_str(&format!("{}{}:\n", " ".repeat(indent), name));
                indent += 2;
            }
            block.push_str(&format!("{}annotations:\n", " ".repeat(indent)));
            block.push_str(&wanted(indent + 2));
            edits.push(Edit::after(parent, lines.line(parent), block));
            return;
        };
        if lines.inline_value(metadata) == "{}" {
            let indent = lines.indent(metadata) + 2;
            let block = format!("{}annotations:\n{}", " ".repeat(indent), wanted(indent + 2));
            edits.push(Edit::replace_with_block(metadata, lines, block));
            return;
        }
        if !lines.inline_value(metadata).is_empty() {
            return;
        }
        match lines.child(metadata, "annotations") {
            None => {
                let indent = lines.child_indent(metadata);
                let block = format!("{}annotations:\n{}", " ".repeat(indent), wanted(indent + 2));
                edits.push(Edit::after(metadata, lines.line(metadata), block));
            }
            Some(annotations) if lines.inline_value(annotations) == "{}" => {
                let block = wanted(lines.indent(annotations) + 2);
                edits.push(Edit::replace_with_block(annotations, lines, block));
            }
            Some(annotations) if !lines.inline_value(annotations).is_empty() => {}
            Some(annotations) => match lines.child(annotations, key) {
                Some(existing) => {
                    let text = wanted(lines.indent(existing));
                    edits.push(Edit { from: existing, to: lines.block_end(existing), text });
                }
                None => {
                    let text = wanted(lines.child_indent(annotations));
                    edits.push(Edit::after(annotations, lines.line(annotations), text));
                }
            },
        }
    })
}

/// Removes the pod annotation `key` from every workload in `text`;
/// an `annotations:` left empty goes too.
pub fn remove(text: &str, key: &str) -> String {
    edit(text, |lines, workload, edits| {
        let Some(metadata) = lines.find_path(workload.start, workload.end, workload.metadata_path)
        else {
            return;
        };
        let Some(annotations) = lines.child(metadata, "annotations") else { return };
        let Some(existing) = lines.child(annotations, key) else { return };
        let only_child = lines.children(annotations).len() == 1;
        let from = if only_child { annotations } else { existing };
        edits.push(Edit { from, to: lines.block_end(from), text: String::new() });
    })
}

/// A replacement of the lines `from..to` (indexes) by `text`.
struct Edit {
    from: usize,
    to: usize,
    text: String,
}

impl Edit {
    /// Inserts `text` right after the line `at`, which must end with a newline.
    fn after(at: usize, line: &str, text: String) -> Edit {
        let text = if line.ends_with('\n') { text } else { format!("\n{text}") };
        Edit { from: at + 1, to: at + 1, text }
    }

    /// Replaces a `key: {}` line with `key:` followed by `block`.
    fn replace_with_block(at: usize, lines: &Lines, block: String) -> Edit {
        let line = lines.line(at);
        let key_end = line.find(':').expect("a key line has a colon");
        Edit { from: at, to: at + 1, text: format!("{}\n{}", &line[..=key_end], block) }
    }
}

/// Applies the edits that `plan` makes for each workload, from the last line upwards.
fn edit(text: &str, plan: impl Fn(&Lines, &Workload, &mut Vec<Edit>)) -> String {
    let lines = Lines::new(text);
    let mut edits = Vec::new();
    for workload in lines.workloads() {
        plan(&lines, &workload, &mut edits);
    }
    if edits.is_empty() {
        return text.to_owned();
    }
    let mut pieces: Vec<String> = lines.raw.iter().map(|line| (*line).to_owned()).collect();
    meshsim_yaml::sort::sort_by_key(&mut edits, |edit| std::cmp::Reverse(edit.from));
    for edit in edits {
        if edit.from == pieces.len() && !edit.text.is_empty() {
            // Inserting after the last line, which has no newline: the edit text starts with one.
            pieces.push(edit.text);
            continue;
        }
        pieces.splice(edit.from..edit.to, std::iter::once(edit.text));
    }
    pieces.concat()
}

/// A workload document and where its pod annotations live.
struct Workload {
    start: usize,
    end: usize,
    metadata_path: &'static [&'static str],
}

/// Where kube-inject reads the pod template's labels and annotations, by kind (see the spec, §3).
fn metadata_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job"
        | "ReplicationController" | "DeploymentConfig" => Some(&["spec", "template", "metadata"]),
        "CronJob" => Some(&["spec", "jobTemplate", "metadata"]),
        "Pod" => Some(&["metadata"]),
        _ => None,
    }
}

/// The text cut into lines (each keeps its newline), with a little YAML structure on top.
struct Lines<'a> {
    raw: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines { raw: text.split_inclusive('\n').collect() }
    }

    fn line(&self, index: usize) -> &'a str {
        self.raw[index]
    }

    fn indent(&self, index: usize) -> usize {
        indent_of(self.raw[index])
    }

    /// Whether a line carries no structure (blank or a comment).
    fn is_blank(&self, index: usize) -> bool {
        let content = self.raw[index].trim();
        content.is_empty() || content.starts_with('#')
    }

    /// The documents of the stream that kube-inject injects.
    fn workloads(&self) -> Vec<Workload> {
        let mut workloads = Vec::new();
        let mut start = 0;
        for index in 0..=self.raw.len() {
            if index == self.raw.len() || self.raw[index].starts_with("---") {
                let kind = (start..index).find_map(|i| {
                    self.raw[i].strip_prefix("kind:").map(|rest| unquote(rest.trim()))
                });
                if let Some(path) = kind.and_then(metadata_path) {
                    workloads.push(Workload { start, end: index, metadata_path: path });
                }
                start = index + 1;
            }
        }
        workloads
    }

    /// The key of a mapping line (after a sequence dash, if any) and the column where it starts.
    fn key(&self, index: usize) -> Option<(usize, &'a str)> {
        key_of(self.raw[index])
    }

    /// The text after `key:` on the line, trimmed, without a trailing comment.
    fn inline_value(&self, index: usize) -> &'a str {
        let line = self.raw[index];
        let (column, key) = key_of(line).expect("a key line");
        let rest = &line[column..];
        let after = &rest[rest.find(key).unwrap_or(0) + key.len()..];
        let after = after.trim_start_matches(['"', '\'']).trim_start();
        let after = after.strip_prefix(':').unwrap_or(after);
        let value = after.split(" #").next().unwrap_or("");
        value.trim()
    }

    /// The index after the last line that belongs to the block starting at `index`.
    fn block_end(&self, index: usize) -> usize {
        let column = self.key(index).map(|(column, _)| column).unwrap_or(self.indent(index));
        let mut end = index + 1;
        let mut last = index + 1;
        while end < self.raw.len() && !self.raw[end].starts_with("---") {
            if !self.is_blank(end) {
                if self.indent(end) <= column {
                    break;
                }
                last = end + 1;
            }
            end += 1;
        }
        last
    }

    /// The key lines directly under the mapping key at `index`.
    fn children(&self, index: usize) -> Vec<usize> {
        let end = self.block_end(index);
        let Some(column) = (index + 1..end).find(|&i| !self.is_blank(i)).map(|i| self.indent(i))
        else {
            return Vec::new();
        };
        (index + 1..end)
            .filter(|&i| !self.is_blank(i) && self.indent(i) == column && self.key(i).is_some())
            .collect()
    }

    /// The child key line `name` under the mapping key at `index`.
    fn child(&self, index: usize, name: &str) -> Option<usize> {
        self.children(index).into_iter().find(|&i| self.key(i).map(|(_, key)| key) == Some(name))
    }

    /// The column of the children of the key at `index`, or two more than the key's.
    fn child_indent(&self, index: usize) -> usize {
        let end = self.block_end(index);
        (index + 1..end)
            .find(|&i| !self.is_blank(i))
            .map(|i| self.indent(i))
            .unwrap_or_else(|| self.key(index).map(|(column, _)| column).unwrap_or(0) + 2)
    }

    /// The line of the mapping key at `path` (from the document's top level) within `start..end`.
    fn find_path(&self, start: usize, end: usize, path: &[&str]) -> Option<usize> {
        let (found, missing) = self.deepest(start, end, path);
        if missing.is_empty() {
            found
        } else {
            None
        }
    }

    /// The deepest key line of `path` that exists, and the names that are missing below it.
    fn deepest<'p>(&self, start: usize, end: usize, path: &'p [&'p str]) -> (Option<usize>, &'p [&'p str]) {
        let Some(first) = (start..end).find(|&i| {
            !self.is_blank(i) && self.indent(i) == 0 && self.key(i).map(|(_, key)| key) == Some(path[0])
        }) else {
            return (None, path);
        };
        let mut at = first;
        for (depth, name) in path.iter().enumerate().skip(1) {
            if !self.inline_value(at).is_empty() {
                return (None, path);
            }
            match self.child(at, name) {
                Some(next) => at = next,
                None => return (Some(at), &path[depth..]),
            }
        }
        (Some(at), &[])
    }
}

/// The number of leading spaces.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The column and name of the mapping key on `line`, after a sequence dash if there is one.
fn key_of(line: &str) -> Option<(usize, &str)> {
    let mut column = indent_of(line);
    let mut rest = &line[column..];
    while let Some(after) = rest.strip_prefix("- ") {
        let spaces = indent_of(after);
        column += 2 + spaces;
        rest = &after[spaces..];
    }
    if rest.starts_with('#') || rest.starts_with('-') || rest.starts_with('{') || rest.starts_with('[') {
        return None;
    }
    let (key, after) = if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = rest[1..].find(quote)? + 1;
        (&rest[1..close], &rest[close + 1..])
    } else {
        let colon = rest.find(": ").or_else(|| {
            let trimmed = rest.trim_end();
            trimmed.ends_with(':').then(|| trimmed.len() - 1)
        })?;
        (&rest[..colon], &rest[colon..])
    };
    after.starts_with(':').then_some((column, key))
}

/// A scalar without its quotes.
fn unquote(value: &str) -> &str {
    let value = value.split(" #").next().unwrap_or(value).trim();
    value.trim_matches(|c| c == '"' || c == '\'')
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const DEPLOYMENT: &str = "\
# a comment stays
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
";

    #[wasm_bindgen_test]
    fn set_adds_an_annotations_block_under_the_pod_template_metadata() {
        let edited = set(DEPLOYMENT, "sidecar.istio.io/proxyCPU", "\"200m\"");
        assert_eq!(
            edited,
            DEPLOYMENT.replace(
                "    metadata:\n      labels:",
                "    metadata:\n      annotations:\n        sidecar.istio.io/proxyCPU: \"200m\"\n      labels:"
            )
        );
        assert!(has(&edited, "sidecar.istio.io/proxyCPU"));
        assert!(!has(DEPLOYMENT, "sidecar.istio.io/proxyCPU"));
    }

    #[wasm_bindgen_test]
    fn remove_undoes_set() {
        let edited = set(DEPLOYMENT, "sidecar.istio.io/inject", "\"false\"");
        assert_eq!(remove(&edited, "sidecar.istio.io/inject"), DEPLOYMENT);
    }

    #[wasm_bindgen_test]
    fn set_replaces_an_existing_value_and_keeps_its_neighbours() {
        let text = "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: b\n    sidecar.istio.io/inject: \"true\"\nspec: {}\n";
        let edited = set(text, "sidecar.istio.io/inject", "\"false\"");
        assert_eq!(edited, text.replace("inject: \"true\"", "inject: \"false\""));
        let removed = remove(&edited, "sidecar.istio.io/inject");
        assert_eq!(removed, "kind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: b\nspec: {}\n");
    }

    #[wasm_bindgen_test]
    fn cronjob_annotations_go_on_the_job_template_metadata() {
        let text = "kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: {}\n";
        let edited = set(text, "k", "v");
        assert_eq!(
            edited,
            "kind: CronJob\nspec:\n  jobTemplate:\n    metadata:\n      annotations:\n        k: v\n    spec:\n      template:\n        spec: {}\n"
        );
    }

    #[wasm_bindgen_test]
    fn only_workloads_are_edited_and_each_document_separately() {
        let text = "kind: Service\nmetadata:\n  name: s\n---\nkind: Pod\nmetadata: {}\n---\nkind: Pod\nmetadata:\n  name: q";
        let edited = set(text, "k", "v");
        assert_eq!(
            edited,
            "kind: Service\nmetadata:\n  name: s\n---\nkind: Pod\nmetadata:\n  annotations:\n    k: v\n---\nkind: Pod\nmetadata:\n  annotations:\n    k: v\n  name: q"
        );
    }

    #[wasm_bindgen_test]
    fn block_scalars_and_comments_do_not_confuse_the_walk() {
        let text = "kind: Pod\nmetadata:\n  # note\n  annotations:\n    old: |\n      metadata:\n        x\n    k: v\n  name: p\n";
        assert!(has(text, "k"));
        let removed = remove(text, "old");
        assert_eq!(removed, "kind: Pod\nmetadata:\n  # note\n  annotations:\n    k: v\n  name: p\n");
    }
}
