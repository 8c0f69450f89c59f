//! A columnar result table: what every analysis hands to Python, the CLI and the JSON output.
//!
//! Analyses produce rows as `#[derive(Serialize)]` structs; [`Table::from_rows`] turns them into named,
//! typed columns by walking the serde data model (no JSON in between), so the Python side can hand each
//! column to pandas or Arrow in one piece instead of building a dict per row. Million-row tables (the
//! posts of a corpus) are built column by column with [`Table::push_column`].
//!
//! Column types: `bool`, `i64`, `f64`, `str`, `timestamp` (milliseconds since the epoch, UTC), a list of
//! strings, and `null` (a column with no value at all yet). Every column is nullable.
//!
//! ```
//! use rapport_core::table::{Column, DataType, Table};
//! use chrono::{DateTime, TimeZone, Utc};
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Row { handle: String, replies: u32, score: Option<f64>, seen: DateTime<Utc>, tags: Vec<String> }
//!
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let rows = vec![
//!     Row { handle: "ada".into(), replies: 3, score: Some(0.5), seen: t, tags: vec!["rust".into()] },
//!     Row { handle: "bob".into(), replies: 0, score: None, seen: t, tags: vec![] },
//! ];
//! let table = Table::from_rows(&rows).unwrap();
//! assert_eq!(table.len(), 2);
//! assert_eq!(table.column_names(), ["handle", "replies", "score", "seen", "tags"]);
//! assert_eq!(table.column("replies").unwrap().data_type(), DataType::I64);
//! assert_eq!(table.column("seen").unwrap().data_type(), DataType::Timestamp);
//! assert_eq!(table.column("score").unwrap(), &Column::F64(vec![Some(0.5), None]));
//! assert!(table.to_csv().unwrap().starts_with("handle,replies,score,seen,tags\nada,3,0.5,2024-05-01T09:00:00.000Z,rust\n"));
//! ```

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::ser::{self, Serialize, SerializeMap as _, SerializeSeq as _};

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    /// `true`/`false`.
    Bool,
    /// 64-bit signed integers.
    I64,
    /// 64-bit floats.
    F64,
    /// UTF-8 strings.
    Str,
    /// Instants in milliseconds since the Unix epoch, UTC.
    Timestamp,
    /// A list of strings per row (hashtags, handles).
    StrList,
    /// No value in any row, so no type could be inferred.
    Null,
}

