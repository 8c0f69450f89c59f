//! The list object (owned lists, list memberships).

use super::serde_util::{de_time, id, opt_id, opt_num, ser_time};
use super::tweet::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A list. Only `id` is required here; `name` is required by the spec.
///
/// ```
/// use rapport_twitter::models::XList;
/// let l: XList = serde_json::from_str(
///     r#"{"id":"1146654567674912769","name":"Rust people","member_count":12,"owner_id":"783214"}"#,
/// ).unwrap();
/// assert_eq!(l.member_count, Some(12));
/// assert_eq!(l.owner_id.as_deref(), Some("783214"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct XList {
    /// The list id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The list's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owner's user id.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_id: Option<String>,
    /// Private lists are visible to their owner only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// Members.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub member_count: Option<u64>,
    /// Followers of the list.
    #[serde(
        default,
        deserialize_with = "opt_num",
        skip_serializing_if = "Option::is_none"
    )]
    pub follower_count: Option<u64>,
    /// When the list was created.
    #[serde(
        default,
        deserialize_with = "de_time",
        serialize_with = "ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Extra,
}
