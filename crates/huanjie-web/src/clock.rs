//! The app's one source of "now".
//!
//! The store never reads the clock (callers pass `now`), and neither do the
//! handlers: they ask the [`Clock`] in the app state. Tests move that clock
//! forward to see sessions and station tokens expire on a real running
//! server without sleeping for a day.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// The system clock plus an offset that only tests change.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<Mutex<Duration>>,
}

impl Clock {
    /// The real time, no offset.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current time as this app sees it.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }

    /// Moves this clock (and every app sharing it) forward by `by`.
    /// Meant for tests of expiry; production code never calls it.
    pub fn advance(&self, by: Duration) {
        let mut offset = self
            .offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *offset += by;
    }

    fn offset(&self) -> Duration {
        *self
            .offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_forward() {
        let clock = Clock::system();
        let before = clock.now();
        clock.advance(Duration::hours(25));
        assert!(clock.now() - before >= Duration::hours(25));
    }

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::system();
        let other = clock.clone();
        clock.advance(Duration::days(2));
        assert!(other.now() - Utc::now() > Duration::days(1));
    }
}
