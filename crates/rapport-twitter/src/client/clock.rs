//! Time, behind a trait, so that pacing, rate-limit waits and retry backoff can be tested on a fake
//! clock that records every sleep instead of sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A boxed, sendable future returned by [`Clock::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The wall clock and the sleeper used by the client.
///
/// Rate-limit resets arrive as Unix timestamps, so the clock is a wall clock (`DateTime<Utc>`).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// The real clock: `Utc::now()` and `tokio::time::sleep`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: `sleep` returns at once, advances the time and records the duration.
///
/// ```
/// use rapport_twitter::client::{Clock, FakeClock};
/// use chrono::{TimeZone, Utc};
/// use std::time::Duration;
///
/// let clock = FakeClock::new(Utc.timestamp_opt(1_000, 0).unwrap());
/// futures::executor::block_on(clock.sleep(Duration::from_millis(1500)));
/// assert_eq!(clock.now().timestamp_millis(), 1_001_500);
/// assert_eq!(clock.sleeps(), vec![Duration::from_millis(1500)]);
/// ```
#[derive(Debug, Clone)]
pub struct FakeClock {
    state: Arc<Mutex<FakeState>>,
}

#[derive(Debug)]
struct FakeState {
    now: DateTime<Utc>,
    sleeps: Vec<Duration>,
}

impl FakeClock {
    /// A fake clock starting at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            state: Arc::new(Mutex::new(FakeState {
                now: start,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The sum of all sleeps so far.
    pub fn total_slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }

    /// Moves the time forward without recording a sleep (time spent "elsewhere").
    pub fn advance(&self, by: Duration) {
        let mut s = self.lock();
        s.now += chrono::Duration::from_std(by).unwrap_or(chrono::Duration::zero());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        // A poisoned lock only means another test thread panicked; the data is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        self.lock().now
    }

    fn sleep(&self, duration: Duration) -> SleepFuture {
        {
            let mut s = self.lock();
            s.now += chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::zero());
            s.sleeps.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}

/// The non-negative time from `now` until `then` (zero if `then` has passed).
pub(crate) fn until(now: DateTime<Utc>, then: DateTime<Utc>) -> Duration {
    (then - now).to_std().unwrap_or(Duration::ZERO)
}
