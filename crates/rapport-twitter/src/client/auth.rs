//! Credentials. A token is a [`SecretToken`]: its `Debug` and `Display` print `***`, so a token can sit
//! inside any struct that derives `Debug`, or reach an error message or a log line, without leaking.

use std::fmt;

/// A bearer or OAuth 2.0 access token that never prints itself.
///
/// ```
/// use rapport_twitter::client::SecretToken;
/// let token = SecretToken::new("AAAA-very-secret");
/// assert_eq!(format!("{token:?}"), "SecretToken(***)");
/// assert_eq!(token.to_string(), "***");
/// assert_eq!(token.expose_secret(), "AAAA-very-secret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    /// Wraps a token. Surrounding whitespace (a trailing newline from a file or an env var) is trimmed.
    pub fn new(token: impl Into<String>) -> Self {
        let token: String = token.into();
        Self(token.trim().to_owned())
    }

    /// The token itself, for the one place that needs it: the `Authorization` header.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// True when the token is empty (after trimming).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(***)")
    }
}

impl fmt::Display for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for SecretToken {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl From<&str> for SecretToken {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

/// How the client authenticates. Both kinds are sent as `Authorization: Bearer <token>`; the kind
/// matters for which endpoints accept it (full-archive search, counts/all and the filtered stream are
/// app-only; liking users is user-context only).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// App-only bearer token (OAuth 2.0 client credentials).
    Bearer(SecretToken),
    /// OAuth 2.0 user access token (authorization code with PKCE), acting for one user.
    OAuth2User(SecretToken),
}

impl Auth {
    /// The token, whichever the kind.
    pub fn token(&self) -> &SecretToken {
        match self {
            Auth::Bearer(t) | Auth::OAuth2User(t) => t,
        }
    }

    /// `"bearer"` or `"oauth2-user"`, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Auth::Bearer(_) => "bearer",
            Auth::OAuth2User(_) => "oauth2-user",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let auth = Auth::Bearer(SecretToken::new(" s3cr3t-token\n"));
        let dbg = format!("{auth:?} {:?} {}", auth.token(), auth.token());
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        assert_eq!(auth.token().expose_secret(), "s3cr3t-token");
        assert_eq!(auth.kind(), "bearer");
    }
}
