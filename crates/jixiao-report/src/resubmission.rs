//! 重新报送: a unit sent back and filed again, beside its earlier submission: what changed (its
//! figures and rows, its score) and which items of the earlier 退回清单 are fixed and which are
//! still open. Shown in the scorecard (Markdown, HTML, terminal); the caller computes it.

use maud::{Markup, html};
use rust_decimal::Decimal;

use crate::returns::ReturnItem;

/// A resubmission compared with the submission it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resubmission {
    /// The earlier submission's file, as the earlier round recorded it.
    pub earlier_source: String,
    /// Whether the earlier file could be read (else there are no figures to compare).
    pub earlier_read: bool,
    /// The earlier round's total and grade (none when it could not be scored).
    pub earlier_total: Option<Decimal>,
    pub earlier_grade: Option<String>,
    /// This submission's.
    pub total: Decimal,
    pub grade: Option<String>,
    /// Figures that changed: the field's Chinese name, the earlier value, the new one (`—` for
    /// none).
    pub changes: Vec<(String, String, String)>,
    /// Rows of the 自评表 (indicators) in each.
    pub rows: (usize, usize),
    /// Items of the earlier 退回清单 no longer found, and those still found.
    pub fixed: Vec<ReturnItem>,
    pub open: Vec<ReturnItem>,
}

fn score(total: Option<Decimal>, grade: Option<&str>) -> String {
    match total {
        Some(t) => format!("{} ({})", crate::p(t), grade.unwrap_or("无等级")),
        None => "未能评分".to_owned(),
    }
}

impl Resubmission {
    fn score_line(&self) -> String {
        format!(
            "得分: 上次 {}, 本次 {}",
            score(self.earlier_total, self.earlier_grade.as_deref()),
            score(Some(self.total), self.grade.as_deref())
        )
    }

    fn rows_line(&self) -> Option<String> {
        (self.rows.0 != self.rows.1).then(|| {
            format!(
                "自评表指标: 上次 {} 行, 本次 {} 行",
                self.rows.0, self.rows.1
            )
        })
    }
}

/// The section as Markdown (and, with `markdown` false, as plain text for the terminal).
pub fn markdown(r: &Resubmission, markdown: bool) -> String {
    let mut out = String::from(if markdown {
        "\n## 重新报送\n\n"
    } else {
        "\n重新报送\n"
    });
    out.push_str(&format!(
        "- 替换上次报送的 {}\n- {}\n",
        r.earlier_source,
        r.score_line()
    ));
    if let Some(rows) = r.rows_line() {
        out.push_str(&format!("- {rows}\n"));
    }
    if !r.earlier_read {
        out.push_str("- 上次报送的文件未能读取, 无数据可比\n");
    } else if r.changes.is_empty() {
        out.push_str("- 数据与上次相同\n");
    } else {
        out.push_str(&format!("- 改动的数据 {} 项:\n", r.changes.len()));
        for (field, old, new) in &r.changes {
            out.push_str(&format!("  - {field}: {old} → {new}\n"));
        }
    }
    out.push_str(&format!(
        "- 上次退回清单: 已更正 {} 项, 仍未更正 {} 项\n",
        r.fixed.len(),
        r.open.len()
    ));
    for (label, items) in [("已更正", &r.fixed), ("仍未更正", &r.open)] {
        for item in items.iter() {
            out.push_str(&format!("  - {label}: {}: {}\n", item.place, item.problem));
        }
    }
    crate::visible_owned(out)
}

/// The section for a scorecard page.
pub fn html(r: &Resubmission) -> Markup {
    html! {
        h2 { "重新报送" }
        p { "替换上次报送的 " (r.earlier_source) "。" (r.score_line()) "。" @if let Some(rows) = r.rows_line() { " " (rows) "。" } }
        @if !r.earlier_read {
            p { "上次报送的文件未能读取, 无数据可比。" }
        } @else if r.changes.is_empty() {
            p { "数据与上次相同。" }
        } @else {
            table {
                thead { tr { th { "改动的数据" } th { "上次" } th { "本次" } } }
                tbody {
                    @for (field, old, new) in &r.changes {
                        tr { td { (field) } td.n { (old) } td.n { (new) } }
                    }
                }
            }
        }
        p { "上次退回清单: 已更正 " (r.fixed.len()) " 项, 仍未更正 " (r.open.len()) " 项。" }
        @if !(r.fixed.is_empty() && r.open.is_empty()) {
            table {
                thead { tr { th { "状态" } th { "位置" } th { "问题" } } }
                tbody {
                    @for item in &r.fixed { tr { td { "已更正" } td { (item.place) } td { (item.problem) } } }
                    @for item in &r.open { tr { td.hard { "仍未更正" } td { (item.place) } td { (item.problem) } } }
                }
            }
        }
    }
}
