//! What the page keeps across reloads, in `localStorage`.
//!
//! Storage may be missing or full (private windows, quotas): then nothing is kept, and the page
//! works as on a first visit.

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The stored value of `key`.
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

/// Stores `value` under `key`; failures are ignored (see the module docs).
pub fn set(key: &str, value: &str) {
    if let Some(storage) = local() {
        let _ = storage.set_item(key, value);
    }
}

/// The keys the injection page uses.
pub mod keys {
    pub const TEXT: &str = "meshsim.inject.text";
    pub const SAMPLE: &str = "meshsim.inject.sample";
    pub const NATIVE: &str = "meshsim.inject.native";
    pub const HUB: &str = "meshsim.inject.hub";
    pub const TAG: &str = "meshsim.inject.tag";
    pub const THEME: &str = "meshsim.theme";
}
