//! Reconnection back-off: capped exponential with "equal jitter" (half of the ceiling is fixed, the
//! other half random), reset once a connection has stayed up long enough.

use rand::Rng;
use std::time::Duration;

/// Capped exponential back-off with equal jitter.
///
/// Attempt `n` (0-based since the last reset) has the ceiling `min(cap, base · 2ⁿ)`; the delay is
/// drawn uniformly from `[ceiling / 2, ceiling]`, so consecutive failures spread out over time
/// without a thundering herd, and a retry never comes sooner than half the ceiling.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap: cap.max(base),
            attempt: 0,
        }
    }

    /// How many delays were handed out since the last reset.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The upper bound of the next delay.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The next delay to wait, in `[ceiling / 2, ceiling]`.
    pub fn next_delay<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        let spread = ceiling.saturating_sub(half);
        if spread.is_zero() {
            return ceiling;
        }
        half + rng.gen_range(Duration::ZERO..=spread)
    }

    /// Back to the first delay (after a connection stayed up long enough).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn sys_1_backoff_doubles_from_one_second_and_caps_at_sixty() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let mut rng = StdRng::seed_from_u64(7);
        let mut ceilings = Vec::new();
        for _ in 0..10 {
            ceilings.push(b.ceiling().as_secs());
            let _ = b.next_delay(&mut rng);
        }
        assert_eq!(ceilings, vec![1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
        // Very many failures never overflow.
        for _ in 0..100 {
            let _ = b.next_delay(&mut rng);
        }
        assert_eq!(b.ceiling(), Duration::from_secs(60));
    }

    #[test]
    fn sys_1_backoff_is_jittered_within_half_to_full_ceiling() {
        let mut rng = StdRng::seed_from_u64(42);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
            for _ in 0..8 {
                let ceiling = b.ceiling();
                let d = b.next_delay(&mut rng);
                assert!(d >= ceiling / 2 && d <= ceiling, "{d:?} vs {ceiling:?}");
                if ceiling == Duration::from_secs(60) {
                    seen.insert(d.as_millis());
                }
            }
        }
        // Jitter actually spreads the capped delays.
        assert!(seen.len() > 100, "only {} distinct delays", seen.len());
        assert!(seen.iter().all(|ms| (30_000..=60_000).contains(ms)));
    }

    #[test]
    fn sys_1_backoff_resets_after_a_stable_connection() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..5 {
            let _ = b.next_delay(&mut rng);
        }
        assert_eq!(b.attempt(), 5);
        assert_eq!(b.ceiling(), Duration::from_secs(32));
        b.reset();
        assert_eq!(b.attempt(), 0);
        let d = b.next_delay(&mut rng);
        assert!(d >= Duration::from_millis(500) && d <= Duration::from_secs(1));
    }
}
