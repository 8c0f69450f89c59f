//! The simulation: accounts with interests and heavy-tailed activity, and the posts they write —
//! broadcasts, questions and answers, reply trees, debates, reposts, quotes and the planted two-way
//! conversations with the organisation. Posts are kept compact (no text); text is rendered on demand
//! from each post's own seed, so the same post always reads the same wherever it is written.

// Short names (t for a time, p for a post, a for an account) keep the simulation readable.
#![allow(clippy::many_single_char_names)]

use std::collections::HashSet;

use super::SampleConfig;
use super::rng::{Rng, Weighted};
use super::vocab::{self, TOPICS};

pub(crate) const NONE: u32 = u32::MAX;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;
pub(crate) const DAY: i64 = 86_400_000;
/// The epoch of X's Snowflake ids (2010-11-04T01:42:54.657Z).
const TWEPOCH: i64 = 1_288_834_974_657;
/// Low id bits taken by the sequence number; bit 21 marks ids of earlier edit versions.
const SEQ_BITS: u32 = 21;
pub(crate) const MAX_POSTS: usize = 2_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Original,
    Reply,
    Quote,
    Repost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Job,
    JobPeople,
    Eng,
    Hr,
    Shoutout,
    OrgAnswer,
    Topical,
    Question,
    Answer,
    Chat,
    Debate,
    Thanks,
    AskOrg,
    AboutOrg,
    Sensitive,
    QuoteComment,
    Repost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    De,
    Es,
    Fr,
    Ja,
    Pt,
}

impl Lang {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Ja => "ja",
            Lang::Pt => "pt",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Careers,
    Eng,
    People,
    Mentor,
    TwoWay,
    Engaged,
    Person,
}

impl Role {
    pub(crate) fn is_org(self) -> bool {
        matches!(self, Role::Careers | Role::Eng | Role::People)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Acct {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub lang: Lang,
    pub interests: Vec<u16>,
    pub role: Role,
    pub created_ms: i64,
    pub seed: u64,
    pub weight: f64,
    pub posts: u32,
}

/// One post of the world, without its text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rec {
    pub t: i64,
    pub seed: u64,
    pub author: u32,
    /// The replied-to, quoted or reposted post.
    pub target: u32,
    /// The conversation root (itself for originals, quotes and reposts).
    pub root: u32,
    /// An account mentioned in the body (beyond the reply prefix), or NONE.
    pub mention: u32,
    pub kind: Kind,
    pub flavor: Flavor,
    pub topic: u16,
    pub topic2: u16,
    pub lang: Lang,
    /// Deleted before collection: referenced by others, never written, reported in `errors`.
    pub ghost: bool,
    pub long: bool,
    pub edited: bool,
    pub depth: u16,
    pub replies: u32,
    pub quotes: u32,
    pub reposts: u32,
}

/// The generated world, posts sorted by time with their ids.
#[derive(Debug)]
pub(crate) struct World {
    pub accts: Vec<Acct>,
    pub posts: Vec<Rec>,
    pub ids: Vec<u64>,
    pub mentors: Vec<(u16, Vec<u32>)>,
    pub two_way: Vec<u32>,
    pub engaged: Vec<u32>,
    pub seed: u64,
}

impl World {
    pub(crate) fn id(&self, post: u32) -> u64 {
        self.ids[post as usize]
    }

    /// The id of the version before an edit (same author, 90 s earlier, bit 21 set so it never
    /// collides with a post's own id).
    pub(crate) fn pre_edit_id(&self, post: u32) -> u64 {
        let p = &self.posts[post as usize];
        (((p.t - 90_000 - TWEPOCH) as u64) << 22) | (1 << SEQ_BITS) | (u64::from(post) & 0xFFFF)
    }
}

struct Sim<'c> {
    cfg: &'c SampleConfig,
    rng: Rng,
    accts: Vec<Acct>,
    posts: Vec<Rec>,
    emitted: usize,
    start: i64,
    end: i64,
    people: Vec<u32>,
    people_w: Weighted,
    topic_w: Weighted,
    members: Vec<Vec<u32>>,
    mentors_of: Vec<Vec<u32>>,
    pool: Vec<u32>,
    pool_next: usize,
}

