//! Who a unit is across years: the keys a unit is matched by from one year to the next.

use jixiao_model::{EvaluationKind, UnitIdentity};
use jixiao_round::table::{normalize_code, normalize_name};

/// The keys a unit's records are found by in another year: its code when it gave one, else its
/// name and region. A project's keys carry the project's (code, else name), so two projects of
/// one unit are never one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitKeys {
    pub kind: EvaluationKind,
    /// 单位编码, normalised, with the 项目编码 (else project name) of a project after a `/`.
    pub code: Option<String>,
    /// The name (with the project's after a `/`) and the region after a `|`, normalised.
    pub name: String,
}

impl UnitKeys {
    /// The keys of a unit as it says who it is.
    pub fn of(identity: &UnitIdentity) -> UnitKeys {
        UnitKeys::from_parts(
            identity.kind,
            &identity.name,
            identity.code.as_deref(),
            identity.region.as_deref(),
            identity.project.as_deref(),
            identity.project_code.as_deref(),
        )
    }

    /// The keys of a scorecard's unit.
    pub fn of_card(unit: &jixiao_engine::UnitRef) -> UnitKeys {
        UnitKeys::from_parts(
            unit.kind,
            &unit.name,
            unit.code.as_deref(),
            unit.region.as_deref(),
            unit.project.as_deref(),
            unit.project_code.as_deref(),
        )
    }

    fn from_parts(
        kind: EvaluationKind,
        name: &str,
        code: Option<&str>,
        region: Option<&str>,
        project: Option<&str>,
        project_code: Option<&str>,
    ) -> UnitKeys {
        let is_project = kind == EvaluationKind::Project;
        let project_part = |code: Option<&str>| {
            code.map(normalize_code)
                .or_else(|| project.map(normalize_name))
                .unwrap_or_default()
        };
        let code = code.map(|code| {
            let mut key = normalize_code(code);
            if is_project {
                key.push('/');
                key.push_str(&project_part(project_code));
            }
            key
        });
        let mut key = normalize_name(name);
        if is_project {
            key.push('/');
            key.push_str(&project_part(None));
        }
        key.push('|');
        key.push_str(&region.map(normalize_name).unwrap_or_default());
        UnitKeys {
            kind,
            code,
            name: key,
        }
    }

    /// The kind as stored (`department`, `project`).
    pub fn kind_str(&self) -> &'static str {
        kind_str(self.kind)
    }
}

pub(crate) fn kind_str(kind: EvaluationKind) -> &'static str {
    match kind {
        EvaluationKind::Department => "department",
        EvaluationKind::Project => "project",
    }
}
