//! The relationship timeline of an organisation and one account: follows and interactions as one
//! ordered list of dated steps, each with the evidence behind it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{FollowEventKind, Obs, PairState, Side};
use crate::engagement::{EngagementOptions, InteractionKind, Interactions, Org, Stage};
use crate::{Corpus, Error};

/// What a step of a relationship records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The organisation first seen following the account.
    OrgFollowed,
    /// The account first seen following the organisation.
    AccountFollowed,
    /// The first follow-back (either side followed the other, which already followed it).
    FollowedBack,
    /// The organisation first mentioned the account.
    FirstMentionByOrg,
    /// The account first mentioned the organisation.
    FirstMentionByAccount,
    /// The organisation first replied to the account.
    FirstReplyByOrg,
    /// The account first replied to the organisation.
    FirstReplyByAccount,
    /// The first conversation with replies both ways (dated by the reply that made it two-way).
    FirstTwoWayExchange,
    /// The organisation first reposted or quoted the account.
    FirstAmplificationByOrg,
    /// The account first reposted or quoted the organisation.
    FirstAmplificationByAccount,
    /// The latest interaction either way.
    LatestInteraction,
}

impl StepKind {
    /// The snake-case name used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::OrgFollowed => "org_followed",
            StepKind::AccountFollowed => "account_followed",
            StepKind::FollowedBack => "followed_back",
            StepKind::FirstMentionByOrg => "first_mention_by_org",
            StepKind::FirstMentionByAccount => "first_mention_by_account",
            StepKind::FirstReplyByOrg => "first_reply_by_org",
            StepKind::FirstReplyByAccount => "first_reply_by_account",
            StepKind::FirstTwoWayExchange => "first_two_way_exchange",
            StepKind::FirstAmplificationByOrg => "first_amplification_by_org",
            StepKind::FirstAmplificationByAccount => "first_amplification_by_account",
            StepKind::LatestInteraction => "latest_interaction",
        }
    }
}

/// One dated step of a relationship.
///
/// A step from a post has `at`; a step from follow snapshots has the interval that bounds it
/// (`observed_after` is `None` when the follow was already there in the first snapshot, so its start is
/// unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationshipStep {
    /// What happened.
    pub step: StepKind,
    /// When (steps from posts).
    pub at: Option<DateTime<Utc>>,
    /// After when (steps from snapshots).
    pub observed_after: Option<DateTime<Utc>>,
    /// At or before when (steps from snapshots).
    pub observed_before: Option<DateTime<Utc>>,
    /// The post ids behind a step from posts; for a step from snapshots, a sentence naming them.
    pub evidence: Vec<String>,
}

impl RelationshipStep {
    /// The time the step is ordered by: `at`, else `observed_before`.
    pub fn sort_time(&self) -> Option<DateTime<Utc>> {
        self.at.or(self.observed_before)
    }
}

