//! The AT Protocol's identifier syntax: handles, DIDs, NSIDs, AT-URIs, record keys, TIDs and datetimes,
//! each a validated newtype that only a valid string becomes.
//!
//! The rules are the protocol's (atproto.com/specs), and the tests run the protocol's own interop lists
//! (`shared/specs/atproto/interop-syntax/`): every valid line parses, every invalid one is refused.
//!
//! ```
//! use rapport_bluesky::syntax::{AtUri, Did, Handle};
//! let uri: AtUri = "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l6oveex3ii2l".parse().unwrap();
//! assert_eq!(uri.authority(), "did:plc:ewvi7nxzyoun6zhxrhs64oiz");
//! assert_eq!(uri.collection(), Some("app.bsky.feed.post"));
//! assert_eq!(uri.rkey(), Some("3l6oveex3ii2l"));
//! assert!("alice.bsky.social".parse::<Handle>().is_ok());
//! assert!("alice".parse::<Handle>().is_err());
//! assert!("did:plc:1234".parse::<Did>().is_ok());
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string that is not a valid identifier of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a valid {kind}: {reason}")]
pub struct SyntaxError {
    /// What was expected (`handle`, `DID`, `AT-URI`, ...).
    pub kind: &'static str,
    /// The input, clipped to 100 characters.
    pub input: String,
    /// Which rule it breaks.
    pub reason: &'static str,
}

fn err(kind: &'static str, input: &str, reason: &'static str) -> SyntaxError {
    SyntaxError {
        kind,
        input: input.chars().take(100).collect(),
        reason,
    }
}

/// One DNS-style label: 1 to 63 ASCII letters, digits and hyphens, not starting or ending with `-`.
fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

