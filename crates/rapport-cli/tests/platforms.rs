//! A store holding X and Bluesky data: every command that analyses the store's corpus reads one
//! platform (`--platform x|bluesky`), both merged on request (`--platform all`), and refuses to guess.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::rapport;
use rapport_core::follows::{FollowDirection, FollowSnapshot};
use rapport_core::{Account, Corpus, Mention, Platform, Post};

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

const B_POST: &str = "at://did:plc:acme/app.bsky.feed.post/3kaaaaaaaaa22";
const B_REPLY: &str = "at://did:plc:ada/app.bsky.feed.post/3kaaaaaaaab22";

fn x_corpus() -> Corpus {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "acme_careers"));
    c.add_account(Account::new("2", "ada_codes"));
    c.add_post(Post::new("10", "1", "We are #hiring #rust people", t(2, 9)));
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

fn bsky_corpus() -> Corpus {
    let mut c = Corpus::new();
    for (id, handle) in [
        ("did:plc:acme", "acme.bsky.social"),
        ("did:plc:ada", "ada.bsky.social"),
    ] {
        let mut a = Account::new(id, handle);
        a.platform = Platform::Bluesky;
        c.add_account(a);
    }
    c.add_post(Post::new(
        B_POST,
        "did:plc:acme",
        "We are #hiring #rust people on Bluesky",
        t(4, 9),
    ));
    let mut reply = Post::new(B_REPLY, "did:plc:ada", "me too", t(4, 10));
    reply.reply_to = Some(B_POST.into());
    c.add_post(reply);
    c.try_add_follow_snapshot(FollowSnapshot::new(
        "did:plc:acme",
        FollowDirection::Followers,
        t(5, 0),
        vec!["did:plc:ada".into()],
    ))
    .unwrap();
    c
}

/// The post ids `rapport export --table posts` writes for `platform` (none: no flag).
fn exported_ids(db: &str, platform: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "export", "--store", db, "--format", "json", "--table", "posts", "-o", "-",
    ];
    if let Some(p) = platform {
        args.extend(["--platform", p]);
    }
    let r = rapport(&args);
    assert_eq!(r.code, 0, "{platform:?}: {}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_mixed_store_is_analysed_one_platform_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hr.db");
    let db_s = db.to_str().unwrap();
    {
        let mut s = rapport_store::Store::open(&db).unwrap();
        s.save_corpus(&x_corpus()).unwrap();
        s.save_corpus(&bsky_corpus()).unwrap();
    }
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        "title = \"Rust engineer\"\n\n[[skill]]\nskill = \"rust\"\n",
    )
    .unwrap();
    let cands = dir.path().join("c.csv");
    std::fs::write(&cands, "hris_id,x_handle\nE1,@ada_codes\n").unwrap();
    let html = dir.path().join("r.html");
    let (job_s, cands_s, html_s) = (
        job.to_str().unwrap(),
        cands.to_str().unwrap(),
        html.to_str().unwrap(),
    );

    // Every analysis of the store refuses to mix the platforms without being told.
    let org = ["--org", "acme_careers"];
    let commands: Vec<Vec<&str>> = vec![
        [&["engagement"][..], &org].concat(),
        [&["broadcast"][..], &org].concat(),
        vec!["skills"],
        [&["rank", "--job", job_s][..], &org].concat(),
        vec!["mentors"],
        vec!["learn", "--skill", "rust"],
        [&["inbox"][..], &org].concat(),
        [&["starters"][..], &org].concat(),
        [&["follows"][..], &org].concat(),
        [&["relationship", "ada_codes"][..], &org].concat(),
        [&["report", "--output", html_s][..], &org].concat(),
        vec!["export", "--format", "parquet", "--output", html_s],
        [&["score", "--candidates", cands_s][..], &org].concat(),
    ];
    for mut args in commands {
        args.extend(["--store", db_s]);
        let r = rapport(&args);
        assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr
                .contains("holds data of several platforms (x and bluesky)")
                && r.stderr
                    .contains("choose one with --platform x or --platform bluesky")
                && r.stderr.contains("--platform all"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(!html.exists(), "nothing is written by a refused command");

    // Each platform alone gives exactly its own posts; all gives both.
    assert_eq!(exported_ids(db_s, Some("x")), vec!["10", "11"]);
    assert_eq!(exported_ids(db_s, Some("bluesky")), vec![B_POST, B_REPLY]);
    assert_eq!(
        exported_ids(db_s, Some("all")),
        vec!["10", "11", B_POST, B_REPLY]
    );

    // Analyses run on the platform chosen, with that platform's accounts and follow snapshots.
    let r = rapport(&[
        "follows",
        "--store",
        db_s,
        "--org",
        "acme.bsky.social",
        "--platform",
        "bluesky",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("Follow events of acme.bsky.social: 0 from 1 follow snapshot(s)"),
        "{}",
        r.stdout
    );
    let r = rapport(&[
        "follows",
        "--store",
        db_s,
        "--org",
        "acme.bsky.social",
        "--platform",
        "x",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("acme.bsky.social"), "{}", r.stderr);
    let r = rapport(&[
        "broadcast",
        "--store",
        db_s,
        "--org",
        "acme_careers",
        "--platform",
        "x",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // Drafts are X replies: they read the X posts of a mixed store without being told.
    let r = rapport(&["drafts", "--store", db_s]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // --platform chooses within a store; files given with --input are the corpus themselves.
    let r = rapport(&[
        "follows",
        "--input",
        html_s,
        "--org",
        "acme_careers",
        "--platform",
        "x",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("with --input the corpus is"),
        "{}",
        r.stderr
    );

    // A platform that is not one is a usage error naming the choices.
    let r = rapport(&["skills", "--store", db_s, "--platform", "mastodon"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("expected x, bluesky or all"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_store_of_one_platform_needs_no_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let db_s = db.to_str().unwrap();
    rapport_store::Store::open(&db)
        .unwrap()
        .save_corpus(&bsky_corpus())
        .unwrap();
    assert_eq!(exported_ids(db_s, None), vec![B_POST, B_REPLY]);
    assert_eq!(exported_ids(db_s, Some("bluesky")), vec![B_POST, B_REPLY]);
    assert!(exported_ids(db_s, Some("x")).is_empty());
    let r = rapport(&["follows", "--store", db_s, "--org", "acme.bsky.social"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
