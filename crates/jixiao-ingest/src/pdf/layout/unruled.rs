//! Tables drawn without rules: columns from the gutters between parts of lines, rows from each
//! column's blocks of wrapped lines.

use super::*;

/// Whether a line looks like a row of a table drawn without rules: parts written apart, at
/// least one gap between them as wide as a character (prose is written in one run).
pub(super) fn tabular(line: &Line) -> bool {
    line.chunks.len() >= 2 && line.chunks.windows(2).any(|w| w[1].0 - w[0].1 >= line.size)
}

/// Tables drawn without rules: runs of at least three tabular lines (with the lines of wrapped
/// cells between them), whose parts line up in at least three columns. Returns the tables and
/// the lines left.
pub(super) fn unruled_tables(lines: Vec<Line>) -> (Vec<Table>, Vec<Line>) {
    // How many tabular lines come before each line: a run's count in constant time.
    let mut before = vec![0usize; lines.len() + 1];
    for (k, l) in lines.iter().enumerate() {
        before[k + 1] = before[k] + usize::from(tabular(l));
    }
    let tabular_in = |a: usize, b: usize| before[b] - before[a];
    let mut tables = Vec::new();
    let mut rest = Vec::new();
    let mut i = 0;
    // Where the last table ended: the lines before it are not this table's.
    let mut floor = 0;
    while i < lines.len() {
        if !tabular(&lines[i]) {
            rest.push(lines[i].clone());
            i += 1;
            continue;
        }
        // The run: tabular lines, and between two of them the lines of wrapped cells, all
        // close together.
        let mut run_end = i + 1;
        let mut j = i + 1;
        while j < lines.len() {
            let pitch = 3.0 * lines[j].size.max(lines[j - 1].size);
            if lines[j - 1].y - lines[j].y > pitch {
                break;
            }
            if tabular(&lines[j]) {
                run_end = j + 1;
            }
            j += 1;
        }
        // The lines of wrapped cells just above the first row and just below the last: close,
        // and narrow (a cell's, not a paragraph's).
        let (left, right) = lines[i..run_end]
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), l| (a.min(l.x0), b.max(l.x1)));
        let cell_line = |above: &Line, below: &Line, candidate: &Line| {
            below.y < above.y
                && above.y - below.y <= 2.2 * above.size.max(below.size)
                && candidate.x0 >= left - 1.0
                && candidate.x1 <= right + 1.0
                && candidate.x1 - candidate.x0 < 0.5 * (right - left)
                // a title centred over the table is not a cell's
                && ((candidate.x0 + candidate.x1) - (left + right)).abs() > 0.1 * (right - left)
        };
        let mut first = i;
        while first > floor && cell_line(&lines[first - 1], &lines[first], &lines[first - 1]) {
            first -= 1;
        }
        let mut last = run_end;
        while last < lines.len() && cell_line(&lines[last - 1], &lines[last], &lines[last]) {
            last += 1;
        }
        // The longest part of the run that reads as a table (a run may begin or end in lines
        // that are not the table's, or hold two tables), from its first few tabular lines and
        // its last few ends: a bounded number of tries, whatever the run's length.
        // (A run of thousands of lines, a listing rather than a 自评表, gets one try.)
        let tries = if last - first > 2_000 {
            (1, 1)
        } else {
            (8, 24)
        };
        let starts: Vec<usize> = std::iter::once(first)
            .chain((i + 1..run_end).filter(|&k| tabular(&lines[k])))
            .take(tries.0)
            .collect();
        let found = starts.iter().find_map(|&start| {
            (start + 3..=last)
                .rev()
                .filter(|&e| e == last || tabular(&lines[e - 1]))
                .filter(|&e| tabular_in(start, e) >= 3)
                .take(tries.1)
                .find_map(|e| columns_table(&lines[start..e]).map(|t| (t, start, e)))
        });
        match found {
            Some((table, start, end)) => {
                if start < i {
                    rest.truncate(rest.len() - (i - start));
                } else {
                    rest.extend(lines[i..start].iter().cloned());
                }
                tables.push(table);
                i = end;
                floor = end;
            }
            None => {
                rest.extend(lines[i..run_end].iter().cloned());
                i = run_end;
            }
        }
    }
    (tables, rest)
}

/// The gutters between the columns of parts `(x0, x1)`: where no part crosses but the wide
/// ones (over twice the median width: cells spanning columns); their middles, left to right.
pub(super) fn gutters(parts: &[(f32, f32)]) -> Vec<f32> {
    let mut widths: Vec<f32> = parts.iter().map(|(a, b)| b - a).collect();
    widths.sort_by(f32::total_cmp);
    let median = widths.get(widths.len() / 2).copied().unwrap_or(0.0);
    let mut narrow: Vec<(f32, f32)> = parts
        .iter()
        .copied()
        .filter(|(a, b)| b - a <= 2.0 * median)
        .collect();
    narrow.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut reach: Option<f32> = None;
    for (a, b) in narrow {
        match reach {
            Some(r) if a > r + 1.0 => {
                out.push((r + a) / 2.0);
                reach = Some(b);
            }
            Some(r) => reach = Some(r.max(b)),
            None => reach = Some(b),
        }
    }
    out
}