macro_rules! newtype {
    ($(#[$doc:meta])* $name:ident, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = SyntaxError;
            fn from_str(s: &str) -> Result<Self, SyntaxError> {
                $check(s)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = SyntaxError;
            fn try_from(s: String) -> Result<Self, SyntaxError> {
                $check(&s)?;
                Ok(Self(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::try_from(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Checks a handle: a domain name of at least two labels, at most 253 characters, whose last label
/// (the TLD) starts with a letter.
pub fn check_handle(s: &str) -> Result<(), SyntaxError> {
    const K: &str = "handle";
    if s.len() > 253 {
        return Err(err(K, s, "longer than 253 characters"));
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return Err(err(K, s, "a domain name needs at least two labels"));
    }
    if !labels.iter().all(|l| is_label(l)) {
        return Err(err(
            K,
            s,
            "each label is 1-63 ASCII letters, digits or hyphens, not starting or ending with '-'",
        ));
    }
    if !labels[labels.len() - 1].as_bytes()[0].is_ascii_alphabetic() {
        return Err(err(K, s, "the last label must start with a letter"));
    }
    Ok(())
}

/// Checks a DID: `did:` + a lower-case method + `:` + an identifier of `[A-Za-z0-9._:%-]` not ending
/// in `:` or `%`, at most 2048 characters.
pub fn check_did(s: &str) -> Result<(), SyntaxError> {
    const K: &str = "DID";
    if s.len() > 2048 {
        return Err(err(K, s, "longer than 2048 characters"));
    }
    let Some(rest) = s.strip_prefix("did:") else {
        return Err(err(K, s, "it must start with \"did:\""));
    };
    let Some((method, id)) = rest.split_once(':') else {
        return Err(err(K, s, "it needs a method and an identifier"));
    };
    if method.is_empty() || !method.bytes().all(|c| c.is_ascii_lowercase()) {
        return Err(err(K, s, "the method is lower-case letters only"));
    }
    let allowed =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'%' | b'-');
    if id.is_empty() || !id.bytes().all(allowed) {
        return Err(err(
            K,
            s,
            "the identifier is letters, digits and . _ : % - only",
        ));
    }
    if id.ends_with(':') || id.ends_with('%') {
        return Err(err(K, s, "the identifier must not end with ':' or '%'"));
    }
    Ok(())
}

/// Checks an NSID: a reversed domain authority and a name (`app.bsky.feed.post`), at least three
/// segments; the name starts with a letter and has letters and digits only.
pub fn check_nsid(s: &str) -> Result<(), SyntaxError> {
    const K: &str = "NSID";
    if s.len() > 317 {
        return Err(err(K, s, "longer than 317 characters"));
    }
    let segs: Vec<&str> = s.split('.').collect();
    if segs.len() < 3 {
        return Err(err(K, s, "it needs at least three segments"));
    }
    let (name, authority) = segs.split_last().expect("three segments");
    if !authority.iter().all(|l| is_label(l)) {
        return Err(err(
            K,
            s,
            "each authority segment is 1-63 letters, digits or hyphens, not starting or ending with '-'",
        ));
    }
    if !authority[0].as_bytes()[0].is_ascii_alphabetic() {
        return Err(err(K, s, "the first segment must start with a letter"));
    }
    let nb = name.as_bytes();
    if nb.is_empty()
        || nb.len() > 63
        || !nb[0].is_ascii_alphabetic()
        || !nb.iter().all(u8::is_ascii_alphanumeric)
    {
        return Err(err(
            K,
            s,
            "the name is 1-63 letters and digits, starting with a letter",
        ));
    }
    Ok(())
}

/// Checks a record key: 1-512 characters of `[A-Za-z0-9_~.:-]`, neither `.` nor `..`.
pub fn check_record_key(s: &str) -> Result<(), SyntaxError> {
    const K: &str = "record key";
    if s.is_empty() || s.len() > 512 {
        return Err(err(K, s, "it is 1 to 512 characters"));
    }
    if s == "." || s == ".." {
        return Err(err(K, s, "\".\" and \"..\" are not record keys"));
    }
    if !s
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b':' | b'-'))
    {
        return Err(err(K, s, "letters, digits and _ ~ . : - only"));
    }
    Ok(())
}

/// The base32-sortable alphabet of TIDs.
const TID_ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";

/// Checks a TID: 13 characters of the base32-sortable alphabet, the first one with its high bit clear.
pub fn check_tid(s: &str) -> Result<(), SyntaxError> {
    const K: &str = "TID";
    let b = s.as_bytes();
    if b.len() != 13 {
        return Err(err(K, s, "it is exactly 13 characters"));
    }
    if !b.iter().all(|c| TID_ALPHABET.contains(c)) {
        return Err(err(
            K,
            s,
            "characters of 234567abcdefghijklmnopqrstuvwxyz only",
        ));
    }
    if !b"234567abcdefghij".contains(&b[0]) {
        return Err(err(
            K,
            s,
            "the first character must be one of 234567abcdefghij (the top bit is zero)",
        ));
    }
    Ok(())
}

/// Checks an AT-URI as Lexicon uses it: `at://` + a handle or DID, then optionally `/` + an NSID and
/// `/` + a record key, then optionally a `#/` fragment; no trailing slash, at most 8 KiB.
pub fn check_at_uri(s: &str) -> Result<(), SyntaxError> {
    const K: &str = "AT-URI";
    if s.len() > 8 * 1024 {
        return Err(err(K, s, "longer than 8 KiB"));
    }
    let Some(rest) = s.strip_prefix("at://") else {
        return Err(err(K, s, "it must start with \"at://\""));
    };
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    if let Some(f) = fragment {
        let ok = f.starts_with('/')
            && f.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._~:@!$&%')(*+,;=-[]/\\".contains(&c));
        if !ok {
            return Err(err(
                K,
                s,
                "a fragment starts with '/' and has no spaces or '#'",
            ));
        }
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 3 {
        return Err(err(
            K,
            s,
            "at most an authority, a collection and a record key",
        ));
    }
    let authority = parts[0];
    if check_did(authority).is_err() && check_handle(authority).is_err() {
        return Err(err(K, s, "the authority must be a handle or a DID"));
    }
    if let Some(c) = parts.get(1) {
        check_nsid(c).map_err(|_| err(K, s, "the collection must be an NSID"))?;
    }
    if let Some(k) = parts.get(2) {
        check_record_key(k).map_err(|_| err(K, s, "the record key is not valid"))?;
    }
    Ok(())
}

/// Checks a Lexicon datetime: RFC 3339 with upper-case `T` and `Z`, seconds, an optional fraction and
/// a required time zone (`Z` or `±hh:mm`, not `-00:00`), that is a real, non-negative instant.
pub fn check_datetime(s: &str) -> Result<(), SyntaxError> {
    parse_datetime(s).map(|_| ())
}

/// Parses a Lexicon datetime (see [`check_datetime`]) into UTC.
///
/// ```
/// use rapport_bluesky::syntax::parse_datetime;
/// let t = parse_datetime("2024-05-01T09:00:00.123+02:00").unwrap();
/// assert_eq!(t.to_rfc3339(), "2024-05-01T07:00:00.123+00:00");
/// assert!(parse_datetime("2024-05-01 09:00:00Z").is_err());
/// ```
pub fn parse_datetime(s: &str) -> Result<DateTime<Utc>, SyntaxError> {
    const K: &str = "datetime";
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return Err(err(K, s, "expected YYYY-MM-DDThh:mm:ss with a time zone"));
    }
    let mut i = 19;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 20 {
            return Err(err(K, s, "a fraction has 1 to 20 digits"));
        }
    }
    let tz = &s[i..];
    let tz_ok = tz == "Z"
        || (tz.len() == 6
            && matches!(tz.as_bytes()[0], b'+' | b'-')
            && tz.as_bytes()[1..3].iter().all(u8::is_ascii_digit)
            && tz.as_bytes()[3] == b':'
            && tz.as_bytes()[4..6].iter().all(u8::is_ascii_digit)
            && tz != "-00:00");
    if !tz_ok {
        return Err(err(
            K,
            s,
            "the time zone is Z or +hh:mm / -hh:mm (not -00:00)",
        ));
    }
    let t = DateTime::parse_from_rfc3339(s)
        .map_err(|_| err(K, s, "not a real date and time"))?
        .with_timezone(&Utc);
    if t.timestamp() < -62_167_219_200 {
        // Before 0000-01-01T00:00:00Z.
        return Err(err(K, s, "it is before year 0"));
    }
    if chrono::Timelike::second(&t) > 59 {
        return Err(err(K, s, "not a real date and time"));
    }
    Ok(t)
}

/// Checks an at-identifier: a handle or a DID.
pub fn check_at_identifier(s: &str) -> Result<(), SyntaxError> {
    if check_did(s).is_ok() || check_handle(s).is_ok() {
        Ok(())
    } else {
        Err(err("handle or DID", s, "it is neither a handle nor a DID"))
    }
}

newtype!(
    /// A handle (`alice.bsky.social`): a domain name. Compare handles case-insensitively.
    Handle,
    check_handle
);
newtype!(
    /// A DID (`did:plc:ewvi7nxzyoun6zhxrhs64oiz`): the stable account id.
    Did,
    check_did
);
newtype!(
    /// A namespaced identifier of a record type or an endpoint (`app.bsky.feed.post`).
    Nsid,
    check_nsid
);
newtype!(
    /// A record key (`3l6oveex3ii2l`, `self`).
    RecordKey,
    check_record_key
);
newtype!(
    /// A timestamp identifier: the record key of most records, sortable by time.
    Tid,
    check_tid
);
newtype!(
    /// A handle or a DID, as the `actor` parameters take.
    AtIdentifier,
    check_at_identifier
);
newtype!(
    /// An AT-URI (`at://did:plc:.../app.bsky.feed.post/3l6oveex3ii2l`): the id of a record.
    AtUri,
    check_at_uri
);
newtype!(
    /// A Lexicon datetime string.
    Datetime,
    check_datetime
);

impl AtUri {
    fn parts(&self) -> impl Iterator<Item = &str> {
        let rest = &self.0["at://".len()..];
        let path = rest.split('#').next().unwrap_or(rest);
        path.split('/')
    }

    /// The authority: a DID or a handle.
    pub fn authority(&self) -> &str {
        self.parts().next().unwrap_or_default()
    }

    /// The collection (an NSID), when the URI names one.
    pub fn collection(&self) -> Option<&str> {
        self.parts().nth(1)
    }

    /// The record key, when the URI names a record.
    pub fn rkey(&self) -> Option<&str> {
        self.parts().nth(2)
    }

    /// The URI of a record: `at://{repo}/{collection}/{rkey}`.
    pub fn record(repo: &str, collection: &str, rkey: &str) -> Result<AtUri, SyntaxError> {
        format!("at://{repo}/{collection}/{rkey}").parse()
    }

    /// The web address of a post on bsky.app (`https://bsky.app/profile/{authority}/post/{rkey}`), for
    /// posts only.
    pub fn to_bsky_app_url(&self) -> Option<String> {
        (self.collection() == Some("app.bsky.feed.post"))
            .then(|| self.rkey())
            .flatten()
            .map(|k| format!("https://bsky.app/profile/{}/post/{k}", self.authority()))
    }
}

impl Datetime {
    /// The instant, in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        // Checked when it was made.
        parse_datetime(&self.0).expect("a checked datetime parses")
    }
}

/// Reads a post address: an AT-URI, or a bsky.app web address
/// (`https://bsky.app/profile/{handle or DID}/post/{rkey}`), which becomes the AT-URI with the
/// handle as its authority (resolve it to a DID for a stable id).
///
/// ```
/// use rapport_bluesky::syntax::post_uri_from;
/// let u = post_uri_from("https://bsky.app/profile/alice.bsky.social/post/3l6oveex3ii2l").unwrap();
/// assert_eq!(u.as_str(), "at://alice.bsky.social/app.bsky.feed.post/3l6oveex3ii2l");
/// assert!(post_uri_from("https://example.com/x").is_err());
/// ```
pub fn post_uri_from(s: &str) -> Result<AtUri, SyntaxError> {
    let s = s.trim();
    if s.starts_with("at://") {
        return s.parse();
    }
    let rest = s
        .strip_prefix("https://bsky.app/profile/")
        .or_else(|| s.strip_prefix("http://bsky.app/profile/"))
        .ok_or_else(|| {
            err(
                "post address",
                s,
                "expected an at:// URI or https://bsky.app/profile/.../post/...",
            )
        })?;
    let mut parts = rest.trim_end_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(actor), Some("post"), Some(rkey), None) => {
            AtUri::record(actor, "app.bsky.feed.post", rkey)
        }
        _ => Err(err(
            "post address",
            s,
            "expected https://bsky.app/profile/{handle}/post/{rkey}",
        )),
    }
}

/// Reads a profile address: a handle (with or without `@`), a DID, or a bsky.app profile URL
/// (`https://bsky.app/profile/{handle or DID}`).
///
/// ```
/// use rapport_bluesky::syntax::actor_from;
/// assert_eq!(actor_from("https://bsky.app/profile/alice.bsky.social").unwrap().as_str(), "alice.bsky.social");
/// assert_eq!(actor_from("@alice.bsky.social").unwrap().as_str(), "alice.bsky.social");
/// assert!(actor_from("alice").is_err());
/// ```
pub fn actor_from(s: &str) -> Result<AtIdentifier, SyntaxError> {
    let s = s.trim();
    let s = s
        .strip_prefix("https://bsky.app/profile/")
        .or_else(|| s.strip_prefix("http://bsky.app/profile/"))
        .map_or(s, |r| r.trim_end_matches('/'));
    s.trim_start_matches('@').parse()
}
