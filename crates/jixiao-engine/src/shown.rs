//! Sums of scores as shown (`[totals] sum = "shown"`, and the scorecard's note where the shown
//! leaves do not add up to the shown total under `sum = "exact"`).

use rust_decimal::Decimal;

use crate::arith::{self, Overflow};
use crate::{ScoredIndicator, fmt};

/// Sums every parent's score again from its children's scores as shown: each leaf rounded to
/// `places`, each group the sum of its children's (so itself a shown figure). Leaves are not
/// changed.
pub(crate) fn resum(nodes: &mut [ScoredIndicator], places: u32) -> Result<(), Overflow> {
    for node in nodes {
        if !node.children.is_empty() {
            resum(&mut node.children, places)?;
            node.score = arith::sum(node.children.iter().map(|c| shown(c.score, places)))?;
        }
    }
    Ok(())
}

/// A score as shown: rounded to `places`, half away from zero.
pub(crate) fn shown(score: Decimal, places: u32) -> Decimal {
    fmt::round(score, places)
}

/// The leaves' scores as shown, summed (a dropped leaf scores 0).
pub(crate) fn leaves(nodes: &[ScoredIndicator], places: u32) -> arith::Checked {
    nodes.iter().try_fold(Decimal::ZERO, |sum, node| {
        let part = if node.children.is_empty() {
            shown(node.score, places)
        } else {
            leaves(&node.children, places)?
        };
        arith::add(sum, part)
    })
}
