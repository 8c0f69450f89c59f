//! The sample corpus generator, checked from its output: every claim is re-derived from the JSONL
//! itself (parsed with `serde_json::Value`, never with the generator's own structures) and compared
//! with the ground truth the generator returns.

use std::collections::{BTreeMap, HashMap, HashSet};

use rapport_sample::{OrgConfig, SampleConfig, SampleTruth, write_sample_jsonl};
use serde_json::Value;

/// The search pages (the follow pages that come after them are left out), the truth and the bytes.
fn generate(config: &SampleConfig) -> (Vec<Value>, SampleTruth, Vec<u8>) {
    let mut buf = Vec::new();
    let truth = write_sample_jsonl(config, &mut buf).expect("valid config");
    let pages = lines(&buf)
        .into_iter()
        .filter(|p| !is_follow_page(p))
        .collect();
    (pages, truth, buf)
}

fn lines(buf: &[u8]) -> Vec<Value> {
    buf.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<Value>(l).expect("every line is JSON"))
        .collect()
}

fn is_follow_page(page: &Value) -> bool {
    let url = page["__twarc"]["url"].as_str().unwrap_or("");
    url.contains("/followers?") || url.contains("/following?")
}

#[test]
fn follow_snapshots_come_after_the_posts_and_plant_follow_backs() {
    use rapport_core::follows::{FollowEventKind, Side};
    let c = SampleConfig {
        posts: 3_000,
        ..SampleConfig::default()
    };
    let mut buf = Vec::new();
    let truth = write_sample_jsonl(&c, &mut buf).unwrap();
    let all = lines(&buf);
    assert_eq!(all.len(), truth.pages + truth.follow_pages);
    let first_follow = all.iter().position(is_follow_page).unwrap();
    assert_eq!(
        first_follow, truth.pages,
        "posts first, then the follow pages"
    );
    assert!(all[first_follow..].iter().all(is_follow_page));
    let report = rapport_twitter::import::import_jsonl_reader(
        buf.as_slice(),
        "sample",
        &rapport_twitter::import::ImportOptions::strict(),
    )
    .unwrap();
    let corpus = report.corpus;
    assert_eq!(corpus.follow_snapshots().len(), truth.follow_snapshots);
    assert!(
        truth.follow_snapshots >= 3 * 2 * 3,
        "several readings of each list"
    );
    let events = corpus.follow_events(&truth.org_handles).unwrap();
    let mut back: Vec<String> = events
        .iter()
        .filter(|e| e.kind == FollowEventKind::FollowedBack && e.by == Side::Account)
        .map(|e| corpus.handle_of_id(&e.account).to_owned())
        .collect();
    back.sort();
    back.dedup();
    assert!(!truth.followed_back.is_empty());
    assert_eq!(back, truth.followed_back);
    // Every event lies between two readings, never at an invented time.
    assert!(events.iter().all(|e| e.observed_after < e.observed_before));
    // Whoever the organisation answered, it follows by the last reading (it followed back).
    let last = corpus.follow_states(&truth.org_handles).unwrap();
    for h in &truth.two_way {
        let id = corpus.account_by_handle(h).unwrap().id().to_owned();
        assert!(
            last.get(&id).is_some_and(|st| st.o_follows_x == Some(true)),
            "{h} was answered but not followed back"
        );
    }
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// Checks every entity of `entities` against `text`, by code points.
fn check_entities(text: &str, entities: &Value, ctx: &str) -> usize {
    let cps: Vec<char> = text.chars().collect();
    let slice = |e: &Value| -> String {
        let (a, b) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert!(
            a < b && b <= cps.len(),
            "{ctx}: entity {e} outside text {text:?}"
        );
        cps[a..b].iter().collect()
    };
    let mut n = 0;
    for h in arr(&entities["hashtags"]) {
        assert_eq!(
            slice(h),
            format!("#{}", s(&h["tag"])),
            "{ctx}: hashtag in {text:?}"
        );
        n += 1;
    }
    for m in arr(&entities["mentions"]) {
        assert_eq!(
            slice(m),
            format!("@{}", s(&m["username"])),
            "{ctx}: mention in {text:?}"
        );
        n += 1;
    }
    for u in arr(&entities["urls"]) {
        assert_eq!(slice(u), s(&u["url"]), "{ctx}: url in {text:?}");
        assert!(s(&u["url"]).starts_with("https://t.co/"));
        assert!(s(&u["expanded_url"]).starts_with("https://"));
        n += 1;
    }
    n
}

fn small() -> SampleConfig {
    SampleConfig {
        posts: 20_000,
        seed: 11,
        ..SampleConfig::default()
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let c = SampleConfig {
        posts: 3_000,
        ..SampleConfig::default()
    };
    let (_, t1, a) = generate(&c);
    let (_, t2, b) = generate(&c);
    assert_eq!(a, b);
    assert_eq!(t1, t2);
    let (_, _, other) = generate(&SampleConfig { seed: 8, ..c });
    assert_ne!(a, other);
}

#[test]
fn every_line_is_a_twarc2_search_page() {
    let c = small();
    let (pages, truth, buf) = generate(&c);
    assert_eq!(pages.len(), truth.pages);
    // 20 000 posts in pages of 100 plus 2 repeated posts every 50 pages: pages 50, 100, 150 and
    // 200 are each followed by an overlap, 8 extra copies, so 20 008 tweets = 200 full pages + 8.
    assert_eq!(truth.duplicates, 8);
    assert_eq!(pages.len(), 201);
    assert!(buf.is_ascii(), "twarc writes JSON with ensure_ascii");
    for (k, p) in pages.iter().enumerate() {
        let data = arr(&p["data"]);
        assert!(!data.is_empty() && data.len() <= 100);
        assert_eq!(p["meta"]["result_count"].as_u64(), Some(data.len() as u64));
        assert_eq!(s(&p["meta"]["newest_id"]), s(&data[0]["id"]));
        assert_eq!(s(&p["meta"]["oldest_id"]), s(&data[data.len() - 1]["id"]));
        assert_eq!(
            p["meta"].get("next_token").is_some(),
            k + 1 < pages.len(),
            "next_token on all but the last"
        );
        assert!(p["includes"]["users"].is_array());
        let tw = &p["__twarc"];
        assert!(s(&tw["url"]).starts_with("https://api.twitter.com/2/tweets/search/all?"));
        assert!(s(&tw["version"]).starts_with("2."));
        assert!(chrono::DateTime::parse_from_rfc3339(s(&tw["retrieved_at"])).is_ok());
        if k > 0 {
            let prev = s(&pages[k - 1]["meta"]["next_token"]);
            assert!(s(&tw["url"]).ends_with(&format!("&next_token={prev}")));
        }
        for key in p.as_object().unwrap().keys() {
            assert!(
                ["data", "includes", "errors", "meta", "__twarc"].contains(&key.as_str()),
                "unexpected {key}"
            );
        }
        for t in data.iter().chain(arr(&p["includes"]["tweets"])) {
            for field in [
                "id",
                "text",
                "author_id",
                "conversation_id",
                "created_at",
                "lang",
            ] {
                assert!(t[field].is_string(), "{field} in {t}");
            }
            assert!(
                s(&t["created_at"]).ends_with('Z') && s(&t["created_at"]).len() == 24,
                "millis"
            );
            assert!(t["public_metrics"]["reply_count"].is_u64());
            let hist = arr(&t["edit_history_tweet_ids"]);
            assert_eq!(hist.last().map(s), Some(s(&t["id"])));
        }
    }
}

#[test]
fn entity_offsets_are_code_points_for_every_entity() {
    let (pages, _, _) = generate(&small());
    let mut checked = 0;
    let mut astral = 0;
    let mut langs = HashSet::new();
    let mut notes = 0;
    for p in &pages {
        for t in arr(&p["data"]).iter().chain(arr(&p["includes"]["tweets"])) {
            let text = s(&t["text"]);
            checked += check_entities(text, &t["entities"], "text");
            astral += text.chars().filter(|&c| c as u32 > 0xFFFF).count();
            langs.insert(s(&t["lang"]).to_owned());
            if let Some(note) = t.get("note_tweet") {
                notes += 1;
                checked += check_entities(s(&note["text"]), &note["entities"], "note_tweet");
                assert!(s(&note["text"]).chars().count() > 280);
                assert!(text.chars().count() <= 280);
            }
        }
        for u in arr(&p["includes"]["users"]) {
            checked += check_entities(s(&u["description"]), &u["entities"]["description"], "bio");
        }
    }
    assert!(checked > 20_000, "{checked}");
    assert!(astral > 100, "emoji outside the BMP are present: {astral}");
    for l in ["en", "de", "es", "fr", "ja", "pt"] {
        assert!(langs.contains(l), "{l} missing from {langs:?}");
    }
    assert!(notes > 10, "long posts with note_tweet: {notes}");
}

#[test]
fn ids_are_unique_except_the_planned_overlaps_and_references_resolve() {
    let (pages, truth, _) = generate(&small());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut total = 0;
    let mut errors_ids = HashSet::new();
    for (k, p) in pages.iter().enumerate() {
        let included: HashSet<&str> = arr(&p["includes"]["tweets"])
            .iter()
            .map(|t| s(&t["id"]))
            .collect();
        let users: HashSet<&str> = arr(&p["includes"]["users"])
            .iter()
            .map(|u| s(&u["id"]))
            .collect();
        let errors: HashSet<&str> = arr(&p["errors"]).iter().map(|e| s(&e["value"])).collect();
        for e in arr(&p["errors"]) {
            assert_eq!(s(&e["parameter"]), "referenced_tweets.id");
            assert_eq!(
                s(&e["type"]),
                "https://api.twitter.com/2/problems/resource-not-found"
            );
            assert!(s(&e["detail"]).contains(s(&e["value"])));
            errors_ids.insert(s(&e["value"]).to_owned());
        }
        for t in arr(&p["data"]) {
            total += 1;
            let id = s(&t["id"]).to_owned();
            if let Some(prev) = seen.insert(id.clone(), k) {
                // A repeat sits on the page right after the one it first appeared on.
                assert_eq!(prev + 1, k, "{id} repeated on non-adjacent pages");
            }
            for r in arr(&t["referenced_tweets"]) {
                let rid = s(&r["id"]);
                assert!(
                    included.contains(rid) ^ errors.contains(rid),
                    "{rid} neither included nor an error"
                );
            }
            for user in [&t["author_id"], &t["in_reply_to_user_id"]] {
                if let Some(u) = user.as_str() {
                    assert!(users.contains(u), "user {u} not in includes.users");
                }
            }
            for m in arr(&t["entities"]["mentions"]) {
                assert!(users.contains(s(&m["id"])));
            }
        }
    }
    assert_eq!(seen.len(), truth.posts);
    assert_eq!(total, truth.posts + truth.duplicates);
    let expected: HashSet<String> = truth.deleted_referenced.iter().cloned().collect();
    assert_eq!(errors_ids, expected);
    assert!(!expected.is_empty());
}

/// Counts re-derived from the JSON agree with the ground truth, including who talks with the org.
#[test]
fn ground_truth_matches_the_output() {
    let c = small();
    let (pages, truth, _) = generate(&c);
    let mut tweets: BTreeMap<String, Value> = BTreeMap::new();
    let mut handles: HashMap<String, String> = HashMap::new();
    for p in &pages {
        for t in arr(&p["data"]) {
            tweets.insert(s(&t["id"]).to_owned(), t.clone());
        }
        for u in arr(&p["includes"]["users"]) {
            handles.insert(s(&u["id"]).to_owned(), s(&u["username"]).to_owned());
        }
    }
    assert_eq!(handles.len(), truth.accounts);
    let org: HashSet<String> = handles
        .iter()
        .filter(|(_, h)| c.org.handles().contains(&h.as_str()))
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(org.len(), 3);
    let kind = |t: &Value| match arr(&t["referenced_tweets"]).first().map(|r| s(&r["type"])) {
        Some("replied_to") => "reply",
        Some("quoted") => "quote",
        Some("retweeted") => "repost",
        _ => "original",
    };
    let mut by_kind = BTreeMap::new();
    let mut authors = HashSet::new();
    let mut conversations = HashSet::new();
    let mut answered = HashSet::new();
    let mut org_posts = 0;
    // (person, conversation) pairs where the person replied to the org, and where the org replied
    // to the person.
    let mut to_org = HashSet::new();
    let mut from_org = HashSet::new();
    for t in tweets.values() {
        let k = kind(t);
        *by_kind.entry(k.to_owned()).or_insert(0) += 1;
        let author = s(&t["author_id"]).to_owned();
        authors.insert(author.clone());
        conversations.insert(s(&t["conversation_id"]).to_owned());
        if org.contains(&author) && (k == "original" || k == "quote") {
            org_posts += 1;
        }
        if k == "reply" {
            let to = s(&t["in_reply_to_user_id"]).to_owned();
            let conv = s(&t["conversation_id"]).to_owned();
            let parent = s(&t["referenced_tweets"][0]["id"]);
            if org.contains(&to) && !org.contains(&author) {
                to_org.insert((author.clone(), conv.clone()));
                if tweets
                    .get(parent)
                    .is_some_and(|pt| matches!(kind(pt), "original" | "quote"))
                {
                    answered.insert(parent.to_owned());
                }
            }
            if org.contains(&author) && !org.contains(&to) {
                from_org.insert((to, conv));
            }
        }
    }
    assert_eq!(by_kind, truth.by_kind);
    assert_eq!(authors.len(), truth.authors);
    assert_eq!(conversations.len(), truth.conversations);
    assert_eq!(org_posts, truth.org_posts);
    assert_eq!(answered.len(), truth.org_posts_answered);
    // "Most job posts get no answer".
    assert!(truth.org_posts_answered * 2 < truth.org_posts, "{truth:?}");
    let mut two_way: Vec<String> = to_org
        .intersection(&from_org)
        .map(|(p, _)| handles[p].clone())
        .collect();
    two_way.sort();
    two_way.dedup();
    let mut expected = truth.two_way.clone();
    expected.sort();
    assert_eq!(two_way, expected);
    assert!(truth.engaged.iter().all(|e| truth.two_way.contains(e)));
    assert!(!truth.engaged.is_empty());

    // Sensitive posts: every one carries a sensitive tag, and only they do (reposts aside).
    let sensitive: HashSet<&str> = truth
        .sensitive_hashtags
        .iter()
        .map(String::as_str)
        .collect();
    let with_sensitive = tweets
        .values()
        .filter(|t| kind(t) != "repost")
        .filter(|t| {
            arr(&t["entities"]["hashtags"])
                .iter()
                .any(|h| sensitive.contains(s(&h["tag"]).to_lowercase().as_str()))
        })
        .count();
    assert_eq!(with_sensitive, truth.sensitive_posts);
    assert!(truth.sensitive_posts > 0);
}

#[test]
fn mentors_answer_most_questions_of_their_topic() {
    let (pages, truth, _) = generate(&small());
    let mut tweets: HashMap<String, Value> = HashMap::new();
    let mut handles: HashMap<String, String> = HashMap::new();
    for p in &pages {
        for t in arr(&p["data"]) {
            tweets.insert(s(&t["id"]).to_owned(), t.clone());
        }
        for u in arr(&p["includes"]["users"]) {
            handles.insert(s(&u["id"]).to_owned(), s(&u["username"]).to_owned());
        }
    }
    // Replies to question posts (originals with a question mark), per topic hashtag and replier.
    let mut answers: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for t in tweets.values() {
        let Some(r) = arr(&t["referenced_tweets"]).first() else {
            continue;
        };
        if s(&r["type"]) != "replied_to" {
            continue;
        }
        let Some(q) = tweets.get(s(&r["id"])) else {
            continue;
        };
        if q.get("referenced_tweets").is_some()
            || !(s(&q["text"]).contains('?') || s(&q["text"]).contains('？'))
        {
            continue;
        }
        for h in arr(&q["entities"]["hashtags"]) {
            let tag = s(&h["tag"]).to_lowercase();
            *answers
                .entry(tag)
                .or_default()
                .entry(handles[s(&t["author_id"])].clone())
                .or_default() += 1;
        }
    }
    let mut checked = 0;
    for (topic, mentors) in &truth.mentors {
        let Some(counts) = answers.get(topic) else {
            continue;
        };
        let mut ranked: Vec<(&String, &usize)> = counts.iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if *ranked[0].1 < 10 {
            continue; // too few questions on this topic at this size to rank anyone
        }
        for m in mentors {
            let pos = ranked.iter().position(|(h, _)| *h == m);
            // Among the top answerers: mentors answer 80% of the topic's questions, but the most
            // active people also reply to on-topic posts that merely end with a question mark, so
            // one of them may rank among the mentors.
            assert!(
                pos.is_some_and(|p| p <= mentors.len()),
                "{m} not a top answerer of #{topic}: {:?}",
                &ranked[..3]
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} topics had enough questions");
}

#[test]
fn hashtag_use_is_heavy_tailed() {
    let (pages, _, _) = generate(&small());
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in &pages {
        for t in arr(&p["data"]) {
            for h in arr(&t["entities"]["hashtags"]) {
                *counts.entry(s(&h["tag"]).to_lowercase()).or_default() += 1;
            }
        }
    }
    let mut sorted: Vec<usize> = counts.values().copied().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    // Topics follow Zipf with s = 1.1: rank 1 over rank 20 is 20^1.1 ≈ 27 before sampling noise;
    // interests and reposts blur it. A factor of 5 between the top and the median tag is a loose
    // reading of "heavy-tailed" that a uniform distribution (factor ≈ 1) cannot pass.
    let median = sorted[sorted.len() / 2];
    assert!(
        sorted[0] >= 5 * median,
        "top {} vs median {median}: {sorted:?}",
        sorted[0]
    );
    assert!(sorted.len() >= 40, "{} distinct tags", sorted.len());
}

#[test]
fn reply_trees_reach_depth_eight_at_100k() {
    let c = SampleConfig {
        posts: 100_000,
        seed: 3,
        ..SampleConfig::default()
    };
    let (pages, truth, _) = generate(&c);
    // Depth from the JSON alone: follow replied_to links; a parent that is not in the data
    // (deleted) ends the walk, as the root of its tree.
    let mut parent: HashMap<String, String> = HashMap::new();
    for p in &pages {
        for t in arr(&p["data"]) {
            if let Some(r) = arr(&t["referenced_tweets"])
                .first()
                .filter(|r| s(&r["type"]) == "replied_to")
            {
                parent.insert(s(&t["id"]).to_owned(), s(&r["id"]).to_owned());
            }
        }
    }
    let mut max_depth = 0;
    for id in parent.keys() {
        let mut d = 0;
        let mut cur = id;
        while let Some(p) = parent.get(cur) {
            d += 1;
            cur = p;
        }
        max_depth = max_depth.max(d);
    }
    assert!(max_depth >= 8, "max depth {max_depth}");
    assert_eq!(truth.depth_histogram.keys().max().copied(), Some(max_depth));
}

#[test]
fn other_organisations_and_sizes() {
    let c = SampleConfig {
        posts: 1_000,
        org: OrgConfig::named("globex"),
        page_size: 250,
        ..SampleConfig::default()
    };
    let (pages, truth, _) = generate(&c);
    assert_eq!(truth.posts, 1_000);
    assert_eq!(pages.len(), 4);
    assert_eq!(
        truth.org_handles,
        ["globex_careers", "globex_eng", "globex_people"]
    );
    assert!(!truth.two_way.is_empty());
    assert!(truth.oldest >= c.start && truth.newest < c.end());
}

#[test]
fn invalid_configs_are_clear_errors() {
    for (c, needle) in [
        (
            SampleConfig {
                posts: 0,
                ..SampleConfig::default()
            },
            "posts",
        ),
        (
            SampleConfig {
                page_size: 0,
                ..SampleConfig::default()
            },
            "page_size",
        ),
        (
            SampleConfig {
                days: 0,
                ..SampleConfig::default()
            },
            "days",
        ),
        (
            SampleConfig {
                org: OrgConfig::named("a very long organisation"),
                ..SampleConfig::default()
            },
            "handle",
        ),
    ] {
        let err = write_sample_jsonl(&c, std::io::sink()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(needle), "{err}");
    }
}
