//! A hand-written parser for the import's lean [`Node`]: the same structs the serde derive of
//! [`lite`](super::lite) builds, without the derive's per-field visitors, with object keys matched
//! as raw bytes and string ends found eight bytes at a time.
//!
//! It only answers when it is sure to build exactly what serde would: on anything else (a syntax
//! error, a duplicate field, an escape inside a key, a value of a type serde would reject or treat
//! specially, nesting deeper than [`MAX_DEPTH`], trailing bytes) it returns
//! `None`, and the caller parses the line again with serde, so errors, messages and lenient or
//! strict behaviour are serde's. Ignored values are skipped without building anything, but fully
//! validated (number grammar, literals, escapes, brackets), so a line serde rejects is never
//! accepted here.

use super::lite::{
    IncludesLite, LiteAnnotation, LiteEntities, LiteMention, LiteNamed, LiteNote, LiteTag, LiteUrl,
    Metrics, Node,
};
use crate::models::{OneOrMany, Problem, parse_time};
use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use std::borrow::Cow;

/// Objects and arrays nested deeper than this are left to serde (its own limit is 128).
const MAX_DEPTH: u32 = 100;

/// Parses one JSON document into a [`Node`], or `None` when serde should do it.
pub(crate) fn parse(text: &str) -> Option<Node<'_>> {
    let mut p = P {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    let n = p.node()?;
    p.ws();
    (p.i == p.b.len()).then_some(n)
}

