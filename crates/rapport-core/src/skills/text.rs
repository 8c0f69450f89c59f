//! Text normalisation and tokenisation shared by the taxonomy (to index its terms) and the matcher (to
//! scan posts). Both sides go through the same functions, so a keyword written `Node.js` in a taxonomy
//! and the words `node.js` in a post become the same token sequence `node js`.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::is_nfkc_quick;

/// NFKC-normalises `s` unless it already is (ASCII always is), keeping case.
pub(crate) fn nfkc(s: &str) -> Cow<'_, str> {
    if s.is_ascii()
        || matches!(
            is_nfkc_quick(s.chars()),
            unicode_normalization::IsNormalized::Yes
        )
    {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// Appends the lower-case form of `s` to `out` (a fast path for ASCII).
pub(crate) fn push_lower(s: &str, out: &mut String) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
}

/// One token found by [`tokenize`], as byte offsets into the (NFKC) text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawToken {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Written as `#body` (the span excludes the `#`).
    pub(crate) hashtag: bool,
    /// Sentence punctuation or a line break separates it from the previous token, so a multi-word
    /// keyword may not run across.
    pub(crate) brk: bool,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_break(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '|'
            | '\n'
            | '\r'
            | '…'
            | '。'
            | '、'
            | '，'
            | '！'
            | '？'
            | '；'
            | '：'
    )
}

/// Splits NFKC text into word tokens. A word is a run of Unicode letters and digits (any script; emoji
/// and punctuation separate words), with three technical spellings kept whole: a trailing `++` (`C++`),
/// a trailing `#` not followed by a letter (`C#`, `F#`) and a leading `.` after a space (`.NET`).
/// A word right after `#` (itself not after a letter) is a hashtag and may contain `_`.
pub(crate) fn tokenize(text: &str, out: &mut Vec<RawToken>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    let mut prev2: Option<char> = None;
    let mut pending_break = false;
    while let Some((i, c)) = chars.next() {
        if !is_word(c) {
            // a '.' inside a word (`node.js`, `3.5`) does not end a sentence
            let inner_dot = c == '.' && chars.peek().is_some_and(|&(_, n)| !n.is_whitespace());
            if is_break(c) && !inner_dot {
                pending_break = true;
            }
            prev2 = prev;
            prev = Some(c);
            continue;
        }
        let hashtag = matches!(prev, Some('#' | '＃')) && !prev2.is_some_and(is_word);
        let mut start = i;
        if prev == Some('.') && prev2.is_none_or(char::is_whitespace) && !hashtag {
            start = i - 1;
            // the '.' counted as a break; it starts this word instead
            pending_break = false;
        }
        let mut end = i + c.len_utf8();
        let mut last = c;
        while let Some(&(j, d)) = chars.peek() {
            if is_word(d) || (hashtag && d == '_') {
                end = j + d.len_utf8();
                last = d;
                chars.next();
            } else {
                break;
            }
        }
        // Technical suffixes.
        if bytes.get(end) == Some(&b'+') && bytes.get(end + 1) == Some(&b'+') {
            chars.next();
            chars.next();
            end += 2;
            last = '+';
        } else if bytes.get(end) == Some(&b'#') {
            let after = text[end + 1..].chars().next();
            if !after.is_some_and(|a| is_word(a) || a == '_') {
                chars.next();
                end += 1;
                last = '#';
            }
        }
        out.push(RawToken {
            start,
            end,
            hashtag,
            brk: pending_break,
        });
        pending_break = false;
        prev2 = Some(last);
        prev = Some(last);
    }
}

/// Splits a hashtag body into its words: on `_` and on CamelCase boundaries (`MachineLearning` →
/// `Machine`, `Learning`; `HTMLParser` → `HTML`, `Parser`). Digits stay attached (`k8s`, `Web3`).
pub(crate) fn split_hashtag(body: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    for piece in body.split('_').filter(|p| !p.is_empty()) {
        let cs: Vec<(usize, char)> = piece.char_indices().collect();
        let mut start = 0;
        for k in 1..cs.len() {
            let (b, c) = cs[k];
            let p = cs[k - 1].1;
            let lower_to_upper = p.is_lowercase() && c.is_uppercase();
            let acronym_end = p.is_uppercase()
                && c.is_uppercase()
                && cs.get(k + 1).is_some_and(|&(_, n)| n.is_lowercase());
            let digit_to_upper = p.is_numeric() && c.is_uppercase();
            if lower_to_upper || digit_to_upper {
                parts.push(&piece[start..b]);
                start = b;
            } else if acronym_end {
                // "HTMLParser": the boundary is before the last capital of the run
                parts.push(&piece[start..b]);
                start = b;
            }
        }
        parts.push(&piece[start..]);
    }
    parts
}

