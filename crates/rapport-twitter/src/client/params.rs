//! Query parameters: the default fields and expansions, the conversion of a `Serialize` parameter
//! struct into query pairs, and the checks of the OpenAPI bounds that run before a request is sent.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::error::ClientError;

/// Which fields and expansions are requested. The default is everything the analyses need: the
/// conversation links (`conversation_id`, `referenced_tweets`, `in_reply_to_user_id`), the full text
/// of long posts (`note_tweet`), entities, metrics and the user fields; override per client
/// ([`ClientBuilder::fields`](super::ClientBuilder::fields)) or per request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fields {
    /// `tweet.fields`.
    pub tweet_fields: Vec<String>,
    /// `user.fields`.
    pub user_fields: Vec<String>,
    /// `media.fields`.
    pub media_fields: Vec<String>,
    /// `place.fields`.
    pub place_fields: Vec<String>,
    /// `poll.fields`.
    pub poll_fields: Vec<String>,
    /// `expansions` on endpoints that return posts.
    pub tweet_expansions: Vec<String>,
    /// `expansions` on endpoints that return users.
    pub user_expansions: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for Fields {
    fn default() -> Self {
        Self {
            tweet_fields: strings(&[
                "attachments",
                "author_id",
                "context_annotations",
                "conversation_id",
                "created_at",
                "edit_controls",
                "entities",
                "geo",
                "id",
                "in_reply_to_user_id",
                "lang",
                "note_tweet",
                "possibly_sensitive",
                "public_metrics",
                "referenced_tweets",
                "reply_settings",
                "source",
                "text",
                "withheld",
            ]),
            user_fields: strings(&[
                "created_at",
                "description",
                "entities",
                "id",
                "location",
                "name",
                "pinned_tweet_id",
                "profile_image_url",
                "protected",
                "public_metrics",
                "url",
                "username",
                "verified",
                "verified_type",
                "withheld",
            ]),
            media_fields: strings(&[
                "alt_text",
                "duration_ms",
                "height",
                "media_key",
                "preview_image_url",
                "public_metrics",
                "type",
                "url",
                "width",
            ]),
            place_fields: strings(&[
                "contained_within",
                "country",
                "country_code",
                "full_name",
                "geo",
                "id",
                "name",
                "place_type",
            ]),
            poll_fields: strings(&[
                "duration_minutes",
                "end_datetime",
                "id",
                "options",
                "voting_status",
            ]),
            tweet_expansions: strings(&[
                "author_id",
                "in_reply_to_user_id",
                "referenced_tweets.id",
                "referenced_tweets.id.author_id",
                "entities.mentions.username",
                "attachments.poll_ids",
                "attachments.media_keys",
                "geo.place_id",
            ]),
            user_expansions: strings(&["pinned_tweet_id"]),
        }
    }
}

/// What kind of objects an endpoint returns, which decides the fields sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Posts (`tweet.fields`, `user.fields`, media, places, polls, post expansions).
    Tweets,
    /// Users (`user.fields`, `tweet.fields` for the pinned post, user expansions).
    Users,
    /// Counts (no fields).
    Counts,
    /// Lists (`list.fields`, the owner expanded with `user.fields`).
    Lists,
}

impl Fields {
    /// Nothing requested beyond the API's defaults (`id`, `text`, `edit_history_tweet_ids`).
    pub fn minimal() -> Self {
        Self {
            tweet_fields: Vec::new(),
            user_fields: Vec::new(),
            media_fields: Vec::new(),
            place_fields: Vec::new(),
            poll_fields: Vec::new(),
            tweet_expansions: Vec::new(),
            user_expansions: Vec::new(),
        }
    }

    pub(crate) fn query(&self, returns: Returns) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut push = |name: &str, values: &[String]| {
            if !values.is_empty() {
                out.push((name.to_owned(), values.join(",")));
            }
        };
        match returns {
            Returns::Tweets => {
                push("expansions", &self.tweet_expansions);
                push("tweet.fields", &self.tweet_fields);
                push("user.fields", &self.user_fields);
                push("media.fields", &self.media_fields);
                push("place.fields", &self.place_fields);
                push("poll.fields", &self.poll_fields);
            }
            Returns::Users => {
                push("expansions", &self.user_expansions);
                push("user.fields", &self.user_fields);
                push("tweet.fields", &self.tweet_fields);
            }
            Returns::Counts => {}
            Returns::Lists => {
                push(
                    "list.fields",
                    &strings(&[
                        "created_at",
                        "description",
                        "follower_count",
                        "member_count",
                        "owner_id",
                        "private",
                    ]),
                );
                push("expansions", &strings(&["owner_id"]));
                push("user.fields", &self.user_fields);
            }
        }
        out
    }
}

