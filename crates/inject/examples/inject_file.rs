//! Injects a file N times, or only parses and re-prints it (`--floor`), for profiling and for
//! instruction counts that do not depend on machine load:
//! `valgrind --tool=callgrind target/release/examples/inject_file FILE 1 [--floor]`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let input = std::fs::read_to_string(&args[1]).expect("readable input");
    let n: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    let floor = args.iter().any(|a| a == "--floor");
    let opts = meshsim_inject::Options::default();
    let mut total = 0;
    for _ in 0..n {
        if floor {
            // The floor: split, parse and print every document with the same YAML crate.
            for doc in meshsim_inject::stream::split(&input).expect("splits") {
                let v = meshsim_yaml::load(&doc.text).expect("parses");
                total += meshsim_yaml::to_string(&v).len();
            }
        } else {
            total += meshsim_inject::inject(&input, &opts).map(|r| r.output.len()).unwrap_or(0);
        }
    }
    println!("{total} bytes printed");
}
