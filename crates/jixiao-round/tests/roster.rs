//! The roster: read from CSV and XLSX with Chinese headers, matched against the units received,
//! and refused, with the exact Chinese message, when it is malformed.

use std::path::{Path, PathBuf};

use jixiao_model::{EvaluationKind, UnitIdentity};
use jixiao_round::{Roster, RosterCheck, RoundError, RowRef};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn unit(name: &str, code: Option<&str>, kind: EvaluationKind) -> UnitIdentity {
    UnitIdentity {
        code: code.map(str::to_owned),
        ..UnitIdentity::new(name, 2024, kind)
    }
}

fn project(
    name: &str,
    code: Option<&str>,
    project: &str,
    project_code: Option<&str>,
) -> UnitIdentity {
    UnitIdentity {
        project: Some(project.to_owned()),
        project_code: project_code.map(str::to_owned),
        ..unit(name, code, EvaluationKind::Project)
    }
}

/// The units of a round against `名单.csv` (entries: 0 科协 by code, 1 文旅局 by name only,
/// 2 教育局 by code, 3 科协's 科普经费 by 项目编码, 4 科协's 老年科普 project by name).
fn received() -> Vec<UnitIdentity> {
    vec![
        // 0: by 单位编码, written full-width.
        unit(
            "株洲市芦淞区科协",
            Some("４３０２０３００１"),
            EvaluationKind::Department,
        ),
        // 1: the roster has no code for it: by name, spaces and all.
        unit(
            " 株洲市芦淞区 文化旅游广电体育局",
            Some("430203005"),
            EvaluationKind::Department,
        ),
        // 2: by 项目编码 (the unit's name differs: the code decides).
        project(
            "芦淞区科协",
            None,
            "科普经费项目",
            Some("51000021R000000019951"),
        ),
        // 3: no 项目编码: by unit code and project name, half-width parentheses.
        project(
            "株洲市芦淞区科学技术协会",
            Some("430203001"),
            "老年科普(示范基地)建设",
            None,
        ),
        // 4: not on the roster.
        unit(
            "株洲市芦淞区审计局",
            Some("430203020"),
            EvaluationKind::Department,
        ),
        // 5: the 教育局's name with another code: not the same unit.
        unit(
            "株洲市芦淞区教育局",
            Some("430203099"),
            EvaluationKind::Department,
        ),
        // 6: 科协's department evaluation again (a duplicate: both matched, the caller decides).
        unit(
            "株洲市芦淞区科学技术协会",
            Some("430203001"),
            EvaluationKind::Department,
        ),
    ]
}

fn expected_check() -> RosterCheck {
    RosterCheck {
        matched: vec![(0, 0), (1, 1), (2, 3), (3, 4), (6, 0)],
        // 教育局 filed nothing under its code: 应交未交.
        missing: vec![2],
        not_on_roster: vec![4, 5],
    }
}

#[test]
fn a_csv_roster_with_a_byte_order_mark_and_chinese_headers_is_read() {
    let roster = Roster::load(&fixture("名单.csv")).unwrap();
    assert_eq!(roster.entries.len(), 5);
    let first = &roster.entries[0];
    assert_eq!(first.code.as_deref(), Some("430203001"));
    assert_eq!(first.name, "株洲市芦淞区科学技术协会");
    assert_eq!(first.supervisor.as_deref(), Some("中共株洲市芦淞区委员会"));
    assert_eq!(first.kind, Some(EvaluationKind::Department));
    assert_eq!(first.region.as_deref(), Some("湖南省株洲市芦淞区"));
    assert_eq!((first.project.as_deref(), first.year), (None, None));
    assert_eq!(first.at.to_string(), "名单.csv:2");
    assert_eq!(roster.entries[1].code, None);
    assert_eq!(roster.entries[1].kind, Some(EvaluationKind::Department));
    // Line 4 is empty: skipped, and the rows keep their own lines.
    assert_eq!(roster.entries[2].at.to_string(), "名单.csv:5");
    let kexie = &roster.entries[3];
    assert_eq!(kexie.kind, Some(EvaluationKind::Project));
    assert_eq!(kexie.project_code.as_deref(), Some("51000021R000000019951"));
    assert_eq!(
        roster.entries[4].project.as_deref(),
        Some("老年科普（示范基地）建设")
    );
    assert_eq!(roster.entries[4].at.place(), "名单.csv 第 7 行");
    // 序号 is known and ignored quietly; 联系电话 is not known: named.
    assert_eq!(roster.notes, ["名单.csv: 未识别的列已忽略: 联系电话"]);
}

