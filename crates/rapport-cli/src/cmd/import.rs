//! `rapport import FILE... --store PATH [--lenient]`: files into the store. Each file is one
//! transaction holding its data AND its audit entry, so the log says exactly what was committed: when
//! a later file fails, the earlier ones stay imported (and audited), and the message says which.
//!
//! A file of X compliance events (a compliance job's JSONL) is applied to the store: what the events
//! remove leaves it ([`Store::apply_compliance`]), in one more transaction with its own `compliance`
//! audit entry, after the file's posts (if it has any) are stored.

use std::io::Write;
use std::path::{Path, PathBuf};

use rapport_store::{ComplianceReport, DuplicatePolicy, Store};
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
    /// What lenient mode skipped, per reason (the importer's `skip_counts`, zeros left out).
    skip_counts: Vec<(String, u64)>,
    /// What the file's compliance events did to the store, when it had any.
    compliance: Option<ComplianceReport>,
    /// The importer's whole report (counts, skipped lines with reasons, conversion statistics):
    /// serialised as it is, so what the importer adds shows up here without a change.
    import: Value,
    /// The sequence number of this file's `import` audit entry (0 for a file of compliance events
    /// only, which gets a `compliance` entry instead).
    audit_seq: i64,
}

/// What the importer's skip count fields mean, for the text output; a reason added later shows
/// under its field name until it gets a label here.
fn skip_label(field: &str) -> String {
    match field {
        "malformed" => "malformed line".to_owned(),
        "line_too_long" => "line too long".to_owned(),
        "error_document" => "API error document".to_owned(),
        "no_author" => "post without an author".to_owned(),
        "no_time" => "post without a creation time".to_owned(),
        "invalid_id" => "empty or invalid id".to_owned(),
        "conflicting_copy" => "conflicting copy".to_owned(),
        "bad_compliance_event" => "bad compliance event".to_owned(),
        other => other.replace('_', " "),
    }
}

/// The non-zero per-reason counts of an import report's `skip_counts`, largest first.
fn skip_counts(import: &Value) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = import
        .get("skip_counts")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_u64().filter(|&n| n > 0)?)))
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

fn import_one(
    store: &mut Store,
    path: &Path,
    opts: &ImportOptions,
    lenient: bool,
) -> Result<FileResult, CmdError> {
    if super::bsky::is_bluesky_file(path) {
        return import_bluesky(store, path, lenient);
    }
    let report = import_path(path, opts)?;
    let import = serde_json::to_value(&report)?;
    let skipped_lines: Vec<String> = report
        .skipped
        .iter()
        .map(|s| format!("line {}: {}", s.line, s.reason))
        .collect();
    let only_compliance = report.corpus.num_posts() == 0
        && report.corpus.num_accounts() == 0
        && !report.compliance.is_empty();
    let (saved, seq) = if only_compliance {
        (rapport_store::SaveReport::default(), 0)
    } else {
        store.save_corpus_audited(&report.corpus, |saved| {
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
        })?
    };
    let compliance = if report.compliance.is_empty() {
        None
    } else {
        Some(store.apply_compliance(&report.compliance)?)
    };
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
        skip_counts: skip_counts(&import),
        compliance,
        import,
        audit_seq: seq,
    })
}

/// A Bluesky file: a repository export (`.car`) or the JSONL pages of `rapport bsky`.
fn import_bluesky(store: &mut Store, path: &Path, lenient: bool) -> Result<FileResult, CmdError> {
    let opts = rapport_bluesky::jsonl::ImportOptions { lenient };
    let report = rapport_bluesky::jsonl::import_path(path, &opts)?;
    let import = serde_json::to_value(json!({
        "pages": report.pages,
        "follow_records": report.corpus.follow_records().len(),
        "likes": report.added.likes.len(),
        "placeholders": report.added.missing.len(),
        "skipped": report.added.skipped,
        "skipped_lines": report.skipped_lines,
    }))?;
    let (saved, seq) = store.save_corpus_audited(&report.corpus, |saved| {
        let mut entry = super::audit_entry("import");
        entry.config = json!({ "lenient": lenient, "platform": "bluesky" });
        entry.details = json!({
            "pages": report.pages,
            "posts_written": saved.posts_written,
            "accounts_written": saved.accounts_written,
            "posts_skipped_forgotten": saved.posts_skipped,
            "conflicts_skipped": saved.conflicts_skipped,
            "skipped_lines": report.skipped_lines.len(),
        });
        entry
    })?;
    Ok(FileResult {
        file: path.display().to_string(),
        lines: report.pages as u64,
        posts: report.corpus.num_posts(),
        accounts: report.corpus.num_accounts(),
        posts_written: saved.posts_written,
        posts_skipped_forgotten: saved.posts_skipped,
        conflicts_skipped: saved.conflicts_skipped,
        skipped_lines: report.skipped_lines.clone(),
        skip_counts: Vec::new(),
        compliance: None,
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
    let progress = super::progress::Progress::start("importing");
    for (i, path) in args.files.iter().enumerate() {
        progress.set_message(format!(
            "importing {} ({}/{})",
            path.display(),
            i + 1,
            args.files.len()
        ));
        match import_one(&mut store, path, &opts, args.lenient) {
            Ok(r) => results.push(r),
            Err(e) => {
                failure = Some((i, e));
                break;
            }
        }
    }
    drop(progress);
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
            if !r.skip_counts.is_empty() {
                let total: u64 = r.skip_counts.iter().map(|(_, n)| n).sum();
                let per: Vec<String> = r
                    .skip_counts
                    .iter()
                    .map(|(k, n)| format!("{}: {n}", skip_label(k)))
                    .collect();
                writeln!(out, "  skipped {total}: {}", per.join(", "))?;
            }
            if let Some(c) = &r.compliance {
                writeln!(out, "  {}", compliance_line(c))?;
            }
        }
        writeln!(out, "The store holds {total_posts} posts.")?;
    }
    let unscrubbed: Vec<&str> = results
        .iter()
        .filter(|r| r.compliance.as_ref().is_some_and(|c| !c.wal_truncated))
        .map(|r| r.file.as_str())
        .collect();
    if failure.is_none() && !unscrubbed.is_empty() {
        // As for `forget`: removed but possibly still on disk in the WAL is not done.
        let wal = format!("{}-wal", args.store.store.display());
        return Err(format!(
            "the compliance events of {} are applied and committed, but {wal} could not be \
             truncated: another process holds a read snapshot of the store open, and that file may \
             still hold the removed posts. Close the other readers (notebooks, reports, other \
             rapport commands on this store) and run the same import again to finish",
            unscrubbed.join(", "),
        )
        .into());
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

/// One line saying what a file's compliance events did.
fn compliance_line(c: &ComplianceReport) -> String {
    let actions: Vec<String> = c
        .by_action
        .iter()
        .map(|(a, n)| format!("{a}: {n}"))
        .collect();
    format!(
        "{} compliance event(s) ({}): {} post(s) removed ({} deleted or protected, {} of {} removed \
         account(s), {} repost(s)), {} derived result(s); {} tombstone(s) written; {} not in the \
         store, {} unchanged",
        c.events,
        actions.join(", "),
        c.posts_removed(),
        c.posts_deleted,
        c.account_posts_deleted,
        c.accounts_deleted,
        c.reposts_deleted,
        c.derived_deleted,
        c.tombstones,
        c.not_found,
        c.unchanged,
    )
}
