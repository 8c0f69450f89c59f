//! Result rows into Arrow record batches: the one place where rapport's typed rows become tables.
//!
//! Every analysis produces `#[derive(Serialize)]` rows; [`record_batch`] traces their schema with
//! `serde_arrow` (from the rows, and from `T::default()` so that an empty result keeps its columns)
//! and fills the arrays. The batch is then brought to the small set of column types that every
//! consumer (Python, the CLI writers, Parquet) understands:
//!
//! | Arrow type | name in `dtypes` | from |
//! | --- | --- | --- |
//! | `Boolean` | `bool` | `bool` |
//! | `Int64` | `i64` | every integer |
//! | `Float64` | `f64` | `f32`, `f64` |
//! | `Utf8` | `str` | strings, unit enums (their serde name), JSON text of nested lists and maps |
//! | `Timestamp(ms, "UTC")` | `timestamp[ms, UTC]` | `chrono::DateTime<Utc>` |
//! | `List(Utf8)` | `list[str]` | a sequence of strings |
//! | `Null` | `null` | a field that is `None` in every row |
//!
//! A nested struct is flattened into `parent.child` columns. Timestamps are Arrow timestamps from the
//! start; no timestamp is ever a string.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use rapport_arrow::table::{dtype_name, record_batch};
//!
//! #[derive(serde::Serialize, Default)]
//! struct Row { handle: String, replies: u32, seen: Option<chrono::DateTime<Utc>>, tags: Vec<String> }
//!
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
//! let rows = vec![Row { handle: "ada".into(), replies: 3, seen: Some(t), tags: vec!["rust".into()] }];
//! let batch = record_batch(&rows).unwrap();
//! assert_eq!(batch.num_rows(), 1);
//! let types: Vec<_> = batch.schema().fields().iter().map(|f| dtype_name(f.data_type())).collect();
//! assert_eq!(types, ["str", "i64", "timestamp[ms, UTC]", "list[str]"]);
//! // An empty result keeps its columns.
//! assert_eq!(record_batch::<Row>(&[]).unwrap().num_columns(), 4);
//! ```

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, ListArray, RecordBatch,
    RecordBatchOptions, StringArray, StringBuilder, TimestampMillisecondArray, make_array,
};
use arrow::buffer::NullBuffer;
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, FieldRef, Schema, TimeUnit};
use chrono::{SecondsFormat, TimeZone, Utc};
use serde::Serialize;
use serde_arrow::schema::{SchemaLike, TracingOptions};

use crate::Error;

/// The time zone of every timestamp column.
pub const UTC: &str = "UTC";

/// `Timestamp(Millisecond, "UTC")`, the type of every instant in rapport's tables and files.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from(UTC)))
}

/// `List(Utf8)`, the type of hashtags, mentions, urls and evidence post ids.
pub fn str_list_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

/// Rows of a serde struct as a record batch with the column types listed in the module docs.
///
/// The schema comes from the rows and from `T::default()`, so an empty slice still gives every
/// column (a field that is `None` in every row is a `null` column).
pub fn record_batch<T: Serialize + Default>(rows: &[T]) -> Result<RecordBatch, Error> {
    let probe = [T::default()];
    let opts = TracingOptions::default()
        .allow_null_fields(true)
        .guess_dates(true)
        .enums_without_data_as_strings(true)
        .coerce_numbers(true)
        .strings_as_large_utf8(false)
        .sequence_as_large_list(false);
    // Trace the rows and the default row together: the default row adds the columns of fields that
    // are absent nowhere, but never data.
    let samples = TraceRows {
        rows,
        probe: &probe,
    };
    let fields = Vec::<FieldRef>::from_samples(&samples, opts).map_err(|e| Error::Rows {
        message: e.to_string(),
    })?;
    let fields: Vec<FieldRef> = fields
        .iter()
        .map(|f| Arc::new(unit_enums_as_strings(f)))
        .collect();
    let batch = serde_arrow::to_record_batch(&fields, &rows).map_err(|e| Error::Rows {
        message: e.to_string(),
    })?;
    normalize(&batch)
}

