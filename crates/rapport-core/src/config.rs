//! `rapport.toml`: the settings an organisation writes once instead of repeating `--org` and
//! `--store` on every command.
//!
//! Where the file is found: `--config FILE` (a flag), else the `RAPPORT_CONFIG` environment variable,
//! else `rapport.toml` in the working directory, else `rapport/rapport.toml` in the user's
//! configuration directory (`$XDG_CONFIG_HOME`, else `~/.config`; `%APPDATA%` on Windows). No file
//! is fine: every setting has a default. Each value is then taken from a flag, else from its
//! environment variable, else from the file, else the default — and [`Settings`] remembers which.
//!
//! ```toml
//! org = ["acme_careers", "acme_eng"]
//! store = "hr.db"
//! token_env = "ACME_X_TOKEN"        # the variable that holds the token, never the token itself
//! base_url = "https://api.x.com"
//! taxonomy = "builtin"              # or "esco:/data/esco" or a taxonomy file
//!
//! [jobs.rust-engineer]
//! title = "Rust engineer"
//! required = ["rust"]
//! nice_to_have = ["kubernetes"]
//!
//! [engagement.weights]
//! two_way_exchanges = 30.0
//!
//! [candidates.columns]              # HRIS/ATS export column names
//! hris_id = "Employee ID"
//! x = "Twitter"
//! ```
//!
//! ```
//! use rapport_core::config::{Config, Overrides, Source};
//! let cfg = Config::parse("org = [\"acme_careers\"]\nstore = \"hr.db\"\n", "rapport.toml").unwrap();
//! let env = |k: &str| (k == "RAPPORT_STORE").then(|| "other.db".to_owned());
//! let s = cfg.resolve(Some("rapport.toml".into()), &Overrides::default(), env);
//! assert_eq!(s.org.value, vec!["acme_careers".to_owned()]);
//! assert_eq!(s.store.value.as_deref(), Some(std::path::Path::new("other.db")));
//! assert_eq!(s.store.source, Source::Env("RAPPORT_STORE".into()));
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file name looked for.
pub const FILE_NAME: &str = "rapport.toml";

/// The default name of the variable holding the X bearer token.
pub const DEFAULT_TOKEN_ENV: &str = "X_BEARER_TOKEN";

/// The default API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.x.com";

/// A bad configuration file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not valid TOML, or a value of the wrong type or an unknown key.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What was expected, with the line and column.
        message: String,
    },
}

/// A job profile by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// The job title (default: the name).
    #[serde(default)]
    pub title: Option<String>,
    /// Required skills (ids, labels or hashtags).
    #[serde(default)]
    pub required: Vec<String>,
    /// Nice-to-have skills.
    #[serde(default)]
    pub nice_to_have: Vec<String>,
}

/// `[engagement]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementSection {
    /// Weights by component name (see `engagement::Weights`); the others keep their defaults.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

/// `[candidates]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidatesSection {
    /// rapport's field name → the export's column name (`hris_id = "Employee ID"`).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

/// The file as written. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The organisation's accounts (handles or ids).
    #[serde(default)]
    pub org: Vec<String>,
    /// The store file (relative to the file's directory).
    #[serde(default)]
    pub store: Option<PathBuf>,
    /// The environment variable holding the X bearer token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// The X API base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// `builtin`, `esco:DIR`, or a taxonomy file.
    #[serde(default)]
    pub taxonomy: Option<String>,
    /// Job profiles by name.
    #[serde(default)]
    pub jobs: BTreeMap<String, JobSpec>,
    /// Engagement weights.
    #[serde(default)]
    pub engagement: EngagementSection,
    /// Candidate file column mapping.
    #[serde(default)]
    pub candidates: CandidatesSection,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Source {
    /// The built-in default.
    Default,
    /// A command-line flag (or a Python argument).
    Flag,
    /// An environment variable (named).
    Env(String),
    /// The configuration file (its path).
    File(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::Flag => f.write_str("flag"),
            Source::Env(n) => write!(f, "env {n}"),
            Source::File(p) => write!(f, "file {p}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting<T> {
    /// The effective value.
    pub value: T,
    /// Its origin.
    pub source: Source,
}

/// Values given on the command line (or as Python arguments); `None` is "not given".
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--org` (repeatable).
    pub org: Option<Vec<String>>,
    /// `--store`.
    pub store: Option<PathBuf>,
    /// `--bearer-token-env`.
    pub token_env: Option<String>,
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--taxonomy`.
    pub taxonomy: Option<String>,
}

/// The effective settings, each with its origin.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// The organisation's accounts.
    pub org: Setting<Vec<String>>,
    /// The store.
    pub store: Setting<Option<PathBuf>>,
    /// The token variable's name.
    pub token_env: Setting<String>,
    /// The API base URL.
    pub base_url: Setting<String>,
    /// The taxonomy.
    pub taxonomy: Setting<String>,
    /// Job profiles (from the file only).
    pub jobs: BTreeMap<String, JobSpec>,
    /// Engagement weights that differ from the defaults (from the file only).
    pub engagement_weights: BTreeMap<String, f64>,
    /// Candidate column mapping (from the file only; `--map` flags add to it).
    pub candidate_columns: BTreeMap<String, String>,
}

