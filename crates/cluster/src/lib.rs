//! A deterministic simulation of a small Kubernetes cluster with Istio's
//! sidecar injector, built to show a learner what a real cluster does when
//! they label a namespace and `kubectl apply -f kubernetes/`.
//!
//! A tour, from the outside in:
//!
//! - [`cluster`] is the API server's store and the simulation loop. Callers
//!   pass time in ([`Cluster::advance`], [`Cluster::step`]); nothing here reads
//!   a clock or does I/O. Actions wait in a [`queue`] ordered by (time,
//!   sequence number), so equal timestamps break ties deterministically.
//! - [`objects`] are the API objects (Namespace, Deployment, ReplicaSet, Pod,
//!   Service, Endpoints, ConfigMap, Event).
//! - [`controller`] holds the Deployment, ReplicaSet and Endpoints controllers,
//!   [`scheduler`] places pods on three workers by CPU and memory, and
//!   [`kubelet`] runs them: image pulls, init containers, probes, restarts with
//!   CrashLoopBackOff back-off, termination.
//! - [`webhook`] decides whether a pod gets Istio's sidecar; the injection
//!   itself is an [`webhook::Injector`] supplied by the caller.
//! - [`workload`] is what the guestbook's programs do once started, and the
//!   logs they write; [`events`] records Events the way client-go aggregates them.
//! - [`rng`] is the single seeded random source, [`time`] the virtual clock
//!   and kubectl's time formats.
#![deny(clippy::disallowed_types)]

pub mod bootstrap;
pub mod cluster;
pub mod controller;
pub mod events;
pub mod kubelet;
pub mod objects;
pub mod queue;
pub mod rng;
pub mod scheduler;
pub mod time;
pub mod webhook;
pub mod workload;

pub use cluster::{ApiError, Applied, Change, Cluster, Config, Key};
pub use objects::*;
pub use webhook::Injector;
