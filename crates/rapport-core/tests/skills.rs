//! Matching, the sensitive filter, evidence and job profiles on hand-checked cases.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use rapport_core::skills::{
    Ambiguity, CONF_HASHTAG, CONF_IN_CONTEXT, CONF_KEYWORD, EvidenceOptions, JobProfile,
    MatchSource, Matcher, SensitiveList, SkillTag, Taxonomy, UnmappedReason, WarningKind, evidence,
};
use rapport_core::{Account, Corpus, Post};

const ML: &str = "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43";
const PY: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

fn m() -> &'static Matcher {
    static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    M.get_or_init(|| Matcher::new(&Taxonomy::builtin()))
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

#[test]
fn builtin_taxonomy_is_clean() {
    let tax = Taxonomy::builtin();
    assert!(tax.len() >= 200, "{}", tax.len());
    // no duplicate ids, no term or hashtag naming two curated skills, every parent known
    assert!(tax.report().is_empty(), "{:#?}", tax.report());
    assert!(
        m().report().excluded.is_empty(),
        "{:?}",
        m().report().excluded
    );
}

#[test]
fn camel_and_snake_case_hashtags() {
    let m = m();
    for text in [
        "#MachineLearning",
        "#machine_learning",
        "#machinelearning",
        "#MACHINE_LEARNING",
        "＃ＭａｃｈｉｎｅＬｅａｒｎｉｎｇ",
    ] {
        let r = m.match_text(text);
        assert_eq!(r.skill_ids(), [ML], "{text}");
        assert_eq!(r.matches[0].source, MatchSource::Hashtag);
        assert_eq!(r.matches[0].confidence, CONF_HASHTAG);
    }
    // a hashtag that is not a term as a whole is split: #LearningRust → "learning" "rust"
    let r = m.match_text("#LearnPythonTheHardWay");
    assert_eq!(r.skill_ids(), [PY]);
    assert_eq!(r.matches[0].term, "#LearnPythonTheHardWay");
}

#[test]
fn non_english_text_and_emoji_keep_word_boundaries() {
    let m = m();
    let r = m.match_text("Ingénieure données : Python, SQL et Kubernetes à Genève 🇨🇭");
    assert_eq!(
        r.skill_ids(),
        [
            PY,
            "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742",
            "rapport:kubernetes"
        ]
    );
    // emoji glued to words do not hide them
    let r = m.match_text("I ❤️Python and #Rust🦀");
    assert_eq!(r.skill_ids(), [PY, "rapport:rust"]);
    // a term inside a longer word is not a match ("pythonic" is not "python", "k8sfan" not "k8s")
    assert!(m.match_text("pythonic k8sfan").matches.is_empty());
    // Cyrillic and Greek words are words: no false boundaries inside them
    assert!(m.match_text("Привет, мир. Γειά σου").matches.is_empty());
}

#[test]
fn multi_word_keywords_and_longest_match_first() {
    let tax = Taxonomy::from_tags(
        "t",
        [
            SkillTag::new("rapport:learning", "learning"),
            SkillTag::new("rapport:ml", "machine learning"),
            SkillTag::new("rapport:mle", "machine learning engineering"),
        ],
    );
    let m = Matcher::with_sensitive(&tax, &SensitiveList::empty());
    assert_eq!(
        m.match_text("machine learning engineering rocks")
            .skill_ids(),
        ["rapport:mle"]
    );
    assert_eq!(
        m.match_text("Machine  Learning!").skill_ids(),
        ["rapport:ml"]
    );
    // a sentence break splits a phrase
    assert_eq!(
        m.match_text("the machine. Learning is fun").skill_ids(),
        ["rapport:learning"]
    );
    let r = m.match_text("machine learning");
    assert_eq!(r.matches[0].confidence, CONF_KEYWORD);
    assert_eq!(r.matches[0].term, "machine learning");
}

