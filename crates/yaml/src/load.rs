//! Reading YAML text into a [`Value`], as `sigs.k8s.io/yaml` (go-yaml v2 underneath) does.
//!
//! Differences from a general YAML loader are deliberate: scalars resolve with go-yaml v2's YAML 1.1
//! rules, duplicate keys keep the last value, non-string keys become strings, timestamps stay
//! strings, and `<<` merges. Errors carry go-yaml's wording (`yaml: line N: <problem>`, where go-yaml
//! reports parser errors one line early) and, separately, the real 1-based line.
//!
//! Hostile input is bounded: nesting deeper than [`Limits::max_depth`] fails (checked before parsing
//! for flow collections, whose scanning is quadratic in libyaml), and alias expansion follows
//! go-yaml's "excessive aliasing" budget, checked *before* a subtree is copied.

use crate::resolve::{plain_to_value, resolve_plain, Resolved};
use crate::value::{Mapping, Value};
use libyaml_safer::{EventData, Parser, ScalarStyle};

/// Bounds applied while loading.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings accepted.
    pub max_depth: usize,
}

impl Default for Limits {
    /// 256 levels: Kubernetes objects (even CRD schemas) stay far below it.
    fn default() -> Self {
        Limits { max_depth: 256 }
    }
}

/// A YAML error: go-yaml's text plus the real position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// The message as go-yaml prints it, e.g. `yaml: line 3: mapping values are not allowed in this context`.
    pub message: String,
    /// The 1-based line of the problem within the text that was loaded, when known.
    pub line: Option<usize>,
}

impl YamlError {
    fn new(message: impl Into<String>, line: Option<usize>) -> Self {
        YamlError { message: message.into(), line }
    }
}

/// Loads the first document of `text` (an empty text is `null`).
pub fn load(text: &str) -> Result<Value, YamlError> {
    load_with(text, Limits::default())
}

/// Loads every document of a stream split on `---` lines, skipping empty ones.
pub fn load_all(text: &str) -> Result<Vec<Value>, YamlError> {
    let mut out = Vec::new();
    let mut doc = String::new();
    let flush = |doc: &mut String, out: &mut Vec<Value>| -> Result<(), YamlError> {
        if !doc.trim().is_empty() {
            let v = load(doc)?;
            if !v.is_null() {
                out.push(v);
            }
        }
        doc.clear();
        Ok(())
    };
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        if l.starts_with("---") && l[3..].trim_start().is_empty_or_comment() {
            flush(&mut doc, &mut out)?;
        } else {
            doc.push_str(line);
        }
    }
    flush(&mut doc, &mut out)?;
    Ok(out)
}

trait EmptyOrComment {
    fn is_empty_or_comment(&self) -> bool;
}

impl EmptyOrComment for str {
    fn is_empty_or_comment(&self) -> bool {
        self.is_empty() || self.starts_with('#')
    }
}

/// Loads the first document of `text` under explicit limits.
pub fn load_with(text: &str, limits: Limits) -> Result<Value, YamlError> {
    precheck_flow_depth(text, limits.max_depth)?;
    Loader::new(limits).run(text)
}

