//! Time-bounded fuzzing of every parser of outside input: twarc2 JSONL, API pages (the models and
//! their conversion, and response files), the X account archive (zip and lone `tweets.js`), and the
//! candidate files (CSV and JSON). Run by `scripts/fuzz [MINUTES]`; `scripts/test` runs a short smoke.
//!
//! Each input is a mutation of a real sample — the pages of this crate's generator, the recorded X
//! payloads of `shared/fixtures/twitter/` when they are there, archive files and candidate files —
//! or plain random bytes. Two properties are checked per input:
//!
//! - **no panic**: every parser returns `Ok` or `Err`;
//! - **bounded memory**: the peak of live heap bytes while the parser runs (a counting global
//!   allocator) stays under `max(64 MiB, 50 × input bytes)`.
//!
//! A failing input is written to `target/fuzz-failures/<parser>-<n>.bin`, its path printed, and the
//! test fails at the end of the run. `RAPPORT_FUZZ_SECONDS` (default 10) sets the duration and
//! `RAPPORT_FUZZ_SEED` the random seed (default: from the clock, printed, so a run can be repeated).

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use peak_alloc::PeakAlloc;
use rapport_core::Corpus;
use rapport_core::candidates::{read_candidates_csv, read_candidates_json};
use rapport_sample::{SampleConfig, sample_jsonl_string};
use rapport_twitter::convert::{add_response, add_users_response};
use rapport_twitter::import::{
    ImportOptions, import_archive, import_jsonl_reader, import_path, import_response_file,
};
use rapport_twitter::models::{TweetsResponse, UsersResponse};

// ----- a counting allocator -------------------------------------------------------------------------

// The system allocator, counting live bytes and their peak (the workspace forbids unsafe code, so
// the `GlobalAlloc` impl comes from `peak_alloc`). The fuzz loop is the only test of this binary, so
// the counts are its own, helper threads of the parsers included.
#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// Runs `f` and returns the peak heap bytes it added above what was live when it started.
fn peak_of(f: impl FnOnce()) -> usize {
    let base = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    f();
    ALLOC.peak_usage().saturating_sub(base)
}

/// The memory bound of one input of `n` bytes.
fn bound(n: usize) -> usize {
    (64 << 20).max(50 * n)
}

// ----- a small deterministic generator --------------------------------------------------------------

/// SplitMix64: enough for picking mutations, and reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn byte(&mut self) -> u8 {
        (self.next() & 0xff) as u8
    }
}

/// Tokens that make parsers take their rare paths: empty and odd ids, huge numbers, deep nesting,
/// wrong types, escapes, timestamps in other forms, control characters, BOMs, archive prefixes.
const TOKENS: &[&str] = &[
    "\"\"",
    "null",
    "-1",
    "1e999",
    "18446744073709551616",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"id\":\"\"",
    "\"author_id\":null",
    "\"created_at\":\"2024-01-01 00:00:00\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\\",
    "\n",
    "\r\n",
    "\u{feff}",
    "\u{1F600}",
    "\"action\":\"protect\"",
    "window.YTD.tweets.part0 = ",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "\"text\":{\"a\":1}",
    "\"entities\":{\"mentions\":[{\"start\":99999,\"end\":-5,\"username\":\"\"}]}",
    ";",
    "\"",
    "@",
];

/// Changes `seed` by 1 to 8 random edits (or replaces it by random bytes), capped at `max` bytes.
fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8], max: usize) -> Vec<u8> {
    if rng.below(16) == 0 {
        let n = rng.below(2048);
        return (0..n).map(|_| rng.byte()).collect();
    }
    let mut b = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let len = b.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            0 if len > 0 => b[at.min(len - 1)] = rng.byte(),
            1 if len > 0 => b[at.min(len - 1)] ^= 1 << rng.below(8),
            2 => b.insert(at, rng.byte()),
            3 => {
                let end = (at + rng.below(64)).min(len);
                b.drain(at..end);
            }
            4 => b.truncate(at),
            5 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                b.splice(at..at, t.iter().copied());
            }
            6 => {
                // A range repeated: long strings, many items, deep nesting.
                let end = (at + 1 + rng.below(32)).min(len);
                let piece = b[at.min(end)..end].to_vec();
                for _ in 0..rng.below(64) {
                    b.splice(at..at, piece.iter().copied());
                }
            }
            7 if !other.is_empty() => {
                // Splice in a piece of another sample.
                let from = rng.below(other.len());
                let to = (from + rng.below(256)).min(other.len());
                b.splice(at..at, other[from..to].iter().copied());
            }
            8 => {
                // A digit replaced by a long run of digits, or a quote by a long string.
                if let Some(p) = b
                    .iter()
                    .skip(at)
                    .position(|c| c.is_ascii_digit() || *c == b'"')
                {
                    let run = vec![if b[at + p] == b'"' { b'x' } else { b'9' }; rng.below(4096)];
                    b.splice(at + p..at + p, run);
                }
            }
            _ => {
                let end = (at + rng.below(16)).min(len);
                b.drain(at..end);
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                b.splice(at..at, t.iter().copied());
            }
        }
        b.truncate(max);
    }
    b
}

