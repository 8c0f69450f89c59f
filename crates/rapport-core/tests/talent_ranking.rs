//! Candidate ranking on a hand-built corpus with a small taxonomy of hashtag-only skills.
//!
//! Every evidence post carries the skill's hashtag, so its confidence is `CONF_HASHTAG` = 0.95 and its
//! recency weight is 2^(−age / 180 days) (`docs/skills.md`); `as_of` is the newest post, T.
//!
//! Job: Rust required (weight 2), Kubernetes required (1), Terraform nice to have (1); Σw = 4; k = 1.
//!
//! | person | evidence | strengths | fit = Σ w·s/(s+1) / 4 |
//! |---|---|---|---|
//! | ada | 2 × #rust at T, #k8s at T − 180 d | rust 1.9, k8s 0.475 | (2·1.9/2.9 + 0.475/1.475) / 4 ≈ 0.4081 |
//! | bob | one post #rust #k8s #terraform at T | 0.95 each | 4 · (0.95/1.95) / 4 ≈ 0.4872 |
//! | cy | #terraform at T − 30 d | 0.95 · 2^(−30/180) | (s/(s+1)) / 4 ≈ 0.1146 |
//! | dan | #sql only | — | not a candidate |
//! | acme | #rust (the organisation) | — | excluded |
//!
//! bob replied to acme's post and acme replied back: bob is `conversing`; nobody else talked to acme.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rapport_core::engagement::Stage;
use rapport_core::ranking::{CandidateOptions, CombineWeights};
use rapport_core::skills::{CONF_HASHTAG, JobProfile, Matcher, SkillTag, Taxonomy};
use rapport_core::{Account, Corpus, Error, Mention, Post};

fn t_end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn taxonomy() -> Taxonomy {
    Taxonomy::from_tags(
        "test",
        [
            SkillTag::new("t:rust", "Rustlang").hashtags(["rust"]),
            SkillTag::new("t:k8s", "Kubes").hashtags(["k8s"]),
            SkillTag::new("t:tf", "Terraform").hashtags(["terraform"]),
            SkillTag::new("t:sql", "Sequel").hashtags(["sql"]),
        ],
    )
}

fn job() -> JobProfile {
    JobProfile::new("Platform engineer")
        .require("t:rust", 2.0)
        .require("t:k8s", 1.0)
        .nice_to_have("t:tf", 1.0)
}

fn corpus() -> Corpus {
    let t = t_end();
    let mut c = Corpus::new();
    for (id, h) in [
        ("1", "acme"),
        ("2", "ada"),
        ("3", "bob"),
        ("4", "cy"),
        ("5", "dan"),
    ] {
        c.add_account(Account::new(id, h));
    }
    let post =
        |id: &str, author: &str, text: &str, at: DateTime<Utc>| Post::new(id, author, text, at);
    c.add_post(post("o1", "1", "we love #rust", t - Duration::days(2)));
    c.add_post(post("a1", "2", "#rust all day", t));
    c.add_post(post("a2", "2", "more #rust", t));
    c.add_post(post(
        "a3",
        "2",
        "cluster work #k8s",
        t - Duration::days(180),
    ));
    c.add_post(post("b1", "3", "#rust on #k8s with #terraform", t));
    let mut b2 = post("b2", "3", "count me in", t - Duration::days(1));
    b2.reply_to = Some("o1".into());
    c.add_post(b2);
    let mut o2 = post("o2", "1", "great, let's talk", t - Duration::hours(20));
    o2.reply_to = Some("b2".into());
    c.add_post(o2);
    c.add_post(post(
        "c1",
        "4",
        "#terraform modules",
        t - Duration::days(30),
    ));
    c.add_post(post("d1", "5", "#sql tuning", t - Duration::days(3)));
    c
}

fn level(s: f64) -> f64 {
    s / (s + 1.0)
}

fn rank(c: &Corpus, opts: &CandidateOptions) -> rapport_core::ranking::CandidateReport {
    c.rank_candidates(&job(), &["acme"], Some(&taxonomy()), opts)
        .unwrap()
}

