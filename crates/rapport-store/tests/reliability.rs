//! What a tester found: overflowing retention windows, sparse duplicates wiping stored fields,
//! erasure leaving the person in watches, the audit log or the WAL, writers failing half-way under
//! concurrency, two syncs at once, and a tampered audit log going unnoticed.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use rapport_core::{Account, Corpus, Post, PublicMetrics};
use rapport_store::{AuditEntry, DuplicatePolicy, Store, StoreError, Watch, WatchKind, key_path};
use serde_json::json;

fn t(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

fn side(path: &Path, ext: &str) -> std::path::PathBuf {
    path.with_file_name(format!(
        "{}{ext}",
        path.file_name().unwrap().to_string_lossy()
    ))
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let hay = hay.to_ascii_lowercase();
    let n = needle.to_ascii_lowercase();
    hay.windows(n.len()).any(|w| w == n.as_bytes())
}

// ----- 1. retention arithmetic -----------------------------------------------------------------------

#[test]
fn a_retention_window_beyond_the_calendar_is_an_error_not_a_panic() {
    let mut s = Store::open_in_memory().unwrap();
    let err = s.retain(100_000_000, t(1, 0)).unwrap_err();
    assert!(matches!(err, StoreError::BadArgument(_)), "{err}");
    assert!(err.to_string().contains("100000000 days"), "{err}");
    // The largest window the calendar allows still works.
    assert_eq!(s.retain(36_500, t(1, 0)).unwrap().posts_deleted, 0);
    // Nothing was logged for the refused run.
    assert_eq!(s.audit_log().unwrap().len(), 1);
}

// ----- 2. duplicates ---------------------------------------------------------------------------------

fn full_post() -> Post {
    let mut p = Post::new("500", "7", "the full text #rust", t(2, 9));
    p.lang = Some("en".into());
    p.hashtags = vec!["rust".into()];
    p.conversation_id = Some("500".into());
    p.metrics = PublicMetrics {
        likes: Some(4),
        replies: Some(1),
        ..PublicMetrics::default()
    };
    p
}

#[test]
fn a_sparse_later_copy_updates_field_by_field_and_wipes_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    s.save_corpus(&Corpus::from_parts(
        [Account::new("7", "ada")],
        [full_post()],
    ))
    .unwrap();
    // The same post again, sparse: no text, no language, no tags, a creation time 400 ms off (the
    // snowflake's precision), but fresher like counts.
    let mut sparse = Post::new(
        "500",
        "7",
        "",
        t(2, 9) + chrono::Duration::milliseconds(400),
    );
    sparse.metrics.likes = Some(9);
    let r = s
        .save_corpus(&Corpus::from_parts([Account::new("7", "")], [sparse]))
        .unwrap();
    assert_eq!((r.posts_written, r.conflicts_skipped), (1, 0));

    let c = s.load_corpus().unwrap();
    let p = c.post_by_id("500").unwrap();
    assert_eq!(p.text(), "the full text #rust");
    assert_eq!(p.created_at(), t(2, 9));
    assert_eq!(p.lang(), Some("en"));
    assert_eq!(p.hashtags().collect::<Vec<_>>(), ["rust"]);
    assert_eq!(p.conversation_id(), Some("500"));
    assert_eq!(p.metrics().likes, Some(9), "a known new value replaces");
    assert_eq!(p.metrics().replies, Some(1), "a missing one does not wipe");
    assert_eq!(c.account_by_id("7").unwrap().handle(), "ada");
}

