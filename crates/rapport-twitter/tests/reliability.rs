//! The importers on the bad input a tester tried (docs/reliability.md lists each case and the test
//! here that proves its outcome): empty ids, sparse and conflicting copies, tweets without an author,
//! huge values in errors, timestamps without `T`, archive files outside an archive, unsafe zip names,
//! zip bombs, compliance events; and a property test that no input makes an importer panic.

use proptest::prelude::*;
use rapport_core::compliance::{ComplianceAction, ComplianceTarget};
use rapport_twitter::TwitterError;
use rapport_twitter::import::{
    ImportOptions, ImportReport, SkipReason, import_archive, import_jsonl_reader, import_path,
    import_response_file,
};
use std::io::Write;

fn run(input: &str, opts: &ImportOptions) -> Result<ImportReport, TwitterError> {
    import_jsonl_reader(input.as_bytes(), "t.jsonl", opts)
}

fn strict() -> ImportOptions {
    ImportOptions::strict()
}

fn lenient() -> ImportOptions {
    ImportOptions::lenient()
}

const GOOD: &str = r#"{"data":[{"id":"5","text":"ok","author_id":"7","created_at":"2024-01-01T00:00:00Z"}],"includes":{"users":[{"id":"7","username":"ada"}]}}"#;

fn write_zip(path: &std::path::Path, files: &[(&str, &[u8])]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, body) in files {
        z.start_file(*name, opts).unwrap();
        z.write_all(body).unwrap();
    }
    z.finish().unwrap();
}

const ACCOUNT_JS: &str =
    r#"window.YTD.account.part0 = [{"account":{"accountId":"42","username":"ada"}}]"#;
const TWEETS_JS: &str = r#"window.YTD.tweets.part0 = [
  {"tweet":{"id_str":"7","full_text":"Hello #Rust","created_at":"Wed Oct 10 20:19:24 +0000 2018"}}
]"#;

// ----- 1. empty ids ----------------------------------------------------------------------------------

#[test]
fn empty_ids_are_an_error_or_a_counted_skip_never_a_panic() {
    let lines = [
        // (line, JSON path of the problem, kind)
        (
            r#"{"data":[{"id":"","text":"x","author_id":"7","created_at":"2024-01-01T00:00:00Z"}]}"#,
            "data[0]",
            SkipReason::InvalidId,
        ),
        // An empty author id is no author.
        (
            r#"{"data":[{"id":"1","text":"x","author_id":"","created_at":"2024-01-01T00:00:00Z"}]}"#,
            "data[0]",
            SkipReason::NoAuthor,
        ),
        (
            r#"{"data":[],"includes":{"users":[{"id":"","username":"ada"}]}}"#,
            "includes.users[0]",
            SkipReason::InvalidId,
        ),
        (
            r#"{"id":"","text":"flat","author_id":"7","created_at":"2024-01-01T00:00:00Z"}"#,
            ".",
            SkipReason::InvalidId,
        ),
        (
            r#"{"id":"1\u0000","text":"flat","author_id":"7","created_at":"2024-01-01T00:00:00Z"}"#,
            ".",
            SkipReason::InvalidId,
        ),
    ];
    for (line, want_path, want_kind) in lines {
        let text = format!("{GOOD}\n{line}\n");
        match run(&text, &strict()).unwrap_err() {
            TwitterError::Invalid {
                line, path, kind, ..
            } => {
                assert_eq!((line, path.as_str(), kind), (2, want_path, want_kind));
            }
            other => panic!("{other}"),
        }
        let r = run(&text, &lenient()).unwrap();
        assert_eq!(r.skip_counts.total(), 1, "{line}");
        assert_eq!(r.corpus.num_posts(), 1, "{line}");
    }
    // The same through a response file and the full-model conversion.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("page.json");
    std::fs::write(&f, lines[0].0).unwrap();
    let e = import_response_file(&f, &strict()).unwrap_err().to_string();
    assert!(e.contains("invalid post id ''"), "{e}");
    let page: rapport_twitter::models::Response = serde_json::from_str(lines[0].0).unwrap();
    let mut c = rapport_core::Corpus::new();
    let stats = rapport_twitter::convert::add_response(&mut c, &page);
    assert_eq!((stats.posts, stats.skipped_invalid_id), (0, 1));
}

