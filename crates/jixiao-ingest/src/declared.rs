//! The total and grade a unit declares of itself in its prose (`自评得分92.5分，评价等级为“优”`,
//! `自评得97.5分`, `整体绩效自评为优秀`). Two different totals (or grades) in the text are left
//! unfilled and said, never one of them chosen.

use std::sync::LazyLock;

use jixiao_model::FieldPath;
use regex::Regex;
use rust_decimal::Decimal;

use crate::fields::Draft;
use crate::text::Line;
use crate::{Missing, Provenance};

static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:自评(?:总)?得分|自评总分|自评得|绩效(?:自评)?得分|自评分数|自评结果为|综合得分)\s*(?:为|是|[:：])?\s*(\d{1,3}(?:\.\d{1,2})?)\s*分",
    )
    .expect("regex")
});
static GRADE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:(?:评价|自评|绩效)等级(?:为|是|[:：])?|自评(?:结果|结论|等级)?为|整体绩效自评为|绩效自评为)\s*[“"'「]?(优秀|良好|中等|不合格|合格|较差|优|良|中|差)"#,
    )
    .expect("regex")
});

/// Reads the declared total and grade from `lines` into the draft.
pub(crate) fn read(lines: &[Line], draft: &mut Draft) {
    let mut totals: Vec<(Decimal, &Line, String)> = Vec::new();
    let mut grades: Vec<(String, &Line, String)> = Vec::new();
    for line in lines {
        for c in TOTAL.captures_iter(&line.norm) {
            if let Ok(v) = c[1].parse::<Decimal>()
                && v <= Decimal::from(100)
                && !totals.iter().any(|(t, _, _)| *t == v)
            {
                totals.push((v, line, c[0].to_owned()));
            }
        }
        for c in GRADE.captures_iter(&line.norm) {
            let g = c[1].to_owned();
            if !grades.iter().any(|(t, _, _)| *t == g) {
                grades.push((g, line, c[0].to_owned()));
            }
        }
    }
    let prov = |line: &Line, phrase: &str| Provenance {
        section: "(正文)".into(),
        line: line.number,
        phrase: phrase.to_owned(),
        note: None,
    };
    let mut declared = draft.unit.declared.clone().unwrap_or_default();
    let total_path = FieldPath::new("declared").key("total");
    let grade_path = FieldPath::new("declared").key("grade");
    match totals.as_slice() {
        [] => {}
        [(v, line, phrase)] => {
            declared.total = Some(*v);
            draft.provenance.insert(total_path, prov(line, phrase));
        }
        many => draft.missing.push(Missing {
            field: total_path,
            why: format!(
                "正文中有不同的自评总分 (候选: {})",
                many.iter()
                    .map(|(v, l, _)| format!("{v} (第{}行)", l.number))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }),
    }
    match grades.as_slice() {
        [] => {}
        [(g, line, phrase)] => {
            declared.grade = Some(g.clone());
            draft.provenance.insert(grade_path, prov(line, phrase));
        }
        many => draft.missing.push(Missing {
            field: grade_path,
            why: format!(
                "正文中有不同的自评等级 (候选: {})",
                many.iter()
                    .map(|(v, l, _)| format!("{v} (第{}行)", l.number))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }),
    }
    if declared.total.is_some() || declared.grade.is_some() {
        draft.unit.declared = Some(declared);
    }
}
