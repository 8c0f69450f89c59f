//! Writes the sample corpus and reports the generation speed.
//!
//! ```text
//! cargo run --release -p rapport-sample --example sample_corpus -- [POSTS] [SEED] [OUT.jsonl]
//! ```
//! Without OUT it writes to a sink, so only generation is measured. The ground truth is printed as
//! JSON on stderr.

use std::io;
use std::time::Instant;

use rapport_sample::{Sample, SampleConfig};

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let posts = args
        .next()
        .map_or(Ok(100_000), |s| s.parse())
        .map_err(io::Error::other)?;
    let seed = args
        .next()
        .map_or(Ok(7), |s| s.parse())
        .map_err(io::Error::other)?;
    let out = args.next();
    let config = SampleConfig::new(posts, seed);
    let t0 = Instant::now();
    let sample = Sample::generate(&config)?;
    let simulated = t0.elapsed();
    let stats = match &out {
        Some(path) => sample.write_jsonl(io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(path)?,
        ))?,
        None => sample.write_jsonl(io::sink())?,
    };
    let secs = t0.elapsed().as_secs_f64();
    let truth = sample.truth();
    eprintln!(
        "{}",
        serde_json::to_string_pretty(&truth).map_err(io::Error::other)?
    );
    println!(
        "{posts} posts, {} lines, {:.1} MB in {secs:.2} s (simulation {:.2} s): {:.0} MB/s, {:.0} posts/s, {:.0} bytes/post",
        stats.lines,
        stats.bytes as f64 / 1e6,
        simulated.as_secs_f64(),
        stats.bytes as f64 / 1e6 / secs,
        posts as f64 / secs,
        stats.bytes as f64 / posts as f64,
    );
    Ok(())
}
