//! Puts kube-inject's warnings next to the line they are about.
//!
//! istioctl's warnings name the workload (`===> Skipping injection because Deployment
//! "ns/name" has host networking enabled`) but no line; the line is found by looking for the
//! document of that kind whose `metadata.name` is that name.

/// A warning and the 1-based input line of the workload it names, when found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    pub line: Option<usize>,
}

/// Locates each non-empty warning in `input`.
pub fn locate(input: &str, warnings: &[String]) -> Vec<Located> {
    warnings
        .iter()
        .map(|warning| warning.trim())
        .filter(|warning| !warning.is_empty())
        .map(|warning| Located { text: warning.to_owned(), line: line_of(input, warning) })
        .collect()
}

/// The line of `metadata.name` of the workload that `warning` names.
fn line_of(input: &str, warning: &str) -> Option<usize> {
    let mut quoted = warning.rsplitn(3, '"');
    let _after = quoted.next()?;
    let subject = quoted.next()?;
    let before = quoted.next()?;
    let name = subject.rsplit('/').next()?;
    let kind = before.trim_end().rsplit(' ').next().filter(|word| word.starts_with(char::is_uppercase));

    let mut doc_kind: Option<&str> = None;
    let mut in_metadata = false;
    let mut candidate: Option<usize> = None;
    for (index, line) in input.lines().enumerate() {
        if line.starts_with("---") {
            doc_kind = None;
            in_metadata = false;
            candidate = None;
            continue;
        }
        if let Some(value) = line.strip_prefix("kind:") {
            doc_kind = Some(value.trim().trim_matches(|c| c == '"' || c == '\''));
        } else if line.starts_with("metadata:") {
            in_metadata = true;
        } else if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            in_metadata = false;
        } else if in_metadata {
            let value = line.strip_prefix("  name:").map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''));
            if value == Some(name) {
                candidate = Some(index + 1);
            }
        }
        if let (Some(found), Some(doc_kind)) = (candidate, doc_kind) {
            if kind.is_none_or(|kind| kind == doc_kind) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const INPUT: &str = "\
kind: Service
metadata:
  name: web
---
metadata:
  name: web
  namespace: shop
kind: Deployment
spec: {}
";

    #[wasm_bindgen_test]
    fn finds_the_name_line_of_the_named_kind() {
        let warnings = vec![
            "\n".to_owned(),
            "===> Skipping injection because Deployment \"shop/web\" has host networking enabled\n".to_owned(),
            "===> Skipping injection because Pod \"nowhere\" has sidecar injection disabled\n".to_owned(),
        ];
        let located = locate(INPUT, &warnings);
        assert_eq!(located.len(), 2);
        assert_eq!(located[0].line, Some(6), "the Deployment, not the Service of the same name");
        assert_eq!(located[1].line, None);
        assert!(located[0].text.starts_with("===> Skipping"));
    }
}
