//! The unit from what the prose and the tables gave: the tables' figures laid over the prose
//! reader's draft, field by field, with every disagreement left unfilled and said.
//!
//! The rules, in order, for each field the tables name:
//! - the tables give two different values (a figure in one table and another in the next) →
//!   the field is left empty and listed ambiguous, with both candidates and their cells;
//! - the prose gives another value than the tables → the same (the document disagrees with
//!   itself: a person must look);
//! - otherwise the tables' value, with its cell as source (the prose's line kept when it agrees).
//!
//! The merge is done on the unit's serde form, by field path, so a field the model gains is read
//! from a table as soon as the vocabulary names it.

use std::collections::BTreeMap;
use std::path::Path;

use jixiao_model::{FieldPath, Segment, SelfEvaluation};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::fields::Draft;
use crate::tables::{CellSource, Figure, TableRead, Value};
use crate::{IngestError, Ingested, Missing, Review, ReviewKind};

/// The JSON value at `path`, if present.
fn get<'a>(json: &'a Json, path: &FieldPath) -> Option<&'a Json> {
    let mut v = json;
    for seg in path.segments() {
        v = match seg {
            Segment::Key(k) => v.get(k)?,
            Segment::Index(i) => v.get(i)?,
        };
    }
    (!v.is_null()).then_some(v)
}

/// Sets `path` to `value`, creating objects and list items on the way.
fn set(json: &mut Json, path: &FieldPath, value: Json) {
    let segs: Vec<Segment<'_>> = path.segments().collect();
    let mut v = json;
    for (n, seg) in segs.iter().enumerate() {
        let last = n + 1 == segs.len();
        let next_is_index = matches!(segs.get(n + 1), Some(Segment::Index(_)));
        let fresh = || {
            if next_is_index {
                Json::Array(Vec::new())
            } else {
                Json::Object(serde_json::Map::new())
            }
        };
        match seg {
            Segment::Key(k) => {
                if !v.is_object() {
                    *v = Json::Object(serde_json::Map::new());
                }
                let Json::Object(map) = v else { return };
                if last {
                    map.insert((*k).to_owned(), value);
                    return;
                }
                let entry = map.entry((*k).to_owned()).or_insert_with(fresh);
                if entry.is_null() {
                    *entry = fresh();
                }
                v = entry;
            }
            Segment::Index(i) => {
                if !v.is_array() {
                    *v = Json::Array(Vec::new());
                }
                let Json::Array(list) = v else { return };
                while list.len() <= *i {
                    list.push(Json::Object(serde_json::Map::new()));
                }
                if last {
                    list[*i] = value;
                    return;
                }
                v = &mut list[*i];
            }
        }
    }
}

fn remove(json: &mut Json, path: &FieldPath) {
    let segs: Vec<Segment<'_>> = path.segments().collect();
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut v = json;
    for seg in parents {
        let next = match seg {
            Segment::Key(k) => v.get_mut(*k),
            Segment::Index(i) => v.get_mut(*i),
        };
        let Some(next) = next else { return };
        v = next;
    }
    if let (Segment::Key(k), Json::Object(map)) = (last, v) {
        map.remove(*k);
    }
}

fn to_json(value: &Value) -> Json {
    match value {
        Value::Decimal(d) => Json::String(d.normalize().to_string()),
        Value::Count(n) => Json::from(*n),
        Value::Text(t) => Json::String(t.clone()),
    }
}

/// Whether the prose's JSON value says the same as the table's.
fn same(prose: &Json, table: &Value) -> bool {
    match (prose, table) {
        (Json::String(s), Value::Decimal(d)) => s.parse::<Decimal>().is_ok_and(|p| p == *d),
        (Json::Number(n), Value::Decimal(d)) => {
            n.to_string().parse::<Decimal>().is_ok_and(|p| p == *d)
        }
        (Json::Number(n), Value::Count(c)) => n.as_u64() == Some(u64::from(*c)),
        (Json::String(s), Value::Text(t)) => s.trim() == t.trim(),
        _ => false,
    }
}

