//! Engagement on a hand-built corpus where every number is worked out by hand in the comments.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rapport_core::engagement::{
    BroadcastClass, EngagementOptions, InteractionKind, Interactions, Org, Stage, Weights,
};
use rapport_core::{Account, Corpus, Error, Mention, Post};

const H: f64 = 3_600_000.0; // one hour in ms

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()
}

fn at(hours: i64) -> DateTime<Utc> {
    t0() + Duration::hours(hours)
}

fn post(id: &str, author: &str, text: &str, hours: i64) -> Post {
    let mut p = Post::new(id, author, text, at(hours));
    p.conversation_id = Some(id.into());
    p
}

fn reply(id: &str, author: &str, text: &str, hours: i64, parent: &str, conv: &str) -> Post {
    let mut p = Post::new(id, author, text, at(hours));
    p.reply_to = Some(parent.into());
    p.conversation_id = Some(conv.into());
    p
}

fn mention(id: &str, handle: &str) -> Mention {
    Mention {
        id: Some(id.into()),
        handle: handle.into(),
    }
}

/// The organisation is acme (1) and acme_eng (2); ada (3), bob (4), cy (5) and dan (6) are outside.
///
/// Conversation 10: acme posts a job (t0), ada asks (1h), acme answers (3h), ada replies (4h); bob
/// reposts the job (5h); acme adds a note under its own post (7h, a self-reply: dropped).
/// acme_eng posts a blog (24h) that cy quotes (26h); acme thanks @cy (48h, the newest post).
/// ada reposts a missing acme_eng post via "RT @acme_eng:" (6h). Conversation 20: ada asks (30h),
/// acme_eng answers (31h), ada replies (33h). dan posts alone (2h).
fn corpus() -> Corpus {
    let mut c = Corpus::new();
    for (id, h) in [
        ("1", "acme"),
        ("2", "acme_eng"),
        ("3", "ada"),
        ("4", "bob"),
        ("5", "cy"),
        ("6", "dan"),
    ] {
        c.add_account(Account::new(id, h));
    }
    let mut p10 = post("10", "1", "We are #hiring Rust engineers", 0);
    p10.hashtags = vec!["hiring".into()];
    c.add_post(p10);
    c.add_post(reply("11", "3", "Is it remote?", 1, "10", "10"));
    let mut p12 = reply("12", "1", "@ada Yes fully remote", 3, "11", "10");
    p12.mentions = vec![mention("3", "ada")];
    c.add_post(p12);
    c.add_post(reply("13", "3", "Great, applying now", 4, "12", "10"));
    let mut p14 = Post::new("14", "4", "RT @acme: We are #hiring Rust engineers", at(5));
    p14.reposted = Some("10".into());
    p14.mentions = vec![mention("1", "acme")];
    c.add_post(p14);
    let mut p15 = post("15", "2", "Our #rust team blog", 24);
    p15.hashtags = vec!["rust".into()];
    c.add_post(p15);
    let mut p16 = post("16", "5", "Nice read", 26);
    p16.quoted = Some("15".into());
    c.add_post(p16);
    let mut p17 = post("17", "1", "Thanks @cy for sharing", 48);
    p17.mentions = vec![mention("5", "cy")];
    c.add_post(p17);
    c.add_post(post("18", "6", "hello world", 2));
    let mut p19 = Post::new("19", "3", "RT @acme_eng: old news", at(6));
    p19.reposted = Some("999".into());
    p19.mentions = vec![mention("2", "acme_eng")];
    c.add_post(p19);
    c.add_post(post("20", "3", "Anyone using #rust at scale?", 30));
    c.add_post(reply("21", "2", "We do!", 31, "20", "20"));
    c.add_post(reply("22", "3", "Cool, tell me more", 33, "21", "20"));
    c.add_post(reply("23", "1", "More details soon", 7, "10", "10"));
    c
}

