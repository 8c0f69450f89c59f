//! The lookup structures of a corpus ([`Indices`]), built on first use: posts by author, hashtag and
//! time, replies, quotes and reposts of a post, and the conversation every post is placed in.

use super::columns::Columns;
use super::{AccountIdx, Corpus, NONE, PostIdx, TagIdx};

/// A compressed-sparse-row map from a dense key to a list of rows.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    values: Vec<u32>,
}

impl Csr {
    /// Builds from (key, value) pairs; each key's values keep the order of the pairs.
    pub fn from_pairs(num_keys: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut counts = vec![0u32; num_keys + 1];
        for &(k, _) in pairs {
            counts[k as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut values = vec![0u32; pairs.len()];
        for &(k, v) in pairs {
            let slot = &mut fill[k as usize];
            values[*slot as usize] = v;
            *slot += 1;
        }
        Csr {
            offsets: counts,
            values,
        }
    }

    /// The values of a key (empty for an unknown key).
    pub fn get(&self, key: usize) -> &[u32] {
        if key + 1 >= self.offsets.len() {
            return &[];
        }
        &self.values[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }

    /// Number of keys.
    pub fn num_keys(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}

/// Lookup structures over a corpus, built once on first use and dropped on the next change.
#[derive(Debug)]
pub struct Indices {
    pub(super) by_author: Csr,
    pub(super) by_tag: Csr,
    /// Post rows sorted by time (ties by row).
    pub(super) by_time: Vec<u32>,
    /// Post key → rows that reply to it.
    pub(super) replies: Csr,
    /// Post key → rows that quote it.
    pub(super) quotes: Csr,
    /// Post key → rows that repost it.
    pub(super) reposts: Csr,
    /// Row → the post key of the conversation it is placed in.
    pub(super) conversation_of: Vec<u32>,
    /// Conversation keys in order of first appearance, and their rows.
    pub(super) conversation_keys: Vec<u32>,
    pub(super) conversation_rows: Csr,
    pub(super) slot_of_key: hashbrown::HashMap<u32, u32>,
}

impl Indices {
    pub(super) fn build(c: &Corpus) -> Indices {
        let s = &c.s;
        let n = s.row_key.len();
        let nkeys = s.post_keys.len();

        let mut by_time: Vec<u32> = (0..n as u32).collect();
        by_time.sort_by_key(|&r| (s.created_ms[r as usize], r));

        let mut author_pairs = Vec::with_capacity(n);
        let mut tag_pairs = Vec::new();
        for &r in &by_time {
            author_pairs.push((c.canonical(s.author[r as usize]), r));
            for &t in s.hashtags.get(r) {
                tag_pairs.push((t, r));
            }
        }
        let by_author = Csr::from_pairs(s.accounts.len(), &author_pairs);
        let by_tag = Csr::from_pairs(s.tags.len(), &tag_pairs);

        let refs = |col: &Vec<u32>| {
            let pairs: Vec<(u32, u32)> = by_time
                .iter()
                .filter(|&&r| col[r as usize] != NONE)
                .map(|&r| (col[r as usize], r))
                .collect();
            Csr::from_pairs(nkeys, &pairs)
        };
        let replies = refs(&s.reply_to);
        let quotes = refs(&s.quoted);
        let reposts = refs(&s.reposted);

        let conversation_of = effective_conversations(s);
        let mut slot_of_key: hashbrown::HashMap<u32, u32> = hashbrown::HashMap::new();
        let mut conversation_keys = Vec::new();
        let mut conv_pairs = Vec::with_capacity(n);
        for &r in &by_time {
            let k = conversation_of[r as usize];
            let slot = *slot_of_key.entry(k).or_insert_with(|| {
                conversation_keys.push(k);
                (conversation_keys.len() - 1) as u32
            });
            conv_pairs.push((slot, r));
        }
        let conversation_rows = Csr::from_pairs(conversation_keys.len(), &conv_pairs);
        Indices {
            by_author,
            by_tag,
            by_time,
            replies,
            quotes,
            reposts,
            conversation_of,
            conversation_keys,
            conversation_rows,
            slot_of_key,
        }
    }

    /// Rows written by an account, oldest first.
    pub fn by_author(&self, a: AccountIdx) -> &[u32] {
        self.by_author.get(a.index())
    }

    /// Rows using a hashtag, oldest first.
    pub fn by_tag(&self, t: TagIdx) -> &[u32] {
        self.by_tag.get(t.0 as usize)
    }

    /// Every row, oldest first.
    pub fn by_time(&self) -> &[u32] {
        &self.by_time
    }

    /// Rows replying to the post `p`, oldest first.
    pub fn replies_to(&self, c: &Corpus, p: PostIdx) -> &[u32] {
        self.replies.get(c.s.row_key[p.index()] as usize)
    }

    /// Rows quoting the post `p`, oldest first.
    pub fn quotes_of(&self, c: &Corpus, p: PostIdx) -> &[u32] {
        self.quotes.get(c.s.row_key[p.index()] as usize)
    }

    /// Rows reposting the post `p`, oldest first.
    pub fn reposts_of(&self, c: &Corpus, p: PostIdx) -> &[u32] {
        self.reposts.get(c.s.row_key[p.index()] as usize)
    }

    /// Number of conversations (every post is in exactly one).
    pub fn num_conversations(&self) -> usize {
        self.conversation_keys.len()
    }

    /// The conversation id of conversation `i` (in order of first post).
    pub fn conversation_id<'c>(&self, c: &'c Corpus, i: usize) -> &'c str {
        c.s.post_keys.resolve(self.conversation_keys[i])
    }

    /// Rows of conversation `i`, oldest first.
    pub fn conversation_rows(&self, i: usize) -> &[u32] {
        self.conversation_rows.get(i)
    }

    /// The conversation id a post is placed in: the platform's, else the root of its reply chain
    /// within the corpus, else the missing parent it replies to, else its own id.
    pub fn conversation_of<'c>(&self, c: &'c Corpus, p: PostIdx) -> &'c str {
        c.s.post_keys.resolve(self.conversation_of[p.index()])
    }
}

/// Places every row in a conversation (a post key), following reply chains for posts that came without
/// a conversation id (archives have none). Cycles in bad data end the walk.
fn effective_conversations(s: &Columns) -> Vec<u32> {
    let n = s.row_key.len();
    let mut out = vec![NONE; n];
    let mut seen_in_walk = vec![0u32; n];
    let mut chain = Vec::new();
    for start in 0..n {
        if out[start] != NONE {
            continue;
        }
        chain.clear();
        let stamp = start as u32 + 1;
        let mut r = start;
        let conv = loop {
            if out[r] != NONE {
                break out[r];
            }
            if s.conversation[r] != NONE {
                break s.conversation[r];
            }
            chain.push(r);
            seen_in_walk[r] = stamp;
            let parent = s.reply_to[r];
            if parent == NONE {
                break s.row_key[r];
            }
            let prow = s.key_row[parent as usize];
            if prow == NONE {
                break parent;
            }
            if seen_in_walk[prow as usize] == stamp {
                // A reply cycle in bad data: the post where it closes is taken as the root.
                break s.row_key[r];
            }
            r = prow as usize;
        };
        for &c in &chain {
            out[c] = conv;
        }
        if out[start] == NONE {
            out[start] = conv;
        }
    }
    out
}
