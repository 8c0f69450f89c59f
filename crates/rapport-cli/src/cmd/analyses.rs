//! One command per analysis over the store, each printing its result in every format
//! ([`super::output`]):
//!
//! - `rapport engagement --org H...`: every account's engagement with the organisation (audited);
//! - `rapport broadcast --org H... [--posts]`: the void / broadcast / conversation report (the summary
//!   table, or with `--posts` the per-post table);
//! - `rapport skills [--taxonomy FILE]`: skill evidence per account and skill;
//! - `rapport rank --org H... --job job.toml`: candidates for a job (audited);
//! - `rapport mentors [--topic T] [--since T] [--until T]`: mentors of a topic, over a time window
//!   when given (learning and development only);
//! - `rapport learn --skill S...`: a learning feed (mentors, rising hashtags, conversations).

use std::io::Write;
use std::path::PathBuf;

use rapport_arrow::RecordBatch;
use rapport_core::Corpus;
use rapport_core::context::Analysis;
use rapport_core::engagement::{
    BroadcastReport, EngagementOptions, EngagementReport, Org, Stage, broadcast_report,
};
use rapport_core::learning::{LearningFeed, LearningOptions, learning_feed};
use rapport_core::mentors::{MentorOptions, MentorReport, Topic, mentors};
use rapport_core::ranking::{CandidateOptions, CandidateReport};
use rapport_core::skills::{EvidenceOptions, JobProfile, Matcher, SkillReport, Taxonomy, evidence};
use rapport_store::{AuditEntry, PlatformFilter, Store};
use serde::Serialize;
use serde_json::json;

use super::output::{OutputArgs, Printable, emit};
use super::{CmdError, Outcome, PlatformArg, StoreArg};

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn topic_of(s: &str) -> Topic {
    Topic::parse(s)
}

fn load(store: &StoreArg, platform: &PlatformArg) -> Result<(Store, Corpus), CmdError> {
    let s = store.open_existing()?;
    let c = platform.load(&s, &store.store)?;
    Ok((s, c))
}

