//! Conversations: the reply tree of each conversation id, with its shape and who talked to whom.

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde::Serialize;

use crate::corpus::{AccountIdx, Corpus, PostIdx};

/// Why a node of a reply tree is where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    /// A post of the corpus under the post it replies to (or the root post itself).
    Ok,
    /// A post the corpus does not hold (deleted, protected, outside the window), standing in for the
    /// parent of the posts below it.
    Placeholder,
    /// A post whose parent is missing: it hangs under a placeholder.
    Orphan,
    /// A post placed in the conversation that replies to nothing in it (or closes a reply cycle in bad
    /// data): it hangs under the root.
    Detached,
}

/// One node of a reply tree.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationNode {
    /// The post id.
    pub id: String,
    /// The post, when the corpus holds it (`None` for a placeholder).
    pub post: Option<PostIdx>,
    /// The author, when known.
    pub author: Option<AccountIdx>,
    /// The parent node (`None` for the root).
    pub parent: Option<usize>,
    /// The child nodes, oldest first.
    pub children: Vec<usize>,
    /// Distance from the root (the root is 0).
    pub depth: usize,
    /// How the node was placed.
    pub status: NodeStatus,
}

/// The reply tree of one conversation and what it says about the people in it.
///
/// Missing parents never fail a tree: the orphan hangs under a placeholder for its parent, flagged.
///
/// ```
/// use rapport_core::{Corpus, Post, Conversation};
/// use chrono::{TimeZone, Utc, Duration};
/// let t0 = Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// let mut root = Post::new("1", "org", "We're hiring a #rust engineer", t0);
/// root.conversation_id = Some("1".into());
/// let mut reply = Post::new("2", "ada", "Is it remote?", t0 + Duration::minutes(30));
/// reply.conversation_id = Some("1".into());
/// reply.reply_to = Some("1".into());
/// let mut answer = Post::new("3", "org", "Yes!", t0 + Duration::minutes(45));
/// answer.conversation_id = Some("1".into());
/// answer.reply_to = Some("2".into());
/// for p in [root, reply, answer] { c.add_post(p); }
/// let conv = c.conversation("1").unwrap();
/// assert_eq!(conv.depth, 2);
/// assert_eq!(conv.two_way_pairs.len(), 1);
/// assert_eq!(conv.time_to_first_reply_ms, Some(30 * 60 * 1000));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    /// The conversation id (the root post's id).
    pub id: String,
    /// The nodes; `nodes[0]` is the root (a placeholder when the root post is missing).
    pub nodes: Vec<ConversationNode>,
    /// Number of posts of the corpus in it (placeholders not counted).
    pub num_posts: usize,
    /// The longest path from the root to a node, in edges.
    pub depth: usize,
    /// The most children of any node.
    pub breadth: usize,
    /// The distinct authors of its posts, in order of first post.
    pub participants: Vec<AccountIdx>,
    /// Turns: replies to a post by another account (a reply to oneself continues a turn).
    pub turns: usize,
    /// Directed pairs (a, b): a replied to a post of b. Sorted.
    pub reply_pairs: Vec<(AccountIdx, AccountIdx)>,
    /// Pairs {a, b} (a < b) where each replied to the other in this conversation. Sorted.
    pub two_way_pairs: Vec<(AccountIdx, AccountIdx)>,
    /// Milliseconds from the root post to the first reply by another account (root present only).
    pub time_to_first_reply_ms: Option<i64>,
    /// Number of placeholder nodes (missing posts).
    pub num_placeholders: usize,
    /// Number of orphan and detached posts.
    pub num_orphans: usize,
}

