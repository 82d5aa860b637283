//! `score --timings`: where a batch's time goes, stage by stage, printed on standard error at the
//! end of the run.
//!
//! Each stage adds up the time spent in it on every thread (so a stage run on both cores may
//! show more seconds than the wall clock) and counts how often it ran; the phases (identify,
//! score, finish) and the whole run are wall-clock time. Off (the default), timing a stage is
//! one relaxed atomic load: nothing is measured and nothing printed.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of a `score` run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Finding the input files.
    Discover,
    /// The first pass: who each submission is (and its hash), before any unit is scored.
    Identify,
    /// Reading an input's bytes: a unit file, or a JSON Lines file line by line.
    Read,
    /// Parsing a unit (TOML, JSON) into the model, checked; a form or report read whole.
    Parse,
    /// The scoring engine, plugins included.
    Score,
    /// What follows the score for each unit: the bureau's and last year's figures, the review,
    /// the 退回清单 items.
    Findings,
    /// The unit's scorecards (JSON, Markdown, HTML) rendered, on the scoring threads.
    RenderScorecards,
    /// Each unit's record for the results store (`--db`): serialised and compressed.
    StoreRecord,
    /// The writer thread's work for each unit, in input order: its summary row, and what follows.
    Accept,
    /// Of Accept: the round's record (round.jsonl), a line a unit.
    RoundRecord,
    /// Of Accept: 退回清单, a file a unit with problems.
    Returns,
    /// Of Accept: the unit's scorecards (JSON, Markdown, HTML) written (made here only when the
    /// scoring threads did not).
    Scorecards,
    /// summary.xlsx's rows of each unit (on its own thread).
    WorkbookRows,
    /// summary.csv, summary.md and index.html: each made and written to its file as it is made.
    SummaryCsv,
    SummaryMd,
    IndexHtml,
    /// summary.xlsx's summary sheet, and the whole workbook zipped (deflated) into its file.
    SummaryXlsx,
    /// Moving the run's folder into place (--out), and the store's commit.
    Commit,
    /// Wall clock: everything before the first pass (rule set, plugins, inputs found).
    PhaseStart,
    /// Wall clock: the first pass.
    PhaseIdentify,
    /// Wall clock: reading, scoring and the writer's work, until the last unit is accepted.
    PhaseScore,
    /// Wall clock: the summaries and the commit.
    PhaseFinish,
}

impl Stage {
    /// Every stage, in the order printed.
    pub const ALL: [Stage; 22] = [
        Stage::Discover,
        Stage::Identify,
        Stage::Read,
        Stage::Parse,
        Stage::Score,
        Stage::Findings,
        Stage::RenderScorecards,
        Stage::StoreRecord,
        Stage::Accept,
        Stage::RoundRecord,
        Stage::Returns,
        Stage::Scorecards,
        Stage::WorkbookRows,
        Stage::SummaryCsv,
        Stage::SummaryMd,
        Stage::IndexHtml,
        Stage::SummaryXlsx,
        Stage::Commit,
        Stage::PhaseStart,
        Stage::PhaseIdentify,
        Stage::PhaseScore,
        Stage::PhaseFinish,
    ];

    /// The stage's code (its column of its own) and what it is, in Chinese.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Stage::Discover => ("discover", "查找输入文件"),
            Stage::Identify => ("identify", "识别报送单位 (第一遍, 含哈希)"),
            Stage::Read => ("read", "读取输入"),
            Stage::Parse => ("parse", "解析单位数据"),
            Stage::Score => ("score", "评分 (含插件)"),
            Stage::Findings => ("findings", "评分后核对与退回事项"),
            Stage::StoreRecord => ("store_record", "成绩库记录 (序列化、压缩)"),
            Stage::Accept => ("accept", "按序汇总每个单位"),
            Stage::RoundRecord => ("round_record", "  其中: round.jsonl"),
            Stage::Returns => ("returns", "  其中: 退回清单"),
            Stage::RenderScorecards => {
                ("render_scorecards", "生成单位评分卡 (JSON、Markdown、HTML)")
            }
            Stage::Scorecards => ("scorecards", "  其中: 写出单位评分卡"),
            Stage::WorkbookRows => ("workbook_rows", "summary.xlsx 各单位行"),
            Stage::SummaryCsv => ("summary_csv", "生成并写出 summary.csv"),
            Stage::SummaryMd => ("summary_md", "生成并写出 summary.md"),
            Stage::IndexHtml => ("index_html", "生成并写出 index.html"),
            Stage::SummaryXlsx => ("summary_xlsx", "生成并写出 summary.xlsx (汇总页、压缩)"),
            Stage::Commit => ("commit", "输出目录就位、成绩库提交"),
            Stage::PhaseStart => ("phase_start", "阶段: 准备 (墙钟)"),
            Stage::PhaseIdentify => ("phase_identify", "阶段: 识别 (墙钟)"),
            Stage::PhaseScore => ("phase_score", "阶段: 读取与评分 (墙钟)"),
            Stage::PhaseFinish => ("phase_finish", "阶段: 汇总与提交 (墙钟)"),
        }
    }
}

