//! The protocol's interop syntax lists (`shared/specs/atproto/interop-syntax/`): every valid line
//! parses, every invalid line is refused.

use std::path::PathBuf;

use rapport_bluesky::syntax::{
    SyntaxError, check_at_identifier, check_at_uri, check_datetime, check_did, check_handle,
    check_nsid, check_record_key, check_tid,
};

/// `<clone>/../shared/specs/atproto/interop-syntax`; a git worktree one folder deeper finds it one
/// level up, and `RAPPORT_SHARED_DIR` overrides both.
fn dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAPPORT_SHARED_DIR") {
        return PathBuf::from(d).join("specs/atproto/interop-syntax");
    }
    let candidates = [
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/specs/atproto/interop-syntax"
        ),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../../shared/specs/atproto/interop-syntax"
        ),
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_dir())
        .unwrap_or_else(|| PathBuf::from(candidates[0]))
}

/// The lines of a list: comments (`#` first) and empty lines left out; nothing trimmed, since
/// surrounding spaces are part of several invalid cases.
fn lines(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// `n_valid` and `n_invalid` are the line counts of the lists (counted with a separate script), so a
/// list that fails to load fails the test.
fn run(kind: &str, check: fn(&str) -> Result<(), SyntaxError>, n_valid: usize, n_invalid: usize) {
    let valid = lines(&format!("{kind}_syntax_valid.txt"));
    let mut invalid = lines(&format!("{kind}_syntax_invalid.txt"));
    if kind == "datetime" {
        invalid.extend(lines("datetime_parse_invalid.txt"));
    }
    assert_eq!(valid.len(), n_valid, "{kind}: valid lines read");
    assert_eq!(invalid.len(), n_invalid, "{kind}: invalid lines read");
    let wrongly_refused: Vec<(String, String)> = valid
        .iter()
        .filter_map(|v| check(v).err().map(|e| (v.clone(), e.to_string())))
        .collect();
    let wrongly_accepted: Vec<&String> = invalid.iter().filter(|v| check(v).is_ok()).collect();
    assert!(
        wrongly_refused.is_empty(),
        "{kind}: valid but refused: {wrongly_refused:#?}"
    );
    assert!(
        wrongly_accepted.is_empty(),
        "{kind}: invalid but accepted: {wrongly_accepted:#?}"
    );
}

#[test]
fn handles() {
    run("handle", check_handle, 71, 48);
}

#[test]
fn dids() {
    run("did", check_did, 24, 18);
}

#[test]
fn nsids() {
    run("nsid", check_nsid, 25, 27);
}

#[test]
fn at_uris() {
    run("aturi", check_at_uri, 23, 72);
}

#[test]
fn record_keys() {
    run("recordkey", check_record_key, 16, 11);
}

#[test]
fn tids() {
    run("tid", check_tid, 6, 7);
}

#[test]
fn datetimes() {
    run("datetime", check_datetime, 33, 52);
}

#[test]
fn at_identifiers() {
    run("atidentifier", check_at_identifier, 11, 22);
}
