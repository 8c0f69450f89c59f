//! Text normalisation and tokenisation shared by the taxonomy (to index its terms) and the matcher (to
//! scan posts). Both sides go through the same functions, so a keyword written `Node.js` in a taxonomy
//! and the words `node.js` in a post become the same token sequence `node js`.

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Ranges of characters that NFKC leaves alone whatever surrounds them (beside ASCII): each has
/// `NFKC_Quick_Check = Yes` (so no composition takes it as its second part) and combining class 0
/// (so no reordering crosses it). Kana, CJK ideographs, Hangul syllables, common Latin-1, Greek and
/// Cyrillic letters, typographic quotes and dashes, emoji and their joiner and variation selector:
/// what posts are mostly written in. A text made only of these needs no Unicode table look-up, and
/// in any text the normalisation may restart at one of them. A test checks every character of
/// every range against the Unicode tables.
const STABLE: &[(u32, u32)] = &[
    (0x00C0, 0x00FF),
    (0x0391, 0x03A1),
    (0x03A3, 0x03A9),
    (0x03B1, 0x03C9),
    (0x0410, 0x044F),
    (0x200D, 0x200D),
    (0x2013, 0x2016),
    (0x2018, 0x2022),
    (0x2600, 0x26FF),
    (0x2700, 0x27BF),
    (0x3001, 0x3002),
    (0x300C, 0x300F),
    (0x3041, 0x3096),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FE),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0xFE0F, 0xFE0F),
    (0x1F300, 0x1F64F),
    (0x1F680, 0x1F6FF),
    (0x1F900, 0x1F9FF),
];

/// Whether NFKC leaves `c` alone in any context and may restart before it (see [`STABLE`]).
#[inline]
fn is_stable(c: char) -> bool {
    let c = c as u32;
    c < 0x80 || {
        // the first range whose end is at or after `c`
        let i = STABLE.partition_point(|&(_, hi)| hi < c);
        STABLE.get(i).is_some_and(|&(lo, _)| lo <= c)
    }
}

/// The Unicode quick check for NFKC ("is it certainly normalised?"), with the stable characters
/// answered without the tables: the same answer as `is_nfkc_quick(s.chars()) == Yes`.
fn is_nfkc_quick_yes(s: &str) -> bool {
    let mut last_cc = 0u8;
    for c in s.chars() {
        if is_stable(c) {
            last_cc = 0;
            continue;
        }
        let cc = canonical_combining_class(c);
        if last_cc > cc && cc != 0 {
            return false;
        }
        if is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes {
            return false;
        }
        last_cc = cc;
    }
    true
}

/// NFKC-normalises `s` unless it already is (ASCII always is), keeping case.
///
/// Only the parts that may change are normalised: a segment runs from the last stable character
/// (see [`STABLE`]) before a character that may change to the next stable character after it, and
/// the rest is copied. NFKC works segment by segment this way because a stable character neither
/// composes with what precedes it nor lets combining marks be reordered across it.
pub(crate) fn nfkc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfkc_quick_yes(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    // `s[..done]` is in `out`; `boundary` is the start of the last stable character seen.
    let mut done = 0;
    let mut boundary = 0;
    let mut segment: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if is_stable(c) {
            if let Some(start) = segment.take() {
                out.extend(s[start..i].nfkc());
                done = i;
            }
            boundary = i;
        } else if segment.is_none() {
            // the stable character before `c` may compose with it: the segment starts there
            out.push_str(&s[done..boundary]);
            segment = Some(boundary);
        }
    }
    match segment {
        Some(start) => out.extend(s[start..].nfkc()),
        None => out.push_str(&s[done..]),
    }
    Cow::Owned(out)
}

/// NFKC by the Unicode tables alone, for every character: what [`nfkc`] must equal.
#[cfg(test)]
fn nfkc_reference(s: &str) -> String {
    s.nfkc().collect()
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
    if text.is_ascii() {
        tokenize_ascii(text.as_bytes(), out);
    } else {
        tokenize_mixed(text, out);
    }
}

