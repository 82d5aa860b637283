//! From glyphs and rules on pages to a [`Document`]: tables rebuilt from the rules drawn around
//! their cells (or, without rules, from columns of text), lines of text joined into paragraphs,
//! page headers and footers left out, a table that runs over pages joined into one grid with its
//! repeated header rows dropped.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::content::{Glyph, Page, Rule};
use crate::document::{Cell, Document, Grid, GridOrigin};

/// How close two rules are to count as one line (points).
const SNAP: f32 = 2.0;

/// A line of text: glyphs on one baseline, left to right.
#[derive(Debug, Clone)]
struct Line {
    y: f32,
    x0: f32,
    x1: f32,
    size: f32,
    text: String,
    /// Parts separated by a wide gap: (x0, x1, text).
    spans: Vec<(f32, f32, String)>,
    /// Parts separated by a wide gap, or by a small one where a new text object starts (a
    /// program writing a table without rules starts one per cell): what an unruled table's
    /// columns are found from.
    chunks: Vec<(f32, f32, String)>,
    /// How wide the line's first unbreakable piece is (a character with the punctuation that
    /// may not be parted from it, or a run of Latin letters and digits): had it fitted at the end
    /// of the line before, it would have been put there.
    first_width: f32,
}

/// Punctuation a line may not start with (it stays with the character before it; a solidus
/// too, as in `万元/人`).
fn closing(c: char) -> bool {
    "，。、；：）》”’】！？%…,.;:)!?/／".contains(c)
}

/// Punctuation a line may not end with.
fn opening(c: char) -> bool {
    "（《“‘【〔(".contains(c)
}

fn latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '%' | '-')
}

/// The width of the first unbreakable piece of glyphs sorted by x.
fn first_piece(glyphs: &[&Glyph]) -> f32 {
    let Some(first) = glyphs.first() else {
        return 0.0;
    };
    let ch = |g: &Glyph| g.text.chars().next().unwrap_or(' ');
    let mut end = first.end;
    let mut i = 1;
    let lead = ch(first);
    if opening(lead)
        && let Some(g) = glyphs.get(1)
    {
        end = g.end;
        i = 2;
    }
    let word = latin(glyphs[i - 1].text.chars().next().unwrap_or(' '));
    let mut joined = false;
    for g in &glyphs[i..] {
        let c = ch(g);
        if closing(c) || (word && latin(c)) || joined {
            end = g.end;
            // A solidus binds what follows it too: `元/人` is one piece.
            joined = matches!(c, '/' | '／');
        } else {
            break;
        }
    }
    end - first.x
}

/// A table found on a page, before it is joined with its continuation.
#[derive(Debug, Clone)]
struct Table {
    /// Column edges, left to right.
    xs: Vec<f32>,
    /// Top of the table.
    top: f32,
    bottom: f32,
    rows: Vec<Vec<Cell>>,
    /// Where the text of each merged cell (by anchor) starts and ends, to tell a row the page
    /// break cut from one that ended.
    ends: BTreeMap<(usize, usize), Ends>,
}

/// A cell's text against its cell: its first line's first piece, its last line's end.
#[derive(Debug, Clone, Copy)]
struct Ends {
    left: f32,
    right: f32,
    first_width: f32,
    last_x0: f32,
    last_x1: f32,
    size: f32,
    lines: usize,
    /// How far the text stops short of the cell's top and bottom edges.
    room_above: f32,
    room_below: f32,
}

/// A cell's text stops short of its edge by the cell's padding (Word's default is 0.19 cm).
const PADDING: f32 = 6.0;

