//! The words of the simulated world: topics with the hashtags people really use, names, and the
//! templates posts are written from. Templates use `{…}` slots filled by the renderer:
//! `{t}` the topic hashtag, `{t2}` a second topic hashtag, `{l}` the topic label, `{e}` an emoji,
//! `{u}` a link, `{x}` a thing someone built, `{k}` a task, `{c}` a city, `{m}` a mention of the
//! post's mentioned account, `{o}` the organisation's display name.

/// A topic: a normalised hashtag, the spellings people type, a label used as a keyword in text,
/// and whether it is a tech topic (else a people/HR topic).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Topic {
    pub tag: &'static str,
    pub spellings: &'static [&'static str],
    pub label: &'static str,
    pub tech: bool,
}

const fn t(
    tag: &'static str,
    spellings: &'static [&'static str],
    label: &'static str,
    tech: bool,
) -> Topic {
    Topic {
        tag,
        spellings,
        label,
        tech,
    }
}

/// In order of popularity (rank 1 first): the Zipf weights follow this order.
pub(crate) const TOPICS: &[Topic] = &[
    t("python", &["python", "Python"], "Python", true),
    t(
        "machinelearning",
        &["machinelearning", "MachineLearning", "machine_learning"],
        "machine learning",
        true,
    ),
    t(
        "javascript",
        &["javascript", "JavaScript"],
        "JavaScript",
        true,
    ),
    t("devops", &["devops", "DevOps"], "DevOps", true),
    t(
        "datascience",
        &["datascience", "DataScience"],
        "data science",
        true,
    ),
    t("rustlang", &["rustlang", "RustLang"], "Rust", true),
    t("k8s", &["k8s", "K8s"], "Kubernetes", true),
    t("hrtech", &["hrtech", "HRTech"], "HR tech", false),
    t("ux", &["ux", "UX"], "UX", true),
    t(
        "typescript",
        &["typescript", "TypeScript"],
        "TypeScript",
        true,
    ),
    t(
        "talentacquisition",
        &["talentacquisition", "TalentAcquisition"],
        "talent acquisition",
        false,
    ),
    t(
        "peopleanalytics",
        &["peopleanalytics", "PeopleAnalytics"],
        "people analytics",
        false,
    ),
    t("golang", &["golang", "GoLang"], "Go", true),
    t("aws", &["aws", "AWS"], "AWS", true),
    t("react", &["react", "React", "reactjs"], "React", true),
    t("llm", &["llm", "LLM", "LLMs"], "LLMs", true),
    t(
        "cybersecurity",
        &["cybersecurity", "CyberSecurity", "infosec"],
        "security",
        true,
    ),
    t(
        "dataengineering",
        &["dataengineering", "DataEngineering"],
        "data engineering",
        true,
    ),
    t(
        "opensource",
        &["opensource", "OpenSource"],
        "open source",
        true,
    ),
    t(
        "recruiting",
        &["recruiting", "Recruiting"],
        "recruiting",
        false,
    ),
    t("java", &["java", "Java"], "Java", true),
    t("sql", &["sql", "SQL"], "SQL", true),
    t("docker", &["docker", "Docker"], "Docker", true),
    t("terraform", &["terraform", "Terraform"], "Terraform", true),
    t("mlops", &["mlops", "MLOps"], "MLOps", true),
    t("postgres", &["postgres", "PostgreSQL"], "Postgres", true),
    t(
        "deeplearning",
        &["deeplearning", "DeepLearning"],
        "deep learning",
        true,
    ),
    t("uxdesign", &["uxdesign", "UXDesign"], "UX design", true),
    t(
        "productmanagement",
        &["productmanagement", "ProductManagement"],
        "product management",
        true,
    ),
    t(
        "learninganddevelopment",
        &["learninganddevelopment", "LearningAndDevelopment", "LnD"],
        "learning and development",
        false,
    ),
    t(
        "employeeexperience",
        &["employeeexperience", "EmployeeExperience"],
        "employee experience",
        false,
    ),
    t(
        "futureofwork",
        &["futureofwork", "FutureOfWork"],
        "future of work",
        false,
    ),
    t("webdev", &["webdev", "WebDev"], "web development", true),
    t("linux", &["linux", "Linux"], "Linux", true),
    t("a11y", &["a11y", "accessibility"], "accessibility", true),
    t("agile", &["agile", "Agile"], "agile", true),
    t(
        "remotework",
        &["remotework", "RemoteWork"],
        "remote work",
        false,
    ),
    t(
        "leadership",
        &["leadership", "Leadership"],
        "leadership",
        false,
    ),
    t(
        "cloudnative",
        &["cloudnative", "CloudNative"],
        "cloud native",
        true,
    ),
    t("kotlin", &["kotlin", "Kotlin"], "Kotlin", true),
];

