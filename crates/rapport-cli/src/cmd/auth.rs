//! `rapport auth login` and `rapport auth status`: the X user access token that acting commands
//! (`rapport follow`) use, obtained with OAuth 2.0 Authorization Code and PKCE.
//!
//! The tokens live in one file with mode 0600 (`--token-file`, default
//! `$XDG_CONFIG_HOME/rapport/x-user-token.json`), or an access token is given by the environment
//! variable `RAPPORT_X_USER_TOKEN`. Never in the store, never on the command line, never printed.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;

use rapport_twitter::client::SecretToken;
use rapport_twitter::client::oauth2::{
    DEFAULT_AUTHORIZE_URL, DEFAULT_SCOPES, DEFAULT_TOKEN_URL, OAuth2Client, OAuth2Config, TokenSet,
    TokenStatus, USER_TOKEN_ENV, UserSession, accept_callback, bind_callback,
};
use rapport_twitter::client::user_client::describe_expiry;
use serde_json::json;

use super::{CmdError, Outcome};

/// The redirect URI registered for the app by default: a loopback address rapport listens on.
pub(crate) const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8765/callback";

/// `rapport auth` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuthCommand {
    /// Log in as an X account (the organisation's) with OAuth 2.0 and PKCE: prints the URL to open,
    /// then catches the redirect on the loopback redirect URI (or reads the pasted callback URL with
    /// --paste) and saves the tokens to the token file (mode 0600).
    Login(LoginArgs),
    /// Show the user token in use: where it comes from, its scopes, when it expires, whether it can
    /// be refreshed. Never the token itself.
    Status(StatusArgs),
}

/// Where the tokens are and how to refresh them; shared by every command that acts for a user.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct TokenArgs {
    /// The token file (JSON, mode 0600) [env: RAPPORT_X_TOKEN_FILE; default:
    /// $XDG_CONFIG_HOME/rapport/x-user-token.json]. An access token in the environment variable
    /// RAPPORT_X_USER_TOKEN is used instead when set (it cannot be refreshed).
    #[arg(long, value_name = "PATH", env = "RAPPORT_X_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// The app's OAuth 2.0 client id (from the X developer portal) [default: the one the token file
    /// was issued to].
    #[arg(long, value_name = "ID", env = "RAPPORT_X_CLIENT_ID")]
    pub client_id: Option<String>,
    /// The environment variable holding the client secret of a confidential client (sent as HTTP
    /// basic auth to the token endpoint); unset for a public client.
    #[arg(long, value_name = "VAR", default_value = "RAPPORT_X_CLIENT_SECRET")]
    pub client_secret_env: String,
    /// The token endpoint (a local mock server in tests).
    #[arg(long, value_name = "URL", env = "RAPPORT_X_TOKEN_URL", default_value = DEFAULT_TOKEN_URL)]
    pub token_url: String,
}

