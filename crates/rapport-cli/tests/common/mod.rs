//! The harness the CLI's integration tests share: run the built `rapport` binary with a clean
//! environment (no store, key or token from the developer's shell) and collect what it said.
#![allow(dead_code, unreachable_pub)] // each test file uses its own part of it

use std::process::Command;

/// What one run of `rapport` printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `rapport` with `args` and the extra environment `env`.
pub fn rapport_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .env_remove("RAPPORT_STORE")
        .env_remove("RAPPORT_STORE_KEY")
        .env_remove("X_BEARER_TOKEN")
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).expect("utf-8"),
        stderr: String::from_utf8(out.stderr).expect("utf-8"),
    }
}

/// Runs `rapport` with `args`.
pub fn rapport(args: &[&str]) -> Run {
    rapport_env(args, &[])
}

/// Runs `rapport` with `args` and fails the test unless it exits 0.
pub fn ok(args: &[&str]) -> Run {
    let r = rapport(args);
    assert_eq!(r.code, 0, "rapport {args:?}: {}{}", r.stdout, r.stderr);
    r
}
