//! `rapport-bench`: rapport's side of the benchmark, one process per run.
//!
//! * `rapport-bench gen --posts N --out FILE [--shape sample|twarc]` writes the sample corpus
//!   (`rapport_sample`) or the twarc2 search-dump shape (`rapport_benches::twarc`).
//! * `rapport-bench run FILE [--stages all|load|parse] [--answers OUT]` runs the stages on the file and
//!   prints one JSON object: seconds per stage, CPU seconds of the thread (`cpu`) and of the whole
//!   process (`process_cpu`, every thread; `process_sys` its system part: reading the input and
//!   faulting in fresh memory), the peak RSS after each stage, and with `--answers`
//!   writes the answers the driver compares with the Python reference.
//! * `rapport-bench files FILE [--out DIR]` loads the JSONL, then times the Arrow tables and files of
//!   rapport-arrow: the posts table as a record batch, the Parquet corpus file written and read back
//!   (with its size, and the check that the corpus is unchanged), and the twarc2 JSONL export.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// mimalloc as the global allocator, as in the `rapport` command and the Python extension (feature
/// `mimalloc`, on by default; `--no-default-features` measures the system allocator).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rapport_benches::twarc::{TwarcConfig, write_twarc_file};
use rapport_benches::{
    EngagementFeatures, account_key, cpu_seconds, engagement, hashtag_answer, hashtags_per_account,
    load_answer, pageranks, peak_rss_bytes, process_times, threads,
};
use rapport_core::skills::{EvidenceOptions, Matcher, Taxonomy, evidence};
use rapport_sample::{SampleConfig, write_sample_file};
use rapport_twitter::import::{ImportOptions, import_jsonl, parse_jsonl_only};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "rapport's side of the benchmark against the Python stack")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write the sample corpus.
    Gen {
        /// Posts.
        #[arg(long)]
        posts: usize,
        /// Seed.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// `sample` (the built-in sample corpus, ~2 KB/post) or `twarc` (a twarc2 search dump with
        /// every field the API returns, multilingual, ~1.4 KB/post).
        #[arg(long, default_value = "sample")]
        shape: String,
    },
    /// Run the stages on a twarc2 JSONL file.
    Run {
        /// The JSONL file.
        input: PathBuf,
        /// The organisation's handles.
        #[arg(long, default_value = "acme_careers,acme_eng,acme_people")]
        org: String,
        /// Topics for topic PageRank (comma-separated; `+` joins the tags of one topic).
        #[arg(long, default_value = "rustlang,python,hrtech")]
        topics: String,
        /// `all`, `load` (import only), `parse` (serde_json into the importer's structs only) or
        /// `workflow` (the analyst's workflow through one analysis context: engagement, global
        /// mentors, mentors of the `--skill-topics`, skills with the built-in taxonomy, and with
        /// `--esco` the ESCO taxonomy's evidence).
        #[arg(long, default_value = "all")]
        stages: String,
        /// Skill topics of the `workflow` stages' mentors (comma-separated).
        #[arg(long, default_value = "rust,python,kubernetes")]
        skill_topics: String,
        /// Also time skill evidence with this ESCO classification zip.
        #[arg(long)]
        esco: Option<PathBuf>,
        /// Write the answers here.
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Threads for the load (0: all cores).
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Run the `workflow` stages this many times, each time through a fresh analysis context
        /// (the load once); `times` are then each stage's median and `samples` every run.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// Time the Arrow tables and the corpus files of rapport-arrow on a twarc2 JSONL file.
    Files {
        /// The JSONL file.
        input: PathBuf,
        /// Where to write the Parquet and JSONL files (deleted afterwards); the input's folder by
        /// default.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

struct Timer {
    /// The median wall time of each stage over its runs (one run unless `--repeat`).
    times: BTreeMap<String, f64>,
    /// Every run's wall time of each stage, in order.
    samples: BTreeMap<String, Vec<f64>>,
    cpu: BTreeMap<String, f64>,
    process_cpu: BTreeMap<String, f64>,
    /// The system part of `process_cpu`.
    process_sys: BTreeMap<String, f64>,
    peaks: BTreeMap<String, u64>,
}

/// Called at the start and at the end of every stage, so that
/// `valgrind --tool=callgrind --dump-before='*stage_boundary*'` dumps one part per stage (and one per
/// gap between stages): the instruction counts of each stage, deterministic where wall times are not.
#[inline(never)]
fn stage_boundary(name: &str) {
    std::hint::black_box(name);
}

/// A digest of a result's JSON (64-bit FNV-1a, hex): two builds agree on a result when they agree
/// on its digest.
fn digest<T: serde::Serialize>(v: &T) -> String {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// The median of some samples (the mean of the middle two for an even count).
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => f64::midpoint(v[n / 2 - 1], v[n / 2]),
    }
}

impl Timer {
    fn stage<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        stage_boundary(name);
        let t0 = Instant::now();
        let c0 = cpu_seconds().unwrap_or(0.0);
        let (u0, s0) = process_times().unwrap_or((0.0, 0.0));
        let r = f();
        stage_boundary(name);
        let (u1, s1) = process_times().unwrap_or((0.0, 0.0));
        self.process_cpu
            .insert(name.to_owned(), (u1 + s1) - (u0 + s0));
        self.process_sys.insert(name.to_owned(), s1 - s0);
        self.cpu
            .insert(name.to_owned(), cpu_seconds().unwrap_or(0.0) - c0);
        let samples = self.samples.entry(name.to_owned()).or_default();
        samples.push(t0.elapsed().as_secs_f64());
        self.times.insert(name.to_owned(), median(samples));
        self.peaks
            .insert(name.to_owned(), peak_rss_bytes().unwrap_or(0));
        r
    }
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("rapport-bench: {e}");
        std::process::exit(1);
    }
}

