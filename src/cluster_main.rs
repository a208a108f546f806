//! The wasm entry point of the cluster page (`cluster.html`); see `components/cluster_page.rs`.

fn main() {
    meshsim_web::start_cluster();
}