/// The environment variables read, per setting.
pub const ENV_ORG: &str = "RAPPORT_ORG";
/// See [`ENV_ORG`].
pub const ENV_STORE: &str = "RAPPORT_STORE";
/// See [`ENV_ORG`].
pub const ENV_TOKEN_ENV: &str = "RAPPORT_TOKEN_ENV";
/// See [`ENV_ORG`].
pub const ENV_BASE_URL: &str = "RAPPORT_BASE_URL";
/// See [`ENV_ORG`].
pub const ENV_TAXONOMY: &str = "RAPPORT_TAXONOMY";
/// The variable naming the configuration file.
pub const ENV_CONFIG: &str = "RAPPORT_CONFIG";

impl Config {
    /// Parses a file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_owned(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let known = serde_json::to_value(crate::engagement::Weights::default())
            .ok()
            .and_then(|v| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()))
            .unwrap_or_default();
        for (k, w) in &cfg.engagement.weights {
            if !known.contains(k) {
                return Err(ConfigError::Invalid {
                    path: path.to_owned(),
                    message: format!(
                        "[engagement.weights] {k}: not an engagement component; expected one of {}",
                        known.join(", ")
                    ),
                });
            }
            if !(w.is_finite() && *w >= 0.0) {
                return Err(ConfigError::Invalid {
                    path: path.to_owned(),
                    message: format!(
                        "[engagement.weights] {k} = {w}: expected a finite number >= 0"
                    ),
                });
            }
        }
        Ok(cfg)
    }

    /// Reads a file.
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut cfg = Config::parse(&text, &path.display().to_string())?;
        // A relative store path is relative to the file, so the file works from any directory.
        if let (Some(store), Some(dir)) = (&cfg.store, path.parent())
            && store.is_relative()
            && !dir.as_os_str().is_empty()
        {
            cfg.store = Some(dir.join(store));
        }
        Ok(cfg)
    }

    /// Finds the file: `flag`, else `$RAPPORT_CONFIG`, else `./rapport.toml`, else the user's
    /// `rapport/rapport.toml`. A file named by the flag or the variable must exist.
    pub fn find(
        flag: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        cwd: &Path,
    ) -> Result<Option<PathBuf>, ConfigError> {
        let named = flag
            .map(Path::to_path_buf)
            .or_else(|| env(ENV_CONFIG).filter(|s| !s.is_empty()).map(PathBuf::from));
        if let Some(p) = named {
            if !p.is_file() {
                return Err(ConfigError::Io {
                    path: p.display().to_string(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "configuration file not found",
                    ),
                });
            }
            return Ok(Some(p));
        }
        let here = cwd.join(FILE_NAME);
        if here.is_file() {
            return Ok(Some(here));
        }
        Ok(user_config_dir(&env)
            .map(|d| d.join("rapport").join(FILE_NAME))
            .filter(|p| p.is_file()))
    }

    /// Finds and reads the file ([`Config::find`] with the process's environment), then resolves
    /// every setting.
    pub fn load(flag: Option<&Path>, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let env = |k: &str| std::env::var(k).ok();
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let file = Config::find(flag, env, &cwd)?;
        let cfg = match &file {
            Some(p) => Config::read(p)?,
            None => Config::default(),
        };
        Ok(cfg.resolve(file, overrides, env))
    }

    /// Resolves every setting: flag, else environment, else this file, else the default.
    pub fn resolve(
        &self,
        file: Option<PathBuf>,
        overrides: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Settings {
        let from_file = Source::File(
            file.as_ref()
                .map_or_else(String::new, |p| p.display().to_string()),
        );
        let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let pick = |flag: Option<String>, var: &str, file_v: Option<String>, default: &str| {
            if let Some(v) = flag {
                Setting {
                    value: v,
                    source: Source::Flag,
                }
            } else if let Some(v) = env(var) {
                Setting {
                    value: v,
                    source: Source::Env(var.to_owned()),
                }
            } else if let Some(v) = file_v {
                Setting {
                    value: v,
                    source: from_file.clone(),
                }
            } else {
                Setting {
                    value: default.to_owned(),
                    source: Source::Default,
                }
            }
        };
        let org = if let Some(v) = overrides.org.clone().filter(|v| !v.is_empty()) {
            Setting {
                value: v,
                source: Source::Flag,
            }
        } else if let Some(v) = env(ENV_ORG) {
            Setting {
                value: v
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                source: Source::Env(ENV_ORG.to_owned()),
            }
        } else if !self.org.is_empty() {
            Setting {
                value: self.org.clone(),
                source: from_file.clone(),
            }
        } else {
            Setting {
                value: Vec::new(),
                source: Source::Default,
            }
        };
        let store = if let Some(v) = overrides.store.clone() {
            Setting {
                value: Some(v),
                source: Source::Flag,
            }
        } else if let Some(v) = env(ENV_STORE) {
            Setting {
                value: Some(PathBuf::from(v)),
                source: Source::Env(ENV_STORE.to_owned()),
            }
        } else if let Some(v) = self.store.clone() {
            Setting {
                value: Some(v),
                source: from_file.clone(),
            }
        } else {
            Setting {
                value: None,
                source: Source::Default,
            }
        };
        Settings {
            org,
            store,
            token_env: pick(
                overrides.token_env.clone(),
                ENV_TOKEN_ENV,
                self.token_env.clone(),
                DEFAULT_TOKEN_ENV,
            ),
            base_url: pick(
                overrides.base_url.clone(),
                ENV_BASE_URL,
                self.base_url.clone(),
                DEFAULT_BASE_URL,
            ),
            taxonomy: pick(
                overrides.taxonomy.clone(),
                ENV_TAXONOMY,
                self.taxonomy.clone(),
                "builtin",
            ),
            jobs: self.jobs.clone(),
            engagement_weights: self.engagement.weights.clone(),
            candidate_columns: self.candidates.columns.clone(),
            file,
        }
    }
}

