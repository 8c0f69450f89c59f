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
    // The marks, searched as bytes: `?` is ASCII, and the others only occur in non-ASCII text
    // (`？` U+FF1F, `¿` U+00BF, `؟` U+061F: their UTF-8 forms cannot straddle a character).
    let b = text.as_bytes();
    if b.contains(&b'?') {
        return true;
    }
    if !text.is_ascii() && text.contains(['？', '¿', '؟']) {
        return true;
    }
    let first = text
        .split_whitespace()
        .find(|w| !w.starts_with('@'))
        .unwrap_or("");
    let first = first.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
    if first.is_ascii() {
        // No allocation: an ASCII word equals a listed word in lower case exactly when it equals
        // it ignoring ASCII case (the non-ASCII words of the list never equal an ASCII one).
        return QUESTION_WORDS.iter().any(|w| w.eq_ignore_ascii_case(first));
    }
    QUESTION_WORDS.contains(&first.to_lowercase().as_str())
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
