//! Every analysis of the core runs unchanged on a Bluesky corpus: engagement, the broadcast report,
//! skills, candidate ranking, mentors, the learning feed, the inbox and the relationship timeline
//! with exact follow times. The corpus is imported from JSONL pages shaped as the lexicons say.

mod common;

use chrono::{TimeZone, Utc};
use common::{post_view, profile, record, reply_record, uri};
use rapport_bluesky::jsonl::{ImportOptions, import_jsonl_reader};
use rapport_core::engagement::{EngagementOptions, Stage};
use rapport_core::follows::StepKind;
use rapport_core::inbox::InboxOptions;
use rapport_core::learning::LearningOptions;
use rapport_core::mentors::{MentorOptions, Topic};
use rapport_core::ranking::CandidateOptions;
use rapport_core::skills::{EvidenceOptions, JobProfile, Matcher, Taxonomy, evidence};
use rapport_core::{Account, Corpus, Platform, Post};
use serde_json::{Value, json};

const ACME: &str = "did:plc:acme";
const ADA: &str = "did:plc:ada";
const BOB: &str = "did:plc:bob";
const CAROL: &str = "did:plc:carol";

fn line(nsid: &str, body: Value) -> String {
    let mut v = body;
    v["__rapport"] = json!({"nsid": nsid, "url": format!("http://127.0.0.1/xrpc/{nsid}"), "retrieved_at": "2024-05-20T12:00:00Z"});
    v.to_string()
}

fn corpus() -> Corpus {
    let acme = |rkey: &str, text: &str, t: &str| {
        post_view(ACME, "acme.bsky.social", rkey, record(text, t))
    };
    let job1 = uri(ACME, "3kj1");
    let job2 = uri(ACME, "3kj2");
    let carol_post = uri(CAROL, "3kc1");
    let pages = [
        // The organisation's feed: three job posts, one of them reposted by ada.
        line(
            "app.bsky.feed.getAuthorFeed",
            json!({"feed": [
                {"post": acme("3kj1", "We are #hiring a #rust engineer", "2024-05-01T09:00:00Z")},
                {"post": acme("3kj2", "Open role: #rust platform team #hiring", "2024-05-03T09:00:00Z")},
                {"post": acme("3kj3", "Another #hiring post nobody answers", "2024-05-05T09:00:00Z")},
                {"post": acme("3kj1", "We are #hiring a #rust engineer", "2024-05-01T09:00:00Z"),
                 "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": profile(ADA, "ada.bsky.social"),
                            "uri": "at://did:plc:ada/app.bsky.feed.repost/3kr", "indexedAt": "2024-05-01T12:00:00Z"}}
            ]}),
        ),
        // The thread of job 1: ada asks, acme answers, ada thanks.
        line(
            "app.bsky.feed.getPostThread",
            json!({"thread": {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": acme("3kj1", "We are #hiring a #rust engineer", "2024-05-01T09:00:00Z"),
                "replies": [{
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": post_view(ADA, "ada.bsky.social", "3ka1", reply_record("Is it remote? I write #rust every day", "2024-05-01T10:00:00Z", &job1, &job1)),
                    "replies": [{
                        "$type": "app.bsky.feed.defs#threadViewPost",
                        "post": post_view(ACME, "acme.bsky.social", "3kj1a", reply_record("Yes, fully remote!", "2024-05-01T11:00:00Z", &job1, &uri(ADA, "3ka1"))),
                        "replies": [{
                            "$type": "app.bsky.feed.defs#threadViewPost",
                            "post": post_view(ADA, "ada.bsky.social", "3ka2", reply_record("Great, applying now #rust #tokio", "2024-05-01T12:00:00Z", &job1, &uri(ACME, "3kj1a"))),
                            "replies": []
                        }]
                    }]
                }]
            }}),
        ),
        // Bob's unanswered question on job 2.
        line(
            "app.bsky.feed.getPostThread",
            json!({"thread": {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": post_view(BOB, "bob.bsky.social", "3kb1", reply_record("Do you sponsor visas?", "2024-05-03T10:00:00Z", &job2, &job2)),
                "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": acme("3kj2", "Open role: #rust platform team #hiring", "2024-05-03T09:00:00Z")}
            }}),
        ),
        // Carol teaches #rust; ada and bob answer her.
        line(
            "app.bsky.feed.searchPosts",
            json!({"posts": [
                post_view(CAROL, "carol.bsky.social", "3kc1", record("How do you structure #rust error types?", "2024-05-04T09:00:00Z")),
                post_view(ADA, "ada.bsky.social", "3ka3", reply_record("thiserror in libraries #rust", "2024-05-04T10:00:00Z", &carol_post, &carol_post)),
                post_view(BOB, "bob.bsky.social", "3kb2", reply_record("anyhow in binaries #rust", "2024-05-04T11:00:00Z", &carol_post, &carol_post)),
                post_view(CAROL, "carol.bsky.social", "3kc2", reply_record("Both good answers #rust", "2024-05-04T12:00:00Z", &carol_post, &uri(ADA, "3ka3")))
            ]}),
        ),
        // Ada follows acme on 2 April at 08:15; acme follows back on 4 April at 17:00.
        line(
            "com.atproto.repo.listRecords",
            json!({"records": [
                {"uri": "at://did:plc:ada/app.bsky.graph.follow/3kf1", "cid": "c", "value": {"$type": "app.bsky.graph.follow", "subject": ACME, "createdAt": "2024-04-02T08:15:00Z"}}
            ]}),
        ),
        line(
            "com.atproto.repo.listRecords",
            json!({"records": [
                {"uri": "at://did:plc:acme/app.bsky.graph.follow/3kf2", "cid": "c", "value": {"$type": "app.bsky.graph.follow", "subject": ADA, "createdAt": "2024-04-04T17:00:00Z"}}
            ]}),
        ),
    ];
    let text = pages.join("\n");
    let got = import_jsonl_reader(text.as_bytes(), "bsky.jsonl", &ImportOptions::strict()).unwrap();
    assert!(got.added.skipped.is_empty(), "{:?}", got.added.skipped);
    got.corpus
}