#[test]
fn a_conflicting_copy_is_an_error_in_strict_mode_and_a_counted_skip_in_lenient_mode() {
    let mut s = Store::open_in_memory().unwrap();
    s.save_corpus(&Corpus::from_parts([], [full_post()]))
        .unwrap();
    let other_author = Post::new("500", "8", "hijacked", t(2, 9));
    let other_time = Post::new("500", "7", "the full text #rust", t(5, 9));
    let fine = Post::new("501", "7", "another post", t(3, 9));

    let err = s
        .save_corpus(&Corpus::from_parts(
            [],
            [fine.clone(), other_author.clone()],
        ))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { post_id, field: "author_id", .. } if post_id == "500"),
        "{err}"
    );
    // Strict: nothing of the write was stored, the fine post included.
    assert_eq!(s.num_posts().unwrap(), 1);

    s.set_duplicate_policy(DuplicatePolicy::Lenient);
    let r = s
        .save_corpus(&Corpus::from_parts([], [fine, other_author]))
        .unwrap();
    assert_eq!((r.posts_written, r.conflicts_skipped), (1, 1));
    assert_eq!(r.conflicts[0].field, "author_id");
    assert_eq!(
        (
            r.conflicts[0].stored.as_str(),
            r.conflicts[0].found.as_str()
        ),
        ("7", "8")
    );
    let r = s
        .save_corpus(&Corpus::from_parts([], [other_time]))
        .unwrap();
    assert_eq!((r.posts_written, r.conflicts_skipped), (0, 1));
    assert_eq!(r.conflicts[0].field, "created_at");
    assert_eq!(r.conflicts[0].stored, "2026-03-02T09:00:00.000Z");
    let c = s.load_corpus().unwrap();
    let p = c.post_by_id("500").unwrap();
    assert_eq!((p.author().id(), p.text()), ("7", "the full text #rust"));
    assert_eq!(p.created_at(), t(2, 9));
}

// ----- 3. erasure that leaves nothing ----------------------------------------------------------------

const ADA_ID: &str = "1580661436132757504";
const ADA_HANDLE: &str = "ada_quietcoder";
const ADA_NAME: &str = "Adelheid Quietcoder";
const ADA_BIO: &str = "builds compilers in Wuppertal-Elberfeld";
const ADA_TEXT: &str = "zanzibar-marmalade-7781 is my secret";

fn ada_world() -> Corpus {
    let mut ada = Account::new(ADA_ID, "Ada_QuietCoder");
    ada.display_name = Some(ADA_NAME.into());
    ada.bio = Some(ADA_BIO.into());
    let bob = Account::new("555", "bob_b");
    Corpus::from_parts(
        [ada, bob],
        [
            Post::new("100", ADA_ID, ADA_TEXT, t(10, 9)),
            Post::new("200", "555", "@ada_quietcoder agreed", t(10, 10)),
            Post::new("201", "555", "unrelated", t(10, 11)),
        ],
    )
}

