//! Column alignment as Go prints it. [`GoTabWriter`] ports `text/tabwriter`'s
//! column-block algorithm (what `kubectl describe` uses: minwidth 0, tabwidth 8,
//! padding 2); [`TableWriter`] is `kubectl get`'s writer (minwidth 6, padding 3,
//! widths remembered across flushes so `-w` rows only ever grow a column).

/// Go's `text/tabwriter` with padchar ' ' and no flags.
pub struct GoTabWriter {
    minwidth: usize,
    padding: usize,
    text: String,
}

impl GoTabWriter {
    /// A writer with the given minimum cell width and padding.
    pub fn new(minwidth: usize, padding: usize) -> Self {
        GoTabWriter {
            minwidth,
            padding,
            text: String::new(),
        }
    }

    /// The writer `kubectl describe` uses.
    pub fn describe() -> Self {
        GoTabWriter::new(0, 2)
    }

    /// Append text (cells separated by `\t`, lines by `\n`).
    pub fn write(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Align everything written so far and return it.
    pub fn flush(&mut self) -> String {
        let text = std::mem::take(&mut self.text);
        let mut lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        // A trailing newline leaves one empty line that is not output.
        let ends_nl = text.ends_with('\n');
        if ends_nl {
            lines.pop();
        }
        let mut out = String::new();
        let mut widths: Vec<usize> = Vec::new();
        self.format(&mut out, &lines, &mut widths, 0, lines.len());
        if !ends_nl && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn format(
        &self,
        out: &mut String,
        lines: &[Vec<&str>],
        widths: &mut Vec<usize>,
        line0: usize,
        line1: usize,
    ) {
        let column = widths.len();
        let mut line0 = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            write_lines(out, lines, widths, line0, this);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                let w = lines[this][column].chars().count() + self.padding;
                if w > width {
                    width = w;
                }
                this += 1;
            }
            widths.push(width);
            self.format(out, lines, widths, line0, this);
            widths.pop();
            line0 = this;
        }
        write_lines(out, lines, widths, line0, line1);
    }
}

fn write_lines(out: &mut String, lines: &[Vec<&str>], widths: &[usize], from: usize, to: usize) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() && j < widths.len() {
                let pad = widths[j].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

/// `kubectl get`'s table writer, remembering column widths between flushes.
#[derive(Clone, Debug, Default)]
pub struct TableWriter {
    widths: Vec<usize>,
}

impl TableWriter {
    /// Render rows (every row has the same number of cells); the last column is never padded.
    pub fn render(&mut self, rows: &[Vec<String>]) -> String {
        for row in rows {
            for (j, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
                let w = (cell.chars().count() + 3).max(6);
                if self.widths.len() <= j {
                    self.widths.push(w);
                } else if w > self.widths[j] {
                    self.widths[j] = w;
                }
            }
        }
        let mut out = String::new();
        for row in rows {
            for (j, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if j + 1 < row.len() {
                    let pad = self.widths[j].saturating_sub(cell.chars().count());
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_blocks_align_separately() {
        let mut w = GoTabWriter::describe();
        w.write("Name:\tx\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\n");
        assert_eq!(
            w.flush(),
            "Name:       x\nNamespace:  default\nIPs:\n  IP:  10.0.0.1\n"
        );
    }

    #[test]
    fn empty_last_cells_keep_their_padding() {
        let mut w = GoTabWriter::describe();
        w.write("  Medium:\t\n  SizeLimit:\t<unset>\n");
        assert_eq!(w.flush(), "  Medium:     \n  SizeLimit:  <unset>\n");
    }

    #[test]
    fn table_widths_only_grow() {
        let mut t = TableWriter::default();
        let row = |s: &str| vec!["pod".to_string(), s.to_string(), "0".to_string()];
        assert_eq!(
            t.render(&[
                vec!["NAME".into(), "STATUS".into(), "AGE".into()],
                row("Pending")
            ]),
            "NAME   STATUS    AGE\npod    Pending   0\n"
        );
        assert_eq!(
            t.render(&[row("PodInitializing")]),
            "pod    PodInitializing   0\n"
        );
        assert_eq!(t.render(&[row("Running")]), "pod    Running           0\n");
    }
}
