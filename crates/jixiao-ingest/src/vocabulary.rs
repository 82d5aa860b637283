//! The prose reader's vocabulary: the labels, keywords and measure words it looks for, kept in a
//! data file (`vocabulary.toml`, shipped inside the crate) so that a new phrasing is a line, not
//! code. A bureau extends it with a file of the same shape holding only what it adds
//! ([`Vocabulary::from_file`]); its entries are appended to the built-in lists, never replace
//! them. Every pattern is compiled once per vocabulary, when it is made.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::text::normalize;

/// The built-in vocabulary file, as shipped with the crate.
pub const BUILTIN: &str = include_str!("../vocabulary.toml");

/// What names the built-in vocabulary in messages.
const BUILTIN_NAME: &str = "vocabulary.toml (built in)";

/// Why a vocabulary file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum VocabularyError {
    #[error("cannot read the vocabulary file {file}: {source}", file = file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8: where, and whether it reads as GBK.
    #[error("{file}: {why}", file = file.display())]
    NotUtf8 {
        file: PathBuf,
        why: jixiao_model::encoding::NotUtf8,
    },
    /// Not TOML, or a key or value the vocabulary does not have.
    #[error(
        "{file}: {at}{message}",
        file = file.display(),
        at = if key.is_empty() { String::new() } else { format!("at `{key}`: ") }
    )]
    Parse {
        file: PathBuf,
        /// The key at fault, e.g. `budget.opening.labels`; empty when the file is not TOML.
        key: String,
        message: String,
    },
    /// An entry that cannot be a label (empty, or an unknown `{placeholder}`).
    #[error("{file}: at `{key}`: {entry:?}: {why}", file = file.display())]
    Entry {
        file: PathBuf,
        key: String,
        entry: String,
        why: String,
    },
}

