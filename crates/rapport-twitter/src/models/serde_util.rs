//! Small serde helpers shared by the wire structs: ids that arrive as strings or numbers, timestamps
//! written the way X writes them, and values that are one object or an array.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id as a string or a non-negative integer")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Deserializes an id given as `"123"` or `123`.
pub(crate) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(IdVisitor)
}

struct OptIdVisitor;

impl<'de> Visitor<'de> for OptIdVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id as a string or a non-negative integer, or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        id(d).map(Some)
    }
}

/// Deserializes an optional id given as a string, a number or `null`.
pub(crate) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(OptIdVisitor)
}

/// Deserializes a list of ids, each a string or a number.
pub(crate) fn id_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of ids")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            #[derive(Deserialize)]
            struct One(#[serde(deserialize_with = "id")] String);
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(1));
            while let Some(One(s)) = seq.next_element()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

/// Serializes a timestamp the way the X API writes it: RFC 3339 with milliseconds and `Z`.
#[allow(clippy::ref_option)] // the signature serde's `serialize_with` calls
pub(crate) fn ser_time<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        None => s.serialize_none(),
    }
}

/// Deserializes an optional RFC 3339 timestamp (`null` and absence are `None`). A string that is not
/// one is an error that shows it (cut to 200 characters) next to an example of the expected form:
/// chrono's own words for `2024-01-01 00:00:00` ("premature end of input") tell a user nothing.
pub(crate) fn de_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<DateTime<Utc>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 timestamp like 2024-01-01T00:00:00Z")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            parse_time(v).map(Some).map_err(E::custom)
        }
    }
    d.deserialize_option(V)
}

/// Parses an RFC 3339 timestamp into UTC, or says what was expected and what was found.
pub(crate) fn parse_time(v: &str) -> Result<DateTime<Utc>, String> {
    if let Some(t) = parse_x_time(v.as_bytes()) {
        return Ok(t);
    }
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "expected an RFC 3339 timestamp like 2024-01-01T00:00:00Z, found '{}'",
                rapport_core::error::cut(v)
            )
        })
}

/// The fast path for the one form X writes, `2024-01-01T00:00:00.000Z` (and without the
/// milliseconds): fixed positions, no allocation, no general RFC 3339 grammar. Anything else (other
/// offsets, fractions, leap seconds, bad input) is `None` and goes to chrono's parser, which decides
/// and words the errors.
fn parse_x_time(b: &[u8]) -> Option<DateTime<Utc>> {
    let ms = match b.len() {
        24 if b[19] == b'.' && b[23] == b'Z' => num(&b[20..23])?,
        20 if b[19] == b'Z' => 0,
        _ => return None,
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(num(&b[0..4])?).ok()?,
        num(&b[5..7])?,
        num(&b[8..10])?,
    )?;
    let (h, m, s) = (num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?);
    if s > 59 {
        return None;
    }
    Some(date.and_hms_milli_opt(h, m, s, ms)?.and_utc())
}

/// The value of a run of ASCII digits.
fn num(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Deserializes a value where `null` means the default (X sends `null` for some empty lists).
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `data` of a response: a single object (single lookups, stream messages) or an array (list
/// endpoints). The shape is kept so that a page serializes back the way it came.
///
/// ```
/// use rapport_twitter::models::{OneOrMany, User};
/// let one: OneOrMany<User> = serde_json::from_str(r#"{"id":"1","name":"A","username":"a"}"#).unwrap();
/// let many: OneOrMany<User> = serde_json::from_str(r#"[{"id":"1"},{"id":"2"}]"#).unwrap();
/// assert_eq!(one.as_slice().len(), 1);
/// assert_eq!(many.as_slice().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    /// `"data": {…}`
    One(T),
    /// `"data": […]`
    Many(Vec<T>),
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    /// The items as a slice, whatever the shape.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t),
            OneOrMany::Many(v) => v,
        }
    }

    /// The items as a vector.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or an array of objects")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OneOrMany::Many(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // A page holds up to 100 items (1,000 on follow pages); starting at 128 spares the
                // reallocations and copies of growing a vector of large items from 8.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(128).min(1024));
                while let Some(t) = seq.next_element()? {
                    out.push(t);
                }
                Ok(OneOrMany::Many(out))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(t) => t.serialize(s),
            OneOrMany::Many(v) => v.serialize(s),
        }
    }
}

/// Deserializes an optional count given as a number, a numeric string (X sends
/// `"edits_remaining": "4"`), or `null`.
pub(crate) fn opt_num<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + std::str::FromStr,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: TryFrom<u64> + std::str::FromStr> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative count as a number or a numeric string")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                .and_then(|v| self.visit_u64(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
    d.deserialize_option(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn x_time_fast_path_agrees_with_chrono() {
        for v in [
            "2024-01-01T00:00:00.000Z",
            "2024-02-29T23:59:59.999Z",
            "1999-12-31T12:30:05Z",
            "2026-11-30T07:08:09.010Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(v).unwrap().with_timezone(&Utc);
            assert_eq!(parse_x_time(v.as_bytes()), Some(chrono), "{v}");
            assert_eq!(parse_time(v), Ok(chrono));
        }
        // Not X's form, or not a valid time: the fast path declines and chrono decides.
        for v in [
            "2023-02-29T00:00:00.000Z",
            "2024-01-01T24:00:00.000Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00+02:00",
            "2024-01-01 00:00:00.000Z",
            "2024-01-01T00:00:00.00Z",
            "2024-1-01T00:00:00.000Z",
        ] {
            assert_eq!(parse_x_time(v.as_bytes()), None, "{v}");
        }
        assert_eq!(
            parse_time("2024-01-01T00:00:00+02:00"),
            Ok(Utc.with_ymd_and_hms(2023, 12, 31, 22, 0, 0).unwrap())
        );
        assert!(
            parse_time("2023-02-29T00:00:00.000Z")
                .unwrap_err()
                .contains("found '2023-02-29")
        );
    }
}
