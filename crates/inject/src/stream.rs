//! Splitting the input into documents the way istioctl's line reader does.
//!
//! A line starting with `---` separates documents; anything after it other than blanks or a
//! comment is an error (`invalid Yaml document separator`). Lines are re-terminated with `\n`,
//! empty documents are dropped, and a document of only comments is kept (it is passed through).

/// One document: its text and the 1-based line of the input where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The document text, every line ending in `\n`.
    pub text: String,
    /// The input line of the document's first line.
    pub first_line: usize,
}

/// Splits `input`; `Err((line, rest))` for a separator line with trailing text.
pub fn split(input: &str) -> Result<Vec<Doc>, (usize, String)> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    let mut start = 1;
    let mut line_no = 0;
    for raw in input.split_inclusive('\n') {
        line_no += 1;
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(rest) = line.strip_prefix("---") {
            let r = rest.trim();
            if !r.is_empty() && !r.starts_with('#') {
                return Err((line_no, r.to_string()));
            }
            if !cur.is_empty() {
                docs.push(Doc { text: std::mem::take(&mut cur), first_line: start });
            }
            start = line_no + 1;
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    if !cur.is_empty() {
        docs.push(Doc { text: cur, first_line: start });
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        let d = split("---\na: 1\r\n--- # x\n---\nb: 2").unwrap();
        assert_eq!(d, vec![Doc { text: "a: 1\n".into(), first_line: 2 }, Doc { text: "b: 2\n".into(), first_line: 5 }]);
        assert_eq!(split("a: 1\n---foo\n").unwrap_err(), (2, "foo".to_string()));
        assert!(split("").unwrap().is_empty());
    }
}
