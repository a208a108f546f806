//! The wasm entry point; everything else is in the library (see `lib.rs`).

fn main() {
    meshsim_web::start();
}