#[test]
fn an_archive_owner_with_an_empty_id_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("data/account.js"),
        r#"window.YTD.account.part0 = [{"account":{"accountId":"","username":"ada"}}]"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("data/tweets.js"), TWEETS_JS).unwrap();
    let e = import_archive(dir.path(), &lenient())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("[0].account.accountId") && e.contains("invalid account id"),
        "{e}"
    );
}

// ----- 2. duplicates -----------------------------------------------------------------------------

#[test]
fn a_sparse_later_copy_updates_without_wiping_and_a_conflict_is_reported() {
    // The id is a snowflake of 2021-09-22T16:38:29.056Z; the API rounds created_at to the second.
    let full = r#"{"data":[{"id":"1440717144166068233","text":"Full #text","author_id":"7","created_at":"2021-09-22T16:38:29.000Z","lang":"en","entities":{"hashtags":[{"start":5,"end":10,"tag":"text"}]},"public_metrics":{"like_count":1,"reply_count":2}}]}"#;
    // Requested with few fields: no text, no created_at (the snowflake time is used), new likes.
    let sparse = r#"{"data":[{"id":"1440717144166068233","author_id":"7","public_metrics":{"like_count":9}}]}"#;
    let r = run(&format!("{full}\n{sparse}\n"), &strict()).unwrap();
    let p = r.corpus.post_by_id("1440717144166068233").unwrap();
    assert_eq!(p.text(), "Full #text");
    assert_eq!(p.created_at().to_rfc3339(), "2021-09-22T16:38:29+00:00");
    assert_eq!(p.lang(), Some("en"));
    assert_eq!(p.hashtags().collect::<Vec<_>>(), vec!["text"]);
    assert_eq!((p.metrics().likes, p.metrics().replies), (Some(9), Some(2)));

    let other_author = full.replace(r#""author_id":"7""#, r#""author_id":"8""#);
    let later = full.replace("16:38:29.000Z", "16:40:00.000Z");
    for (copy, field) in [(&other_author, "author"), (&later, "created_at")] {
        let text = format!("{full}\n{copy}\n");
        let e = run(&text, &strict()).unwrap_err();
        assert_eq!(e.skip_reason(), SkipReason::ConflictingCopy);
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "t.jsonl:2: at `data[0]`: post '1440717144166068233' arrived again with another "
            ),
            "{msg}"
        );
        assert!(msg.contains(field), "{msg}");
        let r = run(&text, &lenient()).unwrap();
        assert_eq!(r.skip_counts.conflicting_copy, 1);
        let p = r.corpus.post_by_id("1440717144166068233").unwrap();
        assert_eq!(
            (p.author().id(), p.created_at().to_rfc3339().as_str()),
            ("7", "2021-09-22T16:38:29+00:00")
        );
    }
}

// ----- 3. tweets without author_id ---------------------------------------------------------------

#[test]
fn tweets_without_author_are_reported_not_silently_dropped() {
    let line = r#"{"data":[{"id":"1","text":"a","created_at":"2024-01-01T00:00:00Z"},{"id":"2","text":"b","created_at":"2024-01-01T00:00:00Z"}],"includes":{"tweets":[{"id":"3","text":"c"}]}}"#;
    let text = format!("{GOOD}\n{line}\n");
    let e = run(&text, &strict()).unwrap_err().to_string();
    assert!(
        e.starts_with("t.jsonl:2: at `includes.tweets[0]`: expected a tweet with `author_id`"),
        "{e}"
    );
    let r = run(&text, &lenient()).unwrap();
    assert_eq!(r.skip_counts.no_author, 3);
    assert_eq!(r.stats.skipped_no_author, 3);
    let paths: Vec<&str> = r
        .skipped
        .iter()
        .map(|s| s.reason.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(paths, ["includes.tweets[0]", "data[0]", "data[1]"]);
    // The report the CLI prints with --json carries the counts per reason.
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["skip_counts"]["no_author"], 3);
    assert_eq!(json["skipped"][0]["kind"], "no_author");
    // No created_at and an id too old to be a snowflake: no time.
    let no_time = r#"{"data":[{"id":"20","text":"old","author_id":"7"}]}"#;
    let e = run(no_time, &strict()).unwrap_err();
    assert_eq!(e.skip_reason(), SkipReason::NoTime);
    assert!(
        e.to_string().contains("expected a tweet with `created_at`"),
        "{e}"
    );
    assert_eq!(run(no_time, &lenient()).unwrap().skip_counts.no_time, 1);
}