#[test]
fn forget_removes_watches_that_name_the_person_and_leaves_no_byte_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.db");
    let mut s = Store::open(&path).unwrap();
    for w in [
        Watch::new("ada-timeline", WatchKind::Timeline, "@Ada_QuietCoder"),
        Watch::new("her-mentions", WatchKind::Mentions, ADA_ID),
        Watch::new("talks", WatchKind::Search, "from:ada_quietcoder #rust"),
        Watch::new("jobs", WatchKind::Search, "#hiring -is:retweet"),
        Watch::new("team", WatchKind::List, "12345"),
    ] {
        s.add_watch(&w).unwrap();
    }
    // A timeline watch of a handle the sync resolved to her id.
    let mut resolved = Watch::new("w7", WatchKind::Timeline, "someone_renamed");
    resolved.options = json!({"sync": {"user_id": ADA_ID}});
    s.add_watch(&resolved).unwrap();
    s.save_corpus(&ada_world()).unwrap();
    let mut e = AuditEntry::new("score");
    e.cohort = vec![ADA_ID.into(), "555".into()];
    s.audit_append(&e).unwrap();

    let needles = [ADA_ID, ADA_HANDLE, ADA_NAME, ADA_BIO, ADA_TEXT];
    let before = std::fs::read(&path).unwrap();
    let mut before_all = before.clone();
    before_all.extend(std::fs::read(side(&path, "-wal")).unwrap_or_default());
    for n in needles {
        assert!(contains(&before_all, n), "{n:?} should be stored before");
    }

    let r = s.forget("@ada_quietcoder").unwrap();
    assert_eq!(r.watches_removed, 4);
    assert!(r.wal_truncated);
    let names: Vec<String> = s.watches().unwrap().into_iter().map(|w| w.name).collect();
    assert_eq!(names, ["jobs", "team"]);
    // Nor can such a watch be added again.
    for w in [
        Watch::new("again", WatchKind::Mentions, "@ADA_QUIETCODER"),
        Watch::new("again", WatchKind::Timeline, ADA_ID),
        Watch::new("again", WatchKind::Search, "to:ada_quietcoder"),
    ] {
        let err = s.add_watch(&w).unwrap_err();
        assert!(err.to_string().contains("was forgotten"), "{err}");
    }

    // A later run whose cohort names her (a caller passing a stale id) does not link her again.
    let mut late = AuditEntry::new("score");
    late.cohort = vec![ADA_ID.into()];
    s.audit_append(&late).unwrap();
    assert_eq!(s.audit_key_of(ADA_ID).unwrap(), None);
    assert!(s.checkpoint().unwrap());

    let mut export = Vec::new();
    s.audit_export_jsonl(&mut export).unwrap();
    let db = std::fs::read(&path).unwrap();
    let wal = std::fs::read(side(&path, "-wal")).unwrap_or_default();
    for n in needles {
        assert!(!contains(&db, n), "{n:?} is still in the database file");
        assert!(!contains(&wal, n), "{n:?} is still in the -wal file");
        assert!(!contains(&export, n), "{n:?} is still in the audit export");
    }
    // The log still verifies, and her key in it is linked to nothing.
    assert_eq!(s.audit_verify().unwrap(), Ok(3));
    assert_eq!(s.audit_key_of(ADA_ID).unwrap(), None);

    // The tombstones are keyed: the file does not hold the key, and a store opened with another key
    // is refused instead of letting her back in.
    let key = key_path(&path);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert!(!contains(&db, key_text.trim()));
    drop(s);
    let saved = key_text.clone();
    std::fs::remove_file(&key).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Key(_)), "{err}");
    assert!(err.to_string().contains(".key is missing"), "{err}");
    write_key(&key, &"ab".repeat(32));
    let err = Store::open(&path).unwrap_err();
    assert!(err.to_string().contains("is not the key"), "{err}");
    write_key(&key, saved.trim());
    let mut s = Store::open(&path).unwrap();
    let again = s.save_corpus(&ada_world()).unwrap();
    assert_eq!(again.accounts_skipped, 1);
    assert!(s.load_corpus().unwrap().post_by_id("100").is_none());
}

fn write_key(path: &Path, hex: &str) {
    let _ = std::fs::remove_file(path);
    std::fs::write(path, hex).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn openers_racing_on_a_new_store_agree_on_one_key() {
    // Several rounds of openers released at once: SQLite answers "busy" at once (without its busy
    // handler) to a switch to WAL that meets another opener's switch, which one round in ten or so
    // hit before the open retried it.
    for round in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("race.db");
        let start = std::sync::Arc::new(std::sync::Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let p = path.clone();
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    Store::open(&p).map(|s| s.pseudonym_of_id("42"))
                })
            })
            .collect();
        let digests: Vec<String> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e}"))
            })
            .collect();
        assert!(digests.windows(2).all(|w| w[0] == w[1]), "{digests:?}");
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    drop(Store::open(&path).unwrap());
    std::fs::set_permissions(key_path(&path), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(err.to_string().contains("chmod 600"), "{err}");
}

#[test]
fn forget_says_when_a_reader_keeps_the_wal_from_being_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held.db");
    let mut s = Store::open(&path).unwrap();
    s.save_corpus(&ada_world()).unwrap();
    // A reader holds a snapshot open.
    let reader = rusqlite::Connection::open(&path).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM posts;")
        .unwrap();
    let r = s.forget(ADA_ID).unwrap();
    assert!(!r.wal_truncated);
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    // Once the reader is gone a compaction finishes the job.
    assert!(s.compact().unwrap());
    let wal = std::fs::read(side(&path, "-wal")).unwrap_or_default();
    assert!(!contains(&wal, ADA_TEXT));
}

