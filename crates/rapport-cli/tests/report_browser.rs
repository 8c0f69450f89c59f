//! `rapport report` opened in a real browser: headless Chromium loads the generated file, and the
//! test fails on any console message at warning level or above (the page's Content-Security-Policy
//! turns any script or external resource into such a message), checks every section is in the
//! rendered DOM and takes a screenshot. Chromium is Debian's `chromium` package; when it is missing
//! the test tries `apt-get install -y chromium`, and skips with a printed reason only if that fails.
//!
//! `RAPPORT_REPORT_SCREENSHOT=docs/img/report.png` keeps the screenshot (how the docs' picture is made).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rapport_sample::{SampleConfig, write_sample_file};

fn find_chromium() -> Option<PathBuf> {
    let known = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    known.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Chromium, installed with apt-get if it is missing and this user may; `Err` says why not.
fn chromium() -> Result<PathBuf, String> {
    if let Some(p) = find_chromium() {
        return Ok(p);
    }
    // A fresh machine has no package lists yet: update them first (failure shows in the install).
    let _ = Command::new("apt-get").args(["update", "-qq"]).output();
    let install = Command::new("apt-get")
        .args(["install", "-y", "-qq", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output();
    match install {
        Ok(out) if out.status.success() => find_chromium()
            .ok_or_else(|| "apt-get installed chromium, but /usr/bin/chromium is missing".into()),
        Ok(out) => Err(format!(
            "chromium is absent and `apt-get install -y chromium` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("chromium is absent and apt-get could not run: {e}")),
    }
}

/// Runs headless Chromium on `page` with a fresh profile and console logging on stderr.
fn headless(chromium: &Path, page: &Path, extra: &[&str]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The console messages the page caused: Chromium logs each as `[…:INFO:CONSOLE:3] "…", source: …`
/// whatever its level, so every one counts (the report logs nothing when all is well).
fn console_messages(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_report_loads_in_chromium_without_console_errors() {
    let chromium = match chromium() {
        Ok(p) => p,
        Err(reason) => {
            println!("skipped: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();

    // The scan finds errors: a page that logs one from a script and loads an image its CSP forbids.
    let bad = dir.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'\"></head>\
         <body><img src=\"https://example.invalid/x.png\"><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let out = headless(&chromium, &bad, &["--dump-dom"]);
    let found = console_messages(&out.stderr);
    assert!(
        found.iter().any(|l| l.contains("Content Security Policy")),
        "the CSP violation should be logged: {found:#?}"
    );
    assert!(
        found.iter().any(|l| l.contains("boom")),
        "console.error should be logged: {found:#?}"
    );

    // The report of the 2 000-post sample.
    let file = dir.path().join("sample.jsonl");
    let truth = write_sample_file(&SampleConfig::new(2_000, 5), &file).unwrap();
    let store = dir.path().join("hr.db");
    let rapport = env!("CARGO_BIN_EXE_rapport");
    let run = |args: &[&str]| {
        let out = Command::new(rapport)
            .args(args)
            .env_remove("RAPPORT_STORE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "rapport {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "import",
        file.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ]);
    let page = dir.path().join("report.html");
    let mut args = vec![
        "report".to_owned(),
        "--store".to_owned(),
        store.to_str().unwrap().to_owned(),
        "-o".to_owned(),
        page.to_str().unwrap().to_owned(),
    ];
    for h in &truth.org_handles {
        args.extend(["--org".to_owned(), h.clone()]);
    }
    run(&args.iter().map(String::as_str).collect::<Vec<_>>());

    let out = headless(&chromium, &page, &["--dump-dom"]);
    let messages = console_messages(&out.stderr);
    assert!(messages.is_empty(), "console messages: {messages:#?}");
    let dom = String::from_utf8_lossy(&out.stdout);
    for id in [
        "funnel",
        "broadcast",
        "engaged",
        "skills",
        "candidates",
        "mentors",
    ] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "section {id} missing"
        );
    }
    // Funnel, months, skills and candidates: four charts, drawn.
    assert_eq!(dom.matches("<svg").count(), 4, "charts");
    assert!(dom.contains("<rect"), "bars drawn");
    assert!(dom.contains(&format!("{} posts by the organisation", truth.org_posts)));

    let shot = dir.path().join("report.png");
    let out = headless(
        &chromium,
        &page,
        &[
            "--hide-scrollbars",
            "--window-size=1100,3300",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let messages = console_messages(&out.stderr);
    assert!(messages.is_empty(), "console messages: {messages:#?}");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real picture"
    );
    if let Some(keep) = std::env::var_os("RAPPORT_REPORT_SCREENSHOT") {
        std::fs::write(&keep, &png).unwrap();
    }
}
