//! Hand-built snapshots; every event and interval below was worked out by hand from the snapshots.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::engagement::EngagementOptions;
use crate::{Account, Mention, Post};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, d, 9, 0, 0).unwrap()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn snap(owner: &str, dir: FollowDirection, at: DateTime<Utc>, accounts: &[&str]) -> FollowSnapshot {
    FollowSnapshot::new(owner, dir, at, ids(accounts))
}

use FollowDirection::{Followers, Following};

fn ev(
    account: &str,
    kind: FollowEventKind,
    by: Side,
    after: DateTime<Utc>,
    before: DateTime<Utc>,
) -> FollowEvent {
    FollowEvent {
        org: "1".into(),
        account: account.into(),
        kind,
        by,
        observed_after: after,
        observed_before: before,
    }
}

#[test]
fn a_first_snapshot_sets_state_and_yields_no_event() {
    let mut c = Corpus::new();
    c.try_add_follow_snapshot(snap("1", Following, day(1), &["7", "8"]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Followers, day(1), &["7"]))
        .unwrap();
    assert!(c.follow_events(&["1"]).unwrap().is_empty());
    let s7 = c.follow_state("1", "7");
    assert_eq!(
        (s7.o_follows_x, s7.x_follows_o, s7.mutual()),
        (Some(true), Some(true), Some(true))
    );
    let s8 = c.follow_state("1", "8");
    assert_eq!(
        (s8.o_follows_x, s8.x_follows_o, s8.mutual()),
        (Some(true), Some(false), Some(false))
    );
    // No snapshot covers 9 at all.
    let s9 = c.follow_state("1", "9");
    assert_eq!(
        (s9.o_follows_x, s9.x_follows_o, s9.mutual()),
        (Some(false), Some(false), Some(false))
    );
    let states = c.follow_states(&["1"]).unwrap();
    assert_eq!(states.keys().collect::<Vec<_>>(), ["7", "8"]);
}

#[test]
fn an_unfollow_and_a_refollow() {
    let mut c = Corpus::new();
    for (d, list) in [(1, &["7"][..]), (2, &[][..]), (3, &["7"][..])] {
        c.try_add_follow_snapshot(snap("1", Following, day(d), list))
            .unwrap();
    }
    let e = c.follow_events(&["1"]).unwrap();
    assert_eq!(
        e,
        vec![
            ev("7", FollowEventKind::Unfollowed, Side::Org, day(1), day(2)),
            ev("7", FollowEventKind::Followed, Side::Org, day(2), day(3)),
        ]
    );
    // Only the following list is known: whether 7 follows the organisation is not.
    let s = c.follow_state("1", "7");
    assert_eq!(
        (s.o_follows_x, s.x_follows_o, s.mutual()),
        (Some(true), None, None)
    );
}

#[test]
fn a_follow_back_needs_the_other_follow_seen_first() {
    // The organisation follows 7 from the first snapshot and 7 follows back between day 1 and day 2;
    // the organisation follows 8 between day 1 and 2 and 8 follows in the same interval, so which came
    // first is unknown and neither is a follow-back.
    let mut c = Corpus::new();
    c.try_add_follow_snapshot(snap("1", Following, day(1), &["7"]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Following, day(2), &["7", "8"]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Followers, day(1), &[]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Followers, day(2), &["7", "8"]))
        .unwrap();
    assert_eq!(
        c.follow_events(&["1"]).unwrap(),
        vec![
            ev(
                "7",
                FollowEventKind::FollowedBack,
                Side::Account,
                day(1),
                day(2)
            ),
            ev("8", FollowEventKind::Followed, Side::Org, day(1), day(2)),
            ev(
                "8",
                FollowEventKind::Followed,
                Side::Account,
                day(1),
                day(2)
            ),
        ]
    );
}

#[test]
fn pages_of_one_snapshot_join_and_bound_the_interval() {
    let mut c = Corpus::new();
    let t0 = day(1);
    // One run of three pages read over two minutes: same start, later ends.
    let mut p1 = snap("1", Followers, t0, &["7", "8"]);
    p1.completed_at = t0 + Duration::minutes(1);
    let mut p2 = snap("1", Followers, t0, &["9"]);
    p2.completed_at = t0 + Duration::minutes(2);
    let p3 = snap("1", Followers, t0, &["8"]);
    for p in [p1, p2, p3] {
        c.try_add_follow_snapshot(p).unwrap();
    }
    assert_eq!(c.follow_snapshots().len(), 1);
    assert_eq!(c.follow_snapshots()[0].accounts, ids(&["7", "8", "9"]));
    assert_eq!(
        c.follow_snapshots()[0].completed_at,
        t0 + Duration::minutes(2)
    );
    assert_eq!(c.num_follow_observations(), 3);
    // The next run, on day 2, read over three minutes: 8 has gone.
    let mut next = snap("1", Followers, day(2), &["7", "9"]);
    next.completed_at = day(2) + Duration::minutes(3);
    c.try_add_follow_snapshot(next).unwrap();
    assert_eq!(
        c.follow_events(&["1"]).unwrap(),
        vec![ev(
            "8",
            FollowEventKind::Unfollowed,
            Side::Account,
            t0,
            day(2) + Duration::minutes(3)
        )]
    );
}