#[test]
fn fit_coverage_and_order_are_the_hand_worked_ones() {
    let c = corpus();
    let r = rank(&c, &CandidateOptions::default());
    assert_eq!(r.purpose, "candidate_assessment");
    assert!(r.advisory);
    assert_eq!(r.considered, 3); // ada, bob, cy; not dan (no job skill), not acme (organisation)
    let handles: Vec<&str> = r.rows.iter().map(|x| x.handle.as_str()).collect();
    assert_eq!(handles, ["bob", "ada", "cy"]);

    let h = CONF_HASHTAG;
    let ada_fit = (2.0 * level(2.0 * h) + level(h * 0.5)) / 4.0;
    let bob_fit = 4.0 * level(h) / 4.0;
    let cy_fit = level(h * (-30.0f64 / 180.0).exp2()) / 4.0;
    let [bob, ada, cy] = [&r.rows[0], &r.rows[1], &r.rows[2]];
    assert!((ada.fit - ada_fit).abs() < 1e-9, "{} vs {ada_fit}", ada.fit);
    assert!((bob.fit - bob_fit).abs() < 1e-9);
    assert!((cy.fit - cy_fit).abs() < 1e-9);
    assert!((ada.skills[0].strength - 2.0 * h).abs() < 1e-9);
    assert!((ada.skills[1].strength - 0.5 * h).abs() < 1e-9);

    assert_eq!(
        (ada.required_coverage, ada.nice_to_have_coverage),
        (1.0, 0.0)
    );
    assert_eq!(
        (bob.required_coverage, bob.nice_to_have_coverage),
        (1.0, 1.0)
    );
    assert_eq!((cy.required_coverage, cy.nice_to_have_coverage), (0.0, 1.0));
    assert_eq!(cy.missing_required, ["Rustlang", "Kubes"]);
    let sum: f64 = ada.skills.iter().map(|s| s.contribution).sum();
    assert!((sum - ada.fit).abs() < 1e-12);

    let mut ev = ada.skills[0].evidence_post_ids.clone();
    ev.sort();
    assert_eq!(ev, ["a1", "a2"]);
    assert_eq!(bob.skills[2].evidence_post_ids, ["b1"]);

    assert_eq!(bob.stage, Stage::Conversing);
    assert!(bob.engagement > 0.0);
    assert_eq!((ada.stage, ada.engagement), (Stage::Unaware, 0.0));
    assert!(bob.combined.is_none());
    assert_eq!(bob.last_active, Some(t_end()));
}

#[test]
fn each_row_says_why_it_ranks_above_the_next() {
    let c = corpus();
    let r = rank(&c, &CandidateOptions::default());
    // bob vs ada, per skill contribution (w · level / 4):
    //   Terraform 0.95/1.95/4 − 0 = +0.122; Rustlang 2·(0.487 − 0.655)/4 = −0.084; Kubes +0.041.
    let why = r.rows[0].why_above_next.as_deref().unwrap();
    assert!(
        why.starts_with("fit 0.487 vs 0.408; Terraform +0.122"),
        "{why}"
    );
    assert!(
        why.contains("Rustlang -0.084") && why.contains("Kubes +0.041"),
        "{why}"
    );
    assert!(r.rows[2].why_above_next.is_none());
    // With a limit the last kept row is still compared with the first one left out.
    let one = rank(&c, &CandidateOptions::with_limit(1));
    assert_eq!(one.rows.len(), 1);
    assert_eq!(one.rows[0].why_above_next.as_deref(), Some(why));
}

#[test]
fn filters() {
    let c = corpus();
    let r = rank(
        &c,
        &CandidateOptions {
            min_fit: 0.2,
            ..CandidateOptions::default()
        },
    );
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.filtered.min_fit, 1);
    let r = rank(
        &c,
        &CandidateOptions {
            stages: Some(vec![Stage::Conversing]),
            ..CandidateOptions::default()
        },
    );
    assert_eq!(
        r.rows.iter().map(|x| x.handle.as_str()).collect::<Vec<_>>(),
        ["bob"]
    );
    assert_eq!(r.filtered.stage, 2);
    let r = rank(
        &c,
        &CandidateOptions {
            active_since: Some(t_end() - Duration::days(10)),
            ..CandidateOptions::default()
        },
    );
    assert_eq!(r.filtered.inactive, 1); // cy last posted 30 days before T
    assert!(r.rows.iter().all(|x| x.handle != "cy"));
}

#[test]
fn combined_rank_only_with_explicit_weights() {
    let c = corpus();
    let opts = CandidateOptions {
        combine: Some(CombineWeights {
            fit: 1.0,
            engagement: 3.0,
        }),
        ..CandidateOptions::default()
    };
    let r = rank(&c, &opts);
    for row in &r.rows {
        let want = (row.fit + 3.0 * row.engagement / 100.0) / 4.0;
        assert!((row.combined.unwrap() - want).abs() < 1e-12);
    }
    assert_eq!(r.rows[0].handle, "bob");
    assert!(
        r.rows[0]
            .why_above_next
            .as_deref()
            .unwrap()
            .starts_with("combined ")
    );
    let bad = CandidateOptions {
        combine: Some(CombineWeights {
            fit: 0.0,
            engagement: 0.0,
        }),
        ..CandidateOptions::default()
    };
    assert!(
        c.rank_candidates(&job(), &["acme"], Some(&taxonomy()), &bad)
            .is_err()
    );
}