// ----- 4. huge values in errors ------------------------------------------------------------------

#[test]
fn a_huge_bad_value_is_cut_in_the_error() {
    let big = "x".repeat(10_000_000);
    for line in [
        format!(r#"{{"data":[{{"id":"1","text":"a","author_id":"7","entities":"{big}"}}]}}"#),
        format!(r#"{{"data":[{{"id":"1","text":"a","author_id":"7","created_at":"{big}"}}]}}"#),
        format!(
            r#"{{"id":"","text":"a","author_id":"{big}","created_at":"2024-01-01T00:00:00Z"}}"#
        ),
        format!(r#"{{"title":"{big}","detail":"d"}}"#),
    ] {
        let e = run(&line, &strict()).unwrap_err().to_string();
        assert!(e.len() < 1_000, "{} bytes: {}", e.len(), &e[..300]);
        let r = run(&line, &lenient()).unwrap();
        assert!(r.skipped[0].reason.len() < 1_000);
    }
    let e = run(
        &format!(r#"{{"data":[{{"id":"1","text":"a","author_id":"7","created_at":"{big}"}}]}}"#),
        &strict(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains(&format!("{}… (10000000 bytes)'", "x".repeat(200))),
        "{}",
        &e[..400]
    );
}

// ----- 5. timestamps -----------------------------------------------------------------------------

#[test]
fn a_timestamp_without_t_says_what_was_expected() {
    let line =
        r#"{"data":[{"id":"1","text":"a","author_id":"7","created_at":"2024-01-01 00:00:00"}]}"#;
    let e = run(&format!("{GOOD}\n{line}"), &strict())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "t.jsonl:2:80: at `data[0].created_at`: expected an RFC 3339 timestamp like 2024-01-01T00:00:00Z, found '2024-01-01 00:00:00'"
    );
    let users = r#"{"data":[{"id":"1","username":"ada","created_at":"yesterday"}]}"#;
    let page: Result<rapport_twitter::models::UsersResponse, _> = serde_json::from_str(users);
    assert!(page.unwrap_err().to_string().contains("found 'yesterday'"));
}

// ----- 6. tweets.js outside an archive -----------------------------------------------------------

#[test]
fn an_archive_tweets_file_alone_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    // Alone: the format is named and the missing account.js explained.
    let alone = dir.path().join("alone");
    std::fs::create_dir(&alone).unwrap();
    std::fs::write(alone.join("tweets.js"), TWEETS_JS).unwrap();
    let e = import_path(alone.join("tweets.js"), &strict())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("tweets file of an X account archive") && e.contains("account.js"),
        "{e}"
    );
    // With account.js beside it, it imports; also without the `window.YTD` prefix.
    let both = dir.path().join("both");
    std::fs::create_dir(&both).unwrap();
    std::fs::write(both.join("account.js"), ACCOUNT_JS).unwrap();
    let bare = TWEETS_JS.split_once('=').unwrap().1;
    std::fs::write(both.join("tweets.js"), bare).unwrap();
    let r = import_path(both.join("tweets.js"), &strict()).unwrap();
    assert_eq!(r.corpus.post_by_id("7").unwrap().author().handle(), "ada");
    // The archive's array given as JSON: named, not "invalid type: map, expected an id".
    let json = dir.path().join("tweets.json");
    std::fs::write(&json, bare).unwrap();
    let e = import_path(&json, &strict()).unwrap_err().to_string();
    assert!(
        e.contains("found a JSON array: this looks like the tweets of an X account archive"),
        "{e}"
    );
    let e = run(TWEETS_JS, &strict()).unwrap_err().to_string();
    assert!(e.contains("this is a file of an X account archive"), "{e}");
}

// ----- 7. unsafe zip entry names -----------------------------------------------------------------

#[test]
fn zip_entries_outside_the_archive_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        "../data/account.js",
        "/abs/data/tweets.js",
        "a/../data/tweets.js",
        "C:/data/tweets.js",
    ] {
        let z = dir.path().join("bad.zip");
        let mut files: Vec<(&str, &[u8])> = vec![
            ("data/account.js", ACCOUNT_JS.as_bytes()),
            ("data/tweets.js", TWEETS_JS.as_bytes()),
        ];
        files.push((bad, TWEETS_JS.as_bytes()));
        write_zip(&z, &files);
        let e = import_archive(&z, &lenient()).unwrap_err().to_string();
        assert!(e.contains("unsafe entry name"), "{bad}: {e}");
    }
    // Deeper than one top folder is not archive data.
    let z = dir.path().join("deep.zip");
    write_zip(
        &z,
        &[
            ("a/b/data/account.js", ACCOUNT_JS.as_bytes()),
            ("a/b/data/tweets.js", TWEETS_JS.as_bytes()),
        ],
    );
    assert!(
        import_archive(&z, &strict())
            .unwrap_err()
            .to_string()
            .contains("no `data/tweets.js`")
    );
    let z = dir.path().join("top.zip");
    write_zip(
        &z,
        &[
            ("twitter-2024/data/account.js", ACCOUNT_JS.as_bytes()),
            ("twitter-2024/data/tweets.js", TWEETS_JS.as_bytes()),
        ],
    );
    assert_eq!(import_archive(&z, &strict()).unwrap().corpus.num_posts(), 1);
}