#[test]
fn ambiguous_common_words_need_context() {
    let m = m();
    let r = m.match_text("Let's go to the beach");
    assert!(r.matches.is_empty());
    assert_eq!(r.ambiguous.len(), 1);
    assert_eq!(r.ambiguous[0].reason, Ambiguity::NeedsContext);
    assert_eq!(r.ambiguous[0].candidates, ["rapport:go"]);
    // with another confident skill in the text it counts, at the lower confidence
    let r = m.match_text("a small go service behind kubernetes");
    assert_eq!(r.skill_ids(), ["rapport:go", "rapport:kubernetes"]);
    assert_eq!(r.matches[0].confidence, CONF_IN_CONTEXT);
    // the hashtag counts alone
    assert_eq!(m.match_text("#go").matches[0].confidence, CONF_HASHTAG);
    // two context words do not vouch for each other: "rust" and "go" are both common words
    assert!(m.match_text("rust and go").matches.is_empty());
    // a term naming two skills is split between them and reported
    let tax = Taxonomy::from_tags(
        "t",
        [
            SkillTag::new("a", "Alpha").keywords(["shared term"]),
            SkillTag::new("b", "Beta").keywords(["shared term"]),
        ],
    );
    assert_eq!(tax.report().count(WarningKind::AliasCollision), 1);
    let r = Matcher::with_sensitive(&tax, &SensitiveList::empty()).match_text("a shared term");
    assert_eq!(r.matches.len(), 2);
    assert_eq!(r.matches[0].confidence, CONF_KEYWORD / 2.0);
    assert_eq!(r.ambiguous[0].reason, Ambiguity::SeveralSkills);
}

#[test]
fn sensitive_terms_are_never_skills() {
    let m = m();
    let r = m.match_text("#MentalHealth day, then #Python. Proud member of the trade union.");
    assert_eq!(r.skill_ids(), [PY]);
    assert_eq!(r.sensitive, ["health", "trade_union_membership"]);
    // a user taxonomy cannot turn a sensitive hashtag or phrase into a skill
    let tax = Taxonomy::from_tags(
        "mine",
        [SkillTag::new("rapport:pride", "Pride events")
            .hashtags(["Pride"])
            .keywords(["pride month planning"])],
    );
    let m2 = Matcher::new(&tax);
    let ex: Vec<&str> = m2
        .report()
        .excluded
        .iter()
        .map(|e| e.term.as_str())
        .collect();
    assert_eq!(ex, ["pride month planning", "#pride"]);
    assert!(m2.match_text("#pride").matches.is_empty());
    // its other terms ("pride events") still match: only the sensitive ones are dropped
    assert!(m2.can_match("rapport:pride"));
    // the list can be extended
    let mut list = SensitiveList::default();
    list.extend("health", ["#mycondition"], ["my condition"]);
    let m3 = Matcher::with_sensitive(&Taxonomy::builtin(), &list);
    assert_eq!(m3.match_text("#MyCondition").sensitive, ["health"]);
}

fn corpus() -> Corpus {
    let mut c = Corpus::new();
    let mut ada = Account::new("1", "ada");
    ada.bio = Some("Data engineer. #Python and dbt.".into());
    c.add_account(ada);
    c.add_account(Account::new("2", "bob"));
    c.add_account(Account::new("3", "cy"));
    let now = t0();
    // ada: #RustLang 90 days before as_of, "machine learning" 360 days before
    c.add_post(Post::new(
        "a1",
        "1",
        "Writing #RustLang all week",
        now - Duration::days(90),
    ));
    c.add_post(Post::new(
        "a2",
        "1",
        "Notes on machine learning",
        now - Duration::days(360),
    ));
    // ada: a post with a sensitive hashtag next to a skill
    c.add_post(Post::new("a3", "1", "#pride and #rustlang", now));
    // bob reposts ada's rust post: not bob's evidence
    let mut rp = Post::new(
        "b1",
        "2",
        "Writing #RustLang all week",
        now - Duration::days(10),
    );
    rp.reposted = Some("a1".into());
    c.add_post(rp);
    // bob and cy reply to ada's rust post; ada replies to herself
    let mut r1 = Post::new("b2", "2", "nice!", now - Duration::days(90));
    r1.reply_to = Some("a1".into());
    c.add_post(r1);
    let mut r2 = Post::new("c1", "3", "agreed", now);
    r2.reply_to = Some("a1".into());
    c.add_post(r2);
    let mut r3 = Post::new("a4", "1", "thanks", now);
    r3.reply_to = Some("a1".into());
    c.add_post(r3);
    c
}