#[test]
fn units_are_matched_by_code_by_name_and_by_project() {
    let roster = Roster::load(&fixture("名单.csv")).unwrap();
    let units = received();
    let refs: Vec<&UnitIdentity> = units.iter().collect();
    assert_eq!(roster.check(&refs), expected_check());
    assert_eq!(
        roster.entries[2].label(),
        "株洲市芦淞区教育局 (单位编码 430203009)"
    );
}

#[test]
fn a_kind_or_a_year_the_roster_gives_must_match() {
    let roster = Roster::load(&fixture("名单.csv")).unwrap();
    // The 教育局 by code, but a project evaluation: the roster wants its 部门整体支出.
    let mut other_kind = unit(
        "株洲市芦淞区教育局",
        Some("430203009"),
        EvaluationKind::Project,
    );
    other_kind.project = Some("营养改善计划".into());
    let check = roster.check(&[&other_kind]);
    assert_eq!(check.not_on_roster, [0]);
    assert_eq!(check.missing, [0, 1, 2, 3, 4]);
}

fn write_xlsx(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("名单").unwrap();
    sheet
        .write_string(0, 0, "2024年度绩效自评单位名单")
        .unwrap();
    let header = [
        "单位代码",
        "预算单位名称",
        "主管单位",
        "自评类型",
        "项目代码",
        "项目名称",
        "所属地区",
        "年度",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    // Codes typed as numbers, as Excel keeps them: read back without `.0`.
    let rows: [[&str; 8]; 5] = [
        [
            "430203001",
            "株洲市芦淞区科学技术协会",
            "中共株洲市芦淞区委员会",
            "部门整体支出",
            "",
            "",
            "湖南省株洲市芦淞区",
            "2024",
        ],
        [
            "",
            "株洲市芦淞区文化旅游广电体育局",
            "株洲市芦淞区人民政府",
            "部门整体",
            "",
            "",
            "",
            "2024",
        ],
        [
            "430203009",
            "株洲市芦淞区教育局",
            "株洲市芦淞区人民政府",
            "部门整体支出",
            "",
            "",
            "",
            "2024",
        ],
        [
            "",
            "株洲市芦淞区科学技术协会",
            "",
            "项目支出",
            "51000021R000000019951",
            "科普经费",
            "",
            "2024",
        ],
        [
            "430203001",
            "株洲市芦淞区科学技术协会",
            "",
            "项目",
            "",
            "老年科普（示范基地）建设",
            "",
            "2024",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, text) in row.iter().enumerate() {
            let c = c as u16;
            if text.is_empty() {
                continue;
            }
            match text.parse::<f64>() {
                Ok(n) if c == 0 || c == 7 => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, *text).unwrap(),
            };
        }
    }
    book.save(path).unwrap();
}

#[test]
fn an_xlsx_roster_is_read_from_its_first_sheet_under_its_title() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.xlsx");
    write_xlsx(&path);
    let roster = Roster::load(&path).unwrap();
    assert_eq!(roster.entries.len(), 5);
    assert_eq!(roster.entries[0].code.as_deref(), Some("430203001"));
    assert_eq!(roster.entries[0].year, Some(2024));
    assert_eq!(
        roster.entries[0].at,
        RowRef {
            file: "名单.xlsx".into(),
            sheet: Some("名单".into()),
            row: 3,
        }
    );
    assert_eq!(roster.entries[0].at.to_string(), "名单.xlsx!名单!A3");
    assert_eq!(
        roster.entries[4].at.place(),
        "名单.xlsx 工作表 名单 第 7 行"
    );
    assert!(roster.notes.is_empty(), "{:?}", roster.notes);
    let units = received();
    let refs: Vec<&UnitIdentity> = units.iter().collect();
    assert_eq!(roster.check(&refs), expected_check());
    // The roster is for 2024: a 2023 evaluation of the 科协 is not on it.
    let mut last_year = units[6].clone();
    last_year.year = 2023;
    assert_eq!(roster.check(&[&last_year]).not_on_roster, [0]);
}

fn error(name: &str) -> String {
    let err: RoundError = Roster::load(&fixture(name)).unwrap_err();
    err.to_string()
}