/// [`record_batch`] without the column `drop` (when it exists).
pub fn record_batch_without<T: Serialize + Default>(
    rows: &[T],
    drop: &str,
) -> Result<RecordBatch, Error> {
    let b = record_batch(rows)?;
    Ok(match b.schema().index_of(drop) {
        Ok(i) => {
            let mut b = b;
            b.remove_column(i);
            b
        }
        Err(_) => b,
    })
}

/// The batch with the named columns brought to the given types when they are `Null`-typed.
///
/// Schema tracing sees a field's type only in a row that has a value: an `Option<bool>` that is
/// `None` in every row (no follow snapshot, say) traces as `Null`. A result whose columns must keep
/// their type whatever the rows hold names them here; a column of another type, or one the batch
/// does not have, is left as it is.
///
/// ```
/// use arrow::datatypes::DataType;
/// use rapport_arrow::table::{record_batch, with_types};
///
/// #[derive(serde::Serialize, Default)]
/// struct Row { handle: String, mutual: Option<bool> }
///
/// let b = record_batch(&[Row { handle: "ada".into(), mutual: None }]).unwrap();
/// assert_eq!(b.schema().field(1).data_type(), &DataType::Null);
/// let b = with_types(&b, &[("mutual", DataType::Boolean)]).unwrap();
/// assert_eq!(b.schema().field(1).data_type(), &DataType::Boolean);
/// assert!(b.column(1).is_null(0));
/// ```
pub fn with_types(batch: &RecordBatch, types: &[(&str, DataType)]) -> Result<RecordBatch, Error> {
    let schema = batch.schema();
    let mut fields: Vec<Field> = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (f, c) in schema.fields().iter().zip(batch.columns()) {
        let wanted = types.iter().find(|(n, _)| n == f.name()).map(|(_, t)| t);
        let typed = match wanted {
            Some(t) if c.data_type() == t => None,
            // No value to trace the type from: every row is null (or there is no row).
            Some(t) if c.data_type() == &DataType::Null || c.null_count() == c.len() => {
                Some(arrow::array::new_null_array(t, c.len()))
            }
            // Lists whose items were never seen (every list empty) trace as JSON text.
            Some(t) if t == &str_list_type() && c.data_type() == &DataType::Utf8 => {
                json_str_lists(c)
            }
            _ => None,
        };
        match (typed, wanted) {
            (Some(c), Some(t)) => {
                fields.push(Field::new(f.name(), t.clone(), true));
                columns.push(c);
            }
            _ => {
                fields.push(f.as_ref().clone());
                columns.push(Arc::clone(c));
            }
        }
    }
    let opts = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        columns,
        &opts,
    )?)
}

/// A column of JSON texts of string arrays as a `List(Utf8)` column; `None` when a value is not one.
fn json_str_lists(c: &ArrayRef) -> Option<ArrayRef> {
    let s = c.as_string_opt::<i32>()?;
    let mut b = StrListBuilder::with_capacity(s.len());
    for i in 0..s.len() {
        if s.is_null(i) {
            b.push(std::iter::empty());
            continue;
        }
        let items: Vec<String> = serde_json::from_str(s.value(i)).ok()?;
        b.push(items.iter().map(String::as_str));
    }
    b.finish().ok()
}

/// The batch with a string column `name` holding `values` put first.
pub(crate) fn prepend_str_column(
    batch: &RecordBatch,
    name: &str,
    values: &[&str],
) -> Result<RecordBatch, Error> {
    let schema = batch.schema();
    let mut fields: Vec<Field> = vec![Field::new(name, DataType::Utf8, true)];
    fields.extend(schema.fields().iter().map(|f| f.as_ref().clone()));
    let mut columns: Vec<ArrayRef> = vec![strings(values.iter().map(|v| Some(*v)))];
    columns.extend(batch.columns().iter().cloned());
    let opts = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        columns,
        &opts,
    )?)
}

