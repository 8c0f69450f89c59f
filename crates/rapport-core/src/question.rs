//! Question detection, shared by the analyses that care whether a post asks something: the mentors'
//! answers signal ([`crate::mentors`]) and the conversation inbox ([`crate::inbox`]) use this one
//! definition, so a post is a question in both or in neither.

/// Whether a post reads as a question: it contains a question mark (`?`, `？`, `¿`, `؟`), or its first
/// word (after any leading @mentions) is a question word in English, French, German, Spanish,
/// Portuguese, Italian or Dutch ([`QUESTION_WORDS`]).
///
/// ```
/// use rapport_core::question::is_question;
/// assert!(is_question("Anyone used sqlx with sqlite"));
/// assert!(is_question("@ada Comment tu fais ça"));
/// assert!(is_question("Wie startet man das"));
/// assert!(is_question("¿Cómo empiezo con Rust"));
/// assert!(!is_question("Shipped a new release today"));
/// assert!(!is_question("Is-it-done.sh shipped")); // a word must stand alone
/// ```
pub fn is_question(text: &str) -> bool {
    if text.contains(['?', '？', '¿', '؟']) {
        return true;
    }
    let first = text
        .split_whitespace()
        .find(|w| !w.starts_with('@'))
        .unwrap_or("");
    let first = first
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
        .to_lowercase();
    QUESTION_WORDS.contains(&first.as_str())
}

/// The question words of [`is_question`], lower case.
pub const QUESTION_WORDS: &[&str] = &[
    // English
    "how", "what", "why", "when", "where", "which", "who", "whom", "whose", "anyone", "anybody",
    "can", "could", "should", "would", "does", "did", "is", "are", "any", // French
    "comment", "pourquoi", "quand", "où", "quel", "quelle", "quels", "quelles", "qui", "quoi",
    "est-ce", // German
    "wie", "warum", "wann", "wo", "welche", "welcher", "welches", "wer", "weshalb", "kennt",
    // Spanish
    "cómo", "qué", "cuándo", "dónde", "cuál", "quién", "alguien", // Portuguese
    "quando", "onde", "qual", "quem", "alguém", // Italian
    "perché", "dove", "quale", "chi", "qualcuno", // Dutch
    "hoe", "waarom", "wanneer", "waar", "welke", "wie", "iemand",
];
