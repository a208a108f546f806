//! Command-line parsing: shell-style word splitting and pflag-style flags,
//! with kubectl's own error messages for unknown or incomplete flags.

/// Split a command line into words (single and double quotes, backslash escapes).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            if let Some(x) = chars.next() {
                                cur.push(x);
                            }
                        }
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

/// Shorthand for declaring flags.
pub const fn flag(long: &'static str, short: Option<char>, takes_value: bool) -> Flag {
    Flag {
        long,
        short,
        takes_value,
    }
}

/// Flags every kubectl command accepts.
pub const GLOBAL: &[Flag] = &[
    flag("namespace", Some('n'), true),
    flag("request-timeout", None, true),
    flag("context", None, true),
    flag("kubeconfig", None, true),
    flag("v", Some('v'), true),
];

/// Parsed flags and positional arguments.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub positional: Vec<String>,
    pub flags: Vec<(&'static str, String)>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(k, _)| *k == long)
            .map(|(_, v)| v.as_str())
    }
    /// Every value of a repeatable flag.
    pub fn all(&self, long: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(k, _)| *k == long)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// Whether a boolean flag is set (and not `=false`).
    pub fn has(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| v != "false")
    }
}

/// Parse `args` against `flags` (plus [`GLOBAL`]); errors are kubectl's text.
pub fn parse(args: &[String], flags: &[Flag], usage: &str) -> Result<Parsed, String> {
    let find_long = |n: &str| {
        flags
            .iter()
            .chain(GLOBAL.iter())
            .find(|f| f.long == n)
            .copied()
    };
    let find_short = |c: char| {
        flags
            .iter()
            .chain(GLOBAL.iter())
            .find(|f| f.short == Some(c))
            .copied()
    };
    let see = format!("See '{usage} --help' for usage.");
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.positional.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(f) = find_long(name) else {
                return Err(format!("error: unknown flag: --{name}\n{see}"));
            };
            let value = if f.takes_value {
                match inline {
                    Some(v) => v,
                    None => {
                        if i < args.len() {
                            i += 1;
                            args[i - 1].clone()
                        } else {
                            return Err(format!("error: flag needs an argument: --{name}\n{see}"));
                        }
                    }
                }
            } else {
                inline.unwrap_or_else(|| "true".into())
            };
            out.flags.push((f.long, value));
        } else if a.len() > 1 && a.starts_with('-') && a != "-" {
            let body: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < body.len() {
                let c = body[j];
                let Some(f) = find_short(c) else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{c}' in {a}\n{see}"
                    ));
                };
                if f.takes_value {
                    let rest: String = body[j + 1..].iter().collect();
                    let rest = rest.strip_prefix('=').map(str::to_string).unwrap_or(rest);
                    let value = if !rest.is_empty() {
                        rest
                    } else if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(format!(
                            "error: flag needs an argument: '{c}' in {a}\n{see}"
                        ));
                    };
                    out.flags.push((f.long, value));
                    break;
                }
                out.flags.push((f.long, "true".into()));
                j += 1;
            }
        } else {
            out.positional.push(a.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    #[test]
    fn words_and_quotes() {
        assert_eq!(
            w("kubectl get  pods -l 'app=x y'"),
            ["kubectl", "get", "pods", "-l", "app=x y"]
        );
    }

    #[test]
    fn flags_in_every_spelling() {
        let spec = [
            flag("output", Some('o'), true),
            flag("watch", Some('w'), false),
        ];
        let p = parse(&w("pods -owide -w -n kube-system"), &spec, "kubectl get").unwrap();
        assert_eq!(p.get("output"), Some("wide"));
        assert!(p.has("watch"));
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert_eq!(p.positional, ["pods"]);
        assert_eq!(
            parse(&w("--bogus"), &spec, "kubectl get").unwrap_err(),
            "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse(&w("-z"), &spec, "kubectl get").unwrap_err(),
            "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage."
        );
    }
}
