//! Rust values to Python objects, in one place: JSON values, table cells, whole columns.
//!
//! Columns go over in bulk (one `list` or one `bytes` buffer per column), never cell by cell through
//! row dicts: that is what keeps a million-row `to_pandas()` well under a second.

use chrono::{DateTime, TimeZone, Utc};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use rapport_core::table::{Column, Value};

/// Milliseconds since the epoch to a timezone-aware `datetime` (UTC).
pub(crate) fn ms_to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// One table cell as a Python object (`None`, `bool`, `int`, `float`, `str`, aware `datetime`, `list`).
pub(crate) fn value_to_py<'py>(py: Python<'py>, v: Value<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::I64(i) => i.into_bound_py_any(py)?,
        Value::F64(f) => f.into_bound_py_any(py)?,
        Value::Str(s) => s.into_bound_py_any(py)?,
        Value::Timestamp(ms) => ms_to_datetime(ms).into_bound_py_any(py)?,
        Value::StrList(l) => PyList::new(py, l)?.into_any(),
    })
}

/// A whole column as a Python list.
pub(crate) fn column_to_list<'py>(py: Python<'py>, c: &Column) -> PyResult<Bound<'py, PyList>> {
    match c {
        Column::Bool(v) => PyList::new(py, v),
        Column::I64(v) => PyList::new(py, v),
        Column::F64(v) => PyList::new(py, v),
        Column::Str(v) => PyList::new(py, v),
        Column::Timestamp(v) => PyList::new(py, v.iter().map(|o| o.map(ms_to_datetime))),
        Column::StrList(v) => PyList::new(py, v),
        Column::Null(n) => PyList::new(py, (0..*n).map(|_| py.None())),
    }
}

fn le_bytes<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    v: &[Option<T>],
    fill: T,
    to: fn(T) -> [u8; N],
) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(v.len() * N);
    for x in v {
        out.extend_from_slice(&to(x.unwrap_or(fill)));
    }
    PyBytes::new(py, &out)
}

fn null_mask<'py, T>(py: Python<'py>, v: &[Option<T>]) -> Option<Bound<'py, PyBytes>> {
    v.iter().any(Option::is_none).then(|| {
        let mask: Vec<u8> = v.iter().map(|x| u8::from(x.is_none())).collect();
        PyBytes::new(py, &mask)
    })
}

/// A column in the shape the Python conversions want: `(kind, data, null_mask)`.
///
/// - `i64`, `f64`, `timestamp` (ms): `data` is a `bytes` of little-endian 8-byte values (nulls hold 0),
///   ready for `numpy.frombuffer`; `bool`: one byte per value;
/// - `str`: `data` is a `list`; `list[str]`: `data` is `(offsets, values)`, little-endian 8-byte
///   offsets (one more than rows) into the flat `list` of values; `null`: `data` is the length;
/// - `null_mask` is `None` without nulls, else a `bytes` with 1 where the value is null.
pub(crate) fn column_buffers<'py>(py: Python<'py>, c: &Column) -> PyResult<Bound<'py, PyTuple>> {
    let kind = c.data_type().as_str();
    let none = || py.None().into_bound(py);
    let (data, mask): (Bound<'py, PyAny>, Bound<'py, PyAny>) = match c {
        Column::Bool(v) => (
            le_bytes(py, v, false, |b| [u8::from(b)]).into_any(),
            null_mask(py, v).map_or_else(none, Bound::into_any),
        ),
        Column::I64(v) | Column::Timestamp(v) => (
            le_bytes(py, v, 0_i64, i64::to_le_bytes).into_any(),
            null_mask(py, v).map_or_else(none, Bound::into_any),
        ),
        Column::F64(v) => (
            le_bytes(py, v, f64::NAN, f64::to_le_bytes).into_any(),
            null_mask(py, v).map_or_else(none, Bound::into_any),
        ),
        Column::Str(v) => (
            PyList::new(py, v)?.into_any(),
            null_mask(py, v).map_or_else(none, Bound::into_any),
        ),
        Column::StrList(v) => {
            // Arrow's list layout: offsets into one flat list of strings, so no per-row list is made
            // here (building a million small lists costs more than everything else together).
            let mut offsets: Vec<u8> = Vec::with_capacity((v.len() + 1) * 8);
            let mut flat: Vec<&str> = Vec::new();
            offsets.extend_from_slice(&0_i64.to_le_bytes());
            for l in v {
                flat.extend(l.iter().flatten().map(String::as_str));
                offsets.extend_from_slice(&(flat.len() as i64).to_le_bytes());
            }
            let data = PyTuple::new(
                py,
                [
                    PyBytes::new(py, &offsets).into_any(),
                    PyList::new(py, flat)?.into_any(),
                ],
            )?;
            (
                data.into_any(),
                null_mask(py, v).map_or_else(none, Bound::into_any),
            )
        }
        Column::Null(n) => (n.into_bound_py_any(py)?, none()),
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

/// Arrow's validity bitmap (bit `i` set when row `i` has a value, least significant bit first), or
/// `None` when no row is null.
fn validity<'py, T>(py: Python<'py>, v: &[Option<T>]) -> Option<Bound<'py, PyBytes>> {
    if v.iter().all(Option::is_some) {
        return None;
    }
    let mut bits = vec![0_u8; v.len().div_ceil(8)];
    for (i, x) in v.iter().enumerate() {
        if x.is_some() {
            bits[i / 8] |= 1 << (i % 8);
        }
    }
    Some(PyBytes::new(py, &bits))
}

