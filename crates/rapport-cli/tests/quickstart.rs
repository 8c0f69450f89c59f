//! `rapport quickstart` end to end: the summary it prints agrees with what the sample generator
//! planted (its `SampleTruth`, computed from the generator's own world, not from the importer).

use std::process::Command;

use rapport_sample::{Sample, SampleConfig, SampleTruth, write_sample_file};
use serde_json::Value;

fn rapport(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn json_report(args: &[&str]) -> Value {
    let (ok, stdout, stderr) = rapport(args);
    assert!(ok, "rapport {args:?} failed: {stderr}");
    serde_json::from_str(&stdout).expect("--json prints JSON")
}

fn truth(posts: usize, seed: u64) -> SampleTruth {
    Sample::generate(&SampleConfig::new(posts, seed))
        .unwrap()
        .truth()
}

fn check_summary(summary: &Value, truth: &SampleTruth) {
    assert_eq!(summary["posts"].as_u64(), Some(truth.posts as u64));
    for (kind, n) in &truth.by_kind {
        assert_eq!(summary["by_kind"][kind].as_u64(), Some(*n as u64), "{kind}");
    }
    assert_eq!(summary["authors"].as_u64(), Some(truth.authors as u64));
    assert_eq!(summary["accounts"].as_u64(), Some(truth.accounts as u64));
    assert_eq!(
        summary["conversations"].as_u64(),
        Some(truth.conversations as u64)
    );
    assert_eq!(
        summary["missing_parents"].as_u64(),
        Some(truth.missing_reply_parents as u64)
    );
    for (depth, n) in &truth.depth_histogram {
        assert_eq!(
            summary["depth_histogram"][depth.to_string()].as_u64(),
            Some(*n as u64),
            "depth {depth}"
        );
    }
    let org = &summary["org"];
    let handles: Vec<&str> = org["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(handles, truth.org_handles);
    assert_eq!(org["posts"].as_u64(), Some(truth.org_posts as u64));
    assert_eq!(
        org["answered"].as_u64(),
        Some(truth.org_posts_answered as u64)
    );
    assert_eq!(
        org["unanswered"].as_u64(),
        Some((truth.org_posts - truth.org_posts_answered) as u64)
    );
    let span = summary["span"].as_array().unwrap();
    let parse = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!(parse(&span[0]), truth.oldest);
    assert_eq!(parse(&span[1]), truth.newest);
}

#[test]
fn quickstart_on_the_generated_sample_matches_the_ground_truth() {
    let report = json_report(&["quickstart", "--posts", "2000", "--seed", "7", "--json"]);
    let truth = truth(2_000, 7);
    check_summary(&report["summary"], &truth);
    assert_eq!(
        report["load"]["pages"].as_u64(),
        Some((truth.pages + truth.follow_pages) as u64)
    );
    assert_eq!(report["load"]["skipped"].as_u64(), Some(0));
    assert_eq!(report["generated"]["posts"].as_u64(), Some(2_000));
    check_analyses(&report["analyses"], &truth);
}

/// The analyses against what the generator planted.
fn check_analyses(a: &Value, truth: &SampleTruth) {
    let handle = |v: &Value| v["handle"].as_str().unwrap().to_lowercase();
    let is_org = |h: &str| truth.org_handles.iter().any(|o| o.eq_ignore_ascii_case(h));
    // The organisation replies to nobody outside `two_way`: so exactly they reach `conversing` or
    // beyond, and the funnel's two lowest stages hold them all.
    let f = &a["funnel"];
    let at_least_conversing = f["conversing"].as_u64().unwrap() + f["engaged"].as_u64().unwrap();
    assert_eq!(at_least_conversing, truth.two_way.len() as u64);
    let most = a["most_engaged"].as_array().unwrap();
    assert_eq!(
        most.len(),
        10.min(a["engaged_accounts"].as_u64().unwrap() as usize)
    );
    for e in most {
        let h = handle(e);
        assert!(!is_org(&h), "an org account among the engaged: {h}");
        let stage = e["stage"].as_str().unwrap();
        let two_way = truth.two_way.iter().any(|t| t.eq_ignore_ascii_case(&h));
        assert_eq!(
            ["conversing", "engaged"].contains(&stage),
            two_way,
            "{h} at {stage}"
        );
        assert!(e["explanation"].as_str().unwrap().contains(&h));
    }
    // Everyone the generator made "engaged" is at that stage, and they score highest.
    for (i, h) in truth.engaged.iter().enumerate() {
        let row = most.iter().find(|e| handle(e) == h.to_lowercase());
        assert_eq!(
            row.map(|e| e["stage"].as_str().unwrap()),
            Some("engaged"),
            "{h}"
        );
        assert!(
            row.unwrap()["rank"].as_u64().unwrap() as usize <= truth.engaged.len(),
            "{h} #{i}"
        );
    }
    // The broadcast report: the org's posts, and those with a reply by someone else.
    let o = &a["broadcast"]["overall"];
    assert_eq!(o["posts"].as_u64(), Some(truth.org_posts as u64));
    assert_eq!(
        o["conversation"].as_u64(),
        Some(truth.org_posts_answered as u64)
    );
    let void = o["void"].as_u64().unwrap();
    assert_eq!(
        void + o["broadcast"].as_u64().unwrap() + o["conversation"].as_u64().unwrap(),
        truth.org_posts as u64
    );
    assert!((o["void_rate"].as_f64().unwrap() - void as f64 / truth.org_posts as f64).abs() < 1e-9);
    // Skills, candidates and mentors are there; no org account is ever a candidate.
    assert!(!a["top_skills"].as_array().unwrap().is_empty());
    let cands = a["candidates"]["rows"].as_array().unwrap();
    assert!(!cands.is_empty());
    assert!(cands.iter().all(|r| !is_org(&handle(r))));
    assert_eq!(a["candidates"]["job"], "Rust / data engineer");
    let mentors = a["mentors"]["rows"].as_array().unwrap();
    assert!(!mentors.is_empty());
    assert_eq!(a["mentors"]["topic"], "skill python");
}

#[test]
fn quickstart_mentors_of_a_hashtag() {
    let report = json_report(&[
        "quickstart",
        "--posts",
        "2000",
        "--topic",
        "#rustlang",
        "--json",
    ]);
    let truth = truth(2_000, 7);
    let m = &report["analyses"]["mentors"];
    assert_eq!(m["topic"], "#rustlang");
    // The generator's mentors of #rustlang answer its questions: the top mentor is one of them.
    // (The generator plants mentors for its twelve most popular topics; #rustlang is sixth.)
    let planted = truth
        .mentors
        .get("rustlang")
        .expect("planted mentors of #rustlang");
    let top = m["rows"][0]["handle"].as_str().unwrap().to_lowercase();
    assert!(
        planted.iter().any(|h| h.to_lowercase() == top),
        "{top} not among {planted:?}"
    );
}

#[test]
fn quickstart_on_a_file_gives_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.jsonl");
    let truth = write_sample_file(&SampleConfig::new(2_000, 5), &path).unwrap();
    let p = path.to_str().unwrap();
    let report = json_report(&[
        "quickstart",
        p,
        "--org",
        "acme_careers",
        "--org",
        "acme_eng",
        "--org",
        "@ACME_people",
        "--json",
    ]);
    // The summary lists the accounts by their handle as found in the corpus.
    check_summary(&report["summary"], &truth);
    assert!(report["generated"].is_null());
    check_analyses(&report["analyses"], &truth);
    assert_eq!(
        report["load"]["bytes"].as_u64(),
        Some(std::fs::metadata(&path).unwrap().len())
    );
}

#[test]
fn quickstart_prints_a_readable_summary() {
    let (ok, stdout, stderr) = rapport(&["quickstart", "--posts", "1000"]);
    assert!(ok, "{stderr}");
    for needle in [
        "Generated the sample corpus: 1000 posts",
        "posts/s",
        "Corpus",
        "Top hashtags",
        "acme_careers",
        "Engagement funnel",
        "most engaged accounts",
        "void rate",
        "Top skills of the",
        "Candidates for the sample job",
        "Mentors of skill python",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing from\n{stdout}");
    }
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let (ok, _, stderr) = rapport(&["quickstart", "/nonexistent/rapport-sample.jsonl"]);
    assert!(!ok);
    assert!(
        stderr.contains("/nonexistent/rapport-sample.jsonl"),
        "{stderr}"
    );
}