// ----- 4. writers ------------------------------------------------------------------------------------

#[test]
fn a_writer_that_read_first_waits_for_another_writer_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let mut a = Store::open(&path).unwrap();
    a.save_corpus(&ada_world()).unwrap();
    // Another connection holds the write lock for 300 ms, then commits a write.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "BEGIN IMMEDIATE; INSERT INTO posts (id, author_id, text, created_ms) VALUES ('9', '555', 'x', 0);",
    )
    .unwrap();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        raw.execute_batch("COMMIT").unwrap();
    });
    // A deferred transaction would read the tombstones on an old snapshot and then fail with
    // SQLITE_BUSY_SNAPSHOT when it tries to write; BEGIN IMMEDIATE waits for the lock instead.
    let started = Instant::now();
    let r = a
        .save_corpus(&Corpus::from_parts(
            [],
            [Post::new("10", "555", "y", t(1, 1))],
        ))
        .unwrap();
    assert_eq!(r.posts_written, 1);
    assert!(started.elapsed() >= Duration::from_millis(250));
    holder.join().unwrap();
    assert_eq!(a.num_posts().unwrap(), 5);
}

#[test]
fn a_writer_locked_out_past_the_busy_timeout_gets_an_error_naming_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let mut a = Store::open(&path).unwrap();
    a.set_busy_timeout(Duration::from_millis(100)).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = a.save_corpus(&ada_world()).unwrap_err();
    assert!(
        matches!(err, StoreError::Locked { waited_ms: 100, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    let err = a.audit_append(&AuditEntry::new("x")).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    raw.execute_batch("ROLLBACK").unwrap();
    a.save_corpus(&ada_world()).unwrap();
}

#[test]
fn an_open_held_off_by_another_writer_gives_up_after_the_busy_timeout_and_says_how_long() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held.db");
    // Another program holds the file (still in rollback-journal mode) exclusively: the open's switch
    // to WAL cannot even read it.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);")
        .unwrap();
    let start = std::time::Instant::now();
    let err = Store::open(&path).unwrap_err();
    let took = start.elapsed();
    let waited = match err {
        StoreError::Locked { waited_ms, .. } => waited_ms,
        ref other => panic!("{other}"),
    };
    // The real wait, about the 5 s busy timeout, and not the timeout again for every retry.
    assert!(
        (4_500..=took.as_millis() as u64).contains(&waited),
        "{waited} ms, took {took:?}"
    );
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    raw.execute_batch("COMMIT").unwrap();
    drop(raw);
    Store::open(&path).unwrap();
}

#[test]
fn two_syncs_on_one_store_serialise_through_the_sync_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut a = Store::open(&path).unwrap();
    let p2 = path.clone();
    let lock = a.acquire_sync_lock().unwrap();
    // Another connection, in another thread, is refused and told which process holds it.
    let err = std::thread::spawn(move || Store::open(&p2).unwrap().acquire_sync_lock())
        .join()
        .unwrap()
        .unwrap_err();
    match &err {
        StoreError::SyncLocked { pid, .. } => assert_eq!(*pid, std::process::id()),
        other => panic!("{other}"),
    }
    assert!(
        err.to_string()
            .contains(&format!("process {}", std::process::id()))
    );
    a.release_sync_lock(&lock).unwrap();
    let mut b = Store::open(&path).unwrap();
    let lock_b = b.acquire_sync_lock().unwrap();
    // Releasing a lock that is no longer yours leaves the new holder's alone.
    a.release_sync_lock(&lock).unwrap();
    assert!(matches!(
        a.acquire_sync_lock(),
        Err(StoreError::SyncLocked { .. })
    ));
    b.release_sync_lock(&lock_b).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_sync_lock_left_by_a_dead_process_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stale.db");
    let mut s = Store::open(&path).unwrap();
    // A child that exits at once: its pid names no running process afterwards.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "INSERT INTO sync_lock (id, pid, token, started_at) VALUES (1, ?1, 'old', '2026-01-01T00:00:00Z')",
        [dead],
    )
    .unwrap();
    let lock = s.acquire_sync_lock().unwrap();
    assert_eq!(lock.pid, std::process::id());
}

