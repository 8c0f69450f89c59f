//! `rapport follows --org HANDLE[,..]`: the follow events between the organisation and everyone its
//! follow snapshots cover (`followed`, `followed_back`, `unfollowed`, each with the interval that bounds
//! it); `rapport relationship HANDLE --org ...`: the timeline of one relationship, follows and
//! conversations as one ordered list of steps with their evidence. Both read the store, or files given
//! with `--input` (twarc2 JSONL with follower and following pages, an API v2 response, an X archive,
//! Bluesky JSONL), and only read: nothing is scored, nothing is audited. See `docs/relationships.md`.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use rapport_arrow::RecordBatch;
use rapport_arrow::table::{record_batch, timestamp_type, with_types};
use rapport_core::Corpus;
use rapport_core::engagement::EngagementOptions;
use rapport_core::follows::{FollowEvent, Relationship};
use serde::Serialize;

use super::output::{OutputArgs, Printable, emit};
use super::{CmdError, Outcome, PlatformArg, open_store};

/// Where the corpus comes from: the store, or files read for this command only.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct CorpusArgs {
    /// The store (env: RAPPORT_STORE).
    #[arg(
        long,
        value_name = "PATH",
        env = "RAPPORT_STORE",
        required_unless_present = "input"
    )]
    pub store: Option<PathBuf>,
    /// Read this file instead of the store (twarc2 JSONL with tweets and follower/following pages,
    /// an API v2 response, an X archive, Bluesky JSONL); repeat for several. Nothing is stored.
    #[arg(long = "input", value_name = "FILE")]
    pub input: Vec<PathBuf>,
    /// With --input: skip bad lines (and say how many) instead of stopping at the first.
    #[arg(long)]
    pub lenient: bool,
    #[command(flatten)]
    pub platform: PlatformArg,
}

impl CorpusArgs {
    /// The corpus: the files of `--input` merged (when given), else the store's.
    pub(crate) fn load(&self) -> Result<Corpus, CmdError> {
        if self.input.is_empty() {
            let Some(path) = &self.store else {
                return Err("give a store (--store PATH or RAPPORT_STORE) or --input FILE".into());
            };
            if !path.exists() {
                return Err(format!(
                    "store {} does not exist; create it with `rapport import FILE --store {}`, \
                     or read files directly with --input FILE",
                    path.display(),
                    path.display()
                )
                .into());
            }
            return self.platform.load(&open_store(path)?, path);
        }
        if let Some(p) = self.platform.platform {
            return Err(format!(
                "--platform {} chooses among the platforms of a store; with --input the corpus is \
                 the files given (leave out --platform, or the files of the other platform)",
                p.as_str()
            )
            .into());
        }
        let mut corpus = Corpus::new();
        let mut skipped = 0usize;
        for path in &self.input {
            if super::bsky::is_bluesky_file(path) {
                let opts = rapport_bluesky::jsonl::ImportOptions {
                    lenient: self.lenient,
                };
                let r = rapport_bluesky::jsonl::import_path(path, &opts)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                skipped += r.skipped_lines.len();
                corpus.merge(&r.corpus);
            } else {
                let opts = rapport_twitter::import::ImportOptions {
                    strict: !self.lenient,
                    ..rapport_twitter::import::ImportOptions::default()
                };
                let r = rapport_twitter::import::import_path(path, &opts)?;
                skipped += r.skipped.len();
                corpus.merge(&r.corpus);
            }
        }
        if skipped > 0 {
            eprintln!("rapport: {skipped} bad line(s) of the input skipped (--lenient)");
        }
        Ok(corpus)
    }
}

/// Splits `a,b` and repeated flags into one list of handles (or ids).
fn org_list(org: &[String]) -> Vec<String> {
    org.iter()
        .flat_map(|o| o.split(','))
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

// ---------------------------------------------------------------------------------------------
// follows

/// Arguments of `rapport follows`.
#[derive(Debug, clap::Args)]
pub(crate) struct FollowsArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// An account of the organisation (handle or id); repeat, or separate with commas.
    #[arg(long = "org", value_name = "HANDLE[,..]", required = true)]
    pub org: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One event as the JSON document lists it (the table has the same columns).
#[derive(Debug, Serialize)]
struct EventRow<'a> {
    handle: &'a str,
    event: &'static str,
    by: &'static str,
    observed_after: DateTime<Utc>,
    observed_before: DateTime<Utc>,
    org: &'a str,
    id: &'a str,
    org_id: &'a str,
}

/// The result of `rapport follows`.
struct Follows<'a> {
    corpus: &'a Corpus,
    org: Vec<String>,
    events: Vec<FollowEvent>,
    snapshots: usize,
}

impl Follows<'_> {
    fn rows(&self) -> Vec<EventRow<'_>> {
        self.events
            .iter()
            .map(|e| EventRow {
                handle: self.corpus.handle_of_id(&e.account),
                event: e.kind.as_str(),
                by: e.by.as_str(),
                observed_after: e.observed_after,
                observed_before: e.observed_before,
                org: self.corpus.handle_of_id(&e.org),
                id: &e.account,
                org_id: &e.org,
            })
            .collect()
    }
}