impl DataType {
    /// The name used in reprs and `dtypes`: `bool`, `i64`, `f64`, `str`, `timestamp[ms, UTC]`,
    /// `list[str]`, `null`.
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Bool => "bool",
            DataType::I64 => "i64",
            DataType::F64 => "f64",
            DataType::Str => "str",
            DataType::Timestamp => "timestamp[ms, UTC]",
            DataType::StrList => "list[str]",
            DataType::Null => "null",
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The values of one column; `None` is a null.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Integers.
    I64(Vec<Option<i64>>),
    /// Floats.
    F64(Vec<Option<f64>>),
    /// Strings.
    Str(Vec<Option<String>>),
    /// Milliseconds since the Unix epoch, UTC.
    Timestamp(Vec<Option<i64>>),
    /// Lists of strings.
    StrList(Vec<Option<Vec<String>>>),
    /// A column of the given length with only nulls.
    Null(usize),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Bool(v) => v.len(),
            Column::I64(v) | Column::Timestamp(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Str(v) => v.len(),
            Column::StrList(v) => v.len(),
            Column::Null(n) => *n,
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column's type.
    pub fn data_type(&self) -> DataType {
        match self {
            Column::Bool(_) => DataType::Bool,
            Column::I64(_) => DataType::I64,
            Column::F64(_) => DataType::F64,
            Column::Str(_) => DataType::Str,
            Column::Timestamp(_) => DataType::Timestamp,
            Column::StrList(_) => DataType::StrList,
            Column::Null(_) => DataType::Null,
        }
    }

    /// An empty column of the same type.
    pub fn empty_like(&self) -> Column {
        match self {
            Column::Bool(_) => Column::Bool(Vec::new()),
            Column::I64(_) => Column::I64(Vec::new()),
            Column::F64(_) => Column::F64(Vec::new()),
            Column::Str(_) => Column::Str(Vec::new()),
            Column::Timestamp(_) => Column::Timestamp(Vec::new()),
            Column::StrList(_) => Column::StrList(Vec::new()),
            Column::Null(_) => Column::Null(0),
        }
    }

    /// Number of null values.
    pub fn null_count(&self) -> usize {
        match self {
            Column::Bool(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::I64(v) | Column::Timestamp(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::F64(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::Str(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::StrList(v) => v.iter().filter(|x| x.is_none()).count(),
            Column::Null(n) => *n,
        }
    }

    /// A timestamp column from UTC instants (stored at millisecond precision).
    pub fn timestamps(values: impl IntoIterator<Item = Option<DateTime<Utc>>>) -> Column {
        Column::Timestamp(
            values
                .into_iter()
                .map(|v| v.map(|t| t.timestamp_millis()))
                .collect(),
        )
    }

    /// The value of row `row` as a [`Value`], or `None` past the end.
    pub fn get(&self, row: usize) -> Option<Value<'_>> {
        if row >= self.len() {
            return None;
        }
        Some(match self {
            Column::Bool(v) => v[row].map_or(Value::Null, Value::Bool),
            Column::I64(v) => v[row].map_or(Value::Null, Value::I64),
            Column::F64(v) => v[row].map_or(Value::Null, Value::F64),
            Column::Str(v) => v[row].as_deref().map_or(Value::Null, Value::Str),
            Column::Timestamp(v) => v[row].map_or(Value::Null, Value::Timestamp),
            Column::StrList(v) => v[row].as_deref().map_or(Value::Null, Value::StrList),
            Column::Null(_) => Value::Null,
        })
    }

    fn push_null(&mut self) {
        match self {
            Column::Bool(v) => v.push(None),
            Column::I64(v) | Column::Timestamp(v) => v.push(None),
            Column::F64(v) => v.push(None),
            Column::Str(v) => v.push(None),
            Column::StrList(v) => v.push(None),
            Column::Null(n) => *n += 1,
        }
    }

    /// Every value rendered as text (the column type of last resort when rows disagree).
    fn into_strings(self) -> Vec<Option<String>> {
        let n = self.len();
        if let Column::Str(v) = self {
            return v;
        }
        (0..n)
            .map(|i| match self.get(i) {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.to_text()),
            })
            .collect()
    }
}

macro_rules! column_from {
    ($t:ty, $variant:ident, $conv:expr) => {
        impl From<Vec<$t>> for Column {
            fn from(v: Vec<$t>) -> Column {
                Column::$variant(v.into_iter().map(|x| Some(($conv)(x))).collect())
            }
        }
        impl From<Vec<Option<$t>>> for Column {
            fn from(v: Vec<Option<$t>>) -> Column {
                Column::$variant(v.into_iter().map(|x| x.map($conv)).collect())
            }
        }
    };
}
column_from!(bool, Bool, |x| x);
column_from!(i64, I64, |x| x);
column_from!(u32, I64, i64::from);
column_from!(f64, F64, |x| x);
column_from!(String, Str, |x| x);
column_from!(DateTime<Utc>, Timestamp, |t: DateTime<Utc>| t
    .timestamp_millis());
column_from!(Vec<String>, StrList, |x| x);

impl From<Vec<&str>> for Column {
    fn from(v: Vec<&str>) -> Column {
        Column::Str(v.into_iter().map(|s| Some(s.to_owned())).collect())
    }
}

/// One cell of a table, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    I64(i64),
    /// A float.
    F64(f64),
    /// A string.
    Str(&'a str),
    /// Milliseconds since the epoch, UTC.
    Timestamp(i64),
    /// A list of strings.
    StrList(&'a [String]),
}

impl Value<'_> {
    /// The value as CSV text: timestamps in RFC 3339 with milliseconds, lists joined with `;`, null
    /// as the empty string.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::I64(i) => i.to_string(),
            Value::F64(f) => f.to_string(),
            Value::Str(s) => (*s).to_owned(),
            Value::Timestamp(ms) => ms_to_rfc3339(*ms),
            Value::StrList(l) => l.join(";"),
        }
    }
}

impl Serialize for Value<'_> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::I64(i) => s.serialize_i64(*i),
            Value::F64(f) => s.serialize_f64(*f),
            Value::Str(x) => s.serialize_str(x),
            Value::Timestamp(ms) => s.serialize_str(&ms_to_rfc3339(*ms)),
            Value::StrList(l) => l.serialize(s),
        }
    }
}

/// Formats milliseconds since the epoch as RFC 3339 UTC with milliseconds (`2024-05-01T09:00:00.000Z`).
pub fn ms_to_rfc3339(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms).single().map_or_else(
        || ms.to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Millis, true),
    )
}

/// Why a table could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// A column's length differs from the table's.
    #[error("column `{name}` has {got} rows but the table has {expected}")]
    Length {
        /// The column.
        name: String,
        /// The table's row count.
        expected: usize,
        /// The column's row count.
        got: usize,
    },
    /// Two columns with one name.
    #[error("the table already has a column named `{0}`")]
    Duplicate(String),
    /// A row that is not a struct or a map (so it has no column names).
    #[error("row {row} is a {found}, not a struct or map: a table row needs named fields")]
    NotARow {
        /// The row's position.
        row: usize,
        /// What it was.
        found: &'static str,
    },
    /// A serde error raised by a row's own `Serialize` impl.
    #[error("row {row}: {message}")]
    Serialize {
        /// The row's position.
        row: usize,
        /// The message.
        message: String,
    },
    /// Writing CSV failed.
    #[error("writing CSV: {0}")]
    Csv(String),
}

