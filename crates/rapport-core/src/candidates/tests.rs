use super::*;
use crate::model::Platform;
use crate::{Account, Corpus};

fn x(s: &str) -> Result<String, HandleError> {
    Handle::parse_x(s).map(|h| h.handle)
}

#[test]
fn handle_shapes_all_normalise_to_the_handle() {
    for input in [
        "Ada_Codes",
        "@Ada_Codes",
        "  @Ada_Codes  ",
        "＠Ada_Codes",
        "https://x.com/Ada_Codes",
        "http://x.com/Ada_Codes",
        "https://www.x.com/Ada_Codes",
        "x.com/Ada_Codes",
        "twitter.com/Ada_Codes/",
        "https://twitter.com/Ada_Codes/",
        "https://mobile.twitter.com/Ada_Codes",
        "mobile.twitter.com/Ada_Codes?lang=en",
        "https://x.com/Ada_Codes?s=21&t=abc",
        "https://x.com/Ada_Codes/?s=21",
        "https://x.com/Ada_Codes#top",
        "HTTPS://X.COM/Ada_Codes",
        "https://x.com/Ada_Codes/with_replies",
        "https://x.com/@Ada_Codes",
    ] {
        assert_eq!(x(input).as_deref(), Ok("Ada_Codes"), "input {input:?}");
    }
    // Case is kept as written; the key is lower case.
    assert_eq!(Handle::parse_x("@ADA_codes").unwrap().key(), "ada_codes");
    // 15 characters is the longest X allows.
    assert_eq!(x("abcdefghij12345").as_deref(), Ok("abcdefghij12345"));
}

#[test]
fn what_is_not_a_handle_is_refused_with_a_reason() {
    assert_eq!(x(""), Err(HandleError::Empty));
    assert_eq!(x("  @ "), Err(HandleError::Empty));
    assert!(matches!(
        x("Ada Lovelace"),
        Err(HandleError::InvalidChar { ch: ' ', .. })
    ));
    assert!(matches!(
        x("ada.codes"),
        Err(HandleError::InvalidChar { ch: '.', .. })
    ));
    assert!(matches!(
        x("ada@example.com"),
        Err(HandleError::InvalidChar { ch: '@', .. })
    ));
    assert!(matches!(
        x("abcdefghij123456"),
        Err(HandleError::TooLong { len: 16, .. })
    ));
    assert!(matches!(
        x("https://www.linkedin.com/in/ada"),
        Err(HandleError::OtherSite { ref host, .. }) if host == "www.linkedin.com"
    ));
    assert!(matches!(
        x("https://x.com/"),
        Err(HandleError::NoHandleInUrl { .. })
    ));
    assert!(matches!(
        x("https://x.com?lang=en"),
        Err(HandleError::NoHandleInUrl { .. })
    ));
    assert!(matches!(
        x("https://x.com/search?q=rust"),
        Err(HandleError::NotAProfile { ref segment, .. }) if segment == "search"
    ));
    assert!(matches!(
        x("https://x.com/i/lists/123"),
        Err(HandleError::NotAProfile { .. })
    ));
    assert!(matches!(
        x("https://twitter.com/ada/status/1790000000000000000"),
        Err(HandleError::NotAProfilePath { ref path, .. }) if path == "status/1790000000000000000"
    ));
    let msg = x("https://x.com/ada/status/1").unwrap_err().to_string();
    assert!(msg.contains("post link"), "{msg}");
}

