//! Candidate files as HRIS and ATS systems export them: their own column names, the X handle in a
//! profile-URL column or somewhere in a free-text "social links" column.
//!
//! A [`ColumnMap`] says which of the export's columns holds what (`hris_id = "Employee ID"`,
//! `x = "Twitter"`, `x_url = "Profile URL"`, `links = "Social links"`, `name`, `stage`,
//! `label.KEY`), from `--map FIELD=COLUMN` flags or `[candidates.columns]` in rapport.toml. A field
//! not mapped falls back to rapport's own column name when the export has it. [`map_candidates`]
//! reads a [`SourceTable`] (CSV, JSON records, or a spreadsheet read by the caller) into the same
//! [`CandidateFile`] as [`read_candidates_csv`], with the same row checks, and keeps the table, so the
//! scores can go back out beside the export's other columns ([`Mapped::key_column`]).
//!
//! A mapping that names a column the file does not have fails with the list of the columns found.
//!
//! ```
//! use rapport_core::hris_columns::{ColumnMap, SourceTable, map_candidates};
//! let csv = "Employee ID,Full name,Social links\n\
//!            E-1,Ada,\"https://www.linkedin.com/in/ada, https://x.com/Ada_Codes\"\n\
//!            E-2,Bob,github.com/bob\n";
//! let table = SourceTable::from_csv(csv.as_bytes(), "export.csv").unwrap();
//! let map = ColumnMap::parse(["hris_id=Employee ID", "name=Full name", "links=Social links"]).unwrap();
//! let mapped = map_candidates(&table, &map).unwrap();
//! assert_eq!(mapped.file.candidates[0].handles[0].handle, "Ada_Codes");
//! assert!(mapped.file.candidates[1].handles.is_empty());
//!
//! let bad = ColumnMap::parse(["hris_id=Person ID"]).unwrap();
//! let e = map_candidates(&table, &bad).unwrap_err().to_string();
//! assert!(e.contains("\"Person ID\"") && e.contains("Employee ID, Full name, Social links"), "{e}");
//! ```
//!
//! [`read_candidates_csv`]: crate::candidates::read_candidates_csv

use std::collections::BTreeMap;

use serde_json::Value;

use crate::candidates::{CandidateError, CandidateFile, Handle, RowError, read_candidates_csv};

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The HRIS's own id (required).
    HrisId,
    /// The display name.
    Name,
    /// The pipeline stage.
    Stage,
    /// X handles (`@name`, `name`, a profile URL; several separated by `;`).
    X,
    /// A profile URL (`https://x.com/name`); other sites' URLs are left alone.
    XUrl,
    /// Free text with links (`https://linkedin.com/in/a, https://x.com/a`): every X profile link in it.
    Links,
    /// A label with this key.
    Label(String),
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        let l = s.trim().to_ascii_lowercase();
        Some(match l.as_str() {
            "hris_id" | "id" => Field::HrisId,
            "name" => Field::Name,
            "stage" => Field::Stage,
            "x" | "x_handle" | "twitter" | "handle" => Field::X,
            "x_url" | "profile_url" | "url" => Field::XUrl,
            "links" | "social_links" => Field::Links,
            _ => {
                let key = l
                    .strip_prefix("label.")
                    .or_else(|| l.strip_prefix("label:"))?;
                let key = s.trim()[s.trim().len() - key.len()..].trim();
                if key.is_empty() {
                    return None;
                }
                Field::Label(key.to_owned())
            }
        })
    }

    /// The field's name, as written in a mapping.
    pub fn name(&self) -> String {
        match self {
            Field::HrisId => "hris_id".into(),
            Field::Name => "name".into(),
            Field::Stage => "stage".into(),
            Field::X => "x".into(),
            Field::XUrl => "x_url".into(),
            Field::Links => "links".into(),
            Field::Label(k) => format!("label.{k}"),
        }
    }
}

/// Which column holds which field. `x`, `x_url`, `links` and labels may name several columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(Field, String)>,
}

