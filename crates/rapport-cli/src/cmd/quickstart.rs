//! `rapport quickstart [FILE] [--org HANDLE...] [--posts N] [--seed S] [--json]`
//!
//! Without FILE it generates the sample corpus in memory (20 000 posts, seed 7 by default; the
//! organisation is the sample's three accounts) and loads it through the same twarc2 importer a
//! real file goes through; with FILE it imports the file (twarc2 JSONL, an API response page or an
//! X archive). It prints the corpus summary, the load time and the throughput, then the analyses
//! (see `analysis.rs`): the engagement funnel, the ten most engaged accounts each explained in one
//! line, the organisation's void rate, the top skills of the most engaged people, candidates for a
//! sample job and the mentors of a topic. Without an organisation (a FILE without `--org`) only the
//! summary is printed.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use rapport_core::summary::CorpusSummary;
use rapport_sample::{Sample, SampleConfig};
use rapport_twitter::import::{ImportOptions, import_jsonl_reader, import_path};
use serde::Serialize;

use super::analysis::{Analyses, DEFAULT_TOPIC, Plan, analyse, sample_job};
use super::{CmdError, Outcome};

/// Arguments of `rapport quickstart`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A file to import: twarc2 JSONL, an API v2 response JSON, or an X archive (.zip or folder).
    /// Without it, the built-in sample corpus is generated and loaded.
    pub file: Option<PathBuf>,
    /// An account of the organisation (handle or id); repeat for several. Default: the sample's
    /// accounts when no FILE is given, none otherwise.
    #[arg(long = "org", value_name = "HANDLE")]
    pub org: Vec<String>,
    /// Posts in the generated sample.
    #[arg(long, default_value_t = 20_000)]
    pub posts: usize,
    /// Seed of the generated sample.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Skip bad lines of FILE (and list them) instead of stopping at the first.
    #[arg(long)]
    pub lenient: bool,
    /// How many hashtags to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// The mentors' topic: a skill (`python`, `rapport:rust`), a hashtag (`#rustlang`) or an
    /// entity of the posts' context annotations (`entity:<id>` or its name).
    #[arg(long, default_value = DEFAULT_TOPIC)]
    pub topic: String,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How the sample was generated, when it was.
#[derive(Debug, Serialize)]
pub(crate) struct Generated {
    pub posts: usize,
    pub seed: u64,
    pub bytes: u64,
    pub seconds: f64,
}

/// How the corpus was loaded.
#[derive(Debug, Serialize)]
pub(crate) struct Load {
    pub source: String,
    pub lines: u64,
    pub pages: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub mb_per_s: f64,
    pub posts_per_s: f64,
    pub skipped: usize,
}

/// Everything the quickstart prints.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub generated: Option<Generated>,
    pub load: Load,
    pub summary: CorpusSummary,
    /// The analyses (absent without an organisation).
    pub analyses: Option<Analyses>,
    /// Seconds the analyses took.
    pub analysis_seconds: f64,
}

impl Report {
    fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        if let Some(g) = &self.generated {
            let _ = writeln!(
                s,
                "Generated the sample corpus: {} posts, seed {}, {:.1} MB in {:.2} s",
                g.posts,
                g.seed,
                g.bytes as f64 / 1e6,
                g.seconds
            );
        }
        let l = &self.load;
        let _ = writeln!(
            s,
            "Loaded {} ({} lines, {} pages, {:.1} MB) in {:.2} s: {:.0} MB/s, {:.0} posts/s",
            l.source,
            l.lines,
            l.pages,
            l.bytes as f64 / 1e6,
            l.seconds,
            l.mb_per_s,
            l.posts_per_s
        );
        if l.skipped > 0 {
            let _ = writeln!(s, "Skipped {} bad lines", l.skipped);
        }
        s.push('\n');
        s.push_str(&self.summary.to_text());
        match &self.analyses {
            Some(a) => {
                s.push_str(&a.to_text());
                let _ = writeln!(s, "\nAnalyses took {:.2} s.", self.analysis_seconds);
            }
            None => s.push_str("\nNo organisation given (--org HANDLE): analyses skipped.\n"),
        }
        s
    }
}

fn rate(x: f64, secs: f64) -> f64 {
    if secs > 0.0 { x / secs } else { 0.0 }
}

/// Runs the quickstart and returns its report (printing nothing).
pub(crate) fn quickstart(args: &Args) -> Result<Report, CmdError> {
    let opts = ImportOptions {
        strict: !args.lenient,
        ..ImportOptions::default()
    };
    let (generated, report, source, bytes, seconds, org) = if let Some(path) = &args.file {
        let bytes = std::fs::metadata(path).map_or(0, |m| if m.is_file() { m.len() } else { 0 });
        let t0 = Instant::now();
        let report = import_path(path, &opts)?;
        (
            None,
            report,
            path.display().to_string(),
            bytes,
            t0.elapsed().as_secs_f64(),
            args.org.clone(),
        )
    } else {
        let config = SampleConfig::new(args.posts, args.seed);
        let t0 = Instant::now();
        let sample = Sample::generate(&config)?;
        let mut buf = Vec::new();
        sample.write_jsonl(&mut buf)?;
        let generated = Generated {
            posts: args.posts,
            seed: args.seed,
            bytes: buf.len() as u64,
            seconds: t0.elapsed().as_secs_f64(),
        };
        let t1 = Instant::now();
        let report = import_jsonl_reader(&buf[..], "sample corpus", &opts)?;
        let seconds = t1.elapsed().as_secs_f64();
        let org = if args.org.is_empty() {
            config
                .org
                .handles()
                .iter()
                .map(|h| (*h).to_owned())
                .collect()
        } else {
            args.org.clone()
        };
        let source = format!("the sample corpus (seed {})", args.seed);
        (
            Some(generated),
            report,
            source,
            buf.len() as u64,
            seconds,
            org,
        )
    };
    let org: Vec<&str> = org.iter().map(String::as_str).collect();
    let summary = CorpusSummary::of(&report.corpus, &org, args.top);
    let t2 = Instant::now();
    let analyses = if org.is_empty() {
        None
    } else {
        let plan = Plan {
            top: 10,
            job: sample_job(),
            topic: &args.topic,
        };
        Some(analyse(&report.corpus, &org, &plan)?.0)
    };
    let analysis_seconds = t2.elapsed().as_secs_f64();
    let load = Load {
        source,
        lines: report.lines,
        pages: report.pages,
        bytes,
        seconds,
        mb_per_s: rate(bytes as f64 / 1e6, seconds),
        posts_per_s: rate(report.corpus.num_posts() as f64, seconds),
        skipped: report.skipped.len(),
    };
    Ok(Report {
        generated,
        load,
        summary,
        analyses,
        analysis_seconds,
    })
}

/// Runs the quickstart and prints its report on stdout.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let report = quickstart(args)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.to_text())?;
    }
    Ok(Outcome::Done)
}
