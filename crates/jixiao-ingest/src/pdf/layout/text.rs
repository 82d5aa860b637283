//! Glyphs into lines of text: parts, pieces that may not be parted, whether a line was wrapped.

use super::*;

/// Punctuation a line may not start with (it stays with the character before it; a solidus
/// too, as in `万元/人`).
pub(super) fn closing(c: char) -> bool {
    "，。、；：）》”’】！？%…,.;:)!?/／".contains(c)
}

/// Punctuation a line may not end with.
pub(super) fn opening(c: char) -> bool {
    "（《“‘【〔(".contains(c)
}

pub(super) fn latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '%' | '-')
}

/// The width of the first unbreakable piece of glyphs sorted by x.
pub(super) fn first_piece(glyphs: &[&Glyph]) -> f32 {
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

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Glyphs on one baseline (sorted by x) as text: abutting glyphs joined, a word space where
/// Latin text has one, two spaces at a wide gap (as a cover line separates its parts).
pub(super) fn line_of(mut glyphs: Vec<&Glyph>) -> Line {
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
pub(super) fn wrapped(prev: &Line, next: &Line, left: f32, right: f32) -> bool {
    let tolerance = 0.5 * prev.size.min(next.size).min(12.0);
    let centred = ((prev.x0 - left) - (right - prev.x1)).abs() <= prev.size;
    prev.x1 + next.first_width > right - tolerance
        || (centred && prev.x1 - prev.x0 + next.first_width > right - left - tolerance)
}

/// Glyphs grouped into lines by baseline, top to bottom.
pub(super) fn lines<'g>(glyphs: impl IntoIterator<Item = &'g Glyph>) -> Vec<Line> {
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

/// Whether two pieces of Latin text are joined by a space (words wrapped at a line end).
pub(super) fn needs_space(before: &str, after: &str) -> bool {
    let last = before.chars().last();
    let next = after.chars().next();
    last.is_some_and(|c| c.is_ascii_alphabetic()) && next.is_some_and(|c| c.is_ascii_alphabetic())
}
