//! How many threads rapport's parallel work uses: the loaders and the skill-evidence pass.

/// `n` when positive; else the `RAPPORT_THREADS` environment variable when it is a positive number;
/// else every core.
///
/// ```
/// assert_eq!(rapport_core::threads::effective(3), 3);
/// assert!(rapport_core::threads::effective(0) >= 1);
/// ```
pub fn effective(n: usize) -> usize {
    if n > 0 {
        return n;
    }
    std::env::var("RAPPORT_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}
