//! YAML the way Kubernetes tooling reads and prints it.
//!
//! `istioctl` and `kubectl` read manifests with `sigs.k8s.io/yaml`, which parses with go-yaml v2
//! (a port of libyaml) and then goes through JSON; they print by turning JSON back into YAML with
//! the same go-yaml v2 emitter. This crate reproduces that path byte for byte:
//!
//! * [`value`]: the JSON-shaped tree ([`Value`], [`Mapping`]) every other crate works on.
//! * [`resolve`]: go-yaml v2's YAML 1.1 rules for plain scalars (`yes` is a bool, `0777` is octal,
//!   `2015-07-21` is a timestamp), used both when reading and when deciding how to quote.
//! * [`load`]: text to [`Value`] over the libyaml parser, with go-yaml's error messages and
//!   hard limits on depth and alias expansion (billion laughs), so hostile input fails fast.
//! * [`emit`]: [`Value`] to text through the libyaml emitter with go-yaml's choices: keys in
//!   go-yaml's "natural" order, strings double-quoted when they would read back as another type,
//!   literal blocks for multi-line strings, folding at 80 columns.
//! * [`json`]: compact and indented JSON as Go's `encoding/json` prints it.
//! * [`decimal`]: decimal text to `f64`, correctly rounded, without the standard library's tables.
//! * [`gofmt`]: Go's number formatting (`strconv.FormatFloat(f, 'g', -1, 64)`).
//! * [`sort`]: one stable sort compiled once, used instead of `slice::sort_by` to keep the wasm small.
//!
//! The crate is pure: no I/O, no clock, deterministic iteration order everywhere.

mod bignum;
pub mod decimal;
pub mod emit;
pub mod gofmt;
pub mod json;
pub mod load;
pub mod resolve;
pub mod sort;
pub mod value;

pub use emit::to_string;
pub use json::{to_json, to_json_pretty};
pub use load::{load, load_all, Limits, YamlError};
pub use value::{Mapping, Value};
