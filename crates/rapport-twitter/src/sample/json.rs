//! Writing the world as twarc2 JSONL: one API response page per line, escaped like Python's
//! `json.dumps` (which twarc uses), so non-ASCII text arrives as `\uXXXX` surrogate pairs.

// Short names (o for the output, k for a page number) keep the writer readable.
#![allow(clippy::many_single_char_names)]

use super::SampleConfig;
use super::render::{Rendered, render_bio, render_post};
use super::rng::Rng;
use super::vocab::TOPICS;
use super::world::{DAY, Kind, NONE, World};

/// A byte buffer with the JSON pieces the pages are made of.
pub(crate) struct Out {
    pub buf: Vec<u8>,
    ascii: bool,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Out {
    pub(crate) fn new(ascii: bool) -> Out {
        Out {
            buf: Vec::with_capacity(1 << 18),
            ascii,
        }
    }

    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn u16_escape(&mut self, u: u16) {
        self.buf.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            self.buf.push(HEX[usize::from((u >> shift) & 0xF)]);
        }
    }

    fn str(&mut self, s: &str) {
        self.buf.push(b'"');
        for c in s.chars() {
            match c {
                '"' => self.buf.extend_from_slice(b"\\\""),
                '\\' => self.buf.extend_from_slice(b"\\\\"),
                '\n' => self.buf.extend_from_slice(b"\\n"),
                '\r' => self.buf.extend_from_slice(b"\\r"),
                '\t' => self.buf.extend_from_slice(b"\\t"),
                c if (c as u32) < 0x20 => self.u16_escape(c as u16),
                c if c.is_ascii() => self.buf.push(c as u8),
                c if self.ascii => {
                    let mut units = [0u16; 2];
                    for &u in c.encode_utf16(&mut units).iter() {
                        self.u16_escape(u);
                    }
                }
                c => {
                    let mut b = [0u8; 4];
                    self.buf.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                }
            }
        }
        self.buf.push(b'"');
    }

