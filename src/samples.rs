//! The manifests the sample picker offers, embedded at build time.
//!
//! The guestbook is the project's own: the files the simulated cluster serves
//! (`crates/kubectl/vfs/`), which the engine's golden tests (`tests/golden/inject/`) inject too.
//! The other shapes live under `www/samples/`.

/// One sample manifest.
#[derive(Debug)]
pub struct Sample {
    /// The picker's option value, stored across reloads.
    pub id: &'static str,
    /// The file, relative to the repository root (the end-to-end tests read it from there).
    pub path: &'static str,
    pub title: &'static str,
    pub group: &'static str,
    pub text: &'static str,
}

macro_rules! sample {
    ($id:literal, $path:literal, $group:literal, $title:literal) => {
        Sample {
            id: $id,
            path: $path,
            group: $group,
            title: $title,
            text: include_str!(concat!("../", $path)),
        }
    };
}

/// Every sample, in picker order.
pub const SAMPLES: &[Sample] = &[
    sample!("guestbook/guestbook-ui-deployment", "crates/kubectl/vfs/kubernetes/guestbook-ui-deployment.yaml", "Guestbook", "guestbook-ui Deployment (web front end)"),
    sample!("guestbook/guestbook-ui-service", "crates/kubectl/vfs/kubernetes/guestbook-ui-service.yaml", "Guestbook", "guestbook-ui Service"),
    sample!("guestbook/guestbook-deployment", "crates/kubectl/vfs/kubernetes/guestbook-deployment.yaml", "Guestbook", "guestbook-service Deployment (API)"),
    sample!("guestbook/guestbook-service", "crates/kubectl/vfs/kubernetes/guestbook-service.yaml", "Guestbook", "guestbook-service Service"),
    sample!("guestbook/helloworld-deployment", "crates/kubectl/vfs/kubernetes/helloworld-deployment.yaml", "Guestbook", "helloworld-service v1 Deployment"),
    sample!("guestbook/helloworld-service", "crates/kubectl/vfs/kubernetes/helloworld-service.yaml", "Guestbook", "helloworld-service Service"),
    sample!("guestbook/mysql-deployment", "crates/kubectl/vfs/kubernetes/mysql-deployment.yaml", "Guestbook", "mysql Deployment"),
    sample!("guestbook/mysql-service", "crates/kubectl/vfs/kubernetes/mysql-service.yaml", "Guestbook", "mysql Service"),
    sample!("guestbook/redis-deployment", "crates/kubectl/vfs/kubernetes/redis-deployment.yaml", "Guestbook", "redis Deployment"),
    sample!("guestbook/redis-service", "crates/kubectl/vfs/kubernetes/redis-service.yaml", "Guestbook", "redis Service"),
    sample!("guestbook-v2/helloworld-deployment-v2", "crates/kubectl/vfs/kubernetes-v2/helloworld-deployment-v2.yaml", "Guestbook v2", "helloworld-service v2 Deployment"),
    sample!("guestbook-v2/guestbook-ui-deployment-v2", "crates/kubectl/vfs/kubernetes-v2/guestbook-ui-deployment-v2.yaml", "Guestbook v2", "guestbook-ui v2 Deployment"),
    sample!("multi-document", "www/samples/multi-document.yaml", "Other shapes", "Several documents in one file"),
    sample!("cronjob", "www/samples/cronjob.yaml", "Other shapes", "CronJob"),
    sample!("pod-probes", "www/samples/pod-probes.yaml", "Other shapes", "Pod with HTTP probes"),
    sample!("uninjectable", "www/samples/uninjectable.yaml", "Other shapes", "Not injected: hostNetwork, inject \"false\""),
];

/// The sample shown on a first visit.
pub const FIRST: &Sample = &SAMPLES[0];

/// Finds a sample by its id.
pub fn find(id: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|sample| sample.id == id)
}