impl Settings {
    /// The engagement weights: the defaults with the file's values put in.
    pub fn weights(&self) -> crate::engagement::Weights {
        let mut v = serde_json::to_value(crate::engagement::Weights::default())
            .unwrap_or(serde_json::Value::Null);
        if let Some(m) = v.as_object_mut() {
            for (k, w) in &self.engagement_weights {
                m.insert(k.clone(), serde_json::json!(w));
            }
        }
        serde_json::from_value(v).unwrap_or_default()
    }

    /// A job profile by name.
    pub fn job(&self, name: &str) -> Option<crate::skills::JobProfile> {
        let spec = self.jobs.get(name)?;
        let mut job =
            crate::skills::JobProfile::new(spec.title.clone().unwrap_or_else(|| name.to_owned()));
        for s in &spec.required {
            job = job.require(s.clone(), 1.0);
        }
        for s in &spec.nice_to_have {
            job = job.nice_to_have(s.clone(), 0.5);
        }
        Some(job)
    }

    /// `name  value  (source)` lines, for `rapport config show`.
    pub fn lines(&self) -> Vec<(String, String, String)> {
        let mut out = vec![
            (
                "config file".to_owned(),
                self.file
                    .as_ref()
                    .map_or_else(|| "(none found)".to_owned(), |p| p.display().to_string()),
                String::new(),
            ),
            (
                "org".to_owned(),
                self.org.value.join(","),
                self.org.source.to_string(),
            ),
            (
                "store".to_owned(),
                self.store
                    .value
                    .as_ref()
                    .map_or_else(|| "(none)".to_owned(), |p| p.display().to_string()),
                self.store.source.to_string(),
            ),
            (
                "token_env".to_owned(),
                self.token_env.value.clone(),
                self.token_env.source.to_string(),
            ),
            (
                "base_url".to_owned(),
                self.base_url.value.clone(),
                self.base_url.source.to_string(),
            ),
            (
                "taxonomy".to_owned(),
                self.taxonomy.value.clone(),
                self.taxonomy.source.to_string(),
            ),
        ];
        let file = self
            .file
            .as_ref()
            .map_or_else(|| "default".to_owned(), |p| format!("file {}", p.display()));
        for (name, j) in &self.jobs {
            out.push((
                format!("jobs.{name}"),
                format!(
                    "{}: required {}; nice to have {}",
                    j.title.as_deref().unwrap_or(name),
                    j.required.join(","),
                    j.nice_to_have.join(",")
                ),
                file.clone(),
            ));
        }
        let w = serde_json::to_value(self.weights()).unwrap_or_default();
        if let Some(m) = w.as_object() {
            for (k, v) in m {
                let src = if self.engagement_weights.contains_key(k) {
                    file.clone()
                } else {
                    "default".to_owned()
                };
                out.push((format!("engagement.weights.{k}"), v.to_string(), src));
            }
        }
        for (k, v) in &self.candidate_columns {
            out.push((format!("candidates.columns.{k}"), v.clone(), file.clone()));
        }
        out
    }
}

