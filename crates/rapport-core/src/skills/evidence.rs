//! Skill evidence per account and skill, with provenance.
//!
//! For every post that is the author's own (originals, replies and quotes; never reposts), the matcher
//! finds the skills; the sensitive filter has already removed what must not count. Each post adds, per
//! skill, its best match confidence times the recency weight 2^(−age/half-life) to the strength. The
//! bio adds its confidence once, undecayed (a bio describes the person now). Replies from *other*
//! accounts to a person's on-topic posts are kept apart as peer validation: a signal that others
//! engage with the person on that topic, shown beside the strength and never added into it. The lists
//! others put the person on ([`crate::lists`]) are a source of their own: each list whose name and
//! description show a skill is counted and named (`evidence_list_ids`), and the best such match adds
//! its confidence once, undecayed, however many lists there are (a list does not say when it was
//! made, and many lists by one curator should not outweigh the person's own posts).

use chrono::{DateTime, Utc};
use hashbrown::HashSet;
use serde::Serialize;

use super::matcher::{Matcher, Scratch};
use super::text::nfkc;
use crate::corpus::{AccountRef, Corpus, PostIdx};
use crate::time::decay;

/// Options of [`evidence`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceOptions {
    /// Half-life of the recency weight, in days (default 180).
    pub half_life_days: f64,
    /// The time ages are measured from; `None` = the newest post of the corpus.
    pub as_of: Option<DateTime<Utc>>,
    /// How many evidence post ids to keep per account and skill, best first (default 3);
    /// `None` keeps all.
    pub max_evidence_posts: Option<usize>,
    /// Whether the bio counts (default true).
    pub include_bio: bool,
    /// Stricter filter: a post with any sensitive term gives no evidence at all (default false: only
    /// the sensitive terms are dropped, so that talking about such a topic never costs a person the
    /// evidence of their skills in the same post).
    pub exclude_sensitive_posts: bool,
    /// Matches below this confidence are ignored (default 0).
    pub min_confidence: f64,
}

impl Default for EvidenceOptions {
    fn default() -> EvidenceOptions {
        EvidenceOptions {
            half_life_days: 180.0,
            as_of: None,
            max_evidence_posts: Some(3),
            include_bio: true,
            exclude_sensitive_posts: false,
            min_confidence: 0.0,
        }
    }
}

impl EvidenceOptions {
    /// Keeps every evidence post id.
    pub fn all_evidence(mut self) -> EvidenceOptions {
        self.max_evidence_posts = None;
        self
    }

    /// Sets the half-life in days.
    pub fn half_life_days(mut self, days: f64) -> EvidenceOptions {
        self.half_life_days = days;
        self
    }

    /// Sets `as_of`.
    pub fn as_of(mut self, t: DateTime<Utc>) -> EvidenceOptions {
        self.as_of = Some(t);
        self
    }
}

/// How many posts showed the skill through each source (a post with both a hashtag and a keyword
/// for the skill counts in both), and whether the bio did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SourceCounts {
    /// Posts with a hashtag for the skill.
    pub hashtag: u32,
    /// Posts with a keyword for the skill.
    pub keyword: u32,
    /// 1 if the bio names the skill.
    pub bio: u32,
    /// Lists the account is on whose name or description names the skill.
    pub list: u32,
}

/// Replies from other accounts to the person's posts that show the skill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PeerValidation {
    /// Replies by others.
    pub replies: u32,
    /// Distinct accounts replying.
    pub repliers: u32,
    /// Σ 2^(−age/half-life) over those replies.
    pub strength: f64,
}

/// The evidence that one account has one skill.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SkillEvidence {
    /// The account's id.
    pub account_id: String,
    /// The account's handle (or id when unknown).
    pub handle: String,
    /// The skill's id.
    pub skill_id: String,
    /// The skill's label.
    pub label: String,
    /// Σ over evidence posts of confidence × 2^(−age/half-life), plus the bio's confidence.
    pub strength: f64,
    /// Posts that show the skill.
    pub posts: u32,
    /// Counts by source.
    pub counts: SourceCounts,
    /// Peer validation.
    pub peer: PeerValidation,
    /// The oldest evidence post.
    pub first_seen: Option<DateTime<Utc>>,
    /// The newest evidence post.
    pub last_seen: Option<DateTime<Utc>>,
    /// Evidence post ids, best first (highest confidence × recency weight, then newest).
    pub evidence_post_ids: Vec<String>,
    /// The ids of the lists counted in [`SourceCounts::list`], best match first, then by id.
    pub evidence_list_ids: Vec<String>,
}