/// A taxonomy term in matching form: NFKC, lower case, its tokens joined by one space.
///
/// CamelCase is not split here (a keyword `JavaScript` stays `javascript`), but `_` is a separator.
pub(crate) fn normalize_term(s: &str) -> String {
    let s = nfkc(s);
    let mut toks = Vec::new();
    tokenize(&s, &mut toks);
    let mut out = String::with_capacity(s.len());
    for t in &toks {
        for (k, part) in s[t.start..t.end]
            .split('_')
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            if !out.is_empty() || k > 0 {
                out.push(' ');
            }
            push_lower(part, &mut out);
        }
    }
    out
}

/// The hashtag form of a term or a hashtag: normalised, with spaces, `_`, `#` and dots removed
/// (`#Machine_Learning`, `machine learning` and `MachineLearning` all give `machinelearning`).
///
/// ```
/// use rapport_core::skills::hashtag_form;
/// assert_eq!(hashtag_form("#Machine_Learning"), "machinelearning");
/// assert_eq!(hashtag_form("Node.js"), "nodejs");
/// assert_eq!(hashtag_form("ＲＵＳＴ"), "rust");
/// ```
pub fn hashtag_form(s: &str) -> String {
    let s = s.trim().trim_start_matches(['#', '＃']);
    let mut out = String::with_capacity(s.len());
    push_lower(&nfkc(s), &mut out);
    out.retain(|c| !(c.is_whitespace() || matches!(c, '_' | '.' | '-' | '/' | '\'' | '’')));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(String, bool, bool)> {
        let mut v = Vec::new();
        tokenize(s, &mut v);
        v.iter()
            .map(|t| (s[t.start..t.end].to_string(), t.hashtag, t.brk))
            .collect()
    }

    #[test]
    fn tokens_keep_technical_spellings() {
        let w = words("C++, C# and .NET; node.js #Rust_Lang x#y");
        let texts: Vec<&str> = w.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            texts,
            [
                "C++",
                "C#",
                "and",
                ".NET",
                "node",
                "js",
                "Rust_Lang",
                "x",
                "y"
            ]
        );
        // "#Rust_Lang" is a hashtag; "x#y" is not (the # follows a letter)
        assert!(w[6].1);
        assert!(!w[8].1);
        // the ',' after C++ breaks before C#; ';' before node; the '.' inside node.js does not
        assert!(w[1].2);
        assert!(!w[2].2);
        assert!(w[4].2);
        assert!(!w[5].2);
    }

    #[test]
    fn emoji_and_other_scripts_are_boundaries() {
        let w = words("Rust🦀lang Привет мир データ分析 naïve");
        let texts: Vec<&str> = w.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            texts,
            ["Rust", "lang", "Привет", "мир", "データ分析", "naïve"]
        );
    }

    #[test]
    fn camel_and_snake_split() {
        assert_eq!(split_hashtag("MachineLearning"), ["Machine", "Learning"]);
        assert_eq!(split_hashtag("machine_learning"), ["machine", "learning"]);
        assert_eq!(split_hashtag("HTMLParser"), ["HTML", "Parser"]);
        assert_eq!(split_hashtag("k8s"), ["k8s"]);
        assert_eq!(split_hashtag("Web3Dev"), ["Web3", "Dev"]);
        assert_eq!(split_hashtag("rust"), ["rust"]);
    }

    #[test]
    fn terms() {
        assert_eq!(normalize_term("Node.js"), "node js");
        assert_eq!(normalize_term("  Machine   Learning "), "machine learning");
        assert_eq!(normalize_term("CI/CD"), "ci cd");
        assert_eq!(normalize_term("C++"), "c++");
        assert_eq!(normalize_term("snake_case"), "snake case");
        assert_eq!(normalize_term("ＭＬ"), "ml");
    }
}
