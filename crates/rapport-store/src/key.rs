//! The store's secret key: what makes tombstones keyed hashes instead of salted ones.
//!
//! A salt stored in the database file protects nothing against someone who has the file: they can
//! hash a guessed handle with it and find out whether that person was forgotten. The key therefore
//! lives *outside* the file: in the environment variable [`KEY_ENV`] (a secret manager, a container
//! secret) or in a key file `<store>.key` beside the database, created with permissions 0600 on first
//! use. A copy of the database alone says nothing about who was forgotten.
//!
//! The database keeps only a check value (an HMAC of a fixed string), so that opening a store with
//! the wrong key, or after the key file was lost, is an error instead of silently letting forgotten
//! people back in.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// The environment variable that holds the store key (at least 16 bytes); it wins over the key file.
pub const KEY_ENV: &str = "RAPPORT_STORE_KEY";

/// The shortest key accepted from the environment.
const MIN_KEY_LEN: usize = 16;

/// Where the key of a store file lives: the database path with `.key` appended.
pub fn key_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".key");
    PathBuf::from(s)
}

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`, hex.
pub(crate) fn hmac_hex(key: &[u8], msg: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; BLOCK];
    let mut opad = [0x5cu8; BLOCK];
    for i in 0..BLOCK {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    let outer = Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize();
    hex(&outer)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Where the key came from, for messages.
#[derive(Debug, Clone)]
pub(crate) enum KeySource {
    Env,
    File(PathBuf),
    Session,
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => write!(f, "the environment variable {KEY_ENV}"),
            KeySource::File(p) => write!(f, "the key file {}", p.display()),
            KeySource::Session => f.write_str("a key made for this in-memory store"),
        }
    }
}

/// The key from the environment, if set.
fn from_env() -> Result<Option<Vec<u8>>> {
    match std::env::var(KEY_ENV) {
        Ok(v) if v.len() >= MIN_KEY_LEN => Ok(Some(v.into_bytes())),
        Ok(v) => Err(StoreError::Key(format!(
            "{KEY_ENV} holds {} byte(s); a store key needs at least {MIN_KEY_LEN}",
            v.len()
        ))),
        Err(_) => Ok(None),
    }
}

/// Loads the key of a file store: the environment, else the key file, else (when `create`) a new
/// random key written to a new key file.
pub(crate) fn load(
    db: Option<&Path>,
    create: bool,
    random: impl FnOnce() -> Result<Vec<u8>>,
) -> Result<(Vec<u8>, KeySource)> {
    if let Some(k) = from_env()? {
        return Ok((k, KeySource::Env));
    }
    let Some(db) = db else {
        return Ok((random()?, KeySource::Session));
    };
    let path = key_path(db);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            check_permissions(&path)?;
            let key = unhex(&text)
                .filter(|k| k.len() >= MIN_KEY_LEN)
                .ok_or_else(|| {
                    StoreError::Key(format!(
                        "{}: expected at least {MIN_KEY_LEN} bytes as hexadecimal digits",
                        path.display()
                    ))
                })?;
            Ok((key, KeySource::File(path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let key = random()?;
            if write_new(&path, &hex(&key))? {
                Ok((key, KeySource::File(path)))
            } else {
                // Another process opening the same new store made the key first: use theirs.
                load(Some(db), false, unreachable_random)
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Key(format!(
            "{} is missing, and this store's tombstones were made with a key: restore the key \
             file from your backup next to the database, or set {KEY_ENV}",
            path.display()
        ))),
        Err(e) => Err(StoreError::Key(format!("{}: {e}", path.display()))),
    }
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| StoreError::Key(format!("{}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(StoreError::Key(format!(
            "{} can be read by other users (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_: &Path) -> Result<()> {
    Ok(())
}

fn unreachable_random() -> Result<Vec<u8>> {
    Err(StoreError::Key(
        "internal: a second key was asked for while reading the first".into(),
    ))
}

/// Writes a new key file atomically: to a private temporary file (mode 0600), then hard-linked to
/// `path`, which fails if `path` exists — so a concurrent opener never reads a half-written key and
/// never replaces another's. Returns false when another process made the key file first.
fn write_new(path: &Path, text: &str) -> Result<bool> {
    use std::io::Write;
    let err =
        |what: &str, e: std::io::Error| StoreError::Key(format!("{what} {}: {e}", path.display()));
    let mut tmp = path.as_os_str().to_owned();
    // The pid and part of the new key: unique per opener, also for threads of one process.
    tmp.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        &text[..12.min(text.len())]
    ));
    let tmp = PathBuf::from(tmp);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let written = o.open(&tmp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(err("creating", e));
    }
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(err("creating", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            hmac_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("zz"), None);
    }
}
