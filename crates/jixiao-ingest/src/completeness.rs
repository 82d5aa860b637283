//! Read completeness (读取完整度): of the data a rule set needs to score a unit, how much was read
//! from its document. A bureau sees at a glance which reports need a person.

use jixiao_model::{FieldPath, Segment, SelfEvaluation};
use jixiao_rules::{Indicator, Input, RuleSet};
use serde_json::Value as Json;

/// One piece of data the rule set needs, and whether the document gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// What is needed, for people: the metric and its field (`预算执行率: budget.full_year`), the
    /// indicator rows a leaf scores (`自评表指标行「预算执行率」`, `自评表指标行 产出指标`), or the
    /// declared total (`自评总分: declared.total`).
    pub what: String,
    pub found: bool,
}

/// The needs of a rule set against one unit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completeness {
    pub needs: Vec<Need>,
}

impl Completeness {
    /// How many needs the document met.
    pub fn found(&self) -> usize {
        self.needs.iter().filter(|n| n.found).count()
    }

    /// How many needs there are.
    pub fn needed(&self) -> usize {
        self.needs.len()
    }

    /// The needs not met.
    pub fn missing(&self) -> impl Iterator<Item = &str> {
        self.needs
            .iter()
            .filter(|n| !n.found)
            .map(|n| n.what.as_str())
    }

    /// `12/14 (85.7%)`, the share rounded down to a tenth of a percent (no float arithmetic).
    pub fn label(&self) -> String {
        let (found, needed) = (self.found(), self.needed());
        if needed == 0 {
            return "—".to_owned();
        }
        let permille = found * 1000 / needed;
        format!("{found}/{needed} ({}.{}%)", permille / 10, permille % 10)
    }
}

fn has(json: &Json, path: &str) -> bool {
    let Ok(path) = FieldPath::parse(path) else {
        return false;
    };
    let mut v = json;
    for seg in path.segments() {
        v = match seg {
            Segment::Key(k) => match v.get(k) {
                Some(x) => x,
                None => return false,
            },
            Segment::Index(i) => match v.get(i) {
                Some(x) => x,
                None => return false,
            },
        };
    }
    !v.is_null()
}

/// What `rules` needs of `unit` and whether the unit has it: each metric's fields (財政拨款收入
/// standing for a missing 全年预算数, as in scoring), the indicator rows each row leaf scores, and
/// the declared total the self-score is compared with.
pub fn completeness(unit: &SelfEvaluation, rules: &RuleSet) -> Completeness {
    let json = serde_json::to_value(unit).unwrap_or(Json::Null);
    let mut needs: Vec<Need> = Vec::new();
    let mut need = |what: String, found: bool| {
        if !needs.iter().any(|n| n.what == what) {
            needs.push(Need { what, found });
        }
    };
    fn leaves<'a>(list: &'a [Indicator], out: &mut Vec<&'a Indicator>) {
        for ind in list {
            if ind.children.is_empty() {
                out.push(ind);
            } else {
                leaves(&ind.children, out);
            }
        }
    }
    let mut all = Vec::new();
    leaves(&rules.indicators, &mut all);
    for leaf in all {
        match &leaf.input {
            Some(Input::Metric(m)) => {
                let label = m.label();
                for field in m.fields() {
                    let what = format!("{label}: {field}");
                    match *field {
                        // 财政拨款收入 stands for a missing 全年预算数.
                        "budget.income" => {}
                        "budget.full_year" => {
                            need(what, has(&json, field) || has(&json, "budget.income"))
                        }
                        // No 新建楼堂馆所 figures means no such project: nothing to read.
                        f if f.starts_with("base.buildings.") => {}
                        // Without task counts the measurable goals met stand for them.
                        f if f.starts_with("base.tasks.") => need(
                            what,
                            has(&json, field) || unit.goals.iter().any(|g| g.measure.is_some()),
                        ),
                        _ => need(what, has(&json, field)),
                    }
                }
            }
            Some(Input::Row(name)) => need(
                format!("自评表指标行「{name}」"),
                unit.indicators.iter().any(|r| r.name.trim() == name),
            ),
            Some(Input::Rows(sel)) => {
                let what = match &sel.level2 {
                    Some(l2) => format!("自评表指标行 {} / {l2}", sel.level1),
                    None => format!("自评表指标行 {}", sel.level1),
                };
                let found = unit.indicators.iter().any(|r| {
                    r.level1.trim() == sel.level1
                        && sel
                            .level2
                            .as_ref()
                            .is_none_or(|l2| r.level2.as_deref().map(str::trim) == Some(l2))
                });
                need(what, found);
            }
            Some(Input::Facts) | None => {}
        }
    }
    need(
        "自评总分: declared.total".to_owned(),
        has(&json, "declared.total"),
    );
    Completeness { needs }
}
