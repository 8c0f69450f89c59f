//! The interaction list: who addressed whom, how and when, one row per (post, target account).
//!
//! Built once per corpus in one pass over the posts, as a struct of arrays so that later analyses (the
//! engagement of an organisation, the PageRank interaction graph) stream over a few flat `Vec`s.

use serde::{Deserialize, Serialize};

use crate::corpus::{AccountIdx, Corpus, PostIdx, PostRef};

/// How one account addressed another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum InteractionKind {
    /// A reply: author → author of the replied-to post (or the platform's reply-to account when the
    /// parent is missing).
    Reply = 0,
    /// A mention: author → each mentioned account, except in reposts and except the replied-to account.
    Mention = 1,
    /// A repost: author → author of the original (or the account of a leading `RT @x:` / the first
    /// mention when the original is missing).
    Repost = 2,
    /// A quote: author → author of the quoted post (dropped when the quoted post is not in the corpus).
    Quote = 3,
}

impl InteractionKind {
    /// All kinds, in their numeric order.
    pub const ALL: [InteractionKind; 4] = [
        InteractionKind::Reply,
        InteractionKind::Mention,
        InteractionKind::Repost,
        InteractionKind::Quote,
    ];

    /// The lower-case name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionKind::Reply => "reply",
            InteractionKind::Mention => "mention",
            InteractionKind::Repost => "repost",
            InteractionKind::Quote => "quote",
        }
    }

    /// Whether the kind amplifies the target (a quote or a repost).
    pub fn is_amplification(self) -> bool {
        matches!(self, InteractionKind::Repost | InteractionKind::Quote)
    }
}

/// One interaction, as read back from [`Interactions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Interaction {
    /// Who acted (the post's author).
    pub src: AccountIdx,
    /// Who was addressed.
    pub dst: AccountIdx,
    /// How.
    pub kind: InteractionKind,
    /// The post that carries the interaction.
    pub post: PostIdx,
    /// When (the post's time, milliseconds since the Unix epoch).
    pub at_ms: i64,
}

/// Every interaction of a corpus, as parallel columns (struct of arrays).
///
/// Row `i` is `src[i] → dst[i]` of kind `kind[i]`, carried by post row `post[i]` at `at_ms[i]`. Rows are
/// ordered by post row (the order posts were first added), and within a post: reply, mentions (in the
/// post's mention order), repost, quote. Account indices are canonical (merged accounts resolved) and
/// index dense arrays of length [`Corpus::account_capacity`]. Self-interactions are dropped.
///
/// Definitions (see `docs/engagement.md`):
/// - **reply**: author → author of the replied-to post; the post's reply-to account when the parent is
///   not in the corpus; nothing when neither is known.
/// - **mention**: for posts that are not reposts, author → each mentioned account, except the account
///   the post replies to.
/// - **repost**: author → author of the original; when the original is missing, the account named by a
///   leading `RT @x:` in the text, else the first mention.
/// - **quote**: author → author of the quoted post; dropped when the quoted post is not in the corpus.
///
/// ```
/// use rapport_core::{Account, Corpus, Post, Mention};
/// use rapport_core::engagement::{Interactions, InteractionKind};
/// use chrono::{TimeZone, Utc};
/// let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "acme"));
/// c.add_account(Account::new("2", "ada"));
/// c.add_post(Post::new("10", "1", "We are hiring", t));
/// let mut r = Post::new("11", "2", "@acme remote?", t);
/// r.reply_to = Some("10".into());
/// r.mentions = vec![Mention { id: Some("1".into()), handle: "acme".into() }];
/// c.add_post(r);
/// let ix = Interactions::build(&c);
/// // The mention of @acme is the replied-to account: only the reply counts.
/// assert_eq!(ix.len(), 1);
/// let i = ix.get(0);
/// assert_eq!(i.kind, InteractionKind::Reply);
/// assert_eq!(c.account(i.src).handle(), "ada");
/// assert_eq!(c.account(i.dst).handle(), "acme");
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct Interactions {
    /// The acting account of each row.
    pub src: Vec<AccountIdx>,
    /// The addressed account of each row.
    pub dst: Vec<AccountIdx>,
    /// The kind of each row.
    pub kind: Vec<InteractionKind>,
    /// The carrying post of each row.
    pub post: Vec<PostIdx>,
    /// The time of each row, milliseconds since the Unix epoch.
    pub at_ms: Vec<i64>,
}

impl Interactions {
    /// Builds the interaction list of a corpus in one pass over its posts.
    pub fn build(corpus: &Corpus) -> Interactions {
        let n = corpus.num_posts();
        // Most posts carry about one interaction; reserve for that to avoid regrowth.
        let mut out = Interactions::with_capacity(n + n / 2);
        for p in corpus.posts() {
            out.push_post(corpus, &p);
        }
        out
    }

    fn with_capacity(n: usize) -> Interactions {
        Interactions {
            src: Vec::with_capacity(n),
            dst: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            post: Vec::with_capacity(n),
            at_ms: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, src: AccountIdx, dst: AccountIdx, kind: InteractionKind, p: &PostRef<'_>) {
        if src == dst {
            return;
        }
        self.src.push(src);
        self.dst.push(dst);
        self.kind.push(kind);
        self.post.push(p.idx());
        self.at_ms.push(p.created_ms());
    }

    fn push_post(&mut self, corpus: &Corpus, p: &PostRef<'_>) {
        let author = p.author_idx();
        if p.is_repost() {
            let target = match p.reposted_post() {
                Some(orig) => Some(orig.author_idx()),
                None => repost_fallback(corpus, p),
            };
            if let Some(t) = target {
                self.push(author, t, InteractionKind::Repost, p);
            }
            return;
        }
        let replied = p.reply_to_account().map(|a| a.idx());
        if let Some(r) = replied {
            self.push(author, r, InteractionKind::Reply, p);
        }
        for m in p.mentions() {
            let m = m.idx();
            if Some(m) != replied {
                self.push(author, m, InteractionKind::Mention, p);
            }
        }
        if let Some(q) = p.quoted_post() {
            self.push(author, q.author_idx(), InteractionKind::Quote, p);
        }
    }

    /// Number of interactions.
    pub fn len(&self) -> usize {
        self.src.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    /// Row `i`. Panics when out of range.
    pub fn get(&self, i: usize) -> Interaction {
        Interaction {
            src: self.src[i],
            dst: self.dst[i],
            kind: self.kind[i],
            post: self.post[i],
            at_ms: self.at_ms[i],
        }
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Interaction> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// How many rows of each kind, indexed by `kind as usize`.
    pub fn count_by_kind(&self) -> [usize; 4] {
        let mut out = [0; 4];
        for &k in &self.kind {
            out[k as usize] += 1;
        }
        out
    }

    /// Heap bytes held by the columns.
    pub fn heap_bytes(&self) -> usize {
        self.src.capacity() * 4
            + self.dst.capacity() * 4
            + self.kind.capacity()
            + self.post.capacity() * 4
            + self.at_ms.capacity() * 8
    }
}

/// The reposted account when the original is missing: the `x` of a leading `RT @x:`, else the first
/// mention.
fn repost_fallback(corpus: &Corpus, p: &PostRef<'_>) -> Option<AccountIdx> {
    if let Some(rest) = p.text().trim_start().strip_prefix("RT @") {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0
            && rest[end..].starts_with(':')
            && let Some(a) = corpus.account_by_handle(&rest[..end])
        {
            return Some(a.idx());
        }
    }
    p.mentions().next().map(|a| a.idx())
}
