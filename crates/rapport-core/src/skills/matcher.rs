//! Matching hashtags and free text to skills.
//!
//! The matcher compiles a taxonomy into a token trie: every term (label, alias, keyword) becomes a
//! path of normalised word tokens, and every hashtag form a key of a hash map. Scanning a post is one
//! pass of the tokenizer plus, at each token, a walk down the trie as far as the words go: the longest
//! term wins and matches never overlap (leftmost-longest). Unknown words cost one hash lookup. This is
//! an Aho-Corasick automaton over words rather than bytes, which is what word-boundary matching needs
//! and why no automaton crate is used.

use hashbrown::{HashMap, HashSet};
use serde::Serialize;

use super::sensitive::SensitiveList;
use super::taxonomy::{SkillTag, Taxonomy, derives_hashtag};
use super::text::{
    RawToken, hashtag_form, nfkc, normalize_term, push_lower, split_hashtag, tokenize,
};

/// Confidence of a whole hashtag naming a skill (`#rustlang`).
pub const CONF_HASHTAG: f64 = 0.95;
/// Confidence of a keyword in text (`machine learning`).
pub const CONF_KEYWORD: f64 = 0.8;
/// Confidence of a term found inside a longer hashtag (`#LearningRust` → `rust`).
pub const CONF_HASHTAG_PART: f64 = 0.7;
/// Confidence of a context-needing keyword (`go`) when another skill is recognised in the same text.
pub const CONF_IN_CONTEXT: f64 = 0.6;

const COMMON_WORDS: &str = include_str!("../../data/common_words.txt");
const NONE: u32 = u32::MAX;

/// Where a match comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchSource {
    /// A hashtag of a post (whole, or a word inside it).
    Hashtag,
    /// Words of a post's text.
    Keyword,
    /// The account's profile bio.
    Bio,
}

/// One skill recognised in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillMatch {
    /// The skill's id.
    pub skill_id: String,
    /// The skill's label.
    pub label: String,
    /// Where it was found.
    pub source: MatchSource,
    /// The words as written (NFKC), e.g. `#MachineLearning` or `machine learning`.
    pub term: String,
    /// 0..=1: see the `CONF_*` constants; divided by the number of skills when a term names several.
    pub confidence: f64,
}

/// Why a term was not (or not only) taken as one skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ambiguity {
    /// A common word (`go`, `rust`, `swift`) with no other skill in the text: not counted.
    NeedsContext,
    /// The term names several skills: each is counted with its confidence divided among them.
    SeveralSkills,
}

/// A term that was ambiguous.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmbiguousTerm {
    /// The words as written.
    pub term: String,
    /// The skills it could mean.
    pub candidates: Vec<String>,
    /// Why it is ambiguous.
    pub reason: Ambiguity,
}

/// The outcome of matching one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatchResult {
    /// Skills recognised, in text order.
    pub matches: Vec<SkillMatch>,
    /// Terms that were ambiguous.
    pub ambiguous: Vec<AmbiguousTerm>,
    /// The sensitive categories hit (one entry per hit; never evidence).
    pub sensitive: Vec<String>,
}

impl MatchResult {
    /// The distinct skill ids matched, in order of first match.
    pub fn skill_ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in &self.matches {
            if !out.contains(&m.skill_id.as_str()) {
                out.push(&m.skill_id);
            }
        }
        out
    }
}

/// A taxonomy term dropped when the matcher was built because it is or contains a sensitive term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedTerm {
    /// The skill it belonged to.
    pub skill_id: String,
    /// The term (normalised; hashtags with `#`).
    pub term: String,
    /// The sensitive category.
    pub category: String,
}

/// What the matcher compiled.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MatcherReport {
    /// Distinct text terms (token sequences) in the trie, sensitive ones included.
    pub terms: usize,
    /// Distinct hashtag forms.
    pub hashtags: usize,
    /// Skill terms that need context (common words).
    pub context_terms: usize,
    /// Terms dropped as sensitive.
    pub excluded: Vec<ExcludedTerm>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Skill { skill: u32, context: bool },
    Sensitive { category: u32 },
}

#[derive(Debug, Clone)]
struct SkillInfo {
    id: String,
    label: String,
    live_terms: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HitKind {
    Hashtag,
    HashtagPart,
    Keyword,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    targets: u32,
    kind: HitKind,
    /// byte span in the NFKC text (for hashtags, including the `#`); for post hashtags not in
    /// the text, `start == usize::MAX` and `end` indexes the extra hashtag
    start: usize,
    end: usize,
}

/// A resolved match inside the hot loop: no strings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawMatch {
    pub(crate) skill: u32,
    pub(crate) hashtag: bool,
    pub(crate) confidence: f64,
}