/// A mapping that cannot be understood.
#[derive(Debug, thiserror::Error)]
#[error("column mapping {spec:?}: {message}")]
pub struct MapError {
    /// The mapping as given.
    pub spec: String,
    /// What was expected.
    pub message: String,
}

const FIELDS: &str = "hris_id, name, stage, x, x_url, links, label.KEY";

impl ColumnMap {
    /// Parses `FIELD=COLUMN` specs (`hris_id=Employee ID`; quotes around the column are dropped).
    pub fn parse<I: IntoIterator<Item = S>, S: AsRef<str>>(
        specs: I,
    ) -> Result<ColumnMap, MapError> {
        let mut m = ColumnMap::default();
        for spec in specs {
            let spec = spec.as_ref();
            let Some((f, c)) = spec.split_once('=') else {
                return Err(MapError {
                    spec: spec.to_owned(),
                    message: format!("expected FIELD=COLUMN, with FIELD one of {FIELDS}"),
                });
            };
            m.insert(f, c).map_err(|message| MapError {
                spec: spec.to_owned(),
                message,
            })?;
        }
        Ok(m)
    }

    /// A mapping from `[candidates.columns]` (field → column), then `specs` on top.
    pub fn from_config<S: AsRef<str>>(
        columns: &BTreeMap<String, String>,
        specs: &[S],
    ) -> Result<ColumnMap, MapError> {
        let mut m = ColumnMap::default();
        for (f, c) in columns {
            m.insert(f, c).map_err(|message| MapError {
                spec: format!("{f} = {c:?} in [candidates.columns]"),
                message,
            })?;
        }
        let flags = ColumnMap::parse(specs)?;
        for (f, c) in flags.entries {
            // A flag replaces the file's column for a single-column field.
            if matches!(f, Field::HrisId | Field::Name | Field::Stage) {
                m.entries.retain(|(g, _)| *g != f);
            }
            m.entries.push((f, c));
        }
        Ok(m)
    }

    fn insert(&mut self, field: &str, column: &str) -> Result<(), String> {
        let f = Field::parse(field)
            .ok_or_else(|| format!("unknown field {field:?}; expected one of {FIELDS}"))?;
        let c = column.trim().trim_matches('"').trim_matches('\'').trim();
        if c.is_empty() {
            return Err("the column name is empty".into());
        }
        if matches!(f, Field::HrisId | Field::Name | Field::Stage)
            && self.entries.iter().any(|(g, _)| *g == f)
        {
            return Err(format!("{} is mapped twice", f.name()));
        }
        self.entries.push((f, c.to_owned()));
        Ok(())
    }

    /// True when nothing is mapped (rapport's own column names are used).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[(Field, String)] {
        &self.entries
    }
}

/// A table read from an export: its header and its rows as text, and where each row came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceTable {
    /// The file name, for errors.
    pub name: String,
    /// The column names, in order.
    pub headers: Vec<String>,
    /// The cells, one `Vec` per row, as long as `headers`.
    pub rows: Vec<Vec<String>>,
    /// Where each row is, for errors: `line 3` (CSV), `$[2]` (JSON), `row 3` (a sheet).
    pub places: Vec<String>,
}

impl SourceTable {
    /// Reads CSV with a header row.
    pub fn from_csv<R: std::io::Read>(
        reader: R,
        name: &str,
    ) -> Result<SourceTable, CandidateError> {
        let fmt = |message: String| CandidateError::Format {
            file: name.to_owned(),
            message,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| fmt(e.to_string()))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        let mut t = SourceTable {
            name: name.to_owned(),
            headers,
            ..SourceTable::default()
        };
        for rec in rdr.records() {
            let rec = rec.map_err(|e| fmt(e.to_string()))?;
            let line = rec.position().map_or(0, csv::Position::line);
            t.rows.push(rec.iter().map(str::to_owned).collect());
            t.places.push(format!("line {line}"));
        }
        Ok(t)
    }

