//! `rapport inbox` and `rapport starters` end to end: a hand-built corpus exported as JSONL, imported
//! into a store, read back by the built binary.

use std::path::Path;
use std::process::Command;

use chrono::{Duration, TimeZone, Utc};
use rapport_core::{Account, Corpus, Mention, Post};
use serde_json::Value;

fn rapport(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env_remove("RAPPORT_STORE")
        .env_remove("X_BEARER_TOKEN")
        .output()
        .expect("runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = rapport(args);
    assert_eq!(code, 0, "rapport {args:?}: {out}{err}");
    out
}

/// acme (1) is the organisation. Hours after t0; read at h100 with a 2-day window.
///
/// ```text
/// 10 acme h0   "We are hiring"       root
/// 11 ada  h10  "Is it remote?"  → 10  answered by 12
/// 12 acme h11  "Yes"            → 11
/// 13 bob  h90  "Great team"     → 10  open: 10 h, responded, not a question: 20 + 5·10/48
/// 14 cy   h95  "@acme how to apply" mention, question: open, 100 + 20 + 5·5/48
/// 15 dee  h20  "Where is the office?" → 10  80 h > 48 h: missed
/// ```
fn store(dir: &Path) -> String {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut c = Corpus::new();
    for (id, h) in [
        ("1", "acme"),
        ("2", "ada"),
        ("3", "bob"),
        ("4", "cy"),
        ("5", "dee"),
    ] {
        c.add_account(Account::new(id, h));
    }
    let mut add = |id: &str, author: &str, text: &str, h: i64, reply: Option<&str>| {
        let mut p = Post::new(id, author, text, t0 + Duration::hours(h));
        p.reply_to = reply.map(Into::into);
        p.conversation_id = Some(if reply.is_some() { "10" } else { id }.into());
        if text.starts_with("@acme") {
            p.mentions = vec![Mention {
                id: Some("1".into()),
                handle: "acme".into(),
            }];
        }
        c.add_post(p);
    };
    add("10", "1", "We are hiring", 0, None);
    add("11", "2", "Is it remote?", 10, Some("10"));
    add("12", "1", "Yes", 11, Some("11"));
    add("13", "3", "Great team", 90, Some("10"));
    add("14", "4", "@acme how to apply", 95, None);
    add("15", "5", "Where is the office?", 20, Some("10"));
    let file = dir.join("c.jsonl");
    let mut buf = Vec::new();
    rapport_arrow::corpus_to_jsonl(&c, &mut buf).unwrap();
    std::fs::write(&file, buf).unwrap();
    let db = dir.join("hr.db").to_str().unwrap().to_owned();
    ok(&["import", file.to_str().unwrap(), "--store", &db]);
    db
}

#[test]
fn inbox_lists_open_items_by_priority_and_missed_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let args = [
        "inbox",
        "--store",
        &db,
        "--org",
        "acme",
        "--as-of",
        "2026-03-05T13:00:00Z",
        "--window",
        "2",
    ];
    let mut json = args.to_vec();
    json.push("--json");
    let v: Value = serde_json::from_str(&ok(&json)).unwrap();
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["post_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["14", "13"]);
    let p0 = v["items"][0]["priority"].as_f64().unwrap();
    assert!((p0 - (120.0 + 5.0 * 5.0 / 48.0)).abs() < 1e-9, "{p0}");
    let p1 = v["items"][1]["priority"].as_f64().unwrap();
    assert!((p1 - (20.0 + 5.0 * 10.0 / 48.0)).abs() < 1e-9, "{p1}");
    assert_eq!(v["items"][0]["addresses"][0], "mention");
    assert_eq!(v["missed"][0]["post_id"], "15");
    assert_eq!(v["missed"][0]["age_hours"], 80.0);
    assert_eq!(v["answered"], 1);

    let text = ok(&args);
    assert!(
        text.contains("2 open, 1 missed (older than 2 days), 1 answered"),
        "{text}"
    );
    assert!(text.contains("@cy (responded"), "{text}");

    let (code, _, err) = rapport(&["inbox", "--store", &db, "--org", "nobody"]);
    assert_eq!(code, 1);
    assert!(err.contains("@nobody"), "{err}");
    let (code, _, err) = rapport(&["inbox", "--store", &db, "--org", "acme", "--window", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("window_days"), "{err}");
}

#[test]
fn starters_are_people_never_replied_to() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let out = ok(&["starters", "--store", &db, "--org", "acme", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    // ada was replied to (12): conversing. cy (h95), bob (h90), dee (h20) responded; by recency.
    let h: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["handle"].as_str().unwrap())
        .collect();
    assert_eq!(h, ["cy", "bob", "dee"]);
    let out = ok(&["starters", "--store", &db, "--org", "acme", "--limit", "1"]);
    assert!(out.contains("1. @cy (responded"), "{out}");
    assert!(!out.contains("@bob"), "{out}");
}