// ----- 5. data and its audit entry together -------------------------------------------------------------

#[test]
fn data_and_its_audit_entry_commit_together_or_not_at_all() {
    let mut s = Store::open_in_memory().unwrap();
    let (r, seq) = s
        .save_corpus_audited(&ada_world(), |r| {
            let mut e = AuditEntry::new("import");
            e.details = json!({"posts_written": r.posts_written});
            e
        })
        .unwrap();
    assert_eq!((r.posts_written, seq), (3, 1));
    assert_eq!(s.audit_log().unwrap()[0].details["posts_written"], 3);

    // A conflicting write fails: neither its data nor its entry is stored.
    let bad = Corpus::from_parts([], [Post::new("100", "555", "not hers", t(10, 9))]);
    assert!(
        s.save_corpus_audited(&bad, |_| AuditEntry::new("import"))
            .is_err()
    );
    assert_eq!(s.audit_log().unwrap().len(), 1);
}

// ----- 7. check --------------------------------------------------------------------------------------

#[test]
fn check_finds_a_tampered_audit_log_and_passes_a_sound_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("check.db");
    let mut s = Store::open(&path).unwrap();
    s.save_corpus(&ada_world()).unwrap();
    for a in ["import", "score", "report"] {
        s.audit_append(&AuditEntry::new(a)).unwrap();
    }
    let ok = s.check().unwrap();
    assert!(ok.is_ok(), "{ok:?}");
    assert_eq!(ok.audit_rows, 3);

    // Someone with the file drops the trigger and edits row 2.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET details = '{\"edited\":true}' WHERE seq = 2;",
    )
    .unwrap();
    let bad = s.check().unwrap();
    assert!(!bad.is_ok());
    let b = bad.audit_break.unwrap();
    assert_eq!(b.seq, 2);
    assert!(b.reason.contains("changed"), "{}", b.reason);

    // Or removes a row: the next one no longer links.
    raw.execute_batch(
        "UPDATE audit_log SET details = '{}' WHERE seq = 2;
         DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE seq = 2;",
    )
    .unwrap();
    let b = s.check().unwrap().audit_break.unwrap();
    assert_eq!(b.seq, 3);
    assert!(b.reason.contains("removed"), "{}", b.reason);
}

#[test]
fn a_file_that_is_not_a_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "this is not a database, just some text that is long enough",
    )
    .unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(err.to_string().contains("notes.txt"), "{err}");
}

// ----- schema v2 -> v3 -------------------------------------------------------------------------------

