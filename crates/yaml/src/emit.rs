//! Printing a [`Value`] as go-yaml v2 prints what `sigs.k8s.io/yaml` hands it.
//!
//! go-yaml's emitter is a port of libyaml's. This module is a port of the part of it that a
//! JSON-shaped tree reaches: block mappings and sequences, `{}`/`[]` for empty ones, complex keys
//! (`? `) for long or multi-line keys, and the plain, single-quoted, double-quoted and literal scalar
//! styles with libyaml's analysis of which are allowed, its escapes, and folding at 80 columns.
//! Writing the text directly (instead of going through an event-driven emitter) keeps the page's
//! wasm small and printing fast; the tests compare it with libyaml's emitter on generated trees.
//!
//! What go-yaml decides before the emitter is reproduced here too: map keys in its natural order,
//! and the requested style of strings (literal when multi-line, double-quoted when the plain text
//! would read back as another type, plain otherwise).

use crate::gofmt::format_float_yaml;
use crate::resolve::can_be_plain;
use crate::value::Value;
use std::cmp::Ordering;

/// Prints `v` as one YAML document (no `---`), keys sorted as go-yaml v2 sorts them.
pub fn to_string(v: &Value) -> String {
    let mut w = Writer { out: String::with_capacity(1024), column: 0, indent: -1, indents: Vec::new(), whitespace: true, indention: true, open_ended: false };
    w.node(v, Context::Root);
    // Document end (implicit): finish the line; a literal kept with `|+` at the end needs `...`.
    w.write_indent();
    if w.open_ended {
        w.indicator("...", true, false, false);
        w.write_indent();
    }
    w.out
}

/// The longest key (in bytes) that is written as a simple `key: value`.
const MAX_SIMPLE_KEY: usize = 128;
/// go-yaml's `best_width`: plain and quoted scalars fold at the first space past this column.
const WIDTH: usize = 80;
/// go-yaml's `best_indent`.
const INDENT: i32 = 2;

/// Where a node sits, as libyaml's emitter tracks it (`root_context`, `mapping_context`, …).
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Root,
    SequenceItem,
    MappingValue,
    /// A key written as `key: value`.
    SimpleKey,
    /// A key written after `? `.
    ComplexKey,
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

struct Writer {
    out: String,
    column: usize,
    indent: i32,
    /// Enclosing indentations, restored as each node ends.
    indents: Vec<i32>,
    /// The last character written was whitespace (or nothing yet).
    whitespace: bool,
    /// Only indentation has been written on the current line.
    indention: bool,
    /// A literal with keep chomping (`|+`) ended the document: it must be closed with `...`.
    open_ended: bool,
}

