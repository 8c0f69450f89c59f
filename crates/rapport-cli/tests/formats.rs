//! `--format text|json|jsonl|csv|parquet` and `--out FILE` on every command that prints a result: one
//! store built from the generated sample, every command family run in every format, and the formats
//! checked against each other (the same rows in JSONL, CSV and Parquet; JSON that parses; Parquet only
//! to a file).

mod common;

use std::fs::File;
use std::path::Path;
use std::sync::OnceLock;

use common::{Run, ok, rapport};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rapport_sample::{Sample, SampleConfig};
use serde_json::Value;

struct Fixture {
    _dir: tempfile::TempDir,
    store: String,
    job: String,
    candidates: String,
    dir: std::path::PathBuf,
}

/// One store of the 3 000-post sample, imported once for every test of this file.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let sample = Sample::generate(&SampleConfig::new(3_000, 7)).unwrap();
        let jsonl = dir.path().join("sample.jsonl");
        sample
            .write_jsonl(std::io::BufWriter::new(File::create(&jsonl).unwrap()))
            .unwrap();
        let store = dir.path().join("s.db").to_str().unwrap().to_owned();
        ok(&["import", jsonl.to_str().unwrap(), "--store", &store]);
        let job = dir.path().join("job.toml");
        std::fs::write(
            &job,
            "title = \"Rust engineer\"\n\n[[skill]]\nskill = \"rust\"\nrequired = true\n\n[[skill]]\nskill = \"python\"\n",
        )
        .unwrap();
        let candidates = dir.path().join("candidates.csv");
        std::fs::write(
            &candidates,
            "hris_id,name,x_handle\nH1,Ada,alan_dev\nH2,Nobody,\n",
        )
        .unwrap();
        Fixture {
            store,
            job: job.to_str().unwrap().to_owned(),
            candidates: candidates.to_str().unwrap().to_owned(),
            dir: dir.path().to_path_buf(),
            _dir: dir,
        }
    })
}

const ORG: [&str; 6] = [
    "--org",
    "acme_careers",
    "--org",
    "acme_eng",
    "--org",
    "acme_people",
];

/// The command line of a command family, without the format flags.
fn command(family: &str) -> Vec<String> {
    let f = fixture();
    let mut v: Vec<&str> = vec![family, "--store", &f.store];
    match family {
        "engagement" | "broadcast" | "inbox" | "starters" => v.extend(ORG),
        "rank" => {
            v.extend(ORG);
            v.extend(["--job", &f.job]);
        }
        "score" => {
            v.extend(ORG);
            v.extend(["--candidates", &f.candidates]);
        }
        "mentors" => v.extend(["--topic", "#rustlang"]),
        "learn" => v.extend(["--skill", "#rustlang", "--skill", "python"]),
        _ => {}
    }
    v.into_iter().map(str::to_owned).collect()
}

fn run(family: &str, extra: &[&str]) -> Run {
    let mut args = command(family);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    // `score` with an unknown handle is a partial result (exit code 3); everything else is done.
    let r = rapport(&a);
    assert!(
        r.code == 0 || (family == "score" && r.code == 3),
        "rapport {a:?}: {}{}",
        r.stdout,
        r.stderr
    );
    r
}

fn parquet_rows(path: &Path) -> (usize, arrow::datatypes::SchemaRef) {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = b.schema().clone();
    let rows = b.build().unwrap().map(|b| b.unwrap().num_rows()).sum();
    (rows, schema)
}

