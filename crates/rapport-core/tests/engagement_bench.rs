//! A throwaway measurement, not a test: engagement plus the broadcast report on a synthetic
//! 1M-post corpus. Run it in release:
//!
//! ```text
//! cargo test --release -p rapport-core --test engagement_bench -- --ignored --nocapture
//! ```

use std::time::Instant;

use rapport_core::context::Analysis;
use rapport_core::engagement::{EngagementOptions, Org, broadcast_report};

mod common;
use common::synthetic;

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn one_million_posts() {
    let t = Instant::now();
    let c = synthetic(1_000_000, 50_000);
    eprintln!("build corpus: {:?} ({} posts)", t.elapsed(), c.num_posts());
    let t = Instant::now();
    let _ = c.indices();
    eprintln!("indices (shared, built once per corpus): {:?}", t.elapsed());

    let org = Org::resolve(&c, &["user0", "user1", "user2"]).unwrap();
    let opts = EngagementOptions::default();
    for round in 0..3 {
        let t = Instant::now();
        let ctx = Analysis::new(&c);
        let ix = ctx.interactions();
        let t_ix = t.elapsed();
        let t = Instant::now();
        let r = ctx.engagement_of(&org, &opts).unwrap();
        let t_eng = t.elapsed();
        let t = Instant::now();
        let b = broadcast_report(&c, &["user0", "user1", "user2"]).unwrap();
        let t_b = t.elapsed();
        eprintln!(
            "round {round}: interactions {t_ix:?} ({} rows, {} MB), engagement {t_eng:?} ({} rows), \
             broadcast {t_b:?} ({} posts, void rate {:.3}); total {:?}",
            ix.len(),
            ix.heap_bytes() / 1_000_000,
            r.rows.len(),
            b.posts.len(),
            b.overall.void_rate,
            t_ix + t_eng + t_b
        );
        eprintln!("funnel {:?}", r.funnel);
    }
}
