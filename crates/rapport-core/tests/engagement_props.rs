//! Property tests of the engagement analysis on random corpora.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use rapport_core::engagement::{EngagementOptions, EngagementRow};
use rapport_core::{Account, Corpus, Mention, Post};

/// (author 1..=6, kind 0..4, target seed, minutes after t0, mentioned accounts)
type Spec = (u8, u8, usize, i64, Vec<u8>);

fn spec() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            1u8..=6,
            0u8..4,
            any::<usize>(),
            0i64..200_000,
            prop::collection::vec(1u8..=6, 0..3),
        ),
        1..40,
    )
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
}

fn build(specs: &[Spec], shift_minutes: i64) -> Corpus {
    let mut c = Corpus::new();
    for i in 1..=6 {
        c.add_account(Account::new(i.to_string(), format!("user{i}")));
    }
    let mut convs: Vec<String> = Vec::new();
    for (i, (author, kind, target, minutes, mentions)) in specs.iter().enumerate() {
        let id = format!("p{i}");
        let when = t0() + Duration::minutes(minutes + shift_minutes);
        let mut p = Post::new(
            &id,
            author.to_string(),
            format!("words from {author} number {i}"),
            when,
        );
        let mut conv = id.clone();
        if i > 0 {
            let t = target % i;
            let tid = format!("p{t}");
            match kind {
                1 => {
                    p.reply_to = Some(tid);
                    conv.clone_from(&convs[t]);
                }
                2 => p.quoted = Some(tid),
                3 if target % 3 == 0 => p.reposted = Some(format!("missing{i}")),
                3 => p.reposted = Some(tid),
                _ => {}
            }
        }
        p.conversation_id = Some(conv.clone());
        convs.push(conv);
        p.mentions = mentions
            .iter()
            .map(|m| Mention {
                id: Some(m.to_string()),
                handle: format!("user{m}"),
            })
            .collect();
        c.add_post(p);
    }
    c
}

const ORG: [&str; 2] = ["user1", "2"];

fn without_time(rows: &[EngagementRow]) -> Vec<EngagementRow> {
    rows.iter()
        .cloned()
        .map(|mut r| {
            r.last_interaction = None;
            r
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn scores_bounded_and_contributions_sum(specs in spec()) {
        let c = build(&specs, 0);
        let opts = EngagementOptions::default();
        let r = c.engagement(&ORG, &opts).unwrap();
        for row in &r.rows {
            prop_assert!((0.0..=100.0).contains(&row.score), "{}", row.score);
            let e = c.explain_engagement(&ORG, &row.id, &opts).unwrap();
            let sum: f64 = e.components.iter().map(|k| k.contribution).sum();
            prop_assert!((sum - e.score).abs() < 1e-9);
            prop_assert_eq!(e.score, row.score);
            prop_assert_eq!(&e.row, row);
            for k in &e.components {
                prop_assert!((0.0..=1.0).contains(&k.normalised));
            }
        }
        let b = c.broadcast_report(&ORG).unwrap();
        let o = &b.overall;
        prop_assert_eq!(o.posts, o.void + o.broadcast + o.conversation);
        prop_assert!(o.replies_answered <= o.replies);
    }

    #[test]
    fn an_unrelated_post_changes_nothing(specs in spec(), pick in any::<usize>()) {
        let c = build(&specs, 0);
        let mut c2 = c.clone();
        // A stranger posts, addressing no one, at the time of an existing post (as_of unchanged).
        let when = c.post(rapport_core::PostIdx((pick % c.num_posts()) as u32)).created_at();
        c2.add_post(Post::new("unrelated", "99", "just me, talking to myself", when));
        let opts = EngagementOptions::default();
        let (a, b) = (c.engagement(&ORG, &opts).unwrap(), c2.engagement(&ORG, &opts).unwrap());
        prop_assert_eq!(a.as_of, b.as_of);
        prop_assert_eq!(&a.rows, &b.rows);
        prop_assert_eq!(a.funnel.unaware + 1, b.funnel.unaware);
        let (ba, bb) = (c.broadcast_report(&ORG).unwrap(), c2.broadcast_report(&ORG).unwrap());
        prop_assert_eq!(ba.posts, bb.posts);
    }

    #[test]
    fn shifting_every_time_changes_nothing(specs in spec(), shift in -5_000_000i64..5_000_000) {
        let (c, s) = (build(&specs, 0), build(&specs, shift));
        let opts = EngagementOptions::default();
        let (a, b) = (c.engagement(&ORG, &opts).unwrap(), s.engagement(&ORG, &opts).unwrap());
        prop_assert_eq!(a.as_of + Duration::minutes(shift), b.as_of);
        prop_assert_eq!(without_time(&a.rows), without_time(&b.rows));
        for (x, y) in a.rows.iter().zip(&b.rows) {
            prop_assert_eq!(x.last_interaction.map(|t| t + Duration::minutes(shift)), y.last_interaction);
        }
        let (ba, bb) = (c.broadcast_report(&ORG).unwrap(), s.broadcast_report(&ORG).unwrap());
        let key = |p: &rapport_core::engagement::BroadcastPost| {
            (p.post_id.clone(), p.class, p.replies, p.replies_answered, p.quotes, p.reposts,
             p.time_to_first_reply_ms, p.time_to_answer_ms)
        };
        prop_assert_eq!(
            ba.posts.iter().map(key).collect::<Vec<_>>(),
            bb.posts.iter().map(key).collect::<Vec<_>>()
        );
        prop_assert_eq!(ba.overall.void_rate, bb.overall.void_rate);
        prop_assert_eq!(ba.overall.median_answer_ms, bb.overall.median_answer_ms);
    }
}
