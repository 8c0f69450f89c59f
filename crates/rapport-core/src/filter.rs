//! Cutting a corpus down: a time window, some accounts, some hashtags.
//!
//! Analysts narrow a big collection before they look at it ("the last quarter", "what our careers
//! account and these three people wrote", "posts tagged #hiring"). [`Corpus::filter`] returns a new,
//! smaller corpus; the original is untouched. Conversations in the result are rebuilt from the posts
//! kept, so a reply whose parent was cut away hangs under a placeholder like any missing parent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::corpus::{AccountIdx, Corpus};
use crate::model::normalize_hashtag;

/// Which posts to keep. Every condition given must hold; a condition left `None` keeps everything.
///
/// ```
/// use rapport_core::{Account, Corpus, Post, filter::Filter};
/// use chrono::{TimeZone, Utc};
/// let t = |d| Utc.with_ymd_and_hms(2024, 5, d, 9, 0, 0).unwrap();
/// let mut c = Corpus::new();
/// c.add_account(Account::new("1", "acme"));
/// c.add_account(Account::new("2", "ada"));
/// let mut p = Post::new("10", "1", "#Hiring now", t(1));
/// p.hashtags = vec!["Hiring".into()];
/// c.add_post(p);
/// c.add_post(Post::new("11", "2", "hello", t(2)));
/// c.add_post(Post::new("12", "2", "later", t(9)));
///
/// let f = Filter { until: Some(t(5)), ..Filter::default() };
/// assert_eq!(c.filter(&f).num_posts(), 2);
/// let f = Filter { accounts: Some(vec!["@ADA".into()]), ..Filter::default() };
/// assert_eq!(c.filter(&f).num_posts(), 2);
/// let f = Filter { hashtags: Some(vec!["#hiring".into()]), ..Filter::default() };
/// assert_eq!(c.filter(&f).post_by_id("10").unwrap().text(), "#Hiring now");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Keep posts created at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Keep posts created strictly before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Keep posts written by one of these accounts (handles with or without `@`, or ids).
    pub accounts: Option<Vec<String>>,
    /// Keep posts carrying at least one of these hashtags (with or without `#`, any case).
    pub hashtags: Option<Vec<String>>,
}

impl Filter {
    /// The entries of `accounts` that match no account of `corpus` (to report a typo instead of
    /// silently returning nothing).
    pub fn unknown_accounts(&self, corpus: &Corpus) -> Vec<String> {
        self.accounts
            .iter()
            .flatten()
            .filter(|a| corpus.find_account(a).is_none())
            .cloned()
            .collect()
    }
}

impl Corpus {
    /// A new corpus with the posts that pass `filter`, their authors, and the accounts they reply to
    /// or mention (so handles still resolve). Accounts that wrote nothing kept are dropped.
    pub fn filter(&self, filter: &Filter) -> Corpus {
        let since = filter.since.map(|t| t.timestamp_millis());
        let until = filter.until.map(|t| t.timestamp_millis());
        let authors: Option<Vec<AccountIdx>> = filter.accounts.as_ref().map(|names| {
            let mut v: Vec<AccountIdx> = names
                .iter()
                .filter_map(|n| self.find_account(n).map(|a| a.idx()))
                .collect();
            v.sort_unstable();
            v
        });
        let tags: Option<Vec<String>> = filter
            .hashtags
            .as_ref()
            .map(|t| t.iter().map(|h| normalize_hashtag(h)).collect());

        let mut keep_account = vec![false; self.account_capacity()];
        let mut posts = Vec::new();
        for p in self.posts() {
            let ms = p.created_ms();
            if since.is_some_and(|s| ms < s) || until.is_some_and(|u| ms >= u) {
                continue;
            }
            if let Some(a) = &authors
                && a.binary_search(&p.author_idx()).is_err()
            {
                continue;
            }
            if let Some(t) = &tags
                && !p.hashtags().any(|h| t.iter().any(|x| x == h))
            {
                continue;
            }
            keep_account[p.author_idx().index()] = true;
            if let Some(a) = p.reply_to_account() {
                keep_account[a.idx().index()] = true;
            }
            for m in p.mentions() {
                keep_account[m.idx().index()] = true;
            }
            posts.push(p.to_post());
        }
        let accounts = self
            .accounts()
            .filter(|a| keep_account.get(a.idx().index()).copied().unwrap_or(false))
            .map(|a| a.to_account());
        Corpus::from_parts(accounts, posts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Account, Post};
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
    }

