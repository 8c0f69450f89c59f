//! Handles: one social handle of a candidate, parsed from the shapes people paste (`@Name`, profile
//! URLs) and checked against the platform's rules: X's (letters, digits, `_`, at most 15) or
//! Bluesky's (a domain name such as `ada.bsky.social`, or a DID).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Platform, normalize_handle};

/// The longest handle X allows.
const X_HANDLE_MAX: usize = 15;

/// Path segments of x.com that are pages, not profiles.
const RESERVED: &[&str] = &[
    "i",
    "home",
    "search",
    "explore",
    "hashtag",
    "intent",
    "share",
    "settings",
    "messages",
    "notifications",
    "login",
    "logout",
    "signup",
    "tos",
    "privacy",
    "compose",
    "download",
    "jobs",
];

/// Profile tabs that may follow a handle in a profile URL (`x.com/Name/media`).
const PROFILE_TABS: &[&str] = &[
    "with_replies",
    "media",
    "likes",
    "highlights",
    "articles",
    "followers",
    "following",
    "verified_followers",
    "followers_you_follow",
    "lists",
];

/// One social handle of a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handle {
    /// The platform the handle lives on.
    #[serde(with = "platform_name")]
    pub platform: Platform,
    /// The handle without `@`, as written (X handles are case-insensitive; compare with
    /// [`Handle::key`]).
    pub handle: String,
}

impl Handle {
    /// An X handle from any of the usual shapes: `@Name`, `Name`, `https://x.com/Name`,
    /// `twitter.com/Name/`, `mobile.twitter.com/Name?lang=en`, `x.com/Name/with_replies`.
    ///
    /// ```
    /// use rapport_core::candidates::Handle;
    /// assert_eq!(Handle::parse_x("https://mobile.twitter.com/Ada_Codes/?s=20").unwrap().handle, "Ada_Codes");
    /// assert!(Handle::parse_x("https://x.com/ada/status/1").is_err());
    /// ```
    pub fn parse_x(input: &str) -> Result<Handle, HandleError> {
        parse_x_handle(input).map(|handle| Handle {
            platform: Platform::X,
            handle,
        })
    }

    /// A Bluesky handle or DID from the usual shapes: `@ada.bsky.social`, `ada.bsky.social`,
    /// `https://bsky.app/profile/ada.bsky.social`, `bsky.app/profile/did:plc:…`. A handle is a domain
    /// name (two or more labels of letters, digits and `-`, the last starting with a letter, at most
    /// 253 characters); a DID is kept as the account id it is.
    ///
    /// ```
    /// use rapport_core::candidates::Handle;
    /// use rapport_core::Platform;
    /// let h = Handle::parse_bluesky("https://bsky.app/profile/Ada.bsky.social").unwrap();
    /// assert_eq!((h.platform, h.key()), (Platform::Bluesky, "ada.bsky.social".to_owned()));
    /// assert!(Handle::parse_bluesky("https://bsky.app/profile/ada.bsky.social/post/3k2a").is_err());
    /// assert!(Handle::parse_bluesky("ada").is_err()); // one label: not a domain
    /// ```
    pub fn parse_bluesky(input: &str) -> Result<Handle, HandleError> {
        parse_bluesky_handle(input).map(|handle| Handle {
            platform: Platform::Bluesky,
            handle,
        })
    }

    /// A handle of either platform, told apart by its shape: a `bsky.app` URL, a DID or a dotted
    /// name (X handles have no dots) is Bluesky; anything else is X.
    ///
    /// ```
    /// use rapport_core::candidates::Handle;
    /// use rapport_core::Platform;
    /// assert_eq!(Handle::parse("@Ada_Codes").unwrap().platform, Platform::X);
    /// assert_eq!(Handle::parse("x.com/ada_codes").unwrap().platform, Platform::X);
    /// assert_eq!(Handle::parse("@ada.bsky.social").unwrap().platform, Platform::Bluesky);
    /// assert_eq!(Handle::parse("did:plc:z72i7hdynmk6r22z27h6tvur").unwrap().platform, Platform::Bluesky);
    /// ```
    pub fn parse(input: &str) -> Result<Handle, HandleError> {
        if looks_like_bluesky(input) {
            Handle::parse_bluesky(input)
        } else {
            Handle::parse_x(input)
        }
    }