/// `rapport-bench files`: posts table, Parquet save and load (with the equality check), JSONL export.
fn files(input: &std::path::Path, out: Option<PathBuf>) -> Result<(), Box<dyn std::error::Error>> {
    let mut t = Timer {
        times: BTreeMap::new(),
        samples: BTreeMap::new(),
        cpu: BTreeMap::new(),
        process_cpu: BTreeMap::new(),
        process_sys: BTreeMap::new(),
        peaks: BTreeMap::new(),
    };
    let c = import_jsonl(input, &ImportOptions::default())?.corpus;
    let dir = out.unwrap_or_else(|| {
        input
            .parent()
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    });
    let pq = dir.join("rapport-bench-corpus.parquet");
    let jl = dir.join("rapport-bench-export.jsonl");
    let batch = t.stage("posts_table", || rapport_arrow::corpus::posts(&c))?;
    let rows = batch.num_rows();
    drop(batch);
    t.stage("parquet_save", || rapport_arrow::save_corpus(&c, &pq))?;
    let parquet_bytes = std::fs::metadata(&pq)?.len();
    let back = t.stage("parquet_load", || rapport_arrow::load_corpus(&pq))?;
    let same = back.num_posts() == c.num_posts()
        && back.num_accounts() == c.num_accounts()
        && back
            .posts()
            .zip(c.posts())
            .all(|(a, b)| a.to_post() == b.to_post());
    if !same {
        return Err("the Parquet round trip changed the corpus".into());
    }
    drop(back);
    t.stage("jsonl_export", || {
        let f = std::fs::File::create(&jl)?;
        rapport_arrow::corpus_to_jsonl(&c, std::io::BufWriter::new(f))
            .map_err(|e| std::io::Error::other(e.to_string()))
    })?;
    let jsonl_bytes = std::fs::metadata(&jl)?.len();
    std::fs::remove_file(&pq)?;
    std::fs::remove_file(&jl)?;
    println!(
        "{}",
        json!({"posts": c.num_posts(), "accounts": c.num_accounts(), "table_rows": rows,
               "input_bytes": std::fs::metadata(input)?.len(), "parquet_bytes": parquet_bytes,
               "jsonl_export_bytes": jsonl_bytes, "round_trip_equal": same,
               "times": t.times, "cpu": t.cpu, "peak_rss": t.peaks})
    );
    std::mem::forget(c);
    Ok(())
}