/// What the sensitive filter removed, in aggregate only (never per person).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SensitiveExclusions {
    /// Posts (and bios) in which sensitive terms were found and dropped.
    pub texts: u64,
    /// Sensitive term occurrences dropped.
    pub terms: u64,
    /// Posts dropped whole (with [`EvidenceOptions::exclude_sensitive_posts`]).
    pub posts_dropped: u64,
}

/// The skills of one account, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSkills {
    /// The account's id.
    pub account_id: String,
    /// The account's handle.
    pub handle: String,
    /// Its skills, strongest first.
    pub skills: Vec<SkillEvidence>,
}

/// The result of [`evidence`]: one row per account and skill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillReport {
    /// The time ages were measured from.
    pub as_of: Option<DateTime<Utc>>,
    /// The half-life used.
    pub half_life_days: f64,
    /// Rows, by account (in corpus order), strongest skill first.
    pub rows: Vec<SkillEvidence>,
    /// Posts scanned (reposts excluded).
    pub posts_scanned: u64,
    /// Reposts skipped: a repost is never the reposter's evidence.
    pub reposts_skipped: u64,
    /// What the sensitive filter removed.
    pub sensitive: SensitiveExclusions,
}

impl SkillReport {
    /// The report with at most `keep` evidence post ids per row (the best ones), built without
    /// copying the ids it leaves out.
    pub(crate) fn keeping_evidence(&self, keep: usize) -> SkillReport {
        SkillReport {
            as_of: self.as_of,
            half_life_days: self.half_life_days,
            rows: self
                .rows
                .iter()
                .map(|r| SkillEvidence {
                    account_id: r.account_id.clone(),
                    handle: r.handle.clone(),
                    skill_id: r.skill_id.clone(),
                    label: r.label.clone(),
                    strength: r.strength,
                    posts: r.posts,
                    counts: r.counts,
                    peer: r.peer,
                    first_seen: r.first_seen,
                    last_seen: r.last_seen,
                    evidence_post_ids: r.evidence_post_ids[..keep.min(r.evidence_post_ids.len())]
                        .to_vec(),
                    evidence_list_ids: r.evidence_list_ids.clone(),
                })
                .collect(),
            posts_scanned: self.posts_scanned,
            reposts_skipped: self.reposts_skipped,
            sensitive: self.sensitive,
        }
    }

    /// The row of one account (id or handle) and skill id.
    pub fn get(&self, account: &str, skill_id: &str) -> Option<&SkillEvidence> {
        let h = crate::normalize_handle(account);
        self.rows.iter().find(|r| {
            r.skill_id == skill_id && (r.account_id == account || r.handle.eq_ignore_ascii_case(&h))
        })
    }

    /// The rows of one account (id or handle), strongest first.
    pub fn for_account(&self, account: &str) -> Vec<&SkillEvidence> {
        let h = crate::normalize_handle(account);
        self.rows
            .iter()
            .filter(|r| r.account_id == account || r.handle.eq_ignore_ascii_case(&h))
            .collect()
    }

    /// The accounts showing a skill, strongest first.
    pub fn for_skill(&self, skill_id: &str) -> Vec<&SkillEvidence> {
        let mut v: Vec<&SkillEvidence> = self
            .rows
            .iter()
            .filter(|r| r.skill_id == skill_id)
            .collect();
        v.sort_by(|a, b| {
            b.strength
                .total_cmp(&a.strength)
                .then_with(|| a.account_id.cmp(&b.account_id))
        });
        v
    }

    /// The per-account view.
    pub fn by_account(&self) -> Vec<AccountSkills> {
        let mut out: Vec<AccountSkills> = Vec::new();
        for r in &self.rows {
            if out.last().is_none_or(|a| a.account_id != r.account_id) {
                out.push(AccountSkills {
                    account_id: r.account_id.clone(),
                    handle: r.handle.clone(),
                    skills: Vec::new(),
                });
            }
            out.last_mut().expect("pushed above").skills.push(r.clone());
        }
        out
    }
}

#[derive(Debug, Default)]
struct Acc {
    skill: u32,
    /// Its position before the accounts' skills are sorted: the key of its entries in `Part::ev`.
    slot: u32,
    strength: f64,
    posts: u32,
    counts: SourceCounts,
    first_ms: i64,
    last_ms: i64,
    /// The best confidence of a list match, and the lists (confidence, id).
    list_best: f64,
    lists: Vec<(f64, String)>,
}

