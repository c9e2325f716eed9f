//! Where the application layer and the web layer read the time: a [`Clock`] in their state, the
//! system's in a running node, a [`TestClock`] that tests set and step instead of sleeping.
//! (The store still reads the wall clock for what readers may see now, and takes `now` from the
//! caller for everything a caller decides: saves, scheduled jobs, locks, sessions.)

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until told: set to a time, stepped forward.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    pub fn at(t: Timestamp) -> TestClock {
        TestClock(Mutex::new(t))
    }

    pub fn set(&self, t: Timestamp) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = t;
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut t = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *t = t.checked_add(by).unwrap_or(*t);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_clock_stands_still_until_stepped() {
        let t: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let clock = TestClock::at(t);
        assert_eq!(clock.now(), t);
        assert_eq!(clock.now(), t);
        clock.advance(SignedDuration::from_mins(5));
        assert_eq!(clock.now(), "2026-06-01T12:05:00Z".parse().unwrap());
        clock.set(t);
        assert_eq!(clock.now(), t);
        assert!(SystemClock.now() > t - SignedDuration::from_hours(24 * 365 * 10));
    }
}