fn real_main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().cmd {
        Cmd::Files { input, out } => files(&input, out)?,
        Cmd::Gen {
            posts,
            seed,
            out,
            shape,
        } => {
            let (posts, pages, accounts) = match shape.as_str() {
                "sample" => {
                    let t = write_sample_file(&SampleConfig::new(posts, seed), &out)?;
                    (t.posts, t.pages, t.accounts)
                }
                "twarc" => {
                    let t = write_twarc_file(&TwarcConfig { posts, seed }, &out)?;
                    (t.posts, t.pages, t.accounts)
                }
                other => {
                    return Err(format!("unknown shape '{other}': expected sample or twarc").into());
                }
            };
            println!(
                "{}",
                json!({"shape": shape, "posts": posts, "pages": pages, "accounts": accounts,
                       "bytes": std::fs::metadata(&out)?.len()})
            );
        }
        Cmd::Run {
            input,
            org,
            topics,
            stages,
            esco,
            answers,
            threads: n_threads,
            skill_topics,
            repeat,
        } => {
            let mut t = Timer {
                times: BTreeMap::new(),
                samples: BTreeMap::new(),
                cpu: BTreeMap::new(),
                process_cpu: BTreeMap::new(),
                process_sys: BTreeMap::new(),
                peaks: BTreeMap::new(),
            };
            let mut ans = serde_json::Map::new();
            let start = Instant::now();
            if stages == "parse" {
                let s = t.stage("parse", || parse_jsonl_only(&input))?;
                ans.insert("parse".into(), serde_json::to_value(s)?);
            } else {
                let report = t.stage("load", || {
                    import_jsonl(&input, &ImportOptions::default().with_threads(n_threads))
                })?;
                let c = report.corpus;
                ans.insert("load".into(), serde_json::to_value(load_answer(&c))?);
                ans.insert("bytes".into(), json!(report.bytes));
                if stages == "all" {
                    run_all(&mut t, &mut ans, &c, &org, &topics, esco.as_ref())?;
                } else if stages == "workflow" {
                    let esco = match &esco {
                        Some(zip) => Some(Arc::new(Taxonomy::from_esco(zip)?)),
                        None => None,
                    };
                    for _ in 0..repeat.max(1) {
                        workflow(&mut t, &mut ans, &c, &org, &skill_topics, esco.as_ref())?;
                    }
                }
                // Dropping a million-post corpus is not part of any stage.
                std::mem::forget(c);
            }
            t.times
                .insert("total".into(), start.elapsed().as_secs_f64());
            // The small answers (counts) go to stdout too; the comparison's big ones only to a file.
            let counts = if matches!(stages.as_str(), "workflow" | "parse" | "load") {
                Value::Object(ans.clone())
            } else {
                Value::Null
            };
            if let Some(path) = answers {
                std::fs::write(path, serde_json::to_vec(&Value::Object(ans))?)?;
            }
            println!(
                "{}",
                json!({"times": t.times, "samples": t.samples, "cpu": t.cpu, "process_cpu": t.process_cpu,
                       "process_sys": t.process_sys, "peak_rss": t.peaks, "peak_rss_total": peak_rss_bytes(), "threads": n_threads,
                       "allocator": if cfg!(feature = "mimalloc") { "mimalloc" } else { "system" },
                       "answers": counts})
            );
        }
    }
    Ok(())
}

/// The analyst's workflow through one analysis context, each step its own stage: engagement,
/// global mentors, mentors of the skill topics (the first runs the evidence pass), skills with the
/// built-in taxonomy (derived from the first topic's evidence), again (cached), as an Arrow table,
/// as the table the Python binding returns (cut from the full evidence as it is written), a fresh
/// evidence pass, and with ESCO its matcher, its evidence
/// through the context and again.
fn workflow(
    timer: &mut Timer,
    ans: &mut serde_json::Map<String, Value>,
    corpus: &rapport_core::Corpus,
    org: &str,
    skill_topics: &str,
    esco: Option<&Arc<Taxonomy>>,
) -> Result<(), Box<dyn std::error::Error>> {
    use rapport_core::context::{Analysis, builtin_matcher};
    use rapport_core::engagement::EngagementOptions;
    use rapport_core::mentors::{MentorOptions, Topic};
    let org: Vec<&str> = org.split(',').collect();
    let ctx = Analysis::new(corpus);
    let e = timer.stage("engagement", || {
        ctx.engagement(&org, &EngagementOptions::default())
    })?;
    ans.insert("engagement_rows".into(), json!(e.rows.len()));
    ans.insert("digest_engagement".into(), json!(digest(&e.rows)));
    let m = timer.stage("mentors_global", || {
        ctx.mentors(&Topic::Global, None, &MentorOptions::default())
    })?;
    ans.insert("mentors_global".into(), json!(m.rows.len()));
    ans.insert("digest_mentors_global".into(), json!(digest(&m)));
    for (i, t) in skill_topics.split(',').enumerate() {
        let m = timer.stage(&format!("mentors_topic_{}", i + 1), || {
            ctx.mentors(&Topic::skill(t), None, &MentorOptions::default())
        })?;
        ans.insert(format!("mentors_{t}"), json!(m.rows.len()));
        ans.insert(format!("digest_mentors_{t}"), json!(digest(&m)));
    }
    let s = timer.stage("skills", || {
        ctx.skills(&builtin_matcher(), &EvidenceOptions::default())
    });
    ans.insert("skill_rows".into(), json!(s.rows.len()));
    ans.insert("digest_skills".into(), json!(digest(&*s)));
    let s = timer.stage("skills_again", || {
        ctx.skills(&builtin_matcher(), &EvidenceOptions::default())
    });
    let table = timer.stage("skills_table", || rapport_arrow::results::skills(&s.rows))?;
    ans.insert("skills_table_rows".into(), json!(table.num_rows()));
    // What Python's `corpus.skills()` does: the full evidence (cached by the skill topics), cut to
    // the kept ids as the table is written; the same table as the cut report's.
    let keep = EvidenceOptions::default()
        .max_evidence_posts
        .unwrap_or(usize::MAX);
    let kept = timer.stage("skills_table_from_full", || {
        let full = ctx.skills(
            &builtin_matcher(),
            &EvidenceOptions::default().all_evidence(),
        );
        rapport_arrow::results::skills_keeping(&full.rows, keep)
    })?;
    ans.insert("skills_table_from_full_same".into(), json!(kept == table));
    // The hand-built table is the generic one (outside the timed stages).
    let generic = rapport_arrow::table::record_batch(&s.rows)?;
    ans.insert(
        "skills_table_same_as_generic".into(),
        json!(table == generic),
    );
    let s = timer.stage("skills_fresh", || {
        evidence(corpus, &builtin_matcher(), &EvidenceOptions::default())
    });
    ans.insert("skill_rows_fresh".into(), json!(s.rows.len()));
    ans.insert("digest_skills_fresh".into(), json!(digest(&s)));
    if let Some(tax) = esco {
        let matcher = Arc::new(timer.stage("esco_matcher", || Matcher::new(tax)));
        let s = timer.stage("skills_esco", || {
            ctx.skills(&matcher, &EvidenceOptions::default())
        });
        ans.insert("skill_rows_esco".into(), json!(s.rows.len()));
        ans.insert("digest_skills_esco".into(), json!(digest(&*s)));
        timer.stage("skills_esco_again", || {
            ctx.skills(&matcher, &EvidenceOptions::default())
        });
    }
    Ok(())
}

