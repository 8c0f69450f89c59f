//! Follower and following lists in twarc2 JSONL, and in the X account archive.
//!
//! twarc2's `followers` and `following` commands write one API page per line, with
//! `"__twarc": {"url": ".../2/users/<id>/followers?...", "retrieved_at": "..."}` on the page (or, after
//! `twarc2 flatten`, on every user). A page whose url has no `pagination_token` starts a new run; the
//! pages that follow it for the same owner and direction continue that run. A run is one
//! [`FollowSnapshot`]: `observed_at` is when its first page was retrieved, `completed_at` when its last
//! one was. Pages of several runs in one file are several snapshots.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rapport_core::Corpus;
use rapport_core::follows::{FollowDirection, FollowSnapshot};
use serde::Deserialize;

use crate::TwitterError;

#[derive(Deserialize)]
struct Twarc<'a> {
    #[serde(borrow)]
    url: std::borrow::Cow<'a, str>,
    retrieved_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct UserLite<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
}

/// A follow page (`data` a list of users) or a flattened user (`id` at the top), with its `__twarc`.
#[derive(Deserialize)]
struct FollowLine<'a> {
    #[serde(borrow, rename = "__twarc")]
    twarc: Option<Twarc<'a>>,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(borrow, default)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    username: Option<std::borrow::Cow<'a, str>>,
}

/// What [`follow_line`] did with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handled {
    /// Not a follow line: import it as usual.
    No,
    /// A follow page: its snapshot is recorded; import the page as usual too (its users are accounts).
    Page,
    /// A flattened follow user: recorded in full, skip the usual import.
    Done,
}

/// A run being read: its start, and the url and time of its last page.
type OpenRun = (DateTime<Utc>, String, DateTime<Utc>);

/// The runs of one file, per (owner, direction).
#[derive(Debug, Default)]
pub(crate) struct Runs {
    open: HashMap<(String, FollowDirection), OpenRun>,
}

/// The owner id and direction of a followers/following request url, e.g.
/// `https://api.twitter.com/2/users/12/followers?max_results=1000`.
pub(crate) fn parse_follow_url(url: &str) -> Option<(String, FollowDirection, bool)> {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let rest = &path[path.find("/2/users/")? + "/2/users/".len()..];
    let (id, dir) = rest.split_once('/')?;
    let direction = match dir.trim_end_matches('/') {
        "followers" => FollowDirection::Followers,
        "following" => FollowDirection::Following,
        _ => return None,
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let continues = query
        .split('&')
        .any(|kv| kv.starts_with("pagination_token=") || kv.starts_with("next_token="));
    Some((id.to_owned(), direction, continues))
}

/// Records a twarc2 follow page or flattened follow user into the corpus; anything else is left alone.
pub(crate) fn follow_line(
    runs: &mut Runs,
    corpus: &mut Corpus,
    bytes: &[u8],
    name: &str,
    line: u64,
) -> Result<Handled, TwitterError> {
    // Cheap test first: nearly every line of a tweet file has `__twarc` but no follow url after it.
    let Some(at) = memchr::memmem::find(bytes, b"\"__twarc\"") else {
        return Ok(Handled::No);
    };
    let tail = &bytes[at..];
    if memchr::memmem::find(tail, b"/followers").is_none()
        && memchr::memmem::find(tail, b"/following").is_none()
    {
        return Ok(Handled::No);
    }
    let Ok(parsed) = serde_json::from_slice::<FollowLine<'_>>(bytes) else {
        // The usual import reports what is wrong with the line, with its JSON path.
        return Ok(Handled::No);
    };
    let Some(tw) = parsed.twarc else {
        return Ok(Handled::No);
    };
    let Some((owner, direction, continues)) = parse_follow_url(&tw.url) else {
        return Ok(Handled::No);
    };
    let invalid = |path: &str, message: String| TwitterError::Invalid {
        file: name.to_owned(),
        line,
        path: path.to_owned(),
        kind: super::SkipReason::Malformed,
        message,
    };
    let (ids, handled) = match (&parsed.data, &parsed.id) {
        (Some(data), _) => {
            let users = data.as_array().ok_or_else(|| {
                invalid(
                    "data",
                    "expected a list of users on a follow page".to_owned(),
                )
            })?;
            let mut ids = Vec::with_capacity(users.len());
            for (i, u) in users.iter().enumerate() {
                let u = UserLite::deserialize(u).map_err(|e| {
                    invalid(
                        &format!("data[{i}]"),
                        format!("expected a user with an `id`: {e}"),
                    )
                })?;
                ids.push(u.id.into_owned());
            }
            (ids, Handled::Page)
        }
        (None, Some(id)) => {
            let mut account = rapport_core::Account::new(id.as_ref(), "");
            if let Some(h) = &parsed.username {
                account.handle = h.to_string();
            }
            corpus
                .try_add_account(account)
                .map_err(|e| invalid("id", e.to_string()))?;
            (vec![id.to_string()], Handled::Done)
        }
        // An empty page (`meta.result_count` 0): the list is empty.
        (None, None) => (Vec::new(), Handled::Page),
    };
    let key = (owner.clone(), direction);
    let url = tw.url.into_owned();
    let start = match runs.open.get(&key) {
        // The same page again (flattened users of one page) or its next page: the same run.
        Some((start, last_url, last_at))
            if (*last_url == url && *last_at == tw.retrieved_at) || continues =>
        {
            *start
        }
        _ => tw.retrieved_at,
    };
    runs.open.insert(key, (start, url, tw.retrieved_at));
    let mut snap = FollowSnapshot::new(owner, direction, start, ids);
    snap.completed_at = tw.retrieved_at.max(start);
    corpus
        .try_add_follow_snapshot(snap)
        .map_err(|e| invalid("__twarc", e.to_string()))?;
    Ok(handled)
}

