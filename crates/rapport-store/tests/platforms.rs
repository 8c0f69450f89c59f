//! A store holding X and Bluesky data loads one platform at a time unless the platforms are merged
//! explicitly: posts, the accounts they name and follow snapshots each go with their platform.

use chrono::{DateTime, TimeZone, Utc};
use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rapport_core::{Account, Corpus, Mention, Platform, Post};
use rapport_store::{PlatformFilter, Store, StoreError};

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

fn x_corpus() -> Corpus {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme_careers"));
    c.add_account(Account::new("2", "ada_codes"));
    c.add_post(Post::new("10", "1", "We are #hiring", t(2, 9)));
    let mut reply = Post::new("11", "2", "@acme_careers count me in", t(2, 10));
    reply.reply_to = Some("10".into());
    reply.mentions = vec![Mention {
        id: Some("1".into()),
        handle: "acme_careers".into(),
    }];
    c.add_post(reply);
    c.try_add_follow_snapshot(FollowSnapshot::new(
        "1",
        FollowDirection::Followers,
        t(3, 0),
        vec!["2".into()],
    ))
    .unwrap();
    c
}

const ACME: &str = "did:plc:acme";
const ADA: &str = "did:plc:ada";
const POST: &str = "at://did:plc:acme/app.bsky.feed.post/3kaaaaaaaaa22";
const REPLY: &str = "at://did:plc:ada/app.bsky.feed.post/3kaaaaaaaab22";

fn bsky_corpus() -> Corpus {
    let mut c = Corpus::new();
    for (id, handle) in [(ACME, "acme.bsky.social"), (ADA, "ada.bsky.social")] {
        let mut a = Account::new(id, handle);
        a.platform = Platform::Bluesky;
        c.add_account(a);
    }
    c.add_post(Post::new(POST, ACME, "We are #hiring on Bluesky", t(4, 9)));
    let mut reply = Post::new(REPLY, ADA, "me too, and @bob.bsky.social", t(4, 10));
    reply.reply_to = Some(POST.into());
    // bob was only ever mentioned: the corpus makes him a stub account (stored as X before).
    reply.mentions = vec![Mention {
        id: Some("did:plc:bob".into()),
        handle: "bob.bsky.social".into(),
    }];
    c.add_post(reply);
    c.try_add_follow_snapshot(FollowSnapshot::new(
        ACME,
        FollowDirection::Followers,
        t(5, 0),
        vec![ADA.into()],
    ))
    .unwrap();
    c
}

fn post_ids(c: &Corpus) -> Vec<String> {
    let mut v: Vec<String> = c.posts().map(|p| p.id().to_owned()).collect();
    v.sort();
    v
}