const POOL: usize = 2048;

/// Mentors per topic, everyone in two-way conversation, the engaged among them.
type Roles = (Vec<(u16, Vec<u32>)>, Vec<u32>, Vec<u32>);
const CAREERS: u32 = 0;
const ENG: u32 = 1;
const PEOPLE: u32 = 2;

pub(crate) fn simulate(cfg: &SampleConfig) -> World {
    let mut rng = Rng::new(cfg.seed);
    let start = cfg.start.timestamp_millis();
    let end = start + i64::from(cfg.days) * DAY;
    let accts = build_accounts(cfg, &mut rng, start);
    let n_topics = TOPICS.len();
    let people: Vec<u32> = (0..accts.len() as u32)
        .filter(|&a| !accts[a as usize].role.is_org())
        .collect();
    let mut sim = Sim {
        cfg,
        rng,
        accts,
        posts: Vec::with_capacity(cfg.posts + cfg.posts / 32 + 16),
        emitted: 0,
        start,
        end,
        people_w: Weighted::new(Vec::new()),
        people,
        topic_w: Weighted::zipf(n_topics, 1.1),
        members: vec![Vec::new(); n_topics],
        mentors_of: vec![Vec::new(); n_topics],
        pool: Vec::with_capacity(POOL),
        pool_next: 0,
    };
    let (mentors, two_way, engaged) = sim.assign_roles();
    sim.people_w = Weighted::new(sim.people.iter().map(|&a| sim.accts[a as usize].weight));
    for &a in &sim.people {
        for &t in &sim.accts[a as usize].interests {
            sim.members[t as usize].push(a);
        }
    }
    for &a in &two_way {
        sim.plant_exchanges(a, engaged.contains(&a));
    }
    sim.run();
    let Sim { accts, posts, .. } = sim;
    let (posts, ids) = sort_and_number(&posts);
    World {
        accts,
        posts,
        ids,
        mentors,
        two_way,
        engaged,
        seed: cfg.seed,
    }
}

fn ascii_handle(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'á' | 'à' | 'â' | 'ã' | 'Á' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' | 'É' => out.push('e'),
            'í' | 'ï' | 'Í' => out.push('i'),
            'ó' | 'ô' | 'õ' | 'Ó' => out.push('o'),
            'ú' | 'Ú' => out.push('u'),
            'ñ' => out.push('n'),
            'ç' => out.push('c'),
            _ => {}
        }
    }
    out
}