    /// acme (1) posts a job on day 0 (#hiring #rust) and day 10 (#hiring); ada (2) replies on day 1
    /// mentioning @acme; bob (3) posts #rust on day 20; carl (4) wrote nothing.
    fn corpus() -> Corpus {
        let mut c = Corpus::new();
        for (id, h) in [("1", "acme"), ("2", "ada"), ("3", "bob"), ("4", "carl")] {
            c.add_account(Account::new(id, h));
        }
        let mut job = Post::new("100", "1", "job #hiring #rust", t0());
        job.hashtags = vec!["hiring".into(), "Rust".into()];
        job.conversation_id = Some("100".into());
        let mut reply = Post::new("101", "2", "@acme remote?", t0() + Duration::days(1));
        reply.reply_to = Some("100".into());
        reply.reply_to_account = Some("1".into());
        reply.conversation_id = Some("100".into());
        reply.mentions = vec![crate::Mention {
            id: Some("1".into()),
            handle: "acme".into(),
        }];
        let mut job2 = Post::new("102", "1", "job #hiring", t0() + Duration::days(10));
        job2.hashtags = vec!["HIRING".into()];
        let mut rust = Post::new("103", "3", "#rust rocks", t0() + Duration::days(20));
        rust.hashtags = vec!["rust".into()];
        for p in [job, reply, job2, rust] {
            c.add_post(p);
        }
        c
    }

    fn ids(c: &Corpus) -> Vec<&str> {
        let mut v: Vec<&str> = c.posts().map(|p| p.id()).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn empty_filter_keeps_every_post_and_drops_silent_accounts() {
        let c = corpus();
        let f = c.filter(&Filter::default());
        assert_eq!(ids(&f), ["100", "101", "102", "103"]);
        // carl wrote nothing and is mentioned nowhere
        assert!(f.account_by_handle("carl").is_none());
        assert_eq!(f.num_accounts(), 3);
    }

    #[test]
    fn time_window_is_half_open() {
        let c = corpus();
        let f = Filter {
            since: Some(t0() + Duration::days(1)),
            until: Some(t0() + Duration::days(20)),
            ..Filter::default()
        };
        // day 1 kept (since is inclusive), day 20 cut (until is exclusive)
        assert_eq!(ids(&c.filter(&f)), ["101", "102"]);
    }

    #[test]
    fn by_account_keeps_replied_to_accounts_and_rebuilds_trees() {
        let c = corpus();
        let f = Filter {
            accounts: Some(vec!["@Ada".into()]),
            ..Filter::default()
        };
        let out = c.filter(&f);
        assert_eq!(ids(&out), ["101"]);
        // acme stays as the replied-to and mentioned account; the root post is gone, so the reply
        // hangs under a placeholder
        assert!(out.account_by_handle("acme").is_some());
        let conv = out.conversation("100").unwrap();
        assert_eq!(conv.num_posts, 1);
        assert_eq!(conv.num_placeholders, 1);
    }

    #[test]
    fn by_hashtag_is_normalised_and_any_of() {
        let c = corpus();
        let f = Filter {
            hashtags: Some(vec!["#RUST".into()]),
            ..Filter::default()
        };
        assert_eq!(ids(&c.filter(&f)), ["100", "103"]);
        let f = Filter {
            hashtags: Some(vec!["hiring".into(), "nothing".into()]),
            accounts: Some(vec!["1".into()]),
            ..Filter::default()
        };
        assert_eq!(ids(&c.filter(&f)), ["100", "102"]);
    }

    #[test]
    fn unknown_accounts_are_reported() {
        let c = corpus();
        let f = Filter {
            accounts: Some(vec!["ada".into(), "@nobody".into()]),
            ..Filter::default()
        };
        assert_eq!(f.unknown_accounts(&c), ["@nobody"]);
    }
}
