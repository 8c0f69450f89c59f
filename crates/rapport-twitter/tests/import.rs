//! The importers on bad and unusual input: strict and lenient modes, empty files, BOM, CRLF,
//! truncated lines, non-JSON, wrong types, over-long lines, blank lines; flattened twarc lines and
//! stream messages; X account archives (zip and folder) built by hand from the documented format.

use proptest::prelude::*;
use rapport_twitter::TwitterError;
use rapport_twitter::import::{
    ImportOptions, import_archive, import_jsonl, import_jsonl_reader, import_path,
};
use std::io::Write;

/// A page with two tweets by one author; `n` makes the ids unique.
fn page(n: u32) -> String {
    format!(
        r#"{{"data":[{{"id":"{n}1","text":"Hi #Rust","author_id":"7","created_at":"2024-05-01T09:00:00.000Z","entities":{{"hashtags":[{{"start":3,"end":8,"tag":"Rust"}}]}}}},{{"id":"{n}2","text":"@ada yes","author_id":"7","created_at":"2024-05-01T09:01:00.000Z","in_reply_to_user_id":"8","referenced_tweets":[{{"type":"replied_to","id":"{n}0"}}]}}],"includes":{{"users":[{{"id":"7","username":"bob"}},{{"id":"8","username":"ada"}}]}},"meta":{{"result_count":2}},"__twarc":{{"url":"https://api.twitter.com/2/tweets/search/recent?query=x","version":"2.5.0","retrieved_at":"2024-05-01T10:00:00+00:00"}}}}"#
    )
}

fn strict() -> ImportOptions {
    ImportOptions::strict()
}

fn lenient() -> ImportOptions {
    ImportOptions::lenient()
}

fn run(
    input: &str,
    opts: &ImportOptions,
) -> Result<rapport_twitter::import::ImportReport, TwitterError> {
    import_jsonl_reader(input.as_bytes(), "t.jsonl", opts)
}

#[test]
fn good_lines_import() {
    let text = format!("{}\n{}\n", page(1), page(2));
    let r = run(&text, &strict()).unwrap();
    assert_eq!((r.lines, r.pages, r.corpus.num_posts()), (2, 2, 4));
    assert_eq!(
        r.corpus
            .post_by_id("12")
            .unwrap()
            .reply_to_account()
            .unwrap()
            .handle(),
        "ada"
    );
    assert_eq!(r.bytes, text.len() as u64);
}

#[test]
fn empty_and_blank_input() {
    for input in ["", "\n", "\n\n   \n", "\r\n"] {
        let r = run(input, &strict()).unwrap();
        assert_eq!(r.corpus.num_posts(), 0);
        assert_eq!(r.blank_lines, r.lines, "{input:?}");
        assert!(r.skipped.is_empty());
    }
    let r = run(&format!("\n{}\n\n{}", page(1), page(2)), &strict()).unwrap();
    assert_eq!((r.lines, r.blank_lines, r.pages), (4, 2, 2));
}

#[test]
fn bom_and_crlf() {
    let text = format!("\u{feff}{}\r\n{}\r\n", page(1), page(2));
    let r = run(&text, &strict()).unwrap();
    assert_eq!((r.pages, r.corpus.num_posts()), (2, 4));
    // A BOM anywhere but the start of the file is not JSON.
    let e = run(&format!("{}\n\u{feff}{}", page(1), page(2)), &strict()).unwrap_err();
    assert_eq!(e.line(), Some(2));
}

