//! Finding the report's sections: headings recognised by their numeral (一、 / (一) / 1、 / 1. /
//! (1), broken ones such as 一) and mixed brackets) or, without numeral, by their title; each
//! section's topic recognised by keywords in its title, never by its position.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::Line;
use crate::vocabulary::Vocabulary;

/// What a section is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// 基本情况 / 单位概况.
    Basic,
    /// 主要职能.
    Functions,
    /// 机构情况.
    Organisation,
    /// 人员情况.
    Staffing,
    /// 绩效目标 (both overall and special-fund goals).
    Goals,
    /// 整体支出绩效目标.
    OverallGoals,
    /// 专项资金绩效目标.
    FundGoals,
    /// 一般公共预算支出情况.
    Budget,
    /// 政府性基金预算.
    GovernmentFund,
    /// 国有资本经营预算.
    StateCapital,
    /// 社会保险基金预算.
    SocialInsurance,
    /// 资金使用及绩效情况 / 部门整体支出绩效情况: the narrative of outputs.
    Performance,
    /// 专项资金支出绩效情况.
    Funds,
    /// 存在的问题.
    Problems,
    /// 改进措施.
    Improvements,
    /// 自评结果应用和公开情况.
    Disclosure,
    /// 其他需要说明的情况.
    Other,
}

impl Topic {
    /// The topic's usual title, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Topic::Basic => "基本情况",
            Topic::Functions => "主要职能",
            Topic::Organisation => "机构情况",
            Topic::Staffing => "人员情况",
            Topic::Goals => "绩效目标",
            Topic::OverallGoals => "整体支出绩效目标",
            Topic::FundGoals => "专项资金绩效目标",
            Topic::Budget => "一般公共预算支出情况",
            Topic::GovernmentFund => "政府性基金预算支出情况",
            Topic::StateCapital => "国有资本经营预算支出情况",
            Topic::SocialInsurance => "社会保险基金预算支出情况",
            Topic::Performance => "部门整体支出绩效情况",
            Topic::Funds => "专项资金支出绩效情况",
            Topic::Problems => "存在的问题及原因分析",
            Topic::Improvements => "下一步改进措施",
            Topic::Disclosure => "绩效自评结果拟应用和公开情况",
            Topic::Other => "其他需要说明的情况",
        }
    }

    /// The topic a heading's title names, if any, by the built-in vocabulary.
    pub fn of_title(title: &str) -> Option<Topic> {
        Topic::of_title_in(title, Vocabulary::builtin())
    }

    /// The topic a heading's title names, if any, by the keywords of `vocabulary`
    /// (`[sections]`), the most specific first.
    pub fn of_title_in(title: &str, vocabulary: &Vocabulary) -> Option<Topic> {
        let w = &vocabulary.words.sections;
        let has = |words: &[String]| Vocabulary::has(title, words);
        Some(if has(&w.government_fund) {
            Topic::GovernmentFund
        } else if has(&w.state_capital) {
            Topic::StateCapital
        } else if has(&w.social_insurance) {
            Topic::SocialInsurance
        } else if has(&w.problems) {
            Topic::Problems
        } else if has(&w.improvements) {
            Topic::Improvements
        } else if has(&w.disclosure) {
            Topic::Disclosure
        } else if has(&w.other) {
            Topic::Other
        } else if has(&w.goals) && has(&w.goals_achieved) {
            // 绩效目标完成情况: what was achieved.
            Topic::Performance
        } else if has(&w.goals) {
            let (overall, fund) = (has(&w.goals_overall), has(&w.goals_fund));
            match (overall, fund) {
                (true, true) | (false, false) => Topic::Goals,
                (false, true) => Topic::FundGoals,
                (true, false) => Topic::OverallGoals,
            }
        } else if has(&w.funds) {
            Topic::Funds
        } else if has(&w.staffing) {
            Topic::Staffing
        } else if has(&w.organisation) {
            Topic::Organisation
        } else if has(&w.functions) {
            Topic::Functions
        } else if has(&w.performance) {
            Topic::Performance
        } else if has(&w.budget) {
            Topic::Budget
        } else if has(&w.basic) {
            Topic::Basic
        } else {
            return None;
        })
    }

    /// Topics that head a report's top-level section when a heading has no numeral.
    fn is_top(self) -> bool {
        matches!(
            self,
            Topic::Basic
                | Topic::Budget
                | Topic::GovernmentFund
                | Topic::StateCapital
                | Topic::SocialInsurance
                | Topic::Problems
                | Topic::Improvements
                | Topic::Disclosure
                | Topic::Other
        )
    }
}