/// Hashtags that reveal health, religion or political opinion: the sample plants a few so the
/// sensitive-category filter has something to exclude.
pub(crate) const SENSITIVE_TAGS: &[&str] = &[
    "mentalhealth",
    "MentalHealthAwareness",
    "chronicillness",
    "Ramadan",
    "prayer",
    "election2026",
    "vote",
];

pub(crate) const SENSITIVE_EN: &[&str] = &[
    "Taking a few days off to look after my #mentalhealth. Back next week {e}",
    "Living with a #chronicillness and still shipping code. Be kind to your colleagues {e}",
    "Ramadan Mubarak to everyone observing! #Ramadan {e}",
    "Grateful for a quiet morning of #prayer before a busy week.",
    "Don't forget to #vote on Sunday. #election2026",
    "Reminder that it's #MentalHealthAwareness week. Check on your teammates {e}",
];

pub(crate) const EMOJI: &[&str] = &[
    "🚀",
    "🦀",
    "✨",
    "🙌",
    "💡",
    "🔥",
    "🎉",
    "🤔",
    "🙏",
    "👩‍💻",
    "👨🏽‍💻",
    "👍🏽",
    "❤️",
    "📈",
    "☕",
    "😅",
    "🐍",
    "💪",
    "👀",
    "🧵",
];

pub(crate) const CITIES: &[&str] = &[
    "Berlin",
    "London",
    "Amsterdam",
    "Madrid",
    "Lisbon",
    "Paris",
    "München",
    "Zürich",
    "Tokyo",
    "Toronto",
    "New York",
    "Austin",
    "Dublin",
    "Kraków",
    "São Paulo",
    "remote (EU)",
];

pub(crate) const THINGS_TECH: &[&str] = &[
    "a tiny CLI tool",
    "our new API",
    "a parser for log files",
    "a small web app",
    "a data pipeline",
    "a GitHub Action",
    "a VS Code extension",
    "a benchmark harness",
    "a rate limiter",
    "a caching layer",
    "a recommendation model",
    "a dashboard",
    "a plugin system",
    "a migration script",
];

pub(crate) const THINGS_PEOPLE: &[&str] = &[
    "a new onboarding plan",
    "our interview guide",
    "a skills matrix",
    "a mentoring programme",
    "a career ladder",
    "an engagement survey",
    "a learning budget policy",
    "a hiring scorecard",
];

pub(crate) const TASKS_TECH: &[&str] = &[
    "profile memory usage",
    "structure a monorepo",
    "test async code",
    "speed up CI builds",
    "handle retries properly",
    "deploy without downtime",
    "version an API",
    "debug a flaky test",
    "manage secrets",
    "pick a good first issue",
    "review large pull requests",
    "monitor latency",
];

pub(crate) const TASKS_PEOPLE: &[&str] = &[
    "onboard new hires faster",
    "run structured interviews",
    "measure internal mobility",
    "reduce time to hire",
    "build a skills taxonomy",
    "run a fair promotion process",
    "keep remote teams engaged",
    "write inclusive job ads",
];

