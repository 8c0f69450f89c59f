//! Adding accounts: deduplicated by id, and by handle for accounts only known from a mention; the
//! same person seen first by handle and later by id is merged into one account.

use super::columns::AccountRow;
use super::{AccountIdx, Corpus};
use crate::Error;
use crate::error::check_id;
use crate::model::{Account, NewAccount, ProfileCounts, normalize_handle};

impl Corpus {
    pub(super) fn canonical(&self, idx: u32) -> u32 {
        self.s.alias[idx as usize]
    }

    fn new_account_row(&mut self, row: AccountRow) -> u32 {
        let idx = self.s.accounts.len() as u32;
        if !row.id.is_empty() {
            self.s.account_by_id.insert(row.id.clone(), idx);
        }
        if !row.handle.is_empty() {
            self.s
                .account_by_handle
                .insert(normalize_handle(&row.handle), idx);
        }
        self.s.accounts.push(row);
        self.s.alias.push(idx);
        idx
    }

    /// The account with this id, created as a stub (id only) when unknown.
    pub(super) fn account_for_id(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.s.account_by_id.get(id) {
            return self.canonical(i);
        }
        self.new_account_row(AccountRow {
            id: id.to_owned(),
            ..AccountRow::default()
        })
    }

    pub(super) fn account_for_mention(&mut self, id: Option<&str>, handle: &str) -> u32 {
        match id.filter(|s| !s.is_empty()) {
            Some(id) => {
                let idx = self.account_for_id(id);
                if self.s.accounts[idx as usize].handle.is_empty() && !handle.is_empty() {
                    self.set_handle(idx, handle);
                }
                idx
            }
            None => {
                let key = normalize_handle(handle);
                if let Some(&i) = self.s.account_by_handle.get(&key) {
                    return self.canonical(i);
                }
                self.new_account_row(AccountRow {
                    handle: handle.trim_start_matches('@').to_owned(),
                    ..AccountRow::default()
                })
            }
        }
    }

    /// Gives account `idx` a handle; an id-less stub already holding that handle is merged into it.
    fn set_handle(&mut self, idx: u32, handle: &str) {
        let key = normalize_handle(handle);
        if let Some(&other) = self.s.account_by_handle.get(&key) {
            let other = self.canonical(other);
            if other != idx && self.s.accounts[other as usize].id.is_empty() {
                // The same person seen first by handle only: everything that points at the stub now
                // points at this account.
                for a in &mut self.s.alias {
                    if *a == other {
                        *a = idx;
                    }
                }
            }
        }
        handle.clone_into(&mut self.s.accounts[idx as usize].handle);
        self.s.account_by_handle.insert(key, idx);
    }

    /// Adds an account, or updates the one with the same id (or, for an id-less account, handle).
    /// Fields the new copy knows override the old ones. `None` when the account is refused (see
    /// [`Corpus::try_add_account`]); the refusal is counted in [`Corpus::num_refused`].
    pub fn add_account(&mut self, account: Account) -> Option<AccountIdx> {
        let r = self.try_add_account(account);
        if r.is_err() {
            self.s.refused += 1;
        }
        r.ok()
    }

    /// Adds or updates an account, or says why it is refused: an account needs an id or a handle, and
    /// an id must pass the checks of [`Error::InvalidId`].
    // By value, like `try_add_post`: the public signature predates the borrowed path.
    #[allow(clippy::needless_pass_by_value)]
    pub fn try_add_account(&mut self, account: Account) -> Result<AccountIdx, Error> {
        self.try_add_new_account(&account.as_new())
    }

    /// [`Corpus::try_add_account`] for an account borrowing its strings (see [`NewAccount`]): the
    /// importers' path. A copy that changes nothing allocates nothing.
    pub fn try_add_new_account(&mut self, account: &NewAccount<'_>) -> Result<AccountIdx, Error> {
        if account.id.is_empty() {
            if normalize_handle(account.handle).is_empty() {
                return Err(Error::InvalidId {
                    field: "account id",
                    found: account.handle.to_owned(),
                    expected: "an account with an id or a handle",
                });
            }
        } else {
            check_id("account id", account.id)?;
        }
        self.touch();
        let idx = if account.id.is_empty() {
            self.account_for_mention(None, account.handle)
        } else {
            self.account_for_id(account.id)
        };
        if !account.handle.is_empty() && self.s.accounts[idx as usize].handle != account.handle {
            self.set_handle(idx, account.handle);
        }
        let row = &mut self.s.accounts[idx as usize];
        set_opt(&mut row.display_name, account.display_name);
        set_opt(&mut row.bio, account.bio);
        if let Some(c) = account.created_at {
            row.created_ms = Some(c.timestamp_millis());
        }
        let c = account.counts;
        row.counts = ProfileCounts {
            followers: c.followers.or(row.counts.followers),
            following: c.following.or(row.counts.following),
            posts: c.posts.or(row.counts.posts),
            listed: c.listed.or(row.counts.listed),
        };
        row.platform = account.platform;
        Ok(AccountIdx(idx))
    }
}

/// A known value replaces the stored one (reusing its allocation); an unknown one keeps it.
fn set_opt(slot: &mut Option<String>, value: Option<&str>) {
    match (slot, value) {
        (_, None) => {}
        (Some(s), Some(v)) => {
            if s != v {
                v.clone_into(s);
            }
        }
        (slot @ None, Some(v)) => *slot = Some(v.to_owned()),
    }
}
