//! Throughput of the engine against its floor, and the cost of refusing hostile input.
//!
//! `inject/engine` injects a generated manifest of 1,000 Deployments; `inject/floor` only splits,
//! parses and prints the same documents with the same YAML crate (what any tool reading and
//! re-printing them must pay). Compare the two in one run: their ratio is the engine's own cost.
//! `hostile/*` time the refusals the CLI promises to make fast.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

/// 1,000 Deployments shaped like real ones: labels, two containers, ports, probes, resources.
fn manifest(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-{i}
  namespace: team-{team}
  labels:
    app: service-{i}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: service-{i}
  template:
    metadata:
      labels:
        app: service-{i}
        version: v{v}
      annotations:
        sidecar.istio.io/proxyCPU: 200m
    spec:
      containers:
      - name: app
        image: registry.example.com/team-{team}/service-{i}:1.{v}.0
        ports:
        - name: http
          containerPort: 8080
        - name: metrics
          containerPort: 9090
        env:
        - name: LOG_LEVEL
          value: info
        readinessProbe:
          httpGet:
            path: /ready
            port: http
        livenessProbe:
          tcpSocket:
            port: 8080
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 512Mi
      - name: cache
        image: redis:7
        ports:
        - containerPort: 6379
---
"#,
            team = i % 7,
            v = i % 5
        ));
    }
    s
}

fn floor(input: &str) -> usize {
    let mut out = 0;
    for doc in meshsim_inject::stream::split(input).unwrap() {
        let v = meshsim_yaml::load(&doc.text).unwrap();
        out += meshsim_yaml::to_string(&v).len();
    }
    out
}

fn bench_inject(c: &mut Criterion) {
    let input = manifest(1000);
    let opts = meshsim_inject::Options::default();
    let mut g = c.benchmark_group("inject");
    g.throughput(Throughput::Bytes(input.len() as u64));
    g.sample_size(20);
    g.bench_function("engine", |b| b.iter(|| black_box(meshsim_inject::inject(black_box(&input), &opts).unwrap().output.len())));
    g.bench_function("floor", |b| b.iter(|| black_box(floor(black_box(&input)))));
    g.finish();
}

fn bench_hostile(c: &mut Criterion) {
    let opts = meshsim_inject::Options::default();
    let mut laughs = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, ch) in "bcdefghi".chars().enumerate() {
        let p = (b'a' + i as u8) as char;
        laughs.push_str(&format!("  {ch}: &{ch} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
    }
    let deep_flow = format!("a: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let deep_block = format!("a:\n{}x\n", "- ".repeat(10_000));
    let huge = "#".repeat(50 * 1024 * 1024);
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10);
    for (name, input) in [("billion_laughs", &laughs), ("nesting_10k_flow", &deep_flow), ("nesting_10k_block", &deep_block), ("input_50MiB", &huge)] {
        g.bench_function(name, |b| b.iter(|| black_box(meshsim_inject::inject(black_box(input), &opts).is_err())));
    }
    g.finish();
}

criterion_group!(benches, bench_inject, bench_hostile);
criterion_main!(benches);
