//! `rapport.Table`: a result table, an Arrow record batch handed to pandas, pyarrow or polars.
//!
//! The table itself stays in Rust (an `Arc<RecordBatch>` made by `rapport_arrow`, so slicing it out of
//! an analysis costs nothing). It implements the Arrow PyCapsule interface (`__arrow_c_stream__`,
//! `__arrow_c_schema__`), so `pyarrow.table(t)` and `polars.from_arrow(t)` read its buffers without a
//! copy. The conversions to pandas, Arrow and polars, the `repr` and the HTML view live in
//! `python/rapport/_table.py`, where the optional imports and their error messages belong.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StructArray};
use arrow::datatypes::Field;
use pyo3::exceptions::{PyIndexError, PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList, PyString};
use pyo3_arrow::error::PyArrowResult;
use pyo3_arrow::ffi::{ArrayIterator, to_schema_pycapsule, to_stream_pycapsule};
use rapport_arrow::table::{cell, dtype_name};

use crate::conversion::{cell_to_py, column_buffers, column_to_list};

/// A columnar result table: named, typed, nullable columns of equal length, held as Arrow memory.
///
/// Every analysis returns one. Iterate it for row dicts, index it by column name for a list, or hand
/// it to pandas, Arrow or polars in one call. It implements the Arrow PyCapsule interface, so
/// `pyarrow.table(t)`, `polars.from_arrow(t)` or DuckDB read it without a copy.
///
/// ```python
/// >>> posts = corpus.posts()
/// >>> len(posts), posts.columns[:4]
/// (7, ['id', 'author_id', 'author', 'created_at'])
/// >>> next(iter(posts))["kind"]
/// 'original'
///
/// ```
#[pyclass(module = "rapport._native", name = "Table", frozen, sequence)]
pub(crate) struct PyTable {
    pub(crate) inner: Arc<RecordBatch>,
}

/// Row `i` of a batch as a dict.
fn row_dict<'py>(py: Python<'py>, b: &RecordBatch, i: usize) -> PyResult<Bound<'py, PyDict>> {
    if i >= b.num_rows() {
        return Err(PyIndexError::new_err("row out of range"));
    }
    let d = PyDict::new(py);
    for (f, col) in b.schema_ref().fields().iter().zip(b.columns()) {
        d.set_item(f.name(), cell_to_py(py, cell(col, i))?)?;
    }
    Ok(d)
}

fn names(b: &RecordBatch) -> Vec<String> {
    b.schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

impl PyTable {
    pub(crate) fn new(t: RecordBatch) -> Self {
        PyTable { inner: Arc::new(t) }
    }

    fn row_dict<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyDict>> {
        row_dict(py, &self.inner, i)
    }

    fn column_ref(&self, name: &str) -> Option<&ArrayRef> {
        self.inner.column_by_name(name)
    }

    fn helper<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        py.import("rapport._table")?.getattr(name)
    }
}

#[pymethods]
impl PyTable {
    fn __len__(&self) -> usize {
        self.inner.num_rows()
    }

    /// The column names, in order.
    ///
    /// ```python
    /// >>> corpus.conversations().columns[:4]
    /// ['id', 'root_author', 'started_at', 'posts']
    ///
    /// ```
    #[getter]
    fn columns(&self) -> Vec<String> {
        names(&self.inner)
    }