fn account_ids(c: &Corpus) -> Vec<(String, Platform)> {
    let mut v: Vec<(String, Platform)> = c
        .accounts()
        .map(|a| (a.id().to_owned(), a.platform()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn owners(c: &Corpus) -> Vec<String> {
    c.follow_snapshots()
        .iter()
        .map(|s| s.owner.clone())
        .collect()
}

fn mixed() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.save_corpus(&x_corpus()).unwrap();
    s.save_corpus(&bsky_corpus()).unwrap();
    s
}

#[test]
fn each_platform_alone_gives_exactly_its_own_data() {
    let s = mixed();
    assert_eq!(s.platforms().unwrap(), vec![Platform::X, Platform::Bluesky]);

    let x = s
        .load_corpus_for(PlatformFilter::Only(Platform::X))
        .unwrap();
    assert_eq!(post_ids(&x), vec!["10", "11"]);
    assert_eq!(
        account_ids(&x),
        vec![("1".into(), Platform::X), ("2".into(), Platform::X)]
    );
    assert_eq!(owners(&x), vec!["1"]);

    let b = s
        .load_corpus_for(PlatformFilter::Only(Platform::Bluesky))
        .unwrap();
    assert_eq!(post_ids(&b), vec![POST, REPLY]);
    assert_eq!(
        account_ids(&b),
        vec![
            (ACME.into(), Platform::Bluesky),
            (ADA.into(), Platform::Bluesky),
            ("did:plc:bob".into(), Platform::Bluesky),
        ]
    );
    assert_eq!(owners(&b), vec![ACME]);
    // The reply keeps its parent and its mention inside the platform.
    let r = b.post_by_id(REPLY).unwrap();
    assert_eq!(r.reply_to_id(), Some(POST));
}

#[test]
fn a_mixed_store_without_a_choice_is_an_error_naming_the_platforms() {
    let s = mixed();
    let e = s.load_corpus().unwrap_err();
    assert!(
        matches!(&e, StoreError::MixedPlatforms { platforms } if platforms == &["x", "bluesky"]),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("x and bluesky"), "{msg}");
    assert!(msg.contains("all to merge"), "{msg}");
    assert!(s.resolve_platform(None).is_err());
    assert_eq!(
        s.resolve_platform(Some(PlatformFilter::All)).unwrap(),
        PlatformFilter::All
    );
}

#[test]
fn all_merges_both_platforms() {
    let s = mixed();
    let all = s.load_corpus_for(PlatformFilter::All).unwrap();
    assert_eq!(post_ids(&all), vec!["10", "11", POST, REPLY]);
    assert_eq!(all.num_accounts(), 5);
    assert_eq!(owners(&all), vec!["1", ACME]);
    assert_eq!(
        all.account_by_id("did:plc:bob").unwrap().platform(),
        Platform::Bluesky
    );
    assert_eq!(all.account_by_id("2").unwrap().platform(), Platform::X);
}

#[test]
fn a_single_platform_store_loads_whole_without_a_choice() {
    for (corpus, posts) in [(x_corpus(), 2), (bsky_corpus(), 2)] {
        let mut s = Store::open_in_memory().unwrap();
        s.save_corpus(&corpus).unwrap();
        assert_eq!(s.platforms().unwrap().len(), 1);
        let c = s.load_corpus().unwrap();
        assert_eq!(c.num_posts(), posts);
        assert_eq!(c.follow_snapshots().len(), 1);
    }
    let empty = Store::open_in_memory().unwrap();
    assert_eq!(empty.load_corpus().unwrap().num_posts(), 0);
    assert!(empty.platforms().unwrap().is_empty());
}

#[test]
fn the_other_platform_of_a_single_platform_store_is_empty() {
    let mut s = Store::open_in_memory().unwrap();
    s.save_corpus(&x_corpus()).unwrap();
    let b = s
        .load_corpus_for(PlatformFilter::Only(Platform::Bluesky))
        .unwrap();
    assert_eq!((b.num_posts(), b.num_accounts()), (0, 0));
    assert!(b.follow_snapshots().is_empty());
}

#[test]
fn a_bluesky_stub_saved_as_x_is_a_bluesky_account() {
    // A DID seen only as a follow subject, added by code that left the platform at its default.
    let mut c = Corpus::new();
    c.add_account(Account::new("did:plc:carol", "carol.bsky.social"));
    let mut s = mixed();
    s.save_corpus(&c).unwrap();
    let x = s
        .load_corpus_for(PlatformFilter::Only(Platform::X))
        .unwrap();
    assert!(x.account_by_id("did:plc:carol").is_none());
    let b = s
        .load_corpus_for(PlatformFilter::Only(Platform::Bluesky))
        .unwrap();
    assert_eq!(
        b.account_by_id("did:plc:carol").unwrap().platform(),
        Platform::Bluesky
    );
}

#[test]
fn platform_filter_parses_the_flag_values() {
    assert_eq!(
        PlatformFilter::parse("X").unwrap(),
        PlatformFilter::Only(Platform::X)
    );
    assert_eq!(PlatformFilter::parse("all").unwrap().as_str(), "all");
    let e = PlatformFilter::parse("mastodon").unwrap_err().to_string();
    assert!(
        e.contains("mastodon") && e.contains("x, bluesky or all"),
        "{e}"
    );
}
