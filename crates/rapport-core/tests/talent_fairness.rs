//! The bias audit: a hand-checked case, a cross-check against fairlearn, and property tests.
//!
//! The cross-check data (55 people) is generated the same way here and in Python. fairlearn 0.15.0
//! gave these numbers (outside the repository, in a throwaway venv):
//!
//! ```python
//! import numpy as np, pandas as pd
//! from fairlearn.metrics import selection_rate, demographic_parity_ratio, MetricFrame
//! rows = []
//! for i in range(55):
//!     sex = ("F" if i % 5 < 2 else "M") if i < 50 else None
//!     race = "A" if i % 7 < 3 else ("B" if i % 7 < 5 else "C")
//!     sel = (i * 13) % 10 < 3
//!     score = float((i * 29) % 17) + (i % 3) * 0.5
//!     rows.append((i, sex, race, sel, score))
//! df = pd.DataFrame(rows, columns=["i", "sex", "race", "sel", "score"])
//! med = float(np.median(df.score))            # the median of the full sample: 8.0
//! df["above"] = df.score > med
//! known = df[df.sex.notna()]
//! for col in ["sel", "above"]:
//!     for feats in (["sex"], ["race"], ["sex", "race"]):
//!         d = known if "sex" in feats else df
//!         mf = MetricFrame(metrics=selection_rate, y_true=d[col], y_pred=d[col],
//!                          sensitive_features=d[feats])
//!         print(col, feats, mf.by_group.to_dict(),
//!               demographic_parity_ratio(d[col], d[col], sensitive_features=d[feats]))
//! ```
//!
//! ```text
//! sel ['sex'] {'F': 0.25, 'M': 0.333333333333} dp_ratio 0.75
//! sel ['race'] {'A': 0.291666666667, 'B': 0.25, 'C': 0.4} dp_ratio 0.625
//! sel ['sex', 'race'] {('F','A'): 0.25, ('F','B'): 0.166666666667, ('F','C'): 0.333333333333,
//!                      ('M','A'): 0.285714285714, ('M','B'): 0.375, ('M','C'): 0.375} dp_ratio 0.444444444444
//! above ['sex'] {'F': 0.55, 'M': 0.5} dp_ratio 0.909090909091
//! above ['race'] {'A': 0.5, 'B': 0.75, 'C': 0.2} dp_ratio 0.266666666667
//! above ['sex', 'race'] {('F','A'): 0.5, ('F','B'): 0.833333333333, ('F','C'): 0.333333333333,
//!                        ('M','A'): 0.571428571429, ('M','B'): 0.75, ('M','C'): 0.125} dp_ratio 0.15
//! ```

use proptest::prelude::*;
use rapport_core::Error;
use rapport_core::fairness::{FairnessOptions, GroupLabels, Outcome, impact_ratios};

fn data() -> (Vec<String>, GroupLabels, Vec<bool>, Vec<f64>) {
    let mut labels = GroupLabels::new(["sex", "race"]).unwrap();
    let (mut ids, mut sel, mut scores) = (vec![], vec![], vec![]);
    for i in 0..55u32 {
        let sex = (i < 50).then_some(if i % 5 < 2 { "F" } else { "M" });
        let race = if i % 7 < 3 {
            "A"
        } else if i % 7 < 5 {
            "B"
        } else {
            "C"
        };
        ids.push(format!("acct{i}"));
        labels
            .insert(format!("acct{i}"), &[sex, Some(race)])
            .unwrap();
        sel.push((i * 13) % 10 < 3);
        scores.push(f64::from((i * 29) % 17) + f64::from(i % 3) * 0.5);
    }
    (ids, labels, sel, scores)
}

fn check(
    audit: &rapport_core::fairness::FairnessAudit,
    category: &str,
    rates: &[(&str, f64)],
    dp_ratio: f64,
) {
    let t = audit.table(category).unwrap();
    assert_eq!(t.rows.len(), rates.len(), "{category}");
    for (g, r) in rates {
        let row = t
            .group(g)
            .unwrap_or_else(|| panic!("{category}: no group {g}"));
        assert!(
            (row.rate - r).abs() < 1e-9,
            "{category} {g}: {} vs fairlearn {r}",
            row.rate
        );
    }
    assert!(
        (t.min_impact_ratio.unwrap() - dp_ratio).abs() < 1e-9,
        "{category}"
    );
}