#[test]
fn evidence_numbers_by_hand() {
    let c = corpus();
    let r = evidence(&c, m(), &EvidenceOptions::default());
    assert_eq!(r.as_of, Some(t0()), "as_of defaults to the newest post");
    assert_eq!(r.reposts_skipped, 1);
    assert_eq!(r.posts_scanned, 6);

    let rust = r.get("@ada", "rapport:rust").unwrap();
    // a1: 0.95 × 2^(−90/180) = 0.95 × 0.70710678 = 0.67175144; a3: 0.95 × 1
    assert!(
        (rust.strength - (0.671_751_442_4 + 0.95)).abs() < 1e-9,
        "{}",
        rust.strength
    );
    assert_eq!(rust.posts, 2);
    assert_eq!(
        (rust.counts.hashtag, rust.counts.keyword, rust.counts.bio),
        (2, 0, 0)
    );
    assert_eq!(rust.evidence_post_ids, ["a3", "a1"]);
    assert_eq!(rust.first_seen, Some(t0() - Duration::days(90)));
    assert_eq!(rust.last_seen, Some(t0()));
    // peer validation: bob (90 days old, 0.70710678) and cy (today, 1.0); ada's own reply does not count
    assert_eq!((rust.peer.replies, rust.peer.repliers), (2, 2));
    assert!((rust.peer.strength - 1.707_106_781_2).abs() < 1e-9);

    let ml = r.get("1", ML).unwrap();
    // 0.8 × 2^(−360/180) = 0.8 × 0.25
    assert!((ml.strength - 0.2).abs() < 1e-12);
    assert_eq!(ml.counts.keyword, 1);

    // bio: "#Python" is a hashtag in the bio: 0.95, undecayed, source counted as bio
    let py = r.get("ada", PY).unwrap();
    assert_eq!((py.counts.bio, py.posts), (1, 0));
    assert!((py.strength - 0.95).abs() < 1e-12);
    assert_eq!(py.first_seen, None);

    // bob's repost gave him nothing
    assert!(r.for_account("bob").is_empty());
    // the sensitive hashtag is counted only in aggregate
    assert_eq!(
        (
            r.sensitive.texts,
            r.sensitive.terms,
            r.sensitive.posts_dropped
        ),
        (1, 1, 0)
    );
    assert!(r.rows.iter().all(|row| !row.skill_id.contains("pride")));

    // per-account view: strongest first
    let view = r.by_account();
    assert_eq!(view.len(), 1);
    assert_eq!(view[0].skills[0].skill_id, "rapport:rust");

    // half-life 90 days: a1 weighs 2^(−1) = 0.5
    let r2 = evidence(
        &c,
        m(),
        &EvidenceOptions::default()
            .half_life_days(90.0)
            .all_evidence(),
    );
    let rust = r2.get("ada", "rapport:rust").unwrap();
    assert!((rust.strength - (0.95 * 0.5 + 0.95)).abs() < 1e-12);

    // stricter mode drops the whole post with a sensitive term
    let strict = EvidenceOptions {
        exclude_sensitive_posts: true,
        ..EvidenceOptions::default()
    };
    let r3 = evidence(&c, m(), &strict);
    assert_eq!(r3.get("ada", "rapport:rust").unwrap().posts, 1);
    assert_eq!(r3.sensitive.posts_dropped, 1);
}

#[test]
fn evidence_keeps_the_best_few_posts_or_all() {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "ada"));
    for d in 0..5 {
        c.add_post(Post::new(
            format!("p{d}"),
            "1",
            "#devops",
            t0() - Duration::days(d),
        ));
    }
    let r = evidence(&c, m(), &EvidenceOptions::default());
    assert_eq!(r.rows[0].evidence_post_ids, ["p0", "p1", "p2"]);
    let r = evidence(&c, m(), &EvidenceOptions::default().all_evidence());
    assert_eq!(r.rows[0].evidence_post_ids.len(), 5);
    assert_eq!(r.rows[0].counts.hashtag, 5);
}

#[test]
fn post_hashtags_missing_from_text_are_matched() {
    let mut c = Corpus::new();
    c.add_account(Account::new("1", "ada"));
    let mut p = Post::new("p", "1", "a long post cut short…", t0());
    p.hashtags = vec!["Machine_Learning".into()];
    c.add_post(p);
    let r = evidence(&c, m(), &EvidenceOptions::default());
    assert_eq!(r.rows[0].skill_id, ML);
    assert_eq!(r.rows[0].counts.hashtag, 1);
}

