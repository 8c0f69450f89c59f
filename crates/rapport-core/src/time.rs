//! Time helpers shared by the analyses: recency decay and `as_of`.

use chrono::{DateTime, Utc};

/// Milliseconds in a day.
pub const DAY_MS: f64 = 86_400_000.0;

/// The recency weight of an event `age_ms` old under a half-life: 2^(−age/half_life).
///
/// Events in the future of `as_of` (negative age) weigh 1: they are not boosted.
///
/// ```
/// use rapport_core::time::{decay, DAY_MS};
/// assert_eq!(decay(0.0, 30.0), 1.0);
/// assert!((decay(30.0 * DAY_MS, 30.0) - 0.5).abs() < 1e-12);
/// assert!((decay(60.0 * DAY_MS, 30.0) - 0.25).abs() < 1e-12);
/// ```
pub fn decay(age_ms: f64, half_life_days: f64) -> f64 {
    if age_ms <= 0.0 {
        return 1.0;
    }
    (-(age_ms / (half_life_days * DAY_MS))).exp2()
}

/// Milliseconds since the Unix epoch.
pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The median of a list of values (the mean of the two middle ones for an even count).
///
/// ```
/// assert_eq!(rapport_core::time::median(&mut [3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(rapport_core::time::median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
/// assert_eq!(rapport_core::time::median(&mut []), None);
/// ```
pub fn median(values: &mut [f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// A quantile by linear interpolation between closest ranks (numpy's default), `q` in 0..=1.
///
/// ```
/// assert_eq!(rapport_core::time::quantile(&mut [1.0, 2.0, 3.0, 4.0, 5.0], 0.9), Some(4.6));
/// ```
pub fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(values[lo] + (values[hi] - values[lo]) * frac)
}