impl Conversation {
    /// Builds the tree of the conversation in slot `slot` of the corpus indices.
    pub(crate) fn build(c: &Corpus, slot: usize) -> Conversation {
        let ix = c.indices();
        let conv_key = c.conversation_key(slot);
        let rows = ix.conversation_rows(slot);

        let mut nodes: Vec<ConversationNode> = Vec::with_capacity(rows.len() + 1);
        let mut node_of_key: HashMap<u32, usize> = HashMap::with_capacity(rows.len() + 1);

        let root_row = c
            .key_row(conv_key)
            .filter(|&r| c.conversation_key_of(r) == conv_key);
        let real = |row: u32, status| {
            let p = c.post(PostIdx(row));
            ConversationNode {
                id: p.id().to_owned(),
                post: Some(PostIdx(row)),
                author: Some(p.author_idx()),
                parent: None,
                children: Vec::new(),
                depth: 0,
                status,
            }
        };
        let placeholder = |key: u32| ConversationNode {
            id: c.key_str(key).to_owned(),
            post: None,
            author: None,
            parent: None,
            children: Vec::new(),
            depth: 0,
            status: NodeStatus::Placeholder,
        };
        nodes.push(match root_row {
            Some(r) => real(r, NodeStatus::Ok),
            None => placeholder(conv_key),
        });
        node_of_key.insert(conv_key, 0);
        for &row in rows {
            let key = c.row_key(row);
            if key != conv_key {
                node_of_key.insert(key, nodes.len());
                nodes.push(real(row, NodeStatus::Ok));
            }
        }
        // Link every real non-root node to its parent, adding placeholders for missing parents.
        let real_count = nodes.len();
        for i in 1..real_count {
            let row = nodes[i].post.expect("real node").0;
            let parent = match c.reply_key(row) {
                None => {
                    nodes[i].status = NodeStatus::Detached;
                    0
                }
                Some(pk) => match node_of_key.get(&pk) {
                    Some(&p) => p,
                    None => {
                        nodes[i].status = NodeStatus::Orphan;
                        let p = nodes.len();
                        node_of_key.insert(pk, p);
                        let mut ph = placeholder(pk);
                        ph.parent = Some(0);
                        nodes.push(ph);
                        p
                    }
                },
            };
            if nodes[parent].post.is_none() && parent != 0 {
                nodes[i].status = NodeStatus::Orphan;
            }
            nodes[i].parent = Some(parent);
        }
        // Children lists, then depths by a walk from the root; whatever the walk cannot reach sits on a
        // reply cycle and is re-hung under the root.
        for i in 1..nodes.len() {
            let p = nodes[i].parent.unwrap_or(0);
            nodes[p].children.push(i);
        }
        let mut reached = vec![false; nodes.len()];
        let mut queue = VecDeque::from([0usize]);
        reached[0] = true;
        loop {
            while let Some(n) = queue.pop_front() {
                let d = nodes[n].depth;
                for k in 0..nodes[n].children.len() {
                    let ch = nodes[n].children[k];
                    if !reached[ch] {
                        reached[ch] = true;
                        nodes[ch].depth = d + 1;
                        queue.push_back(ch);
                    }
                }
            }
            let Some(lost) = (1..nodes.len()).find(|&i| !reached[i]) else {
                break;
            };
            if let Some(old) = nodes[lost].parent {
                nodes[old].children.retain(|&ch| ch != lost);
            }
            nodes[lost].parent = Some(0);
            nodes[lost].status = NodeStatus::Detached;
            nodes[0].children.push(lost);
            reached[lost] = true;
            nodes[lost].depth = 1;
            queue.push_back(lost);
        }

        let mut participants = Vec::new();
        let mut seen = BTreeSet::new();
        let mut reply_pairs = BTreeSet::new();
        let mut turns = 0;
        let mut first_reply: Option<i64> = None;
        let root_author = nodes[0].author;
        let root_ms = root_row.map(|r| c.post(PostIdx(r)).created_ms());
        let mut order: Vec<usize> = (0..real_count).collect();
        order.sort_by_key(|&i| nodes[i].post.map(|p| (c.post(p).created_ms(), p.0)));
        for &i in &order {
            let n = &nodes[i];
            let (Some(p), Some(a)) = (n.post, n.author) else {
                continue;
            };
            if seen.insert(a) {
                participants.push(a);
            }
            if i == 0 {
                continue;
            }
            let post = c.post(p);
            let to = n
                .parent
                .and_then(|pi| nodes[pi].author)
                .or_else(|| post.reply_to_account().map(|x| x.idx()));
            if let Some(to) = to
                && to != a
                && post.reply_to_id().is_some()
            {
                turns += 1;
                reply_pairs.insert((a, to));
            }
            if Some(a) != root_author
                && root_ms.is_some()
                && first_reply.is_none()
                && post.reply_to_id().is_some()
            {
                first_reply = Some(post.created_ms() - root_ms.unwrap_or_default());
            }
        }
        let two_way_pairs = reply_pairs
            .iter()
            .filter(|&&(a, b)| a < b && reply_pairs.contains(&(b, a)))
            .copied()
            .collect();
        Conversation {
            id: c.key_str(conv_key).to_owned(),
            num_posts: real_count - usize::from(root_row.is_none()),
            depth: nodes.iter().map(|n| n.depth).max().unwrap_or(0),
            breadth: nodes.iter().map(|n| n.children.len()).max().unwrap_or(0),
            num_placeholders: nodes
                .iter()
                .filter(|n| n.status == NodeStatus::Placeholder)
                .count(),
            num_orphans: nodes
                .iter()
                .filter(|n| matches!(n.status, NodeStatus::Orphan | NodeStatus::Detached))
                .count(),
            nodes,
            participants,
            turns,
            reply_pairs: reply_pairs.into_iter().collect(),
            two_way_pairs,
            time_to_first_reply_ms: first_reply,
        }
    }