// ----- seeds ----------------------------------------------------------------------------------------

/// `shared/fixtures/twitter` beside the clone (or a worktree one folder deeper), or
/// `RAPPORT_SHARED_DIR`; `None` when not there: the fuzzing then uses the other seeds.
fn fixtures_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("RAPPORT_SHARED_DIR") {
        return Some(PathBuf::from(d).join("fixtures/twitter"));
    }
    [
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures/twitter"
        ),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../../shared/fixtures/twitter"
        ),
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_dir())
}

struct Seeds {
    jsonl: Vec<Vec<u8>>,
    pages: Vec<Vec<u8>>,
    tweets_js: Vec<Vec<u8>>,
    csv: Vec<Vec<u8>>,
    json: Vec<Vec<u8>>,
}

const ACCOUNT_JS: &str = r#"window.YTD.account.part0 = [ { "account" : { "username" : "ada_codes", "accountId" : "42", "createdAt" : "2012-03-04T05:06:07.000Z", "accountDisplayName" : "Ada" } } ]"#;

const TWEETS_JS: &str = r#"window.YTD.tweets.part0 = [
  { "tweet" : { "retweeted" : false,
      "entities" : { "hashtags" : [ { "text" : "RustLang", "indices" : [ "18", "27" ] } ],
        "user_mentions" : [ { "name" : "Bob", "screen_name" : "bob", "indices" : [ "0", "4" ], "id_str" : "7", "id" : "7" } ],
        "urls" : [ { "url" : "https://t.co/abc", "expanded_url" : "https://example.org/jobs", "indices" : [ "28", "51" ] } ] },
      "favorite_count" : "3", "in_reply_to_status_id_str" : "1050118000000000000", "id_str" : "1050118621198921728",
      "in_reply_to_user_id" : "7", "retweet_count" : "1", "id" : "1050118621198921728",
      "created_at" : "Wed Oct 10 20:19:24 +0000 2018", "full_text" : "@bob Sounds good &amp; #RustLang https://t.co/abc",
      "lang" : "en", "in_reply_to_screen_name" : "bob", "in_reply_to_user_id_str" : "7" } },
  { "tweet" : { "id_str" : "1050200000000000000", "created_at" : "Thu Oct 11 01:44:00 +0000 2018",
      "full_text" : "RT @bob: We are hiring", "entities" : { "user_mentions" : [ ] } } }
]"#;

