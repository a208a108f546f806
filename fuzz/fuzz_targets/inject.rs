//! Any text given to the engine yields output or a typed error: never a panic, a hang or a blow-up.
//! Inputs are also tried as the last document of a valid manifest so the fuzzer reaches the
//! injection paths, not only the parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PREFIX: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: f\nspec:\n  template:\n    metadata:\n      annotations:\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for native in [false, true] {
        let opts = meshsim_inject::Options { native_sidecars: native, ..Default::default() };
        if let Ok(out) = meshsim_inject::inject(text, &opts) {
            // Whatever the engine prints must read back as YAML.
            for doc in out.output.split("---\n") {
                let _ = meshsim_yaml::load(doc);
            }
        }
        // The same bytes as annotation values and as a pod spec.
        let annotated = format!("{PREFIX}        sidecar.istio.io/x: {text:?}\n        proxy.istio.io/config: {text:?}\n        traffic.sidecar.istio.io/includeOutboundIPRanges: {text:?}\n    spec:\n      containers:\n      - name: app\n");
        let _ = meshsim_inject::inject(&annotated, &opts);
        let spec = format!("{PREFIX}        a: b\n    spec:\n{}", text.lines().map(|l| format!("      {l}\n")).collect::<String>());
        let _ = meshsim_inject::inject(&spec, &opts);
    }
});
