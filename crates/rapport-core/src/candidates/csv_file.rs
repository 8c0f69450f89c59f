//! Reading candidates from CSV.

use std::collections::BTreeMap;

use super::columns::{Column, column_of, non_empty};
use super::{Candidate, CandidateError, CandidateFile, Handle, RowError};

/// Reads candidates from CSV (see the [module docs](super) for the columns). `name` names the source in
/// errors.
pub fn read_candidates_csv<R: std::io::Read>(
    reader: R,
    name: &str,
) -> Result<CandidateFile, CandidateError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| CandidateError::Format {
            file: name.to_owned(),
            message: e.to_string(),
        })?
        .clone();
    let columns: Vec<Column> = headers.iter().map(column_of).collect();
    if !columns.contains(&Column::Id) {
        return Err(CandidateError::MissingIdColumn {
            file: name.to_owned(),
            found: headers.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut ignored: Vec<String> = Vec::new();
    for (h, c) in headers.iter().zip(&columns) {
        if *c == Column::Ignored && !ignored.iter().any(|i| i == h) {
            ignored.push(h.to_owned());
        }
    }

    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(csv::Position::line);
                errors.push(RowError {
                    line,
                    path: None,
                    column: None,
                    message: e.to_string(),
                });
                // A malformed record (wrong field count) is one bad row; an I/O or UTF-8 error ends
                // the file.
                if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    continue;
                }
                break;
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        let row_err = |column: &str, message: String| RowError {
            line: Some(line),
            path: None,
            column: Some(column.to_owned()),
            message,
        };
        let mut c = Candidate::default();
        let mut bad = false;
        for ((cell, col), header) in record.iter().zip(&columns).zip(headers.iter()) {
            match col {
                Column::Id => cell.trim().clone_into(&mut c.hris_id),
                Column::Name => c.name = non_empty(cell),
                Column::Stage => c.stage = non_empty(cell),
                Column::Label(k) => {
                    if let Some(v) = non_empty(cell) {
                        c.labels.insert(k.clone(), v);
                    }
                }
                Column::XHandle | Column::BlueskyHandle | Column::AnyHandle => {
                    let parse = col.handle_parser().unwrap_or(Handle::parse);
                    for piece in cell.split(';').filter(|p| !p.trim().is_empty()) {
                        match parse(piece) {
                            Ok(h) => c.push_handle(h),
                            Err(e) => {
                                bad = true;
                                errors.push(row_err(header, e.to_string()));
                            }
                        }
                    }
                }
                Column::Ignored => {}
            }
        }
        if c.hris_id.is_empty() {
            errors.push(row_err("hris_id", "empty hris_id".into()));
            continue;
        }
        if let Some(first) = seen.get(&c.hris_id) {
            errors.push(row_err(
                "hris_id",
                format!("hris_id {:?} already used on line {first}", c.hris_id),
            ));
            continue;
        }
        seen.insert(c.hris_id.clone(), line);
        if !bad {
            out.push(c);
        }
    }
    if !errors.is_empty() {
        return Err(CandidateError::Rows {
            file: name.to_owned(),
            errors,
        });
    }
    Ok(CandidateFile {
        candidates: out,
        ignored_columns: ignored,
    })
}
