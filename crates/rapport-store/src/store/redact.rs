//! Tombstones and redaction: recognising forgotten people, and removing their `@handle` and profile
//! URLs from other people's posts and bios.

use std::collections::HashSet;

use rapport_core::normalize_handle;

/// The `@handle` tokens of a text: (byte start of `@`, byte end, the handle).
pub(crate) fn at_tokens(text: &str) -> Vec<(usize, usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr_at(&b[i..]) {
        let start = i + off;
        let prev_ok = start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        let mut end = start + 1;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        if prev_ok && end > start + 1 {
            out.push((start, end, &text[start + 1..end]));
        }
        i = end.max(start + 1);
    }
    out
}

fn memchr_at(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'@')
}

/// What replaces `@handle` of a forgotten person inside other people's posts.
pub const REDACTED_MENTION: &str = "@[forgotten]";

/// The tombstones of a database, loaded for one write.
pub(crate) struct Tombstones<'s> {
    pub(super) key: &'s [u8],
    pub(super) legacy_salt: Option<&'s [u8]>,
    pub(super) set: HashSet<String>,
}

impl Tombstones<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
    fn has(&self, value: &str) -> bool {
        self.set
            .contains(&crate::key::hmac_hex(self.key, value.as_bytes()))
            || self
                .legacy_salt
                .is_some_and(|s| self.set.contains(&crate::schema::legacy_digest(s, value)))
    }
    pub(crate) fn id(&self, id: &str) -> bool {
        !id.is_empty() && !self.set.is_empty() && self.has(&format!("id:{id}"))
    }
    /// Whether a compliance event removed this post ([`crate::Store::apply_compliance`]).
    pub(crate) fn post(&self, post_id: &str) -> bool {
        !post_id.is_empty()
            && !self.set.is_empty()
            && self.has(&crate::compliance::post_value(post_id))
    }
    pub(crate) fn handle(&self, handle: &str) -> bool {
        !handle.is_empty()
            && !self.set.is_empty()
            && self.has(&format!("handle:{}", normalize_handle(handle)))
    }
}

/// Replaces every `@handle` of a forgotten handle in `text`; returns the new text and the count.
pub(crate) fn redact(text: &str, forgotten: impl Fn(&str) -> bool) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut n = 0;
    for (s, e, h) in at_tokens(text) {
        if forgotten(h) {
            out.push_str(&text[last..s]);
            out.push_str(REDACTED_MENTION);
            last = e;
            n += 1;
        }
    }
    if n == 0 {
        return (text.to_owned(), 0);
    }
    out.push_str(&text[last..]);
    (out, n)
}

/// The handle an X profile or post URL names (`https://x.com/ada/status/1` → `ada`).
pub(crate) fn url_handle(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("mobile."))
        .unwrap_or(&host);
    if host != "x.com" && host != "twitter.com" {
        return None;
    }
    let seg = path.split(['/', '?', '#']).next()?;
    (!seg.is_empty()).then_some(seg)
}

/// Replaces the handle of forgotten people in X profile and post URLs inside a text
/// (`twitter.com/ada/status/1` → `twitter.com/[forgotten]/status/1`); returns the text and the count.
pub(crate) fn redact_urls(text: &str, forgotten: impl Fn(&str) -> bool) -> (String, usize) {
    let lower = text.to_ascii_lowercase();
    let b = text.as_bytes();
    let mut cuts = Vec::new();
    for host in ["twitter.com/", "x.com/"] {
        let mut from = 0;
        while let Some(off) = lower[from..].find(host) {
            let at = from + off;
            from = at + host.len();
            let prev_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'-');
            let start = at + host.len();
            let mut end = start;
            while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
            if prev_ok && end > start && forgotten(&text[start..end]) {
                cuts.push((start, end));
            }
        }
    }
    if cuts.is_empty() {
        return (text.to_owned(), 0);
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(s, e) in &cuts {
        out.push_str(&text[last..s]);
        out.push_str("[forgotten]");
        last = e;
    }
    out.push_str(&text[last..]);
    (out, cuts.len())
}