#[test]
fn taxonomy_file_errors_name_line_and_field() {
    let err = Taxonomy::from_toml_str(
        "[[skill]]\nid = \"a\"\nlabel = \"A\"\n\n[[skill]]\nid = \"b\"\nlabel = \"\"\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "t.toml, line 7, field `label`: `label` must not be empty"
    );
    let err = Taxonomy::from_toml_str(
        "[[skill]]\nid = \"a\"\nlabel = \"A\"\nhashtag = [\"x\"]\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("t.toml, line 4, field `hashtag`: unknown field `hashtag`"),
        "{err}"
    );
    let err = Taxonomy::from_toml_str("[[skill]]\nid = \"a\"\n", "t.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 1") && err.contains("missing field `label`"),
        "{err}"
    );

    let err = Taxonomy::from_csv_str("id,label,category\na,A,skill\nb,B,skils\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("t.csv, line 3, field `category`: unknown category `skils`"),
        "{err}"
    );
    let err = Taxonomy::from_csv_str("id,name\na,A\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 1, field `name`: unknown column"),
        "{err}"
    );
    let err = Taxonomy::from_csv_str("id,label\na,A\nb\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    let err = Taxonomy::from_csv_str("id,label,requires_context\na,A,maybe\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2, field `requires_context`"), "{err}");
}

#[test]
fn duplicates_and_collisions_are_reported() {
    let csv = "id,label,aliases,hashtags\nrapport:a,Alpha,al|shared,alpha\nrapport:b,Beta,shared,alpha\nrapport:a,Alpha again,,\n";
    let tax = Taxonomy::from_csv_str(csv, "t.csv").unwrap();
    assert_eq!(tax.len(), 2);
    let r = tax.report();
    assert_eq!(r.count(WarningKind::DuplicateId), 1);
    assert_eq!(
        r.warnings
            .iter()
            .find(|w| w.kind == WarningKind::DuplicateId)
            .unwrap()
            .location,
        "t.csv:4"
    );
    assert_eq!(r.count(WarningKind::AliasCollision), 1); // "shared"
    assert_eq!(r.count(WarningKind::HashtagCollision), 1); // "#alpha" (explicit on both)
    // the later duplicate's label wins, the old one becomes an alias
    assert_eq!(tax.get("rapport:a").unwrap().label, "Alpha again");
    assert!(
        tax.get("rapport:a")
            .unwrap()
            .aliases
            .contains(&"Alpha".to_string())
    );

    // merged over the built-in one
    let mut b = Taxonomy::builtin();
    let n = b.len();
    b.merge(tax);
    assert_eq!(b.len(), n + 2);
    assert_eq!(b.find("#alpha").map(|s| s.id.as_str()), Some("rapport:a"));
}

#[test]
fn job_profiles() {
    let toml = "title = \"Data engineer\"\n[[skill]]\nskill = \"#python\"\nweight = 2\nrequired = true\n[[skill]]\nskill = \"Apache Airflow\"\n[[skill]]\nskill = \"rapport:cobol\"\nrequired = true\n";
    let job = JobProfile::from_toml_str(toml, "job.toml").unwrap();
    let map = job.map_onto(m());
    assert_eq!(map.mapped.len(), 2);
    assert_eq!(map.mapped[0].skill_id, PY);
    assert_eq!(map.mapped[1].skill_id, "rapport:airflow");
    assert_eq!(map.unmapped[0].reason, UnmappedReason::NotInTaxonomy);
    // weights 2 + 1 mapped of 2 + 1 + 1
    assert!((map.coverage() - 0.75).abs() < 1e-12);
    let err = JobProfile::from_toml_str("title = 1\n", "job.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1") && err.contains("title"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn matching_never_panics_and_stays_in_bounds(text in "\\PC{0,80}", tags in proptest::collection::vec("[a-zA-Z_0-9]{1,12}", 0..3)) {
        let m = m();
        let r = m.match_post(&text, tags.iter().map(String::as_str));
        for x in &r.matches {
            prop_assert!(x.confidence > 0.0 && x.confidence <= 1.0);
        }
    }

    #[test]
    fn evidence_strength_is_bounded_by_post_count(n in 1usize..20, days in proptest::collection::vec(0i64..2000, 20)) {
        let mut c = Corpus::new();
        c.add_account(Account::new("1", "ada"));
        for (i, d) in days.iter().take(n).enumerate() {
            c.add_post(Post::new(i.to_string(), "1", "#rustlang and kubernetes", t0() - Duration::days(*d)));
        }
        let r = evidence(&c, m(), &EvidenceOptions::default());
        for row in &r.rows {
            prop_assert!(row.strength > 0.0 && row.strength <= row.posts as f64 + 1e-9);
            prop_assert_eq!(row.posts as usize, n);
        }
    }
}