/// The user's configuration directory: `$XDG_CONFIG_HOME`, else `$HOME/.config`; `%APPDATA%` on
/// Windows.
fn user_config_dir(env: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let nonempty = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return nonempty("APPDATA");
    }
    nonempty("XDG_CONFIG_HOME").or_else(|| nonempty("HOME").map(|h| h.join(".config")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn flags_beat_env_beat_file_beat_defaults() {
        let cfg = Config::parse(
            "org = [\"a\"]\nstore = \"f.db\"\ntoken_env = \"FILE_TOKEN\"\nbase_url = \"http://file\"\n",
            "r.toml",
        )
        .unwrap();
        let env = |k: &str| match k {
            "RAPPORT_BASE_URL" => Some("http://env".to_owned()),
            "RAPPORT_ORG" => Some("b, c".to_owned()),
            _ => None,
        };
        let flags = Overrides {
            base_url: Some("http://flag".into()),
            ..Overrides::default()
        };
        let s = cfg.resolve(Some("r.toml".into()), &flags, env);
        assert_eq!(s.base_url.value, "http://flag");
        assert_eq!(s.base_url.source, Source::Flag);
        assert_eq!(s.org.value, vec!["b", "c"]);
        assert_eq!(s.org.source, Source::Env("RAPPORT_ORG".into()));
        assert_eq!(s.token_env.value, "FILE_TOKEN");
        assert_eq!(s.token_env.source, Source::File("r.toml".into()));
        assert_eq!(s.taxonomy.value, "builtin");
        assert_eq!(s.taxonomy.source, Source::Default);
        let none = Config::default().resolve(None, &Overrides::default(), no_env);
        assert_eq!(none.token_env.value, DEFAULT_TOKEN_ENV);
        assert_eq!(none.store.value, None);
    }

    #[test]
    fn bad_files_say_where_and_what() {
        let e = Config::parse("org = 3\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.toml:"), "{e}");
        assert!(e.contains("line 1"), "{e}");
        let e = Config::parse("colour = \"red\"\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
        let e = Config::parse("[engagement.weights]\nfollowers = 3.0\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("followers") && e.contains("reciprocity"), "{e}");
    }

    #[test]
    fn weights_and_jobs_come_from_the_file() {
        let cfg = Config::parse(
            "[engagement.weights]\nreciprocity = 40.0\n[jobs.rust]\nrequired = [\"rust\"]\n",
            "r.toml",
        )
        .unwrap();
        let s = cfg.resolve(None, &Overrides::default(), no_env);
        assert_eq!(s.weights().reciprocity, 40.0);
        assert_eq!(s.weights().two_way_exchanges, 25.0);
        let job = s.job("rust").unwrap();
        assert_eq!(job.title, "rust");
        assert_eq!(job.skills.len(), 1);
        assert!(s.job("nope").is_none());
    }
}
