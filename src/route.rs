//! Hash routes: `#/inject` today; later views add theirs here.
//!
//! Hash routes need no server support, so `dist/` works on any static host and from `file://`.

/// A view of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The injection playground.
    Inject,
    /// The simulated cluster and its terminal.
    Cluster,
    /// Panics while rendering, so that the end-to-end tests can see the error banner.
    DebugPanic,
    NotFound(String),
}

impl Route {
    /// The route for a `location.hash`; an empty hash is the default view.
    pub fn parse(hash: &str) -> Route {
        match hash.trim_start_matches('#') {
            "" | "/" | "/inject" => Route::Inject,
            "/cluster" => Route::Cluster,
            "/debug/panic" => Route::DebugPanic,
            other => Route::NotFound(other.to_owned()),
        }
    }

    /// The link to the route.
    pub fn href(&self) -> String {
        match self {
            Route::Inject => "#/inject".into(),
            Route::Cluster => "#/cluster".into(),
            Route::DebugPanic => "#/debug/panic".into(),
            Route::NotFound(path) => format!("#{path}"),
        }
    }
}

/// The route of the page now.
pub fn current() -> Route {
    let hash = web_sys::window().and_then(|window| window.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn parses_the_known_routes_and_keeps_unknown_paths() {
        assert_eq!(Route::parse(""), Route::Inject);
        assert_eq!(Route::parse("#/inject"), Route::Inject);
        assert_eq!(Route::parse("#/debug/panic"), Route::DebugPanic);
        assert_eq!(Route::parse("#/nope"), Route::NotFound("/nope".into()));
        assert_eq!(Route::parse(&Route::Inject.href()), Route::Inject);
    }
}