impl TokenArgs {
    /// The token file: `--token-file`, else `$XDG_CONFIG_HOME/rapport/x-user-token.json`, else
    /// `~/.config/rapport/x-user-token.json`.
    pub(crate) fn token_path(&self) -> Result<PathBuf, CmdError> {
        if let Some(p) = &self.token_file {
            return Ok(p.clone());
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .ok_or("no --token-file, and neither XDG_CONFIG_HOME nor HOME is set")?;
        Ok(base.join("rapport").join("x-user-token.json"))
    }

    /// The OAuth 2.0 client that refreshes (and, at login, obtains) tokens.
    pub(crate) fn oauth(
        &self,
        client_id: &str,
        redirect_uri: &str,
        scopes: Vec<String>,
        authorize_url: &str,
    ) -> Result<OAuth2Client, CmdError> {
        let mut cfg = OAuth2Config::new(client_id, redirect_uri);
        cfg.token_url.clone_from(&self.token_url);
        authorize_url.clone_into(&mut cfg.authorize_url);
        cfg.scopes = scopes;
        cfg.client_secret = std::env::var(&self.client_secret_env)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .map(SecretToken::new);
        Ok(OAuth2Client::new(cfg)?)
    }

    /// The session in use: the environment variable when set, else the token file (refreshable when
    /// a client id is known).
    pub(crate) fn session(&self) -> Result<UserSession, CmdError> {
        if std::env::var(USER_TOKEN_ENV).is_ok_and(|v| !v.trim().is_empty()) {
            return Ok(UserSession::from_env(USER_TOKEN_ENV)?);
        }
        let path = self.token_path()?;
        if !path.exists() {
            return Err(format!(
                "no user access token: {} does not exist and {USER_TOKEN_ENV} is not set; run \
                 `rapport auth login` first",
                path.display()
            )
            .into());
        }
        let tokens = TokenSet::load(&path)?;
        let client_id = self.client_id.clone().or(tokens.client_id.clone());
        let oauth = match client_id {
            Some(id) => Some(self.oauth(
                &id,
                DEFAULT_REDIRECT_URI,
                DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                DEFAULT_AUTHORIZE_URL,
            )?),
            None => None,
        };
        Ok(UserSession::from_file(&path, oauth)?)
    }
}

/// Arguments of `rapport auth login`.
#[derive(Debug, clap::Args)]
pub(crate) struct LoginArgs {
    #[command(flatten)]
    pub tokens: TokenArgs,
    /// The redirect URI registered for the app. rapport listens on it when it is a loopback http URL.
    #[arg(long, value_name = "URL", env = "RAPPORT_X_REDIRECT_URI", default_value = DEFAULT_REDIRECT_URI)]
    pub redirect_uri: String,
    /// The scopes to ask for, space-separated.
    #[arg(long, value_name = "SCOPES", default_value_t = DEFAULT_SCOPES.join(" "))]
    pub scopes: String,
    /// Read the callback URL (the address the browser was sent to after approving) from standard
    /// input instead of listening on the redirect URI.
    #[arg(long)]
    pub paste: bool,
    /// How long to wait for the redirect, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub wait: u64,
    /// The authorize page.
    #[arg(long, value_name = "URL", default_value = DEFAULT_AUTHORIZE_URL)]
    pub authorize_url: String,
}

/// Arguments of `rapport auth status`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    pub tokens: TokenArgs,
    /// Print the status as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `rapport auth ...`.
pub(crate) fn run(cmd: &AuthCommand) -> Result<Outcome, CmdError> {
    match cmd {
        AuthCommand::Login(args) => login(args),
        AuthCommand::Status(args) => status(args),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CmdError> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn login(args: &LoginArgs) -> Result<Outcome, CmdError> {
    let client_id = args.tokens.client_id.clone().ok_or(
        "no client id: pass --client-id or set RAPPORT_X_CLIENT_ID (the app's OAuth 2.0 client id \
         from the X developer portal)",
    )?;
    let scopes: Vec<String> = args.scopes.split_whitespace().map(str::to_owned).collect();
    let oauth = args.tokens.oauth(
        &client_id,
        &args.redirect_uri,
        scopes.clone(),
        &args.authorize_url,
    )?;
    let path = args.tokens.token_path()?;
    let rt = runtime()?;
    // Bind before showing the URL, so a fast browser cannot beat the listener.
    let listener = if args.paste {
        None
    } else {
        Some(rt.block_on(bind_callback(&args.redirect_uri))?)
    };
    let pending = oauth.authorize()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Open this URL in a browser, sign in as the account rapport should act for, and approve:\n\n{}\n",
        pending.url
    )?;
    let callback = if let Some(listener) = listener {
        writeln!(
            out,
            "Waiting up to {} s for the redirect to {} ...",
            args.wait, args.redirect_uri
        )?;
        out.flush()?;
        rt.block_on(accept_callback(
            listener,
            &args.redirect_uri,
            Duration::from_secs(args.wait),
        ))?
    } else {
        writeln!(out, "Then paste the address the browser was sent to:")?;
        out.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if line.trim().is_empty() {
            return Err("no callback URL given: nothing was saved".into());
        }
        line
    };
    let tokens = rt.block_on(oauth.exchange(&pending, &callback))?;
    tokens.save(&path)?;
    writeln!(
        out,
        "Logged in. Tokens saved to {} (mode 0600).",
        path.display()
    )?;
    print_status(
        &mut out,
        &tokens.status(),
        &format!("token file {}", path.display()),
    )?;
    let missing: Vec<&String> = scopes.iter().filter(|s| tokens.lacks_scope(s)).collect();
    if !missing.is_empty() {
        writeln!(
            out,
            "warning: X did not grant {}: the actions that need them will fail",
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        )?;
    }
    Ok(Outcome::Done)
}

fn print_status(out: &mut impl Write, s: &TokenStatus, source: &str) -> std::io::Result<()> {
    writeln!(out, "source:        {source}")?;
    writeln!(
        out,
        "client id:     {}",
        s.client_id.as_deref().unwrap_or("unknown")
    )?;
    writeln!(
        out,
        "scopes:        {}",
        if s.scopes.is_empty() {
            "unknown".to_owned()
        } else {
            s.scopes.join(" ")
        }
    )?;
    writeln!(
        out,
        "expires:       {}",
        describe_expiry(s.expires_at, chrono::Utc::now())
    )?;
    writeln!(
        out,
        "refresh token: {}",
        if s.has_refresh_token { "yes" } else { "no" }
    )
}

fn status(args: &StatusArgs) -> Result<Outcome, CmdError> {
    let session = args.tokens.session()?;
    let rt = runtime()?;
    let s = rt.block_on(session.status());
    let missing: Vec<&str> = if s.scopes.is_empty() {
        Vec::new()
    } else {
        DEFAULT_SCOPES
            .iter()
            .copied()
            .filter(|d| !s.scopes.iter().any(|g| g == d))
            .collect()
    };
    let expired = s.expires_at.is_some_and(|t| t <= chrono::Utc::now());
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = json!({
            "source": session.source().to_string(),
            "client_id": s.client_id,
            "scopes": s.scopes,
            "missing_scopes": missing,
            "expires_at": s.expires_at,
            "expired": expired,
            "has_refresh_token": s.has_refresh_token,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        print_status(&mut out, &s, &session.source().to_string())?;
        if !missing.is_empty() {
            writeln!(
                out,
                "missing:       {} (log in again to act with them)",
                missing.join(" ")
            )?;
        }
        if expired && !s.has_refresh_token {
            writeln!(
                out,
                "The token expired and cannot be refreshed: run `rapport auth login`."
            )?;
        }
    }
    Ok(Outcome::Done)
}