/// Appends the audit entry of a run that scored people, once its output exists.
fn audit(
    store: &mut Store,
    action: &str,
    analysis: &str,
    config: serde_json::Value,
    cohort: Vec<String>,
    bytes: &[u8],
) -> Result<(), CmdError> {
    let mut entry = super::audit_entry(action);
    entry.analysis = Some(analysis.into());
    entry.config = config;
    entry.cohort = cohort;
    entry.output_digest = Some(AuditEntry::digest(bytes));
    store.audit_append(&entry)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// engagement

/// Arguments of `rapport engagement`.
#[derive(Debug, clap::Args)]
pub(crate) struct EngagementArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// An account of the organisation (handle or id); repeat for several.
    #[arg(long = "org", value_name = "HANDLE", required = true)]
    pub org: Vec<String>,
    /// Half-life of the engagement decay, in days.
    #[arg(long, value_name = "DAYS", default_value_t = rapport_core::engagement::DEFAULT_HALF_LIFE_DAYS)]
    pub half_life: f64,
    /// At most this many rows in the text output (the other formats hold every account).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

struct Engagement(EngagementReport, usize);

impl Printable for Engagement {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let r = &self.0;
        writeln!(
            out,
            "Engagement with {} (advisory scores 0-100), as of {}",
            r.org.handles.join(", "),
            r.as_of.to_rfc3339()
        )?;
        for st in Stage::ALL {
            writeln!(out, "  {:<11} {:>7}", st.as_str(), r.funnel.get(st))?;
        }
        for (i, row) in r.rows.iter().take(self.1).enumerate() {
            writeln!(
                out,
                "{:>3}. @{:<16} {:>5.1}  {:<10}  replies {}/{}  two-way {}",
                i + 1,
                row.handle,
                row.score,
                row.stage.as_str(),
                row.replies_to_org,
                row.replies_from_org,
                row.two_way_exchanges
            )?;
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        rapport_arrow::results::engagement(&self.0.rows)
    }
}

/// Runs `rapport engagement`.
pub(crate) fn run_engagement(args: &EngagementArgs) -> Result<Outcome, CmdError> {
    let (mut store, corpus) = load(&args.store, &args.platform)?;
    let org = Org::resolve(&corpus, &args.org)?;
    let opts = EngagementOptions::new(args.half_life, None);
    let report = Analysis::new(&corpus).engagement_of(&org, &opts)?;
    let bytes = emit(&args.output, &Engagement(report.clone(), args.top))?;
    audit(
        &mut store,
        "engagement",
        "engagement",
        json!({
            "org": org.handles,
            "half_life_days": args.half_life,
            "weights": opts.weights,
            "format": args.output.format().name(),
            "platform": args.platform.platform.map(PlatformFilter::as_str),
        }),
        report.rows.iter().map(|r| r.id.clone()).collect(),
        &bytes,
    )?;
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// broadcast

/// Arguments of `rapport broadcast`.
#[derive(Debug, clap::Args)]
pub(crate) struct BroadcastArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// An account of the organisation (handle or id); repeat for several.
    #[arg(long = "org", value_name = "HANDLE", required = true)]
    pub org: Vec<String>,
    /// The table is one row per post of the organisation instead of the summary (overall, per
    /// account, hashtag and month).
    #[arg(long)]
    pub posts: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

struct Broadcast(BroadcastReport, bool);

impl Printable for Broadcast {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let r = &self.0;
        let o = &r.overall;
        writeln!(
            out,
            "Broadcast report of {}: {} posts; void rate {} ({} void), {} broadcast, {} conversation",
            r.org.join(", "),
            o.posts,
            pct(o.void_rate),
            o.void,
            o.broadcast,
            o.conversation
        )?;
        for (scope, rows) in [
            ("account", &r.by_account),
            ("hashtag", &r.by_hashtag),
            ("month", &r.by_month),
        ] {
            writeln!(out, "By {scope}:")?;
            for a in rows {
                writeln!(
                    out,
                    "  {:<20} {:>5} posts  void {:>6}  conversation {:>6}",
                    a.key,
                    a.posts,
                    pct(a.void_rate),
                    pct(a.conversation_rate)
                )?;
            }
        }
        if self.1 {
            writeln!(out, "Posts:")?;
            for p in &r.posts {
                writeln!(
                    out,
                    "  {}  {}  {:<12}  replies {:>3}  answered {}",
                    p.post_id,
                    p.created_at.format("%Y-%m-%d"),
                    p.class.as_str(),
                    p.replies,
                    p.answered
                )?;
            }
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        if self.1 {
            rapport_arrow::results::broadcast_posts(&self.0)
        } else {
            rapport_arrow::results::broadcast_summary(&self.0)
        }
    }
}

/// Runs `rapport broadcast`.
pub(crate) fn run_broadcast(args: &BroadcastArgs) -> Result<Outcome, CmdError> {
    let (_store, corpus) = load(&args.store, &args.platform)?;
    let report = broadcast_report(&corpus, &args.org)?;
    emit(&args.output, &Broadcast(report, args.posts))?;
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// skills

/// Arguments of `rapport skills`.
#[derive(Debug, clap::Args)]
pub(crate) struct SkillsArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// A taxonomy file (TOML or CSV, see docs/skills.md); default: the built-in taxonomy.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Half-life of the evidence decay, in days.
    #[arg(long, value_name = "DAYS", default_value_t = 180.0)]
    pub half_life: f64,
    /// At most this many rows in the text output (the other formats hold every row).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

struct Skills(SkillReport, usize);

impl Printable for Skills {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let r = &self.0;
        writeln!(
            out,
            "Skill evidence: {} rows from {} posts (half-life {} days); the strongest first",
            r.rows.len(),
            r.posts_scanned,
            r.half_life_days
        )?;
        let mut rows: Vec<_> = r.rows.iter().collect();
        rows.sort_by(|a, b| b.strength.total_cmp(&a.strength));
        for e in rows.into_iter().take(self.1) {
            writeln!(
                out,
                "  @{:<16} {:<24} strength {:>7.2}  posts {:>4}",
                e.handle, e.label, e.strength, e.posts
            )?;
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        rapport_arrow::results::skills(&self.0.rows)
    }
}

/// Runs `rapport skills`.
pub(crate) fn run_skills(args: &SkillsArgs) -> Result<Outcome, CmdError> {
    let (_store, corpus) = load(&args.store, &args.platform)?;
    let taxonomy = match &args.taxonomy {
        Some(p) => Taxonomy::from_file(p)?,
        None => Taxonomy::builtin(),
    };
    let opts = EvidenceOptions {
        half_life_days: args.half_life,
        ..EvidenceOptions::default()
    };
    let report = evidence(&corpus, &Matcher::new(&taxonomy), &opts);
    emit(&args.output, &Skills(report, args.top))?;
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// rank

/// Arguments of `rapport rank`.
#[derive(Debug, clap::Args)]
pub(crate) struct RankArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// An account of the organisation (handle or id); repeat for several. Its accounts are never
    /// ranked.
    #[arg(long = "org", value_name = "HANDLE", required = true)]
    pub org: Vec<String>,
    /// The job profile (TOML, see docs/skills.md).
    #[arg(long, value_name = "FILE")]
    pub job: PathBuf,
    /// A taxonomy file (TOML or CSV); default: the built-in taxonomy.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// At most this many candidates.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

struct Rank(CandidateReport);

impl Printable for Rank {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let r = &self.0;
        writeln!(
            out,
            "Candidates for \"{}\": {} people with evidence, the organisation excluded (advisory)",
            r.job.title, r.considered
        )?;
        for c in &r.rows {
            writeln!(
                out,
                "{:>3}. @{:<16} fit {:.2}  required {:>6}  engagement {:>5.1} ({})",
                c.rank,
                c.handle,
                c.fit,
                pct(c.required_coverage),
                c.engagement,
                c.stage.as_str()
            )?;
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        rapport_arrow::record_batch_without(&self.0.rows, "account")
    }
}

/// Runs `rapport rank`.
pub(crate) fn run_rank(args: &RankArgs) -> Result<Outcome, CmdError> {
    let job = JobProfile::from_toml_file(&args.job)?;
    let taxonomy = match &args.taxonomy {
        Some(p) => Taxonomy::from_file(p)?,
        None => Taxonomy::builtin(),
    };
    let (mut store, corpus) = load(&args.store, &args.platform)?;
    let org = Org::resolve(&corpus, &args.org)?;
    let report = Analysis::new(&corpus).rank_candidates(
        &job,
        &args.org,
        &std::sync::Arc::new(Matcher::new(&taxonomy)),
        &CandidateOptions::with_limit(args.limit),
    )?;
    let cohort = report.rows.iter().map(|r| r.id.clone()).collect();
    let bytes = emit(&args.output, &Rank(report))?;
    audit(
        &mut store,
        "rank",
        "ranking",
        json!({
            "org": org.handles,
            "job": job,
            "limit": args.limit,
            "format": args.output.format().name(),
            "platform": args.platform.platform.map(PlatformFilter::as_str),
        }),
        cohort,
        &bytes,
    )?;
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// mentors

/// Arguments of `rapport mentors`.
#[derive(Debug, clap::Args)]
pub(crate) struct MentorsArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// The topic: a skill (`python`, `rapport:rust`), a hashtag (`#rustlang`) or an
    /// entity of the posts' context annotations (`entity:<id>` or its name); default: the whole
    /// corpus.
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// At most this many mentors.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Only posts from this time on count (a day or an RFC 3339 time; inclusive): mentors "for the
    /// day" or the week.
    #[arg(long, value_name = "TIME", value_parser = super::collect::parse_time)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only posts before this time count (exclusive).
    #[arg(long, value_name = "TIME", value_parser = super::collect::parse_time)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    #[command(flatten)]
    pub output: OutputArgs,
}

struct Mentors(MentorReport);

impl Printable for Mentors {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let t = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        let window = match (t(self.0.options.since), t(self.0.options.until)) {
            (None, None) => String::new(),
            (Some(s), None) => format!(", posts from {s}"),
            (None, Some(u)) => format!(", posts before {u}"),
            (Some(s), Some(u)) => format!(", posts from {s} to before {u}"),
        };
        writeln!(
            out,
            "Mentors of {}{window} (learning and development only, never for hiring)",
            self.0.topic
        )?;
        for m in &self.0.rows {
            writeln!(
                out,
                "{:>3}. @{:<16} score {:.3}  answers {:>3}  reach {:>3}",
                m.rank, m.handle, m.score, m.answers, m.reach
            )?;
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        rapport_arrow::results::mentors(&self.0.rows)
    }
}

/// Runs `rapport mentors`.
pub(crate) fn run_mentors(args: &MentorsArgs) -> Result<Outcome, CmdError> {
    let (_store, corpus) = load(&args.store, &args.platform)?;
    let topic = args.topic.as_deref().map_or(Topic::Global, topic_of);
    let opts = MentorOptions::with_limit(args.limit).window(args.since, args.until);
    let report = mentors(&corpus, &topic, &opts)?;
    emit(&args.output, &Mentors(report))?;
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// learn

/// Arguments of `rapport learn`.
#[derive(Debug, clap::Args)]
pub(crate) struct LearnArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
    /// A learning goal: a skill or a hashtag (`#rustlang`); repeat for several.
    #[arg(long = "skill", value_name = "SKILL", required = true)]
    pub skills: Vec<String>,
    /// The window of "rising" and "recent", in days.
    #[arg(long, value_name = "DAYS", default_value_t = 30.0)]
    pub window: f64,
    /// Mentors, hashtags and conversations per goal.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub per_goal: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Serialize)]
struct Learn(LearningFeed);

impl Printable for Learn {
    fn text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let f = &self.0;
        writeln!(
            out,
            "Learning feed as of {} (window {} days)",
            f.as_of.to_rfc3339(),
            f.window_days
        )?;
        for g in &f.goals {
            writeln!(out, "\n{}", g.goal)?;
            for m in &g.mentors {
                writeln!(
                    out,
                    "  mentor        @{:<16} score {:.3}",
                    m.handle, m.score
                )?;
            }
            for h in &g.rising_hashtags {
                writeln!(
                    out,
                    "  rising        #{:<16} {} posts (was {})",
                    h.hashtag, h.current, h.previous
                )?;
            }
            for c in &g.conversations {
                writeln!(
                    out,
                    "  conversation  {:<17} {} posts, {} two-way pairs",
                    c.conversation_id, c.posts, c.two_way_pairs
                )?;
            }
        }
        Ok(())
    }
    fn json(&self, out: &mut dyn Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, &self.0)
    }
    fn table(&self) -> Result<RecordBatch, rapport_arrow::Error> {
        rapport_arrow::results::learning_items(&self.0)
    }
}

/// Runs `rapport learn`.
pub(crate) fn run_learn(args: &LearnArgs) -> Result<Outcome, CmdError> {
    if !(args.window.is_finite() && args.window > 0.0) {
        return Err(format!(
            "--window {}: expected a positive number of days",
            args.window
        )
        .into());
    }
    let (_store, corpus) = load(&args.store, &args.platform)?;
    let goals: Vec<Topic> = args.skills.iter().map(|s| topic_of(s)).collect();
    let opts = LearningOptions {
        mentors: args.per_goal,
        rising: args.per_goal,
        conversations: args.per_goal,
        window_days: args.window,
        ..LearningOptions::default()
    };
    let feed = learning_feed(&corpus, &goals, &opts)?;
    emit(&args.output, &Learn(feed))?;
    Ok(Outcome::Done)
}