/// A field with every union of data-less variants turned into a string (dictionary) field.
///
/// `serde_arrow` traces a unit-only enum as strings only when the samples show every variant;
/// results rarely do (no row is `Stage::Engaged` today), so the unions are rewritten here.
fn unit_enums_as_strings(f: &Field) -> Field {
    let t = match f.data_type() {
        DataType::Union(variants, _)
            if variants
                .iter()
                .all(|(_, v)| matches!(v.data_type(), DataType::Null)) =>
        {
            DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8))
        }
        DataType::Struct(children) => DataType::Struct(
            children
                .iter()
                .map(|c| Arc::new(unit_enums_as_strings(c)))
                .collect(),
        ),
        DataType::List(item) => DataType::List(Arc::new(unit_enums_as_strings(item))),
        DataType::LargeList(item) => DataType::LargeList(Arc::new(unit_enums_as_strings(item))),
        other => other.clone(),
    };
    let nullable = f.is_nullable() || matches!(f.data_type(), DataType::Union(..));
    Field::new(f.name(), t, nullable).with_metadata(
        f.metadata()
            .iter()
            .filter(|(k, _)| !k.starts_with("SERDE_ARROW"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The rows followed by the probe, serialised as one sequence for schema tracing.
struct TraceRows<'a, T> {
    rows: &'a [T],
    probe: &'a [T],
}

impl<T: Serialize> Serialize for TraceRows<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.iter().chain(self.probe.iter()))
    }
}

/// Brings a batch to rapport's column types (see the module docs): flattens structs, casts integers
/// to `i64`, strings to `Utf8`, instants to `Timestamp(ms, "UTC")`, lists of strings to `List(Utf8)`
/// and anything else nested to its JSON text.
pub fn normalize(batch: &RecordBatch) -> Result<RecordBatch, Error> {
    let mut fields: Vec<Field> = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (f, c) in batch.schema().fields().iter().zip(batch.columns()) {
        push_normalized(f.name(), c, &mut fields, &mut columns)?;
    }
    let schema = Arc::new(Schema::new(fields));
    let opts = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(schema, columns, &opts)?)
}

fn push_normalized(
    name: &str,
    c: &ArrayRef,
    fields: &mut Vec<Field>,
    columns: &mut Vec<ArrayRef>,
) -> Result<(), Error> {
    let out: ArrayRef = match c.data_type() {
        DataType::Struct(children) => {
            let s = c.as_struct();
            for (child_field, child) in children.iter().zip(s.columns()) {
                // A null struct makes its children null too, whatever they hold.
                let nulls = NullBuffer::union(s.nulls(), child.nulls());
                let data = child.to_data().into_builder().nulls(nulls).build()?;
                let child = make_array(data);
                push_normalized(
                    &format!("{name}.{}", child_field.name()),
                    &child,
                    fields,
                    columns,
                )?;
            }
            return Ok(());
        }
        DataType::Null
        | DataType::Boolean
        | DataType::Int64
        | DataType::Float64
        | DataType::Utf8 => Arc::clone(c),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => cast(c, &DataType::Int64)?,
        DataType::Float16 | DataType::Float32 => cast(c, &DataType::Float64)?,
        DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => {
            cast(c, &DataType::Utf8)?
        }
        DataType::Timestamp(_, _) | DataType::Date64 => {
            // A naive instant is read as UTC, which is how rapport writes every instant.
            let naive = cast(c, &DataType::Timestamp(TimeUnit::Millisecond, None))?;
            cast(&naive, &timestamp_type())?
        }
        DataType::List(item) | DataType::LargeList(item)
            if matches!(
                item.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ) =>
        {
            cast(c, &str_list_type())?
        }
        DataType::Date32 | DataType::Time32(_) | DataType::Time64(_) => cast(c, &DataType::Utf8)?,
        _ => json_text(name, c)?,
    };
    fields.push(Field::new(name, out.data_type().clone(), true));
    columns.push(out);
    Ok(())
}

