//! `rapport score --store PATH --org HANDLE... --candidates FILE [--format csv|json|jsonl|parquet] [--explain]`:
//! candidate records in, one row per HRIS id out ([`rapport_core::hris`]); every run appends an audit
//! entry (configuration, the cohort as pseudonyms, a digest of the output).

use std::io::Write;
use std::path::PathBuf;

use rapport_core::candidates::{read_candidates_csv, read_candidates_json};
use rapport_core::engagement::{COMPONENT_NAMES, EngagementOptions, Org};
use rapport_core::hris::{CandidateScores, ScoreOptions, score_candidates};
use rapport_store::AuditEntry;
use serde_json::json;

use super::output::Printable;
use super::{CmdError, Outcome, PlatformArg, StoreArg};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A table for reading in a terminal.
    Text,
    /// One row per candidate, flat columns (components as `c_<name>` points).
    Csv,
    /// The whole result, with the unknown handles and the explanations.
    Json,
    /// One JSON record per candidate per line (the rows as an Arrow table, nested parts as JSON).
    Jsonl,
    /// The rows as a Parquet file (Arrow types: timestamps as timestamp(ms, UTC)); needs -o.
    Parquet,
    /// An Excel workbook (.xlsx), one sheet of rows; needs -o.
    Xlsx,
}

/// Arguments of `rapport score`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// An account of the organisation (handle or id); repeat for several. Default: RAPPORT_ORG,
    /// else `org` in rapport.toml.
    #[arg(long = "org", value_name = "HANDLE")]
    pub org: Vec<String>,
    /// The candidate records: CSV with a header (hris_id, name, stage, x_handle, label.KEY...),
    /// JSON (by the .json extension), or a spreadsheet (.xlsx, .xls, .ods). Other columns are not
    /// read into the analysis.
    #[arg(long, value_name = "FILE")]
    pub candidates: PathBuf,
    /// Which of the export's columns holds what: `--map hris_id="Employee ID" --map x="Twitter"`
    /// (fields: hris_id, name, stage, x, x_url, links, label.KEY). Adds to `[candidates.columns]`
    /// in rapport.toml. With a mapping (or a spreadsheet) the output keeps the export's columns and
    /// adds the scores beside them.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// The sheet of a spreadsheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Write the export's own columns back with the scores, even without a mapping.
    #[arg(long)]
    pub keep_columns: bool,
    /// The configuration file (default: ./rapport.toml, then the user's; env RAPPORT_CONFIG).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Add each score's explanation (summary, stage reason; with JSON also the evidence post ids).
    #[arg(long)]
    pub explain: bool,
    /// Write to this file instead of stdout.
    #[arg(
        short = 'o',
        long = "out",
        visible_alias = "output",
        value_name = "FILE"
    )]
    pub output: Option<PathBuf>,
    /// Half-life of the engagement decay, in days.
    #[arg(long, value_name = "DAYS", default_value_t = rapport_core::engagement::DEFAULT_HALF_LIFE_DAYS)]
    pub half_life: f64,
    /// Also keep the candidate records in the store (so `rapport forget --candidate ID` can erase
    /// them later). Off by default: the HRIS stays the system of record (data minimisation).
    #[arg(long)]
    pub keep_candidates: bool,
}

fn read_candidates(path: &PathBuf) -> Result<rapport_core::candidates::CandidateFile, CmdError> {
    let name = path.display().to_string();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    Ok(if is_json {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
        read_candidates_json(&text, &name)?
    } else {
        let f = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
        read_candidates_csv(std::io::BufReader::new(f), &name)?
    })
}