/// The relationship of an organisation with one account.
#[derive(Debug, Clone, Serialize)]
pub struct Relationship {
    /// The organisation's handles.
    pub org: Vec<String>,
    /// The account's handle (its id when the handle is unknown).
    pub account: String,
    /// The account's id.
    pub account_id: String,
    /// The steps, in time order.
    pub steps: Vec<RelationshipStep>,
    /// The current follow state (the organisation's accounts combined).
    pub follows: PairState,
    /// The engagement stage of the pair (`unaware` … `engaged`).
    pub engagement_stage: Stage,
    /// The current stage: the engagement stage when above `unaware`, else `follows_back` (both follow),
    /// `followed` (one side follows), or `unaware`.
    pub stage: &'static str,
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The follow step of one edge: the first `followed`/`followed_back` event, or, when the first
/// reading already shows the follow, a step bounded only above by that reading.
fn follow_step(
    step: StepKind,
    edge: &[Obs],
    first_start: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Option<RelationshipStep> {
    let first = edge.first()?;
    if first.present {
        return Some(RelationshipStep {
            step,
            at: None,
            observed_after: None,
            observed_before: Some(first.end),
            evidence: vec![format!(
                "already following in the first snapshot ({})",
                rfc(first.end)
            )],
        });
    }
    let (after, before) = first_start?;
    if after == before {
        // A dated follow record (Bluesky): the time is exact.
        return Some(RelationshipStep {
            step,
            at: Some(after),
            observed_after: Some(after),
            observed_before: Some(before),
            evidence: vec![format!(
                "followed at {} (a dated follow record)",
                rfc(after)
            )],
        });
    }
    Some(RelationshipStep {
        step,
        at: None,
        observed_after: Some(after),
        observed_before: Some(before),
        evidence: vec![format!(
            "not following in the snapshot of {}; following in the snapshot of {}",
            rfc(after),
            rfc(before)
        )],
    })
}

impl Corpus {
    /// The relationship timeline of the organisation and one account (handle or id).
    ///
    /// Follow steps come from the follow snapshots (see [`Corpus::follow_events`]); the other steps
    /// from the interactions of [`Interactions::build`] between any of the organisation's accounts and
    /// the account. The stage uses `opts` as [`Corpus::engagement`] does.
    ///
    /// # Errors
    /// [`Error::UnknownAccount`] when the account is neither in the corpus nor in a follow snapshot,
    /// and the errors of [`Corpus::resolve_follow_org`] and [`Corpus::engagement`].
    pub fn relationship<S: AsRef<str>>(
        &self,
        org: &[S],
        account: &str,
        opts: &EngagementOptions,
    ) -> Result<Relationship, Error> {
        let org_ids = self.resolve_follow_org(org)?;
        let account_id = match self.find_account(account) {
            Some(a) => a.id().to_owned(),
            None if self
                .follow_snapshots()
                .iter()
                .any(|s| s.owner == account || s.contains(account))
                || self
                    .follow_records()
                    .iter()
                    .any(|r| r.follower == account || r.subject == account) =>
            {
                account.to_owned()
            }
            None => return Err(Error::UnknownAccount(account.to_owned())),
        };
        let mut steps = Vec::new();
        let mut follows = PairState::default();

        // Follows: the earliest step of each kind over the organisation's accounts.
        let mut best: HashMap<StepKind, RelationshipStep> = HashMap::new();
        let mut keep = |s: RelationshipStep| {
            let e = best.entry(s.step).or_insert_with(|| s.clone());
            if s.sort_time() < e.sort_time() {
                *e = s;
            }
        };
        for o in &org_ids {
            if *o == account_id {
                continue;
            }
            follows = follows.or(self.follow_state(o, &account_id));
            let events = self.pair_events(o, &account_id);
            let first_start = |by: Side| {
                events
                    .iter()
                    .find(|e| e.by == by && e.kind != FollowEventKind::Unfollowed)
                    .map(|e| (e.observed_after, e.observed_before))
            };
            let out_edge = self.edge_observations(o, &account_id);
            let in_edge = self.edge_observations(&account_id, o);
            if let Some(s) = follow_step(StepKind::OrgFollowed, &out_edge, first_start(Side::Org)) {
                keep(s);
            }
            if let Some(s) = follow_step(
                StepKind::AccountFollowed,
                &in_edge,
                first_start(Side::Account),
            ) {
                keep(s);
            }
            if let Some(e) = events
                .iter()
                .find(|e| e.kind == FollowEventKind::FollowedBack)
            {
                let who = if e.by == Side::Org {
                    "the organisation"
                } else {
                    "the account"
                };
                let exact = e.observed_after == e.observed_before;
                keep(RelationshipStep {
                    step: StepKind::FollowedBack,
                    at: exact.then_some(e.observed_after),
                    observed_after: Some(e.observed_after),
                    observed_before: Some(e.observed_before),
                    evidence: vec![if exact {
                        format!(
                            "{who} followed back at {} (a dated follow record)",
                            rfc(e.observed_after)
                        )
                    } else {
                        format!(
                            "{who} followed back between the snapshots of {} and {}",
                            rfc(e.observed_after),
                            rfc(e.observed_before)
                        )
                    }],
                });
            }
        }
        steps.extend(best.into_values());

        // Interactions, when the account and the organisation are accounts of the corpus.
        let mut engagement_stage = Stage::Unaware;
        let org_accounts: Vec<&str> = org_ids
            .iter()
            .filter(|id| self.account_by_id(id).is_some())
            .map(String::as_str)
            .collect();
        if let (Some(x), false) = (self.account_by_id(&account_id), org_accounts.is_empty()) {
            let org = Org::resolve(self, &org_accounts)?;
            let ctx = crate::context::Analysis::new(self);
            steps.extend(self.interaction_steps(ctx.interactions(), &org, x.idx()));
            let report = ctx.engagement_of(&org, opts)?;
            if let Some(r) = report.rows.iter().find(|r| r.account == x.idx()) {
                engagement_stage = r.stage;
            }
        }
        steps.sort_by_key(|s| (s.sort_time(), s.step));

        let stage = if engagement_stage > Stage::Unaware {
            engagement_stage.as_str()
        } else if follows.mutual() == Some(true) {
            "follows_back"
        } else if follows.o_follows_x == Some(true) || follows.x_follows_o == Some(true) {
            "followed"
        } else {
            Stage::Unaware.as_str()
        };
        Ok(Relationship {
            org: org_ids
                .iter()
                .map(|id| self.handle_of_id(id).to_owned())
                .collect(),
            account: self.handle_of_id(&account_id).to_owned(),
            account_id,
            steps,
            follows,
            engagement_stage,
            stage,
        })
    }

    fn interaction_steps(
        &self,
        ix: &Interactions,
        org: &Org,
        x: crate::AccountIdx,
    ) -> Vec<RelationshipStep> {
        // (time, post id) of the first of each kind; ties in time go to the earlier post row.
        let mut first: HashMap<StepKind, (i64, u32)> = HashMap::new();
        let mut latest: Option<(i64, u32)> = None;
        // Per conversation: the first org reply and the first account reply.
        let mut conv: HashMap<&str, [Option<(i64, u32)>; 2]> = HashMap::new();
        for i in 0..ix.len() {
            let it = ix.get(i);
            let from_org = org.contains(it.src) && it.dst == x;
            let to_org = it.src == x && org.contains(it.dst);
            if !(from_org || to_org) {
                continue;
            }
            let key = (it.at_ms, it.post.0);
            let kind = match (it.kind, from_org) {
                (InteractionKind::Mention, true) => StepKind::FirstMentionByOrg,
                (InteractionKind::Mention, false) => StepKind::FirstMentionByAccount,
                (InteractionKind::Reply, true) => StepKind::FirstReplyByOrg,
                (InteractionKind::Reply, false) => StepKind::FirstReplyByAccount,
                (_, true) => StepKind::FirstAmplificationByOrg,
                (_, false) => StepKind::FirstAmplificationByAccount,
            };
            let e = first.entry(kind).or_insert(key);
            *e = (*e).min(key);
            latest = Some(latest.map_or(key, |l| l.max(key)));
            if it.kind == InteractionKind::Reply {
                let p = self.post(it.post);
                let c = p.conversation_id().unwrap_or_else(|| p.id());
                let slot = &mut conv.entry(c).or_default()[usize::from(!from_org)];
                *slot = Some(slot.map_or(key, |s| s.min(key)));
            }
        }
        let at = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
        let post_id = |row: u32| self.post(crate::PostIdx(row)).id().to_owned();
        let mut out: Vec<RelationshipStep> = first
            .into_iter()
            .map(|(step, (ms, row))| RelationshipStep {
                step,
                at: Some(at(ms)),
                observed_after: None,
                observed_before: None,
                evidence: vec![post_id(row)],
            })
            .collect();
        let two_way = conv
            .values()
            .filter_map(|[o, a]| {
                let (o, a) = ((*o)?, (*a)?);
                Some((o.max(a).0, o, a))
            })
            .min_by_key(|(t, o, a)| (*t, o.1.min(a.1)));
        if let Some((ms, o, a)) = two_way {
            out.push(RelationshipStep {
                step: StepKind::FirstTwoWayExchange,
                at: Some(at(ms)),
                observed_after: None,
                observed_before: None,
                evidence: vec![post_id(o.1), post_id(a.1)],
            });
        }
        if let Some((ms, row)) = latest {
            out.push(RelationshipStep {
                step: StepKind::LatestInteraction,
                at: Some(at(ms)),
                observed_after: None,
                observed_before: None,
                evidence: vec![post_id(row)],
            });
        }
        out
    }
}
