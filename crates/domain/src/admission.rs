//! How long a busy node asks agents to stay away (SYS-1 at scale).
//!
//! A node admits a bounded number of sessions at once; the others are refused with a
//! `retryAfterSeconds`. Each refusal still cost a TLS and WebSocket handshake on both sides, so in
//! a reconnect storm a fixed short wait makes the waiting agents come back far faster than the
//! node admits them, and the node spends its CPU refusing. The wait therefore follows the load:
//! over each window, `attempts` sessions asked to be admitted and `admitted` got in; while more
//! ask than get in, the wait grows by the square root of their ratio (a half step towards the
//! wait at which agents would come back exactly as fast as they are admitted), and once the node
//! keeps up it halves per window back to the minimum.

use std::time::Duration;

/// The shortest wait a busy node asks for.
pub const MIN_RETRY: Duration = Duration::from_secs(5);
/// The longest: a system is shown offline meanwhile, so not more than five minutes.
pub const MAX_RETRY: Duration = Duration::from_secs(300);
/// Below this share of refused attempts the node is keeping up.
const KEEPING_UP: f64 = 1.05;

/// The wait to ask for after a window in which `attempts` sessions asked and `admitted` got in,
/// `windows` windows after the last look (a quiet node decays once per window).
pub fn next_retry(current: Duration, attempts: u64, admitted: u64, windows: u32) -> Duration {
    let current = current.clamp(MIN_RETRY, MAX_RETRY).as_secs_f64();
    let ratio = attempts as f64 / admitted.max(1) as f64;
    let next = if attempts == 0 || ratio <= KEEPING_UP {
        current * 0.5f64.powi(windows.clamp(1, 16) as i32)
    } else {
        current * ratio.sqrt()
    };
    Duration::from_secs_f64(next.clamp(MIN_RETRY.as_secs_f64(), MAX_RETRY.as_secs_f64()))
}

/// The seconds one refused agent is told: `wait` spread over ±50 % by `u` in `[0, 1)`, so that
/// the agents refused together do not all come back together.
pub fn spread(wait: Duration, u: f64) -> u64 {
    let s = wait.as_secs_f64() * (0.5 + u.clamp(0.0, 1.0));
    (s.round() as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sys_1_a_node_that_keeps_up_asks_for_the_minimum() {
        assert_eq!(next_retry(MIN_RETRY, 0, 0, 1), MIN_RETRY);
        assert_eq!(next_retry(MIN_RETRY, 100, 100, 1), MIN_RETRY);
        // Quiet windows halve a long wait, once per window.
        assert_eq!(next_retry(Duration::from_secs(80), 10, 10, 1).as_secs(), 40);
        assert_eq!(next_retry(Duration::from_secs(80), 0, 0, 2).as_secs(), 20);
        assert_eq!(next_retry(Duration::from_secs(80), 0, 0, 9), MIN_RETRY);
    }

    #[test]
    fn sys_1_a_storm_lengthens_the_wait_up_to_five_minutes() {
        // 16 times more asking than getting in: the wait grows fourfold.
        assert_eq!(next_retry(MIN_RETRY, 1600, 100, 1).as_secs(), 20);
        // Nobody got in at all: the ratio is against one admission.
        assert_eq!(next_retry(MIN_RETRY, 400, 0, 1).as_secs(), 100);
        let mut wait = MIN_RETRY;
        for _ in 0..10 {
            wait = next_retry(wait, 5000, 100, 1);
        }
        assert_eq!(wait, MAX_RETRY);
        // Out-of-range inputs are brought back within the bounds.
        assert_eq!(next_retry(Duration::ZERO, 0, 0, 1), MIN_RETRY);
        assert_eq!(
            next_retry(Duration::from_secs(9999), 1, 1, 0).as_secs(),
            150
        );
    }

    #[test]
    fn sys_1_refused_agents_are_spread_over_half_to_one_and_a_half_times_the_wait() {
        let wait = Duration::from_secs(100);
        assert_eq!(spread(wait, 0.0), 50);
        assert_eq!(spread(wait, 0.5), 100);
        assert_eq!(spread(wait, 0.999_999), 150);
        assert_eq!(spread(wait, 7.0), 150);
        assert_eq!(spread(Duration::ZERO, 0.0), 1);
    }
}