/// Runs one family in every format and checks that they agree; returns the Parquet schema.
fn every_format(family: &str) -> arrow::datatypes::SchemaRef {
    let text = run(family, &["--format", "text"]);
    assert!(!text.stdout.trim().is_empty(), "{family}: no text");
    assert!(
        serde_json::from_str::<Value>(&text.stdout).is_err(),
        "{family}: text is not JSON"
    );

    let json = run(family, &["--format", "json"]);
    let doc: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{family}: json does not parse: {e}"));
    assert!(doc.is_object() || doc.is_array(), "{family}: {doc}");

    let jsonl = run(family, &["--format", "jsonl"]);
    let records: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.iter().all(Value::is_object), "{family}");
    assert!(!records.is_empty(), "{family}: no rows to compare");

    let csv = run(family, &["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let csv_rows = reader.records().count();
    assert_eq!(csv_rows, records.len(), "{family}: csv and jsonl rows");

    // Parquet is binary: without --out it is refused, with --out it is a file with the same rows.
    let mut args = command(family);
    args.extend(["--format".into(), "parquet".into()]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let refused = rapport(&a);
    assert_eq!(refused.code, 1, "{family}: {}", refused.stderr);
    assert!(refused.stderr.contains("--out FILE"), "{}", refused.stderr);
    let path = fixture().dir.join(format!("{family}.parquet"));
    let wrote = run(
        family,
        &["--format", "parquet", "--out", path.to_str().unwrap()],
    );
    assert!(wrote.stdout.is_empty(), "{family}: {}", wrote.stdout);
    let (rows, schema) = parquet_rows(&path);
    assert_eq!(rows, records.len(), "{family}: parquet and jsonl rows");

    // --out works for text formats too, and writes what stdout would have shown.
    let out = fixture().dir.join(format!("{family}.jsonl"));
    run(
        family,
        &["--format", "jsonl", "--out", out.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().lines().count(),
        records.len()
    );
    schema
}

fn type_of(schema: &arrow::datatypes::Schema, name: &str) -> arrow::datatypes::DataType {
    schema
        .field_with_name(name)
        .unwrap_or_else(|_| panic!("no column {name}"))
        .data_type()
        .clone()
}

#[test]
fn engagement_in_every_format_with_boolean_follow_columns() {
    let schema = every_format("engagement");
    // The follow columns are booleans (null where no snapshot covers the pair; the sample's snapshots
    // of the organisation's lists cover every pair).
    for c in ["org_follows", "follows_org", "mutual"] {
        assert_eq!(
            type_of(&schema, c),
            arrow::datatypes::DataType::Boolean,
            "{c}"
        );
    }
    assert!(matches!(
        type_of(&schema, "last_interaction"),
        arrow::datatypes::DataType::Timestamp(arrow::datatypes::TimeUnit::Millisecond, Some(_))
    ));
    let r = run("engagement", &["--format", "jsonl"]);
    let first: Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert!(matches!(first["org_follows"], Value::Bool(_) | Value::Null));
    let rows: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.iter().any(|r| r["mutual"] == Value::Bool(true)));
    assert!(rows.iter().any(|r| r["mutual"] == Value::Bool(false)));
    assert!(first["score"].as_f64().unwrap() > 0.0);
    // `--json` is `--format json`.
    let j = run("engagement", &["--json"]);
    let doc: Value = serde_json::from_str(&j.stdout).unwrap();
    assert!(doc["rows"].as_array().unwrap().len() > 10);
}

#[test]
fn score_in_every_format() {
    let schema = every_format("score");
    assert_eq!(
        type_of(&schema, "hris_id"),
        arrow::datatypes::DataType::Utf8
    );
    // The CSV of `score` stays its flat sheet, one column per component.
    let csv = run("score", &["--format", "csv"]);
    assert!(csv.stdout.lines().next().unwrap().contains("c_reciprocity"));
}

#[test]
fn broadcast_in_every_format() {
    let schema = every_format("broadcast");
    assert_eq!(type_of(&schema, "scope"), arrow::datatypes::DataType::Utf8);
    let csv = run("broadcast", &["--format", "csv"]);
    let mut lines = csv.stdout.lines();
    assert!(lines.next().unwrap().starts_with("scope,key,posts,"));
    assert!(lines.next().unwrap().starts_with("overall,"));
    // --posts: one row per post of the organisation, each classified.
    let posts = run("broadcast", &["--posts", "--format", "jsonl"]);
    let classes: std::collections::BTreeSet<String> = posts
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["class"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(classes.contains("void"), "{classes:?}");
}

#[test]
fn skills_rank_and_mentors_in_every_format() {
    let schema = every_format("skills");
    assert!(matches!(
        type_of(&schema, "last_seen"),
        arrow::datatypes::DataType::Timestamp(..)
    ));
    every_format("rank");
    every_format("mentors");
    // Ranking scores people for hiring: each run is in the audit log.
    let audit = run("audit", &["--format", "jsonl"]);
    assert!(
        audit.stdout.contains("\"action\":\"rank\""),
        "{}",
        audit.stdout
    );
}

#[test]
fn learning_feed_in_every_format() {
    let schema = every_format("learn");
    assert!(matches!(
        type_of(&schema, "last_post_at"),
        arrow::datatypes::DataType::Timestamp(..)
    ));
    let r = run("learn", &["--format", "jsonl"]);
    let goals: std::collections::BTreeSet<String> = r
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["goal"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(goals.len(), 2, "{goals:?}");
}

#[test]
fn inbox_and_starters_in_every_format() {
    every_format("inbox");
    every_format("starters");
}

#[test]
fn audit_in_every_format() {
    // Make sure the log has a run of its own besides the import.
    run("engagement", &["--format", "csv"]);
    let schema = every_format("audit");
    assert!(matches!(
        type_of(&schema, "at"),
        arrow::datatypes::DataType::Timestamp(..)
    ));
    assert!(matches!(
        type_of(&schema, "cohort"),
        arrow::datatypes::DataType::List(_)
    ));
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let f = fixture();
    let r = rapport(&["mentors", "--store", &f.store, "--format", "xml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("text") && r.stderr.contains("parquet"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_progress_is_drawn_without_a_terminal_and_quiet_is_accepted_everywhere() {
    let f = fixture();
    let out = f.dir.join("progress.parquet");
    for args in [
        vec![
            "export",
            "--store",
            &f.store,
            "--format",
            "parquet",
            "-o",
            out.to_str().unwrap(),
        ],
        vec!["--quiet", "mentors", "--store", &f.store],
        vec!["mentors", "--store", &f.store, "-q"],
    ] {
        let r = ok(&args);
        // A spinner would draw with carriage returns and terminal escapes.
        assert!(
            !r.stderr.contains('\r') && !r.stderr.contains('\u{1b}'),
            "{args:?}: {:?}",
            r.stderr
        );
    }
}
