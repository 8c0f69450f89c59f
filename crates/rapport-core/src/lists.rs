//! X lists and their memberships, as skill evidence.
//!
//! A list is a named, described set of accounts curated by its owner ("Rust developers", "People
//! analytics folks"). Others putting an account on a list that names a skill is evidence of the skill
//! of its own source kind, `list` (see [`crate::skills::evidence`]): the list's name and description
//! are matched with the taxonomy, and the skill's evidence names the list ids. Owned lists are kept
//! too (they tell what their owner follows closely) but are no evidence of the owner's skills.
//!
//! ```
//! use rapport_core::{Account, Corpus};
//! use rapport_core::lists::{ListRelation, XList};
//! let mut c = Corpus::new();
//! c.add_account(Account::new("7", "ada"));
//! let list = XList::new("900", "Rust developers").with_description("people who write Rust");
//! c.try_add_list_membership("7", list, ListRelation::Member).unwrap();
//! assert_eq!(c.lists_of("7", ListRelation::Member).count(), 1);
//! assert_eq!(c.list("900").unwrap().name, "Rust developers");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::error::{Error, check_id};

/// A list: its id, name and description as the platform gave them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct XList {
    /// The platform's list id.
    pub id: String,
    /// The list's name.
    pub name: String,
    /// The list's description, when it has one.
    pub description: Option<String>,
    /// The owner's account id, when known.
    pub owner_id: Option<String>,
}

impl XList {
    /// A list with an id and a name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> XList {
        XList {
            id: id.into(),
            name: name.into(),
            description: None,
            owner_id: None,
        }
    }

    /// The same list with a description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> XList {
        let d: String = description.into();
        self.description = (!d.trim().is_empty()).then_some(d);
        self
    }

    /// The text matched with the taxonomy: the name, then the description.
    pub fn text(&self) -> String {
        match &self.description {
            Some(d) => format!("{}\n{d}", self.name),
            None => self.name.clone(),
        }
    }
}

/// How an account relates to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListRelation {
    /// The account is on the list (`/2/users/:id/list_memberships`, `/2/lists/:id/members`).
    Member,
    /// The account owns the list (`/2/users/:id/owned_lists`).
    Owner,
}

impl ListRelation {
    /// `member` or `owner`.
    pub fn as_str(self) -> &'static str {
        match self {
            ListRelation::Member => "member",
            ListRelation::Owner => "owner",
        }
    }
}

/// The lists of a corpus and who is on or owns them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ListLog {
    /// Lists by id.
    lists: BTreeMap<String, XList>,
    /// Account id → (list id, relation).
    by_account: BTreeMap<String, BTreeSet<(String, ListRelation)>>,
}

impl ListLog {
    fn add_list(&mut self, list: XList) {
        match self.lists.get_mut(&list.id) {
            // A later copy fills in and overrides what it knows.
            Some(known) => {
                if !list.name.is_empty() {
                    known.name = list.name;
                }
                if list.description.is_some() {
                    known.description = list.description;
                }
                if list.owner_id.is_some() {
                    known.owner_id = list.owner_id;
                }
            }
            None => {
                self.lists.insert(list.id.clone(), list);
            }
        }
    }

    pub(crate) fn merge(&mut self, other: &ListLog) {
        for l in other.lists.values() {
            self.add_list(l.clone());
        }
        for (a, set) in &other.by_account {
            self.by_account
                .entry(a.clone())
                .or_default()
                .extend(set.iter().cloned());
        }
    }
}

impl Corpus {
    /// Adds a list, or updates the known one with the same id (a later copy's name, description and
    /// owner override). Refused when the id is not a valid id ([`Error::InvalidId`]).
    pub fn try_add_list(&mut self, list: XList) -> Result<(), Error> {
        check_id("list id", &list.id)?;
        if let Some(o) = &list.owner_id {
            check_id("list owner id", o)?;
        }
        self.list_log_mut().add_list(list);
        Ok(())
    }

    /// Records that account `account_id` is on (or owns) `list`, adding the list as by
    /// [`Corpus::try_add_list`] and the account as an id-only stub when unknown.
    pub fn try_add_list_membership(
        &mut self,
        account_id: &str,
        list: XList,
        relation: ListRelation,
    ) -> Result<(), Error> {
        check_id("account id", account_id)?;
        let list_id = list.id.clone();
        self.try_add_list(list)?;
        if self.account_by_id(account_id).is_none() {
            self.try_add_account(crate::Account::new(account_id, ""))?;
        }
        self.list_log_mut()
            .by_account
            .entry(account_id.to_owned())
            .or_default()
            .insert((list_id, relation));
        Ok(())
    }

    /// The list with this id.
    pub fn list(&self, id: &str) -> Option<&XList> {
        self.list_log().lists.get(id)
    }

    /// Every list, by id.
    pub fn lists(&self) -> impl Iterator<Item = &XList> + '_ {
        self.list_log().lists.values()
    }

    /// Every membership: (account id, list, relation), by account id then list id.
    pub fn list_memberships(&self) -> impl Iterator<Item = (&str, &XList, ListRelation)> + '_ {
        let log = self.list_log();
        log.by_account.iter().flat_map(move |(a, set)| {
            set.iter()
                .filter_map(move |(l, r)| Some((a.as_str(), log.lists.get(l)?, *r)))
        })
    }

    /// The lists account `account_id` is on (`Member`) or owns (`Owner`), by list id.
    pub fn lists_of<'c>(
        &'c self,
        account_id: &str,
        relation: ListRelation,
    ) -> impl Iterator<Item = &'c XList> + 'c {
        let log = self.list_log();
        log.by_account
            .get(account_id)
            .into_iter()
            .flat_map(move |set| {
                set.iter()
                    .filter(move |(_, r)| *r == relation)
                    .filter_map(move |(l, _)| log.lists.get(l))
            })
    }
}