fn seeds() -> Seeds {
    let sample = sample_jsonl_string(&SampleConfig::new(400, 11)).expect("the sample generates");
    let mut pages: Vec<Vec<u8>> = Vec::new();
    let mut jsonl: Vec<Vec<u8>> = Vec::new();
    for line in sample.lines() {
        // A page cut to its first few tweets: small seeds mutate into more varied inputs per second.
        let mut v: serde_json::Value = serde_json::from_str(line).expect("the sample is JSON");
        if let Some(d) = v.get_mut("data").and_then(|d| d.as_array_mut()) {
            d.truncate(3);
        }
        let small = serde_json::to_vec(&v).expect("serialises");
        jsonl.push(small.clone());
        pages.push(small);
    }
    jsonl.push(br#"{"id":"1","action":"delete","created_at":"2024-01-01T00:00:00.000Z","redacted_at":"2024-02-01T00:00:00.000Z","reason":"deleted"}"#.to_vec());
    jsonl.push(br#"{"id":"2","action":"suspend","reason":"suspended"}"#.to_vec());
    jsonl.push(br#"{"id":"9","text":"flat @ada #x","author_id":"7","author":{"id":"7","username":"ada"},"created_at":"2024-01-01T00:00:00Z","referenced_tweets":[{"type":"quoted","id":"5","text":"q","author_id":"8"}]}"#.to_vec());
    jsonl.push(
        br#"{"data":{"id":"3","text":"stream","author_id":"7"},"matching_rules":[{"id":1}]}"#
            .to_vec(),
    );
    jsonl.push(br#"{"errors":[{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}]}"#.to_vec());
    if let Some(dir) = fixtures_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default();
        names.sort();
        for p in names {
            let is_payload = p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".headers.json");
            if let (true, Ok(bytes)) = (is_payload, std::fs::read(&p)) {
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                    jsonl.push(serde_json::to_vec(&v).expect("serialises"));
                }
                pages.push(bytes);
            }
        }
    }
    let tweets_js = vec![
        TWEETS_JS.as_bytes().to_vec(),
        TWEETS_JS.replace("tweets.part0", "tweets.part1").into_bytes(),
        br#"window.YTD.tweets.part0 = [ { "tweet" : { "id_str" : "1", "full_text" : "x", "created_at" : "Fri Nov 09 12:00:00 +0000 2018" } } ]"#.to_vec(),
    ];
    let csv = vec![
        b"hris_id,name,x_handle,stage,label.team\nE-1,Ada,@ada_codes,applied,platform\nE-2,Bob,https://x.com/bob;@bob2,hired,infra\n".to_vec(),
        b"HRIS_ID,Twitter,handles,salary\n17,ada,\"@a; @b\",90000\n18,,,\n".to_vec(),
        b"\xef\xbb\xbfhris_id;x_handle\r\nE-3;@cy\r\n".to_vec(),
    ];
    let json = vec![
        br#"[{"hris_id": 17, "handles": ["@ada", {"platform": "x", "handle": "x.com/ada2"}], "labels": {"req": 4411}}]"#.to_vec(),
        br#"{"candidates": [{"hris_id": "E-1", "name": "Ada", "stage": "applied", "x_handle": ["@ada", "@ada_alt"]}]}"#.to_vec(),
        br#"[{"hris_id": "", "handles": [1, null, {"platform": "mastodon", "handle": "@a@b"}]}]"#.to_vec(),
    ];
    Seeds {
        jsonl,
        pages,
        tweets_js,
        csv,
        json,
    }
}

// ----- the parsers ----------------------------------------------------------------------------------

const PARSERS: [&str; 5] = [
    "jsonl",
    "page",
    "archive",
    "candidates-csv",
    "candidates-json",
];

fn modes() -> [ImportOptions; 2] {
    // A smaller line cap than the default, so over-long lines are reached by mutation too.
    [
        ImportOptions::strict().with_max_line_bytes(1 << 20),
        ImportOptions::lenient().with_max_line_bytes(1 << 20),
    ]
}

fn run_jsonl(input: &[u8]) {
    for opts in modes() {
        let _ = import_jsonl_reader(input, "fuzz.jsonl", &opts);
    }
}

fn run_page(input: &[u8], scratch: &Path) {
    if let Ok(page) = serde_json::from_slice::<TweetsResponse>(input) {
        let _ = add_response(&mut Corpus::new(), &page);
    }
    if let Ok(page) = serde_json::from_slice::<UsersResponse>(input) {
        let _ = add_users_response(&mut Corpus::new(), &page);
    }
    let f = scratch.join("page.json");
    if std::fs::write(&f, input).is_ok() {
        for opts in modes() {
            let _ = import_response_file(&f, &opts);
            let _ = import_path(&f, &opts);
        }
    }
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        z.start_file(*name, opts).expect("in memory");
        z.write_all(body).expect("in memory");
    }
    z.finish().expect("in memory").into_inner()
}

/// The archive input is the zip's bytes (mutated or built around a mutated `tweets.js`).
fn run_archive(input: &[u8], scratch: &Path) {
    let z = scratch.join("archive.zip");
    let lone = scratch.join("tweets.js");
    if std::fs::write(&z, input).is_err() {
        return;
    }
    for opts in modes() {
        let _ = import_archive(&z, &opts);
    }
    // The same bytes as a lone tweets file beside an account.js, when they are not a zip.
    if !input.starts_with(b"PK")
        && std::fs::write(scratch.join("account.js"), ACCOUNT_JS).is_ok()
        && std::fs::write(&lone, input).is_ok()
    {
        for opts in modes() {
            let _ = import_archive(&lone, &opts);
        }
    }
}

fn run_csv(input: &[u8]) {
    let _ = read_candidates_csv(input, "fuzz.csv");
}

fn run_json(input: &[u8]) {
    let _ = read_candidates_json(&String::from_utf8_lossy(input), "fuzz.json");
}

// ----- the loop -------------------------------------------------------------------------------------

#[derive(Default, Clone, Copy)]
struct Tally {
    inputs: u64,
    bytes: u64,
    peak: usize,
    peak_ratio_input: usize,
}

fn failures_dir() -> PathBuf {
    // Integration tests get `<target>/tmp`; the failures go beside it.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("fuzz-failures")
}