pub(crate) const TOPICAL_EN: &[&str] = &[
    "Just shipped {x} with #{t} {e}",
    "Hot take: most {l} problems are really communication problems. #{t}",
    "TIL you can {k} much more easily than I thought. #{t} #{t2}",
    "Reading this great write-up on {l}: {u} {e}",
    "Spent the weekend learning more {l}. Loving it so far {e} #{t}",
    "Our team moved {x} to #{t} and the results are in {e} {u}",
    "Three things I wish I knew before starting with {l}: 1) read the docs 2) ask early 3) write tests. #{t}",
    "Giving a talk on {l} at the {c} meetup next month! #{t} {e}",
    "New blog post: how we {k} with #{t} {u}",
    "The {l} community is the best. Thanks to everyone who helped me this week {e} #{t}",
    "Pairing on {x} today. #{t} is such a joy to work with.",
    "Is it just me or is {l} getting better every release? #{t}",
];

pub(crate) const QUESTION_EN: &[&str] = &[
    "Anyone know a good way to {k} in {l}? #{t}",
    "How do you all {k} with #{t}? {e}",
    "Anyone know good resources for learning {l}? Asking for a friend (me) #{t}",
    "{m} quick question: what's your approach to {k} with {l}? #{t}",
    "What's the best way to {k}? Using #{t} and a bit lost {e}",
];

pub(crate) const ANSWER_EN: &[&str] = &[
    "Have a look at {u}, it covers exactly that.",
    "We {k} with a small wrapper and lots of tests. Happy to share more! {e}",
    "I'd start with the official docs, then build {x}. That's how it clicked for me.",
    "Short answer: measure first. Long answer in this thread {e}",
    "Good question! In {l} the usual trick is to keep it simple and iterate.",
    "I wrote about this a while ago: {u}",
];

pub(crate) const CHAT_EN: &[&str] = &[
    "Agreed! {e}",
    "Interesting, but have you tried doing it the other way round?",
    "Thanks for sharing {e}",
    "+1, same experience here.",
    "Not sure I agree, it depends a lot on the team.",
    "This is great, bookmarking it.",
    "Love this {e}",
    "Would love to hear more about how you {k}.",
];

pub(crate) const DEBATE_EN: &[&str] = &[
    "I still think that's the wrong trade-off.",
    "Fair, but it breaks down at scale.",
    "Have you measured it though?",
    "We did exactly that and it worked fine for two years.",
    "Ok, that's a good point. What about testing?",
    "Tests catch some of it, not all.",
    "Then we agree more than we disagree {e}",
    "Hmm, depends what you mean by simple.",
];

pub(crate) const THANKS_EN: &[&str] = &[
    "Thank you, that helps a lot! {e}",
    "Perfect, exactly what I needed 🙏",
    "Thanks! Trying it now.",
];

pub(crate) const TOPICAL_DE: &[&str] = &[
    "Gerade {x} mit #{t} gebaut – läuft super! {e}",
    "Wer kommt zum {l}-Meetup in {c}? #{t}",
    "Spannender Artikel über {l}: {u}",
    "Endlich Zeit, mich in {l} einzuarbeiten. Macht Spaß! #{t} {e}",
];
pub(crate) const QUESTION_DE: &[&str] = &[
    "Kennt jemand ein gutes Tutorial zu {l}? #{t}",
    "Wie löst ihr das: {k} mit #{t}? {e}",
];
pub(crate) const CHAT_DE: &[&str] = &[
    "Danke fürs Teilen! {e}",
    "Sehr gut erklärt 👍🏽",
    "Genau so sehe ich das auch.",
];

pub(crate) const TOPICAL_ES: &[&str] = &[
    "Acabo de terminar un proyecto con #{t} {e}",
    "Mañana hablo sobre {l} en {c}. ¡Nos vemos! #{t}",
    "Muy buen artículo sobre {l}: {u}",
];
pub(crate) const QUESTION_ES: &[&str] = &[
    "¿Alguien sabe cómo {k} en {l}? #{t}",
    "¿Qué recursos recomendáis para aprender {l}? #{t} {e}",
];
pub(crate) const CHAT_ES: &[&str] = &[
    "¡Gracias por compartir! {e}",
    "Totalmente de acuerdo.",
    "¡Qué buena idea!",
];