const ORG: [&str; 2] = ["acme", "acme_eng"];

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn interaction_list_follows_the_definitions() {
    let c = corpus();
    let ix = Interactions::build(&c);
    let kinds: Vec<(String, String, String, &str)> = ix
        .iter()
        .map(|i| {
            (
                c.post(i.post).id().to_owned(),
                c.account(i.src).handle().to_owned(),
                c.account(i.dst).handle().to_owned(),
                i.kind.as_str(),
            )
        })
        .collect();
    let s = |p: &str, a: &str, b: &str, k| (p.to_owned(), a.to_owned(), b.to_owned(), k);
    // Post order; 12's mention of @ada is the replied-to account (dropped); 14 is a repost (its
    // mention is not counted); 19's original is missing, so "RT @acme_eng:" names the target;
    // 23 replies to acme's own post (a self-interaction: dropped); 10, 15, 18, 20 address no one.
    assert_eq!(
        kinds,
        vec![
            s("11", "ada", "acme", "reply"),
            s("12", "acme", "ada", "reply"),
            s("13", "ada", "acme", "reply"),
            s("14", "bob", "acme", "repost"),
            s("16", "cy", "acme_eng", "quote"),
            s("17", "acme", "cy", "mention"),
            s("19", "ada", "acme_eng", "repost"),
            s("21", "acme_eng", "ada", "reply"),
            s("22", "ada", "acme_eng", "reply"),
        ]
    );
    assert_eq!(ix.count_by_kind(), [5, 1, 2, 1]);
    assert_eq!(ix.at_ms[0], at(1).timestamp_millis());
}

#[test]
fn repost_fallback_and_missing_parent() {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme"));
    c.add_account(Account::new("7", "eve"));
    // A repost of a missing post without "RT @x:" falls back to the first mention.
    let mut r = Post::new("1", "7", "old news", t0());
    r.reposted = Some("404".into());
    r.mentions = vec![mention("1", "acme"), mention("8", "zed")];
    c.add_post(r);
    // A reply to a missing post goes to the platform's reply-to account; a quote of a missing post is
    // dropped.
    let mut q = Post::new("2", "7", "@acme agreed", at(1));
    q.reply_to = Some("405".into());
    q.reply_to_account = Some("1".into());
    q.quoted = Some("406".into());
    q.mentions = vec![mention("1", "acme")];
    c.add_post(q);
    let ix = Interactions::build(&c);
    assert_eq!(ix.len(), 2);
    assert_eq!(
        ix.kind,
        vec![InteractionKind::Repost, InteractionKind::Reply]
    );
    assert!(ix.dst.iter().all(|&d| c.account(d).handle() == "acme"));

    // eve's reply has no known parent time: no latency, but it counts as a reply.
    let r = c
        .engagement(&["acme"], &EngagementOptions::default())
        .unwrap();
    let eve = r.row("eve").unwrap();
    assert_eq!(eve.replies_to_org, 1);
    assert_eq!(eve.amplification_to_org, 1);
    assert_eq!(eve.latency_account_ms, None);
    assert_eq!(eve.stage, Stage::Responded);
}

#[test]
fn org_resolution_lists_every_unknown_handle() {
    let c = corpus();
    let org = Org::resolve(&c, &["@ACME", "2", "acme"]).unwrap();
    assert_eq!(org.handles, vec!["acme", "acme_eng"]);
    assert_eq!(org.ids, vec!["1", "2"]);
    let err = Org::resolve(&c, &["acme", "acme_jobs", "@nobody"]).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownOrgAccounts {
            unknown: vec!["acme_jobs".into(), "@nobody".into()]
        }
    );
    assert!(err.to_string().contains("@acme_jobs, @nobody"), "{err}");
    assert_eq!(Org::resolve::<&str>(&c, &[]).unwrap_err(), Error::EmptyOrg);
    let err = c
        .explain_engagement(&ORG, "ghost", &EngagementOptions::default())
        .unwrap_err();
    assert_eq!(err, Error::UnknownAccount("ghost".into()));
}

