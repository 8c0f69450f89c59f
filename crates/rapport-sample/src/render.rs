//! Text of posts and bios, with entity offsets counted in Unicode code points as the X API does.

use super::rng::Rng;
use super::vocab::{self, TOPICS};
use super::world::{Acct, Flavor, Kind, Lang, NONE, Role, World};

/// A link entity.
#[derive(Debug, Clone)]
pub(crate) struct UrlEnt {
    pub start: usize,
    pub end: usize,
    pub short: String,
    pub expanded: String,
    pub display: String,
}

/// Text and its entities; offsets are code points, start inclusive, end exclusive.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    pub text: String,
    pub cp: usize,
    pub tags: Vec<(usize, usize, String)>,
    pub mentions: Vec<(usize, usize, u32)>,
    pub urls: Vec<UrlEnt>,
}

impl Rendered {
    pub(crate) fn push(&mut self, s: &str) {
        self.cp += s.chars().count();
        self.text.push_str(s);
    }

    fn tag(&mut self, tag: &str) {
        let start = self.cp;
        self.push("#");
        self.push(tag);
        self.tags.push((start, self.cp, tag.to_owned()));
    }

    fn mention(&mut self, acct: u32, handle: &str) {
        let start = self.cp;
        self.push("@");
        self.push(handle);
        self.mentions.push((start, self.cp, acct));
    }

    fn url(&mut self, rng: &mut Rng, expanded: String) {
        const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut short = String::from("https://t.co/");
        for _ in 0..10 {
            short.push(B62[rng.below(62)] as char);
        }
        let bare = expanded
            .trim_start_matches("https://")
            .trim_start_matches("www.");
        let display = if bare.chars().count() > 26 {
            let mut d: String = bare.chars().take(26).collect();
            d.push('…');
            d
        } else {
            bare.to_owned()
        };
        let start = self.cp;
        self.push(&short);
        self.urls.push(UrlEnt {
            start,
            end: self.cp,
            short,
            expanded,
            display,
        });
    }

    /// The first `max` code points (cut before a space when one is near), an ellipsis, and the
    /// entities that fit.
    pub(crate) fn truncated(&self, max: usize) -> Rendered {
        let chars: Vec<(usize, char)> = self.text.char_indices().collect();
        if chars.len() <= max {
            return self.clone();
        }
        let mut cut = max;
        while cut > max - max / 4 && !chars[cut].1.is_whitespace() {
            cut -= 1;
        }
        if !chars[cut].1.is_whitespace() {
            cut = max;
        }
        let mut out = Rendered {
            text: self.text[..chars[cut].0].to_owned(),
            cp: cut,
            ..Rendered::default()
        };
        out.push("…");
        out.tags = self.tags.iter().filter(|t| t.1 <= cut).cloned().collect();
        out.mentions = self
            .mentions
            .iter()
            .filter(|m| m.1 <= cut)
            .copied()
            .collect();
        out.urls = self.urls.iter().filter(|u| u.end <= cut).cloned().collect();
        out
    }

    /// Appends another text, shifting its entities.
    fn append(&mut self, other: &Rendered) {
        let off = self.cp;
        self.text.push_str(&other.text);
        self.cp += other.cp;
        self.tags.extend(
            other
                .tags
                .iter()
                .map(|(s, e, t)| (s + off, e + off, t.clone())),
        );
        self.mentions.extend(
            other
                .mentions
                .iter()
                .map(|(s, e, a)| (s + off, e + off, *a)),
        );
        self.urls.extend(other.urls.iter().map(|u| UrlEnt {
            start: u.start + off,
            end: u.end + off,
            ..u.clone()
        }));
    }
}

/// One of a list of words.
fn one(rng: &mut Rng, xs: &'static [&'static str]) -> &'static str {
    xs[rng.below(xs.len())]
}

/// What a template's slots are filled with.
struct Ctx<'a> {
    world: &'a World,
    org: &'a str,
    org_display: &'a str,
    topic: u16,
    topic2: u16,
    mention: u32,
    author: &'a Acct,
    flavor: Flavor,
}

fn slug(rng: &mut Rng, label: &str) -> String {
    let mut s: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.push_str(
        [
            "-in-practice",
            "-lessons-learned",
            "-a-guide",
            "-at-scale",
            "-for-beginners",
        ][rng.below(5)],
    );
    s
}

fn link(rng: &mut Rng, c: &Ctx<'_>) -> String {
    let topic = &TOPICS[c.topic as usize];
    match c.flavor {
        Flavor::Job | Flavor::JobPeople | Flavor::OrgAnswer => {
            format!(
                "https://careers.{}.example/jobs/{}",
                c.org,
                1000 + rng.below(9000)
            )
        }
        Flavor::Eng | Flavor::Hr => {
            format!(
                "https://engineering.{}.example/blog/{}",
                c.org,
                slug(rng, topic.label)
            )
        }
        _ => match rng.below(5) {
            0 => format!(
                "https://github.com/{}/{}",
                c.author.handle,
                slug(rng, topic.tag)
            ),
            1 => format!(
                "https://dev.to/{}/{}-{}",
                c.author.handle,
                slug(rng, topic.label),
                rng.below(9999)
            ),
            2 => format!(
                "https://www.youtube.com/watch?v={:011x}",
                rng.next_u64() >> 20
            ),
            3 => format!(
                "https://medium.com/@{}/{}-{:x}",
                c.author.handle,
                slug(rng, topic.label),
                rng.below(1 << 30)
            ),
            _ => format!("https://docs.example.org/{}/guide", topic.tag),
        },
    }
}