const ORG: [&str; 1] = ["acme.bsky.social"];

#[test]
fn engagement_and_the_broadcast_report() {
    let c = corpus();
    assert_eq!(c.num_posts(), 12, "11 posts and one repost");
    assert!(c.accounts().all(|a| a.platform() == Platform::Bluesky));
    let report = c.engagement(&ORG, &EngagementOptions::default()).unwrap();
    let ada = &report.rows[0];
    assert_eq!(ada.handle, "ada.bsky.social");
    assert_eq!(ada.id, ADA);
    assert_eq!(ada.replies_to_org, 2);
    assert_eq!(ada.replies_from_org, 1);
    assert_eq!(ada.amplification_to_org, 1, "the repost");
    assert!(ada.two_way_exchanges >= 1);
    assert!(ada.stage >= Stage::Conversing, "{:?}", ada.stage);
    let bob = report.rows.iter().find(|r| r.id == BOB).unwrap();
    assert_eq!(bob.stage, Stage::Responded);

    let b = c.broadcast_report(&ORG).unwrap();
    assert_eq!(b.overall.posts, 3);
    // Job 3 has no answer at all; jobs 1 and 2 have replies by others.
    assert_eq!(
        (b.overall.void, b.overall.broadcast, b.overall.conversation),
        (1, 0, 2)
    );
}

#[test]
fn skills_ranking_mentors_and_learning() {
    let c = corpus();
    let matcher = Matcher::new(&Taxonomy::builtin());
    let skills = evidence(&c, &matcher, &EvidenceOptions::default());
    assert!(
        skills
            .rows
            .iter()
            .any(|r| r.account_id == ADA && r.label.to_lowercase().contains("rust")),
        "{:?}",
        skills
            .rows
            .iter()
            .map(|r| (&r.handle, &r.label))
            .collect::<Vec<_>>()
    );
    let job = JobProfile::new("Rust engineer").require("rust", 1.0);
    let ranked = c
        .rank_candidates(&job, &ORG, None, &CandidateOptions::default())
        .unwrap();
    assert!(ranked.rows.iter().any(|r| r.id == ADA));
    assert!(
        ranked.rows.iter().all(|r| r.id != ACME),
        "the organisation is not a candidate"
    );

    let mentors = c
        .mentors(
            &Topic::Hashtags(vec!["rust".into()]),
            &MentorOptions::default(),
        )
        .unwrap();
    let ranked: Vec<&str> = mentors.rows.iter().map(|r| r.id.as_str()).collect();
    // Carol is asked and answered within the topic; ada posts the most in it.
    assert!(ranked.iter().take(3).any(|id| *id == CAROL), "{ranked:?}");
    assert!(ranked.contains(&ADA), "{ranked:?}");

    let feed = c
        .learning_feed(
            &[Topic::Hashtags(vec!["rust".into()])],
            &LearningOptions::default(),
        )
        .unwrap();
    assert_eq!(feed.goals.len(), 1);
    assert!(!feed.goals[0].mentors.is_empty());
}