/// The scores as CSV: HRIS id first.
pub(crate) fn to_csv(s: &CandidateScores, explain: bool) -> Result<Vec<u8>, CmdError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "hris_id",
        "name",
        "hris_stage",
        "status",
        "handle",
        "account_id",
        "score",
        "stage",
        "interactions",
        "last_interaction",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    header.extend(COMPONENT_NAMES.iter().map(|c| format!("c_{c}")));
    header.push("top_skills".into());
    header.push("unknown_handles".into());
    if explain {
        header.push("summary".into());
        header.push("stage_reason".into());
    }
    w.write_record(&header)?;
    for r in &s.rows {
        let mut rec: Vec<String> = vec![
            r.hris_id.clone(),
            r.name.clone().unwrap_or_default(),
            r.hris_stage.clone().unwrap_or_default(),
            r.status.as_str().to_owned(),
            r.handle.clone().unwrap_or_default(),
            r.account_id.clone().unwrap_or_default(),
            r.score.map(|x| format!("{x:.2}")).unwrap_or_default(),
            r.stage.map(|x| x.as_str().to_owned()).unwrap_or_default(),
            r.interactions.to_string(),
            r.last_interaction
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
        ];
        for name in COMPONENT_NAMES {
            rec.push(
                r.components
                    .iter()
                    .find(|k| k.name == name)
                    .map(|k| format!("{:.2}", k.contribution))
                    .unwrap_or_default(),
            );
        }
        rec.push(
            r.top_skills
                .iter()
                .map(|k| k.label.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        rec.push(r.unknown_handles.join(";"));
        if explain {
            let e = r.explanation.as_ref();
            rec.push(e.map(|e| e.summary.clone()).unwrap_or_default());
            rec.push(e.map(|e| e.stage_reason.clone()).unwrap_or_default());
        }
        w.write_record(&rec)?;
    }
    Ok(w.into_inner().map_err(|e| e.to_string())?)
}

/// The scores in every output format.
struct Scores<'a> {
    scores: &'a CandidateScores,
    explain: bool,
}

impl Printable for Scores<'_> {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{:<12} {:<18} {:<10} {:>6}  {:<10}  top skills",
            "hris_id", "handle", "status", "score", "stage"
        )?;
        for r in &self.scores.rows {
            writeln!(
                out,
                "{:<12} {:<18} {:<10} {:>6}  {:<10}  {}",
                r.hris_id,
                r.handle
                    .as_deref()
                    .map_or_else(String::new, |h| format!("@{h}")),
                r.status.as_str(),
                r.score
                    .map_or_else(|| "-".to_owned(), |x| format!("{x:.1}")),
                r.stage.map_or("-", |s| s.as_str()),
                r.top_skills
                    .iter()
                    .map(|k| k.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            if let Some(e) = r.explanation.as_ref().filter(|_| self.explain) {
                writeln!(out, "    {}", e.summary)?;
            }
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, self.scores)
    }
    fn table(&self) -> Result<rapport_arrow::RecordBatch, rapport_arrow::Error> {
        rapport_arrow::record_batch(&self.scores.rows)
    }
    fn csv(&self) -> Option<Result<Vec<u8>, CmdError>> {
        Some(to_csv(self.scores, self.explain))
    }
}

