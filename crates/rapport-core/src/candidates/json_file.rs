//! Reading candidates from JSON.

use std::collections::BTreeMap;

use serde_json::Value;

use super::HandleError;
use super::columns::{Column, column_of, non_empty};
use super::handle::platform_from_str;
use super::{Candidate, CandidateError, CandidateFile, Handle, RowError};
use crate::model::Platform;

/// Reads candidates from JSON (see the [module docs](super) for the fields). `name` names the source in
/// errors.
///
/// ```
/// use rapport_core::candidates::read_candidates_json;
/// let json = r#"[{"hris_id": 17, "handles": ["@ada", {"platform": "x", "handle": "x.com/ada2"}],
///                 "labels": {"req": 4411}}]"#;
/// let f = read_candidates_json(json, "c.json").unwrap();
/// assert_eq!(f.candidates[0].hris_id, "17");
/// assert_eq!(f.candidates[0].handles[1].handle, "ada2");
/// assert_eq!(f.candidates[0].labels["req"], "4411");
/// ```
pub fn read_candidates_json(text: &str, name: &str) -> Result<CandidateFile, CandidateError> {
    let v: Value = serde_json::from_str(text).map_err(|e| CandidateError::Format {
        file: name.to_owned(),
        message: format!(
            "invalid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        ),
    })?;
    let (items, prefix) = match v {
        Value::Array(a) => (a, "$".to_owned()),
        Value::Object(mut o) => match o.remove("candidates") {
            Some(Value::Array(a)) => (a, "$.candidates".to_owned()),
            _ => {
                return Err(CandidateError::Format {
                    file: name.to_owned(),
                    message: "expected an array of candidates or {\"candidates\": [...]}".into(),
                });
            }
        },
        other => {
            return Err(CandidateError::Format {
                file: name.to_owned(),
                message: format!(
                    "expected an array of candidates, found {}",
                    json_kind(&other)
                ),
            });
        }
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{prefix}[{i}]");
        let err = |field: &str, path: String, message: String| RowError {
            line: None,
            path: Some(path),
            column: Some(field.to_owned()),
            message,
        };
        let Value::Object(obj) = item else {
            errors.push(RowError {
                line: None,
                path: Some(at.clone()),
                column: None,
                message: format!("expected an object, found {}", json_kind(item)),
            });
            continue;
        };
        let before = errors.len();
        let mut c = Candidate::default();
        for (k, val) in obj {
            let path = format!("{at}.{k}");
            match column_of(k) {
                Column::Id => match val {
                    Value::String(s) => s.trim().clone_into(&mut c.hris_id),
                    Value::Number(n) => c.hris_id = n.to_string(),
                    other => errors.push(err(
                        k,
                        path,
                        format!("expected a string or integer, found {}", json_kind(other)),
                    )),
                },
                Column::Name | Column::Stage => {
                    let slot = if column_of(k) == Column::Name {
                        &mut c.name
                    } else {
                        &mut c.stage
                    };
                    match val {
                        Value::Null => {}
                        Value::String(s) => *slot = non_empty(s),
                        other => errors.push(err(
                            k,
                            path,
                            format!("expected a string, found {}", json_kind(other)),
                        )),
                    }
                }
                col @ (Column::XHandle | Column::BlueskyHandle | Column::AnyHandle) => {
                    let parse = col.handle_parser().unwrap_or(Handle::parse);
                    json_handles(k, parse, val, &path, &mut c, &mut errors);
                }
                Column::Label(_) | Column::Ignored if k == "labels" => {
                    json_labels(val, &path, &mut c, &mut errors);
                }
                Column::Label(key) => match label_value(val) {
                    Some(Some(v)) => {
                        c.labels.insert(key, v);
                    }
                    Some(None) => {}
                    None => errors.push(err(
                        k,
                        path,
                        format!("expected a string or number, found {}", json_kind(val)),
                    )),
                },
                Column::Ignored => {
                    if !ignored.iter().any(|x| x == k) {
                        ignored.push(k.clone());
                    }
                }
            }
        }
        if c.hris_id.is_empty() && errors.len() == before {
            errors.push(err(
                "hris_id",
                format!("{at}.hris_id"),
                "missing or empty hris_id".into(),
            ));
        }
        if errors.len() != before {
            continue;
        }
        if let Some(first) = seen.get(&c.hris_id) {
            errors.push(err(
                "hris_id",
                format!("{at}.hris_id"),
                format!("hris_id {:?} already used at {first}", c.hris_id),
            ));
            continue;
        }
        seen.insert(c.hris_id.clone(), at);
        out.push(c);
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

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `Some(Some(v))` for a usable label value, `Some(None)` for null or empty, `None` for a bad type.
#[allow(clippy::option_option)] // three outcomes, each handled at the two call sites
fn label_value(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => Some(non_empty(s)),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        _ => None,
    }
}

fn json_labels(val: &Value, path: &str, c: &mut Candidate, errors: &mut Vec<RowError>) {
    let Value::Object(o) = val else {
        if !val.is_null() {
            errors.push(RowError {
                line: None,
                path: Some(path.to_owned()),
                column: Some("labels".into()),
                message: format!("expected an object, found {}", json_kind(val)),
            });
        }
        return;
    };
    for (k, v) in o {
        match label_value(v) {
            Some(Some(s)) => {
                c.labels.insert(k.clone(), s);
            }
            Some(None) => {}
            None => errors.push(RowError {
                line: None,
                path: Some(format!("{path}.{k}")),
                column: Some("labels".into()),
                message: format!("expected a string or number, found {}", json_kind(v)),
            }),
        }
    }
}

fn json_handles(
    field: &str,
    parse: fn(&str) -> Result<Handle, HandleError>,
    val: &Value,
    path: &str,
    c: &mut Candidate,
    errors: &mut Vec<RowError>,
) {
    let mut push_err = |p: String, message: String| {
        errors.push(RowError {
            line: None,
            path: Some(p),
            column: Some(field.to_owned()),
            message,
        });
    };
    let one =
        |v: &Value, p: String, c: &mut Candidate, push_err: &mut dyn FnMut(String, String)| match v
        {
            Value::String(s) => {
                for piece in s.split(';').filter(|x| !x.trim().is_empty()) {
                    match parse(piece) {
                        Ok(h) => c.push_handle(h),
                        Err(e) => push_err(p.clone(), e.to_string()),
                    }
                }
            }
            Value::Object(o) => {
                let platform = match o.get("platform") {
                    None | Some(Value::Null) => Some(Platform::X),
                    Some(Value::String(s)) => platform_from_str(s),
                    Some(_) => None,
                };
                let Some(platform) = platform else {
                    push_err(
                        format!("{p}.platform"),
                        "unknown platform: expected \"x\" or \"bluesky\"".into(),
                    );
                    return;
                };
                let Some(Value::String(h)) = o.get("handle") else {
                    push_err(format!("{p}.handle"), "expected a string \"handle\"".into());
                    return;
                };
                let parsed = if platform == Platform::X {
                    Handle::parse_x(h)
                } else if platform == Platform::Bluesky {
                    Handle::parse_bluesky(h)
                } else {
                    let t = h.trim().trim_start_matches('@');
                    if t.is_empty() {
                        Err(HandleError::Empty)
                    } else {
                        Ok(Handle {
                            platform,
                            handle: t.to_owned(),
                        })
                    }
                };
                match parsed {
                    Ok(h) => c.push_handle(h),
                    Err(e) => push_err(format!("{p}.handle"), e.to_string()),
                }
            }
            Value::Null => {}
            other => push_err(
                p,
                format!(
                    "expected a handle string or object, found {}",
                    json_kind(other)
                ),
            ),
        };
    match val {
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                one(v, format!("{path}[{i}]"), c, &mut push_err);
            }
        }
        v => one(v, path.to_owned(), c, &mut push_err),
    }
}
