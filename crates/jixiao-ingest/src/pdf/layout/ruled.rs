//! Tables drawn with rules: the grid the rules draw, merged cells, each glyph's cell (and a
//! spreadsheet's text too tall for its rows fitted to its cells).

use super::*;

/// Values within `SNAP` of each other as one (their mean), sorted.
pub(super) fn cluster(mut values: Vec<f32>) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some((sum, n)) if v - *sum / *n as f32 <= SNAP => {
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, 1)),
        }
    }
    out.into_iter().map(|(sum, n)| sum / n as f32).collect()
}

/// Rules on one line joined where they touch: rules within a point of each other across are
/// one line, and along it they are joined where they overlap or nearly meet.
pub(super) fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut lines: Vec<Vec<Rule>> = Vec::new();
    for r in rules {
        match lines.last_mut() {
            Some(line) if r.at - line[0].at <= 1.0 => line.push(r),
            _ => lines.push(vec![r]),
        }
    }
    let mut out = Vec::new();
    for mut line in lines {
        let at = line.iter().map(|r| r.at).sum::<f32>() / line.len() as f32;
        line.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut current: Option<Rule> = None;
        for r in line {
            current = match current {
                Some(mut c) if r.from <= c.to + SNAP => {
                    c.to = c.to.max(r.to);
                    Some(c)
                }
                Some(c) => {
                    out.push(c);
                    Some(Rule { at, ..r })
                }
                None => Some(Rule { at, ..r }),
            };
        }
        out.extend(current);
    }
    out
}

pub(super) struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind((0..n).collect())
    }
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

pub(super) fn crosses(h: &Rule, v: &Rule) -> bool {
    v.at >= h.from - SNAP && v.at <= h.to + SNAP && h.at >= v.from - SNAP && h.at <= v.to + SNAP
}

/// The tables a page's rules draw, each with the glyphs inside it; the glyphs outside any
/// table come back as the rest.
pub(super) fn ruled_tables(page: &Page) -> (Vec<Table>, Vec<&Glyph>) {
    // Rules longer than a page is wide are noise; so are thousands of them (a drawing).
    let horizontal = merge(page.horizontal.clone());
    let vertical = merge(page.vertical.clone());
    if horizontal.len() + vertical.len() > 20_000 {
        return (Vec::new(), page.glyphs.iter().collect());
    }
    let n = horizontal.len();
    let mut sets = UnionFind::new(n + vertical.len());
    for (i, h) in horizontal.iter().enumerate() {
        for (j, v) in vertical.iter().enumerate() {
            if crosses(h, v) {
                sets.union(i, n + j);
            }
        }
    }
    let mut groups: BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = BTreeMap::new();
    for (i, h) in horizontal.iter().enumerate() {
        groups.entry(sets.find(i)).or_default().0.push(*h);
    }
    for (j, v) in vertical.iter().enumerate() {
        groups.entry(sets.find(n + j)).or_default().1.push(*v);
    }
    let mut tables = Vec::new();
    let mut taken = vec![false; page.glyphs.len()];
    for (h, v) in groups.into_values() {
        if h.len() < 2 || v.len() < 2 {
            continue;
        }
        if let Some(table) = ruled_table(&h, &v, page, &mut taken) {
            // A table read as nothing (its text runs over its rules) is kept out of the text
            // too; it comes back with no rows, to be noted.
            tables.push(table);
        }
    }
    let rest = page
        .glyphs
        .iter()
        .zip(taken)
        .filter(|(_, t)| !t)
        .map(|(g, _)| g)
        .collect();
    (tables, rest)
}

