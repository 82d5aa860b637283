//! What the report tests share: the sample unit scored under the Hunan rubric.

use std::path::Path;

use jixiao_engine::Scorecard;
use jixiao_model::SelfEvaluation;
use jixiao_rules::RuleSet;

/// The workspace root.
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The sample's scorecard under `configs/hunan-department.toml`.
pub fn sample_card() -> Scorecard {
    let unit = SelfEvaluation::load(
        &root().join("tests/fixtures/units/department/lusong-kexie-2024.toml"),
    )
    .unwrap();
    let (rules, _) = RuleSet::load(&root().join("configs/hunan-department.toml")).unwrap();
    jixiao_engine::score(&unit, &rules).unwrap()
}