/// One heading of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 (一、), 2 ((一)), 3 (1、 / 1.), 4 ((1)).
    pub level: u8,
    /// The heading as written (numeral included).
    pub text: String,
    pub topic: Option<Topic>,
    pub line: usize,
}

/// A line with its place in the report.
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    pub line: &'a Line,
    /// The heading this line is, if it is one.
    pub heading: Option<Heading>,
    /// Headings above this line, outermost first.
    pub path: Vec<Heading>,
}

impl Placed<'_> {
    /// The innermost topic this line falls under.
    pub fn topic(&self) -> Option<Topic> {
        self.path.iter().rev().find_map(|h| h.topic)
    }

    /// Whether the line falls under `topic` at any depth.
    pub fn under(&self, topic: Topic) -> bool {
        self.path.iter().any(|h| h.topic == Some(topic))
    }

    /// The section's name for provenance: the headings' texts, outermost first.
    pub fn section(&self) -> String {
        if self.path.is_empty() {
            return "(标题)".into();
        }
        self.path
            .iter()
            .map(|h| h.text.as_str())
            .collect::<Vec<_>>()
            .join(" › ")
    }
}

static CN_NUM: &str = "[一二三四五六七八九十]+";

static ANNEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^附\s*件\s*\d{1,2}\s*[:：、.]?\s*\S").expect("regex"));
static MARKERS: LazyLock<Vec<(u8, Regex)>> = LazyLock::new(|| {
    [
        (
            1,
            format!(r"^(?:第{CN_NUM}(?:部分|章|节)\s*[、.]?\s*|{CN_NUM}\s*[、.．]\s*)"),
        ),
        (
            2,
            format!(r"^(?:[(（]\s*{CN_NUM}\s*[)）]|{CN_NUM}\s*[)）])\s*[、.]?\s*"),
        ),
        (3, r"^\d{1,2}\s*[、．.]\s*".to_owned()),
        (
            4,
            r"^(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[)）])\s*[、.]?\s*".to_owned(),
        ),
    ]
    .into_iter()
    .map(|(level, re)| (level, Regex::new(&re).expect("valid marker regex")))
    .collect()
});

/// The first second-level heading: （一） / (一) / 一).
static FIRST_SUB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[(（]\s*一\s*[)）]|一\s*[)）])").expect("valid regex"));

static AMOUNT_IN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d\s*(?:万元|元|人|名|个|%)").expect("valid regex"));

/// The heading `line` is, if any, by the built-in vocabulary.
pub fn heading(line: &Line) -> Option<Heading> {
    heading_in(line, Vocabulary::builtin())
}

/// The heading `line` is, if any; topics by the keywords of `vocabulary`.
pub fn heading_in(line: &Line, vocabulary: &Vocabulary) -> Option<Heading> {
    let text = line.original.as_str();
    let norm = line.norm.as_str();
    if norm.is_empty() {
        return None;
    }
    // 附件6 收入支出决算表: an annex starts; whatever section came before ends.
    if ANNEX.is_match(norm) {
        return Some(Heading {
            level: 1,
            text: text.to_owned(),
            topic: None,
            line: line.number,
        });
    }
    for (level, re) in MARKERS.iter() {
        if let Some(m) = re.find(norm) {
            let title = norm[m.end()..].trim();
            if title.is_empty() || !is_title(title, *level <= 2) {
                return None;
            }
            return Some(Heading {
                level: *level,
                text: text.to_owned(),
                topic: Topic::of_title_in(label_of(title), vocabulary),
                line: line.number,
            });
        }
    }
    // No numeral: a short line that names a known section.
    if norm.ends_with([':', '：', '。']) {
        // Introduces a list ("本部门主要职责是：") or is a sentence ("暂无问题。").
        return None;
    }
    let title = norm;
    // "预算编码：418001" is a line of the title block (a key and its value), not a heading.
    let key_value = title
        .split_once([':', '：'])
        .is_some_and(|(_, value)| !value.trim().is_empty());
    if title.chars().count() <= 20 && !title.contains(['，', '；', ',']) && !key_value {
        let topic = Topic::of_title_in(title, vocabulary)?;
        if AMOUNT_IN_TITLE.is_match(title) {
            return None;
        }
        return Some(Heading {
            level: if topic.is_top() { 1 } else { 2 },
            text: text.to_owned(),
            topic: Some(topic),
            line: line.number,
        });
    }
    None
}

