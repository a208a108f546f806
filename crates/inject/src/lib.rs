//! kube-inject engine (work in progress).