#[test]
fn a_bad_roster_is_refused_with_the_file_the_row_and_what_is_wrong() {
    assert_eq!(
        error("名单-缺列.csv"),
        "名单-缺列.csv: 缺少“单位编码”或“单位名称”列; 表头为: 序号、主管部门、联系人"
    );
    assert_eq!(
        error("名单-重复.csv"),
        "名单中同一单位出现两次: 名单-重复.csv:2 与 名单-重复.csv:4 (单位编码 ４３０２０３００１)"
    );
    assert_eq!(
        error("名单-金额无单位.csv"),
        "名单-金额无单位.csv:1 第 3 列: 金额列“全年预算数”未注明单位: 应写作“全年预算数(万元)”或“全年预算数(元)”"
    );
    assert_eq!(
        error("名单-表头重复.csv"),
        "名单-表头重复.csv:1 第 3 列: 表头“单位”与 名单-表头重复.csv:1 第 2 列 的“单位名称”都是“单位名称”列, 只能有一列"
    );
    assert_eq!(
        error("名单-类型有误.csv"),
        "名单-类型有误.csv:2 第 3 列: “评价类型”应为“部门整体支出”或“项目支出”, 实为“整体”"
    );
}

#[test]
fn a_gbk_roster_is_refused_with_the_advice_to_save_it_as_utf8() {
    let text = std::fs::read_to_string(fixture("名单.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.csv");
    std::fs::write(&path, &gbk).unwrap();
    assert_eq!(
        Roster::load(&path).unwrap_err().to_string(),
        "名单.csv 第 1 行不是 UTF-8 编码: 文件像是 GBK 编码, 请在 Excel 或 WPS 中另存为“CSV UTF-8 (逗号分隔)”后再读"
    );
}

#[test]
fn a_row_with_neither_code_nor_name_and_an_old_workbook_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.csv");
    std::fs::write(
        &path,
        "单位编码,单位名称,主管部门\n,,株洲市芦淞区人民政府\n",
    )
    .unwrap();
    assert_eq!(
        Roster::load(&path).unwrap_err().to_string(),
        "名单.csv:2: 该行没有单位编码, 也没有单位名称 (每行至少要有其一)"
    );
    let xls = dir.path().join("名单.xls");
    std::fs::write(&xls, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap();
    assert_eq!(
        Roster::load(&xls).unwrap_err().to_string(),
        "名单.xls: 只能读取 CSV (.csv) 或 Excel 工作簿 (.xlsx): 这是旧版 Excel 工作簿 (.xls), 请在 Excel 或 WPS 中另存为 .xlsx 或 CSV UTF-8"
    );
}

#[test]
fn files_that_are_not_tables_are_refused_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        Roster::load(&path)
            .map(|r| r.entries.len())
            .map_err(|e| e.to_string())
    };
    assert_eq!(write("空.csv", b""), Err("空.csv: 文件中没有内容".into()));
    assert_eq!(
        write("空白.csv", "\u{feff}\n,,\n\n".as_bytes()),
        Err("空白.csv: 文件中没有内容".into())
    );
    assert_eq!(
        write("无表头.csv", "甲,乙\n1,2\n".as_bytes()),
        Err("无表头.csv: 找不到表头行: 前 2 个非空行都不含可识别的列名 (如 单位编码、单位名称、全年预算数)".into())
    );
    // A header and no rows: an empty roster.
    assert_eq!(
        write("只有表头.csv", "单位编码,单位名称\n".as_bytes()),
        Ok(0)
    );
    let damaged = write("坏.xlsx", b"PK\x03\x04 not a zip at all").unwrap_err();
    assert!(
        damaged.starts_with("坏.xlsx: 工作簿无法读取 ("),
        "{damaged}"
    );
    assert_eq!(
        write("伪装.xlsx", "单位编码\n1\n".as_bytes()),
        Err("伪装.xlsx: 只能读取 CSV (.csv) 或 Excel 工作簿 (.xlsx): 扩展名是 .xlsx, 内容却不是 Excel 工作簿".into())
    );
    assert_eq!(
        write(
            "引号.csv",
            "单位编码,单位名称\n430203009,\"教育局\n430203001,\"\"科协\"\"\n".as_bytes()
        ),
        Err("引号.csv: CSV 格式有误 (第 2 行的引号没有配对, 其后的内容会被当作一个单元格)".into())
    );
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    assert!(
        write("乱码.csv", &binary)
            .unwrap_err()
            .starts_with("乱码.csv 第 2 行不是 UTF-8 编码")
    );
}

#[test]
fn a_file_past_64_mib_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("全省名单.csv");
    // Sparse: 65 MiB on paper, nothing on disk.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    assert_eq!(
        Roster::load(&path).unwrap_err().to_string(),
        "全省名单.csv: 文件过大: 超过 64 MiB"
    );
}
