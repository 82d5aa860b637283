//! The round around the score: which submissions are the same unit (重复报送), and which of them is
//! scored. Every unit of a batch is identified before any is scored, so a unit filed twice (a
//! report and a form, say) is scored once, by a stated rule, and the others are listed with the
//! reason.

use std::collections::HashMap;

use jixiao_model::{Date, EvaluationKind, UnitIdentity};
use jixiao_round::table::{normalize_code, normalize_name};

/// What kind of submission a unit came from, in the order one is preferred over another when a
/// unit filed more than one: a form (every figure in its cell) over a unit file (the data typed
/// in by the bureau or exported from a budget system) over a unit's own workbook (tables read by
/// their labels) over a report (figures read from its text and tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    /// 填报表: a form written by `jixiao form`.
    Form,
    /// 数据文件: a unit file (TOML) or a line of a JSON Lines file.
    UnitFile,
    /// 表格: a unit's own workbook (.xlsx, .xls).
    Workbook,
    /// 报告: a report (.docx, .pdf, .txt, .md).
    Report,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Form => "填报表",
            SourceKind::UnitFile => "数据文件",
            SourceKind::Workbook => "表格",
            SourceKind::Report => "报告",
        }
    }

    /// The rule, as the summaries state it.
    pub const RULE: &'static str = "填报表优先于数据文件, 数据文件优先于表格, 表格优先于报告; \
         同类的以填报日期较晚的为准, 日期相同或未填的以文件名在前的为准";
}

/// A submission as identified before scoring: who, which year, what kind, from what.
#[derive(Debug, Clone)]
pub struct Submission {
    pub source: String,
    pub kind: SourceKind,
    pub year: u16,
    pub evaluation: EvaluationKind,
    /// 单位编码 (with 项目编码 for a project), normalised; `None` when the unit gave none.
    pub code: Option<String>,
    /// The unit's name (with the project's), normalised.
    pub name: String,
    pub filed_on: Option<Date>,
    /// Who the unit says it is, as written.
    pub identity: UnitIdentity,
    /// SHA-256 of what was read (the file, or the line), in hex: tells a resubmission from the
    /// submission it replaces.
    pub sha256: String,
}

/// SHA-256 of `bytes`, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

impl Submission {
    pub fn new(source: String, kind: SourceKind, identity: &UnitIdentity) -> Submission {
        let project_part = |code: Option<&String>, name: Option<&String>| {
            code.map(|c| normalize_code(c))
                .or_else(|| name.map(|n| normalize_name(n)))
                .unwrap_or_default()
        };
        let code = identity.code.as_ref().map(|code| {
            let mut key = normalize_code(code);
            if identity.kind == EvaluationKind::Project {
                key.push('/');
                key.push_str(&project_part(
                    identity.project_code.as_ref(),
                    identity.project.as_ref(),
                ));
            }
            key
        });
        let mut name = normalize_name(&identity.name);
        if identity.kind == EvaluationKind::Project {
            name.push('/');
            name.push_str(&project_part(None, identity.project.as_ref()));
        }
        Submission {
            source,
            kind,
            year: identity.year,
            evaluation: identity.kind,
            code,
            name,
            filed_on: identity.filed_on,
            identity: identity.clone(),
            sha256: String::new(),
        }
    }

    /// Whether `identity` is the unit this submission was identified as (the same keys, year,
    /// kind and 填报日期); the identity as written may have been dropped ([`Self::lightened`]).
    pub fn identifies(&self, identity: &UnitIdentity) -> bool {
        let other = Submission::new(String::new(), self.kind, identity);
        (
            &self.code,
            &self.name,
            self.year,
            self.evaluation,
            self.filed_on,
        ) == (
            &other.code,
            &other.name,
            other.year,
            other.evaluation,
            other.filed_on,
        )
    }

    /// Without the identity as written (the roster and the reviews have used it): what a batch
    /// keeps of every unit while it scores them.
    #[must_use]
    pub fn lightened(mut self) -> Submission {
        self.identity = UnitIdentity::new(String::new(), self.year, self.evaluation);
        self
    }

    /// With the hash of what was read.
    #[must_use]
    pub fn hashed(mut self, bytes: &[u8]) -> Submission {
        self.sha256 = sha256(bytes);
        self
    }
}

/// A submission not scored because the same unit filed a preferred one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Index of the submission not scored.
    pub dropped: usize,
    /// Index of the one scored instead.
    pub kept: usize,
    /// The dropped one is the file the earlier round scored, and the kept one is new: a
    /// resubmission replaced it (not a duplicate).
    pub superseded: bool,
}