/// Buffers reused across texts so that scanning allocates nothing in the steady state.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    toks: Vec<RawToken>,
    ids: Vec<u32>,
    brk: Vec<bool>,
    low: String,
    hits: Vec<Hit>,
    spans: Vec<(usize, usize)>,
    seen_tags: Vec<String>,
    n_seen: usize,
    confident: Vec<u32>,
    pub(crate) out: Vec<RawMatch>,
    out_hit: Vec<u32>,
    pub(crate) sensitive_hits: u32,
    ambiguous: Vec<(usize, Ambiguity)>,
}

/// A compiled taxonomy plus the sensitive-category filter, ready to scan text.
///
/// ```
/// use rapport_core::skills::{Matcher, MatchSource, Taxonomy};
/// let m = Matcher::new(&Taxonomy::builtin());
/// let r = m.match_text("Shipping #RustLang services on k8s 🚀");
/// assert_eq!(r.skill_ids(), ["rapport:rust", "rapport:kubernetes"]);
/// assert_eq!(r.matches[0].source, MatchSource::Hashtag);
/// assert_eq!(r.matches[0].term, "#RustLang");
/// assert_eq!(r.matches[1].source, MatchSource::Keyword);
/// ```
#[derive(Debug, Clone)]
pub struct Matcher {
    skills: Vec<SkillInfo>,
    id_index: HashMap<String, u32>,
    term_index: HashMap<String, u32>,
    vocab: HashMap<Box<str>, u32>,
    edges: HashMap<u64, u32>,
    terminal: Vec<u32>,
    outputs: Vec<Vec<Target>>,
    hashtags: HashMap<Box<str>, u32>,
    /// The longest word of `vocab`, in bytes: a longer ASCII word is no word of any term.
    max_word: usize,
    /// Whether every word of `vocab` is ASCII: a word with a character whose lower case is not
    /// ASCII is then no word of any term ([`lowers_to_ascii`]).
    ascii_vocab: bool,
    sensitive_names: Vec<String>,
    report: MatcherReport,
}

fn key(node: u32, tok: u32) -> u64 {
    (u64::from(node) << 32) | u64::from(tok)
}

impl Matcher {
    /// Compiles a taxonomy with the shipped sensitive list.
    pub fn new(taxonomy: &Taxonomy) -> Matcher {
        Matcher::with_sensitive(taxonomy, &SensitiveList::default())
    }

    /// Compiles a taxonomy with a given sensitive list.
    pub fn with_sensitive(taxonomy: &Taxonomy, sensitive: &SensitiveList) -> Matcher {
        let common: HashSet<&str> = COMMON_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let mut m = Matcher {
            skills: Vec::with_capacity(taxonomy.len()),
            id_index: HashMap::with_capacity(taxonomy.len()),
            term_index: HashMap::new(),
            vocab: HashMap::new(),
            edges: HashMap::new(),
            terminal: vec![NONE],
            outputs: Vec::new(),
            hashtags: HashMap::new(),
            max_word: 0,
            ascii_vocab: true,
            sensitive_names: Vec::new(),
            report: MatcherReport::default(),
        };
        // Sensitive terms first: they are consumed wherever they appear.
        let mut sensitive_seqs: Vec<(Vec<String>, u32)> = Vec::new();
        for (ci, c) in sensitive.categories().iter().enumerate() {
            let ci = ci as u32;
            m.sensitive_names.push(c.name.clone());
            for k in &c.keywords {
                let t = normalize_term(k);
                if t.is_empty() {
                    continue;
                }
                m.insert_term(&t, Target::Sensitive { category: ci });
                m.insert_hashtag(&hashtag_form(&t), Target::Sensitive { category: ci });
                sensitive_seqs.push((t.split(' ').map(str::to_string).collect(), ci));
            }
            for h in &c.hashtags {
                m.insert_hashtag(&hashtag_form(h), Target::Sensitive { category: ci });
            }
        }
        let sensitive_tags: HashMap<String, u32> = m
            .hashtags
            .iter()
            .filter_map(|(k, &o)| match m.outputs[o as usize].first() {
                Some(Target::Sensitive { category }) => Some((k.to_string(), *category)),
                _ => None,
            })
            .collect();
        for tag in taxonomy.skills() {
            m.add_skill(tag, &common, &sensitive_seqs, &sensitive_tags);
        }
        m.max_word = m.vocab.keys().map(|w| w.len()).max().unwrap_or(0);
        m.ascii_vocab = m.vocab.keys().all(|w| w.is_ascii());
        m.report.terms = m.terminal.iter().filter(|&&t| t != NONE).count();
        m.report.hashtags = m.hashtags.len();
        m
    }

