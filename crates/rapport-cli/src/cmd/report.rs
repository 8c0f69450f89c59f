//! `rapport report --store PATH --org HANDLE... -o report.html`: one self-contained HTML file (no
//! script, no external asset: inline CSS and SVG) with the funnel, the broadcast report, the most
//! engaged accounts, the top candidates for a job and the mentors of a topic. Logged in the audit log.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use rapport_core::engagement::Stage;
use rapport_store::AuditEntry;
use serde_json::json;

use super::analysis::{Analyses, DEFAULT_TOPIC, Plan, analyse, sample_job};
use super::{CmdError, Outcome, StoreArg};

/// Arguments of `rapport report`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    /// An account of the organisation (handle or id); repeat for several.
    #[arg(long = "org", value_name = "HANDLE", required = true)]
    pub org: Vec<String>,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// A job profile (TOML, see docs/skills.md); default: a Rust / data engineer from the built-in
    /// taxonomy.
    #[arg(long, value_name = "FILE.toml")]
    pub job: Option<PathBuf>,
    /// The mentors' topic: a skill (`python`, `rapport:rust`) or a hashtag (`#rustlang`).
    #[arg(long, default_value = DEFAULT_TOPIC)]
    pub topic: String,
    /// Rows per table.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A horizontal bar chart as inline SVG.
fn bars(rows: &[(String, f64, String)], color: &str) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1e-9);
    let h = 26 * rows.len() + 10;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{h}" role="img" viewBox="0 0 640 {h}">"#
    );
    for (i, (label, v, shown)) in rows.iter().enumerate() {
        let y = 5 + 26 * i;
        let w = (v / max * 400.0).max(if *v > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            s,
            r#"<text x="130" y="{ty}" text-anchor="end" font-size="13">{l}</text><rect x="140" y="{y}" width="{w:.1}" height="20" fill="{color}"><title>{l}: {sh}</title></rect><text x="{tx:.1}" y="{ty}" font-size="12">{sh}</text>"#,
            ty = y + 15,
            l = esc(label),
            sh = esc(shown),
            tx = 146.0 + w,
        );
    }
    s.push_str("</svg>");
    s
}