/// Runs `rapport score`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let settings = rapport_core::config::Config::load(
        args.config.as_deref(),
        &rapport_core::config::Overrides {
            org: (!args.org.is_empty()).then(|| args.org.clone()),
            ..Default::default()
        },
    )?;
    if settings.org.value.is_empty() {
        return Err(
            "no organisation: give --org HANDLE (or RAPPORT_ORG, or org in rapport.toml)".into(),
        );
    }
    let export = super::hris_io::read_for_score(args, &settings)?;
    let file = match &export {
        Some(m) => m.file.clone(),
        None => read_candidates(&args.candidates)?,
    };
    let mut store = args.store.open_existing()?;
    let corpus = args.platform.load(&store, &args.store.store)?;
    let org = Org::resolve(&corpus, &settings.org.value)?;
    let opts = ScoreOptions {
        engagement: EngagementOptions::new(args.half_life, None),
        explain: args.explain,
        ..ScoreOptions::default()
    };
    let scores = score_candidates(&corpus, &file.candidates, &org, &opts)?;
    let needs_file = matches!(args.format, Format::Parquet | Format::Xlsx);
    if needs_file && args.output.is_none() {
        return Err(format!(
            "--format {} writes a binary file: give it with --out FILE (-o)",
            format!("{:?}", args.format).to_lowercase()
        )
        .into());
    }
    let bytes = match (&export, args.format) {
        (Some(m), f) => super::hris_io::write_joined(m, &to_csv(&scores, args.explain)?, f)?,
        (None, Format::Xlsx) => {
            let csv_bytes = to_csv(&scores, args.explain)?;
            let t =
                rapport_core::hris_columns::SourceTable::from_csv(csv_bytes.as_slice(), "scores")?;
            let batch = super::hris_io::text_batch(&t)?;
            super::hris_io::to_xlsx(&batch)?
        }
        (None, Format::Text) => {
            let mut v = Vec::new();
            Scores {
                scores: &scores,
                explain: args.explain,
            }
            .text(&mut v)?;
            v
        }
        (None, Format::Csv) => to_csv(&scores, args.explain)?,
        (None, Format::Json) => {
            let mut v = serde_json::to_vec_pretty(&scores)?;
            v.push(b'\n');
            v
        }
        (None, Format::Jsonl | Format::Parquet) => {
            let table = rapport_arrow::record_batch(&scores.rows)?;
            let format = if args.format == Format::Parquet {
                rapport_arrow::Format::Parquet
            } else {
                rapport_arrow::Format::Jsonl
            };
            let mut v = Vec::new();
            rapport_arrow::write_table(&table, format, &mut v)?;
            v
        }
    };

    // The output first: a run whose output could not be written did not happen, so it keeps no
    // candidates and leaves no audit entry.
    match &args.output {
        Some(p) => super::write_atomic(p, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    let kept = if args.keep_candidates {
        Some(store.upsert_candidates(&file.candidates)?)
    } else {
        None
    };
    let mut entry = super::audit_entry("score");
    entry.analysis = Some("engagement".into());
    entry.config = json!({
        "org": org.handles,
        "column_map": args.map,
        "half_life_days": args.half_life,
        "weights": opts.engagement.weights,
        "top_skills": opts.top_skills,
        "explain": args.explain,
        "format": format!("{:?}", args.format).to_lowercase(),
        "platform": args.platform.platform.map(rapport_store::PlatformFilter::as_str),
    });
    entry.cohort = scores
        .scored()
        .filter_map(|r| r.account_id.clone())
        .collect();
    entry.output_digest = Some(AuditEntry::digest(&bytes));
    entry.details = json!({
        "candidates": scores.rows.len(),
        "scored": scores.scored().count(),
        "unknown_handles": scores.unknown.len(),
        "without_handles": scores.without_handles.len(),
        "ignored_columns": file.ignored_columns,
        "candidates_kept": kept.as_ref().map(|k| k.written),
    });
    store.audit_append(&entry)?;
    if let Some(k) = &kept {
        eprintln!(
            "rapport: {} candidate record(s) kept in the store{}",
            k.written,
            if k.skipped_forgotten > 0 {
                format!(", {} skipped (forgotten)", k.skipped_forgotten)
            } else {
                String::new()
            }
        );
    }
    if !file.ignored_columns.is_empty() {
        eprintln!(
            "rapport: columns not read (data minimisation): {}",
            file.ignored_columns.join(", ")
        );
    }
    if scores.is_complete() {
        Ok(Outcome::Done)
    } else {
        let mut parts = Vec::new();
        if !scores.unknown.is_empty() {
            parts.push(format!(
                "{} handle(s) not in the store: {}",
                scores.unknown.len(),
                scores
                    .unknown
                    .iter()
                    .map(|u| format!("{} @{}", u.hris_id, u.handle))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !scores.without_handles.is_empty() {
            parts.push(format!(
                "candidate(s) without a handle: {}",
                scores.without_handles.join(", ")
            ));
        }
        Ok(Outcome::Partial(parts.join("; ")))
    }
}