fn fill(out: &mut Rendered, rng: &mut Rng, template: &str, c: &Ctx<'_>) {
    let topic = &TOPICS[c.topic as usize];
    let topic2 = &TOPICS[c.topic2 as usize];
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '#']) {
        out.push(&rest[..pos]);
        rest = &rest[pos..];
        if let Some(after) = rest.strip_prefix("#{") {
            let close = after.find('}').expect("closed slot");
            let which = if &after[..close] == "t2" {
                topic2
            } else {
                topic
            };
            out.tag(one(rng, which.spellings));
            rest = &after[close + 1..];
        } else if let Some(after) = rest.strip_prefix('#') {
            let len = after
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push("#");
            } else {
                out.tag(&after[..len]);
            }
            rest = &after[len..];
        } else {
            let after = &rest[1..];
            let close = after.find('}').expect("closed slot");
            match &after[..close] {
                "l" => out.push(topic.label),
                "l2" => out.push(topic2.label),
                "e" => out.push(one(rng, vocab::EMOJI)),
                "u" => {
                    let l = link(rng, c);
                    out.url(rng, l);
                }
                "x" => out.push(one(
                    rng,
                    if topic.tech {
                        vocab::THINGS_TECH
                    } else {
                        vocab::THINGS_PEOPLE
                    },
                )),
                "k" => out.push(one(
                    rng,
                    if topic.tech {
                        vocab::TASKS_TECH
                    } else {
                        vocab::TASKS_PEOPLE
                    },
                )),
                "c" => out.push(one(rng, vocab::CITIES)),
                "o" => out.push(c.org_display),
                "m" if c.mention != NONE => {
                    let a = &c.world.accts[c.mention as usize];
                    out.mention(c.mention, &a.handle);
                }
                _ => {}
            }
            rest = &after[close + 1..];
        }
    }
    out.push(rest);
}

fn templates(flavor: Flavor, lang: Lang) -> &'static [&'static str] {
    use vocab::{
        ANSWER_EN, ASK_ORG, CHAT_DE, CHAT_EN, CHAT_ES, CHAT_FR, CHAT_JA, CHAT_PT, DEBATE_EN, ENG,
        HR, JOB, JOB_PEOPLE, ORG_ANSWER, ORG_SHOUTOUT, PERSON_ABOUT_ORG, QUESTION_DE, QUESTION_EN,
        QUESTION_ES, QUESTION_FR, QUESTION_JA, QUESTION_PT, QUOTE_EN, SENSITIVE_EN, THANKS_EN,
        TOPICAL_DE, TOPICAL_EN, TOPICAL_ES, TOPICAL_FR, TOPICAL_JA, TOPICAL_PT,
    };
    match (flavor, lang) {
        (Flavor::Topical, Lang::De) => TOPICAL_DE,
        (Flavor::Topical, Lang::Es) => TOPICAL_ES,
        (Flavor::Topical, Lang::Fr) => TOPICAL_FR,
        (Flavor::Topical, Lang::Ja) => TOPICAL_JA,
        (Flavor::Topical, Lang::Pt) => TOPICAL_PT,
        (Flavor::Topical, Lang::En) => TOPICAL_EN,
        (Flavor::Question, Lang::De) => QUESTION_DE,
        (Flavor::Question, Lang::Es) => QUESTION_ES,
        (Flavor::Question, Lang::Fr) => QUESTION_FR,
        (Flavor::Question, Lang::Ja) => QUESTION_JA,
        (Flavor::Question, Lang::Pt) => QUESTION_PT,
        (Flavor::Question, Lang::En) => QUESTION_EN,
        (Flavor::Chat, Lang::De) => CHAT_DE,
        (Flavor::Chat, Lang::Es) => CHAT_ES,
        (Flavor::Chat, Lang::Fr) => CHAT_FR,
        (Flavor::Chat, Lang::Ja) => CHAT_JA,
        (Flavor::Chat, Lang::Pt) => CHAT_PT,
        (Flavor::Chat, Lang::En) => CHAT_EN,
        (Flavor::Answer, _) => ANSWER_EN,
        (Flavor::Debate, _) => DEBATE_EN,
        (Flavor::Thanks, _) => THANKS_EN,
        (Flavor::Job, _) => JOB,
        (Flavor::JobPeople, _) => JOB_PEOPLE,
        (Flavor::Eng, _) => ENG,
        (Flavor::Hr, _) => HR,
        (Flavor::Shoutout, _) => ORG_SHOUTOUT,
        (Flavor::OrgAnswer, _) => ORG_ANSWER,
        (Flavor::AskOrg, _) => ASK_ORG,
        (Flavor::AboutOrg, _) => PERSON_ABOUT_ORG,
        (Flavor::Sensitive, _) => SENSITIVE_EN,
        (Flavor::QuoteComment | Flavor::Repost, _) => QUOTE_EN,
    }
}

