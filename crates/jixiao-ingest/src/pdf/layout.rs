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
    /// How wide the line's first unbreakable piece is (a character with the punctuation that
    /// may not be parted from it, or a run of Latin letters and digits): had it fitted at the end
    /// of the line before, it would have been put there.
    first_width: f32,
}

/// Punctuation a line may not start with (it stays with the character before it).
fn closing(c: char) -> bool {
    "，。、；：）》”’】！？%…,.;:)!?".contains(c)
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
    for g in &glyphs[i..] {
        let c = ch(g);
        if closing(c) || (word && latin(c)) {
            end = g.end;
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
}

/// A cell's text stops short of its edge by the cell's padding (Word's default is 0.19 cm).
const PADDING: f32 = 6.0;

/// What a page holds, top to bottom.
#[derive(Debug)]
enum Block {
    Line(Line),
    Table(Table),
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
    let mut text = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in glyphs {
        if let Some(p) = prev {
            // A glyph drawn twice over itself (fake bold) is one glyph.
            if (g.x - p.x).abs() < 0.1 * size && g.text == p.text {
                continue;
            }
            let gap = g.x - p.end;
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
        }
        text.push_str(&g.text);
        if let Some(s) = spans.last_mut() {
            s.1 = s.1.max(g.end);
            s.2.push_str(&g.text);
        }
        prev = Some(g);
    }
    let x0 = spans.first().map_or(0.0, |s| s.0);
    let x1 = spans.iter().map(|s| s.1).fold(x0, f32::max);
    Line {
        y: 0.0,
        x0,
        x1,
        size,
        text: text.trim().to_owned(),
        spans: spans
            .into_iter()
            .map(|(a, b, t)| (a, b, t.trim().to_owned()))
            .filter(|s| !s.2.is_empty())
            .collect(),
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

/// Rules on one line joined where they touch.
fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Rule> = Vec::new();
    for r in rules {
        match out
            .iter_mut()
            .rev()
            .take_while(|o| r.at - o.at <= 1.0)
            .find(|o| r.from <= o.to + SNAP)
        {
            Some(o) => o.to = o.to.max(r.to),
            None => out.push(r),
        }
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
    ys.reverse(); // top first
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    if rows * cols > 100_000 {
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
    // Each merged cell: its glyphs, and the right edge of its last column.
    let mut glyphs: BTreeMap<usize, Vec<&Glyph>> = BTreeMap::new();
    let mut claimed = Vec::new();
    let (left, right, top, bottom) = (xs[0], xs[cols], ys[0], ys[rows]);
    for (i, g) in page.glyphs.iter().enumerate() {
        let (x, y) = ((g.x + g.end) / 2.0, g.y + 0.3 * g.size);
        if taken[i] || x < left || x > right || y > top || y < bottom {
            continue;
        }
        let c = xs.partition_point(|e| *e < x).clamp(1, cols) - 1;
        let r = ys.partition_point(|e| *e > y).clamp(1, rows) - 1;
        claimed.push(i);
        glyphs.entry(cells.find(r * cols + c)).or_default().push(g);
    }
    let mut right_edge: BTreeMap<usize, f32> = BTreeMap::new();
    for r in 0..rows {
        for c in 0..cols {
            let a = cells.find(r * cols + c);
            let e = right_edge.entry(a).or_insert(xs[c + 1]);
            *e = e.max(xs[c + 1]);
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

/// Runs of lines that are rows of an unruled table: at least three lines of at least two parts
/// each, with at least three columns between them. Returns the tables and the lines left.
fn unruled_tables(lines: Vec<Line>) -> (Vec<Table>, Vec<Line>) {
    let mut tables = Vec::new();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && lines[j].spans.len() >= 2 {
            j += 1;
        }
        // The run is a table from its first line, or from one of the next few (a line above
        // the table, such as a cover line in parts, may spoil its columns). Only a few starts
        // are tried: trying every line of a long run that is no table (two columns of
        // thousands of lines) took time growing with the square of its length.
        let mut start = i;
        let mut found = None;
        while j - start >= 3 && start - i < UNRULED_STARTS {
            if let Some(table) = columns_table(&lines[start..j]) {
                found = Some(table);
                break;
            }
            start += 1;
        }
        let end = if found.is_some() { start } else { j.max(i + 1) };
        rest.extend(lines[i..end].iter().cloned());
        if let Some(table) = found {
            tables.push(table);
            i = j;
        } else {
            i = end;
        }
    }
    (tables, rest)
}

/// How many lines of a run of lines in parts are tried as the first row of an unruled table.
const UNRULED_STARTS: usize = 4;

/// Lines as the rows of a table whose columns are where no part crosses.
fn columns_table(lines: &[Line]) -> Option<Table> {
    let mut spans: Vec<(f32, f32)> = lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| (s.0, s.1)))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut columns: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match columns.last_mut() {
            Some(c) if a <= c.1 + 1.0 => c.1 = c.1.max(b),
            _ => columns.push((a, b)),
        }
    }
    if columns.len() < 3 {
        return None;
    }
    let mut xs: Vec<f32> = vec![columns[0].0];
    for w in columns.windows(2) {
        xs.push((w[0].1 + w[1].0) / 2.0);
    }
    xs.push(columns[columns.len() - 1].1);
    let cols = columns.len();
    let rows = lines
        .iter()
        .enumerate()
        .map(|(r, line)| {
            let mut row: Vec<Cell> = (0..cols)
                .map(|c| Cell {
                    text: String::new(),
                    anchor: (r, c),
                })
                .collect();
            for (a, _, text) in &line.spans {
                let c = columns.partition_point(|col| col.1 < *a).min(cols - 1);
                row[c].text.push_str(text);
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
        let mut page_blocks: Vec<(f32, Block)> = std::mem::take(tables)
            .into_iter()
            .map(|t| (t.top, Block::Table(t)))
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
    if let Some(first) = rows.first() {
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
    let cut = |a: &Ends, b: &Ends| {
        // A full line, of text long enough to be cut (not a number centred in a narrow
        // column), whose continuation would not have fitted on it.
        let full = a.last_x0 <= a.left + PADDING + 0.5 * a.size;
        let long = a.lines > 1 || a.last_x1 - a.last_x0 >= 2.5 * a.size;
        full && long && a.last_x1 + b.first_width > a.right - PADDING
    };
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
    full && !indented && same_size && close && prev.spans.len() <= 1
}
