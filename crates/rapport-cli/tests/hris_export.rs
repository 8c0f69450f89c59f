//! `rapport score` on candidate files as an HRIS or ATS exports them: their own column names (by
//! `--map` or rapport.toml), handles in profile-URL and free-text link columns, spreadsheets, and the
//! scores written back beside the export's columns in CSV, JSON, Parquet and .xlsx.

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, open_workbook_auto};
use rapport_sample::{SampleConfig, SampleTruth, write_sample_file};
use serde_json::Value;

mod common;
use common::ok;

fn sample_store(dir: &Path) -> (String, SampleTruth) {
    let file = dir.join("sample.jsonl");
    let truth = write_sample_file(&SampleConfig::new(2_000, 5), &file).unwrap();
    let store = dir.join("hr.db").to_str().unwrap().to_owned();
    ok(&["import", file.to_str().unwrap(), "--store", &store]);
    (store, truth)
}

fn run_in(dir: &Path, args: &[&str]) -> common::Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAPPORT_STORE")
        .env_remove("RAPPORT_CONFIG")
        .env_remove("RAPPORT_ORG")
        .env("XDG_CONFIG_HOME", dir.join("no-config"))
        .output()
        .unwrap();
    common::Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// An export: the HRIS's columns, one person's handle in a profile URL, another's in free text.
fn export_csv(truth: &SampleTruth) -> String {
    let (a, b) = (&truth.two_way[0], &truth.two_way[1]);
    format!(
        "Employee ID,Full name,Department,Profile URL,Social links,Notes\n\
         E-1,Ann,Platform,https://twitter.com/{a},,\"likes \"\"Rust\"\"\"\n\
         E-2,Bo,Data,,\"LinkedIn: linkedin.com/in/bo, X: https://x.com/{b}?s=21\",\n\
         E-3,Cy,Data,,github.com/cy,\n"
    )
}

#[test]
fn a_mapped_export_comes_back_with_its_columns_and_the_scores() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    std::fs::write(dir.path().join("export.csv"), export_csv(&truth)).unwrap();
    let org = &truth.org_handles[0];
    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--org",
            org,
            "--candidates",
            "export.csv",
            "--map",
            "hris_id=Employee ID",
            "--map",
            "name=Full name",
            "--map",
            "x_url=Profile URL",
            "--map",
            "links=Social links",
        ],
    );
    assert_eq!(r.code, 3, "E-3 has no handle: {}", r.stderr);
    let mut rd = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header[..6],
        [
            "Employee ID",
            "Full name",
            "Department",
            "Profile URL",
            "Social links",
            "Notes"
        ],
        "the export's columns first, in its order"
    );
    for c in [
        "status",
        "handle",
        "score",
        "stage",
        "c_reciprocity",
        "top_skills",
    ] {
        assert!(header.iter().any(|h| h == c), "{c} in {header:?}");
    }
    assert!(
        !header.iter().any(|h| h == "hris_id"),
        "the export's id column is the key"
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        &rows[0][col("Notes")],
        "likes \"Rust\"",
        "other columns are kept as they were"
    );
    assert_eq!(
        rows[0][col("handle")].to_lowercase(),
        truth.two_way[0].to_lowercase()
    );
    assert_eq!(
        rows[1][col("handle")].to_lowercase(),
        truth.two_way[1].to_lowercase(),
        "found in the free text"
    );
    assert_eq!(&rows[0][col("status")], "scored");
    assert!(rows[0][col("score")].parse::<f64>().unwrap() > 0.0);
    assert_eq!(&rows[2][col("status")], "no_handle");

    // The same through rapport.toml, as JSON.
    std::fs::write(
        dir.path().join("rapport.toml"),
        format!(
            "org = [\"{org}\"]\n[candidates.columns]\nhris_id = \"Employee ID\"\nx_url = \"Profile URL\"\nlinks = \"Social links\"\n"
        ),
    )
    .unwrap();
    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--candidates",
            "export.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["Employee ID"], "E-1");
    assert_eq!(v[0]["Department"], "Platform");
    assert_eq!(v[1]["status"], "scored");
    assert!(v[0]["score"].is_number(), "scores are numbers: {}", v[0]);
}

#[test]
fn a_mapping_error_lists_the_columns_found() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    std::fs::write(dir.path().join("export.csv"), export_csv(&truth)).unwrap();
    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--org",
            &truth.org_handles[0],
            "--candidates",
            "export.csv",
            "--map",
            "hris_id=Person Number",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("\"Person Number\"")
            && r.stderr
                .contains("Employee ID, Full name, Department, Profile URL, Social links, Notes"),
        "{}",
        r.stderr
    );
    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--org",
            "x",
            "--candidates",
            "export.csv",
            "--map",
            "salary=Notes",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("unknown field \"salary\""),
        "{}",
        r.stderr
    );
}

#[test]
fn a_spreadsheet_in_and_a_spreadsheet_and_parquet_out() {
    let dir = tempfile::tempdir().unwrap();
    let (store, truth) = sample_store(dir.path());
    // The export as a workbook: the id stored as a number, as spreadsheets do.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("People").unwrap();
    for (c, h) in ["Employee ID", "Name", "Twitter"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 1001.0).unwrap();
    ws.write_string(1, 1, "Ann").unwrap();
    ws.write_string(1, 2, format!("@{}", truth.two_way[0]))
        .unwrap();
    ws.write_number(2, 0, 1002.0).unwrap();
    ws.write_string(2, 1, "Bo").unwrap();
    ws.write_string(2, 2, format!("https://x.com/{}", truth.two_way[1]))
        .unwrap();
    wb.save(dir.path().join("export.xlsx")).unwrap();

    let org = &truth.org_handles[0];
    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--org",
            org,
            "--candidates",
            "export.xlsx",
            "--map",
            "hris_id=Employee ID",
            "--map",
            "x=Twitter",
            "--format",
            "xlsx",
            "-o",
            "scores.xlsx",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut out = open_workbook_auto(dir.path().join("scores.xlsx")).unwrap();
    let range = out.worksheet_range("scores").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("Employee ID".into()));
    assert_eq!(
        rows[1][0],
        Data::String("1001".into()),
        "the id as the HRIS shows it"
    );
    let score_col = rows[0]
        .iter()
        .position(|c| *c == Data::String("score".into()))
        .unwrap();
    assert!(
        matches!(rows[1][score_col], Data::Float(x) if x > 0.0),
        "{:?}",
        rows[1][score_col]
    );

    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--org",
            org,
            "--candidates",
            "export.xlsx",
            "--sheet",
            "Nope",
            "--map",
            "hris_id=Employee ID",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no sheet \"Nope\"; sheets found: People"),
        "{}",
        r.stderr
    );

    let r = run_in(
        dir.path(),
        &[
            "score",
            "--store",
            &store,
            "--org",
            org,
            "--candidates",
            "export.xlsx",
            "--map",
            "hris_id=Employee ID",
            "--map",
            "x=Twitter",
            "--format",
            "parquet",
            "-o",
            "s.parquet",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = std::fs::File::open(dir.path().join("s.parquet")).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let batch = reader.into_iter().next().unwrap().unwrap();
    assert_eq!(batch.num_rows(), 2);
    assert_eq!(batch.schema().field(0).name(), "Employee ID");
    assert!(batch.schema().field_with_name("score").is_ok());
}
