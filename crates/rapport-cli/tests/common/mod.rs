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

/// The environment variables of the X user token, cleared from the developer's environment so a
/// test only sees the token it sets up.
const USER_TOKEN_VARS: [&str; 6] = [
    "RAPPORT_X_USER_TOKEN",
    "RAPPORT_X_TOKEN_FILE",
    "RAPPORT_X_CLIENT_ID",
    "RAPPORT_X_CLIENT_SECRET",
    "RAPPORT_X_TOKEN_URL",
    "RAPPORT_X_BASE_URL",
];

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
    c.args(args)
        .env_remove("RAPPORT_STORE")
        .env_remove("RAPPORT_STORE_KEY")
        .env_remove("X_BEARER_TOKEN");
    for v in USER_TOKEN_VARS {
        c.env_remove(v);
    }
    c.envs(env.iter().copied());
    c
}

/// Runs `rapport` with `args`, the extra environment `env` and `input` on standard input (the
/// answer to a question, a pasted URL).
pub fn rapport_input(args: &[&str], env: &[(&str, &str)], input: &str) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command(args, env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // The command may exit before reading its input; a broken pipe is then expected.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    let out = child.wait_with_output().expect("runs");
    Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).expect("utf-8"),
        stderr: String::from_utf8(out.stderr).expect("utf-8"),
    }
}

/// Starts `rapport` with piped standard input and output, for a test that talks with it.
pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    use std::process::Stdio;
    command(args, env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}
