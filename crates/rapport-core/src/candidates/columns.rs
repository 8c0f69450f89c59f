//! The candidate columns (CSV) and fields (JSON) both file formats read, matched case-insensitively.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Column {
    Id,
    Name,
    Stage,
    XHandle,
    Label(String),
    Ignored,
}

pub(super) fn column_of(header: &str) -> Column {
    let h = header.trim().trim_start_matches('\u{feff}');
    let l = h.to_ascii_lowercase();
    match l.as_str() {
        "hris_id" => Column::Id,
        "name" => Column::Name,
        "stage" => Column::Stage,
        "x_handle" | "x" | "twitter" | "twitter_handle" | "handle" | "handles" => Column::XHandle,
        _ => {
            let key = h
                .get(..6)
                .filter(|p| p.eq_ignore_ascii_case("label.") || p.eq_ignore_ascii_case("label:"))
                .map(|_| h[6..].trim());
            match key {
                Some(k) if !k.is_empty() => Column::Label(k.to_owned()),
                _ => Column::Ignored,
            }
        }
    }
}

pub(super) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