/// The table drawn by one connected set of rules.
pub(super) fn ruled_table(
    h: &[Rule],
    v: &[Rule],
    page: &Page,
    taken: &mut [bool],
) -> Option<Table> {
    let xs = cluster(v.iter().map(|r| r.at).collect());
    let mut ys = cluster(h.iter().map(|r| r.at).collect());
    // Where the borders stop short of a closing rule (a browser leaves the bottom border off a
    // table cut by a page break), the ends of the vertical rules close the row.
    let ends = cluster(v.iter().flat_map(|r| [r.from, r.to]).collect());
    let open: Vec<f32> = ends
        .into_iter()
        .filter(|e| ys.iter().all(|y| (y - e).abs() > 2.0 * SNAP))
        .collect();
    ys.extend(open);
    ys.sort_by(|a, b| b.total_cmp(a)); // top first
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    // A grid too large to be a table (a drawing, a hostile file) is not read as one: each of its
    // cell borders is looked for among its rules.
    if rows * cols > 100_000 || (rows * cols).saturating_mul(h.len() + v.len()) > 20_000_000 {
        return None;
    }
    let mid_y = |r: usize| (ys[r] + ys[r + 1]) / 2.0;
    let mid_x = |c: usize| (xs[c] + xs[c + 1]) / 2.0;
    let vertical_at = |x: f32, y: f32| {
        v.iter()
            .any(|r| (r.at - x).abs() <= SNAP && r.from - SNAP <= y && y <= r.to + SNAP)
    };
    let horizontal_at = |y: f32, x: f32| {
        h.iter()
            .any(|r| (r.at - y).abs() <= SNAP && r.from - SNAP <= x && x <= r.to + SNAP)
    };
    let mut cells = UnionFind::new(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !vertical_at(xs[c + 1], mid_y(r)) {
                cells.union(r * cols + c, r * cols + c + 1);
            }
            if r + 1 < rows && !horizontal_at(ys[r + 1], mid_x(c)) {
                cells.union(r * cols + c, (r + 1) * cols + c);
            }
        }
    }
    // Each glyph's cell: where its middle is, but for text that runs over its cell (below).
    let mut placed: Vec<(usize, usize, usize)> = Vec::new();
    let mut overflowing = std::collections::BTreeSet::new();
    let (left, right, top, bottom) = (xs[0], xs[cols], ys[0], ys[rows]);
    for (i, g) in page.glyphs.iter().enumerate() {
        let (mut x, mut y) = ((g.x + g.end) / 2.0, g.y + 0.3 * g.size);
        // Text clipped out of sight belongs where its clipping box is.
        if let Some([x0, y0, x1, y1]) = g.clip
            && x0 <= x1
            && y0 <= y1
        {
            x = x.clamp(x0, x1);
            y = y.clamp(y0, y1);
        }
        if taken[i] || x < left || x > right || y > top || y < bottom {
            continue;
        }
        let mut c = xs.partition_point(|e| *e < x).clamp(1, cols) - 1;
        let r = ys.partition_point(|e| *e > y).clamp(1, rows) - 1;
        // A glyph drawn across the rule on its left ran over from the cell there (a
        // spreadsheet's text too long for its cell spills into the next).
        if c > 0 && g.x < xs[c] - 0.5 && vertical_at(xs[c], g.y + 0.3 * g.size) {
            c -= 1;
        }
        // Text drawn across a rule above or below it: its column's text runs over its rows
        // (a spreadsheet's wrapped text too tall for its row).
        let (head, foot) = (g.y + 0.75 * g.size, g.y - 0.1 * g.size);
        let across = |at: f32| foot + 0.5 < at && at < head - 0.5 && horizontal_at(at, x);
        if (r > 0 && across(ys[r])) || (r + 1 < rows && across(ys[r + 1])) {
            overflowing.insert(c);
        }
        placed.push((i, r, c));
    }
    let collided = keep_runs_together(&mut placed, page, &xs, &mut cells);
    let mut overrun = false;
    for &c in &overflowing {
        overrun |= !refit_column(c, &mut placed, page, (&xs, &ys), &mut cells);
    }
    // A cell with glyphs drawn over another cell's cannot be read: it is left empty.
    let spoilt: std::collections::BTreeSet<usize> = collided
        .iter()
        .map(|&(r, c)| cells.find(r * cols + c))
        .collect();
    let mut glyphs: BTreeMap<usize, Vec<&Glyph>> = BTreeMap::new();
    let mut claimed = Vec::new();
    for &(i, r, c) in &placed {
        claimed.push(i);
        let cell = cells.find(r * cols + c);
        if !spoilt.contains(&cell) {
            glyphs.entry(cell).or_default().push(&page.glyphs[i]);
        }
    }
    let mut right_edge: BTreeMap<usize, f32> = BTreeMap::new();
    let mut cell_top: BTreeMap<usize, f32> = BTreeMap::new();
    let mut cell_bottom: BTreeMap<usize, f32> = BTreeMap::new();
    for r in 0..rows {
        for c in 0..cols {
            let a = cells.find(r * cols + c);
            let e = right_edge.entry(a).or_insert(xs[c + 1]);
            *e = e.max(xs[c + 1]);
            cell_top.entry(a).or_insert(ys[r]);
            cell_bottom.insert(a, ys[r + 1]);
        }
    }
    let mut ends = BTreeMap::new();
    let mut texts: BTreeMap<usize, String> = BTreeMap::new();
    for (a, g) in glyphs {
        let lines = lines(g);
        let right = right_edge[&a];
        if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
            ends.insert(
                (a / cols, a % cols),
                Ends {
                    left: xs[a % cols],
                    right,
                    first_width: first.first_width,
                    last_x0: last.x0,
                    last_x1: last.x1,
                    size: first.size,
                    lines: lines.len(),
                    room_above: cell_top[&a] - (first.y + 0.8 * first.size),
                    room_below: (last.y - 0.2 * last.size) - cell_bottom[&a],
                },
            );
        }
        texts.insert(a, cell_text(&lines, xs[a % cols], right));
    }
    let distinct = (0..rows * cols)
        .map(|i| cells.find(i))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if distinct < 2 {
        return None; // one box around text (a framed paragraph): not a table
    }
    for i in claimed {
        taken[i] = true;
    }
    if overrun {
        // Its text is left out altogether (neither a table nor prose), and said so.
        return Some(Table {
            xs,
            top,
            bottom,
            rows: Vec::new(),
            ends: BTreeMap::new(),
        });
    }
    let grid = (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| {
                    let a = cells.find(r * cols + c);
                    Cell {
                        text: texts.get(&a).cloned().unwrap_or_default(),
                        anchor: (a / cols, a % cols),
                    }
                })
                .collect()
        })
        .collect();
    Some(Table {
        xs,
        top,
        bottom,
        rows: grid,
        ends,
    })
}