#[test]
fn selection_rates_agree_with_fairlearn() {
    let (ids, labels, sel, _) = data();
    let a = impact_ratios(
        &ids,
        &Outcome::Selected(sel),
        &labels,
        &FairnessOptions::default(),
    )
    .unwrap();
    assert_eq!(a.mode, "selection");
    check(&a, "sex", &[("F", 0.25), ("M", 1.0 / 3.0)], 0.75);
    check(
        &a,
        "race",
        &[("A", 0.291_666_666_667), ("B", 0.25), ("C", 0.4)],
        0.625,
    );
    check(
        &a,
        "sex × race",
        &[
            ("F × A", 0.25),
            ("F × B", 1.0 / 6.0),
            ("F × C", 1.0 / 3.0),
            ("M × A", 0.285_714_285_714),
            ("M × B", 0.375),
            ("M × C", 0.375),
        ],
        0.444_444_444_444,
    );
    let sex = a.table("sex").unwrap();
    assert_eq!(sex.unknown, 5); // acct50..54 have no sex label
    assert_eq!(a.table("race").unwrap().unknown, 0);
    assert_eq!(a.table("sex × race").unwrap().unknown, 5);
    assert_eq!(sex.highest_group.as_deref(), Some("M"));
    assert_eq!(sex.group("M").unwrap().impact_ratio, Some(1.0));
    // F: 0.25 / (1/3) = 0.75 < 0.8: flagged.
    assert!(sex.group("F").unwrap().below_four_fifths);
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("5 of 55 people have no label"))
    );
}

#[test]
fn scoring_rates_agree_with_fairlearn() {
    let (ids, labels, _, scores) = data();
    let a = impact_ratios(
        &ids,
        &Outcome::Scores(scores),
        &labels,
        &FairnessOptions::default(),
    )
    .unwrap();
    assert_eq!(a.mode, "scoring");
    assert_eq!(a.median, Some(8.0));
    check(&a, "sex", &[("F", 0.55), ("M", 0.5)], 0.909_090_909_091);
    check(
        &a,
        "race",
        &[("A", 0.5), ("B", 0.75), ("C", 0.2)],
        0.266_666_666_667,
    );
    check(
        &a,
        "sex × race",
        &[
            ("F × A", 0.5),
            ("F × B", 0.833_333_333_333),
            ("F × C", 1.0 / 3.0),
            ("M × A", 0.571_428_571_429),
            ("M × B", 0.75),
            ("M × C", 0.125),
        ],
        0.15,
    );
}