impl Writer {
    fn node(&mut self, v: &Value, ctx: Context) {
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Int(i) => self.scalar(&i.to_string(), Style::Plain, ctx),
            Value::Float(f) => self.scalar(&format_float_yaml(*f), Style::Plain, ctx),
            Value::String(s) => self.string(s, ctx),
            Value::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Map(m) if m.is_empty() => self.empty_flow("{", "}"),
            Value::Seq(items) => {
                // A sequence that is a mapping's value sits at the key's indentation ("indentless").
                let indentless = ctx == Context::MappingValue && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.indicator("-", true, false, true);
                    self.node(item, Context::SequenceItem);
                }
                self.indent = self.indents_pop();
            }
            Value::Map(m) => {
                self.increase_indent(false, false);
                let mut keys: Vec<&String> = m.keys().collect();
                crate::sort::sort_by(&mut keys, |a, b| go_key_cmp(a, b));
                for k in keys {
                    self.write_indent();
                    // libyaml's check_simple_key: one line and at most 128 bytes.
                    if k.len() <= MAX_SIMPLE_KEY && !k.chars().any(is_break) {
                        self.string(k, Context::SimpleKey);
                        self.indicator(":", false, false, false);
                    } else {
                        self.indicator("?", true, false, true);
                        self.string(k, Context::ComplexKey);
                        self.write_indent();
                        self.indicator(":", true, false, true);
                    }
                    self.node(&m[k.as_str()], Context::MappingValue);
                }
                self.indent = self.indents_pop();
            }
        }
    }

    fn string(&mut self, s: &str, ctx: Context) {
        self.scalar(s, requested_style(s), ctx);
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.indicator(open, true, true, false);
        self.indicator(close, false, false, false);
    }

    /// libyaml's `emit_scalar`: select the style, then write at one more level of indentation.
    fn scalar(&mut self, value: &str, requested: Style, ctx: Context) {
        let a = Analysis::of(value);
        let simple_key = ctx == Context::SimpleKey;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (value.is_empty() && simple_key)) {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.plain(value, allow_breaks),
            Style::SingleQuoted => self.single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.double_quoted(value, allow_breaks),
            Style::Literal => self.literal(value),
        }
        self.indent = self.indents_pop();
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { INDENT } else { 0 };
        } else if !indentless {
            self.indent += INDENT;
        }
    }

    fn indents_pop(&mut self) -> i32 {
        self.indents.pop().unwrap_or(-1)
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// libyaml's WRITE_BREAK: a line feed starts a new line; other breaks are written as they are.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(&mut self, text: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(text);
        self.column += text.len();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace && !value.is_empty() {
            self.put(' ');
        }
        // A scalar that ends by column 80 never reaches a space past it: write it whole.
        if !allow_breaks || self.column + value.len() <= WIDTH {
            self.out.push_str(value);
            self.column += value.chars().count();
            self.whitespace = false;
            self.indention = false;
            return;
        }
        // Plain scalars never hold line breaks (the analysis forbids it), only spaces to fold at.
        let mut spaces = false;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > WIDTH && chars.peek() != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut chars = value.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            if c == ' ' {
                if allow_breaks && !spaces && self.column > WIDTH && !first && next.is_some() && next != Some(' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            first = false;
        }
        if breaks {
            self.write_indent();
        }
        self.indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.indicator("\"", true, false, false);
        let mut spaces = false;
        let mut chars = value.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\x07' => self.put('a'),
                    '\x08' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\x0b' => self.put('v'),
                    '\x0c' => self.put('f'),
                    '\r' => self.put('r'),
                    '\x1b' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let code = c as u32;
                        let (prefix, width) = match code {
                            0..=0xff => ('x', 2),
                            0x100..=0xffff => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(prefix);
                        for k in (0..width).rev() {
                            self.put(char::from(b"0123456789ABCDEF"[((code >> (4 * k)) & 0xf) as usize]));
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                let next = chars.peek().copied();
                if allow_breaks && !spaces && self.column > WIDTH && !first && next.is_some() {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            first = false;
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &str) {
        self.indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space or a
        // break, and the chomping indicator from how it ends.
        let first = value.chars().next();
        if first == Some(' ') || first.is_some_and(is_break) {
            self.indicator("2", false, false, false);
        }
        self.open_ended = false;
        let mut rev = value.chars().rev();
        let (last, before) = (rev.next(), rev.next());
        if !last.is_some_and(is_break) {
            self.indicator("-", false, false, false);
        } else if before.is_none_or(is_break) {
            self.indicator("+", false, false, false);
            self.open_ended = true;
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// go-yaml v2 `encoder.stringv`: literal if multi-line, plain if it resolves to a string,
/// else double-quoted; the emitter may still pick a safer style.
fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if can_be_plain(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// libyaml's `analyze_scalar`, reduced to the styles this emitter can be asked for (block context).
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(value: &str) -> Analysis {
        if value.is_empty() {
            return Analysis { multiline: false, block_plain_allowed: true, single_quoted_allowed: true, block_allowed: false };
        }
        // Most scalars are names, numbers and paths: nothing in them concerns the analysis.
        let b = value.as_bytes();
        if b[0].is_ascii_alphanumeric() && b.iter().all(|c| c.is_ascii_alphanumeric() || b"._/-+=".contains(c)) {
            return Analysis { multiline: false, block_plain_allowed: true, single_quoted_allowed: true, block_allowed: true };
        }
        let mut block_indicators = value.starts_with("---") || value.starts_with("...");
        let (mut line_breaks, mut special) = (false, false);
        let (mut leading, mut trailing_space, mut trailing_break) = (false, false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut previous_space, mut previous_break) = (false, false);
        let mut preceded_by_whitespace = true;
        let mut chars = value.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            let followed_by_whitespace = next.is_none_or(|n| n == ' ' || n == '\t' || is_break(n));
            if first {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                        block_indicators = true
                    }
                    '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                    _ => {}
                }
            } else if (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace) {
                block_indicators = true;
            }
            if !is_printable(c) {
                special = true;
            }
            if is_break(c) {
                line_breaks = true;
            }
            if c == ' ' {
                leading |= first;
                trailing_space |= next.is_none();
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                leading |= first;
                trailing_break |= next.is_none();
                space_break |= previous_space;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
            first = false;
        }
        let plain_spoiled = leading || trailing_space || trailing_break || break_space || space_break || special || line_breaks;
        Analysis {
            multiline: line_breaks,
            block_plain_allowed: !plain_spoiled && !block_indicators,
            single_quoted_allowed: !(break_space || space_break || special),
            block_allowed: !(trailing_space || space_break || special),
        }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml v2's `is_printable`: line feed, ASCII printables, and the Basic Multilingual Plane from
/// U+00A0 except surrogates, U+FEFF, U+FFFE and U+FFFF. Characters outside the BMP are not
/// printable for go-yaml v2: it writes them as `\UXXXXXXXX` in double quotes.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\x20'..='\x7e' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}') && c != '\u{feff}'
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

/// Go's `unicode.IsLetter`, exact for ASCII. Other characters count as letters: keys that reach the
/// printer come from Kubernetes maps (labels, annotations, selectors, resources, data), whose valid
/// keys are ASCII, and most non-ASCII characters in a key are letters; Unicode's tables would cost
/// the page 1.2 KB brotli. (Digits are ASCII digits here, as they are in valid keys.)
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || !c.is_ascii()
}

fn key_less_in<T: PartialEq + Copy>(ar: &[T], br: &[T], ch: impl Fn(&T) -> char) -> bool {
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let (ac, bc) = (ch(&ar[i]), ch(&br[i]));
        let (al, bl) = (is_letter(ac), is_letter(bc));
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
        // Letters sort after other characters, non-ASCII letters included.
        let mut keys = vec!["é", "b", "_x", "1"];
        crate::sort::sort_by(&mut keys, |a, b| go_key_cmp(a, b));
        assert_eq!(keys, vec!["_x", "1", "b", "é"]);
    }

    /// The printer this module replaced: go-yaml's choices driving libyaml's own emitter.
    fn libyaml_to_string(v: &Value) -> String {
        use libyaml_safer::{Emitter, Encoding, Event, MappingStyle, ScalarStyle, SequenceStyle};
        fn string_event(s: &str) -> Event {
            let style = match requested_style(s) {
                Style::Literal => ScalarStyle::Literal,
                Style::Plain => ScalarStyle::Plain,
                Style::SingleQuoted => ScalarStyle::SingleQuoted,
                Style::DoubleQuoted => ScalarStyle::DoubleQuoted,
            };
            Event::scalar(None, None, s, true, true, style)
        }
        fn value(v: &Value, emit: &mut impl FnMut(Event)) {
            let plain = |s: &str| Event::scalar(None, None, s, true, true, ScalarStyle::Plain);
            match v {
                Value::Null => emit(plain("null")),
                Value::Bool(b) => emit(plain(if *b { "true" } else { "false" })),
                Value::Int(i) => emit(plain(&i.to_string())),
                Value::Float(f) => emit(plain(&format_float_yaml(*f))),
                Value::String(s) => emit(string_event(s)),
                Value::Seq(items) => {
                    emit(Event::sequence_start(None, None, true, SequenceStyle::Block));
                    items.iter().for_each(|item| value(item, emit));
                    emit(Event::sequence_end());
                }
                Value::Map(m) => {
                    emit(Event::mapping_start(None, None, true, MappingStyle::Block));
                    let mut keys: Vec<&String> = m.keys().collect();
                    keys.sort_by(|a, b| go_key_cmp(a, b));
                    for k in keys {
                        emit(string_event(k));
                        value(&m[k.as_str()], emit);
                    }
                    emit(Event::mapping_end());
                }
            }
        }
        let mut out = Vec::new();
        {
            let mut em = Emitter::new();
            em.set_output_string(&mut out);
            em.set_unicode(true);
            let mut emit = |e: Event| em.emit(e).unwrap();
            emit(Event::stream_start(Encoding::Utf8));
            emit(Event::document_start(None, &[], true));
            value(v, &mut emit);
            emit(Event::document_end(true));
            emit(Event::stream_end());
        }
        String::from_utf8(out).unwrap()
    }

    struct Gen(u64);

    impl Gen {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn string(&mut self) -> String {
            // Characters that change libyaml's analysis, and words long enough to fold.
            const PIECES: &[&str] = &[
                "a", "b", "word", "x1", "1", "0", " ", "  ", ":", ": ", "#", " #", "-", "- ", "?", "\n", "\n\n", "\r", "\t",
                "'", "\"", "\\", "é", "\u{2028}", "\u{85}", "\u{a0}", "\u{feff}", "\0", "\x1b", "{", "[", ",", "*", "&",
                "!", "|", ">", "%", "@", "`", ".", "---", "...", "true", "null", "~", "0x1F", "1.5", "y", "2024-01-01",
                "a fairly long run of words that will need folding somewhere past the eightieth column",
            ];
            let n = self.next(12);
            (0..n).map(|_| PIECES[self.next(PIECES.len() as u64) as usize]).collect()
        }

        fn value(&mut self, depth: u32) -> Value {
            match self.next(if depth >= 4 { 5 } else { 9 }) {
                0 => Value::Null,
                1 => Value::Bool(self.next(2) == 0),
                2 => Value::Int(self.next(2000) as i64 - 1000),
                3 => Value::Float(self.next(1000) as f64 / 8.0),
                4 => Value::String(self.string()),
                5 | 6 => Value::Seq((0..self.next(4)).map(|_| self.value(depth + 1)).collect()),
                _ => {
                    let mut m = crate::value::Mapping::new();
                    for _ in 0..self.next(4) {
                        let mut k = self.string();
                        if self.next(8) == 0 {
                            k = k.repeat(20); // Past the 128-byte limit of simple keys.
                        }
                        m.insert(k, self.value(depth + 1));
                    }
                    Value::Map(m)
                }
            }
        }
    }

    #[test]
    fn prints_what_libyamls_emitter_prints() {
        let mut g = Gen(0x853C_49E6_748F_EA9B);
        for i in 0..30_000 {
            let v = g.value(0);
            assert_eq!(to_string(&v), libyaml_to_string(&v), "case {i}: {v:?}");
        }
    }

    #[test]
    fn follows_go_yaml_where_libyaml_safer_differs() {
        // go-yaml v2 does not count characters outside the BMP as printable: they are escaped.
        let v = Value::String("smile 😀".into());
        assert_eq!(to_string(&v), "\"smile \\U0001F600\"\n");
        // U+7EFF is an ordinary CJK character (libyaml-safer mistakes it for the byte order mark).
        let v = Value::String("x\ty\u{7eff}".into());
        assert_eq!(to_string(&v), "\"x\\ty\u{7eff}\"\n");
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