// ----- 8. bounded memory -------------------------------------------------------------------------

#[test]
fn a_zip_bomb_is_refused_by_the_ratio_cap() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("bomb.zip");
    // 64 MiB of spaces deflate about 1000 times: refused before inflating (a 1 GB entry works the
    // same way; this one keeps the test quick).
    let mut body = b"window.YTD.tweets.part0 = [".to_vec();
    body.resize(64 << 20, b' ');
    body.push(b']');
    write_zip(
        &z,
        &[
            ("data/account.js", ACCOUNT_JS.as_bytes()),
            ("data/tweets.js", &body),
        ],
    );
    assert!(std::fs::metadata(&z).unwrap().len() < 1 << 20);
    let e = import_archive(&z, &lenient()).unwrap_err().to_string();
    assert!(e.contains("a ratio over the limit of 200"), "{e}");
    // A trusted archive: a higher ratio lets it through.
    let r = import_archive(&z, &lenient().with_max_compression_ratio(100_000)).unwrap();
    assert_eq!(r.corpus.num_posts(), 0);
    // The entry size cap, for zips and folders alike.
    let small = lenient().with_max_entry_bytes(50);
    let e = import_archive(&z, &small).unwrap_err().to_string();
    assert!(e.contains("over the limit of 50 bytes"), "{e}");
    let folder = dir.path().join("f");
    std::fs::create_dir_all(folder.join("data")).unwrap();
    std::fs::write(folder.join("data/account.js"), ACCOUNT_JS).unwrap();
    std::fs::write(folder.join("data/tweets.js"), TWEETS_JS).unwrap();
    let e = import_archive(&folder, &small).unwrap_err().to_string();
    assert!(e.contains("over the limit of 50 bytes"), "{e}");
}