/// Labels of an amount and the words that, just before a label, make it something else.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct AmountWords {
    pub labels: Vec<String>,
    pub not_after: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct TitleWords {
    pub markers: Vec<String>,
    pub not_title: Vec<String>,
    pub department: Vec<String>,
    pub project: Vec<String>,
    pub spending: Vec<String>,
    pub evaluation: Vec<String>,
    pub report: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct UnitWords {
    pub categories: Vec<String>,
    pub no_sub_units: Vec<String>,
    pub name_labels: Vec<String>,
    pub code_labels: Vec<String>,
    pub unit_endings: Vec<String>,
    pub region_endings: Vec<String>,
    pub name_lead_ins: Vec<String>,
    pub subject_verbs: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct StaffingWords {
    pub authorised: Vec<String>,
    pub authorised_parts: Vec<String>,
    pub in_post: Vec<String>,
    pub headcount: Vec<String>,
    pub retired: Vec<String>,
    pub includes_retired: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct BudgetWords {
    pub opening: AmountWords,
    pub full_year: AmountWords,
    pub addition: AmountWords,
    pub decrease: AmountWords,
    pub income: AmountWords,
    pub basic: AmountWords,
    pub personnel: AmountWords,
    pub public: AmountWords,
    pub project: AmountWords,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SpendingWords {
    pub labels: Vec<String>,
    pub not_after: Vec<String>,
    pub spent_in_full: Vec<String>,
    pub received: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ProjectWords {
    pub opening: AmountWords,
    pub full_year: AmountWords,
    pub full_year_parts: AmountWords,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct BaseWords {
    pub carried_over: AmountWords,
    pub three_public: AmountWords,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct AccountWords {
    pub none: Vec<String>,
    pub income: Vec<String>,
    pub spent: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FundWords {
    pub opening: AmountWords,
    pub spent: AmountWords,
    pub increase: AmountWords,
    pub decrease: AmountWords,
    pub adjusted: AmountWords,
    pub carried_over: AmountWords,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct GoalWords {
    pub measure_words: Vec<String>,
    pub quantities: Vec<String>,
    pub at_most: Vec<String>,
    pub at_least: Vec<String>,
    pub target_markers: Vec<String>,
    pub actual_markers: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ClaimWords {
    pub at_least_before: Vec<String>,
    pub not_measure_words: Vec<String>,
    /// Measure words by family name.
    pub families: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SectionWords {
    pub government_fund: Vec<String>,
    pub state_capital: Vec<String>,
    pub social_insurance: Vec<String>,
    pub problems: Vec<String>,
    pub improvements: Vec<String>,
    pub disclosure: Vec<String>,
    pub other: Vec<String>,
    pub goals: Vec<String>,
    pub goals_overall: Vec<String>,
    pub goals_fund: Vec<String>,
    pub goals_achieved: Vec<String>,
    pub funds: Vec<String>,
    pub staffing: Vec<String>,
    pub organisation: Vec<String>,
    pub functions: Vec<String>,
    pub performance: Vec<String>,
    pub budget: Vec<String>,
    pub basic: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NarrativeWords {
    pub says_nothing: Vec<String>,
    pub combined: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DeclaredWords {
    pub total: Vec<String>,
    pub grade: Vec<String>,
    pub grades: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DisclosureWords {
    pub negative: Vec<String>,
    pub positive: Vec<String>,
}

/// The vocabulary file's shape: every group optional, so a bureau's file holds only what it adds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Words {
    pub title: TitleWords,
    pub unit: UnitWords,
    pub staffing: StaffingWords,
    pub budget: BudgetWords,
    pub spending: SpendingWords,
    pub project: ProjectWords,
    pub base: BaseWords,
    pub accounts: AccountWords,
    pub funds: FundWords,
    pub goals: GoalWords,
    pub claims: ClaimWords,
    pub sections: SectionWords,
    pub narrative: NarrativeWords,
    pub disclosure: DisclosureWords,
    pub declared: DeclaredWords,
    /// Known typos and what they stand for: `"年未" = "年末"`.
    pub typos: std::collections::BTreeMap<String, String>,
}

/// A list of labels compiled into one pattern `(?:label…) SUFFIX`, longest label first, with the
/// words that must not stand just before a label.
#[derive(Debug, Clone)]
pub(crate) struct LabelSet {
    regex: Regex,
    /// The labels followed by a figure, whatever its form (`资金9，056万元`).
    bare: Regex,
    /// The labels, in the order of their capture groups (1..).
    labels: Vec<Label>,
    not_after: Vec<String>,
}

/// One label of a [`LabelSet`].
#[derive(Debug, Clone)]
struct Label {
    /// Which of the set's lists it comes from (0 for a set of one list).
    class: usize,
    /// `(typo, meant)` when this is a known typo's form of a label (年未结余 for 年末结余).
    typo: Option<(String, String)>,
}

/// One match of a [`LabelSet`].
#[derive(Debug)]
pub(crate) struct LabelMatch<'t> {
    pub caps: regex::Captures<'t>,
    /// Index of the label (in the sorted list).
    pub label: usize,
    set: &'t LabelSet,
}

impl LabelMatch<'_> {
    /// The whole match: label, connector and figure.
    pub fn whole(&self) -> regex::Match<'_> {
        self.caps.get(0).expect("group 0 is the match")
    }

    /// The label as it stands in the text.
    pub fn label_text(&self) -> &str {
        self.caps.get(self.label + 1).map_or("", |m| m.as_str())
    }

    /// A named group of the suffix.
    pub fn group(&self, name: &str) -> Option<&str> {
        self.caps.name(name).map(|m| m.as_str())
    }

    /// Which of the set's lists the label matched comes from.
    pub fn class(&self) -> usize {
        self.set.labels.get(self.label).map_or(0, |l| l.class)
    }

    /// When the label matched is a known typo's form: a note saying what it stands for.
    pub fn typo_note(&self) -> Option<String> {
        let (typo, meant) = self.set.labels.get(self.label)?.typo.as_ref()?;
        Some(format!(
            "「{}」: {typo} 是 {meant} 的笔误 (a known typo)",
            self.label_text()
        ))
    }
}

impl LabelSet {
    fn new(
        c: &mut Compiler<'_>,
        key: &str,
        labels: &[String],
        suffix: &str,
        not_after: &[String],
    ) -> LabelSet {
        LabelSet::of_classes(c, key, &[labels], suffix, not_after)
    }

    /// A set of several lists (classes) in one pattern, so that at one place in a line the
    /// longest label of any list wins; a match says its list ([`LabelMatch::class`]).
    fn of_classes(
        c: &mut Compiler<'_>,
        key: &str,
        lists: &[&[String]],
        suffix: &str,
        not_after: &[String],
    ) -> LabelSet {
        // Each label, and its forms with a known typo (年未结余 for 年末结余).
        let mut all: Vec<(String, Label)> = Vec::new();
        for (class, labels) in lists.iter().enumerate() {
            for label in normalized(labels) {
                for (typo, meant) in &c.typos {
                    if label.contains(meant.as_str()) {
                        let form = label.replace(meant.as_str(), typo);
                        let typo = Some((typo.clone(), meant.clone()));
                        all.push((form, Label { class, typo }));
                    }
                }
                all.push((label, Label { class, typo: None }));
            }
        }
        all.retain({
            let mut seen = std::collections::HashSet::new();
            move |(l, _)| seen.insert(l.clone())
        });
        all.sort_by_key(|(l, _)| std::cmp::Reverse(text_length(l)));
        let body = if all.is_empty() {
            NEVER.to_owned()
        } else {
            all.iter()
                .map(|(l, _)| format!("({})", label_pattern(l)))
                .collect::<Vec<_>>()
                .join("|")
        };
        LabelSet {
            regex: c.re(key, &format!("(?:{body}){suffix}")),
            bare: c.re(key, &format!("(?:{body}){GAP}[0-9０-９]")),
            labels: all.into_iter().map(|(_, label)| label).collect(),
            not_after: normalized(not_after),
        }
    }

    /// Every match in `text` not preceded by a `not_after` word, in order.
    pub fn matches<'t>(&'t self, text: &'t str) -> impl Iterator<Item = LabelMatch<'t>> + 't {
        self.regex.captures_iter(text).filter_map(move |caps| {
            let start = caps.get(0)?.start();
            let before = &text[..start];
            if self.not_after.iter().any(|w| before.ends_with(w.as_str())) {
                return None;
            }
            let label = (1..=self.labels.len()).find(|i| caps.get(*i).is_some())?;
            Some(LabelMatch {
                caps,
                label: label - 1,
                set: self,
            })
        })
    }

    /// How many times a label followed by a figure stands in `text` (not after a `not_after`
    /// word): more than [`LabelSet::matches`] finds when a figure could not be read.
    pub fn mentions(&self, text: &str) -> usize {
        self.bare
            .find_iter(text)
            .filter(|m| {
                let before = &text[..m.start()];
                !self.not_after.iter().any(|w| before.ends_with(w.as_str()))
            })
            .count()
    }

    /// The first match in `text` not preceded by a `not_after` word.
    pub fn first<'t>(&'t self, text: &'t str) -> Option<LabelMatch<'t>> {
        self.matches(text).next()
    }
}

/// The connector allowed between a label and its amount: an optional parenthesis, 为/是/共...
pub(crate) const GAP: &str = r"(?:数|额|金额|资金|总额)?\s*(?:[(（][^)）]{0,40}[)）])?\s*[为是共计有达约合:：]*\s*(?:人民币)?\s*";
/// An amount with its unit.
pub(crate) const AMOUNT: &str = r"(?P<number>-?\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)";
/// A head count after its label (编制 also in 个, or bare before a closing parenthesis:
/// "(编制219)").
const COUNT: &str = r"\s*[为是共有:]*\s*(?P<n>\d{1,5})\s*(?:名|人|个|[)）])";
/// A count of people after its label.
const PEOPLE: &str = r"\s*[为是共有:]*\s*(?P<n>\d{1,5})\s*(?:名|人)";

/// The patterns of a vocabulary, compiled once.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub opening: LabelSet,
    pub full_year: LabelSet,
    pub addition: LabelSet,
    pub decrease: LabelSet,
    pub income: LabelSet,
    pub basic: LabelSet,
    pub personnel: LabelSet,
    pub public: LabelSet,
    pub project: LabelSet,
    pub spent: LabelSet,
    pub project_opening: LabelSet,
    pub project_full_year: LabelSet,
    pub project_full_year_parts: LabelSet,
    pub base_carried_over: LabelSet,
    pub base_three_public: LabelSet,
    pub account_income: LabelSet,
    pub account_spent: LabelSet,
    pub fund_opening: LabelSet,
    pub fund_spent: LabelSet,
    pub fund_increase: LabelSet,
    pub fund_decrease: LabelSet,
    pub fund_adjusted: LabelSet,
    pub fund_carried_over: LabelSet,
    pub authorised: LabelSet,
    pub in_post: LabelSet,
    pub retired: LabelSet,
    /// Right after an in-post count: `(含退休2人)`; group `n`.
    pub includes_retired: Regex,
    /// `是群团组织`; group 1 the category.
    pub category: Regex,
    /// What ends a title after the name.
    pub title_tail: Regex,
    /// A line of the title block naming the unit: `单位名称（盖章）：X`; group `name`.
    pub name_label: Regex,
    /// A line of the title block giving the unit's code: `预算编码：418001`; group `code`.
    pub unit_code: Regex,
    /// A unit as the subject of a sentence: `…，万源市民政局共收到…`; group `name`.
    pub subject: Regex,
    /// A claim: groups `before` (at-least word), `number`, `wan`, `more`, `unit`, `above`.
    pub claim: Regex,
    /// A goal's target: groups `direction`, `number`, then `quantity` (万吨, as written) or
    /// `wan`, `more`, `unit` (a counted measure word).
    pub target: Regex,
    /// An actual after a goal's target: `实际完成1350吨`; groups as [`Compiled::target`].
    pub goal_actual: Regex,
    /// The unit's own total: `自评得分96分`; group `n`.
    pub declared_total: Regex,
    /// The unit's own grade: `等级为优`; group `grade`.
    pub declared_grade: Regex,
}

/// The vocabulary the prose reader uses: the built-in one ([`Vocabulary::builtin`]) or the
/// built-in one extended by a bureau's file ([`Vocabulary::from_file`]).
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The files it was made from, the built-in one first.
    sources: Vec<PathBuf>,
    /// The merged file, kept to merge the next one into.
    table: toml::Table,
    pub(crate) words: Words,
    pub(crate) re: Compiled,
    /// The merged table vocabulary (`tables.toml`, then each file's `[tables]`), kept to merge
    /// the next one into.
    tables_table: toml::Table,
    /// What the tables of reports call their columns, rows and labels.
    pub(crate) tables: crate::tables::TableVocabulary,
}

static BUILTIN_VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    Vocabulary::parse(BUILTIN, Path::new(BUILTIN_NAME))
        .unwrap_or_else(|e| panic!("the built-in vocabulary is valid: {e}"))
});

impl Vocabulary {
    /// The vocabulary shipped with the crate (`vocabulary.toml`), parsed and compiled once.
    pub fn builtin() -> &'static Vocabulary {
        &BUILTIN_VOCABULARY
    }

    /// The built-in vocabulary extended by the vocabulary file at `path`.
    pub fn from_file(path: &Path) -> Result<Vocabulary, VocabularyError> {
        let mut v = Self::builtin().clone();
        v.extend_from_file(path)?;
        Ok(v)
    }

    /// The built-in vocabulary extended by `text` (a vocabulary file's contents); `file` names it
    /// in errors.
    pub fn from_toml(text: &str, file: &Path) -> Result<Vocabulary, VocabularyError> {
        let mut v = Self::builtin().clone();
        v.extend_from_toml(text, file)?;
        Ok(v)
    }

    /// Adds the entries of the vocabulary file at `path` to this vocabulary's lists (after the
    /// entries already there; an entry already present is not repeated).
    pub fn extend_from_file(&mut self, path: &Path) -> Result<(), VocabularyError> {
        let text = jixiao_model::encoding::read_utf8(path).map_err(|e| match e {
            jixiao_model::encoding::ReadTextError::Io(source) => VocabularyError::Io {
                file: path.to_owned(),
                source,
            },
            jixiao_model::encoding::ReadTextError::NotUtf8(why) => VocabularyError::NotUtf8 {
                file: path.to_owned(),
                why,
            },
        })?;
        self.extend_from_toml(&text, path)
    }

    /// As [`Vocabulary::extend_from_file`], from the file's text; `file` names it in errors.
    pub fn extend_from_toml(&mut self, text: &str, file: &Path) -> Result<(), VocabularyError> {
        let (text, tables) = split_tables(text, file)?;
        if let Some(tables) = tables {
            let mut merged = self.tables_table.clone();
            merge(&mut merged, tables);
            self.tables = tables_of(&merged, file)?;
            self.tables_table = merged;
        }
        let text = text.as_str();
        let (table, words) = parse_words(text, file)?;
        validate(&words, file)?;
        let mut merged = self.table.clone();
        merge(&mut merged, table);
        let words: Words = from_table(&merged, file)?;
        self.re = compile(&words, file)?;
        self.words = words;
        self.table = merged;
        self.sources.push(file.to_owned());
        Ok(())
    }

    /// The files this vocabulary was made from: the built-in one, then each bureau file.
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    fn parse(text: &str, file: &Path) -> Result<Vocabulary, VocabularyError> {
        let (table, words) = parse_words(text, file)?;
        validate(&words, file)?;
        let tables_file = Path::new("tables.toml");
        let tables_table: toml::Table = toml::from_str(crate::tables::BUILTIN)
            .map_err(|e| parse_error(tables_file, String::new(), e.to_string()))?;
        Ok(Vocabulary {
            sources: vec![file.to_owned()],
            table,
            re: compile(&words, file)?,
            words,
            tables: tables_of(&tables_table, tables_file)?,
            tables_table,
        })
    }

    /// The table vocabulary: the built-in `tables.toml` and each file's `[tables]`.
    pub fn tables(&self) -> &crate::tables::TableVocabulary {
        &self.tables
    }
}

/// A bureau file's `[tables]` (the table vocabulary, in the form of `tables.toml`) apart from
/// the rest of the file (the prose vocabulary).
fn split_tables(text: &str, file: &Path) -> Result<(String, Option<toml::Table>), VocabularyError> {
    let mut table: toml::Table = toml::from_str(text)
        .map_err(|e| parse_error(file, jixiao_model::syntax_key(text, &e), e.to_string()))?;
    match table.remove("tables") {
        None => Ok((text.to_owned(), None)),
        Some(toml::Value::Table(tables)) => Ok((table.to_string(), Some(tables))),
        Some(_) => Err(parse_error(
            file,
            "tables".into(),
            "expected a table ([tables]), as in tables.toml".into(),
        )),
    }
}

/// The table vocabulary of a merged `tables.toml`, unknown keys refused with their path.
fn tables_of(
    table: &toml::Table,
    file: &Path,
) -> Result<crate::tables::TableVocabulary, VocabularyError> {
    crate::tables::TableVocabulary::from_table(table).map_err(|(key, message)| {
        parse_error(
            file,
            format!("tables.{key}").trim_end_matches('.').to_owned(),
            message,
        )
    })
}

fn parse_error(file: &Path, key: String, message: String) -> VocabularyError {
    VocabularyError::Parse {
        file: file.to_owned(),
        key,
        message: message.trim_end().to_owned(),
    }
}

fn parse_words(text: &str, file: &Path) -> Result<(toml::Table, Words), VocabularyError> {
    let deserializer = toml::Deserializer::parse(text)
        .map_err(|e| parse_error(file, String::new(), e.to_string()))?;
    let words: Words = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        parse_error(file, key, e.into_inner().to_string())
    })?;
    let table: toml::Table =
        toml::from_str(text).map_err(|e| parse_error(file, String::new(), e.to_string()))?;
    Ok((table, words))
}

/// The merged lists, each already valid in its file.
fn from_table(table: &toml::Table, file: &Path) -> Result<Words, VocabularyError> {
    Words::deserialize(toml::Value::Table(table.clone()))
        .map_err(|e| parse_error(file, String::new(), e.to_string()))
}

/// Merges `add` into `into`: tables key by key, lists by appending the entries not yet there.
fn merge(into: &mut toml::Table, add: toml::Table) {
    for (key, value) in add {
        match (into.get_mut(&key), value) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (Some(toml::Value::Array(a)), toml::Value::Array(b)) => {
                for entry in b {
                    if !a.contains(&entry) {
                        a.push(entry);
                    }
                }
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// Every label list of `words`, by key, for checking.
fn label_lists(w: &Words) -> Vec<(String, &[String])> {
    let mut out: Vec<(String, &[String])> = vec![
        ("staffing.authorised".into(), &w.staffing.authorised),
        (
            "staffing.authorised_parts".into(),
            &w.staffing.authorised_parts,
        ),
        ("staffing.in_post".into(), &w.staffing.in_post),
        ("staffing.headcount".into(), &w.staffing.headcount),
        ("staffing.retired".into(), &w.staffing.retired),
        ("spending.labels".into(), &w.spending.labels),
        ("accounts.income".into(), &w.accounts.income),
        ("accounts.spent".into(), &w.accounts.spent),
    ];
    let b = &w.budget;
    for (name, a) in [
        ("opening", &b.opening),
        ("full_year", &b.full_year),
        ("addition", &b.addition),
        ("decrease", &b.decrease),
        ("income", &b.income),
        ("basic", &b.basic),
        ("personnel", &b.personnel),
        ("public", &b.public),
        ("project", &b.project),
    ] {
        out.push((format!("budget.{name}.labels"), &a.labels));
    }
    for (name, a) in [
        ("opening", &w.project.opening),
        ("full_year", &w.project.full_year),
        ("full_year_parts", &w.project.full_year_parts),
    ] {
        out.push((format!("project.{name}.labels"), &a.labels));
    }
    for (name, a) in [
        ("carried_over", &w.base.carried_over),
        ("three_public", &w.base.three_public),
    ] {
        out.push((format!("base.{name}.labels"), &a.labels));
    }
    let f = &w.funds;
    for (name, a) in [
        ("opening", &f.opening),
        ("spent", &f.spent),
        ("increase", &f.increase),
        ("decrease", &f.decrease),
        ("adjusted", &f.adjusted),
        ("carried_over", &f.carried_over),
    ] {
        out.push((format!("funds.{name}.labels"), &a.labels));
    }
    out
}

/// Checks every label: it must have some text besides placeholders, and use only known ones.
fn validate(words: &Words, file: &Path) -> Result<(), VocabularyError> {
    let bad = |key: &str, entry: &str, why: String| VocabularyError::Entry {
        file: file.to_owned(),
        key: key.to_owned(),
        entry: entry.to_owned(),
        why,
    };
    for (key, labels) in label_lists(words) {
        for label in labels {
            let mut text = String::new();
            let mut rest = label.as_str();
            while let Some(i) = rest.find(['{', '}']) {
                text.push_str(&rest[..i]);
                let Some(close) = rest[i..].find('}').filter(|_| rest[i..].starts_with('{')) else {
                    return Err(bad(
                        &key,
                        label,
                        "a brace that opens or closes no placeholder".into(),
                    ));
                };
                let name = &rest[i + 1..i + close];
                if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
                    return Err(bad(
                        &key,
                        label,
                        format!("unknown placeholder {{{name}}} (known: {{year}}, {{any}})"),
                    ));
                }
                rest = &rest[i + close + 1..];
            }
            text.push_str(rest);
            if normalize(&text).trim().is_empty() {
                return Err(bad(
                    &key,
                    label,
                    "a label needs some text besides placeholders".into(),
                ));
            }
        }
    }
    for (typo, meant) in &words.typos {
        if normalize(typo).trim().is_empty() || normalize(meant).trim().is_empty() {
            return Err(bad(
                "typos",
                typo,
                "a typo and what it stands for are both text".into(),
            ));
        }
    }
    Ok(())
}

/// The placeholders a label may use, and what they stand for.
const PLACEHOLDERS: [(&str, &str); 2] = [
    ("year", r"20\d{2}\s*年度?"),
    ("any", r"[^，,。；;：:、!！?？()（）\d\s]{0,20}?"),
];

/// A label as a pattern: its text normalised and escaped, placeholders expanded.
fn label_pattern(label: &str) -> String {
    let label = normalize(label);
    let mut out = String::new();
    let mut rest = label.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&regex::escape(&rest[..open]));
        let name = &rest[open + 1..open + close];
        match PLACEHOLDERS.iter().find(|(p, _)| *p == name) {
            Some((_, pattern)) => out.push_str(pattern),
            None => out.push_str(&regex::escape(&rest[open..=open + close])),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(&regex::escape(rest));
    out
}

fn normalized(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let w = normalize(w).trim().to_owned();
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// A label's length without its placeholders: the longest label is tried first (at one place in
/// a line the longest label wins); sorting is stable, so equal lengths keep the file's order.
fn text_length(label: &str) -> usize {
    label
        .replace("{year}", "")
        .replace("{any}", "")
        .chars()
        .count()
}

/// `(?:a|b|c)` of the words, the longest first; a never-matching pattern when there are none.
fn words_pattern(words: &[String]) -> String {
    let mut sorted = normalized(words);
    sorted.sort_by_key(|l| std::cmp::Reverse(text_length(l)));
    if sorted.is_empty() {
        NEVER.to_owned()
    } else {
        let alternatives: Vec<String> = sorted.iter().map(|w| label_pattern(w)).collect();
        format!("(?:{})", alternatives.join("|"))
    }
}

/// A pattern that never matches (for an empty list).
const NEVER: &str = r"[^\s\S]";

/// Compiles the patterns of one vocabulary, keeping the first error (a list too long for a
/// pattern, say) to report it with the file.
struct Compiler<'f> {
    file: &'f Path,
    error: Option<VocabularyError>,
    /// Known typos (`年未` for `年末`), normalised: every label with the meant text also matches
    /// its typo's form.
    typos: Vec<(String, String)>,
}

impl Compiler<'_> {
    fn re(&mut self, key: &str, pattern: &str) -> Regex {
        match Regex::new(pattern) {
            Ok(re) => re,
            Err(e) => {
                self.error.get_or_insert_with(|| VocabularyError::Parse {
                    file: self.file.to_owned(),
                    key: key.to_owned(),
                    message: format!("the entries make no usable pattern: {e}"),
                });
                Regex::new(NEVER).expect("a valid pattern")
            }
        }
    }
}

fn compile(w: &Words, file: &Path) -> Result<Compiled, VocabularyError> {
    let c = &mut Compiler {
        file,
        error: None,
        typos: w
            .typos
            .iter()
            .map(|(typo, meant)| (normalize(typo), normalize(meant)))
            .filter(|(typo, meant)| !typo.is_empty() && !meant.is_empty())
            .collect(),
    };
    let amount_suffix = format!("{GAP}{AMOUNT}");
    let b = &w.budget;
    let f = &w.funds;
    let measure: Vec<String> = w.claims.families.values().flatten().cloned().collect();
    // A goal's measure: a quantity as written (146万吨), else a counted word (1万余人 = 10000 人).
    let goal_measure = format!(
        r"(?:(?P<quantity>{})|(?P<wan>万)?\s*(?P<more>余|多|以上)?\s*(?P<unit>{}))",
        words_pattern(&w.goals.quantities),
        words_pattern(&w.goals.measure_words),
    );
    let t = &w.title;
    let amount = |c: &mut Compiler<'_>, key: &str, a: &AmountWords| {
        LabelSet::new(c, key, &a.labels, &amount_suffix, &a.not_after)
    };
    let compiled = Compiled {
        opening: amount(c, "budget.opening", &b.opening),
        full_year: amount(c, "budget.full_year", &b.full_year),
        addition: amount(c, "budget.addition", &b.addition),
        decrease: amount(c, "budget.decrease", &b.decrease),
        income: amount(c, "budget.income", &b.income),
        basic: amount(c, "budget.basic", &b.basic),
        personnel: amount(c, "budget.personnel", &b.personnel),
        public: amount(c, "budget.public", &b.public),
        project: amount(c, "budget.project", &b.project),
        spent: LabelSet::new(
            c,
            "spending",
            &w.spending.labels,
            &amount_suffix,
            &w.spending.not_after,
        ),
        project_opening: amount(c, "project.opening", &w.project.opening),
        project_full_year: amount(c, "project.full_year", &w.project.full_year),
        project_full_year_parts: amount(
            c,
            "project.full_year_parts",
            &w.project.full_year_parts,
        ),
        base_carried_over: amount(c, "base.carried_over", &w.base.carried_over),
        base_three_public: amount(c, "base.three_public", &w.base.three_public),
        account_income: LabelSet::new(c, "accounts.income", &w.accounts.income, &amount_suffix, &[]),
        account_spent: LabelSet::new(c, "accounts.spent", &w.accounts.spent, &amount_suffix, &[]),
        fund_opening: amount(c, "funds.opening", &f.opening),
        fund_spent: amount(c, "funds.spent", &f.spent),
        fund_increase: amount(c, "funds.increase", &f.increase),
        fund_decrease: amount(c, "funds.decrease", &f.decrease),
        fund_adjusted: amount(c, "funds.adjusted", &f.adjusted),
        fund_carried_over: amount(c, "funds.carried_over", &f.carried_over),
        authorised: LabelSet::of_classes(
            c,
            "staffing.authorised",
            &[&w.staffing.authorised, &w.staffing.authorised_parts],
            COUNT,
            &[],
        ),
        in_post: LabelSet::of_classes(
            c,
            "staffing.in_post",
            &[&w.staffing.in_post, &w.staffing.headcount],
            PEOPLE,
            &[],
        ),
        retired: LabelSet::new(c, "staffing.retired", &w.staffing.retired, PEOPLE, &[]),
        includes_retired: c.re(
            "staffing.includes_retired",
            &format!(
                r"^\s*[(（]?\s*{}{}(?:人员)?(?P<n>\d{{1,4}})\s*(?:名|人)",
                words_pattern(&w.staffing.includes_retired),
                words_pattern(&w.staffing.retired),
            ),
        ),
        category: c.re(
            "unit.categories",
            &format!(r"(?:是|为|属于?)({})", words_pattern(&w.unit.categories)),
        ),
        title_tail: c.re(
            "title",
            &format!(
                r"(?:部门|单位)?{}?(?:绩效)?{}{}?$",
                words_pattern(&t.spending),
                words_pattern(&t.evaluation),
                words_pattern(&t.report),
            ),
        ),
        unit_code: c.re(
            "unit.code_labels",
            &format!(
                r"^{}[:：](?P<code>[0-9A-Za-z-]{{2,30}})$",
                words_pattern(&w.unit.code_labels)
            ),
        ),
        declared_total: c.re(
            "declared.total",
            &format!(
                r"{}\s*[为是:：]*\s*(?P<n>\d{{1,3}}(?:\.\d{{1,2}})?)\s*分",
                words_pattern(&w.declared.total)
            ),
        ),
        declared_grade: c.re(
            "declared.grade",
            &format!(
                r#"{}\s*[为是:：]*\s*[“"]?(?P<grade>{})"#,
                words_pattern(&w.declared.grade),
                words_pattern(&w.declared.grades)
            ),
        ),
        name_label: c.re(
            "unit.name_labels",
            &format!(
                r"^{}\s*(?:[(（][^)）]{{0,10}}[)）])?\s*[:：]\s*(?P<name>[^\s，,。；;:：]{{2,40}})\s*$",
                words_pattern(&w.unit.name_labels)
            ),
        ),
        subject: c.re(
            "unit.subject_verbs",
            &format!(
                r#"(?:^|[，,。；;])\s*(?P<name>[^\d\s，,。；;:：、()（）“”"]{{3,30}}?{}){}"#,
                words_pattern(&w.unit.unit_endings),
                words_pattern(&w.unit.subject_verbs)
            ),
        ),
        claim: c.re(
            "claims",
            &format!(
                r"(?P<before>{})?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<wan>万)?\s*(?P<more>余|多)?\s*(?P<unit>{})(?P<above>以上)?",
                words_pattern(&w.claims.at_least_before),
                words_pattern(&measure),
            ),
        ),
        target: c.re(
            "goals",
            &format!(
                r"(?P<direction>{}|{})?\s*(?P<number>\d+(?:\.\d+)?)\s*{goal_measure}(?:以上)?",
                words_pattern(&w.goals.at_most),
                words_pattern(&w.goals.at_least),
            ),
        ),
        goal_actual: c.re(
            "goals.actual_markers",
            &format!(
                r"{}\s*(?P<number>\d+(?:\.\d+)?)\s*{goal_measure}",
                words_pattern(&w.goals.actual_markers),
            ),
        ),
    };
    match c.error.take() {
        Some(error) => Err(error),
        None => Ok(compiled),
    }
}

impl Vocabulary {
    /// The family of a claim's measure word (人 and 人次 are one family), if it has one.
    pub(crate) fn family(&self, word: &str) -> Option<&str> {
        self.words
            .claims
            .families
            .iter()
            .find(|(_, words)| words.iter().any(|w| w == word))
            .map(|(name, _)| name.as_str())
    }

    /// Whether `text` has any of `words`.
    pub(crate) fn has(text: &str, words: &[String]) -> bool {
        words.iter().any(|w| text.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_vocabulary_parses_and_compiles() {
        let v = Vocabulary::builtin();
        assert!(!v.words.spending.labels.is_empty());
        assert_eq!(v.sources(), [PathBuf::from(BUILTIN_NAME)]);
        let m =
            v.re.opening
                .first("2024年预算资金69.16万元")
                .expect("a match");
        assert_eq!(m.group("number"), Some("69.16"));
        assert_eq!(m.label_text(), "2024年预算");
    }

    /// A bureau's file saved in GBK says where and suggests UTF-8 (it said `stream did not
    /// contain valid UTF-8`); one nested too deeply names the key.
    #[test]
    fn a_bureau_file_in_gbk_or_nested_too_deep_is_named_where() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bureau.toml");
        // 某 in GBK (C4 B3) happens to be valid UTF-8: the first bad byte is 市's.
        let text = "# 某市财政局\n[spending]\nlabels = [\"花费\", \"实际支出\"]\n";
        std::fs::write(&file, encoding_rs::GBK.encode(text).0).unwrap();
        let err = Vocabulary::builtin()
            .clone()
            .extend_from_file(&file)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "{}: not UTF-8 at line 1 (byte offset 4: CA D0 B2 C6); the file looks GBK (GB18030)-encoded: save it as UTF-8",
                file.display()
            )
        );
        let deep = format!(
            "[spending]\nlabels = {}{}\n",
            "[".repeat(300),
            "]".repeat(300)
        );
        let err = Vocabulary::from_toml(&deep, Path::new("bureau.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("bureau.toml: at `spending.labels`: "),
            "{err}"
        );
    }

    #[test]
    fn a_bureau_file_adds_to_the_lists() {
        let v = Vocabulary::from_toml(
            "[spending]\nlabels = [\"花费\", \"实际支出\"]\n",
            Path::new("bureau.toml"),
        )
        .expect("valid");
        let labels = &v.words.spending.labels;
        assert_eq!(labels.last().map(String::as_str), Some("花费"));
        assert_eq!(labels.iter().filter(|l| *l == "实际支出").count(), 1);
        assert!(v.re.spent.first("本年花费12万元").is_some());
        assert!(
            Vocabulary::builtin()
                .re
                .spent
                .first("本年花费12万元")
                .is_none()
        );
    }

    #[test]
    fn a_bad_file_is_an_error_naming_file_and_key() {
        let err = Vocabulary::from_toml("[spending]\nlabls = [\"x\"]\n", Path::new("b.toml"))
            .expect_err("unknown key");
        let msg = err.to_string();
        assert!(msg.contains("b.toml") && msg.contains("labls"), "{msg}");
        let err = Vocabulary::from_toml("[budget.opening]\nlabels = \"x\"\n", Path::new("b.toml"))
            .expect_err("not a list");
        assert!(err.to_string().contains("budget.opening.labels"), "{err}");
        let err = Vocabulary::from_toml(
            "[budget.opening]\nlabels = [\"{yr}预算\"]\n",
            Path::new("b.toml"),
        )
        .expect_err("unknown placeholder");
        assert!(err.to_string().contains("{yr}"), "{err}");
        let err =
            Vocabulary::from_toml("[wording]\n", Path::new("b.toml")).expect_err("unknown group");
        assert!(err.to_string().contains("wording"), "{err}");
        let err = Vocabulary::from_toml("[spending\n", Path::new("b.toml")).expect_err("not TOML");
        assert!(err.to_string().contains("b.toml"), "{err}");
    }

    #[test]
    fn a_known_typo_is_read_and_said() {
        let v = Vocabulary::builtin();
        let m =
            v.re.base_carried_over
                .first("年未结余183.36万元")
                .expect("match");
        assert_eq!(m.group("number"), Some("183.36"));
        assert!(m.typo_note().is_some_and(|n| n.contains("年未")));
        let m =
            v.re.base_carried_over
                .first("年末结余183.36万元")
                .expect("match");
        assert_eq!(m.typo_note(), None);
        let err = Vocabulary::from_toml("[typos]\n\"年未\" = \"\"\n", Path::new("b.toml"))
            .expect_err("empty");
        assert!(err.to_string().contains("typos"), "{err}");
    }

    #[test]
    fn placeholders_stand_for_a_year_and_a_few_words() {
        let v = Vocabulary::from_toml(
            "[budget.full_year]\nlabels = [\"中央下达{any}资金预算\"]\n",
            Path::new("b.toml"),
        )
        .expect("valid");
        let m =
            v.re.full_year
                .first("中央下达政法转移支付资金预算150万元")
                .expect("match");
        assert_eq!(m.group("number"), Some("150"));
        assert!(
            v.re.full_year
                .first("中央下达资金，共计预算150万元")
                .is_none()
        );
    }
}