#[test]
fn csv_with_repeated_and_split_handle_columns_and_labels() {
    let csv = "\u{feff}hris_id,Name,x_handle,twitter,stage,label.team,label:req,salary\n\
               E1,Ada Lovelace,@Ada_Codes,https://twitter.com/ada_alt/,screen,platform,R-1,100\n\
               E2,,x.com/bob;@bob2 ; ,@BOB,,,,\n\
               E3,Cy,,,applied,,,\n";
    let f = read_candidates_csv(csv.as_bytes(), "c.csv").unwrap();
    assert_eq!(f.ignored_columns, vec!["salary".to_owned()]);
    assert_eq!(f.candidates.len(), 3);
    let ada = &f.candidates[0];
    assert_eq!(ada.hris_id, "E1");
    assert_eq!(ada.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(ada.stage.as_deref(), Some("screen"));
    let hs: Vec<&str> = ada.handles.iter().map(|h| h.handle.as_str()).collect();
    assert_eq!(hs, ["Ada_Codes", "ada_alt"]);
    assert_eq!(ada.labels.len(), 2);
    assert_eq!(ada.labels["team"], "platform");
    assert_eq!(ada.labels["req"], "R-1");
    // "x.com/bob;@bob2 ; " gives bob and bob2; "@BOB" is bob again (case-insensitive), kept once.
    let bob = &f.candidates[1];
    let hs: Vec<&str> = bob.handles.iter().map(|h| h.handle.as_str()).collect();
    assert_eq!(hs, ["bob", "bob2"]);
    assert_eq!(bob.name, None);
    assert!(bob.labels.is_empty());
    assert!(f.candidates[2].handles.is_empty());
}

#[test]
fn csv_bad_rows_are_all_reported_with_their_lines() {
    // Line 1 is the header. Line 2 is fine; 3 has a post link; 4 an empty id; 5 repeats E1;
    // 6 has a wrong number of fields; 7 has a bad handle among good ones.
    let csv = "hris_id,x_handle\n\
               E1,@ada\n\
               E2,https://x.com/bob/status/12\n\
               ,@cy\n\
               E1,@dee\n\
               E5,@eve,extra\n\
               E6,@fay;not a handle\n";
    let err = read_candidates_csv(csv.as_bytes(), "people.csv").unwrap_err();
    let CandidateError::Rows { file, errors } = &err else {
        panic!("{err}")
    };
    assert_eq!(file, "people.csv");
    let lines: Vec<u64> = errors.iter().map(|e| e.line.unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert_eq!(errors[0].column.as_deref(), Some("x_handle"));
    assert!(errors[2].message.contains("already used on line 2"));
    let text = err.to_string();
    assert!(text.starts_with("people.csv: 5 bad row(s): line 3, column x_handle"));
}

#[test]
fn csv_without_id_column_names_the_columns_found() {
    let err = read_candidates_csv("id,x_handle\n1,@a\n".as_bytes(), "c.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "c.csv: no hris_id column (found: id,x_handle)"
    );
}

#[test]
fn json_shapes_and_errors() {
    let ok = r#"{"candidates": [
        {"hris_id": "E1", "name": "Ada", "x_handle": ["@ada", "x.com/ada_alt"], "stage": "screen",
         "labels": {"team": "platform", "level": 3, "remote": true, "gone": null}, "ssn": "x"},
        {"hris_id": 2, "handles": [{"platform": "twitter", "handle": "https://twitter.com/bob/"}]}
    ]}"#;
    let f = read_candidates_json(ok, "c.json").unwrap();
    assert_eq!(f.ignored_columns, ["ssn"]);
    assert_eq!(f.candidates[0].handles.len(), 2);
    assert_eq!(f.candidates[0].labels.len(), 3);
    assert_eq!(f.candidates[0].labels["level"], "3");
    assert_eq!(f.candidates[1].hris_id, "2");
    assert_eq!(f.candidates[1].handles[0].handle, "bob");

    // $[0] has a page link for a handle, $[1] no id, $[2] an unknown platform, $[4] repeats the
    // id of $[3], $[5] is not an object.
    let bad = r#"[{"hris_id": "E1", "handles": ["@ok", "x.com/i/flow"]},
                  {"name": "no id"},
                  {"hris_id": "E3", "handles": [{"platform": "mastodon", "handle": "a"}]},
                  {"hris_id": "E7"},
                  {"hris_id": "E7"},
                  7]"#;
    let err = read_candidates_json(bad, "c.json").unwrap_err();
    let CandidateError::Rows { errors, .. } = &err else {
        panic!("{err}")
    };
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_deref().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "$[0].handles[1]",
            "$[1].hris_id",
            "$[2].handles[0].platform",
            "$[4].hris_id",
            "$[5]"
        ]
    );
    assert!(errors[3].message.contains("already used at $[3]"));
    assert!(errors[4].message.contains("found a number"));

    let err = read_candidates_json("[{\"hris_id\": \n\"E1\",]", "c.json").unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn resolve_reports_unknown_missing_and_shared() {
    let mut corpus = Corpus::new();
    corpus.add_account(Account::new("1", "Ada_Codes"));
    corpus.add_account(Account::new("2", "bob"));
    let mut other = Account::new("3", "cy");
    other.platform = Platform::Other;
    corpus.add_account(other);

    let mut e1 = Candidate::new("E1");
    e1.handles = vec![
        Handle::parse_x("@ada_codes").unwrap(),
        Handle::parse_x("ada_old").unwrap(),
    ];
    let mut e2 = Candidate::new("E2");
    e2.handles = vec![Handle::parse_x("BOB").unwrap()];
    let mut e3 = Candidate::new("E3");
    e3.handles = vec![Handle::parse_x("x.com/bob").unwrap()];
    let mut e4 = Candidate::new("E4");
    // An X handle "cy" must not match the account "cy" of another platform.
    e4.handles = vec![Handle::parse_x("cy").unwrap()];
    let e5 = Candidate::new("E5");

    let r = resolve(&corpus, &[e1, e2, e3, e4, e5]);
    let m: Vec<(&str, &str)> = r
        .matched
        .iter()
        .map(|m| (m.hris_id.as_str(), m.account_id.as_str()))
        .collect();
    assert_eq!(m, [("E1", "1"), ("E2", "2"), ("E3", "2")]);
    let u: Vec<(&str, &str)> = r
        .unknown
        .iter()
        .map(|u| (u.hris_id.as_str(), u.handle.as_str()))
        .collect();
    assert_eq!(u, [("E1", "ada_old"), ("E4", "cy")]);
    assert_eq!(r.without_handles, ["E5"]);
    assert_eq!(r.shared.len(), 1);
    assert_eq!(r.shared[0].hris_ids, ["E2", "E3"]);
    assert!(!r.is_complete());
    let bob = corpus.account_by_id("2").unwrap().idx();
    assert_eq!(r.candidates_of(bob).collect::<Vec<_>>(), ["E2", "E3"]);
    assert_eq!(r.accounts_of("E1").count(), 1);
}

