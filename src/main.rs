//! The wasm entry point; everything else is in the library (see `lib.rs`).

/// The page's allocator: TLSF (rlsf) instead of the default dlmalloc, 2 KB less brotli in the
/// page's wasm for the same speed (engine runs and diffs measured alike in Chromium).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::GlobalTlsf = rlsf::GlobalTlsf::new();

fn main() {
    meshsim_web::start();
}