    fn num(&mut self, x: u64) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        let mut x = x;
        loop {
            i -= 1;
            tmp[i] = b'0' + (x % 10) as u8;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&tmp[i..]);
    }

    fn id(&mut self, x: u64) {
        self.buf.push(b'"');
        self.num(x);
        self.buf.push(b'"');
    }

    fn time(&mut self, ms: i64) {
        self.buf.push(b'"');
        self.buf.extend_from_slice(&rfc3339_millis(ms));
        self.buf.push(b'"');
    }
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the API's `created_at`.
pub(crate) fn rfc3339_millis(ms: i64) -> [u8; 24] {
    let (y, mo, d) = civil(ms.div_euclid(DAY));
    let rem = ms.rem_euclid(DAY);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let mut out = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, v: i64| {
        let mut v = v;
        for k in (0..width).rev() {
            out[at + k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y);
    put(5, 2, mo);
    put(8, 2, d);
    put(11, 2, h);
    put(14, 2, mi);
    put(17, 2, s);
    put(20, 3, milli);
    out
}

fn iso_seconds(ms: i64) -> String {
    let b = rfc3339_millis(ms);
    format!("{}+00:00", std::str::from_utf8(&b[..19]).expect("ascii"))
}

/// The page layout: which emitted posts (newest first) go on each line.
#[derive(Debug)]
pub(crate) struct Plan {
    pub order: Vec<u32>,
    pub pages: Vec<(usize, usize)>,
    pub duplicates: usize,
}

pub(crate) fn plan(world: &World, cfg: &SampleConfig) -> Plan {
    let order: Vec<u32> = (0..world.posts.len() as u32)
        .rev()
        .filter(|&i| !world.posts[i as usize].ghost)
        .collect();
    let mut pages = Vec::new();
    let mut duplicates = 0;
    let mut pos = 0;
    while pos < order.len() {
        let end = (pos + cfg.page_size).min(order.len());
        pages.push((pos, end));
        // Now and then the collection resumed a little before where it stopped, so two posts
        // appear on two pages, as in real collections.
        pos = if cfg.overlap_every > 0
            && pages.len() % cfg.overlap_every == 0
            && end < order.len()
            && end - pos > 2
        {
            duplicates += 2;
            end - 2
        } else {
            end
        };
    }
    Plan {
        order,
        pages,
        duplicates,
    }
}

pub(crate) struct Writer<'w> {
    world: &'w World,
    cfg: &'w SampleConfig,
    users: Vec<Vec<u8>>,
    user_mark: Vec<u32>,
    post_mark: Vec<u32>,
}

impl<'w> Writer<'w> {
    pub(crate) fn new(world: &'w World, cfg: &'w SampleConfig) -> Writer<'w> {
        let users = (0..world.accts.len() as u32)
            .map(|a| user_json(world, cfg, a))
            .collect();
        Writer {
            world,
            cfg,
            users,
            user_mark: vec![u32::MAX; world.accts.len()],
            post_mark: vec![u32::MAX; world.posts.len()],
        }
    }

    fn render(&self, i: u32) -> Rendered {
        render_post(
            self.world,
            &self.cfg.org.name,
            &self.cfg.org.display_name,
            i,
        )
    }

    fn note_user(&mut self, page: u32, a: u32, list: &mut Vec<u32>) {
        if self.user_mark[a as usize] != page {
            self.user_mark[a as usize] = page;
            list.push(a);
        }
    }

    fn note_users_of(&mut self, page: u32, i: u32, r: &Rendered, list: &mut Vec<u32>) {
        let p = self.world.posts[i as usize];
        self.note_user(page, p.author, list);
        for m in &r.mentions {
            self.note_user(page, m.2, list);
        }
        if p.kind == Kind::Reply {
            let parent_author = self.world.posts[p.target as usize].author;
            self.note_user(page, parent_author, list);
        }
    }

    /// Writes one page (one line) into `o`.
    pub(crate) fn page(&mut self, o: &mut Out, plan: &Plan, k: usize) {
        let world = self.world;
        let page = k as u32;
        let (a, b) = plan.pages[k];
        let slice = &plan.order[a..b];
        let mut users = Vec::new();
        let mut refs = Vec::new();
        let mut missing = Vec::new();
        let mut data = Out::new(o.ascii);
        for (n, &i) in slice.iter().enumerate() {
            if n > 0 {
                data.buf.push(b',');
            }
            let r = self.render(i);
            tweet(&mut data, world, i, &r);
            self.note_users_of(page, i, &r, &mut users);
            let t = world.posts[i as usize].target;
            if t != NONE && self.post_mark[t as usize] != page {
                self.post_mark[t as usize] = page;
                if world.posts[t as usize].ghost {
                    missing.push(t);
                } else {
                    refs.push(t);
                }
            }
        }
        let mut inc = Out::new(o.ascii);
        for (n, &i) in refs.iter().enumerate() {
            if n > 0 {
                inc.buf.push(b',');
            }
            let r = self.render(i);
            tweet(&mut inc, world, i, &r);
            self.note_users_of(page, i, &r, &mut users);
        }
        o.raw("{\"data\":[");
        o.buf.extend_from_slice(&data.buf);
        o.raw("],\"includes\":{\"users\":[");
        for (n, &u) in users.iter().enumerate() {
            if n > 0 {
                o.buf.push(b',');
            }
            o.buf.extend_from_slice(&self.users[u as usize]);
        }
        o.raw("]");
        if !refs.is_empty() {
            o.raw(",\"tweets\":[");
            o.buf.extend_from_slice(&inc.buf);
            o.raw("]");
        }
        o.raw("}");
        if !missing.is_empty() {
            o.raw(",\"errors\":[");
            for (n, &g) in missing.iter().enumerate() {
                if n > 0 {
                    o.buf.push(b',');
                }
                let id = world.id(g);
                o.raw("{\"value\":");
                o.id(id);
                o.raw(",\"detail\":\"Could not find tweet with referenced_tweets.id: [");
                o.num(id);
                o.raw("].\",\"title\":\"Not Found Error\",\"resource_type\":\"tweet\",\"parameter\":\"referenced_tweets.id\",\"resource_id\":");
                o.id(id);
                o.raw(",\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}");
            }
            o.raw("]");
        }
        o.raw(",\"meta\":{\"newest_id\":");
        o.id(world.id(slice[0]));
        o.raw(",\"oldest_id\":");
        o.id(world.id(slice[slice.len() - 1]));
        o.raw(",\"result_count\":");
        o.num(slice.len() as u64);
        if k + 1 < plan.pages.len() {
            o.raw(",\"next_token\":");
            let tok = next_token(world.seed, k);
            o.str(&tok);
        }
        o.raw("},\"__twarc\":{\"url\":");
        let url = self.request_url(k);
        o.str(&url);
        o.raw(",\"version\":\"2.14.0\",\"retrieved_at\":");
        let end = self.cfg.end().timestamp_millis();
        o.str(&iso_seconds(end + 600_000 + k as i64 * 1_100));
        o.raw("}}\n");
    }

    fn request_url(&self, k: usize) -> String {
        let org = &self.cfg.org;
        let start = iso_seconds(self.cfg.start.timestamp_millis()).replace("+00:00", "Z");
        let end = iso_seconds(self.cfg.end().timestamp_millis()).replace("+00:00", "Z");
        let mut url = format!(
            "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username\
&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Cedit_history_tweet_ids%2Centities%2Cid%2Cin_reply_to_user_id%2Clang%2Cnote_tweet%2Cpossibly_sensitive%2Cpublic_metrics%2Creferenced_tweets%2Creply_settings%2Ctext\
&user.fields=created_at%2Cdescription%2Centities%2Cid%2Clocation%2Cname%2Cprotected%2Cpublic_metrics%2Cusername%2Cverified\
&query=%28%40{}%20OR%20%40{}%20OR%20%40{}%20OR%20%23hiring%20OR%20%23rustlang%20OR%20%23python%20OR%20%23hrtech%29&start_time={start}&end_time={end}&max_results={}",
            org.careers, org.engineering, org.people, self.cfg.page_size
        );
        if k > 0 {
            url.push_str("&next_token=");
            url.push_str(&next_token(self.world.seed, k - 1));
        }
        url
    }
}