#[test]
fn candidate_serde_round_trip() {
    let mut c = Candidate::new("E1");
    c.handles.push(Handle::parse_x("@Ada").unwrap());
    c.labels.insert("team".into(), "core".into());
    let j = serde_json::to_string(&c).unwrap();
    assert!(j.contains(r#""platform":"x""#), "{j}");
    let back: Candidate = serde_json::from_str(&j).unwrap();
    assert_eq!(back, c);
}

#[test]
fn bluesky_handles_in_every_shape() {
    for (input, want) in [
        ("ada.bsky.social", "ada.bsky.social"),
        ("@Ada.Bsky.Social", "ada.bsky.social"),
        (
            "https://bsky.app/profile/ada.bsky.social",
            "ada.bsky.social",
        ),
        (
            "bsky.app/profile/ada.bsky.social/follows?x=1",
            "ada.bsky.social",
        ),
        (
            "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur",
            "did:plc:z72i7hdynmk6r22z27h6tvur",
        ),
        ("jay.example-co.com", "jay.example-co.com"),
    ] {
        let h = Handle::parse_bluesky(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(
            (h.platform, h.handle.as_str()),
            (Platform::Bluesky, want),
            "{input}"
        );
    }
    for bad in [
        "ada",
        "ada..bsky.social",
        "-ada.bsky.social",
        "ada.bsky.123",
        "ada_codes.bsky.social",
        "https://bsky.app/profile/ada.bsky.social/post/3k2abc",
        "https://bsky.app/search?q=rust",
        "https://example.com/profile/ada.bsky.social",
        "did:plc:",
        "did:PLC:abc",
    ] {
        assert!(Handle::parse_bluesky(bad).is_err(), "{bad} was accepted");
    }
    // X's own sites stay X (and fail there as URLs without a handle).
    assert!(matches!(
        Handle::parse("x.com"),
        Err(HandleError::NoHandleInUrl { .. })
    ));
    let long = format!("{}.social", "a".repeat(250));
    assert!(Handle::parse_bluesky(&long).is_err());
}

#[test]
fn a_candidate_with_both_platforms_resolves_to_whichever_the_corpus_holds() {
    let csv = "hris_id,x_handle,bluesky,handles\n\
               E1,@ada_codes,ada.bsky.social,\n\
               E2,,,bob.bsky.social;@bob_x\n\
               E3,,did:plc:cyd,\n";
    let file = read_candidates_csv(csv.as_bytes(), "c.csv").unwrap();
    assert_eq!(file.candidates[0].handles.len(), 2);
    assert_eq!(file.candidates[1].handles[0].platform, Platform::Bluesky);
    assert_eq!(file.candidates[1].handles[1].platform, Platform::X);
    let mut corpus = Corpus::new();
    for (id, h) in [
        ("did:plc:ada", "ada.bsky.social"),
        ("did:plc:bob", "bob.bsky.social"),
        ("did:plc:cyd", "cyd.bsky.social"),
    ] {
        let mut a = Account::new(id, h);
        a.platform = Platform::Bluesky;
        corpus.add_account(a);
    }
    let r = resolve(&corpus, &file.candidates);
    let matched: Vec<(&str, &str)> = r
        .matched
        .iter()
        .map(|m| (m.hris_id.as_str(), m.account_id.as_str()))
        .collect();
    assert_eq!(
        matched,
        [
            ("E1", "did:plc:ada"),
            ("E2", "did:plc:bob"),
            ("E3", "did:plc:cyd")
        ]
    );
    // The X handles are not in this Bluesky corpus, and say so.
    let unknown: Vec<&str> = r.unknown.iter().map(|u| u.handle.as_str()).collect();
    assert_eq!(unknown, ["ada_codes", "bob_x"]);
}

#[test]
fn json_handles_of_both_platforms() {
    let json = r#"[{"hris_id": "E1", "handles": ["@ada_codes", {"platform": "bluesky", "handle": "https://bsky.app/profile/ada.bsky.social"}],
                    "bsky": "ada2.bsky.social"},
                   {"hris_id": "E2", "handles": [{"platform": "bluesky", "handle": "not a handle"}]}]"#;
    let err = read_candidates_json(json, "c.json")
        .unwrap_err()
        .to_string();
    assert!(err.contains("[1].handles[0].handle"), "{err}");
    assert!(err.contains("not a Bluesky handle"), "{err}");
    let ok = r#"[{"hris_id": "E1", "handles": ["@ada_codes", {"platform": "bluesky", "handle": "https://bsky.app/profile/ada.bsky.social"}], "bsky": "ada2.bsky.social"}]"#;
    let f = read_candidates_json(ok, "c.json").unwrap();
    let mut hs: Vec<String> = f.candidates[0]
        .handles
        .iter()
        .map(ToString::to_string)
        .collect();
    hs.sort();
    assert_eq!(
        hs,
        [
            "bluesky:@ada.bsky.social",
            "bluesky:@ada2.bsky.social",
            "x:@ada_codes",
        ]
    );
}
