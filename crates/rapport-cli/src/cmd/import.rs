//! `rapport import FILE... --store PATH [--lenient]`: files into the store, one transaction per
//! file, logged in the audit log.

use std::io::Write;
use std::path::PathBuf;

use rapport_twitter::import::{ImportOptions, import_path};
use serde::Serialize;
use serde_json::json;

use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport import`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files to import: twarc2 JSONL, an API v2 response JSON, or an X archive (.zip or folder).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArg,
    /// Skip bad lines (and list them; exit code 3) instead of refusing the file at the first.
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
    skipped_lines: Vec<String>,
}

/// Runs `rapport import`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open()?;
    let opts = ImportOptions {
        strict: !args.lenient,
        ..ImportOptions::default()
    };
    let mut results = Vec::new();
    for path in &args.files {
        let report = import_path(path, &opts).map_err(|e| format!("{}: {e}", path.display()))?;
        let saved = store.save_corpus(&report.corpus)?;
        results.push(FileResult {
            file: path.display().to_string(),
            lines: report.lines,
            posts: report.corpus.num_posts(),
            accounts: report.corpus.num_accounts(),
            posts_written: saved.posts_written,
            posts_skipped_forgotten: saved.posts_skipped,
            skipped_lines: report
                .skipped
                .iter()
                .map(|s| format!("line {}: {}", s.line, s.reason))
                .collect(),
        });
    }
    let total_posts = store.num_posts()?;
    let mut entry = super::audit_entry("import");
    entry.config = json!({ "lenient": args.lenient });
    entry.details = json!({
        "files": results.len(),
        "posts_written": results.iter().map(|r| r.posts_written).sum::<usize>(),
        "skipped_lines": results.iter().map(|r| r.skipped_lines.len()).sum::<usize>(),
        "store_posts": total_posts,
    });
    store.audit_append(&entry)?;

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &json!({"files": results, "store_posts": total_posts}),
        )?;
        writeln!(out)?;
    } else {
        for r in &results {
            writeln!(
                out,
                "{}: {} posts, {} accounts from {} lines; {} posts written{}",
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
                }
            )?;
        }
        writeln!(out, "The store holds {total_posts} posts.")?;
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
            "{} bad line(s) skipped:\n  {}",
            skipped.len(),
            skipped.join("\n  ")
        )))
    }
}
