//! `rapport report --store PATH --org HANDLE... -o report.html`: one self-contained HTML file (no
//! script, no external asset: inline CSS and SVG) with the funnel, the broadcast report, the inbox
//! (posts addressing the organisation still unanswered, and how many were missed), the most engaged
//! accounts, the top candidates for a job and the mentors of a topic. Logged in the audit log.
//!
//! The page is `templates/report.html` rendered by minijinja, which escapes every value (handles,
//! explanations and job titles come from strangers' profiles); the charts are drawn by plotters'
//! SVG backend and inlined.

use std::io::Write;
use std::path::PathBuf;

use minijinja::Environment;
use plotters::prelude::*;
use rapport_core::engagement::{BroadcastAggregate, Stage};
use rapport_core::inbox::{DEFAULT_WINDOW_DAYS, InboxOptions, InboxReport, inbox};
use rapport_store::AuditEntry;
use serde_json::json;

use super::analysis::{Analyses, DEFAULT_TOPIC, Plan, analyse, sample_job};
use super::{CmdError, Outcome, PlatformArg, StoreArg};

/// Arguments of `rapport report`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub platform: PlatformArg,
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
    /// The mentors' topic: a skill (`python`, `rapport:rust`), a hashtag (`#rustlang`) or an
    /// entity of the posts' context annotations (`entity:<id>` or its name).
    #[arg(long, default_value = DEFAULT_TOPIC)]
    pub topic: String,
    /// Rows per table.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// The page, with automatic HTML escaping (minijinja escapes every value in a `.html` template; only
/// the charts, SVG drawn by plotters, which escapes its own text, are marked `safe`).
const TEMPLATE: &str = include_str!("../../templates/report.html");

/// Colours of the charts (the page's palette).
const TEAL: RGBColor = RGBColor(0x2a, 0x9d, 0x8f);
const SAND: RGBColor = RGBColor(0xe9, 0xc4, 0x6a);
const CORAL: RGBColor = RGBColor(0xe7, 0x6f, 0x51);
const INK: RGBColor = RGBColor(0x26, 0x46, 0x53);

/// One bar of a horizontal bar chart: its label, its value and the value as shown.
struct Bar {
    label: String,
    value: f64,
    shown: String,
}

fn chart_error<E: std::fmt::Debug>(e: E) -> CmdError {
    format!("drawing a chart of the report: {e:?}").into()
}

/// A horizontal bar chart as an SVG document (first row at the top), or `None` with no rows. `counts`
/// labels the axis in whole numbers.
fn bars(rows: &[Bar], color: RGBColor, counts: bool) -> Result<Option<String>, CmdError> {
    if rows.is_empty() {
        return Ok(None);
    }
    let n = rows.len();
    let max = rows.iter().map(|r| r.value).fold(0.0_f64, f64::max);
    // Room to the right of the longest bar for its value.
    let x_max = match (max > 0.0, counts) {
        (false, _) => 1.0,
        // Whole numbers, one tick per unit at most, so small counts get no "0, 0, 1, 1" axis.
        (true, true) => (max * 1.2).ceil(),
        (true, false) => max * 1.2,
    };
    let ticks = if counts {
        (x_max as usize).min(10) + 1
    } else {
        11
    };
    let height = 50 + 28 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(170)
            // An integer range is inclusive in plotters: `0..n - 1` is n segments.
            .build_cartesian_2d(0.0..x_max, (0..n - 1).into_segmented())
            .map_err(chart_error)?;
        // Row i is drawn in segment n-1-i, so the first row is on top.
        let label_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < n => rows[n - 1 - i].label.clone(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(n)
            .x_labels(ticks)
            .y_label_formatter(&label_of)
            .x_label_formatter(&|x: &f64| {
                if counts {
                    format!("{x:.0}")
                } else {
                    format!("{x:.2}")
                }
            })
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(chart_error)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let seg = n - 1 - i;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(seg)),
                        (r.value, SegmentValue::Exact(seg + 1)),
                    ],
                    color.filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(chart_error)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                Text::new(
                    r.shown.clone(),
                    (r.value + x_max * 0.01, SegmentValue::CenterOf(n - 1 - i)),
                    ("sans-serif", 12).into_font().color(&BLACK),
                )
            }))
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(Some(svg))
}

