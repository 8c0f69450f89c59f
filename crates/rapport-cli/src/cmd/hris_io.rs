//! Candidate exports in and scores out the way an HRIS or ATS handles them: CSV, JSON records or a
//! spreadsheet (.xlsx, .xls, .ods through calamine) with the export's own column names, and the scores
//! written back beside the export's columns, keyed by its HRIS id, as CSV, JSON, Parquet or .xlsx.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use calamine::{Data, Reader, open_workbook_auto};
use rapport_core::hris_columns::SourceTable;

use super::CmdError;

/// Reads an export: `.json` as records, `.xlsx`/`.xlsm`/`.xls`/`.ods` as a sheet (the first, or
/// `sheet`), anything else as CSV.
pub(crate) fn read_export(path: &Path, sheet: Option<&str>) -> Result<SourceTable, CmdError> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
            Ok(SourceTable::from_json(&text, &name)?)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_sheet(path, sheet),
        _ => {
            let f = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
            Ok(SourceTable::from_csv(std::io::BufReader::new(f), &name)?)
        }
    }
}

fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<SourceTable, CmdError> {
    let name = path.display().to_string();
    let mut wb = open_workbook_auto(path).map_err(|e| format!("{name}: {e}"))?;
    let names = wb.sheet_names();
    let sheet_name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(
                    format!("{name}: no sheet {s:?}; sheets found: {}", names.join(", ")).into(),
                );
            }
            s.to_owned()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format!("{name}: the workbook has no sheets"))?,
    };
    let range = wb
        .worksheet_range(&sheet_name)
        .map_err(|e| format!("{name}, sheet {sheet_name}: {e}"))?;
    let mut rows = range.rows();
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let headers: Vec<String> = rows
        .next()
        .ok_or_else(|| format!("{name}, sheet {sheet_name}: the sheet is empty"))?
        .iter()
        .map(|c| text_of(c).trim().to_owned())
        .collect();
    let mut t = SourceTable {
        name: format!("{name} (sheet {sheet_name})"),
        headers,
        ..SourceTable::default()
    };
    for (i, row) in rows.enumerate() {
        let cells: Vec<String> = row.iter().map(text_of).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue; // spreadsheets end in blank rows
        }
        t.rows.push(cells);
        // Row numbers as the spreadsheet shows them: 1-based, the header included.
        t.places.push(format!("row {}", first_row as usize + i + 2));
    }
    Ok(t)
}