#[test]
fn truncated_last_line() {
    let p2 = page(2);
    let text = format!("{}\n{}", page(1), &p2[..p2.len() / 2]);
    let e = run(&text, &strict()).unwrap_err();
    let msg = e.to_string();
    assert_eq!(e.line(), Some(2));
    assert!(msg.starts_with("t.jsonl:2:"), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
    let r = run(&text, &lenient()).unwrap();
    assert_eq!((r.pages, r.corpus.num_posts(), r.skipped.len()), (1, 2, 1));
    assert_eq!(r.skipped[0].line, 2);
}

#[test]
fn non_json_and_non_objects() {
    for bad in [
        "hello",
        "{not json}",
        "[1,2,3]",
        "42",
        "null",
        "\"text\"",
        "{\"a\":1} trailing",
    ] {
        let text = format!("{}\n{bad}\n{}\n", page(1), page(2));
        let e = run(&text, &strict()).unwrap_err();
        assert_eq!(e.line(), Some(2), "{bad}: {e}");
        let r = run(&text, &lenient()).unwrap();
        assert_eq!((r.pages, r.skipped.len()), (2, 1), "{bad}");
    }
    // An object that is no page, message or tweet.
    let e = run(r#"{"hello":"world"}"#, &strict())
        .unwrap_err()
        .to_string();
    assert!(e.contains("expected a twarc2 page"), "{e}");
}

#[test]
fn wrong_types_name_the_json_path() {
    let cases = [
        (
            r#"{"data":[{"id":"1","text":5}]}"#,
            "data[0].text",
            "expected a string",
        ),
        (
            r#"{"data":[{"id":"1","text":"a"},{"id":"2","text":"b","created_at":"yesterday"}]}"#,
            "data[1].created_at",
            "",
        ),
        (
            r#"{"data":[{"id":"1","public_metrics":{"like_count":"many"}}]}"#,
            "data[0].public_metrics.like_count",
            "a non-negative count",
        ),
        (
            r#"{"data":[{"id":true}]}"#,
            "data[0].id",
            "an id as a string or a non-negative integer",
        ),
        (
            r#"{"includes":{"users":[{"id":"1","username":["x"]}]}}"#,
            "includes.users[0].username",
            "expected a string",
        ),
        (
            r#"{"data":{"id":"1","entities":{"hashtags":[{"tag":1}]}}}"#,
            "data.entities.hashtags[0].tag",
            "",
        ),
    ];
    for (line, path, expect) in cases {
        let text = format!("{}\n{line}\n", page(1));
        match run(&text, &strict()).unwrap_err() {
            TwitterError::Parse {
                file,
                line,
                path: p,
                message,
                ..
            } => {
                assert_eq!((file.as_str(), line), ("t.jsonl", 2));
                assert_eq!(p, path);
                assert!(message.contains(expect), "{message}");
            }
            other => panic!("{other}"),
        }
    }
}

#[test]
fn over_long_lines_are_reported_not_held() {
    let long = format!(
        r#"{{"data":[{{"id":"1","text":"{}","author_id":"7","created_at":"2024-05-01T09:00:00Z"}}]}}"#,
        "x".repeat(10_000)
    );
    let text = format!("{}\n{long}\n{}\n", page(1), page(2));
    let opts = strict().with_max_line_bytes(5_000);
    let e = run(&text, &opts).unwrap_err();
    assert!(
        matches!(
            e,
            TwitterError::LineTooLong {
                line: 2,
                max: 5_000,
                ..
            }
        ),
        "{e}"
    );
    let r = run(&text, &lenient().with_max_line_bytes(5_000)).unwrap();
    assert_eq!((r.pages, r.corpus.num_posts(), r.skipped.len()), (2, 4, 1));
    assert!(
        r.skipped[0]
            .reason
            .contains("longer than the limit of 5000 bytes")
    );
    // The default limit (64 MiB) takes it.
    assert_eq!(run(&text, &strict()).unwrap().pages, 3);
}

#[test]
fn request_level_problem_lines() {
    let text = format!(
        "{}\n{}\n",
        page(1),
        r#"{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}"#
    );
    let e = run(&text, &strict()).unwrap_err().to_string();
    assert_eq!(
        e,
        "t.jsonl:2: the file holds an X API error response, not data: Too Many Requests: Too Many Requests"
    );
    // A stream's in-band disconnect (errors only) is a message with a partial error, not a failure.
    let text = r#"{"errors":[{"title":"operational-disconnect","disconnect_type":"OperationalDisconnect","detail":"This stream has been disconnected for operational reasons.","type":"https://api.twitter.com/2/problems/operational-disconnect"}]}"#;
    let r = run(text, &strict()).unwrap();
    assert_eq!((r.pages, r.partial_errors.len()), (1, 1));
}

#[test]
fn stream_messages_and_flattened_tweets() {
    // A stream message: data is an object, the rule id a number.
    let msg = r#"{"data":{"id":"30","text":"stream","author_id":"7","created_at":"2024-05-02T00:00:00Z"},"includes":{"users":[{"id":"7","username":"bob"}]},"matching_rules":[{"id":1377649934414049282,"tag":null}]}"#;
    // A flattened twarc line (twarc2 flatten): author, in_reply_to_user and referenced tweets inline.
    let flat = r#"{"id":"41","text":"@ada quoting this","author_id":"7","created_at":"2024-05-02T01:00:00.000Z","in_reply_to_user_id":"8","conversation_id":"40","author":{"id":"7","username":"bob","name":"Bob"},"in_reply_to_user":{"id":"8","username":"ada"},"referenced_tweets":[{"type":"replied_to","id":"40","text":"original","author_id":"8","created_at":"2024-05-02T00:30:00.000Z","author":{"id":"8","username":"ada"}},{"type":"quoted","id":"39"}],"entities":{"mentions":[{"start":0,"end":4,"username":"ada"}]},"__twarc":{"url":"x","version":"2.12.0","retrieved_at":"2024-05-02T02:00:00+00:00"}}"#;
    let r = run(&format!("{msg}\n{flat}\n"), &strict()).unwrap();
    assert_eq!((r.pages, r.flat_tweets), (1, 1));
    assert_eq!(r.corpus.num_posts(), 3);
    let p = r.corpus.post_by_id("41").unwrap();
    assert_eq!(p.reply_to_post().unwrap().text(), "original");
    assert_eq!(p.quoted_id(), Some("39"));
    assert_eq!(p.mentions().next().unwrap().id(), "8");
    assert_eq!(
        r.corpus.account_by_id("7").unwrap().display_name(),
        Some("Bob")
    );
    assert_eq!(r.corpus.post_by_id("40").unwrap().author().handle(), "ada");
}

#[test]
fn post_names_are_accepted() {
    let line = r#"{"data":[{"id":"2","text":"RT @ada: short…","author_id":"7","created_at":"2024-05-01T00:00:00Z","referenced_posts":[{"type":"retweeted","id":"1"}]}],"includes":{"posts":[{"id":"1","text":"short text, full","author_id":"8","created_at":"2024-04-30T00:00:00Z","note_post":{"text":"the long note text #Rust","entities":{"hashtags":[{"start":19,"end":24,"tag":"Rust"}]}}}],"users":[{"id":"8","username":"ada"}]}}"#;
    let r = run(line, &strict()).unwrap();
    let rt = r.corpus.post_by_id("2").unwrap();
    assert_eq!(rt.text(), "RT @ada: the long note text #Rust");
    assert_eq!(rt.hashtags().collect::<Vec<_>>(), vec!["rust"]);
    assert_eq!(
        r.corpus.post_by_id("1").unwrap().text(),
        "the long note text #Rust"
    );
}

#[test]
fn files_and_import_path() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("a.jsonl");
    std::fs::write(&jsonl, format!("{}\n{}\n", page(1), page(2))).unwrap();
    assert_eq!(import_jsonl(&jsonl, &strict()).unwrap().pages, 2);
    // Same content, .json extension: still detected as JSONL by content.
    let as_json = dir.path().join("a.json");
    std::fs::write(&as_json, format!("{}\n{}\n", page(1), page(2))).unwrap();
    assert_eq!(import_path(&as_json, &strict()).unwrap().pages, 2);
    // A pretty-printed response: errors carry the line in the file.
    let pretty = dir.path().join("p.json");
    std::fs::write(&pretty, "{\n  \"data\": [\n    {\"id\": \"1\", \"text\": \"a\"},\n    {\"id\": \"2\", \"text\": 7}\n  ]\n}\n").unwrap();
    let e = import_path(&pretty, &strict()).unwrap_err();
    assert!(
        matches!(&e, TwitterError::Parse { line: 4, path, .. } if path == "data[1].text"),
        "{e}"
    );
    let r = import_path(&pretty, &lenient()).unwrap();
    assert_eq!((r.skipped.len(), r.skipped[0].line), (1, 4));
    // Missing file.
    let e = import_path(dir.path().join("nope.jsonl"), &strict()).unwrap_err();
    assert!(matches!(e, TwitterError::Io { .. }));
    assert!(!e.is_retryable());
}

// ----- the X account archive -------------------------------------------------------------------------

const ACCOUNT_JS: &str = r#"window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "ada@example.invalid",
      "createdVia" : "web",
      "username" : "ada_codes",
      "accountId" : "42",
      "createdAt" : "2012-03-04T05:06:07.000Z",
      "accountDisplayName" : "Ada"
    }
  }
]"#;

