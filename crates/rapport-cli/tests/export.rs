//! `rapport export` and the Arrow-backed output formats of `rapport score`, run as the built binary on
//! the sample corpus: the exported files read back with the library.

use std::path::Path;
use std::process::Command;

use rapport_sample::{SampleConfig, SampleTruth, write_sample_file};
use rapport_twitter::import::{ImportOptions, import_jsonl};

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
    let (code, stdout, stderr) = rapport(args);
    assert_eq!(code, 0, "rapport {args:?}: {stdout}{stderr}");
    stdout
}

fn sample_store(dir: &Path) -> (String, SampleTruth) {
    let file = dir.join("sample.jsonl");
    let truth = write_sample_file(&SampleConfig::new(1_000, 9), &file).unwrap();
    let store = dir.join("hr.db").to_str().unwrap().to_owned();
    ok(&["import", file.to_str().unwrap(), "--store", &store]);
    (store, truth)
}

fn posts_of(c: &rapport_core::Corpus) -> Vec<rapport_core::Post> {
    c.posts().map(|p| p.to_post()).collect()
}

#[test]
fn export_the_corpus_as_parquet_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    let pq = dir.path().join("corpus.parquet");
    ok(&[
        "export",
        "--store",
        &store,
        "--format",
        "parquet",
        "-o",
        pq.to_str().unwrap(),
    ]);
    let from_parquet = rapport_arrow::load_corpus(&pq).unwrap();
    assert_eq!(from_parquet.num_posts(), truth.posts);

    let jl = dir.path().join("corpus.jsonl");
    ok(&[
        "export",
        "--store",
        &store,
        "--format",
        "jsonl",
        "-o",
        jl.to_str().unwrap(),
    ]);
    let from_jsonl = import_jsonl(&jl, &ImportOptions::strict()).unwrap().corpus;
    assert_eq!(posts_of(&from_jsonl), posts_of(&from_parquet));

    // A whole corpus is not a CSV: a clear error, exit code 1.
    let (code, _, stderr) = rapport(&["export", "--store", &store, "--format", "csv", "-o", "-"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--table"), "{stderr}");
    // A missing store is not created by an export.
    let missing = dir.path().join("none.db");
    let (code, _, stderr) = rapport(&[
        "export",
        "--store",
        missing.to_str().unwrap(),
        "--format",
        "jsonl",
        "-o",
        "-",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn export_one_table() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    let csv = ok(&[
        "export", "--store", &store, "--table", "posts", "--format", "csv", "-o", "-",
    ]);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,author_id,author,created_at,kind,text")
    );
    let jsonl = ok(&[
        "export",
        "--store",
        &store,
        "--table",
        "interactions",
        "--format",
        "jsonl",
        "-o",
        "-",
    ]);
    let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert!(["reply", "mention", "repost", "quote"].contains(&first["kind"].as_str().unwrap()));
    let pq = dir.path().join("accounts.parquet");
    ok(&[
        "export",
        "--store",
        &store,
        "--table",
        "accounts",
        "--format",
        "parquet",
        "-o",
        pq.to_str().unwrap(),
    ]);
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&pq).unwrap(),
    )
    .unwrap();
    let schema = r.schema().clone();
    let rows: usize = r.build().unwrap().map(|b| b.unwrap().num_rows()).sum();
    assert!(rows >= truth.org_handles.len());
    assert_eq!(
        schema.field_with_name("created_at").unwrap().data_type(),
        &rapport_arrow::table::timestamp_type()
    );
}

#[test]
fn score_writes_jsonl_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    let cands = dir.path().join("candidates.csv");
    std::fs::write(
        &cands,
        "hris_id,handle\nC1,@nobody_here\nC2,@someone_else\n",
    )
    .unwrap();
    let mut args: Vec<String> = [
        "score",
        "--store",
        &store,
        "--candidates",
        cands.to_str().unwrap(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for h in &truth.org_handles {
        args.push("--org".into());
        args.push(h.clone());
    }
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend_from_slice(extra);
        rapport(&a)
    };
    let (_, out, err) = with(&["--format", "jsonl"]);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}\n{err}")))
        .collect();
    assert_eq!(rows.len(), 2, "{out}{err}");
    assert_eq!(rows[0]["hris_id"], "C1");
    let (code, _, stderr) = with(&["--format", "parquet"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--out FILE"), "{stderr}");
    let pq = dir.path().join("scores.parquet");
    with(&["--format", "parquet", "-o", pq.to_str().unwrap()]);
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&pq).unwrap(),
    )
    .unwrap();
    let rows: usize = r.build().unwrap().map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 2);
}

/// twarc2 list pages imported into a store come out of `rapport export --format parquet` with the
/// same lists and memberships, and the sample's follow snapshots with the same follow snapshots.
#[test]
fn import_into_a_store_and_export_keep_lists_and_follow_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sample_store(dir.path());
    let twarc = |url: &str| {
        serde_json::json!({"url": format!("https://api.twitter.com/2/{url}"),
                           "retrieved_at": "2024-05-01T09:00:00+00:00", "version": "2.14.0"})
    };
    let lines = [
        serde_json::json!({"data": [{"id": "901", "name": "Python people",
                                     "description": "folks who write python", "owner_id": "5"}],
                           "meta": {"result_count": 1},
                           "__twarc": twarc("users/8/list_memberships?max_results=100")}),
        serde_json::json!({"data": [{"id": "950", "name": "Our team"}],
                           "meta": {"result_count": 1},
                           "__twarc": twarc("users/7/owned_lists")}),
    ];
    let file = dir.path().join("lists.jsonl");
    let text: Vec<String> = lines.iter().map(ToString::to_string).collect();
    std::fs::write(&file, text.join("\n") + "\n").unwrap();
    let from_file = import_jsonl(&file, &ImportOptions::strict())
        .unwrap()
        .corpus;
    assert_eq!(from_file.list_memberships().count(), 2);
    ok(&["import", file.to_str().unwrap(), "--store", &store]);

    let pq = dir.path().join("corpus.parquet");
    ok(&[
        "export",
        "--store",
        &store,
        "--format",
        "parquet",
        "-o",
        pq.to_str().unwrap(),
    ]);
    let back = rapport_arrow::load_corpus(&pq).unwrap();
    let memberships = |c: &rapport_core::Corpus| {
        c.list_memberships()
            .map(|(a, l, r)| (a.to_owned(), l.clone(), r))
            .collect::<Vec<_>>()
    };
    assert_eq!(memberships(&back), memberships(&from_file));
    let sample = import_jsonl(dir.path().join("sample.jsonl"), &ImportOptions::strict())
        .unwrap()
        .corpus;
    assert!(!sample.follow_snapshots().is_empty());
    assert_eq!(back.follow_snapshots(), sample.follow_snapshots());
}
