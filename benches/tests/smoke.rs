//! Keeps the benchmark driver from rotting: the rapport side runs on a small sample and, when the
//! bench venv exists (`benches/run` makes it), the whole driver runs in `--smoke` mode, which checks
//! that rapport and the Python reference agree. Not a timing test: nothing here looks at times.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rapport-bench");

/// Writes a sample corpus of 2,000 posts into `dir`; returns its path.
fn sample(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("s.jsonl");
    let ok = Command::new(BIN)
        .args(["gen", "--posts", "2000", "--out"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(ok.success());
    file
}

#[test]
fn rapport_side_answers_on_a_small_sample() {
    let dir = tempfile::tempdir().unwrap();
    let file = sample(dir.path());
    let answers = dir.path().join("a.json");
    let out = Command::new(BIN)
        .arg("run")
        .arg(&file)
        .arg("--answers")
        .arg(&answers)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for stage in ["load", "threads", "engagement", "hashtags", "pagerank"] {
        assert!(printed["times"][stage].is_number(), "no time for {stage}");
    }
    let a: serde_json::Value = serde_json::from_slice(&std::fs::read(&answers).unwrap()).unwrap();
    // The generator writes exactly the number of distinct posts asked for.
    assert_eq!(a["load"]["posts"], 2000);
    // Every post sits in exactly one conversation: the histogram counts conversations.
    let hist: u64 = a["threads"]["depth_histogram"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(hist, a["threads"]["conversations"].as_u64().unwrap());
    // PageRank is a distribution over the accounts, for the global ranking and each of the 3 topics.
    let pr = a["pagerank"].as_object().unwrap();
    assert_eq!(pr.len(), 4);
    for scores in pr.values() {
        let s: f64 = scores
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((s - 1.0).abs() < 1e-9, "sums to {s}");
        assert_eq!(
            scores.as_object().unwrap().len() as u64,
            a["load"]["accounts"].as_u64().unwrap()
        );
    }
}

#[test]
fn workflow_skills_table_is_the_generic_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = sample(dir.path());
    let out = Command::new(BIN)
        .arg("run")
        .arg(&file)
        .args(["--stages", "workflow"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &printed["answers"];
    assert!(printed["times"]["skills_table"].is_number());
    assert!(a["skills_table_rows"].as_u64().unwrap() > 0);
    assert_eq!(a["skills_table_same_as_generic"], true);
    // Python's path, cut from the full evidence as the table is written, makes the same table.
    assert!(printed["times"]["skills_table_from_full"].is_number());
    assert_eq!(a["skills_table_from_full_same"], true);
}

#[test]
fn driver_smoke_mode_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("benches/out/venv/bin/python");
    if !python.exists() {
        eprintln!("skipped: no bench venv (run `benches/run --smoke` once to make it)");
        return;
    }
    let out = Command::new(&python)
        .arg(root.join("benches/python/driver.py"))
        .args(["--smoke", "--cpu", "0"])
        .env("RAPPORT_BENCH_BIN", BIN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("agree: 10000 posts"), "{stdout}");
}

/// The import's hand-written parser answers every line of both generated shapes (but the pages
/// with partial errors, which it leaves to serde) and builds what
/// serde builds (a disagreement shows both).
#[test]
fn fast_parser_answers_and_agrees_on_both_shapes() {
    let dir = tempfile::tempdir().unwrap();
    for shape in ["sample", "twarc"] {
        let file = dir.path().join(format!("{shape}.jsonl"));
        let ok = Command::new(BIN)
            .args(["gen", "--shape", shape, "--posts", "2000", "--out"])
            .arg(&file)
            .status()
            .unwrap();
        assert!(ok.success());
        let text = std::fs::read_to_string(&file).unwrap();
        let mut lines = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match rapport_twitter::import::fast_parse_agrees(line) {
                Ok(answered) => assert!(answered, "{shape}: left to serde: {line}"),
                Err(e) => panic!("{shape}: {e}"),
            }
            lines += 1;
        }
        assert!(lines > 0, "{shape}: empty corpus");
        // Every prefix of a few real lines is invalid JSON: left to serde, never answered wrong.
        for line in text.lines().take(3) {
            let cuts =
                (0..line.len()).filter(|&e| (e < 4096 || e % 499 == 0) && line.is_char_boundary(e));
            for end in cuts {
                assert!(
                    !rapport_twitter::import::fast_parse_agrees(&line[..end]).unwrap(),
                    "{shape}: a cut line was answered"
                );
            }
        }
    }
}