/// A cell as text: whole numbers without `.0` (ids are often stored as numbers), dates as ISO 8601.
fn text_of(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_datetime().map_or_else(
            || d.to_string(),
            |t| t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        ),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Score columns that are numbers.
fn numeric(col: &str) -> bool {
    col == "score" || col == "interactions" || col.starts_with("c_")
}

/// The export's rows with the score columns after its own, matched on the HRIS id. The score
/// columns that repeat what the export says (`hris_id`, `name`, `hris_stage`) are left out; a score
/// column whose name the export already uses gets a `rapport_` prefix.
pub(crate) fn join(
    table: &SourceTable,
    key_column: usize,
    scores_csv: &[u8],
) -> Result<RecordBatch, CmdError> {
    let mut rdr = csv::Reader::from_reader(scores_csv);
    let score_headers: Vec<String> = rdr.headers()?.iter().map(str::to_owned).collect();
    let mut by_id: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = rec?;
        let id = rec.get(0).unwrap_or("").to_owned();
        by_id.insert(id, rec.iter().map(str::to_owned).collect());
    }
    let keep: Vec<usize> = score_headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !matches!(h.as_str(), "hris_id" | "name" | "hris_stage"))
        .map(|(i, _)| i)
        .collect();
    let mut fields: Vec<Field> = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (j, h) in table.headers.iter().enumerate() {
        fields.push(Field::new(h, DataType::Utf8, true));
        let v: Vec<Option<&str>> = table
            .rows
            .iter()
            .map(|r| r.get(j).map(String::as_str).filter(|s| !s.is_empty()))
            .collect();
        columns.push(Arc::new(StringArray::from(v)));
    }
    for &i in &keep {
        let h = &score_headers[i];
        let out_name = if table.headers.iter().any(|x| x.eq_ignore_ascii_case(h)) {
            format!("rapport_{h}")
        } else {
            h.clone()
        };
        let cells: Vec<Option<String>> = table
            .rows
            .iter()
            .map(|r| {
                let id = r.get(key_column).map_or("", |s| s.trim());
                by_id
                    .get(id)
                    .and_then(|s| s.get(i))
                    .filter(|s| !s.is_empty())
                    .cloned()
            })
            .collect();
        if numeric(h) {
            let v: Vec<Option<f64>> = cells
                .iter()
                .map(|c| c.as_deref().and_then(|s| s.parse().ok()))
                .collect();
            fields.push(Field::new(out_name, DataType::Float64, true));
            columns.push(Arc::new(Float64Array::from(v)));
        } else {
            fields.push(Field::new(out_name, DataType::Utf8, true));
            columns.push(Arc::new(StringArray::from(cells)));
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// The table as an .xlsx workbook (one sheet, `scores`, a bold header, numbers as numbers).
pub(crate) fn to_xlsx(batch: &RecordBatch) -> Result<Vec<u8>, CmdError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("scores")?;
    let bold = Format::new().set_bold();
    for (c, f) in batch.schema().fields().iter().enumerate() {
        ws.write_string_with_format(0, c as u16, f.name(), &bold)?;
    }
    for (c, col) in batch.columns().iter().enumerate() {
        if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
            for (r, v) in a.iter().enumerate() {
                if let Some(v) = v {
                    ws.write_number(r as u32 + 1, c as u16, v)?;
                }
            }
        } else if let Some(a) = col.as_any().downcast_ref::<StringArray>() {
            for (r, v) in a.iter().enumerate() {
                if let Some(v) = v {
                    ws.write_string(r as u32 + 1, c as u16, v)?;
                }
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// For `rapport score`: the export read through the column mapping (flags, then rapport.toml's
/// `[candidates.columns]`), when there is one, the file is a spreadsheet, or `--keep-columns` asks
/// for the export's columns in the output; `None` for a file in rapport's own format.
pub(crate) fn read_for_score(
    args: &super::score::Args,
    settings: &rapport_core::config::Settings,
) -> Result<Option<rapport_core::hris_columns::Mapped>, CmdError> {
    use rapport_core::hris_columns::{ColumnMap, map_candidates};
    let map = ColumnMap::from_config(&settings.candidate_columns, &args.map)?;
    let ext = args
        .candidates
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let sheet = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods");
    if map.is_empty() && !sheet && !args.keep_columns {
        if args.sheet.is_some() {
            return Err("--sheet is for spreadsheets (.xlsx, .xls, .ods)".into());
        }
        return Ok(None);
    }
    let table = read_export(&args.candidates, args.sheet.as_deref())?;
    Ok(Some(map_candidates(&table, &map)?))
}

/// The scores joined to the export, in `format`.
pub(crate) fn write_joined(
    m: &rapport_core::hris_columns::Mapped,
    scores_csv: &[u8],
    format: super::score::Format,
) -> Result<Vec<u8>, CmdError> {
    use super::score::Format;
    let batch = join(&m.table, m.key_column, scores_csv)?;
    let arrow_format = match format {
        Format::Xlsx => return to_xlsx(&batch),
        Format::Csv | Format::Text => rapport_arrow::Format::Csv,
        Format::Json => rapport_arrow::Format::Json,
        Format::Jsonl => rapport_arrow::Format::Jsonl,
        Format::Parquet => rapport_arrow::Format::Parquet,
    };
    let mut out = Vec::new();
    rapport_arrow::write_table(&batch, arrow_format, &mut out)?;
    Ok(out)
}

/// A table of text as a batch (numeric score columns as numbers), for the .xlsx of plain scores.
pub(crate) fn text_batch(t: &SourceTable) -> Result<RecordBatch, CmdError> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (j, h) in t.headers.iter().enumerate() {
        let cells = t
            .rows
            .iter()
            .map(|r| r.get(j).map(String::as_str).filter(|s| !s.is_empty()));
        if numeric(h) {
            let v: Vec<Option<f64>> = cells.map(|c| c.and_then(|s| s.parse().ok())).collect();
            fields.push(Field::new(h, DataType::Float64, true));
            columns.push(Arc::new(Float64Array::from(v)));
        } else {
            fields.push(Field::new(h, DataType::Utf8, true));
            columns.push(Arc::new(StringArray::from(cells.collect::<Vec<_>>())));
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}