pub(crate) const TOPICAL_FR: &[&str] = &[
    "Super retour d'expérience sur #{t} aujourd'hui {e}",
    "Première contribution à un projet {l} : quelle communauté accueillante ! #{t}",
];
pub(crate) const QUESTION_FR: &[&str] = &["Quelqu'un connaît une bonne ressource sur {l} ? #{t}"];
pub(crate) const CHAT_FR: &[&str] = &[
    "Merci pour le partage ! {e}",
    "Très intéressant, à creuser.",
];

pub(crate) const TOPICAL_JA: &[&str] = &[
    "{l}の勉強会に参加しました！とても勉強になった {e} #{t}",
    "{l}で{x}を作ってみた。思ったより簡単だった #{t}",
    "今日は{c}で{l}について話します {e} #{t}",
];
pub(crate) const QUESTION_JA: &[&str] = &[
    "{l}でおすすめの本ありますか？ #{t}",
    "{l}の良い勉強方法を知っている人いますか？ #{t}",
];
pub(crate) const CHAT_JA: &[&str] = &["ありがとうございます！{e}", "なるほど、参考になります。"];

pub(crate) const TOPICAL_PT: &[&str] = &[
    "Terminei hoje um projeto com #{t} {e}",
    "Ótimo artigo sobre {l}: {u}",
];
pub(crate) const QUESTION_PT: &[&str] = &["Alguém conhece um bom curso de {l}? #{t}"];
pub(crate) const CHAT_PT: &[&str] = &["Obrigado por compartilhar! {e}", "Concordo totalmente."];

pub(crate) const JOB: &[&str] = &[
    "We're #hiring a Senior {l} Engineer in {c} {e} Apply here: {u} #{t} #jobs",
    "Join {o}! We're looking for a {l} developer to help us build {x}. {u} #nowhiring #{t}",
    "New role: Staff Engineer, {l} ({c} or remote). {u} #hiring #{t} #{t2}",
    "Our team is growing {e} Open roles in {l} and {l2}: {u} #jobs #hiring",
    "Know someone great at {l}? We're #hiring in {c}. {u} #{t} #nowhiring",
];

pub(crate) const JOB_PEOPLE: &[&str] = &[
    "We're #hiring a People Partner in {c} {e} {u} #{t} #jobs",
    "Looking for a Talent Acquisition Lead who loves {l}. {u} #nowhiring #{t}",
];

pub(crate) const ENG: &[&str] = &[
    "New on the {o} engineering blog: how we {k} with #{t} {u}",
    "We just open-sourced {x} built with #{t} {e} {u} #opensource",
    "Tech talk recording: {l} at {o} {u} #{t}",
    "How our team uses {l} to {k}. A short thread {e} #{t}",
];

pub(crate) const HR: &[&str] = &[
    "What does great {l} look like in 2026? Our take: {u} #{t} #hrtech",
    "We rebuilt {x} around skills, not titles. Here's what we learned {u} #{t}",
    "Proud of our people team for {k}. #{t} #peopleanalytics",
];

pub(crate) const ASK_ORG: &[&str] = &[
    "Is this role open to remote candidates?",
    "Do you sponsor visas for this position?",
    "What does the interview process look like?",
    "Applied last week, excited about this one {e}",
    "Is there a junior version of this role?",
    "How big is the {l} team?",
];

pub(crate) const ORG_ANSWER: &[&str] = &[
    "Great question! Yes, we hire across the EU. DM us and we'll connect you with the team {e}",
    "Thanks for applying! The team reviews every application within two weeks.",
    "Three steps: a chat, a take-home you can do in two hours, and a team conversation.",
    "Not right now, but keep an eye on {u}",
    "About twelve people, and growing {e}",
    "Happy to help. Our recruiter will reach out this week.",
];

pub(crate) const ORG_SHOUTOUT: &[&str] = &[
    "Huge thanks to {m} for the great talk on {l} at our meetup! {e} #{t}",
    "We loved {m}'s write-up on {l}. Worth a read {u} #{t}",
    "Congrats {m} on the release! #{t} {e}",
];