fn next_token(seed: u64, k: usize) -> String {
    const ALPHA: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = Rng::derive(seed ^ 0x70C, k as u64);
    (0..45).map(|_| ALPHA[rng.below(36)] as char).collect()
}

fn entities(o: &mut Out, world: &World, r: &Rendered) {
    o.raw("{");
    let mut first = true;
    let mut sep = |o: &mut Out, key: &str| {
        if !first {
            o.buf.push(b',');
        }
        first = false;
        o.raw(key);
    };
    if !r.tags.is_empty() {
        sep(o, "\"hashtags\":[");
        for (n, (s, e, tag)) in r.tags.iter().enumerate() {
            if n > 0 {
                o.buf.push(b',');
            }
            o.raw("{\"start\":");
            o.num(*s as u64);
            o.raw(",\"end\":");
            o.num(*e as u64);
            o.raw(",\"tag\":");
            o.str(tag);
            o.raw("}");
        }
        o.raw("]");
    }
    if !r.mentions.is_empty() {
        sep(o, "\"mentions\":[");
        for (n, (s, e, a)) in r.mentions.iter().enumerate() {
            if n > 0 {
                o.buf.push(b',');
            }
            let acct = &world.accts[*a as usize];
            o.raw("{\"start\":");
            o.num(*s as u64);
            o.raw(",\"end\":");
            o.num(*e as u64);
            o.raw(",\"username\":");
            o.str(&acct.handle);
            o.raw(",\"id\":");
            o.str(&acct.id);
            o.raw("}");
        }
        o.raw("]");
    }
    if !r.urls.is_empty() {
        sep(o, "\"urls\":[");
        for (n, u) in r.urls.iter().enumerate() {
            if n > 0 {
                o.buf.push(b',');
            }
            o.raw("{\"start\":");
            o.num(u.start as u64);
            o.raw(",\"end\":");
            o.num(u.end as u64);
            o.raw(",\"url\":");
            o.str(&u.short);
            o.raw(",\"expanded_url\":");
            o.str(&u.expanded);
            o.raw(",\"display_url\":");
            o.str(&u.display);
            o.raw("}");
        }
        o.raw("]");
    }
    o.raw("}");
}

