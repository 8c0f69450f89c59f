//! Follow a saved search into a twarc2 JSONL file: each run appends the posts that are new since the
//! last run (the newest id is kept in a small state file), so a cron job builds a collection that
//! opens in twarc's tools and re-imports with `rapport_twitter::import`.
//!
//! ```text
//! X_BEARER_TOKEN=... cargo run -p rapport-twitter --example follow_search -- \
//!     --query "#rustlang -is:retweet" --out rust.jsonl [--state rust.state] [--max-pages 10] [--base-url URL]
//! ```

use std::io::BufWriter;
use std::path::PathBuf;

use futures::TryStreamExt;
use rapport_twitter::XClient;
use rapport_twitter::client::JsonlWriter;

struct Args {
    base_url: Option<String>,
    query: String,
    out: PathBuf,
    state: Option<PathBuf>,
    max_pages: usize,
    token: String,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a = Args {
        base_url: None,
        query: String::new(),
        out: PathBuf::new(),
        state: None,
        max_pages: 10,
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
            "--query" => a.query = value()?,
            "--out" => a.out = PathBuf::from(value()?),
            "--state" => a.state = Some(PathBuf::from(value()?)),
            "--max-pages" => {
                a.max_pages = value()?.parse().map_err(|e| format!("--max-pages: {e}"))?;
            }
            "--token" => a.token = value()?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.query.is_empty() || a.out.as_os_str().is_empty() {
        return Err("--query and --out are required".into());
    }
    if a.token.is_empty() {
        a.token = std::env::var("X_BEARER_TOKEN")
            .map_err(|_| "set X_BEARER_TOKEN or pass --token".to_owned())?;
    }
    Ok(a)
}

/// What one run did.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    /// Pages appended.
    pub pages: u64,
    /// Posts appended.
    pub posts: usize,
    /// The newest post id seen so far (saved in the state file).
    pub newest_id: Option<String>,
}

/// Runs one round of the follow.
pub async fn run(args: &[String]) -> Result<Summary, Box<dyn std::error::Error>> {
    let a = parse(args)?;
    let mut builder = XClient::builder().bearer_token(a.token.as_str());
    if let Some(url) = &a.base_url {
        builder = builder.base_url(url.as_str());
    }
    let client = builder.build()?;
    let since = match &a.state {
        Some(p) if p.exists() => {
            Some(std::fs::read_to_string(p)?.trim().to_owned()).filter(|s| !s.is_empty())
        }
        _ => None,
    };

    let mut request = client
        .search_recent(&a.query)
        .max_results(100)
        .max_pages(a.max_pages);
    if let Some(id) = &since {
        request = request.since_id(id.clone());
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&a.out)?;
    let mut writer = JsonlWriter::new(BufWriter::new(file));
    let mut newest = since.clone();
    let mut posts = 0;
    let mut pages = std::pin::pin!(request.pages());
    while let Some(page) = pages.try_next().await? {
        writer.write_page(&page)?;
        posts += page.items().len();
        // Ids grow with time; compare as numbers (equal-length decimal strings compare the same).
        let page_newest = page.body.meta.as_ref().and_then(|m| m.newest_id.clone());
        if let Some(id) = page_newest
            && newest
                .as_ref()
                .is_none_or(|n| id.parse::<u64>().unwrap_or(0) > n.parse::<u64>().unwrap_or(0))
        {
            newest = Some(id);
        }
    }
    let pages = writer.lines();
    writer.flush()?;
    if let (Some(p), Some(id)) = (&a.state, &newest) {
        std::fs::write(p, id)?;
    }
    Ok(Summary {
        pages,
        posts,
        newest_id: newest,
    })
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(s) => println!(
            "appended {} page(s), {} post(s); newest id {}",
            s.pages,
            s.posts,
            s.newest_id.as_deref().unwrap_or("-")
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
