//! A bureau's round around the score: the roster of units that must file (名单), and the bureau's
//! own figures (财政数据: the budget system's or the final accounts' export) that a unit's figures
//! are checked against.
//!
//! Both are tables the bureau keeps, as CSV (UTF-8) or an Excel workbook (`.xlsx`), with Chinese
//! headers ([`table`]). A [`Roster`] says which units are expected and [`Roster::check`] matches
//! the units received against it (应交未交, not on the roster). A [`Ledger`] gives, per 单位编码
//! or 项目编码, 全年预算数, 全年执行数, 三公经费 and 编制数; [`reconcile`] compares a unit's with
//! them under the rule set's `[ledger]` policy, puts the figure that scores into the unit, and says
//! what differed as findings. The file formats and the matching rules are in
//! `docs/roster-and-ledger.md`. Every message is in plain Chinese: these are the bureau's own
//! files, and the officer reads what is wrong with them.

pub mod ledger;
pub mod roster;
pub mod table;

pub use ledger::{Ledger, LedgerEntry, LedgerKey, Reconciled, reconcile};
pub use roster::{Roster, RosterCheck, RosterEntry};
pub use table::{CellRef, RowRef};

/// Why a roster or a ledger could not be read, or a ledger's figures not used: the file, the row
/// or cell, what was expected and what was found, in Chinese. (Places are boxed to keep the
/// error small.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundError {
    /// The file cannot be opened or read.
    #[error("无法读取 {file}: {reason}")]
    Io { file: String, reason: String },
    /// A CSV file that is not UTF-8; `gbk` when it reads as GBK (GB18030), Excel's usual CSV.
    #[error(
        "{file} 第 {line} 行不是 UTF-8 编码{}",
        if *gbk {
            ": 文件像是 GBK 编码, 请在 Excel 或 WPS 中另存为“CSV UTF-8 (逗号分隔)”后再读"
        } else {
            ": 请另存为 UTF-8 编码的 CSV"
        }
    )]
    NotUtf8 {
        file: String,
        line: usize,
        gbk: bool,
    },
    /// Neither CSV nor `.xlsx`.
    #[error("{file}: 只能读取 CSV (.csv) 或 Excel 工作簿 (.xlsx): {found}")]
    Format { file: String, found: String },
    /// A workbook that cannot be read (damaged, a zip bomb, no sheet).
    #[error("{file}: 工作簿无法读取 ({reason})")]
    Workbook { file: String, reason: String },
    /// A CSV file whose quoting is broken.
    #[error("{file}: CSV 格式有误 ({reason})")]
    Csv { file: String, reason: String },
    /// More than a table of units can hold.
    #[error("{file}: 文件过大: {what}")]
    TooLarge { file: String, what: String },
    /// A file with no cell that holds anything.
    #[error("{file}: 文件中没有内容")]
    Empty { file: String },
    /// No row of the first ones is a header jixiao knows.
    #[error("{file}: 找不到表头行: 前 {rows} 个非空行都不含可识别的列名 (如 {expected})")]
    NoHeader {
        file: String,
        rows: usize,
        expected: String,
    },
    /// A column the table must have is not there.
    #[error("{file}: 缺少“{wanted}”列; 表头为: {found}")]
    MissingColumn {
        file: String,
        /// The column (or the columns, one of which must be there), as headers are written.
        wanted: String,
        /// The headers found, as written, separated by `、`.
        found: String,
    },
    /// Two headers mean the same column.
    #[error("{second}: 表头“{second_text}”与 {first} 的“{first_text}”都是“{label}”列, 只能有一列")]
    DuplicateHeader {
        label: String,
        first: Box<CellRef>,
        first_text: String,
        second: Box<CellRef>,
        second_text: String,
    },
    /// An amount column whose header names no unit (never guessed).
    #[error("{at}: 金额列“{header}”未注明单位: 应写作“{label}(万元)”或“{label}(元)”")]
    AmountUnit {
        at: Box<CellRef>,
        header: String,
        label: String,
    },
    /// An amount column in a unit other than 万元 or 元.
    #[error("{at}: 金额列“{header}”的单位“{unit}”无法识别: 只接受 万元 或 元")]
    BadUnit {
        at: Box<CellRef>,
        header: String,
        unit: String,
    },
    /// A cell that does not hold what its column does.
    #[error("{at}: “{column}”应为{expected}, 实为“{found}”")]
    BadCell {
        at: Box<CellRef>,
        column: String,
        expected: String,
        found: String,
    },
    /// A row of a roster with neither code nor name, or of a ledger with no code.
    #[error("{at}: 该行没有{wanted}")]
    NoIdentity { at: RowRef, wanted: String },
    /// The same unit (or project) twice in a roster or a ledger.
    #[error("{what}中同一{unit}出现两次: {first} 与 {second} ({key})")]
    Duplicate {
        /// 名单 or 财政数据.
        what: String,
        /// 单位 or 项目.
        unit: String,
        first: Box<RowRef>,
        second: Box<RowRef>,
        /// What they share, e.g. `单位编码 430203001`.
        key: String,
    },
    /// A ledger with none of the figures it is for.
    #[error(
        "{file}: 没有可核对的数据列: 应有 全年预算数、全年执行数、三公经费、编制数 中至少一列; 表头为: {found}"
    )]
    NoFigures { file: String, found: String },
    /// A ledger's figure put into a unit takes it out of the bounds of a figure (0, or
    /// 0.000001 to 10¹² in magnitude).
    #[error(
        "{at}: 采用财政数据后, 单位的数据超出可计算的范围 (应为 0 或 0.000001 至 10¹²): {problems}"
    )]
    OutOfBounds { at: RowRef, problems: String },
}
