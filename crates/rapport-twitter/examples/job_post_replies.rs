//! Fetch the replies to an organisation's job posts and print, per post, how many replies it drew,
//! from how many people, and whether the organisation answered.
//!
//! ```text
//! X_BEARER_TOKEN=... cargo run -p rapport-twitter --example job_post_replies -- \
//!     --org acme_careers [--tags hiring,jobs] [--archive] [--base-url http://127.0.0.1:8080]
//! ```
//! The full broadcast report (void / broadcast / conversation rates) comes from rapport-core's
//! engagement analyses; this example keeps to counts.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rapport_twitter::XClient;

/// Parsed command line.
struct Args {
    base_url: Option<String>,
    org: String,
    tags: Vec<String>,
    archive: bool,
    token: String,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        base_url: None,
        org: String::new(),
        tags: vec!["hiring".into(), "jobs".into()],
        archive: false,
        token: String::new(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--base-url" => a.base_url = Some(value()?),
            "--org" => a.org = value()?,
            "--tags" => {
                a.tags = value()?
                    .split(',')
                    .map(|t| t.trim().to_lowercase())
                    .collect();
            }
            "--token" => a.token = value()?,
            "--archive" => a.archive = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.org.is_empty() {
        return Err("--org <handle> is required".into());
    }
    if a.token.is_empty() {
        a.token = std::env::var("X_BEARER_TOKEN")
            .map_err(|_| "set X_BEARER_TOKEN or pass --token".to_owned())?;
    }
    Ok(a)
}

/// Runs the example and returns the report text.
pub async fn run(args: &[String]) -> Result<String, Box<dyn std::error::Error>> {
    let a = parse(args)?;
    let mut builder = XClient::builder().bearer_token(a.token.as_str());
    if let Some(url) = &a.base_url {
        builder = builder.base_url(url.as_str());
    }
    let client = builder.build()?;

    let org_page = client.user_by_username(&a.org).send().await?;
    let org = org_page
        .items()
        .first()
        .ok_or_else(|| format!("no account @{}", a.org))?;
    let org_id = org.id.clone();

    // The organisation's recent posts: keep the originals tagged as job posts.
    let timeline = client
        .user_tweets(&org_id)
        .max_results(100)
        .exclude(&["retweets"])
        .max_pages(2)
        .collect()
        .await?;
    let mut job_posts = Vec::new();
    for post in timeline.corpus.posts() {
        let tagged = post.hashtags().any(|h| a.tags.iter().any(|t| t == h));
        if tagged && post.reply_to_id().is_none() && post.author().id() == org_id {
            job_posts.push((post.id().to_owned(), post.text().to_owned()));
        }
    }
    job_posts.sort();

    let mut out = String::new();
    writeln!(
        out,
        "@{}: {} job post(s) tagged {}",
        a.org,
        job_posts.len(),
        a.tags.join("/")
    )?;
    for (id, text) in job_posts {
        let fetch = client
            .conversation(&id)
            .archive(a.archive)
            .max_pages(10)
            .fetch()
            .await?;
        let replies: Vec<_> = fetch
            .corpus
            .posts()
            .filter(|p| p.id() != id && p.conversation_id() == Some(id.as_str()))
            .collect();
        let by_others: Vec<_> = replies
            .iter()
            .filter(|p| p.author().id() != org_id)
            .collect();
        let people: BTreeSet<&str> = by_others.iter().map(|p| p.author().id()).collect();
        let answered = replies.iter().any(|p| p.author().id() == org_id);
        let headline: String = text.chars().take(50).collect();
        write!(
            out,
            "{id}  replies {:>3}  people {:>3}  org answered {:<3}  {headline}",
            by_others.len(),
            people.len(),
            if answered { "yes" } else { "no" },
        )?;
        if !fetch.is_complete() {
            let parts: Vec<&str> = fetch.failures.iter().map(|f| f.part).collect();
            write!(out, "  (incomplete: {} failed)", parts.join(", "))?;
        }
        writeln!(out)?;
    }
    Ok(out)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
