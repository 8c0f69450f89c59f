//! Fairness audit: selection or scoring rates and impact ratios per group, in the shape of a New York
//! City Local Law 144 bias-audit table.
//!
//! The employer supplies the group labels ([`GroupLabels`]): one value per category (for example `sex`
//! and `race_ethnicity`) per person, collected with consent for auditing only. **rapport never infers a
//! group from social data**, and labels are never joined into any score: this module only reads the
//! outcome of a ranking that has already run.
//!
//! - For a **selection** (top k, or everyone above a threshold: [`Outcome::top_k`],
//!   [`Outcome::threshold`]), a group's *selection rate* is selected / members.
//! - For a **continuous score** ([`Outcome::Scores`]), a group's *scoring rate* is the share of its
//!   members who score above the median of the full sample (every scored person, labelled or not).
//! - The *impact ratio* of a group is its rate divided by the highest rate among the groups of its
//!   category; a ratio below 0.8 is flagged (the EEOC four-fifths rule, 29 CFR 1607.4(D)).
//! - Every category gets its own table, and so does the intersection of all categories (for example
//!   sex × race/ethnicity). People without a label in a category are counted as unknown and left out
//!   of that table's rates, as LL144 requires.
//! - Groups smaller than [`FairnessOptions::min_group_size`] are marked `small_group` (their rates
//!   are unstable); with [`FairnessOptions::exclude_below_share`] (LL144 allows 2%) groups below that
//!   share of the sample are listed but left out of the impact-ratio calculation.
//!
//! ```
//! use rapport_core::fairness::{FairnessOptions, GroupLabels, Outcome, impact_ratios};
//! let mut labels = GroupLabels::new(["sex"]).unwrap();
//! for (id, sex) in [("1", "F"), ("2", "F"), ("3", "M"), ("4", "M")] {
//!     labels.insert(id, &[Some(sex)]).unwrap();
//! }
//! // 1 of 2 women and 2 of 2 men selected: impact ratio of women = 0.5 / 1.0.
//! let audit = impact_ratios(&["1", "2", "3", "4"], &Outcome::Selected(vec![true, false, true, true]),
//!                           &labels, &FairnessOptions::default()).unwrap();
//! let f = audit.tables[0].group("F").unwrap();
//! assert_eq!((f.rate, f.impact_ratio, f.below_four_fifths), (0.5, Some(0.5), true));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::error::Error;

/// Group labels supplied by the employer: per person (an account id or any other subject id), one
/// optional value per category. A missing person or a `None` value is *unknown*.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLabels {
    /// The categories, in order (for example `["sex", "race_ethnicity"]`).
    pub categories: Vec<String>,
    labels: HashMap<String, Vec<Option<String>>>,
}

impl GroupLabels {
    /// Labels over these categories (at least one, no duplicates, none empty).
    pub fn new<S: AsRef<str>>(
        categories: impl IntoIterator<Item = S>,
    ) -> Result<GroupLabels, Error> {
        let categories: Vec<String> = categories
            .into_iter()
            .map(|c| c.as_ref().trim().to_owned())
            .collect();
        let mut sorted = categories.clone();
        sorted.sort();
        sorted.dedup();
        if categories.is_empty()
            || sorted.len() != categories.len()
            || sorted.iter().any(String::is_empty)
        {
            return Err(Error::InvalidParameter {
                name: "categories",
                found: format!("{categories:?}"),
                expected: "at least one category name, none empty, no duplicates",
            });
        }
        Ok(GroupLabels {
            categories,
            labels: HashMap::new(),
        })
    }