/// The peak resident memory of this process so far, in bytes (Linux), if known.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The tester's case at full size: 1 GiB of spaces in a zip of about 1 MB. Slow in a debug build
/// (deflating 1 GiB), so run on request: `cargo test --release -p rapport-twitter --test reliability
/// -- --ignored one_gigabyte`.
#[test]
#[ignore = "deflates 1 GiB: run with --release --ignored"]
fn one_gigabyte_of_spaces_is_refused_without_being_inflated() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("bomb.zip");
    {
        let f = std::fs::File::create(&z).unwrap();
        let mut w = zip::ZipWriter::new(std::io::BufWriter::new(f));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        w.start_file("data/account.js", opts).unwrap();
        w.write_all(ACCOUNT_JS.as_bytes()).unwrap();
        w.start_file("data/tweets.js", opts).unwrap();
        w.write_all(b"window.YTD.tweets.part0 = [").unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..1024 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"]").unwrap();
        w.finish().unwrap();
    }
    let size = std::fs::metadata(&z).unwrap().len();
    let before = peak_rss();
    let t = std::time::Instant::now();
    let e = import_archive(&z, &lenient()).unwrap_err().to_string();
    let took = t.elapsed();
    let after = peak_rss();
    eprintln!("zip {size} bytes; refused in {took:?}; peak RSS {before:?} -> {after:?}: {e}");
    assert!(size < 2 << 20, "{size}");
    assert!(e.contains("a ratio over the limit of 200"), "{e}");
    if let (Some(b), Some(a)) = (before, after) {
        assert!(a - b < 64 << 20, "peak memory grew by {} bytes", a - b);
    }
}

#[test]
fn a_zip_that_understates_an_entry_is_stopped_while_inflating() {
    // A 16 MiB entry of spaces whose headers are patched to declare 100 kB: it passes the checks on
    // the declared sizes, and the reading itself stops at the ratio limit.
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("liar.zip");
    let mut body = b"window.YTD.tweets.part0 = [".to_vec();
    body.resize(16 << 20, b' ');
    body.push(b']');
    {
        let f = std::fs::File::create(&z).unwrap();
        let mut w = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("data/tweets.js", opts).unwrap();
        w.write_all(&body).unwrap();
        w.start_file("data/account.js", opts).unwrap();
        w.write_all(ACCOUNT_JS.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    let mut bytes = std::fs::read(&z).unwrap();
    let declared = 100_000u32.to_le_bytes();
    // The local header of the first entry (uncompressed size at offset 22) and its central
    // directory record (at offset 24 from its `PK\x01\x02` signature).
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    bytes[22..26].copy_from_slice(&declared);
    let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&declared);
    std::fs::write(&z, &bytes).unwrap();
    let e = import_archive(&z, &lenient()).unwrap_err().to_string();
    assert!(
        e.contains("inflates past") && e.contains("declares 100000"),
        "{e}"
    );
}

// ----- 9. compliance events ----------------------------------------------------------------------

#[test]
fn compliance_lines_become_typed_events() {
    let text = r#"{"id":"1260294888811347969","action":"delete","created_at":"2020-05-12T20:07:24.000Z","redacted_at":"2021-07-08T20:06:29.000Z","reason":"deleted"}
{"id":"7","action":"suspend","created_at":"2012-01-01T00:00:00.000Z","reason":"suspended"}
{"id":"5","action":"delete","type":"tweet"}
"#;
    let r = run(&format!("{GOOD}\n{text}"), &strict()).unwrap();
    assert_eq!(r.compliance.len(), 3);
    let e = &r.compliance[0];
    assert_eq!(
        (e.action, e.target, e.reason.as_deref()),
        (
            ComplianceAction::Delete,
            ComplianceTarget::Unknown,
            Some("deleted")
        )
    );
    assert_eq!(
        e.redacted_at.unwrap().to_rfc3339(),
        "2021-07-08T20:06:29+00:00"
    );
    assert_eq!(
        (r.compliance[1].action, r.compliance[1].target),
        (ComplianceAction::Suspend, ComplianceTarget::Account)
    );
    assert_eq!(r.compliance[2].target, ComplianceTarget::Post);
    let mut corpus = r.corpus;
    let report = corpus.apply_compliance(&r.compliance);
    assert_eq!(
        (
            report.posts_removed,
            report.accounts_removed,
            report.not_found
        ),
        (1, 1, 1)
    );
    assert_eq!(corpus.num_posts(), 0);

    let bad = r#"{"id":"7","action":"like"}"#;
    let e = run(bad, &strict()).unwrap_err().to_string();
    assert!(
        e.contains("unknown compliance action 'like': expected one of delete, protect"),
        "{e}"
    );
    assert_eq!(
        run(bad, &lenient())
            .unwrap()
            .skip_counts
            .bad_compliance_event,
        1
    );
}

// ----- cases that already held ------------------------------------------------------------------

#[test]
fn invalid_utf8_and_deep_nesting_are_errors_with_a_line() {
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"{\"data\":[{\"id\":\"1\",\"text\":\"\xff\xfe\"}]}\n");
    let e = import_jsonl_reader(&bytes[..], "t.jsonl", &strict())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.jsonl:2:") && e.contains("invalid UTF-8"),
        "{e}"
    );
    let r = import_jsonl_reader(&bytes[..], "t.jsonl", &lenient()).unwrap();
    assert_eq!((r.corpus.num_posts(), r.skip_counts.malformed), (1, 1));
    // 100,000 nested arrays and objects: a type error or serde_json's depth limit, not a stack
    // overflow.
    for deep in [
        format!(
            "{{\"data\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)),
    ] {
        let e = run(&deep, &strict()).unwrap_err().to_string();
        assert!(e.starts_with("t.jsonl:1:"), "{}", &e[..e.len().min(300)]);
        assert_eq!(run(&deep, &lenient()).unwrap().skip_counts.malformed, 1);
    }
}