/// Any column as the JSON text of each value (nested lists of structs, maps).
fn json_text(name: &str, c: &ArrayRef) -> Result<ArrayRef, Error> {
    let schema = Arc::new(Schema::new(vec![Field::new(
        "v",
        c.data_type().clone(),
        true,
    )]));
    let batch = RecordBatch::try_new(schema, vec![Arc::clone(c)])?;
    let mut w = arrow::json::ArrayWriter::new(Vec::new());
    w.write(&batch)?;
    w.finish()?;
    let text = w.into_inner();
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = if text.is_empty() {
        Vec::new()
    } else {
        serde_json::from_slice(&text).map_err(|e| Error::Rows {
            message: format!("column `{name}`: {e}"),
        })?
    };
    let mut b = StringBuilder::with_capacity(c.len(), 16 * c.len());
    for i in 0..c.len() {
        match rows.get(i).and_then(|r| r.get("v")) {
            None | Some(serde_json::Value::Null) => b.append_null(),
            Some(v) => b.append_value(v.to_string()),
        }
    }
    Ok(Arc::new(b.finish()))
}

/// The name of a column type as `Table.dtypes` shows it: `bool`, `i64`, `f64`, `str`,
/// `timestamp[ms, UTC]`, `list[str]`, `null` (and Arrow's own name for anything else).
pub fn dtype_name(t: &DataType) -> &'static str {
    match t {
        DataType::Boolean => "bool",
        DataType::Int64 => "i64",
        DataType::Float64 => "f64",
        DataType::Utf8 => "str",
        DataType::Timestamp(_, _) => "timestamp[ms, UTC]",
        DataType::List(_) => "list[str]",
        DataType::Null => "null",
        _ => "other",
    }
}

/// One cell of a normalised batch, borrowed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
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
    /// Milliseconds since the Unix epoch, UTC.
    Timestamp(i64),
    /// A list of strings (a null item reads as the empty string).
    StrList(Vec<&'a str>),
}

impl Cell<'_> {
    /// The cell as CSV text: timestamps in RFC 3339 UTC with milliseconds, lists joined with `;`,
    /// null as the empty string.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::I64(i) => i.to_string(),
            Cell::F64(f) => f.to_string(),
            Cell::Str(s) => (*s).to_owned(),
            Cell::Timestamp(ms) => ms_to_rfc3339(*ms),
            Cell::StrList(l) => l.join(";"),
        }
    }

    /// The cell as JSON: timestamps as RFC 3339 strings with milliseconds.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Cell::Null => J::Null,
            Cell::Bool(b) => J::Bool(*b),
            Cell::I64(i) => J::from(*i),
            Cell::F64(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Cell::Str(s) => J::String((*s).to_owned()),
            Cell::Timestamp(ms) => J::String(ms_to_rfc3339(*ms)),
            Cell::StrList(l) => J::Array(l.iter().map(|s| J::String((*s).to_owned())).collect()),
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

/// Row `row` of column `c` (of a normalised batch) as a [`Cell`]; a type outside the normalised set
/// reads as its display text.
pub fn cell(col: &dyn Array, row: usize) -> Cell<'_> {
    if row >= col.len() || col.is_null(row) {
        return Cell::Null;
    }
    match col.data_type() {
        DataType::Boolean => Cell::Bool(col.as_boolean().value(row)),
        DataType::Int64 => Cell::I64(col.as_primitive::<arrow::datatypes::Int64Type>().value(row)),
        DataType::Float64 => Cell::F64(
            col.as_primitive::<arrow::datatypes::Float64Type>()
                .value(row),
        ),
        DataType::Utf8 => Cell::Str(col.as_string::<i32>().value(row)),
        DataType::Timestamp(TimeUnit::Millisecond, _) => Cell::Timestamp(
            col.as_primitive::<arrow::datatypes::TimestampMillisecondType>()
                .value(row),
        ),
        DataType::List(_) => {
            let list = col.as_list::<i32>();
            let offsets = list.value_offsets();
            let (a, b) = (offsets[row] as usize, offsets[row + 1] as usize);
            let values = list.values();
            match values.as_string_opt::<i32>() {
                Some(s) => Cell::StrList(
                    (a..b)
                        .map(|i| if s.is_null(i) { "" } else { s.value(i) })
                        .collect(),
                ),
                None => Cell::Null,
            }
        }
        _ => Cell::Null,
    }
}