/// The snapshot of an archive's `follower.js` / `following.js` array
/// (`[{"follower": {"accountId": "…", "userLink": "…"}}, …]`), taken at the archive's date.
pub(crate) fn archive_snapshot(
    items: &[&serde_json::value::RawValue],
    owner: &str,
    direction: FollowDirection,
    at: DateTime<Utc>,
    name: &str,
) -> Result<FollowSnapshot, TwitterError> {
    let key = direction_key(direction);
    let mut ids = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(item.get()).unwrap_or_default();
        let id = v
            .get(key)
            .and_then(|v| v.get("accountId"))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| TwitterError::Invalid {
                file: name.to_owned(),
                line: 1,
                path: format!("[{i}].{key}.accountId"),
                kind: super::SkipReason::Malformed,
                message: format!("expected {{\"{key}\": {{\"accountId\": \"…\"}}}}"),
            })?;
        ids.push(id.to_owned());
    }
    Ok(FollowSnapshot::new(owner, direction, at, ids))
}

/// The `archiveInfo.generationDate` of an archive's `manifest.js`
/// (`window.__THAR_CONFIG = {"archiveInfo": {"generationDate": "…"}, …}`).
pub(crate) fn manifest_date(
    f: &super::archive::ArchiveFile,
) -> Result<DateTime<Utc>, TwitterError> {
    let err = |message: &str| TwitterError::Parse {
        file: f.name.clone(),
        line: 1,
        column: 1,
        path: "archiveInfo.generationDate".to_owned(),
        message: message.to_owned(),
    };
    let body = f
        .text
        .find('{')
        .map(|i| f.text[i..].trim_end().trim_end_matches(';'))
        .ok_or_else(|| err("expected `window.__THAR_CONFIG = {…}`, found no `{`"))?;
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| err(&format!("expected a JSON object: {e}")))?;
    v.pointer("/archiveInfo/generationDate")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| err("expected an RFC 3339 time at archiveInfo.generationDate"))
}