const PROFILE_JS: &str = r#"window.YTD.profile.part0 = [
  {
    "profile" : {
      "description" : {
        "bio" : "Rust & HR tech",
        "website" : "https://t.co/x",
        "location" : "Berlin"
      },
      "avatarMediaUrl" : "https://pbs.twimg.com/x.jpg"
    }
  }
]"#;

/// Two tweets in the v1.1 archive shape: a reply with a mention, and a retweet.
const TWEETS_JS: &str = r#"window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1050118621198921728" ],
          "editableUntil" : "2018-10-10T21:19:24.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [ { "text" : "RustLang", "indices" : [ "18", "27" ] } ],
        "symbols" : [ ],
        "user_mentions" : [ { "name" : "Bob", "screen_name" : "bob", "indices" : [ "0", "4" ], "id_str" : "7", "id" : "7" } ],
        "urls" : [ { "url" : "https://t.co/abc", "expanded_url" : "https://example.org/jobs", "display_url" : "example.org/jobs", "indices" : [ "28", "51" ] } ]
      },
      "display_text_range" : [ "0", "51" ],
      "favorite_count" : "3",
      "in_reply_to_status_id_str" : "1050118000000000000",
      "id_str" : "1050118621198921728",
      "in_reply_to_user_id" : "7",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1050118621198921728",
      "in_reply_to_status_id" : "1050118000000000000",
      "created_at" : "Wed Oct 10 20:19:24 +0000 2018",
      "favorited" : false,
      "full_text" : "@bob Sounds good &amp; #RustLang https://t.co/abc",
      "lang" : "en",
      "in_reply_to_screen_name" : "bob",
      "in_reply_to_user_id_str" : "7"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "name" : "Bob", "screen_name" : "bob", "indices" : [ "3", "7" ], "id_str" : "7", "id" : "7" } ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "1050200000000000000",
      "retweet_count" : "0",
      "id" : "1050200000000000000",
      "created_at" : "Thu Oct 11 01:44:00 +0000 2018",
      "full_text" : "RT @bob: We are hiring",
      "lang" : "en"
    }
  }
]"#;