fn has_entities(r: &Rendered) -> bool {
    !(r.tags.is_empty() && r.mentions.is_empty() && r.urls.is_empty())
}

/// One tweet object with every field an expanded search returns.
fn tweet(o: &mut Out, world: &World, i: u32, full: &Rendered) {
    let p = &world.posts[i as usize];
    let author = &world.accts[p.author as usize];
    let id = world.id(i);
    let short;
    let text = if p.long {
        short = full.truncated(275);
        &short
    } else {
        full
    };
    o.raw("{\"id\":");
    o.id(id);
    o.raw(",\"text\":");
    o.str(&text.text);
    o.raw(",\"author_id\":");
    o.str(&author.id);
    o.raw(",\"conversation_id\":");
    o.id(world.id(p.root));
    o.raw(",\"created_at\":");
    o.time(p.t);
    o.raw(",\"lang\":\"");
    o.raw(p.lang.code());
    o.raw("\",\"possibly_sensitive\":false,\"reply_settings\":\"everyone\",\"edit_history_tweet_ids\":[");
    if p.edited {
        o.id(world.pre_edit_id(i));
        o.buf.push(b',');
    }
    o.id(id);
    o.raw("],\"public_metrics\":{");
    let mut rng = Rng::derive(world.seed ^ 0x3E7, p.seed);
    if p.kind == Kind::Repost {
        o.raw("\"retweet_count\":");
        o.num(u64::from(world.posts[p.target as usize].reposts));
        o.raw(",\"reply_count\":0,\"like_count\":0,\"quote_count\":0,\"bookmark_count\":0,\"impression_count\":0}");
    } else {
        let likes = u64::from(p.replies) * 3
            + u64::from(p.reposts) * 4
            + u64::from(p.quotes) * 3
            + rng.exp(1.5 * author.weight.sqrt()) as u64;
        o.raw("\"retweet_count\":");
        o.num(u64::from(p.reposts));
        o.raw(",\"reply_count\":");
        o.num(u64::from(p.replies));
        o.raw(",\"like_count\":");
        o.num(likes);
        o.raw(",\"quote_count\":");
        o.num(u64::from(p.quotes));
        o.raw(",\"bookmark_count\":");
        o.num(likes / 9);
        o.raw(",\"impression_count\":");
        o.num(likes * 37 + u64::from(p.replies) * 55 + rng.below(240) as u64 + 11);
        o.raw("}");
    }
    if p.kind == Kind::Reply {
        o.raw(",\"in_reply_to_user_id\":");
        o.str(&world.accts[world.posts[p.target as usize].author as usize].id);
    }
    if p.target != NONE {
        o.raw(",\"referenced_tweets\":[{\"type\":\"");
        o.raw(match p.kind {
            Kind::Reply => "replied_to",
            Kind::Quote => "quoted",
            _ => "retweeted",
        });
        o.raw("\",\"id\":");
        o.id(world.id(p.target));
        o.raw("}]");
    }
    if p.kind != Kind::Repost
        && text
            .tags
            .iter()
            .any(|t| t.2.eq_ignore_ascii_case(TOPICS[p.topic as usize].tag))
    {
        // The API annotates posts about known entities; one annotation per topical post.
        let topic = &TOPICS[p.topic as usize];
        o.raw(",\"context_annotations\":[{\"domain\":{\"id\":\"131\",\"name\":\"Unified Twitter Taxonomy\"},\"entity\":{\"id\":");
        o.id(848_920_371_311_001_600 + u64::from(p.topic) * 7_919);
        o.raw(",\"name\":");
        o.str(topic.label);
        o.raw("}}]");
    }
    if has_entities(text) {
        o.raw(",\"entities\":");
        entities(o, world, text);
    }
    if p.long {
        o.raw(",\"note_tweet\":{\"text\":");
        o.str(&full.text);
        if has_entities(full) {
            o.raw(",\"entities\":");
            entities(o, world, full);
        }
        o.raw("}");
    }
    o.raw("}");
}