impl Printable for Follows<'_> {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "Follow events of {}: {} from {} follow snapshot(s). X tells no follow times: each event \
             happened after the first time and at or before the second.",
            self.org.join(", "),
            self.events.len(),
            self.snapshots
        )?;
        for r in self.rows() {
            let who = if r.by == "org" {
                format!("by @{}", r.org)
            } else {
                format!("by @{}", r.handle)
            };
            writeln!(
                out,
                "  @{:<16} {:<13} {:<18} after {}  at or before {}",
                r.handle,
                r.event,
                who,
                rfc(r.observed_after),
                rfc(r.observed_before)
            )?;
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(
            out,
            &serde_json::json!({
                "org": self.org,
                "snapshots": self.snapshots,
                "events": self.rows(),
            }),
        )
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        rapport_arrow::follows::follow_events(self.corpus, &self.events)
    }
}

/// Runs `rapport follows`.
pub(crate) fn run_follows(args: &FollowsArgs) -> Result<Outcome, CmdError> {
    let corpus = args.corpus.load()?;
    let org = org_list(&args.org);
    let events = corpus.follow_events(&org)?;
    let snapshots = corpus.follow_snapshots().len();
    if snapshots == 0 && corpus.follow_records().is_empty() {
        eprintln!(
            "rapport: no follow snapshots: sync a `followers` or `following` watch \
             (`rapport watch add NAME --kind followers --target HANDLE`) or import follower pages"
        );
    }
    let ids = corpus.resolve_follow_org(&org)?;
    let handles = ids
        .iter()
        .map(|id| corpus.handle_of_id(id).to_owned())
        .collect();
    emit(
        &args.output,
        &Follows {
            corpus: &corpus,
            org: handles,
            events,
            snapshots,
        },
    )?;
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// relationship

/// Arguments of `rapport relationship`.
#[derive(Debug, clap::Args)]
pub(crate) struct RelationshipArgs {
    /// The other account (handle or id).
    pub account: String,
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// An account of the organisation (handle or id); repeat, or separate with commas.
    #[arg(long = "org", value_name = "HANDLE[,..]", required = true)]
    pub org: Vec<String>,
    /// Half-life of the engagement decay (for the stage), in days.
    #[arg(long, value_name = "DAYS", default_value_t = rapport_core::engagement::DEFAULT_HALF_LIFE_DAYS)]
    pub half_life: f64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// One step as a table row.
#[derive(Debug, Default, Serialize)]
struct StepRow {
    step: String,
    at: Option<DateTime<Utc>>,
    observed_after: Option<DateTime<Utc>>,
    observed_before: Option<DateTime<Utc>>,
    evidence: Vec<String>,
}

fn yes_no(x: Option<bool>) -> &'static str {
    match x {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

struct Timeline(Relationship);

impl Printable for Timeline {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let r = &self.0;
        writeln!(
            out,
            "Relationship of {} with @{}: stage {} (engagement stage {})",
            r.org.join(", "),
            r.account,
            r.stage,
            r.engagement_stage.as_str()
        )?;
        writeln!(
            out,
            "Follows now: the organisation follows {}, follows the organisation {}, mutual {}",
            yes_no(r.follows.o_follows_x),
            yes_no(r.follows.x_follows_o),
            yes_no(r.follows.mutual())
        )?;
        if r.steps.is_empty() {
            writeln!(
                out,
                "No steps: no follow snapshot or interaction links them."
            )?;
        }
        for s in &r.steps {
            let when = match (s.at, s.observed_after, s.observed_before) {
                (Some(at), _, _) => rfc(at),
                (None, Some(a), Some(b)) => format!("between {} and {}", rfc(a), rfc(b)),
                (None, None, Some(b)) => format!("at or before {}", rfc(b)),
                _ => "-".to_owned(),
            };
            writeln!(
                out,
                "  {:<31} {:<47} {}",
                s.step.as_str(),
                when,
                s.evidence.join(", ")
            )?;
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        let rows: Vec<StepRow> = self
            .0
            .steps
            .iter()
            .map(|s| StepRow {
                step: s.step.as_str().to_owned(),
                at: s.at,
                observed_after: s.observed_after,
                observed_before: s.observed_before,
                evidence: s.evidence.clone(),
            })
            .collect();
        let b = record_batch(&rows)?;
        with_types(
            &b,
            &[
                ("at", timestamp_type()),
                ("observed_after", timestamp_type()),
                ("observed_before", timestamp_type()),
            ],
        )
    }
}

/// Runs `rapport relationship`.
pub(crate) fn run_relationship(args: &RelationshipArgs) -> Result<Outcome, CmdError> {
    if !(args.half_life.is_finite() && args.half_life > 0.0) {
        return Err(format!(
            "--half-life {}: expected a positive number of days",
            args.half_life
        )
        .into());
    }
    let corpus = args.corpus.load()?;
    let org = org_list(&args.org);
    let opts = EngagementOptions::new(args.half_life, None);
    let rel = corpus.relationship(&org, args.account.trim(), &opts)?;
    emit(&args.output, &Timeline(rel))?;
    Ok(Outcome::Done)
}