// ----- no panics ----------------------------------------------------------------------------------

/// A valid line with one byte changed, cut, or doubled.
fn mutated_line() -> impl Strategy<Value = Vec<u8>> {
    let lines = [
        GOOD.to_owned(),
        r#"{"id":"9","text":"flat @ada #x","author_id":"7","author":{"id":"7","username":"ada"},"created_at":"2024-01-01T00:00:00Z","referenced_tweets":[{"type":"quoted","id":"5","text":"q","author_id":"8"}]}"#.to_owned(),
        r#"{"id":"1","action":"delete","reason":"deleted"}"#.to_owned(),
        r#"{"data":{"id":"3","text":"stream","author_id":"7"},"matching_rules":[{"id":1}]}"#.to_owned(),
    ];
    (0..lines.len(), any::<usize>(), any::<u8>(), 0u8..4).prop_map(move |(which, at, byte, how)| {
        let mut b = lines[which].clone().into_bytes();
        let at = at % b.len();
        match how {
            0 => b[at] = byte,
            1 => b.truncate(at),
            2 => b.insert(at, byte),
            _ => {
                let copy = b.clone();
                b.extend_from_slice(b"\n");
                b.extend_from_slice(&copy);
            }
        }
        b
    })
}

fn importers_do_not_panic(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    for opts in [strict(), lenient()] {
        let _ = import_jsonl_reader(bytes, "p.jsonl", &opts);
        let f = dir.path().join("page.json");
        std::fs::write(&f, bytes).unwrap();
        let _ = import_response_file(&f, &opts);
        let _ = import_path(&f, &opts);
        // As an archive's tweets file, with and without its prefix, in a zip and alone.
        let mut tweets = b"window.YTD.tweets.part0 = ".to_vec();
        tweets.extend_from_slice(bytes);
        let z = dir.path().join("a.zip");
        write_zip(
            &z,
            &[
                ("data/account.js", ACCOUNT_JS.as_bytes()),
                ("data/tweets.js", &tweets),
            ],
        );
        let _ = import_archive(&z, &opts);
        std::fs::write(dir.path().join("account.js"), ACCOUNT_JS).unwrap();
        let t = dir.path().join("tweets.js");
        std::fs::write(&t, bytes).unwrap();
        let _ = import_archive(&t, &opts);
        // The bytes as a zip file themselves.
        let _ = import_archive(&f, &opts);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        importers_do_not_panic(&bytes);
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend_from_slice(&bytes);
        importers_do_not_panic(&zipish);
    }

    #[test]
    fn mutated_lines_never_panic(line in mutated_line()) {
        importers_do_not_panic(&line);
        let mut archive_array = b"[{\"tweet\":".to_vec();
        archive_array.extend_from_slice(&line);
        archive_array.extend_from_slice(b"}]");
        importers_do_not_panic(&archive_array);
    }
}