const TWEETS_PART1_JS: &str = r#"window.YTD.tweets.part1 = [
  { "tweet" : { "id_str" : "1060000000000000000", "full_text" : "part one", "created_at" : "Fri Nov 09 12:00:00 +0000 2018", "entities" : { } } }
]"#;

fn write_zip(path: &std::path::Path, files: &[(&str, &str)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        z.start_file(*name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn archive_zip_with_parts() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("twitter-2024-05-01-abc.zip");
    write_zip(
        &zip,
        &[
            ("Your archive.html", "<html></html>"),
            ("data/account.js", ACCOUNT_JS),
            ("data/profile.js", PROFILE_JS),
            ("data/tweets.js", TWEETS_JS),
            ("data/tweets-part1.js", TWEETS_PART1_JS),
            ("data/like.js", "window.YTD.like.part0 = []"),
        ],
    );
    for r in [
        import_archive(&zip, &strict()).unwrap(),
        import_path(&zip, &strict()).unwrap(),
    ] {
        assert_eq!(r.corpus.num_posts(), 3);
        assert_eq!(r.pages, 2);
        let owner = r.owner.as_ref().unwrap();
        assert_eq!(
            (owner.id.as_str(), owner.handle.as_str()),
            ("42", "ada_codes")
        );
        assert_eq!(owner.bio.as_deref(), Some("Rust & HR tech"));
        let reply = r.corpus.post_by_id("1050118621198921728").unwrap();
        assert_eq!(
            reply.text(),
            "@bob Sounds good & #RustLang https://t.co/abc"
        );
        assert_eq!(reply.author().handle(), "ada_codes");
        assert_eq!(reply.created_at().to_rfc3339(), "2018-10-10T20:19:24+00:00");
        assert_eq!(reply.reply_to_id(), Some("1050118000000000000"));
        assert_eq!(reply.reply_to_account().unwrap().handle(), "bob");
        assert_eq!(reply.hashtags().collect::<Vec<_>>(), vec!["rustlang"]);
        assert_eq!(
            reply.urls().collect::<Vec<_>>(),
            vec!["https://example.org/jobs"]
        );
        assert_eq!(
            (reply.metrics().likes, reply.metrics().reposts),
            (Some(3), Some(1))
        );
        assert!(r.corpus.post_by_id("1060000000000000000").is_some());
    }
}

#[test]
fn archive_folder_and_old_prefix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/account.js"), ACCOUNT_JS).unwrap();
    // Older archives: data/tweet.js with window.YTD.tweet.part0.
    std::fs::write(
        dir.path().join("data/tweet.js"),
        TWEETS_JS.replace("window.YTD.tweets.part0", "window.YTD.tweet.part0"),
    )
    .unwrap();
    let r = import_path(dir.path(), &strict()).unwrap();
    assert_eq!(r.corpus.num_posts(), 2);
    // The data folder itself, and the tweets file alone (owner from its sibling account.js).
    assert_eq!(
        import_archive(dir.path().join("data"), &strict())
            .unwrap()
            .corpus
            .num_posts(),
        2
    );
    assert_eq!(
        import_path(dir.path().join("data/tweet.js"), &strict())
            .unwrap()
            .corpus
            .num_posts(),
        2
    );
}

#[test]
fn archive_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    // No tweets.js.
    std::fs::write(data.join("account.js"), ACCOUNT_JS).unwrap();
    let e = import_archive(dir.path(), &strict())
        .unwrap_err()
        .to_string();
    assert!(e.contains("no `data/tweets.js`"), "{e}");
    // A bad created_at on the second tweet: file, line and path.
    let bad = TWEETS_JS.replace("Thu Oct 11 01:44:00 +0000 2018", "yesterday");
    std::fs::write(data.join("tweets.js"), &bad).unwrap();
    let e = import_archive(dir.path(), &strict()).unwrap_err();
    let want_line = bad.lines().position(|l| l.contains("yesterday")).unwrap() as u64 + 1;
    match &e {
        TwitterError::Parse {
            file,
            line,
            path,
            message,
            ..
        } => {
            assert!(file.ends_with("tweets.js"));
            assert_eq!(path, "[1].tweet.created_at");
            assert!(
                message.contains("Wed Oct 10 20:19:24 +0000 2018"),
                "{message}"
            );
            // serde_json reports the error where the bad value ends: the line of "yesterday".
            assert_eq!(*line, want_line);
        }
        other => panic!("{other}"),
    }
    let r = import_archive(dir.path(), &lenient()).unwrap();
    assert_eq!((r.corpus.num_posts(), r.skipped.len()), (1, 1));
    // No account.js.
    std::fs::remove_file(data.join("account.js")).unwrap();
    let e = import_archive(dir.path(), &strict())
        .unwrap_err()
        .to_string();
    assert!(e.contains("account.js"), "{e}");
    // Not a YTD file.
    std::fs::write(data.join("account.js"), ACCOUNT_JS).unwrap();
    std::fs::write(data.join("tweets.js"), "var x = 1").unwrap();
    let e = import_archive(dir.path(), &strict())
        .unwrap_err()
        .to_string();
    assert!(e.contains("window.YTD"), "{e}");
    // A corrupt zip.
    let z = dir.path().join("a.zip");
    std::fs::write(&z, b"PK\x03\x04garbage").unwrap();
    assert!(matches!(
        import_archive(&z, &strict()).unwrap_err(),
        TwitterError::Archive { .. }
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes never panic; lenient mode never fails on content; strict and lenient agree on
    /// good input.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import_jsonl_reader(&bytes[..], "p", &strict().with_max_line_bytes(512));
        let r = import_jsonl_reader(&bytes[..], "p", &lenient().with_max_line_bytes(512));
        prop_assert!(r.is_ok());
        let r = r.unwrap();
        prop_assert_eq!(r.lines, r.blank_lines + r.pages + r.flat_tweets + r.skipped.len() as u64);
    }

    /// Lines mixing good pages, cut pages and JSON fragments: lenient keeps exactly the good pages.
    #[test]
    fn mixed_lines(kinds in proptest::collection::vec(0u8..5, 0..20), cut in 1usize..400) {
        let mut text = String::new();
        let mut good = 0;
        for (i, k) in kinds.iter().enumerate() {
            let p = page(i as u32 + 1);
            match k {
                0 => { text.push_str(&p); good += 1; }
                1 => text.push_str(&p[..cut.min(p.len() - 1)]),
                2 => text.push_str(r#"{"data":[{"id":"1","text":["no"]}]}"#),
                3 => text.push_str("   "),
                _ => text.push('\u{1F980}'),
            }
            text.push_str(if i % 2 == 0 { "\n" } else { "\r\n" });
        }
        let r = import_jsonl_reader(text.as_bytes(), "m", &lenient()).unwrap();
        prop_assert_eq!(r.pages, good);
        prop_assert_eq!(r.corpus.num_posts() as u64, 2 * good);
    }
}

/// A file of known size is presized once from its first eighth: the posts and their text. Without
/// the text in the projection, the text buffer grew by doubling and held up to twice its bytes.
#[test]
fn a_file_reserves_its_text_once_from_its_first_part() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    // 12k posts of 1.2 KB text, 100 per line: about 15 MB, so the first eighth is a fair sample.
    let body = "rust and python and kubernetes, ".repeat(37);
    for p in 0..120u32 {
        let posts: Vec<String> = (0..100u32)
            .map(|i| {
                let id = p * 100 + i + 1;
                format!(
                    r#"{{"id":"{id}","text":"{id} {body}","author_id":"{}","created_at":"2024-01-01T00:00:00.000Z"}}"#,
                    id % 50
                )
            })
            .collect();
        writeln!(f, r#"{{"data":[{}]}}"#, posts.join(",")).unwrap();
    }
    drop(f);
    let mut corpus = import_jsonl(&path, &strict()).unwrap().corpus;
    assert_eq!(corpus.num_posts(), 12_000);
    let held = corpus.heap_bytes();
    corpus.shrink_to_fit();
    let fit = corpus.heap_bytes();
    assert!(
        held <= fit + fit / 10,
        "held {held} bytes, {} over the {fit} that fit",
        held - fit
    );
}
