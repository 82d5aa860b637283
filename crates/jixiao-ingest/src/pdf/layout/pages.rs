//! A table that runs over pages: the part on the next page joined to the part before it.

use super::*;

/// Whether `next` (first on its page) continues `table` (last on the page before): the same
/// outer edges.
pub(super) fn continues(table: &Table, next: &Table) -> bool {
    let edge = |a: Option<&f32>, b: Option<&f32>| {
        a.zip(b).is_some_and(|(a, b)| (a - b).abs() <= 3.0 * SNAP)
    };
    edge(table.xs.first(), next.xs.first()) && edge(table.xs.last(), next.xs.last())
}

pub(super) fn row_texts(row: &[Cell]) -> Vec<&str> {
    row.iter().map(|c| c.text.as_str()).collect()
}

/// The table on the columns `xs` (its own edges and more): a cell that covers several of the new
/// columns is merged across them.
pub(super) fn regrid(table: &mut Table, xs: &[f32]) {
    if table.xs.len() == xs.len() {
        return;
    }
    let old: Vec<usize> = xs
        .windows(2)
        .map(|w| {
            let mid = (w[0] + w[1]) / 2.0;
            table
                .xs
                .partition_point(|e| *e < mid)
                .clamp(1, table.xs.len() - 1)
                - 1
        })
        .collect();
    let first_new = |k: usize| old.iter().position(|o| *o >= k).unwrap_or(0);
    for row in &mut table.rows {
        *row = old
            .iter()
            .map(|&k| {
                let cell = &row[k.min(row.len() - 1)];
                Cell {
                    text: cell.text.clone(),
                    anchor: (cell.anchor.0, first_new(cell.anchor.1)),
                }
            })
            .collect();
    }
    table.xs = xs.to_vec();
}

/// Joins `next`, the part of a table on the next page, to `table`: the header rows printed again
/// are dropped; a row broken by the page break is made whole again; a cell merged down to the
/// foot of the page (an 一级指标 spanning rows) goes on over the rows it spans on the new page.
pub(super) fn join(table: &mut Table, row_pages: &mut Vec<u32>, mut next: Table, page: u32) {
    let header_rows = next
        .rows
        .iter()
        .zip(&table.rows)
        .take(3)
        .take_while(|(a, b)| {
            row_texts(a).len() == row_texts(b).len() && row_texts(a) == row_texts(b)
        })
        .count();
    let cut = cut_row(table, &next, header_rows);
    let halved = if cut {
        Vec::new()
    } else {
        halved_cells(table, &next, header_rows)
    };
    let xs = cluster(table.xs.iter().chain(&next.xs).copied().collect());
    regrid(table, &xs);
    regrid(&mut next, &xs);
    let repeated = next
        .rows
        .iter()
        .zip(&table.rows)
        .take(3)
        .take_while(|(a, b)| row_texts(a) == row_texts(b))
        .count();
    let mut rows: Vec<Vec<Cell>> = next.rows.into_iter().skip(repeated).collect();
    for (r, row) in rows.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            if cell.anchor.0 < repeated {
                // Merged into a header row printed again (no rule under it): not the header's
                // text, a cell of its own, empty (what goes on from above is seen to below).
                *cell = Cell {
                    text: String::new(),
                    anchor: (r, c),
                };
            } else {
                cell.anchor.0 -= repeated;
            }
        }
    }
    let last = table.rows.len() - 1;
    let offset = table.rows.len();
    // Where each of the new part's merged cells goes: by default a cell of its own, moved down.
    let mut moved: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
    let mut drop_first = false;
    if let Some(first) = rows.first().cloned() {
        let tail = table.rows[last].clone();
        if cut {
            // The last row goes on at the top of the new page: its cells' text continues.
            drop_first = true;
            for c in 0..first.len() {
                let cell = &first[c];
                let target = tail[c].anchor;
                if cell.anchor == (0, c) && !cell.text.is_empty() {
                    let joined = format!("{}{}", table.rows[target.0][target.1].text, cell.text);
                    for row in &mut table.rows {
                        for x in row.iter_mut().filter(|x| x.anchor == target) {
                            x.text.clone_from(&joined);
                        }
                    }
                }
                moved.entry(cell.anchor).or_insert(target);
            }
        } else {
            for c in 0..first.len() {
                let above = tail[c].anchor;
                if halved.iter().any(|x| (x - xs[c]).abs() <= 3.0 * SNAP)
                    && first[c].anchor == (0, c)
                {
                    // Half the words above the break, half below: one cell's text, made whole.
                    let joined = format!("{}{}", tail[c].text, first[c].text);
                    for row in table.rows.iter_mut() {
                        for x in row.iter_mut().filter(|x| x.anchor == above) {
                            x.text.clone_from(&joined);
                        }
                    }
                    moved.entry(first[c].anchor).or_insert(above);
                    continue;
                }
                // A cell merged down to the foot of the page (or a name cell of the first
                // columns, such as 一级指标, starting on the last row) goes on.
                let merged = above.0 < last
                    || (c < 3 && !tail[c].text.chars().any(|ch| ch.is_ascii_digit()));
                if first[c].text.is_empty()
                    && !tail[c].text.is_empty()
                    && merged
                    && first[c].anchor.0 == 0
                {
                    moved.entry(first[c].anchor).or_insert(above);
                }
            }
        }
    }
    let skip = usize::from(drop_first);
    for row in rows.into_iter().skip(skip) {
        row_pages.push(page);
        let row = row
            .into_iter()
            .map(|cell| match moved.get(&cell.anchor) {
                Some(&to) => Cell {
                    text: table.rows[to.0][to.1].text.clone(),
                    anchor: to,
                },
                None => Cell {
                    anchor: (cell.anchor.0 + offset - skip, cell.anchor.1),
                    ..cell
                },
            })
            .collect();
        table.rows.push(row);
    }
    table.bottom = next.bottom;
}