#[test]
fn two_runs_are_two_snapshots_and_the_accounts_own_lists_count() {
    let mut c = Corpus::new();
    c.try_add_follow_snapshot(snap("1", Following, day(1), &[]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Following, day(3), &["7"]))
        .unwrap();
    // 7's own following list: it follows the organisation from day 2 (seen on day 4).
    c.try_add_follow_snapshot(snap("7", Following, day(2), &["5"]))
        .unwrap();
    c.try_add_follow_snapshot(snap("7", Following, day(4), &["1", "5"]))
        .unwrap();
    assert_eq!(c.follow_snapshots().len(), 4);
    assert_eq!(
        c.follow_events(&["1"]).unwrap(),
        vec![
            ev("7", FollowEventKind::Followed, Side::Org, day(1), day(3)),
            // The organisation's follow was last seen absent on day 1 and present on day 3, after the
            // start of 7's day-2 list: not yet known then, so this is no follow-back.
            ev(
                "7",
                FollowEventKind::Followed,
                Side::Account,
                day(2),
                day(4)
            ),
        ]
    );
    assert_eq!(c.follow_state("1", "7").mutual(), Some(true));
}

#[test]
fn bad_snapshots_are_refused_with_the_reason() {
    let mut c = Corpus::new();
    let err = c
        .try_add_follow_snapshot(snap("", Following, day(1), &[]))
        .unwrap_err();
    assert!(err.to_string().contains("owner"), "{err}");
    let err = c
        .try_add_follow_snapshot(snap("1", Following, day(1), &["a\nb"]))
        .unwrap_err();
    assert!(err.to_string().contains("account"), "{err}");
    let mut back = snap("1", Following, day(2), &[]);
    back.completed_at = day(1);
    let err = c.try_add_follow_snapshot(back).unwrap_err();
    assert!(err.to_string().contains("completed_at"), "{err}");
    assert!(c.follow_snapshots().is_empty());
    let err = c.follow_events(&["nobody"]).unwrap_err();
    assert!(err.to_string().contains("nobody"), "{err}");
}

#[test]
fn merge_and_serde_keep_snapshots() {
    let mut a = Corpus::new();
    a.try_add_follow_snapshot(snap("1", Following, day(1), &["7"]))
        .unwrap();
    let mut b = Corpus::new();
    b.try_add_follow_snapshot(snap("1", Following, day(1), &["8"]))
        .unwrap();
    b.try_add_follow_snapshot(snap("1", Following, day(2), &[]))
        .unwrap();
    a.merge(&b);
    assert_eq!(a.follow_snapshots().len(), 2);
    assert_eq!(a.follow_snapshots()[0].accounts, ids(&["7", "8"]));
    let json = serde_json::to_string(&a).unwrap();
    let back: Corpus = serde_json::from_str(&json).unwrap();
    assert_eq!(back.follow_snapshots(), a.follow_snapshots());
}

fn timeline_corpus() -> Corpus {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme"));
    c.add_account(Account::new("7", "ada"));
    c.try_add_follow_snapshot(snap("1", Following, day(1), &[]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Following, day(2), &["7"]))
        .unwrap();
    for (d, list) in [(1, &[][..]), (2, &[][..]), (3, &["7"][..])] {
        c.try_add_follow_snapshot(snap("1", Followers, day(d), list))
            .unwrap();
    }
    let mut p = Post::new("100", "1", "hello @ada", day(4));
    p.conversation_id = Some("100".into());
    p.mentions = vec![Mention {
        id: Some("7".into()),
        handle: "ada".into(),
    }];
    c.add_post(p);
    let mut r = Post::new("101", "7", "thanks!", day(4) + Duration::hours(1));
    r.conversation_id = Some("100".into());
    r.reply_to = Some("100".into());
    c.add_post(r);
    let mut r2 = Post::new("102", "1", "welcome", day(4) + Duration::hours(2));
    r2.conversation_id = Some("100".into());
    r2.reply_to = Some("101".into());
    c.add_post(r2);
    let mut q = Post::new("103", "7", "look at this", day(5));
    q.quoted = Some("100".into());
    c.add_post(q);
    c
}

