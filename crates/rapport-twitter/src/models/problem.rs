//! Problems: the partial errors inside a 200 response and the request-level RFC 7807 error body.

use super::tweet::Extra;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One problem, in either of the two shapes X uses.
///
/// * A **partial error** inside a successful page (`errors[]` next to `data`): one item that could not
///   be returned, with `resource_type`, `resource_id`, `parameter`, `value` and `section`.
/// * A **request-level** problem (non-2xx, `application/problem+json`): `title`, `type`, `detail`,
///   `status` plus type-specific extras (`errors[]` with `parameters` for `invalid-request`, `reason` and
///   `registration_url` for `client-forbidden`, `period`/`scope` for `usage-capped`).
///
/// The legacy v1.1 shape `{code, message}` fits too.
///
/// ```
/// use rapport_twitter::models::{Outcome, Problem};
/// let p: Problem = serde_json::from_str(r#"{"title":"Forbidden","detail":"User has been suspended: [leeseunggi].",
///   "type":"https://api.twitter.com/2/problems/resource-not-found","resource_id":"leeseunggi"}"#).unwrap();
/// assert_eq!(p.outcome(), Outcome::Suspended);
/// assert_eq!(p.type_name(), Some("resource-not-found"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Problem {
    /// Short summary (not reliable for classification: "Forbidden" appears on not-found problems).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The problem type URI, e.g. `https://api.twitter.com/2/problems/resource-not-found`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// HTTP status (request-level problems).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The value that failed (usually the id or username).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// `tweet`, `user`, `media`, `list`, `space`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The id (or username) of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The request parameter or expansion it came from, e.g. `referenced_tweets.id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// `data` or `includes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Details of an `invalid-request` problem (and the legacy `{code, message}` list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemDetail>,
    /// `client-forbidden`: why (e.g. `client-not-enrolled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `client-forbidden`: where to enrol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_url: Option<String>,
    /// `usage-capped`: `Daily` or `Monthly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// `usage-capped`: `Account` or `Product`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Stream disconnects: `OperationalDisconnect`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnect_type: Option<String>,
    /// Legacy v1.1 error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Legacy v1.1 message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Every other field, as received.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of a request-level problem's `errors` (`invalid-request`) or of a legacy error body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProblemDetail {
    /// The offending parameters and their values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Value>,
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Legacy error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
}

/// What a partial error means for the item it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Deleted or never existed.
    NotFound,
    /// The account (or the author of the tweet) is suspended.
    Suspended,
    /// Protected account or otherwise not visible to this token.
    NotAuthorized,
    /// Withheld in these countries (empty when the problem did not say which).
    Withheld {
        /// ISO 3166-1 alpha-2 codes.
        country_codes: Vec<String>,
    },
    /// Anything else; look at the problem itself.
    Other,
}

impl Problem {
    /// The last segment of the type URI: `resource-not-found`, `not-authorized-for-resource`, … (or
    /// `about:blank`).
    pub fn type_name(&self) -> Option<&str> {
        let t = self.kind.as_deref()?;
        Some(t.rsplit('/').next().unwrap_or(t))
    }

    /// Whether this looks like a partial error about one item (it names a resource or a value) rather
    /// than a request-level problem.
    pub fn is_partial(&self) -> bool {
        self.resource_id.is_some() || self.resource_type.is_some() || self.value.is_some()
    }

    /// The id (or username) the problem is about: `resource_id`, else a string `value`.
    pub fn subject(&self) -> Option<&str> {
        self.resource_id
            .as_deref()
            .or_else(|| self.value.as_ref().and_then(Value::as_str))
    }

    /// Classifies the problem on its `type` and `detail` (never on `title`, which X sets inconsistently:
    /// a suspended user comes as title "Forbidden" with type `resource-not-found`).
    ///
    /// ```
    /// use rapport_twitter::models::{Outcome, Problem};
    /// let p = Problem {
    ///     kind: Some("https://api.twitter.com/2/problems/not-authorized-for-resource".into()),
    ///     detail: Some("Sorry, you are not authorized to see the Tweet with id: [1].".into()),
    ///     ..Problem::default()
    /// };
    /// assert_eq!(p.outcome(), Outcome::NotAuthorized);
    /// ```
    pub fn outcome(&self) -> Outcome {
        let detail = self.detail.as_deref().unwrap_or("").to_ascii_lowercase();
        let ty = self.type_name().unwrap_or("");
        if detail.contains("suspended") {
            return Outcome::Suspended;
        }
        if detail.contains("withheld") || self.extra.contains_key("withheld") {
            return Outcome::Withheld {
                country_codes: self.withheld_countries(),
            };
        }
        match ty {
            "not-authorized-for-resource" => Outcome::NotAuthorized,
            "resource-not-found" => Outcome::NotFound,
            _ => Outcome::Other,
        }
    }

    /// Country codes of a withholding problem: from an explicit `country_codes` or
    /// `withheld.country_codes` field, else the two-letter upper-case tokens inside `[…]` in `detail`.
    fn withheld_countries(&self) -> Vec<String> {
        let from_value = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(v) = self.extra.get("country_codes") {
            return from_value(v);
        }
        if let Some(v) = self
            .extra
            .get("withheld")
            .and_then(|w| w.get("country_codes"))
        {
            return from_value(v);
        }
        let detail = self.detail.as_deref().unwrap_or("");
        let mut out = Vec::new();
        let mut rest = detail;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            for tok in after[..close].split(|c: char| c == ',' || c.is_whitespace()) {
                if tok.len() == 2 && tok.bytes().all(|b| b.is_ascii_uppercase()) {
                    out.push(tok.to_owned());
                }
            }
            rest = &after[close + 1..];
        }
        out
    }
}
