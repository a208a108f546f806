//! A small Go `text/template` for user-written injection templates
//! (`values.sidecarInjectorWebhook.templates` in an IstioOperator).
//!
//! It lives in its own crate so that only the `meshsim` command links it: the engine calls it through
//! `meshsim_inject::TemplateRenderer`, and the page and the simulated cluster, which never receive an
//! IstioOperator file, leave it out of their WebAssembly.
//!
//! Supported: text with `{{ }}` actions and `{{-`/`-}}` trimming; `if`/`else if`/`else`, `range`
//! (with `$i, $v :=` or `$v :=`), `with`, `end`; pipelines (`a | f b`); field access on the data
//! (`.Spec.Containers`, `$c.Name`: Go field names map to JSON keys by lower-casing the first letter);
//! variables; string, number and boolean literals; and the Sprig/Istio functions injection templates
//! commonly use (`default`, `quote`, `index`, `eq`, `ne`, `not`, `and`, `or`, `len`, `toLower`,
//! `toUpper`, `contains`, `hasPrefix`, `hasSuffix`, `trimSuffix`, `trimPrefix`, `trunc`, `join`,
//! `printf` with `%s`/`%d`/`%v`, `isset`, `annotation`, `valueOrDefault`, `toJson`, `fromJSON`,
//! `toYaml`, `indent`, `nindent`). Anything else is an error naming the unsupported construct.

use meshsim_yaml::{gofmt, Value};

/// Go's `fmt.Sprint` of a value.
fn sprint(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => gofmt::format_g(*f),
        other => meshsim_yaml::to_json(other),
    }
}

/// The renderer the engine calls for user-written templates.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoTemplates;

impl meshsim_inject::TemplateRenderer for GoTemplates {
    fn render(&self, name: &str, source: &str, data: &Value) -> Result<String, String> {
        render(name, source, data)
    }
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Vec<(Pipeline, Vec<Node>)>, Vec<Node>),
    Range { key: Option<String>, val: Option<String>, pipe: Pipeline, body: Vec<Node>, otherwise: Vec<Node> },
    With(Pipeline, Vec<Node>, Vec<Node>),
    Assign(String, Pipeline),
}

type Pipeline = Vec<Cmd>;
type Cmd = Vec<Arg>;

#[derive(Debug, Clone)]
enum Arg {
    Field(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Num(i64),
    Bool(bool),
    Ident(String),
    Sub(Pipeline),
    Nil,
}

/// A template error, with the template's name.
pub type TmplError = String;

fn tokenize_action(src: &str) -> Result<Vec<String>, TmplError> {
    // Works on bytes and only cuts at ASCII delimiters, so multi-byte characters stay whole.
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    let delimiter = |b: &[u8], i: usize| b[i].is_ascii_whitespace() || matches!(b[i], b'(' | b')' | b'|' | b',') || b[i..].starts_with(b":=");
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'"' || c == b'`' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c {
                if c == b'"' && b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            out.push(String::from_utf8_lossy(&b[start..i]).into_owned());
        } else if matches!(c, b'(' | b')' | b'|' | b',') {
            out.push((c as char).to_string());
            i += 1;
        } else if b[i..].starts_with(b":=") {
            out.push(":=".into());
            i += 2;
        } else {
            let start = i;
            while i < b.len() && !delimiter(b, i) {
                i += 1;
            }
            out.push(String::from_utf8_lossy(&b[start..i]).into_owned());
        }
    }
    Ok(out)
}

fn parse_pipeline(tokens: &[String], pos: &mut usize) -> Result<Pipeline, TmplError> {
    let mut cmds = vec![];
    let mut cmd: Cmd = vec![];
    while *pos < tokens.len() {
        let t = &tokens[*pos];
        *pos += 1;
        match t.as_str() {
            "|" => {
                if cmd.is_empty() {
                    return Err("missing command before '|'".into());
                }
                cmds.push(std::mem::take(&mut cmd));
            }
            ")" => {
                *pos -= 1;
                break;
            }
            "(" => {
                let sub = parse_pipeline(tokens, pos)?;
                if tokens.get(*pos).map(String::as_str) != Some(")") {
                    return Err("unclosed '('".into());
                }
                *pos += 1;
                cmd.push(Arg::Sub(sub));
            }
            _ => cmd.push(parse_operand(t)?),
        }
    }
    if !cmd.is_empty() {
        cmds.push(cmd);
    }
    if cmds.is_empty() {
        return Err("missing value for command".into());
    }
    Ok(cmds)
}

