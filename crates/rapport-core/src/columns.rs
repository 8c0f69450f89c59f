//! Compact column types behind [`Corpus`](crate::Corpus): one text buffer and one span per row instead of
//! a heap allocation per string, and an interner whose index keeps no second copy of the keys.

use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;
use serde::{Deserialize, Serialize};

/// A span of a shared buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Span {
    pub(crate) start: u64,
    pub(crate) len: u32,
}

/// Strings appended to one buffer; each row is a span. Replacing a row appends the new text and moves
/// the span (the old bytes stay until [`StrColumn::compacted`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StrColumn {
    buf: String,
    spans: Vec<Span>,
}

impl StrColumn {
    pub(crate) fn push(&mut self, s: &str) -> u32 {
        let span = self.append(s);
        self.spans.push(span);
        (self.spans.len() - 1) as u32
    }

    /// Bytes of text held, the bytes of replaced rows included.
    pub(crate) fn text_bytes(&self) -> usize {
        self.buf.len()
    }

    fn append(&mut self, s: &str) -> Span {
        let start = self.buf.len() as u64;
        self.buf.push_str(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }

    pub(crate) fn set(&mut self, row: u32, s: &str) {
        if self.get(row) == s {
            return;
        }
        let span = self.append(s);
        self.spans[row as usize] = span;
    }

    /// Makes room for `rows` more rows of `bytes` bytes in all, as far as memory allows (a hint:
    /// what cannot be reserved grows as rows come).
    pub(crate) fn reserve(&mut self, rows: usize, bytes: usize) {
        let _ = self.spans.try_reserve(rows);
        let _ = self.buf.try_reserve(bytes);
    }

    pub(crate) fn get(&self, row: u32) -> &str {
        let sp = self.spans[row as usize];
        let start = sp.start as usize;
        &self.buf[start..start + sp.len as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether every span lies inside the buffer on character boundaries (a loaded file may not).
    pub(crate) fn is_valid(&self) -> bool {
        self.spans.iter().all(|sp| {
            let (Ok(start), Some(end)) = (
                usize::try_from(sp.start),
                usize::try_from(sp.start)
                    .ok()
                    .and_then(|s| s.checked_add(sp.len as usize)),
            ) else {
                return false;
            };
            self.buf.get(start..end).is_some()
        })
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.spans.capacity() * std::mem::size_of::<Span>()
    }

    /// A copy without the bytes of replaced rows.
    pub(crate) fn compacted(&self) -> StrColumn {
        let mut out = StrColumn {
            buf: String::with_capacity(self.spans.iter().map(|s| s.len as usize).sum()),
            spans: Vec::with_capacity(self.spans.len()),
        };
        for row in 0..self.spans.len() {
            out.push(self.get(row as u32));
        }
        out
    }
}

/// Rows of variable-length lists of `T` in one buffer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Ragged<T> {
    items: Vec<T>,
    spans: Vec<(u32, u32)>,
}

impl<T: Copy> Ragged<T> {
    pub(crate) fn push(&mut self, row: &[T]) {
        let start = self.items.len() as u32;
        self.items.extend_from_slice(row);
        self.spans.push((start, row.len() as u32));
    }

    /// Makes room for `rows` more rows, and for their items at the average of the rows so far (a
    /// hint: what cannot be reserved grows as rows come).
    pub(crate) fn reserve_rows(&mut self, rows: usize) {
        let _ = self.spans.try_reserve(rows);
        if !self.spans.is_empty() {
            let items = self.items.len() as u128 * rows as u128 / self.spans.len() as u128;
            let _ = self
                .items
                .try_reserve(usize::try_from(items).unwrap_or(usize::MAX));
        }
    }

    /// Replaces a row's items. Items equal to the row's own are left in place, so that a later copy
    /// of a row does not leave a dead copy of its items behind.
    pub(crate) fn set(&mut self, row: u32, values: &[T])
    where
        T: PartialEq,
    {
        if self.get(row) == values {
            return;
        }
        let start = self.items.len() as u32;
        self.items.extend_from_slice(values);
        self.spans[row as usize] = (start, values.len() as u32);
    }

    pub(crate) fn get(&self, row: u32) -> &[T] {
        let (s, l) = self.spans[row as usize];
        &self.items[s as usize..(s + l) as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether every row lies inside the items and every item passes `ok` (a loaded file may not).
    pub(crate) fn is_valid(&self, ok: impl Fn(&T) -> bool) -> bool {
        self.spans.iter().all(|&(s, l)| {
            s.checked_add(l)
                .is_some_and(|e| e as usize <= self.items.len())
        }) && self.items.iter().all(ok)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>() + self.spans.capacity() * 8
    }
}

/// Interns strings to dense `u32` ids. The hash index stores each id with 32 bits of its key's hash
/// and looks the text up in the column, so every key is stored once.
///
/// Keeping the hash bits in the index matters at scale: growing the index re-hashes every entry from
/// the stored bits instead of reading each key's text (a cache miss or two per key at a million
/// keys), and a probe compares the bits before it reads a key.
#[derive(Clone, Default)]
pub(crate) struct Interner {
    strings: StrColumn,
    /// `(hash bits << 32) | id`.
    index: HashTable<u64>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.len())
            .finish()
    }
}

/// The table hash of an entry's stored bits: a multiply spreads the 32 bits over the 64 that the table
/// uses (the low ones pick the bucket, the top seven are the control byte).
#[inline]
fn table_hash(bits: u32) -> u64 {
    u64::from(bits).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Interner {
    #[inline]
    fn bits(&self, s: &str) -> u32 {
        let mut h = self.hasher.build_hasher();
        s.hash(&mut h);
        (std::hash::Hasher::finish(&h) >> 32) as u32
    }

    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        let bits = self.bits(s);
        self.index
            .find(table_hash(bits), |&e| {
                (e >> 32) as u32 == bits && self.strings.get(e as u32) == s
            })
            .map(|&e| e as u32)
    }

    /// One hash and one probe per call: `entry` finds the slot the key would go in, so a new key
    /// is written there without probing again.
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        let bits = self.bits(s);
        let strings = &self.strings;
        let entry = self.index.entry(
            table_hash(bits),
            |&e| (e >> 32) as u32 == bits && strings.get(e as u32) == s,
            |&e| table_hash((e >> 32) as u32),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(o) => *o.get() as u32,
            hashbrown::hash_table::Entry::Vacant(v) => {
                let id = self.strings.len() as u32;
                v.insert((u64::from(bits) << 32) | u64::from(id));
                let pushed = self.strings.push(s);
                debug_assert_eq!(pushed, id);
                id
            }
        }
    }

    /// Makes room for `additional` more keys of about `bytes` bytes in all, so that adding them does not
    /// grow the index (nor the text) step by step.
    /// As far as memory allows (a hint, like [`StrColumn::reserve`]).
    pub(crate) fn reserve(&mut self, additional: usize, bytes: usize) {
        let _ = self
            .index
            .try_reserve(additional, |&e| table_hash((e >> 32) as u32));
        self.strings.reserve(additional, bytes);
    }

    pub(crate) fn resolve(&self, id: u32) -> &str {
        self.strings.get(id)
    }

    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.strings.heap_bytes() + self.index.capacity() * 9
    }
}