    fn add_skill(
        &mut self,
        tag: &SkillTag,
        common: &HashSet<&str>,
        sensitive_seqs: &[(Vec<String>, u32)],
        sensitive_tags: &HashMap<String, u32>,
    ) {
        let si = self.skills.len() as u32;
        self.id_index.insert(tag.id.clone(), si);
        self.skills.push(SkillInfo {
            id: tag.id.clone(),
            label: tag.label.clone(),
            live_terms: 0,
        });
        let mut terms: Vec<(String, bool)> = tag
            .terms()
            .map(|t| (normalize_term(t), false))
            .chain(
                tag.context_keywords
                    .iter()
                    .map(|t| (normalize_term(t), true)),
            )
            .filter(|(t, _)| !t.is_empty())
            .collect();
        for (t, _) in terms.iter().take(1 + tag.aliases.len()) {
            self.term_index.entry(t.clone()).or_insert(si);
        }
        terms.sort();
        terms.dedup_by(|a, b| a.0 == b.0);
        let mut tags: Vec<String> = tag.hashtags.iter().map(|h| hashtag_form(h)).collect();
        for (t, ctx) in terms {
            if let Some(cat) = contains_sensitive(&t, sensitive_seqs) {
                self.report.excluded.push(ExcludedTerm {
                    skill_id: tag.id.clone(),
                    term: t,
                    category: self.sensitive_names[cat as usize].clone(),
                });
                continue;
            }
            let single = !t.contains(' ');
            let context = ctx
                || tag.requires_context
                || (single && (t.chars().count() == 1 || common.contains(t.as_str())));
            if derives_hashtag(&t) {
                tags.push(hashtag_form(&t));
            }
            if context {
                self.report.context_terms += 1;
            }
            if self.insert_term(&t, Target::Skill { skill: si, context }) {
                self.skills[si as usize].live_terms += 1;
            }
        }
        tags.retain(|t| !t.is_empty());
        tags.sort();
        tags.dedup();
        for h in tags {
            if let Some(&cat) = sensitive_tags.get(&h) {
                self.report.excluded.push(ExcludedTerm {
                    skill_id: tag.id.clone(),
                    term: format!("#{h}"),
                    category: self.sensitive_names[cat as usize].clone(),
                });
                continue;
            }
            if self.insert_hashtag(
                &h,
                Target::Skill {
                    skill: si,
                    context: false,
                },
            ) {
                self.skills[si as usize].live_terms += 1;
            }
        }
    }

    /// Adds a target to the output set; a sensitive target evicts skill targets. Returns whether a
    /// skill target is live there afterwards.
    fn push_target(outputs: &mut [Vec<Target>], o: usize, target: Target) -> bool {
        let set = &mut outputs[o];
        if set.iter().any(|t| matches!(t, Target::Sensitive { .. })) {
            return false;
        }
        match target {
            Target::Sensitive { .. } => {
                set.clear();
                set.push(target);
                false
            }
            Target::Skill { skill, context } => {
                if let Some(Target::Skill { context: c, .. }) = set
                    .iter_mut()
                    .find(|t| matches!(t, Target::Skill { skill: s, .. } if *s == skill))
                {
                    *c &= context;
                    false
                } else {
                    set.push(target);
                    true
                }
            }
        }
    }

    fn insert_term(&mut self, term: &str, target: Target) -> bool {
        let mut node = 0u32;
        for w in term.split(' ') {
            let n = self.vocab.len() as u32;
            let tok = *self.vocab.entry_ref(w).or_insert(n);
            let next = self.terminal.len() as u32;
            node = *self.edges.entry(key(node, tok)).or_insert(next);
            if node == next {
                self.terminal.push(NONE);
            }
        }
        if self.terminal[node as usize] == NONE {
            self.terminal[node as usize] = self.outputs.len() as u32;
            self.outputs.push(Vec::new());
        }
        let o = self.terminal[node as usize] as usize;
        Matcher::push_target(&mut self.outputs, o, target)
    }