/// A table of named, typed, nullable columns of equal length.
///
/// Serialises as a list of records (one map per row), which is what the JSON output prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

impl Table {
    /// A table with no columns and no rows.
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a column. The first column fixes the number of rows; later ones must match it.
    ///
    /// ```
    /// use rapport_core::table::{Column, Table};
    /// let mut t = Table::new();
    /// t.push_column("id", vec!["1", "2"]).unwrap();
    /// t.push_column("likes", vec![Some(4_i64), None]).unwrap();
    /// assert!(t.push_column("bad", vec![1_i64]).is_err());
    /// assert_eq!(t.len(), 2);
    /// ```
    pub fn push_column(
        &mut self,
        name: impl Into<String>,
        column: impl Into<Column>,
    ) -> Result<(), TableError> {
        let name = name.into();
        let column = column.into();
        if self.names.contains(&name) {
            return Err(TableError::Duplicate(name));
        }
        if self.columns.is_empty() {
            self.rows = column.len();
        } else if column.len() != self.rows {
            return Err(TableError::Length {
                name,
                expected: self.rows,
                got: column.len(),
            });
        }
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// Builder form of [`push_column`](Table::push_column).
    pub fn with_column(
        mut self,
        name: impl Into<String>,
        column: impl Into<Column>,
    ) -> Result<Table, TableError> {
        self.push_column(name, column)?;
        Ok(self)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Column names in order.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// The columns in order, with their names.
    pub fn columns(&self) -> impl ExactSizeIterator<Item = (&str, &Column)> + '_ {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter())
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
    }

    /// Removes and returns the column called `name`.
    pub fn take_column(&mut self, name: &str) -> Option<Column> {
        let i = self.names.iter().position(|n| n == name)?;
        self.names.remove(i);
        Some(self.columns.remove(i))
    }

    /// The cells of row `row` with their column names.
    pub fn row(&self, row: usize) -> Option<Vec<(&str, Value<'_>)>> {
        (row < self.rows).then(|| {
            self.columns()
                .map(|(n, c)| (n, c.get(row).unwrap_or(Value::Null)))
                .collect()
        })
    }

    /// The table as CSV with a header line: timestamps in RFC 3339 UTC with milliseconds, lists of
    /// strings joined with `;`, nulls as empty fields.
    pub fn to_csv(&self) -> Result<String, TableError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let err = |e: csv::Error| TableError::Csv(e.to_string());
        w.write_record(&self.names).map_err(err)?;
        let mut record: Vec<String> = Vec::with_capacity(self.columns.len());
        for i in 0..self.rows {
            record.clear();
            record.extend(
                self.columns
                    .iter()
                    .map(|c| c.get(i).unwrap_or(Value::Null).to_text()),
            );
            w.write_record(&record).map_err(err)?;
        }
        let bytes = w.into_inner().map_err(|e| TableError::Csv(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| TableError::Csv(e.to_string()))
    }

    /// The table as a JSON array of records (one object per row, keys in column order, timestamps as
    /// RFC 3339 strings, nulls as `null`).
    pub fn to_json_records(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Builds a table from rows that serialise as structs or maps: one column per field, in the
    /// order fields are first seen, types inferred from the serde data model.
    ///
    /// - integers become `i64` (an integer column that meets a float becomes `f64`), floats `f64`,
    ///   booleans `bool`, strings and chars `str`, `None` and unit a null;
    /// - a `str` column in which every value is an RFC 3339 instant (how `chrono::DateTime` serialises)
    ///   becomes a `timestamp` column;
    /// - a sequence of strings becomes a `list[str]`; any other sequence, and a map inside a field,
    ///   becomes its JSON text;
    /// - a nested struct is flattened into `parent.child` columns;
    /// - a field missing from a row is null there; a column whose rows disagree on the type becomes
    ///   `str`.
    pub fn from_rows<T: Serialize>(rows: &[T]) -> Result<Table, TableError> {
        let mut b = RowsBuilder::default();
        for (i, row) in rows.iter().enumerate() {
            let cells = match row.serialize(RowSerializer { prefix: None }) {
                Ok(cells) => cells,
                Err(CellError::NotARow(found)) => {
                    return Err(TableError::NotARow { row: i, found });
                }
                Err(CellError::Custom(message)) => {
                    return Err(TableError::Serialize { row: i, message });
                }
            };
            b.push_row(cells);
        }
        Ok(b.finish())
    }
}

impl Table {
    /// Like [`Table::from_rows`], but an empty slice still gives the row type's columns (learnt from
    /// `T::default()`), so that code reading a column by name works on an empty result too.
    ///
    /// ```
    /// use rapport_core::table::Table;
    /// #[derive(serde::Serialize, Default)]
    /// struct Row { hashtag: String, growth: f64 }
    /// let t = Table::from_rows_or_schema::<Row>(&[]).unwrap();
    /// assert_eq!(t.column_names(), ["hashtag", "growth"]);
    /// assert_eq!(t.len(), 0);
    /// ```
    pub fn from_rows_or_schema<T: Serialize + Default>(rows: &[T]) -> Result<Table, TableError> {
        if !rows.is_empty() {
            return Table::from_rows(rows);
        }
        let probe = Table::from_rows(&[T::default()])?;
        Ok(Table {
            names: probe.names.clone(),
            columns: probe.columns.iter().map(Column::empty_like).collect(),
            rows: 0,
        })
    }
}

impl Serialize for Table {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Row<'a>(&'a Table, usize);
        impl Serialize for Row<'_> {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.columns.len()))?;
                for (name, col) in self.0.columns() {
                    m.serialize_entry(name, &col.get(self.1).unwrap_or(Value::Null))?;
                }
                m.end()
            }
        }
        let mut seq = s.serialize_seq(Some(self.rows))?;
        for i in 0..self.rows {
            seq.serialize_element(&Row(self, i))?;
        }
        seq.end()
    }
}