impl Serialize for Interner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.strings.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Interner {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let strings = StrColumn::deserialize(d)?;
        let mut out = Interner::default();
        for i in 0..strings.len() as u32 {
            let got = out.intern(strings.get(i));
            if got != i {
                return Err(serde::de::Error::custom(format!(
                    "interned string {i} appears twice: {:?}",
                    strings.get(i)
                )));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_gives_dense_stable_ids() {
        let mut i = Interner::default();
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern("b"), 1);
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.get("b"), Some(1));
        assert_eq!(i.get("c"), None);
        assert_eq!(i.resolve(1), "b");
        for n in 0..10_000 {
            i.intern(&n.to_string());
        }
        assert_eq!(i.get("9999"), Some(10_001));
    }

    #[test]
    fn ragged_set_keeps_equal_items_in_place_and_reserves_by_the_average_row() {
        let mut r = Ragged::<u32>::default();
        r.push(&[1, 2]);
        r.push(&[]);
        r.push(&[3, 4, 5, 6]);
        r.set(0, &[1, 2]); // a later copy with the same items: nothing appended
        assert_eq!(r.items.len(), 6);
        r.set(1, &[7]);
        r.set(0, &[2, 1]);
        assert_eq!(
            (r.get(0), r.get(1), r.get(2)),
            (&[2, 1][..], &[7][..], &[3, 4, 5, 6][..])
        );
        assert_eq!(r.items.len(), 9);
        // 9 items over 3 rows: 300 more rows make room for 900 more items.
        r.reserve_rows(300);
        assert!(r.items.capacity() >= 909 && r.spans.capacity() >= 303);
        let mut empty = Ragged::<u32>::default();
        empty.reserve_rows(usize::MAX / 64); // no rows yet: no average, and too many rows is a no-op
        assert_eq!(empty.items.capacity(), 0);
    }

    #[test]
    fn str_column_set_replaces_and_compacts() {
        let mut c = StrColumn::default();
        c.push("hello");
        c.push("world");
        c.set(0, "bye");
        assert_eq!(c.get(0), "bye");
        assert_eq!(c.get(1), "world");
        let k = c.compacted();
        assert_eq!(k.get(0), "bye");
        assert_eq!(k.get(1), "world");
    }

    #[test]
    fn ragged_rows() {
        let mut r = Ragged::<u32>::default();
        r.push(&[1, 2]);
        r.push(&[]);
        r.set(1, &[7]);
        assert_eq!(r.get(0), &[1, 2]);
        assert_eq!(r.get(1), &[7]);
    }
}
