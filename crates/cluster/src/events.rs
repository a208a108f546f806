//! The event recorder: Events about objects, aggregated like client-go's
//! recorder (the same object, reason and message bump `count` and `lastTimestamp`).

use crate::cluster::Cluster;
use crate::objects::{Event, Kind, ObjectMeta};

impl Cluster {
    /// Record an event about `name` (a `kind` in namespace `ns`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &mut self,
        kind: Kind,
        ns: &str,
        name: &str,
        uid: &str,
        field_path: &str,
        type_: &str,
        reason: &str,
        message: &str,
        source: &str,
    ) {
        let agg = (
            uid.to_string(),
            field_path.to_string(),
            reason.to_string(),
            message.to_string(),
        );
        let now = self.now;
        if let Some(key) = self.event_index.get(&agg).cloned() {
            if let Some(e) = self.events.get_mut(&key) {
                e.count += 1;
                e.last = now;
                e.meta.resource_version = self.resource_version + 1;
                self.resource_version += 1;
                self.changed(Kind::Event, &key);
                return;
            }
        }
        // Event names are `<object>.<hex timestamp>`, so they sort by object, then time.
        let mut ev_name = format!(
            "{name}.{:016x}",
            crate::time::EPOCH_UNIX as u64 * 1_000_000_000 + now
        );
        while self.events.contains_key(&(ns.to_string(), ev_name.clone())) {
            ev_name.push('0');
        }
        // The API server drops events an hour after they were last seen.
        if self.events.len() % 1024 == 1023 {
            let ttl = 3600 * crate::time::SEC;
            self.events.retain(|_, e| now.saturating_sub(e.last) < ttl);
            let events = &self.events;
            self.event_index.retain(|_, k| events.contains_key(k));
        }
        let meta = ObjectMeta {
            name: ev_name.clone(),
            namespace: ns.to_string(),
            ..ObjectMeta::default()
        };
        let meta = self.new_meta(meta);
        let key = (ns.to_string(), ev_name);
        self.events.insert(
            key.clone(),
            Event {
                meta,
                kind: type_.to_string(),
                reason: reason.to_string(),
                message: message.to_string(),
                source: source.to_string(),
                object_kind: kind,
                object_name: name.to_string(),
                object_uid: uid.to_string(),
                field_path: field_path.to_string(),
                count: 1,
                first: now,
                last: now,
            },
        );
        self.event_index.insert(agg, key.clone());
        self.changed(Kind::Event, &key);
    }

    /// Events about one object (by uid), oldest first as `kubectl describe` sorts them.
    pub fn events_for(&self, uid: &str) -> Vec<&Event> {
        let mut v: Vec<&Event> = self.events().filter(|e| e.object_uid == uid).collect();
        v.sort_by_key(|e| (e.last, e.first));
        v
    }
}