#[test]
fn influence_never_changes_a_candidate_row() {
    // Seven more accounts mention cy (reach, PageRank): cy's fit and evidence do not move.
    let c = corpus();
    let before = rank(&c, &CandidateOptions::default());
    let mut c2 = corpus();
    for i in 0..7 {
        let mut p = Post::new(
            format!("m{i}"),
            format!("fan{i}"),
            "@cy is the best",
            t_end() - Duration::days(5),
        );
        p.mentions = vec![Mention {
            id: Some("4".into()),
            handle: "cy".into(),
        }];
        c2.add_post(p);
    }
    let after = rank(&c2, &CandidateOptions::default());
    let cy = |r: &rapport_core::ranking::CandidateReport| {
        r.rows.iter().find(|x| x.handle == "cy").unwrap().clone()
    };
    assert_eq!(cy(&before).fit, cy(&after).fit);
    assert_eq!(cy(&before).skills, cy(&after).skills);
}

#[test]
fn unmapped_skills_are_listed_and_an_unusable_job_is_an_error() {
    let c = corpus();
    let j = job().nice_to_have("t:nope", 1.0);
    let r = c
        .rank_candidates(
            &j,
            &["acme"],
            Some(&taxonomy()),
            &CandidateOptions::default(),
        )
        .unwrap();
    assert_eq!(r.job.unmapped.len(), 1);
    assert_eq!(r.job.unmapped[0].skill_id, "t:nope");
    let err = c
        .rank_candidates(
            &JobProfile::new("x").require("cobol", 1.0),
            &["acme"],
            Some(&taxonomy()),
            &CandidateOptions::default(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("cobol"), "{err}");
    let err = c
        .rank_candidates(
            &job(),
            &["nobody"],
            Some(&taxonomy()),
            &CandidateOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::UnknownOrgAccounts { .. }));
}

#[test]
fn ranking_from_precomputed_evidence_is_the_same() {
    use rapport_core::engagement::{Interactions, Org};
    use rapport_core::ranking::rank_with_evidence;
    use rapport_core::skills::{EvidenceOptions, evidence};
    let c = corpus();
    let m = Matcher::new(&taxonomy());
    let ev = evidence(&c, &m, &EvidenceOptions::default());
    let org = Org::resolve(&c, &["acme"]).unwrap();
    let a = rank_with_evidence(
        &c,
        &Interactions::build(&c),
        &org,
        job().map_onto(&m),
        &ev,
        &CandidateOptions::default(),
    )
    .unwrap();
    let b = rank(&c, &CandidateOptions::default());
    assert_eq!(a.rows, b.rows);
}

proptest::proptest! {
    #[test]
    fn rows_stay_within_bounds_and_explain_their_fit(
        posts in proptest::collection::vec((1u8..6, 0u8..4, 0u8..4, 0i64..400), 1..40),
        combine in proptest::option::of((0.0f64..5.0, 0.1f64..5.0)),
    ) {
        let tags = ["rust", "k8s", "terraform", "sql"];
        let mut c = Corpus::new();
        c.add_account(Account::new("1", "acme"));
        for (k, (author, t1, t2, age)) in posts.iter().enumerate() {
            let text = format!("#{} #{}", tags[*t1 as usize], tags[*t2 as usize]);
            c.add_post(Post::new(format!("p{k}"), author.to_string(), text, t_end() - Duration::days(*age)));
        }
        let opts = CandidateOptions {
            combine: combine.map(|(fit, engagement)| CombineWeights { fit, engagement }),
            limit: None,
            ..CandidateOptions::default()
        };
        let r = c.rank_candidates(&job(), &["acme"], Some(&taxonomy()), &opts).unwrap();
        for (i, row) in r.rows.iter().enumerate() {
            proptest::prop_assert!((0.0..1.0).contains(&row.fit));
            proptest::prop_assert!((0.0..=1.0).contains(&row.required_coverage));
            proptest::prop_assert!((0.0..=1.0).contains(&row.nice_to_have_coverage));
            let sum: f64 = row.skills.iter().map(|s| s.contribution).sum();
            proptest::prop_assert!((sum - row.fit).abs() < 1e-12);
            proptest::prop_assert!(row.handle != "acme");
            proptest::prop_assert_eq!(row.why_above_next.is_some(), i + 1 < r.rows.len());
            if let Some(next) = r.rows.get(i + 1) {
                proptest::prop_assert!(row.combined.unwrap_or(row.fit) >= next.combined.unwrap_or(next.fit));
            }
        }
    }
}