    /// Sets one person's labels, one per category (`None` or an empty string for unknown).
    pub fn insert(
        &mut self,
        subject: impl Into<String>,
        values: &[Option<&str>],
    ) -> Result<(), Error> {
        if values.len() != self.categories.len() {
            return Err(Error::InvalidParameter {
                name: "group labels",
                found: format!("{} values", values.len()),
                expected: "one value (or None) per category",
            });
        }
        let v = values
            .iter()
            .map(|x| {
                x.map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .collect();
        self.labels.insert(subject.into(), v);
        Ok(())
    }

    /// Reads labels from CSV: a header `id,<category>,<category>...`, then one row per person; an empty
    /// cell is unknown. `name` is used in error messages.
    ///
    /// ```
    /// use rapport_core::fairness::GroupLabels;
    /// let l = GroupLabels::from_csv_reader("id,sex,race\n1,F,A\n2,,B\n".as_bytes(), "labels.csv").unwrap();
    /// assert_eq!(l.get("2", 0), None);
    /// assert_eq!(l.get("2", 1), Some("B"));
    /// let err = GroupLabels::from_csv_reader("id,sex\n1,F,extra\n".as_bytes(), "labels.csv").unwrap_err();
    /// assert!(err.to_string().contains("labels.csv, line 2"));
    /// ```
    pub fn from_csv_reader(reader: impl std::io::Read, name: &str) -> Result<GroupLabels, Error> {
        let err = |line: u64, message: String| Error::LabelFile {
            file: name.to_owned(),
            line,
            message,
        };
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(reader);
        let header = r.headers().map_err(|e| err(1, e.to_string()))?.clone();
        if header.len() < 2 || !header[0].trim().eq_ignore_ascii_case("id") {
            return Err(err(
                1,
                format!(
                    "expected a header `id,<category>,...`, found `{}`",
                    header.iter().collect::<Vec<_>>().join(",")
                ),
            ));
        }
        let mut out = GroupLabels::new(header.iter().skip(1)).map_err(|e| err(1, e.to_string()))?;
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                err(line, format!("expected {} columns: {e}", header.len()))
            })?;
            let line = rec.position().map_or(0, csv::Position::line);
            let id = rec[0].trim();
            if id.is_empty() {
                return Err(err(
                    line,
                    "expected an id in the first column, found an empty cell".into(),
                ));
            }
            let vals: Vec<Option<&str>> = rec.iter().skip(1).map(Some).collect();
            out.insert(id, &vals)?;
        }
        Ok(out)
    }

    /// A person's value in category `k` (`None` when unknown).
    pub fn get(&self, subject: &str, k: usize) -> Option<&str> {
        self.labels
            .get(subject)
            .and_then(|v| v.get(k))
            .and_then(|x| x.as_deref())
    }

    /// Number of people with labels.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether no one has labels.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// The outcome of a ranking run, per person, aligned with the subjects given to [`impact_ratios`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Who was selected (shortlisted, advanced, shown to the recruiter).
    Selected(Vec<bool>),
    /// A continuous score (rated by the share above the full sample's median).
    Scores(Vec<f64>),
}

impl Outcome {
    /// The `k` highest scores selected (ties at the cut broken by position: the earlier wins).
    ///
    /// ```
    /// use rapport_core::fairness::Outcome;
    /// assert_eq!(Outcome::top_k(&[0.2, 0.9, 0.5], 2), Outcome::Selected(vec![false, true, true]));
    /// ```
    pub fn top_k(scores: &[f64], k: usize) -> Outcome {
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let mut sel = vec![false; scores.len()];
        for &i in order.iter().take(k) {
            sel[i] = true;
        }
        Outcome::Selected(sel)
    }

    /// Everyone scoring at least `threshold` selected.
    pub fn threshold(scores: &[f64], threshold: f64) -> Outcome {
        Outcome::Selected(scores.iter().map(|&s| s >= threshold).collect())
    }

    fn len(&self) -> usize {
        match self {
            Outcome::Selected(v) => v.len(),
            Outcome::Scores(v) => v.len(),
        }
    }
}

/// The knobs of the audit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FairnessOptions {
    /// Impact ratios below this are flagged (default 0.8, the four-fifths rule).
    pub flag_below: f64,
    /// Groups with fewer members are marked `small_group` (default 30).
    pub min_group_size: usize,
    /// Groups below this share of the sample are left out of the impact ratios (LL144 allows 0.02);
    /// `None` (default) keeps every group.
    pub exclude_below_share: Option<f64>,
    /// Also tabulate the intersection of all categories (default true; needs two or more categories).
    pub intersections: bool,
}

