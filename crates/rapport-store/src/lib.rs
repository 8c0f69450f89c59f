//! Embedded SQLite persistence for rapport (see the HRIS integration issue).