/// [`tokenize`] of any text: `tokenize_chars` (the tests' reference) reading the text by byte offsets, an ASCII byte as
/// it is and only the other characters decoded (the iterator of `tokenize_chars` costs most on
/// text that is mostly ASCII with a few other characters).
#[allow(clippy::many_single_char_names)] // b, n, i, c, d: the bytes, their count, offsets, chars
fn tokenize_mixed(text: &str, out: &mut Vec<RawToken>) {
    out.clear();
    let b = text.as_bytes();
    let n = b.len();
    let at = |i: usize| -> (char, usize) {
        if b[i] < 0x80 {
            (char::from(b[i]), 1)
        } else {
            let c = text[i..].chars().next().expect("i is a char boundary");
            (c, c.len_utf8())
        }
    };
    let mut prev: Option<char> = None;
    let mut prev2: Option<char> = None;
    let mut pending_break = false;
    let mut i = 0;
    while i < n {
        let (c, len) = at(i);
        if !is_word(c) {
            let inner_dot = c == '.' && i + 1 < n && !at(i + 1).0.is_whitespace();
            if is_break(c) && !inner_dot {
                pending_break = true;
            }
            prev2 = prev;
            prev = Some(c);
            i += len;
            continue;
        }
        let hashtag = matches!(prev, Some('#' | '＃')) && !prev2.is_some_and(is_word);
        let mut start = i;
        if prev == Some('.') && prev2.is_none_or(char::is_whitespace) && !hashtag {
            start = i - 1;
            pending_break = false;
        }
        let mut end = i + len;
        let mut last = c;
        while end < n {
            let (d, dl) = at(end);
            if is_word(d) || (hashtag && d == '_') {
                end += dl;
                last = d;
            } else {
                break;
            }
        }
        if b.get(end) == Some(&b'+') && b.get(end + 1) == Some(&b'+') {
            end += 2;
            last = '+';
        } else if b.get(end) == Some(&b'#') {
            let after = text[end + 1..].chars().next();
            if !after.is_some_and(|a| is_word(a) || a == '_') {
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
        i = end;
    }
}

/// [`is_break`] of an ASCII byte.
fn is_break_ascii(b: u8) -> bool {
    is_break(char::from(b))
}

/// [`tokenize`] of ASCII text, byte by byte: the same rules as `tokenize_chars` (the tests' reference) with the ASCII
/// meaning of each class (a word byte is `[0-9A-Za-z]`, white space is `char::is_whitespace`).
fn tokenize_ascii(b: &[u8], out: &mut Vec<RawToken>) {
    out.clear();
    let n = b.len();
    let word = |c: u8| c.is_ascii_alphanumeric();
    let space = |c: u8| char::from(c).is_whitespace();
    let mut prev: Option<u8> = None;
    let mut prev2: Option<u8> = None;
    let mut pending_break = false;
    let mut i = 0;
    while i < n {
        let c = b[i];
        if !word(c) {
            let inner_dot = c == b'.' && i + 1 < n && !space(b[i + 1]);
            if is_break_ascii(c) && !inner_dot {
                pending_break = true;
            }
            prev2 = prev;
            prev = Some(c);
            i += 1;
            continue;
        }
        let hashtag = prev == Some(b'#') && !prev2.is_some_and(word);
        let mut start = i;
        if prev == Some(b'.') && prev2.is_none_or(space) && !hashtag {
            start = i - 1;
            pending_break = false;
        }
        let mut end = i + 1;
        while end < n && (word(b[end]) || (hashtag && b[end] == b'_')) {
            end += 1;
        }
        let mut last = b[end - 1];
        if b.get(end) == Some(&b'+') && b.get(end + 1) == Some(&b'+') {
            end += 2;
            last = b'+';
        } else if b.get(end) == Some(&b'#')
            && !b.get(end + 1).is_some_and(|&a| word(a) || a == b'_')
        {
            end += 1;
            last = b'#';
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
        i = end;
    }
}

/// [`tokenize`] of any text, char by char with the Unicode classes: the reference the faster
/// tokenizers are tested against.
#[cfg(test)]
fn tokenize_chars(text: &str, out: &mut Vec<RawToken>) {
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
    fn stable_ranges_are_left_alone_by_nfkc() {
        for &(lo, hi) in STABLE {
            assert!(lo <= hi && lo >= 0x80, "{lo:X}..{hi:X}");
            for c in (lo..=hi).filter_map(char::from_u32) {
                assert!(is_stable(c));
                assert_eq!(
                    is_nfkc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "U+{:04X}",
                    c as u32
                );
                assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
            }
        }
        // sorted and disjoint, as the binary search needs
        assert!(STABLE.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(
            !is_stable('\u{0301}') && !is_stable('…') && !is_stable('Ａ') && !is_stable('\u{3099}')
        );
    }

    /// Characters where NFKC changes, composes, reorders or restarts, beside stable ones.
    const TRICKY: &[char] = &[
        'a', 'e', 'A', '<', '=', ' ', '#', '.', '_', '\u{0301}', '\u{0323}', '\u{0338}',
        '\u{0308}', '\u{0345}', '\u{1100}', '\u{1161}', '\u{11A8}', '\u{AC00}', '\u{AC01}', 'か',
        'ｶ', '\u{3099}', '\u{309A}', '\u{FF9E}', '…', 'ﬁ', 'Ａ', 'é', 'Å', '\u{212B}', '\u{2126}',
        '😀', '\u{FE0F}', '\u{200D}', 'Ω', 'α', 'я', '\u{00A0}', '²', '\u{0627}', '\u{0653}',
        '\u{1E9B}', '\u{0CCB}', '\u{0CC6}', '\u{0CD5}', 'ー', '漢', '\u{F900}', '\u{2011}',
        '\u{2017}', '\u{309B}',
    ];

    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(TRICKY),
                1 => any::<char>(),
            ],
            0..24,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        #[test]
        fn nfkc_by_segments_is_nfkc(s in mixed_text()) {
            proptest::prop_assert_eq!(nfkc(&s).into_owned(), nfkc_reference(&s));
            proptest::prop_assert_eq!(
                is_nfkc_quick_yes(&s),
                is_nfkc_quick(s.chars()) == IsNormalized::Yes
            );
        }

        #[test]
        fn mixed_tokenizer_is_the_char_tokenizer(
            s in "[aZ09 _#＃.+,;:!?()\\[\\]{}\"|\n\r\t/'@…。、，！？；：\u{3000}\u{00A0}\u{2028}éÉß漢データ🦀\u{0301}Ωя٣-]{0,40}"
        ) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize_mixed(&s, &mut fast);
            tokenize_chars(&s, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn mixed_tokenizer_on_any_text(s in mixed_text()) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize_mixed(&s, &mut fast);
            tokenize_chars(&s, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }

        #[test]
        fn ascii_tokenizer_is_the_char_tokenizer(
            s in "[aZ09 _#.+,;:!?()\\[\\]{}\"|\n\r\t\x0b\x0c/'@-]{0,40}"
        ) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize_ascii(s.as_bytes(), &mut fast);
            tokenize_chars(&s, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn ascii_tokenizer_on_samples() {
        for s in [
            "C++, C# and .NET; node.js #Rust_Lang x#y",
            "#a#b ##c .x ..y a.b. #_x # x++ y+ z#_ q#",
            "end. .start\n.NET\tok 3.5 #rustlang! (go) [k8s] {x} \"y\" a|b",
            "",
            ".",
            "#",
            "a",
            "x\x0b.y",
        ] {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            tokenize_ascii(s.as_bytes(), &mut fast);
            tokenize_chars(s, &mut slow);
            assert_eq!(fast, slow, "{s:?}");
        }
    }

    #[test]
    fn nfkc_segments_on_samples() {
        for s in [
            "Tokyo … かﾞ ｶﾞ Ａ e\u{0301} データ分析 🦀\u{FE0F}",
            "\u{0301}start",
            "end\u{0301}",
            "가\u{11A8} \u{1100}\u{1161}\u{11A8}",
            "ﬁ…ﬁ",
            "a\u{0323}\u{0301}\u{0308}b",
        ] {
            assert_eq!(nfkc(s), nfkc_reference(s), "{s:?}");
        }
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
