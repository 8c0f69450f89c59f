//! Per-id outcomes of a lookup: which of the requested ids came back, and why the others did not.
//! Partial errors never fail a call; they become [`IdOutcome`]s.

use serde::Serialize;

use super::page::Page;
use crate::models::{Outcome, Problem, TweetsResponse, UsersResponse};

/// What happened to one requested id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdOutcome {
    /// Returned.
    Found,
    /// Returned, but withheld in these countries.
    Withheld {
        /// ISO country codes.
        country_codes: Vec<String>,
    },
    /// Deleted or never existed.
    NotFound,
    /// The account is suspended.
    Suspended,
    /// Protected or otherwise not visible to these credentials.
    NotAuthorized,
    /// Not returned and no partial error says why.
    Missing,
    /// A partial error of another kind, with its detail.
    Other {
        /// The problem's detail or title.
        detail: String,
    },
}

impl IdOutcome {
    fn from_problem(p: &Problem) -> Self {
        match p.outcome() {
            Outcome::NotFound => IdOutcome::NotFound,
            Outcome::Suspended => IdOutcome::Suspended,
            Outcome::NotAuthorized => IdOutcome::NotAuthorized,
            Outcome::Withheld { country_codes } => IdOutcome::Withheld { country_codes },
            Outcome::Other => IdOutcome::Other {
                detail: p
                    .detail
                    .clone()
                    .or_else(|| p.title.clone())
                    .unwrap_or_default(),
            },
        }
    }

    /// Converts to core's platform-neutral reason (for `Source`), `None` when found.
    pub fn to_missing_reason(&self) -> Option<rapport_core::source::MissingReason> {
        use rapport_core::source::MissingReason as M;
        match self {
            IdOutcome::Found | IdOutcome::Withheld { .. } => None,
            IdOutcome::NotFound | IdOutcome::Missing => Some(M::NotFound),
            IdOutcome::Suspended => Some(M::Suspended),
            IdOutcome::NotAuthorized => Some(M::NotAuthorized),
            IdOutcome::Other { detail } => Some(M::Other {
                detail: detail.clone(),
            }),
        }
    }
}

/// Only the problems about the requested objects themselves count (`section` absent or `data`, and
/// the parameter is the id/username parameter), not those about expanded includes.
fn about_request(p: &Problem) -> bool {
    let section_ok = p.section.as_deref().is_none_or(|s| s == "data");
    let param_ok = p
        .parameter
        .as_deref()
        .is_none_or(|x| matches!(x, "ids" | "id" | "usernames" | "username"));
    section_ok && param_ok
}

fn outcomes_for<'a, T>(
    requested: &[String],
    found: impl Fn(&str) -> Option<&'a T>,
    withheld: impl Fn(&T) -> Vec<String>,
    errors: &[Problem],
) -> Vec<(String, IdOutcome)>
where
    T: 'a,
{
    requested
        .iter()
        .map(|id| {
            let outcome = if let Some(item) = found(id) {
                let codes = withheld(item);
                if codes.is_empty() {
                    IdOutcome::Found
                } else {
                    IdOutcome::Withheld {
                        country_codes: codes,
                    }
                }
            } else if let Some(p) = errors
                .iter()
                .filter(|p| about_request(p))
                .find(|p| p.subject().is_some_and(|s| s.eq_ignore_ascii_case(id)))
            {
                IdOutcome::from_problem(p)
            } else {
                IdOutcome::Missing
            };
            (id.clone(), outcome)
        })
        .collect()
}

impl Page<TweetsResponse> {
    /// The outcome of each requested post id, in the order given.
    pub fn outcomes(&self, requested: &[String]) -> Vec<(String, IdOutcome)> {
        let items = self.body.items();
        outcomes_for(
            requested,
            |id| items.iter().find(|t| t.id == id),
            |t| {
                t.withheld
                    .as_ref()
                    .map(|w| w.country_codes.clone())
                    .unwrap_or_default()
            },
            &self.body.errors,
        )
    }
}

impl Page<UsersResponse> {
    /// The outcome of each requested user id or username (case-insensitive), in the order given.
    pub fn outcomes(&self, requested: &[String]) -> Vec<(String, IdOutcome)> {
        let items = self.body.items();
        outcomes_for(
            requested,
            |key| {
                items.iter().find(|u| {
                    u.id == key
                        || u.username
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(key))
                })
            },
            |u| {
                u.withheld
                    .as_ref()
                    .map(|w| w.country_codes.clone())
                    .unwrap_or_default()
            },
            &self.body.errors,
        )
    }
}