    /// Column name → type name (`bool`, `i64`, `f64`, `str`, `timestamp[ms, UTC]`, `list[str]`,
    /// `null`).
    ///
    /// ```python
    /// >>> dict(corpus.posts().dtypes)["created_at"]
    /// 'timestamp[ms, UTC]'
    ///
    /// ```
    #[getter]
    fn dtypes(&self) -> Vec<(String, &'static str)> {
        self.inner
            .schema_ref()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), dtype_name(f.data_type())))
            .collect()
    }

    /// The number of rows and columns.
    ///
    /// ```python
    /// >>> corpus.accounts().shape
    /// (4, 12)
    ///
    /// ```
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.inner.num_rows(), self.inner.num_columns())
    }

    /// `table["name"]` is a column as a list; `table[i]` is row `i` as a dict (negative counts from the
    /// end).
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(name) = key.cast::<PyString>() {
            let name = name.to_cow()?;
            return self.column(py, &name).map(Bound::into_any);
        }
        if let Ok(i) = key.extract::<isize>() {
            let n = self.inner.num_rows() as isize;
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(PyIndexError::new_err(format!(
                    "row {i} out of range for a table of {n} rows"
                )));
            }
            return self.row_dict(py, j as usize).map(Bound::into_any);
        }
        Err(PyTypeError::new_err(
            "index a Table with a column name (str) or a row number (int)",
        ))
    }

    fn __contains__(&self, name: &str) -> bool {
        self.column_ref(name).is_some()
    }

    /// Column `name` as a list (timestamps as timezone-aware `datetime`s).
    ///
    /// ```python
    /// >>> sorted(corpus.posts().column("id"))[:3]
    /// ['100', '101', '102']
    ///
    /// ```
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        match self.column_ref(name) {
            Some(c) => column_to_list(py, c),
            None => Err(PyKeyError::new_err(format!(
                "no column {name:?}; the columns are {:?}",
                names(&self.inner)
            ))),
        }
    }

    fn __iter__(&self) -> TableRows {
        TableRows {
            table: Arc::clone(&self.inner),
            next: 0,
        }
    }

    /// Every row as a dict, built column by column.
    ///
    /// ```python
    /// >>> rows = corpus.conversations().to_dicts()
    /// >>> sorted(r["posts"] for r in rows)
    /// [1, 1, 1, 4]
    ///
    /// ```
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let cols = self
            .inner
            .schema_ref()
            .fields()
            .iter()
            .zip(self.inner.columns())
            .map(|(f, c)| Ok((PyString::new(py, f.name()), column_to_list(py, c)?)))
            .collect::<PyResult<Vec<_>>>()?;
        let rows = PyList::empty(py);
        for i in 0..self.inner.num_rows() {
            let d = PyDict::new(py);
            for (n, l) in &cols {
                d.set_item(n, l.get_item(i)?)?;
            }
            rows.append(d)?;
        }
        Ok(rows)
    }

    /// The table as CSV text (timestamps in RFC 3339 UTC, lists joined with `;`).
    ///
    /// ```python
    /// >>> corpus.accounts().to_csv().splitlines()[0]
    /// 'id,handle,display_name,bio,created_at,posts,followers,following,tweet_count,listed,platform,is_stub'
    ///
    /// ```
    fn to_csv(&self, py: Python<'_>) -> PyResult<String> {
        let t = Arc::clone(&self.inner);
        Ok(crate::guarded(py, move || {
            let mut out = Vec::new();
            rapport_arrow::table::to_csv(&t, &mut out)?;
            String::from_utf8(out).map_err(|e| crate::errors::Error::Internal(e.to_string()))
        })?)
    }

    /// The table as a JSON array of records.
    ///
    /// ```python
    /// >>> import json
    /// >>> len(json.loads(corpus.posts().to_json()))
    /// 7
    ///
    /// ```
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let t = Arc::clone(&self.inner);
        Ok(crate::guarded(py, move || {
            Ok(rapport_arrow::table::to_json_records(&t).to_string())
        })?)
    }

    /// A `pandas.DataFrame` (timestamps as `datetime64[ns, UTC]`). Needs `pip install rapport[pandas]`.
    ///
    /// ```python
    /// >>> df = corpus.posts().to_pandas()
    /// >>> df.groupby("author").size().to_dict()
    /// {'acme_careers': 3, 'acme_eng': 1, 'ada': 2, 'bob': 1}
    ///
    /// ```
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::helper(slf.py(), "to_pandas")?.call1((slf,))
    }

    /// A `pyarrow.Table` (timestamps as `timestamp[ms, tz=UTC]`). Needs `pip install rapport[arrow]`.
    ///
    /// ```python
    /// >>> corpus.posts().to_arrow().schema.field("created_at").type
    /// TimestampType(timestamp[ms, tz=UTC])
    ///
    /// ```
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::helper(slf.py(), "to_arrow")?.call1((slf,))
    }

    /// A `polars.DataFrame`. Needs `pip install rapport[polars]`.
    ///
    /// ```python
    /// >>> corpus.conversations().to_polars().shape
    /// (4, 13)
    ///
    /// ```
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::helper(slf.py(), "to_polars")?.call1((slf,))
    }

    /// Column `name` as `(kind, data, null_mask)` for conversion without pyarrow (see
    /// `rapport._table`).
    fn _column_buffers<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.column_ref(name) {
            Some(c) => column_buffers(py, c).map(Bound::into_any),
            None => Err(PyKeyError::new_err(name.to_owned())),
        }
    }

    /// The Arrow schema as a PyCapsule (the Arrow PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyArrowResult<Bound<'py, PyCapsule>> {
        to_schema_pycapsule(py, self.inner.schema_ref().as_ref())
    }

    /// The table as an Arrow C stream of one record batch (the Arrow PyCapsule interface): what
    /// `pyarrow.table(t)` and `polars.from_arrow(t)` call. The buffers are shared, not copied.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyArrowResult<Bound<'py, PyCapsule>> {
        let batch = RecordBatch::clone(&self.inner);
        let schema = batch.schema();
        let arrays = std::iter::once(Ok(Arc::new(StructArray::from(batch)) as ArrayRef));
        let field = Field::new_struct("", schema.fields().clone(), false)
            .with_metadata(schema.metadata().clone());
        let reader = Box::new(ArrayIterator::new(arrays, field.into()));
        to_stream_pycapsule(py, reader, requested_schema)
    }

    fn __repr__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::helper(slf.py(), "format_text")?.call1((slf,))
    }

    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::helper(slf.py(), "format_html")?.call1((slf,))
    }
}

/// The iterator of `iter(table)`: one dict per row.
///
/// ```python
/// >>> rows = iter(corpus.accounts())
/// >>> sorted(next(rows))[:3]
/// ['bio', 'created_at', 'display_name']
///
/// ```
#[pyclass(module = "rapport._native", name = "TableRows")]
pub(crate) struct TableRows {
    table: Arc<RecordBatch>,
    next: usize,
}

#[pymethods]
impl TableRows {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        if self.next >= self.table.num_rows() {
            return Ok(None);
        }
        let d = row_dict(py, &self.table, self.next)?;
        self.next += 1;
        Ok(Some(d))
    }

    fn __length_hint__(&self) -> usize {
        self.table.num_rows().saturating_sub(self.next)
    }
}