/// Rejects flow nesting deeper than `max` before libyaml scans it (its simple-key bookkeeping makes
/// deep `[[[[…` quadratic). Quotes and comments are skipped roughly; over-counting only matters for
/// hundreds of unbalanced brackets, which no manifest has.
fn precheck_flow_depth(text: &str, max: usize) -> Result<(), YamlError> {
    if !text.contains(['[', '{']) {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut line = 1usize;
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut prev = b'\n';
    for &c in text.as_bytes() {
        if c == b'\n' {
            line += 1;
            comment = false;
            if depth == 0 {
                quote = None;
            }
            prev = c;
            continue;
        }
        if comment {
            continue;
        }
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'#' if prev == b' ' || prev == b'\t' || prev == b'\n' => comment = true,
                b'\'' | b'"' if matches!(prev, b' ' | b'[' | b'{' | b',' | b':' | b'\n' | b'-') => {
                    quote = Some(c)
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > max {
                        return Err(YamlError::new(
                            format!("yaml: line {line}: exceeded max depth of {max}"),
                            Some(line),
                        ));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    Ok(())
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: Option<String>,
        nodes: usize,
    },
    Map {
        map: Mapping,
        anchor: Option<String>,
        nodes: usize,
        /// The key waiting for its value; `None` when the next node is a key.
        key: Option<Key>,
    },
}

enum Key {
    Str(String),
    Merge,
}

struct Anchor {
    value: Value,
    nodes: usize,
}

struct Loader {
    limits: Limits,
    stack: Vec<Frame>,
    anchors: indexmap::IndexMap<String, Anchor>,
    decode_count: usize,
    alias_count: usize,
}

fn go_line(err: &libyaml_safer::Error) -> (String, Option<usize>) {
    use libyaml_safer::ErrorKind;
    let problem = err.problem();
    let pm = err.problem_mark();
    let cm = err.context_mark();
    let mut go = 0u64;
    if let Some(pm) = pm.filter(|m| m.line != 0) {
        go = pm.line;
        if err.kind() == ErrorKind::Scanner {
            go += 1;
        }
    } else if let Some(cm) = cm.filter(|m| m.line != 0) {
        go = cm.line;
    }
    let real = pm.or(cm).map(|m| m.line as usize + 1);
    let problem = if problem.is_empty() { "unknown problem parsing YAML content" } else { problem };
    let msg = if go != 0 { format!("yaml: line {go}: {problem}") } else { format!("yaml: {problem}") };
    (msg, real)
}

fn excessive_aliasing_allowed_ratio(decode: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode <= LOW {
        0.99
    } else if decode >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl Loader {
    fn new(limits: Limits) -> Self {
        Loader {
            limits,
            stack: Vec::new(),
            anchors: indexmap::IndexMap::new(),
            decode_count: 0,
            alias_count: 0,
        }
    }

    fn run(mut self, text: &str) -> Result<Value, YamlError> {
        let mut bytes = text.as_bytes();
        let mut parser = Parser::new();
        parser.set_input_string(&mut bytes);
        let mut root: Option<Value> = None;
        loop {
            let event = parser.parse().map_err(|e| {
                let (m, l) = go_line(&e);
                YamlError::new(m, l)
            })?;
            let line = event.start_mark.line as usize + 1;
            match event.data {
                EventData::StreamStart { .. } | EventData::DocumentStart { .. } => {}
                EventData::DocumentEnd { .. } | EventData::StreamEnd => {
                    return Ok(root.unwrap_or(Value::Null));
                }
                EventData::Alias { anchor } => {
                    let Some(a) = self.anchors.get(&anchor) else {
                        return Err(YamlError::new(
                            format!("yaml: unknown anchor '{anchor}' referenced"),
                            Some(line),
                        ));
                    };
                    self.decode_count += 1 + a.nodes;
                    self.alias_count += a.nodes;
                    if self.alias_count > 100
                        && self.decode_count > 1000
                        && self.alias_count as f64 / self.decode_count as f64
                            > excessive_aliasing_allowed_ratio(self.decode_count)
                    {
                        return Err(YamlError::new(
                            "yaml: document contains excessive aliasing",
                            Some(line),
                        ));
                    }
                    let (v, n) = (a.value.clone(), a.nodes + 1);
                    if let Some(done) = self.push_value(v, n, None, line)? {
                        root = Some(done);
                    }
                }
                EventData::Scalar { anchor, tag, value, style, .. } => {
                    self.decode_count += 1;
                    let plain = style == ScalarStyle::Plain;
                    let v = scalar_value(&value, plain, tag.as_deref(), line)?;
                    let is_merge_key = plain
                        && tag.is_none()
                        && resolve_plain(&value) == Resolved::Merge
                        && matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                    if is_merge_key {
                        if let Some(Frame::Map { key, nodes, .. }) = self.stack.last_mut() {
                            *key = Some(Key::Merge);
                            *nodes += 1;
                        }
                        continue;
                    }
                    if let Some(done) = self.push_value(v, 1, anchor, line)? {
                        root = Some(done);
                    }
                }
                EventData::SequenceStart { anchor, .. } => {
                    self.decode_count += 1;
                    self.open(Frame::Seq { items: Vec::new(), anchor, nodes: 1 }, line)?;
                }
                EventData::MappingStart { anchor, .. } => {
                    self.decode_count += 1;
                    self.open(Frame::Map { map: Mapping::new(), anchor, nodes: 1, key: None }, line)?;
                }
                EventData::SequenceEnd | EventData::MappingEnd => {
                    let frame = self.stack.pop().expect("libyaml balances collection events");
                    let (v, nodes, anchor) = match frame {
                        Frame::Seq { items, anchor, nodes } => (Value::Seq(items), nodes, anchor),
                        Frame::Map { map, anchor, nodes, .. } => (Value::Map(map), nodes, anchor),
                    };
                    if let Some(done) = self.push_value(v, nodes, anchor, line)? {
                        root = Some(done);
                    }
                }
            }
        }
    }

    fn open(&mut self, frame: Frame, line: usize) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::new(
                format!("yaml: line {line}: exceeded max depth of {}", self.limits.max_depth),
                Some(line),
            ));
        }
        if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
            return Err(YamlError::new(
                format!("yaml: line {line}: a mapping or sequence cannot be a map key (JSON needs string keys)"),
                Some(line),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Adds a finished node to its parent; returns it when it is the document root.
    fn push_value(
        &mut self,
        v: Value,
        nodes: usize,
        anchor: Option<String>,
        line: usize,
    ) -> Result<Option<Value>, YamlError> {
        if let Some(a) = anchor {
            self.anchors.insert(a, Anchor { value: v.clone(), nodes });
        }
        match self.stack.last_mut() {
            None => Ok(Some(v)),
            Some(Frame::Seq { items, nodes: n, .. }) => {
                items.push(v);
                *n += nodes;
                Ok(None)
            }
            Some(Frame::Map { map, key, nodes: n, .. }) => {
                *n += nodes;
                match key.take() {
                    None => {
                        *key = Some(Key::Str(key_string(&v, line)?));
                    }
                    Some(Key::Str(k)) => {
                        map.insert(k, v);
                    }
                    Some(Key::Merge) => merge_into(map, v, line)?,
                }
                Ok(None)
            }
        }
    }
}

fn merge_into(map: &mut Mapping, v: Value, line: usize) -> Result<(), YamlError> {
    match v {
        Value::Map(m) => {
            for (k, v) in m {
                map.insert(k, v);
            }
            Ok(())
        }
        Value::Seq(items) => {
            // Earlier maps in the list win, so apply them last.
            for item in items.into_iter().rev() {
                match item {
                    Value::Map(m) => {
                        for (k, v) in m {
                            map.insert(k, v);
                        }
                    }
                    _ => {
                        return Err(YamlError::new(
                            format!("yaml: line {line}: map merge requires map or sequence of maps as the value"),
                            Some(line),
                        ))
                    }
                }
            }
            Ok(())
        }
        _ => Err(YamlError::new(
            format!("yaml: line {line}: map merge requires map or sequence of maps as the value"),
            Some(line),
        )),
    }
}

/// `sigs.k8s.io/yaml`'s conversion of a YAML key to a JSON object key.
fn key_string(v: &Value, line: usize) -> Result<String, YamlError> {
    Ok(match v {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::gofmt::format_float_yaml(*f),
        Value::Bool(b) => b.to_string(),
        Value::Null => {
            return Err(YamlError::new(
                format!("yaml: line {line}: unsupported map key of type: <nil> (JSON needs string keys)"),
                Some(line),
            ))
        }
        Value::Seq(_) | Value::Map(_) => unreachable!("collections are rejected as keys when opened"),
    })
}

fn scalar_value(value: &str, plain: bool, tag: Option<&str>, line: usize) -> Result<Value, YamlError> {
    let short = tag.map(|t| t.strip_prefix("tag:yaml.org,2002:").map(|s| format!("!!{s}")).unwrap_or_else(|| t.to_string()));
    match short.as_deref() {
        None | Some("!") => {
            if plain && short.is_none() {
                Ok(plain_to_value(value))
            } else {
                Ok(Value::String(value.to_string()))
            }
        }
        Some("!!str") | Some("!!binary") | Some("!!timestamp") => Ok(Value::String(value.to_string())),
        Some(t @ ("!!int" | "!!float" | "!!bool" | "!!null")) => {
            let v = plain_to_value(value);
            let ok = match (t, &v) {
                ("!!int", Value::Int(_)) => true,
                ("!!float", Value::Float(_)) => true,
                ("!!float", Value::Int(i)) => return Ok(Value::Float(*i as f64)),
                ("!!bool", Value::Bool(_)) => true,
                ("!!null", Value::Null) => true,
                _ => false,
            };
            if ok {
                Ok(v)
            } else {
                Err(YamlError::new(
                    format!("yaml: line {line}: cannot decode {} `{value}` as a {t}", short_tag_of(&v)),
                    Some(line),
                ))
            }
        }
        // Unknown local tags (e.g. `!Ref`) leave the text as a string, as go-yaml does.
        Some(_) => Ok(Value::String(value.to_string())),
    }
}

fn short_tag_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "!!null",
        Value::Bool(_) => "!!bool",
        Value::Int(_) => "!!int",
        Value::Float(_) => "!!float",
        _ => "!!str",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_follow_go_yaml_v2() {
        let v = load("a: yes\nb: \"80\"\nc: 80\nd: 1.0\ne:\nf: 2015-07-21\ng: 0777\nh: '~'\n").unwrap();
        assert_eq!(v.get("a"), Some(&Value::Bool(true)));
        assert_eq!(v.get("b"), Some(&Value::String("80".into())));
        assert_eq!(v.get("c"), Some(&Value::Int(80)));
        assert_eq!(v.get("d"), Some(&Value::Float(1.0)));
        assert_eq!(v.get("e"), Some(&Value::Null));
        assert_eq!(v.get("f"), Some(&Value::String("2015-07-21".into())));
        assert_eq!(v.get("g"), Some(&Value::Int(511)));
        assert_eq!(v.get("h"), Some(&Value::String("~".into())));
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let v = load("labels:\n  version: latest\n  version: \"1.0\"\n").unwrap();
        assert_eq!(v.get_path(&["labels", "version"]).and_then(Value::as_str), Some("1.0"));
    }

    #[test]
    fn merges_and_aliases() {
        let v = load("base: &b {p: 1, q: 2}\nthing:\n  <<: *b\n  q: 3\n").unwrap();
        assert_eq!(v.get_path(&["thing", "p"]), Some(&Value::Int(1)));
        assert_eq!(v.get_path(&["thing", "q"]), Some(&Value::Int(3)));
        // go-yaml v2 reads the key `y` as the boolean true.
        let v = load("y: 1\n").unwrap();
        assert_eq!(v.get("true"), Some(&Value::Int(1)));
    }

    #[test]
    fn errors_use_go_yaml_wording_and_lines() {
        let e = load("a: b\nc: d: e\n").unwrap_err();
        assert_eq!(e.message, "yaml: line 2: mapping values are not allowed in this context");
        assert_eq!(e.line, Some(2));
        // Parser errors are reported one line early by go-yaml; the real line is kept beside it.
        let e = load("a:\n  b: 1\n c: 2\n").unwrap_err();
        assert_eq!(e.message, "yaml: line 2: did not find expected key");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut s = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (i, c) in "bcdefghi".chars().enumerate() {
            let p = (b'a' + i as u8) as char;
            s.push_str(&format!("{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
        }
        let e = load(&s).unwrap_err();
        assert!(e.message.contains("excessive aliasing"), "{e}");
    }

    #[test]
    fn deep_nesting_fails_fast() {
        let flow = "[".repeat(100_000);
        assert!(load(&flow).unwrap_err().message.contains("exceeded max depth"));
        let block = format!("{}x\n", "- ".repeat(10_000));
        assert!(load(&block).unwrap_err().message.contains("exceeded max depth"));
    }

    #[test]
    fn inputs_that_made_libyaml_safer_panic_read_as_go_yaml_reads_them() {
        // A block scalar ending the text without a line break (see vendor/libyaml-safer/PATCHES.md).
        assert_eq!(load("a: |\n  x").unwrap().get("a"), Some(&Value::String("x".into())));
        assert_eq!(load("a: |+\n  x").unwrap().get("a"), Some(&Value::String("x".into())));
        assert_eq!(load("a: >-\n  x\n  y").unwrap().get("a"), Some(&Value::String("x y".into())));
        assert_eq!(load("- |\n  x\n\n  ").unwrap(), Value::Seq(vec![Value::String("x\n".into())]));
        assert_eq!(load("|\n  x").unwrap(), Value::String("x".into()));
        // A tag followed by a comma in a flow collection, and a backslash at the very end.
        let e = load("labels: [!a,]\n").unwrap_err();
        assert!(e.message.ends_with("did not find expected whitespace or line break"), "{e}");
        let e = load("a: \"x\\").unwrap_err();
        assert!(e.message.ends_with("found unknown escape character"), "{e}");
    }

    #[test]
    fn load_all_splits_documents() {
        let docs = load_all("a: 1\n---\n---\nb: 2\n--- # c\nc: 3\n").unwrap();
        assert_eq!(docs.len(), 3);
    }
}
