
pub mod sample;
