//! Mapping candidates onto the accounts of a corpus, by handle, reporting every handle not found.

use std::collections::BTreeMap;

use serde::Serialize;

use super::handle::platform_name;
use super::{Candidate, Handle};
use crate::corpus::{AccountIdx, Corpus};
use crate::model::Platform;

/// A candidate's handle found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateAccount {
    /// The candidate.
    pub hris_id: String,
    /// The handle as the HRIS gave it.
    pub handle: Handle,
    /// The account's platform id (empty when the corpus only knows the handle).
    pub account_id: String,
    /// The account's index in the corpus it was resolved against.
    pub account_idx: AccountIdx,
}

/// A candidate's handle the corpus does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownHandle {
    /// The candidate.
    pub hris_id: String,
    /// The handle as the HRIS gave it.
    pub handle: String,
    /// Its platform.
    #[serde(with = "platform_name")]
    pub platform: Platform,
}

/// One account claimed by more than one candidate (a data-entry error in the HRIS, usually).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedAccount {
    /// The account's index.
    pub account_idx: AccountIdx,
    /// Its handle (or id).
    pub handle: String,
    /// Every candidate claiming it, in input order.
    pub hris_ids: Vec<String>,
}

/// Which candidates are which accounts of a corpus.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Resolution {
    /// Every (candidate, handle) pair found, in input order.
    pub matched: Vec<CandidateAccount>,
    /// Every handle not found, in input order.
    pub unknown: Vec<UnknownHandle>,
    /// Candidates without any handle.
    pub without_handles: Vec<String>,
    /// Accounts claimed by two or more candidates.
    pub shared: Vec<SharedAccount>,
}

impl Resolution {
    /// The accounts of one candidate.
    pub fn accounts_of<'a>(&'a self, hris_id: &'a str) -> impl Iterator<Item = AccountIdx> + 'a {
        self.matched
            .iter()
            .filter(move |m| m.hris_id == hris_id)
            .map(|m| m.account_idx)
    }

    /// The candidates an account belongs to (usually one).
    pub fn candidates_of(&self, account: AccountIdx) -> impl Iterator<Item = &str> + '_ {
        self.matched
            .iter()
            .filter(move |m| m.account_idx == account)
            .map(|m| m.hris_id.as_str())
    }

    /// Whether every candidate has at least one handle and every handle was found.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty() && self.without_handles.is_empty()
    }
}

/// Maps candidates onto the accounts of `corpus` by handle (case-insensitive, same platform; a
/// Bluesky DID by account id). A candidate may carry handles of both platforms: each is looked up on
/// its own, so scoring uses whichever the corpus holds.
///
/// Nothing is dropped: a handle that is not in the corpus lands in [`Resolution::unknown`], a candidate
/// without handles in [`Resolution::without_handles`], and an account claimed twice in
/// [`Resolution::shared`].
pub fn resolve(corpus: &Corpus, candidates: &[Candidate]) -> Resolution {
    let mut r = Resolution::default();
    let mut claims: BTreeMap<AccountIdx, Vec<String>> = BTreeMap::new();
    for c in candidates {
        if c.handles.is_empty() {
            r.without_handles.push(c.hris_id.clone());
            continue;
        }
        for h in &c.handles {
            // A DID is the account id of a Bluesky account; everything else is a handle.
            let found = if h.handle.starts_with("did:") {
                corpus.account_by_id(&h.handle)
            } else {
                corpus.account_by_handle(&h.handle)
            }
            .filter(|a| a.platform() == h.platform);
            match found {
                Some(a) => {
                    let ids = claims.entry(a.idx()).or_default();
                    if !ids.contains(&c.hris_id) {
                        ids.push(c.hris_id.clone());
                    }
                    r.matched.push(CandidateAccount {
                        hris_id: c.hris_id.clone(),
                        handle: h.clone(),
                        account_id: a.id().to_owned(),
                        account_idx: a.idx(),
                    });
                }
                None => r.unknown.push(UnknownHandle {
                    hris_id: c.hris_id.clone(),
                    handle: h.handle.clone(),
                    platform: h.platform,
                }),
            }
        }
    }
    for (idx, ids) in claims {
        if ids.len() > 1 {
            r.shared.push(SharedAccount {
                account_idx: idx,
                handle: corpus.account(idx).handle_or_id().to_owned(),
                hris_ids: ids,
            });
        }
    }
    r
}
