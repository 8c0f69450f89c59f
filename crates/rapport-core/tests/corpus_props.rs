//! Invariants of the corpus and of thread reconstruction, over random collections.

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use rapport_core::{Account, Corpus, Mention, Post};

/// A random collection: posts with ids 0..n, replies to earlier (or missing) posts, random authors,
/// hashtags and mentions; some posts given their conversation id, some not (as in archives).
fn posts_strategy() -> impl Strategy<Value = Vec<Post>> {
    prop::collection::vec(
        (
            0u32..8,                              // author
            prop::option::of(0u32..60),           // reply-to (may point at a missing post)
            0i64..10_000,                         // minutes
            prop::collection::vec(0u8..5, 0..3),  // hashtags
            prop::collection::vec(0u32..8, 0..3), // mentions
            any::<bool>(),                        // carries a conversation id
        ),
        0..40,
    )
    .prop_map(|rows| {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut posts: Vec<Post> = Vec::new();
        for (i, (author, parent, min, tags, mentions, with_conv)) in rows.into_iter().enumerate() {
            let mut p = Post::new(
                i.to_string(),
                format!("u{author}"),
                format!("post {i}"),
                t0 + Duration::minutes(min),
            );
            p.hashtags = tags.iter().map(|t| format!("Tag{t}")).collect();
            p.mentions = mentions
                .iter()
                .map(|m| Mention {
                    id: Some(format!("u{m}")),
                    handle: format!("user{m}"),
                })
                .collect();
            if let Some(parent) = parent {
                let parent = parent as usize;
                if parent != i {
                    p.reply_to = Some(parent.to_string());
                    if with_conv {
                        // The platform's conversation id is the root of the parent's chain when known.
                        let root = posts.get(parent).map_or_else(
                            || parent.to_string(),
                            |pp| pp.conversation_id.clone().unwrap_or_else(|| pp.id.clone()),
                        );
                        p.conversation_id = Some(root);
                    }
                }
            } else if with_conv {
                p.conversation_id = Some(p.id.clone());
            }
            posts.push(p);
        }
        posts
    })
}

fn accounts() -> Vec<Account> {
    (0..8)
        .map(|i| Account::new(format!("u{i}"), format!("user{i}")))
        .collect()
}

/// The corpus as a canonical, order-free value.
fn canonical(c: &Corpus) -> (Vec<Post>, Vec<Account>) {
    let mut posts: Vec<Post> = c.posts().map(|p| p.to_post()).collect();
    posts.sort_by(|a, b| a.id.cmp(&b.id));
    for p in &mut posts {
        p.hashtags.sort();
        p.mentions.sort_by(|a, b| a.handle.cmp(&b.handle));
    }
    let mut accounts: Vec<Account> = c.accounts().map(|a| a.to_account()).collect();
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    (posts, accounts)
}

proptest! {
    #[test]
    fn adding_the_same_posts_again_changes_nothing(posts in posts_strategy()) {
        let once = Corpus::from_parts(accounts(), posts.clone());
        let mut twice = once.clone();
        for p in posts.clone() {
            twice.add_post(p);
        }
        prop_assert_eq!(canonical(&once), canonical(&twice));
        prop_assert_eq!(once.num_posts(), posts.len());
    }

    #[test]
    fn merging_in_any_order_gives_the_same_corpus(posts in posts_strategy(), cut in 0usize..40, cut2 in 0usize..40) {
        let a = cut.min(posts.len());
        let b = cut2.min(posts.len());
        let (lo, hi) = (a.min(b), a.max(b));
        // Three overlapping parts, as pages of a real collection overlap.
        let part1 = Corpus::from_parts(accounts(), posts[..hi].to_vec());
        let part2 = Corpus::from_parts(vec![], posts[lo..].to_vec());
        let part3 = Corpus::from_parts(accounts(), posts[lo..hi].to_vec());
        let mut x = Corpus::new();
        x.merge(&part1);
        x.merge(&part2);
        x.merge(&part3);
        let mut y = Corpus::new();
        y.merge(&part3);
        y.merge(&part2);
        y.merge(&part1);
        prop_assert_eq!(canonical(&x), canonical(&y));
        prop_assert_eq!(x.num_posts(), posts.len());
    }

    #[test]
    fn thread_reconstruction_never_loses_a_post(posts in posts_strategy()) {
        let c = Corpus::from_parts(accounts(), posts.clone());
        let mut seen = BTreeSet::new();
        let mut total = 0;
        for conv in c.conversations() {
            // Every node but the root has a parent in the tree, and depths follow the edges.
            for (i, n) in conv.nodes.iter().enumerate() {
                if i == 0 {
                    prop_assert!(n.parent.is_none());
                } else {
                    let p = n.parent.expect("non-root node has a parent");
                    prop_assert_eq!(conv.nodes[p].depth + 1, n.depth);
                    prop_assert!(conv.nodes[p].children.contains(&i));
                }
            }
            for p in conv.posts() {
                total += 1;
                prop_assert!(seen.insert(p), "post in two trees");
            }
            prop_assert_eq!(conv.posts().count(), conv.num_posts);
        }
        prop_assert_eq!(total, posts.len());
        prop_assert_eq!(seen.len(), c.num_posts());
    }

    #[test]
    fn serde_round_trip_keeps_the_corpus(posts in posts_strategy()) {
        let c = Corpus::from_parts(accounts(), posts);
        let json = serde_json::to_string(&c).unwrap();
        let back: Corpus = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(canonical(&c), canonical(&back));
        prop_assert_eq!(c.num_conversations(), back.num_conversations());
    }
}