#[test]
fn ada_every_component_by_hand() {
    let c = corpus();
    let r = c.engagement(&ORG, &EngagementOptions::default()).unwrap();
    // as_of defaults to the newest post: 17 at t0+48h.
    assert_eq!(r.as_of, at(48));
    assert_eq!(r.half_life_days, 30.0);
    let ada = r.row("ada").unwrap();
    // Replies to the org: 11, 13, 22. From the org: 12, 21. Reciprocity 2/3.
    assert_eq!((ada.replies_to_org, ada.replies_from_org), (3, 2));
    close(ada.reciprocity, 2.0 / 3.0);
    // 12 mentions @ada but replies to her: not a mention.
    assert_eq!((ada.mentions_to_org, ada.mentions_from_org), (0, 0));
    // 19 reposts acme_eng (via RT @acme_eng:).
    assert_eq!(
        (ada.amplification_to_org, ada.amplification_from_org),
        (1, 0)
    );
    // Conversations 10 and 20 both have replies both ways; last replies at 4h and 33h, both within
    // 30 days of 48h.
    assert_eq!(
        (ada.two_way_exchanges, ada.recent_two_way_exchanges),
        (2, 2)
    );
    // Latencies: ada 11−10 = 1h, 13−12 = 1h, 22−21 = 2h → median 1h; org 12−11 = 2h, 21−20 = 1h →
    // median 1.5h; pooled [1,1,1,2,2] → 1h.
    assert_eq!(ada.latency_account_ms, Some(H));
    assert_eq!(ada.latency_org_ms, Some(1.5 * H));
    assert_eq!(ada.latency_pooled_ms, Some(H));
    // Words (no @handles): ada "Is it remote?" 3 + "Great, applying now" 3 + "Cool, tell me more" 4
    // = 10; org "Yes fully remote" 3 + "We do!" 2 = 5. ada's share 10/15, balance max share = 2/3.
    assert_eq!((ada.words_account, ada.words_org), (10, 5));
    close(ada.account_word_share.unwrap(), 2.0 / 3.0);
    close(ada.talk_balance.unwrap(), 2.0 / 3.0);
    // Utterances 11(a) 12(o) 13(a) 21(o) 22(a): 4 changes over 4 gaps.
    assert_eq!(ada.utterances, 5);
    close(ada.turn_taking, 1.0);
    // Six interactions, ages 47, 45, 44, 42, 17, 15 hours; half-life 720 hours.
    assert_eq!(ada.interactions, 6);
    let d: f64 = [47.0, 45.0, 44.0, 42.0, 17.0, 15.0]
        .iter()
        .map(|a: &f64| (-a / 720.0).exp2())
        .sum();
    close(ada.decayed_interactions, d);
    assert!((d - 5.801_693_534_5).abs() < 1e-9); // computed independently in Python
    assert_eq!(ada.last_interaction, Some(at(33)));
    // Two recent two-way exchanges and an amplification: engaged.
    assert_eq!(ada.stage, Stage::Engaged);
    // Score: 25·(2/3) + 20·(2/3) + 15·d/(d+3) + 10·(3/5) + 10·(1 − 2·|2/3 − 1/2|) + 5·0 + 5·(1/3)
    // + 5·1 + 5·2^(−1/24), out of 100.
    let expect = 25.0 * 2.0 / 3.0
        + 20.0 * 2.0 / 3.0
        + 15.0 * d / (d + 3.0)
        + 10.0 * 3.0 / 5.0
        + 10.0 * 2.0 / 3.0
        + 5.0 / 3.0
        + 5.0
        + 5.0 * (-1.0f64 / 24.0).exp2();
    close(ada.score, expect);
    assert!((ada.score - 64.078_340_590_6).abs() < 1e-9); // Python, independently
}

#[test]
fn stages_order_and_funnel() {
    let c = corpus();
    let r = c.engagement(&ORG, &EngagementOptions::default()).unwrap();
    let order: Vec<&str> = r.rows.iter().map(|r| r.handle.as_str()).collect();
    // ada ≈ 64; cy: recency 15·d/(d+3) with d = 2^(−22/720) + 1, amplification 5/3, talk balance
    // 10·0.8 (cy "Nice read" 2 words, acme "Thanks for sharing" 3 → share 0.4), turn-taking 5 → ≈ 20.6;
    // bob: recency with d = 2^(−43/720) plus 5/3 → ≈ 5.3. dan never interacted: no row.
    assert_eq!(order, vec!["ada", "cy", "bob"]);
    let cy = r.row("cy").unwrap();
    // Only acme mentioned cy (17); cy's quote is amplification, not a reply or mention: noticed.
    assert_eq!(cy.stage, Stage::Noticed);
    assert_eq!((cy.mentions_from_org, cy.amplification_to_org), (1, 1));
    let dcy = (-22.0f64 / 720.0).exp2() + 1.0;
    close(
        cy.score,
        15.0 * dcy / (dcy + 3.0) + 5.0 / 3.0 + 10.0 * 0.8 + 5.0,
    );
    // bob only reposted: no reply or mention either way, so still unaware by definition.
    let bob = r.row("bob").unwrap();
    assert_eq!(bob.stage, Stage::Unaware);
    let dbob = (-43.0f64 / 720.0).exp2();
    close(bob.score, 15.0 * dbob / (dbob + 3.0) + 5.0 / 3.0);
    assert_eq!(bob.turn_taking, 0.0);
    assert_eq!(bob.talk_balance, None);
    // Four accounts outside the org: ada engaged, cy noticed, bob and dan unaware.
    assert_eq!(r.funnel.engaged, 1);
    assert_eq!(r.funnel.noticed, 1);
    assert_eq!(r.funnel.unaware, 2);
    assert_eq!(r.funnel.responded + r.funnel.conversing, 0);
    assert!(r.advisory);
}