#[test]
fn the_relationship_timeline_orders_follows_and_interactions() {
    let c = timeline_corpus();
    let r = c
        .relationship(&["acme"], "@ada", &EngagementOptions::default())
        .unwrap();
    #[allow(clippy::type_complexity)]
    let got: Vec<(
        &str,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Vec<String>,
    )> = r
        .steps
        .iter()
        .map(|s| {
            (
                s.step.as_str(),
                s.at.or(s.observed_before),
                s.observed_after,
                if s.at.is_some() {
                    s.evidence.clone()
                } else {
                    vec![]
                },
            )
        })
        .collect();
    let h = |n| day(4) + Duration::hours(n);
    assert_eq!(
        got,
        vec![
            ("org_followed", Some(day(2)), Some(day(1)), vec![]),
            ("account_followed", Some(day(3)), Some(day(2)), vec![]),
            ("followed_back", Some(day(3)), Some(day(2)), vec![]),
            ("first_mention_by_org", Some(h(0)), None, ids(&["100"])),
            ("first_reply_by_account", Some(h(1)), None, ids(&["101"])),
            ("first_reply_by_org", Some(h(2)), None, ids(&["102"])),
            (
                "first_two_way_exchange",
                Some(h(2)),
                None,
                ids(&["102", "101"])
            ),
            (
                "first_amplification_by_account",
                Some(day(5)),
                None,
                ids(&["103"])
            ),
            ("latest_interaction", Some(day(5)), None, ids(&["103"])),
        ]
    );
    assert_eq!(r.stage, "conversing");
    assert_eq!(r.follows.mutual(), Some(true));
    assert_eq!((r.account.as_str(), r.account_id.as_str()), ("ada", "7"));
}

#[test]
fn a_relationship_with_follows_only_has_a_follow_stage() {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme"));
    c.try_add_follow_snapshot(snap("1", Following, day(1), &["7"]))
        .unwrap();
    c.try_add_follow_snapshot(snap("1", Followers, day(1), &["7", "8"]))
        .unwrap();
    let r = c
        .relationship(&["acme"], "7", &EngagementOptions::default())
        .unwrap();
    assert_eq!(r.stage, "follows_back");
    // Both follows were there in the first snapshot: bounded above only.
    assert_eq!(r.steps.len(), 2);
    assert!(
        r.steps
            .iter()
            .all(|s| s.observed_after.is_none() && s.observed_before == Some(day(1)))
    );
    let r8 = c
        .relationship(&["acme"], "8", &EngagementOptions::default())
        .unwrap();
    assert_eq!(r8.stage, "followed");
    assert_eq!(r8.steps.len(), 1);
    assert_eq!(r8.steps[0].step, StepKind::AccountFollowed);
    assert!(
        c.relationship(&["acme"], "nobody", &EngagementOptions::default())
            .is_err()
    );
}

#[test]
fn engagement_rows_carry_follow_facts_and_an_optional_weight() {
    use crate::engagement::Weights;
    let c = timeline_corpus();
    let r = c
        .engagement(&["acme"], &EngagementOptions::default())
        .unwrap();
    let ada = r.row("ada").unwrap();
    assert_eq!(
        (ada.org_follows, ada.follows_org, ada.mutual),
        (Some(true), Some(true), Some(true))
    );
    // Only two-way exchanges weigh: one exchange is n / (n + 1) = 0.5, so 50 points.
    let opts = EngagementOptions {
        weights: Weights {
            two_way_exchanges: 1.0,
            ..Weights::zero()
        },
        ..EngagementOptions::default()
    };
    let base = c.engagement(&["acme"], &opts).unwrap();
    assert!((base.row("ada").unwrap().score - 50.0).abs() < 1e-9);
    // A follow weight of 1 beside it: 100 · (1 · 0.5 + 1 · 1) / 2 = 75.
    let with = EngagementOptions {
        follow_weight: 1.0,
        ..opts.clone()
    };
    let r = c.engagement(&["acme"], &with).unwrap();
    assert!((r.row("ada").unwrap().score - 75.0).abs() < 1e-9);
    let e = c.explain_engagement(&["acme"], "ada", &with).unwrap();
    assert!((e.score - 75.0).abs() < 1e-9);
    let fb = e
        .components
        .iter()
        .find(|k| k.name == "follows_back")
        .unwrap();
    assert!((fb.contribution - 50.0).abs() < 1e-9);
    let sum: f64 = e.components.iter().map(|k| k.contribution).sum();
    assert!((sum - 75.0).abs() < 1e-9);
    // Weight 0 (the default): no follows_back component.
    let e0 = c.explain_engagement(&["acme"], "ada", &opts).unwrap();
    assert!(e0.components.iter().all(|k| k.name != "follows_back"));
    let bad = EngagementOptions {
        follow_weight: -1.0,
        ..opts
    };
    assert!(c.engagement(&["acme"], &bad).is_err());

    // Without snapshots the columns are unknown.
    let mut plain = timeline_corpus();
    plain = {
        let mut fresh = Corpus::new();
        for a in plain.accounts() {
            fresh.add_account(a.to_account());
        }
        for p in plain.posts() {
            fresh.add_post(p.to_post());
        }
        fresh
    };
    let r = plain
        .engagement(&["acme"], &EngagementOptions::default())
        .unwrap();
    let ada = r.row("ada").unwrap();
    assert_eq!(
        (ada.org_follows, ada.follows_org, ada.mutual),
        (None, None, None)
    );
}