/// What a page holds, top to bottom.
#[derive(Debug)]
enum Block {
    Line(Line),
    Table(Table),
    /// Something left unread, for the document's notes.
    Note(String),
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Glyphs on one baseline (sorted by x) as text: abutting glyphs joined, a word space where
/// Latin text has one, two spaces at a wide gap (as a cover line separates its parts).
fn line_of(mut glyphs: Vec<&Glyph>) -> Line {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let first_width = first_piece(&glyphs);
    let size = glyphs.iter().map(|g| g.size).fold(0.0, f32::max).max(1.0);
    let mut spans: Vec<(f32, f32, String)> = Vec::new();
    let mut chunks: Vec<(f32, f32, String)> = Vec::new();
    let mut text = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in glyphs {
        if let Some(p) = prev {
            // A glyph drawn twice over itself (fake bold) is one glyph.
            if (g.x - p.x).abs() < 0.1 * size && g.text == p.text {
                continue;
            }
            let gap = g.x - p.end;
            if gap > 1.2 * size || (g.object != p.object && gap > 0.15 * size) {
                chunks.push((g.x, g.end, String::new()));
            }
            let last = text.chars().last();
            let next = g.text.chars().next();
            if gap > 1.2 * size {
                text.push_str("  ");
                spans.push((g.x, g.end, String::new()));
            } else if gap > 0.25 * size
                && !last.is_some_and(|c| c == ' ' || is_cjk(c))
                && !next.is_some_and(|c| c == ' ' || is_cjk(c))
            {
                text.push(' ');
                if let Some(s) = spans.last_mut() {
                    s.2.push(' ');
                }
            }
        } else {
            spans.push((g.x, g.end, String::new()));
            chunks.push((g.x, g.end, String::new()));
        }
        text.push_str(&g.text);
        for s in [spans.last_mut(), chunks.last_mut()].into_iter().flatten() {
            s.1 = s.1.max(g.end);
            s.2.push_str(&g.text);
        }
        prev = Some(g);
    }
    let tidy = |parts: Vec<(f32, f32, String)>| -> Vec<(f32, f32, String)> {
        parts
            .into_iter()
            .map(|(a, b, t)| (a, b, t.trim().to_owned()))
            .filter(|s| !s.2.is_empty())
            .collect()
    };
    let x0 = spans.first().map_or(0.0, |s| s.0);
    let x1 = spans.iter().map(|s| s.1).fold(x0, f32::max);
    Line {
        y: 0.0,
        x0,
        x1,
        size,
        text: text.trim().to_owned(),
        spans: tidy(spans),
        chunks: tidy(chunks),
        first_width,
    }
}

/// Whether `next` starts where `prev` ended because `prev` was full: `next`'s first piece would
/// not have fitted before `right`.
/// Centred text (a title, a cell's words) wraps when the two would not fit side by side
/// between `left` and `right`.
fn wrapped(prev: &Line, next: &Line, left: f32, right: f32) -> bool {
    let tolerance = 0.5 * prev.size.min(next.size).min(12.0);
    let centred = ((prev.x0 - left) - (right - prev.x1)).abs() <= prev.size;
    prev.x1 + next.first_width > right - tolerance
        || (centred && prev.x1 - prev.x0 + next.first_width > right - left - tolerance)
}

/// Glyphs grouped into lines by baseline, top to bottom.
fn lines<'g>(glyphs: impl IntoIterator<Item = &'g Glyph>) -> Vec<Line> {
    let mut glyphs: Vec<&Glyph> = glyphs
        .into_iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<(f32, Vec<&Glyph>)> = Vec::new();
    for g in glyphs {
        match out.last_mut() {
            Some((y, group)) if (*y - g.y).abs() <= (0.3 * g.size).max(1.0) => group.push(g),
            _ => out.push((g.y, vec![g])),
        }
    }
    out.into_iter()
        .map(|(y, group)| Line {
            y,
            ..line_of(group)
        })
        .filter(|l| !l.text.is_empty())
        .collect()
}