/// Void / broadcast / conversation per month as stacked columns.
fn months(analyses: &Analyses) -> String {
    let m = &analyses.broadcast.by_month;
    if m.is_empty() {
        return "<p>No posts by the organisation.</p>".into();
    }
    let max = m.iter().map(|x| x.posts).max().unwrap_or(1).max(1) as f64;
    let col = (600 / m.len()).clamp(8, 60);
    let width = 40 + col * m.len();
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="230" role="img" viewBox="0 0 {width} 230">"#
    );
    for (i, x) in m.iter().enumerate() {
        let x0 = 30 + col * i;
        let mut y = 200.0;
        for (n, color, what) in [
            (x.conversation, "#2a9d8f", "conversation"),
            (x.broadcast, "#e9c46a", "broadcast"),
            (x.void, "#e76f51", "void"),
        ] {
            let h = n as f64 / max * 180.0;
            y -= h;
            let _ = write!(
                svg,
                r#"<rect x="{x0}" y="{y:.1}" width="{w}" height="{h:.1}" fill="{color}"><title>{k}: {n} {what}</title></rect>"#,
                w = col.saturating_sub(2),
                k = esc(&x.key),
            );
        }
        if i % (m.len() / 12 + 1) == 0 {
            let _ = write!(
                svg,
                r#"<text x="{x0}" y="218" font-size="10">{}</text>"#,
                esc(&x.key)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The report as one HTML document.
pub(crate) fn html(a: &Analyses, title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px}}th{{background:#f4f4f4}}.note{{color:#555;font-size:13px}}.num{{text-align:right}}</style></head><body>
<h1>{t}</h1><p class="note">Organisation: {org}. Scores are advisory: a person decides, with the explanation. Follower counts and other popularity measures take no part in any score.</p>"#,
        t = esc(title),
        org = esc(&a
            .org
            .iter()
            .map(|h| format!("@{h}"))
            .collect::<Vec<_>>()
            .join(", ")),
    );

    s.push_str("<h2>Engagement funnel</h2><p class=\"note\">Accounts outside the organisation per stage of the conversation funnel.</p>");
    let funnel: Vec<(String, f64, String)> = Stage::ALL
        .iter()
        .map(|&st| {
            let n = a.funnel.get(st);
            (st.as_str().to_owned(), n as f64, n.to_string())
        })
        .collect();
    s.push_str(&bars(&funnel, "#264653"));

    let o = &a.broadcast.overall;
    let _ = write!(
        s,
        "<h2>Broadcast report</h2><p>{} posts by the organisation: <b>void rate {}</b> ({} with no reply, quote or repost by others), {} broadcast, {} conversation.</p>",
        o.posts,
        pct(o.void_rate),
        o.void,
        o.broadcast,
        o.conversation
    );
    s.push_str(
        "<p class=\"note\">Per month: conversation (green), broadcast (yellow), void (red).</p>",
    );
    s.push_str(&months(a));
    s.push_str("<table><tr><th>account</th><th class=num>posts</th><th class=num>void rate</th><th class=num>conversation rate</th><th class=num>answered rate</th></tr>");
    for x in &a.broadcast.by_account {
        let _ = write!(
            s,
            "<tr><td>@{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{}</td></tr>",
            esc(&x.key),
            x.posts,
            pct(x.void_rate),
            pct(x.conversation_rate),
            x.answered_rate.map_or("-".into(), pct)
        );
    }
    s.push_str("</table>");

    s.push_str("<h2>Most engaged accounts</h2><table><tr><th>#</th><th>account</th><th class=num>score</th><th>stage</th><th>why</th></tr>");
    for e in &a.most_engaged {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>@{}</td><td class=num>{:.1}</td><td>{}</td><td>{}</td></tr>",
            e.rank,
            esc(&e.handle),
            e.score,
            e.stage.as_str(),
            esc(&e.explanation)
        );
    }
    s.push_str("</table>");

    let _ = write!(
        s,
        "<h2>Top skills of the most engaged people</h2><p class=\"note\">Over the {} people at the conversing or engaged stage; built-in taxonomy, sensitive terms filtered before counting.</p>",
        a.skills_of
    );
    let sk: Vec<(String, f64, String)> = a
        .top_skills
        .iter()
        .map(|k| {
            (
                k.label.clone(),
                k.people as f64,
                format!("{} people", k.people),
            )
        })
        .collect();
    s.push_str(&bars(&sk, "#2a9d8f"));

    let c = &a.candidates;
    let _ = write!(
        s,
        "<h2>Top candidates: {}</h2><p class=\"note\">Skills: {}. {} people show evidence; the organisation's accounts are never candidates. Fit is skill evidence only; engagement is shown beside it, not mixed in.</p>",
        esc(&c.job),
        esc(&c.skills.join(", ")),
        c.considered
    );
    let cb: Vec<(String, f64, String)> = c
        .rows
        .iter()
        .map(|r| (format!("@{}", r.handle), r.fit, format!("{:.2}", r.fit)))
        .collect();
    s.push_str(&bars(&cb, "#e9c46a"));
    s.push_str("<table><tr><th>#</th><th>account</th><th class=num>fit</th><th class=num>required coverage</th><th class=num>engagement</th><th>stage</th><th>evidence</th></tr>");
    for r in &c.rows {
        let ev: Vec<String> = r
            .skills
            .iter()
            .filter(|k| k.posts > 0)
            .map(|k| format!("{} ({} posts)", k.label, k.posts))
            .collect();
        let _ = write!(
            s,
            "<tr><td>{}</td><td>@{}</td><td class=num>{:.2}</td><td class=num>{}</td><td class=num>{:.1}</td><td>{}</td><td>{}</td></tr>",
            r.rank,
            esc(&r.handle),
            r.fit,
            pct(r.required_coverage),
            r.engagement,
            r.stage.as_str(),
            esc(&ev.join(", "))
        );
    }
    s.push_str("</table>");

    let _ = write!(
        s,
        "<h2>Mentors of {}</h2><p class=\"note\">For learning and development only: influence is never a hiring criterion.</p><table><tr><th>#</th><th>account</th><th class=num>score</th><th class=num>answers</th><th class=num>reach</th></tr>",
        esc(&a.mentors.topic)
    );
    for m in &a.mentors.rows {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>@{}</td><td class=num>{:.2}</td><td class=num>{}</td><td class=num>{}</td></tr>",
            m.rank,
            esc(&m.handle),
            m.score,
            m.answers,
            m.reach
        );
    }
    s.push_str("</table></body></html>\n");
    s
}

/// Runs `rapport report`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open_existing()?;
    let corpus = store.load_corpus()?;
    let job = match &args.job {
        Some(p) => rapport_core::skills::JobProfile::from_toml_file(p)?,
        None => sample_job(),
    };
    let plan = Plan {
        top: args.top,
        job,
        topic: &args.topic,
    };
    let (a, _) = analyse(&corpus, &args.org, &plan)?;
    let doc = html(&a, "rapport report");
    super::write_atomic(&args.output, doc.as_bytes())?;

    let mut entry = super::audit_entry("report");
    entry.analysis = Some("engagement+ranking+mentors".into());
    entry.config = json!({ "org": a.org, "job": plan.job, "topic": args.topic, "top": args.top });
    entry.cohort = a
        .most_engaged
        .iter()
        .map(|e| e.id.clone())
        .chain(a.candidates.rows.iter().map(|r| r.id.clone()))
        .collect();
    entry.output_digest = Some(AuditEntry::digest(doc.as_bytes()));
    store.audit_append(&entry)?;
    writeln!(
        std::io::stdout().lock(),
        "wrote {} ({} KB)",
        args.output.display(),
        doc.len() / 1024
    )?;
    Ok(Outcome::Done)
}