impl Default for FairnessOptions {
    fn default() -> Self {
        FairnessOptions {
            flag_below: 0.8,
            min_group_size: 30,
            exclude_below_share: None,
            intersections: true,
        }
    }
}

/// One group's row of a bias-audit table.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct GroupRow {
    /// The group (for an intersection, the values joined by ` × `).
    pub group: String,
    /// Members with this label.
    pub count: usize,
    /// Members selected (selection) or scoring above the sample median (scoring).
    pub positive: usize,
    /// positive / count.
    pub rate: f64,
    /// rate / the highest rate of the table's included groups; `None` when the group is excluded or
    /// every included rate is 0.
    pub impact_ratio: Option<f64>,
    /// `impact_ratio < flag_below`.
    pub below_four_fifths: bool,
    /// count < `min_group_size`.
    pub small_group: bool,
    /// Left out of the impact ratios (below `exclude_below_share` of the sample).
    pub excluded: bool,
    /// count / the sample size.
    pub share: f64,
}

/// The table of one category (or of the intersection).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryTable {
    /// The category (for the intersection, the categories joined by ` × `).
    pub category: String,
    /// One row per group, by group name.
    pub rows: Vec<GroupRow>,
    /// People without a label in this category (for the intersection: in any category), left out of
    /// the rates.
    pub unknown: usize,
    /// The group with the highest rate among the included ones (the first by name on a tie).
    pub highest_group: Option<String>,
    /// The lowest impact ratio (fairlearn's `demographic_parity_ratio` over the included groups).
    pub min_impact_ratio: Option<f64>,
}

impl CategoryTable {
    /// The row of a group.
    pub fn group(&self, g: &str) -> Option<&GroupRow> {
        self.rows.iter().find(|r| r.group == g)
    }
}

/// A bias audit of one outcome: one table per category and one for their intersection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FairnessAudit {
    /// `"selection"` or `"scoring"`.
    pub mode: &'static str,
    /// People in the sample (labelled or not).
    pub sample_size: usize,
    /// People selected, or scoring above the median.
    pub positive: usize,
    /// The median score of the full sample (scoring only).
    pub median: Option<f64>,
    /// The tables.
    pub tables: Vec<CategoryTable>,
    /// Human-readable warnings (small groups, unknown labels, undefined ratios).
    pub warnings: Vec<String>,
    /// The options used.
    pub options: FairnessOptions,
}

impl FairnessAudit {
    /// The table of a category (or of the intersection, named `a × b`).
    pub fn table(&self, category: &str) -> Option<&CategoryTable> {
        self.tables.iter().find(|t| t.category == category)
    }

    /// Whether any included group is flagged by the four-fifths rule.
    pub fn any_flag(&self) -> bool {
        self.tables
            .iter()
            .flat_map(|t| &t.rows)
            .any(|r| r.below_four_fifths)
    }
}