pub(crate) const PERSON_ABOUT_ORG: &[&str] = &[
    "{m} do you have openings in {l}? #{t}",
    "Just had a great chat with the team at {m} about {l} {e}",
    "{m} your careers page is down?",
];

pub(crate) const QUOTE_EN: &[&str] = &[
    "This is spot on {e}",
    "Worth reading if you work with {l}.",
    "Interesting take. My experience with #{t} was quite different.",
    "Yes! This.",
    "Sharing with my team {e}",
];

pub(crate) const LONG_EXTRA: &[&str] = &[
    "A few people asked for more detail, so here it is.",
    "The short version: start small, measure everything, and talk to the people who will maintain it.",
    "We tried three approaches before this one and each taught us something about {l}.",
    "If you are starting today, I would pick the boring option and spend the saved time on tests.",
    "Happy to answer questions below, and the slides are linked at the end.",
    "Thanks to everyone in the {l} community who reviewed early drafts of this.",
];

pub(crate) const ROLES_TECH: &[&str] = &[
    "Software engineer",
    "Backend dev",
    "Data scientist",
    "SRE",
    "Frontend developer",
    "ML engineer",
    "Platform engineer",
    "Staff engineer",
    "Designer",
    "Engineering manager",
];
pub(crate) const ROLES_PEOPLE: &[&str] = &[
    "Recruiter",
    "Talent partner",
    "People analytics lead",
    "HRBP",
    "L&D manager",
    "Head of People",
];
pub(crate) const COMPANIES: &[&str] = &[
    "Initech",
    "Globex",
    "Hooli",
    "Umbrella Labs",
    "Stark Data",
    "Wonka Systems",
    "a small startup",
    "a fintech",
    "a health-tech scale-up",
    "the public sector",
];

pub(crate) const FIRST_EN: &[&str] = &[
    "Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Tim",
    "Sophie", "James", "Olivia", "Noah", "Emma", "Liam", "Ava", "Ethan", "Mia", "Lucas", "Chloe",
    "Jack", "Priya", "Arjun", "Fatima", "Omar", "Zoe", "Sam", "Alex", "Jordan",
];
pub(crate) const LAST_EN: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Khan", "Walker", "Wright", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
    "Clarke",
];
pub(crate) const FIRST_DE: &[&str] = &[
    "Jürgen", "Anna", "Lukas", "Lena", "Jonas", "Sophie", "Felix", "Marie", "Björn", "Käthe",
];
pub(crate) const LAST_DE: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schäfer",
    "Groß",
];
pub(crate) const FIRST_ES: &[&str] = &[
    "José", "María", "Lucía", "Javier", "Sofía", "Álvaro", "Carmen", "Andrés", "Inés", "Raúl",
];
pub(crate) const LAST_ES: &[&str] = &[
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Fernández",
    "Díaz",
    "Muñoz",
    "Romero",
];
pub(crate) const FIRST_FR: &[&str] = &[
    "Léa", "Hugo", "Chloé", "Théo", "Camille", "Noé", "Zoé", "Loïc",
];
pub(crate) const LAST_FR: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau",
];
pub(crate) const FIRST_PT: &[&str] =
    &["João", "Ana", "Luís", "Beatriz", "Tiago", "Inês", "Gonçalo"];
pub(crate) const LAST_PT: &[&str] = &[
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Gonçalves",
];
/// Japanese names: (romanised for the handle, written for the display name).
pub(crate) const NAMES_JA: &[(&str, &str)] = &[
    ("sakura_tanaka", "田中 さくら"),
    ("hiroshi_sato", "佐藤 浩"),
    ("yuki_suzuki", "鈴木 ゆき"),
    ("kenta_takahashi", "高橋 健太"),
    ("aoi_watanabe", "渡辺 葵"),
    ("ren_ito", "伊藤 蓮"),
    ("hina_yamamoto", "山本 ひな"),
    ("sota_nakamura", "中村 颯太"),
];