#[test]
fn half_life_window_and_decay_by_hand() {
    let c = corpus();
    // as_of = 4h + 30 days: conversation 10's last reply (13, at 4h) is exactly one half-life old —
    // recent; conversation 20 lies in the future of as_of (weight 1, recent). Still engaged.
    let as_of = at(4) + Duration::days(30);
    let r = c
        .engagement(&ORG, &EngagementOptions::new(30.0, Some(as_of)))
        .unwrap();
    let ada = r.row("ada").unwrap();
    assert_eq!(ada.recent_two_way_exchanges, 2);
    assert_eq!(ada.stage, Stage::Engaged);
    // One millisecond later conversation 10 is out of the window: conversing.
    let r = c
        .engagement(
            &ORG,
            &EngagementOptions::new(30.0, Some(as_of + Duration::milliseconds(1))),
        )
        .unwrap();
    let ada = r.row("ada").unwrap();
    assert_eq!(ada.recent_two_way_exchanges, 1);
    assert_eq!(ada.stage, Stage::Conversing);

    // bob's single repost at 5h, seen 60 days later with a 30-day half-life: 2^-2 = 0.25; with a
    // 60-day half-life: 0.5.
    let r = c
        .engagement(
            &ORG,
            &EngagementOptions::new(30.0, Some(at(5) + Duration::days(60))),
        )
        .unwrap();
    assert_eq!(r.row("bob").unwrap().decayed_interactions, 0.25);
    let r = c
        .engagement(
            &ORG,
            &EngagementOptions::new(60.0, Some(at(5) + Duration::days(60))),
        )
        .unwrap();
    assert_eq!(r.row("bob").unwrap().decayed_interactions, 0.5);

    let bad = c.engagement(&ORG, &EngagementOptions::new(0.0, None));
    assert!(matches!(
        bad,
        Err(Error::InvalidParameter {
            name: "half_life_days",
            ..
        })
    ));
}

#[test]
fn custom_weights_change_only_the_score() {
    let c = corpus();
    // Only reciprocity counts: ada's score is 100 · 2/3.
    let opts = EngagementOptions {
        weights: Weights {
            reciprocity: 1.0,
            ..Weights::zero()
        },
        ..EngagementOptions::default()
    };
    let r = c.engagement(&ORG, &opts).unwrap();
    close(r.row("ada").unwrap().score, 200.0 / 3.0);
    assert_eq!(r.row("bob").unwrap().score, 0.0);
    let bad = EngagementOptions {
        weights: Weights {
            recency: -1.0,
            ..Weights::default()
        },
        ..EngagementOptions::default()
    };
    assert!(c.engagement(&ORG, &bad).is_err());
}

#[test]
fn explanation_lists_evidence_and_adds_up() {
    let c = corpus();
    let e = c
        .explain_engagement(&ORG, "@Ada", &EngagementOptions::default())
        .unwrap();
    let sum: f64 = e.components.iter().map(|k| k.contribution).sum();
    close(sum, e.score);
    assert_eq!(e.components.len(), 9);
    assert_eq!(e.evidence.replies_to_org, vec!["11", "13", "22"]);
    assert_eq!(e.evidence.replies_from_org, vec!["12", "21"]);
    assert_eq!(e.evidence.amplification_to_org, vec!["19"]);
    assert_eq!(
        e.evidence.two_way_exchanges,
        vec!["11", "12", "13", "21", "22"]
    );
    assert_eq!(e.evidence.utterances, vec!["11", "12", "13", "21", "22"]);
    assert_eq!(
        e.evidence.interactions,
        vec!["11", "12", "13", "19", "21", "22"]
    );
    let report = c.engagement(&ORG, &EngagementOptions::default()).unwrap();
    assert_eq!(&e.row, report.row("ada").unwrap());
    assert!(
        e.summary
            .starts_with("@ada 64.1/100 (engaged): 2 two-way exchange(s)"),
        "{}",
        e.summary
    );

    // dan never interacted: every contribution 0, unaware; an org member is not scored.
    let dan = c
        .explain_engagement(&ORG, "dan", &EngagementOptions::default())
        .unwrap();
    assert_eq!(dan.score, 0.0);
    assert_eq!(dan.stage, Stage::Unaware);
    let acme = c
        .explain_engagement(&ORG, "acme", &EngagementOptions::default())
        .unwrap();
    assert!(acme.is_org_member);
    assert_eq!(acme.row.interactions, 0);
}