#[test]
fn hand_checked_small_case_with_exclusion() {
    // 10 people: 6 X (3 selected), 3 Y (1 selected), 1 Z (1 selected); 1 has no label.
    let mut l = GroupLabels::new(["g"]).unwrap();
    let groups = ["X", "X", "X", "X", "X", "X", "Y", "Y", "Y", "Z"];
    for (i, g) in groups.iter().enumerate() {
        l.insert(i.to_string(), &[Some(g)]).unwrap();
    }
    let ids: Vec<String> = (0..11).map(|i| i.to_string()).collect(); // "10" has no label
    let sel = vec![
        true, true, true, false, false, false, true, false, false, true, true,
    ];
    let opts = FairnessOptions {
        min_group_size: 2,
        ..FairnessOptions::default()
    };
    let a = impact_ratios(&ids, &Outcome::Selected(sel.clone()), &l, &opts).unwrap();
    let t = &a.tables[0];
    // Z is selected 1/1 = 1.0, the highest; X 0.5, Y 1/3.
    assert_eq!(t.highest_group.as_deref(), Some("Z"));
    assert_eq!(t.group("X").unwrap().impact_ratio, Some(0.5));
    assert!((t.group("Y").unwrap().impact_ratio.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert!(t.group("Z").unwrap().small_group);
    assert_eq!(t.unknown, 1);
    assert_eq!(a.positive, 6);
    // Z is 1/11 = 9.1% of the sample: with a 10% exclusion it leaves the comparison, X becomes the top.
    let opts = FairnessOptions {
        exclude_below_share: Some(0.10),
        ..opts
    };
    let a = impact_ratios(&ids, &Outcome::Selected(sel), &l, &opts).unwrap();
    let t = &a.tables[0];
    assert!(t.group("Z").unwrap().excluded);
    assert_eq!(t.group("Z").unwrap().impact_ratio, None);
    assert_eq!(t.group("X").unwrap().impact_ratio, Some(1.0));
    assert!((t.group("Y").unwrap().impact_ratio.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    assert!(
        a.warnings
            .iter()
            .any(|w| w.contains("left out of the impact ratios: Z"))
    );
}

#[test]
fn bad_input_is_rejected() {
    let (ids, labels, sel, _) = data();
    let err = impact_ratios(
        &ids[..3],
        &Outcome::Selected(sel),
        &labels,
        &FairnessOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("3 subjects"));
    let err = impact_ratios(
        &["a"],
        &Outcome::Scores(vec![f64::NAN]),
        &labels,
        &FairnessOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("finite scores"));
    assert!(GroupLabels::new(["sex", "sex"]).is_err());
    let mut l = GroupLabels::new(["sex"]).unwrap();
    assert!(l.insert("x", &[Some("F"), Some("A")]).is_err());
    let err = GroupLabels::from_csv_reader("name,sex\n1,F\n".as_bytes(), "g.csv").unwrap_err();
    assert!(matches!(err, Error::LabelFile { line: 1, .. }));
    let err = GroupLabels::from_csv_reader("id,sex\n1,F\n,M\n".as_bytes(), "g.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "g.csv, line 3: expected an id in the first column, found an empty cell"
    );
}

#[test]
fn all_zero_rates_leave_ratios_undefined() {
    let mut l = GroupLabels::new(["g"]).unwrap();
    l.insert("1", &[Some("X")]).unwrap();
    l.insert("2", &[Some("Y")]).unwrap();
    let a = impact_ratios(
        &["1", "2"],
        &Outcome::Selected(vec![false, false]),
        &l,
        &FairnessOptions::default(),
    )
    .unwrap();
    assert!(
        a.tables[0]
            .rows
            .iter()
            .all(|r| r.impact_ratio.is_none() && !r.below_four_fifths)
    );
    assert!(a.warnings.iter().any(|w| w.contains("undefined")));
}

proptest! {
    #[test]
    fn impact_ratios_lie_in_0_1_with_the_top_group_at_1(
        people in proptest::collection::vec((0u8..4, 0u8..3, any::<bool>(), 0u8..20), 1..80),
        scoring in any::<bool>(),
    ) {
        let mut l = GroupLabels::new(["a", "b"]).unwrap();
        let mut ids = vec![];
        for (i, (a, b, _, _)) in people.iter().enumerate() {
            let a = (*a < 3).then(|| ["p", "q", "r"][*a as usize]);
            l.insert(i.to_string(), &[a, Some(["u", "v", "w"][*b as usize])]).unwrap();
            ids.push(i.to_string());
        }
        let outcome = if scoring {
            Outcome::Scores(people.iter().map(|p| f64::from(p.3)).collect())
        } else {
            Outcome::Selected(people.iter().map(|p| p.2).collect())
        };
        let audit = impact_ratios(&ids, &outcome, &l, &FairnessOptions::default()).unwrap();
        for t in &audit.tables {
            let ratios: Vec<f64> = t.rows.iter().filter_map(|r| r.impact_ratio).collect();
            prop_assert!(ratios.iter().all(|&r| (0.0..=1.0).contains(&r)));
            if !ratios.is_empty() {
                prop_assert!(ratios.contains(&1.0));
                let top = t.group(t.highest_group.as_deref().unwrap()).unwrap();
                prop_assert_eq!(top.impact_ratio, Some(1.0));
            }
            let counted: usize = t.rows.iter().map(|r| r.count).sum();
            prop_assert_eq!(counted + t.unknown, ids.len());
        }
    }
}
