//! The explanation of one account's score: every component with its inputs and the posts behind it.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::score::{
    COMPONENT_NAMES, EngagementRow, Scratch, Stage, Trace, as_of_ms, events, ms_to_utc, post_id,
    row_of, summarise,
};
use super::{EngagementOptions, Interactions, Org};
use crate::corpus::{AccountIdx, Corpus};

/// One component of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// The component's name (a field of [`Weights`](super::Weights)).
    pub name: &'static str,
    /// The measured value.
    pub raw: f64,
    /// How `raw` becomes `normalised`, as a formula.
    pub normalisation: &'static str,
    /// The normalised value, 0..=1.
    pub normalised: f64,
    /// The component's weight.
    pub weight: f64,
    /// Points it adds to the score: 100 · weight · normalised / Σ weights.
    pub contribution: f64,
    /// The ids of the posts behind `raw`.
    pub post_ids: Vec<String>,
}

/// The ids of the posts behind each count of an [`EngagementRow`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Evidence {
    /// Replies by the organisation to the person.
    pub replies_from_org: Vec<String>,
    /// Replies by the person to the organisation.
    pub replies_to_org: Vec<String>,
    /// Mentions of the person by the organisation.
    pub mentions_from_org: Vec<String>,
    /// Mentions of the organisation by the person.
    pub mentions_to_org: Vec<String>,
    /// Quotes and reposts of the person by the organisation.
    pub amplification_from_org: Vec<String>,
    /// Quotes and reposts of the organisation by the person.
    pub amplification_to_org: Vec<String>,
    /// The replies (both ways) of the two-way exchanges.
    pub two_way_exchanges: Vec<String>,
    /// The replies of the two-way exchanges within one half-life of `as_of`.
    pub recent_two_way_exchanges: Vec<String>,
    /// The person's replies whose parent is known (latency inputs).
    pub latency_account: Vec<String>,
    /// The organisation's replies whose parent is known (latency inputs).
    pub latency_org: Vec<String>,
    /// The dyad's utterances (talk balance and turn-taking inputs), oldest first.
    pub utterances: Vec<String>,
    /// Every post carrying an interaction either way (the decayed count's inputs), oldest first.
    pub interactions: Vec<String>,
}

/// Why an account has its score and stage.
///
/// `components` lists every component of the score; their `contribution`s add up to `score` (up to
/// float rounding). `row` has every measured number, `evidence` the posts behind each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The account's handle (the id when the handle is unknown).
    pub handle: String,
    /// The account's id.
    pub id: String,
    /// The organisation's handles.
    pub org: Vec<String>,
    /// Whether the account belongs to the organisation (then every number is 0: the organisation is not
    /// scored against itself).
    pub is_org_member: bool,
    /// The time decay was measured from.
    pub as_of: DateTime<Utc>,
    /// The half-life of the decay, in days.
    pub half_life_days: f64,
    /// The score, 0–100 (advisory).
    pub score: f64,
    /// The funnel stage.
    pub stage: Stage,
    /// Why the account is at this stage.
    pub stage_reason: String,
    /// Every component of the score.
    pub components: Vec<Component>,
    /// Every measured number.
    pub row: EngagementRow,
    /// The posts behind each number.
    pub evidence: Evidence,
    /// A one-line summary for people.
    pub summary: String,
    /// Always `true`: the score is advisory, for a human decision.
    pub advisory: bool,
}

const NORMALISATIONS: [&str; 9] = [
    "n / (n + 1)",
    "as is",
    "d / (d + 3)",
    "n / (n + 2)",
    "1 - 2 * |share - 0.5| (0 without words)",
    "n / (n + 2)",
    "n / (n + 2)",
    "as is",
    "2^(-median_ms / 86400000) (0 without replies)",
];

