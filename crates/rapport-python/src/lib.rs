//! # rapport-python
//!
//! The `rapport._native` extension module: thin conversions between Python and the Rust crates, nothing
//! else. The typed public face is the `python/rapport` package, which re-exports these classes and
//! ships `_native.pyi`.
//!
//! - `corpus`: `rapport.Corpus`, the handle on a corpus;
//! - `table`: `rapport.Table`, what every analysis returns;
//! - `errors`: `rapport.RapportError` and its subclasses, from one exhaustive match;
//! - `conversion`: Rust values to Python objects, in bulk.
//!
//! Every call that does real work goes through `guarded`: it releases the GIL (`py.detach`), so other
//! Python threads run meanwhile, and catches a panic so that a bug in rapport raises
//! `rapport.RapportError("internal error …")` instead of ending the interpreter.

/// mimalloc as the extension's global allocator (feature `mimalloc`, on by default): the import
/// allocates per field and page, and mimalloc measurably speeds it up (docs/benchmarks.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::prelude::*;

mod analysis;
mod bsky;
mod client;
mod config;
mod conversion;
mod corpus;
mod engagement;
mod errors;
mod follows;
mod from_arrow;
mod graph;
mod hris;
mod import;
mod inbox;
mod lists;
mod skills;
mod table;
mod talent;
mod user_client;

use errors::Error;

/// Runs `f` without the GIL and turns a panic inside it into [`Error::Internal`].
pub(crate) fn guarded<T, F>(py: Python<'_>, f: F) -> Result<T, Error>
where
    F: FnOnce() -> Result<T, Error> + Send,
    T: Send,
{
    py.detach(move || match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            Err(Error::Internal(msg))
        }
    })
}

/// Panics on purpose, for the tests that prove a panic never ends the interpreter. With
/// `guarded=True` the panic runs inside [`guarded`] and surfaces as `RapportError`; without, pyo3
/// turns it into `pyo3_runtime.PanicException`.
#[pyfunction]
#[pyo3(signature = (message, guarded = true))]
fn _panic_for_tests(py: Python<'_>, message: String, guarded: bool) -> PyResult<()> {
    if guarded {
        crate::guarded(py, move || -> Result<(), Error> { panic!("{message}") })?;
        Ok(())
    } else {
        panic!("{message}")
    }
}

/// Sends rapport's `tracing` events to Python's `logging`: the importer's under `rapport.import`,
/// the X client's under `rapport_twitter.client.*` (a target's `::` become `.`). Other crates' events
/// (HTTP internals) stay out. Logger objects are cached but not their levels, so a level set after
/// `import rapport` applies at once. A logger installed earlier (another extension) is left alone.
fn install_logging(py: Python<'_>) {
    use pyo3_log::{Caching, Logger};
    let mut logger = Logger::new(py, Caching::Loggers).map(|l| l.filter(log::LevelFilter::Off));
    for target in [
        "rapport",
        "rapport_core",
        "rapport_twitter",
        "rapport_store",
        "rapport_arrow",
        "rapport_python",
    ] {
        logger = logger.map(|l| l.filter_target(target.to_owned(), log::LevelFilter::Trace));
    }
    if let Ok(l) = logger {
        let _ = l.install();
    }
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    install_logging(m.py());
    errors::register(m)?;
    m.add_class::<table::PyTable>()?;
    m.add_class::<table::TableRows>()?;
    m.add_class::<corpus::PyCorpus>()?;
    m.add_class::<graph::PyGraph>()?;
    m.add_class::<skills::PyTaxonomy>()?;
    m.add_class::<client::PyXClient>()?;
    m.add_class::<client::PyAsyncXClient>()?;
    m.add_class::<client::PyStreamBatches>()?;
    m.add_class::<config::PyConfig>()?;
    m.add_class::<user_client::PyOAuth2PKCE>()?;
    m.add_class::<user_client::PyXUserClient>()?;
    m.add_class::<user_client::PyAsyncXUserClient>()?;
    m.add_class::<bsky::PyBlueskyClient>()?;
    m.add_class::<bsky::PyAsyncBlueskyClient>()?;
    m.add_class::<skills::PyJobProfile>()?;
    m.add_function(wrap_pyfunction!(import::write_sample, m)?)?;
    m.add_function(wrap_pyfunction!(talent::py_impact_ratios, m)?)?;
    m.add_function(wrap_pyfunction!(hris::py_score_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