/// Where one layer of a stacked column starts and ends.
type Span = fn(&BroadcastAggregate) -> (u32, u32);

/// Conversation / broadcast / void posts per month as stacked columns with a legend, or `None`
/// when the organisation has no posts.
fn months(by_month: &[BroadcastAggregate]) -> Result<Option<String>, CmdError> {
    if by_month.is_empty() {
        return Ok(None);
    }
    let n = by_month.len();
    let max = by_month.iter().map(|x| x.posts).max().unwrap_or(1).max(1);
    // Headroom for the legend.
    let y_max = max + max / 4 + 1;
    // About twelve month labels whatever the span.
    let every = n / 12 + 1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0..y_max)
            .map_err(chart_error)?;
        let key_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < n && i % every == 0 => by_month[*i].key.clone(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&key_of)
            .y_desc("posts")
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(chart_error)?;
        // Stacked bottom-up: conversation, then broadcast, then void.
        let layers: [(&str, RGBColor, Span); 3] = [
            ("conversation", TEAL, |x| (0, x.conversation)),
            ("broadcast", SAND, |x| {
                (x.conversation, x.conversation + x.broadcast)
            }),
            ("void", CORAL, |x| {
                (
                    x.conversation + x.broadcast,
                    x.conversation + x.broadcast + x.void,
                )
            }),
        ];
        for (name, color, span) in layers {
            chart
                .draw_series(by_month.iter().enumerate().map(|(i, x)| {
                    let (lo, hi) = span(x);
                    let mut col = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), lo),
                            (SegmentValue::Exact(i + 1), hi),
                        ],
                        color.filled(),
                    );
                    col.set_margin(0, 0, 1, 1);
                    col
                }))
                .map_err(chart_error)?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(Some(svg))
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// `text` with every web address replaced by `[link to HOST]`: the report shows what a post says,
/// and carries no address a browser or a mail filter could follow (the page has no link at all).
fn without_links(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            match ["https://", "http://"]
                .iter()
                .find(|p| lower.starts_with(**p))
            {
                Some(p) => {
                    let host = w[p.len()..]
                        .split(['/', '?', '#'])
                        .next()
                        .unwrap_or("")
                        .trim_end_matches(|c: char| !c.is_alphanumeric());
                    format!("[link to {host}]")
                }
                None => w.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The inbox section: the open items, highest priority first (at most `top`), and the missed ones
/// counted.
fn inbox_context(r: &InboxReport, top: usize) -> serde_json::Value {
    json!({
        "as_of": r.as_of.format("%Y-%m-%d %H:%M UTC").to_string(),
        "window_days": r.window_days.to_string(),
        "open": r.items.len(),
        "missed": r.missed.len(),
        "answered": r.answered,
        "items": r.items.iter().take(top).enumerate().map(|(i, it)| json!({
            "rank": i + 1,
            "post_id": it.post_id,
            "handle": it.handle,
            "stage": it.stage.as_str(),
            "question": it.is_question,
            "addresses": it.addresses.join(", "),
            "age": format!("{:.0} h", it.age_hours),
            "priority": format!("{:.1}", it.priority),
            "text": super::inbox::one_line(&without_links(&it.text), 160),
            "why": it.why,
        })).collect::<Vec<_>>(),
    })
}

/// The report as one HTML document: no script, no external resource (inline CSS and SVG). `top`
/// bounds the inbox rows as it bounds the analyses' rows.
pub(crate) fn html(
    a: &Analyses,
    inbox: &InboxReport,
    top: usize,
    title: &str,
) -> Result<String, CmdError> {
    let funnel: Vec<Bar> = Stage::ALL
        .iter()
        .map(|&st| {
            let n = a.funnel.get(st);
            Bar {
                label: st.as_str().to_owned(),
                value: n as f64,
                shown: n.to_string(),
            }
        })
        .collect();
    let skills: Vec<Bar> = a
        .top_skills
        .iter()
        .map(|k| Bar {
            label: k.label.clone(),
            value: k.people as f64,
            shown: format!("{} people", k.people),
        })
        .collect();
    let c = &a.candidates;
    let fits: Vec<Bar> = c
        .rows
        .iter()
        .map(|r| Bar {
            label: format!("@{}", r.handle),
            value: r.fit,
            shown: format!("{:.2}", r.fit),
        })
        .collect();
    let o = &a.broadcast.overall;
    let ctx = json!({
        "title": title,
        "org": a.org.iter().map(|h| format!("@{h}")).collect::<Vec<_>>(),
        "charts": {
            "funnel": bars(&funnel, INK, true)?,
            "months": months(&a.broadcast.by_month)?,
            "skills": bars(&skills, TEAL, true)?,
            "candidates": bars(&fits, SAND, false)?,
        },
        "broadcast": {
            "posts": o.posts,
            "void_rate": pct(o.void_rate),
            "void": o.void,
            "broadcast": o.broadcast,
            "conversation": o.conversation,
            "by_account": a.broadcast.by_account.iter().map(|x| json!({
                "handle": x.key,
                "posts": x.posts,
                "void_rate": pct(x.void_rate),
                "conversation_rate": pct(x.conversation_rate),
                "answered_rate": x.answered_rate.map_or("-".into(), pct),
            })).collect::<Vec<_>>(),
        },
        "inbox": inbox_context(inbox, top),
        "follows": a.follows.as_ref().map(|f| json!({
            "followed": f.followed,
            "follows_back": f.follows_back,
            "follows_org": f.follows_org,
            "snapshots": f.snapshots,
            "latest": f.latest.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        })),
        "most_engaged": a.most_engaged.iter().map(|e| json!({
            "rank": e.rank,
            "handle": e.handle,
            "score": format!("{:.1}", e.score),
            "stage": e.stage.as_str(),
            "follows": e.follows.unwrap_or("-"),
            "explanation": e.explanation,
        })).collect::<Vec<_>>(),
        "skills_of": a.skills_of,
        "candidates": {
            "job": c.job,
            "skills": c.skills,
            "considered": c.considered,
            "rows": c.rows.iter().map(|r| json!({
                "rank": r.rank,
                "handle": r.handle,
                "fit": format!("{:.2}", r.fit),
                "required_coverage": pct(r.required_coverage),
                "engagement": format!("{:.1}", r.engagement),
                "stage": r.stage.as_str(),
                "evidence": r.skills.iter().filter(|k| k.posts > 0)
                    .map(|k| format!("{} ({} posts)", k.label, k.posts)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
        "mentors": {
            "topic": a.mentors.topic,
            "rows": a.mentors.rows.iter().map(|m| json!({
                "rank": m.rank,
                "handle": m.handle,
                "score": format!("{:.2}", m.score),
                "answers": m.answers,
                "reach": m.reach,
            })).collect::<Vec<_>>(),
        },
    });
    render(&ctx)
}

/// Renders the template with a context. The template is part of the binary, so a failure here is a
/// bug in it, reported with minijinja's line and reason.
fn render(ctx: &serde_json::Value) -> Result<String, CmdError> {
    let mut env = Environment::new();
    // Missing fields are errors, not empty strings: a renamed field must not blank a column.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("report.html", TEMPLATE)?;
    let doc = env
        .get_template("report.html")?
        .render(minijinja::value::Serde(ctx))?;
    Ok(doc)
}

/// Runs `rapport report`.
pub(crate) fn run(args: &Args) -> Result<Outcome, CmdError> {
    let mut store = args.store.open_existing()?;
    let progress = super::progress::Progress::start("reading the store");
    let corpus = args.platform.load(&store, &args.store.store)?;
    progress.set_message("analysing");
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
    let waiting = inbox(
        &corpus,
        &args.org,
        &InboxOptions::new(None, DEFAULT_WINDOW_DAYS),
    )?;
    progress.set_message(format!("writing {}", args.output.display()));
    let doc = html(&a, &waiting, args.top, "rapport report")?;
    super::write_atomic(&args.output, doc.as_bytes())?;
    drop(progress);

    let mut entry = super::audit_entry("report");
    entry.analysis = Some("engagement+ranking+mentors".into());
    entry.config = json!({ "org": a.org, "job": plan.job, "topic": args.topic, "top": args.top });
    entry.cohort = a
        .most_engaged
        .iter()
        .map(|e| e.id.clone())
        .chain(a.candidates.rows.iter().map(|r| r.id.clone()))
        .chain(
            waiting
                .items
                .iter()
                .take(args.top)
                .map(|it| it.author_id.clone()),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A context with hostile text wherever a stranger's words can land.
    fn context(evil: &str) -> serde_json::Value {
        let row = json!({ "rank": 1, "handle": evil, "score": "1.0", "stage": "engaged", "follows": "mutual", "explanation": evil });
        json!({
            "title": "rapport report",
            "org": [format!("@{evil}")],
            "follows": { "followed": 3, "follows_back": 2, "follows_org": 5, "snapshots": 4, "latest": evil },
            "charts": { "funnel": "<svg></svg>", "months": null, "skills": null, "candidates": null },
            "broadcast": { "posts": 0, "void_rate": "0.0%", "void": 0, "broadcast": 0, "conversation": 0,
                "by_account": [{ "handle": evil, "posts": 1, "void_rate": "0.0%", "conversation_rate": "0.0%", "answered_rate": "-" }] },
            "inbox": { "as_of": "2026-03-01 09:00 UTC", "window_days": "14", "open": 1, "missed": 2, "answered": 0,
                "items": [{ "rank": 1, "post_id": "14", "handle": evil, "stage": "responded", "question": true,
                    "addresses": "mention", "age": "5 h", "priority": "120.5", "text": evil, "why": evil }] },
            "most_engaged": [row],
            "skills_of": 0,
            "candidates": { "job": evil, "skills": [evil], "considered": 1,
                "rows": [{ "rank": 1, "handle": evil, "fit": "0.50", "required_coverage": "50.0%", "engagement": "1.0", "stage": "unaware", "evidence": [evil] }] },
            "mentors": { "topic": evil, "rows": [{ "rank": 1, "handle": evil, "score": "0.10", "answers": 1, "reach": 2 }] },
        })
    }

    #[test]
    fn every_value_is_escaped_and_only_charts_are_markup() {
        let evil = "<img src=x onerror=alert(1)>&\"'";
        let doc = render(&context(evil)).unwrap();
        assert!(!doc.contains("<img"), "{doc}");
        // Handles, explanation, org, job, skills, evidence, topic, mentors, the follow facts' date
        // and the inbox's handle, text and why: each escaped.
        assert!(
            doc.matches("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#x27;")
                .count()
                >= 13
        );
        assert!(doc.contains("1 open, 2 missed"), "{doc}");
        // The follow steps stand before the stages, as facts beside the score.
        let follows = doc.find("<td>follows back</td>").unwrap();
        assert!(follows < doc.find("<figure><svg></svg></figure>").unwrap());
        assert!(doc.contains("<td class=\"num\">2</td>"));
        assert!(doc.contains("<td>mutual</td>"));
        // The chart is inlined as markup; the empty ones leave their notes.
        assert!(doc.contains("<figure><svg></svg></figure>"));
        assert!(doc.contains("No posts by the organisation.") && doc.contains("No skills found."));
    }

    #[test]
    fn web_addresses_in_posts_become_their_host() {
        assert_eq!(
            without_links("see https://example.org/jobs?id=1 and HTTP://x.io, thanks"),
            "see [link to example.org] and [link to x.io] thanks"
        );
    }

    #[test]
    fn without_follow_snapshots_the_report_says_how_to_get_them() {
        let mut ctx = context("x");
        ctx["follows"] = serde_json::Value::Null;
        let doc = render(&ctx).unwrap();
        assert!(!doc.contains("<td>follows back</td>"));
        assert!(doc.contains("No follow snapshots"), "{doc}");
    }

    #[test]
    fn a_missing_field_is_an_error_not_a_blank() {
        let mut ctx = context("x");
        ctx["mentors"]["rows"][0]
            .as_object_mut()
            .unwrap()
            .remove("reach");
        let err = render(&ctx).unwrap_err().to_string();
        assert!(err.contains("undefined"), "{err}");
    }

    #[test]
    fn charts_are_svg_with_escaped_labels() {
        let rows = [
            Bar {
                label: "<b>x</b>".into(),
                value: 3.0,
                shown: "3".into(),
            },
            Bar {
                label: "y".into(),
                value: 1.0,
                shown: "1".into(),
            },
        ];
        let svg = bars(&rows, TEAL, true).unwrap().unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;") && !svg.contains("<b>"));
        assert_eq!(
            svg.matches("fill=\"#2A9D8F\"").count() + svg.matches("fill=\"#2a9d8f\"").count(),
            2,
            "{svg}"
        );
        assert!(bars(&[], TEAL, true).unwrap().is_none());
        assert!(months(&[]).unwrap().is_none());
    }
}
