//! Lets Rust tests of this crate that start an interpreter find libpython at run time. The extension
//! module itself never links libpython (maturin builds it for `abi3` and the interpreter loads it).
fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
}
