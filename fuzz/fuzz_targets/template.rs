//! Any template text renders or fails with an error: the small Go template engine never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let pod = meshsim_yaml::load("Spec:\n  containers:\n  - name: a\n    ports: [{containerPort: 80}]\nObjectMeta:\n  annotations: {x: y}\nValues: {global: {hub: h, list: [1, 2]}}\n").unwrap();
    let _ = meshsim_gotmpl::render("fuzz", src, &pod);
});
