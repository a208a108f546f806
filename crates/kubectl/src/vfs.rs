//! The learner's home directory: the project's own `kubernetes/`,
//! `kubernetes-v2/` and `istio/` manifests (embedded at build time) plus any file the
//! learner creates by pasting YAML.

use std::collections::BTreeMap;

/// Files shipped with every session, as `(path, contents)`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "kubernetes/guestbook-deployment.yaml",
        include_str!("../vfs/kubernetes/guestbook-deployment.yaml"),
    ),
    (
        "kubernetes/guestbook-service.yaml",
        include_str!("../vfs/kubernetes/guestbook-service.yaml"),
    ),
    (
        "kubernetes/guestbook-ui-deployment.yaml",
        include_str!("../vfs/kubernetes/guestbook-ui-deployment.yaml"),
    ),
    (
        "kubernetes/guestbook-ui-service.yaml",
        include_str!("../vfs/kubernetes/guestbook-ui-service.yaml"),
    ),
    (
        "kubernetes/helloworld-deployment.yaml",
        include_str!("../vfs/kubernetes/helloworld-deployment.yaml"),
    ),
    (
        "kubernetes/helloworld-service.yaml",
        include_str!("../vfs/kubernetes/helloworld-service.yaml"),
    ),
    (
        "kubernetes/mysql-deployment.yaml",
        include_str!("../vfs/kubernetes/mysql-deployment.yaml"),
    ),
    (
        "kubernetes/mysql-service.yaml",
        include_str!("../vfs/kubernetes/mysql-service.yaml"),
    ),
    (
        "kubernetes/redis-deployment.yaml",
        include_str!("../vfs/kubernetes/redis-deployment.yaml"),
    ),
    (
        "kubernetes/redis-service.yaml",
        include_str!("../vfs/kubernetes/redis-service.yaml"),
    ),
    (
        "istio/guestbook-gateway.yaml",
        include_str!("../vfs/istio/guestbook-gateway.yaml"),
    ),
    (
        "istio/guestbook-ui-dest.yaml",
        include_str!("../vfs/istio/guestbook-ui-dest.yaml"),
    ),
    (
        "istio/guestbook-ui-v1-vs.yaml",
        include_str!("../vfs/istio/guestbook-ui-v1-vs.yaml"),
    ),
    (
        "istio/guestbook-ui-vs.yaml",
        include_str!("../vfs/istio/guestbook-ui-vs.yaml"),
    ),
    (
        "kubernetes-v2/guestbook-ui-deployment-v2.yaml",
        include_str!("../vfs/kubernetes-v2/guestbook-ui-deployment-v2.yaml"),
    ),
    (
        "kubernetes-v2/helloworld-deployment-v2.yaml",
        include_str!("../vfs/kubernetes-v2/helloworld-deployment-v2.yaml"),
    ),
];

/// What a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    File(String),
    Dir(Vec<String>),
}

/// Why a path could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VfsError {
    #[error("{0}: No such file or directory")]
    NotFound(String),
    #[error("{0}: Is a directory")]
    IsDir(String),
}

/// A flat in-memory file system rooted at the learner's home directory.
#[derive(Clone, Debug)]
pub struct Vfs {
    files: BTreeMap<String, String>,
}

impl Default for Vfs {
    fn default() -> Self {
        Vfs {
            files: BUILTIN
                .iter()
                .map(|(p, c)| (p.to_string(), c.to_string()))
                .collect(),
        }
    }
}

/// Normalise `./a//b/`, `~/a` and `a/../b` to a relative path.
pub fn normalize(path: &str) -> String {
    let path = path.strip_prefix("~/").unwrap_or(path);
    let path = if path == "~" { "" } else { path };
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    parts.join("/")
}

impl Vfs {
    /// Create or replace a file.
    pub fn write(&mut self, path: &str, contents: &str) {
        self.files.insert(normalize(path), contents.to_string());
    }

    /// Remove a file; returns whether it existed.
    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(&normalize(path)).is_some()
    }

    /// Look a path up: a file's text, or a directory's entries (sorted, directories with a `/`).
    pub fn lookup(&self, path: &str) -> Result<Entry, VfsError> {
        let p = normalize(path);
        if let Some(c) = self.files.get(&p) {
            return Ok(Entry::File(c.clone()));
        }
        let prefix = if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        };
        let mut entries: Vec<String> = Vec::new();
        for k in self.files.keys() {
            if let Some(rest) = k.strip_prefix(&prefix) {
                let name = match rest.split_once('/') {
                    Some((d, _)) => format!("{d}/"),
                    None => rest.to_string(),
                };
                if entries.last() != Some(&name) && !entries.contains(&name) {
                    entries.push(name);
                }
            }
        }
        if entries.is_empty() && !p.is_empty() {
            return Err(VfsError::NotFound(path.to_string()));
        }
        // `ls` order: by name, a directory's slash not counted.
        entries.sort_by(|a, b| a.trim_end_matches('/').cmp(b.trim_end_matches('/')));
        Ok(Entry::Dir(entries))
    }

    /// A file's contents.
    pub fn read(&self, path: &str) -> Result<String, VfsError> {
        match self.lookup(path)? {
            Entry::File(c) => Ok(c),
            Entry::Dir(_) => Err(VfsError::IsDir(path.to_string())),
        }
    }

    /// The files a `-f` argument names: the file itself, or a directory's `.yaml`/`.yml`/`.json`
    /// files in lexical order (not recursive, as kubectl without `-R`).
    pub fn manifests(&self, path: &str) -> Result<Vec<(String, String)>, VfsError> {
        match self.lookup(path)? {
            Entry::File(c) => Ok(vec![(path.to_string(), c)]),
            Entry::Dir(entries) => {
                let base = path.trim_end_matches('/');
                Ok(entries
                    .iter()
                    .filter(|e| e.ends_with(".yaml") || e.ends_with(".yml") || e.ends_with(".json"))
                    .map(|e| {
                        let full = if base.is_empty() {
                            e.clone()
                        } else {
                            format!("{base}/{e}")
                        };
                        let c = self.read(&full).unwrap_or_default();
                        (full, c)
                    })
                    .collect())
            }
        }
    }

    /// Every path (for Tab completion).
    pub fn paths(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }
}