    /// Reads JSON records: an array of flat objects (or `{"candidates": [...]}`); numbers and booleans
    /// become text, arrays of strings are joined with `;`. The columns are the keys, in order of first
    /// appearance.
    pub fn from_json(text: &str, name: &str) -> Result<SourceTable, CandidateError> {
        let fmt = |message: String| CandidateError::Format {
            file: name.to_owned(),
            message,
        };
        let v: Value = serde_json::from_str(text).map_err(|e| {
            fmt(format!(
                "invalid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ))
        })?;
        let items = match &v {
            Value::Array(a) => a,
            Value::Object(o) => match o.get("candidates") {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(fmt(
                        "expected an array of records, or {\"candidates\": [...]}".into(),
                    ));
                }
            },
            _ => return Err(fmt("expected an array of records".into())),
        };
        let mut headers: Vec<String> = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let Value::Object(o) = it else {
                return Err(fmt(format!("$[{i}]: expected an object")));
            };
            for k in o.keys() {
                if !headers.contains(k) {
                    headers.push(k.clone());
                }
            }
        }
        let mut t = SourceTable {
            name: name.to_owned(),
            headers,
            ..SourceTable::default()
        };
        for (i, it) in items.iter().enumerate() {
            let mut row = Vec::with_capacity(t.headers.len());
            for h in &t.headers {
                let cell = match it.get(h) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(";"),
                    Some(other) => other.to_string(),
                };
                row.push(cell);
            }
            t.rows.push(row);
            t.places.push(format!("$[{i}]"));
        }
        Ok(t)
    }

    /// The index of a column (exact name, else case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name).or_else(|| {
            self.headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
        })
    }

    fn found(&self) -> String {
        self.headers.join(", ")
    }
}

/// Candidates read through a mapping, and the table they came from.
#[derive(Debug, Clone)]
pub struct Mapped {
    /// The candidates (as [`read_candidates_csv`] would give them).
    pub file: CandidateFile,
    /// The export as read.
    pub table: SourceTable,
    /// The column holding the HRIS id.
    pub key_column: usize,
}

/// Every X profile link in free text (`x.com/...`, `twitter.com/...`, with or without a scheme);
/// links to other sites and to posts are left out.
///
/// ```
/// use rapport_core::hris_columns::x_links_in;
/// let text = "LinkedIn: linkedin.com/in/ada | X: https://x.com/Ada_Codes?s=21, twitter.com/ada_alt/status/1";
/// assert_eq!(x_links_in(text), vec!["Ada_Codes".to_owned()]);
/// ```
pub fn x_links_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '|' | '<' | '>' | '(' | ')' | '[' | ']' | '"')
    }) {
        let t = token.trim_matches(|c: char| matches!(c, '.' | '\''));
        let lower = t.to_ascii_lowercase();
        let is_x = ["x.com/", "twitter.com/"].iter().any(|d| {
            lower.find(d).is_some_and(|i| {
                // the domain itself, not e.g. "box.com/" or "max.com/"
                i == 0 || matches!(lower.as_bytes()[i - 1], b'/' | b'.')
            })
        });
        if !is_x {
            continue;
        }
        if let Ok(h) = Handle::parse_x(t)
            && !out.iter().any(|o| o.eq_ignore_ascii_case(&h.handle))
        {
            out.push(h.handle);
        }
    }
    out
}

