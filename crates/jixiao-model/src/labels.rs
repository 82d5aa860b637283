//! The Chinese names of the model's fields (`fields.toml`), for what units and bureau officers
//! read: `budget.opening` is 年初预算数, `funds[1].spent` is 专项资金第 2 项 支出数. Error lines,
//! 退回清单 and scorecards name a field by this, never by its path.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::{FieldPath, Segment};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    lists: BTreeMap<String, String>,
    fields: BTreeMap<String, String>,
}

static LABELS: LazyLock<Labels> = LazyLock::new(|| {
    toml::from_str(include_str!("../fields.toml")).expect("fields.toml is valid (a test reads it)")
});

/// The field's name for people: `年初预算数`, `自评表指标第 3 行 自评得分`, `情况确认 (代码 x)`.
/// A path that `fields.toml` does not name is shown by the names it has, then its own keys.
pub fn field_label(field: &FieldPath) -> String {
    let labels = &*LABELS;
    // The path with indices as `[]` (the key into fields.toml) and the items' places in words.
    let mut pattern = String::new();
    let mut shown: Vec<String> = Vec::new();
    let mut named_upto = 0;
    for segment in field.segments() {
        match segment {
            Segment::Key(key) => {
                if !pattern.is_empty() {
                    pattern.push('.');
                }
                pattern.push_str(key);
                if pattern == "facts" {
                    shown.push(labels.fields["facts"].clone());
                    named_upto = shown.len();
                    continue;
                }
                if pattern.starts_with("facts.") {
                    shown.push(format!("(代码 {key})"));
                    named_upto = shown.len();
                    continue;
                }
                if labels.lists.contains_key(&pattern) {
                    continue; // named with its index
                }
                // A field's name stands for its tables' (`budget.opening` is 年初预算数), not
                // for its list item's (专项资金第 2 项 支出数).
                match labels.fields.get(&pattern) {
                    Some(label) => {
                        shown.truncate(named_upto);
                        shown.push(label.clone());
                    }
                    None => shown.push(key.to_owned()),
                }
            }
            Segment::Index(index) => {
                let list = labels
                    .lists
                    .get(&pattern)
                    .map_or_else(|| pattern.clone(), Clone::clone);
                let place = if pattern == "indicators" {
                    "行"
                } else {
                    "项"
                };
                shown.truncate(named_upto);
                shown.push(format!("{list}第 {} {place}", index.saturating_add(1)));
                named_upto = shown.len();
                pattern.push_str("[]");
            }
        }
    }
    shown.join(" ")
}

/// Every figure of a unit by its field's path, as text: each number, yes/no and short text (of
/// at most 40 characters; a narrative is no figure), in the model's order of fields.
pub fn figures(unit: &crate::SelfEvaluation) -> BTreeMap<String, String> {
    fn walk(path: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    let p = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(&p, v, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(&format!("{path}[{i}]"), v, out);
                }
            }
            serde_json::Value::String(s) if s.chars().count() > 40 => {}
            serde_json::Value::String(s) => {
                out.insert(path.to_owned(), s.clone());
            }
            serde_json::Value::Null => {}
            other => {
                out.insert(path.to_owned(), other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(value) = serde_json::to_value(unit) {
        walk("", &value, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(path: &str) -> String {
        field_label(&FieldPath::parse(path).unwrap())
    }

    #[test]
    fn fields_are_named_in_chinese_with_their_place() {
        assert_eq!(label("budget.opening"), "年初预算数");
        assert_eq!(label("funds[1].spent"), "专项资金第 2 项 支出数");
        assert_eq!(
            label("indicators[2].self_score"),
            "自评表指标第 3 行 自评得分"
        );
        assert_eq!(
            label("funds[0].sources[1].amount"),
            "专项资金第 1 项 资金来源第 2 项 金额"
        );
        assert_eq!(
            label("goals[4].measure.actual"),
            "绩效目标第 5 项 实际完成值"
        );
        assert_eq!(label("indicators[0]"), "自评表指标第 1 行");
        assert_eq!(
            label("facts.results_disclosed"),
            "情况确认 (代码 results_disclosed)"
        );
        assert_eq!(
            label("accounts.state_capital.spent"),
            "国有资本经营预算支出"
        );
    }

    #[test]
    fn every_field_of_a_full_unit_has_a_name() {
        // Every field of a unit with every field given (the readers' test unit) is named in
        // fields.toml, not shown by its key.
        let text = include_str!("../../jixiao-ingest/tests/every-field.toml");
        let unit =
            crate::SelfEvaluation::from_toml(text, std::path::Path::new("every-field")).unwrap();
        let fields = figures(unit.unit());
        assert!(fields.len() > 80, "{}", fields.len());
        for path in fields.keys().filter(|p| !p.starts_with("facts.")) {
            let shown = field_label(&FieldPath::parse(path).unwrap());
            assert!(
                !shown.chars().any(|c| c.is_ascii_lowercase()),
                "{path} is shown as {shown}: name it in fields.toml"
            );
        }
    }
}