fn fields(s: &str) -> Vec<String> {
    s.split('.').filter(|p| !p.is_empty()).map(String::from).collect()
}

fn parse_operand(t: &str) -> Result<Arg, TmplError> {
    Ok(if t == "." {
        Arg::Field(vec![])
    } else if let Some(rest) = t.strip_prefix('.') {
        Arg::Field(fields(rest))
    } else if let Some(rest) = t.strip_prefix('$') {
        let (name, path) = rest.split_once('.').unwrap_or((rest, ""));
        Arg::Var(name.to_string(), fields(path))
    } else if t.starts_with('"') {
        Arg::Str(unquote(t))
    } else if t.starts_with('`') {
        Arg::Str(t.trim_matches('`').to_string())
    } else if t == "true" || t == "false" {
        Arg::Bool(t == "true")
    } else if t == "nil" {
        Arg::Nil
    } else if let Ok(n) = t.parse::<i64>() {
        Arg::Num(n)
    } else if t.chars().all(|c| c.is_alphanumeric() || c == '_') {
        Arg::Ident(t.to_string())
    } else {
        return Err(format!("unexpected {t:?} in operand"));
    })
}

fn unquote(t: &str) -> String {
    let inner = t.strip_prefix('"').unwrap_or(t);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

enum Tok {
    Text(String),
    Action(String),
}

fn lex(src: &str) -> Result<Vec<Tok>, TmplError> {
    let mut toks = Vec::new();
    let mut rest = src;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let mut text = rest[..open].to_string();
        if trim_next {
            text = text.trim_start().to_string();
        }
        let after = &rest[open + 2..];
        let trim_left = after.starts_with('-') && after[1..].starts_with(char::is_whitespace);
        if trim_left {
            text = text.trim_end().to_string();
        }
        toks.push(Tok::Text(text));
        let Some(close) = after.find("}}") else { return Err("unclosed action".into()) };
        let mut body = &after[..close];
        if trim_left {
            body = &body[1..];
        }
        trim_next = body.ends_with('-') && body[..body.len() - 1].ends_with(char::is_whitespace);
        if trim_next {
            body = &body[..body.len() - 1];
        }
        let body = body.trim();
        if !body.starts_with("/*") {
            toks.push(Tok::Action(body.to_string()));
        }
        rest = &after[close + 2..];
    }
    let mut text = rest.to_string();
    if trim_next {
        text = text.trim_start().to_string();
    }
    toks.push(Tok::Text(text));
    Ok(toks)
}