/// The full text of a post (a long post's note text; for a repost, the `RT @…:` text).
pub(crate) fn render_post(world: &World, org: &str, org_display: &str, i: u32) -> Rendered {
    let p = &world.posts[i as usize];
    let mut rng = Rng::derive(world.seed, p.seed);
    let author = &world.accts[p.author as usize];
    let mut out = Rendered::default();
    if p.kind == Kind::Repost {
        let orig = &world.posts[p.target as usize];
        let orig_author = &world.accts[orig.author as usize];
        out.push("RT ");
        out.mention(orig.author, &orig_author.handle);
        out.push(": ");
        let body = render_post(world, org, org_display, p.target);
        out.append(&body);
        // Reposts carry the original's text cut to 140 characters, as the API returns them.
        return if out.cp > 140 {
            out.truncated(139)
        } else {
            out
        };
    }
    if p.kind == Kind::Reply {
        let parent = &world.posts[p.target as usize];
        if parent.author != p.author {
            out.mention(parent.author, &world.accts[parent.author as usize].handle);
            out.push(" ");
        }
    }
    let c = Ctx {
        world,
        org,
        org_display,
        topic: p.topic,
        topic2: if p.topic2 == p.topic {
            (p.topic + 1) % TOPICS.len() as u16
        } else {
            p.topic2
        },
        mention: p.mention,
        author,
        flavor: p.flavor,
    };
    let list = templates(p.flavor, p.lang);
    let mut template = *rng.pick(list);
    for _ in 0..8 {
        if !matches!(p.flavor, Flavor::Question) || template.contains("{m}") == (p.mention != NONE)
        {
            break;
        }
        template = *rng.pick(list);
    }
    if p.mention != NONE && !template.contains("{m}") {
        out.mention(p.mention, &world.accts[p.mention as usize].handle);
        out.push(" ");
    }
    fill(&mut out, &mut rng, template, &c);
    if matches!(p.flavor, Flavor::Topical) && rng.chance(0.25) {
        out.push(" ");
        fill(&mut out, &mut rng, "#{t2}", &c);
    }
    if p.long {
        let mut n = 0;
        while (out.cp <= 300 || n < 2) && n < 8 {
            out.push(if n % 2 == 0 { "\n\n" } else { " " });
            let sentence = *rng.pick(vocab::LONG_EXTRA);
            fill(&mut out, &mut rng, sentence, &c);
            n += 1;
        }
    }
    if p.kind == Kind::Quote {
        let q = &world.posts[p.target as usize];
        let qa = &world.accts[q.author as usize];
        out.push(" ");
        out.url(
            &mut rng,
            format!(
                "https://twitter.com/{}/status/{}",
                qa.handle,
                world.id(p.target)
            ),
        );
    }
    out
}

/// A profile bio with skills hashtags and keywords.
pub(crate) fn render_bio(world: &World, org: &str, org_display: &str, a: u32) -> Rendered {
    let acct = &world.accts[a as usize];
    let mut rng = Rng::derive(world.seed ^ 0xB10, acct.seed);
    let mut out = Rendered::default();
    let c = Ctx {
        world,
        org,
        org_display,
        topic: acct.interests.first().copied().unwrap_or(0),
        topic2: acct.interests.get(1).copied().unwrap_or(0),
        mention: NONE,
        author: acct,
        flavor: Flavor::Topical,
    };
    match acct.role {
        Role::Careers => fill(
            &mut out,
            &mut rng,
            "Careers at {o}. We're #hiring engineers, designers and people people. #jobs #nowhiring",
            &c,
        ),
        Role::Eng => fill(
            &mut out,
            &mut rng,
            "The engineers of {o}: #rustlang, #k8s, #devops and lots of tests.",
            &c,
        ),
        Role::People => fill(
            &mut out,
            &mut rng,
            "{o}'s people team. #hrtech #peopleanalytics #learninganddevelopment",
            &c,
        ),
        _ => {
            let topic = &TOPICS[c.topic as usize];
            let role = rng.pick(if topic.tech {
                vocab::ROLES_TECH
            } else {
                vocab::ROLES_PEOPLE
            });
            let company = rng.pick(vocab::COMPANIES);
            let intro = match acct.lang {
                Lang::De => "bei",
                Lang::Es | Lang::Pt => "en",
                Lang::Fr => "chez",
                _ => "at",
            };
            out.push(&format!("{role} {intro} {company} · {} · ", topic.label));
            for (k, &t) in acct.interests.iter().enumerate() {
                if k > 0 {
                    out.push(" ");
                }
                out.tag(one(&mut rng, TOPICS[t as usize].spellings));
            }
            if acct.role == Role::Mentor {
                out.push(" · I answer questions about ");
                out.push(topic.label);
            }
            if rng.chance(0.5) {
                out.push(" ");
                out.push(one(&mut rng, vocab::EMOJI));
            }
        }
    }
    out
}