/// Turns a `Serialize` struct into query pairs: `None` is skipped, arrays are comma-joined,
/// timestamps are whatever the struct serialises (we use RFC 3339 at second granularity).
pub(crate) fn to_query<T: Serialize>(params: &T) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(params) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let text = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Array(items) => {
                if items.is_empty() {
                    continue;
                }
                items
                    .iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            }
            other => other.to_string(),
        };
        out.push((k, text));
    }
    out
}

/// Serialises an optional timestamp the way X wants it: `YYYY-MM-DDTHH:mm:ssZ`.
#[allow(clippy::ref_option)] // serde's serialize_with passes &Option<T>
pub(crate) fn ser_time<S: serde::Serializer>(
    t: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => s.serialize_none(),
    }
}

pub(crate) fn check_range(
    endpoint: &str,
    name: &str,
    value: Option<u32>,
    min: u32,
    max: u32,
) -> Result<(), ClientError> {
    match value {
        Some(v) if v < min || v > max => Err(ClientError::invalid(
            endpoint,
            name,
            format!("expected {min}..={max}, got {v}"),
        )),
        _ => Ok(()),
    }
}

/// `^[0-9]{1,19}$`, the pattern of post, user, list and rule ids.
pub(crate) fn check_id(endpoint: &str, name: &str, id: &str) -> Result<(), ClientError> {
    if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ClientError::invalid(
            endpoint,
            name,
            format!("expected 1 to 19 digits, got {id:?}"),
        ));
    }
    Ok(())
}

/// `^[A-Za-z0-9_]{1,15}$`, the pattern of usernames (a leading `@` is accepted and stripped by callers).
pub(crate) fn check_username(
    endpoint: &str,
    name: &str,
    username: &str,
) -> Result<(), ClientError> {
    if username.is_empty()
        || username.len() > 15
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(ClientError::invalid(
            endpoint,
            name,
            format!("expected 1 to 15 letters, digits or underscores, got {username:?}"),
        ));
    }
    Ok(())
}

pub(crate) fn check_list<F>(
    endpoint: &str,
    name: &str,
    items: &[String],
    max: usize,
    each: F,
) -> Result<(), ClientError>
where
    F: Fn(&str, &str, &str) -> Result<(), ClientError>,
{
    if items.is_empty() || items.len() > max {
        return Err(ClientError::invalid(
            endpoint,
            name,
            format!("expected 1..={max} items, got {}", items.len()),
        ));
    }
    for item in items {
        each(endpoint, name, item)?;
    }
    Ok(())
}

pub(crate) fn check_query(endpoint: &str, query: &str, max_len: usize) -> Result<(), ClientError> {
    let len = query.chars().count();
    if query.trim().is_empty() {
        return Err(ClientError::invalid(
            endpoint,
            "query",
            "expected a non-empty query",
        ));
    }
    if len > max_len {
        return Err(ClientError::invalid(
            endpoint,
            "query",
            format!(
                "the query is {len} characters; the configured maximum is {max_len} (512 on Basic, 1024 on Pro full-archive, 4096 in the current spec; see ClientBuilder::max_query_len)"
            ),
        ));
    }
    Ok(())
}

pub(crate) fn check_times(
    endpoint: &str,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<(), ClientError> {
    if let (Some(s), Some(e)) = (start, end)
        && s >= e
    {
        return Err(ClientError::invalid(
            endpoint,
            "start_time",
            format!("start_time {s} must be before end_time {e} (end_time is exclusive)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct P {
        query: String,
        max_results: Option<u32>,
        exclude: Vec<&'static str>,
        #[serde(serialize_with = "ser_time")]
        start_time: Option<DateTime<Utc>>,
    }

    #[test]
    fn serialises_to_query_pairs() {
        use chrono::TimeZone;
        let p = P {
            query: "#rust -is:retweet".into(),
            max_results: None,
            exclude: vec!["replies", "retweets"],
            start_time: Some(Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap()),
        };
        let q = to_query(&p);
        assert!(q.contains(&("query".into(), "#rust -is:retweet".into())));
        assert!(q.contains(&("exclude".into(), "replies,retweets".into())));
        assert!(q.contains(&("start_time".into(), "2024-05-01T09:30:00Z".into())));
        assert!(!q.iter().any(|(k, _)| k == "max_results"));
    }

    #[test]
    fn bounds_are_checked() {
        assert!(check_range("e", "max_results", Some(9), 10, 100).is_err());
        assert!(check_range("e", "max_results", Some(10), 10, 100).is_ok());
        assert!(
            check_id("e", "id", "12345678901234567890").is_err(),
            "20 digits"
        );
        assert!(
            check_id("e", "id", "1234567890123456789").is_ok(),
            "19 digits"
        );
        assert!(check_username("e", "username", "TwitterDev").is_ok());
        assert!(check_username("e", "username", "bad-name").is_err());
        let err = check_query("e", &"a".repeat(513), 512).unwrap_err();
        assert!(err.to_string().contains("513 characters"), "{err}");
    }
}