fn save_failure(parser: &str, n: u64, input: &[u8], why: &str) -> PathBuf {
    let dir = failures_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{parser}-{n}.bin"));
    let _ = std::fs::write(&path, input);
    eprintln!(
        "FUZZ FAILURE [{parser}] {why}: input saved to {}",
        path.display()
    );
    path
}

#[test]
#[ignore = "runs for RAPPORT_FUZZ_SECONDS; use scripts/fuzz"]
fn fuzz_parsers_never_panic_and_stay_within_the_memory_bound() {
    let seconds: u64 = std::env::var("RAPPORT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(10);
    let seed: u64 = std::env::var("RAPPORT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("fuzzing for {seconds} s, RAPPORT_FUZZ_SEED={seed}");
    let seeds = seeds();
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let mut rng = Rng(seed);
    let mut tally = [Tally::default(); PARSERS.len()];
    let mut failures: Vec<PathBuf> = Vec::new();
    // Panics are caught and reported with the saved input; the default hook's message stays.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut i: u64 = 0;
    while Instant::now() < deadline {
        let which = (i % PARSERS.len() as u64) as usize;
        i += 1;
        let pick = |rng: &mut Rng, pool: &[Vec<u8>]| -> (Vec<u8>, Vec<u8>) {
            let a = pool[rng.below(pool.len())].clone();
            let b = pool[rng.below(pool.len())].clone();
            (a, b)
        };
        let input: Vec<u8> = match which {
            0 => {
                let (a, b) = pick(&mut rng, &seeds.jsonl);
                let mut x = mutate(&mut rng, &a, &b, 256 << 10);
                // Sometimes several lines, the way a file has them.
                if rng.below(4) == 0 {
                    x.push(b'\n');
                    x.extend(mutate(&mut rng, &b, &a, 64 << 10));
                }
                x
            }
            1 => {
                let (a, b) = pick(&mut rng, &seeds.pages);
                mutate(&mut rng, &a, &b, 256 << 10)
            }
            2 => {
                let (a, b) = pick(&mut rng, &seeds.tweets_js);
                let tweets = mutate(&mut rng, &a, &b, 256 << 10);
                let account: Vec<u8> = if rng.below(4) == 0 {
                    mutate(&mut rng, ACCOUNT_JS.as_bytes(), &a, 16 << 10)
                } else {
                    ACCOUNT_JS.as_bytes().to_vec()
                };
                let names = ["data/tweets.js", "data/tweets-part1.js", "data/tweet.js"];
                let zip = zip_of(&[
                    ("data/account.js", &account),
                    (names[rng.below(names.len())], &tweets),
                ]);
                match rng.below(3) {
                    // The zip's own bytes mutated: headers, sizes, names, the deflate stream.
                    0 => mutate(&mut rng, &zip, &[], 512 << 10),
                    1 => tweets,
                    _ => zip,
                }
            }
            3 => {
                let (a, b) = pick(&mut rng, &seeds.csv);
                mutate(&mut rng, &a, &b, 256 << 10)
            }
            _ => {
                let (a, b) = pick(&mut rng, &seeds.json);
                mutate(&mut rng, &a, &b, 256 << 10)
            }
        };
        let name = PARSERS[which];
        let dir = scratch.path();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            peak_of(|| match which {
                0 => run_jsonl(&input),
                1 => run_page(&input, dir),
                2 => run_archive(&input, dir),
                3 => run_csv(&input),
                _ => run_json(&input),
            })
        }));
        let t = &mut tally[which];
        t.inputs += 1;
        t.bytes += input.len() as u64;
        match outcome {
            Err(_) => failures.push(save_failure(name, t.inputs, &input, "panicked")),
            Ok(peak) => {
                if peak > t.peak {
                    t.peak = peak;
                    t.peak_ratio_input = input.len();
                }
                if peak > bound(input.len()) {
                    failures.push(save_failure(
                        name,
                        t.inputs,
                        &input,
                        &format!(
                            "allocated {peak} bytes at peak for {} input bytes (bound {})",
                            input.len(),
                            bound(input.len())
                        ),
                    ));
                }
            }
        }
    }
    eprintln!("parser            inputs   MB tried   peak heap MiB (input KiB)");
    for (name, t) in PARSERS.iter().zip(&tally) {
        eprintln!(
            "{name:<16} {:>7} {:>10.1} {:>10.1} ({:.1})",
            t.inputs,
            t.bytes as f64 / 1e6,
            t.peak as f64 / f64::from(1 << 20),
            t.peak_ratio_input as f64 / 1024.0
        );
    }
    assert!(
        failures.is_empty(),
        "{} failing input(s), saved: {failures:?} (seed {seed})",
        failures.len()
    );
    assert!(
        tally.iter().all(|t| t.inputs > 0),
        "every parser must get inputs"
    );
}