fn build_accounts(cfg: &SampleConfig, rng: &mut Rng, start: i64) -> Vec<Acct> {
    let org = &cfg.org;
    let mut accts = Vec::new();
    let mut taken = HashSet::new();
    for (k, (handle, role, name)) in [
        (
            &org.careers,
            Role::Careers,
            format!("{} Careers", org.display_name),
        ),
        (
            &org.engineering,
            Role::Eng,
            format!("{} Engineering", org.display_name),
        ),
        (
            &org.people,
            Role::People,
            format!("{} People", org.display_name),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        taken.insert(handle.to_lowercase());
        accts.push(Acct {
            id: (1_290_000_000 + 7_919 * k as u64 + rng.below(7_000) as u64).to_string(),
            handle: handle.clone(),
            name,
            lang: Lang::En,
            interests: Vec::new(),
            role,
            created_ms: start - (3_000 + rng.below(1_000) as i64) * DAY,
            seed: rng.next_u64(),
            weight: 0.0,
            posts: 0,
        });
    }
    let lang_w = Weighted::new([0.72, 0.08, 0.07, 0.04, 0.05, 0.04]);
    let langs = [Lang::En, Lang::De, Lang::Es, Lang::Fr, Lang::Ja, Lang::Pt];
    let topic_w = Weighted::zipf(TOPICS.len(), 1.1);
    let people_topics: Vec<u16> = (0..TOPICS.len() as u16)
        .filter(|&t| !TOPICS[t as usize].tech)
        .collect();
    for i in 0..cfg.num_people() {
        let lang = langs[lang_w.sample(rng)];
        let (first, last): (&str, &str) = match lang {
            Lang::En => (*rng.pick(vocab::FIRST_EN), *rng.pick(vocab::LAST_EN)),
            Lang::De => (*rng.pick(vocab::FIRST_DE), *rng.pick(vocab::LAST_DE)),
            Lang::Es => (*rng.pick(vocab::FIRST_ES), *rng.pick(vocab::LAST_ES)),
            Lang::Fr => (*rng.pick(vocab::FIRST_FR), *rng.pick(vocab::LAST_FR)),
            Lang::Pt => (*rng.pick(vocab::FIRST_PT), *rng.pick(vocab::LAST_PT)),
            Lang::Ja => {
                let (h, n) = rng.pick(vocab::NAMES_JA);
                (h, n)
            }
        };
        let (base, name) = if lang == Lang::Ja {
            (first.to_owned(), last.to_owned())
        } else {
            let (f, l) = (ascii_handle(first), ascii_handle(last));
            let base = match rng.below(5) {
                0 => format!("{f}_{l}"),
                1 => format!("{f}{l}"),
                2 => format!("{}{l}", &f[..1]),
                3 => format!("{f}_dev"),
                _ => format!("{f}codes"),
            };
            (base, format!("{first} {last}"))
        };
        let mut handle: String = base.chars().take(15).collect();
        let mut n = 1;
        while !taken.insert(handle.to_lowercase()) {
            n += rng.below(90) + 1;
            let suffix = n.to_string();
            let keep = 15 - suffix.len();
            handle = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        }
        let mut interests: Vec<u16> = Vec::new();
        if rng.chance(0.22) {
            interests.push(
                people_topics[rng
                    .below(people_topics.len())
                    .min(rng.below(people_topics.len()))],
            );
        }
        let want = 1 + rng.below(3);
        for _ in 0..8 {
            if interests.len() > want {
                break;
            }
            let t = topic_w.sample(rng) as u16;
            if !interests.contains(&t) {
                interests.push(t);
            }
        }
        // Pareto(α≈1.16) activity: a few very active people, a long tail of occasional ones.
        let weight = (1.0 - rng.f64()).powf(-1.0 / 1.16).min(400.0);
        let created_ms =
            start - (30 + rng.below(5_500) as i64) * DAY - rng.below(DAY as usize) as i64;
        let created_ms = created_ms.max(TWEPOCH + 400 * DAY);
        // New accounts get Snowflake ids, old ones the short numeric ids of the early years.
        let id = if created_ms > TWEPOCH + 800 * DAY {
            ((((created_ms - TWEPOCH) as u64) << 22) | (i as u64 & 0x3F_FFFF)).to_string()
        } else {
            (10_000_000 + i as u64 * 104_729 + rng.below(100_000) as u64).to_string()
        };
        accts.push(Acct {
            id,
            handle,
            name,
            lang,
            interests,
            role: Role::Person,
            created_ms,
            seed: rng.next_u64(),
            weight,
            posts: 0,
        });
    }
    accts
}

fn sort_and_number(posts: &[Rec]) -> (Vec<Rec>, Vec<u64>) {
    let mut order: Vec<u32> = (0..posts.len() as u32).collect();
    order.sort_by_key(|&i| (posts[i as usize].t, i));
    let mut new_of = vec![0u32; posts.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of[old as usize] = new as u32;
    }
    let remap = |x: u32| if x == NONE { NONE } else { new_of[x as usize] };
    let sorted: Vec<Rec> = order
        .iter()
        .map(|&old| {
            let mut r = posts[old as usize];
            r.target = remap(r.target);
            r.root = remap(r.root);
            r
        })
        .collect();
    let ids = sorted
        .iter()
        .enumerate()
        .map(|(i, r)| (((r.t - TWEPOCH) as u64) << 22) | (i as u64 & ((1 << SEQ_BITS) - 1)))
        .collect();
    (sorted, ids)
}

impl Sim<'_> {
    fn assign_roles(&mut self) -> Roles {
        let n_people = self.people.len();
        let activity = Weighted::new(self.people.iter().map(|&a| self.accts[a as usize].weight));
        let per_topic = if n_people >= 200 { 2 } else { 1 };
        let mut mentors = Vec::new();
        for topic in 0..12.min(TOPICS.len()) as u16 {
            let mut chosen = Vec::new();
            for _ in 0..per_topic {
                for _ in 0..200 {
                    let a = self.people[activity.sample(&mut self.rng)];
                    let acct = &mut self.accts[a as usize];
                    if acct.role == Role::Person {
                        acct.role = Role::Mentor;
                        acct.interests.retain(|&t| t != topic);
                        acct.interests.insert(0, topic);
                        acct.weight = acct.weight.max(25.0);
                        chosen.push(a);
                        break;
                    }
                }
            }
            self.mentors_of[topic as usize].clone_from(&chosen);
            mentors.push((topic, chosen));
        }
        let n_two_way = (n_people / 25).max(4).min(n_people / 4);
        let n_engaged = n_two_way.div_ceil(2);
        let mut two_way = Vec::new();
        let mut engaged = Vec::new();
        let mut tries = 0;
        while two_way.len() < n_two_way && tries < 100 * n_people {
            tries += 1;
            let a = self.people[self.rng.below(n_people)];
            let acct = &mut self.accts[a as usize];
            if acct.role != Role::Person {
                continue;
            }
            if two_way.len() < n_engaged {
                acct.role = Role::Engaged;
                engaged.push(a);
            } else {
                acct.role = Role::TwoWay;
            }
            two_way.push(a);
        }
        (mentors, two_way, engaged)
    }

    fn delay(&mut self, mean_hours: f64, cap_hours: f64) -> i64 {
        MINUTE + (self.rng.exp(mean_hours).min(cap_hours) * HOUR as f64) as i64
    }

    fn pick_lang(&mut self, author: u32) -> Lang {
        let l = self.accts[author as usize].lang;
        if l != Lang::En && self.rng.chance(0.3) {
            Lang::En
        } else {
            l
        }
    }

    fn interest(&mut self, author: u32) -> u16 {
        let i = &self.accts[author as usize].interests;
        if i.is_empty() {
            return self.topic_w.sample(&mut self.rng) as u16;
        }
        // The first interest twice as likely as the others.
        let k = self.rng.below(i.len() + 1);
        i[k.saturating_sub(1)]
    }

    #[allow(clippy::too_many_arguments)]
    fn rec(
        &mut self,
        t: i64,
        author: u32,
        kind: Kind,
        flavor: Flavor,
        target: u32,
        topic: u16,
    ) -> Rec {
        let lang = match flavor {
            Flavor::Topical | Flavor::Question | Flavor::Chat => self.pick_lang(author),
            Flavor::Repost => self.posts[target as usize].lang,
            _ => Lang::En,
        };
        let topic2 = if self.rng.chance(0.5) {
            self.interest(author)
        } else {
            self.topic_w.sample(&mut self.rng) as u16
        };
        let (root, depth) = if kind == Kind::Reply {
            let p = &self.posts[target as usize];
            (p.root, p.depth + 1)
        } else {
            (NONE, 0)
        };
        Rec {
            t,
            seed: self.rng.next_u64(),
            author,
            target,
            root,
            mention: NONE,
            kind,
            flavor,
            topic,
            topic2,
            lang,
            ghost: false,
            long: false,
            edited: self.rng.chance(0.01),
            depth,
            replies: 0,
            quotes: 0,
            reposts: 0,
        }
    }

    /// Adds a post unless the budget is spent or it falls after the end of the window.
    fn add(&mut self, mut r: Rec) -> Option<u32> {
        if r.t >= self.end || (!r.ghost && self.emitted >= self.cfg.posts) {
            return None;
        }
        let idx = self.posts.len() as u32;
        if r.root == NONE {
            r.root = idx;
        }
        if r.target != NONE {
            let t = &mut self.posts[r.target as usize];
            match r.kind {
                Kind::Reply => t.replies += 1,
                Kind::Quote => t.quotes += 1,
                Kind::Repost => t.reposts += 1,
                Kind::Original => {}
            }
        }
        if !r.ghost {
            self.emitted += 1;
        }
        self.accts[r.author as usize].posts += 1;
        self.posts.push(r);
        Some(idx)
    }

    fn reply(
        &mut self,
        parent: u32,
        author: u32,
        flavor: Flavor,
        mean_h: f64,
        cap_h: f64,
    ) -> Option<u32> {
        let t = self.posts[parent as usize].t + self.delay(mean_h, cap_h);
        let topic = self.posts[parent as usize].topic;
        let r = self.rec(t, author, Kind::Reply, flavor, parent, topic);
        self.add(r)
    }

    fn pool_add(&mut self, p: u32) {
        if self.pool.len() < POOL {
            self.pool.push(p);
        } else {
            self.pool[self.pool_next] = p;
            self.pool_next = (self.pool_next + 1) % POOL;
        }
    }

    fn person(&mut self) -> u32 {
        self.people[self.people_w.sample(&mut self.rng)]
    }

    fn replier(&mut self, topic: u16, not: u32) -> u32 {
        for _ in 0..6 {
            let m = &self.members[topic as usize];
            let a = if !m.is_empty() && self.rng.chance(0.4) {
                m[self.rng.below(m.len())]
            } else {
                self.person()
            };
            if a != not {
                return a;
            }
        }
        self.people
            .iter()
            .copied()
            .find(|&a| a != not)
            .unwrap_or(not)
    }

    fn org_root(&mut self, org: u32, t: i64, topic: u16) -> Option<u32> {
        let flavor = match org {
            CAREERS => Flavor::Job,
            ENG => Flavor::Eng,
            _ if self.rng.chance(0.5) => Flavor::JobPeople,
            _ => Flavor::Hr,
        };
        let mut r = self.rec(t, org, Kind::Original, flavor, NONE, topic);
        r.long = flavor == Flavor::Job && self.rng.chance(0.08);
        let p = self.add(r)?;
        self.pool_add(p);
        Some(p)
    }

    fn org_for(&mut self, topic: u16) -> u32 {
        let tech = TOPICS[topic as usize].tech;
        match (tech, self.rng.f64()) {
            (true, x) if x < 0.6 => CAREERS,
            (true, _) => ENG,
            (false, x) if x < 0.4 => CAREERS,
            _ => PEOPLE,
        }
    }

    /// The planted two-way conversations: engaged people exchange replies with the organisation
    /// several times in the last weeks and amplify its posts; the others once, earlier.
    fn plant_exchanges(&mut self, person: u32, engaged: bool) {
        let span_days = i64::from(self.cfg.days);
        let times: Vec<i64> = if engaged {
            let n = 3 + self.rng.below(3);
            let mut t = self.end - (5 + self.rng.below(10) as i64) * DAY;
            let mut ts = Vec::new();
            for _ in 0..n {
                ts.push(t.max(self.start));
                t -= (6 + self.rng.below(10) as i64) * DAY;
            }
            ts
        } else {
            let back =
                (45 + self.rng.below(span_days.max(60) as usize - 44) as i64).min(span_days) * DAY;
            vec![(self.end - back).max(self.start)]
        };
        let topic = self.accts[person as usize]
            .interests
            .first()
            .copied()
            .unwrap_or(0);
        for (k, t) in times.into_iter().enumerate() {
            let org = self.org_for(topic);
            let Some(root) = self.org_root(org, t, topic) else {
                return;
            };
            let Some(r1) = self.reply(root, person, Flavor::AskOrg, 3.0, 12.0) else {
                return;
            };
            let Some(a1) = self.reply(r1, org, Flavor::OrgAnswer, 2.0, 12.0) else {
                return;
            };
            let Some(r2) = self.reply(a1, person, Flavor::Thanks, 2.0, 12.0) else {
                return;
            };
            if self.rng.chance(0.4)
                && let Some(a2) = self.reply(r2, org, Flavor::OrgAnswer, 2.0, 12.0)
            {
                let _ = self.reply(a2, person, Flavor::Chat, 2.0, 12.0);
            }
            if engaged && (k == 0 || self.rng.chance(0.5)) {
                let t = self.posts[root as usize].t + self.delay(1.0, 6.0);
                let r = self.rec(t, person, Kind::Repost, Flavor::Repost, root, topic);
                let _ = self.add(r);
            }
            if engaged && self.rng.chance(0.25) {
                let t = self.posts[root as usize].t + self.delay(4.0, 12.0);
                let r = self.rec(t, person, Kind::Quote, Flavor::QuoteComment, root, topic);
                let _ = self.add(r);
            }
        }
    }

    fn run(&mut self) {
        // Roots spread over the window but the last three days, which are left for the replies.
        let span = (self.end - self.start - 3 * DAY).max(DAY) as f64;
        let mut guard = 0usize;
        while self.emitted < self.cfg.posts && guard < self.cfg.posts * 50 + 1000 {
            guard += 1;
            let f = self.emitted as f64 / self.cfg.posts as f64;
            let jitter = (self.rng.f64() - 0.5) * 12.0 * HOUR as f64;
            let t = ((self.start as f64 + f * span + jitter) as i64)
                .clamp(self.start, self.end - 2 * HOUR);
            let r = self.rng.f64();
            if r < 0.028 {
                self.broadcast(t);
            } else if r < 0.040 {
                self.about_org(t);
            } else if r < 0.14 {
                self.question(t);
            } else if r < 0.30 {
                if !self.repost(t) {
                    self.topical(t);
                }
            } else if r < 0.35 {
                if !self.quote(t) {
                    self.topical(t);
                }
            } else if r < 0.356 {
                let a = self.person();
                let rec = self.rec(t, a, Kind::Original, Flavor::Sensitive, NONE, 0);
                let _ = self.add(rec);
            } else {
                self.topical(t);
            }
        }
    }

    fn broadcast(&mut self, t: i64) {
        let x = self.rng.f64();
        let org = if x < 0.55 {
            CAREERS
        } else if x < 0.85 {
            ENG
        } else {
            PEOPLE
        };
        let mut topic = self.topic_w.sample(&mut self.rng) as u16;
        for _ in 0..6 {
            if TOPICS[topic as usize].tech == (org != PEOPLE) {
                break;
            }
            topic = self.topic_w.sample(&mut self.rng) as u16;
        }
        let root = if org == ENG && self.rng.chance(0.15) {
            // A shout-out: the organisation notices someone without a conversation.
            let mut r = self.rec(t, org, Kind::Original, Flavor::Shoutout, NONE, topic);
            let mentors = &self.mentors_of[topic as usize];
            r.mention = if !mentors.is_empty() && self.rng.chance(0.5) {
                mentors[self.rng.below(mentors.len())]
            } else {
                self.person()
            };
            self.add(r)
        } else {
            self.org_root(org, t, topic)
        };
        let Some(root) = root else { return };
        // Most job posts fly into the void; a few get a question the organisation never answers.
        if self.rng.chance(0.12) {
            let a = self.replier(topic, NONE);
            if !matches!(self.accts[a as usize].role, Role::TwoWay | Role::Engaged) {
                let _ = self.reply(root, a, Flavor::AskOrg, 5.0, 48.0);
            }
        }
    }

    fn about_org(&mut self, t: i64) {
        let a = self.person();
        let topic = self.interest(a);
        let mut r = self.rec(t, a, Kind::Original, Flavor::AboutOrg, NONE, topic);
        r.mention = self.rng.below(3) as u32;
        let _ = self.add(r);
    }

    fn question(&mut self, t: i64) {
        let asker = self.person();
        let topic = self.interest(asker);
        let mut r = self.rec(t, asker, Kind::Original, Flavor::Question, NONE, topic);
        let mentors = self.mentors_of[topic as usize].clone();
        if !mentors.is_empty() && self.rng.chance(0.3) {
            let m = mentors[self.rng.below(mentors.len())];
            if m != asker {
                r.mention = m;
            }
        }
        let Some(q) = self.add(r) else { return };
        self.pool_add(q);
        for m in mentors {
            if m == asker || !self.rng.chance(0.8) {
                continue;
            }
            let Some(a) = self.reply(q, m, Flavor::Answer, 1.5, 48.0) else {
                return;
            };
            if self.rng.chance(0.6) {
                let Some(th) = self.reply(a, asker, Flavor::Thanks, 1.0, 24.0) else {
                    return;
                };
                if self.rng.chance(0.25) {
                    let _ = self.reply(th, m, Flavor::Chat, 2.0, 24.0);
                }
            }
        }
        let mut n = 0;
        while n < 4 && self.rng.chance(0.45) {
            n += 1;
            let a = self.replier(topic, asker);
            let flavor = if self.rng.chance(0.5) {
                Flavor::Answer
            } else {
                Flavor::Chat
            };
            let Some(c) = self.reply(q, a, flavor, 3.0, 72.0) else {
                return;
            };
            self.grow(c, topic);
        }
    }

    fn topical(&mut self, t: i64) {
        let a = self.person();
        let topic = self.interest(a);
        let mut r = self.rec(t, a, Kind::Original, Flavor::Topical, NONE, topic);
        r.long = self.rng.chance(0.03);
        r.ghost = self.rng.chance(0.012);
        let Some(root) = self.add(r) else { return };
        self.pool_add(root);
        self.grow(root, topic);
        if self.rng.chance(0.03) {
            // A debate: two people answer each other down a long chain.
            let other = self.replier(topic, a);
            let len = self.rng.range(4, 11);
            let mut cur = root;
            for i in 0..len {
                let who = if i % 2 == 0 { other } else { a };
                match self.reply(cur, who, Flavor::Debate, 1.0, 24.0) {
                    Some(c) => cur = c,
                    None => return,
                }
            }
        }
    }

    /// A branching reply process whose branching shrinks with depth; popular authors get more.
    fn grow(&mut self, root: u32, topic: u16) {
        let w = self.accts[self.posts[root as usize].author as usize].weight;
        let p0 = (0.30 + 0.06 * w.ln()).clamp(0.2, 0.75);
        let mut stack = vec![root];
        while let Some(parent) = stack.pop() {
            let d = self.posts[parent as usize].depth;
            if d >= 10 {
                continue;
            }
            let p = if parent == root {
                p0
            } else {
                0.33 * 0.8f64.powi(i32::from(d))
            };
            let mut n = 0;
            while n < 8 && self.rng.chance(p) {
                n += 1;
                let not = self.posts[parent as usize].author;
                let who = self.replier(topic, not);
                let Some(c) = self.reply(parent, who, Flavor::Chat, 2.0 * f64::from(d + 1), 72.0)
                else {
                    return;
                };
                stack.push(c);
            }
        }
    }

    /// Picks a post from the recent pool, preferring the more discussed (a tournament of three).
    fn pick_from_pool(&mut self, allow_ghost: bool) -> Option<u32> {
        if self.pool.is_empty() {
            return None;
        }
        let mut best: Option<u32> = None;
        for _ in 0..3 {
            let p = self.pool[self.rng.below(self.pool.len())];
            let r = &self.posts[p as usize];
            if r.ghost && !allow_ghost {
                continue;
            }
            let score = |r: &Rec| r.replies + r.reposts * 2 + r.quotes;
            if best.is_none_or(|b| score(r) > score(&self.posts[b as usize])) {
                best = Some(p);
            }
        }
        best
    }

    fn repost(&mut self, t: i64) -> bool {
        let Some(target) = self.pick_from_pool(true) else {
            return false;
        };
        let author = self.posts[target as usize].author;
        let who = self.replier(self.posts[target as usize].topic, author);
        let t = t.max(self.posts[target as usize].t + self.delay(6.0, 96.0));
        let topic = self.posts[target as usize].topic;
        let r = self.rec(t, who, Kind::Repost, Flavor::Repost, target, topic);
        self.add(r);
        true
    }

    fn quote(&mut self, t: i64) -> bool {
        let Some(target) = self.pick_from_pool(false) else {
            return false;
        };
        let author = self.posts[target as usize].author;
        let topic = self.posts[target as usize].topic;
        let who = self.replier(topic, author);
        let t = t.max(self.posts[target as usize].t + self.delay(8.0, 96.0));
        let r = self.rec(t, who, Kind::Quote, Flavor::QuoteComment, target, topic);
        if let Some(q) = self.add(r) {
            self.pool_add(q);
            if self.rng.chance(0.3) {
                let a = self.replier(topic, who);
                let _ = self.reply(q, a, Flavor::Chat, 3.0, 48.0);
            }
        }
        true
    }
}