    fn insert_hashtag(&mut self, form: &str, target: Target) -> bool {
        if form.is_empty() {
            return false;
        }
        let o = if let Some(&o) = self.hashtags.get(form) {
            o
        } else {
            let o = self.outputs.len() as u32;
            self.outputs.push(Vec::new());
            self.hashtags.insert(form.into(), o);
            o
        };
        Matcher::push_target(&mut self.outputs, o as usize, target)
    }

    /// What was compiled, and which taxonomy terms were dropped as sensitive.
    pub fn report(&self) -> &MatcherReport {
        &self.report
    }

    /// Number of skills.
    pub fn num_skills(&self) -> usize {
        self.skills.len()
    }

    /// The index of a skill id, a label or an alias (normalised).
    pub(crate) fn resolve(&self, query: &str) -> Option<u32> {
        let q = query.trim();
        if let Some(&i) = self
            .id_index
            .get(q)
            .or_else(|| self.term_index.get(&normalize_term(q)))
        {
            return Some(i);
        }
        let o = *self.hashtags.get(hashtag_form(q).as_str())?;
        self.outputs[o as usize].iter().find_map(|t| match t {
            Target::Skill { skill, .. } => Some(*skill),
            Target::Sensitive { .. } => None,
        })
    }

    /// Whether the skill with this id (or label) has at least one term that can match.
    pub fn can_match(&self, id_or_label: &str) -> bool {
        self.resolve(id_or_label)
            .is_some_and(|i| self.skills[i as usize].live_terms > 0)
    }

    pub(crate) fn skill_id(&self, i: u32) -> &str {
        &self.skills[i as usize].id
    }

    pub(crate) fn skill_label(&self, i: u32) -> &str {
        &self.skills[i as usize].label
    }

    /// Matches a post's text; its `#hashtags` are read from the text.
    ///
    /// ```
    /// use rapport_core::skills::{Matcher, Taxonomy, Ambiguity};
    /// let m = Matcher::new(&Taxonomy::builtin());
    /// // a bare "go" is a common verb: no other skill nearby, so it is reported, not counted
    /// let r = m.match_text("Let's go to the beach");
    /// assert!(r.matches.is_empty());
    /// assert_eq!(r.ambiguous[0].reason, Ambiguity::NeedsContext);
    /// // with another tech term it counts; as a hashtag it always counts
    /// assert_eq!(m.match_text("rewrote it in go, deployed on kubernetes").skill_ids(), ["rapport:go", "rapport:kubernetes"]);
    /// assert_eq!(m.match_text("#go").skill_ids(), ["rapport:go"]);
    /// ```
    pub fn match_text(&self, text: &str) -> MatchResult {
        self.match_post(text, std::iter::empty::<&str>())
    }

    /// Matches a profile bio: like [`Matcher::match_text`], with source [`MatchSource::Bio`].
    pub fn match_bio(&self, bio: &str) -> MatchResult {
        let mut r = self.match_text(bio);
        for m in &mut r.matches {
            m.source = MatchSource::Bio;
        }
        r
    }

