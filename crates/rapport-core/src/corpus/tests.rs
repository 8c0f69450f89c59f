use super::*;
use chrono::Duration;

use crate::model::{Mention, normalize_hashtag};

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(min)
}

#[test]
fn mention_by_handle_merges_into_the_account_once_its_id_is_known() {
    let mut c = Corpus::new();
    let mut p = Post::new("1", "10", "hi @Bob", t(0));
    p.mentions.push(Mention {
        id: None,
        handle: "Bob".into(),
    });
    c.add_post(p);
    assert_eq!(c.num_accounts(), 2);
    c.add_account(Account::new("20", "bob"));
    assert_eq!(c.num_accounts(), 2);
    let m: Vec<_> = c.post_by_id("1").unwrap().mentions().collect();
    assert_eq!(m[0].id(), "20");
    assert_eq!(c.account_by_handle("BOB").unwrap().id(), "20");
}

#[test]
fn conversations_follow_reply_chains_without_ids() {
    let mut c = Corpus::new();
    c.add_post(Post::new("1", "a", "root", t(0)));
    let mut r = Post::new("2", "b", "reply", t(1));
    r.reply_to = Some("1".into());
    c.add_post(r);
    let mut rr = Post::new("3", "a", "reply 2", t(2));
    rr.reply_to = Some("2".into());
    c.add_post(rr);
    let mut orphan = Post::new("4", "a", "orphan", t(3));
    orphan.reply_to = Some("99".into());
    c.add_post(orphan);
    let ix = c.indices();
    assert_eq!(ix.num_conversations(), 2);
    assert_eq!(ix.conversation_of(&c, PostIdx(2)), "1");
    assert_eq!(ix.conversation_of(&c, PostIdx(3)), "99");
}

#[test]
fn a_reply_cycle_does_not_hang() {
    let mut c = Corpus::new();
    let mut a = Post::new("1", "a", "x", t(0));
    a.reply_to = Some("2".into());
    let mut b = Post::new("2", "b", "y", t(1));
    b.reply_to = Some("1".into());
    c.add_post(a);
    c.add_post(b);
    assert_eq!(c.indices().num_conversations(), 1);
}

#[test]
fn a_damaged_saved_corpus_is_an_error_not_a_panic() {
    let mut c = Corpus::new();
    let mut p = Post::new("1", "a", "hello", t(0));
    p.hashtags = vec!["x".into()];
    c.add_post(p);
    let good = serde_json::to_value(&c).unwrap();
    let back: Corpus = serde_json::from_value(good.clone()).unwrap();
    assert_eq!(back.num_posts(), 1);
    // Each damage: an author index past the accounts, a hashtag past the tags, a text span past
    // the buffer, a missing row.
    for (path, value) in [
        ("/author/0", serde_json::json!(7)),
        ("/hashtags/items/0", serde_json::json!(9)),
        ("/text/spans/0/len", serde_json::json!(999)),
        ("/created_ms", serde_json::json!([])),
    ] {
        let mut bad = good.clone();
        *bad.pointer_mut(path).unwrap() = value;
        let err = serde_json::from_value::<Corpus>(bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("damaged"), "{path}: {err}");
    }
}

#[test]
fn replaced_post_updates_every_column() {
    let mut c = Corpus::new();
    let mut p = Post::new("1", "a", "x #One", t(0));
    p.hashtags = vec!["One".into()];
    c.add_post(p);
    let mut q = Post::new("1", "a", "y #Two", t(0));
    q.hashtags = vec!["Two".into()];
    q.metrics.likes = Some(3);
    c.add_post(q);
    let p = c.post_by_id("1").unwrap();
    assert_eq!(p.hashtags().collect::<Vec<_>>(), vec!["two"]);
    assert_eq!(p.metrics().likes, Some(3));
    assert_eq!(p.metrics().replies, None);
    assert_eq!(c.num_replaced(), 1);
    assert_eq!(c.indices().by_tag(c.tag_idx("one").unwrap()).len(), 0);
}

