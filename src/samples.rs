//! The manifests the sample picker offers, embedded at build time.
//!
//! The files live under `www/samples/`; the engine's tests read the same files.

/// One sample manifest.
#[derive(Debug)]
pub struct Sample {
    /// The path under `www/samples/` without `.yaml`; also the picker's option value.
    pub id: &'static str,
    pub title: &'static str,
    pub group: &'static str,
    pub text: &'static str,
}

macro_rules! sample {
    ($id:literal, $group:literal, $title:literal) => {
        Sample {
            id: $id,
            group: $group,
            title: $title,
            text: include_str!(concat!("../www/samples/", $id, ".yaml")),
        }
    };
}

/// Every sample, in picker order.
pub const SAMPLES: &[Sample] = &[
    sample!("guestbook/guestbook-ui", "Guestbook", "guestbook-ui (web front end)"),
    sample!("guestbook/guestbook-service", "Guestbook", "guestbook-service (API)"),
    sample!("guestbook/helloworld-service-v1", "Guestbook", "helloworld-service v1"),
    sample!("guestbook/helloworld-service-v2", "Guestbook", "helloworld-service v2"),
    sample!("guestbook/mysql", "Guestbook", "mysql"),
    sample!("guestbook/redis", "Guestbook", "redis"),
    sample!("multi-document", "Other shapes", "Several documents in one file"),
    sample!("cronjob", "Other shapes", "CronJob"),
    sample!("pod-probes", "Other shapes", "Pod with HTTP probes"),
    sample!("uninjectable", "Other shapes", "Not injected: hostNetwork, inject \"false\""),
];

/// The sample shown on a first visit.
pub const FIRST: &Sample = &SAMPLES[0];

/// Finds a sample by its id.
pub fn find(id: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|sample| sample.id == id)
}