/// Whether the text of a cell (`a`) was cut by the page break and goes on in the cell below it
/// on the next page (`b`): `a` ends in a full line, of text long enough to be cut (not a number
/// centred in a narrow column), and `b`'s first piece would not have fitted on it.
pub(super) fn cut(a: &Ends, b: &Ends) -> bool {
    let full = a.last_x0 <= a.left + PADDING + 0.5 * a.size;
    let long = a.lines > 1 || a.last_x1 - a.last_x0 >= 2.5 * a.size;
    full && long && a.last_x1 + b.first_width > a.right - PADDING
}

/// The left edges of the merged cells the page break cut in the middle of their text: the
/// last row's cell ends in a full line at the foot of the page, and the cell below it on the new
/// page, merged down over rows, goes on from its top (`社会效` above the break, `益指标` below it,
/// for 社会效益指标).
pub(super) fn halved_cells(table: &Table, next: &Table, first: usize) -> Vec<f32> {
    let last = table.rows.len().saturating_sub(1);
    let Some(tail) = table.rows.last() else {
        return Vec::new();
    };
    let spans_rows = |t: &Table, anchor: (usize, usize)| {
        t.rows
            .iter()
            .filter(|row| row.get(anchor.1).is_some_and(|c| c.anchor == anchor))
            .count()
            > 1
    };
    tail.iter()
        .filter_map(|cell| {
            let a = table.ends.get(&cell.anchor)?;
            let (below, b) = next
                .ends
                .iter()
                .find(|((r, _), b)| *r == first && (b.left - a.left).abs() <= 3.0 * SNAP)?;
            let merged = cell.anchor.0 < last || spans_rows(next, *below);
            // Text cut by the break runs down to the foot of its part of the cell and on from
            // the top of the next part; a whole cell's text has room left around it.
            let line = 1.5 * a.size.max(b.size);
            let at_break = a.room_below < line && b.room_above < line;
            (merged && at_break && cut(a, b)).then_some(a.left)
        })
        .collect()
}

/// Whether the page break cut the table's last row in two, its text going on in the row `first`
/// of `next`: some cells of the last row end in a full line whose text goes on in the cell below,
/// every cell below that has text is such a continuation, and some cell of the last row has
/// nothing below it (a row that ended would have a new row of cells there).
pub(super) fn cut_row(table: &Table, next: &Table, first: usize) -> bool {
    let last = table.rows.len().saturating_sub(1);
    let above: Vec<&Ends> = table
        .ends
        .iter()
        .filter(|((r, _), _)| *r == last)
        .map(|(_, e)| e)
        .collect();
    let below: Vec<&Ends> = next
        .ends
        .iter()
        .filter(|((r, _), _)| *r == first)
        .map(|(_, e)| e)
        .collect();
    let same_column = |a: &Ends, b: &Ends| (a.left - b.left).abs() <= 3.0 * SNAP;
    let continued = below
        .iter()
        .all(|b| above.iter().any(|a| same_column(a, b) && cut(a, b)));
    let ended = above
        .iter()
        .any(|a| !below.iter().any(|b| same_column(a, b)));
    !below.is_empty() && continued && ended
}