pub(crate) fn explain(
    corpus: &Corpus,
    ix: &Interactions,
    org: &Org,
    account: AccountIdx,
    opts: &EngagementOptions,
) -> Explanation {
    let as_of = as_of_ms(corpus, opts);
    let member = org.contains(account);
    let ev = events(corpus, ix, org, |a| a == account && !member);
    let mut trace = Trace::default();
    let st = summarise(
        &ev,
        as_of,
        opts.half_life_days,
        &mut Scratch::default(),
        Some(&mut trace),
    );
    let mut row = row_of(corpus, account, &st, &opts.weights);
    crate::follows::annotate_row(corpus, org, &mut row, opts);
    let ids = |v: &[u32]| v.iter().map(|&r| post_id(corpus, r)).collect::<Vec<_>>();
    let evidence = Evidence {
        replies_from_org: ids(&trace.replies_from_org),
        replies_to_org: ids(&trace.replies_to_org),
        mentions_from_org: ids(&trace.mentions_from_org),
        mentions_to_org: ids(&trace.mentions_to_org),
        amplification_from_org: ids(&trace.amplification_from_org),
        amplification_to_org: ids(&trace.amplification_to_org),
        two_way_exchanges: ids(&trace.two_way),
        recent_two_way_exchanges: ids(&trace.recent_two_way),
        latency_account: ids(&trace.latency_account),
        latency_org: ids(&trace.latency_org),
        utterances: ids(&trace.utterances),
        interactions: {
            let mut v = trace.all.clone();
            v.dedup();
            ids(&v)
        },
    };
    let mut both: Vec<u32> = [&trace.replies_from_org[..], &trace.replies_to_org[..]].concat();
    both.sort_unstable_by_key(|&r| (corpus.post(crate::PostIdx(r)).created_ms(), r));
    let reciprocity = ids(&both);
    let comps = st.components();
    let (contrib, _) = st.contributions(&opts.weights);
    let score = row.score;
    let weights = opts.weights.as_array();
    let behind: [&Vec<String>; 9] = [
        &evidence.two_way_exchanges,
        &reciprocity, // the replies each way, oldest first
        &evidence.interactions,
        &evidence.replies_to_org,
        &evidence.utterances,
        &evidence.mentions_to_org,
        &evidence.amplification_to_org,
        &evidence.utterances,
        &evidence.latency_account,
    ];
    let scale = crate::follows::component_scale(opts);
    let mut components: Vec<Component> = (0..9)
        .map(|k| {
            let post_ids = behind[k].clone();
            Component {
                name: COMPONENT_NAMES[k],
                raw: comps[k].0,
                normalisation: NORMALISATIONS[k],
                normalised: comps[k].1,
                weight: weights[k],
                contribution: contrib[k] * scale,
                post_ids,
            }
        })
        .collect();
    components.extend(crate::follows::follow_component(&row, opts));
    let stage_reason = stage_reason(&row, opts.half_life_days, member);
    let summary = summary(&row, &components, score);
    Explanation {
        handle: row.handle.clone(),
        id: row.id.clone(),
        org: org.handles.clone(),
        is_org_member: member,
        as_of: ms_to_utc(as_of),
        half_life_days: opts.half_life_days,
        score,
        stage: row.stage,
        stage_reason,
        components,
        row,
        evidence,
        summary,
        advisory: true,
    }
}

fn stage_reason(r: &EngagementRow, half_life_days: f64, member: bool) -> String {
    if member {
        return "a member of the organisation: not scored".into();
    }
    match r.stage {
        Stage::Engaged => format!(
            "{} two-way exchanges within the {half_life_days}-day half-life and {} amplification(s) of the organisation",
            r.recent_two_way_exchanges, r.amplification_to_org
        ),
        Stage::Conversing => format!(
            "{} two-way exchange(s) with the organisation{}",
            r.two_way_exchanges,
            if r.amplification_to_org == 0 {
                "; engaged needs 2 recent ones and an amplification".to_owned()
            } else {
                format!(
                    "; only {} within the half-life (engaged needs 2)",
                    r.recent_two_way_exchanges
                )
            }
        ),
        Stage::Responded => format!(
            "replied to the organisation {} time(s) and mentioned it {} time(s), with no two-way exchange yet",
            r.replies_to_org, r.mentions_to_org
        ),
        Stage::Noticed => format!(
            "the organisation replied {} time(s) and mentioned them {} time(s); no reply or mention back",
            r.replies_from_org, r.mentions_from_org
        ),
        Stage::Unaware => "no reply or mention either way".into(),
    }
}

fn summary(r: &EngagementRow, components: &[Component], score: f64) -> String {
    let mut top: Vec<&Component> = components.iter().filter(|c| c.contribution > 0.0).collect();
    top.sort_by(|a, b| b.contribution.total_cmp(&a.contribution));
    let top: Vec<String> = top
        .iter()
        .take(3)
        .map(|c| format!("{} +{:.1}", c.name.replace('_', " "), c.contribution))
        .collect();
    let last = r
        .last_interaction
        .map_or_else(|| "never".to_owned(), |t| t.format("%Y-%m-%d").to_string());
    format!(
        "@{} {:.1}/100 ({}): {} two-way exchange(s), replies {} to / {} from the org, reciprocity {:.2}, last {}{}{}",
        r.handle,
        score,
        r.stage,
        r.two_way_exchanges,
        r.replies_to_org,
        r.replies_from_org,
        r.reciprocity,
        last,
        if top.is_empty() { "" } else { "; top: " },
        top.join(", ")
    )
}