    /// Matches a post: its text, plus hashtags that the platform reported but the text lacks.
    pub fn match_post<'a>(
        &self,
        text: &str,
        hashtags: impl IntoIterator<Item = &'a str>,
    ) -> MatchResult {
        let extra: Vec<&str> = hashtags.into_iter().collect();
        let mut s = Scratch::default();
        let norm = nfkc(text);
        self.scan(&norm, extra.iter().copied(), &mut s);
        let mut r = MatchResult::default();
        let written = |h: &Hit| -> String {
            if h.start == usize::MAX {
                format!("#{}", extra[h.end])
            } else {
                norm[h.start..h.end].to_string()
            }
        };
        for h in &s.hits {
            if let Some(Target::Sensitive { category }) = self.outputs[h.targets as usize].first() {
                r.sensitive
                    .push(self.sensitive_names[*category as usize].clone());
            }
        }
        for (m, &hi) in s.out.iter().zip(&s.out_hit) {
            let info = &self.skills[m.skill as usize];
            r.matches.push(SkillMatch {
                skill_id: info.id.clone(),
                label: info.label.clone(),
                source: if m.hashtag {
                    MatchSource::Hashtag
                } else {
                    MatchSource::Keyword
                },
                term: written(&s.hits[hi as usize]),
                confidence: m.confidence,
            });
        }
        for &(hi, reason) in &s.ambiguous {
            let h = &s.hits[hi];
            let candidates = self.outputs[h.targets as usize]
                .iter()
                .filter_map(|t| match t {
                    Target::Skill { skill, .. } => Some(self.skills[*skill as usize].id.clone()),
                    Target::Sensitive { .. } => None,
                })
                .collect();
            r.ambiguous.push(AmbiguousTerm {
                term: written(h),
                candidates,
                reason,
            });
        }
        r
    }

    /// Scans NFKC text (and extra normalised hashtags) into `s.hits`, then resolves them into
    /// `s.out` (skill matches), `s.ambiguous` and `s.sensitive_hits`.
    pub(crate) fn scan<'a>(
        &self,
        norm: &str,
        extra: impl Iterator<Item = &'a str>,
        s: &mut Scratch,
    ) {
        s.hits.clear();
        s.out.clear();
        s.out_hit.clear();
        s.ambiguous.clear();
        s.n_seen = 0;
        s.sensitive_hits = 0;
        s.ids.clear();
        s.brk.clear();
        s.spans.clear();
        let mut toks = std::mem::take(&mut s.toks);
        tokenize(norm, &mut toks);
        for t in &toks {
            if !t.hashtag {
                let id = self.word_id(&norm[t.start..t.end], &mut s.low);
                s.ids.push(id);
                s.brk.push(t.brk);
                s.spans.push((t.start, t.end));
                continue;
            }
            self.flush_run(s);
            let body = &norm[t.start..t.end];
            let span = (t.start - 1, t.end);
            s.low.clear();
            push_lower(body, &mut s.low);
            if s.n_seen < s.seen_tags.len() {
                s.seen_tags[s.n_seen].clear();
                s.seen_tags[s.n_seen].push_str(&s.low);
            } else {
                s.seen_tags.push(s.low.clone());
            }
            s.n_seen += 1;
            s.low.retain(|c| c != '_');
            if let Some(&o) = self.hashtags.get(s.low.as_str()) {
                s.hits.push(Hit {
                    targets: o,
                    kind: HitKind::Hashtag,
                    start: span.0,
                    end: span.1,
                });
            } else {
                for part in split_hashtag(body) {
                    let id = self.word_id(part, &mut s.low);
                    s.ids.push(id);
                    s.brk.push(false);
                    s.spans.push(span);
                }
                self.scan_run(s, HitKind::HashtagPart);
            }
        }
        self.flush_run(s);
        s.toks = toks;
        for (i, tag) in extra.enumerate() {
            let tag = tag.trim_start_matches('#');
            if s.seen_tags[..s.n_seen].iter().any(|t| t == tag) {
                continue;
            }
            s.low.clear();
            s.low.push_str(tag);
            s.low.retain(|c| c != '_');
            if let Some(&o) = self.hashtags.get(s.low.as_str()) {
                s.hits.push(Hit {
                    targets: o,
                    kind: HitKind::Hashtag,
                    start: usize::MAX,
                    end: i,
                });
            } else {
                for part in tag.split('_').filter(|p| !p.is_empty()) {
                    s.ids.push(self.vocab.get(part).copied().unwrap_or(NONE));
                    s.brk.push(false);
                    s.spans.push((usize::MAX, i));
                }
                self.scan_run(s, HitKind::HashtagPart);
            }
        }
        self.resolve_hits(s);
    }

    /// The vocabulary id of a word in lower case (`NONE` when no term has it). A word already in
    /// lower-case ASCII is looked up as it is, and one longer than every word of the vocabulary not
    /// at all; others are lowered into `low` first.
    fn word_id(&self, word: &str, low: &mut String) -> u32 {
        let b = word.as_bytes();
        if b.is_ascii() {
            if b.len() > self.max_word {
                return NONE;
            }
            if !b.iter().any(u8::is_ascii_uppercase) {
                return self.vocab.get(word).copied().unwrap_or(NONE);
            }
        } else if self.ascii_vocab && !word.chars().all(lowers_to_ascii) {
            return NONE;
        }
        low.clear();
        push_lower(word, low);
        self.vocab.get(low.as_str()).copied().unwrap_or(NONE)
    }

    fn flush_run(&self, s: &mut Scratch) {
        if !s.ids.is_empty() {
            self.scan_run(s, HitKind::Keyword);
        }
    }

    /// Leftmost-longest matching over the token ids in `s.ids`, then clears them.
    #[allow(clippy::many_single_char_names)] // i, j, n, e, t: the textbook names of the scan
    fn scan_run(&self, s: &mut Scratch, kind: HitKind) {
        let n = s.ids.len();
        let mut i = 0;
        while i < n {
            if s.ids[i] == NONE {
                i += 1;
                continue;
            }
            let mut node = 0u32;
            let mut best: Option<(usize, u32)> = None;
            let mut j = i;
            while j < n {
                if (j > i && s.brk[j]) || s.ids[j] == NONE {
                    break;
                }
                match self.edges.get(&key(node, s.ids[j])) {
                    Some(&c) => node = c,
                    None => break,
                }
                let t = self.terminal[node as usize];
                if t != NONE {
                    best = Some((j + 1, t));
                }
                j += 1;
            }
            if let Some((e, t)) = best {
                let (start, end) = if s.spans[i].0 == usize::MAX || kind == HitKind::HashtagPart {
                    s.spans[i]
                } else {
                    (s.spans[i].0, s.spans[e - 1].1)
                };
                s.hits.push(Hit {
                    targets: t,
                    kind,
                    start,
                    end,
                });
                i = e;
            } else {
                i += 1;
            }
        }
        s.ids.clear();
        s.brk.clear();
        s.spans.clear();
    }

    fn resolve_hits(&self, s: &mut Scratch) {
        let mut confident = std::mem::take(&mut s.confident);
        confident.clear();
        for h in &s.hits {
            for t in &self.outputs[h.targets as usize] {
                match *t {
                    Target::Sensitive { .. } => s.sensitive_hits += 1,
                    Target::Skill { skill, context } => {
                        if (!context || h.kind == HitKind::Hashtag) && !confident.contains(&skill) {
                            confident.push(skill);
                        }
                    }
                }
            }
        }
        for (hi, h) in s.hits.iter().enumerate() {
            let set = &self.outputs[h.targets as usize];
            let n = set
                .iter()
                .filter(|t| matches!(t, Target::Skill { .. }))
                .count();
            if n == 0 {
                continue;
            }
            let base = match h.kind {
                HitKind::Hashtag => CONF_HASHTAG,
                HitKind::HashtagPart => CONF_HASHTAG_PART,
                HitKind::Keyword => CONF_KEYWORD,
            };
            let mut needs = false;
            for t in set {
                let Target::Skill { skill, context } = *t else {
                    continue;
                };
                let conf = if context && h.kind != HitKind::Hashtag {
                    if confident.iter().any(|&c| c != skill) {
                        CONF_IN_CONTEXT
                    } else {
                        needs = true;
                        continue;
                    }
                } else {
                    base
                };
                s.out.push(RawMatch {
                    skill,
                    hashtag: h.kind != HitKind::Keyword,
                    confidence: conf / n as f64,
                });
                s.out_hit.push(hi as u32);
            }
            if needs {
                s.ambiguous.push((hi, Ambiguity::NeedsContext));
            } else if n > 1 {
                s.ambiguous.push((hi, Ambiguity::SeveralSkills));
            }
        }
        s.confident = confident;
    }
}