/// The submissions that are one unit's (same year and kind, and the same code, or the same name
/// where a code is missing on either side), and of each group the one to score. `submissions`
/// are in input order; `None` is a submission that could not be identified (its file could not be
/// read), never a duplicate. `earlier[i]` says that submission `i` is the very file the earlier
/// round had for its unit (`--previous`): a new submission of the unit is preferred to it
/// whatever their kinds. Returned in the order of the dropped submissions.
pub fn duplicates(submissions: &[Option<Submission>], earlier: &[bool]) -> Vec<Duplicate> {
    let is_earlier = |i: usize| earlier.get(i).copied().unwrap_or(false);
    // Groups of submissions; a group's code is the first code any member gave.
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut by_code: HashMap<(u16, EvaluationKind, String), usize> = HashMap::new();
    let mut by_name: HashMap<(u16, EvaluationKind, String), Vec<usize>> = HashMap::new();
    for (index, submission) in submissions.iter().enumerate() {
        let Some(s) = submission else { continue };
        let name_key = (s.year, s.evaluation, s.name.clone());
        let found = match &s.code {
            Some(code) => by_code
                .get(&(s.year, s.evaluation, code.clone()))
                .copied()
                .or_else(|| {
                    // A group of the same name whose members gave no code.
                    by_name
                        .get(&name_key)?
                        .iter()
                        .copied()
                        .find(|&g| groups[g].0.is_none())
                }),
            None => by_name.get(&name_key).and_then(|g| g.first().copied()),
        };
        let group = match found {
            Some(group) => {
                groups[group].1.push(index);
                group
            }
            None => {
                groups.push((None, vec![index]));
                by_name.entry(name_key).or_default().push(groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some(code) = &s.code
            && groups[group].0.is_none()
        {
            groups[group].0 = Some(code.clone());
            by_code.insert((s.year, s.evaluation, code.clone()), group);
        }
    }
    let mut out = Vec::new();
    for (_, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let get = |i: usize| submissions[i].as_ref().expect("grouped submissions exist");
        let kept = members
            .iter()
            .copied()
            .min_by(|&a, &b| {
                let (sa, sb) = (get(a), get(b));
                is_earlier(a)
                    .cmp(&is_earlier(b))
                    .then(sa.kind.cmp(&sb.kind))
                    // The later filing date first; a date before none.
                    .then_with(|| sb.filed_on.cmp(&sa.filed_on))
                    .then(a.cmp(&b))
            })
            .expect("a group of two or more");
        out.extend(
            members
                .into_iter()
                .filter(|&i| i != kept)
                .map(|dropped| Duplicate {
                    dropped,
                    kept,
                    superseded: is_earlier(dropped) && !is_earlier(kept),
                }),
        );
    }
    out.sort_by_key(|d| d.dropped);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lightened_submission_still_knows_its_unit_and_no_other() {
        let filed = identity("株洲市 芦淞区科协", Some("43-0001"));
        let submission = Submission::new("a.toml".into(), SourceKind::UnitFile, &filed).lightened();
        assert!(submission.identifies(&filed));
        // Spaces and full-width forms do not make another unit; another name or year does.
        assert!(submission.identifies(&identity("株洲市芦淞区科协", Some("43-0001"))));
        assert!(!submission.identifies(&identity("株洲市芦淞区档案馆", Some("43-0001"))));
        assert!(!submission.identifies(&identity("株洲市 芦淞区科协", Some("43-0002"))));
        let mut last_year = filed.clone();
        last_year.year = 2023;
        assert!(!submission.identifies(&last_year));
    }

    fn identity(name: &str, code: Option<&str>) -> UnitIdentity {
        UnitIdentity {
            code: code.map(str::to_owned),
            ..UnitIdentity::new(name, 2024, EvaluationKind::Department)
        }
    }

    fn at(source: &str, kind: SourceKind, name: &str, code: Option<&str>) -> Option<Submission> {
        Some(Submission::new(
            source.to_owned(),
            kind,
            &identity(name, code),
        ))
    }

    #[test]
    fn a_form_is_kept_over_a_report_whatever_the_order() {
        let subs = [
            at("a.docx", SourceKind::Report, "芦淞区科协", None),
            at("b.xlsx", SourceKind::Form, "芦淞区 科协", Some("001")),
            at("c.toml", SourceKind::UnitFile, "别的单位", None),
            None,
        ];
        assert_eq!(
            duplicates(&subs, &[]),
            vec![Duplicate {
                dropped: 0,
                kept: 1,
                superseded: false
            }]
        );
    }

    #[test]
    fn different_codes_are_different_units_even_under_one_name() {
        let subs = [
            at("a.toml", SourceKind::UnitFile, "财政所", Some("001")),
            at("b.toml", SourceKind::UnitFile, "财政所", Some("002")),
        ];
        assert!(duplicates(&subs, &[]).is_empty());
        // The same code under two spellings of the name is one unit; of two of a kind the
        // first in name order is kept.
        let subs = [
            at("a.toml", SourceKind::UnitFile, "财政所", Some("001")),
            at("b.toml", SourceKind::UnitFile, "县财政所", Some("００１")),
            at("c.toml", SourceKind::UnitFile, "财政所", None),
        ];
        assert_eq!(
            duplicates(&subs, &[]),
            vec![
                Duplicate {
                    dropped: 1,
                    kept: 0,
                    superseded: false
                },
                Duplicate {
                    dropped: 2,
                    kept: 0,
                    superseded: false
                }
            ]
        );
    }

    #[test]
    fn a_resubmission_replaces_the_file_the_earlier_round_had() {
        // The earlier round scored the form; the unit sent a report this time: the report
        // replaces it, though a form is otherwise preferred.
        let subs = [
            at("a.xlsx", SourceKind::Form, "科协", None),
            at("b.docx", SourceKind::Report, "科协", None),
        ];
        assert_eq!(
            duplicates(&subs, &[true, false]),
            vec![Duplicate {
                dropped: 0,
                kept: 1,
                superseded: true
            }]
        );
    }

    #[test]
    fn the_later_filing_date_wins_among_submissions_of_one_kind() {
        let mut early = identity("科协", None);
        early.filed_on = Some(Date::constant(2025, 3, 1));
        let mut late = early.clone();
        late.filed_on = Some(Date::constant(2025, 3, 20));
        let subs = [
            Some(Submission::new("a".into(), SourceKind::Report, &early)),
            Some(Submission::new("b".into(), SourceKind::Report, &late)),
        ];
        assert_eq!(
            duplicates(&subs, &[]),
            vec![Duplicate {
                dropped: 0,
                kept: 1,
                superseded: false
            }]
        );
    }
}
