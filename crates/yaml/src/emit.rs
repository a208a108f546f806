//! Printing a [`Value`] as go-yaml v2 prints what `sigs.k8s.io/yaml` hands it.
//!
//! The events go through libyaml's emitter (go-yaml's emitter is a port of the same C code), so
//! indentation, flow `{}`/`[]` for empty collections, the fallback from plain to single to double
//! quotes, literal blocks and folding at 80 columns come out as Go prints them. What go-yaml decides
//! before the emitter is reproduced here: map keys in its natural order, and the requested style of
//! strings (literal when multi-line, double-quoted when the plain text would read back as another
//! type, plain otherwise).

use crate::gofmt::format_float_yaml;
use crate::resolve::can_be_plain;
use crate::value::Value;
use libyaml_safer::{Emitter, Encoding, Event, MappingStyle, ScalarStyle, SequenceStyle};
use std::cmp::Ordering;

/// Prints `v` as one YAML document (no `---`), keys sorted as go-yaml v2 sorts them.
pub fn to_string(v: &Value) -> String {
    let mut out = Vec::with_capacity(1024);
    {
        let mut em = Emitter::new();
        em.set_output_string(&mut out);
        em.set_unicode(true);
        let mut emit = |e: Event| em.emit(e).expect("events are well formed");
        emit(Event::stream_start(Encoding::Utf8));
        emit(Event::document_start(None, &[], true));
        emit_value(v, &mut emit);
        emit(Event::document_end(true));
        emit(Event::stream_end());
    }
    String::from_utf8(out).expect("the emitter writes UTF-8")
}

fn emit_value(v: &Value, emit: &mut impl FnMut(Event)) {
    match v {
        Value::Null => emit(plain("null")),
        Value::Bool(b) => emit(plain(if *b { "true" } else { "false" })),
        Value::Int(i) => emit(plain(&i.to_string())),
        Value::Float(f) => emit(plain(&format_float_yaml(*f))),
        Value::String(s) => emit(string_event(s)),
        Value::Seq(items) => {
            emit(Event::sequence_start(None, None, true, SequenceStyle::Block));
            for item in items {
                emit_value(item, emit);
            }
            emit(Event::sequence_end());
        }
        Value::Map(m) => {
            emit(Event::mapping_start(None, None, true, MappingStyle::Block));
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort_by(&mut keys, |a, b| go_key_cmp(a, b));
            for k in keys {
                emit(string_event(k));
                emit_value(&m[k.as_str()], emit);
            }
            emit(Event::mapping_end());
        }
    }
}

fn plain(s: &str) -> Event {
    Event::scalar(None, None, s, true, true, ScalarStyle::Plain)
}

/// go-yaml v2 `encoder.stringv`: literal if multi-line, plain if it resolves to a string, else double-quoted.
fn string_event(s: &str) -> Event {
    let style = if s.contains('\n') {
        ScalarStyle::Literal
    } else if can_be_plain(s) {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    };
    Event::scalar(None, None, s, true, true, style)
}

/// go-yaml v2's `keyList.Less` for string keys: letters sort after other characters, runs of
/// digits compare as numbers.
pub fn go_key_cmp(a: &str, b: &str) -> Ordering {
    if go_key_less(a, b) {
        Ordering::Less
    } else if go_key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn go_key_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return key_less_in(a.as_bytes(), b.as_bytes(), |c: &u8| *c as char);
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    key_less_in(&ar, &br, |c: &char| *c)
}

fn key_less_in<T: PartialEq + Copy>(ar: &[T], br: &[T], ch: impl Fn(&T) -> char) -> bool {
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let (ac, bc) = (ch(&ar[i]), ch(&br[i]));
        let al = ac.is_alphabetic();
        let bl = bc.is_alphabetic();
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            return bl;
        }
        let digit = |c: char| c.is_ascii_digit();
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ac == '0' || bc == '0' {
            let mut j = i;
            while j > 0 && digit(ch(&ar[j - 1])) {
                j -= 1;
                if ch(&ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && digit(ch(&ar[ai])) {
            an = an.wrapping_mul(10).wrapping_add(ch(&ar[ai]) as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && digit(ch(&br[bi])) {
            bn = bn.wrapping_mul(10).wrapping_add(ch(&br[bi]) as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;

    #[test]
    fn prints_like_go_yaml() {
        let v = load("b: '15020'\na: [x, '*', '', 'true']\nc: {}\nd: \"line1\\nline2\\n\"\ne: '{\"k\":1}'\n").unwrap();
        assert_eq!(
            to_string(&v),
            "a:\n- x\n- '*'\n- \"\"\n- \"true\"\nb: \"15020\"\nc: {}\nd: |\n  line1\n  line2\ne: '{\"k\":1}'\n"
        );
    }

    #[test]
    fn keys_sort_naturally() {
        let mut keys = vec!["a10", "a2", "b", "a-b", "ab", "A"];
        keys.sort_by(|a, b| go_key_cmp(a, b));
        assert_eq!(keys, vec!["A", "a-b", "a2", "a10", "ab", "b"]);
    }

    #[test]
    fn long_strings_fold_at_80_columns() {
        let long = "word ".repeat(30);
        let v = load(&format!("k: {}\n", long.trim())).unwrap();
        let out = to_string(&v);
        assert!(out.lines().count() > 1, "{out}");
        assert_eq!(load(&out).unwrap(), v);
    }
}
