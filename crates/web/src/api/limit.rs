//! A request budget per API key: a token bucket refilled continuously, so a client may burst up
//! to the bucket's size and then keeps the steady rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::Error;

pub struct RateLimiter {
    per_minute: u32,
    burst: u32,
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        let per_minute = per_minute.max(1);
        RateLimiter { per_minute, burst: per_minute.clamp(1, 600), buckets: Mutex::new(HashMap::new()) }
    }

    /// Spends one request of `key`'s budget, or says when the next one will be available.
    pub fn check(&self, key: i64) -> Result<(), Error> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: i64, now: Instant) -> Result<(), Error> {
        let rate = self.per_minute as f64 / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, last) = buckets.entry(key).or_insert((self.burst as f64, now));
        *tokens = (*tokens + now.saturating_duration_since(*last).as_secs_f64() * rate).min(self.burst as f64);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Error::RateLimited { retry_after_secs: ((1.0 - *tokens) / rate).ceil().max(1.0) as u64 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bursts_then_keeps_the_rate() {
        let limiter = RateLimiter::new(60);
        let t0 = Instant::now();
        for _ in 0..60 {
            limiter.check_at(1, t0).unwrap();
        }
        let Err(Error::RateLimited { retry_after_secs }) = limiter.check_at(1, t0) else { panic!("not limited") };
        assert_eq!(retry_after_secs, 1);
        assert!(limiter.check_at(2, t0).is_ok(), "keys have separate budgets");
        assert!(limiter.check_at(1, t0 + Duration::from_secs(1)).is_ok(), "one request a second comes back");
        assert!(limiter.check_at(1, t0 + Duration::from_secs(1)).is_err());
    }
}
