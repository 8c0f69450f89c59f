//! Follow snapshots of the sample: the organisation's follower and following lists read at several
//! times, written as twarc2 `followers` / `following` pages, consistent with its conversations.
//!
//! The rules of the simulation (the Bluesky mode dates the same follows as records):
//! - a quarter of the other accounts (by their seed) follow every organisation account from before the
//!   window: the first snapshot shows them as the state, not as events;
//! - the careers account reaches out: it follows a third of the people who will reply to the
//!   organisation (by their seed) one to three weeks before their first reply, and they follow it back
//!   two hours before that reply;
//! - whoever replies to an organisation account follows it two hours before that first reply;
//! - an organisation account follows back one hour after its first reply to someone;
//! - someone who followed through a reply, and whom no organisation account ever answered, unfollows
//!   21 days later.
//!
//! Each organisation account's two lists are read on the window's first day and then every 30 days,
//! and once more at its end; every reading is one run of pages (100 users per page, the first without a
//! `pagination_token`), dated by `__twarc.retrieved_at`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::json;

use super::SampleConfig;
use super::json::{Plan, iso_seconds, user, write_json};
use super::world::{Kind, World};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// When each follow starts and (maybe) ends, per (follower, followed) account pair.
#[derive(Debug, Default)]
pub(crate) struct Follows {
    /// (follower, followed) → (since, until); `i64::MIN` since = from before the window.
    spans: BTreeMap<(u32, u32), (i64, Option<i64>)>,
    /// The reading times, in order.
    readings: Vec<i64>,
}

impl Follows {
    pub(crate) fn simulate(world: &World, cfg: &SampleConfig, plan: &Plan) -> Follows {
        let org: Vec<u32> = (0..world.accts.len() as u32)
            .filter(|&a| world.accts[a as usize].role.is_org())
            .collect();
        let mut spans = BTreeMap::new();
        for (a, acct) in world.accts.iter().enumerate() {
            let a = a as u32;
            if !acct.role.is_org() && acct.seed % 4 == 0 {
                for &o in &org {
                    spans.insert((a, o), (i64::MIN, None));
                }
            }
        }
        let start = cfg.start.timestamp_millis();
        let end = cfg.end().timestamp_millis();
        // First reply per (from, to) across the org boundary, from the posts written.
        let mut first: BTreeMap<(u32, u32), i64> = BTreeMap::new();
        for &p in &plan.order {
            let r = &world.posts[p as usize];
            if r.kind != Kind::Reply || r.ghost {
                continue;
            }
            let to = world.posts[r.target as usize].author;
            let (from_org, to_org) = (
                world.accts[r.author as usize].role.is_org(),
                world.accts[to as usize].role.is_org(),
            );
            if from_org != to_org && r.author != to {
                let e = first.entry((r.author, to)).or_insert(r.t);
                *e = (*e).min(r.t);
            }
        }
        let answered: BTreeSet<u32> = first
            .keys()
            .filter(|(from, _)| world.accts[*from as usize].role.is_org())
            .map(|&(_, to)| to)
            .collect();
        let careers = org.iter().copied().find(|&o| {
            world.accts[o as usize]
                .handle
                .eq_ignore_ascii_case(&cfg.org.careers)
        });
        if let Some(c) = careers {
            let mut first_any: BTreeMap<u32, i64> = BTreeMap::new();
            for (&(from, _), &t) in &first {
                if !world.accts[from as usize].role.is_org() {
                    let e = first_any.entry(from).or_insert(t);
                    *e = (*e).min(t);
                }
            }
            for (x, t) in first_any {
                let seed = world.accts[x as usize].seed;
                let reach_out = t - (7 + (seed >> 8) as i64 % 15) * DAY;
                if seed.is_multiple_of(3) && reach_out > start && !spans.contains_key(&(x, c)) {
                    spans.insert((c, x), (reach_out, None));
                    spans.insert((x, c), (t - 2 * HOUR, None));
                }
            }
        }
        for (&(from, to), &t) in &first {
            if world.accts[from as usize].role.is_org() {
                spans.entry((from, to)).or_insert((t + HOUR, None));
            } else {
                let since = t - 2 * HOUR;
                let until = (!answered.contains(&from)).then_some(since + 21 * DAY);
                spans.entry((from, to)).or_insert((since, until));
            }
        }
        let mut readings: Vec<i64> =
            std::iter::successors(Some(start + DAY), |t| Some(t + 30 * DAY))
                .take_while(|&t| t < end)
                .collect();
        if readings.last() != Some(&end) {
            readings.push(end);
        }
        Follows { spans, readings }
    }

