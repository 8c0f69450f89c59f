//! The ESCO loader against the real ESCO v1.1.1 files in `shared/data/esco`.
//!
//! Expected numbers were computed independently with Python's csv module, e.g.
//! `unzip -p esco-v1.1.1-classification-en-csv.zip skills_en.csv | python3 -c "import csv,sys;
//! print(len(list(csv.DictReader(sys.stdin))))"` → 13896.

use rapport_core::skills::{Category, JobProfile, Matcher, Relation, Taxonomy, WarningKind};

/// `<repo>/../shared` (CI and the main checkout); a worktree under `wt/` sits one level deeper.
fn zip() -> String {
    let base = env!("CARGO_MANIFEST_DIR");
    let candidates = [
        format!("{base}/../../../shared/data/esco"),
        format!("{base}/../../../../shared/data/esco"),
    ];
    let dir = candidates
        .iter()
        .find(|d| std::path::Path::new(d).is_dir())
        .expect("shared/data/esco next to the repository");
    format!("{dir}/esco-v1.1.1-classification-en-csv.zip")
}

#[test]
fn loads_the_real_classification_and_relations() {
    let (tax, stats) = Taxonomy::from_esco_with_stats(zip()).unwrap();
    // python: len(rows) of skills_en.csv
    assert_eq!(stats.skills, 13_896);
    assert_eq!(tax.len(), 13_896);
    // python: 13896 preferred + 97483 alt lines + 919 hidden lines
    assert_eq!(stats.labels, 13_896 + 97_483 + 919);
    // python: len(rows) of occupations_en.csv
    assert_eq!(stats.occupations, 3_007);
    // python: occupationSkillRelations.csv has 123855 rows; 123788 name an occupation of
    // occupations_en.csv, 67 name one occupation URI that is not there (reported, not silent)
    assert_eq!(stats.relations, 123_788);
    let skipped = tax
        .report()
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::Skipped)
        .unwrap();
    assert!(skipped.message.starts_with("67 "), "{}", skipped.message);

    // "Python (computer programming)": skillType knowledge, 9 alt labels (python csv)
    let py = tax
        .get("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d")
        .unwrap();
    assert_eq!(py.label, "Python (computer programming)");
    assert_eq!(py.category, Category::Knowledge);
    assert_eq!(py.aliases.len(), 9);
    assert!(py.aliases.iter().any(|a| a == "Python3"));
    assert_eq!(py.reuse_level.as_deref(), Some("sector-specific"));
    // multi-line cell: first row of the file, "manage musical staff" has "manage music staff" as alt
    let staff = tax
        .get("http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab")
        .unwrap();
    assert!(staff.aliases.iter().any(|a| a == "manage music staff"));
    assert_eq!(
        tax.find("coordinate duties of musical staff").unwrap().id,
        staff.id
    );

    // python: data scientist has 75 relations, 54 essential
    let ds = tax.occupation("Data Scientist").unwrap();
    assert_eq!(
        ds.uri,
        "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30"
    );
    assert_eq!(ds.skills.len(), 75);
    assert_eq!(
        ds.skills
            .iter()
            .filter(|s| s.relation == Relation::Essential)
            .count(),
        54
    );
    let job = JobProfile::from_esco_occupation(&tax, &ds.uri).unwrap();
    assert_eq!(job.skills.iter().filter(|s| s.required).count(), 54);
    assert_eq!(job.skills.len(), 75);

    // the full ESCO matcher finds the unqualified label in text
    let m = Matcher::new(&tax);
    let r = m.match_text("Tuning a data pipeline in Python3 with SQL");
    let ids = r.skill_ids();
    assert!(ids.contains(&py.id.as_str()), "{ids:?}");

    // mapping the ESCO occupation onto the curated taxonomy: the curated ids are ESCO URIs
    let builtin = Matcher::new(&Taxonomy::builtin());
    let mapping = job.map_onto(&builtin);
    // ESCO's "statistics" (an essential skill of data scientist) is curated as "Statistics"
    let stats_uri = "http://data.europa.eu/esco/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833";
    let st = mapping
        .mapped
        .iter()
        .find(|s| s.skill_id == stats_uri)
        .unwrap();
    assert!(st.required);
    assert_eq!(st.label, "Statistics");
    assert_eq!(mapping.mapped.len() + mapping.unmapped.len(), 75);
}