    /// The handle for comparison: lower case, without `@`.
    pub fn key(&self) -> String {
        normalize_handle(&self.handle)
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:@{}", self.platform.as_str(), self.handle)
    }
}

pub(super) mod platform_name {
    use super::Platform;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference
    pub(crate) fn serialize<S: Serializer>(p: &Platform, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Platform, D::Error> {
        let s = String::deserialize(d)?;
        super::platform_from_str(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown platform {s:?}: expected \"x\" or \"bluesky\""
            ))
        })
    }
}

pub(super) fn platform_from_str(s: &str) -> Option<Platform> {
    match s.trim().to_ascii_lowercase().as_str() {
        "x" | "twitter" => Some(Platform::X),
        "bluesky" | "bsky" => Some(Platform::Bluesky),
        "other" => Some(Platform::Other),
        _ => None,
    }
}

/// Why a string is not a handle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandleError {
    /// Nothing but whitespace or `@`.
    #[error("empty handle")]
    Empty,
    /// A character X does not allow in handles.
    #[error("{input:?} is not a handle: {ch:?} is not allowed (letters, digits and _ only)")]
    InvalidChar {
        /// What was given.
        input: String,
        /// The first bad character.
        ch: char,
    },
    /// Longer than X allows.
    #[error("{input:?} is not a handle: {len} characters, X allows at most 15")]
    TooLong {
        /// What was given.
        input: String,
        /// Its length in characters.
        len: usize,
    },
    /// A URL of another site.
    #[error("{input:?} is not an X profile URL: host {host:?} is neither x.com nor twitter.com")]
    OtherSite {
        /// What was given.
        input: String,
        /// The host found.
        host: String,
    },
    /// A URL of x.com with no handle in it.
    #[error("{input:?} is an X URL without a handle")]
    NoHandleInUrl {
        /// What was given.
        input: String,
    },
    /// A link to a page that is not a profile (`x.com/search`, `x.com/i/...`).
    #[error("{input:?} links to the X page /{segment}, not to a profile")]
    NotAProfile {
        /// What was given.
        input: String,
        /// The first path segment.
        segment: String,
    },
    /// Not a Bluesky handle (a domain name) nor a DID.
    #[error("{input:?} is not a Bluesky handle: {reason}")]
    InvalidBluesky {
        /// What was given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A link to a post, or another page below a profile.
    #[error("{input:?} links to /{path} below a profile, not to the profile itself (a post link?)")]
    NotAProfilePath {
        /// What was given.
        input: String,
        /// The path after the handle.
        path: String,
    },
}

fn parse_x_handle(input: &str) -> Result<String, HandleError> {
    let s = input.trim();
    let lower = s.to_ascii_lowercase();
    let looks_like_url = lower.starts_with("http://")
        || lower.starts_with("https://")
        || s.contains('/')
        || lower.starts_with("x.com")
        || lower.starts_with("twitter.com")
        || lower.starts_with("www.");
    if looks_like_url {
        return parse_x_url(input, s);
    }
    check_x_handle(input, s.trim_start_matches(['@', '＠']))
}

fn check_x_handle(input: &str, h: &str) -> Result<String, HandleError> {
    if h.is_empty() {
        return Err(HandleError::Empty);
    }
    if let Some(ch) = h
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(HandleError::InvalidChar {
            input: input.to_owned(),
            ch,
        });
    }
    let len = h.chars().count();
    if len > X_HANDLE_MAX {
        return Err(HandleError::TooLong {
            input: input.to_owned(),
            len,
        });
    }
    Ok(h.to_owned())
}

fn parse_x_url(input: &str, s: &str) -> Result<String, HandleError> {
    let rest = match s.find("://") {
        Some(i) => &s[i + 3..],
        None => s,
    };
    // Cut the query string and the fragment.
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_l = host.to_ascii_lowercase();
    let bare = host_l
        .trim_start_matches("www.")
        .trim_start_matches("mobile.")
        .trim_start_matches("m.");
    if bare != "x.com" && bare != "twitter.com" {
        return Err(HandleError::OtherSite {
            input: input.to_owned(),
            host: host.to_owned(),
        });
    }
    let mut segments = path.split('/').filter(|p| !p.is_empty());
    let Some(first) = segments.next() else {
        return Err(HandleError::NoHandleInUrl {
            input: input.to_owned(),
        });
    };
    let first_l = first.to_ascii_lowercase();
    if RESERVED.contains(&first_l.as_str()) {
        return Err(HandleError::NotAProfile {
            input: input.to_owned(),
            segment: first.to_owned(),
        });
    }
    let tail: Vec<&str> = segments.collect();
    let tab_ok = match tail.as_slice() {
        [] => true,
        [tab] => PROFILE_TABS.contains(&tab.to_ascii_lowercase().as_str()),
        _ => false,
    };
    if !tab_ok {
        return Err(HandleError::NotAProfilePath {
            input: input.to_owned(),
            path: tail.join("/"),
        });
    }
    check_x_handle(input, first.trim_start_matches('@'))
}