// ---------------------------------------------------------------------------------------------------
// from_rows: a serde Serializer producing one `Cell` per field.

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Str(String),
    List(Vec<String>),
}

#[derive(Default)]
struct RowsBuilder {
    names: Vec<String>,
    by_name: HashMap<String, usize>,
    columns: Vec<Column>,
    rows: usize,
}

impl RowsBuilder {
    fn push_row(&mut self, cells: Vec<(String, Cell)>) {
        let mut seen = vec![false; self.columns.len()];
        for (name, cell) in cells {
            let i = if let Some(&i) = self.by_name.get(&name) {
                i
            } else {
                let i = self.columns.len();
                self.by_name.insert(name.clone(), i);
                self.names.push(name);
                self.columns.push(Column::Null(self.rows));
                seen.push(false);
                i
            };
            if seen[i] {
                continue; // a map row with a repeated key: the first value stands
            }
            seen[i] = true;
            push_cell(&mut self.columns[i], cell);
        }
        for (i, s) in seen.into_iter().enumerate() {
            if !s {
                self.columns[i].push_null();
            }
        }
        self.rows += 1;
    }

    fn finish(self) -> Table {
        let columns = self.columns.into_iter().map(detect_timestamps).collect();
        Table {
            names: self.names,
            columns,
            rows: self.rows,
        }
    }
}

fn push_cell(col: &mut Column, cell: Cell) {
    match (&mut *col, cell) {
        (c, Cell::Null) => c.push_null(),
        (Column::Bool(v), Cell::Bool(b)) => v.push(Some(b)),
        (Column::I64(v), Cell::I64(x)) => v.push(Some(x)),
        (Column::F64(v), Cell::F64(x)) => v.push(Some(x)),
        (Column::F64(v), Cell::I64(x)) => v.push(Some(x as f64)),
        (Column::Str(v), Cell::Str(s)) => v.push(Some(s)),
        (Column::StrList(v), Cell::List(l)) => v.push(Some(l)),
        (Column::Null(n), cell) => {
            let n = *n;
            *col = match cell {
                Cell::Bool(b) => Column::Bool(nulls_then(n, b)),
                Cell::I64(x) => Column::I64(nulls_then(n, x)),
                Cell::F64(x) => Column::F64(nulls_then(n, x)),
                Cell::Str(s) => Column::Str(nulls_then(n, s)),
                Cell::List(l) => Column::StrList(nulls_then(n, l)),
                Cell::Null => unreachable!("handled above"),
            };
        }
        (Column::I64(v), Cell::F64(x)) => {
            let mut f: Vec<Option<f64>> = v.iter().map(|o| o.map(|i| i as f64)).collect();
            f.push(Some(x));
            *col = Column::F64(f);
        }
        (c, cell) => {
            // The rows disagree on the type: fall back to text for the whole column.
            let mut s = std::mem::replace(c, Column::Null(0)).into_strings();
            s.push(Some(match cell {
                Cell::Bool(b) => b.to_string(),
                Cell::I64(i) => i.to_string(),
                Cell::F64(f) => f.to_string(),
                Cell::Str(s) => s,
                Cell::List(l) => l.join(";"),
                Cell::Null => unreachable!("handled above"),
            }));
            *c = Column::Str(s);
        }
    }
}

fn nulls_then<T>(n: usize, x: T) -> Vec<Option<T>> {
    let mut v: Vec<Option<T>> = Vec::with_capacity(n + 16);
    v.resize_with(n, || None);
    v.push(Some(x));
    v
}

