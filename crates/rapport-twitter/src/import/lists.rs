//! List pages in twarc2 JSONL: `owned_lists`, `list_memberships` and list `members`.
//!
//! twarc2 writes one API page per line with `"__twarc": {"url": ...}`. The url tells what the page is:
//!
//! - `/2/users/<id>/owned_lists`: `data` holds the lists user `<id>` owns;
//! - `/2/users/<id>/list_memberships`: `data` holds the lists user `<id>` is on;
//! - `/2/lists/<id>/members`: `data` holds the users on list `<id>` (the list's name is not on the
//!   page; it is known when another page names it).
//!
//! A list is `{"id", "name", "description"?, "owner_id"?}`. Pages of lists are recorded here in full;
//! pages of members are recorded and then imported as usual, since their users are accounts. A
//! flattened line (one list or user with its `__twarc`) works the same way.

use std::borrow::Cow;

use rapport_core::Corpus;
use rapport_core::lists::{ListRelation, XList};
use serde::Deserialize;

use super::follows::Handled;
use crate::TwitterError;

#[derive(Deserialize)]
struct Twarc<'a> {
    #[serde(borrow)]
    url: Cow<'a, str>,
}

/// A list, or a user of a members page (only its `id` is used).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    #[serde(deserialize_with = "crate::models::de_opt_id")]
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    #[serde(deserialize_with = "crate::models::de_opt_id")]
    owner_id: Option<String>,
}

#[derive(Deserialize)]
struct ListLine<'a> {
    #[serde(borrow, rename = "__twarc")]
    twarc: Option<Twarc<'a>>,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "crate::models::de_opt_id")]
    id: Option<String>,
}

/// What a list request url asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListPage {
    /// The lists a user owns.
    Owned(String),
    /// The lists a user is on.
    Memberships(String),
    /// The users on a list.
    Members(String),
}

/// The kind of a list request url, e.g. `https://api.twitter.com/2/users/12/owned_lists?...`.
pub(crate) fn parse_list_url(url: &str) -> Option<ListPage> {
    let path = url.split_once('?').map_or(url, |(p, _)| p);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(at) = path.find("/2/users/") {
        let (id, what) = path[at + "/2/users/".len()..].split_once('/')?;
        if !digits(id) {
            return None;
        }
        return match what.trim_end_matches('/') {
            "owned_lists" => Some(ListPage::Owned(id.to_owned())),
            "list_memberships" => Some(ListPage::Memberships(id.to_owned())),
            _ => None,
        };
    }
    let at = path.find("/2/lists/")?;
    let (id, what) = path[at + "/2/lists/".len()..].split_once('/')?;
    (digits(id) && what.trim_end_matches('/') == "members")
        .then(|| ListPage::Members(id.to_owned()))
}

/// Records a twarc2 list page (or flattened list line) into the corpus; anything else is left alone.
pub(crate) fn list_line(
    corpus: &mut Corpus,
    bytes: &[u8],
    name: &str,
    line: u64,
) -> Result<Handled, TwitterError> {
    let Some(at) = memchr::memmem::find(bytes, b"\"__twarc\"") else {
        return Ok(Handled::No);
    };
    let tail = &bytes[at..];
    if memchr::memmem::find(tail, b"_lists").is_none()
        && memchr::memmem::find(tail, b"/list_memberships").is_none()
        && memchr::memmem::find(tail, b"/members").is_none()
    {
        return Ok(Handled::No);
    }
    let Ok(parsed) = serde_json::from_slice::<ListLine<'_>>(bytes) else {
        return Ok(Handled::No);
    };
    let Some(page) = parsed.twarc.as_ref().and_then(|t| parse_list_url(&t.url)) else {
        return Ok(Handled::No);
    };
    let invalid = |path: &str, message: String| TwitterError::Invalid {
        file: name.to_owned(),
        line,
        path: path.to_owned(),
        kind: super::SkipReason::Malformed,
        message,
    };
    let what = match page {
        ListPage::Members(_) => "a user",
        _ => "a list",
    };
    let items: Vec<(String, Item)> = match (&parsed.data, &parsed.id) {
        (Some(data), _) => {
            let arr = data
                .as_array()
                .ok_or_else(|| invalid("data", format!("expected a list of items, each {what}")))?;
            let mut v = Vec::with_capacity(arr.len());
            for (i, item) in arr.iter().enumerate() {
                let it = Item::deserialize(item)
                    .map_err(|e| invalid(&format!("data[{i}]"), format!("expected {what}: {e}")))?;
                v.push((format!("data[{i}]"), it));
            }
            v
        }
        (None, Some(_)) => {
            let it: Item = serde_json::from_slice(bytes)
                .map_err(|e| invalid("", format!("expected {what}: {e}")))?;
            vec![(String::new(), it)]
        }
        (None, None) => Vec::new(),
    };
    for (path, it) in items {
        let Some(id) = it.id.filter(|i| !i.is_empty()) else {
            return Err(invalid(&path, format!("expected {what} with an `id`")));
        };
        let result = match &page {
            ListPage::Owned(user) | ListPage::Memberships(user) => {
                let mut list = XList::new(id, it.name.unwrap_or_default())
                    .with_description(it.description.unwrap_or_default());
                let relation = if matches!(page, ListPage::Owned(_)) {
                    list.owner_id = Some(user.clone());
                    ListRelation::Owner
                } else {
                    list.owner_id = it.owner_id;
                    ListRelation::Member
                };
                corpus.try_add_list_membership(user, list, relation)
            }
            ListPage::Members(list) => corpus.try_add_list_membership(
                &id,
                XList::new(list.clone(), ""),
                ListRelation::Member,
            ),
        };
        result.map_err(|e| invalid(&path, e.to_string()))?;
    }
    Ok(match page {
        // Its users are accounts: import them as usual too.
        ListPage::Members(_) => Handled::Page,
        _ => Handled::Done,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_urls() {
        let u = |s: &str| parse_list_url(s);
        assert_eq!(
            u("https://api.twitter.com/2/users/12/owned_lists?max_results=100"),
            Some(ListPage::Owned("12".into()))
        );
        assert_eq!(
            u("https://api.twitter.com/2/users/12/list_memberships"),
            Some(ListPage::Memberships("12".into()))
        );
        assert_eq!(
            u("https://api.x.com/2/lists/99/members?pagination_token=x"),
            Some(ListPage::Members("99".into()))
        );
        assert_eq!(u("https://api.twitter.com/2/users/12/followers"), None);
        assert_eq!(u("https://api.twitter.com/2/lists/ab/members"), None);
        assert_eq!(u("https://api.twitter.com/2/tweets/search/recent"), None);
    }
}