/// Reads candidates from an export through a mapping. Unmapped fields use rapport's column names
/// when the export has them (`hris_id`, `name`, `stage`, `x_handle`…); a mapped column the export
/// lacks, or no id column at all, is an error listing the columns found.
pub fn map_candidates(table: &SourceTable, map: &ColumnMap) -> Result<Mapped, CandidateError> {
    let missing = |what: String| CandidateError::Format {
        file: table.name.clone(),
        message: format!("{what}; columns found: {}", table.found()),
    };
    let mut cols: Vec<(Field, usize)> = Vec::new();
    for (f, c) in map.entries() {
        let i = table
            .column(c)
            .ok_or_else(|| missing(format!("no column {c:?} (mapped to {})", f.name())))?;
        cols.push((f.clone(), i));
    }
    // rapport's own names for what the mapping leaves out.
    let defaults: [(Field, &[&str]); 4] = [
        (Field::HrisId, &["hris_id"]),
        (Field::Name, &["name"]),
        (Field::Stage, &["stage"]),
        (
            Field::X,
            &[
                "x_handle",
                "x",
                "twitter",
                "twitter_handle",
                "handle",
                "handles",
            ],
        ),
    ];
    for (f, names) in defaults {
        if cols.iter().any(|(g, _)| *g == f) {
            continue;
        }
        for n in names {
            if let Some(i) = table.headers.iter().position(|h| h.eq_ignore_ascii_case(n)) {
                cols.push((f.clone(), i));
            }
        }
    }
    let Some(key_column) = cols
        .iter()
        .find_map(|(f, i)| (*f == Field::HrisId).then_some(*i))
    else {
        return Err(missing(
            "no HRIS id column: map one with --map hris_id=\"COLUMN\" (or hris_id in \
             [candidates.columns] of rapport.toml)"
                .to_owned(),
        ));
    };

    // The canonical CSV that read_candidates_csv checks: one record per source row, in order.
    let mut labels: Vec<String> = Vec::new();
    for (f, _) in &cols {
        if let Field::Label(k) = f
            && !labels.contains(k)
        {
            labels.push(k.clone());
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "hris_id".to_owned(),
        "name".into(),
        "stage".into(),
        "x_handle".into(),
    ];
    header.extend(labels.iter().map(|k| format!("label.{k}")));
    w.write_record(&header)
        .map_err(|e| missing(e.to_string()))?;
    let mut handle_errors: Vec<RowError> = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let cell = |i: usize| row.get(i).map_or("", String::as_str).trim();
        let one = |f: &Field| {
            cols.iter()
                .find(|(g, _)| g == f)
                .map_or(String::new(), |(_, i)| cell(*i).to_owned())
        };
        let mut handles: Vec<String> = Vec::new();
        for (f, i) in &cols {
            let c = cell(*i);
            if c.is_empty() {
                continue;
            }
            match f {
                Field::X => handles.extend(c.split(';').map(|s| s.trim().to_owned())),
                Field::XUrl => {
                    for piece in c.split([';', ',', ' ']).filter(|p| !p.trim().is_empty()) {
                        let lower = piece.to_ascii_lowercase();
                        if lower.contains("x.com/") || lower.contains("twitter.com/") {
                            handles.push(piece.trim().to_owned());
                        } else if !lower.contains('/') && !lower.contains('.') {
                            // A bare handle in a URL column.
                            handles.push(piece.trim().to_owned());
                        }
                    }
                }
                Field::Links => handles.extend(x_links_in(c)),
                _ => {}
            }
        }
        for h in &handles {
            if let Err(e) = Handle::parse_x(h) {
                handle_errors.push(RowError {
                    line: None,
                    path: Some(table.places.get(r).cloned().unwrap_or_default()),
                    column: None,
                    message: e.to_string(),
                });
            }
        }
        let mut rec = vec![
            one(&Field::HrisId),
            one(&Field::Name),
            one(&Field::Stage),
            handles.join(";"),
        ];
        for k in &labels {
            rec.push(one(&Field::Label(k.clone())));
        }
        w.write_record(&rec).map_err(|e| missing(e.to_string()))?;
    }
    if !handle_errors.is_empty() {
        return Err(CandidateError::Rows {
            file: table.name.clone(),
            errors: handle_errors,
        });
    }
    let bytes = w.into_inner().map_err(|e| missing(e.to_string()))?;
    let file = read_candidates_csv(bytes.as_slice(), &table.name).map_err(|e| match e {
        // Say where the row is in the export, not in the canonical CSV.
        CandidateError::Rows { file, errors } => CandidateError::Rows {
            file,
            errors: errors
                .into_iter()
                .map(|mut re| {
                    if let Some(l) = re.line.take() {
                        let idx = usize::try_from(l).unwrap_or(0).saturating_sub(2);
                        re.path = table.places.get(idx).cloned();
                    }
                    re
                })
                .collect(),
        },
        other => other,
    })?;
    let used: Vec<usize> = cols.iter().map(|(_, i)| *i).collect();
    let ignored = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, h)| h.clone())
        .collect();
    Ok(Mapped {
        file: CandidateFile {
            candidates: file.candidates,
            ignored_columns: ignored,
        },
        table: table.clone(),
        key_column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_url_column_and_rapport_names_as_fallback() {
        let csv = "hris_id,Profile,Stage\nE1,https://twitter.com/ada_codes,screen\nE2,,applied\nE3,ada2,\n";
        let t = SourceTable::from_csv(csv.as_bytes(), "f.csv").unwrap();
        let m = map_candidates(&t, &ColumnMap::parse(["x_url=Profile"]).unwrap()).unwrap();
        let c = &m.file.candidates;
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].handles[0].handle, "ada_codes");
        assert_eq!(
            c[0].stage.as_deref(),
            Some("screen"),
            "stage found by its own name"
        );
        assert!(c[1].handles.is_empty());
        assert_eq!(c[2].handles[0].handle, "ada2");
        assert_eq!(m.key_column, 0);
        assert!(m.file.ignored_columns.is_empty());
    }

    #[test]
    fn errors_point_at_the_exports_rows() {
        let csv = "Employee ID,Twitter\nE1,@ok_one\nE1,@dup\nE3,not a handle\n";
        let t = SourceTable::from_csv(csv.as_bytes(), "f.csv").unwrap();
        let map = ColumnMap::parse(["hris_id=Employee ID", "x=Twitter"]).unwrap();
        let e = map_candidates(&t, &map).unwrap_err().to_string();
        assert!(e.contains("line 4"), "{e}");
        let csv = "Employee ID,Twitter\nE1,@ok_one\nE1,@dup\n";
        let t = SourceTable::from_csv(csv.as_bytes(), "f.csv").unwrap();
        let e = map_candidates(&t, &map).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("already used"), "{e}");
        let e = map_candidates(&t, &ColumnMap::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no HRIS id column") && e.contains("Employee ID, Twitter"),
            "{e}"
        );
    }

    #[test]
    fn bad_mappings_say_what_is_expected() {
        let e = ColumnMap::parse(["hris_id"]).unwrap_err().to_string();
        assert!(e.contains("FIELD=COLUMN"), "{e}");
        let e = ColumnMap::parse(["salary=Pay"]).unwrap_err().to_string();
        assert!(e.contains("unknown field") && e.contains("hris_id"), "{e}");
        let e = ColumnMap::parse(["hris_id=A", "hris_id=B"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("mapped twice"), "{e}");
        let m = ColumnMap::parse(["label.Team=Department", "x=\"Twitter\""]).unwrap();
        assert_eq!(m.entries()[0].0, Field::Label("Team".into()));
        assert_eq!(m.entries()[1].1, "Twitter");
    }

    #[test]
    fn json_records_and_the_config_mapping() {
        let json = r#"[{"Employee ID": 17, "Links": ["https://x.com/ada", "https://github.com/ada"], "Team": "platform"},
                       {"Employee ID": 18, "Links": null}]"#;
        let t = SourceTable::from_json(json, "f.json").unwrap();
        assert_eq!(t.headers, vec!["Employee ID", "Links", "Team"]);
        let mut cfg = BTreeMap::new();
        cfg.insert("hris_id".to_owned(), "Employee ID".to_owned());
        cfg.insert("links".to_owned(), "Links".to_owned());
        let map = ColumnMap::from_config(&cfg, &["label.team=Team"]).unwrap();
        let m = map_candidates(&t, &map).unwrap();
        assert_eq!(m.file.candidates[0].hris_id, "17");
        assert_eq!(m.file.candidates[0].handles[0].handle, "ada");
        assert_eq!(m.file.candidates[0].labels["team"], "platform");
        assert!(m.file.candidates[1].handles.is_empty());
    }

    #[test]
    fn links_ignore_lookalike_domains() {
        assert!(x_links_in("https://box.com/ada https://max.com/x").is_empty());
        assert_eq!(x_links_in("mobile.twitter.com/Ada"), vec!["Ada".to_owned()]);
    }
}