/// Parses an RFC 3339 instant as chrono writes it (`2024-05-01T09:00:00Z`, `...00.123+00:00`).
fn parse_instant(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 40 || b[4] != b'-' || b[10] != b'T' {
        return None;
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn detect_timestamps(col: Column) -> Column {
    let Column::Str(v) = col else { return col };
    let mut out = Vec::with_capacity(v.len());
    let mut any = false;
    for s in &v {
        match s {
            None => out.push(None),
            Some(s) => match parse_instant(s) {
                Some(ms) => {
                    any = true;
                    out.push(Some(ms));
                }
                None => return Column::Str(v),
            },
        }
    }
    if any {
        Column::Timestamp(out)
    } else {
        Column::Str(v)
    }
}

#[derive(Debug)]
enum CellError {
    NotARow(&'static str),
    Custom(String),
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellError::NotARow(found) => write!(f, "a {found} is not a table row"),
            CellError::Custom(m) => f.write_str(m),
        }
    }
}
impl std::error::Error for CellError {}
impl ser::Error for CellError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        CellError::Custom(msg.to_string())
    }
}

fn key_of(prefix: Option<&str>, key: &str) -> String {
    match prefix {
        Some(p) => format!("{p}.{key}"),
        None => key.to_owned(),
    }
}

/// Serialises one row (a struct or a map) into named cells, flattening nested structs.
struct RowSerializer<'p> {
    prefix: Option<&'p str>,
}

struct RowFields<'p> {
    prefix: Option<&'p str>,
    cells: Vec<(String, Cell)>,
    pending_key: Option<String>,
}

impl RowFields<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), CellError> {
        match value.serialize(CellSerializer)? {
            Nested::Cell(c) => self.cells.push((key, c)),
            Nested::Struct => {
                let inner = value.serialize(RowSerializer { prefix: Some(&key) })?;
                self.cells.extend(inner);
            }
        }
        Ok(())
    }
}

macro_rules! not_a_row {
    ($($name:ident($($arg:ty),*) = $what:literal;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> { Err(CellError::NotARow($what)) })*
    };
}

impl<'p> ser::Serializer for RowSerializer<'p> {
    type Ok = Vec<(String, Cell)>;
    type Error = CellError;
    type SerializeSeq = ser::Impossible<Self::Ok, CellError>;
    type SerializeTuple = ser::Impossible<Self::Ok, CellError>;
    type SerializeTupleStruct = ser::Impossible<Self::Ok, CellError>;
    type SerializeTupleVariant = ser::Impossible<Self::Ok, CellError>;
    type SerializeMap = RowFields<'p>;
    type SerializeStruct = RowFields<'p>;
    type SerializeStructVariant = ser::Impossible<Self::Ok, CellError>;

