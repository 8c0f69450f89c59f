//! The candidate columns (CSV) and fields (JSON) both file formats read, matched case-insensitively.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Column {
    Id,
    Name,
    Stage,
    /// X handles or profile URLs.
    XHandle,
    /// Bluesky handles, DIDs or `bsky.app` profile URLs.
    BlueskyHandle,
    /// Handles of either platform, told apart by their shape ([`super::Handle::parse`]).
    AnyHandle,
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
        "x_handle" | "x" | "twitter" | "twitter_handle" => Column::XHandle,
        "bluesky" | "bluesky_handle" | "bsky" | "bsky_handle" => Column::BlueskyHandle,
        "handle" | "handles" => Column::AnyHandle,
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

/// Parses one cell of a handle column.
pub(super) type HandleParser = fn(&str) -> Result<super::Handle, super::HandleError>;

impl Column {
    /// The handle parser of a handle column.
    pub(super) fn handle_parser(&self) -> Option<HandleParser> {
        match self {
            Column::XHandle => Some(super::Handle::parse_x),
            Column::BlueskyHandle => Some(super::Handle::parse_bluesky),
            Column::AnyHandle => Some(super::Handle::parse),
            _ => None,
        }
    }
}