/// The value of each hex digit; every other byte maps to 0xF0.
const HEX: [u8; 256] = {
    let mut t = [0xF0_u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` that is `"`, `\` or a control character (< 0x20). Bits above
/// the lowest may be false positives (borrows), the lowest is exact.
#[inline]
fn specials(w: u64) -> u64 {
    let q = w ^ (LO * u64::from(b'"'));
    let bs = w ^ (LO * u64::from(b'\\'));
    ((q.wrapping_sub(LO) & !q) | (bs.wrapping_sub(LO) & !bs) | (w.wrapping_sub(LO * 0x20) & !w))
        & HI
}

/// The index of the first `"`, `\` or control character at or after `i`, or `b.len()`.
#[inline]
fn scan(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let m = specials(w);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: u32,
}

/// Marks field `bit` as seen; `None` on a duplicate (serde's "duplicate field" error).
#[inline]
fn once(seen: &mut u32, bit: u32) -> Option<()> {
    if *seen & (1 << bit) != 0 {
        return None;
    }
    *seen |= 1 << bit;
    Some(())
}

// The outer `Option` of every reader is "not sure, leave the line to serde"; the inner one is the
// field's own value.
#[allow(clippy::option_option)]
impl<'a> P<'a> {
    #[inline]
    fn ws(&mut self) {
        // Compact JSON: the next byte is a token.
        if self.b.get(self.i).is_some_and(|&c| c > b' ') {
            return;
        }
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// `null` (consumed) → `true`; anything else is left in place → `false`.
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Some(true)
        } else {
            Some(false)
        }
    }

    /// Walks the members of an object (the `{` not yet consumed), calling `f` with each key with the
    /// parser at its value; `f` must consume the value.
    fn object(&mut self, mut f: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.enter()?;
        if self.peek()? == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            let k = self.key()?;
            self.eat(b':')?;
            self.ws();
            f(self, k)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Walks the items of an array (the `[` not yet consumed); `f` must consume each item.
    fn array(&mut self, mut f: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.enter()?;
        if self.peek()? == b']' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            self.ws();
            f(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A key without escapes, as raw bytes.
    #[inline]
    fn key(&mut self) -> Option<&'a [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let end = scan(self.b, start);
        if *self.b.get(end)? != b'"' {
            return None;
        }
        self.i = end + 1;
        Some(&self.b[start..end])
    }

    /// A string (the parser at its `"`): borrowed without escapes, decoded otherwise.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let end = scan(self.b, start);
        match *self.b.get(end)? {
            b'"' => {
                self.i = end + 1;
                Some(Cow::Borrowed(self.s.get(start..end)?))
            }
            b'\\' => {
                let mut out = String::with_capacity(end - start + 16);
                out.push_str(self.s.get(start..end)?);
                self.i = end;
                loop {
                    // At a backslash.
                    self.escape(&mut out)?;
                    let from = self.i;
                    let end = scan(self.b, from);
                    out.push_str(self.s.get(from..end)?);
                    match *self.b.get(end)? {
                        b'"' => {
                            self.i = end + 1;
                            return Some(Cow::Owned(out));
                        }
                        b'\\' => self.i = end,
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        let d = [
            HEX[usize::from(h[0])],
            HEX[usize::from(h[1])],
            HEX[usize::from(h[2])],
            HEX[usize::from(h[3])],
        ];
        // A byte that is not a hex digit has its high bits set in the table.
        if (d[0] | d[1] | d[2] | d[3]) > 0x0F {
            return None;
        }
        let v = (u32::from(d[0]) << 12)
            | (u32::from(d[1]) << 8)
            | (u32::from(d[2]) << 4)
            | u32::from(d[3]);
        self.i += 4;
        Some(v)
    }

    /// Decodes the escape at `self.i` (a backslash) into `out`.
    #[inline]
    fn escape(&mut self, out: &mut String) -> Option<()> {
        out.push(self.unescape()?);
        Some(())
    }

    /// Reads the escape at `self.i` (a backslash): the character it stands for.
    fn unescape(&mut self) -> Option<char> {
        let c = *self.b.get(self.i + 1)?;
        self.i += 2;
        Some(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let code = match hi {
                    0xD800..=0xDBFF => {
                        if self.b.get(self.i..self.i + 2)? != b"\\u" {
                            return None;
                        }
                        self.i += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return None;
                        }
                        0x1_0000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => hi,
                };
                char::from_u32(code)?
            }
            _ => return None,
        })
    }

    /// A string, skipped: escapes are checked but nothing is built.
    fn skip_string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            let end = scan(self.b, self.i);
            match *self.b.get(end)? {
                b'"' => {
                    self.i = end + 1;
                    return Some(());
                }
                b'\\' => {
                    self.i = end;
                    // Read and dropped: exactly the check serde makes.
                    self.unescape()?;
                }
                _ => return None,
            }
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - from
    }

    /// A number, skipped, after checking JSON's grammar.
    fn skip_number(&mut self) -> Option<()> {
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    /// A non-negative integer that fits a `u64` (what serde hands to `visit_u64`); anything else
    /// (negative, fraction, exponent, overflow) is left to serde.
    fn u64(&mut self) -> Option<u64> {
        let from = self.i;
        let mut v: u64 = 0;
        while let Some(&c @ b'0'..=b'9') = self.b.get(self.i) {
            v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
            self.i += 1;
        }
        let n = self.i - from;
        if n == 0 || (n > 1 && self.b[from] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.b.get(self.i) {
            return None;
        }
        Some(v)
    }

    /// Any value, skipped and validated.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(|p, _| p.skip()),
            b'[' => self.array(Self::skip),
            b'"' => self.skip_string(),
            b'-' | b'0'..=b'9' => self.skip_number(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => None,
        }
    }

    /// `Option<Cow<str>>`: `null` or a string.
    fn opt_str(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.null()? {
            return Some(None);
        }
        self.string().map(Some)
    }

    /// A required `Cow<str>` (a string; `null` is serde's error).
    fn str(&mut self) -> Option<Cow<'a, str>> {
        self.peek()?;
        self.string()
    }

    /// `lite::opt_id`: `null`, a string, or a non-negative integer as its decimal string.
    fn opt_id(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string().map(Some),
            b'0'..=b'9' => self.u64().map(|v| Some(Cow::Owned(v.to_string()))),
            _ => None,
        }
    }

    /// `models::de_time`: `null` or a timestamp `parse_time` accepts.
    fn time(&mut self) -> Option<Option<DateTime<Utc>>> {
        if self.null()? {
            return Some(None);
        }
        let s = self.string()?;
        parse_time(&s).ok().map(Some)
    }

    /// `models::de_opt_num` for `u64`: `null`, an integer, or a string holding one.
    fn opt_num(&mut self) -> Option<Option<u64>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'"' => self.string()?.trim().parse().ok().map(Some),
            b'0'..=b'9' => self.u64().map(Some),
            _ => None,
        }
    }

    /// `null_default` of a list: `null` or an array of `item`s.
    fn list<T>(
        &mut self,
        cap: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        if self.null()? {
            return Some(Vec::new());
        }
        let mut out = Vec::with_capacity(cap);
        self.array(|p| {
            out.push(item(p)?);
            Some(())
        })?;
        Some(out)
    }

    /// `Option<Box<T>>` of an object: `null` or `item`.
    fn opt_box<T>(&mut self, item: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<Box<T>>> {
        if self.null()? {
            return Some(None);
        }
        item(self).map(|t| Some(Box::new(t)))
    }

    fn node(&mut self) -> Option<Node<'a>> {
        if self.peek()? != b'{' {
            // serde also reads a struct from an array; leave that (and errors) to it.
            return None;
        }
        let mut n = Node::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"id" => {
                    once(&mut seen, 0)?;
                    n.id = p.opt_id()?;
                }
                b"text" => {
                    once(&mut seen, 1)?;
                    n.text = p.opt_str()?;
                }
                b"author_id" => {
                    once(&mut seen, 2)?;
                    n.author_id = p.opt_id()?;
                }
                b"created_at" => {
                    once(&mut seen, 3)?;
                    n.created_at = p.time()?;
                }
                b"conversation_id" => {
                    once(&mut seen, 4)?;
                    n.conversation_id = p.opt_id()?;
                }
                b"in_reply_to_user_id" => {
                    once(&mut seen, 5)?;
                    n.in_reply_to_user_id = p.opt_id()?;
                }
                b"lang" => {
                    once(&mut seen, 6)?;
                    n.lang = p.opt_str()?;
                }
                b"type" => {
                    once(&mut seen, 7)?;
                    n.kind = p.opt_str()?;
                }
                b"referenced_tweets" | b"referenced_posts" => {
                    once(&mut seen, 8)?;
                    n.referenced_tweets = p.list(0, Self::node)?;
                }
                b"entities" => {
                    once(&mut seen, 9)?;
                    n.entities = p.opt_box(Self::entities)?;
                }
                b"note_tweet" | b"note_post" => {
                    once(&mut seen, 10)?;
                    n.note_tweet = p.opt_box(Self::note)?;
                }
                b"public_metrics" => {
                    once(&mut seen, 11)?;
                    n.public_metrics = p.opt_box(Self::metrics)?;
                }
                b"context_annotations" => {
                    once(&mut seen, 12)?;
                    n.context_annotations = p.list(0, Self::annotation)?;
                }
                b"username" => {
                    once(&mut seen, 13)?;
                    n.username = p.opt_str()?;
                }
                b"name" => {
                    once(&mut seen, 14)?;
                    n.name = p.opt_str()?;
                }
                b"description" => {
                    once(&mut seen, 15)?;
                    n.description = p.opt_str()?;
                }
                b"author" => {
                    once(&mut seen, 16)?;
                    n.author = p.opt_box(Self::node)?;
                }
                b"in_reply_to_user" => {
                    once(&mut seen, 17)?;
                    n.in_reply_to_user = p.opt_box(Self::node)?;
                }
                b"data" => {
                    once(&mut seen, 18)?;
                    n.data = p.opt_box(Self::one_or_many)?;
                }
                b"includes" => {
                    once(&mut seen, 19)?;
                    n.includes = p.opt_box(Self::includes)?;
                }
                b"errors" => {
                    once(&mut seen, 20)?;
                    // Problems are few and small: serde reads them from the value's own bytes
                    // (the value is checked by the skip first, as every other value).
                    if !p.null()? {
                        p.ws();
                        let start = p.i;
                        p.skip()?;
                        n.errors = serde_json::from_str::<Vec<Problem>>(&p.s[start..p.i]).ok()?;
                    }
                }
                b"meta" => {
                    once(&mut seen, 21)?;
                    if !p.null()? {
                        p.skip()?;
                        n.meta = Some(IgnoredAny);
                    }
                }
                b"action" => {
                    once(&mut seen, 22)?;
                    n.action = p.opt_str()?;
                }
                b"reason" => {
                    once(&mut seen, 23)?;
                    n.reason = p.opt_str()?;
                }
                b"redacted_at" => {
                    once(&mut seen, 24)?;
                    n.redacted_at = p.time()?;
                }
                b"title" => {
                    once(&mut seen, 25)?;
                    n.title = p.opt_str()?;
                }
                b"detail" => {
                    once(&mut seen, 26)?;
                    n.detail = p.opt_str()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(n)
    }

    /// `OneOrMany<Node>`: one object or an array of them.
    fn one_or_many(&mut self) -> Option<OneOrMany<Node<'a>>> {
        match self.peek()? {
            b'{' => self.node().map(OneOrMany::One),
            b'[' => self.list(128, Self::node).map(OneOrMany::Many),
            _ => None,
        }
    }

    fn includes(&mut self) -> Option<IncludesLite<'a>> {
        let mut inc = IncludesLite::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"users" => {
                    once(&mut seen, 0)?;
                    inc.users = p.list(128, Self::node)?;
                }
                b"tweets" | b"posts" => {
                    once(&mut seen, 1)?;
                    inc.tweets = p.list(128, Self::node)?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(inc)
    }

    fn entities(&mut self) -> Option<LiteEntities<'a>> {
        let mut e = LiteEntities::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"hashtags" => {
                    once(&mut seen, 0)?;
                    e.hashtags = p.list(0, Self::tag)?;
                }
                b"mentions" => {
                    once(&mut seen, 1)?;
                    e.mentions = p.list(0, Self::mention)?;
                }
                b"urls" => {
                    once(&mut seen, 2)?;
                    e.urls = p.list(0, Self::url)?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(e)
    }

    fn tag(&mut self) -> Option<LiteTag<'a>> {
        let mut t = LiteTag::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            if k == b"tag" {
                once(&mut seen, 0)?;
                t.tag = p.str()?;
            } else {
                p.skip()?;
            }
            Some(())
        })?;
        Some(t)
    }

    fn mention(&mut self) -> Option<LiteMention<'a>> {
        let mut m = LiteMention::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"start" => {
                    once(&mut seen, 0)?;
                    p.peek()?;
                    m.start = usize::try_from(p.u64()?).ok()?;
                }
                b"username" => {
                    once(&mut seen, 1)?;
                    m.username = p.str()?;
                }
                b"id" => {
                    once(&mut seen, 2)?;
                    m.id = p.opt_id()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(m)
    }

    fn url(&mut self) -> Option<LiteUrl<'a>> {
        let mut u = LiteUrl::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"url" => {
                    once(&mut seen, 0)?;
                    u.url = p.str()?;
                }
                b"expanded_url" => {
                    once(&mut seen, 1)?;
                    u.expanded_url = p.opt_str()?;
                }
                b"unwound_url" => {
                    once(&mut seen, 2)?;
                    u.unwound_url = p.opt_str()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(u)
    }

    fn note(&mut self) -> Option<LiteNote<'a>> {
        let mut n = LiteNote::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"text" => {
                    once(&mut seen, 0)?;
                    n.text = p.opt_str()?;
                }
                b"entities" => {
                    once(&mut seen, 1)?;
                    n.entities = if p.null()? { None } else { Some(p.entities()?) };
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(n)
    }

    fn annotation(&mut self) -> Option<LiteAnnotation<'a>> {
        let mut a = LiteAnnotation::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"domain" => {
                    once(&mut seen, 0)?;
                    a.domain = p.named()?;
                }
                b"entity" => {
                    once(&mut seen, 1)?;
                    a.entity = p.named()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(a)
    }

    /// `null_default` of a [`LiteNamed`]: `null` is the default.
    fn named(&mut self) -> Option<LiteNamed<'a>> {
        let mut n = LiteNamed::default();
        if self.null()? {
            return Some(n);
        }
        let mut seen = 0u32;
        self.object(|p, k| {
            match k {
                b"id" => {
                    once(&mut seen, 0)?;
                    n.id = p.opt_id()?;
                }
                b"name" => {
                    once(&mut seen, 1)?;
                    n.name = p.opt_str()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(n)
    }

    fn metrics(&mut self) -> Option<Metrics> {
        let mut m = Metrics::default();
        let mut seen = 0u32;
        self.object(|p, k| {
            let (bit, slot) = match k {
                b"retweet_count" => (0, &mut m.retweet_count),
                b"reply_count" => (1, &mut m.reply_count),
                b"like_count" => (2, &mut m.like_count),
                b"quote_count" => (3, &mut m.quote_count),
                b"impression_count" => (4, &mut m.impression_count),
                b"bookmark_count" => (5, &mut m.bookmark_count),
                b"followers_count" => (6, &mut m.followers_count),
                b"following_count" => (7, &mut m.following_count),
                b"tweet_count" => (8, &mut m.tweet_count),
                b"listed_count" => (9, &mut m.listed_count),
                _ => return p.skip(),
            };
            once(&mut seen, bit)?;
            *slot = p.opt_num()?;
            Some(())
        })?;
        Some(m)
    }
}

/// Compares [`parse`] with serde on `text`: `Ok(true)` when `parse` answered and agrees, `Ok(false)`
/// when it left `text` to serde, `Err` with both when `parse` answered something serde does not.
pub(crate) fn agrees(text: &str) -> Result<bool, String> {
    let fast = parse(text);
    let serde = serde_json::from_str::<Node<'_>>(text);
    match (&fast, &serde) {
        (None, _) => Ok(false),
        (Some(f), Ok(s)) => {
            let (f, s) = (format!("{f:?}"), format!("{s:?}"));
            if f == s {
                Ok(true)
            } else {
                Err(format!("fast: {f}\nserde: {s}"))
            }
        }
        (Some(f), Err(e)) => Err(format!("fast: {f:?}\nserde: error {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    /// `<clone>/../shared`, or one level up from a worktree, or `RAPPORT_SHARED_DIR`.
    fn shared() -> PathBuf {
        if let Some(d) = std::env::var_os("RAPPORT_SHARED_DIR") {
            return PathBuf::from(d);
        }
        let candidates = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../../shared"),
        ];
        candidates
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .unwrap_or_else(|| PathBuf::from(candidates[0]))
    }

    /// Asserts that `parse` agrees with serde on `text`; returns whether it answered.
    fn check(text: &str) -> bool {
        match agrees(text) {
            Ok(answered) => answered,
            Err(e) => panic!("{text}\n{e}"),
        }
    }

    /// Asserts that `parse` answers on a valid document and agrees.
    fn check_valid(what: &str, text: &str) {
        serde_json::from_str::<Node<'_>>(text).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(check(text), "{what}: the fast path did not answer");
    }

    #[test]
    fn agrees_on_every_recorded_fixture_and_its_lines() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(shared().join("fixtures/twitter"))
            .expect("shared/fixtures/twitter")
            .map(|e| e.unwrap().path())
            .collect();
        let examples = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/notebooks/mock_x_api"
        );
        files.extend(
            std::fs::read_dir(examples)
                .expect("examples/notebooks/mock_x_api")
                .map(|e| e.unwrap().path()),
        );
        let mut n = 0;
        for f in files {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext != "json" && ext != "jsonl" {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            let what = f.display().to_string();
            if ext == "json" {
                check_valid(&what, &text);
                // The same document on one line, as a JSONL importer reads it.
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                check_valid(&what, &v.to_string());
                // Every prefix is invalid: the fast parser must leave it to serde (past the first
                // half kilobyte, one cut in 997 keeps the test quick).
                let cuts = (0..text.len())
                    .filter(|&e| (e < 512 || e % 997 == 0) && text.is_char_boundary(e));
                for end in cuts {
                    check(&text[..end]);
                }
            } else {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    check_valid(&what, line);
                }
            }
            n += 1;
        }
        assert!(n >= 20, "only {n} fixtures found");
    }

    #[test]
    fn strings_escapes_and_numbers() {
        for (text, answered) in [
            (
                r#"{"id":"1","text":"a\u00e9\ud83d\ude00\n\"\\\/\b\f\r\t"}"#,
                true,
            ),
            (r#"{"id":1234567890123,"author_id":0}"#, true),
            (r#"{"id":-1}"#, false),
            (r#"{"id":1.5}"#, false),
            (r#"{"id":1e3}"#, false),
            (r#"{"id":18446744073709551616}"#, false),
            (r#"{"id":01}"#, false),
            (r#"{"text":"\ud83d"}"#, false),
            (r#"{"text":"\ude00"}"#, false),
            (r#"{"text":"\ud83d\u0041"}"#, false),
            (r#"{"text":"\x"}"#, false),
            ("{\"text\":\"a\u{1}b\"}", false),
            (r#"{"text":1}"#, false),
            (r#"{"text":null,"lang":null,"id":null}"#, true),
            (r#"{"id":"1","id":"2"}"#, false),
            (r#"{"referenced_tweets":[],"referenced_posts":[]}"#, false),
            (r#"{"t\u0065xt":"a"}"#, false),
            (
                r#"{"x":[1,-0.5e+3,true,false,null,{"y":"\u00e9"}],"id":"1"}"#,
                true,
            ),
            (r#"{"x":[1,]}"#, false),
            (r#"{"x":1,}"#, false),
            (r#"{"x":-}"#, false),
            (r#"{"x":1.}"#, false),
            (r#"{"x":tru}"#, false),
            (r#"{"x":truex}"#, false),
            (r#"{"id":"1"} x"#, false),
            (" {\"id\":\"1\"}\n ", true),
            (r#"[{"id":"1"}]"#, false),
            (r#"{"errors":[]}"#, true),
            (r#"{"errors":null}"#, true),
            (r#"{"errors":[{"title":"x"}]}"#, true),
            (r#"{"text":"caf\u00E9 \u00e9 \uD83D\uDE00"}"#, true),
            (r#"{"text":"\u00eg"}"#, false),
            (r#"{"text":"\u0g41"}"#, false),
            (r#"{"text":"\ug041"}"#, false),
            (r#"{"text":"\u004:"}"#, false),
            (r#"{"lang":"\u004"}"#, false),
            (r#"{"meta":"\u00eG"}"#, false),
            (r#"{"meta":"\u00e9\/"}"#, true),
            (
                r#"{"errors":[{"title":"x","value":"1","detail":"gone","type":"https://api.twitter.com/2/problems/resource-not-found"}], "data":[]}"#,
                true,
            ),
            (r#"{"errors":{"title":"x"}}"#, false),
            (r#"{"errors":[{"title":1}]}"#, false),
            (r#"{"meta":{"a":[1,2,{"b":null}]},"data":[]}"#, true),
            (r#"{"meta":null}"#, true),
            (r#"{"data":{"id":"1"}}"#, true),
            (r#"{"data":null,"includes":null}"#, true),
            (r#"{"data":"x"}"#, false),
            (r#"{"includes":{"users":null,"posts":[{"id":"2"}]}}"#, true),
            (r#"{"includes":{"users":{}}}"#, false),
            (r#"{"created_at":"2024-01-01T00:00:00.000Z"}"#, true),
            (r#"{"created_at":"2024-01-01 00:00"}"#, false),
            (
                r#"{"created_at":null,"redacted_at":"2024-01-01T00:00:00+02:00"}"#,
                true,
            ),
            (
                r#"{"public_metrics":{"like_count":"4","reply_count":3,"quote_count":null}}"#,
                true,
            ),
            (r#"{"public_metrics":{"like_count":"x"}}"#, false),
            (r#"{"public_metrics":{"like_count":-1}}"#, false),
            (
                r#"{"entities":{"mentions":[{"start":3,"username":"a","id":7}],"urls":[{"url":"u","unwound_url":null}],"hashtags":[{"tag":"t"}]}}"#,
                true,
            ),
            (r#"{"entities":{"mentions":[{"start":null}]}}"#, false),
            (r#"{"entities":{"hashtags":[{"tag":null}]}}"#, false),
            (
                r#"{"context_annotations":[{"domain":null,"entity":{"id":"1","name":"n"}}]}"#,
                true,
            ),
            (
                r#"{"note_tweet":{"text":"t","entities":null},"author":{"id":"1"},"in_reply_to_user":null}"#,
                true,
            ),
        ] {
            assert_eq!(check(text), answered, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_left_to_serde() {
        let deep = format!("{{\"x\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        assert!(parse(&deep).is_none());
        let ok = format!("{{\"x\":{}1{}}}", "[".repeat(50), "]".repeat(50));
        assert!(check(&ok));
    }

    /// Any JSON value, with the keys the parser reads among random ones.
    fn value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let key = prop_oneof![
            Just("id".to_owned()),
            Just("text".to_owned()),
            Just("author_id".to_owned()),
            Just("created_at".to_owned()),
            Just("type".to_owned()),
            Just("referenced_tweets".to_owned()),
            Just("referenced_posts".to_owned()),
            Just("entities".to_owned()),
            Just("hashtags".to_owned()),
            Just("mentions".to_owned()),
            Just("urls".to_owned()),
            Just("tag".to_owned()),
            Just("start".to_owned()),
            Just("username".to_owned()),
            Just("url".to_owned()),
            Just("public_metrics".to_owned()),
            Just("like_count".to_owned()),
            Just("context_annotations".to_owned()),
            Just("domain".to_owned()),
            Just("note_tweet".to_owned()),
            Just("author".to_owned()),
            Just("data".to_owned()),
            Just("includes".to_owned()),
            Just("users".to_owned()),
            Just("tweets".to_owned()),
            Just("errors".to_owned()),
            Just("meta".to_owned()),
            "[a-z_é]{0,6}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            Just(Value::from("2024-01-01T00:00:00.000Z")),
            Just(Value::from("12")),
            "\\PC{0,12}".prop_map(Value::from),
            "[\"\\\\/\u{8}\u{c}\n\r\t\u{1}a\u{e9}\u{1f600}]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Byte-level damage to a valid document: a cut, a removed or inserted byte, a duplicated
    /// member.
    fn damage(text: &str, at: usize, what: u8, byte: u8) -> String {
        let mut b = text.as_bytes().to_vec();
        let at = at % (b.len() + 1);
        match what % 4 {
            0 => b.truncate(at),
            1 if at < b.len() => {
                b.remove(at);
            }
            2 => b.insert(at, byte),
            _ => {
                // Repeat the first member: a duplicate key.
                if let Some(comma) = b.iter().position(|&c| c == b',') {
                    let member = b[1..comma].to_vec();
                    b.splice(1..1, member.into_iter().chain([b',']));
                }
            }
        }
        String::from_utf8_lossy(&b).into_owned()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_agrees_with_serde(v in value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                v.to_string()
            };
            // Escapes serde_json does not write itself.
            let text = text.replace('é', "\\u00e9").replace('😀', "\\ud83d\\ude00");
            check(&text);
        }

        #[test]
        fn fast_rejects_what_serde_rejects(
            v in value(),
            at in any::<usize>(),
            what in any::<u8>(),
            byte in prop::sample::select(b"{}[],:\"\\ 0-1.eEtfnu\x01x".to_vec()),
        ) {
            let text = damage(&v.to_string(), at, what, byte);
            check(&text);
        }
    }
}
