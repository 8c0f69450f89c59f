//! Follow facts beside the engagement score: the `org_follows`, `follows_org` and `mutual` columns,
//! and the optional `follows_back` component (weight 0 unless set).

use super::PairState;
use crate::Corpus;
use crate::engagement::{Component, EngagementOptions, EngagementRow, Org};

/// The follow state of the organisation (any of its accounts) and one account id.
pub(crate) fn org_state(corpus: &Corpus, org: &Org, id: &str) -> PairState {
    if corpus.follow_snapshots().is_empty() && corpus.follow_records().is_empty() {
        return PairState::default();
    }
    org.ids
        .iter()
        .filter(|o| o.as_str() != id)
        .fold(PairState::default(), |acc, o| {
            acc.or(corpus.follow_state(o, id))
        })
}

/// The share of the score left to the nine interaction components once `follow_weight` joins them.
pub(crate) fn component_scale(opts: &EngagementOptions) -> f64 {
    if opts.follow_weight > 0.0 {
        let total = opts.weights.total();
        total / (total + opts.follow_weight)
    } else {
        1.0
    }
}

fn mutual01(row: &EngagementRow) -> f64 {
    if row.mutual == Some(true) { 1.0 } else { 0.0 }
}

/// Fills the follow columns of a row and, when `follow_weight` is above 0, rescales its score to
/// include the `follows_back` component: `100 · (Σ wₖ·nₖ + w_f·mutual) / (Σ wₖ + w_f)`.
pub(crate) fn annotate_row(
    corpus: &Corpus,
    org: &Org,
    row: &mut EngagementRow,
    opts: &EngagementOptions,
) {
    let st = org_state(corpus, org, &row.id);
    row.org_follows = st.o_follows_x;
    row.follows_org = st.x_follows_o;
    row.mutual = st.mutual();
    if opts.follow_weight > 0.0 {
        let total = opts.weights.total() + opts.follow_weight;
        row.score =
            row.score * component_scale(opts) + 100.0 * opts.follow_weight * mutual01(row) / total;
    }
}

/// The `follows_back` component of an explanation, when its weight is above 0.
pub(crate) fn follow_component(row: &EngagementRow, opts: &EngagementOptions) -> Option<Component> {
    (opts.follow_weight > 0.0).then(|| {
        let m = mutual01(row);
        Component {
            name: "follows_back",
            raw: m,
            normalisation: "1 when both follow each other in the latest follow snapshots, else 0",
            normalised: m,
            weight: opts.follow_weight,
            contribution: 100.0 * opts.follow_weight * m
                / (opts.weights.total() + opts.follow_weight),
            post_ids: Vec::new(),
        }
    })
}