/// The batch as CSV with a header line: timestamps in RFC 3339 UTC with milliseconds, lists of
/// strings joined with `;`, nulls as empty fields.
pub fn to_csv(batch: &RecordBatch, out: impl std::io::Write) -> Result<(), Error> {
    let mut w = csv::Writer::from_writer(out);
    let names: Vec<&str> = batch
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    w.write_record(&names)?;
    let mut record: Vec<String> = Vec::with_capacity(names.len());
    for i in 0..batch.num_rows() {
        record.clear();
        record.extend(batch.columns().iter().map(|c| cell(c, i).to_text()));
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// Row `row` as a JSON object (keys in column order).
pub fn row_json(batch: &RecordBatch, row: usize) -> serde_json::Map<String, serde_json::Value> {
    batch
        .schema_ref()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, c)| (f.name().clone(), cell(c, row).to_json()))
        .collect()
}

/// The batch as a JSON array of records (timestamps as RFC 3339 strings with milliseconds).
pub fn to_json_records(batch: &RecordBatch) -> serde_json::Value {
    serde_json::Value::Array(
        (0..batch.num_rows())
            .map(|i| serde_json::Value::Object(row_json(batch, i)))
            .collect(),
    )
}

/// The batch as JSON Lines: one record per line.
pub fn to_jsonl(batch: &RecordBatch, mut out: impl std::io::Write) -> Result<(), Error> {
    for i in 0..batch.num_rows() {
        serde_json::to_writer(&mut out, &row_json(batch, i)).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Typed column constructors used by the corpus tables.
pub(crate) fn strings<'a>(v: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(v.collect::<StringArray>())
}

pub(crate) fn i64s(v: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(v.collect::<Int64Array>())
}

pub(crate) fn f64s(v: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(v.collect::<Float64Array>())
}

pub(crate) fn bools(v: impl Iterator<Item = Option<bool>>) -> ArrayRef {
    Arc::new(v.collect::<BooleanArray>())
}

pub(crate) fn timestamps(v: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(v.collect::<TimestampMillisecondArray>().with_timezone(UTC))
}

/// A `List(Utf8)` column built from per-row string lists.
pub(crate) struct StrListBuilder {
    offsets: Vec<i32>,
    values: StringBuilder,
}

impl StrListBuilder {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        StrListBuilder {
            offsets,
            values: StringBuilder::new(),
        }
    }

    /// A builder with room for `rows` lists holding `items` strings of `bytes` bytes in all.
    pub(crate) fn with_capacities(rows: usize, items: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        StrListBuilder {
            offsets,
            values: StringBuilder::with_capacity(items, bytes),
        }
    }

    pub(crate) fn push<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        let mut n = *self.offsets.last().unwrap_or(&0);
        for s in items {
            self.values.append_value(s);
            n += 1;
        }
        self.offsets.push(n);
    }

    pub(crate) fn finish(mut self) -> Result<ArrayRef, Error> {
        let values = Arc::new(self.values.finish()) as ArrayRef;
        let offsets = arrow::buffer::OffsetBuffer::new(self.offsets.into());
        let item = Arc::new(Field::new("item", DataType::Utf8, true));
        Ok(Arc::new(ListArray::try_new(item, offsets, values, None)?))
    }
}