/// Lines as the rows of a table whose columns are the gutters no part crosses (but the cells
/// spanning columns); the lines of wrapped cells join the row of the tabular line nearest to
/// them, and a part over several columns is a cell merged across them.
pub(super) fn columns_table(lines: &[Line]) -> Option<Table> {
    let parts: Vec<(f32, f32)> = lines
        .iter()
        .flat_map(|l| l.chunks.iter().map(|c| (c.0, c.1)))
        .collect();
    let left = parts.iter().map(|p| p.0).fold(f32::MAX, f32::min);
    let right = parts.iter().map(|p| p.1).fold(f32::MIN, f32::max);
    let mut xs = vec![left];
    xs.extend(
        gutters(&parts)
            .into_iter()
            .filter(|x| *x > left && *x < right),
    );
    xs.push(right);
    let cols = xs.len() - 1;
    if cols < 3 {
        return None;
    }
    let column = |x: f32| xs.partition_point(|e| *e <= x).clamp(1, cols) - 1;
    // The parts of each column (by the column they start in), top to bottom.
    struct Part {
        last: usize,
        y: f32,
        size: f32,
        width: f32,
        text: String,
    }
    let mut by_column: Vec<Vec<Part>> = (0..cols).map(|_| Vec::new()).collect();
    for line in lines {
        for (a, b, text) in &line.chunks {
            let (first, last) = (column(a + 0.5), column(b - 0.5));
            by_column[first].push(Part {
                last: last.max(first),
                y: line.y,
                size: line.size,
                width: b - a,
                text: text.clone(),
            });
        }
    }
    // Each column's blocks: a full line and the line close below it are one cell's wrapped
    // text. A block: (first and last column, its middle, its text).
    let mut blocks: Vec<(usize, usize, f32, String)> = Vec::new();
    for (c, parts) in by_column.iter().enumerate() {
        let widest = parts.iter().map(|p| p.width).fold(0.0, f32::max);
        // The block being read: last column, top, bottom, its last line's width, text.
        let mut open: Option<(usize, f32, f32, f32, String)> = None;
        for Part {
            last,
            y,
            size,
            width,
            text,
        } in parts
        {
            let (top, bottom) = (y + 0.8 * size, y - 0.2 * size);
            open = match open.take() {
                Some((l, t, b, w, mut acc))
                    if w >= 0.8 * widest && b - top <= 0.6 * size && l == *last =>
                {
                    if needs_space(&acc, text) {
                        acc.push(' ');
                    }
                    acc.push_str(text);
                    Some((l, t, bottom, *width, acc))
                }
                Some((l, t, b, _, acc)) => {
                    blocks.push((c, l, (t + b) / 2.0, acc));
                    Some((*last, top, bottom, *width, text.clone()))
                }
                None => Some((*last, top, bottom, *width, text.clone())),
            };
        }
        if let Some((l, t, b, _, acc)) = open {
            blocks.push((c, l, (t + b) / 2.0, acc));
        }
    }
    // Rows: blocks whose middles meet (a cell's text is set in the middle of its row).
    let size = lines.iter().map(|l| l.size).fold(f32::MAX, f32::min);
    blocks.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut rows_of: Vec<Vec<(usize, usize, String)>> = Vec::new();
    let mut middle = f32::MAX;
    for (first, last, mid, text) in blocks {
        if rows_of.is_empty() || middle - mid > 0.4 * size {
            rows_of.push(Vec::new());
            middle = mid;
        }
        let row = rows_of.last_mut().expect("a row was just opened");
        // Two blocks of one column in one row: the rows cannot be told apart.
        if row.iter().any(|(f, l, _)| first <= *l && *f <= last) {
            return None;
        }
        row.push((first, last, text));
    }
    let rows = rows_of
        .into_iter()
        .enumerate()
        .map(|(r, parts)| {
            let mut row: Vec<Cell> = (0..cols)
                .map(|c| Cell {
                    text: String::new(),
                    anchor: (r, c),
                })
                .collect();
            // A row of a label and its value (项目名称 | …): the value, set in the middle of the
            // cell it fills, fills the columns after the label.
            let label_and_value = parts.len() == 2 && parts[0].1 < parts[1].0;
            let value_from = parts.first().map(|p| p.1 + 1);
            for (first, last, text) in parts {
                let first = match value_from {
                    Some(from) if label_and_value && first >= from => from,
                    _ => first,
                };
                for cell in &mut row[first..=last] {
                    *cell = Cell {
                        text: text.clone(),
                        anchor: (r, first),
                    };
                }
            }
            row
        })
        .collect();
    Some(Table {
        xs,
        top: lines[0].y + lines[0].size,
        bottom: lines[lines.len() - 1].y,
        rows,
        ends: BTreeMap::new(),
    })
}
