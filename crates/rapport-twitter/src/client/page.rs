//! One response page as the client returns it: the decoded body, the raw JSON exactly as received
//! (for twarc2 JSONL), the rate-limit headers and where and when it was fetched.

use chrono::{DateTime, SecondsFormat, Utc};
use rapport_core::Corpus;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ratelimit::RateLimitInfo;
use crate::convert::{ConvertStats, add_response, add_users_response};
use crate::models::{
    CountBucket, CountsResponse, ListsResponse, Problem, Tweet, TweetsResponse, User,
    UsersResponse, XList,
};

/// A decoded response body that pages: the item type, the token of the next page, the partial
/// errors, and how its contents land in a [`Corpus`].
pub trait PageBody:
    DeserializeOwned + Serialize + Clone + Send + Sync + std::fmt::Debug + 'static
{
    /// What `data` holds.
    type Item: Clone + Send + Sync + std::fmt::Debug + 'static;
    /// The items on this page.
    fn items(&self) -> &[Self::Item];
    /// The token of the next page; `None` on the last page.
    fn next_token(&self) -> Option<&str>;
    /// Partial errors (`errors[]` next to `data`).
    fn partial_errors(&self) -> &[Problem];
    /// Adds the page's posts and accounts to a corpus.
    fn add_to(&self, corpus: &mut Corpus) -> ConvertStats;
}

impl PageBody for TweetsResponse {
    type Item = Tweet;
    fn items(&self) -> &[Tweet] {
        TweetsResponse::items(self)
    }
    fn next_token(&self) -> Option<&str> {
        TweetsResponse::next_token(self)
    }
    fn partial_errors(&self) -> &[Problem] {
        &self.errors
    }
    fn add_to(&self, corpus: &mut Corpus) -> ConvertStats {
        add_response(corpus, self)
    }
}

impl PageBody for UsersResponse {
    type Item = User;
    fn items(&self) -> &[User] {
        UsersResponse::items(self)
    }
    fn next_token(&self) -> Option<&str> {
        UsersResponse::next_token(self)
    }
    fn partial_errors(&self) -> &[Problem] {
        &self.errors
    }
    fn add_to(&self, corpus: &mut Corpus) -> ConvertStats {
        add_users_response(corpus, self)
    }
}

impl PageBody for CountsResponse {
    type Item = CountBucket;
    fn items(&self) -> &[CountBucket] {
        &self.data
    }
    fn next_token(&self) -> Option<&str> {
        self.meta.as_ref()?.next_token.as_deref()
    }
    fn partial_errors(&self) -> &[Problem] {
        &self.errors
    }
    /// Counts carry no posts or accounts.
    fn add_to(&self, _corpus: &mut Corpus) -> ConvertStats {
        ConvertStats::default()
    }
}

impl PageBody for ListsResponse {
    type Item = XList;
    fn items(&self) -> &[XList] {
        ListsResponse::items(self)
    }
    fn next_token(&self) -> Option<&str> {
        ListsResponse::next_token(self)
    }
    fn partial_errors(&self) -> &[Problem] {
        &self.errors
    }
    /// The lists' owners (expanded in `includes.users`) are accounts; lists themselves are not posts.
    fn add_to(&self, corpus: &mut Corpus) -> ConvertStats {
        let users = UsersResponse {
            data: None,
            includes: self.includes.clone(),
            ..UsersResponse::default()
        };
        add_users_response(corpus, &users)
    }
}

/// One page of a response.
#[derive(Debug, Clone, Serialize)]
pub struct Page<B> {
    /// The decoded body.
    pub body: B,
    /// The body exactly as received.
    #[serde(skip)]
    pub raw: String,
    /// The limit headers of this response.
    pub rate_limit: RateLimitInfo,
    /// The request URL (no credentials in it).
    pub url: String,
    /// When the response arrived (by the client's clock).
    pub retrieved_at: DateTime<Utc>,
    /// The endpoint, e.g. `GET /2/tweets/search/recent`.
    pub endpoint: &'static str,
}

/// The twarc version recorded in `__twarc.version` is rapport's, so a reader can tell who wrote it.
pub const TWARC_VERSION: &str = concat!("rapport-", env!("CARGO_PKG_VERSION"));

impl<B: PageBody> Page<B> {
    /// The items on this page.
    pub fn items(&self) -> &[B::Item] {
        self.body.items()
    }

    /// The token of the next page. Save it to resume later with `resume_from`.
    pub fn next_token(&self) -> Option<&str> {
        self.body.next_token()
    }

    /// Partial errors on this page.
    pub fn partial_errors(&self) -> &[Problem] {
        self.body.partial_errors()
    }

    /// Adds this page's posts and accounts to a corpus.
    pub fn add_to(&self, corpus: &mut Corpus) -> ConvertStats {
        self.body.add_to(corpus)
    }

    /// The page as one twarc2 JSONL line (no trailing newline): the raw body on one line with
    /// `"__twarc": {"url", "version", "retrieved_at"}` added, the way twarc writes it.
    pub fn to_twarc_line(&self) -> String {
        twarc_line(&self.raw, &self.url, self.retrieved_at)
    }
}

/// Splices `__twarc` metadata into a raw JSON object and puts it on one line. JSON strings cannot hold
/// raw newlines, so turning newline bytes into spaces keeps the document's meaning; everything else
/// stays byte for byte as X sent it.
pub(crate) fn twarc_line(raw: &str, url: &str, retrieved_at: DateTime<Utc>) -> String {
    let meta = serde_json::json!({
        "url": url,
        "version": TWARC_VERSION,
        "retrieved_at": retrieved_at.to_rfc3339_opts(SecondsFormat::Secs, false),
    });
    let one_line: String = raw
        .trim()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    match one_line.strip_suffix('}') {
        Some(head) if one_line.starts_with('{') => {
            let empty = head[1..].trim().is_empty();
            format!("{head}{}\"__twarc\":{meta}}}", if empty { "" } else { "," })
        }
        // Not an object (cannot happen for a decoded page); wrap it rather than write invalid JSONL.
        _ => format!("{{\"data\":{one_line},\"__twarc\":{meta}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn twarc_line_keeps_the_body_and_adds_metadata() {
        let t = Utc.with_ymd_and_hms(2021, 9, 22, 16, 39, 0).unwrap();
        let line = twarc_line(
            "{\n  \"data\": [{\"id\":\"1\",\"text\":\"a\\nb\"}]\n}\n",
            "https://api.x.com/2/tweets?ids=1",
            t,
        );
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            v["data"][0]["text"], "a\nb",
            "escaped newlines inside strings survive"
        );
        assert_eq!(v["__twarc"]["url"], "https://api.x.com/2/tweets?ids=1");
        assert_eq!(v["__twarc"]["retrieved_at"], "2021-09-22T16:39:00+00:00");
        assert_eq!(
            twarc_line("{}", "u", t),
            format!(
                "{{\"__twarc\":{}}}",
                serde_json::json!({"url":"u","version":TWARC_VERSION,"retrieved_at":"2021-09-22T16:39:00+00:00"})
            )
        );
    }
}