/// Text that runs on over the rule on its right (a figure too wide for its cell, `19.84` drawn
/// over into the next column) stays in the cell where it starts: a glyph that touches the one
/// before it on its line, with no gap, is in that glyph's cell. Two cells' texts are never
/// read as one figure, nor one figure as two: where glyphs of two cells are drawn over each
/// other (`33.78%` over `3.38`), both cells are returned, to be left unread.
fn keep_runs_together(
    placed: &mut [(usize, usize, usize)],
    page: &Page,
    xs: &[f32],
    cells: &mut UnionFind,
) -> Vec<(usize, usize)> {
    let cols = xs.len() - 1;
    let mut collided = Vec::new();
    let mut order: Vec<usize> = (0..placed.len()).collect();
    let index: Vec<usize> = placed.iter().map(|p| p.0).collect();
    let glyph = |k: usize| &page.glyphs[index[k]];
    order.sort_by(|&a, &b| {
        let (a, b) = (glyph(a), glyph(b));
        b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x))
    });
    // Lines: glyphs on one baseline, left to right.
    let mut line_start = 0;
    for n in 1..=order.len() {
        let new_line = n == order.len() || {
            let (p, g) = (glyph(order[n - 1]), glyph(order[n]));
            (p.y - g.y).abs() > 0.3 * p.size.max(g.size)
        };
        if !new_line {
            continue;
        }
        let mut line = order[line_start..n].to_vec();
        line.sort_by(|&a, &b| glyph(a).x.total_cmp(&glyph(b).x));
        for w in 1..line.len() {
            let (p, g) = (glyph(line[w - 1]), glyph(line[w]));
            let gap = g.x - p.end;
            let same_row = placed[line[w - 1]].1 == placed[line[w]].1;
            let (row, from, to) = (placed[line[w]].1, placed[line[w]].2, placed[line[w - 1]].2);
            // Glyphs of two cells (across a rule), not of one merged cell.
            let two_cells =
                same_row && cells.find(row * cols + from) != cells.find(row * cols + to);
            let over =
                gap < -0.3 * p.size && !(g.text == p.text && (g.x - p.x).abs() < 0.1 * p.size);
            if two_cells && over {
                collided.extend([(row, from), (row, to)]);
            } else if two_cells && gap < 0.1 * p.size && gap > -0.3 * p.size {
                let middle = (xs[from] + xs[from + 1]) / 2.0;
                if (g.x + g.end) / 2.0 > middle {
                    // Run on past the middle of the next cell: into its own text.
                    collided.extend([(row, from), (row, to)]);
                }
                placed[line[w]].2 = to;
            }
        }
        line_start = n;
    }
    collided
}