#[test]
fn a_version_2_file_gets_its_audit_log_pseudonymised_and_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    // A v2 store: make a v1 file and let only migration 2 run, by hand.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(rapport_store::__private::V1_SQL)
            .unwrap();
        conn.execute_batch(rapport_store::__private::V2_SQL)
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 2").unwrap();
        let salt: Vec<u8> = conn
            .query_row("SELECT value FROM meta WHERE key = 'salt'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let d = |v: &str| rapport_store::__private::legacy_digest(&salt, v);
        conn.execute(
            "INSERT INTO accounts VALUES ('42', '42', 'kept', 'kept', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'x')",
            [],
        )
        .unwrap();
        // Gone person 77 was forgotten: tombstones and the old style forget entry.
        conn.execute(
            "INSERT INTO tombstones (digest, at) VALUES (?1, 'x'), (?2, 'x')",
            [d("id:77"), d("handle:gone_person")],
        )
        .unwrap();
        let cohort = serde_json::to_string(&[d("id:42"), d("id:77")]).unwrap();
        conn.execute(
            "INSERT INTO audit_log (at, actor, action, analysis, config, version, cohort_size, cohort,
                output_digest, details) VALUES ('2026-01-01T00:00:00Z', 'a', 'score', NULL, '{}', 'v',
                2, ?1, NULL, '{}')",
            [&cohort],
        )
        .unwrap();
        let details =
            json!({"tombstones": [d("id:77"), d("handle:gone_person")], "candidate": null})
                .to_string();
        conn.execute(
            "INSERT INTO audit_log (at, actor, action, analysis, config, version, cohort_size, cohort,
                output_digest, details) VALUES ('2026-01-02T00:00:00Z', 'a', 'forget', NULL, '{}', 'v',
                1, ?1, NULL, ?2)",
            [serde_json::to_string(&[d("id:77")]).unwrap(), details],
        )
        .unwrap();
    }
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), rapport_store::SCHEMA_VERSION);
    let log = s.audit_log().unwrap();
    let key42 = s.audit_key_of("42").unwrap().unwrap();
    assert_eq!(log[0].cohort[0], key42);
    assert!(log[0].cohort[1].starts_with("p:") && log[0].cohort[1] != key42);
    assert_eq!(s.audit_key_of("77").unwrap(), None);
    assert_eq!(log[1].details["tombstones_written"], 2);
    assert_eq!(log[1].details["candidate"], false);
    assert_eq!(log[1].details["migrated_v3"], true);
    assert_eq!(s.audit_verify().unwrap(), Ok(2));
    // The legacy tombstones still keep the forgotten person out.
    assert!(s.is_forgotten("77").unwrap());
    assert!(s.is_forgotten("@gone_person").unwrap());
    let r = s
        .save_corpus(&Corpus::from_parts(
            [Account::new("77", "gone_person")],
            [Post::new("1", "77", "back?", t(1, 1))],
        ))
        .unwrap();
    assert_eq!((r.posts_written, r.posts_skipped), (0, 1));
}

// ----- X compliance events ---------------------------------------------------------------------------

const DELETED_TEXT: &str = "quokka-lantern-5521 my deleted post";
const PROTECTED_TEXT: &str = "tapioca-orbit-9043 my now private post";
const SUSPENDED_TEXT: &str = "pelican-ledger-3317 from a suspended account";

/// Ada (1) with a post she deletes (10) and one that stays (11), Bob (2) who reposts the deleted
/// post (12, carrying its text) and replies to her (13), Cy (3) who protects a post (14), and Dee
/// (4) whose account is suspended (15).
fn compliance_world() -> Corpus {
    let mut dee = Account::new("4", "dee_d");
    dee.bio = Some("a bio of a suspended person".into());
    let mut repost = Post::new("12", "2", format!("RT @ada: {DELETED_TEXT}"), t(11, 9));
    repost.reposted = Some("10".into());
    let mut reply = Post::new("13", "2", "@ada well said", t(11, 10));
    reply.reply_to = Some("11".into());
    Corpus::from_parts(
        [
            Account::new("1", "ada"),
            Account::new("2", "bob"),
            Account::new("3", "cy"),
            dee,
        ],
        [
            Post::new("10", "1", DELETED_TEXT, t(10, 9)),
            Post::new("11", "1", "a post that stays", t(10, 10)),
            repost,
            reply,
            Post::new("14", "3", PROTECTED_TEXT, t(10, 11)),
            Post::new("15", "4", SUSPENDED_TEXT, t(10, 12)),
        ],
    )
}