static ON: AtomicBool = AtomicBool::new(false);
static NANOS: [AtomicU64; Stage::ALL.len()] = [const { AtomicU64::new(0) }; Stage::ALL.len()];
static COUNTS: [AtomicU64; Stage::ALL.len()] = [const { AtomicU64::new(0) }; Stage::ALL.len()];

/// Turns timing on for the rest of the process.
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Adds `elapsed` to `stage`, once.
pub fn add(stage: Stage, elapsed: Duration) {
    let i = stage as usize;
    NANOS[i].fetch_add(
        u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
    COUNTS[i].fetch_add(1, Ordering::Relaxed);
}

/// Runs `f`, adding its time to `stage` when timing is on.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    if !ON.load(Ordering::Relaxed) {
        return f();
    }
    let start = Instant::now();
    let out = f();
    add(stage, start.elapsed());
    out
}

/// A stage timed from `start` until the guard is dropped, less the time it was paused (early
/// returns included).
pub struct Timed {
    stage: Stage,
    running: Option<Instant>,
    so_far: Duration,
    on: bool,
}

impl Timed {
    pub fn start(stage: Stage) -> Timed {
        let on = ON.load(Ordering::Relaxed);
        Timed {
            stage,
            running: on.then(Instant::now),
            so_far: Duration::ZERO,
            on,
        }
    }

    /// Stops the clock until [`Timed::resume`].
    pub fn pause(&mut self) {
        if let Some(start) = self.running.take() {
            self.so_far += start.elapsed();
        }
    }

    pub fn resume(&mut self) {
        if self.on && self.running.is_none() {
            self.running = Some(Instant::now());
        }
    }
}

impl Drop for Timed {
    fn drop(&mut self) {
        self.pause();
        if self.on {
            add(self.stage, self.so_far);
        }
    }
}

/// A phase's clock: `lap` adds the time since the last lap (or the start) to a phase.
pub struct Clock {
    start: Instant,
    lap: Instant,
}

impl Clock {
    pub fn start() -> Clock {
        let now = Instant::now();
        Clock {
            start: now,
            lap: now,
        }
    }

    pub fn lap(&mut self, phase: Stage) {
        let now = Instant::now();
        if ON.load(Ordering::Relaxed) {
            add(phase, now - self.lap);
        }
        self.lap = now;
    }

    /// The table of every stage that ran, and the whole run's wall time; empty when timing is
    /// off.
    pub fn report(&self) -> String {
        use std::fmt::Write as _;
        if !ON.load(Ordering::Relaxed) {
            return String::new();
        }
        let mut out = String::from(
            "用时 (--timings; 各阶段为所有线程合计, 可多于墙钟)\n\
             代码              秒        次数        每次微秒  阶段\n",
        );
        // Integer arithmetic on nanoseconds: seconds to the millisecond, microseconds a time to
        // the tenth.
        let mut line = |code: &str, nanos: u64, count: u64, what: &str| {
            let seconds = format!("{}.{:03}", nanos / 1_000_000_000, nanos / 1_000_000 % 1000);
            let each = match nanos.checked_div(count) {
                Some(each) => format!("{}.{}", each / 1000, each / 100 % 10),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "{code:<16} {seconds:>8} {count:>10} {each:>14}  {what}"
            );
        };
        for stage in Stage::ALL {
            let i = stage as usize;
            let count = COUNTS[i].load(Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            let (code, what) = stage.names();
            line(code, NANOS[i].load(Ordering::Relaxed), count, what);
        }
        let total = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        line("total", total, 1, "全程 (墙钟)");
        out
    }
}
