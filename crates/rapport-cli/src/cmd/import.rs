//! `rapport import FILE... --store PATH [--lenient]`: files into the store. Each file is one
//! transaction holding its data AND its audit entry, so the log says exactly what was committed: when
//! a later file fails, the earlier ones stay imported (and audited), and the message says which.

use std::io::Write;
use std::path::{Path, PathBuf};

use rapport_store::{DuplicatePolicy, Store};
use rapport_twitter::import::{ImportOptions, import_path};
use serde::Serialize;
use serde_json::{Value, json};

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport import`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files to import: twarc2 JSONL, an API v2 response JSON, or an X archive (.zip or folder).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Skip bad lines, and later copies of stored posts that disagree with them on the author or
    /// the creation time (and list them; exit code 3), instead of refusing the file at the first.
    #[arg(long)]
    pub lenient: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What one file brought.
#[derive(Debug, Serialize)]
struct FileResult {
    file: String,
    lines: u64,
    posts: usize,
    accounts: usize,
    posts_written: usize,
    posts_skipped_forgotten: usize,
    /// Later copies of stored posts that disagree with them, skipped (lenient mode).
    conflicts_skipped: usize,
    skipped_lines: Vec<String>,
    /// The importer's whole report (counts, skipped lines with reasons, conversion statistics):
    /// serialised as it is, so what the importer adds shows up here without a change.
    import: Value,
    /// The sequence number of this file's audit entry.
    audit_seq: i64,
}

fn import_one(
    store: &mut Store,
    path: &Path,
    opts: &ImportOptions,
    lenient: bool,
) -> Result<FileResult, CmdError> {
    let report = import_path(path, opts)?;
    let import = serde_json::to_value(&report)?;
    let skipped_lines: Vec<String> = report
        .skipped
        .iter()
        .map(|s| format!("line {}: {}", s.line, s.reason))
        .collect();
    let (saved, seq) = store.save_corpus_audited(&report.corpus, |saved| {
        let mut entry = super::audit_entry("import");
        entry.config = json!({ "lenient": lenient });
        // Counts only: a file name can name a person (an archive is someone's).
        entry.details = json!({
            "bytes": report.bytes,
            "lines": report.lines,
            "posts_written": saved.posts_written,
            "accounts_written": saved.accounts_written,
            "posts_skipped_forgotten": saved.posts_skipped,
            "conflicts_skipped": saved.conflicts_skipped,
            "skipped_lines": report.skipped.len(),
        });
        entry
    })?;
    Ok(FileResult {
        file: path.display().to_string(),
        lines: report.lines,
        posts: report.corpus.num_posts(),
        accounts: report.corpus.num_accounts(),
        posts_written: saved.posts_written,
        posts_skipped_forgotten: saved.posts_skipped,
        conflicts_skipped: saved.conflicts_skipped,
        skipped_lines: skipped_lines
            .into_iter()
            .chain(saved.conflicts.iter().map(|c| {
                format!(
                    "post {}: {} {} conflicts with the stored {} (skipped)",
                    c.post_id, c.field, c.found, c.stored
                )
            }))
            .collect(),
        import,
        audit_seq: seq,
    })
}

/// Runs `rapport import`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open()?;
    if args.lenient {
        store.set_duplicate_policy(DuplicatePolicy::Lenient);
    }
    let opts = ImportOptions {
        strict: !args.lenient,
        ..ImportOptions::default()
    };
    let mut results = Vec::new();
    let mut failure = None;
    for (i, path) in args.files.iter().enumerate() {
        match import_one(&mut store, path, &opts, args.lenient) {
            Ok(r) => results.push(r),
            Err(e) => {
                failure = Some((i, e));
                break;
            }
        }
    }
    let total_posts = store.num_posts()?;

    let mut out = std::io::stdout().lock();
    if args.json {
        let failed = failure.as_ref().map(
            |(i, e)| json!({"file": args.files[*i].display().to_string(), "error": e.to_string()}),
        );
        serde_json::to_writer_pretty(
            &mut out,
            &json!({"files": results, "failed": failed, "store_posts": total_posts}),
        )?;
        writeln!(out)?;
    } else {
        for r in &results {
            writeln!(
                out,
                "{}: {} posts, {} accounts from {} lines; {} posts written{}{}",
                r.file,
                r.posts,
                r.accounts,
                r.lines,
                r.posts_written,
                if r.posts_skipped_forgotten > 0 {
                    format!(
                        ", {} of forgotten people skipped",
                        r.posts_skipped_forgotten
                    )
                } else {
                    String::new()
                },
                if r.conflicts_skipped > 0 {
                    format!(", {} conflicting copies skipped", r.conflicts_skipped)
                } else {
                    String::new()
                }
            )?;
        }
        writeln!(out, "The store holds {total_posts} posts.")?;
    }
    if let Some((i, e)) = failure {
        let committed = if results.is_empty() {
            "nothing was committed".to_owned()
        } else {
            format!(
                "committed and audited before it: {}",
                results
                    .iter()
                    .map(|r| format!("{} ({} posts written)", r.file, r.posts_written))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let rest: Vec<String> = args.files[i + 1..]
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let not_tried = if rest.is_empty() {
            String::new()
        } else {
            format!("; not attempted: {}", rest.join(", "))
        };
        return Err(format!(
            "{}: import failed, nothing of it was stored: {e}\n  {committed}{not_tried}",
            args.files[i].display()
        )
        .into());
    }
    let skipped: Vec<String> = results
        .iter()
        .flat_map(|r| {
            r.skipped_lines
                .iter()
                .map(move |s| format!("{}: {s}", r.file))
        })
        .collect();
    if skipped.is_empty() {
        Ok(Outcome::Done)
    } else {
        Ok(Outcome::Partial(format!(
            "{} bad line(s) or conflicting copies skipped:\n  {}",
            skipped.len(),
            skipped.join("\n  ")
        )))
    }
}
