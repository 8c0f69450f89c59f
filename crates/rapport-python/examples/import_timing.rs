//! The Rust side of the "loading from Python costs no more than from Rust" measurement.
//!
//! ```text
//! cargo run --release -p rapport-python --example import_timing -- FILE.jsonl [RUNS]
//! ```
//! Imports the file RUNS times (default 3) with `rapport_twitter::import::import_jsonl`, exactly what
//! `rapport.Corpus.from_jsonl` calls, and prints the best wall time. `tests/python/bench/bench_load.py`
//! runs this and the Python call on the same file and prints the ratio.

use std::time::Instant;

use rapport_twitter::import::{ImportOptions, import_jsonl};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: import_timing FILE.jsonl [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let mut best = f64::INFINITY;
    let mut posts = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let report = import_jsonl(&path, &ImportOptions::strict())?;
        best = best.min(t0.elapsed().as_secs_f64());
        posts = report.corpus.num_posts();
    }
    println!("{best:.4} {posts}");
    Ok(())
}
