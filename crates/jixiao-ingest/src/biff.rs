//! What calamine will allocate for an `.xls`, measured before it opens one.
//!
//! calamine reads every sheet of an `.xls` as it opens the workbook, and on the way it
//! - reserves room for the cells a sheet's DIMENSIONS record declares (up to 2³² rows),
//! - lays each sheet's cells out densely over the rectangle they span, once for the values and
//!   once for the formulas (a cell at `A1` and one at `IV65536` make 16.7 million),
//! - copies a shared string (SST) into every cell that names it (one long string named by
//!   thousands of cells is thousands of copies),
//! - reads the sheet each BoundSheet8 record points to, even when many point to the same one,
//! - and gathers a record's CONTINUE records one by one, removing each from the front of a list
//!   (time quadratic in their number).
//!
//! A damaged file of a few kilobytes can ask for gigabytes that way (found by fuzzing:
//! `crates/jixiao-fuzz/regressions/spreadsheet/`). [`measure`] walks the Workbook stream's
//! records as calamine does and sums what those steps will take; [`check`] refuses a stream
//! above the limits, so that calamine only ever opens files whose cost is known and bounded.
//! The measure errs on the side of more: a record calamine would stop at is counted as if read.

use crate::document::MAX_GRID_CELLS;

/// The most bytes of shared strings the cells of one workbook may copy: 256 MiB.
pub const MAX_SHARED_TEXT: u64 = 256 << 20;
/// The most CONTINUE records one record may have (a legitimate shared-string table of 100,000
/// strings has about 1,000).
pub const MAX_CONTINUES: usize = 20_000;

/// What opening a Workbook stream will cost calamine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demand {
    /// Cell slots: every sheet's reservation, its dense value range and its dense formula range.
    pub cells: u64,
    /// Bytes of shared strings copied into cells (counted at 3 bytes a character, UTF-8's most
    /// for a character of the Basic Multilingual Plane).
    pub shared_text: u64,
    /// The most CONTINUE records any one record has.
    pub continues: usize,
}

/// Why an `.xls` is not opened: what it would take, in plain Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooLarge {
    #[error(
        "工作表共需 {cells} 个单元格位置, 超过上限 {MAX_GRID_CELLS} (可能有远离表格的单元格): 请删除远离表格的单元格, 或另存为 .xlsx 后重新提交"
    )]
    Cells { cells: u64 },
    #[error("单元格引用的共享文字共 {bytes} 字节, 超过上限 {MAX_SHARED_TEXT} 字节: 文件可能已损坏")]
    SharedText { bytes: u64 },
    #[error(
        "一条记录带有 {continues} 条续记录 (CONTINUE), 超过上限 {MAX_CONTINUES}: 文件可能已损坏"
    )]
    Continues { continues: usize },
}

/// Refuses a Workbook stream whose [`Demand`] is past a limit.
pub fn check(stream: &[u8]) -> Result<Demand, TooLarge> {
    let demand = measure(stream);
    if demand.continues > MAX_CONTINUES {
        Err(TooLarge::Continues {
            continues: demand.continues,
        })
    } else if demand.cells > MAX_GRID_CELLS {
        Err(TooLarge::Cells {
            cells: demand.cells,
        })
    } else if demand.shared_text > MAX_SHARED_TEXT {
        Err(TooLarge::SharedText {
            bytes: demand.shared_text,
        })
    } else {
        Ok(demand)
    }
}

/// One BIFF record: its type, its data and the data of the CONTINUE records after it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The records from the start of `stream`, as calamine's record iterator splits them: a record
/// running past the end ends the walk (calamine stops there with an error).
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = usize::from(u16_at(stream, 2)?);
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        let mut cont = Vec::new();
        while stream.len() > 4 && u16_at(stream, 0) == Some(0x003C) {
            let len = usize::from(u16_at(stream, 2)?);
            cont.push(stream.get(4..4 + len)?);
            stream = &stream[4 + len..];
        }
        Some(Record { typ, data, cont })
    })
}

/// Reads the bytes of a record and its CONTINUE records in order, as calamine's `Record` does.
struct Reader<'a> {
    data: &'a [u8],
    cont: std::vec::IntoIter<&'a [u8]>,
}

impl Reader<'_> {
    fn next_segment(&mut self) -> bool {
        match self.cont.next() {
            Some(data) => {
                self.data = data;
                true
            }
            None => false,
        }
    }

    fn skip(&mut self, mut len: usize) -> Option<()> {
        while len > 0 {
            if self.data.is_empty() && !self.next_segment() {
                return None;
            }
            let step = len.min(self.data.len());
            self.data = &self.data[step..];
            len -= step;
        }
        Some(())
    }
}