#[test]
fn compliance_events_remove_posts_and_accounts_tombstone_them_and_leave_no_byte() {
    use rapport_core::compliance::{ComplianceAction as A, ComplianceEvent, ComplianceTarget as T};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compliance.db");
    let mut s = Store::open(&path).unwrap();
    s.save_corpus(&compliance_world()).unwrap();
    s.put_derived("4", "engagement", &json!({"score": 0.5}))
        .unwrap();
    let mut e = AuditEntry::new("score");
    e.cohort = vec!["4".into(), "1".into()];
    s.audit_append(&e).unwrap();
    let dee_key = s.audit_key_of("4").unwrap().unwrap();
    let ev = ComplianceEvent::new;
    let events = [
        ev("10", T::Unknown, A::Delete),
        ev("14", T::Post, A::Protect),
        ev("4", T::Account, A::Suspend),
        ev("3", T::Account, A::ScrubGeo),
        ev("1", T::Account, A::Unprotect),
        // Not held yet: tombstoned, so a later import skips it.
        ev("99", T::Post, A::Delete),
        // The same event twice counts twice but removes once.
        ev("10", T::Unknown, A::Delete),
    ];
    let r = s.apply_compliance(&events).unwrap();
    // Worked out by hand from `compliance_world`: posts 10 and 14; Dee's post 15; Bob's repost 12.
    assert_eq!(r.events, 7);
    assert_eq!(r.by_action["delete"], 3);
    assert_eq!(r.posts_deleted, 2);
    assert_eq!(r.accounts_deleted, 1);
    assert_eq!(r.account_posts_deleted, 1);
    assert_eq!(r.reposts_deleted, 1);
    assert_eq!(r.derived_deleted, 1);
    assert_eq!(r.not_found, 1);
    assert_eq!(r.unchanged, 2);
    // post:10, post:14, post:99, id:4.
    assert_eq!(r.tombstones, 4);
    assert!(r.wal_truncated);

    let c = s.load_corpus().unwrap();
    let mut left: Vec<&str> = c.posts().map(|p| p.id()).collect();
    left.sort_unstable();
    assert_eq!(left, ["11", "13"]);
    assert!(s.derived("4").unwrap().is_empty());
    for id in ["10", "14", "99"] {
        assert!(s.is_post_removed(id).unwrap(), "{id}");
    }
    assert!(!s.is_post_removed("11").unwrap());
    assert!(s.is_forgotten("4").unwrap());
    assert!(
        !s.is_forgotten("dee_d").unwrap(),
        "a handle is not tombstoned: X reuses them"
    );

    // One audit entry, in the log that still verifies; Dee only as a key that now links to nobody.
    let log = s.audit_log().unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, "compliance");
    assert_eq!(last.seq, r.audit_seq);
    assert_eq!(last.cohort, [dee_key]);
    assert_eq!(last.details["posts_deleted"], 2);
    assert_eq!(s.audit_key_of("4").unwrap(), None);
    assert!(s.audit_key_of("1").unwrap().is_some());
    assert_eq!(s.audit_verify().unwrap(), Ok(2));

    // The bytes are gone from the file and its log, not only from queries.
    assert!(s.checkpoint().unwrap());
    let db = std::fs::read(&path).unwrap();
    let wal = std::fs::read(side(&path, "-wal")).unwrap_or_default();
    for n in [
        DELETED_TEXT,
        PROTECTED_TEXT,
        SUSPENDED_TEXT,
        "a bio of a suspended person",
    ] {
        assert!(!contains(&db, n), "{n:?} is still in the database file");
        assert!(!contains(&wal, n), "{n:?} is still in the -wal file");
    }

    // A later import of the same data (or a sync bringing it back) skips what was removed.
    let again = s.save_corpus(&compliance_world()).unwrap();
    assert_eq!(again.posts_skipped, 4);
    assert_eq!(again.accounts_skipped, 1);
    let late = Corpus::from_parts(
        [],
        [Post::new("99", "2", "deleted before we saw it", t(12, 9))],
    );
    assert_eq!(s.save_corpus(&late).unwrap().posts_skipped, 1);
    assert_eq!(s.load_corpus().unwrap().num_posts(), 2);

    // Applying the same file again removes nothing, writes no tombstone (an untyped id already
    // tombstoned as a post stays a post), and is logged.
    let r2 = s.apply_compliance(&events).unwrap();
    assert_eq!((r2.posts_removed(), r2.tombstones), (0, 0));
    assert_eq!((r2.not_found, r2.unchanged), (5, 2));
    assert_eq!(s.audit_log().unwrap().len(), 3);
}