fn parse_nodes(toks: &[Tok], pos: &mut usize, stop: &[&str]) -> Result<(Vec<Node>, String), TmplError> {
    let mut nodes = Vec::new();
    while *pos < toks.len() {
        let t = &toks[*pos];
        *pos += 1;
        match t {
            Tok::Text(s) => {
                if !s.is_empty() {
                    nodes.push(Node::Text(s.clone()));
                }
            }
            Tok::Action(a) => {
                let kw = a.split_whitespace().next().unwrap_or("");
                if stop.contains(&kw) {
                    return Ok((nodes, a.clone()));
                }
                let tokens = tokenize_action(a)?;
                match kw {
                    "if" => {
                        let mut branches = Vec::new();
                        let mut cond = parse_pipeline(&tokens, &mut 1)?;
                        let otherwise;
                        loop {
                            let (body, end) = parse_nodes(toks, pos, &["else", "end"])?;
                            branches.push((cond, body));
                            if end.starts_with("else if") {
                                let t2 = tokenize_action(&end)?;
                                cond = parse_pipeline(&t2, &mut 2)?;
                                continue;
                            }
                            if end.starts_with("else") {
                                let (body, _) = parse_nodes(toks, pos, &["end"])?;
                                otherwise = body;
                            } else {
                                otherwise = Vec::new();
                            }
                            break;
                        }
                        nodes.push(Node::If(branches, otherwise));
                    }
                    "range" | "with" => {
                        let mut p = 1;
                        let (mut key, mut val) = (None, None);
                        if let Some(d) = tokens.iter().position(|t| t == ":=") {
                            let vars: Vec<&String> = tokens[1..d].iter().filter(|t| t.as_str() != ",").collect();
                            match vars.as_slice() {
                                [v] => val = Some(v.trim_start_matches('$').to_string()),
                                [k, v] => {
                                    key = Some(k.trim_start_matches('$').to_string());
                                    val = Some(v.trim_start_matches('$').to_string());
                                }
                                _ => return Err(format!("bad variable declaration in {a:?}")),
                            }
                            p = d + 1;
                        }
                        let pipe = parse_pipeline(&tokens, &mut p)?;
                        let (body, end) = parse_nodes(toks, pos, &["else", "end"])?;
                        let otherwise = if end.starts_with("else") { parse_nodes(toks, pos, &["end"])?.0 } else { Vec::new() };
                        if kw == "range" {
                            nodes.push(Node::Range { key, val, pipe, body, otherwise });
                        } else {
                            nodes.push(Node::With(pipe, body, otherwise));
                        }
                    }
                    "end" | "else" => return Err(format!("unexpected {{{{{kw}}}}}")),
                    "define" | "template" | "block" | "break" | "continue" => return Err(format!("{kw} is not supported by meshsim's template engine")),
                    _ => {
                        if tokens.len() >= 3 && tokens[0].starts_with('$') && (tokens[1] == ":=" || tokens[1] == "=") {
                            let pipe = parse_pipeline(&tokens, &mut 2)?;
                            nodes.push(Node::Assign(tokens[0].trim_start_matches('$').to_string(), pipe));
                        } else {
                            nodes.push(Node::Action(parse_pipeline(&tokens, &mut 0)?));
                        }
                    }
                }
            }
        }
    }
    if stop.is_empty() {
        Ok((nodes, String::new()))
    } else {
        Err(format!("unexpected EOF, expected {{{{{}}}}}", stop.join(" or ")))
    }
}

struct Env<'a> {
    root: &'a Value,
    vars: Vec<(String, Value)>,
}

fn go_key(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => {
            let rest: String = c.collect();
            if name == "APIVersion" {
                "apiVersion".into()
            } else {
                format!("{}{rest}", f.to_lowercase())
            }
        }
        None => String::new(),
    }
}

fn field(v: &Value, name: &str) -> Value {
    match v {
        Value::Map(m) => m.get(name).or_else(|| m.get(&go_key(name))).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Seq(s) => !s.is_empty(),
        Value::Map(m) => !m.is_empty(),
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => sprint(other),
    }
}

