//! Rust values to Python objects, in one place: JSON values, Arrow table cells, whole columns.
//!
//! Columns go over in bulk (one `list` or one `bytes` buffer per column), never cell by cell through
//! row dicts: that is what keeps a million-row `to_pandas()` well under a second.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type, TimeUnit, TimestampMillisecondType};
use chrono::{DateTime, TimeZone, Utc};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use rapport_arrow::table::{Cell, cell, dtype_name};

/// Milliseconds since the epoch to a timezone-aware `datetime` (UTC).
pub(crate) fn ms_to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// One table cell as a Python object (`None`, `bool`, `int`, `float`, `str`, aware `datetime`, `list`).
pub(crate) fn cell_to_py<'py>(py: Python<'py>, v: Cell<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Cell::Null => py.None().into_bound(py),
        Cell::Bool(b) => b.into_bound_py_any(py)?,
        Cell::I64(i) => i.into_bound_py_any(py)?,
        Cell::F64(f) => f.into_bound_py_any(py)?,
        Cell::Str(s) => s.into_bound_py_any(py)?,
        Cell::Timestamp(ms) => ms_to_datetime(ms).into_bound_py_any(py)?,
        Cell::StrList(l) => PyList::new(py, l)?.into_any(),
    })
}

/// A whole column as a Python list.
pub(crate) fn column_to_list<'py>(py: Python<'py>, c: &dyn Array) -> PyResult<Bound<'py, PyList>> {
    let items = (0..c.len())
        .map(|i| cell_to_py(py, cell(c, i)))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

fn null_mask<'py>(py: Python<'py>, c: &dyn Array) -> Option<Bound<'py, PyBytes>> {
    (c.null_count() > 0).then(|| {
        let mask: Vec<u8> = (0..c.len()).map(|i| u8::from(c.is_null(i))).collect();
        PyBytes::new(py, &mask)
    })
}

/// A column in the shape the Python conversions without pyarrow want: `(kind, data, null_mask)`.
///
/// - `i64`, `f64`, `timestamp` (ms): `data` is a `bytes` of little-endian 8-byte values (nulls hold 0,
///   NaN for floats), ready for `numpy.frombuffer`; `bool`: one byte per value;
/// - `str`: `data` is a `list`; `list[str]`: `data` is `(offsets, values)`, little-endian 8-byte
///   offsets (one more than rows) into the flat `list` of values; `null`: `data` is the length;
/// - `null_mask` is `None` without nulls, else a `bytes` with 1 where the value is null.
///
/// With pyarrow installed, the conversions take the whole table through the Arrow C stream instead.
pub(crate) fn column_buffers<'py>(
    py: Python<'py>,
    col: &dyn Array,
) -> PyResult<Bound<'py, PyTuple>> {
    let kind = dtype_name(col.data_type());
    let none = || py.None().into_bound(py);
    let mask = null_mask(py, col).map_or_else(none, Bound::into_any);
    let rows = col.len();
    let data: Bound<'py, PyAny> = match col.data_type() {
        DataType::Boolean => {
            let a = col.as_boolean();
            let v: Vec<u8> = (0..rows)
                .map(|i| u8::from(a.is_valid(i) && a.value(i)))
                .collect();
            PyBytes::new(py, &v).into_any()
        }
        DataType::Int64 => {
            let a = col.as_primitive::<Int64Type>();
            let mut v = Vec::with_capacity(rows * 8);
            for i in 0..rows {
                let x = if a.is_valid(i) { a.value(i) } else { 0 };
                v.extend_from_slice(&x.to_le_bytes());
            }
            PyBytes::new(py, &v).into_any()
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            let a = col.as_primitive::<TimestampMillisecondType>();
            let mut v = Vec::with_capacity(rows * 8);
            for i in 0..rows {
                let x = if a.is_valid(i) { a.value(i) } else { 0 };
                v.extend_from_slice(&x.to_le_bytes());
            }
            PyBytes::new(py, &v).into_any()
        }
        DataType::Float64 => {
            let a = col.as_primitive::<Float64Type>();
            let mut v = Vec::with_capacity(rows * 8);
            for i in 0..rows {
                let x = if a.is_valid(i) { a.value(i) } else { f64::NAN };
                v.extend_from_slice(&x.to_le_bytes());
            }
            PyBytes::new(py, &v).into_any()
        }
        DataType::Utf8 => {
            let a = col.as_string::<i32>();
            PyList::new(py, a.iter())?.into_any()
        }
        DataType::List(_) => {
            // Offsets into one flat list of strings, so no per-row list is made here (building a
            // million small lists costs more than everything else together).
            let l = col.as_list::<i32>();
            let values = l.values();
            let s = values.as_string::<i32>();
            let mut offsets: Vec<u8> = Vec::with_capacity((rows + 1) * 8);
            let mut flat: Vec<&str> = Vec::new();
            offsets.extend_from_slice(&0_i64.to_le_bytes());
            let o = l.value_offsets();
            for i in 0..rows {
                if l.is_valid(i) {
                    for j in o[i] as usize..o[i + 1] as usize {
                        flat.push(if s.is_valid(j) { s.value(j) } else { "" });
                    }
                }
                offsets.extend_from_slice(&(flat.len() as i64).to_le_bytes());
            }
            PyTuple::new(
                py,
                [
                    PyBytes::new(py, &offsets).into_any(),
                    PyList::new(py, flat)?.into_any(),
                ],
            )?
            .into_any()
        }
        _ => rows.into_bound_py_any(py)?,
    };
    PyTuple::new(py, [kind.into_bound_py_any(py)?, data, mask])
}

/// A JSON value as plain Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => py.None().into_bound(py),
        J::Bool(b) => b.into_bound_py_any(py)?,
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)?
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)?
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)?
            }
        }
        J::String(s) => s.into_bound_py_any(py)?,
        J::Array(a) => {
            let items = a
                .iter()
                .map(|x| json_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        J::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}