/// The key of an archive follow item: `follower` or `following`.
pub(crate) fn direction_key(direction: FollowDirection) -> &'static str {
    match direction {
        FollowDirection::Followers => "follower",
        FollowDirection::Following => "following",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, import_jsonl_reader};
    use chrono::TimeZone;

    fn page(
        owner: &str,
        dir: &str,
        token: Option<&str>,
        at: &str,
        users: &[(&str, &str)],
    ) -> String {
        let data: Vec<serde_json::Value> = users
            .iter()
            .map(|(id, h)| serde_json::json!({"id": id, "username": h, "name": h}))
            .collect();
        let q = token.map_or(String::new(), |t| format!("&pagination_token={t}"));
        let mut v = serde_json::json!({
            "meta": {"result_count": users.len()},
            "__twarc": {
                "url": format!("https://api.twitter.com/2/users/{owner}/{dir}?max_results=1000&user.fields=id{q}"),
                "version": "2.14.0",
                "retrieved_at": at,
            }
        });
        if !users.is_empty() {
            v["data"] = serde_json::Value::Array(data);
        }
        v.to_string()
    }

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, h, m, 0).unwrap()
    }

    #[test]
    fn urls_name_owner_direction_and_continuation() {
        assert_eq!(
            parse_follow_url("https://api.twitter.com/2/users/12/followers?max_results=1000"),
            Some(("12".into(), FollowDirection::Followers, false))
        );
        assert_eq!(
            parse_follow_url(
                "https://api.x.com/2/users/12/following?pagination_token=ABCDEFGHIJKLMNOP"
            ),
            Some(("12".into(), FollowDirection::Following, true))
        );
        assert_eq!(
            parse_follow_url("https://api.twitter.com/2/users/12/tweets"),
            None
        );
        assert_eq!(
            parse_follow_url("https://api.twitter.com/2/users/me/followers"),
            None
        );
        assert_eq!(
            parse_follow_url("https://api.twitter.com/2/tweets/search/recent?query=/followers"),
            None
        );
    }

    #[test]
    fn pages_over_lines_and_two_runs_in_one_file() {
        // Run 1 (09:00-09:01): two pages of @acme's followers. Run 2 (10:00): one page. Between them a
        // tweet page and a following page, which do not break the runs.
        let lines = [
            page("1", "followers", None, "2024-05-01T09:00:00+00:00", &[("7", "ada"), ("8", "bo")]),
            r#"{"data":[{"id":"100","text":"hi","author_id":"1","created_at":"2024-05-01T09:00:30Z"}],"__twarc":{"url":"https://api.twitter.com/2/tweets/search/recent?query=x","version":"2.14.0","retrieved_at":"2024-05-01T09:00:30+00:00"}}"#.to_owned(),
            page("1", "following", None, "2024-05-01T09:00:40+00:00", &[]),
            page("1", "followers", Some("TOKEN_TOKEN_TOKEN_1"), "2024-05-01T09:01:00+00:00", &[("9", "cy")]),
            page("1", "followers", None, "2024-05-01T10:00:00+00:00", &[("7", "ada"), ("9", "cy")]),
        ];
        let text = lines.join("\n");
        let r = import_jsonl_reader(text.as_bytes(), "f.jsonl", &ImportOptions::strict()).unwrap();
        let snaps = r.corpus.follow_snapshots();
        assert_eq!(snaps.len(), 3);
        let f: Vec<_> = snaps
            .iter()
            .filter(|s| s.direction == FollowDirection::Followers)
            .map(|s| (s.observed_at, s.completed_at, s.accounts.clone()))
            .collect();
        assert_eq!(
            f,
            vec![
                (
                    t(9, 0),
                    t(9, 1),
                    vec!["7".to_owned(), "8".into(), "9".into()]
                ),
                (t(10, 0), t(10, 0), vec!["7".to_owned(), "9".into()]),
            ]
        );
        let empty = snaps
            .iter()
            .find(|s| s.direction == FollowDirection::Following)
            .unwrap();
        assert!(empty.accounts.is_empty());
        // The users are accounts too, and the tweet page was imported as usual.
        assert_eq!(r.corpus.account_by_id("8").unwrap().handle(), "bo");
        assert_eq!(r.corpus.num_posts(), 1);
        let events = r.corpus.follow_events(&["1"]).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].account, "8");
        assert_eq!(
            (events[0].observed_after, events[0].observed_before),
            (t(9, 0), t(10, 0))
        );
    }

    #[test]
    fn flattened_users_of_one_page_are_one_snapshot() {
        let tw = r#""__twarc":{"url":"https://api.twitter.com/2/users/1/following?max_results=1000","version":"2.14.0","retrieved_at":"2024-05-01T09:00:00+00:00"}"#;
        let text = format!(
            "{{\"id\":\"7\",\"username\":\"ada\",{tw}}}\n{{\"id\":\"8\",\"username\":\"bo\",{tw}}}\n"
        );
        let r = import_jsonl_reader(text.as_bytes(), "f.jsonl", &ImportOptions::strict()).unwrap();
        let snaps = r.corpus.follow_snapshots();
        assert_eq!(snaps.len(), 1);
        assert_eq!(snaps[0].accounts, vec!["7".to_owned(), "8".into()]);
        assert_eq!(r.corpus.account_by_id("7").unwrap().handle(), "ada");
    }

    #[test]
    fn a_bad_follow_page_names_the_line_and_path() {
        let bad = r#"{"data":[{"username":"ada"}],"__twarc":{"url":"https://api.twitter.com/2/users/1/followers","version":"2","retrieved_at":"2024-05-01T09:00:00+00:00"}}"#;
        let text = format!("\n{bad}\n");
        let err = import_jsonl_reader(text.as_bytes(), "f.jsonl", &ImportOptions::strict())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("f.jsonl") && err.contains(":2") && err.contains("data[0]"),
            "{err}"
        );
        let r = import_jsonl_reader(text.as_bytes(), "f.jsonl", &ImportOptions::lenient()).unwrap();
        assert_eq!(r.skipped.len(), 1);
        assert!(r.corpus.follow_snapshots().is_empty());
    }

    fn archive_dir(manifest: bool, follower: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("data");
        std::fs::create_dir(&d).unwrap();
        std::fs::write(
            d.join("account.js"),
            r#"window.YTD.account.part0 = [{"account":{"accountId":"42","username":"ada"}}]"#,
        )
        .unwrap();
        std::fs::write(
            d.join("tweets.js"),
            r#"window.YTD.tweets.part0 = [{"tweet":{"id_str":"7","full_text":"Hi","created_at":"Wed Oct 10 20:19:24 +0000 2018"}}]"#,
        )
        .unwrap();
        std::fs::write(d.join("follower.js"), follower).unwrap();
        std::fs::write(
            d.join("following.js"),
            r#"window.YTD.following.part0 = [ {"following":{"accountId":"5","userLink":"https://twitter.com/intent/user?user_id=5"}} ]"#,
        )
        .unwrap();
        if manifest {
            std::fs::write(
                d.join("manifest.js"),
                r#"window.__THAR_CONFIG = {"userInfo":{"accountId":"42"},"archiveInfo":{"sizeBytes":"1","generationDate":"2024-05-01T09:00:00.000Z"}};"#,
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn archive_follow_files_are_snapshots_at_the_archive_date() {
        let follower = r#"window.YTD.follower.part0 = [
  {"follower":{"accountId":"6"}}, {"follower":{"accountId":"5"}}
]"#;
        let dir = archive_dir(true, follower);
        let r = crate::import::import_archive(dir.path(), &ImportOptions::strict()).unwrap();
        let got: Vec<_> = r
            .corpus
            .follow_snapshots()
            .iter()
            .map(|s| {
                (
                    s.owner.as_str(),
                    s.direction,
                    s.observed_at,
                    s.accounts.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "42",
                    FollowDirection::Followers,
                    t(9, 0),
                    vec!["5".to_owned(), "6".into()]
                ),
                (
                    "42",
                    FollowDirection::Following,
                    t(9, 0),
                    vec!["5".to_owned()]
                ),
            ]
        );
        assert_eq!(r.corpus.follow_state("42", "5").mutual(), Some(true));

        // No manifest: no date, so no snapshot; strict fails, lenient skips and keeps the tweets.
        let dir = archive_dir(false, follower);
        let err = crate::import::import_archive(dir.path(), &ImportOptions::strict())
            .unwrap_err()
            .to_string();
        assert!(err.contains("manifest.js"), "{err}");
        let r = crate::import::import_archive(dir.path(), &ImportOptions::lenient()).unwrap();
        assert!(r.corpus.follow_snapshots().is_empty());
        assert_eq!((r.corpus.num_posts(), r.skipped.len()), (1, 2));

        // A follower without an account id is named by its path.
        let dir = archive_dir(true, r#"window.YTD.follower.part0 = [{"follower":{}}]"#);
        let err = crate::import::import_archive(dir.path(), &ImportOptions::strict())
            .unwrap_err()
            .to_string();
        assert!(err.contains("[0].follower.accountId"), "{err}");
    }
}