/// Whether the lower case of `c` is ASCII: ASCII itself and the Kelvin sign (a test checks every
/// character against the Unicode case tables).
fn lowers_to_ascii(c: char) -> bool {
    c.is_ascii() || c == '\u{212A}'
}

/// Whether a normalised term contains a sensitive term as a run of whole words.
fn contains_sensitive(term: &str, seqs: &[(Vec<String>, u32)]) -> Option<u32> {
    let words: Vec<&str> = term.split(' ').collect();
    for (seq, cat) in seqs {
        if seq.len() <= words.len()
            && words
                .windows(seq.len())
                .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
        {
            return Some(*cat);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ascii_and_the_kelvin_sign_lower_to_ascii() {
        for c in (0..=0x0010_FFFF).filter_map(char::from_u32) {
            assert_eq!(
                lowers_to_ascii(c),
                c.to_lowercase().all(|l| l.is_ascii()),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn non_ascii_words_are_looked_up_as_before() {
        let m = Matcher::new(&Taxonomy::builtin());
        assert!(m.ascii_vocab);
        let mut low = String::new();
        for w in [
            "Rust",
            "\u{212A}8s",
            "Ｒust",
            "Ρust",
            "données",
            "k8s",
            "PYTHON",
            "İ",
            "ß",
        ] {
            low.clear();
            push_lower(w, &mut low);
            let want = m.vocab.get(low.as_str()).copied().unwrap_or(NONE);
            assert_eq!(m.word_id(w, &mut String::new()), want, "{w}");
        }
        assert_ne!(m.word_id("\u{212A}8s", &mut low), NONE);
    }
}