fn user_json(world: &World, cfg: &SampleConfig, a: u32) -> Vec<u8> {
    let acct = &world.accts[a as usize];
    let bio = render_bio(world, &cfg.org.name, &cfg.org.display_name, a);
    let mut rng = Rng::derive(world.seed ^ 0x05E, acct.seed);
    let mut o = Out::new(cfg.ascii_escape);
    o.raw("{\"id\":");
    o.str(&acct.id);
    o.raw(",\"username\":");
    o.str(&acct.handle);
    o.raw(",\"name\":");
    o.str(&acct.name);
    o.raw(",\"created_at\":");
    o.time(acct.created_ms);
    o.raw(",\"description\":");
    o.str(&bio.text);
    o.raw(",\"location\":");
    let loc = if rng.chance(0.6) {
        *rng.pick(super::vocab::CITIES)
    } else {
        ""
    };
    o.str(loc);
    o.raw(",\"protected\":false,\"verified\":false,\"public_metrics\":{\"followers_count\":");
    let followers = if acct.role.is_org() {
        20_000 + rng.below(60_000) as u64
    } else {
        (acct.weight.powf(1.3) * 30.0 * (0.2 + rng.exp(1.0))) as u64
    };
    o.num(followers);
    o.raw(",\"following_count\":");
    o.num(20 + rng.below(900) as u64);
    o.raw(",\"tweet_count\":");
    o.num(u64::from(acct.posts) * 4 + rng.below(500) as u64);
    o.raw(",\"listed_count\":");
    o.num(followers / 60);
    o.raw(",\"like_count\":");
    o.num(rng.below(20_000) as u64);
    o.raw("}");
    if !bio.tags.is_empty() {
        o.raw(",\"entities\":{\"description\":");
        entities(&mut o, world, &bio);
        o.raw("}");
    }
    o.raw("}");
    o.buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn timestamps_match_chrono() {
        for ms in [
            0_i64,
            951_782_400_123,
            1_777_593_600_000,
            1_793_836_799_999,
            4_102_444_800_000,
        ] {
            let ours = rfc3339_millis(ms);
            let chrono = DateTime::<Utc>::from_timestamp_millis(ms)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string();
            assert_eq!(std::str::from_utf8(&ours).unwrap(), chrono);
        }
    }

    #[test]
    fn strings_escape_like_python_json_dumps() {
        // Python: json.dumps("a\"b\\\n é🦀") == '"a\\"b\\\\\\n \\u00e9\\ud83e\\udd80"'
        let mut o = Out::new(true);
        o.str("a\"b\\\n é🦀");
        assert_eq!(
            std::str::from_utf8(&o.buf).unwrap(),
            r#""a\"b\\\n \u00e9\ud83e\udd80""#
        );
        let mut raw = Out::new(false);
        raw.str("é🦀");
        assert_eq!(std::str::from_utf8(&raw.buf).unwrap(), "\"é🦀\"");
    }
}
