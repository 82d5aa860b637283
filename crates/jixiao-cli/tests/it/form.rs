//! `jixiao form`: the fill-in workbook, and `validate` reading it back cell by cell.

use assert_cmd::assert::OutputAssertExt as _;
use predicates::str::contains;

use crate::common::{HUNAN, jixiao, jixiao_snapshot};

#[test]
fn form_writes_a_workbook_that_validate_reads_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("表.xlsx");
    jixiao_snapshot!(
        "form_written",
        jixiao()
            .args(["form", "--rules", HUNAN, "--out"])
            .arg(&form)
    )
    .assert()
    .code(0)
    .stderr(contains("hunan-department v2024.1"));
    // A blank form is found in a directory and read: its required cells are named.
    let f = form.display();
    jixiao_snapshot!("blank_form", jixiao().arg("validate").arg(dir.path()))
        .assert()
        .code(1)
        .stderr(contains(format!(
            "error: {f}!单位!C5: 单位名称未填写; 要求: 必填\n\
             {f}!单位!C25: 年初预算数未填写; 要求: 必填\n\
             {f}!单位!C28: 全年执行数未填写; 要求: 必填\n"
        )));
}