/// Values within `SNAP` of each other as one (their mean), sorted.
fn cluster(mut values: Vec<f32>) -> Vec<f32> {
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
fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
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

struct UnionFind(Vec<usize>);

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

fn crosses(h: &Rule, v: &Rule) -> bool {
    v.at >= h.from - SNAP && v.at <= h.to + SNAP && h.at >= v.from - SNAP && h.at <= v.to + SNAP
}

/// The tables a page's rules draw, each with the glyphs inside it; the glyphs outside any
/// table come back as the rest.
fn ruled_tables(page: &Page) -> (Vec<Table>, Vec<&Glyph>) {
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
fn ruled_table(h: &[Rule], v: &[Rule], page: &Page, taken: &mut [bool]) -> Option<Table> {
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
    let mut overrun = false;
    for &c in &overflowing {
        overrun |= !refit_column(c, &mut placed, page, (&xs, &ys), &mut cells);
    }
    let mut glyphs: BTreeMap<usize, Vec<&Glyph>> = BTreeMap::new();
    let mut claimed = Vec::new();
    for &(i, r, c) in &placed {
        claimed.push(i);
        glyphs
            .entry(cells.find(r * cols + c))
            .or_default()
            .push(&page.glyphs[i]);
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

/// Places the lines of column `c` whose text runs over its rows (a spreadsheet's wrapped text,
/// too tall for its row, centred on it and so drawn over the rows above and below): each cell
/// of the column takes the lines, in order, whose block sits on it best, all the blocks aligned
/// the same way (top, middle or bottom, whichever fits the column best). Returns false when
/// even the best fit leaves a block off its cell by half the cell's height or more: the column
/// cannot be told apart, and the table is not read.
fn refit_column(
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
fn cell_text(lines: &[Line], left: f32, right: f32) -> String {
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

/// Whether two pieces of Latin text are joined by a space (words wrapped at a line end).
fn needs_space(before: &str, after: &str) -> bool {
    let last = before.chars().last();
    let next = after.chars().next();
    last.is_some_and(|c| c.is_ascii_alphabetic()) && next.is_some_and(|c| c.is_ascii_alphabetic())
}

/// Whether a line looks like a row of a table drawn without rules: parts written apart, at
/// least one gap between them as wide as a character (prose is written in one run).
fn tabular(line: &Line) -> bool {
    line.chunks.len() >= 2 && line.chunks.windows(2).any(|w| w[1].0 - w[0].1 >= line.size)
}

/// Tables drawn without rules: runs of at least three tabular lines (with the lines of wrapped
/// cells between them), whose parts line up in at least three columns. Returns the tables and
/// the lines left.
fn unruled_tables(lines: Vec<Line>) -> (Vec<Table>, Vec<Line>) {
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
fn gutters(parts: &[(f32, f32)]) -> Vec<f32> {
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
fn columns_table(lines: &[Line]) -> Option<Table> {
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

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-—–－·\s]*\d+[-—–－·\s]*|第\s*\d+\s*页.*|共\s*\d+\s*页.*|\d+\s*/\s*\d+|(?i:page)\s*\d+.*)$",
    )
    .expect("a valid pattern")
});

/// Whether a line is in the page's top or bottom margin band.
fn in_margin(line: &Line, page: &Page) -> bool {
    let y = line.y - page.origin.1;
    y > page.height * 0.93 || y < page.height * 0.07
}

/// The document's blocks, page by page, with page headers and footers left out.
fn blocks(pages: &[Page]) -> Vec<(u32, Block)> {
    let mut per_page: Vec<(Vec<Table>, Vec<Line>)> = pages
        .iter()
        .map(|page| {
            let (mut tables, rest) = ruled_tables(page);
            let (unruled, lines) = unruled_tables(lines(rest));
            tables.extend(unruled);
            (tables, lines)
        })
        .collect();
    // A line in the margin that is a page number, or that comes back on other pages (a running
    // title, the date a browser prints), is not the document's text.
    let key = |l: &Line| {
        l.text
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for ((_, lines), page) in per_page.iter().zip(pages) {
        let keys: std::collections::BTreeSet<String> = lines
            .iter()
            .filter(|l| in_margin(l, page))
            .map(key)
            .collect();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (number, ((tables, lines), page)) in per_page.iter_mut().zip(pages).enumerate() {
        lines.retain(|l| {
            !(in_margin(l, page)
                && (PAGE_NUMBER.is_match(&l.text.replace(' ', ""))
                    || (pages.len() > 1 && seen.get(&key(l)).is_some_and(|n| *n > 1))))
        });
        let page_number = number + 1;
        let mut page_blocks: Vec<(f32, Block)> = std::mem::take(tables)
            .into_iter()
            .map(|t| {
                let block = if t.rows.is_empty() {
                    Block::Note(format!(
                        "第{page_number}页的一个表格未读取: 表中文字超出单元格, 压在表格线上, 无法确定各单元格的内容"
                    ))
                } else {
                    Block::Table(t)
                };
                (t_top(&block), block)
            })
            .chain(
                std::mem::take(lines)
                    .into_iter()
                    .map(|l| (l.y + l.size, Block::Line(l))),
            )
            .collect();
        page_blocks.sort_by(|a, b| b.0.total_cmp(&a.0));
        let number = u32::try_from(number + 1).unwrap_or(u32::MAX);
        out.extend(page_blocks.into_iter().map(|(_, b)| (number, b)));
    }
    out
}

fn t_top(block: &Block) -> f32 {
    match block {
        Block::Table(t) => t.top,
        Block::Line(l) => l.y + l.size,
        Block::Note(_) => f32::MAX,
    }
}

/// Whether `next` (first on its page) continues `table` (last on the page before): the same
/// outer edges.
fn continues(table: &Table, next: &Table) -> bool {
    let edge = |a: Option<&f32>, b: Option<&f32>| {
        a.zip(b).is_some_and(|(a, b)| (a - b).abs() <= 3.0 * SNAP)
    };
    edge(table.xs.first(), next.xs.first()) && edge(table.xs.last(), next.xs.last())
}

fn row_texts(row: &[Cell]) -> Vec<&str> {
    row.iter().map(|c| c.text.as_str()).collect()
}

/// The table on the columns `xs` (its own edges and more): a cell that covers several of the new
/// columns is merged across them.
fn regrid(table: &mut Table, xs: &[f32]) {
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
fn join(table: &mut Table, row_pages: &mut Vec<u32>, mut next: Table, page: u32) {
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
    for row in &mut rows {
        for cell in row.iter_mut() {
            cell.anchor.0 = cell.anchor.0.saturating_sub(repeated);
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
fn cut(a: &Ends, b: &Ends) -> bool {
    let full = a.last_x0 <= a.left + PADDING + 0.5 * a.size;
    let long = a.lines > 1 || a.last_x1 - a.last_x0 >= 2.5 * a.size;
    full && long && a.last_x1 + b.first_width > a.right - PADDING
}

/// The left edges of the merged cells the page break cut in the middle of their text: the
/// last row's cell ends in a full line at the foot of the page, and the cell below it on the new
/// page, merged down over rows, goes on from its top (`社会效` above the break, `益指标` below it,
/// for 社会效益指标).
fn halved_cells(table: &Table, next: &Table, first: usize) -> Vec<f32> {
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
fn cut_row(table: &Table, next: &Table, first: usize) -> bool {
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

/// The pages as a document.
pub(super) fn document(pages: &[Page]) -> Document {
    let mut doc = Document::default();
    // The table being built, with the page of each row, and whether it is still open (nothing
    // has come after it but a page break).
    let mut open: Option<(Table, Vec<u32>)> = None;
    let mut last_page = 0;
    let mut paragraph: Option<Line> = None;
    let mut right_edge: BTreeMap<u32, f32> = BTreeMap::new();
    let mut left_edge: BTreeMap<u32, f32> = BTreeMap::new();
    let blocks = blocks(pages);
    for (page, block) in &blocks {
        if let Block::Line(l) = block {
            if l.text.chars().count() >= 10 {
                let r = right_edge.entry(*page).or_insert(l.x1);
                *r = r.max(l.x1);
            }
            let x = left_edge.entry(*page).or_insert(l.x0);
            *x = x.min(l.x0);
        }
    }
    let close = |doc: &mut Document, open: &mut Option<(Table, Vec<u32>)>| {
        if let Some((table, pages)) = open.take() {
            doc.table_after.push(doc.paragraphs.len());
            let number = doc.tables.len() + 1;
            let mut grid = Grid {
                origin: GridOrigin::Pdf {
                    table: number,
                    pages,
                },
                rows: table.rows,
            };
            grid.pad();
            doc.tables.push(grid);
        }
    };
    for (page, block) in blocks {
        let new_page = page != last_page;
        last_page = page;
        match block {
            Block::Table(next) => {
                if let Some(p) = paragraph.take() {
                    doc.paragraphs.push(p.text);
                }
                match open.as_mut() {
                    Some((table, row_pages)) if new_page && continues(table, &next) => {
                        join(table, row_pages, next, page);
                    }
                    _ => {
                        close(&mut doc, &mut open);
                        let pages = vec![page; next.rows.len()];
                        open = Some((next, pages));
                    }
                }
            }
            Block::Note(note) => doc.notes.push(note),
            Block::Line(line) => {
                close(&mut doc, &mut open);
                let right = right_edge.get(&page).copied().unwrap_or(line.x1);
                let left = left_edge.get(&page).copied().unwrap_or(line.x0);
                paragraph = Some(match paragraph.take() {
                    Some(mut p) if continues_paragraph(&p, &line, left, right, new_page) => {
                        if needs_space(&p.text, &line.text) {
                            p.text.push(' ');
                        }
                        p.text.push_str(&line.text);
                        Line {
                            text: p.text,
                            ..line
                        }
                    }
                    Some(p) => {
                        doc.paragraphs.push(p.text);
                        line
                    }
                    None => line,
                });
            }
        }
    }
    if let Some(p) = paragraph.take() {
        doc.paragraphs.push(p.text);
    }
    close(&mut doc, &mut open);
    doc
}

/// Whether `line` goes on the paragraph whose last line is `prev`: `prev` ran to the right
/// edge of the text, `line` is not indented, in the same size, not far below.
fn continues_paragraph(prev: &Line, line: &Line, left: f32, right: f32, new_page: bool) -> bool {
    let size = prev.size.max(line.size);
    let full = wrapped(prev, line, left, right);
    let centred = ((line.x0 + line.x1) - (prev.x0 + prev.x1)).abs() <= 2.0 * size;
    let indented = line.x0 > left + 0.9 * size && !centred;
    let same_size = (prev.size - line.size).abs() <= 0.15 * size;
    let close = new_page || (prev.y - line.y) <= 2.0 * size;
    full && !indented
        && same_size
        && close
        && prev.spans.len() <= 1
        && !ENUMERATED.is_match(&line.text)
}

/// A line opening with a heading's or a list's number (`一、`, `（二）`, `3.`, `(1)`) starts a
/// paragraph, even after a full line.
static ENUMERATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．](?:\D|$))",
    )
    .expect("a valid pattern")
});

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        let mut x = x;
        text.chars()
            .map(|c| {
                let w = if c.is_ascii() { size / 2.0 } else { size };
                let g = Glyph {
                    x,
                    end: x + w,
                    y,
                    size,
                    text: c.to_string(),
                    object: 0,
                    clip: None,
                };
                x += w;
                g
            })
            .collect()
    }

    #[test]
    fn page_numbers_and_footers_are_recognised() {
        for footer in [
            "- 3 -",
            "第 2 页",
            "第2页 共5页",
            "共 5 页",
            "3/5",
            "Page 2",
            "— 12 —",
        ] {
            assert!(PAGE_NUMBER.is_match(&footer.replace(' ', "")), "{footer}");
        }
        for text in ["2024年度", "预算执行率100%", "第一节", "3.5万人"] {
            assert!(!PAGE_NUMBER.is_match(text), "{text}");
        }
    }

    #[test]
    fn a_line_keeps_words_and_marks_wide_gaps() {
        let mut g = glyphs("填报单位：某局", 90.0, 700.0, 10.0);
        g.extend(glyphs("单位：万元", 300.0, 700.0, 10.0));
        g.extend(glyphs("Total 12", 400.0, 700.0, 10.0));
        let line = line_of(g.iter().collect());
        assert_eq!(line.text, "填报单位：某局  单位：万元  Total 12");
        assert_eq!(line.spans.len(), 3);
    }

    #[test]
    fn the_first_piece_of_a_line_keeps_what_may_not_be_parted() {
        let width = |t: &str| first_piece(&glyphs(t, 0.0, 0.0, 10.0).iter().collect::<Vec<_>>());
        assert_eq!(width("元，结余"), 20.0); // 元 with its comma
        assert_eq!(width("元/人"), 25.0); // a solidus binds both sides
        assert_eq!(width("（单位）"), 20.0); // an opening bracket stays with what follows
        assert_eq!(width("19.84万元"), 25.0); // a number is one piece
    }

    #[test]
    fn rules_on_one_line_are_joined_and_edges_clustered() {
        let rule = |at, from, to| Rule { at, from, to };
        let merged = merge(vec![
            rule(100.0, 0.0, 50.0),
            rule(100.4, 51.0, 90.0),
            rule(200.0, 0.0, 10.0),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged[0].from, merged[0].to), (0.0, 90.0));
        assert_eq!(cluster(vec![10.0, 10.5, 11.0, 40.0]), vec![10.5, 40.0]);
    }
}