/// A batch from named columns (all nullable).
pub(crate) fn batch_of(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, Error> {
    let n = columns.first().map_or(0, |(_, c)| c.len());
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, c)| Field::new(*name, c.data_type().clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(_, c)| c).collect();
    let opts = RecordBatchOptions::new().with_row_count(Some(n));
    Ok(RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        arrays,
        &opts,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration};

    #[derive(Serialize, Default)]
    struct Metrics {
        likes: Option<u32>,
        replies: u32,
    }

    #[derive(Serialize, Default, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    enum Stage {
        #[default]
        Noticed,
        Conversing,
        // never in a row: a union of unit variants must still become strings
        #[allow(dead_code)]
        Engaged,
    }

    #[derive(Serialize, Default)]
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
        never: Option<f64>,
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
                never: None,
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
                never: None,
            },
        ]
    }

    fn types(b: &RecordBatch) -> Vec<(String, &'static str)> {
        b.schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), dtype_name(f.data_type())))
            .collect()
    }

    #[test]
    fn rows_become_typed_columns() {
        let b = record_batch(&rows()).unwrap();
        let t = types(&b);
        let expect = [
            ("id", "str"),
            ("n", "i64"),
            ("ok", "bool"),
            ("at", "timestamp[ms, UTC]"),
            ("maybe_at", "timestamp[ms, UTC]"),
            ("tags", "list[str]"),
            ("metrics.likes", "i64"),
            ("metrics.replies", "i64"),
            ("stage", "str"),
            ("pairs", "str"),
            ("never", "null"),
        ];
        assert_eq!(
            t,
            expect
                .iter()
                .map(|(a, b)| ((*a).to_owned(), *b))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            b.schema().field(3).data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
        let ms = t0().timestamp_millis();
        assert_eq!(cell(b.column(3), 1), Cell::Timestamp(ms + 1500));
        assert_eq!(cell(b.column(4), 0), Cell::Null);
        assert_eq!(cell(b.column(4), 1), Cell::Timestamp(ms));
        assert_eq!(cell(b.column(1), 0), Cell::I64(-3));
        assert_eq!(cell(b.column(5), 0), Cell::StrList(vec!["rust", "hiring"]));
        assert_eq!(cell(b.column(6), 1), Cell::Null);
        assert_eq!(cell(b.column(8), 1), Cell::Str("conversing"));
        assert_eq!(cell(b.column(9), 0), Cell::Str(r#"[{"0":"x","1":1}]"#));
    }

    #[test]
    fn empty_rows_keep_their_columns() {
        let b = record_batch::<Row>(&[]).unwrap();
        assert_eq!(b.num_rows(), 0);
        let names: Vec<String> = types(&b).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 11);
        assert_eq!(names[6], "metrics.likes");
        assert_eq!(
            dtype_name(b.schema().field(3).data_type()),
            "timestamp[ms, UTC]"
        );
        assert_eq!(dtype_name(b.schema().field(1).data_type()), "i64");
    }

    #[test]
    fn csv_and_json_text() {
        let b = record_batch(&rows()).unwrap();
        let mut out = Vec::new();
        to_csv(&b, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,n,ok,at,maybe_at,tags,metrics.likes,metrics.replies,stage,pairs,never"
        );
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("a,-3,true,2024-05-01T09:00:00.000Z,,rust;hiring,2,1,noticed,")
        );
        let j = to_json_records(&b);
        assert_eq!(j[1]["at"], "2024-05-01T09:00:01.500Z");
        assert_eq!(j[0]["tags"], serde_json::json!(["rust", "hiring"]));
        let mut out = Vec::new();
        to_jsonl(&b, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
    }

    #[test]
    fn without_drops_a_column() {
        let b = record_batch_without(&rows(), "n").unwrap();
        assert!(b.schema().index_of("n").is_err());
        assert_eq!(b.num_columns(), 10);
    }
}