/// Places the lines of column `c` whose text runs over its rows (a spreadsheet's wrapped text,
/// too tall for its row, centred on it and so drawn over the rows above and below): each cell
/// of the column takes the lines, in order, whose block sits on it best, all the blocks aligned
/// the same way (top, middle or bottom, whichever fits the column best). Returns false when
/// even the best fit leaves a block off its cell by half the cell's height or more: the column
/// cannot be told apart, and the table is not read.
pub(super) fn refit_column(
    c: usize,
    placed: &mut [(usize, usize, usize)],
    page: &Page,
    (xs, ys): (&[f32], &[f32]),
    cells: &mut UnionFind,
) -> bool {
    let cols = xs.len() - 1;
    let (xs_left, xs_right) = (xs[c], xs[c + 1]);
    // The column's cells, top to bottom: (anchor, top, bottom, a row of it).
    let rows = ys.len() - 1;
    let mut column: Vec<(usize, f32, f32, usize)> = Vec::new();
    for r in 0..rows {
        let a = cells.find(r * cols + c);
        match column.last_mut() {
            Some(last) if last.0 == a => last.2 = ys[r + 1],
            _ => column.push((a, ys[r], ys[r + 1], r)),
        }
    }
    // The column's lines, top to bottom: (baseline, top, bottom, indices into `placed`).
    let mut lines: Vec<(f32, f32, f32, Vec<usize>)> = Vec::new();
    let mut mine: Vec<usize> = (0..placed.len()).filter(|&k| placed[k].2 == c).collect();
    mine.sort_by(|&a, &b| {
        page.glyphs[placed[b].0]
            .y
            .total_cmp(&page.glyphs[placed[a].0].y)
    });
    for k in mine {
        let g = &page.glyphs[placed[k].0];
        match lines.last_mut() {
            Some(l) if (l.0 - g.y).abs() <= 0.3 * g.size => {
                l.1 = l.1.max(g.y + 0.8 * g.size);
                l.2 = l.2.min(g.y - 0.2 * g.size);
                l.3.push(k);
            }
            _ => lines.push((g.y, g.y + 0.8 * g.size, g.y - 0.2 * g.size, vec![k])),
        }
    }
    let (n, m) = (lines.len(), column.len());
    if n == 0 || m == 0 {
        return true;
    }
    // Whether line l runs on in line l + 1 (it is full and what follows would not have fitted
    // on it): the two may be one cell's text (a full line may also end a cell's text).
    let texts: Vec<Line> = lines
        .iter()
        .map(|l| line_of(l.3.iter().map(|&k| &page.glyphs[placed[k].0]).collect()))
        .collect();
    let (left, right) = (xs_left + PADDING / 2.0, xs_right - PADDING / 2.0);
    let runs_on: Vec<bool> = texts
        .windows(2)
        .map(|w| wrapped(&w[0], &w[1], left, right))
        .collect();
    const MOST: usize = 6; // lines one cell may hold
    const EMPTY: f32 = 0.35; // of the cell's height
    let mut fitting: Vec<(f32, Vec<usize>)> = Vec::new();
    for align in 0..3 {
        // Cost of lines i..j on cell k: how far the block sits from where it would be.
        let off = |i: usize, j: usize, k: usize| {
            let (_, top, bottom, _) = column[k];
            let (block_top, block_bottom) = (lines[i].1, lines[j - 1].2);
            match align {
                0 => (block_top - top).abs(),
                1 => ((block_top + block_bottom) - (top + bottom)).abs() / 2.0,
                _ => (block_bottom - bottom).abs(),
            }
        };
        // Squared, so that every block sitting a little off costs less than one far off; and a
        // block holding a line that does not run on in the next (two texts, not one wrapped)
        // costs as much as a block off by half its cell.
        let cost_of = |i: usize, j: usize, k: usize| {
            let height = column[k].1 - column[k].2;
            let breaks = (i..j - 1).filter(|&l| !runs_on[l]).count();
            off(i, j, k).powi(2) + breaks as f32 * (0.5 * height).powi(2)
        };
        // dp[k][i]: the least cost of the first i lines on the first k cells, and where
        // cell k-1's lines start.
        let mut dp = vec![vec![(f32::INFINITY, 0usize); n + 1]; m + 1];
        dp[0][0] = (0.0, 0);
        for k in 0..m {
            for i in 0..=n {
                let (cost, _) = dp[k][i];
                if !cost.is_finite() {
                    continue;
                }
                // A cell left empty costs something: the cells of a column mostly have text,
                // and without it the lines would gather on a few cells.
                let empty = cost + (EMPTY * (column[k].1 - column[k].2)).powi(2);
                if empty < dp[k + 1][i].0 {
                    dp[k + 1][i] = (empty, i);
                }
                let last = n.min(i + MOST);
                for (j, slot) in dp[k + 1].iter_mut().enumerate().take(last + 1).skip(i + 1) {
                    let total = cost + cost_of(i, j, k);
                    if total < slot.0 {
                        *slot = (total, i);
                    }
                }
            }
        }
        let total = dp[m][n].0;
        if !total.is_finite() {
            continue;
        }
        // Walk back: the cell of each line; a block off its cell by half its height fails.
        let mut of_line = vec![0usize; n];
        let mut j = n;
        let mut fits = true;
        for k in (0..m).rev() {
            let i = dp[k + 1][j].1;
            if i < j {
                let height = column[k].1 - column[k].2;
                fits &= off(i, j, k) < 0.5 * height;
                of_line[i..j].iter_mut().for_each(|x| *x = k);
            }
            j = i;
        }
        if fits {
            fitting.push((total, of_line));
        }
    }
    fitting.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Two ways of aligning that both fit and place the lines differently, the second costing
    // less more than an empty cell does: the column cannot be told.
    let mut heights: Vec<f32> = column.iter().map(|c| c.1 - c.2).collect();
    heights.sort_by(f32::total_cmp);
    let margin = (EMPTY * heights[heights.len() / 2]).powi(2);
    if let [(best, a), (next, b), ..] = fitting.as_slice()
        && a != b
        && *next - *best < margin
    {
        return false;
    }
    let Some((_, of_line)) = fitting.into_iter().next() else {
        return false;
    };
    for (l, line) in lines.iter().enumerate() {
        let row = column[of_line[l]].3;
        for &k in &line.3 {
            placed[k].1 = row;
        }
    }
    true
}

/// A cell's lines as its text: a line that runs to the cell's edge was wrapped and goes on
/// the next line without a break; a line that ends short ended a paragraph.
pub(super) fn cell_text(lines: &[Line], left: f32, right: f32) -> String {
    let mut text = String::new();
    let mut prev: Option<&Line> = None;
    for line in lines {
        if let Some(p) = prev {
            // A cell's text stops short of its edge by the cell's padding.
            if !wrapped(p, line, left + PADDING, right - PADDING) {
                text.push('\n');
            } else if needs_space(&text, &line.text) {
                text.push(' ');
            }
        }
        text.push_str(&line.text);
        prev = Some(line);
    }
    text
}