#[test]
fn unpacked_csv_and_missing_files() {
    let dir = std::env::temp_dir().join(format!("rapport-esco-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("skills_en.csv");
    std::fs::write(
        &csv,
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,description\n\
         KnowledgeSkillCompetence,http://x/1,knowledge,transversal,Kubernetes orchestration,\"k8s ops\nkube ops\",kubernetes,desc\n",
    )
    .unwrap();
    let tax = Taxonomy::from_esco(&csv).unwrap();
    assert_eq!(tax.len(), 1);
    assert_eq!(tax.skills()[0].aliases, ["k8s ops", "kube ops"]);
    assert!(tax.occupations().is_empty());
    let err = JobProfile::from_esco_occupation(&tax, "data scientist")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no occupations"), "{err}");

    std::fs::write(&csv, "conceptUri,label\nx,y\n").unwrap();
    let err = Taxonomy::from_esco(&csv).unwrap_err().to_string();
    assert!(err.contains("missing column `preferredLabel`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Load time of the full ESCO zip and evidence throughput; run with
/// `cargo test --release -p rapport-core --test skills_esco -- --ignored --nocapture`.
#[test]
#[ignore = "measurement, not a test"]
#[allow(clippy::many_single_char_names)]
fn measure_esco_load_and_evidence() {
    use chrono::{Duration, TimeZone, Utc};
    use rapport_core::skills::{EvidenceOptions, evidence};
    use rapport_core::{Account, Corpus, Post};
    use std::time::Instant;

    // CPU time of this thread (the machine is shared, so wall time overstates)
    let cpu = || -> f64 {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        s.split_whitespace()
            .next()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1e9
    };
    let (t, c0) = (Instant::now(), cpu());
    let tax = Taxonomy::from_esco(zip()).unwrap();
    eprintln!("ESCO load: wall {:?}, cpu {:.3}s", t.elapsed(), cpu() - c0);
    let (t, c0) = (Instant::now(), cpu());
    let mut full = tax.clone();
    full.merge(Taxonomy::builtin());
    let m = Matcher::new(&full);
    eprintln!(
        "merge + matcher build: wall {:?}, cpu {:.3}s, {} terms",
        t.elapsed(),
        cpu() - c0,
        m.report().terms
    );

    // a deterministic generator: 1M posts by 20k accounts, mixing skill words, hashtags and noise
    let words = [
        "shipping",
        "the",
        "new",
        "release",
        "today",
        "with",
        "machine learning",
        "kubernetes",
        "data pipeline",
        "team",
        "go",
        "coffee",
        "🚀",
        "public speaking",
        "über",
        "équipe",
        "データ",
        "manage staff",
        "Python",
        "SQL",
        "recruitment",
        "deploy",
        "on",
        "friday",
        "lunch",
        "design",
    ];
    let tags = [
        "#RustLang",
        "#MachineLearning",
        "#hiring",
        "#k8s",
        "#devops",
        "#ux",
        "#mentalhealth",
        "#python",
        "#WeekendVibes",
    ];
    let mut c = Corpus::new();
    for a in 0..20_000u32 {
        c.add_account(Account::new(a.to_string(), format!("user{a}")));
    }
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..1_000_000u64 {
        let mut text = String::new();
        for _ in 0..(8 + next() % 12) {
            text.push_str(words[(next() % words.len() as u64) as usize]);
            text.push(' ');
        }
        text.push_str(tags[(next() % tags.len() as u64) as usize]);
        let author = (next() % 20_000).to_string();
        let mut p = Post::new(
            i.to_string(),
            author,
            text,
            t0 + Duration::minutes(i as i64),
        );
        if i % 10 == 9 {
            p.reply_to = Some((i - 1).to_string());
        }
        c.add_post(p);
    }
    let _ = c.indices();
    let (t, c0) = (Instant::now(), cpu());
    let r = evidence(&c, &m, &EvidenceOptions::default());
    eprintln!(
        "evidence over {} posts: wall {:?}, cpu {:.3}s, {} rows",
        c.num_posts(),
        t.elapsed(),
        cpu() - c0,
        r.rows.len()
    );
}
