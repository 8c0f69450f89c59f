//! Repository exports (`com.atproto.sync.getRepo`): small CAR files built here, block by block
//! (DAG-CBOR records, one MST node with prefix-compressed keys, a signed-commit-shaped block), read
//! back into posts, reposts, likes, dated follows and the profile.

use chrono::{TimeZone, Utc};
use ipld_core::cid::Cid;
use ipld_core::cid::multihash::Multihash;
use ipld_core::ipld::Ipld;
use rapport_bluesky::repo::{read_car, read_car_file};
use rapport_core::{Platform, PostKind};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const DID: &str = "did:plc:acme";

fn cid_of(bytes: &[u8]) -> Cid {
    let digest = Sha256::digest(bytes);
    Cid::new_v1(0x71, Multihash::wrap(0x12, &digest).unwrap())
}

fn block<T: serde::Serialize>(v: &T) -> (Cid, Vec<u8>) {
    let bytes = serde_ipld_dagcbor::to_vec(v).unwrap();
    (cid_of(&bytes), bytes)
}

fn map(pairs: Vec<(&str, Ipld)>) -> Ipld {
    Ipld::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn s(x: &str) -> Ipld {
    Ipld::String(x.to_owned())
}

/// A CAR of the given records (path → record), one MST node, and a commit with revision `rev`.
fn car(records: Vec<(&str, Ipld)>, rev: &str) -> Vec<u8> {
    let mut blocks = Vec::new();
    let mut entries = Vec::new();
    let mut prev: Vec<u8> = Vec::new();
    let mut sorted = records;
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (path, rec) in sorted {
        let (cid, bytes) = block(&rec);
        blocks.push((cid, bytes));
        let key = path.as_bytes();
        let p = prev.iter().zip(key).take_while(|(a, b)| a == b).count();
        entries.push(map(vec![
            ("p", Ipld::Integer(p as i128)),
            ("k", Ipld::Bytes(key[p..].to_vec())),
            ("v", Ipld::Link(cid)),
            ("t", Ipld::Null),
        ]));
        prev = key.to_vec();
    }
    let (mst_cid, mst) = block(&map(vec![("l", Ipld::Null), ("e", Ipld::List(entries))]));
    let (commit_cid, commit) = block(&map(vec![
        ("did", s(DID)),
        ("version", Ipld::Integer(3)),
        ("data", Ipld::Link(mst_cid)),
        ("rev", s(rev)),
        ("prev", Ipld::Null),
        ("sig", Ipld::Bytes(vec![1, 2, 3])),
    ]));
    let header = iroh_car::CarHeader::new_v1(vec![commit_cid]);
    futures::executor::block_on(async {
        let mut w = iroh_car::CarWriter::new(header, Vec::new());
        // The commit last and the records first: the reader does not depend on block order.
        for (c, b) in blocks {
            w.write(c, b).await.unwrap();
        }
        w.write(mst_cid, mst).await.unwrap();
        w.write(commit_cid, commit).await.unwrap();
        w.finish().await.unwrap()
    })
}

fn strong(uri: &str) -> Ipld {
    map(vec![("uri", s(uri)), ("cid", s("bafyreib2rxk3rh6kzwq"))])
}

#[test]
fn a_repository_export_reads_into_posts_reposts_likes_follows_and_profile() {
    let ada_post = "at://did:plc:ada/app.bsky.feed.post/3kada";
    // "Hiring 🦀 #rust" : the tag starts at byte 12 (🦀 is 4 bytes).
    let text = "Hiring 🦀 #rust";
    assert_eq!(text.find("#rust"), Some(12));
    let image_blob = cid_of(b"an image");
    let records = vec![
        (
            "app.bsky.actor.profile/self",
            map(vec![
                ("$type", s("app.bsky.actor.profile")),
                ("displayName", s("Acme Careers")),
                ("description", s("We hire Rust engineers")),
            ]),
        ),
        (
            "app.bsky.feed.post/3kp1",
            map(vec![
                ("$type", s("app.bsky.feed.post")),
                ("text", s(text)),
                ("createdAt", s("2024-05-01T09:00:00.000Z")),
                ("langs", Ipld::List(vec![s("en")])),
                (
                    "facets",
                    Ipld::List(vec![map(vec![
                        (
                            "index",
                            map(vec![
                                ("byteStart", Ipld::Integer(12)),
                                ("byteEnd", Ipld::Integer(17)),
                            ]),
                        ),
                        (
                            "features",
                            Ipld::List(vec![map(vec![
                                ("$type", s("app.bsky.richtext.facet#tag")),
                                ("tag", s("rust")),
                            ])]),
                        ),
                    ])]),
                ),
                (
                    "embed",
                    map(vec![
                        ("$type", s("app.bsky.embed.images")),
                        (
                            "images",
                            Ipld::List(vec![map(vec![
                                ("alt", s("")),
                                ("image", map(vec![("ref", Ipld::Link(image_blob))])),
                            ])]),
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "app.bsky.feed.post/3kp2",
            map(vec![
                ("$type", s("app.bsky.feed.post")),
                ("text", s("Thanks, see our roles")),
                ("createdAt", s("2024-05-01T10:00:00Z")),
                (
                    "reply",
                    map(vec![
                        ("root", strong(ada_post)),
                        ("parent", strong(ada_post)),
                    ]),
                ),
                (
                    "embed",
                    map(vec![
                        ("$type", s("app.bsky.embed.recordWithMedia")),
                        (
                            "record",
                            map(vec![
                                ("$type", s("app.bsky.embed.record")),
                                (
                                    "record",
                                    strong("at://did:plc:acme/app.bsky.feed.post/3kp1"),
                                ),
                            ]),
                        ),
                        (
                            "media",
                            map(vec![
                                ("$type", s("app.bsky.embed.images")),
                                ("images", Ipld::List(vec![])),
                            ]),
                        ),
                    ]),
                ),
            ]),
        ),
        (
            "app.bsky.feed.repost/3kr1",
            map(vec![
                ("$type", s("app.bsky.feed.repost")),
                ("subject", strong(ada_post)),
                ("createdAt", s("2024-05-01T11:00:00Z")),
            ]),
        ),
        (
            "app.bsky.feed.like/3kl1",
            map(vec![
                ("$type", s("app.bsky.feed.like")),
                ("subject", strong(ada_post)),
                ("createdAt", s("2024-05-01T11:30:00Z")),
            ]),
        ),
        (
            "app.bsky.graph.follow/3kf1",
            map(vec![
                ("$type", s("app.bsky.graph.follow")),
                ("subject", s("did:plc:ada")),
                ("createdAt", s("2024-04-03T08:15:00Z")),
            ]),
        ),
        (
            "app.bsky.graph.block/3kb1",
            map(vec![
                ("$type", s("app.bsky.graph.block")),
                ("subject", s("did:plc:troll")),
                ("createdAt", s("2024-04-01T00:00:00Z")),
            ]),
        ),
    ];
    // 3krixfv362222 is 2024-05-02T12:00:00Z (decoded independently in Python).
    let bytes = car(records, "3krixfv362222");
    let repo = read_car(&bytes, "acme.car").unwrap();
    assert_eq!(repo.did, DID);
    let commit_time = Utc.with_ymd_and_hms(2024, 5, 2, 12, 0, 0).unwrap();
    assert_eq!(repo.committed_at, Some(commit_time));
    assert_eq!(repo.collections.values().sum::<usize>(), 7);
    assert_eq!(repo.collections["app.bsky.feed.post"], 2);

    let c = &repo.corpus;
    assert_eq!(c.num_posts(), 3, "two posts and a repost");
    let p1 = c
        .post_by_id("at://did:plc:acme/app.bsky.feed.post/3kp1")
        .unwrap()
        .to_post();
    assert_eq!(p1.hashtags, vec!["rust".to_owned()]);
    assert_eq!(p1.lang.as_deref(), Some("en"));
    let p2 = c
        .post_by_id("at://did:plc:acme/app.bsky.feed.post/3kp2")
        .unwrap()
        .to_post();
    assert_eq!(p2.reply_to.as_deref(), Some(ada_post));
    assert_eq!(p2.reply_to_account.as_deref(), Some("did:plc:ada"));
    assert_eq!(
        p2.quoted.as_deref(),
        Some("at://did:plc:acme/app.bsky.feed.post/3kp1")
    );
    let r = c
        .post_by_id("at://did:plc:acme/app.bsky.feed.repost/3kr1")
        .unwrap();
    assert_eq!(r.kind(), PostKind::Repost);
    assert_eq!(repo.added.likes.len(), 1);
    assert_eq!(repo.added.likes[0].subject, ada_post);
    let follows = c.follow_records();
    assert_eq!(follows.len(), 1);
    assert_eq!(follows[0].follower, DID);
    assert_eq!(
        follows[0].created_at,
        Utc.with_ymd_and_hms(2024, 4, 3, 8, 15, 0).unwrap()
    );
    assert_eq!(follows[0].seen_at, commit_time);
    let me = c.account_by_id(DID).unwrap();
    assert_eq!(me.display_name(), Some("Acme Careers"));
    assert_eq!(me.platform(), Platform::Bluesky);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repo.car");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(read_car_file(&path).unwrap().corpus.num_posts(), 3);
    let imported = rapport_bluesky::jsonl::import_path(
        &path,
        &rapport_bluesky::jsonl::ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(imported.corpus.num_posts(), 3);
}

#[test]
fn broken_exports_fail_readably() {
    let err = read_car(b"not a car file", "x.car")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("x.car: not a readable repository export: CAR header"),
        "{err}"
    );
    // A CAR without a commit block.
    let (cid, bytes) = block(&map(vec![("$type", s("app.bsky.feed.like"))]));
    let car = futures::executor::block_on(async {
        let mut w = iroh_car::CarWriter::new(iroh_car::CarHeader::new_v1(vec![cid]), Vec::new());
        w.write(cid, bytes).await.unwrap();
        w.finish().await.unwrap()
    });
    let err = read_car(&car, "y.car").unwrap_err().to_string();
    assert!(err.contains("no commit block"), "{err}");
    // Truncated in the middle of a block.
    let full = self::car(
        vec![(
            "app.bsky.feed.like/3kl1",
            map(vec![("$type", s("app.bsky.feed.like"))]),
        )],
        "3krixfv362222",
    );
    let err = read_car(&full[..full.len() - 5], "z.car")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("z.car: not a readable repository export: block"),
        "{err}"
    );
}