/// The length in characters of each string of a shared-string table (SST), read as calamine
/// reads them (a string's characters may go on in the next CONTINUE record, which starts with
/// its own flags byte). Stops at the first string that does not fit.
fn shared_string_lengths(record: Record<'_>) -> Vec<u32> {
    let mut lengths = Vec::new();
    let Some(data) = record.data.get(8..) else {
        return lengths;
    };
    let mut r = Reader {
        data,
        cont: record.cont.into_iter(),
    };
    while !r.data.is_empty() || r.next_segment() {
        let (Some(cch), Some(&flags)) = (u16_at(r.data, 0), r.data.get(2)) else {
            break;
        };
        r.data = &r.data[3..];
        let mut runs = 0;
        let mut extension = 0;
        if flags & 0x8 != 0 {
            let Some(n) = u16_at(r.data, 0) else { break };
            runs = usize::from(n);
            r.data = &r.data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(n) = u32_at(r.data, 0) else { break };
            extension = n as usize;
            r.data = &r.data[4..];
        }
        lengths.push(u32::from(cch));
        let mut left = usize::from(cch);
        let mut wide = flags & 0x1 != 0;
        let mut ok = true;
        while left > 0 {
            let width = if wide { 2 } else { 1 };
            let here = (r.data.len() / width).min(left);
            r.data = &r.data[here * width..];
            left -= here;
            if left > 0 {
                if !r.next_segment() || r.data.is_empty() {
                    ok = false;
                    break;
                }
                wide = r.data[0] & 0x1 != 0;
                r.data = &r.data[1..];
            }
        }
        if !ok || r.skip(runs * 4).is_none() || r.skip(extension).is_none() {
            break;
        }
    }
    lengths
}

/// The rectangle a set of cell positions spans.
#[derive(Default)]
struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
}

/// What opening `stream` (a Workbook or Book stream) will cost calamine.
pub fn measure(stream: &[u8]) -> Demand {
    let mut demand = Demand::default();
    let mut sheets = Vec::new();
    let mut shared: Vec<u32> = Vec::new();
    for record in records(stream) {
        demand.continues = demand.continues.max(record.cont.len());
        match record.typ {
            0x0085 => sheets.extend(u32_at(record.data, 0)),
            0x00FC => shared = shared_string_lengths(record),
            0x000A => break,
            _ => {}
        }
    }
    for at in sheets {
        let Some(sheet) = stream.get(at as usize..) else {
            continue;
        };
        let mut values = Span::default();
        let mut formulas = Span::default();
        let mut formula_at = (0, 0);
        let mut seen_bof = false;
        let mut depth = 0usize;
        for record in records(sheet) {
            demand.continues = demand.continues.max(record.cont.len());
            let data = record.data;
            if depth > 0 {
                match record.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let at = || Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)));
            match record.typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => demand.cells = demand.cells.saturating_add(declared(data)),
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E => {
                    if let Some((row, col)) = at() {
                        values.add(row, col);
                    }
                }
                0x00FD => {
                    if let Some((row, col)) = at() {
                        values.add(row, col);
                        let length = u32_at(data, 6)
                            .and_then(|i| shared.get(i as usize).copied())
                            .unwrap_or(u32::from(u16::MAX));
                        demand.shared_text =
                            demand.shared_text.saturating_add(3 * u64::from(length));
                    }
                }
                0x00BD => {
                    if let (Some(row), Some(first), Some(last)) = (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        data.len().checked_sub(2).and_then(|end| u16_at(data, end)),
                    ) {
                        values.add(u32::from(row), u32::from(first));
                        values.add(u32::from(row), u32::from(last));
                    }
                }
                0x0006 => {
                    if let Some((row, col)) = at() {
                        formula_at = (row, col);
                        values.add(row, col);
                        formulas.add(row, col);
                    }
                }
                0x0207 => values.add(formula_at.0, formula_at.1),
                _ => {}
            }
        }
        demand.cells = demand
            .cells
            .saturating_add(values.cells())
            .saturating_add(formulas.cells());
    }
    demand
}

