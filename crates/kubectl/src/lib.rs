//! The command layer over the simulated cluster: what a learner types and what
//! a real cluster would print back, for the page's terminal and the CLI alike.
//!
//! A tour:
//!
//! - [`shell::Shell`] is the session: `run(line)` returns an [`shell::Output`],
//!   `advance(ns)`/`step()`/`next_event_time()` move virtual time (a running
//!   `-w` watch prints as time passes, `interrupt()` is Ctrl-C), `complete(line)`
//!   offers Tab candidates and `pods()` snapshots pods for a panel.
//! - [`commands`] dispatches shell built-ins (`ls`, `cat`, `sleep`, `watch`,
//!   here-documents, simple pipes); [`kubectl`] implements kubectl and istioctl.
//! - [`printers`] builds `kubectl get` tables, [`describe`] the describe
//!   layouts, both aligned by [`tabwriter`] exactly as Go's tabwriter does.
//! - [`convert`] turns manifests into API objects and objects into `-o yaml`;
//!   [`injector`] backs the cluster's webhook with the real injection engine.
//! - [`vfs`] holds the project's `kubernetes/` manifests and pasted files;
//!   [`args`] splits words and parses flags with kubectl's error messages.
//! - [`cli::shell_main`] is `meshsim shell`.

pub mod args;
pub mod cli;
pub mod commands;
pub mod convert;
pub mod custom;
pub mod describe;
pub mod injector;
pub mod jsonpath;
pub mod kubectl;
pub mod printers;
pub mod shell;
pub mod tabwriter;
pub mod vfs;

pub use shell::{ContainerView, Output, PodView, Shell};