/// The bias audit of an outcome over `subjects` (ids aligned with the outcome) and their labels.
pub fn impact_ratios<S: AsRef<str>>(
    subjects: &[S],
    outcome: &Outcome,
    labels: &GroupLabels,
    opts: &FairnessOptions,
) -> Result<FairnessAudit, Error> {
    if outcome.len() != subjects.len() {
        return Err(Error::InvalidParameter {
            name: "outcome",
            found: format!("{} outcomes for {} subjects", outcome.len(), subjects.len()),
            expected: "one outcome per subject",
        });
    }
    if subjects.is_empty() {
        return Err(Error::InvalidParameter {
            name: "subjects",
            found: "an empty sample".into(),
            expected: "at least one subject",
        });
    }
    if !(opts.flag_below.is_finite() && opts.flag_below > 0.0 && opts.flag_below <= 1.0) {
        return Err(Error::InvalidParameter {
            name: "flag_below",
            found: opts.flag_below.to_string(),
            expected: "a ratio in (0, 1]",
        });
    }
    if let Some(s) = opts.exclude_below_share
        && !(s.is_finite() && (0.0..1.0).contains(&s))
    {
        return Err(Error::InvalidParameter {
            name: "exclude_below_share",
            found: s.to_string(),
            expected: "a share in [0, 1)",
        });
    }
    let (positive, median, mode): (Vec<bool>, Option<f64>, &'static str) = match outcome {
        Outcome::Selected(v) => (v.clone(), None, "selection"),
        Outcome::Scores(v) => {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return Err(Error::InvalidParameter {
                    name: "scores",
                    found: format!("{} at position {i}", v[i]),
                    expected: "finite scores",
                });
            }
            let m = crate::time::median(&mut v.clone()).unwrap_or(0.0);
            (v.iter().map(|&x| x > m).collect(), Some(m), "scoring")
        }
    };
    let n = subjects.len();
    let k = labels.categories.len();
    let mut tables = Vec::new();
    let mut warnings = Vec::new();
    let mut specs: Vec<(String, Vec<usize>)> = (0..k)
        .map(|c| (labels.categories[c].clone(), vec![c]))
        .collect();
    if opts.intersections && k >= 2 {
        specs.push((labels.categories.join(" × "), (0..k).collect()));
    }
    for (name, cats) in specs {
        let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut unknown = 0;
        for (i, s) in subjects.iter().enumerate() {
            let vals: Option<Vec<&str>> = cats.iter().map(|&c| labels.get(s.as_ref(), c)).collect();
            match vals {
                None => unknown += 1,
                Some(v) => {
                    let e = groups.entry(v.join(" × ")).or_default();
                    e.0 += 1;
                    e.1 += usize::from(positive[i]);
                }
            }
        }
        let mut rows: Vec<GroupRow> = groups
            .into_iter()
            .map(|(group, (count, pos))| {
                let share = count as f64 / n as f64;
                GroupRow {
                    group,
                    count,
                    positive: pos,
                    rate: pos as f64 / count as f64,
                    impact_ratio: None,
                    below_four_fifths: false,
                    small_group: count < opts.min_group_size,
                    excluded: opts.exclude_below_share.is_some_and(|s| share < s),
                    share,
                }
            })
            .collect();
        let best = rows
            .iter()
            .filter(|r| !r.excluded)
            .fold(None::<&GroupRow>, |b, r| match b {
                Some(b) if b.rate >= r.rate => Some(b),
                _ => Some(r),
            })
            .map(|r| (r.group.clone(), r.rate));
        let mut highest_group = None;
        match best {
            Some((g, max)) if max > 0.0 => {
                for r in rows.iter_mut().filter(|r| !r.excluded) {
                    let ir = r.rate / max;
                    r.impact_ratio = Some(ir);
                    r.below_four_fifths = ir < opts.flag_below;
                }
                highest_group = Some(g);
            }
            Some(_) => warnings.push(format!(
                "{name}: every included group has a rate of 0, so impact ratios are undefined"
            )),
            None => warnings.push(format!("{name}: no labelled group to compare")),
        }
        if unknown > 0 {
            warnings.push(format!(
                "{name}: {unknown} of {n} people have no label and are left out"
            ));
        }
        let small: Vec<&str> = rows
            .iter()
            .filter(|r| r.small_group)
            .map(|r| r.group.as_str())
            .collect();
        if !small.is_empty() {
            warnings.push(format!(
                "{name}: groups with fewer than {} people, whose rates are unstable: {}",
                opts.min_group_size,
                small.join(", ")
            ));
        }
        let excluded: Vec<&str> = rows
            .iter()
            .filter(|r| r.excluded)
            .map(|r| r.group.as_str())
            .collect();
        if !excluded.is_empty() {
            warnings.push(format!(
                "{name}: groups below {:.1}% of the sample left out of the impact ratios: {}",
                opts.exclude_below_share.unwrap_or(0.0) * 100.0,
                excluded.join(", ")
            ));
        }
        let min_impact_ratio = rows.iter().filter_map(|r| r.impact_ratio).reduce(f64::min);
        tables.push(CategoryTable {
            category: name,
            rows,
            unknown,
            highest_group,
            min_impact_ratio,
        });
    }
    Ok(FairnessAudit {
        mode,
        sample_size: n,
        positive: positive.iter().filter(|&&p| p).count(),
        median,
        tables,
        warnings,
        options: *opts,
    })
}

/// `docs/fairness.md`, whose examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/fairness.md")]
pub struct FairnessGuide;