/// Appends `s` to an Arrow large-string layout: the bytes to `data`, the end offset to `offsets`.
fn push_str(offsets: &mut Vec<u8>, data: &mut Vec<u8>, s: &str) {
    data.extend_from_slice(s.as_bytes());
    offsets.extend_from_slice(&(data.len() as i64).to_le_bytes());
}

/// A `str` or `list[str]` column in Arrow's memory layout, so pyarrow (and pandas and polars through
/// it) take it without making one Python string per value.
///
/// - `str`: `(validity, offsets, data)`: large-string offsets (8 bytes each, one more than rows) into
///   the UTF-8 `data`;
/// - `list[str]`: `(validity, list_offsets, offsets, data)`: the lists' offsets into the values, then
///   the values as above.
///
/// `validity` is Arrow's bitmap or `None` without nulls. Other column types give `None`.
pub(crate) fn column_arrow<'py>(
    py: Python<'py>,
    c: &Column,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let none = || py.None().into_bound(py);
    match c {
        Column::Str(v) => {
            let mut offsets = Vec::with_capacity((v.len() + 1) * 8);
            let mut data = Vec::new();
            offsets.extend_from_slice(&0_i64.to_le_bytes());
            for s in v {
                push_str(&mut offsets, &mut data, s.as_deref().unwrap_or(""));
            }
            Ok(Some(PyTuple::new(
                py,
                [
                    validity(py, v).map_or_else(none, Bound::into_any),
                    PyBytes::new(py, &offsets).into_any(),
                    PyBytes::new(py, &data).into_any(),
                ],
            )?))
        }
        Column::StrList(v) => {
            let mut list_offsets = Vec::with_capacity((v.len() + 1) * 8);
            let mut offsets = vec![0_u8; 8];
            let mut data = Vec::new();
            let mut n = 0_i64;
            list_offsets.extend_from_slice(&0_i64.to_le_bytes());
            for l in v {
                for s in l.iter().flatten() {
                    push_str(&mut offsets, &mut data, s);
                    n += 1;
                }
                list_offsets.extend_from_slice(&n.to_le_bytes());
            }
            Ok(Some(PyTuple::new(
                py,
                [
                    validity(py, v).map_or_else(none, Bound::into_any),
                    PyBytes::new(py, &list_offsets).into_any(),
                    PyBytes::new(py, &offsets).into_any(),
                    PyBytes::new(py, &data).into_any(),
                ],
            )?))
        }
        _ => Ok(None),
    }
}