/// Computes skill evidence for every account of a corpus.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use rapport_core::{Account, Corpus, Post};
/// use rapport_core::skills::{evidence, EvidenceOptions, Matcher, Taxonomy, CONF_HASHTAG};
///
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "ada"));
/// c.add_post(Post::new("old", "1", "#python notebooks", now - Duration::days(180)));
/// c.add_post(Post::new("new", "1", "more #python", now));
/// let r = evidence(&c, &Matcher::new(&Taxonomy::builtin()), &EvidenceOptions::default());
/// let py = &r.for_account("@ada")[0];
/// // 0.95 × 2^0 + 0.95 × 2^(−180/180) = 0.95 × 1.5
/// assert!((py.strength - CONF_HASHTAG * 1.5).abs() < 1e-9);
/// assert_eq!(py.evidence_post_ids, ["new", "old"]);
/// ```
pub fn evidence(corpus: &Corpus, matcher: &Matcher, opts: &EvidenceOptions) -> SkillReport {
    evidence_on(corpus, matcher, opts, crate::threads::effective(0))
}

/// [`evidence`] on `threads` threads (0: `RAPPORT_THREADS` when set, else every core). Accounts are
/// independent: they are split into chunks scanned in parallel, and the rows put back in account
/// order, so the report is the same whatever the number of threads.
pub fn evidence_on(
    corpus: &Corpus,
    matcher: &Matcher,
    opts: &EvidenceOptions,
    threads: usize,
) -> SkillReport {
    run(corpus, matcher, opts, threads, false).0
}

/// [`evidence`] with, for each row of the report, its evidence posts as corpus rows (the posts of
/// `evidence_post_ids`, in the same order): what mentors of a skill topic read, without looking
/// every post id up again.
pub(crate) fn evidence_with_rows(
    corpus: &Corpus,
    matcher: &Matcher,
    opts: &EvidenceOptions,
) -> (SkillReport, Vec<Vec<u32>>) {
    let (r, rows) = run(corpus, matcher, opts, crate::threads::effective(0), true);
    (r, rows)
}

fn run(
    corpus: &Corpus,
    matcher: &Matcher,
    opts: &EvidenceOptions,
    threads: usize,
    keep_rows: bool,
) -> (SkillReport, Vec<Vec<u32>>) {
    let as_of = opts.as_of.or_else(|| corpus.newest());
    let mut report = SkillReport {
        as_of,
        half_life_days: opts.half_life_days,
        rows: Vec::new(),
        posts_scanned: 0,
        reposts_skipped: 0,
        sensitive: SensitiveExclusions::default(),
    };
    let as_of_ms = as_of.map_or(0, |t| t.timestamp_millis());
    let threads = crate::threads::effective(threads);
    // Small corpora are not worth a thread pool.
    let parallel = threads > 1 && corpus.num_posts() >= 20_000;
    let pool = parallel
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("rapport-skills-{i}"))
                .build()
                .ok()
        })
        .flatten();
    // Indices first, on this thread: the workers share them.
    let _ = corpus.indices();
    let parts: Vec<Part> = match pool {
        Some(pool) => {
            use rayon::prelude::*;
            let accounts: Vec<AccountRef<'_>> = corpus.accounts().collect();
            // Chunks of accounts, many more than threads so that a prolific account evens out.
            let chunk = (accounts.len() / (threads * 16)).max(64);
            pool.install(|| {
                accounts
                    .par_chunks(chunk)
                    .map(|accs| {
                        let mut part = Part {
                            keep_rows,
                            ..Part::default()
                        };
                        for a in accs {
                            part.account(corpus, matcher, opts, a, as_of_ms);
                        }
                        part
                    })
                    .collect()
            })
        }
        None => {
            let mut part = Part {
                keep_rows,
                ..Part::default()
            };
            for a in corpus.accounts() {
                part.account(corpus, matcher, opts, &a, as_of_ms);
            }
            vec![part]
        }
    };
    // The first part's rows are moved, not copied: on one thread that is every row, and a copy
    // would write all of them again into fresh memory.
    let total: usize = parts.iter().map(|p| p.rows.len()).sum();
    let mut post_rows = Vec::new();
    for p in parts {
        if report.rows.is_empty() {
            report.rows = p.rows;
            report.rows.reserve(total - report.rows.len());
            post_rows = p.post_rows;
        } else {
            report.rows.extend(p.rows);
            post_rows.extend(p.post_rows);
        }
        report.posts_scanned += p.posts_scanned;
        report.reposts_skipped += p.reposts_skipped;
        report.sensitive.texts += p.sensitive.texts;
        report.sensitive.terms += p.sensitive.terms;
        report.sensitive.posts_dropped += p.sensitive.posts_dropped;
    }
    (report, post_rows)
}

