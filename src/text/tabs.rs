//! Aligns tab-separated cells into columns the way Go's `text/tabwriter` does with kubectl's
//! settings (no minimum width, padding 2, spaces), so a describe laid out like kubectl's lines
//! up exactly as kubectl's does, block for block.
//!
//! A column block is a run of consecutive lines that all have a cell in that column; the last
//! cell of a line is not in any column. A line with fewer cells ends the blocks it lacks, which
//! is why a section header such as `Containers:` restarts the alignment below it.

/// Spaces between a cell and the next column.
const PADDING: usize = 2;

/// The lines of `text` (cells separated by `\t`) with every column block padded to its widest
/// cell plus two spaces.
pub fn align_tabs(lines: &[String]) -> Vec<String> {
    let cells: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let mut out = vec![String::new(); cells.len()];
    let mut widths = Vec::new();
    format(&cells, 0, cells.len(), &mut widths, &mut out);
    out
}

/// Lays out lines `start..end`, whose first `widths.len()` columns are already sized, finding
/// the blocks of the next column recursively.
fn format(
    cells: &[Vec<&str>],
    start: usize,
    end: usize,
    widths: &mut Vec<usize>,
    out: &mut [String],
) {
    let column = widths.len();
    let mut done = start;
    let mut this = start;
    while this < end {
        if column + 1 >= cells[this].len() {
            this += 1;
            continue;
        }
        write_lines(cells, done, this, widths, out);
        let block = this;
        let mut width = 0;
        while this < end && column + 1 < cells[this].len() {
            width = width.max(cells[this][column].chars().count() + PADDING);
            this += 1;
        }
        widths.push(width);
        format(cells, block, this, widths, out);
        widths.pop();
        done = this;
    }
    write_lines(cells, done, end, widths, out);
}

fn write_lines(
    cells: &[Vec<&str>],
    start: usize,
    end: usize,
    widths: &[usize],
    out: &mut [String],
) {
    for (line, text) in cells[start..end].iter().zip(&mut out[start..end]) {
        for (j, cell) in line.iter().enumerate() {
            text.push_str(cell);
            if let Some(&width) = widths.get(j) {
                let pad = width.saturating_sub(cell.chars().count());
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::align_tabs;

    fn align(text: &str) -> String {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        align_tabs(&lines).join("\n")
    }

    #[test]
    fn a_block_aligns_to_its_widest_cell_plus_two() {
        assert_eq!(
            align("Name:\tweb\nNamespace:\tdefault"),
            "Name:       web\nNamespace:  default"
        );
    }

    #[test]
    fn a_line_without_the_column_ends_the_block() {
        let text = "Name:\tweb\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/web";
        assert_eq!(
            align(text),
            "Name:  web\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/web"
        );
    }

    #[test]
    fn an_empty_first_cell_continues_the_block() {
        assert_eq!(
            align("Labels:\tapp=web\n\ttier=front\nStatus:\tRunning"),
            "Labels:  app=web\n         tier=front\nStatus:  Running"
        );
    }

    #[test]
    fn nested_columns_are_sized_within_their_outer_block() {
        let text = "  Type\tReason\tMessage\n  Normal\tPulled\tok\nEnd:\tx";
        assert_eq!(
            align(text),
            "  Type    Reason  Message\n  Normal  Pulled  ok\nEnd:      x"
        );
    }
}