#[test]
fn broadcast_report_by_hand() {
    let c = corpus();
    let b = c.broadcast_report(&ORG).unwrap();
    // The org's originals and quotes: 10 (acme), 15 (acme_eng), 17 (acme); 12, 21, 23 are replies.
    let ids: Vec<&str> = b.posts.iter().map(|p| p.post_id.as_str()).collect();
    assert_eq!(ids, vec!["10", "15", "17"]);
    let p10 = &b.posts[0];
    // 10: ada replied (11, 1h later), acme answered 11 with 12 (2h after 11); bob reposted (14);
    // acme's own 23 is not someone else's reply.
    assert_eq!(
        (p10.replies, p10.replies_answered, p10.quotes, p10.reposts),
        (1, 1, 0, 1)
    );
    assert!(p10.answered);
    assert_eq!(p10.time_to_first_reply_ms, Some(H));
    assert_eq!(p10.time_to_answer_ms, Some(2.0 * H));
    assert_eq!(p10.class, BroadcastClass::Conversation);
    // 15: quoted by cy only: broadcast. 17: nothing: void.
    assert_eq!(b.posts[1].class, BroadcastClass::Broadcast);
    assert_eq!(b.posts[1].quotes, 1);
    assert_eq!(b.posts[2].class, BroadcastClass::Void);
    assert_eq!(b.posts[2].time_to_first_reply_ms, None);

    let o = &b.overall;
    assert_eq!((o.posts, o.void, o.broadcast, o.conversation), (3, 1, 1, 1));
    close(o.void_rate, 1.0 / 3.0);
    close(o.conversation_rate, 1.0 / 3.0);
    assert_eq!(o.answered_rate, Some(1.0));
    assert_eq!(o.median_first_reply_ms, Some(H));
    assert_eq!(o.p90_answer_ms, Some(2.0 * H));

    // acme: 10 (conversation) and 17 (void); acme_eng: 15 (broadcast).
    assert_eq!(b.by_account[0].key, "acme");
    assert_eq!(b.by_account[0].void_rate, 0.5);
    assert_eq!(b.by_account[1].key, "acme_eng");
    assert_eq!(b.by_account[1].void_rate, 0.0);
    assert_eq!(b.by_account[1].answered_rate, None);
    let tags: Vec<(&str, u32)> = b
        .by_hashtag
        .iter()
        .map(|a| (a.key.as_str(), a.conversation))
        .collect();
    assert_eq!(tags, vec![("hiring", 1), ("rust", 0)]);
    assert_eq!(b.by_month.len(), 1);
    assert_eq!(b.by_month[0].key, "2024-05");
    assert_eq!(b.by_month[0].posts, 3);
}

#[test]
fn results_serialise() {
    let c = corpus();
    let r = c.engagement(&ORG, &EngagementOptions::default()).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["rows"][0]["handle"], "ada");
    assert_eq!(v["rows"][0]["stage"], "engaged");
    assert_eq!(v["org"]["handles"][1], "acme_eng");
    assert_eq!(v["weights"]["two_way_exchanges"], 25.0);
    let b = serde_json::to_value(c.broadcast_report(&ORG).unwrap()).unwrap();
    assert_eq!(b["posts"][2]["class"], "void");
}

#[test]
fn snapshot_of_an_explanation() {
    let c = corpus();
    let e = c
        .explain_engagement(&ORG, "ada", &EngagementOptions::default())
        .unwrap();
    insta::assert_json_snapshot!("explanation_ada", e);
    let e = c
        .explain_engagement(&ORG, "cy", &EngagementOptions::default())
        .unwrap();
    insta::assert_json_snapshot!("explanation_cy", e);
}

#[test]
fn snapshot_of_the_broadcast_report() {
    let c = corpus();
    insta::assert_json_snapshot!("broadcast_report", c.broadcast_report(&ORG).unwrap());
}
