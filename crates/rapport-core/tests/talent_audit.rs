//! The append-only audit log: records hold no ids in clear, the chain detects edits and removals.

use rapport_core::audit::{AuditLog, Audited, RunRecord, VERSION, cohort_digest};
use rapport_core::mentors::{MentorOptions, Topic};
use rapport_core::{Account, Corpus, Error, Post};

#[test]
fn cohort_digest_is_order_independent_and_matches_sha256() {
    // python3 -c "import hashlib;print(hashlib.sha256(b'acct1\nacct2\n').hexdigest())"
    let want = "sha256:742dfadfe4cbb7e73ad3ce505418c3a9723820347bc720b65d3d5c886c96560e";
    assert_eq!(
        cohort_digest(["acct2", "acct1", "acct2"]),
        (2, want.to_owned())
    );
    assert_eq!(cohort_digest(["acct1", "acct2"]).1, want);
}

fn corpus() -> Corpus {
    let t = chrono::DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z")
        .unwrap()
        .to_utc();
    let mut c = Corpus::new();
    c.add_account(Account::new("9001", "secret_handle"));
    c.add_account(Account::new("9002", "other_person"));
    let mut p = Post::new("1", "9001", "How do I #rust?", t);
    p.hashtags = vec!["rust".into()];
    c.add_post(p);
    let mut r = Post::new("2", "9002", "Like this", t);
    r.reply_to = Some("1".into());
    c.add_post(r);
    c
}

#[test]
fn a_mentor_run_is_logged_without_personal_data() {
    let c = corpus();
    let report = c
        .mentors(&Topic::hashtags(["rust"]), &MentorOptions::default())
        .unwrap();
    let mut log = AuditLog::new();
    let rec = log.append(report.run_record().unwrap()).clone();
    assert_eq!(
        (rec.seq, rec.action.as_str(), rec.analysis.as_str()),
        (1, "rank", "mentors")
    );
    assert_eq!(rec.cohort_size, 2);
    assert_eq!(rec.cohort_digest, cohort_digest(["9001", "9002"]).1);
    assert_eq!(rec.version, VERSION);
    assert_eq!(rec.previous_digest, None);
    assert_eq!(rec.config["topic"]["value"][0], "rust");
    // The same output gives the same digest; any change to it, another.
    let again = report.run_record().unwrap();
    assert_eq!(again.output_digest, rec.output_digest);
    let mut changed = report.clone();
    changed.rows[0].score += 1e-9;
    assert_ne!(
        changed.run_record().unwrap().output_digest,
        rec.output_digest
    );

    let mut out = Vec::new();
    log.to_jsonl(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for personal in ["9001", "9002", "secret_handle", "other_person", "How do I"] {
        assert!(!text.contains(personal), "{personal} appears in the log");
    }
}

fn three_records() -> (AuditLog, String) {
    let mut log = AuditLog::new();
    for k in 0..3 {
        let r = RunRecord::new(
            "rank",
            "candidates",
            &serde_json::json!({ "k": k }),
            ["a", "b"],
            &vec![k],
        )
        .unwrap();
        log.append(r);
    }
    let mut out = Vec::new();
    assert_eq!(log.to_jsonl(&mut out).unwrap(), 3);
    (log, String::from_utf8(out).unwrap())
}

#[test]
fn records_chain_and_round_trip() {
    let (log, text) = three_records();
    let r = log.records();
    assert_eq!(r.iter().map(|x| x.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        r[1].previous_digest.as_deref(),
        Some(r[0].record_digest.as_str())
    );
    assert_eq!(
        r[2].previous_digest.as_deref(),
        Some(r[1].record_digest.as_str())
    );
    assert!(log.verify().is_ok());
    let back = AuditLog::from_jsonl(text.as_bytes(), "audit.jsonl").unwrap();
    assert_eq!(back, log);
}

#[test]
fn tampering_is_detected() {
    let (_, text) = three_records();
    let lines: Vec<&str> = text.lines().collect();

    let edited = text.replacen("\"cohort_size\":2", "\"cohort_size\":3", 1);
    let err = AuditLog::from_jsonl(edited.as_bytes(), "audit.jsonl").unwrap_err();
    assert!(matches!(err, Error::AuditLog { line: 1, .. }), "{err}");
    assert!(err.to_string().contains("was changed"));

    let dropped = format!("{}\n{}\n", lines[0], lines[2]);
    let err = AuditLog::from_jsonl(dropped.as_bytes(), "audit.jsonl").unwrap_err();
    assert!(err.to_string().contains("audit.jsonl, record 2"), "{err}");

    let garbage = format!("{}\n{{not json\n", lines[0]);
    let err = AuditLog::from_jsonl(garbage.as_bytes(), "audit.jsonl").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("audit.jsonl, record 2: expected a run record"),
        "{err}"
    );
}