/// The rows and counts of some accounts, with the buffers their scan reuses.
#[derive(Default)]
struct Part {
    rows: Vec<SkillEvidence>,
    /// Whether to keep `post_rows`.
    keep_rows: bool,
    /// The evidence posts of each row, as corpus rows (with `keep_rows`).
    post_rows: Vec<Vec<u32>>,
    posts_scanned: u64,
    reposts_skipped: u64,
    sensitive: SensitiveExclusions,
    s: Scratch,
    // (skill, best confidence, via hashtag, via keyword)
    per_post: Vec<(u32, f64, bool, bool)>,
    accs: Vec<Acc>,
    /// Skill → its position in `accs` (`u32::MAX` when absent), reset after each account.
    slot: Vec<u32>,
    /// The evidence posts of the account's skills: (position in `accs`, weight, created ms, row),
    /// grouped by position into `ev_sorted` once the posts are read.
    ev: Vec<(u32, f64, i64, u32)>,
    ev_sorted: Vec<(f64, i64, u32)>,
    ev_start: Vec<u32>,
    ev_fill: Vec<u32>,
    repliers: HashSet<u32>,
}

impl Part {
    /// Author by author: the accumulators of one person stay in cache (a global (account, skill)
    /// map made evidence over 1M posts memory-bound).
    fn account(
        &mut self,
        corpus: &Corpus,
        matcher: &Matcher,
        opts: &EvidenceOptions,
        account: &AccountRef<'_>,
        as_of_ms: i64,
    ) {
        let half_life = opts.half_life_days;
        let indices = corpus.indices();
        let Part {
            rows,
            keep_rows,
            post_rows,
            posts_scanned,
            reposts_skipped,
            sensitive,
            s,
            per_post,
            accs,
            slot,
            ev,
            ev_sorted,
            ev_start,
            ev_fill,
            repliers,
        } = self;
        accs.clear();
        ev.clear();
        if slot.len() < matcher.num_skills() {
            slot.resize(matcher.num_skills(), u32::MAX);
        }
        let mut entry = |skill: u32, accs: &mut Vec<Acc>| -> usize {
            let s = &mut slot[skill as usize];
            if *s == u32::MAX {
                *s = accs.len() as u32;
                accs.push(Acc {
                    skill,
                    slot: *s,
                    first_ms: i64::MAX,
                    last_ms: i64::MIN,
                    ..Acc::default()
                });
            }
            *s as usize
        };
        for &row in indices.by_author(account.idx()) {
            let post = corpus.post(PostIdx(row));
            if post.is_repost() {
                *reposts_skipped += 1;
                continue;
            }
            *posts_scanned += 1;
            let text = nfkc(post.text());
            matcher.scan(&text, post.hashtags(), s);
            if s.sensitive_hits > 0 {
                sensitive.texts += 1;
                sensitive.terms += u64::from(s.sensitive_hits);
                if opts.exclude_sensitive_posts {
                    sensitive.posts_dropped += 1;
                    continue;
                }
            }
            if s.out.is_empty() {
                continue;
            }
            collapse(s, opts.min_confidence, per_post);
            let ms = post.created_ms();
            let w = decay((as_of_ms - ms) as f64, half_life);
            for &(skill, conf, via_tag, via_kw) in per_post.iter() {
                let i = entry(skill, accs);
                let a = &mut accs[i];
                a.strength += conf * w;
                a.posts += 1;
                a.counts.hashtag += u32::from(via_tag);
                a.counts.keyword += u32::from(via_kw);
                a.first_ms = a.first_ms.min(ms);
                a.last_ms = a.last_ms.max(ms);
                ev.push((i as u32, conf * w, ms, row));
            }
        }
        if opts.include_bio
            && let Some(bio) = account.bio()
        {
            let text = nfkc(bio);
            matcher.scan(&text, std::iter::empty(), s);
            if s.sensitive_hits > 0 {
                sensitive.texts += 1;
                sensitive.terms += u64::from(s.sensitive_hits);
            }
            collapse(s, opts.min_confidence, per_post);
            for &(skill, conf, _, _) in per_post.iter() {
                let i = entry(skill, accs);
                let a = &mut accs[i];
                a.strength += conf;
                a.counts.bio = 1;
            }
        }
        if !account.id().is_empty() {
            for list in corpus.lists_of(account.id(), crate::lists::ListRelation::Member) {
                let raw = list.text();
                let text = nfkc(&raw);
                matcher.scan(&text, std::iter::empty(), s);
                if s.sensitive_hits > 0 {
                    sensitive.texts += 1;
                    sensitive.terms += u64::from(s.sensitive_hits);
                }
                collapse(s, opts.min_confidence, per_post);
                for &(skill, conf, _, _) in per_post.iter() {
                    let i = entry(skill, accs);
                    let a = &mut accs[i];
                    a.counts.list += 1;
                    a.list_best = a.list_best.max(conf);
                    a.lists.push((conf, list.id.clone()));
                }
            }
            for a in accs.iter_mut() {
                a.strength += a.list_best;
            }
        }
        for a in accs.iter() {
            slot[a.skill as usize] = u32::MAX;
        }
        if accs.is_empty() {
            return;
        }
        // The evidence posts grouped by skill, each group in the order the posts were read.
        ev_start.clear();
        ev_start.resize(accs.len() + 1, 0);
        for e in ev.iter() {
            ev_start[e.0 as usize + 1] += 1;
        }
        for k in 1..ev_start.len() {
            ev_start[k] += ev_start[k - 1];
        }
        ev_sorted.clear();
        ev_sorted.resize(ev.len(), (0.0, 0, 0));
        ev_fill.clear();
        ev_fill.extend_from_slice(&ev_start[..accs.len()]);
        for &(k, w, ms, row) in ev.iter() {
            let f = &mut ev_fill[k as usize];
            ev_sorted[*f as usize] = (w, ms, row);
            *f += 1;
        }
        accs.sort_by(|a, b| {
            b.strength
                .total_cmp(&a.strength)
                .then(a.skill.cmp(&b.skill))
        });
        for a in accs.iter_mut() {
            let k = a.slot as usize;
            let a_ev = &mut ev_sorted[ev_start[k] as usize..ev_start[k + 1] as usize];
            // Peer validation: replies by others to the on-topic posts.
            let mut peer = PeerValidation::default();
            repliers.clear();
            for &(_, _, row) in a_ev.iter() {
                for &r in indices.replies_to(corpus, PostIdx(row)) {
                    let reply = corpus.post(PostIdx(r));
                    if reply.author_idx() == account.idx() || reply.is_repost() {
                        continue;
                    }
                    peer.replies += 1;
                    repliers.insert(reply.author_idx().0);
                    peer.strength += decay((as_of_ms - reply.created_ms()) as f64, half_life);
                }
            }
            peer.repliers = repliers.len() as u32;
            let keep = opts
                .max_evidence_posts
                .unwrap_or(usize::MAX)
                .min(a_ev.len());
            // best first: weight, then newest (rows are distinct: no two entries are equal)
            a_ev.sort_unstable_by(|x, y| {
                y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2))
            });
            let ts = |ms: i64| {
                (a.posts > 0)
                    .then(|| DateTime::from_timestamp_millis(ms))
                    .flatten()
            };
            a.lists
                .sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
            if *keep_rows {
                post_rows.push(a_ev[..keep].iter().map(|&(_, _, r)| r).collect());
            }
            rows.push(SkillEvidence {
                account_id: account.id().to_string(),
                handle: account.handle_or_id().to_string(),
                skill_id: matcher.skill_id(a.skill).to_string(),
                label: matcher.skill_label(a.skill).to_string(),
                strength: a.strength,
                posts: a.posts,
                counts: a.counts,
                peer,
                first_seen: ts(a.first_ms),
                last_seen: ts(a.last_ms),
                evidence_post_ids: a_ev[..keep]
                    .iter()
                    .map(|&(_, _, r)| corpus.post(PostIdx(r)).id().to_string())
                    .collect(),
                evidence_list_ids: std::mem::take(&mut a.lists)
                    .into_iter()
                    .map(|(_, id)| id)
                    .collect(),
            });
        }
    }
}

/// One entry per skill of a text: the best confidence, and whether a hashtag and a keyword showed it.
fn collapse(s: &Scratch, min_conf: f64, out: &mut Vec<(u32, f64, bool, bool)>) {
    out.clear();
    for m in &s.out {
        if m.confidence < min_conf {
            continue;
        }
        if let Some(e) = out.iter_mut().find(|e| e.0 == m.skill) {
            e.1 = e.1.max(m.confidence);
            e.2 |= m.hashtag;
            e.3 |= !m.hashtag;
        } else {
            out.push((m.skill, m.confidence, m.hashtag, !m.hashtag));
        }
    }
}
