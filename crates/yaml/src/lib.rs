//! YAML as Kubernetes tooling reads and prints it (work in progress).