    not_a_row! {
        serialize_bool(bool) = "bool";
        serialize_i8(i8) = "integer";
        serialize_i16(i16) = "integer";
        serialize_i32(i32) = "integer";
        serialize_i64(i64) = "integer";
        serialize_u8(u8) = "integer";
        serialize_u16(u16) = "integer";
        serialize_u32(u32) = "integer";
        serialize_u64(u64) = "integer";
        serialize_f32(f32) = "float";
        serialize_f64(f64) = "float";
        serialize_char(char) = "char";
        serialize_str(&str) = "string";
        serialize_bytes(&[u8]) = "byte string";
        serialize_none() = "null";
        serialize_unit() = "unit";
        serialize_unit_struct(&'static str) = "unit struct";
        serialize_unit_variant(&'static str, u32, &'static str) = "enum variant";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, CellError> {
        v.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Self::Ok, CellError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Self::Ok, CellError> {
        Err(CellError::NotARow("enum variant"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CellError> {
        Err(CellError::NotARow("sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CellError> {
        Err(CellError::NotARow("tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CellError> {
        Err(CellError::NotARow("tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CellError> {
        Err(CellError::NotARow("enum variant"))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, CellError> {
        Ok(RowFields {
            prefix: self.prefix,
            cells: Vec::with_capacity(len.unwrap_or(8)),
            pending_key: None,
        })
    }
    fn serialize_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, CellError> {
        Ok(RowFields {
            prefix: self.prefix,
            cells: Vec::with_capacity(len),
            pending_key: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CellError> {
        Err(CellError::NotARow("enum variant"))
    }
}

impl ser::SerializeStruct for RowFields<'_> {
    type Ok = Vec<(String, Cell)>;
    type Error = CellError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        let key = key_of(self.prefix, key);
        self.field(key, value)
    }
    fn skip_field(&mut self, _key: &'static str) -> Result<(), CellError> {
        Ok(())
    }
    fn end(self) -> Result<Self::Ok, CellError> {
        Ok(self.cells)
    }
}

impl ser::SerializeMap for RowFields<'_> {
    type Ok = Vec<(String, Cell)>;
    type Error = CellError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CellError> {
        let k = match serde_json::to_value(key).map_err(ser::Error::custom)? {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        self.pending_key = Some(key_of(self.prefix, &k));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CellError> {
        let key = self
            .pending_key
            .take()
            .ok_or_else(|| CellError::Custom("a map value came without its key".into()))?;
        self.field(key, value)
    }
    fn end(self) -> Result<Self::Ok, CellError> {
        Ok(self.cells)
    }
}

/// What one field turned out to be: a cell, or a nested struct to flatten.
enum Nested {
    Cell(Cell),
    Struct,
}

/// Serialises one field value into a [`Cell`]; reports a nested struct so the row can flatten it.
struct CellSerializer;

fn json_text<T: Serialize + ?Sized>(v: &T) -> Result<Nested, CellError> {
    serde_json::to_string(v)
        .map(|s| Nested::Cell(Cell::Str(s)))
        .map_err(ser::Error::custom)
}

/// Collects a sequence: strings into a list, anything else into JSON text.
struct SeqCells {
    strings: Vec<String>,
    json: Option<Vec<serde_json::Value>>,
}

impl SeqCells {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CellError> {
        let value = serde_json::to_value(v).map_err(ser::Error::custom)?;
        if let Some(json) = &mut self.json {
            json.push(value);
            return Ok(());
        }
        match value {
            serde_json::Value::String(s) => self.strings.push(s),
            other => {
                let mut json: Vec<serde_json::Value> = std::mem::take(&mut self.strings)
                    .into_iter()
                    .map(serde_json::Value::String)
                    .collect();
                json.push(other);
                self.json = Some(json);
            }
        }
        Ok(())
    }
    fn finish(self) -> Result<Nested, CellError> {
        match self.json {
            None => Ok(Nested::Cell(Cell::List(self.strings))),
            Some(json) => json_text(&json),
        }
    }
}

macro_rules! seq_impl {
    ($tr:ident, $method:ident) => {
        impl ser::$tr for SeqCells {
            type Ok = Nested;
            type Error = CellError;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CellError> {
                self.element(v)
            }
            fn end(self) -> Result<Nested, CellError> {
                self.finish()
            }
        }
    };
}
seq_impl!(SerializeSeq, serialize_element);
seq_impl!(SerializeTuple, serialize_element);
seq_impl!(SerializeTupleStruct, serialize_field);

/// A map or struct-variant inside a field: kept as JSON text.
struct JsonMap {
    map: serde_json::Map<String, serde_json::Value>,
    key: Option<String>,
}

impl ser::SerializeMap for JsonMap {
    type Ok = Nested;
    type Error = CellError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CellError> {
        self.key = Some(
            match serde_json::to_value(key).map_err(ser::Error::custom)? {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
        );
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CellError> {
        let k = self.key.take().unwrap_or_default();
        self.map
            .insert(k, serde_json::to_value(value).map_err(ser::Error::custom)?);
        Ok(())
    }
    fn end(self) -> Result<Nested, CellError> {
        json_text(&self.map)
    }
}

impl ser::SerializeTupleVariant for JsonMap {
    type Ok = Nested;
    type Error = CellError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), CellError> {
        let n = self.map.len().to_string();
        self.map
            .insert(n, serde_json::to_value(v).map_err(ser::Error::custom)?);
        Ok(())
    }
    fn end(self) -> Result<Nested, CellError> {
        json_text(&self.map)
    }
}

impl ser::SerializeStructVariant for JsonMap {
    type Ok = Nested;
    type Error = CellError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), CellError> {
        self.map.insert(
            key.to_owned(),
            serde_json::to_value(v).map_err(ser::Error::custom)?,
        );
        Ok(())
    }
    fn end(self) -> Result<Nested, CellError> {
        json_text(&self.map)
    }
}

/// A nested struct: the row serializer walks it again with a prefix, so nothing is collected here.
struct StructProbe;

impl ser::SerializeStruct for StructProbe {
    type Ok = Nested;
    type Error = CellError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        Ok(())
    }
    fn end(self) -> Result<Nested, CellError> {
        Ok(Nested::Struct)
    }
}

impl ser::Serializer for CellSerializer {
    type Ok = Nested;
    type Error = CellError;
    type SerializeSeq = SeqCells;
    type SerializeTuple = SeqCells;
    type SerializeTupleStruct = SeqCells;
    type SerializeTupleVariant = JsonMap;
    type SerializeMap = JsonMap;
    type SerializeStruct = StructProbe;
    type SerializeStructVariant = JsonMap;

    fn serialize_bool(self, v: bool) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Bool(v)))
    }
    fn serialize_i8(self, v: i8) -> Result<Nested, CellError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Nested, CellError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Nested, CellError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::I64(v)))
    }
    fn serialize_u8(self, v: u8) -> Result<Nested, CellError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Nested, CellError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Nested, CellError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Nested, CellError> {
        // Past i64::MAX a count is better approximate than wrapped.
        Ok(Nested::Cell(
            i64::try_from(v).map_or(Cell::F64(v as f64), Cell::I64),
        ))
    }
    fn serialize_f32(self, v: f32) -> Result<Nested, CellError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::F64(v)))
    }
    fn serialize_char(self, v: char) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Str(v.to_string())))
    }
    fn serialize_str(self, v: &str) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Str(v.to_owned())))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Nested, CellError> {
        json_text(v)
    }
    fn serialize_none(self) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Null))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Nested, CellError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Null))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Null))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Nested, CellError> {
        Ok(Nested::Cell(Cell::Str(variant.to_owned())))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Nested, CellError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Nested, CellError> {
        let mut m = serde_json::Map::new();
        m.insert(
            variant.to_owned(),
            serde_json::to_value(v).map_err(ser::Error::custom)?,
        );
        json_text(&m)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqCells, CellError> {
        Ok(SeqCells {
            strings: Vec::with_capacity(len.unwrap_or(0)),
            json: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqCells, CellError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqCells, CellError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<JsonMap, CellError> {
        Ok(JsonMap {
            map: serde_json::Map::new(),
            key: None,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<JsonMap, CellError> {
        Ok(JsonMap {
            map: serde_json::Map::new(),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<StructProbe, CellError> {
        Ok(StructProbe)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<JsonMap, CellError> {
        Ok(JsonMap {
            map: serde_json::Map::new(),
            key: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    struct Metrics {
        likes: Option<u32>,
        replies: u32,
    }

    #[derive(serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Stage {
        Noticed,
        Conversing,
    }

    #[derive(serde::Serialize)]
    struct Row {
        id: String,
        n: i32,
        ok: bool,
        at: DateTime<Utc>,
        maybe_at: Option<DateTime<Utc>>,
        tags: Vec<String>,
        metrics: Metrics,
        stage: Stage,
        pairs: Vec<(String, usize)>,
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                id: "a".into(),
                n: -3,
                ok: true,
                at: t0(),
                maybe_at: None,
                tags: vec!["rust".into(), "hiring".into()],
                metrics: Metrics {
                    likes: Some(2),
                    replies: 1,
                },
                stage: Stage::Noticed,
                pairs: vec![("x".into(), 1)],
            },
            Row {
                id: "b".into(),
                n: 7,
                ok: false,
                at: t0() + Duration::milliseconds(1500),
                maybe_at: Some(t0()),
                tags: vec![],
                metrics: Metrics {
                    likes: None,
                    replies: 0,
                },
                stage: Stage::Conversing,
                pairs: vec![],
            },
        ]
    }

    #[test]
    fn infers_types_and_flattens() {
        let t = Table::from_rows(&rows()).unwrap();
        assert_eq!(
            t.column_names(),
            [
                "id",
                "n",
                "ok",
                "at",
                "maybe_at",
                "tags",
                "metrics.likes",
                "metrics.replies",
                "stage",
                "pairs"
            ]
        );
        let ms = t0().timestamp_millis(); // 1714554000000: 2024-05-01T09:00:00Z
        assert_eq!(ms, 1_714_554_000_000);
        assert_eq!(t.column("n"), Some(&Column::I64(vec![Some(-3), Some(7)])));
        assert_eq!(
            t.column("ok"),
            Some(&Column::Bool(vec![Some(true), Some(false)]))
        );
        assert_eq!(
            t.column("at"),
            Some(&Column::Timestamp(vec![Some(ms), Some(ms + 1500)]))
        );
        assert_eq!(
            t.column("maybe_at"),
            Some(&Column::Timestamp(vec![None, Some(ms)]))
        );
        assert_eq!(
            t.column("tags"),
            Some(&Column::StrList(vec![
                Some(vec!["rust".into(), "hiring".into()]),
                Some(vec![])
            ]))
        );
        assert_eq!(
            t.column("metrics.likes"),
            Some(&Column::I64(vec![Some(2), None]))
        );
        assert_eq!(
            t.column("stage"),
            Some(&Column::Str(vec![
                Some("noticed".into()),
                Some("conversing".into())
            ]))
        );
        // a list of tuples is not a list of strings: kept as JSON text
        assert_eq!(
            t.column("pairs").unwrap().get(0),
            Some(Value::Str(r#"[["x",1]]"#))
        );
    }

    #[test]
    fn empty_sequences_stay_lists_and_json_of_empty_is_a_list() {
        // `pairs` of the second row is empty: no element says it is not strings, so it is an empty
        // list; the column then disagrees (JSON text vs list) and falls back to text.
        let t = Table::from_rows(&rows()).unwrap();
        assert_eq!(t.column("pairs").unwrap().data_type(), DataType::Str);
        assert_eq!(t.column("pairs").unwrap().get(1), Some(Value::Str("")));
    }

    #[test]
    fn int_then_float_widens_and_mixed_falls_back_to_text() {
        let rows: Vec<BTreeMap<&str, serde_json::Value>> = vec![
            BTreeMap::from([("x", serde_json::json!(1)), ("y", serde_json::json!(true))]),
            BTreeMap::from([
                ("x", serde_json::json!(2.5)),
                ("y", serde_json::json!("no")),
            ]),
            BTreeMap::from([("z", serde_json::json!("late"))]),
        ];
        let t = Table::from_rows(&rows).unwrap();
        assert_eq!(t.column_names(), ["x", "y", "z"]);
        assert_eq!(
            t.column("x"),
            Some(&Column::F64(vec![Some(1.0), Some(2.5), None]))
        );
        assert_eq!(
            t.column("y"),
            Some(&Column::Str(vec![
                Some("true".into()),
                Some("no".into()),
                None
            ]))
        );
        assert_eq!(
            t.column("z"),
            Some(&Column::Str(vec![None, None, Some("late".into())]))
        );
    }

    #[test]
    fn a_text_column_is_not_mistaken_for_timestamps() {
        #[derive(serde::Serialize)]
        struct R {
            text: &'static str,
        }
        let t = Table::from_rows(&[
            R {
                text: "2024-05-01T09:00:00Z",
            },
            R { text: "hello" },
        ])
        .unwrap();
        assert_eq!(t.column("text").unwrap().data_type(), DataType::Str);
        assert_eq!(
            t.column("text").unwrap().get(0),
            Some(Value::Str("2024-05-01T09:00:00Z"))
        );
    }

    #[test]
    fn all_null_column_and_empty_table() {
        #[derive(serde::Serialize)]
        struct R {
            a: Option<i64>,
        }
        let t = Table::from_rows(&[R { a: None }, R { a: None }]).unwrap();
        assert_eq!(t.column("a"), Some(&Column::Null(2)));
        assert_eq!(t.to_csv().unwrap(), "a\n\"\"\n\"\"\n");
        let e = Table::from_rows::<R>(&[]).unwrap();
        assert!(e.is_empty());
        assert!(e.column_names().is_empty());
    }

    #[test]
    fn rows_that_are_not_records_are_an_error() {
        let err = Table::from_rows(&[1, 2]).unwrap_err();
        assert_eq!(
            err,
            TableError::NotARow {
                row: 0,
                found: "integer"
            }
        );
        assert!(err.to_string().contains("not a struct or map"));
    }

    #[test]
    fn csv_and_json_records() {
        let t = Table::from_rows(&rows()).unwrap();
        let csv = t.to_csv().unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("id,n,ok,at,maybe_at,tags,metrics.likes,metrics.replies,stage,pairs")
        );
        // worked by hand: t0 = 2024-05-01T09:00:00Z; the JSON text field is quoted by CSV
        assert_eq!(
            lines.next(),
            Some(r#"a,-3,true,2024-05-01T09:00:00.000Z,,rust;hiring,2,1,noticed,"[[""x"",1]]""#)
        );
        assert_eq!(
            lines.next(),
            Some("b,7,false,2024-05-01T09:00:01.500Z,2024-05-01T09:00:00.000Z,,,0,conversing,")
        );
        let json = t.to_json_records();
        assert_eq!(json[1]["at"], "2024-05-01T09:00:01.500Z");
        assert_eq!(json[0]["tags"], serde_json::json!(["rust", "hiring"]));
        assert_eq!(json[1]["metrics.likes"], serde_json::Value::Null);
        assert_eq!(json.as_array().unwrap().len(), 2);
    }

    #[test]
    fn column_wise_construction() {
        let t = Table::new()
            .with_column("id", vec!["1".to_string(), "2".to_string()])
            .unwrap()
            .with_column("at", Column::timestamps([Some(t0()), None]))
            .unwrap()
            .with_column("likes", vec![3_u32, 4])
            .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(
            t.column("likes"),
            Some(&Column::I64(vec![Some(3), Some(4)]))
        );
        assert_eq!(t.column("at").unwrap().null_count(), 1);
        assert_eq!(
            t.row(0).unwrap(),
            vec![
                ("id", Value::Str("1")),
                ("at", Value::Timestamp(1_714_554_000_000)),
                ("likes", Value::I64(3))
            ]
        );
        assert!(t.row(2).is_none());
        let mut t2 = t.clone();
        assert_eq!(
            t2.push_column("id", vec![1_i64, 2]),
            Err(TableError::Duplicate("id".into()))
        );
        assert!(t2.take_column("at").is_some());
        assert_eq!(t2.column_names(), ["id", "likes"]);
    }
}
