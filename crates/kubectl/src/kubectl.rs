//! `kubectl` and `istioctl`: each subcommand parses its flags, talks to the
//! simulated API server and prints what the real tools print.

use meshsim_cluster::time::{age, Nanos, MS, SEC};
use meshsim_cluster::*;
use meshsim_yaml::{Mapping, Value};

use crate::args::{flag, parse, Flag, Parsed};
use crate::convert::{decode, encode, DecodeError};
use crate::printers::{self, Resource};
use crate::shell::{Columns, GetWatch, Output, Selector, Shell, Watch};
use crate::tabwriter::TableWriter;

/// The value of a `Result`, or: print the error, fail the command and return its output.
macro_rules! or_fail {
    ($out:ident, $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(e) => {
                $out.fail(&e);
                return $out;
            }
        }
    };
}

const KUBECTL_COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "expose",
    "apply",
    "create",
    "delete",
    "describe",
    "get",
    "label",
    "logs",
    "rollout",
    "scale",
    "version",
];

const GET_FLAGS: &[Flag] = &[
    flag("output", Some('o'), true),
    flag("watch", Some('w'), false),
    flag("watch-only", None, false),
    flag("selector", Some('l'), true),
    flag("label-columns", Some('L'), true),
    flag("show-labels", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("no-headers", None, false),
    flag("output-watch-events", None, false),
    flag("field-selector", None, true),
    flag("sort-by", None, true),
];

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

fn decode_error_text(file: &str, doc: &Value, e: &DecodeError) -> String {
    let name = doc
        .get_path(&["metadata", "name"])
        .and_then(Value::as_str)
        .unwrap_or("");
    let ns = doc
        .get_path(&["metadata", "namespace"])
        .and_then(Value::as_str)
        .unwrap_or("");
    match e {
        DecodeError::Validation(m) => format!(
            "error: error validating \"{file}\": error validating data: {m}; if you choose to ignore these errors, turn validation off with --validate=false"
        ),
        DecodeError::NoMatch { .. } => {
            format!("error: resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{file}\": {e}\nensure CRDs are installed first")
        }
        DecodeError::Invalid(m) => m.clone(),
        DecodeError::BadRequest(m) => format!("Error from server (BadRequest): error when creating \"{file}\": {m}"),
    }
}

fn api_error_text(file: &str, verb: &str, e: &ApiError) -> String {
    match e {
        ApiError::Invalid(m) => m.clone(),
        other => {
            let s = other.to_string();
            match s.split_once("): ") {
                Some((head, rest)) if !file.is_empty() => {
                    format!("{head}): error when {verb} \"{file}\": {rest}")
                }
                _ => s,
            }
        }
    }
}

/// The `name` column text for an object (`pod/x`, `deployment.apps/x`).
fn ref_name(kind: Kind, name: &str) -> String {
    format!("{}/{name}", kind.resource_ref())
}

struct Item {
    namespace: String,
    name: String,
    labels: StringMap,
    row: Vec<String>,
    object: Option<Object>,
}

impl Shell {
    /// A request to the API server takes a little virtual time (40 ms), so a command
    /// typed right after `apply` sees what the controllers did meanwhile.
    fn api_round_trip(&mut self, out: &mut Output) {
        let t = self.now() + 40 * MS;
        self.advance_to(t, out);
    }

    fn namespace_of(&self, p: &Parsed) -> String {
        p.get("namespace").unwrap_or("default").to_string()
    }

    pub(crate) fn kubectl(&mut self, args: &[String], stdin: Option<String>) -> Output {
        // Global flags may come before the subcommand (`kubectl -n istio-system get pods`).
        let mut globals: Vec<String> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            let takes_value = [
                "-n",
                "--namespace",
                "--context",
                "--kubeconfig",
                "--request-timeout",
                "-v",
            ]
            .contains(&a.as_str());
            let inline = [
                "--namespace=",
                "--context=",
                "--kubeconfig=",
                "--request-timeout=",
                "-n=",
                "-v=",
            ]
            .iter()
            .any(|p| a.starts_with(p))
                || (a.starts_with("-n") && a.len() > 2 && !a.starts_with("--"));
            if takes_value && i + 1 == args.len() {
                let mut out = Output::default();
                let what = if a.starts_with("--") {
                    a.clone()
                } else {
                    format!("'{}' in {a}", &a[1..])
                };
                out.fail(&format!(
                    "error: flag needs an argument: {what}\nSee 'kubectl --help' for usage."
                ));
                return out;
            }
            if takes_value && i + 1 < args.len() {
                globals.extend([a.clone(), args[i + 1].clone()]);
                i += 2;
            } else if inline {
                globals.push(a.clone());
                i += 1;
            } else {
                break;
            }
        }
        if !globals.is_empty() && i < args.len() {
            let mut reordered = vec![args[i].clone()];
            reordered.extend(args[i + 1..].iter().cloned());
            reordered.extend(globals);
            return self.kubectl(&reordered, stdin);
        }
        let mut out = Output::default();
        let Some(sub) = args.first() else {
            out.push(
                "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\n\
Basic Commands (Beginner):\n  create          Create a resource from a file or from stdin\n\n\
Basic Commands (Intermediate):\n  get             Display one or many resources\n  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector\n\n\
Deploy Commands:\n  rollout         Manage the rollout of a resource\n  scale           Set a new size for a deployment, replica set, or replication controller\n\n\
Troubleshooting and Debugging Commands:\n  describe        Show details of a specific resource or group of resources\n  logs            Print the logs for a container in a pod\n\n\
Advanced Commands:\n  apply           Apply a configuration to a resource by file name or stdin\n\n\
Settings Commands:\n  label           Update the labels on a resource\n  annotate        Update the annotations on a resource\n\n\
Other Commands:\n  version         Print the client and server version information\n\n\
Usage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\n",
            );
            return out;
        };
        let rest = &args[1..];
        match sub.as_str() {
            "get" => self.get(rest),
            "describe" => self.describe(rest),
            "apply" => self.apply_or_create(rest, stdin, false),
            "create" => self.apply_or_create(rest, stdin, true),
            "delete" => self.delete(rest, stdin),
            "logs" => self.logs(rest),
            "label" => self.label(rest, true),
            "annotate" => self.label(rest, false),
            "scale" => self.scale(rest),
            "rollout" => self.rollout(rest),
            "api-resources" => {
                let rows: Vec<Vec<String>> = [
                    ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
                    ["configmaps", "cm", "v1", "true", "ConfigMap"],
                    ["endpoints", "ep", "v1", "true", "Endpoints"],
                    ["events", "ev", "v1", "true", "Event"],
                    ["namespaces", "ns", "v1", "false", "Namespace"],
                    ["nodes", "no", "v1", "false", "Node"],
                    ["pods", "po", "v1", "true", "Pod"],
                    ["services", "svc", "v1", "true", "Service"],
                    ["deployments", "deploy", "apps/v1", "true", "Deployment"],
                    ["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
                    [
                        "endpointslices",
                        "",
                        "discovery.k8s.io/v1",
                        "true",
                        "EndpointSlice",
                    ],
                ]
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
                out.push(&TableWriter::default().render(&rows));
                out
            }
            "version" => {
                out.push(
                    "Client Version: v1.34.1\nKustomize Version: v5.7.1\nServer Version: v1.34.1\n",
                );
                out
            }
            "set" => self.set(rest),
            "expose" => self.expose(rest),
            "exec" | "run" | "port-forward" | "edit" | "cp" | "attach" | "top" | "patch" => {
                out.fail(&format!("error: \"kubectl {sub}\" is not available in this simulated cluster (see 'help')"));
                out
            }
            other if other.starts_with("--") => {
                out.fail(&format!(
                    "error: unknown flag: {other}\nSee 'kubectl --help' for usage."
                ));
                out
            }
            other if other.starts_with('-') => {
                let c = other.chars().nth(1).unwrap_or('-');
                out.fail(&format!("error: unknown shorthand flag: '{c}' in {other}\nSee 'kubectl --help' for usage."));
                out
            }
            other => {
                let mut msg = format!("error: unknown command \"{other}\" for \"kubectl\"");
                let sugg: Vec<&str> = KUBECTL_COMMANDS
                    .iter()
                    .copied()
                    .filter(|c| levenshtein(c, other) <= 2 || c.starts_with(other))
                    .collect();
                if !sugg.is_empty() {
                    msg.push_str("\n\nDid you mean this?\n");
                    for s in sugg {
                        msg.push_str(&format!("\t{s}\n"));
                    }
                    msg.pop();
                }
                out.fail(&msg);
                out
            }
        }
    }

    // ----- get -----

    fn items(&self, r: Resource, ns: Option<&str>, wide: bool) -> Vec<Item> {
        let now = self.now();
        let in_ns = |n: &str| ns.is_none_or(|x| x == n);
        let mut v = Vec::new();
        match r {
            Resource::Pods => {
                for p in self.cluster.pods().filter(|p| in_ns(&p.meta.namespace)) {
                    v.push(Item {
                        namespace: p.meta.namespace.clone(),
                        name: p.meta.name.clone(),
                        labels: p.meta.labels.clone(),
                        row: printers::pod_row(p, now, wide),
                        object: None,
                    });
                }
            }
            Resource::Deployments => {
                for d in self
                    .cluster
                    .deployments()
                    .filter(|d| in_ns(&d.meta.namespace))
                {
                    v.push(Item {
                        namespace: d.meta.namespace.clone(),
                        name: d.meta.name.clone(),
                        labels: d.meta.labels.clone(),
                        row: printers::deployment_row(d, now, wide),
                        object: None,
                    });
                }
            }
            Resource::ReplicaSets => {
                for d in self
                    .cluster
                    .replica_sets()
                    .filter(|d| in_ns(&d.meta.namespace))
                {
                    v.push(Item {
                        namespace: d.meta.namespace.clone(),
                        name: d.meta.name.clone(),
                        labels: d.meta.labels.clone(),
                        row: printers::replicaset_row(d, now, wide),
                        object: None,
                    });
                }
            }
            Resource::Services => {
                for d in self.cluster.services().filter(|d| in_ns(&d.meta.namespace)) {
                    v.push(Item {
                        namespace: d.meta.namespace.clone(),
                        name: d.meta.name.clone(),
                        labels: d.meta.labels.clone(),
                        row: printers::service_row(d, now, wide),
                        object: None,
                    });
                }
            }
            Resource::Namespaces => {
                for n in self.cluster.namespaces() {
                    v.push(Item {
                        namespace: String::new(),
                        name: n.meta.name.clone(),
                        labels: n.meta.labels.clone(),
                        row: printers::namespace_row(n, now),
                        object: None,
                    });
                }
            }
            Resource::Endpoints => {
                for e in self
                    .cluster
                    .endpoints()
                    .filter(|d| in_ns(&d.meta.namespace))
                {
                    v.push(Item {
                        namespace: e.meta.namespace.clone(),
                        name: e.meta.name.clone(),
                        labels: e.meta.labels.clone(),
                        row: vec![
                            e.meta.name.clone(),
                            printers::endpoints_text(e),
                            age(now, e.meta.creation),
                        ],
                        object: None,
                    });
                }
            }
            Resource::EndpointSlices => {
                for e in self
                    .cluster
                    .endpoints()
                    .filter(|d| in_ns(&d.meta.namespace))
                {
                    let ports = if e.ports.is_empty() {
                        "<unset>".into()
                    } else {
                        e.ports
                            .iter()
                            .map(|p| p.1.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    };
                    let eps: Vec<String> = e.addresses.iter().map(|a| a.ip.clone()).collect();
                    let eps = if eps.is_empty() {
                        "<unset>".to_string()
                    } else if eps.len() > 3 {
                        format!("{} + {} more...", eps[..3].join(","), eps.len() - 3)
                    } else {
                        eps.join(",")
                    };
                    let suffix = &e.meta.uid[..5];
                    v.push(Item {
                        namespace: e.meta.namespace.clone(),
                        name: format!("{}-{suffix}", e.meta.name),
                        labels: e.meta.labels.clone(),
                        row: vec![
                            format!("{}-{suffix}", e.meta.name),
                            "IPv4".into(),
                            ports,
                            eps,
                            age(now, e.meta.creation),
                        ],
                        object: None,
                    });
                }
            }
            Resource::Events => {
                for e in self.cluster.events().filter(|d| in_ns(&d.meta.namespace)) {
                    v.push(Item {
                        namespace: e.meta.namespace.clone(),
                        name: e.meta.name.clone(),
                        labels: StringMap::new(),
                        row: printers::event_row(e, now),
                        object: None,
                    });
                }
            }
            Resource::Nodes => {
                for n in self.cluster.nodes() {
                    v.push(Item {
                        namespace: String::new(),
                        name: n.meta.name.clone(),
                        labels: n.meta.labels.clone(),
                        row: printers::node_row(n, now, wide),
                        object: None,
                    });
                }
            }
            Resource::ConfigMaps => {
                for c in self
                    .cluster
                    .config_maps()
                    .filter(|d| in_ns(&d.meta.namespace))
                {
                    v.push(Item {
                        namespace: c.meta.namespace.clone(),
                        name: c.meta.name.clone(),
                        labels: c.meta.labels.clone(),
                        row: vec![
                            c.meta.name.clone(),
                            c.data.len().to_string(),
                            age(now, c.meta.creation),
                        ],
                        object: None,
                    });
                }
            }
        }
        v
    }

    /// `--field-selector` for the fields kubectl users reach for (`status.phase`,
    /// `spec.nodeName`, `metadata.name`, `metadata.namespace`), with `=`, `==` and `!=`.
    fn field_filter(&self, r: Resource, fs: &str, items: &mut Vec<Item>) -> Result<(), String> {
        for term in fs.split(',').filter(|t| !t.is_empty()) {
            let (field, neg, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, true, v)
            } else if let Some((f, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (f, false, v)
            } else {
                return Err(format!(
                    "error: invalid selector: '{term}'; can't understand '{term}'"
                ));
            };
            let known = ["metadata.name", "metadata.namespace"].contains(&field)
                || (r == Resource::Pods && ["status.phase", "spec.nodeName"].contains(&field));
            if !known {
                return Err(format!(
                    "Error from server (BadRequest): Unable to find \"/v1, Resource={}\" that match label selector \"\", field selector \"{fs}\": field label not supported: {field}",
                    r.plural().split('.').next().unwrap_or("")
                ));
            }
            items.retain(|i| {
                let actual = match field {
                    "metadata.name" => i.name.clone(),
                    "metadata.namespace" => i.namespace.clone(),
                    _ => {
                        let p = self.cluster.pod(&i.namespace, &i.name);
                        match field {
                            "status.phase" => p.map(|p| p.status.phase.clone()).unwrap_or_default(),
                            _ => p.map(|p| p.spec.node_name.clone()).unwrap_or_default(),
                        }
                    }
                };
                (actual == value) != neg
            });
        }
        Ok(())
    }

    /// `--sort-by` for the paths people use: timestamps and names (a stable sort,
    /// so equal keys keep the API's name order).
    fn sort_items(&self, r: Resource, path: &str, items: &mut [Item]) {
        let path = path.trim_matches(|c| c == '{' || c == '}' || c == '\'' || c == '"');
        let key = |i: &Item| -> (u64, String) {
            if r == Resource::Events {
                if let Some(e) = self
                    .cluster
                    .events()
                    .find(|e| e.meta.namespace == i.namespace && e.meta.name == i.name)
                {
                    return match path {
                        ".lastTimestamp" => (e.last, String::new()),
                        ".firstTimestamp" | ".metadata.creationTimestamp" => {
                            (e.first, String::new())
                        }
                        ".count" => (u64::from(e.count), String::new()),
                        ".reason" => (0, e.reason.clone()),
                        _ => (0, i.name.clone()),
                    };
                }
            }
            match path {
                ".metadata.creationTimestamp" => {
                    let t = self
                        .cluster
                        .get(r.kind(), &i.namespace, &i.name)
                        .map_or(0, |o| o.meta().creation);
                    (t, String::new())
                }
                ".status.startTime" if r == Resource::Pods => {
                    let t = self
                        .cluster
                        .pod(&i.namespace, &i.name)
                        .and_then(|p| p.status.start_time)
                        .unwrap_or(0);
                    (t, String::new())
                }
                _ => (0, i.name.clone()),
            }
        };
        items.sort_by_cached_key(key);
    }

    fn header(&self, r: Resource, cols: &Columns) -> Vec<String> {
        let (narrow, wide) = r.headers();
        let mut h: Vec<String> = narrow.iter().map(|s| s.to_string()).collect();
        if cols.watch_events {
            h.insert(0, "EVENT".into());
        }
        if cols.wide {
            h.extend(wide.iter().map(|s| s.to_string()));
        }
        if cols.all_namespaces && r.namespaced() {
            h.insert(0, "NAMESPACE".into());
        }
        for l in &cols.label_columns {
            h.push(l.rsplit('/').next().unwrap_or(l).to_uppercase());
        }
        if cols.show_labels {
            h.push("LABELS".into());
        }
        h
    }

    fn full_row(&self, r: Resource, item: &Item, cols: &Columns, prefix: bool) -> Vec<String> {
        self.full_row_event(r, item, cols, prefix, "ADDED")
    }

    fn full_row_event(
        &self,
        r: Resource,
        item: &Item,
        cols: &Columns,
        prefix: bool,
        event: &str,
    ) -> Vec<String> {
        let mut row = item.row.clone();
        if prefix {
            row[0] = format!("{}/{}", r.singular(), row[0]);
        }
        if cols.watch_events {
            row.insert(0, event.to_string());
        }
        if cols.all_namespaces && r.namespaced() {
            row.insert(0, item.namespace.clone());
        }
        for l in &cols.label_columns {
            row.push(item.labels.get(l).cloned().unwrap_or_default());
        }
        if cols.show_labels {
            let l: Vec<String> = item
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            row.push(if l.is_empty() {
                "<none>".into()
            } else {
                l.join(",")
            });
        }
        row
    }

    fn get(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(out, parse(args, GET_FLAGS, "kubectl get"));
        if p.positional.is_empty() {
            out.fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
            return out;
        }
        let all_ns = p.has("all-namespaces");
        let ns = self.namespace_of(&p);
        let selector = or_fail!(out, Selector::parse(p.get("selector").unwrap_or("")));
        let output = p.get("output").unwrap_or("").to_string();
        if !["", "wide", "yaml", "json", "name"].contains(&output.as_str())
            && !output.starts_with("jsonpath=")
        {
            out.fail(&format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"));
            return out;
        }
        let cols = Columns {
            wide: output == "wide",
            show_labels: p.has("show-labels"),
            label_columns: p
                .all("label-columns")
                .iter()
                .flat_map(|s| s.split(','))
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            all_namespaces: all_ns,
            no_headers: p.has("no-headers"),
            name_only: output == "name",
            watch_events: p.has("output-watch-events") && (p.has("watch") || p.has("watch-only")),
        };
        // Resource types and names: `pods`, `pods,svc`, `pod/x`, `all`.
        let mut requests: Vec<(Resource, Vec<String>)> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let first = &p.positional[0];
        let typed_names = p.positional.iter().all(|a| a.contains('/'));
        if p.positional
            .iter()
            .any(|a| a.contains('/') && (a.starts_with('/') || a.ends_with('/')))
        {
            out.fail("error: arguments in resource/name form must have a single resource and name");
            return out;
        }
        {
            let t = first.split_once('/').map_or(first.as_str(), |x| x.0);
            if Resource::parse(t).is_none() {
                if let Some(ck) = crate::custom::by_resource(t) {
                    let names: Vec<String> = if typed_names {
                        p.positional
                            .iter()
                            .filter_map(|a| a.split_once('/').map(|x| x.1.to_string()))
                            .collect()
                    } else {
                        p.positional[1..].to_vec()
                    };
                    return self.get_custom(ck, &names, &p, &ns, &selector, &output);
                }
            }
        }
        if typed_names {
            for a in &p.positional {
                let (t, n) = a.split_once('/').expect("checked above");
                match Resource::parse(t) {
                    Some(r) => match requests.iter_mut().find(|(x, _)| *x == r) {
                        Some((_, v)) => v.push(n.to_string()),
                        None => requests.push((r, vec![n.to_string()])),
                    },
                    None => {
                        out.fail(&format!(
                            "error: the server doesn't have a resource type \"{t}\""
                        ));
                        return out;
                    }
                }
            }
        } else {
            names = p.positional[1..].to_vec();
            for t in first.split(',') {
                if t == "all" {
                    for r in [
                        Resource::Pods,
                        Resource::Services,
                        Resource::Deployments,
                        Resource::ReplicaSets,
                    ] {
                        requests.push((r, names.clone()));
                    }
                    continue;
                }
                match Resource::parse(t) {
                    Some(r) => requests.push((r, names.clone())),
                    None if crate::custom::by_resource(t).is_some() => {
                        out.fail(&format!("error: list \"{t}\" on its own: this simulated cluster does not mix Istio resources with other types in one get"));
                        return out;
                    }
                    None => {
                        out.fail(&format!(
                            "error: the server doesn't have a resource type \"{t}\""
                        ));
                        return out;
                    }
                }
            }
        }
        let prefix = requests.len() > 1 || typed_names;
        if requests.iter().any(|(r, _)| *r == Resource::Endpoints) {
            // The API server (1.33+) answers with a deprecation warning that kubectl prints.
            out.line("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice");
        }
        let watch = p.has("watch") || p.has("watch-only");
        if watch && requests.len() > 1 {
            out.fail("error: you may only specify a single resource type");
            return out;
        }
        let mut errors = Vec::new();
        let mut any = false;
        let mut objects: Vec<Value> = Vec::new();
        let mut first_table = true;
        let mut writer_for_watch = TableWriter::default();
        for (r, names) in &requests {
            let ns_filter = if all_ns || !r.namespaced() {
                None
            } else {
                Some(ns.as_str())
            };
            let mut items = self.items(*r, ns_filter, cols.wide);
            items.retain(|i| selector.matches(&i.labels));
            if let Some(path) = p.get("sort-by") {
                self.sort_items(*r, path, &mut items);
            }
            if let Some(fs) = p.get("field-selector") {
                match self.field_filter(*r, fs, &mut items) {
                    Ok(()) => {}
                    Err(e) => {
                        out.fail(&e);
                        return out;
                    }
                }
            }
            if !names.is_empty() {
                let mut picked = Vec::new();
                for n in names {
                    match items.iter().position(|i| &i.name == n) {
                        Some(ix) => picked.push(items.remove(ix)),
                        None => errors.push(format!(
                            "Error from server (NotFound): {} \"{n}\" not found",
                            r.plural()
                        )),
                    }
                }
                items = picked;
            }
            if items.is_empty() {
                continue;
            }
            any = true;
            if output == "yaml" || output == "json" || output.starts_with("jsonpath=") {
                for i in &mut items {
                    let kind = r.kind();
                    if let Some(o) = self.cluster.get(kind, &i.namespace, &i.name) {
                        i.object = Some(o);
                    }
                    if let Some(o) = &i.object {
                        objects.push(encode(o));
                    }
                }
                continue;
            }
            if cols.name_only {
                for i in &items {
                    out.line(&ref_name(r.kind(), &i.name));
                }
                continue;
            }
            if p.has("watch-only") {
                continue;
            }
            let mut rows = Vec::new();
            if !cols.no_headers {
                rows.push(self.header(*r, &cols));
            }
            for i in &items {
                rows.push(self.full_row(*r, i, &cols, prefix));
            }
            if !first_table {
                out.line("");
            }
            first_table = false;
            let mut w = TableWriter::default();
            out.push(&w.render(&rows));
            writer_for_watch = w;
        }
        if !objects.is_empty() {
            let doc = if objects.len() == 1 && names.len() == 1 && requests.len() == 1
                || (typed_names && objects.len() == 1)
            {
                objects.pop().expect("one object")
            } else {
                let mut m = Mapping::new();
                m.insert("apiVersion".into(), "v1".into());
                m.insert("items".into(), Value::Seq(std::mem::take(&mut objects)));
                m.insert("kind".into(), "List".into());
                let mut md = Mapping::new();
                md.insert("resourceVersion".into(), "".into());
                m.insert("metadata".into(), Value::Map(md));
                Value::Map(m)
            };
            if output == "yaml" {
                out.push(&meshsim_yaml::to_string(&doc));
            } else if output == "json" {
                out.push(&meshsim_yaml::to_json_pretty(&doc));
                if !out.text.ends_with('\n') {
                    out.push("\n");
                }
            } else {
                out.push(&crate::jsonpath::eval(
                    &doc,
                    output.trim_start_matches("jsonpath="),
                ));
            }
        }
        for e in &errors {
            out.fail(e);
        }
        if !any && errors.is_empty() && !watch {
            let r = requests[0].0;
            if all_ns || !r.namespaced() {
                out.line("No resources found");
            } else {
                out.line(&format!("No resources found in {ns} namespace."));
            }
        }
        if watch {
            let (r, names) = requests[0].clone();
            let deadline = p
                .get("request-timeout")
                .and_then(parse_duration)
                .map(|d| self.now() + d)
                .or_else(|| {
                    if self.batch {
                        Some(self.now() + self.default_watch_timeout)
                    } else {
                        None
                    }
                });
            self.cluster.take_changes();
            self.watch = Some(Watch::Get(Box::new(GetWatch {
                resource: r,
                namespace: if all_ns || !r.namespaced() {
                    None
                } else {
                    Some(ns.clone())
                },
                names,
                selector,
                columns: cols,
                writer: writer_for_watch,
                header_printed: any && !p.has("watch-only"),
                deadline,
            })));
            if self.batch {
                let end = deadline.expect("batch watches have a deadline");
                self.advance_to(end, &mut out);
                self.watch = None;
            }
        }
        out
    }

    /// Print rows for the watched objects that changed.
    pub(crate) fn watch_rows(&mut self, changes: Vec<Change>, out: &mut Output) {
        let Some(Watch::Get(mut w)) = self.watch.take() else {
            return;
        };
        let kind = w.resource.kind();
        let now = self.now();
        let mut seen: Vec<Key> = Vec::new();
        let mut rows = Vec::new();
        for ch in changes.iter().rev() {
            if ch.kind != kind || seen.contains(&ch.key) {
                continue;
            }
            seen.push(ch.key.clone());
        }
        seen.reverse();
        for key in seen {
            if let Some(ns) = &w.namespace {
                if &key.0 != ns {
                    continue;
                }
            }
            if !w.names.is_empty() && !w.names.contains(&key.1) {
                continue;
            }
            let deleted = changes
                .iter()
                .rev()
                .find(|c| c.key == key && c.kind == kind)
                .and_then(|c| c.deleted.clone());
            let event = if deleted_any(&changes, &key, kind) {
                "DELETED"
            } else {
                "MODIFIED"
            };
            let item = match deleted {
                Some(obj) => {
                    let row = match &obj {
                        Object::Pod(p) => printers::pod_row(p, now, w.columns.wide),
                        Object::Deployment(d) => printers::deployment_row(d, now, w.columns.wide),
                        Object::ReplicaSet(r) => printers::replicaset_row(r, now, w.columns.wide),
                        Object::Service(s) => printers::service_row(s, now, w.columns.wide),
                        Object::Namespace(n) => printers::namespace_row(n, now),
                        Object::ConfigMap(c) => vec![
                            c.meta.name.clone(),
                            c.data.len().to_string(),
                            age(now, c.meta.creation),
                        ],
                    };
                    Item {
                        namespace: key.0.clone(),
                        name: key.1.clone(),
                        labels: obj.meta().labels.clone(),
                        row,
                        object: None,
                    }
                }
                None => {
                    let ns_filter = if w.resource.namespaced() {
                        Some(key.0.as_str())
                    } else {
                        None
                    };
                    let found = self
                        .items(w.resource, ns_filter, w.columns.wide)
                        .into_iter()
                        .find(|i| i.name == key.1);
                    match found {
                        Some(i) => i,
                        None => continue,
                    }
                }
            };
            if !w.selector.matches(&item.labels) {
                continue;
            }
            if w.columns.name_only {
                out.line(&ref_name(kind, &item.name));
                continue;
            }
            rows.push(self.full_row_event(w.resource, &item, &w.columns, false, event));
        }
        if !rows.is_empty() {
            if !w.header_printed && !w.columns.no_headers {
                w.header_printed = true;
                let h = self.header(w.resource, &w.columns);
                out.push(&w.writer.render(&[h]));
            }
            for r in rows {
                out.push(&w.writer.render(&[r]));
            }
        }
        self.watch = Some(Watch::Get(w));
    }

    // ----- describe -----

    fn describe(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(
            out,
            parse(
                args,
                &[
                    flag("all-namespaces", Some('A'), false),
                    flag("selector", Some('l'), true),
                ],
                "kubectl describe",
            )
        );
        if p.positional.is_empty() {
            out.fail("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help and examples");
            return out;
        }
        let ns = self.namespace_of(&p);
        let (type_name, mut names) = match p.positional[0].split_once('/') {
            Some((t, n)) => (t.to_string(), vec![n.to_string()]),
            None => (p.positional[0].clone(), p.positional[1..].to_vec()),
        };
        let Some(r) = Resource::parse(&type_name) else {
            out.fail(&format!(
                "error: the server doesn't have a resource type \"{type_name}\""
            ));
            return out;
        };
        let selector = Selector::parse(p.get("selector").unwrap_or("")).unwrap_or_default();
        let ns_filter = if p.has("all-namespaces") || !r.namespaced() {
            None
        } else {
            Some(ns.as_str())
        };
        let all: Vec<Item> = self
            .items(r, ns_filter, false)
            .into_iter()
            .filter(|i| selector.matches(&i.labels))
            .collect();
        let mut targets: Vec<(String, String)> = Vec::new();
        let mut errors = Vec::new();
        if names.is_empty() {
            targets = all
                .iter()
                .map(|i| (i.namespace.clone(), i.name.clone()))
                .collect();
            if targets.is_empty() {
                if ns_filter.is_some() {
                    out.line(&format!("No resources found in {ns} namespace."));
                } else {
                    out.line("No resources found");
                }
                return out;
            }
        } else {
            for n in names.drain(..) {
                if let Some(i) = all.iter().find(|i| i.name == n) {
                    targets.push((i.namespace.clone(), i.name.clone()));
                    continue;
                }
                // Like kubectl, a name that is not found selects every object it is a prefix of.
                let matches: Vec<&Item> = all.iter().filter(|i| i.name.starts_with(&n)).collect();
                if matches.is_empty() {
                    errors.push(format!(
                        "Error from server (NotFound): {} \"{n}\" not found",
                        r.plural()
                    ));
                }
                targets.extend(
                    matches
                        .iter()
                        .map(|i| (i.namespace.clone(), i.name.clone())),
                );
            }
        }
        let mut first = true;
        for (ns, name) in targets {
            let text = match r {
                Resource::Pods => self
                    .cluster
                    .pod(&ns, &name)
                    .map(|x| crate::describe::pod(&self.cluster, x)),
                Resource::Deployments => self
                    .cluster
                    .deployment(&ns, &name)
                    .map(|x| crate::describe::deployment(&self.cluster, x)),
                Resource::Services => self
                    .cluster
                    .service(&ns, &name)
                    .map(|x| crate::describe::service(&self.cluster, x)),
                Resource::Namespaces => self
                    .cluster
                    .namespace(&name)
                    .map(crate::describe::namespace),
                Resource::ReplicaSets => self
                    .cluster
                    .replica_sets()
                    .find(|r| r.meta.namespace == ns && r.meta.name == name)
                    .map(|x| crate::describe::replica_set(&self.cluster, x)),
                Resource::Nodes => self
                    .cluster
                    .nodes()
                    .iter()
                    .find(|x| x.meta.name == name)
                    .map(|x| crate::describe::node(&self.cluster, x)),
                Resource::ConfigMaps => self
                    .cluster
                    .config_maps()
                    .find(|r| r.meta.namespace == ns && r.meta.name == name)
                    .map(|x| crate::describe::config_map(&self.cluster, x)),
                _ => {
                    out.fail(&format!(
                        "error: describing {} is not supported by this simulated cluster",
                        r.plural()
                    ));
                    return out;
                }
            };
            if let Some(t) = text {
                if !first {
                    out.push("\n\n");
                }
                first = false;
                out.push(&t);
            }
        }
        for e in errors {
            out.fail(&e);
        }
        out
    }

    // ----- apply / create / delete -----

    fn read_manifests(
        &self,
        files: &[&str],
        stdin: &Option<String>,
        out: &mut Output,
    ) -> Vec<(String, Value)> {
        let mut docs = Vec::new();
        for f in files {
            let sources = if *f == "-" {
                vec![("STDIN".to_string(), stdin.clone().unwrap_or_default())]
            } else {
                match self.vfs.manifests(f) {
                    Ok(s) => s,
                    Err(_) => {
                        out.fail(&format!("error: the path \"{f}\" does not exist"));
                        continue;
                    }
                }
            };
            for (name, text) in sources {
                match meshsim_yaml::load_all(&text) {
                    Ok(vs) => {
                        for v in vs {
                            if let Value::Map(_) = v {
                                docs.push((name.clone(), v));
                            } else {
                                out.fail(&format!("error: error parsing {name}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}", v.json_type_name()));
                            }
                        }
                    }
                    Err(e) => out.fail(&format!(
                        "error: error parsing {name}: error converting YAML to JSON: {}",
                        e.message
                    )),
                }
            }
        }
        docs
    }

    fn apply_or_create(&mut self, args: &[String], stdin: Option<String>, create: bool) -> Output {
        let mut out = Output::default();
        let usage = if create {
            "kubectl create"
        } else {
            "kubectl apply"
        };
        let apply_flags = [
            flag("filename", Some('f'), true),
            flag("recursive", Some('R'), false),
            flag("validate", None, true),
            flag("dry-run", None, true),
        ];
        let create_flags = [
            flag("filename", Some('f'), true),
            flag("recursive", Some('R'), false),
            flag("validate", None, true),
            flag("dry-run", None, true),
            flag("image", None, true),
            flag("replicas", Some('r'), true),
            flag("port", None, true),
        ];
        let p = or_fail!(
            out,
            parse(
                args,
                if create {
                    &create_flags[..]
                } else {
                    &apply_flags[..]
                },
                usage,
            )
        );
        let ns = self.namespace_of(&p);
        let files = p.all("filename");
        if create
            && files.is_empty()
            && matches!(
                p.positional.first().map(String::as_str),
                Some("namespace" | "ns")
            )
        {
            {
                let Some(name) = p.positional.get(1) else {
                    out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples");
                    return out;
                };
                let meta = ObjectMeta {
                    name: name.clone(),
                    ..ObjectMeta::default()
                };
                match self.cluster.create(Object::Namespace(Namespace {
                    meta,
                    terminating: false,
                })) {
                    Ok(()) => out.line(&format!("namespace/{name} created")),
                    Err(e) => out.fail(&e.to_string()),
                }
                return out;
            }
        }
        if create
            && files.is_empty()
            && matches!(
                p.positional.first().map(String::as_str),
                Some("deployment" | "deploy")
            )
        {
            return self.create_deployment(&p, &ns);
        }
        if files.is_empty() {
            out.fail("error: must specify one of -f and -k");
            return out;
        }
        let dry = p.get("dry-run").is_some_and(|d| d != "none");
        let docs = self.read_manifests(&files, &stdin, &mut out);
        if docs.is_empty() && out.exit_code == 0 {
            out.fail(&format!(
                "error: no objects passed to {}",
                if create { "create" } else { "apply" }
            ));
            return out;
        }
        let mut errors = Vec::new();
        for (file, doc) in docs {
            let kind_text = doc.get("kind").and_then(Value::as_str).unwrap_or("");
            let version_text = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
            if let Some(ck) = crate::custom::by_manifest(kind_text, version_text) {
                let obj = crate::custom::decode(&doc, &ns);
                let name = obj.meta.name.clone();
                let exists = self
                    .cluster
                    .custom_objects(ck.kind)
                    .any(|o| o.meta.namespace == obj.meta.namespace && o.meta.name == name);
                if create && exists {
                    errors.push(format!("Error from server (AlreadyExists): error when creating \"{file}\": {} \"{name}\" already exists", ck.plural_ref()));
                    continue;
                }
                match self.cluster.apply_custom(obj) {
                    Ok(a) => {
                        let verb = match a {
                            Applied::Created => "created",
                            Applied::Configured => "configured",
                            Applied::Unchanged => "unchanged",
                        };
                        out.line(&format!("{}/{name} {verb}", ck.reference()));
                        self.api_round_trip(&mut out);
                    }
                    Err(e) => errors.push(api_error_text(&file, "creating", &e)),
                }
                continue;
            }
            let obj = match decode(&doc, &ns) {
                Ok(o) => o,
                Err(e) => {
                    errors.push(decode_error_text(&file, &doc, &e));
                    continue;
                }
            };
            let kind = obj.kind();
            let name = obj.meta().name.clone();
            if name.is_empty() && obj.meta().generate_name.is_empty() {
                errors.push(format!("error: error when retrieving current configuration of:\nResource: \"{}\", GroupVersionKind: \"{}, Kind={}\"\nName: \"\", Namespace: \"{ns}\"\nfrom server for: \"{file}\": resource name may not be empty", kind.plural(), kind.api_version(), kind.name()));
                continue;
            }
            if p.has("namespace") {
                if let Some(doc_ns) = doc
                    .get_path(&["metadata", "namespace"])
                    .and_then(Value::as_str)
                {
                    if doc_ns != ns && kind.namespaced() {
                        errors.push(format!("error: the namespace from the provided object \"{doc_ns}\" does not match the namespace \"{ns}\". You must pass '--namespace={doc_ns}' to perform this operation."));
                        continue;
                    }
                }
            }
            if dry {
                out.line(&format!("{} created (dry run)", ref_name(kind, &name)));
                continue;
            }
            let result = if create {
                self.cluster.create(obj).map(|_| Applied::Created)
            } else {
                self.cluster.apply(obj)
            };
            match result {
                Ok(a) => {
                    let verb = match a {
                        Applied::Created => "created",
                        Applied::Configured => "configured",
                        Applied::Unchanged => "unchanged",
                    };
                    out.line(&format!("{} {verb}", ref_name(kind, &name)));
                    self.api_round_trip(&mut out);
                }
                Err(e) => errors.push(api_error_text(&file, "creating", &e)),
            }
        }
        for e in errors {
            out.fail(&e);
        }
        out
    }

    fn delete(&mut self, args: &[String], stdin: Option<String>) -> Output {
        let mut out = Output::default();
        let p = or_fail!(
            out,
            parse(
                args,
                &[
                    flag("filename", Some('f'), true),
                    flag("all", None, false),
                    flag("selector", Some('l'), true),
                    flag("wait", None, true),
                    flag("grace-period", None, true),
                    flag("force", None, false),
                    flag("ignore-not-found", None, false),
                    flag("recursive", Some('R'), false),
                    flag("all-namespaces", Some('A'), false),
                ],
                "kubectl delete",
            )
        );
        let ns = self.namespace_of(&p);
        let mut targets: Vec<(Kind, String, String, String)> = Vec::new();
        let mut errors = Vec::new();
        let files = p.all("filename");
        if !files.is_empty() {
            for (file, doc) in self.read_manifests(&files, &stdin, &mut out) {
                let kind_text = doc.get("kind").and_then(Value::as_str).unwrap_or("");
                let version_text = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
                if let Some(ck) = crate::custom::by_manifest(kind_text, version_text) {
                    let o = crate::custom::decode(&doc, &ns);
                    match self.cluster.delete_custom(
                        ck.kind,
                        ck.plural_ref(),
                        &o.meta.namespace,
                        &o.meta.name,
                    ) {
                        Ok(()) => {
                            out.line(&format!("{} \"{}\" deleted", ck.reference(), o.meta.name))
                        }
                        Err(e) => errors.push(api_error_text(&file, "deleting", &e)),
                    }
                    continue;
                }
                match decode(&doc, &ns) {
                    Ok(o) => targets.push((
                        o.kind(),
                        o.meta().namespace.clone(),
                        o.meta().name.clone(),
                        file,
                    )),
                    Err(e) => errors.push(decode_error_text(&file, &doc, &e)),
                }
            }
        } else {
            if p.positional.is_empty() {
                out.fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
                return out;
            }
            {
                let first = &p.positional[0];
                let t = first.split_once('/').map_or(first.as_str(), |x| x.0);
                if Resource::parse(t).is_none() {
                    if let Some(ck) = crate::custom::by_resource(t) {
                        let mut names: Vec<String> = if first.contains('/') {
                            p.positional
                                .iter()
                                .filter_map(|a| a.split_once('/').map(|x| x.1.to_string()))
                                .collect()
                        } else {
                            p.positional[1..].to_vec()
                        };
                        if names.is_empty() && p.has("all") {
                            names = self
                                .cluster
                                .custom_objects(ck.kind)
                                .filter(|o| o.meta.namespace == ns)
                                .map(|o| o.meta.name.clone())
                                .collect();
                        }
                        if names.is_empty() {
                            out.fail("error: resource(s) were provided, but no name was specified");
                            return out;
                        }
                        for n in names {
                            match self
                                .cluster
                                .delete_custom(ck.kind, ck.plural_ref(), &ns, &n)
                            {
                                Ok(()) => out.line(&format!("{} \"{n}\" deleted", ck.reference())),
                                Err(e) => out.fail(&e.to_string()),
                            }
                        }
                        return out;
                    }
                }
            }
            let mut specs: Vec<(Resource, Vec<String>)> = vec![];
            if p.positional.iter().all(|a| a.contains('/')) {
                for a in &p.positional {
                    let (t, n) = a.split_once('/').expect("checked");
                    match Resource::parse(t) {
                        Some(r) => specs.push((r, vec![n.to_string()])),
                        None => {
                            out.fail(&format!(
                                "error: the server doesn't have a resource type \"{t}\""
                            ));
                            return out;
                        }
                    }
                }
            } else {
                let names = p.positional[1..].to_vec();
                for t in p.positional[0].split(',') {
                    if t == "all" {
                        for r in [
                            Resource::Pods,
                            Resource::Services,
                            Resource::Deployments,
                            Resource::ReplicaSets,
                        ] {
                            specs.push((r, names.clone()));
                        }
                        continue;
                    }
                    match Resource::parse(t) {
                        Some(r) => specs.push((r, names.clone())),
                        None => {
                            out.fail(&format!(
                                "error: the server doesn't have a resource type \"{t}\""
                            ));
                            return out;
                        }
                    }
                }
            }
            let selector = Selector::parse(p.get("selector").unwrap_or("")).unwrap_or_default();
            let everything = p.has("all") || p.get("selector").is_some();
            for (r, names) in specs {
                if names.is_empty() && !everything {
                    out.fail("error: resource(s) were provided, but no name was specified");
                    return out;
                }
                let ns_filter = if r.namespaced() {
                    Some(ns.as_str())
                } else {
                    None
                };
                let items = self.items(r, ns_filter, false);
                if names.is_empty() {
                    for i in items.iter().filter(|i| selector.matches(&i.labels)) {
                        targets.push((
                            r.kind(),
                            i.namespace.clone(),
                            i.name.clone(),
                            String::new(),
                        ));
                    }
                } else {
                    for n in names {
                        targets.push((
                            r.kind(),
                            if r.namespaced() {
                                ns.clone()
                            } else {
                                String::new()
                            },
                            n,
                            String::new(),
                        ));
                    }
                }
            }
            if targets.is_empty() && everything {
                out.line(&format!("No resources found in {ns} namespace."));
                return out;
            }
        }
        let mut pods_to_wait: Vec<(String, String)> = Vec::new();
        for (kind, ns, name, file) in targets {
            let exists = self.cluster.get(kind, &ns, &name).is_some();
            // Pods already gone through a deleted owner are not reported twice.
            match self.cluster.delete(kind, &ns, &name) {
                Ok(()) => {
                    out.line(&format!("{} \"{name}\" deleted", kind.resource_ref()));
                    self.api_round_trip(&mut out);
                    if kind == Kind::Pod {
                        pods_to_wait.push((ns, name));
                    }
                }
                Err(e) => {
                    if p.has("ignore-not-found") && !exists {
                        continue;
                    }
                    errors.push(api_error_text(&file, "deleting", &e));
                }
            }
        }
        // kubectl waits for the objects to be gone (--wait=true).
        if p.get("wait") != Some("false") && !pods_to_wait.is_empty() && !self.batch {
            // On the page the prompt comes back when the pods are gone, as time advances.
            for e in errors {
                out.fail(&e);
            }
            self.cluster.take_changes();
            self.watch = Some(Watch::Wait(crate::shell::WaitGone {
                pods: pods_to_wait,
                deadline: Some(self.now() + 60 * SEC),
            }));
            return out;
        }
        if p.get("wait") != Some("false") && !pods_to_wait.is_empty() {
            let end = self.now() + 60 * SEC;
            while pods_to_wait
                .iter()
                .any(|(ns, n)| self.cluster.pod(ns, n).is_some())
                && self.now() < end
            {
                let next = self.cluster.next_event_time().unwrap_or(end).min(end);
                self.advance_to(next, &mut out);
            }
        }
        for e in errors {
            out.fail(&e);
        }
        out
    }

    // ----- logs -----

    fn logs(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(
            out,
            parse(
                args,
                &[
                    flag("container", Some('c'), true),
                    flag("previous", Some('p'), false),
                    flag("follow", Some('f'), false),
                    flag("tail", None, true),
                    flag("timestamps", None, false),
                    flag("all-containers", None, false),
                ],
                "kubectl logs",
            )
        );
        let ns = self.namespace_of(&p);
        let Some(target) = p.positional.first() else {
            out.fail("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
            return out;
        };
        let pod_name = if let Some((t, n)) = target.split_once('/') {
            match Resource::parse(t) {
                Some(Resource::Pods) => n.to_string(),
                Some(Resource::Deployments) | Some(Resource::ReplicaSets) => {
                    let owner_prefix = format!("{n}-");
                    let pods: Vec<&Pod> = self
                        .cluster
                        .pods()
                        .filter(|p| {
                            p.meta.namespace == ns && p.meta.name.starts_with(&owner_prefix)
                        })
                        .collect();
                    match pods.first() {
                        Some(first) => {
                            if pods.len() > 1 {
                                out.line(&format!(
                                    "Found {} pods, using pod/{}",
                                    pods.len(),
                                    first.meta.name
                                ));
                            }
                            first.meta.name.clone()
                        }
                        None => {
                            out.fail("error: timed out waiting for the condition");
                            return out;
                        }
                    }
                }
                _ => {
                    out.fail(&format!(
                        "error: the server doesn't have a resource type \"{t}\""
                    ));
                    return out;
                }
            }
        } else {
            target.clone()
        };
        let Some(pod) = self.cluster.pod(&ns, &pod_name) else {
            out.fail(&format!(
                "Error from server (NotFound): pods \"{pod_name}\" not found"
            ));
            return out;
        };
        let container = match p
            .get("container")
            .or(p.positional.get(1).map(String::as_str))
        {
            Some(c) => c.to_string(),
            None => {
                let default = pod
                    .meta
                    .annotations
                    .get("kubectl.kubernetes.io/default-container")
                    .cloned()
                    .unwrap_or_else(|| pod.spec.containers[0].name.clone());
                let all = pod.spec.containers.len() + pod.spec.init_containers.len();
                if all > 1 {
                    let mut names: Vec<String> =
                        pod.spec.containers.iter().map(|c| c.name.clone()).collect();
                    names.extend(
                        pod.spec
                            .init_containers
                            .iter()
                            .map(|c| format!("{} (init)", c.name)),
                    );
                    out.line(&format!(
                        "Defaulted container \"{default}\" out of: {}",
                        names.join(", ")
                    ));
                }
                default
            }
        };
        let known = pod
            .spec
            .containers
            .iter()
            .chain(pod.spec.init_containers.iter())
            .any(|c| c.name == container);
        if !known {
            out.fail(&format!(
                "error: container {container} is not valid for pod {pod_name}"
            ));
            return out;
        }
        match self
            .cluster
            .logs(&ns, &pod_name, &container, p.has("previous"))
        {
            Ok(text) if p.has("follow") && !p.has("previous") => {
                out.push(&text);
                let deadline = p
                    .get("request-timeout")
                    .and_then(parse_duration)
                    .map(|d| self.now() + d)
                    .or_else(|| {
                        if self.batch {
                            Some(self.now() + self.default_watch_timeout)
                        } else {
                            None
                        }
                    });
                self.cluster.take_changes();
                self.watch = Some(Watch::Logs(crate::shell::LogFollow {
                    namespace: ns.clone(),
                    pod: pod_name.clone(),
                    container: container.clone(),
                    printed: text.len(),
                    deadline,
                }));
                if self.batch {
                    let end = deadline.expect("batch watches have a deadline");
                    self.advance_to(end, &mut out);
                    self.watch = None;
                }
            }
            Ok(text) => {
                let text = match p.get("tail").and_then(|t| t.parse::<usize>().ok()) {
                    Some(n) => {
                        let lines: Vec<&str> = text.split_inclusive('\n').collect();
                        lines[lines.len().saturating_sub(n)..].concat()
                    }
                    None => text,
                };
                out.push(&text);
            }
            Err(e) => out.fail(&e),
        }
        out
    }

    // ----- label / annotate -----

    fn label(&mut self, args: &[String], is_label: bool) -> Output {
        let mut out = Output::default();
        let usage = if is_label {
            "kubectl label"
        } else {
            "kubectl annotate"
        };
        let p = or_fail!(
            out,
            parse(
                args,
                &[
                    flag("overwrite", None, false),
                    flag("all", None, false),
                    flag("selector", Some('l'), true),
                ],
                usage,
            )
        );
        let ns = self.namespace_of(&p);
        let mut pos = p.positional.clone();
        if pos.is_empty() {
            out.fail(&format!("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee '{usage} -h' for help and examples"));
            return out;
        }
        let (t, names) = match pos[0].split_once('/') {
            Some((t, n)) => {
                let n = n.to_string();
                let t = t.to_string();
                pos.remove(0);
                (t, vec![n])
            }
            None => {
                let t = pos.remove(0);
                let mut names = vec![];
                while !pos.is_empty() && !pos[0].contains('=') && !pos[0].ends_with('-') {
                    names.push(pos.remove(0));
                }
                (t, names)
            }
        };
        let Some(r) = Resource::parse(&t) else {
            out.fail(&format!(
                "error: the server doesn't have a resource type \"{t}\""
            ));
            return out;
        };
        if pos.is_empty() {
            out.fail(&format!(
                "error: at least one {} update is required",
                if is_label { "label" } else { "annotation" }
            ));
            return out;
        }
        let what = if is_label { "labeled" } else { "annotated" };
        let names = if names.is_empty() && p.has("all") {
            self.items(r, if r.namespaced() { Some(&ns) } else { None }, false)
                .into_iter()
                .map(|i| i.name)
                .collect()
        } else {
            names
        };
        for name in names {
            let obj_ns = if r.namespaced() {
                ns.clone()
            } else {
                String::new()
            };
            let current = match r {
                Resource::Nodes => self
                    .cluster
                    .nodes()
                    .iter()
                    .find(|n| n.meta.name == name)
                    .map(|n| n.meta.clone()),
                _ => self
                    .cluster
                    .get(r.kind(), &obj_ns, &name)
                    .map(|o| o.meta().clone()),
            };
            let Some(meta) = current else {
                out.fail(&format!(
                    "Error from server (NotFound): {} \"{name}\" not found",
                    r.plural()
                ));
                continue;
            };
            let mut changed = false;
            let mut removed_only = true;
            for kv in &pos {
                if let Some(k) = kv.strip_suffix('-') {
                    let r2 = if is_label {
                        self.cluster.set_label(r.kind(), &obj_ns, &name, k, None)
                    } else {
                        self.cluster
                            .set_annotation(r.kind(), &obj_ns, &name, k, None)
                    };
                    changed |= r2.unwrap_or(false);
                    continue;
                }
                removed_only = false;
                let Some((k, v)) = kv.split_once('=') else {
                    out.fail(&format!(
                        "error: invalid {} spec: {kv}",
                        if is_label { "label" } else { "annotation" }
                    ));
                    return out;
                };
                let existing = if is_label {
                    meta.labels.get(k)
                } else {
                    meta.annotations.get(k)
                };
                if let Some(old) = existing {
                    if old != v && !p.has("overwrite") {
                        out.fail(&format!(
                            "error: '{k}' already has a value ({old}), and --overwrite is false"
                        ));
                        return out;
                    }
                }
                let r2 = if is_label {
                    self.cluster.set_label(r.kind(), &obj_ns, &name, k, Some(v))
                } else {
                    self.cluster
                        .set_annotation(r.kind(), &obj_ns, &name, k, Some(v))
                };
                changed |= r2.unwrap_or(false);
            }
            let verb = if !changed && is_label {
                "not labeled".to_string()
            } else if removed_only && is_label {
                "unlabeled".to_string()
            } else {
                what.to_string()
            };
            out.line(&format!("{}/{name} {verb}", r.singular()));
        }
        out
    }

    // ----- scale / rollout -----

    fn scale(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(
            out,
            parse(
                args,
                &[
                    flag("replicas", None, true),
                    flag("current-replicas", None, true),
                ],
                "kubectl scale",
            )
        );
        let ns = self.namespace_of(&p);
        let Some(replicas) = p.get("replicas") else {
            out.fail("error: required flag(s) \"replicas\" not set");
            return out;
        };
        let Ok(replicas) =
            replicas
                .parse::<i64>()
                .map_err(|_| ())
                .and_then(|r| if r >= 0 { Ok(r) } else { Err(()) })
        else {
            out.fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
            return out;
        };
        let targets: Vec<(String, String)> = match p.positional.first().map(|s| s.split_once('/')) {
            Some(Some((t, n))) => vec![(t.to_string(), n.to_string())],
            Some(None) => p.positional[1..]
                .iter()
                .map(|n| (p.positional[0].clone(), n.clone()))
                .collect(),
            None => vec![],
        };
        if targets.is_empty() {
            out.fail("error: resource(s) were provided, but no name was specified");
            return out;
        }
        for (t, n) in targets {
            let Some(r) = Resource::parse(&t) else {
                out.fail(&format!(
                    "error: the server doesn't have a resource type \"{t}\""
                ));
                continue;
            };
            match self.cluster.scale(r.kind(), &ns, &n, replicas) {
                Ok(()) => {
                    out.line(&format!("{}/{n} scaled", r.singular()));
                    self.api_round_trip(&mut out);
                }
                Err(e) => out.fail(&e.to_string()),
            }
        }
        out
    }

    fn rollout(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(
            out,
            parse(
                args,
                &[flag("watch", Some('w'), true), flag("timeout", None, true)],
                "kubectl rollout",
            )
        );
        let ns = self.namespace_of(&p);
        let sub = p.positional.first().cloned().unwrap_or_default();
        let target = resource_and_name(&p.positional, 1);
        let Some((t, name)) = target else {
            out.fail("error: required resource not specified");
            return out;
        };
        if Resource::parse(&t) != Some(Resource::Deployments) {
            out.fail(&format!(
                "error: no status viewer has been implemented for {t}"
            ));
            return out;
        }
        match sub.as_str() {
            "status" => {
                let timeout = p
                    .get("timeout")
                    .and_then(parse_duration)
                    .unwrap_or(if self.batch { 600 * SEC } else { 60 * SEC });
                let end = self.now() + timeout;
                let mut last = String::new();
                if !self.batch && p.get("watch") != Some("false") {
                    // On the page the rollout is followed as time advances, like a watch.
                    let Some(d) = self.cluster.deployment(&ns, &name) else {
                        out.fail(&format!(
                            "Error from server (NotFound): deployments.apps \"{name}\" not found"
                        ));
                        return out;
                    };
                    let (msg, done) = rollout_message(d);
                    out.line(&msg);
                    if !done {
                        self.cluster.take_changes();
                        self.watch = Some(Watch::Rollout(crate::shell::RolloutFollow {
                            namespace: ns.clone(),
                            name: name.clone(),
                            last: msg,
                            deadline: Some(end),
                        }));
                    }
                    return out;
                }
                loop {
                    let Some(d) = self.cluster.deployment(&ns, &name) else {
                        out.fail(&format!(
                            "Error from server (NotFound): deployments.apps \"{name}\" not found"
                        ));
                        return out;
                    };
                    let (msg, done) = rollout_message(d);
                    if msg != last {
                        out.line(&msg);
                        last = msg;
                    }
                    if done || p.get("watch") == Some("false") {
                        break;
                    }
                    if self.now() >= end {
                        out.fail("error: timed out waiting for the condition");
                        break;
                    }
                    let next = self.cluster.next_event_time().unwrap_or(end).min(end);
                    self.advance_to(next, &mut out);
                }
            }
            "history" | "undo" => {
                let Some(d) = self.cluster.deployment(&ns, &name) else {
                    out.fail(&format!(
                        "Error from server (NotFound): deployments.apps \"{name}\" not found"
                    ));
                    return out;
                };
                let uid = d.meta.uid.clone();
                let current = d
                    .meta
                    .annotations
                    .get("deployment.kubernetes.io/revision")
                    .cloned()
                    .unwrap_or_default();
                let mut revisions: Vec<(i64, PodTemplate)> = self
                    .cluster
                    .replica_sets()
                    .filter(|r| r.meta.owner.as_ref().is_some_and(|o| o.uid == uid))
                    .filter_map(|r| {
                        let rev = r
                            .meta
                            .annotations
                            .get("deployment.kubernetes.io/revision")?
                            .parse()
                            .ok()?;
                        Some((rev, r.template.clone()))
                    })
                    .collect();
                revisions.sort_by_key(|r| r.0);
                if sub == "history" {
                    out.line(&format!("deployment.apps/{name} "));
                    let mut tw = crate::tabwriter::GoTabWriter::new(0, 2);
                    tw.write("REVISION\tCHANGE-CAUSE\n");
                    for (rev, t) in &revisions {
                        let cause = t
                            .annotations
                            .get("kubernetes.io/change-cause")
                            .cloned()
                            .unwrap_or_else(|| "<none>".into());
                        tw.write(&format!("{rev}\t{cause}\n"));
                    }
                    out.push(&tw.flush());
                    out.line("");
                } else {
                    let cur: i64 = current.parse().unwrap_or(0);
                    let Some((_, prev)) = revisions.iter().rev().find(|(r, _)| *r < cur).cloned()
                    else {
                        out.fail(&format!(
                            "error: no rollout history found for deployment \"{name}\""
                        ));
                        return out;
                    };
                    let result = self.cluster.edit_template(&ns, &name, |t| {
                        let mut prev = prev.clone();
                        prev.labels.remove("pod-template-hash");
                        *t = prev;
                    });
                    match result {
                        Ok(()) => {
                            out.line(&format!("deployment.apps/{name} rolled back"));
                            self.api_round_trip(&mut out);
                        }
                        Err(e) => out.fail(&e.to_string()),
                    }
                }
            }
            "restart" => {
                let now = meshsim_cluster::time::rfc3339(self.now());
                match self.cluster.edit_template(&ns, &name, |t| {
                    t.annotations
                        .insert("kubectl.kubernetes.io/restartedAt".into(), now.clone());
                }) {
                    Ok(()) => out.line(&format!("deployment.apps/{name} restarted")),
                    Err(e) => out.fail(&e.to_string()),
                }
            }
            other => out.fail(&format!(
                "error: unknown command \"{other}\" for \"kubectl rollout\""
            )),
        }
        out
    }

    /// `kubectl set image deployment/NAME CONTAINER=IMAGE...`.
    fn set(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(out, parse(args, &[], "kubectl set image"));
        let ns = self.namespace_of(&p);
        if p.positional.first().map(String::as_str) != Some("image") {
            out.fail("error: \"kubectl set\" supports only \"image\" in this simulated cluster");
            return out;
        }
        let mut rest = p.positional[1..].to_vec();
        let target = match rest.first().map(|s| s.split_once('/')) {
            Some(Some((t, n))) => {
                let t = (t.to_string(), n.to_string());
                rest.remove(0);
                Some(t)
            }
            Some(None) if rest.len() > 1 => {
                let t = (rest[0].clone(), rest[1].clone());
                rest.drain(..2);
                Some(t)
            }
            _ => None,
        };
        let Some((t, name)) = target else {
            out.fail("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'");
            return out;
        };
        if Resource::parse(&t) != Some(Resource::Deployments) {
            out.fail(&format!(
                "error: the server doesn't have a resource type \"{t}\""
            ));
            return out;
        }
        if rest.is_empty() {
            out.fail("error: at least one image update is required");
            return out;
        }
        let Some(d) = self.cluster.deployment(&ns, &name) else {
            out.fail(&format!(
                "Error from server (NotFound): deployments.apps \"{name}\" not found"
            ));
            return out;
        };
        let mut updates = Vec::new();
        for kv in &rest {
            let Some((c, img)) = kv.split_once('=') else {
                out.fail(&format!("error: invalid image update: {kv}"));
                return out;
            };
            let known = c == "*"
                || d.template
                    .spec
                    .containers
                    .iter()
                    .chain(d.template.spec.init_containers.iter())
                    .any(|x| x.name == c);
            if !known {
                out.fail(&format!("error: unable to find container named \"{c}\""));
                return out;
            }
            updates.push((c.to_string(), img.to_string()));
        }
        let result = self.cluster.edit_template(&ns, &name, |tpl| {
            for (c, img) in &updates {
                for x in tpl
                    .spec
                    .containers
                    .iter_mut()
                    .chain(tpl.spec.init_containers.iter_mut())
                {
                    if c == "*" || &x.name == c {
                        // The pull policy was defaulted when the object was created; it stays.
                        x.image = img.clone();
                    }
                }
            }
        });
        match result {
            Ok(()) => {
                out.line(&format!("deployment.apps/{name} image updated"));
                self.api_round_trip(&mut out);
            }
            Err(e) => out.fail(&e.to_string()),
        }
        out
    }

    /// `kubectl get` for Istio's custom resources.
    fn get_custom(
        &mut self,
        ck: &'static crate::custom::CustomKind,
        names: &[String],
        p: &Parsed,
        ns: &str,
        selector: &Selector,
        output: &str,
    ) -> Output {
        let mut out = Output::default();
        if p.has("watch") || p.has("watch-only") {
            out.fail(&format!(
                "error: watching {} is not supported by this simulated cluster",
                ck.plural
            ));
            return out;
        }
        let all_ns = p.has("all-namespaces");
        let now = self.now();
        let mut objs: Vec<&CustomObject> = self
            .cluster
            .custom_objects(ck.kind)
            .filter(|o| all_ns || o.meta.namespace == ns)
            .filter(|o| selector.matches(&o.meta.labels))
            .collect();
        let mut errors = Vec::new();
        if !names.is_empty() {
            let mut picked = Vec::new();
            for n in names {
                match objs.iter().position(|o| &o.meta.name == n) {
                    Some(i) => picked.push(objs.remove(i)),
                    None => errors.push(format!(
                        "Error from server (NotFound): {} \"{n}\" not found",
                        ck.plural_ref()
                    )),
                }
            }
            objs = picked;
        }
        if !objs.is_empty() {
            match output {
                "yaml" | "json" => {
                    let doc = if objs.len() == 1 && names.len() == 1 {
                        crate::custom::encode(objs[0])
                    } else {
                        let mut m = Mapping::new();
                        m.insert("apiVersion".into(), "v1".into());
                        m.insert(
                            "items".into(),
                            Value::Seq(objs.iter().map(|o| crate::custom::encode(o)).collect()),
                        );
                        m.insert("kind".into(), "List".into());
                        let mut md = Mapping::new();
                        md.insert("resourceVersion".into(), "".into());
                        m.insert("metadata".into(), Value::Map(md));
                        Value::Map(m)
                    };
                    if output == "yaml" {
                        out.push(&meshsim_yaml::to_string(&doc));
                    } else {
                        out.push(&meshsim_yaml::to_json_pretty(&doc));
                        if !out.text.ends_with('\n') {
                            out.push("\n");
                        }
                    }
                }
                "name" => {
                    for o in &objs {
                        out.line(&format!("{}/{}", ck.reference(), o.meta.name));
                    }
                }
                _ => {
                    let mut rows = vec![ck.headers()];
                    if all_ns {
                        rows[0].insert(0, "NAMESPACE".into());
                    }
                    for o in &objs {
                        let mut r = ck.row(o, now);
                        if all_ns {
                            r.insert(0, o.meta.namespace.clone());
                        }
                        rows.push(r);
                    }
                    out.push(&TableWriter::default().render(&rows));
                }
            }
        }
        for e in &errors {
            out.fail(e);
        }
        if objs.is_empty() && errors.is_empty() {
            if all_ns {
                out.line("No resources found");
            } else {
                out.line(&format!("No resources found in {ns} namespace."));
            }
        }
        out
    }

    /// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`.
    fn create_deployment(&mut self, p: &Parsed, ns: &str) -> Output {
        let mut out = Output::default();
        let Some(name) = p.positional.get(1).cloned() else {
            out.fail("error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples");
            return out;
        };
        let images = p.all("image");
        if images.is_empty() {
            out.fail("error: required flag(s) \"image\" not set");
            return out;
        }
        let replicas = match p.get("replicas").map(str::parse::<i64>) {
            None => 1,
            Some(Ok(n)) if n >= 0 => n,
            Some(_) => {
                out.fail("error: invalid argument for \"-r, --replicas\" flag: strconv.ParseInt: parsing: invalid syntax");
                return out;
            }
        };
        let mut labels = StringMap::new();
        labels.insert("app".into(), name.clone());
        let containers: Vec<Container> = images
            .iter()
            .map(|img| {
                // The container is named after the image: `saturnism/helloworld:1.0` → `helloworld`.
                let base = img.rsplit('/').next().unwrap_or(img);
                let base = base.split(['@', ':']).next().unwrap_or(base);
                let mut c = Container::new(base, img);
                if let Some(port) = p.get("port").and_then(|x| x.parse().ok()) {
                    c.ports.push(ContainerPort {
                        name: String::new(),
                        container_port: port,
                        protocol: "TCP".into(),
                    });
                }
                c
            })
            .collect();
        let d = Deployment::new(ns, &name, labels, replicas, containers);
        match self.cluster.create(Object::Deployment(Box::new(d))) {
            Ok(()) => {
                out.line(&format!("deployment.apps/{name} created"));
                self.api_round_trip(&mut out);
            }
            Err(e) => out.fail(&api_error_text("", "creating", &e)),
        }
        out
    }

    /// `kubectl expose deployment NAME --port=P [--target-port=T] [--type=T] [--name=N]`.
    fn expose(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        let p = or_fail!(
            out,
            parse(
                args,
                &[
                    flag("port", None, true),
                    flag("target-port", None, true),
                    flag("type", None, true),
                    flag("name", None, true),
                    flag("protocol", None, true),
                ],
                "kubectl expose",
            )
        );
        let ns = self.namespace_of(&p);
        let target = resource_and_name(&p.positional, 0);
        let Some((t, name)) = target else {
            out.fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
            return out;
        };
        if Resource::parse(&t) != Some(Resource::Deployments) {
            out.fail(&format!(
                "error: cannot expose a {t} in this simulated cluster"
            ));
            return out;
        }
        let Some(d) = self.cluster.deployment(&ns, &name) else {
            out.fail(&format!(
                "Error from server (NotFound): deployments.apps \"{name}\" not found"
            ));
            return out;
        };
        let introspected = d
            .template
            .spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .next()
            .map(|cp| cp.container_port);
        let Some(port) = p
            .get("port")
            .and_then(|x| x.parse::<i64>().ok())
            .or(introspected)
        else {
            out.fail("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples");
            return out;
        };
        let target_port = match p.get("target-port") {
            Some(tp) => tp
                .parse()
                .map(PortRef::Int)
                .unwrap_or_else(|_| PortRef::Name(tp.to_string())),
            None => PortRef::Int(port),
        };
        let kind = p.get("type").unwrap_or("ClusterIP").to_string();
        if !["ClusterIP", "NodePort", "LoadBalancer"].contains(&kind.as_str()) {
            out.fail(&format!("The Service \"{name}\" is invalid: spec.type: Unsupported value: \"{kind}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
            return out;
        }
        let svc_name = p.get("name").unwrap_or(&name).to_string();
        let svc = Service {
            meta: ObjectMeta {
                name: svc_name.clone(),
                namespace: ns.clone(),
                labels: d.meta.labels.clone(),
                ..ObjectMeta::default()
            },
            external_traffic_policy: if kind == "ClusterIP" {
                String::new()
            } else {
                "Cluster".into()
            },
            kind,
            selector: d.selector.clone(),
            ports: vec![ServicePort {
                name: String::new(),
                port,
                target_port,
                protocol: p.get("protocol").unwrap_or("TCP").to_string(),
                node_port: None,
                app_protocol: String::new(),
            }],
            cluster_ip: String::new(),
            external_ips: vec![],
            load_balancer_ip: None,
            session_affinity: "None".into(),
            internal_traffic_policy: "Cluster".into(),
        };
        match self.cluster.create(Object::Service(Box::new(svc))) {
            Ok(()) => {
                out.line(&format!("service/{svc_name} exposed"));
                self.api_round_trip(&mut out);
            }
            Err(e) => out.fail(&api_error_text("", "creating", &e)),
        }
        out
    }

    // ----- istioctl -----

    pub(crate) fn istioctl(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        match args.first().map(String::as_str) {
            Some("version") => {
                let proxies = self
                    .cluster
                    .pods()
                    .filter(|p| p.spec.containers.iter().chain(p.spec.init_containers.iter()).any(|c| c.name == "istio-proxy"))
                    .count();
                out.push(&format!("client version: 1.30.3\ncontrol plane version: 1.30.3\ndata plane version: 1.30.3 ({proxies} proxies)\n"));
            }
            Some("kube-inject") => {
                let p = match parse(
                    &args[1..],
                    &[
                        flag("filename", Some('f'), true),
                        flag("output", Some('o'), true),
                        flag("hub", None, true),
                        flag("tag", None, true),
                        flag("revision", Some('r'), true),
                    ],
                    "istioctl kube-inject",
                ) {
                    Ok(p) => p,
                    Err(e) => {
                        out.fail(&e.replace("See 'istioctl kube-inject --help' for usage.", "").trim_end().replacen("error: ", "Error: ", 1));
                        return out;
                    }
                };
                let Some(file) = p.get("filename") else {
                    out.fail("Error: filename not specified (see --filename or -f)");
                    return out;
                };
                let text = match self.vfs.read(file) {
                    Ok(t) => t,
                    Err(_) => {
                        out.fail(&format!("Error: open {file}: no such file or directory"));
                        return out;
                    }
                };
                let mut opts = meshsim_inject::Options::default();
                if let Some(h) = p.get("hub") {
                    opts.hub = h.to_string();
                }
                if let Some(t) = p.get("tag") {
                    opts.tag = t.to_string();
                }
                opts.native_sidecars = self.cluster.config().native_sidecars;
                match meshsim_inject::inject(&text, &opts) {
                    Ok(r) => {
                        out.push(&r.output);
                        for w in r.warnings {
                            out.push(&w);
                        }
                    }
                    Err(f) => {
                        out.push(&f.output);
                        out.fail(&format!("Error: {}", f.error));
                    }
                }
            }
            Some(other) => out.fail(&format!("Error: unknown command \"{other}\" for \"istioctl\"\nRun 'istioctl --help' for usage.")),
            None => out.push("Istio configuration command line utility for service operators to\ndebug and diagnose their Istio mesh.\n\nUsage:\n  istioctl [command]\n\nAvailable Commands:\n  kube-inject     Inject Istio sidecar into Kubernetes pod resources\n  version         Prints out build version information\n"),
        }
        out
    }
}

/// `kubectl rollout status` text for a deployment and whether the rollout is done.
pub fn rollout_message(d: &Deployment) -> (String, bool) {
    let n = &d.meta.name;
    if d.meta.generation > d.status.observed_generation {
        return (
            "Waiting for deployment spec update to be observed...".into(),
            false,
        );
    }
    if d.status.updated < d.replicas {
        return (format!("Waiting for deployment \"{n}\" rollout to finish: {} out of {} new replicas have been updated...", d.status.updated, d.replicas), false);
    }
    if d.status.replicas > d.status.updated {
        return (format!("Waiting for deployment \"{n}\" rollout to finish: {} old replicas are pending termination...", d.status.replicas - d.status.updated), false);
    }
    if d.status.available < d.status.updated {
        return (format!("Waiting for deployment \"{n}\" rollout to finish: {} of {} updated replicas are available...", d.status.available, d.status.updated), false);
    }
    (format!("deployment \"{n}\" successfully rolled out"), true)
}

/// Parse a Go duration or plain seconds (`60s`, `2m`, `1h`, `30`).
pub fn parse_duration(s: &str) -> Option<Nanos> {
    if let Ok(n) = s.parse::<u64>() {
        return Some(n * SEC);
    }
    let (num, unit) = s.split_at(s.find(|c: char| c.is_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    let mult = match unit {
        "ms" => MS as f64,
        "s" => SEC as f64,
        "m" => 60.0 * SEC as f64,
        "h" => 3600.0 * SEC as f64,
        _ => return None,
    };
    Some((v * mult) as Nanos)
}

fn deleted_any(changes: &[Change], key: &Key, kind: Kind) -> bool {
    changes
        .iter()
        .rev()
        .find(|c| &c.key == key && c.kind == kind)
        .is_some_and(|c| c.deleted.is_some())
}

/// `TYPE/NAME` or `TYPE NAME` starting at `positional[at]`.
fn resource_and_name(positional: &[String], at: usize) -> Option<(String, String)> {
    match positional.get(at)?.split_once('/') {
        Some((t, n)) => Some((t.to_string(), n.to_string())),
        None => positional
            .get(at + 1)
            .map(|n| (positional[at].clone(), n.clone())),
    }
}
