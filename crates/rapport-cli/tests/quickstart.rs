//! `rapport quickstart` end to end: the summary it prints agrees with what the sample generator
//! planted (its `SampleTruth`, computed from the generator's own world, not from the importer).

use std::process::Command;

use rapport_twitter::sample::{Sample, SampleConfig, SampleTruth, write_sample_file};
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
    assert_eq!(report["load"]["pages"].as_u64(), Some(truth.pages as u64));
    assert_eq!(report["load"]["skipped"].as_u64(), Some(0));
    assert_eq!(report["generated"]["posts"].as_u64(), Some(2_000));
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
