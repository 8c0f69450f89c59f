
pub mod client;

pub use client::{ClientError, XClient};