#[test]
fn empty_and_odd_ids_are_refused_not_a_panic() {
    let mut c = Corpus::new();
    for (id, author) in [("", "a"), ("1", ""), ("   ", "a"), ("1\u{0}", "a")] {
        let err = c
            .try_add_post(Post::new(id, author, "x", t(0)))
            .unwrap_err();
        assert!(matches!(err, Error::InvalidId { .. }), "{err}");
        assert!(c.add_post(Post::new(id, author, "x", t(0))).is_none());
    }
    let long = "9".repeat(300);
    let err = c
        .try_add_post(Post::new(&long, "a", "x", t(0)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("… (300 bytes)"), "{err}");
    let mut bad_ref = Post::new("2", "a", "x", t(0));
    bad_ref.reply_to = Some(" ".into());
    assert!(c.try_add_post(bad_ref).is_err());
    assert!(c.try_add_account(Account::new("", "")).is_err());
    assert!(c.add_account(Account::new("", "@")).is_none());
    assert_eq!(c.num_refused(), 5);
    assert!(c.is_empty());
    // An empty reference is no reference.
    let mut ok = Post::new("3", "a", "x", t(0));
    ok.quoted = Some(String::new());
    assert!(c.try_add_post(ok).is_ok());
}

#[test]
fn a_sparse_later_copy_wipes_nothing() {
    let mut c = Corpus::new();
    let mut full = Post::new("1", "a", "full text #Rust", t(0));
    full.hashtags = vec!["Rust".into()];
    full.lang = Some("en".into());
    full.conversation_id = Some("1".into());
    full.metrics.likes = Some(3);
    full.metrics.replies = Some(1);
    c.add_post(full);
    // A later copy with milliseconds (a snowflake time) in the same second, no text, no entities,
    // one newer metric.
    let mut sparse = Post::new("1", "a", "", t(0) + Duration::milliseconds(250));
    sparse.metrics.likes = Some(5);
    assert!(c.try_add_post(sparse).is_ok());
    let p = c.post_by_id("1").unwrap();
    assert_eq!(p.text(), "full text #Rust");
    assert_eq!(p.created_at(), t(0));
    assert_eq!(p.hashtags().collect::<Vec<_>>(), vec!["rust"]);
    assert_eq!(p.lang(), Some("en"));
    assert_eq!(p.conversation_id(), Some("1"));
    assert_eq!((p.metrics().likes, p.metrics().replies), (Some(5), Some(1)));
    assert_eq!(c.num_replaced(), 1);
}

#[test]
fn a_copy_with_another_author_or_time_is_refused_and_the_first_kept() {
    let mut c = Corpus::new();
    c.add_post(Post::new("1", "a", "first", t(0)));
    let err = c
        .try_add_post(Post::new("1", "b", "second", t(0)))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::ConflictingCopy {
                field: "author",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("the first copy has 'a', this one 'b'"),
        "{err}"
    );
    let err = c
        .try_add_post(Post::new("1", "a", "third", t(2)))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConflictingCopy {
                field: "created_at",
                ..
            }
        ),
        "{err}"
    );
    assert!(c.add_post(Post::new("1", "b", "fourth", t(0))).is_none());
    assert_eq!(c.num_refused(), 1);
    let p = c.post_by_id("1").unwrap();
    assert_eq!((p.text(), p.author().id()), ("first", "a"));
    assert_eq!(c.num_accounts(), 1, "a refused copy adds no account");
}

#[test]
fn each_spelling_of_a_hashtag_reaches_its_normal_form_once_cached_and_after_loading() {
    let spellings = [
        "Rust",
        "#RUST",
        " ＃Rust ",
        "rust",
        "Café",
        "cafe\u{301}",
        "#CAFÉ",
        "ＲＵＳＴ",
        "Ｒust",
        "# Rust",
        "#",
        "日本語",
        "#日本語",
    ];
    let add = |c: &mut Corpus, first: usize| {
        for (i, s) in spellings.iter().enumerate() {
            let mut p = Post::new(
                (first + i).to_string(),
                "9",
                format!("post {i}"),
                t(i as i64),
            );
            p.hashtags = vec![(*s).to_owned(), (*s).to_owned()];
            c.add_post(p);
        }
    };
    // Each post's tags are its spelling's normal form, once (a tag that normalises to nothing is
    // dropped), on the first sight of a spelling and on every later one.
    let check = |c: &Corpus, first: usize| {
        for (i, s) in spellings.iter().enumerate() {
            let p = c.post_by_id(&(first + i).to_string()).unwrap();
            let want = normalize_hashtag(s);
            let got: Vec<&str> = p.hashtags().collect();
            if want.is_empty() {
                assert!(got.is_empty(), "{s:?}: {got:?}");
            } else {
                assert_eq!(got, vec![want.as_str()], "{s:?}");
                assert_eq!(c.tag_idx(s).map(|t| t.0), Some(p.tag_idxs()[0]), "{s:?}");
            }
        }
    };
    let mut c = Corpus::new();
    add(&mut c, 100);
    add(&mut c, 200);
    check(&c, 100);
    check(&c, 200);
    // rust, café, " rust" (`# Rust`), 日本語.
    assert_eq!(c.num_tags(), 4);
    // A loaded corpus has no spellings cached; adding the same spellings again reaches the same tags.
    let mut back: Corpus = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
    add(&mut back, 300);
    check(&back, 300);
    assert_eq!(back.num_tags(), 4);
    for s in spellings {
        assert_eq!(back.tag_idx(s), c.tag_idx(s), "{s:?}");
    }
}
