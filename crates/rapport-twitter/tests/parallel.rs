//! Importing on several threads gives exactly what one thread gives: the same posts and accounts
//! ("a later copy wins"), the same skipped lines in the same order, the same counts, and in strict
//! mode the same first error. Lines are parsed in parallel but added in file order.

use rapport_twitter::import::{ImportOptions, ImportReport, import_jsonl_reader};

/// A page of `n` tweets numbered from `first`; `text` varies the copies of the same ids.
fn page(first: u32, n: u32, text: &str, author: &str) -> String {
    let tweets: Vec<String> = (first..first + n)
        .map(|i| {
            format!(
                r#"{{"id":"{i}","text":"{text} {i} caf\u00e9 \ud83e\udd80 #Rust @ada","author_id":"{author}","created_at":"2024-05-01T09:{:02}:{:02}.000Z","entities":{{"hashtags":[{{"start":0,"end":5,"tag":"Rust"}}],"mentions":[{{"start":6,"end":10,"username":"ada","id":"8"}}]}},"public_metrics":{{"like_count":{i},"bookmark_count":1,"impression_count":9}},"context_annotations":[{{"domain":{{"id":"1","name":"x"}},"entity":{{"id":"2","name":"y"}}}}],"edit_history_tweet_ids":["{i}"]}}"#,
                (i / 60) % 60,
                i % 60
            )
        })
        .collect();
    format!(
        r#"{{"data":[{}],"includes":{{"users":[{{"id":"7","username":"bob","name":"Bob {text}"}},{{"id":"8","username":"ada"}},{{"id":"9","username":"eve"}}]}},"errors":[{{"value":"x","detail":"gone","title":"Not Found Error","resource_type":"tweet","resource_id":"{first}"}}],"meta":{{"result_count":{n}}}}}"#,
        tweets.join(",")
    )
}

/// A file with every kind of line, several MB so that it spans more than one parallel batch.
fn input() -> String {
    let mut lines = vec![format!("\u{feff}{}", page(1, 40, "first", "7"))];
    for k in 0..700u32 {
        // Overlapping id ranges: later pages carry later copies of earlier tweets.
        lines.push(page(1 + k * 30, 40, &format!("copy{k}"), "7"));
        match k % 97 {
            5 => lines.push(String::new()),
            17 => lines.push(r#"{"data":[{"id":2}"#.to_owned()),
            29 => lines.push(
                r#"{"title":"Unauthorized","detail":"bad token","type":"about:blank"}"#.to_owned(),
            ),
            41 => lines.push(r#"{"id":"55","action":"delete","type":"tweet"}"#.to_owned()),
            53 => lines.push(format!(r#"{{"x":"{}"}}"#, "a".repeat(100_000))),
            // A copy of tweet 3 by another author: refused as a conflicting copy.
            67 => lines.push(page(3, 1, "conflict", "9")),
            _ => {}
        }
    }
    let mut s = lines.join("\r\n");
    s.push('\n');
    assert!(s.len() > 12 << 20, "the input must span several batches");
    s
}

fn run(input: &str, opts: ImportOptions) -> Result<ImportReport, String> {
    import_jsonl_reader(
        input.as_bytes(),
        "t.jsonl",
        &opts.with_max_line_bytes(64 << 10),
    )
    .map_err(|e| e.to_string())
}

fn same(a: &ImportReport, b: &ImportReport) {
    assert_eq!(
        serde_json::to_value(a).unwrap(),
        serde_json::to_value(b).unwrap()
    );
    let posts = |r: &ImportReport| r.corpus.posts().map(|p| p.to_post()).collect::<Vec<_>>();
    let accounts = |r: &ImportReport| {
        r.corpus
            .accounts()
            .map(|a| a.to_account())
            .collect::<Vec<_>>()
    };
    assert_eq!(posts(a), posts(b));
    assert_eq!(accounts(a), accounts(b));
}

#[test]
fn lenient_import_on_three_threads_equals_one_thread() {
    let input = input();
    let one = run(&input, ImportOptions::lenient().with_threads(1)).unwrap();
    let three = run(&input, ImportOptions::lenient().with_threads(3)).unwrap();
    same(&one, &three);
    // Every kind of line was met: the comparison above is not vacuous.
    let c = &one.skip_counts;
    assert!(c.malformed > 0 && c.line_too_long > 0 && c.error_document > 0);
    assert!(c.conflicting_copy > 0);
    assert!(one.blank_lines > 0 && !one.compliance.is_empty() && !one.partial_errors.is_empty());
    // A later copy wins: tweet 1 was last written by page k = 0.
    let t1 = one.corpus.post_by_id("1").unwrap();
    assert!(t1.text().starts_with("copy0 1 caf\u{e9}"), "{}", t1.text());
    // Page k holds ids 1 + 30k ..= 40 + 30k: together 1 ..= 40 + 30 * 699.
    assert_eq!(one.corpus.num_posts(), 40 + 30 * 699);
}

#[test]
fn strict_import_stops_at_the_same_first_error_on_any_number_of_threads() {
    let input = input();
    let one = run(&input, ImportOptions::strict().with_threads(1)).unwrap_err();
    let two = run(&input, ImportOptions::strict().with_threads(2)).unwrap_err();
    assert_eq!(one, two);
    assert!(one.contains("t.jsonl"), "{one}");
}

/// The input's bytes up to `fail_at`, then an I/O error.
struct FailingReader<'a> {
    rest: &'a [u8],
    left: usize,
}

impl std::io::Read for FailingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.left).min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        self.left -= n;
        Ok(n)
    }
}

fn run_failing(input: &str, fail_at: usize, opts: ImportOptions) -> String {
    let reader = std::io::BufReader::new(FailingReader {
        rest: input.as_bytes(),
        left: fail_at,
    });
    let e = import_jsonl_reader(reader, "t.jsonl", &opts.with_max_line_bytes(64 << 10))
        .expect_err("the read fails");
    e.to_string()
}

#[test]
fn a_read_error_comes_after_the_lines_before_it_on_any_number_of_threads() {
    let input = input();
    // Past the first batches of lines (about 2 MB each) and the first malformed line (k = 17).
    let fail_at = 10 << 20;
    assert!(input[..fail_at].contains(r#"{"data":[{"id":2}"#));
    // Lenient: every line before the error is read, then the error ends the import.
    let one = run_failing(&input, fail_at, ImportOptions::lenient().with_threads(1));
    let two = run_failing(&input, fail_at, ImportOptions::lenient().with_threads(2));
    assert_eq!(one, two);
    assert!(one.contains("the disk went away"), "{one}");
    // Strict: a bad line just before the read error, in the batch that the error cuts short, is
    // the first error, on any number of threads (the lines before the error are all read).
    let strict_input = {
        let lines: Vec<String> = (0..700u32)
            .map(|k| page(1 + k * 30, 40, &format!("copy{k}"), "7"))
            .collect();
        let mut s = lines.join("\n");
        let at = s[..fail_at - 4096].rfind('\n').unwrap() + 1;
        s.insert_str(at, "{\"data\": nope}\n");
        s
    };
    let one = run_failing(
        &strict_input,
        fail_at,
        ImportOptions::strict().with_threads(1),
    );
    let two = run_failing(
        &strict_input,
        fail_at,
        ImportOptions::strict().with_threads(2),
    );
    assert_eq!(one, two);
    assert!(!one.contains("the disk went away"), "{one}");
    assert!(one.contains("expected"), "{one}");
}