/// The cells a DIMENSIONS record makes calamine reserve (BIFF8's rows are 32-bit).
fn declared(data: &[u8]) -> u64 {
    let (first_row, last_row, first_col, last_col) = match data.len() {
        10 => (
            u16_at(data, 0).map(u32::from),
            u16_at(data, 2).map(u32::from),
            u16_at(data, 4),
            u16_at(data, 6),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        ),
        _ => return 0,
    };
    let (Some(r0), Some(r1), Some(c0), Some(c1)) = (first_row, last_row, first_col, last_col)
    else {
        return 0;
    };
    let c0 = if c0 > 0xFF || c1 < c0 { 0 } else { c0 };
    if r1 >= 1 && c1 >= 1 {
        let rows = u64::from(r1.saturating_sub(1).saturating_sub(r0)) + 1;
        let cols = u64::from((c1 - 1).saturating_sub(c0)) + 1;
        rows * cols
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn cell(typ: u16, row: u16, col: u16, rest: &[u8]) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend(rest);
        record(typ, &data)
    }

    /// A globals substream naming `sheets` BoundSheet8 records, all at the offset just after it,
    /// followed by one sheet made of `sheet` records.
    fn workbook(globals: &[Vec<u8>], sheets: usize, sheet: &[Vec<u8>]) -> Vec<u8> {
        let bound_len = 4 + 8;
        let head: usize = globals.iter().map(Vec::len).sum::<usize>() + sheets * bound_len + 4;
        let mut out: Vec<u8> = globals.concat();
        for _ in 0..sheets {
            let mut data = (head as u32).to_le_bytes().to_vec();
            data.extend([0, 0, 1, 0, b'a', 0, 0, 0]);
            out.extend(record(0x0085, &data[..8]));
        }
        out.extend(record(0x000A, &[]));
        assert_eq!(out.len(), head);
        out.extend(record(0x0809, &[0; 16]));
        out.extend(sheet.concat());
        out.extend(record(0x000A, &[]));
        out
    }

    #[test]
    fn a_small_sheet_costs_its_rectangle() {
        // Cells at A1 and C4 (rows 0..=3, columns 0..=2): 12 value slots; a formula at B2: 1.
        let sheet = [
            cell(0x0203, 0, 0, &[0; 10]),
            cell(0x0203, 3, 2, &[0; 10]),
            cell(0x0006, 1, 1, &[0; 16]),
        ];
        let demand = measure(&workbook(&[], 1, &sheet));
        assert_eq!(demand.cells, 12 + 1);
        assert_eq!(check(&workbook(&[], 1, &sheet)), Ok(demand));
    }

    #[test]
    fn far_apart_cells_and_repeated_sheets_are_refused() {
        let far = [
            cell(0x0203, 0, 0, &[0; 10]),
            cell(0x0203, 65535, 255, &[0; 10]),
        ];
        assert_eq!(
            check(&workbook(&[], 1, &far)),
            Err(TooLarge::Cells { cells: 65536 * 256 })
        );
        // 1,000 × 1,000 is within the limit once; 3 BoundSheet8 records naming it are 3 million.
        let square = [
            cell(0x0203, 0, 0, &[0; 10]),
            cell(0x0203, 999, 999, &[0; 10]),
        ];
        assert_eq!(measure(&workbook(&[], 1, &square)).cells, 1_000_000);
        assert_eq!(
            check(&workbook(&[], 3, &square)),
            Err(TooLarge::Cells { cells: 3_000_000 })
        );
    }

    #[test]
    fn a_declared_dimension_is_counted_as_reserved() {
        // BIFF8 DIMENSIONS: rows 0..100000 (exclusive), columns 0..30: 3 million slots.
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(100_000u32.to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        dims.extend(30u16.to_le_bytes());
        dims.extend([0, 0]);
        assert_eq!(
            check(&workbook(&[], 1, &[record(0x0200, &dims)])),
            Err(TooLarge::Cells { cells: 3_000_000 })
        );
    }

    #[test]
    fn shared_strings_are_counted_per_cell_that_names_them() {
        // An SST of one 8,000-character string, split over a CONTINUE record (which opens with
        // its flags byte), named by 12,000 cells: 12,000 × 8,000 × 3 bytes, past 256 MiB.
        let mut sst = 1u32.to_le_bytes().to_vec();
        sst.extend(1u32.to_le_bytes());
        sst.extend(8000u16.to_le_bytes());
        sst.push(0);
        sst.extend(vec![b'x'; 5000]);
        let mut globals = vec![record(0x00FC, &sst)];
        let mut rest = vec![0];
        rest.extend(vec![b'y'; 3000]);
        globals.push(record(0x003C, &rest));
        let named = |n: u16| -> Vec<Vec<u8>> {
            (0..n)
                .map(|i| cell(0x00FD, i, 0, &[0, 0, 0, 0, 0, 0]))
                .collect()
        };
        let small = measure(&workbook(&globals, 1, &named(2)));
        assert_eq!(small.shared_text, 2 * 8000 * 3);
        assert_eq!(small.cells, 2);
        assert_eq!(
            check(&workbook(&globals, 1, &named(12_000))),
            Err(TooLarge::SharedText {
                bytes: 12_000 * 8000 * 3
            })
        );
    }

    #[test]
    fn continue_records_are_counted() {
        let globals: Vec<Vec<u8>> = std::iter::once(record(0x00FC, &[0; 8]))
            .chain((0..MAX_CONTINUES + 1).map(|_| record(0x003C, &[])))
            .collect();
        assert_eq!(
            check(&workbook(&globals, 0, &[])),
            Err(TooLarge::Continues {
                continues: MAX_CONTINUES + 1
            })
        );
    }

    #[test]
    fn what_is_cut_short_is_measured_up_to_the_cut() {
        let whole = workbook(&[], 1, &[cell(0x0203, 9, 9, &[0; 10])]);
        for end in 0..whole.len() {
            let demand = measure(&whole[..end]);
            assert!(demand.cells <= 1, "{end}: {demand:?}");
        }
    }
}
