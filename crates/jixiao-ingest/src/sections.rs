//! Finding the report's sections: headings recognised by their numeral (一、 / (一) / 1、 / 1. /
//! (1), broken ones such as 一) and mixed brackets) or, without numeral, by their title; each
//! section's topic recognised by keywords in its title, never by its position.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::Line;

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

    /// The topic a heading's title names, if any. Most specific keywords first.
    pub fn of_title(title: &str) -> Option<Topic> {
        let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
        Some(if has(&["政府性基金"]) {
            Topic::GovernmentFund
        } else if has(&["国有资本"]) {
            Topic::StateCapital
        } else if has(&["社会保险基金", "社保基金"]) {
            Topic::SocialInsurance
        } else if has(&["问题"]) {
            Topic::Problems
        } else if has(&["改进", "整改", "措施", "建议", "下一步"]) {
            Topic::Improvements
        } else if has(&["应用", "公开", "公示"]) {
            Topic::Disclosure
        } else if has(&["其他需要说明", "其他说明", "其它需要说明", "其他情况"])
        {
            Topic::Other
        } else if has(&["绩效目标", "年度目标", "工作目标"]) {
            if has(&["整体"]) && has(&["专项", "项目"]) {
                Topic::Goals
            } else if has(&["专项", "项目"]) {
                Topic::FundGoals
            } else if has(&["整体"]) {
                Topic::OverallGoals
            } else {
                Topic::Goals
            }
        } else if has(&["专项资金", "项目资金", "专项经费", "项目支出绩效"]) {
            Topic::Funds
        } else if has(&["人员", "编制"]) {
            Topic::Staffing
        } else if has(&["机构"]) {
            Topic::Organisation
        } else if has(&["职能", "职责"]) {
            Topic::Functions
        } else if has(&[
            "绩效情况",
            "绩效分析",
            "履职",
            "成效",
            "产出",
            "工作完成",
            "使用情况",
        ]) {
            Topic::Performance
        } else if has(&["预算", "收支", "支出情况", "收入", "经费情况", "资金情况"])
        {
            Topic::Budget
        } else if has(&["基本情况", "概况", "单位情况", "部门情况"]) {
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

static AMOUNT_IN_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d\s*(?:万元|元|人|名|个|%)").expect("valid regex"));

/// The heading `line` is, if any.
pub fn heading(line: &Line) -> Option<Heading> {
    let text = line.original.as_str();
    let norm = line.norm.as_str();
    if norm.is_empty() {
        return None;
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
                topic: Topic::of_title(title),
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
    if title.chars().count() <= 20 && !title.contains(['，', '；', ',']) {
        let topic = Topic::of_title(title)?;
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

/// Places every line under its headings.
pub fn place(lines: &[Line]) -> Vec<Placed<'_>> {
    let mut stack: Vec<Heading> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let head = heading(line);
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
        assert_eq!(head("2024年度项目支出合计30.24万元"), None);
        assert_eq!(
            head("七、主要经验及做法、存在的问题和建议"),
            Some((1, Some(Topic::Problems)))
        );
    }
}