fn shown(prose: &Json) -> String {
    match prose {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn cell_text(s: &CellSource) -> String {
    format!("{}「{}」", s.place, s.text)
}

/// Lays the tables over the draft and checks the unit.
pub(crate) fn assemble(
    report: &Path,
    source: crate::SourceFile,
    draft: Draft,
    tables: TableRead,
) -> Result<Ingested, IngestError> {
    let Draft {
        unit,
        mut provenance,
        mut missing,
        pairings,
        sections,
        required,
    } = draft;
    let internal = |why: String| IngestError::Docx {
        report: report.to_owned(),
        why,
    };
    let mut json = serde_json::to_value(&unit).map_err(|e| internal(e.to_string()))?;
    // Fields the prose filled with placeholders: absent until a table gives them.
    let mut absent: Vec<FieldPath> = Vec::new();
    for e in &required {
        if let IngestError::Required { field, .. } = e {
            // The title gave none of the three when there is no title line at all.
            let group: Vec<&str> = if field == "unit.year" && !json_has_title(&json) {
                vec!["unit.name", "unit.year", "unit.kind"]
            } else {
                vec![field.as_str()]
            };
            for f in group {
                if let Ok(p) = FieldPath::parse(f) {
                    absent.push(p.clone());
                    remove(&mut json, &p);
                }
            }
        }
    }

    let mut by_field: BTreeMap<FieldPath, Vec<&Figure>> = BTreeMap::new();
    for f in &tables.figures {
        let list = by_field.entry(f.field.clone()).or_default();
        if !list.iter().any(|g| g.value == f.value) {
            list.push(f);
        }
    }
    let mut cells: BTreeMap<FieldPath, CellSource> = BTreeMap::new();
    let mut review: Vec<Review> = Vec::new();
    let ambiguous =
        |field: &FieldPath, why: String, json: &mut Json, missing: &mut Vec<Missing>| {
            remove(json, field);
            missing.retain(|m| m.field != *field);
            missing.push(Missing {
                field: field.clone(),
                why,
            });
        };
    for (field, figures) in &by_field {
        if figures.len() > 1 {
            let candidates: Vec<String> = figures
                .iter()
                .map(|f| format!("{} ({})", f.value, cell_text(&f.source)))
                .collect();
            ambiguous(
                field,
                format!("表中两处不一致 (候选: {})", candidates.join("、")),
                &mut json,
                &mut missing,
            );
            review.push(Review {
                field: field.clone(),
                kind: ReviewKind::Disagrees,
                candidates,
            });
            provenance.remove(field);
            continue;
        }
        let figure = figures[0];
        match get(&json, field) {
            Some(prose) if !same(prose, &figure.value) => {
                let line = provenance
                    .get(field)
                    .map_or(String::new(), |p| format!("第{}行", p.line));
                review.push(Review {
                    field: field.clone(),
                    kind: ReviewKind::TableAndText,
                    candidates: vec![
                        format!("{} ({})", figure.value, cell_text(&figure.source)),
                        format!("{} (正文{line})", shown(prose)),
                    ],
                });
                ambiguous(
                    field,
                    format!(
                        "表格与正文不一致 (候选: {} ({}), {} (正文{line}))",
                        figure.value,
                        cell_text(&figure.source),
                        shown(prose)
                    ),
                    &mut json,
                    &mut missing,
                );
                provenance.remove(field);
            }
            _ => {
                set(&mut json, field, to_json(&figure.value));
                missing.retain(|m| m.field != *field);
                absent.retain(|a| a != field);
                cells.insert(field.clone(), figure.source.clone());
            }
        }
    }
    points_add_up(&tables, &mut json, &mut missing, &mut cells);
    implausible(&json, &cells, &provenance, &mut review);
    for u in &tables.unread {
        if get(&json, &u.field).is_none() {
            missing.push(Missing {
                field: u.field.clone(),
                why: format!("{}: {}", cell_text(&u.source), u.why),
            });
        }
    }
    // A project evaluation's unit is its 实施单位 (else its 主管部门, the only unit a Hubei
    // 项目自评表 names) when nothing else names it.
    let name = FieldPath::new("unit").key("name");
    let is_project =
        get(&json, &FieldPath::new("unit").key("kind")).and_then(Json::as_str) == Some("project");
    for (key, note) in [
        ("implementer", "项目自评: 以实施单位为填报单位"),
        ("supervisor", "项目自评: 表中只有主管单位, 以之为填报单位"),
    ] {
        let from = FieldPath::new("unit").key(key);
        let unnamed =
            get(&json, &name).is_none_or(|n| n.as_str() == Some("")) || absent.contains(&name);
        if is_project
            && unnamed
            && !missing.iter().any(|m| m.field == name)
            && let Some(Json::String(who)) = get(&json, &from).cloned()
        {
            set(&mut json, &name, Json::String(who));
            absent.retain(|a| *a != name);
            if let Some(mut src) = cells.get(&from).cloned() {
                src.note = Some(note.into());
                cells.insert(name.clone(), src);
            }
        }
    }
    // What the model cannot do without: if neither the prose nor a table gave it, the unit
    // cannot be read, and the error says why (the prose's reason, or the candidates that
    // disagreed).
    for field in ["unit.name", "unit.year", "unit.kind", "budget.spent"] {
        let Ok(path) = FieldPath::parse(field) else {
            continue;
        };
        let given =
            get(&json, &path).is_some_and(|v| v.as_str() != Some("")) && !absent.contains(&path);
        if given {
            continue;
        }
        let group = field.split('.').next().unwrap_or("");
        let prose = required.iter().find_map(|e| match e {
            IngestError::Required {
                section,
                field: f,
                why,
                ..
            } if f.split('.').next() == Some(group) => {
                Some((section.clone(), f.clone(), why.clone()))
            }
            _ => None,
        });
        let seen = missing
            .iter()
            .find(|m| m.field == path)
            .map(|m| m.why.clone());
        let (section, field, why) = match (prose, seen) {
            (_, Some(seen)) => ("表格与正文".to_owned(), field.to_owned(), seen),
            (Some((section, f, why)), None) => {
                (section, f, format!("{why}; no table gives it either"))
            }
            (None, None) => (
                "标题".to_owned(),
                field.to_owned(),
                "neither the text nor a table gives it".to_owned(),
            ),
        };
        return Err(IngestError::Required {
            report: report.to_owned(),
            section,
            field,
            why,
        });
    }
    complete(&mut json, &mut missing);
    if json
        .get("indicators")
        .and_then(Json::as_array)
        .is_none_or(Vec::is_empty)
    {
        missing.push(Missing {
            field: FieldPath::new("indicators"),
            why: "没有找到绩效指标表 (自评表的指标行): 请按单位的自评表补录".into(),
        });
    }
    if json.get("declared").is_none_or(Json::is_null)
        && !missing
            .iter()
            .any(|m| m.field.starts_with(&FieldPath::new("declared")))
    {
        missing.push(Missing {
            field: FieldPath::new("declared"),
            why: "没有找到自评总分和自评等级".into(),
        });
    }
    // The model's own deserialisation refuses what no unit may hold (a negative amount): the
    // error names the field and where it was read.
    let unit: SelfEvaluation = serde_path_to_error::deserialize(json).map_err(|e| {
        let at = e.path().to_string();
        let message = e.inner().to_string();
        // serde says "invalid value: X, expected Y"; the model's checks say "expected Y, found X".
        let message = match message
            .strip_prefix("invalid value: ")
            .and_then(|m| m.split_once(", expected "))
        {
            Some((found, expected)) => format!("expected {expected}, found {found}"),
            None => message,
        };
        match FieldPath::parse(&at) {
            Ok(field) => IngestError::Figure {
                report: report.to_owned(),
                read_at: provenance.get(&field).cloned().map(Box::new),
                message: match cells.get(&field) {
                    Some(c) => format!("{message} ({})", cell_text(c)),
                    None => message,
                },
                field,
            },
            Err(_) => internal(format!(
                "the figures read do not make a unit ({message} at `{at}`); please report this document"
            )),
        }
    })?;
    let unit = unit.check().map_err(|problems| {
        let problem = problems.into_iter().next().expect("check: never empty");
        IngestError::Figure {
            report: report.to_owned(),
            read_at: provenance.get(&problem.field).cloned().map(Box::new),
            message: match cells.get(&problem.field) {
                Some(c) => format!("{} ({})", problem.message, cell_text(c)),
                None => problem.message,
            },
            field: problem.field,
        }
    })?;
    for field in cells.keys() {
        provenance.remove(field);
    }
    Ok(Ingested {
        report: report.to_owned(),
        source,
        unit,
        provenance,
        cells,
        review,
        missing,
        pairings,
        sections,
        notes: Vec::new(),
    })
}

/// What the model needs of a table's rows: an indicator row has a name and points (a row
/// without them ends the list, since later rows would take its number), a level 1 (empty when
/// the grid has no 一级指标 column); staffing has both 编制数 and 在职人数.
fn complete(json: &mut Json, missing: &mut Vec<Missing>) {
    if let Some(Json::Array(rows)) = json.get_mut("indicators") {
        if let Some(bad) = rows
            .iter()
            .position(|r| r.get("name").is_none() || r.get("points").is_none())
        {
            let field = FieldPath::new("indicators").index(bad);
            missing.push(Missing {
                field,
                why: format!(
                    "第{}个指标行缺少指标名称或分值: 此行及以后的 {} 行未读",
                    bad + 1,
                    rows.len() - bad
                ),
            });
            rows.truncate(bad);
        }
        for r in rows.iter_mut() {
            if let Json::Object(map) = r {
                map.entry("level1")
                    .or_insert_with(|| Json::String(String::new()));
            }
        }
    }
    if let Some(staffing) = json.get("staffing")
        && (staffing.get("authorised").is_none() || staffing.get("in_post").is_none())
    {
        let present: Vec<String> = ["authorised", "in_post", "retired"]
            .iter()
            .filter_map(|k| staffing.get(*k).map(|v| format!("{k} = {v}")))
            .collect();
        missing.push(Missing {
            field: FieldPath::new("staffing"),
            why: format!("编制数和在职人数须同时给出; 只读到 {}", present.join(", ")),
        });
        if let Json::Object(map) = json {
            map.remove("staffing");
        }
    }
}

/// The funds block's 分值 and the indicator rows' must add up to the 总分 row's: where they do
/// not, the funds block's is left unfilled (a 100 written for a 10 is the usual slip).
fn points_add_up(
    tables: &TableRead,
    json: &mut Json,
    missing: &mut Vec<Missing>,
    cells: &mut BTreeMap<FieldPath, CellSource>,
) {
    let [(total, total_at)] = tables.total_points.as_slice() else {
        return;
    };
    let field = FieldPath::new("execution").key("points");
    let Some(execution) = get(json, &field)
        .and_then(Json::as_str)
        .and_then(|s| s.parse::<Decimal>().ok())
    else {
        return;
    };
    let rows: Decimal = match json.get("indicators") {
        Some(Json::Array(rows)) => rows
            .iter()
            .filter_map(|r| r.get("points").and_then(Json::as_str))
            .filter_map(|p| p.parse::<Decimal>().ok())
            .sum(),
        _ => return,
    };
    if rows + execution != *total {
        remove(json, &field);
        let at = cells
            .remove(&field)
            .map_or(String::new(), |c| cell_text(&c));
        missing.push(Missing {
            field,
            why: format!(
                "预算执行的分值 {} ({at}) 与指标分值合计 {} 相加不等于总分行的 {} ({}): 无法确定哪一个写错",
                execution.normalize(),
                rows.normalize(),
                total.normalize(),
                cell_text(total_at)
            ),
        });
    }
}

/// Whether the prose read anything of the title (a name or a kind beside a missing year).
fn json_has_title(json: &Json) -> bool {
    json.get("unit")
        .and_then(|u| u.get("name"))
        .and_then(Json::as_str)
        .is_some_and(|n| !n.is_empty())
}

/// The money figures of a unit or project below which an amount is implausible: under 0.1 万元
/// (1,000 元), a budget or its spending is almost surely in 元 where 万元 were expected (a project
/// budget of 100元 read as 100 万元 would be the opposite slip, and is not caught here).
const IMPLAUSIBLE_BELOW: Decimal = Decimal::from_parts(1, 0, 0, false, 1);

/// A budget, full-year budget or spending above 0 but under 0.1 万元 is read as written and
/// flagged for a person.
fn implausible(
    json: &Json,
    cells: &BTreeMap<FieldPath, CellSource>,
    provenance: &BTreeMap<FieldPath, crate::Provenance>,
    review: &mut Vec<Review>,
) {
    for key in ["opening", "full_year", "income", "spent"] {
        let field = FieldPath::new("budget").key(key);
        let Some(value) = get(json, &field)
            .and_then(Json::as_str)
            .and_then(|s| s.parse::<Decimal>().ok())
        else {
            continue;
        };
        if value > Decimal::ZERO && value < IMPLAUSIBLE_BELOW {
            let at = match (cells.get(&field), provenance.get(&field)) {
                (Some(c), _) => cell_text(c),
                (None, Some(p)) => format!("第{}行「{}」", p.line, p.phrase),
                (None, None) => String::new(),
            };
            review.push(Review {
                field,
                kind: ReviewKind::Implausible,
                candidates: vec![format!("{} 万元 ({at})", value.normalize())],
            });
        }
    }
}