#[test]
fn the_inbox_and_the_relationship_timeline_with_exact_follow_times() {
    let c = corpus();
    let inbox = c.inbox(&ORG, &InboxOptions::default()).unwrap();
    let waiting: Vec<&str> = inbox.items.iter().map(|i| i.post_id.as_str()).collect();
    assert!(waiting.contains(&uri(BOB, "3kb1").as_str()), "{waiting:?}");
    assert!(!waiting.contains(&uri(ADA, "3ka1").as_str()), "answered");

    let rel = c
        .relationship(&ORG, "ada.bsky.social", &EngagementOptions::default())
        .unwrap();
    let step = |k: StepKind| {
        rel.steps
            .iter()
            .find(|s| s.step == k)
            .unwrap_or_else(|| panic!("{k:?}: {:#?}", rel.steps))
    };
    assert_eq!(
        step(StepKind::AccountFollowed).at,
        Some(Utc.with_ymd_and_hms(2024, 4, 2, 8, 15, 0).unwrap())
    );
    let back = step(StepKind::FollowedBack);
    assert_eq!(
        back.at,
        Some(Utc.with_ymd_and_hms(2024, 4, 4, 17, 0, 0).unwrap())
    );
    assert!(
        back.evidence[0].contains("dated follow record"),
        "{:?}",
        back.evidence
    );
    assert_eq!(rel.follows.mutual(), Some(true));
    // Follows come before the first exchange on the timeline.
    assert_eq!(rel.steps[0].step, StepKind::AccountFollowed);
}

#[test]
fn identities_never_collide_with_x_when_merged_explicitly() {
    let mut x = Corpus::new();
    x.add_account(Account::new("12", "ada"));
    x.add_post(Post::new(
        "100",
        "12",
        "hello from X",
        Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap(),
    ));
    let mut both = corpus();
    let before = both.num_accounts();
    both.merge(&x);
    assert_eq!(both.num_accounts(), before + 1);
    assert_eq!(
        both.account_by_handle("ada").unwrap().platform(),
        Platform::X
    );
    assert_eq!(
        both.account_by_handle("ada.bsky.social")
            .unwrap()
            .platform(),
        Platform::Bluesky
    );
    assert_eq!(both.num_posts(), 13);
}

#[test]
fn the_sample_in_bluesky_mode_imports_and_runs() {
    let config = rapport_sample::SampleConfig {
        posts: 3_000,
        ..rapport_sample::SampleConfig::default()
    };
    let jsonl = rapport_sample::bluesky::sample_bluesky_jsonl_string(&config).unwrap();
    let got = import_jsonl_reader(jsonl.as_bytes(), "sample", &ImportOptions::strict()).unwrap();
    assert!(
        got.added.skipped.is_empty(),
        "{:?}",
        &got.added.skipped[..got.added.skipped.len().min(5)]
    );
    let c = got.corpus;
    let x = rapport_twitter::import::import_jsonl_reader(
        rapport_sample::sample_jsonl_string(&config)
            .unwrap()
            .as_bytes(),
        "x",
        &rapport_twitter::import::ImportOptions::default(),
    )
    .unwrap()
    .corpus;
    // Every post of the X sample whose author is known comes across.
    let known = x
        .posts()
        .filter(|p| !p.author().handle().is_empty())
        .count();
    assert_eq!(c.num_posts(), known);
    assert_eq!(c.num_conversations(), x.num_conversations());
    let org = [
        "acme-careers.bsky.social",
        "acme-eng.bsky.social",
        "acme-people.bsky.social",
    ];
    let report = c.engagement(&org, &EngagementOptions::default()).unwrap();
    assert!(report.rows.iter().any(|r| r.stage >= Stage::Conversing));
    let events = c.follow_events(&org).unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == rapport_core::follows::FollowEventKind::FollowedBack)
    );
    assert!(
        events.iter().all(|e| e.observed_after == e.observed_before),
        "exact times"
    );
}