fn run_all(
    timer: &mut Timer,
    ans: &mut serde_json::Map<String, Value>,
    corpus: &rapport_core::Corpus,
    org: &str,
    topics: &str,
    esco: Option<&PathBuf>,
) -> Result<(), Box<dyn std::error::Error>> {
    let org: Vec<&str> = org.split(',').collect();
    let th = timer.stage("threads", || threads(corpus));
    ans.insert("threads".into(), serde_json::to_value(th)?);

    let (ctx, report) = timer.stage("engagement", || engagement(corpus, &org))?;
    let ix = ctx.interactions();
    let kinds = ix.count_by_kind();
    let mut by_kind = BTreeMap::new();
    for k in rapport_core::engagement::InteractionKind::ALL {
        if kinds[k as usize] > 0 {
            by_kind.insert(k.as_str(), kinds[k as usize]);
        }
    }
    ans.insert("interactions".into(), json!(by_kind));
    let funnel = &report.funnel;
    ans.insert(
        "funnel".into(),
        json!({"unaware": funnel.unaware, "noticed": funnel.noticed, "responded": funnel.responded,
               "conversing": funnel.conversing, "engaged": funnel.engaged}),
    );
    let rows: BTreeMap<String, EngagementFeatures> = report
        .rows
        .iter()
        .map(|r| {
            (
                account_key(&corpus.account(r.account)),
                EngagementFeatures::from(r),
            )
        })
        .collect();
    ans.insert("engagement".into(), serde_json::to_value(rows)?);
    let bc = timer.stage("broadcast", || corpus.broadcast_report(&org))?;
    ans.insert("broadcast_posts".into(), json!(bc.posts.len()));

    let pairs = timer.stage("hashtags", || hashtags_per_account(corpus));
    ans.insert(
        "hashtags".into(),
        serde_json::to_value(hashtag_answer(corpus, &pairs))?,
    );

    let topics: Vec<String> = topics.split(',').map(str::to_owned).collect();
    let (g, prs) = timer.stage("pagerank", || pageranks(corpus, ix, &topics))?;
    let mut pr = serde_json::Map::new();
    for (name, scores) in prs {
        let m: serde_json::Map<String, Value> = scores
            .iter()
            .enumerate()
            .map(|(node, &s)| (account_key(&corpus.account(g.account(node))), json!(s)))
            .collect();
        pr.insert(name, Value::Object(m));
    }
    ans.insert("pagerank".into(), Value::Object(pr));

    if let Some(zip) = esco {
        let tax = Taxonomy::from_esco(zip)?;
        let matcher = Matcher::new(&tax);
        let skills = timer.stage("skills", || {
            evidence(corpus, &matcher, &EvidenceOptions::default())
        });
        ans.insert("skill_rows".into(), json!(skills.rows.len()));
    }
    Ok(())
}