/// Profile tabs that may follow a Bluesky profile in a URL (`bsky.app/profile/ada.bsky.social/follows`).
const BSKY_PROFILE_TABS: &[&str] = &["followers", "follows", "lists", "feed", "media", "likes"];

fn looks_like_bluesky(input: &str) -> bool {
    let l = input.trim().to_ascii_lowercase();
    let host = l
        .split_once("://")
        .map_or(l.as_str(), |(_, rest)| rest)
        .trim_start_matches("www.");
    let x_site = ["x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"]
        .iter()
        .any(|d| host.starts_with(d));
    host.starts_with("bsky.app/")
        || l.trim_start_matches('@').starts_with("did:")
        || (!l.contains('/') && l.contains('.') && !x_site)
}

fn parse_bluesky_handle(input: &str) -> Result<String, HandleError> {
    let s = input.trim();
    let rest = match s.find("://") {
        Some(i) => &s[i + 3..],
        None => s,
    };
    if rest.contains('/') {
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host_l = host.to_ascii_lowercase();
        if host_l.trim_start_matches("www.") != "bsky.app" {
            return Err(HandleError::OtherSite {
                input: input.to_owned(),
                host: host.to_owned(),
            });
        }
        let segments: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        return match segments.as_slice() {
            ["profile", id] => check_bluesky(input, id),
            ["profile", id, tab]
                if BSKY_PROFILE_TABS.contains(&tab.to_ascii_lowercase().as_str()) =>
            {
                check_bluesky(input, id)
            }
            ["profile", _, tail @ ..] => Err(HandleError::NotAProfilePath {
                input: input.to_owned(),
                path: tail.join("/"),
            }),
            [] | ["profile"] => Err(HandleError::NoHandleInUrl {
                input: input.to_owned(),
            }),
            [first, ..] => Err(HandleError::NotAProfile {
                input: input.to_owned(),
                segment: (*first).to_owned(),
            }),
        };
    }
    check_bluesky(input, s.trim_start_matches(['@', '＠']))
}

/// A Bluesky handle (a domain name, kept lower case) or a DID (kept as written).
fn check_bluesky(input: &str, h: &str) -> Result<String, HandleError> {
    let bad = |reason: &str| HandleError::InvalidBluesky {
        input: input.to_owned(),
        reason: reason.to_owned(),
    };
    if h.is_empty() {
        return Err(HandleError::Empty);
    }
    if let Some(rest) = h.strip_prefix("did:") {
        let (method, id) = rest
            .split_once(':')
            .ok_or_else(|| bad("a DID is did:<method>:<identifier>"))?;
        let method_ok = !method.is_empty() && method.bytes().all(|b| b.is_ascii_lowercase());
        let id_ok = !id.is_empty()
            && !id.ends_with([':', '%'])
            && id.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'%' | b'-')
            });
        if !(method_ok && id_ok) || h.len() > 2048 {
            return Err(bad("a DID is did:<method>:<identifier>"));
        }
        return Ok(h.to_owned());
    }
    if h.len() > 253 {
        return Err(bad("longer than 253 characters"));
    }
    let labels: Vec<&str> = h.split('.').collect();
    if labels.len() < 2 {
        return Err(bad("a handle is a domain name such as name.bsky.social"));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(bad("each part between dots has 1 to 63 characters"));
        }
        if let Some(ch) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(bad(&format!(
                "{ch:?} is not allowed (letters, digits, '-' and dots only)"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(bad("a part cannot start or end with '-'"));
        }
    }
    if !labels[labels.len() - 1].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(bad("the last part starts with a letter"));
    }
    Ok(h.to_ascii_lowercase())
}