/// A heading's label: in "存在问题：部分乡镇…" (a lead-in label and the section's text on one line)
/// the part before the colon, which alone says the topic.
fn label_of(title: &str) -> &str {
    match title.split_once([':', '：']) {
        Some((label, content)) if !content.trim().is_empty() => label,
        _ => title,
    }
}

/// The text after a heading's lead-in label ("（一）存在问题：部分乡镇…" → "部分乡镇…"), if any.
pub fn heading_content(heading: &str) -> Option<&str> {
    let (_, content) = heading.split_once([':', '：'])?;
    let content = content.trim();
    (!content.is_empty()).then_some(content)
}

/// Whether the text after a numeral is a title rather than content: short, no amounts, no full
/// sentence.
fn is_title(title: &str, major: bool) -> bool {
    let len = title.chars().count();
    let limit = if major { 60 } else { 40 };
    if len > limit || AMOUNT_IN_TITLE.is_match(title) {
        return false;
    }
    let body = title.trim_end_matches(['。', '：', ':']);
    if body.contains('。') {
        return false;
    }
    major || len <= 12 || !title.ends_with('。')
}

/// Places every line under its headings, by the built-in vocabulary.
pub fn place(lines: &[Line]) -> Vec<Placed<'_>> {
    place_in(lines, Vocabulary::builtin())
}

/// Places every line under its headings; topics by the keywords of `vocabulary`.
pub fn place_in<'a>(lines: &'a [Line], vocabulary: &Vocabulary) -> Vec<Placed<'a>> {
    let mut heads: Vec<Option<Heading>> = lines.iter().map(|l| heading_in(l, vocabulary)).collect();
    // A heading without numeral followed by a "(一)" heading is a top-level one whose numeral
    // was lost ("绩效目标完成情况分析" / "一)资金投入情况分析").
    for i in 0..heads.len() {
        let bare = heads[i].is_some() && !MARKERS.iter().any(|(_, re)| re.is_match(&lines[i].norm));
        if !bare {
            continue;
        }
        let next = (i + 1..lines.len()).find(|j| !lines[*j].norm.is_empty());
        let first_sub = next.is_some_and(|j| {
            heads[j].as_ref().is_some_and(|h| h.level == 2) && FIRST_SUB.is_match(&lines[j].norm)
        });
        if first_sub && let Some(h) = heads[i].as_mut() {
            h.level = 1;
        }
    }
    let mut stack: Vec<Heading> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for (line, head) in lines.iter().zip(heads) {
        if let Some(h) = &head {
            while stack.last().is_some_and(|top| top.level >= h.level) {
                stack.pop();
            }
            stack.push(h.clone());
        }
        out.push(Placed {
            line,
            heading: head,
            path: stack.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines_of;

    fn head(s: &str) -> Option<(u8, Option<Topic>)> {
        heading(&lines_of([s.to_owned()])[0]).map(|h| (h.level, h.topic))
    }

    #[test]
    fn recognises_numbered_broken_and_bare_headings() {
        assert_eq!(head(" 一、基本情况"), Some((1, Some(Topic::Basic))));
        assert_eq!(
            head("(一）部门整体支出绩效情况"),
            Some((2, Some(Topic::Performance)))
        );
        assert_eq!(
            head("二)一般公共预算支出情况"),
            Some((2, Some(Topic::Budget)))
        );
        assert_eq!(head("3、人员情况。"), Some((3, Some(Topic::Staffing))));
        assert_eq!(head("（2） 项目支出情况"), Some((4, Some(Topic::Budget))));
        assert_eq!(
            head("存在的问题及原因分析"),
            Some((1, Some(Topic::Problems)))
        );
        assert_eq!(
            head("第七部分 存在的问题"),
            Some((1, Some(Topic::Problems)))
        );
        assert_eq!(head("1、2024年预算资金69.16万元。"), None);
        assert_eq!(head("预算编码：418001"), None);
        assert_eq!(head("2024年度项目支出合计30.24万元"), None);
        assert_eq!(
            head("七、主要经验及做法、存在的问题和建议"),
            Some((1, Some(Topic::Problems)))
        );
        assert_eq!(
            head("（一）存在问题：部分乡镇临时救助审批时限偏长。"),
            Some((2, Some(Topic::Problems)))
        );
        assert_eq!(
            head("二、绩效目标完成情况分析"),
            Some((1, Some(Topic::Performance)))
        );
    }
}