impl Env<'_> {
    fn var(&self, name: &str) -> Value {
        if name.is_empty() {
            return self.root.clone();
        }
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or(Value::Null)
    }

    fn arg(&self, a: &Arg, dot: &Value) -> Result<Value, TmplError> {
        Ok(match a {
            Arg::Field(path) => path.iter().fold(dot.clone(), |v, f| field(&v, f)),
            Arg::Var(name, path) => path.iter().fold(self.var(name), |v, f| field(&v, f)),
            Arg::Str(s) => Value::String(s.clone()),
            Arg::Num(n) => Value::Int(*n),
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Nil => Value::Null,
            Arg::Sub(p) => self.pipeline(p, dot)?,
            Arg::Ident(f) => self.call(f, &[], dot)?,
        })
    }

    fn pipeline(&self, p: &Pipeline, dot: &Value) -> Result<Value, TmplError> {
        let mut last: Option<Value> = None;
        for cmd in p {
            let Some(head) = cmd.first() else { return Err("empty command".into()) };
            let v = match head {
                Arg::Ident(f) => {
                    let mut args: Vec<Value> = cmd[1..].iter().map(|a| self.arg(a, dot)).collect::<Result<_, _>>()?;
                    if let Some(prev) = last.take() {
                        args.push(prev);
                    }
                    self.call(f, &args, dot)?
                }
                other if cmd.len() == 1 && last.is_none() => self.arg(other, dot)?,
                _ => return Err("cannot pipe into a non-function".into()),
            };
            last = Some(v);
        }
        Ok(last.unwrap_or(Value::Null))
    }

    fn call(&self, f: &str, a: &[Value], _dot: &Value) -> Result<Value, TmplError> {
        let s = |i: usize| a.get(i).map(text_of).unwrap_or_default();
        Ok(match f {
            "default" => {
                let v = a.get(1).cloned().unwrap_or(Value::Null);
                if truthy(&v) { v } else { a.first().cloned().unwrap_or(Value::Null) }
            }
            "valueOrDefault" => {
                let v = a.first().cloned().unwrap_or(Value::Null);
                if truthy(&v) { v } else { a.get(1).cloned().unwrap_or(Value::Null) }
            }
            "quote" => Value::String(meshsim_inject::objects::go_quote(&s(a.len().saturating_sub(1)))),
            "squote" => Value::String(format!("'{}'", s(a.len().saturating_sub(1)))),
            "index" => a.iter().skip(1).fold(a.first().cloned().unwrap_or(Value::Null), |v, k| match (&v, k) {
                (Value::Seq(items), Value::Int(i)) => items.get(*i as usize).cloned().unwrap_or(Value::Null),
                (Value::Map(m), k) => m.get(&text_of(k)).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            }),
            "eq" => Value::Bool(a.iter().skip(1).any(|x| text_of(x) == s(0))),
            "ne" => Value::Bool(s(0) != s(1)),
            "not" => Value::Bool(!a.first().is_some_and(truthy)),
            "and" => a.iter().find(|v| !truthy(v)).or(a.last()).cloned().unwrap_or(Value::Null),
            "or" => a.iter().find(|v| truthy(v)).or(a.last()).cloned().unwrap_or(Value::Null),
            "len" => Value::Int(match a.first() {
                Some(Value::Seq(x)) => x.len() as i64,
                Some(Value::Map(m)) => m.len() as i64,
                Some(Value::String(x)) => x.len() as i64,
                _ => 0,
            }),
            "toLower" | "lower" => Value::String(s(0).to_lowercase()),
            "toUpper" | "upper" => Value::String(s(0).to_uppercase()),
            "contains" => Value::Bool(s(1).contains(&s(0))),
            "hasPrefix" => Value::Bool(s(1).starts_with(&s(0))),
            "hasSuffix" => Value::Bool(s(1).ends_with(&s(0))),
            "trimSuffix" => Value::String(s(1).strip_suffix(&s(0)).map(String::from).unwrap_or_else(|| s(1))),
            "trimPrefix" => Value::String(s(1).strip_prefix(&s(0)).map(String::from).unwrap_or_else(|| s(1))),
            "trim" => Value::String(s(0).trim().to_string()),
            "trunc" => {
                let n = a.first().and_then(Value::as_i64).unwrap_or(0).max(0) as usize;
                Value::String(s(1).chars().take(n).collect())
            }
            "join" => Value::String(match a.get(1) {
                Some(Value::Seq(items)) => items.iter().map(text_of).collect::<Vec<_>>().join(&s(0)),
                _ => String::new(),
            }),
            "printf" => {
                let fmt = s(0);
                let mut out = String::new();
                let mut args = a.iter().skip(1);
                let mut chars = fmt.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '%' {
                        match chars.next() {
                            Some('%') => out.push('%'),
                            Some(_) => out.push_str(&args.next().map(text_of).unwrap_or_default()),
                            None => out.push('%'),
                        }
                    } else {
                        out.push(c);
                    }
                }
                Value::String(out)
            }
            "isset" => Value::Bool(matches!(a.first(), Some(Value::Map(m)) if m.contains_key(&s(1)))),
            "annotation" => {
                let ann = field(&field(a.first().unwrap_or(&Value::Null), "Annotations"), "annotations");
                let direct = field(a.first().unwrap_or(&Value::Null), "annotations");
                match direct.get(&s(1)).or_else(|| ann.get(&s(1))) {
                    Some(v) => v.clone(),
                    None => Value::String(s(2)),
                }
            }
            "toJson" | "toJSON" => Value::String(meshsim_yaml::to_json(a.first().unwrap_or(&Value::Null))),
            "fromJSON" | "fromJson" => meshsim_yaml::load(&s(0)).unwrap_or(Value::Null),
            "toYaml" => Value::String(meshsim_yaml::to_string(a.first().unwrap_or(&Value::Null)).trim_end().to_string()),
            "indent" | "nindent" => {
                let n = a.first().and_then(Value::as_i64).unwrap_or(0).max(0) as usize;
                let pad = " ".repeat(n);
                let body = s(1).lines().map(|l| format!("{pad}{l}")).collect::<Vec<_>>().join("\n");
                Value::String(if f == "nindent" { format!("\n{body}") } else { body })
            }
            "list" => Value::Seq(a.to_vec()),
            "append" => {
                let mut l = a.first().and_then(Value::as_seq).cloned().unwrap_or_default();
                l.extend(a.iter().skip(1).cloned());
                Value::Seq(l)
            }
            other => return Err(format!("function {other:?} not defined")),
        })
    }

    fn render(&mut self, nodes: &[Node], dot: &Value, out: &mut String) -> Result<(), TmplError> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => out.push_str(&text_of(&self.pipeline(p, dot)?)),
                Node::Assign(name, p) => {
                    let v = self.pipeline(p, dot)?;
                    self.vars.push((name.clone(), v));
                }
                Node::If(branches, otherwise) => {
                    let mut done = false;
                    for (cond, body) in branches {
                        if truthy(&self.pipeline(cond, dot)?) {
                            self.render(body, dot, out)?;
                            done = true;
                            break;
                        }
                    }
                    if !done {
                        self.render(otherwise, dot, out)?;
                    }
                }
                Node::With(p, body, otherwise) => {
                    let v = self.pipeline(p, dot)?;
                    if truthy(&v) {
                        self.render(body, &v, out)?;
                    } else {
                        self.render(otherwise, dot, out)?;
                    }
                }
                Node::Range { key, val, pipe, body, otherwise } => {
                    let v = self.pipeline(pipe, dot)?;
                    let items: Vec<(Value, Value)> = match v {
                        Value::Seq(items) => items.into_iter().enumerate().map(|(i, x)| (Value::Int(i as i64), x)).collect(),
                        Value::Map(m) => {
                            let mut e: Vec<(String, Value)> = m.into_iter().collect();
                            e.sort_by(|a, b| a.0.cmp(&b.0));
                            e.into_iter().map(|(k, x)| (Value::String(k), x)).collect()
                        }
                        _ => Vec::new(),
                    };
                    if items.is_empty() {
                        self.render(otherwise, dot, out)?;
                    }
                    for (k, x) in items {
                        let mark = self.vars.len();
                        if let Some(kn) = key {
                            self.vars.push((kn.clone(), k));
                        }
                        if let Some(vn) = val {
                            self.vars.push((vn.clone(), x.clone()));
                        }
                        self.render(body, &x, out)?;
                        self.vars.truncate(mark);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Renders `src` with `data` as `.`.
pub fn render(name: &str, src: &str, data: &Value) -> Result<String, TmplError> {
    let toks = lex(src).map_err(|e| format!("template: {name}: {e}"))?;
    let (nodes, _) = parse_nodes(&toks, &mut 0, &[]).map_err(|e| format!("template: {name}: {e}"))?;
    let mut env = Env { root: data, vars: Vec::new() };
    let mut out = String::new();
    env.render(&nodes, data, &mut out).map_err(|e| format!("template: {name}: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_fields_and_trimming() {
        let data = meshsim_yaml::load("Spec:\n  containers:\n  - name: a\n  - name: b\nValues: {global: {hub: h}}\n").unwrap();
        let out = render("t", "x:\n{{- range $i, $c := .Spec.Containers }}\n- {{ $i }}={{ $c.Name }}\n{{- end}}\nhub: {{ .Values.global.hub | quote }}\n{{ if eq .Values.global.hub \"h\" }}yes{{ else }}no{{ end }}", &data).unwrap();
        assert_eq!(out, "x:\n- 0=a\n- 1=b\nhub: \"h\"\nyes");
    }

    #[test]
    fn multi_byte_text_in_actions_is_an_error_not_a_panic() {
        // Found by the template fuzz target: a non-ASCII character inside an action.
        for src in ["{{ q\u{47e} }}", "{{ \"\u{e9}", "{{ a\u{85}b }}", "{{-\u{a0}x -}}", "{{ | x }}", "{{ (|) }}", "{{ () }}"] {
            let _ = render("t", src, &Value::Null);
        }
    }
}