    /// Every account on either side of a follow that some reading shows (so in the pages).
    pub(crate) fn accounts(&self) -> impl Iterator<Item = u32> + '_ {
        self.spans
            .keys()
            .filter(|&&pair| self.readings.iter().any(|&r| self.holds(pair, r)))
            .flat_map(|&(a, b)| [a, b])
    }

    fn holds(&self, pair: (u32, u32), at: i64) -> bool {
        self.spans
            .get(&pair)
            .is_some_and(|&(since, until)| since <= at && until.is_none_or(|u| at < u))
    }

    fn org(world: &World) -> Vec<u32> {
        (0..world.accts.len() as u32)
            .filter(|&a| world.accts[a as usize].role.is_org())
            .collect()
    }

    /// The members of one list at one reading.
    fn members(&self, world: &World, o: u32, followers: bool, at: i64) -> Vec<u32> {
        (0..world.accts.len() as u32)
            .filter(|&x| x != o)
            .filter(|&x| self.holds(if followers { (x, o) } else { (o, x) }, at))
            .collect()
    }

    /// Snapshots written: one per organisation account, direction and reading.
    pub(crate) fn snapshots(&self, world: &World) -> usize {
        Self::org(world).len() * 2 * self.readings.len()
    }

    /// Pages written (100 users a page, an empty list one page).
    pub(crate) fn pages(&self, world: &World) -> usize {
        let mut n = 0;
        for &at in &self.readings {
            for o in Self::org(world) {
                for followers in [true, false] {
                    n += self
                        .members(world, o, followers, at)
                        .len()
                        .div_ceil(100)
                        .max(1);
                }
            }
        }
        n
    }

    /// Writes every reading as twarc2 pages; returns (lines, bytes).
    pub(crate) fn write(
        &self,
        world: &World,
        cfg: &SampleConfig,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<(usize, u64)> {
        let (mut lines, mut bytes) = (0, 0u64);
        let mut buf = Vec::new();
        for &at in &self.readings {
            for o in Self::org(world) {
                for dir in ["followers", "following"] {
                    let members = self.members(world, o, dir == "followers", at);
                    let id = &world.accts[o as usize].id;
                    let chunks: Vec<&[u32]> = if members.is_empty() {
                        vec![&[]]
                    } else {
                        members.chunks(100).collect()
                    };
                    for (k, chunk) in chunks.iter().enumerate() {
                        let mut url = format!(
                            "https://api.twitter.com/2/users/{id}/{dir}?user.fields=created_at%2Cdescription%2Centities%2Cid%2Clocation%2Cname%2Cprotected%2Cpublic_metrics%2Cusername%2Cverified&max_results=100"
                        );
                        if k > 0 {
                            write!(url, "&pagination_token=p{at}x{k}")
                                .expect("writing to a String cannot fail");
                        }
                        let mut meta = json!({"result_count": chunk.len()});
                        if k + 1 < chunks.len() {
                            meta["next_token"] = json!(format!("p{at}x{}", k + 1));
                        }
                        let page = json!({
                            "data": chunk.iter().map(|&a| user(world, cfg, a)).collect::<Vec<_>>(),
                            "meta": meta,
                            "__twarc": {
                                "url": url,
                                "version": "2.14.0",
                                "retrieved_at": iso_seconds(at + k as i64 * 1_000),
                            },
                        });
                        buf.clear();
                        write_json(&mut buf, &page, cfg.ascii_escape);
                        buf.push(b'\n');
                        out.write_all(&buf)?;
                        lines += 1;
                        bytes += buf.len() as u64;
                    }
                }
            }
        }
        Ok((lines, bytes))
    }

    /// The follow-backs a reader of the snapshots must find: handles that started following an
    /// organisation account after a reading had shown that account following them, no later than the
    /// last reading.
    pub(crate) fn followed_back(&self, world: &World) -> Vec<String> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        for (&(from, to), &(since, _)) in &self.spans {
            if !world.accts[to as usize].role.is_org() || since == i64::MIN {
                continue;
            }
            let Some(&(org_since, _)) = self.spans.get(&(to, from)) else {
                continue;
            };
            let seen_first = self.readings.iter().any(|&r| org_since <= r && r < since);
            if seen_first && self.readings.last().is_some_and(|&r| since <= r) {
                out.insert(world.accts[from as usize].handle.clone());
            }
        }
        out.into_iter().collect()
    }
}