    /// The root node.
    pub fn root(&self) -> &ConversationNode {
        &self.nodes[0]
    }

    /// Whether the root post itself is in the corpus.
    pub fn has_root(&self) -> bool {
        self.nodes[0].post.is_some()
    }

    /// The posts of the corpus in the tree (every one of them is in exactly one node).
    pub fn posts(&self) -> impl Iterator<Item = PostIdx> + '_ {
        self.nodes.iter().filter_map(|n| n.post)
    }
}

impl Corpus {
    /// Number of conversations: every post is placed in exactly one.
    pub fn num_conversations(&self) -> usize {
        self.indices().num_conversations()
    }

    /// The reply tree of one conversation id.
    pub fn conversation(&self, id: &str) -> Option<Conversation> {
        self.conversation_slot(id)
            .map(|slot| Conversation::build(self, slot))
    }

    /// Every conversation's reply tree, in order of their first post.
    pub fn conversations(&self) -> impl Iterator<Item = Conversation> + '_ {
        (0..self.num_conversations()).map(move |slot| Conversation::build(self, slot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Post;
    use chrono::{Duration, TimeZone, Utc};

    fn post(id: &str, author: &str, parent: Option<&str>, conv: &str, min: i64) -> Post {
        let mut p = Post::new(
            id,
            author,
            "text",
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(min),
        );
        p.reply_to = parent.map(Into::into);
        p.conversation_id = Some(conv.into());
        p
    }

    #[test]
    fn missing_root_and_missing_parent_become_placeholders() {
        let mut c = Corpus::new();
        c.add_post(post("2", "a", Some("1"), "1", 1)); // root 1 missing
        c.add_post(post("3", "b", Some("2"), "1", 2));
        c.add_post(post("5", "c", Some("4"), "1", 3)); // parent 4 missing
        c.add_post(post("6", "a", Some("5"), "1", 4));
        let conv = c.conversation("1").unwrap();
        assert!(!conv.has_root());
        assert_eq!(conv.num_posts, 4);
        assert_eq!(conv.posts().count(), 4);
        assert_eq!(conv.num_placeholders, 2);
        // 1(ph) -> 2 -> 3 ; 1(ph) -> 4(ph) -> 5 -> 6
        assert_eq!(conv.depth, 3);
        let n5 = conv.nodes.iter().find(|n| n.id == "5").unwrap();
        assert_eq!(n5.status, NodeStatus::Orphan);
        assert_eq!(conv.nodes[n5.parent.unwrap()].id, "4");
        assert_eq!(conv.time_to_first_reply_ms, None);
        // b replied to a, a replied to c: no two-way pair.
        assert_eq!(conv.reply_pairs.len(), 2);
        assert!(conv.two_way_pairs.is_empty());
    }

    #[test]
    fn breadth_turns_and_first_reply() {
        let mut c = Corpus::new();
        c.add_post(post("1", "org", None, "1", 0));
        c.add_post(post("2", "a", Some("1"), "1", 10));
        c.add_post(post("3", "b", Some("1"), "1", 20));
        c.add_post(post("4", "org", Some("1"), "1", 5)); // self-reply: not a turn, not a first reply
        c.add_post(post("5", "org", Some("2"), "1", 30));
        let conv = c.conversation("1").unwrap();
        assert_eq!(conv.breadth, 3);
        assert_eq!(conv.depth, 2);
        assert_eq!(conv.turns, 3);
        assert_eq!(conv.participants.len(), 3);
        assert_eq!(conv.time_to_first_reply_ms, Some(10 * 60_000));
        assert_eq!(conv.two_way_pairs.len(), 1);
    }
}
