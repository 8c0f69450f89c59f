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
            write_new(&path, &hex(&key))?;
            Ok((key, KeySource::File(path)))
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

fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(path)
        .map_err(|e| StoreError::Key(format!("creating {}: {e}", path.display())))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.write_all(b"\n"))
        .and_then(|()| f.sync_all())
        .map_err(|e| StoreError::Key(format!("writing {}: {e}", path.display())))
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
