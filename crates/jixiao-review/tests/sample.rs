//! The re-review's sample: the criteria with their reasons, the stratified random draw by hand
//! counts, and its reproducibility from the seed.

use jixiao_model::EvaluationKind;
use jixiao_review::UnitKey;
use jixiao_review::sample::{
    AmountBand, Candidate, GradeExecution, Reason, Sample, SampleError, SampleRules, Stratum,
    sample,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn key(name: &str) -> UnitKey {
    UnitKey {
        name: name.to_owned(),
        code: Some(format!("C-{name}")),
        project: None,
        project_code: None,
        year: 2025,
        kind: EvaluationKind::Department,
    }
}

/// A unit no criterion picks: no findings, no gap, graded 良, 100 万元.
fn plain(name: &str, supervisor: &str) -> Candidate {
    Candidate {
        key: key(name),
        supervisor: Some(supervisor.to_owned()),
        amount: Some(dec!(100)),
        execution_rate: Some(dec!(0.95)),
        total: dec!(85),
        grade: Some("良".to_owned()),
        declared_total: Some(dec!(88)),
        hard_findings: 0,
        max_self_score_gap: Some(dec!(1)),
    }
}

fn rules(share: Decimal, seed: u64) -> SampleRules {
    SampleRules {
        share,
        seed,
        hard_findings: true,
        gap_above: Some(dec!(5)),
        excellent_below_execution: Some(GradeExecution {
            grade: "优".to_owned(),
            rate: dec!(0.9),
        }),
        amount_above: Some(dec!(1000)),
        amount_bands: Vec::new(),
    }
}

/// Strata of 10 (教育局), 5 (卫健委) and 1 (民政局) units.
fn three_strata() -> Vec<Candidate> {
    let mut out = Vec::new();
    for i in 0..10 {
        out.push(plain(&format!("教育{i:02}"), "教育局"));
    }
    for i in 0..5 {
        out.push(plain(&format!("卫健{i:02}"), "卫健委"));
    }
    out.push(plain("民政00", "民政局"));
    out
}

fn names(sample: &Sample) -> Vec<String> {
    sample.picked.iter().map(|p| p.key.name.clone()).collect()
}

fn labels(sample: &Sample, name: &str) -> Vec<String> {
    sample
        .picked
        .iter()
        .find(|p| p.key.name == name)
        .map(|p| p.reasons.iter().map(Reason::label).collect())
        .unwrap_or_default()
}

#[test]
fn each_criterion_picks_with_its_reason() {
    let mut hard = plain("硬性", "财政局");
    hard.hard_findings = 2;
    let mut gap = plain("差距", "财政局");
    gap.max_self_score_gap = Some(dec!(6.5));
    let mut at_limit = plain("差距恰好", "财政局");
    at_limit.max_self_score_gap = Some(dec!(5)); // not above 5
    let mut excellent = plain("优低执行", "财政局");
    excellent.grade = Some("优".to_owned());
    excellent.execution_rate = Some(dec!(0.82));
    let mut excellent_ok = plain("优高执行", "财政局");
    excellent_ok.grade = Some("优".to_owned());
    excellent_ok.execution_rate = Some(dec!(0.9)); // not below 0.9
    let mut large = plain("大额", "财政局");
    large.amount = Some(dec!(1250));
    let mut all = plain("全中", "财政局");
    all.hard_findings = 1;
    all.max_self_score_gap = Some(dec!(12));
    all.grade = Some("优".to_owned());
    all.execution_rate = Some(dec!(0.5));
    all.amount = Some(dec!(2000000));
    let candidates = vec![hard, gap, at_limit, excellent, excellent_ok, large, all];
    let s = sample(&candidates, &rules(Decimal::ZERO, 1)).unwrap();
    // In the order of the keys (names compared as UTF-8 bytes).
    let mut expected = vec!["硬性", "差距", "优低执行", "大额", "全中"];
    expected.sort();
    assert_eq!(names(&s), expected);
    assert_eq!(labels(&s, "硬性"), ["硬性问题 2 个"]);
    assert_eq!(labels(&s, "差距"), ["自评与系统得分相差 6.5 分"]);
    assert_eq!(labels(&s, "优低执行"), ["等级为优但预算执行率 82.00%"]);
    assert_eq!(labels(&s, "大额"), ["金额 1,250.00 万元 超过 1,000 万元"]);
    assert_eq!(
        labels(&s, "全中"),
        [
            "硬性问题 1 个",
            "自评与系统得分相差 12 分",
            "等级为优但预算执行率 50.00%",
            "金额 2,000,000.00 万元 超过 1,000 万元",
        ]
    );
    let all = s.picked.iter().find(|p| p.key.name == "全中").unwrap();
    assert_eq!(all.index, 6);
    assert_eq!(
        all.reasons[0..2],
        [Reason::HardFindings(1), Reason::Gap(dec!(12))]
    );
    assert_eq!(
        s.picked
            .iter()
            .find(|p| p.key.name == "全中")
            .unwrap()
            .reasons_label(),
        "硬性问题 1 个; 自评与系统得分相差 12 分; 等级为优但预算执行率 50.00%; 金额 2,000,000.00 万元 超过 1,000 万元"
    );
    // The two left, in one stratum, at share 0: nothing drawn.
    assert_eq!(s.strata.len(), 1);
    assert_eq!((s.strata[0].units, s.strata[0].drawn), (2, 0));
}

#[test]
fn criteria_off_pick_nothing() {
    let mut hard = plain("硬性", "财政局");
    hard.hard_findings = 3;
    hard.amount = Some(dec!(5000));
    let off = SampleRules {
        hard_findings: false,
        gap_above: None,
        excellent_below_execution: None,
        amount_above: None,
        ..rules(Decimal::ZERO, 1)
    };
    let s = sample(&[hard], &off).unwrap();
    assert!(s.picked.is_empty());
    assert_eq!((s.strata[0].units, s.strata[0].drawn), (1, 0));
}

#[test]
fn strata_of_10_5_and_1_at_a_fifth_draw_2_1_and_0() {
    let s = sample(&three_strata(), &rules(dec!(0.2), 2024)).unwrap();
    // Strata in the order of their 主管部门 (UTF-8 bytes: 卫 E5 8D AB, 教 E6 95 99, 民 E6 B0 91).
    let counts: Vec<(String, usize, usize)> = s
        .strata
        .iter()
        .map(|d| (d.stratum.label(), d.units, d.drawn))
        .collect();
    assert_eq!(
        counts,
        [
            ("主管部门 卫健委".to_owned(), 5, 1),
            ("主管部门 教育局".to_owned(), 10, 2),
            ("主管部门 民政局".to_owned(), 1, 0),
        ]
    );
    assert_eq!(s.picked.len(), 3);
    let by_stratum = |prefix: &str| names(&s).iter().filter(|n| n.starts_with(prefix)).count();
    assert_eq!(by_stratum("教育"), 2);
    assert_eq!(by_stratum("卫健"), 1);
    for p in &s.picked {
        assert_eq!(p.reasons.len(), 1);
        assert!(p.reasons[0].is_random());
    }
    let educ = s
        .picked
        .iter()
        .find(|p| p.key.name.starts_with("教育"))
        .unwrap();
    assert_eq!(educ.reasons[0].label(), "随机抽取 (主管部门 教育局 一层)");
}

#[test]
fn the_same_seed_gives_the_same_sample_and_it_is_pinned() {
    let a = sample(&three_strata(), &rules(dec!(0.2), 2024)).unwrap();
    let b = sample(&three_strata(), &rules(dec!(0.2), 2024)).unwrap();
    assert_eq!(a, b);
    // The draw of seed 2024, the same on every machine (ChaCha8, a fixed stream per stratum).
    assert_eq!(names(&a), PINNED_2024);
}

/// What seed 2024 draws from [`three_strata`] at share 0.2, as first drawn (not computable by
/// hand): should it change, a past round's sample could no longer be drawn again from its seed.
const PINNED_2024: [&str; 3] = ["卫健04", "教育03", "教育08"];

#[test]
fn another_seed_draws_other_units_but_the_criteria_picks_stay() {
    let mut candidates = three_strata();
    candidates[4].hard_findings = 1; // 教育04
    candidates[12].amount = Some(dec!(1500)); // 卫健02
    let picks = |seed| sample(&candidates, &rules(dec!(0.2), seed)).unwrap();
    let first = picks(2024);
    let mut differs = false;
    for seed in 1..=20 {
        let s = picks(seed);
        assert_eq!(labels(&s, "教育04"), ["硬性问题 1 个"], "seed {seed}");
        assert_eq!(
            labels(&s, "卫健02"),
            ["金额 1,500.00 万元 超过 1,000 万元"],
            "seed {seed}"
        );
        // 9 and 4 left: 2 and 1 drawn (0.8 rounds to 1), 0 of 1.
        let drawn: Vec<usize> = s.strata.iter().map(|d| d.drawn).collect();
        assert_eq!(drawn, [1, 2, 0]);
        assert_eq!(s.picked.len(), 5);
        differs |= names(&s) != names(&first);
    }
    assert!(differs, "twenty seeds all drew what seed 2024 drew");
    assert_ne!(names(&picks(1)), names(&picks(2)));
}

#[test]
fn the_input_order_does_not_matter() {
    let forward = three_strata();
    let mut backward = forward.clone();
    backward.reverse();
    let mut rotated = forward.clone();
    rotated.rotate_left(7);
    let rules = rules(dec!(0.2), 7);
    let a = sample(&forward, &rules).unwrap();
    for other in [backward, rotated] {
        let b = sample(&other, &rules).unwrap();
        assert_eq!(names(&a), names(&b));
        assert_eq!(a.strata, b.strata);
        for p in &b.picked {
            // The index is into the candidates as given.
            assert_eq!(other[p.index].key, p.key);
        }
    }
}

#[test]
fn amount_bands_cut_with_each_edge_in_the_band_above() {
    let amounts = [
        ("a", Some(dec!(50))),
        ("b", Some(dec!(100))),
        ("c", Some(dec!(499.99))),
        ("d", Some(dec!(500))),
        ("e", Some(dec!(1200))),
        ("f", None),
    ];
    let candidates: Vec<Candidate> = amounts
        .iter()
        .map(|(name, amount)| Candidate {
            amount: *amount,
            supervisor: None,
            ..plain(name, "")
        })
        .collect();
    let rules = SampleRules {
        amount_above: None,
        amount_bands: vec![dec!(100), dec!(500), dec!(1000)],
        ..rules(Decimal::ONE, 3)
    };
    let s = sample(&candidates, &rules).unwrap();
    let got: Vec<Vec<String>> = s
        .picked
        .iter()
        .map(|p| p.reasons.iter().map(Reason::label).collect())
        .collect();
    assert_eq!(
        got,
        [
            ["随机抽取 (主管部门未填, 金额 100 万元以下 一层)"],
            ["随机抽取 (主管部门未填, 金额 100–500 万元 一层)"],
            ["随机抽取 (主管部门未填, 金额 100–500 万元 一层)"],
            ["随机抽取 (主管部门未填, 金额 500–1,000 万元 一层)"],
            ["随机抽取 (主管部门未填, 金额 1,000 万元及以上 一层)"],
            ["随机抽取 (主管部门未填, 金额未填 一层)"],
        ]
    );
    let bands: Vec<(AmountBand, usize)> = s
        .strata
        .iter()
        .map(|d| (d.stratum.band.clone(), d.units))
        .collect();
    assert_eq!(
        bands,
        [
            (AmountBand::Below(dec!(100)), 1),
            (AmountBand::Between(dec!(100), dec!(500)), 2),
            (AmountBand::Between(dec!(500), dec!(1000)), 1),
            (AmountBand::From(dec!(1000)), 1),
            (AmountBand::Unknown, 1),
        ]
    );
}

#[test]
fn supervisor_and_band_cross() {
    let mut candidates = Vec::new();
    for (i, (supervisor, amount)) in [
        ("X", dec!(50)),
        ("X", dec!(150)),
        ("X", dec!(250)),
        ("Y", dec!(150)),
    ]
    .into_iter()
    .enumerate()
    {
        candidates.push(Candidate {
            amount: Some(amount),
            ..plain(&format!("u{i}"), supervisor)
        });
    }
    // A blank 主管部门 counts as none.
    candidates.push(Candidate {
        supervisor: Some("  ".to_owned()),
        ..plain("u9", "")
    });
    let rules = SampleRules {
        amount_bands: vec![dec!(100), dec!(500)],
        ..rules(dec!(0.5), 11)
    };
    let s = sample(&candidates, &rules).unwrap();
    let strata: Vec<(Stratum, usize, usize)> = s
        .strata
        .iter()
        .map(|d| (d.stratum.clone(), d.units, d.drawn))
        .collect();
    let stratum = |s: Option<&str>, band| Stratum {
        supervisor: s.map(str::to_owned),
        band,
    };
    assert_eq!(
        strata,
        [
            (
                stratum(None, AmountBand::Between(dec!(100), dec!(500))),
                1,
                1
            ),
            (stratum(Some("X"), AmountBand::Below(dec!(100))), 1, 1),
            (
                stratum(Some("X"), AmountBand::Between(dec!(100), dec!(500))),
                2,
                1
            ),
            (
                stratum(Some("Y"), AmountBand::Between(dec!(100), dec!(500))),
                1,
                1
            ),
        ]
    );
    assert_eq!(
        labels(&s, "u0"),
        ["随机抽取 (主管部门 X, 金额 100 万元以下 一层)"]
    );
}

#[test]
fn a_unit_added_in_one_stratum_leaves_the_others_draws() {
    let base = three_strata();
    let rules = rules(dec!(0.2), 99);
    let before = sample(&base, &rules).unwrap();
    let mut more = base.clone();
    more.push(plain("卫健05", "卫健委"));
    let after = sample(&more, &rules).unwrap();
    let educ = |s: &Sample| -> Vec<String> {
        names(s)
            .into_iter()
            .filter(|n| n.starts_with("教育"))
            .collect()
    };
    assert_eq!(educ(&before), educ(&after));
    assert_eq!(educ(&before).len(), 2);
}

#[test]
fn share_zero_and_one() {
    let none = sample(&three_strata(), &rules(Decimal::ZERO, 5)).unwrap();
    assert!(none.picked.is_empty());
    let all = sample(&three_strata(), &rules(Decimal::ONE, 5)).unwrap();
    assert_eq!(all.picked.len(), 16);
    assert!(sample(&[], &rules(dec!(0.2), 5)).unwrap().picked.is_empty());
}

#[test]
fn bad_rules_and_duplicate_units_are_refused() {
    let bad = sample(&three_strata(), &rules(dec!(1.5), 1)).unwrap_err();
    assert_eq!(bad, SampleError::Share(dec!(1.5)));
    assert_eq!(
        bad.to_string(),
        "抽取比例须在 0 与 1 之间 (含), 给出的是 1.5"
    );
    assert_eq!(
        sample(&three_strata(), &rules(dec!(-0.1), 1)).unwrap_err(),
        SampleError::Share(dec!(-0.1))
    );
    let bands = SampleRules {
        amount_bands: vec![dec!(100), dec!(500), dec!(500)],
        ..rules(dec!(0.2), 1)
    };
    let err = sample(&three_strata(), &bands).unwrap_err();
    assert_eq!(
        err.to_string(),
        "金额分层的界限须从小到大且互不相同: 500 之后是 500"
    );
    let mut twice = three_strata();
    twice.push(plain("民政00", "别的部门"));
    assert_eq!(
        sample(&twice, &rules(dec!(0.2), 1))
            .unwrap_err()
            .to_string(),
        "同一单位出现两次: 民政00 (C-民政00), 2025 年"
    );
}

#[test]
fn rules_read_as_json_reject_unknown_keys() {
    let rules: SampleRules = serde_json::from_str(
        r#"{"share": "0.2", "seed": 7, "hard_findings": true,
            "excellent_below_execution": {"grade": "优", "rate": "0.9"}}"#,
    )
    .unwrap();
    assert_eq!(rules.share, dec!(0.2));
    assert_eq!(rules.excellent_below_execution.unwrap().rate, dec!(0.9));
    assert!(rules.amount_bands.is_empty());
    let err = serde_json::from_str::<SampleRules>(r#"{"share": "0.2", "seed": 7, "sed": 1}"#)
        .unwrap_err();
    assert!(err.to_string().contains("unknown field `sed`"), "{err}");
}
